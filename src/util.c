#include "nnbench/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int nnb_errf(char *err, size_t len, const char *fmt, ...)
{
    if (err && len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, len, fmt, ap);
        va_end(ap);
    }
    return -1;
}

void nnb_copy_str(char *dst, size_t size, const char *src)
{
    if (!size) return;
    size_t n = strlen(src);
    if (n >= size) n = size - 1;
    memcpy(dst, src, n);
    dst[n] = 0;
}
