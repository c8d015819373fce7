/* Small helpers every module shares: one-line error messages and
 * truncating string copies. */
#ifndef NNBENCH_UTIL_H
#define NNBENCH_UTIL_H

#include <stddef.h>

/* Formats one line into err (if err && len) and returns -1. */
int nnb_errf(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Copies src into dst[size], truncating; always terminates. */
void nnb_copy_str(char *dst, size_t size, const char *src);

#endif
