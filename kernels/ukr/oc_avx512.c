/* direct_oc's tile (ukr.h) for AVX-512F: 3 x 16 channels x 8 positions. */
#include "ukr/ukr.h"

#include "ukr/vec_avx512.h"

/* r[p] holds 16 channels at position p (p < 8; rows past np are ignored):
 * stores channel j's np positions at out + j*ohw, for j < nv. A 16 x 8
 * transpose: 2x2 and 4x4 interleaves within 128-bit lanes, then 128-bit
 * lanes merged across the two halves. */
__attribute__((target("avx512f"))) static inline void oc_store(const __m512 r[8], int np, int nv, float *out,
                                                                int64_t ohw)
{
    const __m512 t0 = _mm512_unpacklo_ps(r[0], r[1]), t1 = _mm512_unpackhi_ps(r[0], r[1]);
    const __m512 t2 = _mm512_unpacklo_ps(r[2], r[3]), t3 = _mm512_unpackhi_ps(r[2], r[3]);
    const __m512 t4 = _mm512_unpacklo_ps(r[4], r[5]), t5 = _mm512_unpackhi_ps(r[4], r[5]);
    const __m512 t6 = _mm512_unpacklo_ps(r[6], r[7]), t7 = _mm512_unpackhi_ps(r[6], r[7]);
    /* a[c], lane L: positions 0-3 of channel 4L + c; b[c]: positions 4-7 */
    const __m512 a[4] = {_mm512_shuffle_ps(t0, t2, 0x44), _mm512_shuffle_ps(t0, t2, 0xEE),
                         _mm512_shuffle_ps(t1, t3, 0x44), _mm512_shuffle_ps(t1, t3, 0xEE)};
    const __m512 b[4] = {_mm512_shuffle_ps(t4, t6, 0x44), _mm512_shuffle_ps(t4, t6, 0xEE),
                         _mm512_shuffle_ps(t5, t7, 0x44), _mm512_shuffle_ps(t5, t7, 0xEE)};
    const __m512i lo = _mm512_setr_epi32(0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23);
    const __m512i hi = _mm512_setr_epi32(8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31);
    const __mmask16 m = (__mmask16)((1u << np) - 1);
    for (int c = 0; c < 4; c++) {
        /* p: channels c (low half) and 4 + c; q: 8 + c and 12 + c */
        const __m512 p = _mm512_permutex2var_ps(a[c], lo, b[c]);
        const __m512 q = _mm512_permutex2var_ps(a[c], hi, b[c]);
        if (c < nv) _mm512_mask_storeu_ps(out + c * ohw, m, p);
        if (4 + c < nv) _mm512_mask_storeu_ps(out + (4 + c) * ohw, m, _mm512_shuffle_f32x4(p, p, 0xEE));
        if (8 + c < nv) _mm512_mask_storeu_ps(out + (8 + c) * ohw, m, q);
        if (12 + c < nv) _mm512_mask_storeu_ps(out + (12 + c) * ohw, m, _mm512_shuffle_f32x4(q, q, 0xEE));
    }
}

/* bias of channels [16v, 16v + 16), zeros past nk */
static inline __attribute__((always_inline, target("avx512f"))) __m512 oc_bias(const nnb_oc_tile *t, int v)
{
    const __mmask16 m = v_mask(t->nk - 16 * v);
    return t->bias ? _mm512_maskz_loadu_ps(m, t->bias + 16 * v) : _mm512_setzero_ps();
}

#define OC_NAME nnb_oc_tile_avx512
#define OC_KV NNB_OC512_KV
#define OC_NP NNB_OC512_NP
/* literals: the generator tests them with #if (an enum reads 0 there) */
#define OC_KW 4
#define OC_NPW 6
_Static_assert(OC_KW == NNB_OC512_KW && OC_NPW == NNB_OC512_NPW, "the wide form's shape is ukr.h's");
#include "ukr/oc_tile.h"
