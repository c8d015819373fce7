/* The one cache-evict buffer. Reading a buffer larger than the last-level
 * cache pushes a kernel's data out of every cache level, so the next run
 * starts from memory (a cold run). The buffer is written once, at
 * allocation, and flushed (clflush): sweeps only read, so they leave no
 * dirty line for the kernel's misses to write back. Used by the timing loop (--cold), the
 * papi backend and the valgrind child before their counted runs. */
#ifndef NNBENCH_MACHINE_EVICT_H
#define NNBENCH_MACHINE_EVICT_H

#include <stdint.h>

/* 4 x the last-level cache (hwloc topology): enough for an LRU-like
 * replacement to have dropped every line; 64 MiB when the topology does
 * not know the cache. */
#define NNB_EVICT_LLC_FACTOR 4
#define NNB_EVICT_FALLBACK_BYTES ((int64_t)64 << 20)

typedef struct nnb_evict {
    volatile char *buf;
    int64_t bytes;
} nnb_evict;

/* NNB_EVICT_LLC_FACTOR x the last-level cache size, or the fallback. */
int64_t nnb_evict_default_bytes(void);

/* Allocates, first-touches and flushes the buffer; bytes <= 0 means the default.
 * Returns 0, or -1 when the memory could not be allocated. */
int nnb_evict_init(nnb_evict *e, int64_t bytes);
/* Reads one byte per 64-byte line of the whole buffer (no writes). */
void nnb_evict_touch(nnb_evict *e);
void nnb_evict_free(nnb_evict *e);

/* init + touch + free with the default size: one cold start. Silently does
 * nothing when the memory is not there (the run is then merely warmer). */
void nnb_evict_caches(void);

#endif
