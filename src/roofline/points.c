/* Roofline points from result records (points.h). */
#include "roofline/points.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "roofline/place.h"
#include "util/appendf.h"

const nnb_result *nnb_layer_best(const nnb_layer_report *r)
{
    const nnb_result *best = NULL;
    for (size_t i = 0; i < r->nresults; i++) {
        const nnb_result *x = &r->results[i];
        if (x->check == NNB_CHECK_FAIL || !(x->time.median_s > 0)) continue;
        if (!best || x->time.median_s < best->time.median_s) best = x;
    }
    return best;
}

static int grow(nnb_roof_points *pp)
{
    if (pp->n < pp->cap) return 0;
    size_t cap = pp->cap ? 2 * pp->cap : 32;
    nnb_roof_point *v = realloc(pp->v, cap * sizeof *v);
    if (!v) return -1;
    pp->v = v;
    char(*nm)[128] = realloc(pp->name, cap * sizeof *nm);
    if (!nm) return -1;
    pp->name = nm;
    char(*ly)[96] = realloc(pp->layer, cap * sizeof *ly);
    if (!ly) return -1;
    pp->layer = ly;
    char(*tp)[640] = realloc(pp->tip, cap * sizeof *tp);
    if (!tp) return -1;
    pp->tip = tp;
    pp->cap = cap;
    return 0;
}

/* The memory level whose roof the result was placed against (its bw_gbs),
 * 1-based; 0: not placed. */
static int placed_level(const nnb_result *x, const nnb_ceilings *c)
{
    if (!c || !x->have_roof || !(x->bw_gbs > 0)) return 0;
    for (int l = 0; l < NNB_LVL_COUNT; l++) {
        double b = nnb_ceil_bw(c, (nnb_level)l);
        if (b > 0 && fabs(b / x->bw_gbs - 1) < 1e-6) return l + 1;
    }
    return 0;
}

/* Layer, kernel, rate with its spread, AI, bound, efficiency, verdicts. */
static void make_tip(char *t, size_t len, const nnb_layer_report *rep, const nnb_result *x, const char *lname)
{
    size_t o = 0;
    nnb_appendf(t, len, &o, "%s (%s): %s, %.3g GFLOP/s", lname, rep->human, x->kernel, x->gflops);
    if (x->time.min_s > 0 && x->time.max_s > 0)
        nnb_appendf(t, len, &o, " (%.3g..%.3g)", x->gflops * x->time.median_s / x->time.max_s,
                    x->gflops * x->time.median_s / x->time.min_s);
    nnb_appendf(t, len, &o, ", AI %.3g", rep->analytic.ai);
    if (x->have_roof) nnb_appendf(t, len, &o, ", %s bound, %.0f%% of its roof", x->bound, 100 * x->efficiency);
    nnb_appendf(t, len, &o, ", check %s", nnb_check_name(x->check));
    if (x->verdict_flops[0]) nnb_appendf(t, len, &o, ", FLOPs %s", x->verdict_flops);
    if (x->verdict_dram[0]) nnb_appendf(t, len, &o, ", DRAM bytes %s", x->verdict_dram);
}

int nnb_roof_points_add(nnb_roof_points *pp, const nnb_layer_report *rep, const nnb_ceilings *c, bool multi_layer)
{
    const nnb_result *best = nnb_layer_best(rep);
    const char *lname = rep->layer.name[0] ? rep->layer.name : rep->module[0] ? rep->module : rep->human;
    int64_t repeat = rep->repeat > 0 ? rep->repeat : 1;
    for (size_t i = 0; i < rep->nresults; i++) {
        const nnb_result *x = &rep->results[i];
        if (grow(pp)) return -1;
        nnb_roof_point *p = &pp->v[pp->n];
        memset(p, 0, sizeof *p);
        if (multi_layer) snprintf(pp->name[pp->n], sizeof pp->name[0], "%.80s:%.40s", lname, x->kernel);
        else snprintf(pp->name[pp->n], sizeof pp->name[0], "%.120s", x->kernel);
        snprintf(pp->layer[pp->n], sizeof pp->layer[0], "%.95s", multi_layer ? lname : "");
        make_tip(pp->tip[pp->n], sizeof pp->tip[0], rep, x, lname);
        /* placed as the report places it: by the executed work where known */
        const bool executed = x->have_roof && strcmp(x->roof_basis, "executed") == 0;
        p->ai = executed ? x->roof_ai : rep->analytic.ai;
        p->ai_measured = (x->have_flops && x->have_dram && x->dram_bytes > 0) ? x->flops / x->dram_bytes : 0;
        p->ai_l1 = (x->have_flops && x->have_l1 && x->l1_bytes > 0) ? x->flops / x->l1_bytes : 0;
        p->ai_l2 = (x->have_flops && x->have_l2 && x->l2_bytes > 0) ? x->flops / x->l2_bytes : 0;
        p->gflops = executed ? x->gflops_executed : x->gflops;
        p->kernel = x->kernel;
        p->op = nnb_op_name(rep->layer.op);
        if (x->have_roof) snprintf(p->bound, sizeof p->bound, "%s", x->bound);
        p->level = placed_level(x, c);
        p->efficiency = x->have_roof ? x->efficiency : 0;
        p->time_s = x->time.median_s * (double)repeat;
        /* the same work at the quartile times (the spread the tables show), else the slowest and fastest */
        double slow_s = x->time.p75_s > 0 ? x->time.p75_s : x->time.max_s;
        double fast_s = x->time.p25_s > 0 ? x->time.p25_s : x->time.min_s;
        if (slow_s > 0 && fast_s > 0) {
            p->gflops_lo = p->gflops * x->time.median_s / slow_s;
            p->gflops_hi = p->gflops * x->time.median_s / fast_s;
        }
        p->best = x == best;
        p->row = (int)pp->n;
        pp->n++;
    }
    return 0;
}

void nnb_roof_points_fix(nnb_roof_points *pp)
{
    for (size_t i = 0; i < pp->n; i++) {
        pp->v[i].label = pp->name[i];
        pp->v[i].tip = pp->tip[i];
        pp->v[i].layer = pp->layer[i][0] ? pp->layer[i] : NULL;
    }
}

void nnb_roof_points_free(nnb_roof_points *pp)
{
    free(pp->v);
    free(pp->name);
    free(pp->layer);
    free(pp->tip);
    memset(pp, 0, sizeof *pp);
}
