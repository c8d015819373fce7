/* --model NAME without --analytic: the network's distinct layers measured
 * once each, counted by multiplicity, then the network table. */
#ifndef NNBENCH_CMD_RUN_MODEL_H
#define NNBENCH_CMD_RUN_MODEL_H

#include <stdio.h>

#include "cmd/cli.h"

/* Model-run timing unless --reps/--min-time say otherwise: a network has
 * dozens of layers, so each kernel gets a short budget (stated on stderr). */
enum { NNB_MODEL_MIN_REPS = 5 }; /* 5 a side: the least that lets compare's test call a change (p < 0.01) */
#define NNB_MODEL_MIN_TIME_S 0.05

/* layers[0..n) of o->model_name: the report in o->format on out and, when
 * store is not NULL (a results file), the same records as JSON there.
 * Returns 0 or an exit code (*status: 1 when a check failed). */
int nnb_run_model(const nnb_options *o, const nnb_layer *layers, size_t n, nnb_observer *obs, FILE *out,
                  FILE *store, int *status);

#endif
