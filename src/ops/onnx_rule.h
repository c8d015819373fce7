/* ONNX rules, beside the ops: for each ONNX op type, how its outputs'
 * shapes follow from its inputs and attributes (ONNX's operator spec,
 * opsets 7-21), and which nnbench layer it is, exactly, if any. The reader
 * (net/onnx/) only parses the file and walks the graph; it asks these
 * rules and never switches on an op type. Adding an ONNX op is one rule
 * (in the file of its op family, ops/onnx_*.c, or of its op) and one line:
 * in its op's descriptor (.onnx) when it makes nnbench layers, else in
 * the table of the others (ops/onnx_table.c). */
#ifndef NNBENCH_OPS_ONNX_RULE_H
#define NNBENCH_OPS_ONNX_RULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nnbench/layer.h"

#define NNB_ONNX_MAX_RANK 8
/* integer and float tensors up to this many elements are read for their
 * values (the shape arithmetic exporters emit; Clip bounds; Resize scales) */
#define NNB_ONNX_MAX_CONST 64

/* TensorProto.DataType values the rules name */
enum { NNB_ONNX_FLOAT = 1, NNB_ONNX_INT32 = 6, NNB_ONNX_INT64 = 7, NNB_ONNX_BOOL = 9, NNB_ONNX_DOUBLE = 11 };

/* A tensor of the graph: its type and shape once known; its values when
 * they are small and known before running (constants, shape arithmetic). */
typedef struct nnb_onnx_value {
    const char *name;
    int elem_type;      /* TensorProto.DataType; 0: unknown */
    int rank;           /* -1: shape not known */
    int64_t dim[NNB_ONNX_MAX_RANK];
    int nval;           /* -1: values unknown; else the element count, <= NNB_ONNX_MAX_CONST */
    int64_t *ival;      /* values as integers (floats truncated) */
    double *fval;       /* values as reals */
    bool is_init;       /* an initializer (weights): shape and type only */
    int producer;       /* node index; -1: graph input or initializer */
} nnb_onnx_value;

/* AttributeProto.AttributeType values the rules read */
enum { NNB_ONNX_ATTR_FLOAT = 1, NNB_ONNX_ATTR_INT = 2, NNB_ONNX_ATTR_STRING = 3, NNB_ONNX_ATTR_TENSOR = 4,
       NNB_ONNX_ATTR_FLOATS = 6, NNB_ONNX_ATTR_INTS = 7 };

typedef struct nnb_onnx_attr {
    const char *name;
    int type;
    int64_t i;
    double f;
    const char *s;              /* STRING, not terminated: slen bytes */
    size_t slen;
    const int64_t *ints;
    size_t nints;
    const float *floats;
    size_t nfloats;
    const nnb_onnx_value *t;    /* TENSOR: type, shape, small values */
} nnb_onnx_attr;

typedef struct nnb_onnx_node {
    const char *name, *op_type;
    char label[96];             /* the node's name, or op_type#index */
    int64_t opset;              /* of the default domain */
    size_t nin, nout;
    nnb_onnx_value **in;        /* NULL: an optional input left empty ("") */
    nnb_onnx_value **out;
    const nnb_onnx_attr *attr;
    size_t nattr;
} nnb_onnx_node;

typedef struct nnb_onnx_rule {
    const char *op_type;
    int min_in, max_in;         /* inputs the op takes */
    /* Sets every output's type and shape (and its values where they are
     * shape arithmetic on known values). 0, or -1 with one line in err. */
    int (*infer)(nnb_onnx_node *n, char *err, size_t len);
    /* The nnbench layer that computes the node exactly: 0 with *l set (the
     * graph finalizes it and checks its output shape against infer's);
     * 1 with the reason in why when no layer does (broadcasting, another
     * axis, ...). NULL: the op type is never an nnbench layer. */
    int (*layer)(const nnb_onnx_node *n, nnb_layer *l, char *why, size_t len);
} nnb_onnx_rule;

/* The rule for op_type in the default domain; NULL: none. */
const nnb_onnx_rule *nnb_onnx_rule_find(const char *op_type);
/* every rule, in table order (the README and tests list them) */
const nnb_onnx_rule *const *nnb_onnx_rules(size_t *count);

/* ---- for the rules (ops/onnx_*.c) ---- */
const nnb_onnx_attr *nnb_onnx_attr_get(const nnb_onnx_node *n, const char *name);
int64_t nnb_onnx_attr_int(const nnb_onnx_node *n, const char *name, int64_t def);
double nnb_onnx_attr_float(const nnb_onnx_node *n, const char *name, double def);
/* true when the string attribute equals s */
bool nnb_onnx_attr_is(const nnb_onnx_node *n, const char *name, const char *s);
/* an INTS attribute into v (at most max); its count, or -1 when absent */
int nnb_onnx_attr_ints(const nnb_onnx_node *n, const char *name, int64_t *v, int max);
/* input i with a known shape; NULL with one line in err */
const nnb_onnx_value *nnb_onnx_input(const nnb_onnx_node *n, size_t i, char *err, size_t len);
/* input i's values when it is present and known (shape arithmetic, a
 * constant); NULL otherwise */
const nnb_onnx_value *nnb_onnx_input_values(const nnb_onnx_node *n, size_t i);
/* Output i gets elem_type and shape dim[0..rank): every dimension >= 0 and
 * the element count within 2^62. 0, or -1 with one line in err. */
int nnb_onnx_set_shape(nnb_onnx_node *n, size_t i, int elem_type, int rank, const int64_t *dim, char *err,
                       size_t len);
/* Output i's values (count = its element count, <= NNB_ONNX_MAX_CONST);
 * the shape must be set. ival or fval may be NULL (derived from the other). */
int nnb_onnx_set_values(nnb_onnx_node *n, size_t i, const int64_t *ival, const double *fval, char *err, size_t len);
int64_t nnb_onnx_elems(const nnb_onnx_value *v);
/* an axis in [-rank, rank) made non-negative; -1 with one line in err */
int nnb_onnx_axis(const nnb_onnx_node *n, int64_t axis, int rank, int64_t *out, char *err, size_t len);
/* "1x64x56x56" */
const char *nnb_onnx_shape_str(const nnb_onnx_value *v, char *buf, size_t len);
/* one line naming the node: "node 'conv1' (Conv): ..." */
int nnb_onnx_fail(const nnb_onnx_node *n, char *err, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* the rules' shared shapes: output 0 = input 0 (element-wise, one input) */
int nnb_onnx_infer_same(nnb_onnx_node *n, char *err, size_t len);
/* output 0 = the inputs broadcast together (numpy rules); values folded
 * by op when every input's values are known (NULL: never folded) */
int nnb_onnx_infer_broadcast(nnb_onnx_node *n, char *err, size_t len, double (*op)(double, double));

/* node input x as nnbench's element-wise layer op: 4-D N x C x H x W, or
 * 2-D as N x C x 1 x 1; 1 with the reason in why for other ranks */
int nnb_onnx_eltwise_layer(const nnb_onnx_value *x, nnb_layer *l, nnb_op op, char *why, size_t len);

/* A sliding window over the spatial dimensions (Conv, pools): kernel,
 * strides, dilations, pads at the begin and end of each dimension. */
typedef struct nnb_onnx_window {
    int sr; /* spatial rank: the input's rank - 2 */
    int64_t k[NNB_ONNX_MAX_RANK], s[NNB_ONNX_MAX_RANK], d[NNB_ONNX_MAX_RANK];
    int64_t pb[NNB_ONNX_MAX_RANK], pe[NNB_ONNX_MAX_RANK];
    int64_t out[NNB_ONNX_MAX_RANK];
} nnb_onnx_window;
/* The window of node n over input x (N x C x spatial): kernel from the
 * kernel_shape attribute or, when it is absent, kernel (the weights'
 * spatial dims; NULL: required); strides, dilations, pads or auto_pad
 * (SAME_UPPER, SAME_LOWER, VALID); the output size, floor or ceil. 0, or -1
 * with one line in err. */
/* the attributes alone (pads as given, 0 under auto_pad), for an input of rank */
int nnb_onnx_window_params(const nnb_onnx_node *n, int rank, const int64_t *kernel, nnb_onnx_window *w, char *err,
                           size_t len);
int nnb_onnx_window_get(const nnb_onnx_node *n, const nnb_onnx_value *x, const int64_t *kernel, bool ceil_mode,
                        nnb_onnx_window *w, char *err, size_t len);

/* the window's 1 or 2 spatial dims into l (n, c, h, w, kernel, stride,
 * dilation, pads; 1-D as h = 1); 1 with the reason in why for 3-D and up */
int nnb_onnx_window_layer(const nnb_onnx_window *w, nnb_layer *l, const nnb_onnx_value *x, char *why, size_t len);

/* The rules, by family (ops/onnx_*.c), gathered by the table. */
extern const nnb_onnx_rule nnb_onnx_conv, nnb_onnx_conv_transpose;
extern const nnb_onnx_rule nnb_onnx_max_pool, nnb_onnx_average_pool, nnb_onnx_global_average_pool,
    nnb_onnx_global_max_pool, nnb_onnx_lrn;
extern const nnb_onnx_rule nnb_onnx_gemm, nnb_onnx_matmul, nnb_onnx_batch_norm;
extern const nnb_onnx_rule nnb_onnx_relu, nnb_onnx_clip, nnb_onnx_sigmoid, nnb_onnx_hard_sigmoid, nnb_onnx_hard_swish,
    nnb_onnx_tanh, nnb_onnx_leaky_relu, nnb_onnx_softmax, nnb_onnx_dropout, nnb_onnx_identity, nnb_onnx_erf,
    nnb_onnx_sqrt, nnb_onnx_exp;
extern const nnb_onnx_rule nnb_onnx_add, nnb_onnx_sub, nnb_onnx_mul, nnb_onnx_div, nnb_onnx_pow;
extern const nnb_onnx_rule nnb_onnx_concat, nnb_onnx_split, nnb_onnx_slice, nnb_onnx_flatten, nnb_onnx_reshape,
    nnb_onnx_transpose, nnb_onnx_squeeze, nnb_onnx_unsqueeze, nnb_onnx_pad, nnb_onnx_shape, nnb_onnx_gather,
    nnb_onnx_cast, nnb_onnx_constant, nnb_onnx_constant_of_shape, nnb_onnx_reduce_mean, nnb_onnx_resize,
    nnb_onnx_upsample;

#endif
