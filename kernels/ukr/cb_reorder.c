/* The channel-blocked reorders' full tiles (blocked.h), one block of
 * channels x 16 pixels, as in-register transposes: 16 x 16 (AVX-512) and
 * two 8 x 8 (AVX2), rows loaded and stored whole. Element by element a
 * reorder ran ~1 float a cycle and gathers little better (Zen 5: maxpool3x3s2
 * under --time-prepare spent 77% of its time in them); --time-prepare
 * pays these on every run. */
#include "ukr/ukr.h"

#include <immintrin.h>

static inline __attribute__((always_inline, target("avx512f"))) void transpose16(__m512 r[16])
{
    __m512 t[16];
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 16; i += 4) {
        r[i] = _mm512_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));
        r[i + 1] = _mm512_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));
        r[i + 2] = _mm512_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0));
        r[i + 3] = _mm512_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
    for (int h = 0; h < 16; h += 8)
        for (int i = 0; i < 4; i++) {
            t[h + i] = _mm512_shuffle_f32x4(r[h + i], r[h + i + 4], 0x88);
            t[h + i + 4] = _mm512_shuffle_f32x4(r[h + i], r[h + i + 4], 0xdd);
        }
    for (int i = 0; i < 8; i++) {
        r[i] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88);
        r[i + 8] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0xdd);
    }
}

__attribute__((target("avx512f"))) void nnb_cb_tile_in_avx512(float *cb, const float *nchw, int64_t hw)
{
    __m512 r[16];
    for (int j = 0; j < 16; j++) r[j] = _mm512_loadu_ps(nchw + j * hw);
    transpose16(r);
    for (int p = 0; p < 16; p++) _mm512_storeu_ps(cb + p * 16, r[p]);
}

__attribute__((target("avx512f"))) void nnb_cb_tile_out_avx512(float *nchw, const float *cb, int64_t hw)
{
    __m512 r[16];
    for (int p = 0; p < 16; p++) r[p] = _mm512_loadu_ps(cb + p * 16);
    transpose16(r);
    for (int j = 0; j < 16; j++) _mm512_storeu_ps(nchw + j * hw, r[j]);
}

static inline __attribute__((always_inline, target("avx2"))) void transpose8(__m256 r[8])
{
    __m256 t[8], u[8];
    for (int i = 0; i < 8; i += 2) {
        t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 8; i += 4) {
        u[i] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));
        u[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));
        u[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0));
        u[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
    for (int i = 0; i < 4; i++) {
        r[i] = _mm256_permute2f128_ps(u[i], u[i + 4], 0x20);
        r[i + 4] = _mm256_permute2f128_ps(u[i], u[i + 4], 0x31);
    }
}

__attribute__((target("avx2"))) void nnb_cb_tile_in_avx2(float *cb, const float *nchw, int64_t hw)
{
    for (int h = 0; h < 16; h += 8) {
        __m256 r[8];
        for (int j = 0; j < 8; j++) r[j] = _mm256_loadu_ps(nchw + j * hw + h);
        transpose8(r);
        for (int p = 0; p < 8; p++) _mm256_storeu_ps(cb + (h + p) * 8, r[p]);
    }
}

__attribute__((target("avx2"))) void nnb_cb_tile_out_avx2(float *nchw, const float *cb, int64_t hw)
{
    for (int h = 0; h < 16; h += 8) {
        __m256 r[8];
        for (int p = 0; p < 8; p++) r[p] = _mm256_loadu_ps(cb + (h + p) * 8);
        transpose8(r);
        for (int j = 0; j < 8; j++) _mm256_storeu_ps(nchw + j * hw + h, r[j]);
    }
}
