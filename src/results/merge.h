/* Which stored files make one report (nnbench report FILE...), in what
 * order. Several files merge into one table when they are one suite:
 *   - all measured, or all --analytic;
 *   - from one kind of machine and one build: the headers agree on every
 *     identity key (reader.h: CPU, ISA, cores, caches, OS; nnbench, git,
 *     compiler and flags, OpenBLAS, PAPI, hwloc, valgrind, oneDNN). The
 *     host, memory size and cpuset may differ: shards of a Slurm array run
 *     on several nodes, or on different cores of one;
 *   - either all shards of one run (the same command line but for --shard
 *     and --out, one shard count N, each shard 1..N exactly once; merged in
 *     shard order, which is the run's order),
 *   - or none a shard (rendered one after another, in the order given).
 * One file alone, a shard too, is shown as it is.
 * Anything else is refused with one line naming the two files and what differs:
 * runs from different machines or builds are for `nnbench compare`. */
#ifndef NNBENCH_RESULTS_MERGE_H
#define NNBENCH_RESULTS_MERGE_H

#include <stddef.h>

#include "results/reader.h"

/* order[0..n) gets the files' indices in report order. 0, or -1 with one
 * line in err. */
int nnb_results_merge_order(const nnb_results_file *f, size_t n, size_t *order, char *err, size_t len);

/* True when the two command lines are the same run: argv[0], --shard and
 * --out (with their values) aside. */
int nnb_results_same_run(const nnb_results_header *a, const nnb_results_header *b);

#endif
