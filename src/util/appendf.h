/* Appending printf into a fixed buffer: *off advances by what would have been
 * written, so the caller sees truncation as *off >= len at the end. */
#ifndef NNBENCH_APPENDF_H
#define NNBENCH_APPENDF_H

#include <stddef.h>

int nnb_appendf(char *buf, size_t len, size_t *off, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
