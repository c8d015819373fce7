/* depthwise's micro-kernels (ukr.h) for AVX-512F: the rows x width tile (up
 * to 4 rows x 4 zmm vectors, 64 columns) and the whole-plane 3x3 stride-1
 * path. */
#include "ukr/ukr.h"

#include "ukr/vec_avx512.h"

#define R_MAX NNB_DW_ROWS

#define DW_NAME nnb_dw_tile_avx512
#define DW_VW 4
#include "ukr/dw_tile.h"

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

/* one output plane of the 3x3 stride-1 path (l: the plane and its geometry) */
__attribute__((target("avx512f"))) void nnb_dw3s1_plane_avx512(const nnb_dw_plane *l)
{
    const float *plane = l->in, *wt = l->wt;
    const float bias = l->bias;
    float *out = l->out;
    for (int64_t oy = 0; oy < l->oh; oy += R_MAX) {
        switch (l->oh - oy < R_MAX ? l->oh - oy : R_MAX) {
        DW3_VW(1) DW3_VW(2) DW3_VW(3)
        default: DW3_VW(4)
        }
    }
}

/* The loops of nnb_dw3s1_plane_avx512 and dw3s1_512, counting FMAs x 16
 * lanes: padding rows skipped, padding columns computed (masked loads). */
int64_t nnb_dw3s1_plane_avx512_lanes(const nnb_dw_plane *l)
{
    int64_t lanes = 0;
    for (int64_t oy = 0; oy < l->oh; oy += R_MAX) {
        const int R = (int)(l->oh - oy < R_MAX ? l->oh - oy : R_MAX);
        int64_t fmas_per_vector = 0; /* per vector column: valid (input row, output row) pairs x 3 shifts */
        for (int t = 0; t < R + 2; t++) {
            int64_t iy = oy + t - l->pt;
            if (iy < 0 || iy >= l->h) continue;
            for (int r = 0; r < 3; r++)
                if (t - r >= 0 && t - r < R) fmas_per_vector += 3;
        }
        for (int64_t x0 = 0; x0 < l->ow; x0 += 64) {
            const int64_t nc = l->ow - x0 < 64 ? l->ow - x0 : 64;
            lanes += fmas_per_vector * ((nc + 15) / 16 * 16);
        }
    }
    return lanes;
}
