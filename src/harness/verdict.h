/* Verdicts of a kernel's counts against its own work model (nnb_kernel.work):
 * exact, explained (the model names why it differs from the analytic count),
 * unexplained (the count differs from the model: a real finding). */
#ifndef NNBENCH_VERDICT_H
#define NNBENCH_VERDICT_H

#include "nnbench/kernel.h"
#include "nnbench/results.h"

/* Copies w into x (work_*, useful_fraction) and, for what x counted, sets
 * verdict_work_flops / verdict_work_bytes with their why. */
void nnb_work_verdicts(const nnb_analytic *a, const nnb_work *w, nnb_result *x);

struct nnb_counts;
/* Copies a backend's traffic split (fetches, runtime, unaligned) into x. */
void nnb_result_traffic(nnb_result *x, const struct nnb_counts *c);

#endif
