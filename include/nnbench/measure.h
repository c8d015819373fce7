/* Timing loop and statistics. Warm-up, then repetitions until both a
 * minimum time and a minimum count are reached (capped by max_reps);
 * median/min/max over the repetitions. Optional cache flush between
 * repetitions (--cold) so each run starts from memory. */
#ifndef NNBENCH_MEASURE_H
#define NNBENCH_MEASURE_H

#include <stdbool.h>
#include <stdint.h>

typedef struct nnb_timing {
    double median_s, min_s, max_s, mean_s;
    int reps;
} nnb_timing;

typedef struct nnb_measure_opts {
    int warmup;          /* untimed runs first (default 1) */
    int min_reps;        /* at least this many timed runs (default 5) */
    int max_reps;        /* at most (default 100000) */
    double min_time_s;   /* keep going until this much time was timed (default 0.2) */
    bool cold;           /* flush caches before each timed run (flush not timed) */
    int64_t flush_bytes; /* size of the flush buffer; 0: 4 x the last-level cache (hwloc), or 64 MiB
                            when the cache size is unknown */
} nnb_measure_opts;

void nnb_measure_defaults(nnb_measure_opts *o);

/* Times fn(ctx). Returns 0, -1 if the flush buffer could not be allocated. */
int nnb_measure(void (*fn)(void *ctx), void *ctx, const nnb_measure_opts *o, nnb_timing *out);

/* Median of v[0..n) (sorts v). */
double nnb_median(double *v, int n);

#endif
