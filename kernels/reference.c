/* The oracle: naive loops written straight from PyTorch's definitions of
 * Conv2d, ConvTranspose2d, Linear (over the flattened c*h*w input) and
 * MaxPool2d/AvgPool2d, generalised to asymmetric padding. Every feature, no
 * tricks, fp32 accumulation in the obvious order. Clarity over speed. */
#include "nnbench/kernel.h"
#include "kernels.h"

#include <math.h>

#define IDX4(a, b, c, d, B, C, D) ((((a) * (B) + (b)) * (C) + (c)) * (D) + (d))

static void ref_conv(const nnb_layer *l, const nnb_tensors *t)
{
    const int64_t cg = l->c / l->groups, kg = l->k / l->groups;
    for (int64_t n = 0; n < l->n; n++)
        for (int64_t oc = 0; oc < l->k; oc++) {
            const int64_t g = oc / kg;
            for (int64_t oy = 0; oy < l->oh; oy++)
                for (int64_t ox = 0; ox < l->ow; ox++) {
                    float sum = 0.0f;
                    for (int64_t icg = 0; icg < cg; icg++)
                        for (int64_t r = 0; r < l->kh; r++)
                            for (int64_t s = 0; s < l->kw; s++) {
                                int64_t iy = nnb_in_coord(oy, r, l->sh, l->pt, l->dh);
                                int64_t ix = nnb_in_coord(ox, s, l->sw, l->pl, l->dw);
                                /* padding is explicit zeros: the reference executes the
                                 * dense count (every tap), the convention of DESIGN.md */
                                bool in = iy >= 0 && iy < l->h && ix >= 0 && ix < l->w;
                                float x = in ? t->src[IDX4(n, g * cg + icg, iy, ix, l->c, l->h, l->w)] : 0.0f;
                                sum += x * t->wei[IDX4(oc, icg, r, s, cg, l->kh, l->kw)];
                            }
                    if (l->bias) sum += t->bias[oc];
                    t->dst[IDX4(n, oc, oy, ox, l->k, l->oh, l->ow)] = sum;
                }
        }
}

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

static void ref_fc(const nnb_layer *l, const nnb_tensors *t)
{
    const int64_t len = l->c * l->h * l->w;
    for (int64_t n = 0; n < l->n; n++)
        for (int64_t o = 0; o < l->k; o++) {
            float sum = 0.0f;
            for (int64_t i = 0; i < len; i++) sum += t->src[n * len + i] * t->wei[o * len + i];
            if (l->bias) sum += t->bias[o];
            t->dst[n * l->k + o] = sum;
        }
}

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

/* One line per op the oracle implements; an op without a line is not supported. */
static void (*const ref_ops[NNB_OP_COUNT])(const nnb_layer *, const nnb_tensors *) = {
    [NNB_OP_CONV] = ref_conv,
    [NNB_OP_DECONV] = ref_deconv,
    [NNB_OP_FC] = ref_fc,
    [NNB_OP_POOL_MAX] = ref_pool,
    [NNB_OP_POOL_AVG] = ref_pool,
};

static bool ref_supports(const nnb_layer *l)
{
    return (int)l->op >= 0 && l->op < NNB_OP_COUNT && ref_ops[l->op];
}

static int64_t ref_ws(const nnb_layer *l, int nthreads)
{
    (void)l;
    (void)nthreads;
    return 0;
}

static void ref_run(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    (void)ws;
    if (ref_supports(l)) ref_ops[l->op](l, t);
}

const nnb_kernel nnb_kernel_reference = {
    .name = "reference",
    .desc = "naive loops, every layer feature: the oracle",
    .flops_tolerance = 0.02,
    .supports = ref_supports,
    .workspace_bytes = ref_ws,
    .run = ref_run,
    .work = nnb_work_reference,
};
