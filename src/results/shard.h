/* Shards: --shard I/N takes the I-th of N deterministic slices of a run's
 * layer list, so that a suite spreads over jobs or machines (Slurm arrays,
 * GNU parallel) and `nnbench report` merges the files. Slices are
 * contiguous and in order (shard 1 first), so shards merged in shard order
 * are the whole run in its own order. */
#ifndef NNBENCH_RESULTS_SHARD_H
#define NNBENCH_RESULTS_SHARD_H

#include <stddef.h>

#define NNB_SHARD_MAX 100000

/* "I/N", digits only, 1 <= I <= N <= NNB_SHARD_MAX. 0, or -1. */
int nnb_shard_parse(const char *s, int *i, int *n);
/* Shard i of n of count items: [*lo, *hi), possibly empty. */
void nnb_shard_range(size_t count, int i, int n, size_t *lo, size_t *hi);

#endif
