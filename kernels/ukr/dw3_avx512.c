/* depthwise's whole-plane 3x3 paths (ukr.h, nnb_dw_plane) for AVX-512F,
 * straight from the NCHW planes, no packing. Three sweeps:
 *  - stride 1, narrow planes (ow == w, few vectors): the plane as one flat
 *    vector sweep, so a 7- or 14-wide row wastes no lanes; per tap one masked
 *    load at a fixed flat offset, the mask (precomputed per geometry, shared
 *    by every plane) zeroing the lanes whose tap is padding;
 *  - stride 1, wide planes: R output rows x VW vectors; each input row is
 *    loaded once per column shift and feeds the up to 3 output rows it
 *    touches (a load feeds 1.5-3 FMAs instead of one);
 *  - stride 2: per input row two loads of 32 consecutive columns per output
 *    vector, split by permutes into the even, odd and next-even columns (the
 *    three taps), each feeding the 1 or 2 output rows it touches.
 * Padding columns are masked-off lanes of the (fault-suppressing) masked
 * loads; padding rows are skipped (the _lanes functions count the FMAs). */
#include "ukr/ukr.h"

#include <immintrin.h>

/* FLAT_MAX_W: the flat sweep (one load per FMA) beats the row tiles (a
 * load per 1.5-3 FMAs) only where rows waste most lanes (measured: 7 wide
 * yes, 14 even, 28 slower) */
enum { ROWS_S1 = 4, ROWS_S2 = 4, VW_MAX = 4, FLAT_QB = 4, FLAT_MAX_Q = 64, FLAT_MAX_W = 8 };

/* lanes i of a 16-vector whose column c0 + i lies in [0, w) */
static __mmask16 col_mask(int64_t c0, int64_t w)
{
    int64_t lo = -c0, hi = w - c0;
    lo = lo < 0 ? 0 : lo > 16 ? 16 : lo;
    hi = hi < 0 ? 0 : hi > 16 ? 16 : hi;
    return (__mmask16)(((1u << hi) - 1) & ~((1u << lo) - 1));
}

static __mmask16 store_mask(int64_t rem) { return rem >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << rem) - 1); }

/* ---- stride 1, R x VW tile ---- */
static inline __attribute__((always_inline, target("avx512f"))) void
dw3s1_tile(const nnb_dw_plane *p, const float *plane, const __m512 *wv, float bias, float *out,
           int64_t oy0, int64_t x0, int ncols, const int R, const int VW)
{
    __mmask16 m[3][VW_MAX];
    for (int s = 0; s < 3; s++)
        for (int v = 0; v < VW; v++) m[s][v] = col_mask(x0 + 16 * v + s - p->pl, p->w);
    __m512 acc[ROWS_S1][VW_MAX];
    for (int j = 0; j < R; j++)
        for (int v = 0; v < VW; v++) acc[j][v] = _mm512_set1_ps(bias);
#pragma GCC unroll 6
    for (int t = 0; t < R + 2; t++) {
        int64_t iy = oy0 + t - p->pt;
        if (iy < 0 || iy >= p->h) continue;
        const float *row = plane + iy * p->w + x0 - p->pl;
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
        __mmask16 sm = store_mask(ncols - 16 * v);
        for (int j = 0; j < R; j++) _mm512_mask_storeu_ps(out + (oy0 + j) * p->ow + x0 + 16 * v, sm, acc[j][v]);
    }
}

/* ---- stride 2, R x VW tile ---- */
static inline __attribute__((always_inline, target("avx512f"))) void
dw3s2_tile(const nnb_dw_plane *p, const float *plane, const __m512 *wv, float bias, float *out,
           int64_t oy0, int64_t x0, int ncols, const int R, const int VW)
{
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    const __m512i next = _mm512_setr_epi32(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
    __mmask16 ma[VW_MAX + 1], mb[VW_MAX];
    for (int v = 0; v <= VW; v++) { /* vector v reads columns c0 .. c0 + 31 and c0 + 32 */
        int64_t c0 = 2 * (x0 + 16 * v) - p->pl;
        ma[v] = col_mask(c0, p->w);
        if (v < VW) mb[v] = col_mask(c0 + 16, p->w);
    }
    ma[VW] &= 1; /* of the vector past the tile, only its first column */
    __m512 acc[ROWS_S2][VW_MAX];
    for (int j = 0; j < R; j++)
        for (int v = 0; v < VW; v++) acc[j][v] = _mm512_set1_ps(bias);
#pragma GCC unroll 9
    for (int t = 0; t < 2 * R + 1; t++) {
        int64_t iy = 2 * oy0 + t - p->pt;
        if (iy < 0 || iy >= p->h) continue;
        const float *row = plane + iy * p->w + 2 * x0 - p->pl;
        __m512 a = _mm512_maskz_loadu_ps(ma[0], row);
#pragma GCC unroll 4
        for (int v = 0; v < VW; v++) {
            __m512 b = _mm512_maskz_loadu_ps(mb[v], row + 32 * v + 16);
            __m512 an = _mm512_maskz_loadu_ps(ma[v + 1], row + 32 * v + 32);
            __m512 x[3];
            x[0] = _mm512_permutex2var_ps(a, even, b);
            x[1] = _mm512_permutex2var_ps(a, odd, b);
            x[2] = _mm512_permutex2var_ps(x[0], next, an);
#pragma GCC unroll 3
            for (int r = 0; r < 3; r++) {
                int j2 = t - r; /* output row j reads input rows 2j .. 2j + 2 */
                if (j2 >= 0 && j2 % 2 == 0 && j2 / 2 < R)
                    for (int s = 0; s < 3; s++)
                        acc[j2 / 2][v] = _mm512_fmadd_ps(wv[r * 3 + s], x[s], acc[j2 / 2][v]);
            }
            a = an;
        }
    }
    for (int v = 0; v < VW; v++) {
        __mmask16 sm = store_mask(ncols - 16 * v);
        for (int j = 0; j < R; j++) _mm512_mask_storeu_ps(out + (oy0 + j) * p->ow + x0 + 16 * v, sm, acc[j][v]);
    }
}

/* one tile of R rows, VW picked by the tile's columns */
#define DW3_TILE(TILE, R)                                                                               \
    case R:                                                                                             \
        for (int64_t x0 = 0; x0 < p->ow; x0 += 16 * VW_MAX) {                                           \
            int nc = (int)(p->ow - x0 < 16 * VW_MAX ? p->ow - x0 : 16 * VW_MAX);                        \
            switch ((nc + 15) / 16) {                                                                   \
            case 1: TILE(p, plane, wv, bias, out, oy, x0, nc, R, 1); break;                             \
            case 2: TILE(p, plane, wv, bias, out, oy, x0, nc, R, 2); break;                             \
            case 3: TILE(p, plane, wv, bias, out, oy, x0, nc, R, 3); break;                             \
            default: TILE(p, plane, wv, bias, out, oy, x0, nc, R, 4); break;                            \
            }                                                                                           \
        }                                                                                               \
        break;

static __attribute__((target("avx512f"))) void
dw3s1_rows(const nnb_dw_plane *p, const float *plane, const __m512 *wv, float bias, float *out)
{
    for (int64_t oy = 0; oy < p->oh; oy += ROWS_S1) {
        switch (p->oh - oy < ROWS_S1 ? p->oh - oy : ROWS_S1) {
        DW3_TILE(dw3s1_tile, 1) DW3_TILE(dw3s1_tile, 2) DW3_TILE(dw3s1_tile, 3)
        default: DW3_TILE(dw3s1_tile, 4)
        }
    }
}

static __attribute__((target("avx512f"))) void
dw3s2_rows(const nnb_dw_plane *p, const float *plane, const __m512 *wv, float bias, float *out)
{
    for (int64_t oy = 0; oy < p->oh; oy += ROWS_S2) {
        switch (p->oh - oy < ROWS_S2 ? p->oh - oy : ROWS_S2) {
        DW3_TILE(dw3s2_tile, 1) DW3_TILE(dw3s2_tile, 2) DW3_TILE(dw3s2_tile, 3)
        default: DW3_TILE(dw3s2_tile, 4)
        }
    }
}

/* ---- stride 1, flat ---- */
typedef struct flat_plan {
    int64_t nq;                     /* vectors over the oh*ow outputs */
    int64_t off[9];                 /* per tap, the flat input offset of output 0 */
    __mmask16 m[FLAT_MAX_Q][9];     /* per vector and tap, the lanes whose tap is in the plane */
} flat_plan;

bool nnb_dw3_plane_avx512_flat(const nnb_dw_plane *p)
{
    return p->stride == 1 && p->ow == p->w && p->w <= FLAT_MAX_W && (p->oh * p->ow + 15) / 16 <= FLAT_MAX_Q;
}

/* vectorised (the plan is rebuilt per call): per vector, the output
 * indices o and their columns ox = o % ow (carried, 16 further each vector);
 * a tap's lanes are those whose input row and column are in the plane */
static __attribute__((target("avx512f"))) void flat_plan_make(const nnb_dw_plane *p, flat_plan *f)
{
    const int64_t nout = p->oh * p->ow;
    f->nq = (nout + 15) / 16;
    for (int k = 0; k < 9; k++) f->off[k] = (k / 3 - p->pt) * p->w + (k % 3 - p->pl);
    const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m512i zero = _mm512_setzero_si512(), w = _mm512_set1_epi32((int)p->w);
    const __m512i hw = _mm512_set1_epi32((int)(p->h * p->w)), n = _mm512_set1_epi32((int)nout);
    __m512i o = iota, ox = iota;
    for (int k = 0; k < 16 / (int)p->w + 1; k++) /* ox = o % w */
        ox = _mm512_mask_sub_epi32(ox, _mm512_cmpge_epi32_mask(ox, w), ox, w);
    for (int64_t q = 0; q < f->nq; q++) {
        const __mmask16 live = _mm512_cmplt_epi32_mask(o, n);
        __mmask16 rowm[3], colm[3];
        for (int r = 0; r < 3; r++) { /* input row oy + r - pt in [0, h): flat o + (r - pt) w in [0, h w) */
            __m512i i = _mm512_add_epi32(o, _mm512_set1_epi32((int)((r - p->pt) * p->w)));
            rowm[r] = _mm512_cmpge_epi32_mask(i, zero) & _mm512_cmplt_epi32_mask(i, hw) & live;
        }
        for (int s = 0; s < 3; s++) {
            __m512i x = _mm512_add_epi32(ox, _mm512_set1_epi32((int)(s - p->pl)));
            colm[s] = _mm512_cmpge_epi32_mask(x, zero) & _mm512_cmplt_epi32_mask(x, w);
        }
        for (int k = 0; k < 9; k++) f->m[q][k] = rowm[k / 3] & colm[k % 3];
        o = _mm512_add_epi32(o, _mm512_set1_epi32(16));
        ox = _mm512_add_epi32(ox, _mm512_set1_epi32(16));
        for (int k = 0; k < 16 / (int)p->w + 1; k++)
            ox = _mm512_mask_sub_epi32(ox, _mm512_cmpge_epi32_mask(ox, w), ox, w);
    }
}

static inline __attribute__((always_inline, target("avx512f"))) void
dw3_flat_block(const flat_plan *f, const float *in, const __m512 *wv, float bias, float *out, int64_t q0,
               int64_t nout, const int QB)
{
    __m512 acc[FLAT_QB];
    for (int q = 0; q < QB; q++) acc[q] = _mm512_set1_ps(bias);
#pragma GCC unroll 9
    for (int k = 0; k < 9; k++)
#pragma GCC unroll 4
        for (int q = 0; q < QB; q++)
            acc[q] = _mm512_fmadd_ps(wv[k], _mm512_maskz_loadu_ps(f->m[q0 + q][k], in + 16 * (q0 + q) + f->off[k]),
                                     acc[q]);
    for (int q = 0; q < QB; q++) _mm512_mask_storeu_ps(out + 16 * (q0 + q), store_mask(nout - 16 * (q0 + q)), acc[q]);
}

static __attribute__((target("avx512f"))) void
dw3_flat(const flat_plan *f, const float *in, const __m512 *wv, float bias, float *out, int64_t nout)
{
    int64_t q0 = 0;
    for (; q0 + FLAT_QB <= f->nq; q0 += FLAT_QB) dw3_flat_block(f, in, wv, bias, out, q0, nout, FLAT_QB);
    switch (f->nq - q0) {
    case 1: dw3_flat_block(f, in, wv, bias, out, q0, nout, 1); break;
    case 2: dw3_flat_block(f, in, wv, bias, out, q0, nout, 2); break;
    case 3: dw3_flat_block(f, in, wv, bias, out, q0, nout, 3); break;
    default: break;
    }
}

__attribute__((target("avx512f"))) void nnb_dw3_planes_avx512(const nnb_dw_plane *p)
{
    const bool flat = nnb_dw3_plane_avx512_flat(p);
    flat_plan f;
    f.nq = 0;
    if (flat) flat_plan_make(p, &f);
    for (int64_t k = 0; k < p->nplanes; k++) {
        const float *plane = p->in + k * p->in_step, *wt = p->wt + 9 * k;
        const float bias = p->bias ? p->bias[k] : 0.0f;
        float *out = p->out + k * p->oh * p->ow;
        __m512 wv[9];
        for (int i = 0; i < 9; i++) wv[i] = _mm512_set1_ps(wt[i]);
        if (flat)
            dw3_flat(&f, plane, wv, bias, out, p->oh * p->ow);
        else if (p->stride == 1)
            dw3s1_rows(p, plane, wv, bias, out);
        else
            dw3s2_rows(p, plane, wv, bias, out);
    }
}

/* The loops above, counting FMAs x 16 lanes for one plane: flat, every tap
 * of every vector; row tiles, per vector column the (input row, output row)
 * pairs with the input row inside the plane x 3 column shifts. */
int64_t nnb_dw3_plane_avx512_lanes(const nnb_dw_plane *p)
{
    if (nnb_dw3_plane_avx512_flat(p)) return 9 * 16 * ((p->oh * p->ow + 15) / 16);
    const int64_t s = p->stride, rows_max = s == 1 ? ROWS_S1 : ROWS_S2;
    int64_t lanes = 0;
    for (int64_t oy = 0; oy < p->oh; oy += rows_max) {
        const int64_t R = p->oh - oy < rows_max ? p->oh - oy : rows_max;
        int64_t fmas_per_vector = 0;
        for (int64_t t = 0; t < s * (R - 1) + 3; t++) {
            int64_t iy = s * oy + t - p->pt;
            if (iy < 0 || iy >= p->h) continue;
            for (int64_t r = 0; r < 3; r++)
                if (t - r >= 0 && (t - r) % s == 0 && (t - r) / s < R) fmas_per_vector += 3;
        }
        for (int64_t x0 = 0; x0 < p->ow; x0 += 16 * VW_MAX) {
            const int64_t nc = p->ow - x0 < 16 * VW_MAX ? p->ow - x0 : 16 * VW_MAX;
            lanes += fmas_per_vector * ((nc + 15) / 16 * 16);
        }
    }
    return lanes;
}
