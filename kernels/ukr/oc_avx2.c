/* direct_oc's tile (ukr.h) for AVX2 + FMA: 2 x 8 channels x 6 positions. */
#include "ukr/ukr.h"

#include <immintrin.h>

#define KV256 NNB_OC256_KV
#define NP256 NNB_OC256_NP

/* r[p]: 8 channels at position p (p < 8); the 8 x 8 transpose of the
 * textbook (unpack, shuffle, 128-bit permute), rows stored np wide. */
__attribute__((target("avx2,fma"))) static inline void store_t256(const __m256 r[8], int np, int nv, float *out,
                                                                   int64_t ohw)
{
    const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
    const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
    const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
    const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
    const __m256 a[4] = {_mm256_shuffle_ps(t0, t2, 0x44), _mm256_shuffle_ps(t0, t2, 0xEE),
                         _mm256_shuffle_ps(t1, t3, 0x44), _mm256_shuffle_ps(t1, t3, 0xEE)};
    const __m256 b[4] = {_mm256_shuffle_ps(t4, t6, 0x44), _mm256_shuffle_ps(t4, t6, 0xEE),
                         _mm256_shuffle_ps(t5, t7, 0x44), _mm256_shuffle_ps(t5, t7, 0xEE)};
    const __m256i m = _mm256_cmpgt_epi32(_mm256_set1_epi32(np), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    for (int c = 0; c < 4; c++) {
        if (c < nv) _mm256_maskstore_ps(out + c * ohw, m, _mm256_permute2f128_ps(a[c], b[c], 0x20));
        if (4 + c < nv) _mm256_maskstore_ps(out + (4 + c) * ohw, m, _mm256_permute2f128_ps(a[c], b[c], 0x31));
    }
}

static inline __attribute__((always_inline, target("avx2,fma"))) void tile256(const nnb_oc_tile *t, const int KV,
                                                                                const int NP)
{
    __m256 acc[KV256][NP256];
    for (int v = 0; v < KV; v++) {
        float b[8] = {0};
        for (int j = 0; j < 8 && t->bias && 8 * v + j < t->nk; j++) b[j] = t->bias[8 * v + j];
        for (int p = 0; p < NP; p++) acc[v][p] = _mm256_loadu_ps(b);
    }
    const float *w = t->w;
    const int64_t xs = t->xs;
    for (int64_t c = 0; c < t->nc; c++)
        for (int64_t tap = 0; tap < t->ntaps; tap++, w += 8 * KV) {
            const float *x = t->in + c * t->cs + t->tapoff[tap];
            __m256 wv[KV256];
            for (int v = 0; v < KV; v++) wv[v] = _mm256_load_ps(w + 8 * v);
            for (int p = 0; p < NP; p++) {
                const __m256 xb = _mm256_set1_ps(x[p * xs]);
                for (int v = 0; v < KV; v++) acc[v][p] = _mm256_fmadd_ps(wv[v], xb, acc[v][p]);
            }
        }
    for (int v = 0; v < KV; v++) {
        __m256 r[8];
        for (int p = 0; p < 8; p++) r[p] = p < NP ? acc[v][p] : _mm256_setzero_ps();
        const int nv = t->nk - 8 * v;
        store_t256(r, NP, nv < 8 ? nv : 8, t->out + 8 * v * t->ohw, t->ohw);
    }
}

#define NP256_CASES(KV)                                                                        \
    switch (t->np) {                                                                           \
    case 1: tile256(t, KV, 1); break;                                                          \
    case 2: tile256(t, KV, 2); break;                                                          \
    case 3: tile256(t, KV, 3); break;                                                          \
    case 4: tile256(t, KV, 4); break;                                                          \
    case 5: tile256(t, KV, 5); break;                                                          \
    default: tile256(t, KV, 6); break;                                                         \
    }

__attribute__((target("avx2,fma"))) void nnb_oc_tile_avx2(const nnb_oc_tile *t)
{
    if (t->nk > 8) {
        NP256_CASES(2)
    } else {
        NP256_CASES(1)
    }
}
