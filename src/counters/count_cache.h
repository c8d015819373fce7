/* The count cache: a valgrind count is a deterministic function of what
 * runs (the nnbench binary and every library it maps, the environment that
 * steers them, valgrind and its simulated caches, the machine) and of what
 * is asked (layer, kernel, threads). Counting costs ~6 s per kernel (the
 * FMAs are emulated in software by valgrind 3.19), so a count is stored
 * under the whole of that identity, as the ceilings are, and reused only
 * when every part of it is unchanged: a rebuilt binary, an upgraded
 * library, another OPENBLAS_CORETYPE or another machine counts again.
 * --recount always counts again (and stores the new count). */
#ifndef NNBENCH_COUNTERS_COUNT_CACHE_H
#define NNBENCH_COUNTERS_COUNT_CACHE_H

#include <stddef.h>

#include "counters/counters.h"

/* Appends to key what else a counted child depends on: each executable
 * object this process maps (the same binary and libraries the child
 * runs), identified by path, device, inode, size and modification time;
 * the environment variables that steer OpenMP, OpenBLAS, oneDNN, the
 * loader and nnbench (sorted); the machine key. 0, or -1 when the objects
 * could not all be read or the key does not fit (then nothing may be reused). */
int nnb_count_key_runtime(char *key, size_t len, size_t *off);
/* "path dev:inode size mtime_ns" of a file ("path ?" if it cannot be stat'ed). */
void nnb_count_key_file(char *key, size_t len, size_t *off, const char *path);

/* The stored count for key: 0 with *c filled (c->counted_unix set), 1 when
 * there is none, -1 when the file is unreadable or incomplete (one line on
 * stderr; the caller counts again and the store replaces it). */
int nnb_count_cache_load(const char *key, nnb_counts *c);
/* Stores c under key, whole or not at all (a warning on stderr when it
 * cannot: the count itself stands). */
void nnb_count_cache_store(const char *key, const nnb_counts *c);
/* The file the count for key is kept in. 0, or -1 without a cache directory. */
int nnb_count_cache_path(const char *key, char *path, size_t len);

#endif
