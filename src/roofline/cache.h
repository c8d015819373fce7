/* The ceilings cache: one text file per machine and thread count, so the
 * ceilings are measured once and every later run places against them. */
#ifndef NNBENCH_ROOFLINE_CACHE_H
#define NNBENCH_ROOFLINE_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "roofline/ceilings.h"

/* The cache file of this machine for a thread count:
 * DIR/ceilings-<FNV-1a 64 of the machine key, hex>-<N>t.txt (the key
 * itself is inside the file and checked on load). 0 or -1. */
int nnb_ceil_cache_path(int threads, char *buf, size_t len);
/* Whole-or-nothing write (util/atomic_file); 0 or -1 with err. */
int nnb_ceil_save(const char *path, const nnb_ceilings *c, char *err, size_t errlen);
/* 0 loaded; 1 file absent; -1 unreadable / malformed (err says where). */
int nnb_ceil_load(const char *path, nnb_ceilings *c, char *err, size_t errlen);

/* Cached ceilings for `threads` of this machine: 0 loaded, 1 none cached
 * (or cached for another machine), -1 unreadable (err says why). */
int nnb_ceilings_cached(int threads, nnb_ceilings *c, char *err, size_t errlen);
/* A run's ceilings: cached, else measured once now with a line saying so
 * (and progress) on stderr, and cached. 0, or -1 with err. */
/* Whether c is consistent (issue 24): no memory level more than 10% faster
 * than the level above it, no N-thread peak below 90% of the cached
 * 1-thread one. false with why when not. */
bool nnb_ceil_check(const nnb_ceilings *c, char *why, size_t len);

int nnb_ceilings_for_run(int threads, nnb_ceilings *c, char *err, size_t errlen);
/* `nnbench roofline --import FILE`: a ceilings file (e.g. a committed
 * reference) stored as this machine's for its thread count; says so on stderr. */
int nnb_ceilings_import(const char *file, nnb_ceilings *c, char *err, size_t errlen);
/* The harness's entry point: ceilings for `threads` from the per-user cache
 * when its key matches this machine, else measured and cached (refresh:
 * always measure). Progress on stderr while measuring.
 * Returns 0, or -1 with one line in err (a failure to write the cache only
 * warns on stderr). */
int nnb_ceilings_get(int threads, bool refresh, nnb_ceilings *c, char *err, size_t errlen);

#endif
