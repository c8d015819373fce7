/* Batch norm, inference form: y = x*scale + shift per channel (gamma and
 * beta folded with the running statistics). */
#include "ops/op_impl.h"
#include "util/appendf.h"

static int bn_shape(nnb_layer *l, char *err, size_t len)
{
    (void)err;
    (void)len;
    l->kh = l->kw = 1;
    l->oh = l->h;
    l->ow = l->w;
    return 0;
}

static int bn_count(const nnb_layer *l, nnb_op_counts *a, char *err, size_t len)
{
    CHECKED(prod(&a->src_elems, 4, l->n, l->c, l->h, l->w));
    a->dst_elems = a->src_elems;
    a->wei_elems = 2 * l->c; /* gamma, beta (inference: folded scale and shift) */
    CHECKED(prod(&a->flops, 2, a->src_elems, (int64_t)2));
    return 0;
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
    .op = NNB_OP_BN, .name = "bn", .kv_name = "bn",
    .kv_fields = NNB_F_COMMON | NNB_F_W,
    .no_bias = "bn has no bias flag",
    .k_is_c = true, .shape = bn_shape,
    .src_elem_bytes = 4, .count = bn_count,
    .flops_rule = "scale and shift per element",
    .shapes = bn_shapes, .accum_len = nnb_op_accum_one,
    .rf = NNB_RF_IDENTITY, .describe = bn_describe,
};
