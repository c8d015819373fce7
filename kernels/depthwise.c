/* "depthwise": groups == c, k = c * multiplier. Every output channel reads
 * one input plane, so there is no channel reduction to block over: each
 * (image, input channel) plane is packed once into a thread-local padded,
 * phase-split buffer (L1/L2 sized, im2col.h) and feeds its `multiplier`
 * output channels. The micro-kernel blocks R output rows x VW vectors along
 * the width (up to 4 x 4 zmm accumulators: enough independent FMA chains to
 * cover the FMA latency, where one row alone would be latency-bound); per
 * tap one weight broadcast feeds R*VW FMAs. The micro-kernels are the kernel
 * context's (ctx.h; ukr/dw_*.c). OpenMP over the n*c planes. */
#include "nnbench/kernel.h"
#include "blocked.h"
#include "ctx.h"
#include "im2col.h"
#include "kernels.h"

#include <omp.h>

typedef struct plan {
    const nnb_dw_ukr *ukr; /* the context's depthwise micro-kernels */
    nnb_win win;
    int64_t mult, taps, rows, wq, plane, off_floats;
    /* the channel-blocked plan (multiplier 1, at least a block of channels):
     * the workspace holds the blocked src, dst, weights and bias (floats) */
    bool blocked;
    int block;
    int64_t blocks, src_cb, dst_cb, wt_cb, bias_cb;
} plan;

/* floats rounded up to whole 64-byte lines (each part of the workspace aligned) */
static int64_t line_floats(int64_t floats) { return (floats + 15) / 16 * 16; }

static void make_plan(const nnb_layer *l, const nnb_kernel_ctx *ctx, plan *p)
{
    p->ukr = &ctx->dw;
    p->win = nnb_win_of(l);
    p->mult = l->k / l->c;
    p->taps = l->kh * l->kw;
    p->rows = nnb_pack_rows(&p->win);
    p->wq = nnb_pack_row_len(&p->win, p->ukr->lanes);
    p->plane = (p->rows * l->sw * p->wq + 15) / 16 * 16;
    p->off_floats = (2 * p->taps + 15) / 16 * 16;
    p->block = p->ukr->lanes;
    p->blocked = p->ukr->cb && p->mult == 1 && l->c >= p->block;
    p->blocks = (l->c + p->block - 1) / p->block;
    p->src_cb = line_floats(nnb_cb_floats(l->n, l->c, l->h * l->w, p->block));
    p->dst_cb = line_floats(nnb_cb_floats(l->n, l->k, l->oh * l->ow, p->block));
    p->wt_cb = line_floats(p->blocks * p->taps * p->block);
    p->bias_cb = line_floats(p->blocks * p->block);
}

/* the blocked plan's workspace parts, after the bracket state's header */
typedef struct cb_ws {
    nnb_cb_state *state;
    float *src, *dst, *wt, *bias;
} cb_ws;

static cb_ws cb_parts(const plan *p, void *ws)
{
    float *f = (float *)((char *)ws + NNB_CB_HEADER_BYTES);
    return (cb_ws){.state = ws, .src = f, .dst = f + p->src_cb, .wt = f + p->src_cb + p->dst_cb,
                   .bias = f + p->src_cb + p->dst_cb + p->wt_cb};
}

/* the bracket's reorders: both tensors blocked */
static nnb_cb_io cb_io(const nnb_layer *l, const plan *p, const nnb_tensors *t, const cb_ws *c)
{
    return (nnb_cb_io){.state = c->state, .src = t->src, .src_cb = c->src, .c = l->c, .src_hw = l->h * l->w,
                       .dst = t->dst, .dst_cb = c->dst, .k = l->k, .dst_hw = l->oh * l->ow, .n = l->n,
                       .block = (int)p->block};
}

/* 3x3, stride 1 or 2, dilation 1 (MobileNet's depthwise layers): the
 * context's whole-plane path, where it has one, reads the NCHW planes unpacked */
static bool whole_plane_runs(const nnb_layer *l, const plan *p)
{
    return p->ukr->plane3 && l->kh == 3 && l->kw == 3 && l->sh == l->sw && (l->sh == 1 || l->sh == 2) &&
           l->dh == 1 && l->dw == 1;
}



static bool supports(const nnb_layer *l)
{
    return l->op == NNB_OP_CONV && l->groups == l->c && l->k % l->c == 0;
}

static int64_t workspace_bytes(const nnb_layer *l, int nthreads)
{
    plan p;
    make_plan(l, nnb_kernel_ctx_get(), &p);
    if (p.blocked) return NNB_CB_HEADER_BYTES + (p.src_cb + p.dst_cb + p.wt_cb + p.bias_cb) * (int64_t)sizeof(float);
    return (p.off_floats + (int64_t)nthreads * p.plane) * (int64_t)sizeof(float);
}

/* the blocked plan's weights: per block, the taps' vectors of block channels
 * (the padding channels' zero), and the bias vector */
static void prepare(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    plan p;
    make_plan(l, nnb_kernel_ctx_get(), &p);
    if (!p.blocked) return;
    const cb_ws c = cb_parts(&p, ws);
    for (int64_t b = 0; b < p.blocks; b++)
        for (int64_t j = 0; j < p.block; j++) {
            const int64_t ch = b * p.block + j;
            for (int64_t tap = 0; tap < p.taps; tap++)
                c.wt[(b * p.taps + tap) * p.block + j] = ch < l->c ? t->wei[ch * p.taps + tap] : 0.0f;
            c.bias[b * p.block + j] = ch < l->c && l->bias ? t->bias[ch] : 0.0f;
        }
    nnb_cb_outside(c.state); /* the input is reordered by timed() or by run itself */
}

/* the bracket (kernel.h: timed): inside, run reads and writes the blocked
 * buffers alone, as the onednn kernel's timed run does */
static void timed(const nnb_layer *l, const nnb_tensors *t, void *ws, bool begin)
{
    plan p;
    make_plan(l, nnb_kernel_ctx_get(), &p);
    if (!p.blocked) return;
    const cb_ws c = cb_parts(&p, ws);
    const nnb_cb_io io = cb_io(l, &p, t, &c);
    nnb_cb_bracket(&io, begin);
}

static const char *impl(const nnb_layer *l)
{
    plan p;
    make_plan(l, nnb_kernel_ctx_get(), &p);
    return !p.blocked ? "" : p.block == 16 ? "nChw16c" : "nChw8c";
}

/* the micro-kernel's view of output rows [oy0, oy1) of block b of image i */
static nnb_dw_cb cb_args(const nnb_layer *l, const plan *p, const cb_ws *c, int64_t i, int64_t b, int64_t oy0,
                         int64_t oy1)
{
    const int64_t ib = i * p->blocks + b;
    return (nnb_dw_cb){.in = c->src + ib * l->h * l->w * p->block, .wt = c->wt + b * p->taps * p->block,
                       .bias = l->bias ? c->bias + b * p->block : NULL,
                       .out = c->dst + ib * l->oh * l->ow * p->block, .h = l->h, .w = l->w, .oh = l->oh,
                       .ow = l->ow, .kh = l->kh, .kw = l->kw, .sh = l->sh, .sw = l->sw, .dh = l->dh, .dw = l->dw,
                       .pt = l->pt, .pl = l->pl, .oy0 = oy0, .oy1 = oy1};
}

/* blocked -> blocked: the (image, block, output row) rows split evenly
 * over the threads (a thread's share crosses blocks where it must), so 2
 * threads balance even where the blocks are few */
static void run_blocked(const nnb_layer *l, const plan *p, const cb_ws *c)
{
    const int64_t rows = l->n * p->blocks * l->oh;
#pragma omp parallel
    {
        const int64_t nt = omp_get_num_threads(), tid = omp_get_thread_num();
        const int64_t end = rows * (tid + 1) / nt;
        for (int64_t r = rows * tid / nt; r < end;) {
            const int64_t ib = r / l->oh, oy0 = r % l->oh;
            const int64_t oy1 = l->oh - oy0 < end - r ? l->oh : oy0 + (end - r);
            const nnb_dw_cb a = cb_args(l, p, c, ib / p->blocks, ib % p->blocks, oy0, oy1);
            p->ukr->cb(&a);
            r += oy1 - oy0;
        }
    }
}

/* the whole-plane path's view of output plane 0 (every plane has its geometry) */
static nnb_dw_plane plane_geometry(const nnb_layer *l)
{
    return (nnb_dw_plane){.h = l->h, .w = l->w, .pt = l->pt, .pl = l->pl, .stride = l->sh,
                          .oh = l->oh, .ow = l->ow, .nplanes = 1};
}

/* output planes [po, po + count) by the whole-plane path */
static void run_whole_planes(const nnb_layer *l, const nnb_tensors *t, const plan *p, int64_t po, int64_t count)
{
    const int64_t n = po / l->k, oc = po % l->k, ic = oc / p->mult;
    nnb_dw_plane pl = plane_geometry(l);
    pl.in = t->src + (n * l->c + ic) * l->h * l->w;
    pl.in_step = l->h * l->w;
    pl.wt = t->wei + oc * 9;
    pl.bias = l->bias ? t->bias + oc : NULL;
    pl.out = t->dst + po * l->oh * l->ow;
    pl.nplanes = count;
    p->ukr->plane3(&pl);
}

/* What run executes per output plane: the whole-plane path's FMAs where it
 * runs, else per tap one FMA per lane of each tile's whole vectors; the bias
 * is the accumulators' start value either way. */
/* The blocked plan's work: per (image, block) one FMA of block lanes for
 * every window tap inside the input (padding taps skipped), the padding
 * channels' lanes included; the bias is the accumulators' start. Bytes: the
 * blocked src and dst the timed run reads and writes (channel padding
 * included) and the blocked weights and bias in place of the NCHW ones. */
static void blocked_work(const nnb_layer *l, const nnb_analytic *a, const plan *p, nnb_work *w)
{
    const cb_ws none = {0};
    const nnb_dw_cb whole = cb_args(l, p, &none, 0, 0, 0, l->oh);
    const int64_t fmas = nnb_dw_cb_fmas(&whole), dense = l->oh * l->ow * p->taps;
    w->flops = 2.0 * (double)(l->n * p->blocks * p->block) * (double)fmas;
    const char *layout = p->block == 16 ? "nChw16c" : "nChw8c";
    if (fmas < dense) nnb_work_cause(w->why, sizeof w->why, "padding taps skipped (%s path)", layout);
    if (l->c % p->block)
        nnb_work_cause(w->why, sizeof w->why, "%lld padding channels computed (%lld channels in %d-channel blocks)",
                       (long long)(p->blocks * p->block - l->c), (long long)l->c, p->block);
    if (a->bias_adds) nnb_work_cause(w->why, sizeof w->why, "bias folded into the accumulators' start");
    const int64_t f = (int64_t)sizeof(float), ib = l->n * p->blocks * p->block;
    const int64_t src = ib * l->h * l->w * f, dst = ib * l->oh * l->ow * f, wt = p->blocks * p->block * p->taps * f,
                  bias = l->bias ? p->blocks * p->block * f : 0;
    w->bytes = (double)(src + wt + bias + dst);
    nnb_work_cause(w->bytes_why, sizeof w->bytes_why,
                   "%s layouts (channels %lld -> %lld): src %.1f KiB, weights %.1f KiB, bias %.1f KiB, dst %.1f KiB",
                   layout, (long long)l->c, (long long)(p->blocks * p->block), (double)src / 1024.0,
                   (double)wt / 1024.0, (double)bias / 1024.0, (double)dst / 1024.0);
}

static void work(const nnb_layer *l, const nnb_analytic *a, int threads, int isa, nnb_work *w)
{
    plan p;
    make_plan(l, nnb_kernel_ctx_at((nnb_isa)isa), &p);
    nnb_work_start(w, a, NNB_WORK_TOLERANCE_OURS);
    if (p.blocked) {
        blocked_work(l, a, &p, w);
        return;
    }
    const int64_t lanes = p.ukr->lanes, planes = l->n * l->k;
    int64_t per_plane = 0; /* FMA lanes */
    const bool whole_plane = whole_plane_runs(l, &p);
    const nnb_dw_plane g = plane_geometry(l);
    if (whole_plane) {
        per_plane = p.ukr->plane3_lanes(&g);
    } else {
        int64_t row_lanes = 0;
        for (int64_t x0 = 0; x0 < l->ow; x0 += p.ukr->cols) {
            int64_t nc = l->ow - x0 < p.ukr->cols ? l->ow - x0 : p.ukr->cols;
            row_lanes += (nc + lanes - 1) / lanes * lanes;
        }
        per_plane = p.taps * l->oh * row_lanes;
    }
    w->flops = 2.0 * (double)planes * (double)per_plane;
    if (a->bias_adds) nnb_work_cause(w->why, sizeof w->why, "bias folded into the accumulators' start");
    const bool flat = whole_plane && p.ukr->plane3_flat(&g);
    if (whole_plane && !flat && l->pt + l->pb > 0)
        nnb_work_cause(w->why, sizeof w->why, "padding rows skipped (whole-plane 3x3 path; narrow stride-2 planes: where not paired with a plane row)");
    if (flat && (l->oh * l->ow) % lanes)
        nnb_work_cause(w->why, sizeof w->why, "lanes past the plane end (flat %lld-wide vectors over %lldx%lld planes)",
                       (long long)lanes, (long long)l->oh, (long long)l->ow);
    else if (!flat && (l->ow % p.ukr->cols) % lanes)
        nnb_work_cause(w->why, sizeof w->why, "lanes past the row end (%lld-wide %s vectors over %lld-wide rows)",
                       (long long)lanes, nnb_isa_name((nnb_isa)isa), (long long)l->ow);
    if (!whole_plane)
        nnb_work_workspace(w, (int64_t)threads * p.plane * (int64_t)sizeof(float), "packed planes (one per thread)");
}

static void run(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    plan p;
    make_plan(l, nnb_kernel_ctx_get(), &p);
    if (p.blocked) {
        const cb_ws c = cb_parts(&p, ws);
        const nnb_cb_io io = cb_io(l, &p, t, &c);
        nnb_cb_run_begin(&io);
        run_blocked(l, &p, &c);
        nnb_cb_run_end(&io);
        return;
    }
    int64_t *off = ws;
    for (int64_t r = 0; r < l->kh; r++)
        for (int64_t s = 0; s < l->kw; s++) off[r * l->kw + s] = nnb_pack_tap_off(&p.win, p.wq, r, s);
    float *planes = (float *)ws + p.off_floats;
    const int64_t rowstep = l->sh * l->sw * p.wq, cols = p.ukr->cols;
    if (whole_plane_runs(l, &p)) {
        /* one call per thread and image (multiplier 1): a call's planes share
         * one plan (the flat sweep's masks), and calls stay within an image,
         * where the weights restart */
        const int64_t nthreads = omp_get_max_threads();
        const int64_t per_call = p.mult == 1 ? (l->k + nthreads - 1) / nthreads : 1;
        const int64_t calls = (l->k + per_call - 1) / per_call;
#pragma omp parallel for schedule(static)
        for (int64_t call = 0; call < l->n * calls; call++) {
            const int64_t oc = call % calls * per_call;
            run_whole_planes(l, t, &p, call / calls * l->k + oc, l->k - oc < per_call ? l->k - oc : per_call);
        }
        return;
    }
#pragma omp parallel
    {
        float *buf = planes + omp_get_thread_num() * p.plane;
#pragma omp for schedule(static)
        for (int64_t pl = 0; pl < l->n * l->c; pl++) {
            const int64_t n = pl / l->c, ic = pl % l->c;
            nnb_pack_padded(t->src + pl * l->h * l->w, l->h, l->w, l->pt, l->pl, p.rows, l->sw,
                            p.wq, 0.0f, buf);
            for (int64_t m = 0; m < p.mult; m++) {
                const int64_t oc = ic * p.mult + m;
                nnb_dw_tile tile = {.rowstep = rowstep, .tapoff = off, .ntaps = p.taps,
                                    .w = t->wei + oc * p.taps, .bias = l->bias ? t->bias[oc] : 0.0f,
                                    .ostride = l->ow};
                float *out = t->dst + (n * l->k + oc) * l->oh * l->ow;
                for (int64_t oy = 0; oy < l->oh; oy += NNB_DW_ROWS) {
                    tile.rows = (int)(l->oh - oy < NNB_DW_ROWS ? l->oh - oy : NNB_DW_ROWS);
                    for (int64_t x0 = 0; x0 < l->ow; x0 += cols) {
                        tile.in = buf + oy * rowstep + x0;
                        tile.out = out + oy * l->ow + x0;
                        tile.ncols = (int)(l->ow - x0 < cols ? l->ow - x0 : cols);
                        p.ukr->run(&tile);
                    }
                }
            }
        }
    }
}

const nnb_kernel nnb_kernel_depthwise = {
    .name = "depthwise",
    .desc = "depthwise conv (groups == c, any multiplier): multiplier 1 channel-blocked (nChw16c/nChw8c), else NCHW rows x width tiles",
    .flops_tolerance = 0.02,
    .supports = supports,
    .workspace_bytes = workspace_bytes,
    .prepare = prepare,
    .run = run,
    .timed = timed,
    .impl = impl,
    .work = work,
};
