/* Checked int64 arithmetic on sizes: every product or sum of layer sizes goes
 * through these, so a layer whose counts overflow is refused, never wrapped. */
#ifndef NNBENCH_CHECKED_H
#define NNBENCH_CHECKED_H

#include <stdbool.h>
#include <stdint.h>

/* false on overflow (*r unchanged) */
static inline bool nnb_mul_ok(int64_t a, int64_t b, int64_t *r)
{
    int64_t t;
    if (__builtin_mul_overflow(a, b, &t)) return false;
    *r = t;
    return true;
}

static inline bool nnb_add_ok(int64_t a, int64_t b, int64_t *r)
{
    int64_t t;
    if (__builtin_add_overflow(a, b, &t)) return false;
    *r = t;
    return true;
}

#endif
