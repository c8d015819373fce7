/* Adaptive average and max pooling (PyTorch AdaptiveAvgPool2d,
 * AdaptiveMaxPool2d): the output size oh x ow is given (oh=, ow= or out=)
 * and output i pools input rows [floor(i*in/out), ceil((i+1)*in/out)), as
 * PyTorch's start_index/end_index. kh/kw are derived: the largest window,
 * which bounds what one output sums. */
#include "ops/adaptive_pool.h"
#include "ops/eltwise.h"
#include "ops/onnx_rule.h"

#include <math.h>
#include "util/util.h"

static int64_t largest_window(int64_t in, int64_t out)
{
    int64_t m = 0;
    for (int64_t i = 0; i < out; i++) {
        int64_t w = nnb_adaptive_end(i, in, out) - nnb_adaptive_start(i, in, out);
        if (w > m) m = w;
    }
    return m;
}

/* taps of every window along one axis */
static int64_t window_taps(int64_t in, int64_t out)
{
    int64_t sum = 0;
    for (int64_t i = 0; i < out; i++) sum += nnb_adaptive_end(i, in, out) - nnb_adaptive_start(i, in, out);
    return sum;
}

/* sizes up to 2^20 keep i * in (window bounds) far from int64 overflow */
static int adaptive_shape(nnb_layer *l, char *err, size_t len)
{
    const int64_t lim = INT64_C(1) << 20;
    if (l->oh <= 0 || l->ow <= 0)
        return nnb_errf(err, len, "%s: the output size oh= and ow= (or out=) must be positive", nnb_op_name(l->op));
    if (l->oh > lim || l->ow > lim || l->h > lim || l->w > lim)
        return nnb_errf(err, len, "%s: input and output sizes must be at most 2^20", nnb_op_name(l->op));
    l->kh = largest_window(l->h, l->oh);
    l->kw = largest_window(l->w, l->ow);
    return 0;
}

static int adaptive_elems(const nnb_layer *l, nnb_op_counts *a, int64_t *taps, char *err, size_t len)
{
    CHECKED(prod(&a->src_elems, 4, l->n, l->c, l->h, l->w));
    CHECKED(prod(&a->dst_elems, 4, l->n, l->c, l->oh, l->ow));
    CHECKED(prod(taps, 4, l->n, l->c, window_taps(l->h, l->oh), window_taps(l->w, l->ow)));
    return 0;
}

/* one add per window tap from zero, and one divide (as pool_avg) */
static int adaptive_avg_count(const nnb_layer *l, nnb_op_counts *a, char *err, size_t len)
{
    int64_t taps;
    if (adaptive_elems(l, a, &taps, err, len)) return -1;
    CHECKED(nnb_add_ok(taps, a->dst_elems, &a->flops));
    return 0;
}

/* one max per window tap, from a -inf start (as pool_max) */
static int adaptive_max_count(const nnb_layer *l, nnb_op_counts *a, char *err, size_t len)
{
    return adaptive_elems(l, a, &a->flops, err, len);
}

/* ptflops 0.7.3: pool_flops_counter_hook covers the adaptive modules
 * (pytorch_ops.py:283-286): input elements per image, and their forward
 * calls the patched F.adaptive_avg_pool2d / F.adaptive_max_pool2d
 * (pytorch_ops.py:427, 430): input elements again, whole batch (see
 * pool.c). A functional F.adaptive_avg_pool2d alone (MobileNetV2's) counts
 * only the second term. */
static double adaptive_ptflops(const nnb_layer *l, const nnb_tool_terms *t)
{
    return nnb_per_image(l, t->src_elems) + t->src_elems;
}

/* thop 0.1.1: count_adap_avgpool (vision/basic_hooks.py:114-121) takes the
 * kernel as in/out per axis in real division, and calculate_adaptive_avg
 * (vision/calc_func.py:69-72) (kernel product + 1) x output elements.
 * fvcore 0.1.5: aten::adaptive_avg_pool2d is elementwise_flop_counter(1, 0)
 * (flop_count.py:42): one per input element. */
static void adaptive_avg_tools(const nnb_layer *l, const nnb_tool_terms *t, double v[NNB_TOOL_COUNT])
{
    v[NNB_TOOL_PTFLOPS] = adaptive_ptflops(l, t);
    double kernel = ((double)l->h / (double)l->oh) * ((double)l->w / (double)l->ow);
    v[NNB_TOOL_THOP] = (kernel + 1.0) * t->dst_elems;
    v[NNB_TOOL_FVCORE] = t->src_elems;
}

/* thop 0.1.1: AdaptiveMaxPool2d is zero_ops (profile.py:45); fvcore 0.1.5:
 * aten::adaptive_max_pool2d has no handle (unsupported, 0) */
static void adaptive_max_tools(const nnb_layer *l, const nnb_tool_terms *t, double v[NNB_TOOL_COUNT])
{
    v[NNB_TOOL_PTFLOPS] = adaptive_ptflops(l, t);
    v[NNB_TOOL_THOP] = 0;
    v[NNB_TOOL_FVCORE] = 0;
}

static int64_t adaptive_accum_len(const nnb_layer *l) { return l->kh * l->kw; }

static int adaptive_describe(const nnb_layer *l, char *buf, size_t len)
{
    int r = snprintf(buf, len, "%s %lldx%lldx%lldx%lld -> %lldx%lldx%lldx%lld", nnb_op_get(l->op)->kv_name,
                     (long long)l->n, (long long)l->c, (long long)l->h, (long long)l->w, (long long)l->n,
                     (long long)l->k, (long long)l->oh, (long long)l->ow);
    return r >= 0 && (size_t)r < len ? 0 : -1;
}

#define IDX4(a, b, c, d, B, C, D) ((((a) * (B) + (b)) * (C) + (c)) * (D) + (d))

/* PyTorch's adaptive windows (ops/adaptive_pool.h); avg divides by the
 * window's size, max starts from -inf */
static void ref_adaptive_pool(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    (void)ws;
    const bool is_max = l->op == NNB_OP_POOL_ADAPTIVE_MAX;
    for (int64_t n = 0; n < l->n; n++)
        for (int64_t c = 0; c < l->c; c++)
            for (int64_t oy = 0; oy < l->oh; oy++)
                for (int64_t ox = 0; ox < l->ow; ox++) {
                    int64_t y0 = nnb_adaptive_start(oy, l->h, l->oh), y1 = nnb_adaptive_end(oy, l->h, l->oh);
                    int64_t x0 = nnb_adaptive_start(ox, l->w, l->ow), x1 = nnb_adaptive_end(ox, l->w, l->ow);
                    float acc = is_max ? -INFINITY : 0.0f;
                    for (int64_t iy = y0; iy < y1; iy++)
                        for (int64_t ix = x0; ix < x1; ix++) {
                            float v = t->src[IDX4(n, c, iy, ix, l->c, l->h, l->w)];
                            if (is_max) acc = v > acc ? v : acc;
                            else acc += v;
                        }
                    if (!is_max) acc /= (float)((y1 - y0) * (x1 - x0));
                    t->dst[IDX4(n, c, oy, ox, l->c, l->oh, l->ow)] = acc;
                }
}

#define ADAPTIVE_OP(op_, name_, kv_, torch_, count_, tools_, rule_, selects_, presets_, onnx_)                          \
    {                                                                                                  \
        .op = op_, .name = name_, .kv_name = kv_, .torch_class = torch_, .kv_fields = NNB_F_COMMON | NNB_F_W | NNB_F_OH | NNB_F_OW, \
        .no_bias = "pooling has no bias", .k_is_c = true, .shape = adaptive_shape,                     \
        .src_elem_bytes = 4, .count = count_, .tools = tools_, .flops_rule = rule_,                    \
        .shapes = nnb_eltwise_shapes, .accum_len = adaptive_accum_len, .fill_src_range = 8,            \
        .selects = selects_, .rf = NNB_RF_NONE, .describe = adaptive_describe,                         \
        .ref = ref_adaptive_pool, .presets = presets_, .onnx = onnx_,                                  \
    }

const nnb_op_info nnb_op_pool_adaptive_avg =
    ADAPTIVE_OP(NNB_OP_POOL_ADAPTIVE_AVG, "pool_adaptive_avg", "adaptive_avgpool", "AdaptiveAvgPool2d", adaptive_avg_count,
                adaptive_avg_tools, "one add per window tap + one divide", false,
                NNB_PRESETS({"adaptive_avgpool", "adaptive_avgpool:c=2048,h=7,out=1",
                             "ResNet-50 AdaptiveAvgPool2d((1, 1)): 2048x7x7"}),
                NNB_ONNX(&nnb_onnx_global_average_pool));
const nnb_op_info nnb_op_pool_adaptive_max =
    ADAPTIVE_OP(NNB_OP_POOL_ADAPTIVE_MAX, "pool_adaptive_max", "adaptive_maxpool", "AdaptiveMaxPool2d", adaptive_max_count,
                adaptive_max_tools, "one max per window tap", true,
                NNB_PRESETS({"adaptive_maxpool", "adaptive_maxpool:c=64,h=10,out=3",
                             "adaptive max pool with uneven windows: 64x10x10 -> 3x3"}),
                NNB_ONNX(&nnb_onnx_global_max_pool));
