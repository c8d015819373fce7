/* `nnbench roofline`: ceilings of this machine, measured or from the cache. */
#ifndef NNBENCH_CMD_ROOFLINE_H
#define NNBENCH_CMD_ROOFLINE_H

/* `nnbench roofline [--threads N] [--refresh] [--plot FILE.svg] [--csv FILE]
 * [--format table|json] [--quick]`; argv[0] is the subcommand name.
 * Without --threads: 1 thread and all cores. Returns an exit code. */
int nnb_roofline_main(int argc, char **argv);

#endif
