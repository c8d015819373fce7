/* --model NAME --summary TOOL: the network in torchsummary's, torchinfo's
 * or torchstat's layout (report/summary.h); runs nothing. */
#ifndef NNBENCH_CMD_RUN_SUMMARY_H
#define NNBENCH_CMD_RUN_SUMMARY_H

#include "cmd/cli.h"
#include "net/builder.h"

/* The option combination --summary allows: NULL, or the one line why not. */
const char *nnb_cmd_summary_refusal(const nnb_options *o);
/* Prints o->model_name's layers (net) as o->summary_tool does; 0 or 2. */
int nnb_cmd_summary(const nnb_options *o, const nnb_net_list *net);

#endif
