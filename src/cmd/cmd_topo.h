/* `nnbench topo`: the machine as hwloc and the ISA detection see it. */
#ifndef NNBENCH_CMD_TOPO_H
#define NNBENCH_CMD_TOPO_H

/* `nnbench topo [--format table|json]`; argv[0] is the subcommand name.
 * Returns an exit code (2 on bad options, one line on stderr). */
int nnb_topo_main(int argc, char **argv);

#endif
