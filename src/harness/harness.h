/* Harness entry points used by the CLI: one layer's kernels checked,
 * timed and counted into its nnb_layer_report. */
#ifndef NNBENCH_HARNESS_H
#define NNBENCH_HARNESS_H

#include "nnbench/run.h"
#include "util/util.h"

enum { NNB_EXIT_OK = 0, NNB_EXIT_CHECK_FAILED = 1, NNB_EXIT_BAD_INPUT = 2 };

/* One line into err, evaluating to the bad-input exit code. */
#define nnb_bad_input(err, len, ...) (nnb_errf((err), (len), __VA_ARGS__), NNB_EXIT_BAD_INPUT)

int nnb_layer_report_init(nnb_layer_report *r, const nnb_layer *l, char *err, size_t len);
void nnb_layer_report_free(nnb_layer_report *r);

/* Called after each kernel is timed, to fill the counter and roofline
 * fields of x. Returns 0 or an exit code with err set. */
typedef int (*nnb_counter_hook)(void *ctx, const nnb_layer_report *rep, const nnb_kernel *k,
                                const nnb_tensors *t, void *ws, nnb_result *x, char *err, size_t len);

/* Runs every selected kernel on rep->layer, filling rep->results.
 * Returns 0, NNB_EXIT_CHECK_FAILED (results still filled) or
 * NNB_EXIT_BAD_INPUT with err set. */
int nnb_run_layer(const nnb_run_opts *o, nnb_layer_report *rep, nnb_counter_hook count, void *count_ctx,
                  char *err, size_t len);

/* The same over an explicit kernel list (at most 64); the reference kernel
 * from the registry is the oracle. */
int nnb_run_kernels(const nnb_run_opts *o, nnb_layer_report *rep, const nnb_kernel *const *ks, size_t nk,
                    nnb_counter_hook count, void *count_ctx, char *err, size_t len);

#endif
