/* The pooling micro-kernels (ukr.h) for AVX-512F: 16 outputs per chunk,
 * stride 2 deinterleaved with one two-source permute per tap, 16 planes per
 * transposing reduction tree. */
#include "ukr/ukr.h"

#include "ukr/vec_avx512.h"

#define P_MAX(a, b) _mm512_max_ps(a, b)
#define P_ADD(a, b) _mm512_add_ps(a, b)
#define P_DIV(a, b) _mm512_div_ps(a, b)
#define P_STOREU(p, v) _mm512_storeu_ps(p, v)
/* in-lane shuffles (twice the throughput of a two-source permute): block j
 * holds [lo 4j, lo 4j+2, hi 4j, hi 4j+2], outputs 2j, 2j+1, 8+2j, 9+2j */
#define P_EVENS(lo, hi) _mm512_shuffle_ps(lo, hi, _MM_SHUFFLE(2, 0, 2, 0))
#define P_ODDS(lo, hi) _mm512_shuffle_ps(lo, hi, _MM_SHUFFLE(3, 1, 3, 1))
#define P_UNPERM(v) _mm512_permutexvar_ps(_mm512_setr_epi32(0, 1, 4, 5, 8, 9, 12, 13, 2, 3, 6, 7, 10, 11, 14, 15), v)
#define P_LOAD_LESS1(p) _mm512_maskz_loadu_ps((__mmask16)0x7fff, p)
#define P_LOAD_N(p, n, f) _mm512_mask_loadu_ps(_mm512_set1_ps(f), v_mask(n), p)
#define P_IDX __m512i
#define P_STRIDE_IDX(s) _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), _mm512_set1_epi32((int)(s)))
#define P_GATHER(p, idx) _mm512_i32gather_ps(idx, p, 4)

static inline __attribute__((always_inline, target("avx512f"))) __m512 tree_op(__m512 a, __m512 b, const bool max)
{
    return max ? _mm512_max_ps(a, b) : _mm512_add_ps(a, b);
}

/* 16 vectors -> lane i = op over v[i]'s lanes: pairs of unpacks (4 lanes
 * of 2 vectors per 128-bit block), then shuffles within blocks (4 vectors
 * per block), then two rounds across blocks; 15 ops, lanes in order */
static inline __attribute__((always_inline, target("avx512f"))) __m512 p_tree(__m512 *v, const bool max)
{
    __m512 x[8], z[4], w[2];
    for (int k = 0; k < 8; k++)
        x[k] = tree_op(_mm512_unpacklo_ps(v[2 * k], v[2 * k + 1]), _mm512_unpackhi_ps(v[2 * k], v[2 * k + 1]), max);
    for (int k = 0; k < 4; k++)
        z[k] = tree_op(_mm512_shuffle_ps(x[2 * k], x[2 * k + 1], _MM_SHUFFLE(1, 0, 1, 0)),
                       _mm512_shuffle_ps(x[2 * k], x[2 * k + 1], _MM_SHUFFLE(3, 2, 3, 2)), max);
    for (int k = 0; k < 2; k++)
        w[k] = tree_op(_mm512_shuffle_f32x4(z[2 * k], z[2 * k + 1], _MM_SHUFFLE(2, 0, 2, 0)),
                       _mm512_shuffle_f32x4(z[2 * k], z[2 * k + 1], _MM_SHUFFLE(3, 1, 3, 1)), max);
    return tree_op(_mm512_shuffle_f32x4(w[0], w[1], _MM_SHUFFLE(2, 0, 2, 0)),
                   _mm512_shuffle_f32x4(w[0], w[1], _MM_SHUFFLE(3, 1, 3, 1)), max);
}

#define POOL_ROW nnb_pool_row_avx512
#define POOL_ROW_FLOPS nnb_pool_row_avx512_flops
#define POOL_GLOBAL nnb_pool_global_avx512
#define POOL_GLOBAL_FLOPS nnb_pool_global_avx512_flops
#include "ukr/pool_tile.h"
