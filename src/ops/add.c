/* Residual add (ResNet's out += identity, MobileNetV2's x + conv(x)): two
 * inputs of one shape, output = input shape. The two summands arrive
 * stacked along the batch (src 2n x c x h x w), so the bytes read count
 * both. One FLOP per output element. */
#include "ops/eltwise.h"
#include "ops/onnx_rule.h"
#include "util/appendf.h"

static int add_count(const nnb_layer *l, nnb_op_counts *a, char *err, size_t len)
{
    CHECKED(prod(&a->dst_elems, 4, l->n, l->c, l->h, l->w));
    CHECKED(prod(&a->src_elems, 2, a->dst_elems, (int64_t)2));
    a->flops = a->dst_elems;
    return 0;
}

/* A function in torchvision, not a module, written as `+=` / `+`: thop
 * 0.1.1 counts modules only (0); ptflops 0.7.3 patches torch.add and
 * torch.Tensor.add (pytorch_ops.py:457-458) but the operators call
 * Tensor.__iadd__ / __add__, which it does not patch (0); fvcore 0.1.5 has
 * no handle for aten::add / aten::add_ (unsupported, 0). */
static void add_shapes(const nnb_layer *l, nnb_op_shapes *s)
{
    s->src = nnb_shape4(2 * l->n, l->c, l->h, l->w);
    s->wei = (nnb_shape){0, {0}};
    s->dst = nnb_shape4(l->n, l->c, l->oh, l->ow);
}

static int64_t add_accum_len(const nnb_layer *l)
{
    (void)l;
    return 2;
}

static int add_describe(const nnb_layer *l, char *buf, size_t len)
{
    size_t o = 0;
    nnb_appendf(buf, len, &o, "add 2 x %lldx%lldx%lldx%lld", (long long)l->n, (long long)l->c, (long long)l->h,
                (long long)l->w);
    return o < len ? 0 : -1;
}

/* the reference loop: the two summands stacked along the batch (src 2n x c x h x w) */
static void ref_add(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    (void)l;
    (void)ws;
    for (int64_t i = 0; i < t->dst_elems; i++) t->dst[i] = t->src[i] + t->src[t->dst_elems + i];
}

const nnb_op_info nnb_op_add = {
    .op = NNB_OP_ADD, .name = "add", .kv_name = "add",
    .kv_fields = NNB_F_COMMON | NNB_F_W,
    .no_bias = "add has no bias",
    .k_is_c = true, .shape = nnb_eltwise_shape,
    .src_elem_bytes = 4, .count = add_count, .tools = nnb_eltwise_tools_zero,
    .flops_rule = "one add per output element",
    .shapes = add_shapes, .accum_len = add_accum_len,
    /* joins fields: the network builder takes the union of its inputs' */
    .rf = NNB_RF_NONE, .describe = add_describe,
    .ref = ref_add,
    .presets = NNB_PRESETS({"add", "add:c=256,h=56", "ResNet-50 residual add: 2 x 256x56x56"}),
    .onnx = NNB_ONNX(&nnb_onnx_add), /* two inputs of one shape; a broadcasting Add is not modelled */
};
