/* Row-block matrix-vector products shared by fc (batch 1) and direct (the
 * tail positions of 1x1 planes): RB rows at a time, each a dot product with
 * two independent vector accumulators, the input vector shared by the RB
 * rows. AVX-512, AVX2/FMA or portable C by nnb_isa_level(). */
#include "gemv.h"

#include "conv_tile.h"

#include <immintrin.h>

enum { RB = 4 }; /* output rows per micro-kernel call */

typedef void (*gemv_rows_fn)(const float *w, int64_t len, const float *x, int nr, float *out);

/* ---------------- AVX-512 ---------------- */

__attribute__((target("avx512f"))) static inline float hsum512(__m512 a, __m512 b)
{
    return _mm512_reduce_add_ps(_mm512_add_ps(a, b));
}

/* out[r] = w[r*len :] . x for r < nr (nr <= RB) */
__attribute__((target("avx512f"))) static void rows512(const float *w, int64_t len, const float *x,
                                                       int nr, float *out)
{
    if (nr < RB) {
        for (int r = 0; r < nr; r++) {
            const float *wr = w + r * len;
            __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps();
            int64_t j = 0;
            for (; j + 32 <= len; j += 32) {
                a0 = _mm512_fmadd_ps(_mm512_loadu_ps(wr + j), _mm512_loadu_ps(x + j), a0);
                a1 = _mm512_fmadd_ps(_mm512_loadu_ps(wr + j + 16), _mm512_loadu_ps(x + j + 16), a1);
            }
            for (; j < len; j += 16) {
                __mmask16 m = len - j >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << (len - j)) - 1);
                a0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, wr + j), _mm512_maskz_loadu_ps(m, x + j), a0);
            }
            out[r] = hsum512(a0, a1);
        }
        return;
    }
    const float *w0 = w, *w1 = w + len, *w2 = w + 2 * len, *w3 = w + 3 * len;
    __m512 a00 = _mm512_setzero_ps(), a01 = _mm512_setzero_ps();
    __m512 a10 = _mm512_setzero_ps(), a11 = _mm512_setzero_ps();
    __m512 a20 = _mm512_setzero_ps(), a21 = _mm512_setzero_ps();
    __m512 a30 = _mm512_setzero_ps(), a31 = _mm512_setzero_ps();
    int64_t j = 0;
    for (; j + 32 <= len; j += 32) {
        __m512 x0 = _mm512_loadu_ps(x + j), x1 = _mm512_loadu_ps(x + j + 16);
        a00 = _mm512_fmadd_ps(_mm512_loadu_ps(w0 + j), x0, a00);
        a01 = _mm512_fmadd_ps(_mm512_loadu_ps(w0 + j + 16), x1, a01);
        a10 = _mm512_fmadd_ps(_mm512_loadu_ps(w1 + j), x0, a10);
        a11 = _mm512_fmadd_ps(_mm512_loadu_ps(w1 + j + 16), x1, a11);
        a20 = _mm512_fmadd_ps(_mm512_loadu_ps(w2 + j), x0, a20);
        a21 = _mm512_fmadd_ps(_mm512_loadu_ps(w2 + j + 16), x1, a21);
        a30 = _mm512_fmadd_ps(_mm512_loadu_ps(w3 + j), x0, a30);
        a31 = _mm512_fmadd_ps(_mm512_loadu_ps(w3 + j + 16), x1, a31);
    }
    for (; j < len; j += 16) {
        __mmask16 m = len - j >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << (len - j)) - 1);
        __m512 x0 = _mm512_maskz_loadu_ps(m, x + j);
        a00 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, w0 + j), x0, a00);
        a10 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, w1 + j), x0, a10);
        a20 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, w2 + j), x0, a20);
        a30 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, w3 + j), x0, a30);
    }
    out[0] = hsum512(a00, a01);
    out[1] = hsum512(a10, a11);
    out[2] = hsum512(a20, a21);
    out[3] = hsum512(a30, a31);
}

/* ---------------- AVX2 / FMA ---------------- */

__attribute__((target("avx2,fma"))) static inline float hsum256(__m256 a, __m256 b)
{
    __m256 s = _mm256_add_ps(a, b);
    __m128 q = _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1));
    q = _mm_add_ps(q, _mm_movehl_ps(q, q));
    q = _mm_add_ss(q, _mm_movehdup_ps(q));
    return _mm_cvtss_f32(q);
}

__attribute__((target("avx2,fma"))) static void rows256(const float *w, int64_t len, const float *x,
                                                        int nr, float *out)
{
    const int64_t lv = len & ~(int64_t)15; /* vector part; the tail is scalar */
    if (nr < RB) {
        for (int r = 0; r < nr; r++) {
            const float *wr = w + r * len;
            __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
            for (int64_t j = 0; j < lv; j += 16) {
                a0 = _mm256_fmadd_ps(_mm256_loadu_ps(wr + j), _mm256_loadu_ps(x + j), a0);
                a1 = _mm256_fmadd_ps(_mm256_loadu_ps(wr + j + 8), _mm256_loadu_ps(x + j + 8), a1);
            }
            float s = hsum256(a0, a1);
            for (int64_t j = lv; j < len; j++) s += wr[j] * x[j];
            out[r] = s;
        }
        return;
    }
    const float *w0 = w, *w1 = w + len, *w2 = w + 2 * len, *w3 = w + 3 * len;
    __m256 a00 = _mm256_setzero_ps(), a01 = _mm256_setzero_ps();
    __m256 a10 = _mm256_setzero_ps(), a11 = _mm256_setzero_ps();
    __m256 a20 = _mm256_setzero_ps(), a21 = _mm256_setzero_ps();
    __m256 a30 = _mm256_setzero_ps(), a31 = _mm256_setzero_ps();
    for (int64_t j = 0; j < lv; j += 16) {
        __m256 x0 = _mm256_loadu_ps(x + j), x1 = _mm256_loadu_ps(x + j + 8);
        a00 = _mm256_fmadd_ps(_mm256_loadu_ps(w0 + j), x0, a00);
        a01 = _mm256_fmadd_ps(_mm256_loadu_ps(w0 + j + 8), x1, a01);
        a10 = _mm256_fmadd_ps(_mm256_loadu_ps(w1 + j), x0, a10);
        a11 = _mm256_fmadd_ps(_mm256_loadu_ps(w1 + j + 8), x1, a11);
        a20 = _mm256_fmadd_ps(_mm256_loadu_ps(w2 + j), x0, a20);
        a21 = _mm256_fmadd_ps(_mm256_loadu_ps(w2 + j + 8), x1, a21);
        a30 = _mm256_fmadd_ps(_mm256_loadu_ps(w3 + j), x0, a30);
        a31 = _mm256_fmadd_ps(_mm256_loadu_ps(w3 + j + 8), x1, a31);
    }
    float s0 = hsum256(a00, a01), s1 = hsum256(a10, a11), s2 = hsum256(a20, a21),
          s3 = hsum256(a30, a31);
    for (int64_t j = lv; j < len; j++) {
        s0 += w0[j] * x[j];
        s1 += w1[j] * x[j];
        s2 += w2[j] * x[j];
        s3 += w3[j] * x[j];
    }
    out[0] = s0;
    out[1] = s1;
    out[2] = s2;
    out[3] = s3;
}

/* ---------------- portable C ---------------- */

enum { CA = 8 }; /* independent accumulators per row */

static void rows_c(const float *w, int64_t len, const float *x, int nr, float *out)
{
    const int64_t lv = len - len % CA;
    for (int r = 0; r < nr; r++) {
        const float *wr = w + r * len;
        float a[CA] = {0};
        for (int64_t j = 0; j < lv; j += CA)
            for (int i = 0; i < CA; i++) a[i] += wr[j + i] * x[j + i];
        float s = 0;
        for (int i = 0; i < CA; i++) s += a[i];
        for (int64_t j = lv; j < len; j++) s += wr[j] * x[j];
        out[r] = s;
    }
}


void nnb_gemv_block(const float *w, int64_t len, const float *x, const float *bias, float *y, int64_t ystride,
                    int64_t rows)
{
    gemv_rows_fn fn;
    switch (nnb_isa_level()) {
    case NNB_ISA_AVX512: fn = rows512; break;
    case NNB_ISA_AVX2: fn = rows256; break;
    default: fn = rows_c; break;
    }
    for (int64_t o = 0; o < rows; o += RB) {
        const int nr = (int)(rows - o < RB ? rows - o : RB);
        float s[RB];
        fn(w + o * len, len, x, nr, s);
        for (int r = 0; r < nr; r++) y[(o + r) * ystride] = bias ? s[r] + bias[o + r] : s[r];
    }
}
