/* Small helpers every module shares: one-line error messages, truncating
 * string copies and the machine's physical memory. */
#ifndef NNBENCH_UTIL_H
#define NNBENCH_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Formats one line into err (if err && len) and returns -1. */
int nnb_errf(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Copies src (NULL: "") into dst[size], truncating; always terminates. */
void nnb_copy_str(char *dst, size_t size, const char *src);
/* Physical memory in bytes (sysconf pages x page size); 0 if unknown. */
int64_t nnb_phys_memory_bytes(void);
/* Length of the valid UTF-8 sequence at s (1-4), 0 if invalid. */
size_t nnb_utf8_len(const unsigned char *s);

#endif
