/* depthwise's rows x width tile (ukr.h) for AVX2 + FMA. */
#include "ukr/ukr.h"

#include <immintrin.h>

#define R_MAX NNB_DW_ROWS

static inline __attribute__((always_inline, target("avx2,fma"))) void
dw256(const nnb_dw_tile *t, const int R, const int VW)
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

__attribute__((target("avx2,fma"))) void nnb_dw_tile_avx2(const nnb_dw_tile *t)
{
    switch (t->rows) {
    DW256_VW(1) DW256_VW(2) DW256_VW(3)
    default: DW256_VW(4)
    }
}
