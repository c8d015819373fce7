/* Timing loop and statistics. Warm-up, then repetitions until both a
 * minimum time and a minimum count are reached (capped by max_reps);
 * median, quartiles, min/max and the coefficient of variation over the
 * repetitions. Optional cache flush between repetitions (--cold) so each
 * run starts from memory.
 *
 * While it times, the loop watches the cores the kernel runs on
 * (machine/watch.h: other processes' CPU time, steal, involuntary context
 * switches, load at the start). A measurement that was disturbed, or whose
 * spread is above the threshold nnb_cv_threshold() gives for its repetition
 * time, is measured again after a pause, with more repetitions, within a
 * time budget; one that never settles keeps the best attempt and says why
 * in `disturbed_why`. */
#ifndef NNBENCH_MEASURE_H
#define NNBENCH_MEASURE_H

#include <stdbool.h>
#include <stdint.h>

/* At most this many per-repetition times are kept with a measurement (a
 * systematic sample, in the order they ran, when there were more reps). */
#define NNB_SAMPLES_MAX 64

/* What else ran on the watched cores while a measurement ran. */
typedef struct nnb_watch_result {
    bool have;                   /* /proc could be read */
    int cpus;                    /* logical CPUs watched (where the kernel's threads may run) */
    double other_cpu_frac;       /* other processes' CPU time on those CPUs / (wall x cpus) */
    double steal_frac;           /* hypervisor steal on those CPUs / (wall x cpus) */
    double ivcsw_per_s;          /* involuntary context switches of this process per second */
    double load1;                /* 1-minute load average at the start */
    int runnable;                /* runnable tasks system-wide at the start (/proc/loadavg), this process's excluded */
    double speed_probe;          /* slowest team thread's speed probe / its CPU's best, before or after (>= 1; 0: not run) */
} nnb_watch_result;

typedef struct nnb_timing {
    double median_s, min_s, max_s, mean_s;
    int reps;
    double p25_s, p75_s;         /* quartiles of the repetitions */
    double cv;                   /* coefficient of variation: stddev / mean of the repetitions */
    int nsamples;                /* samples_s[0..nsamples) */
    double samples_s[NNB_SAMPLES_MAX];
    int attempts;                /* measurements taken (1 + re-measurements); 0: not watched (older files) */
    bool disturbed;              /* no attempt settled: the numbers are not to be trusted */
    char disturbed_why[192];     /* with disturbed: the reason and the amount */
    char remeasured_why[192];    /* attempts > 1: why the first attempt was not kept */
    nnb_watch_result watch;      /* the kept attempt's watch */
} nnb_timing;

typedef struct nnb_measure_opts {
    int warmup;          /* untimed runs first (default 1) */
    int min_reps;        /* at least this many timed runs (default 5) */
    int max_reps;        /* at most (default 100000) */
    double min_time_s;   /* keep going until this much time was timed (default 0.2) */
    bool cold;           /* flush caches before each timed run (flush not timed) */
    int64_t flush_bytes; /* size of the flush buffer; 0: 4 x the last-level cache (hwloc), or 64 MiB
                            when the cache size is unknown */
    int threads;         /* the kernel's OpenMP team size: the cores watched are that team's (0: 1) */
    bool no_watch;       /* time once, watch nothing, never re-measure (counting runs, tests) */
    int max_attempts;    /* measurements at most (default 4) */
    double budget_s;     /* re-measurements stop once they took this long (0: 4 x the first attempt, >= 0.5 s) */
} nnb_measure_opts;

void nnb_measure_defaults(nnb_measure_opts *o);

/* Times fn(ctx). Returns 0, -1 if the flush buffer could not be allocated. */
int nnb_measure(void (*fn)(void *ctx), void *ctx, const nnb_measure_opts *o, nnb_timing *out);

/* Median of v[0..n) (sorts v). */
double nnb_median(double *v, int n);

/* The spread above which a measurement whose repetitions take rep_s
 * seconds is unstable (README "Noise" says how it was derived). */
double nnb_cv_threshold(double rep_s);

/* Fills t's statistics (median, quartiles, min, max, mean, cv, samples)
 * from the repetition times v[0..n) in the order they ran. */
void nnb_timing_from_samples(nnb_timing *t, const double *v, int n);

#endif
