/* Transposed convolution (PyTorch ConvTranspose2d), two algorithms.
 *
 * transposed_gemm: per image and group, col[kg*kh*kw][h*w] = W_g^T x src_g
 * (one sgemm), then col2im scatters the columns into the output (the adjoint
 * of im2col, same index helpers). Output padding just enlarges the output.
 *
 * transposed_direct: gather form, no column buffer and no scatter: the
 * outputs of each (row, column) stride phase are an ordinary stride-1
 * convolution with that phase's taps, run on the direct kernel's
 * register-blocked micro-kernel (details below). */
#include "nnbench/kernel.h"
#include "blocked.h"
#include "ctx.h"
#include "im2col.h"
#include "kernels.h"

#include <cblas.h>
#include <omp.h>
#include <string.h>

static bool supports(const nnb_layer *l)
{
    if (l->op != NNB_OP_DECONV) return false;
    int64_t kg = l->k / l->groups, cg = l->c / l->groups;
    return kg * l->kh * l->kw <= INT32_MAX && l->h * l->w <= INT32_MAX && cg <= INT32_MAX;
}

/* ---------------- transposed_gemm ---------------- */

static int64_t col_floats(const nnb_layer *l)
{
    return (l->k / l->groups) * l->kh * l->kw * l->h * l->w;
}

static bool gemm_parallel_items(const nnb_layer *l, int nthreads)
{
    return nthreads > 1 && l->n * l->groups >= 2 * nthreads;
}

static int64_t gemm_ws(const nnb_layer *l, int nthreads)
{
    int64_t copies = gemm_parallel_items(l, nthreads) ? nthreads : 1;
    return copies * col_floats(l) * (int64_t)sizeof(float);
}

static void fill_bias(const nnb_layer *l, const nnb_tensors *t, int64_t n, int64_t oc0,
                      int64_t noc)
{
    const int64_t hw = l->oh * l->ow;
    for (int64_t oc = oc0; oc < oc0 + noc; oc++) {
        float *d = t->dst + (n * l->k + oc) * hw, b = l->bias ? t->bias[oc] : 0.0f;
        for (int64_t j = 0; j < hw; j++) d[j] = b;
    }
}

/* col2im geometry: the deconv output plays the image, its input the columns */
static nnb_win deconv_win(const nnb_layer *l)
{
    return (nnb_win){.ih = l->oh, .iw = l->ow, .oh = l->h, .ow = l->w, .kh = l->kh, .kw = l->kw,
                     .sh = l->sh, .sw = l->sw, .pt = l->pt, .pl = l->pl, .dh = l->dh, .dw = l->dw};
}

static void gemm_item(const nnb_layer *l, const nnb_tensors *t, int64_t item, float *col,
                      bool inner_parallel)
{
    const int64_t g = item % l->groups, n = item / l->groups;
    const int64_t cg = l->c / l->groups, kg = l->k / l->groups, hw = l->h * l->w;
    const int64_t m = kg * l->kh * l->kw, taps = l->kh * l->kw;
    const nnb_win win = deconv_win(l);
    fill_bias(l, t, n, g * kg, kg);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)m, (int)hw, (int)cg, 1.0f,
                t->wei + g * cg * m, (int)m, t->src + (n * l->c + g * cg) * hw, (int)hw, 0.0f,
                col, (int)hw);
    float *dst = t->dst + (n * l->k + g * kg) * l->oh * l->ow;
    /* output channels are independent: col2im them in parallel when the
     * GEMM ran threaded (outside any parallel region) */
#pragma omp parallel for schedule(static) if (inner_parallel)
    for (int64_t oc = 0; oc < kg; oc++)
        nnb_col2im(col + oc * taps * hw, 1, &win, dst + oc * l->oh * l->ow);
}

/* What gemm_run executes per (image, group): one sgemm (beta = 0) into the
 * column buffer, then col2im adds every in-image column element into the
 * bias-filled output. Bytes: the column buffer(s) written once, and
 * OpenBLAS's packed blocks. */
static void gemm_work(const nnb_layer *l, const nnb_analytic *a, int threads, int isa, nnb_work *w)
{
    (void)isa;
    nnb_work_start(w, a, NNB_WORK_TOLERANCE_LIBRARY);
    const int64_t cg = l->c / l->groups, kg = l->k / l->groups, items = l->n * l->groups;
    const nnb_win win = deconv_win(l);
    const double gemm = nnb_work_sgemm_flops(kg * l->kh * l->kw, l->h * l->w, cg, false);
    const double adds = (double)kg * (double)nnb_col2im_adds(&win);
    w->flops = (double)items * (gemm + adds);
    nnb_work_cause(w->why, sizeof w->why, "OpenBLAS sgemm: alpha multiply and C add per column element");
    nnb_work_cause(w->why, sizeof w->why, "col2im: one add per in-image column element (%.0f)", (double)items * adds);
    if (a->bias_adds) nnb_work_cause(w->why, sizeof w->why, "bias as the output's start value");
    nnb_work_workspace(w, gemm_ws(l, threads), "column buffer");
    nnb_work_sgemm_packing(w, kg * l->kh * l->kw, l->h * l->w, cg, gemm_parallel_items(l, threads) ? threads : 1);
}

static void gemm_run(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    const int64_t items = l->n * l->groups;
    if (gemm_parallel_items(l, omp_get_max_threads())) {
#pragma omp parallel
        {
            float *col = (float *)ws + omp_get_thread_num() * col_floats(l);
#pragma omp for schedule(static)
            for (int64_t it = 0; it < items; it++) gemm_item(l, t, it, col, false);
        }
    } else {
        for (int64_t it = 0; it < items; it++) gemm_item(l, t, it, ws, true);
    }
}

/* ---------------- transposed_direct ---------------- */

/* Sub-pixel form: output (oy, ox), padded (Y, X) = (oy + pt, ox + pl), gathers
 * tap (r, s) from input (iy, ix) = ((Y - r*dh)/sh, (X - s*dw)/sw) when both
 * divide exactly. So the outputs of one row phase Y % sh and column phase
 * X % sw form an ordinary stride-1 convolution of the input with the taps of
 * that phase pair: X = bx + sw*j reads ix = j + (bx - s*dw)/sw, consecutive j
 * consecutive ix. Each phase pair runs through the direct kernel's
 * register-blocked conv tile (the context's, ctx.h) over a zero-padded input
 * (nnb_pack_padded, so border taps read zeros), with the weights packed per
 * phase pair and channel block; sw > 1 spreads the tile into the output row
 * through a stack buffer. OpenMP over (image, channel block, row, phase). */
#define TD_MAX_PHASES 256 /* sh * sw; larger strides are refused */

typedef struct tplan {
    const nnb_tile_ukr *ukr; /* the context's conv tile */
    int64_t cg, kg, kblocks, cols;
    int64_t PT, PL, prows, pitch, cstride;   /* padded input planes */
    int64_t ntap[TD_MAX_PHASES], tap0[TD_MAX_PHASES]; /* per phase pair: taps, first tap */
    int64_t in_floats, wei_floats, off_floats;
} tplan;

static int64_t mod_pos(int64_t a, int64_t m) { return ((a % m) + m) % m; }

/* phase pairs are (Y % sh, X % sw); taps (r, s) in r-major order */
static bool tap_in_phase(const nnb_layer *l, int64_t ry, int64_t bx, int64_t r, int64_t s)
{
    return mod_pos(ry - r * l->dh, l->sh) == 0 && mod_pos(bx - s * l->dw, l->sw) == 0;
}

/* output columns of phase bx: X = bx + sw*j, j in [lo, hi) */
static void phase_cols(const nnb_layer *l, int64_t bx, int64_t *lo, int64_t *hi)
{
    *lo = l->pl >= bx ? (l->pl - bx + l->sw - 1) / l->sw : 0;
    int64_t e = l->pl + l->ow - bx; /* X < pl + ow */
    *hi = e > 0 ? (e + l->sw - 1) / l->sw : 0;
    if (*hi < *lo) *hi = *lo;
}

static bool tplan_make_at(const nnb_layer *l, int nthreads, const nnb_kernel_ctx *ctx, tplan *p)
{
    if (l->sh * l->sw > TD_MAX_PHASES) return false;
    p->ukr = &ctx->tile;
    p->cg = l->c / l->groups;
    p->kg = l->k / l->groups;
    p->kblocks = (p->kg + p->ukr->kb_max - 1) / p->ukr->kb_max;
    p->cols = (int64_t)p->ukr->lanes * p->ukr->vw_max;
    const int64_t lanes = p->ukr->lanes;
    p->PT = ((l->kh - 1) * l->dh + l->sh - 1) / l->sh;
    p->PL = ((l->kw - 1) * l->dw + l->sw - 1) / l->sw;
    int64_t iy_end = (l->oh - 1 + l->pt) / l->sh + 1, wide = l->w;
    for (int64_t bx = 0; bx < l->sw; bx++) {
        int64_t lo, hi;
        phase_cols(l, bx, &lo, &hi);
        int64_t reach = lo + (hi - lo + lanes - 1) / lanes * lanes; /* whole vectors */
        if (reach > wide) wide = reach;
    }
    p->prows = p->PT + (iy_end > l->h ? iy_end : l->h);
    p->pitch = p->PL + wide;
    p->cstride = (p->prows * p->pitch + 15) / 16 * 16;
    int64_t t0 = 0;
    for (int64_t ry = 0; ry < l->sh; ry++)
        for (int64_t bx = 0; bx < l->sw; bx++) {
            int64_t n = 0;
            for (int64_t r = 0; r < l->kh; r++)
                for (int64_t s = 0; s < l->kw; s++) n += tap_in_phase(l, ry, bx, r, s);
            p->ntap[ry * l->sw + bx] = n;
            p->tap0[ry * l->sw + bx] = t0;
            t0 += n;
        }
    p->in_floats = l->n * l->c * p->cstride;
    p->wei_floats = (l->k * p->cg * l->kh * l->kw + 15) / 16 * 16;
    p->off_floats = (int64_t)nthreads * ((2 * l->kh * l->kw + 15) / 16 * 16);
    return true;
}

static bool tplan_make(const nnb_layer *l, int nthreads, tplan *p)
{
    return tplan_make_at(l, nthreads, nnb_kernel_ctx_get(), p);
}

/* What direct_run executes: per output row and column phase, the phase's
 * taps over its columns in tiles (bias as the accumulators' start); only
 * the taps of each phase run, so the count is the valid-tap one plus the
 * tiles' lanes past the phase's columns. Bytes: padded input, packed weights. */
static void direct_work(const nnb_layer *l, const nnb_analytic *a, int threads, int isa, nnb_work *w)
{
    tplan p;
    nnb_work_start(w, a, NNB_WORK_TOLERANCE_OURS);
    if (!tplan_make_at(l, threads, nnb_kernel_ctx_at((nnb_isa)isa), &p)) return;
    double fmas = 0, useful = 0; /* per (image, output channel, input channel) */
    for (int64_t oy = 0; oy < l->oh; oy++)
        for (int64_t bx = 0; bx < l->sw; bx++) {
            const int64_t ry = (oy + l->pt) % l->sh;
            int64_t nt = 0, jlo, jhi;
            for (int64_t r = 0; r < l->kh; r++)
                for (int64_t s = 0; s < l->kw; s++) nt += tap_in_phase(l, ry, bx, r, s);
            phase_cols(l, bx, &jlo, &jhi);
            for (int64_t j0 = jlo; j0 < jhi; j0 += p.cols)
                fmas += (double)nt * p.ukr->cols((int)(jhi - j0 < p.cols ? jhi - j0 : p.cols), false);
            useful += (double)nt * (jhi - jlo);
        }
    w->flops = 2.0 * (double)l->n * l->k * p.cg * fmas;
    nnb_work_cause(w->why, sizeof w->why, "only each stride phase's taps (sub-pixel form), border taps on zero padding");
    if (a->bias_adds) nnb_work_cause(w->why, sizeof w->why, "bias folded into the accumulators' start");
    nnb_work_lanes_cause(w, fmas, useful, p.ukr->lanes, isa, "each phase's columns");
    /* the run reads prepare's packed weights, never the original ones */
    w->bytes -= (double)a->wei_bytes;
    nnb_work_workspace(w, (p.in_floats + p.wei_floats + p.off_floats) * (int64_t)sizeof(float),
                       "padded input, packed weights (read instead of the weights) and tap offsets");
}

static bool direct_supports(const nnb_layer *l)
{
    tplan p;
    return supports(l) && tplan_make(l, 1, &p);
}

static int64_t direct_ws(const nnb_layer *l, int nthreads)
{
    tplan p;
    if (!tplan_make(l, nthreads, &p)) return 0;
    return (p.in_floats + p.wei_floats + p.off_floats) * (int64_t)sizeof(float);
}

/* Output channels of block b (of groups * kblocks): [*oc, *oc + *kb) of
 * group b / kblocks, the group's kg split as evenly as kb_max allows (32 as
 * 5,5,6,5,5,6, not 6,6,6,6,6,2: a 2-channel tile runs at a third of the
 * FMA rate, and the static split gave one of 2 threads 18 channels) */
static void block_range(const tplan *p, int64_t b, int64_t *oc, int64_t *kb)
{
    const int64_t g = b / p->kblocks, i = b % p->kblocks;
    const int64_t c0 = i * p->kg / p->kblocks, c1 = (i + 1) * p->kg / p->kblocks;
    *oc = g * p->kg + c0;
    *kb = c1 - c0;
}

/* The weights per phase pair and channel block, [c][phase tap][kb], once
 * per weight set (outside the timed runs: 15% of a 1-thread deconv4x4s2
 * run when run packed them) */
static void direct_prepare(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    tplan p;
    tplan_make(l, omp_get_max_threads(), &p);
    float *wp = (float *)ws + p.in_floats;
    const int64_t blocks = l->groups * p.kblocks, phases = l->sh * l->sw;
#pragma omp parallel for schedule(static)
    for (int64_t pb = 0; pb < phases * blocks; pb++) {
        const int64_t ph = pb / blocks, b = pb % blocks, ry = ph / l->sw, bx = ph % l->sw;
        const int64_t g = b / p.kblocks;
        int64_t oc, kb;
        block_range(&p, b, &oc, &kb);
        float *d = wp + l->k * p.cg * p.tap0[ph] + oc * p.cg * p.ntap[ph];
        for (int64_t c = 0; c < p.cg; c++)
            for (int64_t r = 0; r < l->kh; r++)
                for (int64_t s = 0; s < l->kw; s++) {
                    if (!tap_in_phase(l, ry, bx, r, s)) continue;
                    for (int64_t j = 0; j < kb; j++) /* PyTorch: [ic][kg][kh][kw] */
                        *d++ = t->wei[(((g * p.cg + c) * p.kg + (oc - g * p.kg + j)) * l->kh + r) * l->kw + s];
                }
    }
}

static void direct_run(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    tplan p;
    tplan_make(l, omp_get_max_threads(), &p);
    float *in = ws, *wp = in + p.in_floats;
    int64_t *offs = (int64_t *)(wp + p.wei_floats);
    const int64_t taps = l->kh * l->kw;
    const int64_t blocks = l->groups * p.kblocks, ohw = l->oh * l->ow;
    const int64_t items = l->n * blocks * l->oh * l->sw;
#pragma omp parallel
    {
        float tmp[NNB_TILE_MAX_FLOATS] __attribute__((aligned(64)));
        int64_t *off = offs + omp_get_thread_num() * ((2 * taps + 15) / 16 * 16) / 2;
#pragma omp for schedule(static)
        for (int64_t pl = 0; pl < l->n * l->c; pl++)
            nnb_pack_padded(t->src + pl * l->h * l->w, l->h, l->w, p.PT, p.PL, p.prows, 1, p.pitch,
                            0.0f, in + pl * p.cstride);
#pragma omp for schedule(static)
        for (int64_t it = 0; it < items; it++) {
            const int64_t bx = it % l->sw, oy = (it / l->sw) % l->oh;
            const int64_t b = (it / (l->sw * l->oh)) % blocks, n = it / (l->sw * l->oh * blocks);
            const int64_t g = b / p.kblocks;
            int64_t oc, kb;
            block_range(&p, b, &oc, &kb);
            const int64_t Y = oy + l->pt, ry = Y % l->sh, ph = ry * l->sw + bx;
            int64_t nt = 0;
            for (int64_t r = 0; r < l->kh; r++)
                for (int64_t s = 0; s < l->kw; s++)
                    if (tap_in_phase(l, ry, bx, r, s)) /* exact divisions */
                        off[nt++] = ((Y - r * l->dh) / l->sh + p.PT) * p.pitch + (bx - s * l->dw) / l->sw;
            int64_t jlo, jhi;
            phase_cols(l, bx, &jlo, &jhi);
            nnb_tile tile = {
                .cstride = p.cstride, .nc = p.cg, .tapoff = off, .ntaps = nt,
                .w = wp + l->k * p.cg * p.tap0[ph] + oc * p.cg * p.ntap[ph], .wjs = 0,
                .bias = l->bias ? t->bias + oc : NULL, .kb = (int)kb,
            };
            const float *iplane = in + (n * l->c + g * p.cg) * p.cstride + p.PL;
            float *orow = t->dst + (n * l->k + oc) * ohw + oy * l->ow;
            for (int64_t j0 = jlo; j0 < jhi; j0 += p.cols) {
                tile.in = iplane + j0;
                tile.ncols = (int)(jhi - j0 < p.cols ? jhi - j0 : p.cols);
                const int64_t ox0 = bx + l->sw * j0 - l->pl;
                if (l->sw == 1) {
                    tile.out = orow + ox0;
                    tile.ostride = ohw;
                    p.ukr->run(&tile);
                    continue;
                }
                tile.out = tmp;
                tile.ostride = p.cols;
                p.ukr->run(&tile);
                for (int j = 0; j < kb; j++)
                    for (int i = 0; i < tile.ncols; i++)
                        orow[j * ohw + ox0 + l->sw * i] = tmp[j * p.cols + i];
            }
        }
    }
}

const nnb_kernel nnb_kernel_transposed_gemm = {
    .name = "transposed_gemm",
    .desc = "transposed conv: sgemm (W^T x src) + col2im, per group",
    .flops_tolerance = 0.05, /* OpenBLAS adds packing and edge-tile work */
    .supports = supports,
    .workspace_bytes = gemm_ws,
    .run = gemm_run,
    .work = gemm_work,
};

const nnb_kernel nnb_kernel_transposed_direct = {
    .name = "transposed_direct",
    .desc = "transposed conv: sub-pixel phases as stride-1 convs on the register-blocked micro-kernel",
    .flops_tolerance = 0.02,
    .supports = direct_supports,
    .workspace_bytes = direct_ws,
    .prepare = direct_prepare,
    .run = direct_run,
    .work = direct_work,
};

/* ---------------- transposed_oc ---------------- */

/* The same phase convolutions vectorised along the output channels, on
 * direct_oc's tile (ctx.h oc: kv vectors of channels x np positions of one
 * row): per input channel and phase tap, kv weight vectors times np input
 * broadcasts. No lane is wasted on narrow phases (a 4-wide phase of an 8x8
 * DCGAN output fills 4 of direct's 16 lanes), which is oneDNN's blocking.
 * A phase's taps are a rectangle (the rows R of its row phase x the columns
 * S of its column phase); each output row reads only the tap rows inside
 * the input (a 1x1 input's 4x4 s1 layer runs 1 of 4), the columns run over
 * the zero-padded input (transposed_direct's copy). Positions of a phase
 * are sw apart in the output row: with sw > 1 the dst is written
 * channel-blocked (one vector per pixel, see oplan_make), else through the
 * tile's NCHW stores. Weights per phase and channel block [c][R][S][whole
 * vectors], packed in prepare. Threads: (image, block, column phase, output
 * row in row-phase order), ranges of equal cost. */

/* A 1x1 input (DCGAN's first layer, 1x1 -> 4x4) whose every output reads
 * exactly one tap: output (oy, ox) of channel k is the input's channels
 * times the weights of (k, tap (oy + pt, ox + pl)), so the layer is a 1x1
 * convolution of one position with k * oh * ow output channels (k, oy, ox):
 * direct_oc's tile at 1 position runs it, its channels stored consecutively
 * are the NCHW output, the weights streamed once per block (dcgan:G1:
 * 3.3 MB for 1.6 MFLOP). The phase tile computed the 4 tap columns per
 * output on zero padding and read the weights 3 KB apart per channel. */
static bool oc_pixel(const nnb_layer *l)
{
    return l->h == 1 && l->w == 1 && l->dh == 1 && l->dw == 1 && l->pt + l->oh <= l->kh && l->pl + l->ow <= l->kw;
}

typedef struct oplan {
    tplan g; /* padded input, taps per phase pair */
    const nnb_oc_ukr *ukr;
    int64_t kvecs, kblocks, wei_floats;
    bool pixel; /* one input pixel, every output on one tap (oc_pixel_run): g.kg is then k/groups * oh * ow */
    int cb;     /* the dst's channel block (lanes) when the run writes it channel-blocked, else 0 */
    int64_t dst_floats; /* the channel-blocked dst */
} oplan;

/* The workspace: the channel-blocked state (blocked.h), then the plan's
 * buffers: padded input, packed weights, tap offsets, channel-blocked dst */
#define OC_HDR_FLOATS (NNB_CB_HEADER_BYTES / (int64_t)sizeof(float))

static void oplan_make(const nnb_layer *l, int nthreads, const nnb_kernel_ctx *ctx, oplan *p)
{
    tplan_make_at(l, nthreads, ctx, &p->g);
    p->ukr = &ctx->oc;
    p->kvecs = (p->g.kg + p->ukr->lanes - 1) / p->ukr->lanes;
    p->kblocks = (p->kvecs + p->ukr->kv_max - 1) / p->ukr->kv_max;
    p->pixel = oc_pixel(l);
    p->cb = 0;
    p->dst_floats = 0;
    if (p->pixel) { /* weights [block][c][whole vectors], then the bias per (k, oy, ox) */
        p->g.kg *= l->oh * l->ow;
        p->kvecs = (p->g.kg + p->ukr->lanes - 1) / p->ukr->lanes;
        p->kblocks = (p->kvecs + p->ukr->kv_max - 1) / p->ukr->kv_max;
        p->wei_floats = (l->groups * p->kvecs * p->ukr->lanes * p->g.cg + l->k * l->oh * l->ow + 15) / 16 * 16;
        return;
    }
    p->wei_floats = (l->groups * p->kvecs * p->ukr->lanes * p->g.cg * p->g.tap0[l->sh * l->sw - 1] +
                     l->groups * p->kvecs * p->ukr->lanes * p->g.cg * p->g.ntap[l->sh * l->sw - 1] + 15) / 16 * 16;
    /* Phase positions are sw apart in an NCHW row: stored one float at a
     * time through the tile's column buffer (14% of fcn8s:upscore2, 15% of
     * upscore_pool4, 6% of dcgan:G4 at 1 thread, measured by skipping them).
     * Channel-blocked (oneDNN's nChw16c / nChw8c, the layout rule of
     * blocked.h), each accumulator is one pixel's channel vector, stored
     * whole. Blocks must not straddle groups; the C tile stores NCHW only. */
    const bool whole = l->groups == 1 || p->g.kg % p->ukr->lanes == 0;
    if (l->sw > 1 && whole && ctx->isa >= NNB_ISA_AVX2) {
        p->cb = p->ukr->lanes;
        p->dst_floats = nnb_cb_floats(l->n, l->k, l->oh * l->ow, p->cb);
    }
}

/* the layout the timed run leaves the dst in */
static const char *cb_name(int cb) { return cb == 16 ? "dst nChw16c" : cb == 8 ? "dst nChw8c" : ""; }

static int64_t oc_ws_floats(const oplan *p)
{
    return OC_HDR_FLOATS + (p->pixel ? p->wei_floats : p->g.in_floats + p->wei_floats + p->g.off_floats + p->dst_floats);
}

/* the bracket's reorders: the dst only when blocked (the src is read as NCHW) */
static nnb_cb_io oc_cb_io(const nnb_layer *l, const oplan *p, const nnb_tensors *t, void *ws)
{
    return (nnb_cb_io){.state = ws, .dst = t->dst, .dst_cb = p->cb ? (float *)ws + oc_ws_floats(p) - p->dst_floats : NULL,
                       .k = l->k, .dst_hw = l->oh * l->ow, .n = l->n, .block = p->cb};
}

/* block b of groups * kblocks: channels [*k0, *k0 + *nk) in whole vectors
 * v0.. of its group, as evenly as kv_max allows; *vofs its first vector */
static void oc_block(const oplan *p, int64_t b, int64_t *k0, int *nk, int64_t *vofs)
{
    const int64_t g = b / p->kblocks, i = b % p->kblocks, lanes = p->ukr->lanes;
    const int64_t v0 = i * p->kvecs / p->kblocks, v1 = (i + 1) * p->kvecs / p->kblocks;
    *k0 = g * p->g.kg + v0 * lanes;
    *nk = (int)((v1 * lanes < p->g.kg ? v1 * lanes : p->g.kg) - v0 * lanes);
    *vofs = g * p->kvecs + v0;
}

/* taps of one dimension in phase ph (t*d = ph mod s), ascending */
static int64_t dim_taps(int64_t k, int64_t d, int64_t s, int64_t ph)
{
    int64_t n = 0;
    for (int64_t t = 0; t < k; t++) n += mod_pos(ph - t * d, s) == 0;
    return n;
}

/* phase tap rows [*i0, *i1) (indices into the row phase's taps) whose input
 * row (Y - r*dh)/sh is inside the input, for padded output row Y */
static void oc_rows(const nnb_layer *l, int64_t Y, int64_t *i0, int64_t *i1)
{
    *i0 = *i1 = 0;
    for (int64_t r = 0, i = 0; r < l->kh; r++) {
        if (mod_pos(Y - r * l->dh, l->sh) != 0) continue;
        const int64_t iy = (Y - r * l->dh) / l->sh;
        if (iy >= 0 && iy < l->h) {
            if (*i1 == *i0) *i0 = i;
            *i1 = i + 1;
        }
        i++;
    }
}

static bool oc_supports(const nnb_layer *l)
{
    tplan p;
    /* 8+ output channels per group: fewer leave most lanes idle (transposed_direct runs those) */
    return supports(l) && l->k / l->groups >= 8 && tplan_make(l, 1, &p);
}

static int64_t oc_ws(const nnb_layer *l, int nthreads)
{
    oplan p;
    oplan_make(l, nthreads, nnb_kernel_ctx_get(), &p);
    return oc_ws_floats(&p) * (int64_t)sizeof(float);
}

/* per block of output channels (k, oy, ox): [c][whole vectors] of the
 * weights of tap (oy + pt, ox + pl); then the bias per (k, oy, ox) */
static void oc_pixel_prepare(const nnb_layer *l, const oplan *p, const nnb_tensors *t, float *wp)
{
    const int64_t cg = p->g.cg, kg = l->k / l->groups, ohw = l->oh * l->ow, lanes = p->ukr->lanes;
    float *bias = wp + l->groups * p->kvecs * lanes * cg;
#pragma omp parallel for schedule(static)
    for (int64_t b = 0; b < l->groups * p->kblocks; b++) {
        int64_t k0, vofs;
        int nk;
        oc_block(p, b, &k0, &nk, &vofs);
        const int64_t kvl = (nk + lanes - 1) / lanes * lanes, g = k0 / p->g.kg;
        float *d = wp + vofs * lanes * cg;
        for (int64_t c = 0; c < cg; c++)
            for (int64_t j = 0; j < kvl; j++, d++) {
                const int64_t q = k0 % p->g.kg + j, k = q / ohw, r = q % ohw / l->ow + l->pt, s = q % l->ow + l->pl;
                *d = j < nk ? t->wei[(((g * cg + c) * kg + k) * l->kh + r) * l->kw + s] : 0.0f; /* [ic][kg][kh][kw] */
            }
        for (int64_t j = 0; j < nk; j++) bias[k0 + j] = l->bias ? t->bias[(k0 + j) / ohw] : 0.0f;
    }
}

/* per (image, block): one tile of 1 position, its nk channels stored
 * consecutively (ohw 1) from output (k0 / (oh * ow), the rest its position) */
static void oc_pixel_run(const nnb_layer *l, const oplan *p, const nnb_tensors *t, const float *wp)
{
    const int64_t blocks = l->groups * p->kblocks, items = l->n * blocks, K = l->k * l->oh * l->ow;
    const float *bias = wp + l->groups * p->kvecs * p->ukr->lanes * p->g.cg;
    const int64_t tap0 = 0;
#pragma omp parallel for schedule(static)
    for (int64_t it = 0; it < items; it++) {
        const int64_t n = it / blocks;
        int64_t k0, vofs;
        nnb_oc_tile tile = {.cs = 1, .nc = p->g.cg, .xs = 1, .ohw = 1, .ostep = 1, .nw = 1, .kw = 1, .wtaps = 1,
                            .tapoff = &tap0, .ntaps = 1, .np = 1};
        oc_block(p, it % blocks, &k0, &tile.nk, &vofs);
        tile.w = wp + vofs * p->ukr->lanes * p->g.cg;
        tile.bias = l->bias ? bias + k0 : NULL;
        tile.in = t->src + n * l->c + k0 / p->g.kg * p->g.cg;
        tile.out = t->dst + n * K + k0;
        p->ukr->run(&tile);
    }
}

static void oc_prepare(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    oplan p;
    oplan_make(l, omp_get_max_threads(), nnb_kernel_ctx_get(), &p);
    nnb_cb_outside(ws);
    if (p.pixel) {
        oc_pixel_prepare(l, &p, t, (float *)ws + OC_HDR_FLOATS);
        return;
    }
    float *wp = (float *)ws + OC_HDR_FLOATS + p.g.in_floats;
    const int64_t blocks = l->groups * p.kblocks, phases = l->sh * l->sw, lanes = p.ukr->lanes, cg = p.g.cg;
#pragma omp parallel for schedule(static)
    for (int64_t pb = 0; pb < phases * blocks; pb++) {
        const int64_t ph = pb / blocks, b = pb % blocks, ry = ph / l->sw, bx = ph % l->sw, g = b / p.kblocks;
        int64_t k0, vofs;
        int nk;
        oc_block(&p, b, &k0, &nk, &vofs);
        const int64_t kvl = (nk + lanes - 1) / lanes * lanes;
        float *d = wp + (l->groups * p.kvecs * p.g.tap0[ph] + vofs * p.g.ntap[ph]) * lanes * cg;
        for (int64_t c = 0; c < cg; c++)
            for (int64_t r = 0; r < l->kh; r++)
                for (int64_t s = 0; s < l->kw; s++) {
                    if (!tap_in_phase(l, ry, bx, r, s)) continue;
                    for (int64_t j = 0; j < kvl; j++, d++) /* PyTorch: [ic][kg][kh][kw] */
                        *d = j < nk ? t->wei[(((g * cg + c) * p.g.kg + (k0 - g * p.g.kg + j)) * l->kh + r) * l->kw + s]
                                    : 0.0f;
                }
    }
}

/* What oc_run executes: per output row and column phase, every position of
 * the phase times its in-input tap rows times the phase's tap columns (the
 * border columns on the zero padding), per input channel and channel lane
 * (whole vectors on the SIMD tiles, exactly the channels on the C tile). */
static void oc_work(const nnb_layer *l, const nnb_analytic *a, int threads, int isa, nnb_work *w)
{
    const nnb_kernel_ctx *ctx = nnb_kernel_ctx_at((nnb_isa)isa);
    oplan p;
    nnb_work_start(w, a, NNB_WORK_TOLERANCE_OURS);
    oplan_make(l, threads, ctx, &p);
    double taps = p.pixel ? 1 : 0; /* sum over output positions of the taps run (the pixel plan: 1 and 1) */
    for (int64_t oy = 0; oy < l->oh && !p.pixel; oy++)
        for (int64_t bx = 0; bx < l->sw; bx++) {
            int64_t i0, i1, jlo, jhi;
            oc_rows(l, oy + l->pt, &i0, &i1);
            phase_cols(l, bx, &jlo, &jhi);
            taps += (double)(jhi - jlo) * (double)(i1 - i0) * (double)dim_taps(l->kw, l->dw, l->sw, bx);
        }
    int64_t chans = 0;
    for (int64_t b = 0; b < l->groups * p.kblocks; b++) {
        int64_t k0, vofs;
        int nk;
        oc_block(&p, b, &k0, &nk, &vofs);
        chans += ctx->isa >= NNB_ISA_AVX2 ? (nk + p.ukr->lanes - 1) / p.ukr->lanes * p.ukr->lanes : nk;
    }
    w->flops = 2.0 * (double)l->n * (double)chans * (double)p.g.cg * taps;
    if (p.pixel)
        nnb_work_cause(w->why, sizeof w->why, "1x1 input: one tap per output, a 1x1 conv to k x oh x ow channels");
    else
        nnb_work_cause(w->why, sizeof w->why, "each stride phase's taps, tap rows outside the input skipped, border columns on zero padding");
    if (a->bias_adds) nnb_work_cause(w->why, sizeof w->why, "bias folded into the accumulators' start");
    if (chans > l->groups * p.g.kg)
        nnb_work_cause(w->why, sizeof w->why, "lanes past the channel block (%d-wide %s vectors over %lld channels per group)",
                       p.ukr->lanes, nnb_isa_name((nnb_isa)isa), (long long)p.g.kg);
    w->bytes -= (double)a->wei_bytes; /* the run reads prepare's packed weights instead */
    if (p.cb) { /* the timed run writes the blocked dst; its workspace counted below, not the NCHW one */
        w->bytes -= (double)a->dst_bytes;
        nnb_work_cause(w->bytes_why, sizeof w->bytes_why, "%s (counted with the workspace): %lld padding channels",
                       cb_name(p.cb), (long long)((l->k + p.cb - 1) / p.cb * p.cb - l->k));
    }
    nnb_work_workspace(w, (oc_ws_floats(&p) - OC_HDR_FLOATS) * (int64_t)sizeof(float),
                       p.pixel ? "packed weights (read instead of the weights) and the bias per output"
                               : "padded input, packed weights (read instead of the weights) and tap offsets");
}

/* the tap offsets of output row Y, column phase bx, phase tap rows [i0, i1)
 * x all its tap columns, from the phase's column 0 of the padded input */
static int64_t oc_offsets(const nnb_layer *l, const tplan *p, int64_t Y, int64_t bx, int64_t i0, int64_t i1,
                          int64_t *off)
{
    int64_t n = 0;
    for (int64_t r = 0, i = 0; r < l->kh; r++) {
        if (mod_pos(Y - r * l->dh, l->sh) != 0) continue;
        if (i >= i0 && i < i1)
            for (int64_t s = 0; s < l->kw; s++)
                if (mod_pos(bx - s * l->dw, l->sw) == 0) /* exact divisions */
                    off[n++] = ((Y - r * l->dh) / l->sh + p->PT) * p->pitch + (bx - s * l->dw) / l->sw;
        i++;
    }
    return n;
}

/* The k-th output row in row-phase order (the rows of row phase 0, then
 * 1, ...): a block's items then run one phase's packed weights at a time
 * (dcgan:G2's 4 phases x 393 KB cycling per row overflowed the 1 MB L2) */
static int64_t oc_row_at(const nnb_layer *l, int64_t k)
{
    for (int64_t ry = 0;; ry++) {
        const int64_t oy0 = mod_pos(ry - l->pt, l->sh), rows = oy0 < l->oh ? (l->oh - oy0 + l->sh - 1) / l->sh : 0;
        if (k < rows) return oy0 + k * l->sh;
        k -= rows;
    }
}

/* The first item (of n * blocks * sw * oh, image-major, then block) at or
 * after `cost`, an item costing its block's channel vectors: threads get
 * ranges of equal cost (dcgan:G3's 8 vectors in blocks of 2, 3, 3 gave one
 * of 2 threads 112 and the other 144 vector-rows by item count) */
static int64_t oc_item_at(const nnb_layer *l, const oplan *p, int64_t cost)
{
    const int64_t blocks = l->groups * p->kblocks, per = l->oh * l->sw;
    int64_t acc = 0;
    for (int64_t nb = 0; nb < l->n * blocks; nb++) {
        const int64_t b = nb % blocks, i = b % p->kblocks;
        const int64_t vecs = (i + 1) * p->kvecs / p->kblocks - i * p->kvecs / p->kblocks;
        if (cost < acc + vecs * per) return nb * per + (cost - acc + vecs - 1) / vecs;
        acc += vecs * per;
    }
    return l->n * blocks * per;
}

static void oc_run(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    oplan p;
    oplan_make(l, omp_get_max_threads(), nnb_kernel_ctx_get(), &p);
    if (p.pixel) {
        oc_pixel_run(l, &p, t, (float *)ws + OC_HDR_FLOATS);
        return;
    }
    float *in = (float *)ws + OC_HDR_FLOATS, *dcb = in + p.g.in_floats + p.wei_floats + p.g.off_floats;
    const float *wp = in + p.g.in_floats;
    int64_t *offs = (int64_t *)(in + p.g.in_floats + p.wei_floats);
    const int64_t taps = l->kh * l->kw, blocks = l->groups * p.kblocks, ohw = l->oh * l->ow;
    const int64_t lanes = p.ukr->lanes, npm = p.ukr->np_max;
#pragma omp parallel
    {
        int64_t *off = offs + omp_get_thread_num() * ((2 * taps + 15) / 16 * 16) / 2;
#pragma omp for schedule(static)
        for (int64_t pl = 0; pl < l->n * l->c; pl++)
            nnb_pack_padded(t->src + pl * l->h * l->w, l->h, l->w, p.g.PT, p.g.PL, p.g.prows, 1, p.g.pitch,
                            0.0f, in + pl * p.g.cstride);
        const int nt = omp_get_num_threads(), tid = omp_get_thread_num();
        const int64_t cost = l->n * l->groups * p.kvecs * l->oh * l->sw;
        const int64_t it0 = oc_item_at(l, &p, cost * tid / nt), it1 = oc_item_at(l, &p, cost * (tid + 1) / nt);
        for (int64_t it = it0; it < it1; it++) {
            const int64_t bx = (it / l->oh) % l->sw, oy = oc_row_at(l, it % l->oh);
            const int64_t b = (it / (l->sw * l->oh)) % blocks, n = it / (l->sw * l->oh * blocks);
            const int64_t Y = oy + l->pt, ph = (Y % l->sh) * l->sw + bx, ns = dim_taps(l->kw, l->dw, l->sw, bx);
            int64_t k0, vofs, i0, i1, jlo, jhi;
            nnb_oc_tile tile = {.cs = p.g.cstride, .nc = p.g.cg, .xs = 1, .ohw = ohw, .ostep = l->sw,
                                .nw = ns, .kw = ns, .wtaps = p.g.ntap[ph], .tapoff = off};
            oc_block(&p, b, &k0, &tile.nk, &vofs);
            oc_rows(l, Y, &i0, &i1);
            tile.ntaps = oc_offsets(l, &p.g, Y, bx, i0, i1, off);
            tile.tap0 = i0 * ns;
            tile.w = wp + (l->groups * p.kvecs * p.g.tap0[ph] + vofs * p.g.ntap[ph]) * lanes * p.g.cg;
            tile.bias = l->bias ? t->bias + k0 : NULL;
            const float *iplane = in + (n * l->c + (k0 / p.g.kg) * p.g.cg) * p.g.cstride + p.g.PL;
            float *orow = t->dst + (n * l->k + k0) * ohw + oy * l->ow;
            if (p.cb) { /* block k0 / cb of image n, row oy; positions sw * cb apart */
                orow = dcb + ((n * ((l->k + p.cb - 1) / p.cb) + k0 / p.cb) * ohw + oy * l->ow) * p.cb;
                tile.cb = true;
                tile.ohw = ohw * p.cb;
                tile.ostep = l->sw * p.cb;
            }
            phase_cols(l, bx, &jlo, &jhi);
            const int64_t tiles = (jhi - jlo + npm - 1) / npm; /* even widths: 28 = 7 x 4 */
            for (int64_t i = 0; i < tiles; i++) {
                const int64_t a = jlo + i * (jhi - jlo) / tiles, e = jlo + (i + 1) * (jhi - jlo) / tiles;
                tile.in = iplane + a;
                tile.out = orow + (bx + l->sw * a - l->pl) * (p.cb ? p.cb : 1);
                tile.np = (int)(e - a);
                p.ukr->run(&tile);
            }
        }
    }
    const nnb_cb_io io = oc_cb_io(l, &p, t, ws);
    nnb_cb_run_end(&io);
}

/* the timed bracket (blocked.h): inside it the run leaves the dst
 * channel-blocked; the input is read as NCHW, so nothing goes in */
static void oc_timed(const nnb_layer *l, const nnb_tensors *t, void *ws, bool begin)
{
    oplan p;
    oplan_make(l, omp_get_max_threads(), nnb_kernel_ctx_get(), &p);
    const nnb_cb_io io = oc_cb_io(l, &p, t, ws);
    nnb_cb_bracket(&io, begin);
}

static const char *oc_impl(const nnb_layer *l)
{
    oplan p;
    oplan_make(l, omp_get_max_threads(), nnb_kernel_ctx_get(), &p);
    return cb_name(p.cb);
}

const nnb_kernel nnb_kernel_transposed_oc = {
    .name = "transposed_oc",
    .desc = "transposed conv: sub-pixel phases vectorised along output channels (direct_oc's tile), weights packed once",
    .flops_tolerance = 0.02,
    .supports = oc_supports,
    .workspace_bytes = oc_ws,
    .prepare = oc_prepare,
    .run = oc_run,
    .timed = oc_timed,
    .impl = oc_impl,
    .work = oc_work,
};
