/* Channel concatenation (torch.cat(.., 1), Inception's branches): c is the
 * sum of the inputs' channels, k = c. The inputs arrive one after another
 * (src: each input's n x c_i x h x w block in turn, together c*h*w per
 * image); the output interleaves them per image. A copy: no FLOPs. */
#include "ops/eltwise.h"
#include "ops/onnx_rule.h"

/* A function in torchvision, not a module: thop 0.1.1 counts modules only
 * (0); fvcore 0.1.5 ignores aten::cat (jit_analysis.py:34); ptflops 0.7.3
 * does not patch torch.cat. */
const nnb_op_info nnb_op_concat = {
    .op = NNB_OP_CONCAT, .name = "concat", .kv_name = "concat",
    .kv_fields = NNB_F_COMMON | NNB_F_W,
    .no_bias = "concat has no bias",
    .k_is_c = true, .shape = nnb_eltwise_shape,
    .src_elem_bytes = 4, .count = nnb_eltwise_count, .tools = nnb_eltwise_tools_zero,
    .flops_rule = "0: a copy",
    .shapes = nnb_eltwise_shapes, .accum_len = nnb_op_accum_one, .selects = true,
    /* joins fields: the network builder takes the union of its inputs' */
    .rf = NNB_RF_NONE, .describe = nnb_eltwise_describe,
    .ref = nnb_eltwise_ref_copy, /* the layer holds the inputs' channel total only: one input, copied */
    .presets = NNB_PRESETS({"concat", "concat:c=256,h=28",
                            "GoogLeNet inception3a concatenation: 64+128+32+32 channels, 28x28"}),
    .onnx = NNB_ONNX(&nnb_onnx_concat), /* along channels; the shape arithmetic's Concat is folded */
};
