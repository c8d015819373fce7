/* The one monotonic clock every stage times with. */
#ifndef NNBENCH_UTIL_CLOCK_H
#define NNBENCH_UTIL_CLOCK_H

#include <stddef.h>

/* CLOCK_MONOTONIC, in seconds. */
double nnb_now_s(void);
/* Unix seconds as "YYYY-MM-DD HH:MM UTC" (when a cached measurement was taken). */
void nnb_fmt_utc_minute(long long unix_s, char *buf, size_t len);

#endif
