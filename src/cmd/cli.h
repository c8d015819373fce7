/* Command line: parse options, then plan -> run -> report. */
#ifndef NNBENCH_CLI_H
#define NNBENCH_CLI_H

/* Runs `nnbench [options]`; returns the process exit code. */
int nnb_cli_main(int argc, char **argv);

#endif
