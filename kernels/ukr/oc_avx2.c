/* direct_oc's tile (ukr.h) for AVX2 + FMA: 2 x 8 channels x 6 positions. */
#include "ukr/ukr.h"

#include "ukr/vec_avx2.h"

/* r[p]: 8 channels at position p (p < 8); the 8 x 8 transpose of the
 * textbook (unpack, shuffle, 128-bit permute), rows stored np wide. */
__attribute__((target("avx2,fma"))) static inline void oc_store(const __m256 r[8], int np, int nv, float *out,
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

/* bias of channels [8v, 8v + 8), zeros past nk */
static inline __attribute__((always_inline, target("avx2,fma"))) __m256 oc_bias(const nnb_oc_tile *t, int v)
{
    float b[8] = {0};
    for (int j = 0; j < 8 && t->bias && 8 * v + j < t->nk; j++) b[j] = t->bias[8 * v + j];
    return _mm256_loadu_ps(b);
}

#define OC_NAME nnb_oc_tile_avx2
#define OC_KV NNB_OC256_KV
#define OC_NP NNB_OC256_NP
#include "ukr/oc_tile.h"
