/* Timing loop: warm-up, then repetitions until a minimum time and count,
 * median/min/max. Timer: util/clock (CLOCK_MONOTONIC). */
#include "nnbench/measure.h"

#include <stdlib.h>
#include <string.h>

#include "machine/evict.h"
#include "util/clock.h"

void nnb_measure_defaults(nnb_measure_opts *o)
{
    memset(o, 0, sizeof *o);
    o->warmup = 1;
    o->min_reps = 5;
    o->max_reps = 100000;
    o->min_time_s = 0.2;
    o->cold = false;
    o->flush_bytes = 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double nnb_median(double *v, int n)
{
    if (n <= 0) return 0.0;
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

int nnb_measure(void (*fn)(void *ctx), void *ctx, const nnb_measure_opts *o, nnb_timing *out)
{
    int max_reps = o->max_reps > 0 ? o->max_reps : 1000;
    int min_reps = o->min_reps > 0 ? o->min_reps : 1;
    if (min_reps > max_reps) min_reps = max_reps;
    nnb_evict ev = {0};
    if (o->cold && nnb_evict_init(&ev, o->flush_bytes) != 0) return -1;
    double *t = malloc(sizeof *t * (size_t)max_reps);
    if (!t) {
        nnb_evict_free(&ev);
        return -1;
    }
    for (int i = 0; i < o->warmup; i++) fn(ctx);
    double total = 0;
    int n = 0;
    while (n < max_reps && (n < min_reps || total < o->min_time_s)) {
        if (o->cold) nnb_evict_touch(&ev);
        double t0 = nnb_now_s();
        fn(ctx);
        double dt = nnb_now_s() - t0;
        t[n++] = dt;
        total += dt;
    }
    out->reps = n;
    out->mean_s = total / n;
    double lo = t[0], hi = t[0];
    for (int i = 1; i < n; i++) {
        if (t[i] < lo) lo = t[i];
        if (t[i] > hi) hi = t[i];
    }
    out->min_s = lo;
    out->max_s = hi;
    out->median_s = nnb_median(t, n);
    free(t);
    nnb_evict_free(&ev);
    return 0;
}
