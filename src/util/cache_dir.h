/* The per-user cache directory ($XDG_CACHE_HOME/nnbench, else
 * ~/.cache/nnbench): measurements that depend only on the machine (the
 * roofline ceilings) or on the machine and the exact binaries (valgrind
 * counts) are kept there, never in the source tree. */
#ifndef NNBENCH_UTIL_CACHE_DIR_H
#define NNBENCH_UTIL_CACHE_DIR_H

#include <stddef.h>
#include <stdint.h>

/* The directory's path (not created). 0, or -1 when neither variable is an
 * absolute path (XDG: a relative $XDG_CACHE_HOME is invalid and ignored). */
int nnb_cache_dir(char *buf, size_t len);
/* mkdir -p. 0 or -1 (errno set). */
int nnb_mkdir_p(const char *dir);
/* FNV-1a, 64 bits: a stable file name for a key of any length. */
uint64_t nnb_fnv1a64(const char *key);

#endif
