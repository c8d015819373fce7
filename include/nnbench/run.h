/* The harness: one layer -> analytic model -> every selected kernel checked,
 * timed and counted -> nnb_result rows (nnbench/results.h) for the report. */
#ifndef NNBENCH_RUN_H
#define NNBENCH_RUN_H

#include <stdbool.h>

#include "nnbench/kernel.h"
#include "nnbench/measure.h"
#include "nnbench/results.h"

/* What one run of the harness over a layer needs: the command line's
 * options reduced to the harness's own. */
typedef struct nnb_run_opts {
    const char *kernels;      /* a,b | all | fast (NULL: all that support the layer) */
    const char *dump_dir;     /* write inputs, outputs and layer.json here (NULL: no dump) */
    bool check;               /* compare every kernel with the reference first */
    bool time_prepare;        /* a kernel's prepare inside every timed run */
    bool quiet;               /* no per-kernel lines on stderr (a progress bar shows the run) */
    int threads;              /* OpenMP threads the kernels run with (>= 1) */
    nnb_measure_opts measure;
    int64_t max_mem_bytes;    /* refuse a layer that needs more (--max-mem; 0: available memory only) */
    bool count_child;         /* counting re-runs each kernel in a child process: its memory counts too */
} nnb_run_opts;

/* check on, all kernels, one thread, default timing */
void nnb_run_opts_defaults(nnb_run_opts *o);

#endif
