/* The conv tile (ukr.h) for AVX2 + FMA: up to 4 channels x 3 ymm vectors of
 * columns, plus exact 4-wide and scalar tails (tile256's TAIL, tail256). */
#include "ukr/ukr.h"

#include <immintrin.h>

#define KB256 NNB_TILE256_KB
#define VW256 NNB_TILE256_VW

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

__attribute__((target("avx2,fma"))) void nnb_tile_avx2(const nnb_tile *t)
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


/* what CASE_VW256 / TILE256_VW run: full 8-wide vectors, then R = ncols % 8
 * columns as one scalar (R = 1) or one 4-wide vector (R = 4) in the same
 * tile, exactly (tail256) when the tile asks, else one more 8-wide vector */
int nnb_tile_avx2_cols(int ncols, bool exact)
{
    const int full = ncols / 8, R = ncols & 7;
    if (full >= VW256 || R == 0) return 8 * (full < VW256 ? full : VW256);
    if (R == 1 || R == 4 || exact) return ncols;
    return 8 * (full + 1);
}
