/* direct_oc's tile (ukr.h) for AVX-512F: 3 x 16 channels x 8 positions. */
#include "ukr/ukr.h"

#include <immintrin.h>

#define KV512 NNB_OC512_KV
#define NP512 NNB_OC512_NP

/* r[p] holds 16 channels at position p (p < 8; rows past np are ignored):
 * stores channel j's np positions at out + j*ohw, for j < nv. A 16 x 8
 * transpose: 2x2 and 4x4 interleaves within 128-bit lanes, then 128-bit
 * lanes merged across the two halves. */
__attribute__((target("avx512f"))) static inline void store_t512(const __m512 r[8], int np, int nv, float *out,
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

static inline __attribute__((always_inline, target("avx512f"))) void tile512(const nnb_oc_tile *t, const int KV,
                                                                               const int NP)
{
    __m512 acc[KV512][NP512];
    for (int v = 0; v < KV; v++) {
        const int rem = t->nk - 16 * v;
        const __mmask16 m = rem >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << rem) - 1);
        const __m512 b = t->bias ? _mm512_maskz_loadu_ps(m, t->bias + 16 * v) : _mm512_setzero_ps();
        for (int p = 0; p < NP; p++) acc[v][p] = b;
    }
    const float *w = t->w;
    const int64_t xs = t->xs;
    for (int64_t c = 0; c < t->nc; c++)
        for (int64_t tap = 0; tap < t->ntaps; tap++, w += 16 * KV) {
            const float *x = t->in + c * t->cs + t->tapoff[tap];
            __m512 wv[KV512];
            for (int v = 0; v < KV; v++) wv[v] = _mm512_load_ps(w + 16 * v);
            for (int p = 0; p < NP; p++) {
                const __m512 xb = _mm512_set1_ps(x[p * xs]);
                for (int v = 0; v < KV; v++) acc[v][p] = _mm512_fmadd_ps(wv[v], xb, acc[v][p]);
            }
        }
    for (int v = 0; v < KV; v++) {
        __m512 r[8];
        for (int p = 0; p < 8; p++) r[p] = p < NP ? acc[v][p] : _mm512_setzero_ps();
        const int nv = t->nk - 16 * v;
        store_t512(r, NP, nv < 16 ? nv : 16, t->out + 16 * v * t->ohw, t->ohw);
    }
}

#define NP512_CASES(KV)                                                                        \
    switch (t->np) {                                                                           \
    case 1: tile512(t, KV, 1); break;                                                          \
    case 2: tile512(t, KV, 2); break;                                                          \
    case 3: tile512(t, KV, 3); break;                                                          \
    case 4: tile512(t, KV, 4); break;                                                          \
    case 5: tile512(t, KV, 5); break;                                                          \
    case 6: tile512(t, KV, 6); break;                                                          \
    case 7: tile512(t, KV, 7); break;                                                          \
    default: tile512(t, KV, 8); break;                                                         \
    }

__attribute__((target("avx512f"))) void nnb_oc_tile_avx512(const nnb_oc_tile *t)
{
    switch ((t->nk + 15) / 16) {
    case 1: NP512_CASES(1) break;
    case 2: NP512_CASES(2) break;
    default: NP512_CASES(3) break;
    }
}
