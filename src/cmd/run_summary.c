/* --summary TOOL (run_summary.h). */
#include "cmd/run_summary.h"

#include <stdio.h>
#include <string.h>

#include "harness/harness.h"
#include "report/summary.h"

const char *nnb_cmd_summary_refusal(const nnb_options *o)
{
    if (!o->model_name) return "--summary prints a network: give --model NAME";
    if (!nnb_summary_tool_find(o->summary_tool)) return "--summary takes torchsummary, torchinfo or torchstat";
    if (o->format != NNB_FMT_TABLE) return "--summary prints the tool's text layout: drop --format";
    if (o->out_file) return "--summary prints to stdout: drop --out";
    if (o->shard_n) return "--summary prints the whole network: drop --shard";
    return NULL;
}

int nnb_cmd_summary(const nnb_options *o, const nnb_net_list *net)
{
    char err[512] = "";
    nnb_torch_view v;
    const nnb_summary_tool *tool = nnb_summary_tool_find(o->summary_tool);
    int rc = nnb_torch_view_build(&v, o->model_name, net, o->mb ? o->mb : 1, err, sizeof err);
    if (!rc) {
        rc = tool->print(stdout, &v, o->mb != 0, err, sizeof err);
        nnb_torch_view_free(&v);
    }
    if (!rc) return 0;
    fprintf(stderr, "nnbench: %s\n", err);
    return NNB_EXIT_BAD_INPUT;
}
