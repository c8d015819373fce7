/* ONNX element-wise ops. Relu -> relu, Clip to [0, 6] -> relu6, Clip to
 * [0, inf) -> relu (ops/act.c); Add of two same-shape tensors -> add
 * (ops/add.c: the residual add); Dropout in inference -> dropout. Every
 * other activation, a broadcasting Add (squeeze-excitation, a bias) and
 * Sub/Mul/Div/Pow have no nnbench layer: their shapes are inferred
 * (numpy broadcasting) and, on small known values, folded (exporters'
 * shape arithmetic). */
#include "ops/onnx_rule.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int nnb_onnx_eltwise_layer(const nnb_onnx_value *x, nnb_layer *l, nnb_op op, char *why, size_t len)
{
    if (x->rank != 4 && x->rank != 2) {
        snprintf(why, len, "rank-%d tensor (nnbench's element-wise layers are N x C x H x W)", x->rank);
        return 1;
    }
    nnb_layer_init(l, op);
    l->n = x->dim[0];
    l->c = l->k = x->dim[1];
    l->h = x->rank == 4 ? x->dim[2] : 1;
    l->w = x->rank == 4 ? x->dim[3] : 1;
    return 0;
}

static int relu_layer(const nnb_onnx_node *n, nnb_layer *l, char *why, size_t len)
{
    return nnb_onnx_eltwise_layer(n->in[0], l, NNB_OP_RELU, why, len);
}

/* Clip's bounds: attributes min/max before opset 11, optional inputs after */
static bool clip_bound(const nnb_onnx_node *n, size_t input, const char *attr, double def, double *v)
{
    *v = def;
    if (n->opset < 11) {
        *v = nnb_onnx_attr_float(n, attr, def);
        return true;
    }
    if (input >= n->nin || !n->in[input]) return true;
    const nnb_onnx_value *b = nnb_onnx_input_values(n, input);
    if (!b || b->nval != 1) return false;
    *v = b->fval[0];
    return true;
}

static int clip_layer(const nnb_onnx_node *n, nnb_layer *l, char *why, size_t len)
{
    double lo, hi;
    if (!clip_bound(n, 1, "min", -INFINITY, &lo) || !clip_bound(n, 2, "max", INFINITY, &hi)) {
        snprintf(why, len, "Clip with computed bounds");
        return 1;
    }
    if (lo == 0 && hi == 6) return nnb_onnx_eltwise_layer(n->in[0], l, NNB_OP_RELU6, why, len);
    if (lo == 0 && isinf(hi) && hi > 0) return nnb_onnx_eltwise_layer(n->in[0], l, NNB_OP_RELU, why, len);
    snprintf(why, len, "Clip to [%g, %g] (relu is [0, inf), relu6 [0, 6])", lo, hi);
    return 1;
}

/* Dropout: inference (no training_mode, or training_mode known false; the
 * mask output unread) is the identity nnbench's dropout runs */
static int dropout_infer(nnb_onnx_node *n, char *err, size_t len)
{
    const nnb_onnx_value *x = nnb_onnx_input(n, 0, err, len);
    if (!x || nnb_onnx_set_shape(n, 0, x->elem_type, x->rank, x->dim, err, len)) return -1;
    return nnb_onnx_set_shape(n, 1, NNB_ONNX_BOOL, x->rank, x->dim, err, len);
}

static int dropout_layer(const nnb_onnx_node *n, nnb_layer *l, char *why, size_t len)
{
    const nnb_onnx_value *t = nnb_onnx_input_values(n, 2);
    bool training = n->nin > 2 && n->in[2] && (!t || t->ival[0] != 0);
    if (training || (n->nout > 1 && n->out[1]) || nnb_onnx_attr_int(n, "is_test", 1) == 0) {
        snprintf(why, len, "training-mode Dropout (nnbench's dropout is the inference identity)");
        return 1;
    }
    return nnb_onnx_eltwise_layer(n->in[0], l, NNB_OP_DROPOUT, why, len);
}

static double add(double a, double b) { return a + b; }
static double sub(double a, double b) { return a - b; }
static double mul(double a, double b) { return a * b; }
static double div_(double a, double b) { return a / b; }
static int add_infer(nnb_onnx_node *n, char *err, size_t len) { return nnb_onnx_infer_broadcast(n, err, len, add); }
static int sub_infer(nnb_onnx_node *n, char *err, size_t len) { return nnb_onnx_infer_broadcast(n, err, len, sub); }
static int mul_infer(nnb_onnx_node *n, char *err, size_t len) { return nnb_onnx_infer_broadcast(n, err, len, mul); }
static int div_infer(nnb_onnx_node *n, char *err, size_t len) { return nnb_onnx_infer_broadcast(n, err, len, div_); }
static int pow_infer(nnb_onnx_node *n, char *err, size_t len) { return nnb_onnx_infer_broadcast(n, err, len, pow); }

/* the residual add: two inputs of one shape; broadcasting is not it */
static int add_layer(const nnb_onnx_node *n, nnb_layer *l, char *why, size_t len)
{
    const nnb_onnx_value *a = n->in[0], *b = n->in[1];
    if (a->rank != b->rank || memcmp(a->dim, b->dim, (size_t)a->rank * sizeof *a->dim) != 0) {
        snprintf(why, len, "broadcasting Add (nnbench's add sums two tensors of one shape)");
        return 1;
    }
    return nnb_onnx_eltwise_layer(a, l, NNB_OP_ADD, why, len);
}

const nnb_onnx_rule nnb_onnx_relu = {"Relu", 1, 1, nnb_onnx_infer_same, relu_layer};
const nnb_onnx_rule nnb_onnx_clip = {"Clip", 1, 3, nnb_onnx_infer_same, clip_layer};
const nnb_onnx_rule nnb_onnx_dropout = {"Dropout", 1, 3, dropout_infer, dropout_layer};
const nnb_onnx_rule nnb_onnx_sigmoid = {"Sigmoid", 1, 1, nnb_onnx_infer_same, NULL};
const nnb_onnx_rule nnb_onnx_hard_sigmoid = {"HardSigmoid", 1, 1, nnb_onnx_infer_same, NULL};
const nnb_onnx_rule nnb_onnx_hard_swish = {"HardSwish", 1, 1, nnb_onnx_infer_same, NULL};
const nnb_onnx_rule nnb_onnx_tanh = {"Tanh", 1, 1, nnb_onnx_infer_same, NULL};
const nnb_onnx_rule nnb_onnx_leaky_relu = {"LeakyRelu", 1, 1, nnb_onnx_infer_same, NULL};
const nnb_onnx_rule nnb_onnx_softmax = {"Softmax", 1, 1, nnb_onnx_infer_same, NULL};
const nnb_onnx_rule nnb_onnx_erf = {"Erf", 1, 1, nnb_onnx_infer_same, NULL};
const nnb_onnx_rule nnb_onnx_sqrt = {"Sqrt", 1, 1, nnb_onnx_infer_same, NULL};
const nnb_onnx_rule nnb_onnx_exp = {"Exp", 1, 1, nnb_onnx_infer_same, NULL};
const nnb_onnx_rule nnb_onnx_add = {"Add", 2, 2, add_infer, add_layer};
const nnb_onnx_rule nnb_onnx_sub = {"Sub", 2, 2, sub_infer, NULL};
const nnb_onnx_rule nnb_onnx_mul = {"Mul", 2, 2, mul_infer, NULL};
const nnb_onnx_rule nnb_onnx_div = {"Div", 2, 2, div_infer, NULL};
const nnb_onnx_rule nnb_onnx_pow = {"Pow", 2, 2, pow_infer, NULL};
