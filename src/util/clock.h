/* The one monotonic clock every stage times with. */
#ifndef NNBENCH_UTIL_CLOCK_H
#define NNBENCH_UTIL_CLOCK_H

/* CLOCK_MONOTONIC, in seconds. */
double nnb_now_s(void);

#endif
