/* Shared by the ops networks add around the convolutions (act.c, add.c,
 * concat.c, dropout.c, flatten.c, adaptive_pool.c): one output element per
 * input element, no weights. */
#ifndef NNBENCH_OPS_ELTWISE_H
#define NNBENCH_OPS_ELTWISE_H

#include "ops/op_impl.h"

/* the output has the input's shape: kh = kw = 1, oh = h, ow = w */
int nnb_eltwise_shape(nnb_layer *l, char *err, size_t len);
/* src and dst elements n*c*h*w, no weights, no FLOPs */
int nnb_eltwise_count(const nnb_layer *l, nnb_op_counts *a, char *err, size_t len);
/* src and dst n x c x h x w (dst n x k x oh x ow) */
void nnb_eltwise_shapes(const nnb_layer *l, nnb_op_shapes *s);
/* "relu 1x64x56x56" */
int nnb_eltwise_describe(const nnb_layer *l, char *buf, size_t len);
/* the tools that count nothing for the op: thop (zero_ops or no module
 * hook), fvcore (an ignored or unhandled aten op: 0), ptflops (no module
 * hook and no patched function) */
void nnb_eltwise_tools_zero(const nnb_layer *l, const nnb_tool_terms *t, double v[NNB_TOOL_COUNT]);

/* the reference loop of a copy (concat's one input, flatten, inference
 * dropout): the bytes are the same */
void nnb_eltwise_ref_copy(const nnb_layer *l, const nnb_tensors *t, void *ws);

#endif
