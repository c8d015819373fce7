/* --layer SPEC --sweep KEY=FROM:TO[:xSTEP|:+STEP] ...: the sweep's points
 * as the run's layers, and its picture. */
#ifndef NNBENCH_CMD_RUN_SWEEP_H
#define NNBENCH_CMD_RUN_SWEEP_H

#include "cmd/cli.h"
#include "report/sweep_plot.h"
#include "spec/spec.h"

/* One --sweep argument into o->sweep. -1 to go on, or exit code 2 with one line. */
int nnb_cmd_sweep_option(nnb_options *o, const char *arg);
/* Expands o->sweep over o->layer_spec and hands each valid point to push.
 * 0 or exit code 2 with one line. */
int nnb_cmd_sweep_layers(nnb_options *o, nnb_layer_fn push, void *ctx);
/* --plot FILE.svg of a sweep: the sweep picture (other extensions: the
 * observer's roofline points). 0 or exit code 2 with one line. */
int nnb_cmd_sweep_plot(const nnb_options *o, nnb_sweep_plot *sp, nnb_observer *obs);

#endif
