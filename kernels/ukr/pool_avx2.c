/* The pooling micro-kernels (ukr.h) for AVX2: 8 outputs per chunk, stride
 * 2 deinterleaved with one in-lane shuffle per tap (the lanes left in
 * 128-bit-block order, put in order once per chunk), 8 planes per
 * transposing reduction tree. */
#include "ukr/ukr.h"

#include "ukr/vec_avx2.h"

#include <math.h>
#include <stdint.h>

#define P_MAX(a, b) _mm256_max_ps(a, b)
#define P_ADD(a, b) _mm256_add_ps(a, b)
#define P_DIV(a, b) _mm256_div_ps(a, b)
#define P_STOREU(p, v) _mm256_storeu_ps(p, v)
/* [l0 l2 h0 h2 | l4 l6 h4 h6]: outputs 0 1 4 5 2 3 6 7 */
#define P_EVENS(lo, hi) _mm256_shuffle_ps(lo, hi, _MM_SHUFFLE(2, 0, 2, 0))
#define P_ODDS(lo, hi) _mm256_shuffle_ps(lo, hi, _MM_SHUFFLE(3, 1, 3, 1))
#define P_UNPERM(v) _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(v), _MM_SHUFFLE(3, 1, 2, 0)))
#define P_LOAD_LESS1(p) _mm256_maskload_ps(p, v_mask(7))
#define P_LOAD_N(p, n, f) _mm256_blendv_ps(_mm256_set1_ps(f), _mm256_maskload_ps(p, v_mask(n)), _mm256_castsi256_ps(v_mask(n)))
#define P_IDX __m256i
#define P_STRIDE_IDX(s) _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32((int)(s)))
#define P_GATHER(p, idx) _mm256_i32gather_ps(p, idx, 4)

/* lanes j with a <= j + base < b, as a lane mask */
static inline __attribute__((always_inline, target("avx2,fma"))) __m256i range_mask(__m256i j, int64_t a, int64_t b)
{
    const __m256i lo = _mm256_set1_epi32((int)(a < -1 ? -1 : a) - 1), hi = _mm256_set1_epi32((int)(b > INT32_MAX ? INT32_MAX : b));
    return _mm256_and_si256(_mm256_cmpgt_epi32(j, lo), _mm256_cmpgt_epi32(hi, j));
}

static inline __attribute__((always_inline, target("avx2,fma"))) __m256 load_clip(const float *p, int64_t a, int64_t b)
{
    const __m256i m = range_mask(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), a < -1 ? -1 : a, b > 9 ? 9 : b);
    return _mm256_blendv_ps(_mm256_set1_ps(-INFINITY), _mm256_maskload_ps(p, m), _mm256_castsi256_ps(m));
}
#define P_LOAD_CLIP(p, a, b) load_clip(p, a, b)
#define P_GATHER_CLIP(p, idx, a, b) \
    _mm256_mask_i32gather_ps(_mm256_set1_ps(-INFINITY), p, idx, _mm256_castsi256_ps(range_mask(idx, a, b)), 4)

static inline __attribute__((always_inline, target("avx2,fma"))) __m256 tree_op(__m256 a, __m256 b, const bool max)
{
    return max ? _mm256_max_ps(a, b) : _mm256_add_ps(a, b);
}

/* 8 vectors -> lane i = op over v[i]'s lanes: unpacks (pairs), shuffles
 * within 128-bit blocks (quads), then the two blocks; 7 ops, lanes in order */
static inline __attribute__((always_inline, target("avx2,fma"))) __m256 p_tree(__m256 *v, const bool max)
{
    __m256 x[4], z[2];
    for (int k = 0; k < 4; k++)
        x[k] = tree_op(_mm256_unpacklo_ps(v[2 * k], v[2 * k + 1]), _mm256_unpackhi_ps(v[2 * k], v[2 * k + 1]), max);
    for (int k = 0; k < 2; k++)
        z[k] = tree_op(_mm256_shuffle_ps(x[2 * k], x[2 * k + 1], _MM_SHUFFLE(1, 0, 1, 0)),
                       _mm256_shuffle_ps(x[2 * k], x[2 * k + 1], _MM_SHUFFLE(3, 2, 3, 2)), max);
    return tree_op(_mm256_permute2f128_ps(z[0], z[1], 0x20), _mm256_permute2f128_ps(z[0], z[1], 0x31), max);
}

#define POOL_ROW nnb_pool_row_avx2
#define POOL_ROW_FLOPS nnb_pool_row_avx2_flops
#define POOL_GLOBAL nnb_pool_global_avx2
#define POOL_GLOBAL_FLOPS nnb_pool_global_avx2_flops
#define POOL_MAX_PLANE nnb_pool_max_plane_avx2
#define POOL_MAX_PLANE_FLOPS nnb_pool_max_plane_avx2_flops
#include "ukr/pool_tile.h"
