#include "util/appendf.h"

#include <stdarg.h>
#include <stdio.h>

int nnb_appendf(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + (*off < len ? *off : 0), *off < len ? len - *off : 0, fmt, ap);
    va_end(ap);
    if (n < 0) return -1;
    *off += (size_t)n;
    return 0;
}
