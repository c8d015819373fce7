/* A measured network (--model NAME without --analytic): one row per
 * distinct layer with its best kernel, and the network's totals. Works on
 * nnb_layer_report records alone (in_net, index, repeat), so a stored run
 * renders as a live one. */
#ifndef NNBENCH_REPORT_NET_SUMMARY_H
#define NNBENCH_REPORT_NET_SUMMARY_H

#include <stdio.h>

#include "nnbench/results.h"
#include "report/report.h"

typedef struct nnb_net_run_totals {
    double time_s;                     /* sum over distinct layers of best median_s x repeat */
    double flops_timed;                /* sum over the timed distinct layers of flops x repeat */
    double gflops;                     /* flops_timed / time_s / 1e9 */
    double time_by_op_s[NNB_OP_COUNT]; /* time_s split by op */
    size_t timed, untimed;             /* distinct layers with / without a best kernel */
    int64_t timed_layers;              /* network layers those stand for (sum of repeats) */
    double time_p25_s, time_p75_s;     /* the same sum over the best kernels' quartiles */
    size_t disturbed;                  /* distinct layers whose best kernel's timing was disturbed */
} nnb_net_run_totals;

/* The layer's best result: the smallest median among kernels whose check
 * did not fail; NULL when none ran. */
const nnb_result *nnb_net_best(const nnb_layer_report *r);
void nnb_net_run_totals_compute(const nnb_layer_report *reps, size_t n, nnb_net_run_totals *t);

/* The network table (one row per timed distinct layer, then what was not
 * timed and the totals), or the summary record in JSON; CSV rows are the
 * layers' own. params/macs/flops/layers: the network's analytic sums. */
void nnb_net_report(FILE *f, nnb_format fmt, const char *model, const nnb_layer_report *reps, size_t n,
                    const int64_t sums[3], size_t layers);

/* The whole output of a measured network, live or stored: the layers'
 * records (JSON, CSV) or the network table, then the summary. */
void nnb_net_run_report(FILE *f, nnb_format fmt, const char *model, const nnb_layer_report *reps, size_t n,
                        const int64_t sums[3], size_t layers);

#endif
