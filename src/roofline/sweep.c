/* Analysis of a bandwidth sweep into memory levels (see sweep.h). */
#include "roofline/sweep.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>


static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median_of(const double *v, int first, int last)
{
    int n = last - first + 1;
    double tmp[NNB_SWEEP_MAX * 2];
    double *w = n <= (int)(sizeof tmp / sizeof tmp[0]) ? tmp : malloc(sizeof(double) * (size_t)n);
    if (!w) return v[first];
    memcpy(w, v + first, sizeof(double) * (size_t)n);
    qsort(w, (size_t)n, sizeof(double), cmp_dbl);
    double m = n % 2 ? w[n / 2] : 0.5 * (w[n / 2 - 1] + w[n / 2]);
    if (w != tmp) free(w);
    return m;
}

int nnb_plateaus_detect(const int64_t *bytes, const double *gbs, int n, double rel_tol, int min_pts,
                        nnb_plateau *out, int max_out)
{
    if (!bytes || !gbs || n < 0 || !(rel_tol > 0) || min_pts < 1 || (max_out > 0 && !out)) return -1;
    for (int i = 0; i < n; i++) {
        if (!(gbs[i] > 0) || !isfinite(gbs[i]) || bytes[i] <= 0) return -1;
        if (i && bytes[i] <= bytes[i - 1]) return -1;
    }
    double *lg = malloc(sizeof(double) * (size_t)(n ? n : 1));
    nnb_plateau *seg = malloc(sizeof(nnb_plateau) * (size_t)(n ? n : 1));
    if (!lg || !seg) {
        free(lg);
        free(seg);
        return -1;
    }
    const double tol = log1p(rel_tol);
    for (int i = 0; i < n; i++) lg[i] = log(gbs[i]);
    /* 1. greedy segmentation: a point joins the run while it stays within
     *    tol of the run's median (in log space) */
    int ns = 0, start = 0;
    for (int i = 1; i <= n; i++) {
        if (i < n && fabs(lg[i] - median_of(lg, start, i - 1)) <= tol) continue;
        if (n) seg[ns++] = (nnb_plateau){start, i - 1, 0};
        start = i;
    }
    /* 2. keep runs of at least min_pts; merge a run into the previous kept
     *    one when their medians agree (an outlier split them) */
    int np = 0;
    for (int s = 0; s < ns; s++) {
        if (seg[s].last - seg[s].first + 1 < min_pts) continue;
        double m = median_of(lg, seg[s].first, seg[s].last);
        if (np && fabs(m - seg[np - 1].gbs) <= tol) {
            /* the points between them were outliers: span the whole range */
            seg[np - 1].last = seg[s].last;
            seg[np - 1].gbs = median_of(lg, seg[np - 1].first, seg[np - 1].last);
            continue;
        }
        seg[np] = seg[s];
        seg[np].gbs = m;
        np++;
    }
    int w = 0;
    for (int i = 0; i < np && w < max_out; i++) {
        out[w] = seg[i];
        out[w].gbs = exp(seg[i].gbs);
        w++;
    }
    free(lg);
    free(seg);
    return w;
}

void nnb_plateaus_assign(const int64_t *bytes, const nnb_plateau *p, int np,
                         const int64_t cap[NNB_LVL_COUNT], int *level_of)
{
    int owner[NNB_LVL_COUNT];
    for (int l = 0; l < NNB_LVL_COUNT; l++) owner[l] = -1;
    for (int i = 0; i < np; i++) {
        double mid = sqrt((double)bytes[p[i].first] * (double)bytes[p[i].last]);
        int lvl = NNB_LVL_DRAM;
        for (int l = 0; l < NNB_LVL_DRAM; l++) {
            if (cap[l] > 0 && mid <= (double)cap[l]) {
                lvl = l;
                break;
            }
        }
        level_of[i] = lvl;
        int o = owner[lvl];
        if (o < 0) {
            owner[lvl] = i;
        } else if (p[i].last - p[i].first > p[o].last - p[o].first) {
            level_of[o] = -1;
            owner[lvl] = i;
        } else {
            level_of[i] = -1;
        }
    }
}

/* The sweep's values of one kind: read (triad=false) or triad GB/s, with
 * unmeasured points as a tiny positive value (plateau detection needs > 0). */
typedef struct sweep_series {
    int n;
    int64_t bytes[NNB_SWEEP_MAX];
    double gbs[NNB_SWEEP_MAX];
    bool triad;
} sweep_series;

int64_t nnb_ceil_sweep_top(int64_t llc_bytes, int64_t memory_bytes)
{
    int64_t top = NNB_DRAM_SWEEP_LLC_FACTOR * llc_bytes;
    if (top > NNB_DRAM_SWEEP_CAP_BYTES) top = NNB_DRAM_SWEEP_CAP_BYTES;
    if (top < NNB_DRAM_LLC_FACTOR * llc_bytes) top = NNB_DRAM_LLC_FACTOR * llc_bytes;
    if (top < NNB_DRAM_SWEEP_MIN_BYTES) top = NNB_DRAM_SWEEP_MIN_BYTES;
    if (memory_bytes > 0 && top > memory_bytes / 4) top = memory_bytes / 4;
    return top;
}

/* Working-set range safely inside a level: past 2x the previous capacity
 * and under half its own; DRAM: past NNB_DRAM_LLC_FACTOR x the last cache. */
static void safe_range(const nnb_ceilings *c, int lvl, int64_t *lo, int64_t *hi)
{
    int64_t prevcap = 0;
    for (int l = 0; l < lvl; l++)
        if (c->cap_bytes[l] > 0) prevcap = c->cap_bytes[l];
    *lo = lvl == NNB_LVL_DRAM ? NNB_DRAM_LLC_FACTOR * prevcap : 2 * prevcap;
    *hi = lvl == NNB_LVL_DRAM ? INT64_MAX : c->cap_bytes[lvl] / 2;
}

/* Records a level's value: the read series also says where it came from. */
static void set_level(nnb_bw *b, const sweep_series *s, double gbs, int first, int last, nnb_bw_src src)
{
    if (s->triad) {
        b->triad_gbs = gbs;
        return;
    }
    b->read_gbs = gbs;
    b->lo_bytes = s->bytes[first];
    b->hi_bytes = s->bytes[last];
    b->src = src;
}

/* Levels from the plateaus the series shows. */
static void levels_from_plateaus(nnb_ceilings *c, const sweep_series *s)
{
    nnb_plateau p[NNB_SWEEP_MAX];
    int lv[NNB_SWEEP_MAX];
    int np = nnb_plateaus_detect(s->bytes, s->gbs, s->n, 0.12, 2, p, NNB_SWEEP_MAX);
    if (np < 0) np = 0;
    nnb_plateaus_assign(s->bytes, p, np, c->cap_bytes, lv);
    for (int i = 0; i < np; i++) {
        if (lv[i] < 0) continue;
        /* the ceiling is the best point of the plateau (ERT): on a shared
         * machine interference only ever lowers a point; taken over the
         * plateau's points that sit safely inside the level when there are
         * any, so a point of a transition (partly still cached) cannot
         * become the ceiling */
        int64_t slo, shi;
        safe_range(c, lv[i], &slo, &shi);
        double best_safe = 0;
        for (int j = p[i].first; j <= p[i].last; j++)
            if (s->bytes[j] >= slo && s->bytes[j] <= shi && s->gbs[j] > best_safe) best_safe = s->gbs[j];
        /* no point safely inside: the plateau's median, not its best */
        set_level(&c->bw[lv[i]], s, best_safe > 0 ? best_safe : p[i].gbs, p[i].first, p[i].last,
                  NNB_BW_PLATEAU);
    }
}

/* Levels without a plateau: the best point over the level's inner range. */
static void levels_from_ranges(nnb_ceilings *c, const sweep_series *s)
{
    for (int l = 0; l < NNB_LVL_COUNT; l++) {
        double cur = s->triad ? c->bw[l].triad_gbs : c->bw[l].read_gbs;
        if (cur > 0 || (l < NNB_LVL_DRAM && c->cap_bytes[l] <= 0)) continue;
        int64_t lo, hi;
        safe_range(c, l, &lo, &hi);
        double best = 0;
        int first = -1, last = -1;
        for (int i = 0; i < s->n; i++) {
            if (s->bytes[i] >= lo && s->bytes[i] <= hi && s->gbs[i] > 1e-6) {
                if (s->gbs[i] > best) best = s->gbs[i];
                if (first < 0) first = i;
                last = i;
            }
        }
        if (first >= 0) set_level(&c->bw[l], s, best, first, last, NNB_BW_RANGE);
    }
}

void nnb_ceil_analyze_sweep(nnb_ceilings *c)
{
    for (int l = 0; l < NNB_LVL_COUNT; l++) memset(&c->bw[l], 0, sizeof c->bw[l]);
    for (int k = 0; k < 2; k++) {
        sweep_series s = {.n = c->nsweep, .triad = k == 1};
        for (int i = 0; i < s.n; i++) {
            double v = s.triad ? c->sweep[i].triad_gbs : c->sweep[i].read_gbs;
            s.bytes[i] = c->sweep[i].bytes;
            s.gbs[i] = v > 0 ? v : 1e-9;
        }
        levels_from_plateaus(c, &s);
        levels_from_ranges(c, &s);
    }
    for (int l = 0; l < NNB_LVL_COUNT; l++) {
        c->bw[l].triad_wa_gbs = c->bw[l].triad_gbs * 16.0 / 12.0;
        if (c->bw[l].src == NNB_BW_NONE && c->bw[l].triad_gbs > 0) c->bw[l].src = NNB_BW_RANGE;
    }
}
