/* The oracle: naive loops written straight from PyTorch's definitions of
 * Conv2d, ConvTranspose2d, Linear (over the flattened c*h*w input) and
 * MaxPool2d/AvgPool2d, generalised to asymmetric padding, and the ops
 * around them in networks (ReLU, ReLU6, add, concat, flatten, dropout,
 * adaptive pooling). Every feature, no tricks, fp32 accumulation in the
 * obvious order. Clarity over speed; the convolution's loops put the output
 * column innermost, which the compiler vectorises without changing any sum. */
#include "nnbench/kernel.h"
#include "kernels.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ops/adaptive_pool.h"

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

/* Element-wise network ops over every element: relu, relu6, the identity of
 * inference dropout, flatten (a reshape: the bytes are the same). */
static void ref_relu(const nnb_layer *l, const nnb_tensors *t)
{
    (void)l;
    for (int64_t i = 0; i < t->dst_elems; i++) t->dst[i] = t->src[i] > 0.0f ? t->src[i] : 0.0f;
}

static void ref_relu6(const nnb_layer *l, const nnb_tensors *t)
{
    (void)l;
    for (int64_t i = 0; i < t->dst_elems; i++) t->dst[i] = fminf(fmaxf(t->src[i], 0.0f), 6.0f);
}

static void ref_copy(const nnb_layer *l, const nnb_tensors *t)
{
    (void)l;
    memcpy(t->dst, t->src, (size_t)t->dst_elems * sizeof *t->dst);
}

/* the two summands stacked along the batch (src 2n x c x h x w) */
static void ref_add(const nnb_layer *l, const nnb_tensors *t)
{
    (void)l;
    for (int64_t i = 0; i < t->dst_elems; i++) t->dst[i] = t->src[i] + t->src[t->dst_elems + i];
}

/* PyTorch's adaptive windows (ops/adaptive_pool.h); avg divides by the
 * window's size, max starts from -inf */
static void ref_adaptive_pool(const nnb_layer *l, const nnb_tensors *t)
{
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

/* One line per op the oracle implements; an op without a line is not supported. */
/* ws as declared by ref_ws; a caller that gives none gets the row allocated
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
static void ref_deconv_run(const nnb_layer *l, const nnb_tensors *t, void *ws) { (void)ws; ref_deconv(l, t); }
static void ref_fc_run(const nnb_layer *l, const nnb_tensors *t, void *ws) { (void)ws; ref_fc(l, t); }
static void ref_pool_run(const nnb_layer *l, const nnb_tensors *t, void *ws) { (void)ws; ref_pool(l, t); }
static void ref_relu_run(const nnb_layer *l, const nnb_tensors *t, void *ws) { (void)ws; ref_relu(l, t); }
static void ref_relu6_run(const nnb_layer *l, const nnb_tensors *t, void *ws) { (void)ws; ref_relu6(l, t); }
static void ref_add_run(const nnb_layer *l, const nnb_tensors *t, void *ws) { (void)ws; ref_add(l, t); }
static void ref_copy_run(const nnb_layer *l, const nnb_tensors *t, void *ws) { (void)ws; ref_copy(l, t); }
static void ref_adaptive_pool_run(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    (void)ws;
    ref_adaptive_pool(l, t);
}

static void (*const ref_ops[NNB_OP_COUNT])(const nnb_layer *, const nnb_tensors *, void *) = {
    [NNB_OP_CONV] = ref_conv_run,
    [NNB_OP_DECONV] = ref_deconv_run,
    [NNB_OP_FC] = ref_fc_run,
    [NNB_OP_POOL_MAX] = ref_pool_run,
    [NNB_OP_POOL_AVG] = ref_pool_run,
    [NNB_OP_RELU] = ref_relu_run,
    [NNB_OP_RELU6] = ref_relu6_run,
    [NNB_OP_ADD] = ref_add_run,
    [NNB_OP_CONCAT] = ref_copy_run, /* the layer holds the inputs' channel total only: one input, copied */
    [NNB_OP_FLATTEN] = ref_copy_run,
    [NNB_OP_DROPOUT] = ref_copy_run,
    [NNB_OP_POOL_ADAPTIVE_AVG] = ref_adaptive_pool_run,
    [NNB_OP_POOL_ADAPTIVE_MAX] = ref_adaptive_pool_run,
};

static bool ref_supports(const nnb_layer *l)
{
    return (int)l->op >= 0 && l->op < NNB_OP_COUNT && ref_ops[l->op];
}

/* Convolution: one input row with its padding (ref_padded_row); else none. */
static int64_t ref_ws(const nnb_layer *l, int nthreads)
{
    (void)nthreads;
    return l->op == NNB_OP_CONV ? (l->pl + l->w + l->pr) * (int64_t)sizeof(float) : 0;
}

static void ref_run(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    if (ref_supports(l)) ref_ops[l->op](l, t, ws);
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
