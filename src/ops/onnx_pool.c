/* ONNX pooling -> nnbench pool_max / pool_avg (ops/pool.c), global pools ->
 * pool_adaptive_avg / pool_adaptive_max with a 1x1 output
 * (ops/adaptive_pool.c). MaxPool: ceil_mode (opset 10+), dilations,
 * asymmetric pads; AveragePool: count_include_pad (ONNX's default is 0,
 * PyTorch's 1). LRN has no nnbench layer. */
#include "ops/onnx_rule.h"

#include <stdio.h>
#include <string.h>

static int pool_infer(nnb_onnx_node *n, char *err, size_t len)
{
    const nnb_onnx_value *x = nnb_onnx_input(n, 0, err, len);
    nnb_onnx_window w;
    if (!x || nnb_onnx_window_get(n, x, NULL, nnb_onnx_attr_int(n, "ceil_mode", 0) != 0, &w, err, len)) return -1;
    int64_t dim[NNB_ONNX_MAX_RANK] = {x->dim[0], x->dim[1]};
    memcpy(dim + 2, w.out, (size_t)w.sr * sizeof *dim);
    if (nnb_onnx_set_shape(n, 0, x->elem_type, x->rank, dim, err, len)) return -1;
    return nnb_onnx_set_shape(n, 1, NNB_ONNX_INT64, x->rank, dim, err, len); /* MaxPool's Indices */
}

static int pool_layer(const nnb_onnx_node *n, nnb_layer *l, nnb_op op, char *why, size_t len)
{
    nnb_onnx_window w;
    char err[256];
    if (nnb_onnx_window_get(n, n->in[0], NULL, nnb_onnx_attr_int(n, "ceil_mode", 0) != 0, &w, err, sizeof err))
        return -1;
    if (n->nout > 1 && n->out[1]) {
        snprintf(why, len, "MaxPool with Indices");
        return 1;
    }
    nnb_layer_init(l, op);
    if (nnb_onnx_window_layer(&w, l, n->in[0], why, len)) return 1;
    l->k = l->c;
    l->ceil_mode = nnb_onnx_attr_int(n, "ceil_mode", 0) != 0;
    l->count_include_pad = nnb_onnx_attr_int(n, "count_include_pad", 0) != 0;
    return 0;
}

static int max_pool_layer(const nnb_onnx_node *n, nnb_layer *l, char *why, size_t len)
{
    return pool_layer(n, l, NNB_OP_POOL_MAX, why, len);
}

static int avg_pool_layer(const nnb_onnx_node *n, nnb_layer *l, char *why, size_t len)
{
    return pool_layer(n, l, NNB_OP_POOL_AVG, why, len);
}

/* N x C x spatial -> N x C x 1 x ... */
static int global_infer(nnb_onnx_node *n, char *err, size_t len)
{
    const nnb_onnx_value *x = nnb_onnx_input(n, 0, err, len);
    if (!x) return -1;
    if (x->rank < 3) return nnb_onnx_fail(n, err, len, "input has rank %d: N x C x spatial needed", x->rank);
    int64_t dim[NNB_ONNX_MAX_RANK];
    for (int i = 0; i < x->rank; i++) dim[i] = i < 2 ? x->dim[i] : 1;
    return nnb_onnx_set_shape(n, 0, x->elem_type, x->rank, dim, err, len);
}

static int global_layer(const nnb_onnx_node *n, nnb_layer *l, nnb_op op, char *why, size_t len)
{
    const nnb_onnx_value *x = n->in[0];
    if (x->rank != 4) {
        snprintf(why, len, "global pooling over %d spatial dims (nnbench has 2-D)", x->rank - 2);
        return 1;
    }
    nnb_layer_init(l, op);
    l->n = x->dim[0];
    l->c = l->k = x->dim[1];
    l->h = x->dim[2];
    l->w = x->dim[3];
    l->oh = l->ow = 1;
    return 0;
}

static int global_avg_layer(const nnb_onnx_node *n, nnb_layer *l, char *why, size_t len)
{
    return global_layer(n, l, NNB_OP_POOL_ADAPTIVE_AVG, why, len);
}

static int global_max_layer(const nnb_onnx_node *n, nnb_layer *l, char *why, size_t len)
{
    return global_layer(n, l, NNB_OP_POOL_ADAPTIVE_MAX, why, len);
}

const nnb_onnx_rule nnb_onnx_max_pool = {"MaxPool", 1, 1, pool_infer, max_pool_layer};
const nnb_onnx_rule nnb_onnx_average_pool = {"AveragePool", 1, 1, pool_infer, avg_pool_layer};
const nnb_onnx_rule nnb_onnx_global_average_pool = {"GlobalAveragePool", 1, 1, global_infer, global_avg_layer};
const nnb_onnx_rule nnb_onnx_global_max_pool = {"GlobalMaxPool", 1, 1, global_infer, global_max_layer};
const nnb_onnx_rule nnb_onnx_lrn = {"LRN", 1, 1, nnb_onnx_infer_same, NULL};
