/* The vector vocabulary of the generated micro-kernels (gemv_rows.h,
 * dw_tile.h, oc_tile.h) for AVX2 + FMA: include it, then the generator. */
#include <immintrin.h>

#define VEC_TARGET "avx2,fma"
#define V __m256
#define VL 8
#define VMASK __m256i
#define V_ZERO() _mm256_setzero_ps()
#define V_SET1(s) _mm256_set1_ps(s)
#define V_LOADU(p) _mm256_loadu_ps(p)
#define V_LOAD(p) _mm256_load_ps(p)
#define V_FMA(a, b, c) _mm256_fmadd_ps(a, b, c)
#define V_STOREU(p, v) _mm256_storeu_ps(p, v)
#define V_MASKSTORE(p, m, v) _mm256_maskstore_ps(p, m, v)
#define V_STORE(p, v) _mm256_store_ps(p, v)

/* lanes [0, rem) of a vector (all of them when rem >= VL) */
static inline __attribute__((always_inline, target("avx2,fma"))) __m256i v_mask(int rem)
{
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(rem), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
