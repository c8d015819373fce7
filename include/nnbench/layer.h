/* nnbench: the layer descriptor shared by every stage (spec -> model ->
 * kernels -> measure -> report). Plain data; all sizes are int64_t so that
 * products of sizes can be checked for overflow (each op's descriptor,
 * src/ops/, counts with checked arithmetic). */
#ifndef NNBENCH_LAYER_H
#define NNBENCH_LAYER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nnbench/op_list.h"

/* one value per line of the op list (op_list.h) */
#define NNB_OP_ENUM_(e, sym) NNB_OP_##e,
typedef enum {
    NNB_OP_LIST(NNB_OP_ENUM_)
    NNB_OP_COUNT
} nnb_op;
#undef NNB_OP_ENUM_

/* Field meanings follow PyTorch (NCHW, 1-based dilation) except where noted.
 * For NNB_OP_DECONV, c/h/w describe the deconvolution's input and k/oh/ow
 * its output; weights are laid out [c][k/groups][kh][kw] as in PyTorch. */
typedef struct nnb_layer {
    char name[96];         /* free text, e.g. "resnet_50:res2a_branch2b" */
    nnb_op op;
    int64_t n, c, h, w;    /* batch, input channels, input height, width */
    int64_t k;             /* output channels / features / hidden size */
    int64_t kh, kw;        /* kernel (window) height, width */
    int64_t sh, sw;        /* stride */
    int64_t pt, pl;        /* padding top, left */
    int64_t pb, pr;        /* padding bottom, right (differ from top/left for TF SAME) */
    int64_t dh, dw;        /* dilation, 1 = none */
    int64_t groups;
    int64_t oph, opw;      /* deconv output padding */
    int64_t oh, ow;        /* output height, width: derived by nnb_layer_finalize() */
    bool bias;
    bool ceil_mode;        /* pooling: PyTorch ceil_mode */
    bool count_include_pad;/* avg pooling: PyTorch default true */
} nnb_layer;

/* Sets PyTorch-like defaults: n=1, stride 1, dilation 1, groups 1, bias on. */
void nnb_layer_init(nnb_layer *l, nnb_op op);

/* Validates the layer and derives oh/ow (the checks every op shares, then
 * the op's own shape rule). Returns 0, or -1 with one line (no trailing
 * newline) in err. Sizes must be positive, channel counts divisible by
 * groups, the output non-empty, and every tensor size and count must fit in
 * int64 (checked arithmetic). */
int nnb_layer_finalize(nnb_layer *l, char *err, size_t errlen);

/* Canonical names from the op's descriptor: "conv", "deconv", "fc",
 * "pool_max", ...; "?" for a value that is no op. */
const char *nnb_op_name(nnb_op op);
int nnb_op_from_name(const char *s, nnb_op *op);

/* Effective (dilated) kernel extent: (k - 1) * d + 1. */
static inline int64_t nnb_extent(int64_t k, int64_t d) { return (k - 1) * d + 1; }

/* Convolution index math shared by every kernel: the input row read by output
 * row o through tap r is o*s - p + r*d. */
static inline int64_t nnb_in_coord(int64_t o, int64_t r, int64_t s, int64_t p, int64_t d)
{
    return o * s - p + r * d;
}

/* Output range [*lo, *hi) for which tap r reads an in-bounds input row
 * (0 <= o*s - p + r*d < in). Lets vectorised kernels split a row into a
 * padded border and an unchecked interior. */
static inline void nnb_valid_out_range(int64_t in, int64_t out, int64_t r, int64_t s,
                                       int64_t p, int64_t d, int64_t *lo, int64_t *hi)
{
    int64_t off = r * d - p;           /* input coord = o*s + off */
    int64_t l = off >= 0 ? 0 : (-off + s - 1) / s;
    int64_t h = (in - off + s - 1) / s; /* first o with o*s + off >= in */
    if (in - off <= 0) h = 0;
    if (h > out) h = out;
    if (l > h) l = h;
    *lo = l;
    *hi = h;
}

#endif
