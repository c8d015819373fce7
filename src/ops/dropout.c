/* Dropout (PyTorch nn.Dropout) in inference: the identity. It is a layer
 * of the network (torchsummary lists it) that costs no arithmetic. */
#include "ops/eltwise.h"
#include "ops/onnx_rule.h"

/* thop 0.1.1: nn.Dropout is zero_ops (profile.py:54); fvcore 0.1.5:
 * aten::dropout is ignored (jit_analysis.py:42); ptflops 0.7.3: no module
 * hook and F.dropout is not patched. */
const nnb_op_info nnb_op_dropout = {
    .op = NNB_OP_DROPOUT, .name = "dropout", .kv_name = "dropout", .torch_class = "Dropout",
    .kv_fields = NNB_F_COMMON | NNB_F_W,
    .no_bias = "dropout has no bias",
    .k_is_c = true, .shape = nnb_eltwise_shape,
    .src_elem_bytes = 4, .count = nnb_eltwise_count, .tools = nnb_eltwise_tools_zero,
    .flops_rule = "0: inference dropout is the identity",
    .shapes = nnb_eltwise_shapes, .accum_len = nnb_op_accum_one, .selects = true,
    .rf = NNB_RF_IDENTITY, .describe = nnb_eltwise_describe,
    .ref = nnb_eltwise_ref_copy,
    .presets = NNB_PRESETS({"dropout", "dropout:c=4096,h=1", "AlexNet classifier dropout (inference: identity), 4096"}),
    .onnx = NNB_ONNX(&nnb_onnx_dropout),
};
