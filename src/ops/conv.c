/* Convolution and transposed convolution (PyTorch Conv2d, ConvTranspose2d;
 * benchdnn's conv and deconv drivers). Shapes follow PyTorch exactly: floor
 * for conv, output padding for deconv. Weights: conv [k][c/g][kh][kw],
 * deconv [c][k/g][kh][kw]. MACs are dense (padding taps included); deconv's
 * are input-based, the multiplies its scatter executes (DESIGN.md). */
#include "ops/op_impl.h"
#include "util/util.h"

static int groups_divide(const nnb_layer *l, char *err, size_t len)
{
    if (l->c % l->groups || l->k % l->groups)
        return nnb_errf(err, len, "%s: channels c=%lld and k=%lld must be divisible by groups=%lld",
                        nnb_op_name(l->op), (long long)l->c, (long long)l->k, (long long)l->groups);
    return 0;
}

static int conv_shape(nnb_layer *l, char *err, size_t len)
{
    if (groups_divide(l, err, len)) return -1;
    int64_t eh = nnb_extent(l->kh, l->dh), ew = nnb_extent(l->kw, l->dw);
    int64_t sh = l->h + l->pt + l->pb - eh, sw = l->w + l->pl + l->pr - ew;
    if (sh < 0 || sw < 0)
        return nnb_errf(err, len, "conv: kernel extent %lldx%lld is larger than the padded input %lldx%lld: no output",
                        (long long)eh, (long long)ew, (long long)(l->h + l->pt + l->pb),
                        (long long)(l->w + l->pl + l->pr));
    l->oh = sh / l->sh + 1;
    l->ow = sw / l->sw + 1;
    return 0;
}

static int deconv_shape(nnb_layer *l, char *err, size_t len)
{
    if (groups_divide(l, err, len)) return -1;
    /* PyTorch: output padding must be smaller than stride or dilation */
    if ((l->oph >= l->sh && l->oph >= l->dh) || (l->opw >= l->sw && l->opw >= l->dw))
        return nnb_errf(err, len, "deconv: output padding must be smaller than stride or dilation");
    l->oh = (l->h - 1) * l->sh - l->pt - l->pb + nnb_extent(l->kh, l->dh) + l->oph;
    l->ow = (l->w - 1) * l->sw - l->pl - l->pr + nnb_extent(l->kw, l->dw) + l->opw;
    if (l->oh <= 0 || l->ow <= 0)
        return nnb_errf(err, len, "deconv: padding leaves no output (%lldx%lld)", (long long)l->oh, (long long)l->ow);
    return 0;
}

/* Number of (output position, tap) pairs along one axis whose input
 * coordinate o*s - p + r*d lies inside [0, in): benchdnn's valid taps. */
static int64_t valid_taps_conv(int64_t in, int64_t out, int64_t k, int64_t s, int64_t p, int64_t d)
{
    int64_t total = 0;
    for (int64_t r = 0; r < k; r++) {
        int64_t lo, hi;
        nnb_valid_out_range(in, out, r, s, p, d, &lo, &hi);
        total += hi - lo;
    }
    return total;
}

/* Deconv scatter: input i through tap r writes output i*s - p + r*d. */
static int64_t valid_taps_deconv(int64_t in, int64_t out, int64_t k, int64_t s, int64_t p, int64_t d)
{
    int64_t total = 0;
    for (int64_t i = 0; i < in; i++)
        for (int64_t r = 0; r < k; r++) {
            int64_t o = i * s - p + r * d;
            total += (o >= 0 && o < out);
        }
    return total;
}

/* conv and deconv share the tensors' shape of the count; de picks the
 * weight layout, the MAC direction and the GEMM buffer. */
static int convlike_count(const nnb_layer *l, nnb_op_counts *a, char *err, size_t len, bool de)
{
    const int64_t g = l->groups;
    int64_t t = 0;
    CHECKED(prod(&a->src_elems, 4, l->n, l->c, l->h, l->w));
    CHECKED(prod(&a->dst_elems, 4, l->n, l->k, l->oh, l->ow));
    /* conv [k][c/g][kh][kw]; deconv [c][k/g][kh][kw] */
    CHECKED(prod(&a->wei_elems, 4, de ? l->c : l->k, de ? l->k / g : l->c / g, l->kh, l->kw));
    a->bias_elems = l->bias ? l->k : 0;
    /* dense over the output: every output element times every tap */
    int64_t macs_out;
    CHECKED(prod(&macs_out, 4, a->dst_elems, l->c / g, l->kh, l->kw));
    if (de) {
        /* input-based: each input element scattered through k/g*kh*kw taps */
        CHECKED(prod(&a->macs, 4, a->src_elems, l->k / g, l->kh, l->kw));
        int64_t vh = valid_taps_deconv(l->h, l->oh, l->kh, l->sh, l->pt, l->dh);
        int64_t vw = valid_taps_deconv(l->w, l->ow, l->kw, l->sw, l->pl, l->dw);
        CHECKED(prod(&a->macs_valid, 5, l->n, l->c, l->k / g, vh, vw));
        /* the im2col-like buffer of GEMM + col2im: [k/g*kh*kw][h*w] */
        CHECKED(prod(&a->workspace_bytes, 6, l->k / g, l->kh, l->kw, l->h, l->w, (int64_t)4));
    } else {
        a->macs = macs_out;
        int64_t vh = valid_taps_conv(l->h, l->oh, l->kh, l->sh, l->pt, l->dh);
        int64_t vw = valid_taps_conv(l->w, l->ow, l->kw, l->sw, l->pl, l->dw);
        CHECKED(prod(&a->macs_valid, 5, l->n, l->k, l->c / g, vh, vw));
        bool pointwise = l->kh == 1 && l->kw == 1 && l->sh == 1 && l->sw == 1 && l->pt == 0 && l->pl == 0 &&
                         l->pb == 0 && l->pr == 0;
        if (!pointwise) CHECKED(prod(&a->workspace_bytes, 6, l->c / g, l->kh, l->kw, l->oh, l->ow, (int64_t)4));
    }
    a->macs_deconv_output = macs_out;
    a->bias_adds = l->bias ? a->dst_elems : 0;
    /* one multiply and one add per MAC, plus the bias add per output element */
    CHECKED(prod(&t, 2, a->macs, (int64_t)2));
    CHECKED(nnb_add_ok(t, a->bias_adds, &a->flops));
    return 0;
}

static int conv_count(const nnb_layer *l, nnb_op_counts *a, char *err, size_t len)
{
    return convlike_count(l, a, err, len, false);
}

static int deconv_count(const nnb_layer *l, nnb_op_counts *a, char *err, size_t len)
{
    return convlike_count(l, a, err, len, true);
}

/* The seeds' conv rules. Seed 000, section 1.1 (as printed):
 *   B x O x C x (C-1) x Hout x Wout x (2 k k - 1)
 * (the C x (C-1) factor is an error). Seed 001: 2 x MACs (its printed adds,
 * 225,000, are an arithmetic slip: its own formula gives 675,000). Seed 003:
 * MACs plus one bias per channel, called FLOPs. */
static void conv_tools(const nnb_layer *l, const nnb_tool_terms *t, double v[NNB_TOOL_COUNT])
{
    nnb_op_tools_macs(l, t, v);
    double c = (double)l->c;
    if (l->groups == 1)
        v[NNB_TOOL_SEED000] = (double)l->n * (double)l->k * c * (c - 1) * (double)l->oh * (double)l->ow *
                              (2.0 * (double)l->kh * (double)l->kw - 1);
    v[NNB_TOOL_SEED001] = 2.0 * t->macs;
    v[NNB_TOOL_SEED003] = t->macs + (l->bias ? (double)l->k : 0.0);
}

static void conv_shapes(const nnb_layer *l, nnb_op_shapes *s)
{
    s->src = nnb_shape4(l->n, l->c, l->h, l->w);
    s->wei = nnb_shape4(l->k, l->c / l->groups, l->kh, l->kw);
    s->dst = nnb_shape4(l->n, l->k, l->oh, l->ow);
}

static void deconv_shapes(const nnb_layer *l, nnb_op_shapes *s)
{
    s->src = nnb_shape4(l->n, l->c, l->h, l->w);
    s->wei = nnb_shape4(l->c, l->k / l->groups, l->kh, l->kw);
    s->dst = nnb_shape4(l->n, l->k, l->oh, l->ow);
}

/* conv: c/g inputs x taps per output; deconv: c/g inputs x at most every tap */
static int64_t convlike_accum_len(const nnb_layer *l) { return l->c / l->groups * l->kh * l->kw; }

const nnb_op_info nnb_op_conv = {
    .op = NNB_OP_CONV, .name = "conv", .kv_name = "conv",
    .kv_fields = NNB_F_COMMON | NNB_F_W | NNB_F_K | NNB_F_WINDOW | NNB_F_G | NNB_F_BIAS,
    .bias_default = true, .k_required = "output channels k=", .same_pad = true,
    .shape = conv_shape,
    .src_elem_bytes = 4, .count = conv_count, .tools = conv_tools,
    .flops_rule = "2 x MACs", .flops_rule_bias = "2 x MACs + bias adds",
    .valid_taps = true, .macs_in_total = true,
    .shapes = conv_shapes, .accum_len = convlike_accum_len,
    .benchdnn_driver = "conv", .rf = NNB_RF_WINDOW, .describe = nnb_op_describe_window,
};

const nnb_op_info nnb_op_deconv = {
    .op = NNB_OP_DECONV, .name = "deconv", .kv_name = "deconv",
    .kv_fields = NNB_F_COMMON | NNB_F_W | NNB_F_K | NNB_F_WINDOW | NNB_F_G | NNB_F_OPH | NNB_F_OPW | NNB_F_BIAS,
    .bias_default = true, .k_required = "output channels k=",
    .shape = deconv_shape,
    .src_elem_bytes = 4, .count = deconv_count, .tools = nnb_op_tools_macs,
    .flops_rule = "2 x MACs", .flops_rule_bias = "2 x MACs + bias adds",
    .valid_taps = true, .transposed = true, .macs_in_total = true,
    .shapes = deconv_shapes, .accum_len = convlike_accum_len,
    .benchdnn_driver = "deconv", .rf = NNB_RF_NONE, .describe = nnb_op_describe_window,
};
