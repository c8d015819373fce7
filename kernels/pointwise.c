/* "pointwise": 1x1 convolution (ResNet's bottleneck layers, MobileNet's
 * pointwise half) vectorised along the output channels.
 *
 * direct's tiles vectorise along the output plane, which suits large planes
 * but wastes lanes on ResNet's 7x7 (49 = 3 x 16 + 1) and 14x14 planes and
 * re-reads every weight once per plane tile. Here a tile holds kv vectors of
 * output channels x np positions (np <= 8): per input channel it loads kv
 * weight vectors and broadcasts np input values into kv*np FMAs, so any
 * plane size splits into whole tiles (49 = 7 x 7) and no lane is wasted
 * while the output channels are a multiple of the vector width. The weights
 * must be transposed for that: prepare() packs them once per weight set,
 * [group][channel block][c][kv * lanes], outside the timed region (benchdnn's
 * reorder at primitive creation). The accumulators hold a tile as
 * [channel][position]; an in-register transpose stores them as NCHW rows.
 *
 * Input: read in place for stride 1 without padding; otherwise subsampled
 * once per call (im2col with a 1x1 window: stride and padding applied).
 * Threads: OpenMP over (image, group, channel block, position chunk), the
 * chunk innermost so each thread streams its own channel blocks' weights. */
#include "nnbench/kernel.h"
#include "conv_tile.h" /* nnb_isa_level */
#include "im2col.h"

#include <immintrin.h>
#include <omp.h>

typedef struct pw_tile {
    const float *w;    /* packed weights of the block: [c][kv * lanes] */
    const float *in;   /* input channel 0 at the tile's first position */
    int64_t cs;        /* floats between input channels */
    int64_t nc;        /* input channels reduced over */
    const float *bias; /* nk values or NULL */
    float *out;        /* output channel 0 of the block at the first position */
    int64_t ohw;       /* floats between output channels */
    int nk;            /* output channels, 1..kv_max * lanes */
    int np;            /* positions, 1..np_max */
} pw_tile;

typedef struct pw_isa {
    int lanes, kv_max, np_max;
    void (*run)(const pw_tile *t);
} pw_isa;

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

static inline __attribute__((always_inline, target("avx512f"))) void tile512(const pw_tile *t, const int KV,
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
    for (int64_t c = 0; c < t->nc; c++, w += 16 * KV) {
        const float *x = t->in + c * t->cs;
        __m512 wv[KV512];
        for (int v = 0; v < KV; v++) wv[v] = _mm512_load_ps(w + 16 * v);
        for (int p = 0; p < NP; p++) {
            const __m512 xb = _mm512_set1_ps(x[p]);
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

__attribute__((target("avx512f"))) static void run512(const pw_tile *t)
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

static inline __attribute__((always_inline, target("avx2,fma"))) void tile256(const pw_tile *t, const int KV,
                                                                                const int NP)
{
    __m256 acc[KV256][NP256];
    for (int v = 0; v < KV; v++) {
        float b[8] = {0};
        for (int j = 0; j < 8 && t->bias && 8 * v + j < t->nk; j++) b[j] = t->bias[8 * v + j];
        for (int p = 0; p < NP; p++) acc[v][p] = _mm256_loadu_ps(b);
    }
    const float *w = t->w;
    for (int64_t c = 0; c < t->nc; c++, w += 8 * KV) {
        const float *x = t->in + c * t->cs;
        __m256 wv[KV256];
        for (int v = 0; v < KV; v++) wv[v] = _mm256_load_ps(w + 8 * v);
        for (int p = 0; p < NP; p++) {
            const __m256 xb = _mm256_broadcast_ss(x + p);
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

__attribute__((target("avx2,fma"))) static void run256(const pw_tile *t)
{
    if (t->nk > 8) {
        NP256_CASES(2)
    } else {
        NP256_CASES(1)
    }
}

/* ---------------- portable C: same blocking as AVX2 ---------------- */

static void run_c(const pw_tile *t)
{
    float acc[KV256 * 8][NP256];
    const int kvl = (t->nk + 7) / 8 * 8;
    for (int j = 0; j < t->nk; j++)
        for (int p = 0; p < t->np; p++) acc[j][p] = t->bias ? t->bias[j] : 0.0f;
    for (int64_t c = 0; c < t->nc; c++) {
        const float *x = t->in + c * t->cs, *w = t->w + c * kvl;
        for (int p = 0; p < t->np; p++)
            for (int j = 0; j < t->nk; j++) acc[j][p] += w[j] * x[p];
    }
    for (int j = 0; j < t->nk; j++)
        for (int p = 0; p < t->np; p++) t->out[j * t->ohw + p] = acc[j][p];
}

static const pw_isa isa512 = {16, KV512, NP512, run512};
static const pw_isa isa256 = {8, KV256, NP256, run256};
static const pw_isa isa_c = {8, KV256, NP256, run_c};

static const pw_isa *isa_best(void)
{
    switch (nnb_isa_level()) {
    case NNB_ISA_AVX512: return &isa512;
    case NNB_ISA_AVX2: return &isa256;
    default: return &isa_c;
    }
}

/* ---------------- the kernel ---------------- */

typedef struct plan {
    const pw_isa *isa;
    nnb_win win;
    int64_t cg, kg, bw, kblocks; /* per group: channels in and out; block width; blocks */
    int64_t ohw, ptiles;         /* output plane; tiles of <= np_max positions per plane */
    bool in_place;               /* stride 1, no padding: the input plane is the tile's input */
    int64_t wei_floats, in_floats;
} plan;

static void make_plan(const nnb_layer *l, plan *p)
{
    p->isa = isa_best();
    p->win = nnb_win_of(l);
    p->cg = l->c / l->groups;
    p->kg = l->k / l->groups;
    p->bw = (int64_t)p->isa->lanes * p->isa->kv_max;
    p->kblocks = (p->kg + p->bw - 1) / p->bw;
    p->ohw = l->oh * l->ow;
    p->ptiles = (p->ohw + p->isa->np_max - 1) / p->isa->np_max;
    p->in_place = l->sh == 1 && l->sw == 1 && l->pt == 0 && l->pl == 0 && l->oh == l->h && l->ow == l->w;
    p->wei_floats = (l->groups * p->kblocks * p->bw * p->cg + 15) / 16 * 16;
    p->in_floats = p->in_place ? 0 : l->n * l->c * p->ohw;
}

static bool supports(const nnb_layer *l)
{
    return l->op == NNB_OP_CONV && l->kh == 1 && l->kw == 1;
}

static int64_t workspace_bytes(const nnb_layer *l, int nthreads)
{
    (void)nthreads;
    plan p;
    make_plan(l, &p);
    return (p.wei_floats + p.in_floats) * (int64_t)sizeof(float);
}

/* block b (of groups * kblocks): output channels [k0, k0 + nk) of group b / kblocks */
static void block_range(const plan *p, int64_t b, int64_t *k0, int *nk)
{
    const int64_t g = b / p->kblocks, o = (b % p->kblocks) * p->bw;
    *k0 = g * p->kg + o;
    *nk = (int)(p->kg - o < p->bw ? p->kg - o : p->bw);
}

/* packed[b][c][j] = wei[k0 + j][c] for j < nk, 0 up to the block's whole
 * vectors; block b starts at b * bw * cg (only a group's last block is short) */
static void prepare(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    plan p;
    make_plan(l, &p);
    float *wp = ws;
    const int64_t lanes = p.isa->lanes;
#pragma omp parallel for schedule(static)
    for (int64_t b = 0; b < l->groups * p.kblocks; b++) {
        int64_t k0;
        int nk;
        block_range(&p, b, &k0, &nk);
        const int64_t kvl = (nk + lanes - 1) / lanes * lanes;
        float *d = wp + b * p.bw * p.cg;
        for (int64_t j = 0; j < kvl; j++) {
            const float *src = t->wei + (k0 + j) * p.cg;
            for (int64_t c = 0; c < p.cg; c++) d[c * kvl + j] = j < nk ? src[c] : 0.0f;
        }
    }
}

static void run(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    plan p;
    make_plan(l, &p);
    const float *wp = ws;
    float *sub = (float *)ws + p.wei_floats;
    const float *in = p.in_place ? t->src : sub;
    const int64_t cs = p.in_place ? l->h * l->w : p.ohw, blocks = l->groups * p.kblocks;
    /* position chunks per block: enough items for every thread (x2 for balance) */
    const int64_t T = omp_get_max_threads(), nb = l->n * blocks;
    int64_t chunks = nb >= 2 * T ? 1 : (2 * T + nb - 1) / nb;
    if (chunks > p.ptiles) chunks = p.ptiles;
#pragma omp parallel
    {
        if (!p.in_place) {
#pragma omp for schedule(static)
            for (int64_t pl = 0; pl < l->n * l->c; pl++)
                nnb_im2col(t->src + pl * l->h * l->w, 1, &p.win, 0, p.ohw, sub + pl * p.ohw);
        }
#pragma omp for schedule(static)
        for (int64_t it = 0; it < nb * chunks; it++) {
            const int64_t ch = it % chunks, n = it / chunks / blocks, b = it / chunks % blocks;
            const int64_t g = b / p.kblocks;
            int64_t k0;
            pw_tile tile = {.w = wp + b * p.bw * p.cg, .cs = cs, .nc = p.cg, .ohw = p.ohw};
            block_range(&p, b, &k0, &tile.nk);
            tile.bias = l->bias ? t->bias + k0 : NULL;
            const float *iplane = in + (n * l->c + g * p.cg) * cs;
            float *oplane = t->dst + (n * l->k + k0) * p.ohw;
            for (int64_t s = ch * p.ptiles / chunks; s < (ch + 1) * p.ptiles / chunks; s++) {
                const int64_t q0 = s * p.ohw / p.ptiles, q1 = (s + 1) * p.ohw / p.ptiles;
                tile.in = iplane + q0;
                tile.out = oplane + q0;
                tile.np = (int)(q1 - q0);
                p.isa->run(&tile);
            }
        }
    }
}

const nnb_kernel nnb_kernel_pointwise = {
    .name = "pointwise",
    .desc = "1x1 conv: weights packed once (prepare), tiles vectorised along output channels, AVX-512/AVX2/C",
    .supports = supports,
    .workspace_bytes = workspace_bytes,
    .prepare = prepare,
    .run = run,
};
