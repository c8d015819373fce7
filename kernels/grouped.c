/* "grouped": 1 < groups < c (ResNeXt). A group is a small convolution
 * (ResNeXt-50: 4 -> 4 channels) with its own inputs and weights, so the work
 * unit is (image, group, band of output rows): the thread packs just that
 * group's input band and weights into private buffers (a few tens of KiB, so
 * they stay in L1/L2 while every output row of the band reads them; the dense
 * direct kernel instead packs whole images and sweeps them once per channel
 * block) and computes all kg output channels of a row per micro-kernel call
 * when kg fits the register block (the context's conv tile, ctx.h). Groups are independent, so
 * OpenMP over (image, group, band) needs no synchronisation; bands are only
 * split when there are too few groups to feed every thread. */
#include "nnbench/kernel.h"
#include "ctx.h"
#include "im2col.h"
#include "kernels.h"

#include <stdio.h>

#include <omp.h>

typedef struct plan {
    const nnb_tile_ukr *ukr; /* the context's conv tile */
    nnb_win win;
    int64_t cg, kg, taps, wq, rp;
    int64_t band, bands, band_rows;  /* output rows per band, bands, packed rows per band */
    int64_t cstride, wfloats, per_thread, off_floats, items;
} plan;

static void make_plan_at(const nnb_layer *l, int nthreads, const nnb_kernel_ctx *ctx, plan *p)
{
    p->ukr = &ctx->tile;
    p->win = nnb_win_of(l);
    p->cg = l->c / l->groups;
    p->kg = l->k / l->groups;
    p->taps = l->kh * l->kw;
    p->wq = nnb_pack_row_len(&p->win, p->ukr->lanes);
    p->rp = l->sw * p->wq;
    int64_t units = l->n * l->groups, want = 4 * (int64_t)nthreads;
    p->bands = units >= want ? 1 : (want + units - 1) / units;
    if (p->bands > l->oh) p->bands = l->oh;
    /* split by cost: the fewest bands from there that cut the rows evenly
     * and give every thread as many (image, group, band) items (9 groups on
     * 2 threads as whole items: 5 + 4, one thread idle 10% of the time); up
     * to twice as many bands, else the first count */
    for (int64_t b = p->bands; b <= 2 * p->bands && b <= l->oh; b++)
        if (l->oh % b == 0 && units * b % nthreads == 0) {
            p->bands = b;
            break;
        }
    p->band = (l->oh + p->bands - 1) / p->bands;
    p->bands = (l->oh + p->band - 1) / p->band;
    p->band_rows = (p->band - 1) * l->sh + (l->kh - 1) * l->dh + 1;
    p->cstride = (p->band_rows * p->rp + 15) / 16 * 16;
    p->wfloats = (p->kg * p->cg * p->taps + 15) / 16 * 16;
    p->per_thread = p->cg * p->cstride + p->wfloats;
    p->off_floats = (2 * p->taps + 15) / 16 * 16;
    p->items = units * p->bands;
}

static void make_plan(const nnb_layer *l, int nthreads, plan *p)
{
    make_plan_at(l, nthreads, nnb_kernel_ctx_get(), p);
}

/* What run executes: every output row of every channel through
 * nnb_tile_row (bias as the accumulators' start). Bytes: the per-thread
 * packed bands and weights. */
static void work(const nnb_layer *l, const nnb_analytic *a, int threads, int isa, nnb_work *w)
{
    plan p;
    make_plan_at(l, threads, nnb_kernel_ctx_at((nnb_isa)isa), &p);
    nnb_work_start(w, a, NNB_WORK_TOLERANCE_OURS);
    const double cols = (double)nnb_tile_row_cols(p.ukr, l->ow, false);
    w->flops = 2.0 * (double)l->n * l->k * p.cg * p.taps * l->oh * cols;
    if (a->bias_adds) nnb_work_cause(w->why, sizeof w->why, "bias folded into the accumulators' start");
    char over[48];
    snprintf(over, sizeof over, "%lld-wide rows", (long long)l->ow);
    nnb_work_lanes_cause(w, cols, (double)l->ow, p.ukr->lanes, isa, over);
    nnb_work_workspace(w, (int64_t)threads * p.per_thread * (int64_t)sizeof(float), "packed bands and weights per thread");
}

static bool supports(const nnb_layer *l)
{
    return l->op == NNB_OP_CONV && l->groups > 1 && l->groups < l->c;
}

static int64_t workspace_bytes(const nnb_layer *l, int nthreads)
{
    plan p;
    make_plan(l, nthreads, &p);
    return (p.off_floats + (int64_t)nthreads * p.per_thread) * (int64_t)sizeof(float);
}

static void run(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    plan p;
    make_plan(l, omp_get_max_threads(), &p);
    int64_t *off = ws;
    for (int64_t r = 0; r < l->kh; r++)
        for (int64_t s = 0; s < l->kw; s++) off[r * l->kw + s] = nnb_pack_tap_off(&p.win, p.wq, r, s);
    const int64_t kbm = p.ukr->kb_max;
#pragma omp parallel
    {
        float *in = (float *)ws + p.off_floats + omp_get_thread_num() * p.per_thread;
        float *wp = in + p.cg * p.cstride;
        int64_t packed_group = -1;
#pragma omp for schedule(static)
        for (int64_t it = 0; it < p.items; it++) {
            const int64_t band = it % p.bands, ng = it / p.bands;
            const int64_t g = ng % l->groups, n = ng / l->groups;
            const int64_t oy0 = band * p.band, oy1 = oy0 + p.band < l->oh ? oy0 + p.band : l->oh;
            const int64_t y0 = oy0 * l->sh; /* first padded input row of the band */
            const int64_t rows = (oy1 - oy0 - 1) * l->sh + (l->kh - 1) * l->dh + 1;
            if (packed_group != g) { /* static schedule: a thread's items share groups */
                for (int64_t oc = 0; oc < p.kg; oc += kbm) {
                    int kb = (int)(p.kg - oc < kbm ? p.kg - oc : kbm);
                    nnb_tile_pack_weights(t->wei + (g * p.kg + oc) * p.cg * p.taps, kb, p.cg,
                                          p.taps, wp + oc * p.cg * p.taps);
                }
                packed_group = g;
            }
            for (int64_t c = 0; c < p.cg; c++) /* the band: padded rows [y0, y0 + rows) */
                nnb_pack_padded(t->src + ((n * l->c + g * p.cg + c) * l->h) * l->w, l->h, l->w,
                                l->pt - y0, l->pl, rows, l->sw, p.wq, 0.0f, in + c * p.cstride);
            for (int64_t oy = oy0; oy < oy1; oy++)
                for (int64_t oc = 0; oc < p.kg; oc += kbm) {
                    int kb = (int)(p.kg - oc < kbm ? p.kg - oc : kbm);
                    const int64_t k = g * p.kg + oc;
                    nnb_tile tile = {
                        .cstride = p.cstride, .nc = p.cg, .tapoff = off, .ntaps = p.taps,
                        .w = wp + oc * p.cg * p.taps, .bias = l->bias ? t->bias + k : NULL,
                        .ostride = l->oh * l->ow, .kb = kb,
                    };
                    nnb_tile_row(p.ukr, &tile, in + (oy - oy0) * l->sh * p.rp,
                                 t->dst + ((n * l->k + k) * l->oh + oy) * l->ow, l->ow);
                }
        }
    }
}

const nnb_kernel nnb_kernel_grouped = {
    .name = "grouped",
    .desc = "grouped conv (1 < groups < c): per-group packed bands, register-blocked",
    .flops_tolerance = 0.02,
    .supports = supports,
    .workspace_bytes = workspace_bytes,
    .run = run,
    .work = work,
};
