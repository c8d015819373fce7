/* Timing loop: warm-up, then repetitions until a minimum time and count;
 * statistics over the repetitions; the watch (machine/watch.h) around each
 * attempt and adaptive re-measurement of a disturbed or unstable one.
 * Timer: util/clock (CLOCK_MONOTONIC). */
#include "nnbench/measure.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "machine/watch.h"
#include "machine/evict.h"
#include "util/clock.h"
#include "util/util.h"

void nnb_measure_defaults(nnb_measure_opts *o)
{
    memset(o, 0, sizeof *o);
    o->warmup = 1;
    o->min_reps = 5;
    o->max_reps = 100000;
    o->min_time_s = 0.2;
    o->cold = false;
    o->flush_bytes = 0;
    o->threads = 1;
    o->max_attempts = 4;
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

/* Quantile q of sorted v[0..n), linear between order statistics. */
static double quantile(const double *v, int n, double q)
{
    double h = q * (n - 1);
    int i = (int)floor(h);
    if (i >= n - 1) return v[n - 1];
    return v[i] + (h - i) * (v[i + 1] - v[i]);
}

/* The spread threshold (README "Noise"): a quiet run's medians lie within
 * a few percent of its fastest repetition, a neighbour on a core gives CVs
 * of 30-120% (measured on the 2-vCPU VM under load); 10% lies between.
 * Short repetitions carry jitter of their own: a timer interrupt costs a
 * few microseconds whatever the repetition's length, so 3 us / rep_s is
 * added. To be calibrated on a quiet machine from the stored samples. */
double nnb_cv_threshold(double rep_s)
{
    return 0.10 + (rep_s > 0 ? 3e-6 / rep_s : 0);
}

void nnb_timing_from_samples(nnb_timing *t, const double *v, int n)
{
    t->reps = n;
    t->nsamples = 0;
    if (n <= 0) return;
    int keep = n < NNB_SAMPLES_MAX ? n : NNB_SAMPLES_MAX;
    for (int i = 0; i < keep; i++) t->samples_s[i] = v[(int64_t)i * n / keep];
    t->nsamples = keep;
    double *s = malloc(sizeof *s * (size_t)n);
    double sum = 0, sq = 0;
    for (int i = 0; i < n; i++) sum += v[i];
    double mean = sum / n;
    for (int i = 0; i < n; i++) sq += (v[i] - mean) * (v[i] - mean);
    t->mean_s = mean;
    t->cv = n > 1 && mean > 0 ? sqrt(sq / (n - 1)) / mean : 0;
    if (!s) { /* the spread without the order statistics: min, max from the samples */
        t->min_s = t->max_s = t->median_s = t->p25_s = t->p75_s = mean;
        return;
    }
    memcpy(s, v, sizeof *s * (size_t)n);
    qsort(s, (size_t)n, sizeof *s, cmp_double);
    t->min_s = s[0];
    t->max_s = s[n - 1];
    t->median_s = quantile(s, n, 0.5);
    t->p25_s = quantile(s, n, 0.25);
    t->p75_s = quantile(s, n, 0.75);
    free(s);
}

/* One attempt: warm-up, then reps until min_reps and min_time_s. */
static int attempt(void (*fn)(void *ctx), void *ctx, const nnb_measure_opts *o, int min_reps, nnb_evict *ev,
                   nnb_timing *out)
{
    int max_reps = o->max_reps > 0 ? o->max_reps : 1000;
    if (min_reps > max_reps) min_reps = max_reps;
    double *t = malloc(sizeof *t * (size_t)max_reps);
    if (!t) return -1;
    for (int i = 0; i < o->warmup; i++) fn(ctx);
    double total = 0;
    int n = 0;
    while (n < max_reps && (n < min_reps || total < o->min_time_s)) {
        if (o->cold) nnb_evict_touch(ev);
        double t0 = nnb_now_s();
        fn(ctx);
        double dt = nnb_now_s() - t0;
        t[n++] = dt;
        total += dt;
    }
    nnb_timing_from_samples(out, t, n);
    free(t);
    return 0;
}

/* Why an attempt is not to be kept: disturbed (the watch saw other work on
 * its CPUs), or unstable (a spread above the threshold with no such cause,
 * e.g. a first repetitions' warm-up): both are measured again, but only the
 * watch's evidence marks the kept attempt disturbed; an unstable one keeps
 * its spread in the record for compare's effect threshold. */
enum { SETTLED, UNSTABLE, DISTURBED };
static int unsettled(const nnb_timing *t, double wall_s, char *why, size_t len)
{
    if (nnb_watch_disturbed(&t->watch, wall_s, why, len)) return DISTURBED;
    double thr = nnb_cv_threshold(t->median_s);
    if (t->reps > 2 && t->cv > thr) {
        snprintf(why, len, "unstable: CV %.0f%% > %.0f%%", 100 * t->cv, 100 * thr);
        return UNSTABLE;
    }
    return SETTLED;
}

static void pause_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&ts, NULL);
}

int nnb_measure(void (*fn)(void *ctx), void *ctx, const nnb_measure_opts *o, nnb_timing *out)
{
    int min_reps = o->min_reps > 0 ? o->min_reps : 1;
    nnb_evict ev = {0};
    if (o->cold && nnb_evict_init(&ev, o->flush_bytes) != 0) return -1;
    memset(out, 0, sizeof *out);
    nnb_watch w;
    if (!o->no_watch) nnb_watch_cpus(&w, o->threads);
    nnb_timing cur;
    char why[192], first_why[192] = "";
    double first_end = 0, budget = o->budget_s;
    int max_attempts = o->no_watch ? 1 : o->max_attempts > 0 ? o->max_attempts : 1;
    int rc = 0;
    for (int a = 1; a <= max_attempts; a++) {
        memset(&cur, 0, sizeof cur);
        if (!o->no_watch) nnb_watch_begin(&w);
        double t0 = nnb_now_s();
        if ((rc = attempt(fn, ctx, o, min_reps, &ev, &cur)) != 0) break;
        double wall = nnb_now_s() - t0;
        if (o->no_watch) {
            *out = cur;
            break;
        }
        nnb_watch_end(&w, &cur.watch);
        int state = unsettled(&cur, wall, why, sizeof why);
        bool bad = state != SETTLED;
        if (a == 1) {
            nnb_copy_str(first_why, sizeof first_why, why);
            first_end = nnb_now_s();
            if (budget <= 0) budget = 4 * wall > 0.5 ? 4 * wall : 0.5;
        }
        /* keep a settled attempt; else the fastest (interference only slows) */
        if (a == 1 || !bad || cur.median_s < out->median_s) {
            *out = cur;
            out->disturbed = state == DISTURBED;
            nnb_copy_str(out->disturbed_why, sizeof out->disturbed_why, out->disturbed ? why : "");
        }
        out->attempts = a;
        if (!bad || a == max_attempts || nnb_now_s() - first_end >= budget) break;
        /* a pause lets a burst of other work pass; more repetitions make
         * the median robust to what is left */
        pause_s(0.05 * a);
        min_reps *= 2;
    }
    if (!rc && out->attempts > 1) snprintf(out->remeasured_why, sizeof out->remeasured_why, "%s", first_why);
    if (!rc && out->disturbed) {
        char tail[48];
        snprintf(tail, sizeof tail, " (%d attempt%s)", out->attempts, out->attempts == 1 ? "" : "s");
        size_t l = strlen(out->disturbed_why);
        if (l + strlen(tail) < sizeof out->disturbed_why) memcpy(out->disturbed_why + l, tail, strlen(tail) + 1);
    }
    nnb_evict_free(&ev);
    return rc;
}
