/* ONNX Gemm and MatMul -> nnbench fc (ops/fc.c) where they are a fully
 * connected layer exactly (y = x W^T + b over weights that are an
 * initializer, alpha = beta = 1); BatchNormalization -> bn (ops/bn.c),
 * per channel over N x C x H x W. */
#include "ops/onnx_rule.h"

#include <stdio.h>
#include <string.h>

/* Gemm: A (M x K, or K x M with transA) times B (K x N, or N x K with
 * transB), plus C broadcast to M x N */
static int gemm_infer(nnb_onnx_node *n, char *err, size_t len)
{
    const nnb_onnx_value *a = nnb_onnx_input(n, 0, err, len), *b = a ? nnb_onnx_input(n, 1, err, len) : NULL;
    if (!b) return -1;
    if (a->rank != 2 || b->rank != 2) return nnb_onnx_fail(n, err, len, "A and B must be matrices");
    bool ta = nnb_onnx_attr_int(n, "transA", 0), tb = nnb_onnx_attr_int(n, "transB", 0);
    int64_t m = a->dim[ta ? 1 : 0], k = a->dim[ta ? 0 : 1], kb = b->dim[tb ? 1 : 0], nn = b->dim[tb ? 0 : 1];
    if (k != kb) return nnb_onnx_fail(n, err, len, "A's %lld columns do not meet B's %lld rows", (long long)k, (long long)kb);
    int64_t dim[2] = {m, nn};
    return nnb_onnx_set_shape(n, 0, a->elem_type, 2, dim, err, len);
}

static int gemm_layer(const nnb_onnx_node *n, nnb_layer *l, char *why, size_t len)
{
    const nnb_onnx_value *a = n->in[0], *b = n->in[1], *c = n->nin > 2 ? n->in[2] : NULL;
    bool tb = nnb_onnx_attr_int(n, "transB", 0);
    if (nnb_onnx_attr_int(n, "transA", 0) || nnb_onnx_attr_float(n, "alpha", 1) != 1 ||
        (c && nnb_onnx_attr_float(n, "beta", 1) != 1)) {
        snprintf(why, len, "Gemm with transA, alpha or beta (fc is x W^T + b)");
        return 1;
    }
    if (!b->is_init || (c && (!c->is_init || c->rank != 1))) {
        snprintf(why, len, "Gemm whose weights or bias are computed, not an initializer");
        return 1;
    }
    nnb_layer_init(l, NNB_OP_FC);
    l->n = a->dim[0];
    l->c = a->dim[1];
    l->k = b->dim[tb ? 0 : 1];
    l->bias = c != NULL;
    return 0;
}

/* MatMul: numpy matmul; batch dims broadcast */
static int matmul_infer(nnb_onnx_node *n, char *err, size_t len)
{
    const nnb_onnx_value *a = nnb_onnx_input(n, 0, err, len), *b = a ? nnb_onnx_input(n, 1, err, len) : NULL;
    if (!b) return -1;
    if (a->rank < 1 || b->rank < 1) return nnb_onnx_fail(n, err, len, "MatMul of scalars");
    int64_t ka = a->dim[a->rank - 1], kb = b->dim[b->rank >= 2 ? b->rank - 2 : 0];
    if (ka != kb) return nnb_onnx_fail(n, err, len, "inner dimensions %lld and %lld differ", (long long)ka, (long long)kb);
    int ra = a->rank >= 2 ? a->rank - 2 : 0, rb = b->rank >= 2 ? b->rank - 2 : 0, r = ra > rb ? ra : rb;
    int64_t dim[NNB_ONNX_MAX_RANK + 2];
    for (int i = 0; i < r; i++) {
        int ia = i - (r - ra), ib = i - (r - rb);
        int64_t da = ia >= 0 ? a->dim[ia] : 1, db = ib >= 0 ? b->dim[ib] : 1;
        if (da != db && da != 1 && db != 1) return nnb_onnx_fail(n, err, len, "batch dimensions do not broadcast");
        dim[i] = da == 1 ? db : da;
    }
    int o = r;
    if (a->rank >= 2) dim[o++] = a->dim[a->rank - 2];
    if (b->rank >= 2) dim[o++] = b->dim[b->rank - 1];
    return nnb_onnx_set_shape(n, 0, a->elem_type, o, dim, err, len);
}

/* x (.. x K) times an initializer K x N: a linear layer without bias over
 * every row of x */
static int matmul_layer(const nnb_onnx_node *n, nnb_layer *l, char *why, size_t len)
{
    const nnb_onnx_value *a = n->in[0], *b = n->in[1];
    if (!b->is_init || b->rank != 2 || a->rank < 2) {
        snprintf(why, len, "MatMul of two activations (fc needs weights)");
        return 1;
    }
    nnb_layer_init(l, NNB_OP_FC);
    l->n = nnb_onnx_elems(a) / a->dim[a->rank - 1];
    l->c = a->dim[a->rank - 1];
    l->k = b->dim[1];
    l->bias = false;
    return 0;
}

/* X, scale, B, mean, var -> Y (and, in training, running mean and var) */
static int bn_infer(nnb_onnx_node *n, char *err, size_t len)
{
    const nnb_onnx_value *x = nnb_onnx_input(n, 0, err, len);
    if (!x) return -1;
    if (x->rank < 2) return nnb_onnx_fail(n, err, len, "input must be N x C x ...");
    for (size_t i = 1; i < 5; i++) {
        const nnb_onnx_value *p = nnb_onnx_input(n, i, err, len);
        if (!p) return -1;
        if (p->rank != 1 || p->dim[0] != x->dim[1])
            return nnb_onnx_fail(n, err, len, "'%s' must hold one value per channel (%lld)", p->name, (long long)x->dim[1]);
    }
    if (nnb_onnx_set_shape(n, 0, x->elem_type, x->rank, x->dim, err, len)) return -1;
    for (size_t i = 1; i < n->nout; i++) /* running mean, var (saved mean, var before opset 14) */
        if (nnb_onnx_set_shape(n, i, x->elem_type, 1, x->dim + 1, err, len)) return -1;
    return 0;
}

/* nnbench's bn is the inference form (scale and shift); a training-mode
 * node (training_mode = 1, or the statistics outputs read) computes batch
 * statistics too */
static int bn_layer(const nnb_onnx_node *n, nnb_layer *l, char *why, size_t len)
{
    const nnb_onnx_value *x = n->in[0];
    bool training = nnb_onnx_attr_int(n, "training_mode", 0) != 0;
    for (size_t i = 1; i < n->nout; i++) training = training || n->out[i];
    if (training) {
        snprintf(why, len, "training-mode BatchNormalization (batch statistics; nnbench's bn is inference)");
        return 1;
    }
    if (x->rank != 4) {
        snprintf(why, len, "BatchNormalization over rank %d (nnbench's bn is N x C x H x W)", x->rank);
        return 1;
    }
    nnb_layer_init(l, NNB_OP_BN);
    l->n = x->dim[0];
    l->c = l->k = x->dim[1];
    l->h = x->dim[2];
    l->w = x->dim[3];
    return 0;
}

const nnb_onnx_rule nnb_onnx_gemm = {"Gemm", 2, 3, gemm_infer, gemm_layer};
const nnb_onnx_rule nnb_onnx_matmul = {"MatMul", 2, 2, matmul_infer, matmul_layer};
const nnb_onnx_rule nnb_onnx_batch_norm = {"BatchNormalization", 5, 5, bn_infer, bn_layer};
