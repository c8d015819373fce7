/* The ceilings cache: one text file per machine and thread count, so the
 * ceilings are measured once and every later run places against them. */
#ifndef NNBENCH_ROOFLINE_CACHE_H
#define NNBENCH_ROOFLINE_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "roofline/ceilings.h"

/* Results directory: $NNB_RESULTS_DIR, else the compile definition
 * NNB_RESULTS_DIR_DEFAULT, else <source tree>/results (from __FILE__),
 * else "results". */
const char *nnb_results_dir(void);
/* File path for a thread count: DIR/ceilings-<host>-<N>t.txt. */
int nnb_ceil_cache_path(const char *dir, int threads, char *buf, size_t len);
/* Whole-or-nothing write (util/atomic_file); 0 or -1 with err. */
int nnb_ceil_save(const char *path, const nnb_ceilings *c, char *err, size_t errlen);
/* 0 loaded; 1 file absent; -1 unreadable / malformed (err says where). */
int nnb_ceil_load(const char *path, nnb_ceilings *c, char *err, size_t errlen);

/* The harness's entry point: ceilings for `threads` from the cache under
 * the results directory when its key matches this machine, else measured
 * and cached (refresh: always measure). Progress on stderr while measuring.
 * Returns 0, or -1 with one line in err (a failure to write the cache only
 * warns on stderr). */
int nnb_ceilings_get(int threads, bool refresh, nnb_ceilings *c, char *err, size_t errlen);

#endif
