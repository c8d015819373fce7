/* Flatten (torch.flatten(x, 1), x.view(n, -1)): n x c x h x w becomes
 * n x (c*h*w) x 1 x 1; k = c*h*w is required and checked, so a descriptor
 * states the shape it means. Counted as a copy (PyTorch's view of a
 * contiguous tensor moves nothing): no FLOPs. */
#include "ops/eltwise.h"
#include "ops/onnx_rule.h"
#include "util/util.h"

static int flatten_shape(nnb_layer *l, char *err, size_t len)
{
    int64_t chw;
    if (!prod(&chw, 3, l->c, l->h, l->w) || l->k != chw)
        return nnb_errf(err, len, "flatten: k must be c*h*w = %lld*%lld*%lld (got %lld)", (long long)l->c,
                        (long long)l->h, (long long)l->w, (long long)l->k);
    l->kh = l->kw = 1;
    l->oh = l->ow = 1;
    return 0;
}

static void flatten_shapes(const nnb_layer *l, nnb_op_shapes *s)
{
    s->src = nnb_shape4(l->n, l->c, l->h, l->w);
    s->wei = (nnb_shape){0, {0}};
    s->dst = (nnb_shape){2, {l->n, l->k}};
}

/* A function in torchvision: thop 0.1.1 counts modules only (0); fvcore
 * 0.1.5 ignores aten::flatten (jit_analysis.py:46); ptflops 0.7.3 does not
 * patch torch.flatten. */
const nnb_op_info nnb_op_flatten = {
    .op = NNB_OP_FLATTEN, .name = "flatten", .kv_name = "flatten", .torch_class = "Flatten",
    .kv_fields = NNB_F_COMMON | NNB_F_W | NNB_F_K,
    .no_bias = "flatten has no bias", .k_required = "output features k= (= c*h*w)",
    .shape = flatten_shape,
    .src_elem_bytes = 4, .count = nnb_eltwise_count, .tools = nnb_eltwise_tools_zero,
    .flops_rule = "0: a reshape",
    .shapes = flatten_shapes, .accum_len = nnb_op_accum_one, .selects = true,
    .rf = NNB_RF_NONE, .describe = nnb_eltwise_describe,
    .ref = nnb_eltwise_ref_copy,
    .presets = NNB_PRESETS({"flatten", "flatten:c=256,h=6,k=9216", "AlexNet flatten: 256x6x6 -> 9216"}),
    .onnx = NNB_ONNX(&nnb_onnx_flatten, &nnb_onnx_reshape), /* a Reshape to N x (C*H*W) */
};
