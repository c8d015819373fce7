/* Max and average pooling (PyTorch MaxPool2d / AvgPool2d): output size with
 * PyTorch's ceil_mode rule; no weights. */
#include <math.h>

#include "ops/onnx_rule.h"
#include "ops/op_impl.h"
#include "util/util.h"

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Pooling output exactly as PyTorch's pooling_output_shape: floor (or ceil)
 * division, and with ceil_mode the last window must start inside the input
 * or the left padding. A window may hang over the far edge. */
static int64_t pool_out(int64_t in, int64_t k, int64_t s, int64_t p0, int64_t p1, int64_t d, bool ceil_mode)
{
    int64_t o = floor_div(in + p0 + p1 - nnb_extent(k, d) + (ceil_mode ? s - 1 : 0), s) + 1;
    if (ceil_mode && (o - 1) * s >= in + p0) o--;
    return o;
}

/* PyTorch: pad <= kernel_size / 2 (the window, not its dilated extent) */
static int pool_pad_ok(const nnb_layer *l, char *err, size_t len)
{
    if (2 * l->pt > l->kh || 2 * l->pb > l->kh || 2 * l->pl > l->kw || 2 * l->pr > l->kw)
        return nnb_errf(err, len, "%s: padding must be at most half the window (got pad %lld for %lldx%lld)",
                        nnb_op_name(l->op), (long long)(l->pt > l->pl ? l->pt : l->pl), (long long)l->kh,
                        (long long)l->kw);
    return 0;
}

static int pool_derive(nnb_layer *l, char *err, size_t len)
{
    l->oh = pool_out(l->h, l->kh, l->sh, l->pt, l->pb, l->dh, l->ceil_mode);
    l->ow = pool_out(l->w, l->kw, l->sw, l->pl, l->pr, l->dw, l->ceil_mode);
    if (l->oh <= 0 || l->ow <= 0)
        return nnb_errf(err, len, "%s: window %lldx%lld is larger than the padded input: no output",
                        nnb_op_name(l->op), (long long)l->kh, (long long)l->kw);
    return 0;
}

static int pool_max_shape(nnb_layer *l, char *err, size_t len)
{
    if (pool_pad_ok(l, err, len)) return -1;
    return pool_derive(l, err, len);
}

static int pool_avg_shape(nnb_layer *l, char *err, size_t len)
{
    if (pool_pad_ok(l, err, len)) return -1;
    if (l->dh != 1 || l->dw != 1) return nnb_errf(err, len, "pool_avg: dilation is not defined for average pooling");
    return pool_derive(l, err, len);
}

static int pool_elems(const nnb_layer *l, nnb_op_counts *a, char *err, size_t len)
{
    CHECKED(prod(&a->src_elems, 4, l->n, l->c, l->h, l->w));
    CHECKED(prod(&a->dst_elems, 4, l->n, l->c, l->oh, l->ow));
    return 0;
}

/* one max per window tap, from a -inf start (as executed) */
static int pool_max_count(const nnb_layer *l, nnb_op_counts *a, char *err, size_t len)
{
    if (pool_elems(l, a, err, len)) return -1;
    CHECKED(prod(&a->flops, 3, a->dst_elems, l->kh, l->kw));
    return 0;
}

/* one add per window tap from zero, and one divide */
static int pool_avg_count(const nnb_layer *l, nnb_op_counts *a, char *err, size_t len)
{
    if (pool_elems(l, a, err, len)) return -1;
    CHECKED(prod(&a->flops, 2, a->dst_elems, l->kh * l->kw + 1));
    return 0;
}

/* ptflops 0.7.3 counts pooling twice: pool_flops_counter_hook
 * (pytorch_ops.py:44-46) adds the input's elements, divided by the batch
 * with the other module hooks (pytorch_engine.py:195), and the patched
 * F.max_pool2d / F.avg_pool2d (_numel_functional_flops_hook, 341-342,
 * patched at pytorch_engine.py:352-363) adds them again, whole batch, after
 * the division (pytorch_engine.py:66): C*H*W*(N+1) per "image". fvcore
 * 0.1.5 has no handle for max_pool2d or avg_pool2d (flop_count.py:26-44):
 * an unsupported op, counted 0. */
static double pool_ptflops(const nnb_layer *l, const nnb_tool_terms *t)
{
    return nnb_per_image(l, t->src_elems) + t->src_elems;
}

/* thop 0.1.1: MaxPool2d is zero_ops (profile.py:42) */
static void pool_max_tools(const nnb_layer *l, const nnb_tool_terms *t, double v[NNB_TOOL_COUNT])
{
    v[NNB_TOOL_PTFLOPS] = pool_ptflops(l, t);
    v[NNB_TOOL_THOP] = 0;
    v[NNB_TOOL_FVCORE] = 0;
}

/* thop 0.1.1: count_avgpool (vision/basic_hooks.py:106-111) one op per
 * output element */
static void pool_avg_tools(const nnb_layer *l, const nnb_tool_terms *t, double v[NNB_TOOL_COUNT])
{
    v[NNB_TOOL_PTFLOPS] = pool_ptflops(l, t);
    v[NNB_TOOL_THOP] = t->dst_elems;
    v[NNB_TOOL_FVCORE] = 0;
}

static void pool_shapes(const nnb_layer *l, nnb_op_shapes *s)
{
    s->src = nnb_shape4(l->n, l->c, l->h, l->w);
    s->wei = (nnb_shape){0, {0}};
    s->dst = nnb_shape4(l->n, l->k, l->oh, l->ow);
}

static int64_t pool_accum_len(const nnb_layer *l) { return l->kh * l->kw; }

#define IDX4(a, b, c, d, B, C, D) ((((a) * (B) + (b)) * (C) + (c)) * (D) + (d))

/* PyTorch pooling: window start o*s - p; taps at start + i*d. Max ignores taps
 * outside the input (padding is -inf). Avg sums in-input taps and divides by
 * the taps inside the padded input [-p0, in + p1) when count_include_pad
 * (a ceil_mode window can reach past it), else by the in-input taps. */
static void ref_pool(const nnb_layer *l, const nnb_tensors *t)
{
    const bool is_max = l->op == NNB_OP_POOL_MAX;
    for (int64_t n = 0; n < l->n; n++)
        for (int64_t c = 0; c < l->c; c++)
            for (int64_t oy = 0; oy < l->oh; oy++)
                for (int64_t ox = 0; ox < l->ow; ox++) {
                    float acc = is_max ? -INFINITY : 0.0f;
                    int64_t inside = 0, padded = 0;
                    for (int64_t r = 0; r < l->kh; r++)
                        for (int64_t s = 0; s < l->kw; s++) {
                            int64_t iy = nnb_in_coord(oy, r, l->sh, l->pt, l->dh);
                            int64_t ix = nnb_in_coord(ox, s, l->sw, l->pl, l->dw);
                            if (iy < l->h + l->pb && ix < l->w + l->pr) padded++;
                            if (iy < 0 || iy >= l->h || ix < 0 || ix >= l->w) continue;
                            float v = t->src[IDX4(n, c, iy, ix, l->c, l->h, l->w)];
                            inside++;
                            if (is_max) acc = v > acc ? v : acc;
                            else acc += v;
                        }
                    if (!is_max) {
                        int64_t div = l->count_include_pad ? padded : inside;
                        acc = div > 0 ? acc / (float)div : 0.0f;
                    }
                    t->dst[IDX4(n, c, oy, ox, l->c, l->oh, l->ow)] = acc;
                }
}

static void ref_pool_run(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    (void)ws;
    ref_pool(l, t);
}

const nnb_op_info nnb_op_pool_max = {
    .op = NNB_OP_POOL_MAX, .name = "pool_max", .kv_name = "maxpool", .torch_class = "MaxPool2d",
    .kv_fields = NNB_F_COMMON | NNB_F_W | NNB_F_WINDOW | NNB_F_CEIL,
    .no_bias = "pooling has no bias", .stride_is_window = true, .same_pad = true,
    .k_is_c = true, .shape = pool_max_shape,
    .src_elem_bytes = 4, .count = pool_max_count, .tools = pool_max_tools,
    .flops_rule = "one max per window tap",
    .shapes = pool_shapes, .accum_len = pool_accum_len, .fill_src_range = 8, .selects = true,
    .rf = NNB_RF_WINDOW, .describe = nnb_op_describe_window,
    .ref = ref_pool_run,
    .presets = NNB_PRESETS({"maxpool3x3s2", "maxpool:c=64,h=112,r=3,stride=2,pad=1",
                            "ResNet-50 max pool 3x3 stride 2: 64x112x112"}),
    .onnx = NNB_ONNX(&nnb_onnx_max_pool),
};

const nnb_op_info nnb_op_pool_avg = {
    .op = NNB_OP_POOL_AVG, .name = "pool_avg", .kv_name = "avgpool", .torch_class = "AvgPool2d",
    .kv_fields = NNB_F_COMMON | NNB_F_W | NNB_F_WINDOW | NNB_F_CEIL | NNB_F_INCL,
    .no_bias = "pooling has no bias", .stride_is_window = true, .same_pad = true,
    .k_is_c = true, .shape = pool_avg_shape,
    .src_elem_bytes = 4, .count = pool_avg_count, .tools = pool_avg_tools,
    .flops_rule = "one add per window tap + one divide",
    .shapes = pool_shapes, .accum_len = pool_accum_len, .fill_src_range = 8,
    .rf = NNB_RF_WINDOW, .describe = nnb_op_describe_window,
    .ref = ref_pool_run,
    .presets = NNB_PRESETS({"avgpool7x7", "avgpool:c=2048,h=7,r=7", "ResNet-50 global average pool: 2048x7x7"}),
    .onnx = NNB_ONNX(&nnb_onnx_average_pool),
};
