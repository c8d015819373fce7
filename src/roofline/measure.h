/* Measuring the ceilings (ERT-style) on this machine: peak FLOP/s per ISA
 * (peak.c), bandwidth over a working-set sweep (bandwidth.c), and the whole
 * set for one thread count (measure.c), threads bound one per core. */
#ifndef NNBENCH_ROOFLINE_MEASURE_H
#define NNBENCH_ROOFLINE_MEASURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "roofline/ceilings.h"

typedef struct nnb_ceil_opts {
    bool quick;              /* reduced sweep and shorter samples (tests) */
    bool progress;           /* progress line on stderr */
    int64_t sweep_min, sweep_max; /* bytes; 0 = defaults (8 KiB, nnb_ceil_sweep_top: roofline/sweep.h) */
    int per_octave;          /* sweep points per doubling; 0 = default (3; quick: 1) */
} nnb_ceil_opts;

void nnb_ceil_opts_default(nnb_ceil_opts *o);

/* Capacity of each level for a thread count (the cache instances those
 * threads use, one per core; DRAM: 0). */
void nnb_ceil_capacities(int threads, int64_t cap[NNB_LVL_COUNT]);

/* Measures every ceiling for a thread count (threads bound one per core)
 * and analyses the sweep into levels. Returns 0, or -1 with one line in err
 * (NNB_CEIL_STOPPED when a stop signal came: util/signals.h; the steps poll
 * it, and nothing partial is returned or cached). c->doubt is set when the
 * measurement was disturbed (machine/watch.h). */
#define NNB_CEIL_STOPPED "roofline: ceilings measurement stopped by a signal (nothing cached)"

int nnb_ceilings_measure(int threads, const nnb_ceil_opts *o, nnb_ceilings *c, char *err, size_t errlen);


/* ---- building blocks (measure.c uses them; exposed for tests and bench/) ---- */

/* GFLOP/s of the FMA (mix=false) or FMA+ADD (mix=true) loop; -1 when the
 * ISA is not available on this CPU. min_time_s per sample, best of
 * `samples` (< 1: 3). */
double nnb_ceil_peak_gflops(nnb_isa isa, bool dp, bool mix, int threads, double min_time_s, int samples);

/* The compute roof measured again, longer and best of more samples than
 * nnb_ceilings_measure takes (a kernel was placed above it): the SP FMA
 * peak of every ISA, each kept at the higher of the two measurements.
 * Returns true when the roof (nnb_ceil_peak) rose. */
bool nnb_ceil_peak_recheck(nnb_ceilings *c);
/* True when the CPU has FMA: every ISA's peak loop then uses it (else
 * mul+add pairs below AVX2). */
bool nnb_ceil_fused(void);
/* GFLOP/s of a plain C loop with one dependent multiply-add chain (the
 * "scalar loop's rate" a measured peak must beat). */
double nnb_ceil_scalar_chain_gflops(double min_time_s);

/* GB/s of the read (triad=false) or triad loop over `bytes` total working
 * set split over `threads` (triad counted without write-allocate).
 * -1 if memory could not be allocated. */
double nnb_ceil_bw_gbs(bool triad, int64_t bytes, int threads, double min_time_s);

/* One bandwidth sweep: every size timed by one team of `threads` threads,
 * with the widest vector loads this CPU has. */
typedef struct nnb_bw_sweep {
    const int64_t *sizes;    /* total working set per point, bytes */
    int n;
    double min_time_s;       /* per sample */
    int samples;             /* best of */
    bool do_read, do_triad;
    double *read_gbs, *triad_gbs; /* [n] results (triad without write-allocate) */
    /* called by one thread after each point (NULL: none) */
    void (*point_done)(void *ctx, int done, int total);
    void *ctx;
} nnb_bw_sweep;

/* Returns 0, or -1 when a thread's buffer could not be allocated, OpenMP
 * gave fewer threads or a stop signal came (util/signals.h: the team stops
 * between points). */
int nnb_ceil_bw_sweep(int threads, const nnb_bw_sweep *s);

#endif
