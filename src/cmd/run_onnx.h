/* --model FILE.onnx in the run command (run_onnx.c), and `nnbench
 * onnx-nodes FILE`: every node's inferred shapes and what nnbench makes of
 * it. */
#ifndef NNBENCH_CMD_RUN_ONNX_H
#define NNBENCH_CMD_RUN_ONNX_H

#include <stdio.h>

#include "cmd/cli.h"
#include "cmd/skipped.h"
#include "net/onnx/onnx.h"

/* o->model_name (an .onnx path) into m; its layers moved into *net; each
 * node not modelled pushed to *skipped (a "skipped" record in JSON). 0, or
 * -1 with one line in err. */
int nnb_cmd_onnx_load(const nnb_options *o, nnb_onnx_model *m, nnb_net_list *net, nnb_skipped *skipped, char *err,
                      size_t len);
/* table and CSV: the nodes not modelled, one row each, and their share;
 * stderr: the count and share, once */
void nnb_cmd_onnx_report(FILE *out, nnb_format fmt, const nnb_onnx_model *m);
/* nnbench onnx-nodes FILE [--mb N] [--input NAME=DIMS]... */
int nnb_onnx_nodes_main(int argc, char **argv);

#endif
