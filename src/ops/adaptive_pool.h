/* PyTorch's adaptive pooling windows (aten AdaptiveAveragePooling.cpp
 * start_index / end_index): output i of out pools input [start, end) of
 * in. Shared by the op (ops/adaptive_pool.c) and the reference kernel. */
#ifndef NNBENCH_OPS_ADAPTIVE_POOL_H
#define NNBENCH_OPS_ADAPTIVE_POOL_H

#include <stdint.h>

/* floor(i * in / out) */
static inline int64_t nnb_adaptive_start(int64_t i, int64_t in, int64_t out) { return i * in / out; }
/* ceil((i + 1) * in / out) */
static inline int64_t nnb_adaptive_end(int64_t i, int64_t in, int64_t out) { return ((i + 1) * in + out - 1) / out; }

#endif
