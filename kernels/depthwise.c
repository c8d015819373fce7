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

static inline __attribute__((always_inline, target("avx2,fma"))) void
dw256(const dw_tile *t, const int R, const int VW)
{
    __m256 acc[R_MAX][3];
    for (int j = 0; j < R; j++)
        for (int v = 0; v < VW; v++) acc[j][v] = _mm256_set1_ps(t->bias);
    for (int64_t p = 0; p < t->ntaps; p++) {
        __m256 w = _mm256_broadcast_ss(t->w + p);
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
    p->win = (nnb_win){.ih = l->h, .iw = l->w, .oh = l->oh, .ow = l->ow, .kh = l->kh, .kw = l->kw,
                       .sh = l->sh, .sw = l->sw, .pt = l->pt, .pl = l->pl, .dh = l->dh, .dw = l->dw};
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
    .supports = supports,
    .workspace_bytes = workspace_bytes,
    .run = run,
};
