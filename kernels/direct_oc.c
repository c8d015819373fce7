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
 * Input: a window that reads no padding reads the input planes in place; a
 * 1x1 window with stride 1 there takes the plane as one long row, any other
 * tiles each output row, its np broadcasts sw floats apart (a broadcast
 * needs no contiguous neighbours, so a stride-2 1x1 layer is not subsampled
 * first: that copy was inside the timed run). A window that reads padding
 * reads a zero-padded copy of each plane. Tap (r, s) of output (oy, ox)
 * reads row oy*sh + r*dh, column ox*sw + s*dw. Threads: the (image, group, channel block, row tile)
 * order split evenly into one contiguous range per thread, so each thread
 * streams its own channel blocks' weights. The tile is the kernel context's
 * (ctx.h; AVX-512, AVX2 and C forms in ukr/oc_*.c). */
#include "nnbench/kernel.h"
#include "ctx.h"
#include "im2col.h"
#include "kernels.h"

#include <omp.h>

typedef struct plan {
    const nnb_oc_ukr *ukr; /* the context's direct_oc tile */
    nnb_win win;
    int64_t cg, kg, taps, kvecs, kblocks; /* per group: channels in, out, vectors of those; blocks */
    int64_t ohw;
    bool in_place;     /* no tap reads padding: the input planes themselves */
    bool flat;         /* in place, 1x1, stride 1: the plane is one row of ohw positions */
    int64_t rows, row_len, pitch, cs; /* tile rows, positions per row; input row and channel pitch */
    int64_t rtiles;    /* tiles of <= np_max positions per row */
    int64_t wei_floats, in_floats, off_floats;
} plan;

static void make_plan(const nnb_layer *l, const nnb_kernel_ctx *ctx, plan *p)
{
    p->ukr = &ctx->oc;
    p->win = nnb_win_of(l);
    p->cg = l->c / l->groups;
    p->kg = l->k / l->groups;
    p->taps = l->kh * l->kw;
    /* blocks of as even a width as possible: 4 vectors of channels as 2 + 2,
     * not 3 + 1 (a one-vector tile is load-bound: 1 + np loads per np FMAs) */
    p->kvecs = (p->kg + p->ukr->lanes - 1) / p->ukr->lanes;
    p->kblocks = (p->kvecs + p->ukr->kv_max - 1) / p->ukr->kv_max;
    p->ohw = l->oh * l->ow;
    /* no tap reads padding: the input planes themselves, at any stride */
    p->in_place = l->pt == 0 && l->pl == 0 && (l->oh - 1) * l->sh + (l->kh - 1) * l->dh < l->h &&
                  (l->ow - 1) * l->sw + (l->kw - 1) * l->dw < l->w;
    p->flat = p->in_place && l->kh == 1 && l->kw == 1 && l->sh == 1 && l->sw == 1 && l->oh == l->h &&
              l->ow == l->w;
    if (p->flat) {
        p->rows = 1;
        p->row_len = p->pitch = p->ohw;
        p->cs = p->ohw;
    } else {
        p->rows = l->oh;
        p->row_len = l->ow;
        /* in place: the input row; else the padded columns read */
        p->pitch = p->in_place ? l->w : (l->ow - 1) * l->sw + (l->kw - 1) * l->dw + 1;
        p->cs = p->in_place ? l->h * l->w : nnb_pack_rows(&p->win) * p->pitch;
    }
    p->rtiles = (p->row_len + p->ukr->np_max - 1) / p->ukr->np_max;
    p->wei_floats = (l->groups * p->kvecs * p->ukr->lanes * p->cg * p->taps + 15) / 16 * 16;
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
    make_plan(l, nnb_kernel_ctx_get(), &p);
    return (p.wei_floats + p.in_floats + p.off_floats) * (int64_t)sizeof(float);
}

/* block b (of groups * kblocks): output channels [k0, k0 + nk) of group
 * b / kblocks; its packed weights start at *wofs floats */
static void block_range(const plan *p, int64_t b, int64_t *k0, int *nk, int64_t *wofs)
{
    const int64_t g = b / p->kblocks, i = b % p->kblocks, lanes = p->ukr->lanes;
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
    make_plan(l, nnb_kernel_ctx_get(), &p);
    float *wp = ws;
    const int64_t lanes = p.ukr->lanes, ct = p.cg * p.taps;
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

/* What run executes: per block, input channel, tap and position one FMA per
 * output-channel lane; the SIMD tiles compute whole vectors of lanes (the
 * packed weights are zero past nk), the C tile exactly nk; the bias is the
 * accumulators' start value. Bytes: packed weights and input copies. */
static void work(const nnb_layer *l, const nnb_analytic *a, int threads, int isa, nnb_work *w)
{
    (void)threads;
    const nnb_kernel_ctx *ctx = nnb_kernel_ctx_at((nnb_isa)isa);
    plan p;
    make_plan(l, ctx, &p);
    nnb_work_start(w, a, NNB_WORK_TOLERANCE_OURS);
    const bool whole_vectors = ctx->isa >= NNB_ISA_AVX2;
    int64_t chans = 0; /* output-channel lanes computed over all blocks */
    for (int64_t b = 0; b < l->groups * p.kblocks; b++) {
        int64_t k0, wofs;
        int nk;
        block_range(&p, b, &k0, &nk, &wofs);
        chans += whole_vectors ? (nk + p.ukr->lanes - 1) / p.ukr->lanes * p.ukr->lanes : nk;
    }
    w->flops = 2.0 * (double)l->n * chans * p.cg * p.taps * p.rows * p.row_len;
    if (a->bias_adds) nnb_work_cause(w->why, sizeof w->why, "bias folded into the accumulators' start");
    if (chans > l->k)
        nnb_work_cause(w->why, sizeof w->why, "lanes past the channel block (%d-wide %s vectors over %lld channels per group)",
                       p.ukr->lanes, nnb_isa_name((nnb_isa)isa), (long long)p.kg);
    /* the run reads prepare's packed copy of the weights, never the
     * original: those bytes are the packed ones, with the input copy and the
     * tap-offset table the run writes */
    w->bytes -= (double)a->wei_bytes;
    nnb_work_workspace(w, (p.wei_floats + p.in_floats + p.off_floats) * (int64_t)sizeof(float),
                       p.in_place ? "packed weights (read instead of the weights), tap offsets"
                                  : "packed weights (read instead of the weights), packed input, tap offsets");
}

static void run(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    plan p;
    make_plan(l, nnb_kernel_ctx_get(), &p);
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
                nnb_pack_padded(t->src + pl * l->h * l->w, l->h, l->w, l->pt, l->pl, nnb_pack_rows(&p.win), 1,
                                p.pitch, 0.0f, pk + pl * p.cs);
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
            nnb_oc_tile tile = {.cs = p.cs, .nc = p.cg, .tapoff = off, .ntaps = p.taps, .xs = xs, .ohw = p.ohw};
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
                p.ukr->run(&tile);
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
    .work = work,
};
