/* Convolution and transposed convolution (PyTorch Conv2d, ConvTranspose2d;
 * benchdnn's conv and deconv drivers). Shapes follow PyTorch exactly: floor
 * for conv, output padding for deconv. Weights: conv [k][c/g][kh][kw],
 * deconv [c][k/g][kh][kw]. MACs are dense (padding taps included); deconv's
 * are input-based, the multiplies its scatter executes (DESIGN.md). */
#include <math.h>
#include <stdlib.h>

#include "ops/onnx_rule.h"
#include "ops/op_impl.h"
#include "util/util.h"

static int groups_divide(const nnb_layer *l, char *err, size_t len)
{
    if (l->c % l->groups || l->k % l->groups)
        return nnb_errf(err, len, "%s: channels c=%lld and k=%lld must be divisible by groups=%lld",
                        nnb_op_name(l->op), (long long)l->c, (long long)l->k, (long long)l->groups);
    return 0;
}

/* The dilated kernel extents, refused beyond 2^40 (kh and dh may each be
 * 2^40: their product would overflow). */
static int extents(const nnb_layer *l, int64_t *eh, int64_t *ew, char *err, size_t len)
{
    const __int128 lim = (__int128)1 << 40;
    __int128 h = (__int128)(l->kh - 1) * l->dh + 1, w = (__int128)(l->kw - 1) * l->dw + 1;
    if (h > lim || w > lim) return nnb_errf(err, len, "%s: dilated kernel extent exceeds 2^40", nnb_op_name(l->op));
    *eh = (int64_t)h;
    *ew = (int64_t)w;
    return 0;
}

static int conv_shape(nnb_layer *l, char *err, size_t len)
{
    int64_t eh = 0, ew = 0;
    if (groups_divide(l, err, len) || extents(l, &eh, &ew, err, len)) return -1;
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
    int64_t eh = 0, ew = 0;
    if (groups_divide(l, err, len) || extents(l, &eh, &ew, err, len)) return -1;
    /* PyTorch: output padding must be smaller than stride or dilation */
    if ((l->oph >= l->sh && l->oph >= l->dh) || (l->opw >= l->sw && l->opw >= l->dw))
        return nnb_errf(err, len, "deconv: output padding must be smaller than stride or dilation");
    /* (h - 1) * stride may pass int64 for sizes up to 2^40 */
    __int128 oh = (__int128)(l->h - 1) * l->sh - l->pt - l->pb + eh + l->oph;
    __int128 ow = (__int128)(l->w - 1) * l->sw - l->pl - l->pr + ew + l->opw;
    if (oh <= 0 || ow <= 0)
        return nnb_errf(err, len, "deconv: padding leaves no output (%lldx%lld)", (long long)(oh > 0 ? 1 : oh),
                        (long long)(ow > 0 ? 1 : ow));
    if (oh > ((__int128)1 << 40) || ow > ((__int128)1 << 40))
        return nnb_errf(err, len, "deconv: output size exceeds 2^40");
    l->oh = (int64_t)oh;
    l->ow = (int64_t)ow;
    return 0;
}

/* floor(a / b) for b > 0 */
static __int128 floor_div(__int128 a, __int128 b) { return a / b - (a % b != 0 && a < 0); }

/* sum_{i=0}^{n-1} floor((a*i + b) / m) for n >= 0, m > 0, a, b >= 0: the
 * Euclid-like floor sum, O(log) steps. Arguments are at most 2^41 and the
 * sum is at most n*k <= 2^82, so no step overflows 128 bits. */
static __int128 floor_sum(__int128 n, __int128 m, __int128 a, __int128 b)
{
    __int128 sum = 0;
    while (n > 0) {
        if (a >= m) {
            sum += n * (n - 1) / 2 * (a / m);
            a %= m;
        }
        if (b >= m) {
            sum += n * (b / m);
            b %= m;
        }
        __int128 y = a * n + b;
        if (y < m) break;
        n = y / m;
        b = y % m;
        __int128 t = m;
        m = a;
        a = t;
    }
    return sum;
}

/* sum over o in [0, n) of #{r in [0, k) : r*d <= A - o*s}, in closed form:
 * o below o1 sees all k taps, o in [o1, o2) floor((A - o*s)/d) + 1, o from o2
 * on none. */
static __int128 taps_upto(__int128 A, __int128 n, __int128 k, __int128 s, __int128 d)
{
    __int128 o1 = floor_div(A - (k - 1) * d, s) + 1, o2 = floor_div(A, s) + 1;
    o1 = o1 < 0 ? 0 : o1 > n ? n : o1;
    o2 = o2 < o1 ? o1 : o2 > n ? n : o2;
    /* o = o2-1-i, i in [0, o2-o1): A - o*s = s*i + (A - (o2-1)*s) >= 0 */
    __int128 mid = o2 > o1 ? floor_sum(o2 - o1, d, s, A - (o2 - 1) * s) + (o2 - o1) : 0;
    return o1 * k + mid;
}

/* Pairs (o, r), 0 <= o < n, 0 <= r < k, with 0 <= o*s - p + r*d < bound:
 * benchdnn's valid taps along one axis (conv: o the output, bound the
 * input; deconv's scatter: o the input, bound the output). Closed form: no
 * loop over a kernel or image extent, which a layer may make ~2^40 long. */
static int64_t valid_pairs(int64_t n, int64_t bound, int64_t k, int64_t s, int64_t p, int64_t d)
{
    return (int64_t)(taps_upto((__int128)p + bound - 1, n, k, s, d) - taps_upto((__int128)p - 1, n, k, s, d));
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
        int64_t vh = valid_pairs(l->h, l->oh, l->kh, l->sh, l->pt, l->dh);
        int64_t vw = valid_pairs(l->w, l->ow, l->kw, l->sw, l->pl, l->dw);
        CHECKED(prod(&a->macs_valid, 5, l->n, l->c, l->k / g, vh, vw));
        /* the im2col-like buffer of GEMM + col2im: [k/g*kh*kw][h*w] */
        CHECKED(prod(&a->workspace_bytes, 6, l->k / g, l->kh, l->kw, l->h, l->w, (int64_t)4));
    } else {
        a->macs = macs_out;
        int64_t vh = valid_pairs(l->oh, l->h, l->kh, l->sh, l->pt, l->dh);
        int64_t vw = valid_pairs(l->ow, l->w, l->kw, l->sw, l->pl, l->dw);
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

/* ---- the reference loops (the oracle; this file is built at -O3) ---- */
#define IDX4(a, b, c, d, B, C, D) ((((a) * (B) + (b)) * (C) + (c)) * (D) + (d))

/* Input row iy of one channel with its padding as explicit zeros:
 * padded[ix + pl] for ix in [-pl, w + pr); all zeros when iy is padding. */
static void ref_padded_row(const nnb_layer *l, const float *in_plane, int64_t iy, float *padded)
{
    const int64_t len = l->pl + l->w + l->pr;
    for (int64_t i = 0; i < len; i++) padded[i] = 0.0f;
    if (iy >= 0 && iy < l->h)
        for (int64_t ix = 0; ix < l->w; ix++) padded[ix + l->pl] = in_plane[iy * l->w + ix];
}

/* Each output element sums its taps in the obvious order (input channel,
 * kernel row, kernel column), padding taps included as zeros (the dense
 * count, DESIGN.md), then adds the bias. The loops run with the output
 * column innermost so that the compiler vectorises them (this file is built
 * at -O3, plain C): every element's sum, and so the result, is the same as
 * with one element at a time. ws: one padded input row. */
static void ref_conv(const nnb_layer *l, const nnb_tensors *t, float *padded)
{
    const int64_t cg = l->c / l->groups, kg = l->k / l->groups;
    for (int64_t n = 0; n < l->n; n++)
        for (int64_t oc = 0; oc < l->k; oc++) {
            const int64_t g = oc / kg;
            for (int64_t oy = 0; oy < l->oh; oy++) {
                float *restrict row = t->dst + IDX4(n, oc, oy, 0, l->k, l->oh, l->ow);
                for (int64_t ox = 0; ox < l->ow; ox++) row[ox] = 0.0f;
                for (int64_t icg = 0; icg < cg; icg++) {
                    const float *in_plane = t->src + IDX4(n, g * cg + icg, 0, 0, l->c, l->h, l->w);
                    for (int64_t r = 0; r < l->kh; r++) {
                        ref_padded_row(l, in_plane, nnb_in_coord(oy, r, l->sh, l->pt, l->dh), padded);
                        for (int64_t s = 0; s < l->kw; s++) {
                            const float w = t->wei[IDX4(oc, icg, r, s, cg, l->kh, l->kw)];
                            /* ix + pl = ox*sw + s*dw: inside padded for every output column */
                            const float *restrict x = padded + s * l->dw;
                            for (int64_t ox = 0; ox < l->ow; ox++) row[ox] += x[ox * l->sw] * w;
                        }
                    }
                }
                if (l->bias)
                    for (int64_t ox = 0; ox < l->ow; ox++) row[ox] += t->bias[oc];
            }
        }
}

/* ws as declared by ref_conv_ws; a caller that gives none gets the row allocated
 * here, and an output of NaN (a failed check, never a silent wrong answer)
 * if even that fails. */
static void ref_conv_run(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    float *padded = ws ? ws : malloc((size_t)(l->pl + l->w + l->pr) * sizeof(float));
    if (padded) ref_conv(l, t, padded);
    else
        for (int64_t i = 0; i < t->dst_elems; i++) t->dst[i] = NAN;
    if (!ws) free(padded);
}

/* one input row with its padding (ref_padded_row) */
static int64_t ref_conv_ws(const nnb_layer *l) { return (l->pl + l->w + l->pr) * (int64_t)sizeof(float); }

/* Transposed convolution as the scatter it is defined by: input pixel
 * (iy, ix) adds wei * src to output (iy*s - p + r*d, ix*s - p + s*d). Output
 * padding only enlarges the output (rows/cols no tap reaches hold the bias). */
static void ref_deconv(const nnb_layer *l, const nnb_tensors *t)
{
    const int64_t cg = l->c / l->groups, kg = l->k / l->groups;
    for (int64_t i = 0; i < t->dst_elems; i++) t->dst[i] = 0.0f;
    for (int64_t n = 0; n < l->n; n++)
        for (int64_t ic = 0; ic < l->c; ic++) {
            const int64_t g = ic / cg;
            for (int64_t iy = 0; iy < l->h; iy++)
                for (int64_t ix = 0; ix < l->w; ix++) {
                    const float x = t->src[IDX4(n, ic, iy, ix, l->c, l->h, l->w)];
                    for (int64_t ocg = 0; ocg < kg; ocg++)
                        for (int64_t r = 0; r < l->kh; r++)
                            for (int64_t s = 0; s < l->kw; s++) {
                                int64_t oy = nnb_in_coord(iy, r, l->sh, l->pt, l->dh);
                                int64_t ox = nnb_in_coord(ix, s, l->sw, l->pl, l->dw);
                                if (oy < 0 || oy >= l->oh || ox < 0 || ox >= l->ow) continue;
                                t->dst[IDX4(n, g * kg + ocg, oy, ox, l->k, l->oh, l->ow)] +=
                                    x * t->wei[IDX4(ic, ocg, r, s, kg, l->kh, l->kw)];
                            }
                }
        }
    if (l->bias)
        for (int64_t n = 0; n < l->n; n++)
            for (int64_t oc = 0; oc < l->k; oc++)
                for (int64_t j = 0; j < l->oh * l->ow; j++)
                    t->dst[(n * l->k + oc) * l->oh * l->ow + j] += t->bias[oc];
}

static void ref_deconv_run(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    (void)ws;
    ref_deconv(l, t);
}

const nnb_op_info nnb_op_conv = {
    .op = NNB_OP_CONV, .name = "conv", .kv_name = "conv", .torch_class = "Conv2d",
    .kv_fields = NNB_F_COMMON | NNB_F_W | NNB_F_K | NNB_F_WINDOW | NNB_F_G | NNB_F_BIAS,
    .bias_default = true, .k_required = "output channels k=", .same_pad = true,
    .shape = conv_shape,
    .src_elem_bytes = 4, .count = conv_count, .tools = conv_tools,
    .flops_rule = "2 x MACs", .flops_rule_bias = "2 x MACs + bias adds",
    .valid_taps = true, .macs_in_total = true,
    .shapes = conv_shapes, .accum_len = convlike_accum_len,
    .benchdnn_driver = "conv", .rf = NNB_RF_WINDOW, .describe = nnb_op_describe_window,
    .ref = ref_conv_run, .ref_ws_bytes = ref_conv_ws,
    .presets = NNB_PRESETS({"conv3x3", "conv:c=64,h=56,k=64,r=3,pad=1", "ResNet-50 res2 3x3: 64x56x56 -> 64, pad 1"},
                           {"conv1x1", "conv:c=256,h=56,k=64,r=1", "ResNet-50 res2 1x1 bottleneck: 256x56x56 -> 64"},
                           {"conv7x7s2", "conv:c=3,h=224,k=64,r=7,stride=2,pad=3",
                            "ResNet-50 stem: 3x224x224 -> 64, 7x7 stride 2"},
                           {"conv5x5", "conv:c=16,h=28,k=32,r=5,pad=2", "Inception 5x5 branch: 16x28x28 -> 32, pad 2"},
                           {"dilated3x3", "conv:c=64,h=56,k=64,r=3,dil=2,pad=2", "dilated 3x3 (d=2): 64x56x56 -> 64"},
                           {"dwconv3x3", "conv:c=144,h=56,k=144,r=3,pad=1,g=144", "MobileNetV2 depthwise 3x3: 144x56x56"},
                           {"groupconv3x3", "conv:c=128,h=56,k=128,r=3,pad=1,g=32",
                            "ResNeXt grouped 3x3: 128x56x56, 32 groups"}),
    .onnx = NNB_ONNX(&nnb_onnx_conv),
};

const nnb_op_info nnb_op_deconv = {
    .op = NNB_OP_DECONV, .name = "deconv", .kv_name = "deconv", .torch_class = "ConvTranspose2d",
    .kv_fields = NNB_F_COMMON | NNB_F_W | NNB_F_K | NNB_F_WINDOW | NNB_F_G | NNB_F_OPH | NNB_F_OPW | NNB_F_BIAS,
    .bias_default = true, .k_required = "output channels k=",
    .shape = deconv_shape,
    .src_elem_bytes = 4, .count = deconv_count, .tools = nnb_op_tools_macs,
    .flops_rule = "2 x MACs", .flops_rule_bias = "2 x MACs + bias adds",
    .valid_taps = true, .transposed = true, .macs_in_total = true,
    .shapes = deconv_shapes, .accum_len = convlike_accum_len,
    .benchdnn_driver = "deconv", .rf = NNB_RF_NONE, .describe = nnb_op_describe_window,
    .ref = ref_deconv_run,
    .presets = NNB_PRESETS({"deconv4x4s2", "deconv:c=64,h=28,k=32,r=4,stride=2,pad=1",
                            "transposed 4x4 stride 2: 64x28x28 -> 32x56x56"}),
    .onnx = NNB_ONNX(&nnb_onnx_conv_transpose),
};
