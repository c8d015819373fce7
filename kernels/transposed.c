/* Transposed convolution (PyTorch ConvTranspose2d), two algorithms.
 *
 * transposed_gemm: per image and group, col[kg*kh*kw][h*w] = W_g^T x src_g
 * (one sgemm), then col2im scatters the columns into the output (the adjoint
 * of im2col, same index helpers). Output padding just enlarges the output.
 *
 * transposed_direct: gather form, one output row at a time, no column
 * buffer. Output row oy gathers input row iy through tap r when
 * oy + pt - r*dh = iy*sh. Along the row, input ix feeds padded output column
 * X = ix*sw + s*dw, i.e. phase X % sw at index ix + (s*dw)/sw: so in a
 * phase-split row buffer every (ic, r, s) contribution is a contiguous axpy,
 * which vectorises; the row is then interleaved back into dst. OpenMP over
 * (image, output channel, output row): each row has one owner, no races. */
#include "nnbench/kernel.h"
#include "im2col.h"

#include <cblas.h>
#include <omp.h>
#include <string.h>

static bool supports(const nnb_layer *l)
{
    if (l->op != NNB_OP_DECONV) return false;
    int64_t kg = l->k / l->groups, cg = l->c / l->groups;
    return kg * l->kh * l->kw <= INT32_MAX && l->h * l->w <= INT32_MAX && cg <= INT32_MAX;
}

/* ---------------- transposed_gemm ---------------- */

static int64_t col_floats(const nnb_layer *l)
{
    return (l->k / l->groups) * l->kh * l->kw * l->h * l->w;
}

static bool gemm_parallel_items(const nnb_layer *l, int nthreads)
{
    return nthreads > 1 && l->n * l->groups >= 2 * nthreads;
}

static int64_t gemm_ws(const nnb_layer *l, int nthreads)
{
    int64_t copies = gemm_parallel_items(l, nthreads) ? nthreads : 1;
    return copies * col_floats(l) * (int64_t)sizeof(float);
}

static void fill_bias(const nnb_layer *l, const nnb_tensors *t, int64_t n, int64_t oc0,
                      int64_t noc)
{
    const int64_t hw = l->oh * l->ow;
    for (int64_t oc = oc0; oc < oc0 + noc; oc++) {
        float *d = t->dst + (n * l->k + oc) * hw, b = l->bias ? t->bias[oc] : 0.0f;
        for (int64_t j = 0; j < hw; j++) d[j] = b;
    }
}

/* col2im geometry: the deconv output plays the image, its input the columns */
static nnb_win deconv_win(const nnb_layer *l)
{
    return (nnb_win){.ih = l->oh, .iw = l->ow, .oh = l->h, .ow = l->w, .kh = l->kh, .kw = l->kw,
                     .sh = l->sh, .sw = l->sw, .pt = l->pt, .pl = l->pl, .dh = l->dh, .dw = l->dw};
}

static void gemm_item(const nnb_layer *l, const nnb_tensors *t, int64_t item, float *col,
                      bool inner_parallel)
{
    const int64_t g = item % l->groups, n = item / l->groups;
    const int64_t cg = l->c / l->groups, kg = l->k / l->groups, hw = l->h * l->w;
    const int64_t m = kg * l->kh * l->kw, taps = l->kh * l->kw;
    const nnb_win win = deconv_win(l);
    fill_bias(l, t, n, g * kg, kg);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)m, (int)hw, (int)cg, 1.0f,
                t->wei + g * cg * m, (int)m, t->src + (n * l->c + g * cg) * hw, (int)hw, 0.0f,
                col, (int)hw);
    float *dst = t->dst + (n * l->k + g * kg) * l->oh * l->ow;
    /* output channels are independent: col2im them in parallel when the
     * GEMM ran threaded (outside any parallel region) */
#pragma omp parallel for schedule(static) if (inner_parallel)
    for (int64_t oc = 0; oc < kg; oc++)
        nnb_col2im(col + oc * taps * hw, 1, &win, dst + oc * l->oh * l->ow);
}

static void gemm_run(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    const int64_t items = l->n * l->groups;
    if (gemm_parallel_items(l, omp_get_max_threads())) {
#pragma omp parallel
        {
            float *col = (float *)ws + omp_get_thread_num() * col_floats(l);
#pragma omp for schedule(static)
            for (int64_t it = 0; it < items; it++) gemm_item(l, t, it, col, false);
        }
    } else {
        for (int64_t it = 0; it < items; it++) gemm_item(l, t, it, ws, true);
    }
}

/* ---------------- transposed_direct ---------------- */

/* length of one phase of the row buffer: every written and read index */
static int64_t phase_len(const nnb_layer *l)
{
    int64_t wr = l->w + ((l->kw - 1) * l->dw) / l->sw;
    int64_t rd = (l->ow - 1 + l->pl) / l->sw + 1;
    int64_t jn = wr > rd ? wr : rd;
    return (jn + 15) / 16 * 16;
}

static int64_t direct_ws(const nnb_layer *l, int nthreads)
{
    return (int64_t)nthreads * l->sw * phase_len(l) * (int64_t)sizeof(float);
}

__attribute__((target_clones("avx512f", "avx2", "default")))
static void axpy(float *restrict y, float a, const float *restrict x, int64_t n)
{
    for (int64_t i = 0; i < n; i++) y[i] += a * x[i];
}

static void direct_row(const nnb_layer *l, const nnb_tensors *t, int64_t n, int64_t oc,
                       int64_t oy, float *buf, int64_t jn)
{
    const int64_t cg = l->c / l->groups, kg = l->k / l->groups;
    const int64_t g = oc / kg, ocg = oc % kg;
    memset(buf, 0, (size_t)(l->sw * jn) * sizeof(float));
    for (int64_t icg = 0; icg < cg; icg++) {
        const int64_t ic = g * cg + icg;
        for (int64_t r = 0; r < l->kh; r++) {
            int64_t y = oy + l->pt - r * l->dh; /* = iy*sh for a contributing row */
            if (y < 0 || y % l->sh || y / l->sh >= l->h) continue;
            const float *srow = t->src + ((n * l->c + ic) * l->h + y / l->sh) * l->w;
            const float *wr = t->wei + ((ic * kg + ocg) * l->kh + r) * l->kw;
            for (int64_t s = 0; s < l->kw; s++) {
                int64_t x = s * l->dw;
                axpy(buf + (x % l->sw) * jn + x / l->sw, wr[s], srow, l->w);
            }
        }
    }
    float *d = t->dst + ((n * l->k + oc) * l->oh + oy) * l->ow;
    const float b = l->bias ? t->bias[oc] : 0.0f;
    for (int64_t ox = 0; ox < l->ow; ox++) {
        int64_t X = ox + l->pl;
        d[ox] = buf[(X % l->sw) * jn + X / l->sw] + b;
    }
}

static void direct_run(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    const int64_t jn = phase_len(l), rows = l->n * l->k * l->oh;
#pragma omp parallel
    {
        float *buf = (float *)ws + omp_get_thread_num() * l->sw * jn;
#pragma omp for schedule(static)
        for (int64_t it = 0; it < rows; it++)
            direct_row(l, t, it / (l->k * l->oh), (it / l->oh) % l->k, it % l->oh, buf, jn);
    }
}

const nnb_kernel nnb_kernel_transposed_gemm = {
    .name = "transposed_gemm",
    .desc = "transposed conv: sgemm (W^T x src) + col2im, per group",
    .supports = supports,
    .workspace_bytes = gemm_ws,
    .run = gemm_run,
};

const nnb_kernel nnb_kernel_transposed_direct = {
    .name = "transposed_direct",
    .desc = "transposed conv: direct gather per output row, phase-split vectorised axpys",
    .supports = supports,
    .workspace_bytes = direct_ws,
    .run = direct_run,
};
