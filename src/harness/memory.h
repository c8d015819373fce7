/* What one layer's run needs in memory, worked out before anything is
 * allocated, and the refusal when that is more than the machine has free
 * (MemAvailable) or the user allows (--max-mem). */
#ifndef NNBENCH_HARNESS_MEMORY_H
#define NNBENCH_HARNESS_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nnbench/run.h"

typedef struct nnb_mem_need {
    int64_t tensors_bytes;   /* src, weights, bias, dst */
    int64_t check_bytes;     /* reference output and error bound; with the check, |src|, |wei|, |bias| */
    int64_t workspace_bytes; /* the largest selected kernel's at the thread count, or the checking
                                reference's (one shared buffer, per-thread parts included) */
    int64_t evict_bytes;     /* --cold: the cache-flush buffer */
    int64_t child_bytes;     /* a counter that re-runs the kernel in a child (valgrind): its own tensors
                                and workspace, plus valgrind's own ~256 MiB */
    int64_t total_bytes;     /* the sum (saturates at INT64_MAX) */
} nnb_mem_need;

/* The need of running ks[0..nk) on rep's layer with o; check_ref: the
 * reference kernel when the check runs (it runs, on one thread, even when
 * it is not one of ks), else NULL. */
void nnb_mem_plan(const nnb_run_opts *o, const nnb_layer_report *rep, const nnb_kernel *const *ks, size_t nk,
                  const nnb_kernel *check_ref, nnb_mem_need *need);

/* Memory free for a new run: /proc/meminfo's MemAvailable, else physical
 * memory; *source names which. 0 when neither is known. */
int64_t nnb_mem_available_bytes(const char **source);

/* 0 when need fits in the available memory and in max_bytes (0: no
 * limit); else NNB_EXIT_BAD_INPUT with one line in err naming the need,
 * e.g. "layer needs 37.2 GiB (tensors 30.1, workspace 7.1), 21.3 GiB
 * available (MemAvailable)". */
int nnb_mem_check(const nnb_mem_need *need, int64_t max_bytes, char *err, size_t len);

/* Whether the counter backend `counters` (auto/papi/valgrind/none, NULL:
 * auto) chooses for l re-runs the kernel in a child process. */
bool nnb_mem_counts_in_child(const char *counters, const nnb_layer *l);

#endif
