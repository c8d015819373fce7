/* --shard I/N (shard.h). */
#include "results/shard.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int parse_part(const char *s, size_t len, int *out)
{
    if (len == 0 || len > 6 || strspn(s, "0123456789") < len) return -1;
    char buf[8];
    memcpy(buf, s, len);
    buf[len] = 0;
    *out = atoi(buf);
    return 0;
}

int nnb_shard_parse(const char *s, int *i, int *n)
{
    const char *slash = strchr(s, '/');
    if (!slash || parse_part(s, (size_t)(slash - s), i) || parse_part(slash + 1, strlen(slash + 1), n)) return -1;
    return *i >= 1 && *n >= 1 && *i <= *n && *n <= NNB_SHARD_MAX ? 0 : -1;
}

void nnb_shard_range(size_t count, int i, int n, size_t *lo, size_t *hi)
{
    /* floor((i-1) * count / n) .. floor(i * count / n): sizes differ by at most one */
    *lo = (size_t)((unsigned long long)(i - 1) * count / (unsigned long long)n);
    *hi = (size_t)((unsigned long long)i * count / (unsigned long long)n);
}
