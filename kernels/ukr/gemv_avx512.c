/* The gemv rows micro-kernel (ukr.h) for AVX-512F: 4 rows x 2 zmm
 * accumulators, the tail as masked vectors. */
#include "ukr/ukr.h"

#include "ukr/vec_avx512.h"

static inline __attribute__((always_inline, target("avx512f"))) float
gemv_row_finish(__m512 a0, __m512 a1, const float *wr, const float *x, int64_t j, int64_t len)
{
    for (; j < len; j += 16) {
        const __mmask16 m = len - j >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << (len - j)) - 1);
        a0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, wr + j), _mm512_maskz_loadu_ps(m, x + j), a0);
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(a0, a1));
}

/* a masked 16-lane FMA per 16 tail columns (counted whole), a0 + a1 (16),
 * then _mm512_reduce_add_ps: 8-, 4- and 4-lane adds and a scalar one */
static int64_t gemv_row_finish_flops(int64_t rem)
{
    return (rem + 15) / 16 * 32 + 16 + 8 + 4 + 4 + 1;
}

#define GEMV_NAME nnb_gemv_rows_avx512
#define GEMV_FLOPS_NAME nnb_gemv_row_avx512_flops
#include "ukr/gemv_rows.h"
