/* Batch norm, inference form: y = x*scale + shift per channel (gamma and
 * beta folded with the running statistics). */
#include "ops/eltwise.h"
#include "ops/onnx_rule.h"
#include "ops/op_impl.h"
#include "util/appendf.h"

static int bn_count(const nnb_layer *l, nnb_op_counts *a, char *err, size_t len)
{
    CHECKED(prod(&a->src_elems, 4, l->n, l->c, l->h, l->w));
    a->dst_elems = a->src_elems;
    a->wei_elems = 2 * l->c; /* gamma, beta (inference: folded scale and shift) */
    CHECKED(prod(&a->flops, 2, a->src_elems, (int64_t)2));
    return 0;
}

/* BatchNorm2d with affine (gamma and beta), in eval mode as the tools run it.
 * ptflops 0.7.3: bn_flops_counter_hook (pytorch_ops.py:49-55) input
 * elements x 2 with affine, per image (divided by the batch).
 * thop 0.1.1: count_normalization (vision/basic_hooks.py:60-69) takes
 * calculate_norm's 2 x elements (vision/calc_func.py:43-45) and doubles it
 * with affine: 4 x elements.
 * fvcore 0.1.5: batchnorm_flop_jit (jit_handles.py:251-258), not training:
 * elements x 2 with affine. */
static void bn_tools(const nnb_layer *l, const nnb_tool_terms *t, double v[NNB_TOOL_COUNT])
{
    v[NNB_TOOL_PTFLOPS] = nnb_per_image(l, 2.0 * t->src_elems);
    v[NNB_TOOL_THOP] = 4.0 * t->src_elems;
    v[NNB_TOOL_FVCORE] = 2.0 * t->src_elems;
}

static void bn_shapes(const nnb_layer *l, nnb_op_shapes *s)
{
    s->src = nnb_shape4(l->n, l->c, l->h, l->w);
    s->wei = (nnb_shape){2, {2, l->c}};
    s->dst = nnb_shape4(l->n, l->c, l->oh, l->ow);
}

static int bn_describe(const nnb_layer *l, char *buf, size_t len)
{
    size_t o = 0;
    nnb_appendf(buf, len, &o, "bn %lldx%lldx%lldx%lld", (long long)l->n, (long long)l->c, (long long)l->h,
                (long long)l->w);
    return o < len ? 0 : -1;
}

const nnb_op_info nnb_op_bn = {
    .op = NNB_OP_BN, .name = "bn", .kv_name = "bn", .torch_class = "BatchNorm2d",
    .kv_fields = NNB_F_COMMON | NNB_F_W,
    .no_bias = "bn has no bias flag",
    .k_is_c = true, .shape = nnb_eltwise_shape, /* per-channel, output = input */
    .src_elem_bytes = 4, .count = bn_count, .tools = bn_tools,
    .flops_rule = "scale and shift per element",
    .shapes = bn_shapes, .accum_len = nnb_op_accum_one,
    .rf = NNB_RF_IDENTITY, .describe = bn_describe,
    .presets = NNB_PRESETS({"bn", "bn:c=64,h=56", "batch norm (inference): 64x56x56"}),
    .onnx = NNB_ONNX(&nnb_onnx_batch_norm), /* inference form; training mode is not modelled */
};
