/* Tensors for one layer run: aligned, first-touch (touched by the threads
 * that will use them), seeded fills. Layouts are NCHW; weights as PyTorch:
 * conv [k][c/g][kh][kw], deconv [c][k/g][kh][kw], fc [k][c*h*w]. */
#ifndef NNBENCH_TENSOR_H
#define NNBENCH_TENSOR_H

#include "nnbench/layer.h"

typedef struct nnb_tensors {
    float *src, *wei, *bias, *dst;
    int64_t src_elems, wei_elems, bias_elems, dst_elems;
} nnb_tensors;

typedef enum {
    NNB_FILL_INT = 0,   /* small integers: every fp32 sum is exact (benchdnn) */
    NNB_FILL_REAL       /* uniform reals in [-1, 1) */
} nnb_fill;

/* Element counts the layer needs (its op's checked counts; -1 when they overflow). */
void nnb_tensor_sizes(const nnb_layer *l, int64_t *src, int64_t *wei, int64_t *bias,
                      int64_t *dst);

/* Allocates 64-byte aligned buffers; -1 with a message if they do not fit. */
int nnb_tensors_alloc(nnb_tensors *t, const nnb_layer *l, char *err, size_t errlen);
void nnb_tensors_free(nnb_tensors *t);

/* Deterministic fill of src, wei, bias from seed; dst is zeroed.
 * Integer fill ranges are chosen from the accumulation length so that
 * |partial sums| < 2^24 and fp32 accumulation is exact in any order. */
void nnb_tensors_fill(nnb_tensors *t, const nnb_layer *l, nnb_fill fill, uint64_t seed);

/* 64-byte aligned allocation (NULL on failure or overflow); free with nnb_free. */
void *nnb_alloc(size_t bytes);
void nnb_free(void *p);

#endif
