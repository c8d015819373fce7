/* `nnbench __count-child`: the process the valgrind counter backend runs
 * under callgrind (counters/valgrind.c builds its command line). */
#ifndef NNBENCH_CMD_COUNT_CHILD_H
#define NNBENCH_CMD_COUNT_CHILD_H

/* main.c dispatches argv[1] == NNB_COUNT_CHILD_ARG here, passing argc/argv
 * unchanged:
 *   nnbench __count-child --layer SPEC --kernel NAME --threads T --maps FILE
 *                         [--seed S]
 * Parses SPEC, allocates and integer-fills the tensors, then runs the
 * kernel exactly once with callgrind instrumentation on only around that
 * call, then copies /proc/self/maps to FILE. Returns the exit code (0, or 2
 * with one line on stderr). Outside valgrind it runs the same steps (a
 * cheap self-test). */
int nnb_count_child_main(int argc, char **argv);

#endif
