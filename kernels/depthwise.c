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
#include "ctx.h"
#include "im2col.h"
#include "kernels.h"

#include <omp.h>

typedef struct plan {
    const nnb_dw_ukr *ukr; /* the context's depthwise micro-kernels */
    nnb_win win;
    int64_t mult, taps, rows, wq, plane, off_floats;
} plan;

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
    return (p.off_floats + (int64_t)nthreads * p.plane) * (int64_t)sizeof(float);
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
static void work(const nnb_layer *l, const nnb_analytic *a, int threads, int isa, nnb_work *w)
{
    plan p;
    make_plan(l, nnb_kernel_ctx_at((nnb_isa)isa), &p);
    nnb_work_start(w, a, NNB_WORK_TOLERANCE_OURS);
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
        nnb_work_cause(w->why, sizeof w->why, "padding rows skipped (whole-plane 3x3 path)");
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
    .desc = "depthwise conv (groups == c, any multiplier): rows x width register tiles",
    .flops_tolerance = 0.02,
    .supports = supports,
    .workspace_bytes = workspace_bytes,
    .run = run,
    .work = work,
};
