/* "direct": convolution without im2col. The input of every image is packed
 * once into padded, stride-phase-split planes (so taps are plain unaligned
 * vector loads for any stride, padding and dilation), the weights into
 * [c][tap][kb] blocks, and the context's register-blocked conv tile
 * (ukr/ukr.h, ukr/tile_*.c) computes kb output channels x up to vw vectors
 * of one output row at a time: per (channel, tap) vw loads and kb broadcasts
 * feed kb*vw FMAs, so the FMA units rather than the load ports set the pace.
 * OpenMP over (image, group, channel block, output row). */
#include "nnbench/kernel.h"
#include "ctx.h"
#include "kernels.h"
#include "gemv.h"
#include "im2col.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

/* ---------------- the direct kernel ---------------- */

/* Two ways to walk the output. "rows": a tile is up to lanes*vw_max columns of
 * one output row; the input planes are padded and stride-phase-split, so any
 * stride works, but a narrow row (ResNet's 28/14/7-wide layers) fills few
 * vectors. "flat": the output plane is one flattened dimension q and a tile is
 * lanes*vw_max consecutive q, spanning rows. For a 1x1 window the input is
 * first subsampled (im2col: stride and padding applied once) into a dense
 * [oh*ow] plane, so q = oy*ow + ox indexes input and output alike. For stride
 * 1 with a larger window the input is padded to pitch P = ow + (kw-1)*dw; q =
 * oy*P + ox then reads tap (r, s) at q + nnb_pack_tap_off(), and the P - ow
 * columns per row past the output are computed but not stored (the tile goes
 * through a stack buffer). */
typedef struct plan {
    const nnb_tile_ukr *ukr; /* the context's conv tile */
    nnb_win win;
    int64_t cg, kg, taps, rows, wq, cstride; /* packed plane: rows x (sw*wq), padded to 16 */
    int64_t kblocks, cols, wtiles;           /* per group: channel blocks; per row: tiles */
    bool flat, subsample;                    /* flat walk; 1x1: input via im2col */
    int64_t P, qlen, qvecs, qtiles;          /* flat: input pitch, positions, vectors, tiles */
    int64_t qtail;                           /* 1x1 flat: last positions done as dot products */
    bool packw;                              /* weights packed [c][tap][kb] per block */
    int64_t in_floats, wei_floats, off_floats;
} plan;

static void make_plan(const nnb_layer *l, const nnb_kernel_ctx *ctx, plan *p)
{
    p->ukr = &ctx->tile;
    p->win = nnb_win_of(l);
    p->cg = l->c / l->groups;
    p->kg = l->k / l->groups;
    p->taps = l->kh * l->kw;
    p->kblocks = (p->kg + p->ukr->kb_max - 1) / p->ukr->kb_max;
    p->cols = (int64_t)p->ukr->lanes * p->ukr->vw_max;
    p->wtiles = (l->ow + p->cols - 1) / p->cols;
    const int64_t lanes = p->ukr->lanes;
    p->subsample = l->kh == 1 && l->kw == 1;
    p->flat = p->subsample;
    if (!p->flat && l->sh == 1 && l->sw == 1) {
        /* vectors computed per useful output, each way; a one-vector row
         * tile is load-bound (1 load per kb FMAs), count it 15% dearer */
        const int64_t P = l->ow + (l->kw - 1) * l->dw;
        double rows = (double)((l->ow + lanes - 1) / lanes) * l->oh;
        double flat = (double)((l->oh * P + lanes - 1) / lanes);
        if (l->ow <= lanes) rows *= 1.15;
        /* (flat computes the P - ow padding columns of every row; rows with
         * its exact 4-wide tails measured 10-20% slower on AVX2 at 20 and 28
         * wide all the same) */
        p->flat = flat < rows;
    }
    if (p->flat) {
        p->P = p->subsample ? l->ow : l->ow + (l->kw - 1) * l->dw;
        p->rows = p->subsample ? l->oh : l->oh + (l->kh - 1) * l->dh;
        p->qlen = l->oh * p->P;
        /* 1x1: a small plane of 16m + 1..2 positions (ResNet's 7x7 = 49) would
         * spend a whole vector of FMAs per channel, a quarter of the tile, on
         * its last position or two; those go to dot products along the
         * channels instead (qtail), one more pass over the weights each.
         * Measured: 7x7 1.2-1.4x faster (AMD Zen, Intel Xeon); 14x14 (13th
         * vector = 1/13 of the work, 4 passes) 1.4-1.6x slower on the Xeon. */
        p->qtail = 0;
        if (p->subsample && p->qlen > lanes && p->qlen <= 8 * lanes && p->qlen % lanes <= 2)
            p->qtail = p->qlen % lanes;
        p->qlen -= p->qtail;
        /* tiles of whole vectors, as even as possible: a last tile of one
         * vector would be load-bound (1 load per kb FMAs) */
        p->qvecs = (p->qlen + lanes - 1) / lanes;
        p->qtiles = (p->qvecs + p->ukr->vw_max - 1) / p->ukr->vw_max;
        p->wq = p->P;
        /* a tile reads whole vectors past its last position, through every tap */
        int64_t reach = (p->qlen + lanes - 1) / lanes * lanes +
                        nnb_pack_tap_off(&p->win, p->P, l->kh - 1, l->kw - 1);
        if (p->subsample) reach = (p->qlen + p->qtail + lanes - 1) / lanes * lanes;
        p->cstride = (reach + 15) / 16 * 16;
    } else {
        p->rows = nnb_pack_rows(&p->win);
        p->wq = nnb_pack_row_len(&p->win, lanes);
        p->cstride = (p->rows * l->sw * p->wq + 15) / 16 * 16;
        p->P = p->qlen = p->qvecs = p->qtiles = p->qtail = 0;
    }
    /* 1x1, stride 1, unpadded: the source plane could serve as the flat
     * plane without a copy, but its tiles would need masked last vectors
     * (no over-read) and unaligned channel planes: measured 1.3-2x slower
     * on AVX-512 at 14x14 and 7x7, so always packed */
    p->in_floats = l->n * l->c * p->cstride;
    /* packing the weights costs a pass over them; it pays off only where each
     * weight is used often (measured: packed 10-30% faster at >= 196
     * positions per image, 10-40% slower at 49) */
    p->packw = l->n * l->oh * l->ow >= 128;
    p->wei_floats = p->packw ? (l->k * p->cg * p->taps + 15) / 16 * 16 : 0;
    p->off_floats = (p->taps * 2 + 15) / 16 * 16; /* int64 offsets, in float units */
}

/* flat walk: the columns of tile pos (do_item's q0, q1) */
static int flat_tile_cols(const plan *p, int64_t pos)
{
    int64_t q0 = pos * p->qvecs / p->qtiles * p->ukr->lanes;
    int64_t q1 = (pos + 1) * p->qvecs / p->qtiles * p->ukr->lanes;
    return (int)((q1 < p->qlen ? q1 : p->qlen) - q0);
}

static bool supports(const nnb_layer *l) { return l->op == NNB_OP_CONV; }

static int64_t workspace_bytes(const nnb_layer *l, int nthreads)
{
    (void)nthreads;
    plan p;
    make_plan(l, nnb_kernel_ctx_get(), &p);
    return (p.in_floats + p.wei_floats + p.off_floats) * (int64_t)sizeof(float);
}

/* one input plane into its packed form (see plan) */
static void pack_plane(const nnb_layer *l, const plan *p, const float *src, float *dst)
{
    int64_t used;
    if (p->subsample) {
        nnb_im2col(src, 1, &p->win, 0, p->qlen + p->qtail, dst);
        used = p->qlen + p->qtail;
    } else {
        nnb_pack_padded(src, l->h, l->w, l->pt, l->pl, p->rows, l->sw, p->wq, 0.0f, dst);
        used = p->rows * l->sw * p->wq;
    }
    if (used < p->cstride) memset(dst + used, 0, (size_t)(p->cstride - used) * sizeof(float));
}

/* flat walk, pitch P > ow: copies the tile's positions [q0, q0 + n) that are
 * outputs (q % P < ow) from tmp (kb rows of pitch cols) into the plane */
static void flat_store(const nnb_layer *l, const plan *p, const float *tmp, int kb, int64_t q0,
                       int64_t n, float *out, int64_t ostride)
{
    for (int j = 0; j < kb; j++)
        for (int64_t q = q0; q < q0 + n;) {
            int64_t oy = q / p->P, ox = q % p->P, end = (oy + 1) * p->P;
            if (end > q0 + n) end = q0 + n;
            if (ox < l->ow) {
                int64_t m = (end < oy * p->P + l->ow ? end : oy * p->P + l->ow) - q;
                memcpy(out + j * ostride + oy * l->ow + ox, tmp + j * p->cols + (q - q0),
                       (size_t)m * sizeof(float));
            }
            q = end;
        }
}

/* Threads of a flat walk as tk channel-block groups x T/tk position groups
 * (tk divides T): the split whose per-thread reads, input / tq + weights / tk,
 * are fewest (ties to more position groups, the order a 1-thread run has). */
static int split_flat(const nnb_layer *l, const plan *p, int T)
{
    const int64_t blocks = l->groups * p->kblocks, np = l->n * p->qtiles;
    const double in = (double)l->n * l->c * p->cstride, wei = (double)l->k * p->cg * p->taps;
    int best = 1;
    double best_cost = 0;
    for (int tk = 1; tk <= T; tk++) {
        if (T % tk || tk > blocks || T / tk > np) continue;
        double cost = in / (T / tk) + wei / tk;
        if (best_cost == 0 || cost < best_cost * 0.98) best = tk, best_cost = cost;
    }
    return best;
}

/* 1x1 flat tail: out[oc][q] = bias + sum over the group's channels of
 * W[oc][c] * in[c][q], for the plane's last qtail positions and output
 * channels [oc0, oc1) of group g. v (cg floats, or NULL) holds the gathered
 * packed column, so the dot products read two contiguous streams. */
static void tail_dots(const nnb_layer *l, const plan *p, const nnb_tensors *t, const float *in, int64_t n,
                      int64_t g, int64_t oc0, int64_t oc1, float *v)
{
    const int64_t cg = p->cg, ohw = l->oh * l->ow, cs = p->cstride;
    for (int64_t q = p->qlen; q < p->qlen + p->qtail; q++) {
        const float *col = in + (n * l->c + g * cg) * p->cstride + q;
        if (v)
            for (int64_t c = 0; c < cg; c++) v[c] = col[c * p->cstride];
        float *y = t->dst + (n * l->k + oc0) * ohw + q;
        const float *b = l->bias ? t->bias + oc0 : NULL;
        if (v) {
            nnb_gemv_block(t->wei + oc0 * cg, cg, v, b, y, ohw, oc1 - oc0);
            continue;
        }
        for (int64_t oc = oc0; oc < oc1; oc++) { /* no buffer: strided reads */
            const float *w = t->wei + oc * cg;
            float acc = 0.0f;
            for (int64_t c = 0; c < cg; c++) acc += w[c] * col[c * cs];
            y[(oc - oc0) * ohw] = (b ? b[oc - oc0] : 0.0f) + acc;
        }
    }
}

/* one work item: channel block b of image n at position pos (flat: tile
 * index; rows: output row) */
static inline void do_item(const nnb_layer *l, const plan *p, const nnb_tensors *t,
                           const int64_t *off, const float *wp, const float *in, float *tmp,
                           int64_t n, int64_t b, int64_t pos)
{
    const int64_t kbm = p->ukr->kb_max, rp = l->sw * p->wq, ohw = l->oh * l->ow;
    int64_t g = b / p->kblocks, oc = g * p->kg + (b % p->kblocks) * kbm;
    int kb = (int)(g * p->kg + p->kg - oc < kbm ? g * p->kg + p->kg - oc : kbm);
    nnb_tile tile = {
        .cstride = p->cstride, .nc = p->cg, .tapoff = off, .ntaps = p->taps,
        .w = (p->packw ? wp : t->wei) + oc * p->cg * p->taps,
        .wjs = p->packw ? 0 : p->cg * p->taps, .bias = l->bias ? t->bias + oc : NULL,
        .ostride = ohw, .kb = kb,
    };
    const float *iplane = in + (n * l->c + g * p->cg) * p->cstride;
    float *oplane = t->dst + (n * l->k + oc) * ohw;
    if (p->flat) {
        int64_t q0 = pos * p->qvecs / p->qtiles * p->ukr->lanes;
        tile.in = iplane + q0;
        tile.ncols = flat_tile_cols(p, pos);
        tile.exact = true; /* only the plane's last tile has a tail */
        if (p->P == l->ow) {
            tile.out = oplane + q0;
            p->ukr->run(&tile);
        } else {
            tile.out = tmp;
            tile.ostride = p->cols;
            p->ukr->run(&tile);
            flat_store(l, p, tmp, kb, q0, tile.ncols, oplane, ohw);
        }
        return;
    }
    nnb_tile_row(p->ukr, &tile, iplane + pos * l->sh * rp, oplane + pos * l->ow, l->ow);
}

/* What run executes: per output channel, input channel of its group and
 * tap, one FMA per column the tiles compute (the bias is their start value);
 * the 1x1 tail positions as dot products (bias added after). */
static void work(const nnb_layer *l, const nnb_analytic *a, int threads, int isa, nnb_work *w)
{
    (void)threads;
    plan p;
    make_plan(l, nnb_kernel_ctx_at((nnb_isa)isa), &p);
    nnb_work_start(w, a, NNB_WORK_TOLERANCE_OURS);
    int64_t cols = 0; /* columns computed per (image, output channel) */
    if (p.flat)
        for (int64_t pos = 0; pos < p.qtiles; pos++) cols += p.ukr->cols(flat_tile_cols(&p, pos), true);
    else cols = l->oh * nnb_tile_row_cols(p.ukr, l->ow, false);
    const double fma_per_col = 2.0 * (double)l->n * l->k * p.cg * p.taps;
    w->flops = fma_per_col * (double)cols + (double)l->n * l->k * p.qtail * (2.0 * p.cg + (l->bias ? 1 : 0));
    const int64_t useful = l->oh * l->ow - p.qtail;
    if (a->bias_adds) nnb_work_cause(w->why, sizeof w->why, "bias folded into the accumulators' start");
    if (p.flat && p.P > l->ow)
        nnb_work_cause(w->why, sizeof w->why, "flattened plane: %lld padding columns per %lld-wide row computed (pitch %lld)",
                       (long long)(p.P - l->ow), (long long)l->ow, (long long)p.P);
    if (p.flat && cols > p.qlen)
        nnb_work_cause(w->why, sizeof w->why, "lanes past the plane's end (%d-wide vectors)", p.ukr->lanes);
    if (!p.flat && cols > useful)
        nnb_work_cause(w->why, sizeof w->why, "lanes past the row end (%d-wide %s vectors over %lld-wide rows)",
                       p.ukr->lanes, nnb_isa_name((nnb_isa)isa), (long long)l->ow);
    nnb_work_workspace(w, (p.in_floats + p.wei_floats) * (int64_t)sizeof(float),
                       p.packw ? "packed input and weights" : "packed input");
}

static void run(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    plan p;
    make_plan(l, nnb_kernel_ctx_get(), &p);
    float *in = ws, *wp = in + p.in_floats;
    int64_t *off = (int64_t *)(wp + p.wei_floats);
    for (int64_t r = 0; r < l->kh; r++)
        for (int64_t s = 0; s < l->kw; s++) off[r * l->kw + s] = nnb_pack_tap_off(&p.win, p.wq, r, s);
    const int64_t kbm = p.ukr->kb_max;
    const int64_t blocks = l->groups * p.kblocks;
    const int64_t items = l->n * blocks * (p.flat ? p.qtiles : l->oh);
#pragma omp parallel
    {
        float tmp[NNB_TILE_MAX_FLOATS] __attribute__((aligned(64)));
#pragma omp for schedule(static) nowait
        for (int64_t pl = 0; pl < l->n * l->c; pl++)
            pack_plane(l, &p, t->src + pl * l->h * l->w, in + pl * p.cstride);
#pragma omp for schedule(static)
        for (int64_t b = 0; b < (p.packw ? blocks : 0); b++) {
            int64_t g = b / p.kblocks, oc = g * p.kg + (b % p.kblocks) * kbm;
            int kb = (int)(g * p.kg + p.kg - oc < kbm ? g * p.kg + p.kg - oc : kbm);
            nnb_tile_pack_weights(t->wei + oc * p.cg * p.taps, kb, p.cg, p.taps,
                                  wp + oc * p.cg * p.taps);
        }
        /* flat: channel blocks innermost, so consecutive items share their
         * input tile (L2) and the weights stream (measured: no better the
         * other way round at 14x14); rows: output rows innermost, so a
         * block's weights stay in L1 over the image. Flat with several
         * threads: a tk x tq grid (split_flat), each thread its own channel
         * blocks and positions, so where the weights outweigh the input
         * (ResNet's 14x14 and 7x7 layers) no two threads stream the same
         * weights. */
        const int64_t npos = p.flat ? p.qtiles : l->oh;
        if (p.flat) {
            const int T = omp_get_num_threads(), tid = omp_get_thread_num();
            const int tk = split_flat(l, &p, T), tq = T / tk;
            if (tid < tk * tq) {
                const int64_t ki = tid % tk, qi = tid / tk, np = l->n * npos;
                const int64_t b0 = ki * blocks / tk, b1 = (ki + 1) * blocks / tk;
                const int64_t s0 = qi * np / tq, s1 = (qi + 1) * np / tq;
                for (int64_t s = s0; s < s1; s++)
                    for (int64_t b = b0; b < b1; b++)
                        do_item(l, &p, t, off, wp, in, tmp, s / npos, b, s % npos);
            }
            if (p.qtail) {
                /* (image, group, eighth of the group's channels) items */
                float *v = malloc((size_t)p.cg * sizeof(float)); /* NULL: strided reads */
                const int64_t chunks = p.kg < 8 ? p.kg : 8;
#pragma omp for schedule(static) nowait
                for (int64_t it = 0; it < l->n * l->groups * chunks; it++) {
                    const int64_t ch = it % chunks, ng = it / chunks, g = ng % l->groups;
                    tail_dots(l, &p, t, in, ng / l->groups, g, g * p.kg + ch * p.kg / chunks,
                              g * p.kg + (ch + 1) * p.kg / chunks, v);
                }
                free(v);
            }
        } else {
#pragma omp for schedule(static) nowait
            for (int64_t it = 0; it < items; it++)
                do_item(l, &p, t, off, wp, in, tmp, it / (npos * blocks), (it / npos) % blocks,
                        it % npos);
        }
    }
}

const nnb_kernel nnb_kernel_direct = {
    .name = "direct",
    .desc = "direct conv: packed input (rows or flattened plane), register-blocked AVX-512/AVX2/C micro-kernel",
    .flops_tolerance = 0.02,
    .supports = supports,
    .workspace_bytes = workspace_bytes,
    .run = run,
    .work = work,
};
