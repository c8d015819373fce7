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
 * Input: the planes in place, at any stride and padding: a 1x1 window with
 * stride 1 and no padding takes the plane as one long row; any other layer
 * splits its output into bands of rows and of columns whose positions read
 * the same taps (the taps inside the input): each band's tiles read only
 * those, so no FMA multiplies padding (oneDNN's valid-tap count) and no
 * zero-padded copy is made (it cost 2-5% of a 56x56 3x3 run). A band of
 * many rows and one column (an edge column) is tiled down the column.
 * Where that column split costs more than it saves (cols_padded: 7- and
 * 14-wide rows, under 8 input channels) the run copies the input with its
 * padding columns and computes them; padding rows are skipped always. Tap
 * (r, s) of output (oy, ox) reads row oy*sh - pt + r*dh, column
 * ox*sw - pl + s*dw. The tile list depends on the shape only: prepare()
 * writes it with the packed weights. Threads: the (image, group, channel
 * block, tile) order split evenly into one contiguous range per thread, so
 * each thread streams its own channel blocks' weights (1x1 windows without
 * padding: panels(), a blocked GEMM). The tile is the kernel context's
 * (ctx.h; AVX-512, AVX2 and C forms in ukr/oc_*.c). */
#include "nnbench/kernel.h"
#include "blocked.h"
#include "ctx.h"
#include "kernels.h"

#include <omp.h>
#include <string.h>

/* One tile: np positions from output (oy, ox), along the row or (col)
 * down the column, reading nt taps, rows of nw from window tap (r0, s0) (the
 * taps inside the input for all of them), their input offsets at `list` */
typedef struct unit {
    int32_t oy, ox, np, col, r0, s0, nw, nt, list;
} unit;

/* one dimension of the window: out outputs over in inputs */
typedef struct dim {
    int64_t out, stride, pad, dil, in, k;
} dim;

typedef struct plan {
    const nnb_oc_ukr *ukr; /* the context's direct_oc tile */
    int64_t kv, np;        /* the tile shape planned: the context's kv_max x np_max, or its wide form (wide_tiles) */
    int64_t cg, kg, taps, kvecs, kblocks; /* per group: channels in, out, vectors of those; blocks */
    int64_t ohw;
    bool flat;             /* 1x1, stride 1, no padding (or panels): the plane is one row of ohw positions */
    bool panels;           /* 1x1 without padding, blocked output: the input packed per panel (panels()) */
    int64_t panel_units;   /* panels: tiles per panel */
    int64_t npanels;       /* panels: panels per image */
    bool padcols;          /* the run reads a copy of the input padded along the columns (cols_padded) */
    bool edge;             /* each row one edge tile (edge_tiles), padding columns skipped per position */
    int64_t iw;            /* floats per input row read: w, or the padded copy's width */
    dim rows, cols;        /* the window over the input read (the copy's columns have no padding) */
    int64_t in_floats;     /* the column-padded copy (all images), 0 when the input is read in place */
    int64_t units;         /* tiles per (image, block) */
    int64_t lists;         /* tap lists (row bands x column bands), taps entries each */
    int64_t tap_positions; /* sum over output positions of the taps they read (integer: run counts no FP op) */
    int64_t wei_floats, unit_floats, list_floats;
    bool cb;               /* output channel-blocked by the vector width (out_blocked) */
    int64_t hdr_floats;    /* the blocked state's header (cb), before the packed weights */
    int64_t cb_floats;     /* the channel-blocked dst (cb), after the input copy */
} plan;

static int64_t ceil_div(int64_t a, int64_t b)
{
    return a >= 0 ? (a + b - 1) / b : -(-a / b);
}

/* the taps [lo, hi) of dimension d inside the input for output o (input
 * o*stride - pad + t*dil) */
static void valid_taps(const dim *d, int64_t o, int32_t *lo, int32_t *hi)
{
    const int64_t a = ceil_div(d->pad - o * d->stride, d->dil), b = ceil_div(d->in + d->pad - o * d->stride, d->dil);
    *lo = (int32_t)(a > 0 ? a : 0);
    *hi = (int32_t)(b < d->k ? b : d->k);
    if (*hi < *lo) *hi = *lo;
}

/* the end of the band of outputs from o0 that read the same taps (lo and
 * hi only fall as o grows: at most 2k + 1 bands) */
static int64_t band_end(const dim *d, int64_t o0)
{
    int32_t lo, hi, a, b;
    valid_taps(d, o0, &lo, &hi);
    int64_t o1 = o0 + 1;
    for (; o1 < d->out; o1++) {
        valid_taps(d, o1, &a, &b);
        if (a != lo || b != hi) break;
    }
    return o1;
}

static int64_t bands(const dim *d)
{
    int64_t n = 0;
    for (int64_t o = 0; o < d->out; o = band_end(d, o)) n++;
    return n;
}

/* tiles of a rectangle of R rows x C columns at (y0, x0) reading the same
 * taps: along the rows, or down the columns where rows would make narrow
 * tiles (under np / 2 positions: an edge column of a padded layer) and the
 * columns fewer tiles (a column tile's strided broadcasts and scattered
 * stores measured 8% slower than 7-wide row tiles on a 28-wide 5x5 layer) */
static int64_t rect_units(const unit *tap, int64_t y0, int64_t x0, int64_t R, int64_t C, int64_t np, unit *u)
{
    const bool col = 2 * C < np && C * ((R + np - 1) / np) < R;
    const int64_t lines = col ? C : R, len = col ? R : C, nt = (len + np - 1) / np;
    if (u)
        for (int64_t i = 0; i < lines; i++)
            for (int64_t s = 0; s < nt; s++) {
                unit *d = &u[i * nt + s];
                *d = *tap;
                const int64_t a = s * len / nt, b = (s + 1) * len / nt;
                d->oy = (int32_t)(y0 + (col ? a : i));
                d->ox = (int32_t)(x0 + (col ? i : a));
                d->np = (int32_t)(b - a);
                d->col = col;
            }
    return lines * nt;
}

/* the taps [r0, r1) x [s0, s1) of the window as a list, offsets from (r0, s0) */
static void write_list(const nnb_layer *l, int64_t iw, const unit *t, int32_t r1, int32_t s1, int64_t *list)
{
    for (int64_t r = t->r0, i = 0; r < r1; r++)
        for (int64_t s = t->s0; s < s1; s++, i++)
            list[i] = (r - t->r0) * l->dh * iw + (s - t->s0) * l->dw;
}

/* every tile of one (image, block) into u and the tap lists into lists
 * (when not NULL), output rows and columns grouped in bands of the same
 * taps; returns the count and the sum over positions of the taps read. A
 * flat plane is one row of ohw positions. */
static int64_t plan_units(const nnb_layer *l, const plan *p, unit *u, int64_t *lists, int64_t *tap_positions)
{
    const dim *rows = &p->rows, *cols = &p->cols;
    const int64_t np = p->np, ncb = bands(cols);
    int64_t n = 0, rb = 0;
    *tap_positions = 0;
    if (p->flat) {
        if (lists) lists[0] = 0;
        const unit t = {.nt = 1, .nw = 1};
        *tap_positions = p->ohw;
        return rect_units(&t, 0, 0, 1, p->ohw, np, u);
    }
    for (int64_t y0 = 0, y1; y0 < l->oh; y0 = y1, rb++) {
        unit t;
        int32_t r1, s1;
        valid_taps(rows, y0, &t.r0, &r1);
        y1 = band_end(rows, y0);
        int64_t cb = 0;
        for (int64_t x0 = 0, x1; x0 < l->ow; x0 = x1, cb++) {
            valid_taps(cols, x0, &t.s0, &s1);
            x1 = band_end(cols, x0);
            t.list = (int32_t)((rb * ncb + cb) * p->taps);
            t.nw = s1 - t.s0;
            t.nt = (r1 - t.r0) * t.nw;
            if (lists) write_list(l, p->iw, &t, r1, s1, lists + t.list);
            n += rect_units(&t, y0, x0, y1 - y0, x1 - x0, np, u ? u + n : NULL);
            *tap_positions += (y1 - y0) * (x1 - x0) * t.nt;
            if (p->edge) *tap_positions -= (y1 - y0) * 2 * (r1 - t.r0); /* the padding column's taps per row */
        }
    }
    return n;
}

/* Padding columns: computed (their FMAs multiply the zeros of a column-padded
 * copy of the input) rather than split off, where the split costs more
 * than the FMAs it saves (measured, 1 thread, Zen 5): rows of at most two
 * tiles (7 and 14 wide: a 7x7 plane splits into 5-position tiles and
 * 1-position corners, load-bound; 0.83 -> 0.91 of oneDNN's speed), and
 * fewer than 8 input channels per group (an edge column's taps are one pass
 * per window row, each over only these channels: conv7x7s2's 3). Padding
 * rows are skipped either way (no tile reads them). */
static bool cols_padded(const nnb_layer *l, const plan *p)
{
    return (l->pl > 0 || l->pr > 0) && (l->ow <= 2 * p->np || p->cg < 8);
}

/* Rows of at most np_max positions, 3 column taps, stride and dilation 1,
 * one padding column each side (ResNet's 7x7 3x3 layers): each row one
 * tile whose first column tap skips its first position and last tap its
 * last (ukr.h: edge), so no FMA multiplies padding and no tile is split off
 * (a 7x7 plane split into 5-wide rows and 1-position corners measured 0.81
 * of oneDNN, its padding columns computed 0.89: 10% more FMAs). Channel-
 * blocked output only (one group: out_blocked), 8+ input channels. */
static bool edge_tiles(const nnb_layer *l, const plan *p)
{
    return l->groups == 1 && l->kw == 3 && l->sw == 1 && l->dw == 1 && l->pl == 1 && l->pr == 1 && l->ow == l->w &&
           l->ow <= p->np && p->cg >= 8;
}

/* Output channel-blocked (oneDNN's nChw16c, nChw8c on AVX2: the block the
 * vector width) where the channels are dense (one group: a block never
 * straddles two), so each accumulator is stored whole: no transpose, no
 * masked stores (the fixed cost per tile that hurt 64-deep 1x1 reductions).
 * The src stays NCHW. Timed as the onednn kernel is (layout rule, blocked.h). */
static bool out_blocked(const nnb_layer *l)
{
    return l->groups == 1;
}

/* The context's wide tile form (kv_wide x np_wide) for 1x1 windows whose
 * channel vectors it splits whole (a multiple of kv_wide): one window tap,
 * so no 7-wide row must fit one tile; fewer loads per FMA, and fewer blocks,
 * each of which reads the whole input again (64 channels: one block, not
 * 2 + 2). Channel-blocked output only (the wide form stores no NCHW). */
static bool wide_tiles(const nnb_layer *l, const plan *p)
{
    return p->ukr->kv_wide > 0 && l->kh == 1 && l->kw == 1 && out_blocked(l) && p->kvecs % p->ukr->kv_wide == 0;
}

/* 1x1 windows reading no padding, one group (channel-blocked output): the
 * convolution is a GEMM of the weights (k x c) by the input (c x the
 * positions of every image). Tile by tile over each (image, block), every
 * tile streamed its block's c x 64 weights from L2 (128-512 KB for 512-2048
 * channels) and the 256-512 channel layers ran at 0.5-0.7 of oneDNN on the
 * Xeon (family 6 model 207). Here, as a blocked GEMM (BLIS, oneDNN's
 * brgemm): the tiles of one image are grouped in panels (up to 512 KB of
 * input, L2), and each block runs its input channels in slices whose
 * weights stay in L1 (run_panels) over the whole panel, so a weight is
 * loaded from L2 once per panel, not once per tile. Work items: (image,
 * panel, channel block), threads over contiguous ranges of equal cost: at
 * batch 16 each thread has its own images, at batch 1 the threads split
 * the panels and blocks. The input is read in place (a packed copy's
 * gather cost more than it saved: 250 us of a 460 us stride-2 layer). */
static bool panels(const nnb_layer *l)
{
    return l->kh == 1 && l->kw == 1 && l->pt == 0 && l->pl == 0 &&
           (l->oh - 1) * l->sh < l->h && (l->ow - 1) * l->sw < l->w && out_blocked(l);
}

/* Panel size: up to 512 KB of input (L2, beside a weight slice in L1),
 * so each weight slice is read once per many positions (12-position
 * panels of a 2048-channel 7x7 layer streamed its 4 MB of weights from L3
 * per panel: 0.59 of oneDNN), at least one tile, and at least 8 work items
 * per thread (7 panels of one block on 2 threads would be 4 + 3) */
static void plan_panels(const nnb_layer *l, int nthreads, plan *p)
{
    const int64_t items_min = 8 * (int64_t)nthreads;
    int64_t pu = 131072 / (p->cg * p->np);
    if (pu < 1) pu = 1;
    const int64_t per_panel = l->n * p->kblocks; /* items per panel index */
    if (per_panel * ((p->units + pu - 1) / pu) < items_min) {
        const int64_t want = (items_min + per_panel - 1) / per_panel; /* panels per image */
        const int64_t q = (p->units + want - 1) / want;
        if (q < pu) pu = q;
    }
    if (pu < 1) pu = 1;
    p->panel_units = pu;
    p->npanels = (p->units + pu - 1) / pu;
}

static void make_plan(const nnb_layer *l, const nnb_kernel_ctx *ctx, int nthreads, plan *p)
{
    p->ukr = &ctx->oc;
    p->cg = l->c / l->groups;
    p->kg = l->k / l->groups;
    p->taps = l->kh * l->kw;
    p->kvecs = (p->kg + p->ukr->lanes - 1) / p->ukr->lanes;
    const bool wide = wide_tiles(l, p);
    p->kv = wide ? p->ukr->kv_wide : p->ukr->kv_max;
    p->np = wide ? p->ukr->np_wide : p->ukr->np_max;
    /* blocks of as even a width as possible: 4 vectors of channels as 2 + 2,
     * not 3 + 1 (a one-vector tile is load-bound: 1 + np loads per np FMAs) */
    p->kblocks = (p->kvecs + p->kv - 1) / p->kv;
    p->ohw = l->oh * l->ow;
    p->panels = panels(l);
    p->flat = l->kh == 1 && l->kw == 1 && l->sh == 1 && l->sw == 1 && l->pt == 0 && l->pl == 0 &&
             l->oh == l->h && l->ow == l->w;
    p->rows = (dim){l->oh, l->sh, l->pt, l->dh, l->h, l->kh};
    p->cols = (dim){l->ow, l->sw, l->pl, l->dw, l->w, l->kw};
    p->edge = !p->flat && edge_tiles(l, p);
    p->padcols = !p->flat && !p->edge && cols_padded(l, p);
    if (p->edge) /* every output reads all 3 column taps (tap 0 and 2 skip the padding per position) */
        p->cols = (dim){l->ow, 1, 0, 1, l->w + 2, 3};
    p->iw = l->w;
    p->in_floats = 0;
    if (p->padcols) {
        /* every column tap inside the copy: pl zeros, the row, zeros to the last tap read */
        const int64_t last = (l->ow - 1) * l->sw + (l->kw - 1) * l->dw + 1;
        p->iw = last > l->pl + l->w ? last : l->pl + l->w;
        p->cols = (dim){l->ow, l->sw, 0, l->dw, p->iw, l->kw};
        p->in_floats = (l->n * l->c * l->h * p->iw + 15) / 16 * 16;
    }
    p->lists = p->flat ? 1 : bands(&p->rows) * bands(&p->cols);
    p->units = plan_units(l, p, NULL, NULL, &p->tap_positions);
    p->panel_units = p->npanels = 0;
    if (p->panels) plan_panels(l, nthreads, p);
    p->wei_floats = (l->groups * p->kvecs * p->ukr->lanes * p->cg * p->taps + 15) / 16 * 16;
    p->unit_floats = (p->units * (int64_t)sizeof(unit) / (int64_t)sizeof(float) + 15) / 16 * 16;
    p->list_floats = (p->lists * p->taps * (int64_t)(sizeof(int64_t) / sizeof(float)) + 15) / 16 * 16;
    p->cb = out_blocked(l);
    p->hdr_floats = p->cb ? NNB_CB_HEADER_BYTES / (int64_t)sizeof(float) : 0;
    p->cb_floats = p->cb ? nnb_cb_floats(l->n, l->k, p->ohw, p->ukr->lanes) : 0;
}

/* floats of the workspace: header, packed weights, tiles, tap lists, input copy, blocked dst */
static int64_t ws_floats(const plan *p)
{
    return p->hdr_floats + p->wei_floats + p->unit_floats + p->list_floats + p->in_floats + p->cb_floats;
}

/* the bracket's reorders: the dst only (the src is read as NCHW) */
static nnb_cb_io cb_io(const nnb_layer *l, const plan *p, const nnb_tensors *t, void *ws)
{
    return (nnb_cb_io){.state = ws, .dst = t->dst, .dst_cb = (float *)ws + ws_floats(p) - p->cb_floats, .k = l->k,
                       .dst_hw = p->ohw, .n = l->n, .block = p->ukr->lanes};
}

/* output channels per group a multiple of 8 (AVX2's vector): fewer would
 * leave lanes idle, and depthwise and narrow groups have their own kernels */
static bool supports(const nnb_layer *l)
{
    return l->op == NNB_OP_CONV && (l->k / l->groups) % 8 == 0;
}

static int64_t workspace_bytes(const nnb_layer *l, int nthreads)
{
    plan p;
    make_plan(l, nnb_kernel_ctx_get(), nthreads, &p);
    return ws_floats(&p) * (int64_t)sizeof(float);
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
 * whole vectors; then the tile and tap lists, which depend on the
 * shape only (planned once, outside the timed runs, as the weights) */
static void prepare(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    plan p;
    make_plan(l, nnb_kernel_ctx_get(), omp_get_max_threads(), &p);
    float *wp = (float *)ws + p.hdr_floats;
    if (p.cb) nnb_cb_outside(ws);
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
    int64_t tap_positions;
    plan_units(l, &p, (unit *)(wp + p.wei_floats), (int64_t *)(wp + p.wei_floats + p.unit_floats),
               &tap_positions);
}


/* the dst layout of the timed run: "dst nChw16c" (AVX-512), "dst nChw8c" (AVX2, C): the src stays NCHW, "" (NCHW) */
static const char *layout_name(const plan *p)
{
    return !p->cb ? "" : p->ukr->lanes == 16 ? "dst nChw16c" : "dst nChw8c";
}

static const char *impl(const nnb_layer *l)
{
    plan p;
    make_plan(l, nnb_kernel_ctx_get(), omp_get_max_threads(), &p);
    return layout_name(&p);
}

/* What run executes: per block, input channel, tap and position one FMA per
 * output-channel lane; the SIMD tiles compute whole vectors of lanes (the
 * packed weights are zero past nk), the C tile exactly nk; the bias is the
 * accumulators' start value. Bytes: the packed weights instead of the weights, the tile and tap lists. */
static void work(const nnb_layer *l, const nnb_analytic *a, int threads, int isa, nnb_work *w)
{
    const nnb_kernel_ctx *ctx = nnb_kernel_ctx_at((nnb_isa)isa);
    plan p;
    make_plan(l, ctx, threads, &p);
    nnb_work_start(w, a, NNB_WORK_TOLERANCE_OURS);
    const bool whole_vectors = ctx->isa >= NNB_ISA_AVX2;
    int64_t chans = 0; /* output-channel lanes computed over all blocks */
    for (int64_t b = 0; b < l->groups * p.kblocks; b++) {
        int64_t k0, wofs;
        int nk;
        block_range(&p, b, &k0, &nk, &wofs);
        chans += whole_vectors ? (nk + p.ukr->lanes - 1) / p.ukr->lanes * p.ukr->lanes : nk;
    }
    w->flops = 2.0 * (double)l->n * chans * p.cg * (double)p.tap_positions;
    if (a->bias_adds) nnb_work_cause(w->why, sizeof w->why, "bias folded into the accumulators' start");
    if (chans > l->k)
        nnb_work_cause(w->why, sizeof w->why, "lanes past the channel block (%d-wide %s vectors over %lld channels per group)",
                       p.ukr->lanes, nnb_isa_name((nnb_isa)isa), (long long)p.kg);
    if (p.tap_positions < p.ohw * p.taps)
        nnb_work_cause(w->why, sizeof w->why, p.padcols ? "padding rows skipped (padding columns computed)" : "padding taps skipped");
    /* the run reads prepare's packed copy of the weights, never the
     * original: those bytes are the packed ones, with the tile and tap lists
     * prepare wrote (and the column-padded input copy where the run makes one) */
    w->bytes -= (double)a->wei_bytes;
    nnb_work_workspace(w, (p.hdr_floats + p.wei_floats + p.unit_floats + p.list_floats + p.in_floats) * (int64_t)sizeof(float),
                       p.padcols ? "packed weights (read instead of the weights), tile and tap lists, column-padded input"
                                 : "packed weights (read instead of the weights), tile and tap lists");
    /* the timed run writes the blocked dst instead of the NCHW one */
    if (p.cb) {
        const double pad_bytes = (double)p.cb_floats * sizeof(float) - (double)a->dst_bytes;
        w->bytes += pad_bytes;
        if (pad_bytes > 0)
            nnb_work_cause(w->bytes_why, sizeof w->bytes_why, "dst %s: its channel padding %.1f KiB",
                           layout_name(&p), pad_bytes / 1024.0);
    }
}

/* the input rows with pl zeros before and zeros after, iw floats each */
static const float *copy_cols_padded(const nnb_layer *l, const plan *p, const float *src, float *copy)
{
    const int64_t rows = l->n * l->c * l->h;
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < rows; i++) {
        float *d = copy + i * p->iw;
        memset(d, 0, (size_t)l->pl * sizeof(float));
        memcpy(d + l->pl, src + i * l->w, (size_t)l->w * sizeof(float));
        memset(d + l->pl + l->w, 0, (size_t)(p->iw - l->pl - l->w) * sizeof(float));
    }
    return copy;
}

/* the tiles of [it, end) of the (image, block, tile) order; out: the dst
 * (NCHW, or channel-blocked when p->cb) */
static void run_range(const nnb_layer *l, const plan *p, const nnb_tensors *t, const float *wp, const float *src,
                      float *out, int64_t it, int64_t end)
{
    const unit *units = (const unit *)(wp + p->wei_floats);
    const int64_t *lists = (const int64_t *)(wp + p->wei_floats + p->unit_floats);
    const int64_t blocks = l->groups * p->kblocks, cs = l->h * p->iw, pl = p->padcols ? 0 : l->pl;
    const int64_t lanes = p->ukr->lanes, ps = p->cb ? lanes : 1; /* floats between positions */
    const int64_t xs[2] = {p->flat ? 1 : l->sw, l->sh * p->iw}, ostep[2] = {ps, l->ow * ps}; /* along a row, down a column */
    while (it < end) {
        const int64_t nbi = it / p->units, n = nbi / blocks, b = nbi % blocks, g = b / p->kblocks;
        const int64_t stop = (nbi + 1) * p->units < end ? (nbi + 1) * p->units : end;
        int64_t k0, wofs;
        nnb_oc_tile tile = {.cs = cs, .nc = p->cg, .wtaps = p->taps, .kw = l->kw, .ohw = p->ohw * ps, .cb = p->cb,
                            .edge = p->edge};
        block_range(p, b, &k0, &tile.nk, &wofs);
        tile.w = wp + wofs;
        tile.bias = l->bias ? t->bias + k0 : NULL;
        const float *iplane = src + (n * l->c + g * p->cg) * cs;
        /* k0 is a whole block's first channel when p->cb (one group) */
        float *oplane = p->cb ? out + (n * ((l->k + lanes - 1) / lanes) + k0 / lanes) * p->ohw * lanes
                              : out + (n * l->k + k0) * p->ohw;
        for (; it < stop; it++) {
            const unit *d = &units[it % p->units];
            /* the first position's first tap (none read: padding only, the bias) */
            const int64_t iy = d->oy * l->sh - l->pt + d->r0 * l->dh, ix = d->ox * l->sw - pl + d->s0 * l->dw;
            tile.in = iplane + (d->nt ? (p->flat ? d->ox : iy * p->iw + ix) : 0);
            tile.tapoff = lists + d->list;
            tile.ntaps = d->nt;
            tile.tap0 = d->r0 * l->kw + d->s0;
            tile.nw = d->nw;
            tile.xs = xs[d->col];
            tile.out = oplane + (d->oy * l->ow + d->ox) * ps;
            tile.ostep = ostep[d->col];
            tile.np = d->np;
            p->ukr->run(&tile);
        }
    }
}

/* a tile's cost per channel vector and input channel: its FMAs (np
 * positions x nt taps) and its np stores */
static int64_t unit_cost(const unit *d)
{
    return (int64_t)d->np * (d->nt + 1);
}

/* The first item of the (image, block, tile) order whose cost before it
 * reaches target, costs being unit_cost x the block's channel vectors (sum
 * W per (image, block) vector). An even split by tile count gave one thread
 * 4.5 of 8 vectors' work on 128 channels (blocks of 3 + 3 + 2 vectors):
 * 11% of 2 threads idle. */
static int64_t split_at(const nnb_layer *l, const plan *p, const unit *units, int64_t W, int64_t target)
{
    const int64_t blocks = l->groups * p->kblocks;
    int64_t cost = 0;
    for (int64_t nb = 0; nb < l->n * blocks; nb++) {
        const int64_t b = nb % blocks, i = b % p->kblocks;
        const int64_t vecs = (i + 1) * p->kvecs / p->kblocks - i * p->kvecs / p->kblocks;
        if (cost + vecs * W <= target) {
            cost += vecs * W;
            continue;
        }
        for (int64_t u = 0; u < p->units; u++) {
            if (cost >= target) return nb * p->units + u;
            cost += vecs * unit_cost(&units[u]);
        }
        return (nb + 1) * p->units;
    }
    return l->n * blocks * p->units;
}

/* the item (of n * npanels * blocks: image, panel, block) at or after cost,
 * an item costing its block's channel vectors x its panel's positions */
static int64_t panel_item_at(const nnb_layer *l, const plan *p, const unit *units, int64_t cost)
{
    const int64_t blocks = p->kblocks;
    int64_t acc = 0;
    for (int64_t it = 0; it < l->n * p->npanels * blocks; it++) {
        const int64_t i = it % blocks, pj = it / blocks % p->npanels;
        const int64_t u1 = (pj + 1) * p->panel_units < p->units ? (pj + 1) * p->panel_units : p->units;
        const int64_t pos = units[u1 - 1].ox + units[u1 - 1].np - units[pj * p->panel_units].ox;
        const int64_t vecs = (i + 1) * p->kvecs / p->kblocks - i * p->kvecs / p->kblocks;
        if (acc >= cost) return it;
        acc += vecs * pos;
    }
    return l->n * p->npanels * blocks;
}

/* panels(): this thread's items [it, end) */
static void run_panels(const nnb_layer *l, const plan *p, const nnb_tensors *t, const float *wp, float *out,
                       int64_t it, int64_t end)
{
    const unit *units = (const unit *)(wp + p->wei_floats);
    const int64_t *lists = (const int64_t *)(wp + p->wei_floats + p->unit_floats);
    const int64_t lanes = p->ukr->lanes, blocks = p->kblocks, kb = (l->k + lanes - 1) / lanes, cs = l->h * l->w;
    for (; it < end; it++) {
        const int64_t b = it % blocks, np_ = it / blocks, n = np_ / p->npanels, pj = np_ % p->npanels;
        const int64_t u0 = pj * p->panel_units, u1 = u0 + p->panel_units < p->units ? u0 + p->panel_units : p->units;
        const float *img = t->src + n * l->c * cs;
        int64_t k0, wofs;
        nnb_oc_tile tile = {.wtaps = 1, .kw = 1, .nw = 1, .ntaps = 1, .tapoff = lists, .cs = cs,
                            .ohw = p->ohw * lanes, .cb = true};
        block_range(p, b, &k0, &tile.nk, &wofs);
        tile.bias = l->bias ? t->bias + k0 : NULL;
        float *oplane = out + (n * kb + k0 / lanes) * p->ohw * lanes;
        /* the input channels in slices whose weights stay in L1 (24 KB: 96
         * channels of a 64-channel block), each slice over the panel's tiles,
         * the later ones adding to the stored partial sums: a 512-2048 channel
         * block's 128-512 KB of weights streamed from L2 per tile ran at
         * 0.55-0.7 of oneDNN's rate on the Xeon (oneDNN's brgemm blocks its
         * reduction alike) */
        const int64_t kvl = (tile.nk + lanes - 1) / lanes * lanes;
        const int64_t slices = (p->cg * kvl * (int64_t)sizeof(float) + 24575) / 24576;
        for (int64_t s = 0; s < slices; s++) {
            const int64_t c0 = s * p->cg / slices, c1 = (s + 1) * p->cg / slices;
            tile.nc = c1 - c0;
            tile.w = wp + wofs + c0 * kvl;
            tile.accumulate = s > 0;
            const float *in = img + c0 * cs;
            for (int64_t u = u0; u < u1; u++) {
                const unit *d = &units[u];
                /* in place: a flat plane's positions, a row's sw apart, or a column's (rect_units) */
                tile.in = in + (p->flat ? d->ox : d->oy * l->sh * l->w + d->ox * l->sw);
                tile.xs = p->flat ? 1 : d->col ? l->sh * l->w : l->sw;
                tile.ostep = d->col ? l->ow * lanes : lanes;
                tile.np = d->np;
                tile.out = oplane + (d->oy * l->ow + d->ox) * lanes;
                p->ukr->run(&tile);
            }
        }
    }
}

static void run(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    plan p;
    make_plan(l, nnb_kernel_ctx_get(), omp_get_max_threads(), &p);
    const float *wp = (const float *)ws + p.hdr_floats;
    const float *src = p.padcols ? copy_cols_padded(l, &p, t->src, (float *)wp + p.wei_floats + p.unit_floats + p.list_floats)
                                 : t->src;
    float *cbdst = (float *)wp + p.wei_floats + p.unit_floats + p.list_floats + p.in_floats;
    const int64_t total = l->n * l->groups * p.kblocks * p.units; /* tiles in all */
    if (p.panels) {
        const unit *units = (const unit *)(wp + p.wei_floats);
        const int64_t cost = l->n * p.kvecs * p.ohw;
#pragma omp parallel
        {
            const int64_t T = omp_get_num_threads(), tid = omp_get_thread_num();
            const int64_t it = panel_item_at(l, &p, units, tid * cost / T);
            const int64_t end = panel_item_at(l, &p, units, (tid + 1) * cost / T);
            run_panels(l, &p, t, wp, cbdst, it, end);
        }
        const nnb_cb_io io = cb_io(l, &p, t, ws);
        nnb_cb_run_end(&io);
        return;
    }
#pragma omp parallel
    {
        /* each thread one contiguous range of the (image, block, tile)
         * order, of even cost to a tile (split_at; 11 blocks on 2 threads
         * would be 6 + 5 as whole items), and a thread keeps a block's
         * weights over consecutive tiles */
        const int64_t T = omp_get_num_threads(), tid = omp_get_thread_num();
        const unit *units = (const unit *)(wp + p.wei_floats);
        int64_t W = 0;
        for (int64_t u = 0; u < p.units; u++) W += unit_cost(&units[u]);
        const int64_t cost = l->n * p.kvecs * l->groups * W;
        const int64_t it = split_at(l, &p, units, W, tid * cost / T);
        const int64_t end = tid + 1 == T ? total : split_at(l, &p, units, W, (tid + 1) * cost / T);
        run_range(l, &p, t, wp, src, p.cb ? cbdst : t->dst, it, end);
    }
    if (p.cb) {
        const nnb_cb_io io = cb_io(l, &p, t, ws);
        nnb_cb_run_end(&io);
    }
}

/* the layout rule (blocked.h): inside the bracket run leaves the dst
 * channel-blocked; the closing call puts it into t->dst (the src is NCHW
 * either way: nothing to reorder on opening) */
static void timed(const nnb_layer *l, const nnb_tensors *t, void *ws, bool begin)
{
    plan p;
    make_plan(l, nnb_kernel_ctx_get(), omp_get_max_threads(), &p);
    if (!p.cb) return;
    const nnb_cb_io io = cb_io(l, &p, t, ws);
    nnb_cb_bracket(&io, begin);
}

const nnb_kernel nnb_kernel_direct_oc = {
    .name = "direct_oc",
    .desc = "direct conv vectorised along output channels (8 | k/groups): weights packed once (prepare), AVX-512/AVX2/C",
    .flops_tolerance = 0.02,
    .supports = supports,
    .workspace_bytes = workspace_bytes,
    .prepare = prepare,
    .run = run,
    .timed = timed,
    .impl = impl,
    .work = work,
};
