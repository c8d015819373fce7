/* The pooling micro-kernels (ukr.h) for AVX-512F: 16 outputs per chunk,
 * stride 2 deinterleaved with one two-source permute per tap, 16 planes per
 * transposing reduction tree. */
#include "ukr/ukr.h"

#include "ukr/vec_avx512.h"

#include <math.h>
#include <stdint.h>

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

/* lanes [a, b) (clamped to the vector) */
static inline __attribute__((always_inline, target("avx512f"))) __mmask16 clip_mask(int64_t a, int64_t b)
{
    const unsigned lo = a < 0 ? 0 : a > 16 ? 16 : (unsigned)a, hi = b < 0 ? 0 : b > 16 ? 16 : (unsigned)b;
    return (__mmask16)(((1u << hi) - 1) & ~((1u << lo) - 1));
}

static inline __attribute__((always_inline, target("avx512f"))) __m512 gather_clip(const float *p, __m512i idx,
                                                                                   int64_t a, int64_t b)
{
    const __m512i lo = _mm512_set1_epi32((int)(a < -1 ? -1 : a)), hi = _mm512_set1_epi32((int)(b > INT32_MAX ? INT32_MAX : b));
    const __mmask16 m = _mm512_cmpge_epi32_mask(idx, lo) & _mm512_cmplt_epi32_mask(idx, hi);
    return _mm512_mask_i32gather_ps(_mm512_set1_ps(-INFINITY), m, idx, p, 4);
}
#define P_LOAD_CLIP(p, a, b) _mm512_mask_loadu_ps(_mm512_set1_ps(-INFINITY), clip_mask(a, b), p)
#define P_GATHER_CLIP(p, idx, a, b) gather_clip(p, idx, a, b)

/* A stride-2 H row (pool_tile.h max_hrow) with every input float loaded
 * once: the 32 floats from 2*x (x = a chunk's first output) split into
 * evens E and odds O by two-source permutes, lanes in order, so tap s of
 * lane i (float 2*(x+i) - PL + s) is E or O moved by whole lanes, taken
 * from the neighbouring chunk by valignd. Floats outside the row are -inf
 * (masked loads at the row's end, -inf before it): the reference's skipped
 * padding. KW 3 with PL 0 or 1, or KW 2 with PL 0 (lanes moved by -1..1). */
typedef struct eo {
    __m512 e, o;
} eo;

static inline __attribute__((always_inline, target("avx512f"))) eo eo_load(const float *row, int64_t w, int64_t at)
{
    const __m512i ie = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i io = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    const __m512 ninf = _mm512_set1_ps(-INFINITY);
    __m512 a, b;
    if (at < 0) { /* before the row: only a chunk -1 of a row's first block */
        a = b = ninf;
    } else if (at + 32 <= w) {
        a = _mm512_loadu_ps(row + at);
        b = _mm512_loadu_ps(row + at + 16);
    } else {
        a = _mm512_mask_loadu_ps(ninf, clip_mask(0, w - at), row + at);
        b = _mm512_mask_loadu_ps(ninf, clip_mask(0, w - at - 16), row + at + 16);
    }
    return (eo){_mm512_permutex2var_ps(a, ie, b), _mm512_permutex2var_ps(a, io, b)};
}

/* tap s of the chunk `cur` (t = s - PL: float 2i + t, lane i + floor(t/2)) */
static inline __attribute__((always_inline, target("avx512f"))) __m512 s2_tap(eo prev, eo cur, eo next, int t)
{
    const int j = t >= 0 ? t / 2 : -((1 - t) / 2);
    const bool odd = t - 2 * j == 1;
    const __m512 c = odd ? cur.o : cur.e, pv = odd ? prev.o : prev.e, nx = odd ? next.o : next.e;
    if (j == 0) return c;
    if (j < 0) return _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(c), _mm512_castps_si512(pv), 15));
    return _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(nx), _mm512_castps_si512(c), 1));
}

/* one input row's walk along its chunks: the evens and odds of the chunk
 * before, this one and the next (loaded where KW - 1 - PL reaches it) */
typedef struct s2_walk {
    const float *row;
    int64_t w, at; /* at: the float the next chunk's evens start from */
    eo prev, cur, next;
} s2_walk;

static inline __attribute__((always_inline, target("avx512f"))) s2_walk s2_begin(const float *row, int64_t w, int64_t x0)
{
    const eo cur = eo_load(row, w, 2 * x0);
    return (s2_walk){row, w, 2 * x0 + 32, eo_load(row, w, 2 * x0 - 32), cur, cur};
}

/* the next chunk of the row's H row */
static inline __attribute__((always_inline, target("avx512f"))) __m512 s2_chunk(s2_walk *k, const int KW, const int PL)
{
    const bool ahead = KW - 1 - PL >= 2;
    if (ahead) k->next = eo_load(k->row, k->w, k->at);
    __m512 acc = _mm512_set1_ps(-INFINITY);
    for (int s = 0; s < KW; s++) acc = _mm512_max_ps(s2_tap(k->prev, k->cur, k->next, s - PL), acc);
    k->prev = k->cur;
    k->cur = ahead ? k->next : eo_load(k->row, k->w, k->at);
    k->at += 32;
    return acc;
}

static inline __attribute__((always_inline, target("avx512f"))) void
hrow_s2(const float *row, int64_t w, int64_t x0, int64_t chunks, float *h, const int KW, const int PL)
{
    s2_walk k = s2_begin(row, w, x0);
    for (int64_t c = 0; c < chunks; c++) _mm512_storeu_ps(h + 16 * c, s2_chunk(&k, KW, PL));
}

/* An output row whose window is three rows, the first in the ring (h0) and
 * the other two fresh: their H rows (into h1, h2) and the output's max in
 * one pass, no H row read back */
static inline __attribute__((always_inline, target("avx512f"))) void
fuse_s2(const float *row1, const float *row2, int64_t w, int64_t x0, int64_t n, const float *h0, float *h1, float *h2,
        float *out, const int KW, const int PL)
{
    s2_walk k1 = s2_begin(row1, w, x0), k2 = s2_begin(row2, w, x0);
    for (int64_t c = 0; c < n; c += 16) {
        /* the rows of the output row two ahead (the stream from L3) */
        _mm_prefetch((const char *)(row1 + 4 * w + 2 * (x0 + c)), _MM_HINT_T0);
        _mm_prefetch((const char *)(row1 + 4 * w + 2 * (x0 + c) + 16), _MM_HINT_T0);
        _mm_prefetch((const char *)(row2 + 4 * w + 2 * (x0 + c)), _MM_HINT_T0);
        _mm_prefetch((const char *)(row2 + 4 * w + 2 * (x0 + c) + 16), _MM_HINT_T0);
        const __m512 a = s2_chunk(&k1, KW, PL), b = s2_chunk(&k2, KW, PL);
        _mm512_storeu_ps(h1 + c, a);
        _mm512_storeu_ps(h2 + c, b);
        const __m512 acc = _mm512_max_ps(b, _mm512_max_ps(a, _mm512_loadu_ps(h0 + c)));
        if (c + 16 <= n) _mm512_storeu_ps(out + c, acc);
        else _mm512_mask_storeu_ps(out + c, v_mask((int)(n - c)), acc);
    }
}
/* An output row whose window is two fresh rows no other output row uses
 * (stride >= window): the max of their H rows, none stored */
static inline __attribute__((always_inline, target("avx512f"))) void
fuse2_s2(const float *row0, const float *row1, int64_t w, int64_t x0, int64_t n, float *out, const int KW, const int PL)
{
    s2_walk k0 = s2_begin(row0, w, x0), k1 = s2_begin(row1, w, x0);
    for (int64_t c = 0; c < n; c += 16) {
        const __m512 a = s2_chunk(&k0, KW, PL), acc = _mm512_max_ps(s2_chunk(&k1, KW, PL), a);
        if (c + 16 <= n) _mm512_storeu_ps(out + c, acc);
        else _mm512_mask_storeu_ps(out + c, v_mask((int)(n - c)), acc);
    }
}
#define P_FUSE2_S2(row0, row1, w, x0, n, out, KW, PL) fuse2_s2(row0, row1, w, x0, n, out, KW, PL)
#define P_FUSE_S2(row1, row2, w, x0, n, h0, h1, h2, out, KW, PL) fuse_s2(row1, row2, w, x0, n, h0, h1, h2, out, KW, PL)
#define P_HROW_S2(row, w, x0, chunks, h, KW, PL) hrow_s2(row, w, x0, chunks, h, KW, PL)

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
#define POOL_MAX_PLANE nnb_pool_max_plane_avx512
#define POOL_MAX_PLANE_FLOPS nnb_pool_max_plane_avx512_flops
#include "ukr/pool_tile.h"
