/* nnbench: dispatches argv[1] to a command (src/cmd/); nothing else. */
#include <string.h>

#include "cmd/cli.h"
#include "cmd/cmd_results.h"
#include "cmd/cmd_roofline.h"
#include "cmd/cmd_topo.h"
#include "cmd/count_child.h"
#include "cmd/run_onnx.h"
#include "cmd/validate.h"
#include "counters/counters.h"

static const struct {
    const char *name;
    int (*main)(int argc, char **argv); /* gets argv from the command's name on */
} commands[] = {
    {"topo", nnb_topo_main},
    {"roofline", nnb_roofline_main},
    {"validate", nnb_validate_main},
    {"report", nnb_report_main},
    {"compare", nnb_compare_main},
    {"onnx-nodes", nnb_onnx_nodes_main},
    {NNB_COUNT_CHILD_ARG, nnb_count_child_main},
};

int main(int argc, char **argv)
{
    if (argc > 1)
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
            if (strcmp(argv[1], commands[i].name) == 0) return commands[i].main(argc - 1, argv + 1);
    return nnb_cli_main(argc, argv); /* the run command: --layer, --batch, --model */
}
