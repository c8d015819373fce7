/* "direct": convolution without im2col. The input of every image is packed
 * once into padded, stride-phase-split planes (so taps are plain unaligned
 * vector loads for any stride, padding and dilation), the weights into
 * [c][tap][kb] blocks, and a register-blocked micro-kernel (conv_tile.h)
 * computes kb output channels x up to vw vectors of one output row at a time:
 * per (channel, tap) vw loads and kb broadcasts feed kb*vw FMAs, so the FMA
 * units rather than the load ports set the pace. OpenMP over
 * (image, group, channel block, output row). This file also holds the
 * micro-kernel's ISA variants, shared with grouped.c. */
#include "nnbench/kernel.h"
#include "conv_tile.h"
#include "im2col.h"

#include <immintrin.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

/* ---------------- micro-kernel: AVX-512 ---------------- */

#define KB512 6 /* 6 x 4 accumulators + 4 inputs + 1 weight = 29 of 32 zmm */
#define VW512 4

static inline __attribute__((always_inline, target("avx512f"))) void
tile512(const nnb_tile *t, const int KB, const int VW)
{
    __m512 acc[KB512][VW512];
    for (int j = 0; j < KB; j++) {
        __m512 b = _mm512_set1_ps(t->bias ? t->bias[j] : 0.0f);
        for (int v = 0; v < VW; v++) acc[j][v] = b;
    }
    const float *w = t->w;
    for (int64_t c = 0; c < t->nc; c++) {
        const float *ic = t->in + c * t->cstride;
        for (int64_t p = 0; p < t->ntaps; p++) {
            const float *ip = ic + t->tapoff[p];
            __m512 x[VW512];
            for (int v = 0; v < VW; v++) x[v] = _mm512_loadu_ps(ip + 16 * v);
            for (int j = 0; j < KB; j++) {
                __m512 wj = _mm512_set1_ps(w[j]);
                for (int v = 0; v < VW; v++) acc[j][v] = _mm512_fmadd_ps(wj, x[v], acc[j][v]);
            }
            w += KB;
        }
    }
    for (int v = 0; v < VW; v++) {
        int rem = t->ncols - 16 * v;
        __mmask16 m = rem >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << rem) - 1);
        for (int j = 0; j < KB; j++)
            _mm512_mask_storeu_ps(t->out + j * t->ostride + 16 * v, m, acc[j][v]);
    }
}

#define CASE_VW512(KB)                                  \
    case KB:                                            \
        switch ((t->ncols + 15) / 16) {                 \
        case 1: tile512(t, KB, 1); break;               \
        case 2: tile512(t, KB, 2); break;               \
        case 3: tile512(t, KB, 3); break;               \
        default: tile512(t, KB, 4); break;              \
        }                                               \
        break;

__attribute__((target("avx512f"))) static void run512(const nnb_tile *t)
{
    switch (t->kb) {
    CASE_VW512(1) CASE_VW512(2) CASE_VW512(3) CASE_VW512(4) CASE_VW512(5)
    default: CASE_VW512(6)
    }
}

/* ---------------- micro-kernel: AVX2 + FMA ---------------- */

#define KB256 4 /* 4 x 3 accumulators + 3 inputs + 1 weight = 16 ymm */
#define VW256 3

static inline __attribute__((always_inline, target("avx2,fma"))) void
tile256(const nnb_tile *t, const int KB, const int VW)
{
    __m256 acc[KB256][VW256];
    for (int j = 0; j < KB; j++) {
        __m256 b = _mm256_set1_ps(t->bias ? t->bias[j] : 0.0f);
        for (int v = 0; v < VW; v++) acc[j][v] = b;
    }
    const float *w = t->w;
    for (int64_t c = 0; c < t->nc; c++) {
        const float *ic = t->in + c * t->cstride;
        for (int64_t p = 0; p < t->ntaps; p++) {
            const float *ip = ic + t->tapoff[p];
            __m256 x[VW256];
            for (int v = 0; v < VW; v++) x[v] = _mm256_loadu_ps(ip + 8 * v);
            for (int j = 0; j < KB; j++) {
                __m256 wj = _mm256_broadcast_ss(w + j);
                for (int v = 0; v < VW; v++) acc[j][v] = _mm256_fmadd_ps(wj, x[v], acc[j][v]);
            }
            w += KB;
        }
    }
    for (int v = 0; v < VW; v++) {
        int rem = t->ncols - 8 * v;
        __m256i m = _mm256_cmpgt_epi32(_mm256_set1_epi32(rem), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
        for (int j = 0; j < KB; j++) _mm256_maskstore_ps(t->out + j * t->ostride + 8 * v, m, acc[j][v]);
    }
}

#define CASE_VW256(KB)                                  \
    case KB:                                            \
        switch ((t->ncols + 7) / 8) {                   \
        case 1: tile256(t, KB, 1); break;               \
        case 2: tile256(t, KB, 2); break;               \
        default: tile256(t, KB, 3); break;              \
        }                                               \
        break;

__attribute__((target("avx2,fma"))) static void run256(const nnb_tile *t)
{
    switch (t->kb) {
    CASE_VW256(1) CASE_VW256(2) CASE_VW256(3)
    default: CASE_VW256(4)
    }
}

/* ---------------- micro-kernel: portable C ---------------- */

#define KBC 4
#define COLSC 16

static void run_c(const nnb_tile *t)
{
    float acc[KBC][COLSC];
    for (int j = 0; j < t->kb; j++)
        for (int i = 0; i < COLSC; i++) acc[j][i] = t->bias ? t->bias[j] : 0.0f;
    const float *w = t->w;
    for (int64_t c = 0; c < t->nc; c++)
        for (int64_t p = 0; p < t->ntaps; p++) {
            const float *ip = t->in + c * t->cstride + t->tapoff[p];
            for (int j = 0; j < t->kb; j++)
                for (int i = 0; i < COLSC; i++) acc[j][i] += w[j] * ip[i];
            w += t->kb;
        }
    for (int j = 0; j < t->kb; j++)
        for (int i = 0; i < t->ncols; i++) t->out[j * t->ostride + i] = acc[j][i];
}

static const nnb_tile_isa isa512 = {"avx512", 16, KB512, VW512, run512};
static const nnb_tile_isa isa256 = {"avx2", 8, KB256, VW256, run256};
static const nnb_tile_isa isa_c = {"c", COLSC, KBC, 1, run_c};

int nnb_isa_level(void)
{
    __builtin_cpu_init();
    int level = NNB_ISA_C;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) level = NNB_ISA_AVX2;
    if (level == NNB_ISA_AVX2 && __builtin_cpu_supports("avx512f")) level = NNB_ISA_AVX512;
    const char *cap = getenv("NNB_KERNEL_ISA");
    if (cap && strcmp(cap, "avx2") == 0 && level > NNB_ISA_AVX2) level = NNB_ISA_AVX2;
    if (cap && strcmp(cap, "c") == 0) level = NNB_ISA_C;
    return level;
}

const nnb_tile_isa *nnb_tile_isa_best(void)
{
    switch (nnb_isa_level()) {
    case NNB_ISA_AVX512: return &isa512;
    case NNB_ISA_AVX2: return &isa256;
    default: return &isa_c;
    }
}

void nnb_tile_pack_weights(const float *wei, int kb, int64_t nc, int64_t ntaps, float *dst)
{
    for (int64_t c = 0; c < nc; c++)
        for (int64_t p = 0; p < ntaps; p++)
            for (int j = 0; j < kb; j++) *dst++ = wei[(j * nc + c) * ntaps + p];
}

/* ---------------- the direct kernel ---------------- */

typedef struct plan {
    const nnb_tile_isa *isa;
    nnb_win win;
    int64_t cg, kg, taps, rows, wq, cstride; /* packed plane: rows x (sw*wq), padded to 16 */
    int64_t kblocks, cols, wtiles;           /* per group: channel blocks; per row: tiles */
    int64_t in_floats, wei_floats, off_floats;
} plan;

static void make_plan(const nnb_layer *l, plan *p)
{
    p->isa = nnb_tile_isa_best();
    p->win = (nnb_win){.ih = l->h, .iw = l->w, .oh = l->oh, .ow = l->ow, .kh = l->kh, .kw = l->kw,
                       .sh = l->sh, .sw = l->sw, .pt = l->pt, .pl = l->pl, .dh = l->dh, .dw = l->dw};
    p->cg = l->c / l->groups;
    p->kg = l->k / l->groups;
    p->taps = l->kh * l->kw;
    p->rows = nnb_pack_rows(&p->win);
    p->wq = nnb_pack_row_len(&p->win, p->isa->lanes);
    p->cstride = (p->rows * l->sw * p->wq + 15) / 16 * 16;
    p->kblocks = (p->kg + p->isa->kb_max - 1) / p->isa->kb_max;
    p->cols = (int64_t)p->isa->lanes * p->isa->vw_max;
    p->wtiles = (l->ow + p->cols - 1) / p->cols;
    p->in_floats = l->n * l->c * p->cstride;
    p->wei_floats = (l->k * p->cg * p->taps + 15) / 16 * 16;
    p->off_floats = (p->taps * 2 + 15) / 16 * 16; /* int64 offsets, in float units */
}

static bool supports(const nnb_layer *l) { return l->op == NNB_OP_CONV; }

static int64_t workspace_bytes(const nnb_layer *l, int nthreads)
{
    (void)nthreads;
    plan p;
    make_plan(l, &p);
    return (p.in_floats + p.wei_floats + p.off_floats) * (int64_t)sizeof(float);
}

static void run(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    plan p;
    make_plan(l, &p);
    float *in = ws, *wp = in + p.in_floats;
    int64_t *off = (int64_t *)(wp + p.wei_floats);
    for (int64_t r = 0; r < l->kh; r++)
        for (int64_t s = 0; s < l->kw; s++) off[r * l->kw + s] = nnb_pack_tap_off(&p.win, p.wq, r, s);
    const int64_t kbm = p.isa->kb_max, rp = l->sw * p.wq;
    const int64_t blocks = l->groups * p.kblocks, items = l->n * blocks * l->oh;
#pragma omp parallel
    {
#pragma omp for schedule(static) nowait
        for (int64_t pl = 0; pl < l->n * l->c; pl++)
            nnb_pack_padded(t->src + pl * l->h * l->w, l->h, l->w, l->pt, l->pl, p.rows, l->sw,
                            p.wq, 0.0f, in + pl * p.cstride);
#pragma omp for schedule(static)
        for (int64_t b = 0; b < blocks; b++) {
            int64_t g = b / p.kblocks, oc = g * p.kg + (b % p.kblocks) * kbm;
            int kb = (int)(g * p.kg + p.kg - oc < kbm ? g * p.kg + p.kg - oc : kbm);
            nnb_tile_pack_weights(t->wei + oc * p.cg * p.taps, kb, p.cg, p.taps,
                                  wp + oc * p.cg * p.taps);
        }
#pragma omp for schedule(static)
        for (int64_t it = 0; it < items; it++) {
            int64_t oy = it % l->oh, b = (it / l->oh) % blocks, n = it / (l->oh * blocks);
            int64_t g = b / p.kblocks, oc = g * p.kg + (b % p.kblocks) * kbm;
            int kb = (int)(g * p.kg + p.kg - oc < kbm ? g * p.kg + p.kg - oc : kbm);
            nnb_tile tile = {
                .cstride = p.cstride, .nc = p.cg, .tapoff = off, .ntaps = p.taps,
                .w = wp + oc * p.cg * p.taps, .bias = l->bias ? t->bias + oc : NULL,
                .ostride = l->oh * l->ow, .kb = kb,
            };
            const float *irow = in + (n * l->c + g * p.cg) * p.cstride + oy * l->sh * rp;
            float *orow = t->dst + ((n * l->k + oc) * l->oh + oy) * l->ow;
            for (int64_t x0 = 0; x0 < l->ow; x0 += p.cols) {
                tile.in = irow + x0;
                tile.out = orow + x0;
                tile.ncols = (int)(l->ow - x0 < p.cols ? l->ow - x0 : p.cols);
                p.isa->run(&tile);
            }
        }
    }
}

const nnb_kernel nnb_kernel_direct = {
    .name = "direct",
    .desc = "direct conv: packed padded input, register-blocked AVX-512/AVX2/C micro-kernel",
    .supports = supports,
    .workspace_bytes = workspace_bytes,
    .run = run,
};
