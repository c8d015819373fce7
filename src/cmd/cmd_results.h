/* `nnbench report` and `nnbench compare`: stored results files (--out)
 * rendered or compared; nothing is measured. argv[0] is the subcommand's
 * name. Exit 0; 2 with one line on stderr for bad options or a file that
 * is not a results file nnbench reads ("FILE:LINE: reason"); compare
 * --fail-on-slower: 1 when a pair is slower beyond both spreads. */
#ifndef NNBENCH_CMD_RESULTS_H
#define NNBENCH_CMD_RESULTS_H

int nnb_report_main(int argc, char **argv);
/* "nnbench CMD: " and msg (one %s: arg) on stderr; returns 2. */
int nnb_results_cmd_bad(const char *cmd, const char *msg, const char *arg);
int nnb_compare_main(int argc, char **argv);

#endif
