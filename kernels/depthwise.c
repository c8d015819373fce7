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

#include <omp.h>

typedef struct plan {
    const nnb_dw_ukr *ukr; /* the context's depthwise micro-kernels */
    nnb_win win;
    int64_t mult, taps, rows, wq, plane, off_floats;
} plan;

static void make_plan(const nnb_layer *l, plan *p)
{
    p->ukr = &nnb_kernel_ctx_get()->dw;
    p->win = nnb_win_of(l);
    p->mult = l->k / l->c;
    p->taps = l->kh * l->kw;
    p->rows = nnb_pack_rows(&p->win);
    p->wq = nnb_pack_row_len(&p->win, p->ukr->lanes);
    p->plane = (p->rows * l->sw * p->wq + 15) / 16 * 16;
    p->off_floats = (2 * p->taps + 15) / 16 * 16;
}

/* 3x3, stride 1, dilation 1 (MobileNet's stride-1 layers): the context's
 * whole-plane path, where it has one, reads the NCHW plane unpacked */
static bool is_3x3s1(const nnb_layer *l)
{
    return l->kh == 3 && l->kw == 3 && l->sh == 1 && l->sw == 1 && l->dh == 1 && l->dw == 1;
}

static bool supports(const nnb_layer *l)
{
    return l->op == NNB_OP_CONV && l->groups == l->c && l->k % l->c == 0;
}

static int64_t workspace_bytes(const nnb_layer *l, int nthreads)
{
    plan p;
    make_plan(l, &p);
    return (p.off_floats + (int64_t)nthreads * p.plane) * (int64_t)sizeof(float);
}

static void run(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    plan p;
    make_plan(l, &p);
    int64_t *off = ws;
    for (int64_t r = 0; r < l->kh; r++)
        for (int64_t s = 0; s < l->kw; s++) off[r * l->kw + s] = nnb_pack_tap_off(&p.win, p.wq, r, s);
    float *planes = (float *)ws + p.off_floats;
    const int64_t rowstep = l->sh * l->sw * p.wq, cols = p.ukr->cols;
    if (p.ukr->plane3s1 && is_3x3s1(l)) {
#pragma omp parallel for schedule(static)
        for (int64_t po = 0; po < l->n * l->k; po++) {
            const int64_t n = po / l->k, oc = po % l->k, ic = oc / p.mult;
            const nnb_dw_plane pl = {
                .in = t->src + (n * l->c + ic) * l->h * l->w, .h = l->h, .w = l->w, .pt = l->pt, .pl = l->pl,
                .wt = t->wei + oc * 9, .bias = l->bias ? t->bias[oc] : 0.0f,
                .out = t->dst + po * l->oh * l->ow, .oh = l->oh, .ow = l->ow,
            };
            p.ukr->plane3s1(&pl);
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
};
