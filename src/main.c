/* nnbench: thin entry point; subcommands dispatch to their modules. */
#include <string.h>

#include "cmd/cli.h"
#include "counters/counters.h"
#include "cmd/cmd_roofline.h"
#include "cmd/cmd_topo.h"
#include "cmd/validate.h"

int main(int argc, char **argv)
{
    if (argc > 1) {
        const char *cmd = argv[1];
        if (strcmp(cmd, "topo") == 0) return nnb_topo_main(argc - 1, argv + 1);
        if (strcmp(cmd, "roofline") == 0) return nnb_roofline_main(argc - 1, argv + 1);
        if (strcmp(cmd, "validate") == 0) return nnb_validate_main(argc - 1, argv + 1);
        if (strcmp(cmd, "__count-child") == 0) return nnb_count_child_main(argc - 1, argv + 1);
    }
    return nnb_cli_main(argc, argv);
}
