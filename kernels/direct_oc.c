/* "direct_oc": direct convolution vectorised along the output channels.
 *
 * direct's tiles vectorise along the output row or plane, which suits wide
 * planes but wastes lanes on ResNet's 7-, 14- and 28-wide layers (a 14-wide
 * row fills 14 of 16 lanes, a 7x7 plane is 3 x 16 + 1) and re-reads every
 * weight once per tile. Here a tile holds kv vectors of output channels x np
 * positions of one output row (np <= 8): per input channel and window tap it
 * loads kv weight vectors and broadcasts np input values into kv*np FMAs, so
 * any row splits into whole tiles (14 = 2 x 7) and no lane is wasted while
 * the output channels per group are a multiple of the vector width. The
 * weights must be transposed for that: prepare() packs them once per weight
 * set, [group][channel block][c][tap][kv * lanes], outside the timed region
 * (benchdnn's reorder at primitive creation). The accumulators hold a tile as
 * [channel][position]; an in-register transpose stores them as NCHW rows.
 *
 * Input: a 1x1 window with stride 1 and no padding reads the input in place,
 * its plane as one long row; another 1x1 layer is subsampled into such a
 * plane (im2col with a 1x1 window); a larger window reads a zero-padded copy
 * of each plane (tap (r, s) of output (oy, ox) at row oy*sh + r*dh, column
 * ox*sw + s*dw). Threads: the (image, group, channel block, row tile)
 * order split evenly into one contiguous range per thread, so each thread
 * streams its own channel blocks' weights. */
#include "nnbench/kernel.h"
#include "conv_tile.h" /* nnb_isa_level */
#include "im2col.h"

#include <immintrin.h>
#include <omp.h>

typedef struct oc_tile {
    const float *w;    /* packed weights of the block: [c][tap][kv * lanes] */
    const float *in;   /* input channel 0 at the tile's first position, tap 0 */
    int64_t cs;        /* floats between input channels */
    int64_t nc;        /* input channels reduced over */
    const int64_t *tapoff; /* per tap: offset from in */
    int64_t ntaps;
    int64_t xs;        /* floats between consecutive positions (the stride) */
    const float *bias; /* nk values or NULL */
    float *out;        /* output channel 0 of the block at the first position */
    int64_t ohw;       /* floats between output channels */
    int nk;            /* output channels, 1..kv_max * lanes */
    int np;            /* positions, 1..np_max */
} oc_tile;

typedef struct oc_isa {
    int lanes, kv_max, np_max;
    void (*run)(const oc_tile *t);
} oc_isa;

/* ---------------- AVX-512: 3 x 16 channels x 8 positions ---------------- */

#define KV512 3 /* 3 x 8 accumulators + 3 weights + 1 broadcast = 28 of 32 zmm */
#define NP512 8

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

static inline __attribute__((always_inline, target("avx512f"))) void tile512(const oc_tile *t, const int KV,
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

__attribute__((target("avx512f"))) static void run512(const oc_tile *t)
{
    switch ((t->nk + 15) / 16) {
    case 1: NP512_CASES(1) break;
    case 2: NP512_CASES(2) break;
    default: NP512_CASES(3) break;
    }
}

/* ---------------- AVX2 + FMA: 2 x 8 channels x 6 positions ---------------- */

#define KV256 2 /* 2 x 6 accumulators + 2 weights + 1 broadcast = 15 of 16 ymm */
#define NP256 6

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

static inline __attribute__((always_inline, target("avx2,fma"))) void tile256(const oc_tile *t, const int KV,
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

__attribute__((target("avx2,fma"))) static void run256(const oc_tile *t)
{
    if (t->nk > 8) {
        NP256_CASES(2)
    } else {
        NP256_CASES(1)
    }
}

/* ---------------- portable C: same blocking as AVX2 ---------------- */

static void run_c(const oc_tile *t)
{
    float acc[KV256 * 8][NP256];
    const int kvl = (t->nk + 7) / 8 * 8;
    for (int j = 0; j < t->nk; j++)
        for (int p = 0; p < t->np; p++) acc[j][p] = t->bias ? t->bias[j] : 0.0f;
    const float *w = t->w;
    for (int64_t c = 0; c < t->nc; c++)
        for (int64_t tap = 0; tap < t->ntaps; tap++, w += kvl) {
            const float *x = t->in + c * t->cs + t->tapoff[tap];
            for (int p = 0; p < t->np; p++)
                for (int j = 0; j < t->nk; j++) acc[j][p] += w[j] * x[p * t->xs];
        }
    for (int j = 0; j < t->nk; j++)
        for (int p = 0; p < t->np; p++) t->out[j * t->ohw + p] = acc[j][p];
}

static const oc_isa isa512 = {16, KV512, NP512, run512};
static const oc_isa isa256 = {8, KV256, NP256, run256};
static const oc_isa isa_c = {8, KV256, NP256, run_c};

static const oc_isa *isa_best(void)
{
    switch (nnb_isa_level()) {
    case NNB_ISA_AVX512: return &isa512;
    case NNB_ISA_AVX2: return &isa256;
    default: return &isa_c;
    }
}

/* ---------------- the kernel ---------------- */

typedef struct plan {
    const oc_isa *isa;
    nnb_win win;
    int64_t cg, kg, taps, kvecs, kblocks; /* per group: channels in, out, vectors of those; blocks */
    int64_t ohw;
    bool flat;         /* 1x1: the plane is one row of ohw positions */
    bool in_place;     /* flat, stride 1, no padding: the input plane itself */
    int64_t rows, row_len, pitch, cs; /* tile rows, positions per row; input row and channel pitch */
    int64_t rtiles;    /* tiles of <= np_max positions per row */
    int64_t wei_floats, in_floats, off_floats;
} plan;

static void make_plan(const nnb_layer *l, plan *p)
{
    p->isa = isa_best();
    p->win = nnb_win_of(l);
    p->cg = l->c / l->groups;
    p->kg = l->k / l->groups;
    p->taps = l->kh * l->kw;
    /* blocks of as even a width as possible: 4 vectors of channels as 2 + 2,
     * not 3 + 1 (a one-vector tile is load-bound: 1 + np loads per np FMAs) */
    p->kvecs = (p->kg + p->isa->lanes - 1) / p->isa->lanes;
    p->kblocks = (p->kvecs + p->isa->kv_max - 1) / p->isa->kv_max;
    p->ohw = l->oh * l->ow;
    p->flat = l->kh == 1 && l->kw == 1;
    p->in_place = p->flat && l->sh == 1 && l->sw == 1 && l->oh == l->h && l->ow == l->w;
    if (p->flat) {
        p->rows = 1;
        p->row_len = p->pitch = p->ohw;
        p->cs = p->in_place ? l->h * l->w : p->ohw;
    } else {
        p->rows = l->oh;
        p->row_len = l->ow;
        p->pitch = (l->ow - 1) * l->sw + (l->kw - 1) * l->dw + 1; /* padded columns read */
        p->cs = nnb_pack_rows(&p->win) * p->pitch;
    }
    p->rtiles = (p->row_len + p->isa->np_max - 1) / p->isa->np_max;
    p->wei_floats = (l->groups * p->kvecs * p->isa->lanes * p->cg * p->taps + 15) / 16 * 16;
    p->in_floats = p->in_place ? 0 : (l->n * l->c * p->cs + 15) / 16 * 16;
    p->off_floats = (p->taps * 2 + 15) / 16 * 16; /* int64 tap offsets, in float units */
}

/* output channels per group a multiple of 8 (AVX2's vector): fewer would
 * leave lanes idle, and depthwise and narrow groups have their own kernels */
static bool supports(const nnb_layer *l)
{
    return l->op == NNB_OP_CONV && (l->k / l->groups) % 8 == 0;
}

static int64_t workspace_bytes(const nnb_layer *l, int nthreads)
{
    (void)nthreads;
    plan p;
    make_plan(l, &p);
    return (p.wei_floats + p.in_floats + p.off_floats) * (int64_t)sizeof(float);
}

/* block b (of groups * kblocks): output channels [k0, k0 + nk) of group
 * b / kblocks; its packed weights start at *wofs floats */
static void block_range(const plan *p, int64_t b, int64_t *k0, int *nk, int64_t *wofs)
{
    const int64_t g = b / p->kblocks, i = b % p->kblocks, lanes = p->isa->lanes;
    const int64_t v0 = i * p->kvecs / p->kblocks, v1 = (i + 1) * p->kvecs / p->kblocks;
    *k0 = g * p->kg + v0 * lanes;
    *nk = (int)((v1 * lanes < p->kg ? v1 * lanes : p->kg) - v0 * lanes);
    *wofs = (g * p->kvecs + v0) * lanes * p->cg * p->taps;
}

/* packed[b][c][tap][j] = wei[k0 + j][c][tap] for j < nk, 0 up to the block's
 * whole vectors */
static void prepare(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    plan p;
    make_plan(l, &p);
    float *wp = ws;
    const int64_t lanes = p.isa->lanes, ct = p.cg * p.taps;
#pragma omp parallel for schedule(static)
    for (int64_t b = 0; b < l->groups * p.kblocks; b++) {
        int64_t k0, wofs;
        int nk;
        block_range(&p, b, &k0, &nk, &wofs);
        const int64_t kvl = (nk + lanes - 1) / lanes * lanes;
        float *d = wp + wofs;
        /* a transpose in 64-row slabs (64 x kvl floats stay in L1): row-
         * or column-wise alone measured 4x the convolution's own time on
         * 7x7 2048 -> 512; lanes past the block's nk channels are zeros */
        for (int64_t i0 = 0; i0 < ct; i0 += 64) {
            const int64_t i1 = i0 + 64 < ct ? i0 + 64 : ct;
            for (int64_t j = 0; j < nk; j++) {
                const float *src = t->wei + (k0 + j) * ct;
                for (int64_t i = i0; i < i1; i++) d[i * kvl + j] = src[i];
            }
            for (int64_t j = nk; j < kvl; j++)
                for (int64_t i = i0; i < i1; i++) d[i * kvl + j] = 0.0f;
        }
    }
}

static void run(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    plan p;
    make_plan(l, &p);
    const float *wp = ws;
    float *pk = (float *)ws + p.wei_floats;
    int64_t *off = (int64_t *)(pk + p.in_floats);
    for (int64_t r = 0; r < l->kh; r++)
        for (int64_t s = 0; s < l->kw; s++) off[r * l->kw + s] = r * l->dh * p.pitch + s * l->dw;
    const float *in = p.in_place ? t->src : pk;
    const int64_t blocks = l->groups * p.kblocks, xs = p.flat ? 1 : l->sw;
    const int64_t units = p.rows * p.rtiles, total = l->n * blocks * units; /* tiles in all */
#pragma omp parallel
    {
        if (!p.in_place) {
#pragma omp for schedule(static)
            for (int64_t pl = 0; pl < l->n * l->c; pl++) {
                const float *src = t->src + pl * l->h * l->w;
                if (p.flat) nnb_im2col(src, 1, &p.win, 0, p.ohw, pk + pl * p.cs);
                else nnb_pack_padded(src, l->h, l->w, l->pt, l->pl, nnb_pack_rows(&p.win), 1, p.pitch, 0.0f,
                                     pk + pl * p.cs);
            }
        }
        /* each thread one contiguous range of the (image, block, tile)
         * order: the split is even to a tile (11 blocks on 2 threads would
         * be 6 + 5 as whole items), and a thread keeps a block's weights
         * over consecutive tiles */
        const int64_t T = omp_get_num_threads(), tid = omp_get_thread_num();
        for (int64_t it = tid * total / T, end = (tid + 1) * total / T; it < end;) {
            const int64_t nbi = it / units, n = nbi / blocks, b = nbi % blocks, g = b / p.kblocks;
            const int64_t stop = (nbi + 1) * units < end ? (nbi + 1) * units : end;
            int64_t k0, wofs;
            oc_tile tile = {.cs = p.cs, .nc = p.cg, .tapoff = off, .ntaps = p.taps, .xs = xs, .ohw = p.ohw};
            block_range(&p, b, &k0, &tile.nk, &wofs);
            tile.w = wp + wofs;
            tile.bias = l->bias ? t->bias + k0 : NULL;
            const float *iplane = in + (n * l->c + g * p.cg) * p.cs;
            float *oplane = t->dst + (n * l->k + k0) * p.ohw;
            for (; it < stop; it++) {
                const int64_t u = it % units, oy = u / p.rtiles, s = u % p.rtiles;
                const int64_t x0 = s * p.row_len / p.rtiles, x1 = (s + 1) * p.row_len / p.rtiles;
                tile.in = iplane + (p.flat ? x0 : oy * l->sh * p.pitch + x0 * l->sw);
                tile.out = oplane + oy * p.row_len + x0;
                tile.np = (int)(x1 - x0);
                p.isa->run(&tile);
            }
        }
    }
}

const nnb_kernel nnb_kernel_direct_oc = {
    .name = "direct_oc",
    .desc = "direct conv vectorised along output channels (8 | k/groups): weights packed once (prepare), AVX-512/AVX2/C",
    .flops_tolerance = 0.02,
    .supports = supports,
    .workspace_bytes = workspace_bytes,
    .prepare = prepare,
    .run = run,
};
