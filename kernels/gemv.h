/* Serial row-block matrix-vector product (kernels/gemv.c) on the context's
 * gemv rows micro-kernel. */
#ifndef NNBENCH_GEMV_H
#define NNBENCH_GEMV_H

#include <stdint.h>

#include "ukr/ukr.h" /* NNB_GEMV_RB */

/* y[o * ystride] = w[o*len :] . x (+ bias[o]) for o < rows; bias may be NULL.
 * No threading: callers hand each thread its own rows. */
void nnb_gemv_block(const float *w, int64_t len, const float *x, const float *bias, float *y, int64_t ystride,
                    int64_t rows);

#endif
