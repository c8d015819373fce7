/* "direct": convolution without im2col. The input of every image is packed
 * once into padded, stride-phase-split planes (so taps are plain unaligned
 * vector loads for any stride, padding and dilation), the weights into
 * [c][tap][kb] blocks, and a register-blocked micro-kernel (conv_tile.h)
 * computes kb output channels x up to vw vectors of one output row at a time:
 * per (channel, tap) vw loads and kb broadcasts feed kb*vw FMAs, so the FMA
 * units rather than the load ports set the pace. OpenMP over
 * (image, group, channel block, output row). This file also holds the
 * micro-kernel's ISA variants, shared with grouped.c. */
#include "nnbench/kernel.h"
#include "conv_tile.h"
#include "gemv.h"
#include "im2col.h"

#include <immintrin.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

/* ---------------- micro-kernel: AVX-512 ---------------- */

#define KB512 6 /* 6 x 4 accumulators + 4 inputs + 1 weight = 29 of 32 zmm */
#define VW512 4

static inline __attribute__((always_inline, target("avx512f"))) void
tile512(const nnb_tile *t, const int KB, const int VW, const bool PACKED, const bool MASK)
{
    __m512 acc[KB512][VW512];
    for (int j = 0; j < KB; j++) {
        __m512 b = _mm512_set1_ps(t->bias ? t->bias[j] : 0.0f);
        for (int v = 0; v < VW; v++) acc[j][v] = b;
    }
    /* weight of filter j at step i (i = c*ntaps + p): wj[j][i * (PACKED ? KB : 1)] */
    const float *wj[KB512];
    for (int j = 0; j < KB; j++) wj[j] = PACKED ? t->w + j : t->w + j * t->wjs;
    /* MASK: the last vector's lanes past ncols are not loaded, so the tile
     * reads nothing past its columns. Unused: the packed rows hold whole
     * vectors, and a masked load in the loop measured up to 3x slower here */
    const int remlast = t->ncols - 16 * (VW - 1);
    const __mmask16 mlast = remlast >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << remlast) - 1);
    int64_t i = 0;
    for (int64_t c = 0; c < t->nc; c++) {
        const float *ic = t->in + c * t->cstride;
        for (int64_t p = 0; p < t->ntaps; p++, i++) {
            const float *ip = ic + t->tapoff[p];
            __m512 x[VW512];
            for (int v = 0; v < VW; v++)
                x[v] = MASK && v == VW - 1 ? _mm512_maskz_loadu_ps(mlast, ip + 16 * v)
                                           : _mm512_loadu_ps(ip + 16 * v);
            for (int j = 0; j < KB; j++) {
                __m512 w = _mm512_set1_ps(wj[j][PACKED ? i * KB : i]);
                for (int v = 0; v < VW; v++) acc[j][v] = _mm512_fmadd_ps(w, x[v], acc[j][v]);
            }
        }
    }
    for (int v = 0; v < VW; v++) {
        int rem = t->ncols - 16 * v;
        __mmask16 m = rem >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << rem) - 1);
        for (int j = 0; j < KB; j++)
            _mm512_mask_storeu_ps(t->out + j * t->ostride + 16 * v, m, acc[j][v]);
    }
}

#define VW512_CASES(KB, PK, M)                          \
        switch ((t->ncols + 15) / 16) {                 \
        case 1: tile512(t, KB, 1, PK, M); break;        \
        case 2: tile512(t, KB, 2, PK, M); break;        \
        case 3: tile512(t, KB, 3, PK, M); break;        \
        default: tile512(t, KB, 4, PK, M); break;       \
        }
#define CASE_VW512(KB, PK)                              \
    case KB:                                            \
        VW512_CASES(KB, PK, false)                      \
        break;

__attribute__((target("avx512f"))) static void run512(const nnb_tile *t)
{
    if (t->wjs == 0) {
        switch (t->kb) {
        CASE_VW512(1, true) CASE_VW512(2, true) CASE_VW512(3, true) CASE_VW512(4, true)
        CASE_VW512(5, true)
        default: CASE_VW512(6, true)
        }
    } else {
        switch (t->kb) {
        CASE_VW512(1, false) CASE_VW512(2, false) CASE_VW512(3, false) CASE_VW512(4, false)
        CASE_VW512(5, false)
        default: CASE_VW512(6, false)
        }
    }
}

/* ---------------- micro-kernel: AVX2 + FMA ---------------- */

#define KB256 4 /* 4 x 3 accumulators + 3 inputs + 1 weight = 16 ymm */
#define VW256 3

/* VW full 8-wide vectors (the last one stored masked to the tile when MASK), then
 * TAIL (0, 1 or 4) more columns as one scalar or one 4-wide vector fed by the
 * same weight broadcast: squares' flattened planes (n^2 mod 8 is 0, 1 or 4)
 * and 20/28-wide rows then compute no lane past the tile. */
static inline __attribute__((always_inline, target("avx2,fma"))) void
tile256(const nnb_tile *t, const int KB, const int VW, const bool PACKED, const bool MASK,
        const int TAIL)
{
    __m256 acc[KB256][VW256];
    __m128 at[KB256];
    for (int j = 0; j < KB; j++) {
        __m256 b = _mm256_set1_ps(t->bias ? t->bias[j] : 0.0f);
        for (int v = 0; v < VW; v++) acc[j][v] = b;
        at[j] = _mm256_castps256_ps128(b);
    }
    const float *wj[KB256];
    for (int j = 0; j < KB; j++) wj[j] = PACKED ? t->w + j : t->w + j * t->wjs;
    /* lanes of the last vector inside the tile (all 8 unless it is partial) */
    const __m256i mlast = _mm256_cmpgt_epi32(_mm256_set1_epi32(t->ncols - 8 * (VW - 1)),
                                             _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    int64_t i = 0;
    for (int64_t c = 0; c < t->nc; c++) {
        const float *ic = t->in + c * t->cstride;
        for (int64_t p = 0; p < t->ntaps; p++, i++) {
            const float *ip = ic + t->tapoff[p];
            __m256 x[VW256];
            __m128 xt = _mm_setzero_ps();
            /* (the masked last vector is loaded whole: a packed row holds it,
             * and vmaskmovps loads are slow on AMD and doubly counted by
             * callgrind) */
            for (int v = 0; v < VW; v++) x[v] = _mm256_loadu_ps(ip + 8 * v);
            if (TAIL == 4) xt = _mm_loadu_ps(ip + 8 * VW);
            if (TAIL == 1) xt = _mm_load_ss(ip + 8 * VW);
            for (int j = 0; j < KB; j++) {
                __m256 w = _mm256_set1_ps(wj[j][PACKED ? i * KB : i]);
                for (int v = 0; v < VW; v++) acc[j][v] = _mm256_fmadd_ps(w, x[v], acc[j][v]);
                if (TAIL == 4) at[j] = _mm_fmadd_ps(_mm256_castps256_ps128(w), xt, at[j]);
                if (TAIL == 1) at[j] = _mm_fmadd_ss(_mm256_castps256_ps128(w), xt, at[j]);
            }
        }
    }
    for (int j = 0; j < KB; j++) {
        float *o = t->out + j * t->ostride;
        for (int v = 0; v < VW; v++) {
            if (MASK && v == VW - 1) _mm256_maskstore_ps(o + 8 * v, mlast, acc[j][v]);
            else _mm256_storeu_ps(o + 8 * v, acc[j][v]);
        }
        if (TAIL == 4) _mm_storeu_ps(o + 8 * VW, at[j]);
        if (TAIL == 1) _mm_store_ss(o + 8 * VW, at[j]);
    }
}

/* The last R < 8 columns of a tile, starting at column x0, computed exactly:
 * one 4-wide vector when R >= 4, then R % 4 scalar lanes. No lane past the
 * tile is loaded or computed, so executed FLOPs match the dense count (what
 * the valgrind backend measures) and nothing past the columns is read. */
static inline __attribute__((always_inline, target("avx2,fma"))) void
tail256r(const nnb_tile *t, int x0, const int KB, const int R, const bool PACKED)
{
    const int S = R & 3;
    __m128 a4[KB256], as[KB256][3];
    for (int j = 0; j < KB; j++) {
        __m128 b = _mm_set1_ps(t->bias ? t->bias[j] : 0.0f);
        a4[j] = b;
        for (int s = 0; s < S; s++) as[j][s] = b;
    }
    const float *wj[KB256];
    for (int j = 0; j < KB; j++) wj[j] = PACKED ? t->w + j : t->w + j * t->wjs;
    int64_t i = 0;
    for (int64_t c = 0; c < t->nc; c++) {
        const float *ic = t->in + c * t->cstride + x0;
        for (int64_t p = 0; p < t->ntaps; p++, i++) {
            const float *ip = ic + t->tapoff[p];
            __m128 x4 = _mm_setzero_ps(), xs[3];
            if (R >= 4) x4 = _mm_loadu_ps(ip);
            for (int s = 0; s < S; s++) xs[s] = _mm_load_ss(ip + (R & 4) + s);
            for (int j = 0; j < KB; j++) {
                __m128 w = _mm_set1_ps(wj[j][PACKED ? i * KB : i]);
                if (R >= 4) a4[j] = _mm_fmadd_ps(w, x4, a4[j]);
                for (int s = 0; s < S; s++) as[j][s] = _mm_fmadd_ss(w, xs[s], as[j][s]);
            }
        }
    }
    for (int j = 0; j < KB; j++) {
        float *o = t->out + j * t->ostride + x0;
        if (R >= 4) _mm_storeu_ps(o, a4[j]);
        for (int s = 0; s < S; s++) _mm_store_ss(o + (R & 4) + s, as[j][s]);
    }
}

static inline __attribute__((always_inline, target("avx2,fma"))) void
tail256(const nnb_tile *t, int x0, const int KB, int R, const bool PACKED)
{
    switch (R) {
    case 2: tail256r(t, x0, KB, 2, PACKED); break;
    case 3: tail256r(t, x0, KB, 3, PACKED); break;
    case 5: tail256r(t, x0, KB, 5, PACKED); break;
    case 6: tail256r(t, x0, KB, 6, PACKED); break;
    default: tail256r(t, x0, KB, 7, PACKED); break;
    }
}

/* Full vectors through tile256; the rest (R = ncols % 8): R = 1 or 4 in the
 * same tile (exact and no dearer than one more 8-wide vector); other R as one
 * more masked vector whose extra lanes are computed and dropped, or exactly
 * by a second pass (tail256) when the tile asks (t->exact: rare tails). */
#define TILE256_VW(KB, PK, VW)                                                   \
    switch (R) {                                                                 \
    case 0: tile256(t, KB, VW, PK, false, 0); break;                             \
    case 1: tile256(t, KB, VW, PK, false, 1); break;                             \
    case 4: tile256(t, KB, VW, PK, false, 4); break;                             \
    default:                                                                     \
        if (t->exact) {                                                          \
            tile256(t, KB, VW, PK, false, 0);                                    \
            tail256(t, 8 * VW, KB, R, PK);                                       \
        } else {                                                                 \
            tile256(t, KB, VW + 1, PK, true, 0);                                 \
        }                                                                        \
    }
#define CASE_VW256(KB, PK)                                                       \
    case KB: {                                                                   \
        const int R = t->ncols & 7;                                              \
        switch (t->ncols / 8) {                                                  \
        case 0: TILE256_VW(KB, PK, 0) break;                                     \
        case 1: TILE256_VW(KB, PK, 1) break;                                     \
        case 2: TILE256_VW(KB, PK, 2) break;                                     \
        default: tile256(t, KB, 3, PK, false, 0); break;                         \
        }                                                                        \
        break;                                                                   \
    }

__attribute__((target("avx2,fma"))) static void run256(const nnb_tile *t)
{
    if (t->wjs == 0) {
        switch (t->kb) {
        CASE_VW256(1, true) CASE_VW256(2, true) CASE_VW256(3, true)
        default: CASE_VW256(4, true)
        }
    } else {
        switch (t->kb) {
        CASE_VW256(1, false) CASE_VW256(2, false) CASE_VW256(3, false)
        default: CASE_VW256(4, false)
        }
    }
}

/* ---------------- micro-kernel: portable C ---------------- */

#define KBC 4
#define COLSC 16

static void run_c(const nnb_tile *t)
{
    float acc[KBC][COLSC];
    for (int j = 0; j < t->kb; j++)
        for (int i = 0; i < COLSC; i++) acc[j][i] = t->bias ? t->bias[j] : 0.0f;
    const int64_t js = t->wjs ? t->wjs : 1, step = t->wjs ? 1 : t->kb;
    const float *w = t->w;
    for (int64_t c = 0; c < t->nc; c++)
        for (int64_t p = 0; p < t->ntaps; p++) {
            const float *ip = t->in + c * t->cstride + t->tapoff[p];
            for (int j = 0; j < t->kb; j++)
                for (int i = 0; i < t->ncols; i++) acc[j][i] += w[j * js] * ip[i];
            w += step;
        }
    for (int j = 0; j < t->kb; j++)
        for (int i = 0; i < t->ncols; i++) t->out[j * t->ostride + i] = acc[j][i];
}

static const nnb_tile_isa isa512 = {"avx512", 16, KB512, VW512, run512};
static const nnb_tile_isa isa256 = {"avx2", 8, KB256, VW256, run256};
static const nnb_tile_isa isa_c = {"c", COLSC, KBC, 1, run_c};

int nnb_isa_level(void)
{
    __builtin_cpu_init();
    int level = NNB_ISA_C;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) level = NNB_ISA_AVX2;
    if (level == NNB_ISA_AVX2 && __builtin_cpu_supports("avx512f")) level = NNB_ISA_AVX512;
    const char *cap = getenv("NNB_KERNEL_ISA");
    if (cap && strcmp(cap, "avx2") == 0 && level > NNB_ISA_AVX2) level = NNB_ISA_AVX2;
    if (cap && strcmp(cap, "c") == 0) level = NNB_ISA_C;
    return level;
}

const nnb_tile_isa *nnb_tile_isa_best(void)
{
    switch (nnb_isa_level()) {
    case NNB_ISA_AVX512: return &isa512;
    case NNB_ISA_AVX2: return &isa256;
    default: return &isa_c;
    }
}

void nnb_tile_pack_weights(const float *wei, int kb, int64_t nc, int64_t ntaps, float *dst)
{
    for (int64_t c = 0; c < nc; c++)
        for (int64_t p = 0; p < ntaps; p++)
            for (int j = 0; j < kb; j++) *dst++ = wei[(j * nc + c) * ntaps + p];
}

/* ---------------- the direct kernel ---------------- */

/* Two ways to walk the output. "rows": a tile is up to lanes*vw_max columns of
 * one output row; the input planes are padded and stride-phase-split, so any
 * stride works, but a narrow row (ResNet's 28/14/7-wide layers) fills few
 * vectors. "flat": the output plane is one flattened dimension q and a tile is
 * lanes*vw_max consecutive q, spanning rows. For a 1x1 window the input is
 * first subsampled (im2col: stride and padding applied once) into a dense
 * [oh*ow] plane, so q = oy*ow + ox indexes input and output alike. For stride
 * 1 with a larger window the input is padded to pitch P = ow + (kw-1)*dw; q =
 * oy*P + ox then reads tap (r, s) at q + nnb_pack_tap_off(), and the P - ow
 * columns per row past the output are computed but not stored (the tile goes
 * through a stack buffer). */
typedef struct plan {
    const nnb_tile_isa *isa;
    nnb_win win;
    int64_t cg, kg, taps, rows, wq, cstride; /* packed plane: rows x (sw*wq), padded to 16 */
    int64_t kblocks, cols, wtiles;           /* per group: channel blocks; per row: tiles */
    bool flat, subsample;                    /* flat walk; 1x1: input via im2col */
    int64_t P, qlen, qvecs, qtiles;          /* flat: input pitch, positions, vectors, tiles */
    int64_t qtail;                           /* 1x1 flat: last positions done as dot products */
    bool packw;                              /* weights packed [c][tap][kb] per block */
    int64_t in_floats, wei_floats, off_floats;
} plan;

#define FLAT_TMP_FLOATS (KB512 * 16 * VW512) /* largest tile of any ISA */

static void make_plan(const nnb_layer *l, plan *p)
{
    p->isa = nnb_tile_isa_best();
    p->win = nnb_win_of(l);
    p->cg = l->c / l->groups;
    p->kg = l->k / l->groups;
    p->taps = l->kh * l->kw;
    p->kblocks = (p->kg + p->isa->kb_max - 1) / p->isa->kb_max;
    p->cols = (int64_t)p->isa->lanes * p->isa->vw_max;
    p->wtiles = (l->ow + p->cols - 1) / p->cols;
    const int64_t lanes = p->isa->lanes;
    p->subsample = l->kh == 1 && l->kw == 1;
    p->flat = p->subsample;
    if (!p->flat && l->sh == 1 && l->sw == 1) {
        /* vectors computed per useful output, each way; a one-vector row
         * tile is load-bound (1 load per kb FMAs), count it 15% dearer */
        const int64_t P = l->ow + (l->kw - 1) * l->dw;
        double rows = (double)((l->ow + lanes - 1) / lanes) * l->oh;
        double flat = (double)((l->oh * P + lanes - 1) / lanes);
        if (l->ow <= lanes) rows *= 1.15;
        /* (flat computes the P - ow padding columns of every row; rows with
         * its exact 4-wide tails measured 10-20% slower on AVX2 at 20 and 28
         * wide all the same) */
        p->flat = flat < rows;
    }
    if (p->flat) {
        p->P = p->subsample ? l->ow : l->ow + (l->kw - 1) * l->dw;
        p->rows = p->subsample ? l->oh : l->oh + (l->kh - 1) * l->dh;
        p->qlen = l->oh * p->P;
        /* 1x1: a small plane of 16m + 1..2 positions (ResNet's 7x7 = 49) would
         * spend a whole vector of FMAs per channel, a quarter of the tile, on
         * its last position or two; those go to dot products along the
         * channels instead (qtail), one more pass over the weights each.
         * Measured: 7x7 1.2-1.4x faster (AMD Zen, Intel Xeon); 14x14 (13th
         * vector = 1/13 of the work, 4 passes) 1.4-1.6x slower on the Xeon. */
        p->qtail = 0;
        if (p->subsample && p->qlen > lanes && p->qlen <= 8 * lanes && p->qlen % lanes <= 2)
            p->qtail = p->qlen % lanes;
        p->qlen -= p->qtail;
        /* tiles of whole vectors, as even as possible: a last tile of one
         * vector would be load-bound (1 load per kb FMAs) */
        p->qvecs = (p->qlen + lanes - 1) / lanes;
        p->qtiles = (p->qvecs + p->isa->vw_max - 1) / p->isa->vw_max;
        p->wq = p->P;
        /* a tile reads whole vectors past its last position, through every tap */
        int64_t reach = (p->qlen + lanes - 1) / lanes * lanes +
                        nnb_pack_tap_off(&p->win, p->P, l->kh - 1, l->kw - 1);
        if (p->subsample) reach = (p->qlen + p->qtail + lanes - 1) / lanes * lanes;
        p->cstride = (reach + 15) / 16 * 16;
    } else {
        p->rows = nnb_pack_rows(&p->win);
        p->wq = nnb_pack_row_len(&p->win, lanes);
        p->cstride = (p->rows * l->sw * p->wq + 15) / 16 * 16;
        p->P = p->qlen = p->qvecs = p->qtiles = p->qtail = 0;
    }
    /* 1x1, stride 1, unpadded: the source plane could serve as the flat
     * plane without a copy, but its tiles would need masked last vectors
     * (no over-read) and unaligned channel planes: measured 1.3-2x slower
     * on AVX-512 at 14x14 and 7x7, so always packed */
    p->in_floats = l->n * l->c * p->cstride;
    /* packing the weights costs a pass over them; it pays off only where each
     * weight is used often (measured: packed 10-30% faster at >= 196
     * positions per image, 10-40% slower at 49) */
    p->packw = l->n * l->oh * l->ow >= 128;
    p->wei_floats = p->packw ? (l->k * p->cg * p->taps + 15) / 16 * 16 : 0;
    p->off_floats = (p->taps * 2 + 15) / 16 * 16; /* int64 offsets, in float units */
}

static bool supports(const nnb_layer *l) { return l->op == NNB_OP_CONV; }

static int64_t workspace_bytes(const nnb_layer *l, int nthreads)
{
    (void)nthreads;
    plan p;
    make_plan(l, &p);
    return (p.in_floats + p.wei_floats + p.off_floats) * (int64_t)sizeof(float);
}

/* one input plane into its packed form (see plan) */
static void pack_plane(const nnb_layer *l, const plan *p, const float *src, float *dst)
{
    int64_t used;
    if (p->subsample) {
        nnb_im2col(src, 1, &p->win, 0, p->qlen + p->qtail, dst);
        used = p->qlen + p->qtail;
    } else {
        nnb_pack_padded(src, l->h, l->w, l->pt, l->pl, p->rows, l->sw, p->wq, 0.0f, dst);
        used = p->rows * l->sw * p->wq;
    }
    if (used < p->cstride) memset(dst + used, 0, (size_t)(p->cstride - used) * sizeof(float));
}

/* flat walk, pitch P > ow: copies the tile's positions [q0, q0 + n) that are
 * outputs (q % P < ow) from tmp (kb rows of pitch cols) into the plane */
static void flat_store(const nnb_layer *l, const plan *p, const float *tmp, int kb, int64_t q0,
                       int64_t n, float *out, int64_t ostride)
{
    for (int j = 0; j < kb; j++)
        for (int64_t q = q0; q < q0 + n;) {
            int64_t oy = q / p->P, ox = q % p->P, end = (oy + 1) * p->P;
            if (end > q0 + n) end = q0 + n;
            if (ox < l->ow) {
                int64_t m = (end < oy * p->P + l->ow ? end : oy * p->P + l->ow) - q;
                memcpy(out + j * ostride + oy * l->ow + ox, tmp + j * p->cols + (q - q0),
                       (size_t)m * sizeof(float));
            }
            q = end;
        }
}

/* Threads of a flat walk as tk channel-block groups x T/tk position groups
 * (tk divides T): the split whose per-thread reads, input / tq + weights / tk,
 * are fewest (ties to more position groups, the order a 1-thread run has). */
static int split_flat(const nnb_layer *l, const plan *p, int T)
{
    const int64_t blocks = l->groups * p->kblocks, np = l->n * p->qtiles;
    const double in = (double)l->n * l->c * p->cstride, wei = (double)l->k * p->cg * p->taps;
    int best = 1;
    double best_cost = 0;
    for (int tk = 1; tk <= T; tk++) {
        if (T % tk || tk > blocks || T / tk > np) continue;
        double cost = in / (T / tk) + wei / tk;
        if (best_cost == 0 || cost < best_cost * 0.98) best = tk, best_cost = cost;
    }
    return best;
}

/* 1x1 flat tail: out[oc][q] = bias + sum over the group's channels of
 * W[oc][c] * in[c][q], for the plane's last qtail positions and output
 * channels [oc0, oc1) of group g. v (cg floats, or NULL) holds the gathered
 * packed column, so the dot products read two contiguous streams. */
static void tail_dots(const nnb_layer *l, const plan *p, const nnb_tensors *t, const float *in, int64_t n,
                      int64_t g, int64_t oc0, int64_t oc1, float *v)
{
    const int64_t cg = p->cg, ohw = l->oh * l->ow, cs = p->cstride;
    for (int64_t q = p->qlen; q < p->qlen + p->qtail; q++) {
        const float *col = in + (n * l->c + g * cg) * p->cstride + q;
        if (v)
            for (int64_t c = 0; c < cg; c++) v[c] = col[c * p->cstride];
        float *y = t->dst + (n * l->k + oc0) * ohw + q;
        const float *b = l->bias ? t->bias + oc0 : NULL;
        if (v) {
            nnb_gemv_block(t->wei + oc0 * cg, cg, v, b, y, ohw, oc1 - oc0);
            continue;
        }
        for (int64_t oc = oc0; oc < oc1; oc++) { /* no buffer: strided reads */
            const float *w = t->wei + oc * cg;
            float acc = 0.0f;
            for (int64_t c = 0; c < cg; c++) acc += w[c] * col[c * cs];
            y[(oc - oc0) * ohw] = (b ? b[oc - oc0] : 0.0f) + acc;
        }
    }
}

/* one work item: channel block b of image n at position pos (flat: tile
 * index; rows: output row) */
static inline void do_item(const nnb_layer *l, const plan *p, const nnb_tensors *t,
                           const int64_t *off, const float *wp, const float *in, float *tmp,
                           int64_t n, int64_t b, int64_t pos)
{
    const int64_t kbm = p->isa->kb_max, rp = l->sw * p->wq, ohw = l->oh * l->ow;
    int64_t g = b / p->kblocks, oc = g * p->kg + (b % p->kblocks) * kbm;
    int kb = (int)(g * p->kg + p->kg - oc < kbm ? g * p->kg + p->kg - oc : kbm);
    nnb_tile tile = {
        .cstride = p->cstride, .nc = p->cg, .tapoff = off, .ntaps = p->taps,
        .w = (p->packw ? wp : t->wei) + oc * p->cg * p->taps,
        .wjs = p->packw ? 0 : p->cg * p->taps, .bias = l->bias ? t->bias + oc : NULL,
        .ostride = ohw, .kb = kb,
    };
    const float *iplane = in + (n * l->c + g * p->cg) * p->cstride;
    float *oplane = t->dst + (n * l->k + oc) * ohw;
    if (p->flat) {
        int64_t q0 = pos * p->qvecs / p->qtiles * p->isa->lanes;
        int64_t q1 = (pos + 1) * p->qvecs / p->qtiles * p->isa->lanes;
        tile.in = iplane + q0;
        tile.ncols = (int)((q1 < p->qlen ? q1 : p->qlen) - q0);
        tile.exact = true; /* only the plane's last tile has a tail */
        if (p->P == l->ow) {
            tile.out = oplane + q0;
            p->isa->run(&tile);
        } else {
            tile.out = tmp;
            tile.ostride = p->cols;
            p->isa->run(&tile);
            flat_store(l, p, tmp, kb, q0, tile.ncols, oplane, ohw);
        }
        return;
    }
    const float *irow = iplane + pos * l->sh * rp;
    float *orow = oplane + pos * l->ow;
    for (int64_t x0 = 0; x0 < l->ow; x0 += p->cols) {
        tile.in = irow + x0;
        tile.out = orow + x0;
        tile.ncols = (int)(l->ow - x0 < p->cols ? l->ow - x0 : p->cols);
        p->isa->run(&tile);
    }
}

static void run(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    plan p;
    make_plan(l, &p);
    float *in = ws, *wp = in + p.in_floats;
    int64_t *off = (int64_t *)(wp + p.wei_floats);
    for (int64_t r = 0; r < l->kh; r++)
        for (int64_t s = 0; s < l->kw; s++) off[r * l->kw + s] = nnb_pack_tap_off(&p.win, p.wq, r, s);
    const int64_t kbm = p.isa->kb_max;
    const int64_t blocks = l->groups * p.kblocks;
    const int64_t items = l->n * blocks * (p.flat ? p.qtiles : l->oh);
#pragma omp parallel
    {
        float tmp[FLAT_TMP_FLOATS] __attribute__((aligned(64)));
#pragma omp for schedule(static) nowait
        for (int64_t pl = 0; pl < l->n * l->c; pl++)
            pack_plane(l, &p, t->src + pl * l->h * l->w, in + pl * p.cstride);
#pragma omp for schedule(static)
        for (int64_t b = 0; b < (p.packw ? blocks : 0); b++) {
            int64_t g = b / p.kblocks, oc = g * p.kg + (b % p.kblocks) * kbm;
            int kb = (int)(g * p.kg + p.kg - oc < kbm ? g * p.kg + p.kg - oc : kbm);
            nnb_tile_pack_weights(t->wei + oc * p.cg * p.taps, kb, p.cg, p.taps,
                                  wp + oc * p.cg * p.taps);
        }
        /* flat: channel blocks innermost, so consecutive items share their
         * input tile (L2) and the weights stream (measured: no better the
         * other way round at 14x14); rows: output rows innermost, so a
         * block's weights stay in L1 over the image. Flat with several
         * threads: a tk x tq grid (split_flat), each thread its own channel
         * blocks and positions, so where the weights outweigh the input
         * (ResNet's 14x14 and 7x7 layers) no two threads stream the same
         * weights. */
        const int64_t npos = p.flat ? p.qtiles : l->oh;
        if (p.flat) {
            const int T = omp_get_num_threads(), tid = omp_get_thread_num();
            const int tk = split_flat(l, &p, T), tq = T / tk;
            if (tid < tk * tq) {
                const int64_t ki = tid % tk, qi = tid / tk, np = l->n * npos;
                const int64_t b0 = ki * blocks / tk, b1 = (ki + 1) * blocks / tk;
                const int64_t s0 = qi * np / tq, s1 = (qi + 1) * np / tq;
                for (int64_t s = s0; s < s1; s++)
                    for (int64_t b = b0; b < b1; b++)
                        do_item(l, &p, t, off, wp, in, tmp, s / npos, b, s % npos);
            }
            if (p.qtail) {
                /* (image, group, eighth of the group's channels) items */
                float *v = malloc((size_t)p.cg * sizeof(float)); /* NULL: strided reads */
                const int64_t chunks = p.kg < 8 ? p.kg : 8;
#pragma omp for schedule(static) nowait
                for (int64_t it = 0; it < l->n * l->groups * chunks; it++) {
                    const int64_t ch = it % chunks, ng = it / chunks, g = ng % l->groups;
                    tail_dots(l, &p, t, in, ng / l->groups, g, g * p.kg + ch * p.kg / chunks,
                              g * p.kg + (ch + 1) * p.kg / chunks, v);
                }
                free(v);
            }
        } else {
#pragma omp for schedule(static) nowait
            for (int64_t it = 0; it < items; it++)
                do_item(l, &p, t, off, wp, in, tmp, it / (npos * blocks), (it / npos) % blocks,
                        it % npos);
        }
    }
}

const nnb_kernel nnb_kernel_direct = {
    .name = "direct",
    .desc = "direct conv: packed input (rows or flattened plane), register-blocked AVX-512/AVX2/C micro-kernel",
    .flops_tolerance = 0.02,
    .supports = supports,
    .workspace_bytes = workspace_bytes,
    .run = run,
};
