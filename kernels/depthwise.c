/* "depthwise": groups == c, k = c * multiplier. Every output channel reads
 * one input plane, so there is no channel reduction to block over: each
 * (image, input channel) plane is packed once into a thread-local padded,
 * phase-split buffer (L1/L2 sized, im2col.h) and feeds its `multiplier`
 * output channels. The micro-kernel blocks R output rows x VW vectors along
 * the width (up to 4 x 4 zmm accumulators: enough independent FMA chains to
 * cover the FMA latency, where one row alone would be latency-bound); per
 * tap one weight broadcast feeds R*VW FMAs. AVX-512, AVX2/FMA or portable C,
 * picked at run time. OpenMP over the n*c planes. */
#include "nnbench/kernel.h"
#include "conv_tile.h"
#include "im2col.h"

#include <immintrin.h>
#include <omp.h>

typedef struct dw_tile {
    const float *in;       /* packed plane at (row origin of output row 0, column ox0) */
    int64_t rowstep;       /* floats between consecutive output rows' input rows (sh*sw*wq) */
    const int64_t *tapoff; /* per tap, nnb_pack_tap_off */
    int64_t ntaps;
    const float *w;        /* ntaps weights */
    float bias;
    float *out;            /* dst at (row 0, ox0) */
    int64_t ostride;       /* floats between output rows (ow) */
    int rows, ncols;
} dw_tile;

#define R_MAX 4

static inline __attribute__((always_inline, target("avx512f"))) void
dw512(const dw_tile *t, const int R, const int VW)
{
    __m512 acc[R_MAX][4];
    for (int j = 0; j < R; j++)
        for (int v = 0; v < VW; v++) acc[j][v] = _mm512_set1_ps(t->bias);
    for (int64_t p = 0; p < t->ntaps; p++) {
        __m512 w = _mm512_set1_ps(t->w[p]);
        const float *ip = t->in + t->tapoff[p];
        for (int j = 0; j < R; j++)
            for (int v = 0; v < VW; v++)
                acc[j][v] = _mm512_fmadd_ps(w, _mm512_loadu_ps(ip + j * t->rowstep + 16 * v), acc[j][v]);
    }
    for (int v = 0; v < VW; v++) {
        int rem = t->ncols - 16 * v;
        __mmask16 m = rem >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << rem) - 1);
        for (int j = 0; j < R; j++) _mm512_mask_storeu_ps(t->out + j * t->ostride + 16 * v, m, acc[j][v]);
    }
}

#define DW512_VW(R)                                     \
    case R:                                             \
        switch ((t->ncols + 15) / 16) {                 \
        case 1: dw512(t, R, 1); break;                  \
        case 2: dw512(t, R, 2); break;                  \
        case 3: dw512(t, R, 3); break;                  \
        default: dw512(t, R, 4); break;                 \
        }                                               \
        break;

__attribute__((target("avx512f"))) static void run512(const dw_tile *t)
{
    switch (t->rows) {
    DW512_VW(1) DW512_VW(2) DW512_VW(3)
    default: DW512_VW(4)
    }
}

/* AVX-512, 3x3 window, stride 1, dilation 1 (MobileNet's stride-1 layers):
 * straight from the NCHW plane, no packing. A tile is R output rows x VW
 * vectors; each input row of the R + 2 the tile reads is loaded once per
 * column shift s and feeds the (up to 3) output rows it touches, so a load
 * feeds 1.5-3 FMAs instead of one. Padding columns are masked-off lanes of
 * the (fault-suppressing) masked loads, padding rows are skipped. */
static inline __attribute__((always_inline, target("avx512f"))) void
dw3s1_512(const float *plane, int64_t h, int64_t w, int64_t pt, int64_t pl, const float *wt,
          float bias, float *out, int64_t ow, int64_t oy0, int64_t x0, int ncols, const int R,
          const int VW)
{
    __mmask16 m[3][4];
    for (int s = 0; s < 3; s++)
        for (int v = 0; v < VW; v++) { /* lane i reads column x0 + 16v + i + s - pl */
            int64_t lo = pl - s - x0 - 16 * v, hi = w + pl - s - x0 - 16 * v;
            lo = lo < 0 ? 0 : lo > 16 ? 16 : lo;
            hi = hi < 0 ? 0 : hi > 16 ? 16 : hi;
            m[s][v] = (__mmask16)(((1u << hi) - 1) & ~((1u << lo) - 1));
        }
    __m512 wv[9];
    for (int k = 0; k < 9; k++) wv[k] = _mm512_set1_ps(wt[k]);
    __m512 acc[R_MAX][4];
    for (int j = 0; j < R; j++)
        for (int v = 0; v < VW; v++) acc[j][v] = _mm512_set1_ps(bias);
#pragma GCC unroll 6
    for (int t = 0; t < R + 2; t++) {
        int64_t iy = oy0 + t - pt;
        if (iy < 0 || iy >= h) continue;
        const float *row = plane + iy * w + x0 - pl;
#pragma GCC unroll 3
        for (int s = 0; s < 3; s++)
#pragma GCC unroll 4
            for (int v = 0; v < VW; v++) {
                __m512 x = _mm512_maskz_loadu_ps(m[s][v], row + s + 16 * v);
#pragma GCC unroll 3
                for (int r = 0; r < 3; r++) {
                    int j = t - r;
                    if (j >= 0 && j < R) acc[j][v] = _mm512_fmadd_ps(wv[r * 3 + s], x, acc[j][v]);
                }
            }
    }
    for (int v = 0; v < VW; v++) {
        int rem = ncols - 16 * v;
        __mmask16 sm = rem >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << rem) - 1);
        for (int j = 0; j < R; j++) _mm512_mask_storeu_ps(out + (oy0 + j) * ow + x0 + 16 * v, sm, acc[j][v]);
    }
}

#define DW3_VW(R)                                                                          \
    case R:                                                                                \
        for (int64_t x0 = 0; x0 < l->ow; x0 += 64) {                                       \
            int nc = (int)(l->ow - x0 < 64 ? l->ow - x0 : 64);                             \
            switch ((nc + 15) / 16) {                                                      \
            case 1: dw3s1_512(plane, l->h, l->w, l->pt, l->pl, wt, bias, out, l->ow, oy, x0, nc, R, 1); break; \
            case 2: dw3s1_512(plane, l->h, l->w, l->pt, l->pl, wt, bias, out, l->ow, oy, x0, nc, R, 2); break; \
            case 3: dw3s1_512(plane, l->h, l->w, l->pt, l->pl, wt, bias, out, l->ow, oy, x0, nc, R, 3); break; \
            default: dw3s1_512(plane, l->h, l->w, l->pt, l->pl, wt, bias, out, l->ow, oy, x0, nc, R, 4); break; \
            }                                                                              \
        }                                                                                  \
        break;

/* one output plane of the 3x3 stride-1 path */
__attribute__((target("avx512f"))) static void dw3s1_plane(const nnb_layer *l, const float *plane,
                                                         const float *wt, float bias, float *out)
{
    for (int64_t oy = 0; oy < l->oh; oy += R_MAX) {
        switch (l->oh - oy < R_MAX ? l->oh - oy : R_MAX) {
        DW3_VW(1) DW3_VW(2) DW3_VW(3)
        default: DW3_VW(4)
        }
    }
}

static bool dw3s1_fits(const nnb_layer *l)
{
    return nnb_isa_level() >= NNB_ISA_AVX512 && l->kh == 3 && l->kw == 3 && l->sh == 1 &&
           l->sw == 1 && l->dh == 1 && l->dw == 1;
}

static inline __attribute__((always_inline, target("avx2,fma"))) void
dw256(const dw_tile *t, const int R, const int VW)
{
    __m256 acc[R_MAX][3];
    for (int j = 0; j < R; j++)
        for (int v = 0; v < VW; v++) acc[j][v] = _mm256_set1_ps(t->bias);
    for (int64_t p = 0; p < t->ntaps; p++) {
        __m256 w = _mm256_set1_ps(t->w[p]);
        const float *ip = t->in + t->tapoff[p];
        for (int j = 0; j < R; j++)
            for (int v = 0; v < VW; v++)
                acc[j][v] = _mm256_fmadd_ps(w, _mm256_loadu_ps(ip + j * t->rowstep + 8 * v), acc[j][v]);
    }
    for (int v = 0; v < VW; v++) {
        __m256i m = _mm256_cmpgt_epi32(_mm256_set1_epi32(t->ncols - 8 * v),
                                       _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
        for (int j = 0; j < R; j++) _mm256_maskstore_ps(t->out + j * t->ostride + 8 * v, m, acc[j][v]);
    }
}

#define DW256_VW(R)                                     \
    case R:                                             \
        switch ((t->ncols + 7) / 8) {                   \
        case 1: dw256(t, R, 1); break;                  \
        case 2: dw256(t, R, 2); break;                  \
        default: dw256(t, R, 3); break;                 \
        }                                               \
        break;

__attribute__((target("avx2,fma"))) static void run256(const dw_tile *t)
{
    switch (t->rows) {
    DW256_VW(1) DW256_VW(2) DW256_VW(3)
    default: DW256_VW(4)
    }
}

static void run_c(const dw_tile *t)
{
    for (int j = 0; j < t->rows; j++)
        for (int i = 0; i < t->ncols; i++) {
            float acc = t->bias;
            for (int64_t p = 0; p < t->ntaps; p++)
                acc += t->w[p] * t->in[j * t->rowstep + t->tapoff[p] + i];
            t->out[j * t->ostride + i] = acc;
        }
}

typedef struct dw_isa {
    int lanes, cols;
    void (*run)(const dw_tile *t);
} dw_isa;

static const dw_isa *pick_isa(void)
{
    static const dw_isa i512 = {16, 64, run512}, i256 = {8, 24, run256}, ic = {1, 16, run_c};
    switch (nnb_isa_level()) {
    case NNB_ISA_AVX512: return &i512;
    case NNB_ISA_AVX2: return &i256;
    default: return &ic;
    }
}

typedef struct plan {
    const dw_isa *isa;
    nnb_win win;
    int64_t mult, taps, rows, wq, plane, off_floats;
} plan;

static void make_plan(const nnb_layer *l, plan *p)
{
    p->isa = pick_isa();
    p->win = nnb_win_of(l);
    p->mult = l->k / l->c;
    p->taps = l->kh * l->kw;
    p->rows = nnb_pack_rows(&p->win);
    p->wq = nnb_pack_row_len(&p->win, p->isa->lanes);
    p->plane = (p->rows * l->sw * p->wq + 15) / 16 * 16;
    p->off_floats = (2 * p->taps + 15) / 16 * 16;
}

static bool supports(const nnb_layer *l)
{
    return l->op == NNB_OP_CONV && l->groups == l->c && l->k % l->c == 0;
}

static int64_t workspace_bytes(const nnb_layer *l, int nthreads)
{
    plan p;
    make_plan(l, &p);
    return (p.off_floats + (int64_t)nthreads * p.plane) * (int64_t)sizeof(float);
}

static void run(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    plan p;
    make_plan(l, &p);
    int64_t *off = ws;
    for (int64_t r = 0; r < l->kh; r++)
        for (int64_t s = 0; s < l->kw; s++) off[r * l->kw + s] = nnb_pack_tap_off(&p.win, p.wq, r, s);
    float *planes = (float *)ws + p.off_floats;
    const int64_t rowstep = l->sh * l->sw * p.wq, cols = p.isa->cols;
    if (dw3s1_fits(l)) {
#pragma omp parallel for schedule(static)
        for (int64_t po = 0; po < l->n * l->k; po++) {
            const int64_t n = po / l->k, oc = po % l->k, ic = oc / p.mult;
            dw3s1_plane(l, t->src + (n * l->c + ic) * l->h * l->w, t->wei + oc * 9,
                        l->bias ? t->bias[oc] : 0.0f, t->dst + po * l->oh * l->ow);
        }
        return;
    }
#pragma omp parallel
    {
        float *buf = planes + omp_get_thread_num() * p.plane;
#pragma omp for schedule(static)
        for (int64_t pl = 0; pl < l->n * l->c; pl++) {
            const int64_t n = pl / l->c, ic = pl % l->c;
            nnb_pack_padded(t->src + pl * l->h * l->w, l->h, l->w, l->pt, l->pl, p.rows, l->sw,
                            p.wq, 0.0f, buf);
            for (int64_t m = 0; m < p.mult; m++) {
                const int64_t oc = ic * p.mult + m;
                dw_tile tile = {.rowstep = rowstep, .tapoff = off, .ntaps = p.taps,
                                .w = t->wei + oc * p.taps, .bias = l->bias ? t->bias[oc] : 0.0f,
                                .ostride = l->ow};
                float *out = t->dst + (n * l->k + oc) * l->oh * l->ow;
                for (int64_t oy = 0; oy < l->oh; oy += R_MAX) {
                    tile.rows = (int)(l->oh - oy < R_MAX ? l->oh - oy : R_MAX);
                    for (int64_t x0 = 0; x0 < l->ow; x0 += cols) {
                        tile.in = buf + oy * rowstep + x0;
                        tile.out = out + oy * l->ow + x0;
                        tile.ncols = (int)(l->ow - x0 < cols ? l->ow - x0 : cols);
                        p.isa->run(&tile);
                    }
                }
            }
        }
    }
}

const nnb_kernel nnb_kernel_depthwise = {
    .name = "depthwise",
    .desc = "depthwise conv (groups == c, any multiplier): rows x width register tiles",
    .flops_tolerance = 0.02,
    .supports = supports,
    .workspace_bytes = workspace_bytes,
    .run = run,
};
