/* The vector vocabulary of the generated micro-kernels (gemv_rows.h,
 * dw_tile.h, oc_tile.h) for AVX-512F: include it, then the generator. */
#include <immintrin.h>

#define VEC_TARGET "avx512f"
#define V __m512
#define VL 16
#define VMASK __mmask16
#define V_ZERO() _mm512_setzero_ps()
#define V_SET1(s) _mm512_set1_ps(s)
#define V_LOADU(p) _mm512_loadu_ps(p)
#define V_LOAD(p) _mm512_load_ps(p)
#define V_FMA(a, b, c) _mm512_fmadd_ps(a, b, c)
#define V_STOREU(p, v) _mm512_storeu_ps(p, v)
#define V_MASKSTORE(p, m, v) _mm512_mask_storeu_ps(p, m, v)
#define V_STORE(p, v) _mm512_store_ps(p, v)

/* lanes [0, rem) of a vector (all of them when rem >= VL); rem > 0 */
static inline __attribute__((always_inline, target("avx512f"))) __mmask16 v_mask(int rem)
{
    return rem >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << rem) - 1);
}
