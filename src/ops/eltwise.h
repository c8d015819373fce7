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

/* An activation: one output per input element, no weights. Each names
 * what its FLOPs figure counts (count_, rule_) and whether its output
 * selects an input (exact in any order: max-like) or computes one
 * (sigmoid, tanh, hardswish would pass their own count and false);
 * its reference loops, presets (NNB_PRESETS) and ONNX rules (NNB_ONNX). */
#define NNB_ACT_OP(op_, name_, torch_, tools_, count_, rule_, selects_, ref_, presets_, onnx_)                \
    {                                                                                                         \
        .op = op_, .name = name_, .kv_name = name_, .torch_class = torch_,                                    \
        .ref = ref_, .presets = presets_, .onnx = onnx_,                                                      \
        .kv_fields = NNB_F_COMMON | NNB_F_W, .no_bias = "activations have no bias", .k_is_c = true,           \
        .shape = nnb_eltwise_shape, .src_elem_bytes = 4, .count = count_, .tools = tools_,                    \
        .flops_rule = rule_, .shapes = nnb_eltwise_shapes, .accum_len = nnb_op_accum_one,                     \
        .selects = selects_, .rf = NNB_RF_IDENTITY, .describe = nnb_eltwise_describe,                         \
    }

#endif
