/* ReLU and ReLU6 (PyTorch nn.ReLU, nn.ReLU6), element-wise. By nnbench's
 * convention they cost zero FLOPs: a compare and a select, no arithmetic
 * (ptflops counts one per element, thop and fvcore none). */
#include <math.h>

#include "ops/eltwise.h"
#include "ops/onnx_rule.h"

/* ptflops 0.7.3: relu_flops_counter_hook (pytorch_ops.py:28-30) adds the
 * output's elements per module, divided by the batch with the other module
 * hooks (pytorch_engine.py:195); nn.ReLU.forward calls F.relu, which
 * ptflops patches (_numel_functional_flops_hook, pytorch_ops.py:342, 414;
 * patch_functional, pytorch_engine.py:346) and counts again, whole batch,
 * after the division (pytorch_engine.py:66): the pooling rule's C*H*W*(N+1)
 * per "image". A functional F.relu alone (GoogLeNet's BasicConv2d) counts
 * only the second term. thop 0.1.1: nn.ReLU is zero_ops (profile.py:38).
 * fvcore 0.1.5: aten::relu and aten::relu_ are ignored ops
 * (jit_analysis.py:65-66): 0. */
static void relu_tools(const nnb_layer *l, const nnb_tool_terms *t, double v[NNB_TOOL_COUNT])
{
    nnb_eltwise_tools_zero(l, t, v);
    v[NNB_TOOL_PTFLOPS] = nnb_per_image(l, t->dst_elems) + t->dst_elems;
}

/* ptflops 0.7.3: the same module hook (pytorch_ops.py:275), but
 * nn.ReLU6.forward is Hardtanh's F.hardtanh, which ptflops does not patch:
 * counted once, per image. thop 0.1.1: zero_ops (profile.py:39). fvcore
 * 0.1.5: aten::hardtanh has no handle: unsupported, 0. */
static void relu6_tools(const nnb_layer *l, const nnb_tool_terms *t, double v[NNB_TOOL_COUNT])
{
    nnb_eltwise_tools_zero(l, t, v);
    v[NNB_TOOL_PTFLOPS] = nnb_per_image(l, t->dst_elems);
}

/* relu = max(x, 0), relu6 = min(max(x, 0), 6): compares and selects, which
 * nnbench counts as 0 FLOPs (as thop and fvcore do; ptflops' count is its
 * own rule above) */
#define CLAMP_RULE "0 by nnbench's convention: a compare and select per element, no arithmetic"

/* the reference loops (the oracle) over every element */
static void ref_relu(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    (void)l;
    (void)ws;
    for (int64_t i = 0; i < t->dst_elems; i++) t->dst[i] = t->src[i] > 0.0f ? t->src[i] : 0.0f;
}

static void ref_relu6(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    (void)l;
    (void)ws;
    for (int64_t i = 0; i < t->dst_elems; i++) t->dst[i] = fminf(fmaxf(t->src[i], 0.0f), 6.0f);
}

const nnb_op_info nnb_op_relu =
    NNB_ACT_OP(NNB_OP_RELU, "relu", "ReLU", relu_tools, nnb_eltwise_count, CLAMP_RULE, true, ref_relu,
           NNB_PRESETS({"relu", "relu:c=64,h=112", "ReLU after the ResNet-50 stem: 64x112x112"}),
           NNB_ONNX(&nnb_onnx_relu));
/* Clip to [0, 6] (and Clip to [0, inf), which becomes relu) */
const nnb_op_info nnb_op_relu6 =
    NNB_ACT_OP(NNB_OP_RELU6, "relu6", "ReLU6", relu6_tools, nnb_eltwise_count, CLAMP_RULE, true, ref_relu6,
           NNB_PRESETS({"relu6", "relu6:c=144,h=56", "MobileNetV2 ReLU6: 144x56x56"}), NNB_ONNX(&nnb_onnx_clip));
