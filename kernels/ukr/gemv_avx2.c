/* The gemv rows micro-kernel (ukr.h) for AVX2 + FMA: 4 rows x 2 ymm
 * accumulators, the tail (len % 16 columns) scalar. */
#include "ukr/ukr.h"

#include "ukr/vec_avx2.h"

static inline __attribute__((always_inline, target("avx2,fma"))) float
gemv_row_finish(__m256 a0, __m256 a1, const float *wr, const float *x, int64_t j, int64_t len)
{
    const __m256 s8 = _mm256_add_ps(a0, a1);
    __m128 q = _mm_add_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps(s8, 1));
    q = _mm_add_ps(q, _mm_movehl_ps(q, q));
    q = _mm_add_ss(q, _mm_movehdup_ps(q));
    float s = _mm_cvtss_f32(q);
    for (; j < len; j++) s += wr[j] * x[j];
    return s;
}

/* a0 + a1 (8 lanes), two 4-lane adds, one scalar add; a scalar FMA per tail column */
static int64_t gemv_row_finish_flops(int64_t rem)
{
    return 8 + 4 + 4 + 1 + 2 * rem;
}

#define GEMV_NAME nnb_gemv_rows_avx2
#define GEMV_FLOPS_NAME nnb_gemv_row_avx2_flops
#include "ukr/gemv_rows.h"
