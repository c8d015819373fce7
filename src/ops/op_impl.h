/* Shared by the op family files only (conv.c, fc.c, pool.c, ...): the
 * checked products and the helpers two families use. */
#ifndef NNBENCH_OP_IMPL_H
#define NNBENCH_OP_IMPL_H

#include <stdarg.h>
#include <stdio.h>

#include "ops/op.h"
#include "util/checked.h"

/* Product of count int64 factors into *r; false (and *r unchanged) on overflow. */
static inline bool prod(int64_t *r, int count, ...)
{
    va_list ap;
    va_start(ap, count);
    int64_t acc = 1;
    bool ok = true;
    for (int i = 0; i < count; i++) {
        int64_t f = va_arg(ap, int64_t);
        if (ok && !nnb_mul_ok(acc, f, &acc)) ok = false;
    }
    va_end(ap);
    if (ok) *r = acc;
    return ok;
}

/* One line naming, in words, the count a CHECKED expression computes:
 * "conv: the input's element count overflows 64 bits". */
void nnb_op_overflow(const nnb_layer *l, const char *expr, char *err, size_t len);

/* Refuses the layer naming the count that overflowed (needs l, err, len). */
#define CHECKED(expr)                                                                                   \
    do {                                                                                                \
        if (!(expr)) {                                                                                  \
            nnb_op_overflow(l, #expr, err, len);                                                        \
            return -1;                                                                                  \
        }                                                                                               \
    } while (0)

/* ptflops reports a model's mean per image: the module hooks' total divided
 * by the batch (pytorch_engine.py compute_average_flops_cost) */
static inline double nnb_per_image(const nnb_layer *l, double total) { return total / (double)l->n; }

/* conv, deconv and fc: the MAC-counting tools' rules (2 x MACs, valid taps,
 * output-based, bias adds) */
void nnb_op_tools_macs(const nnb_layer *l, const nnb_tool_terms *t, double v[NNB_TOOL_COUNT]);
/* conv, deconv, pooling: "conv 1x64x56x56 -> 1x64x56x56, 3x3 s1 p1 ..." */
int nnb_op_describe_window(const nnb_layer *l, char *buf, size_t len);
/* sequence ops (lstm, embed): h = time steps or tokens, w unused */
int nnb_op_shape_sequence(nnb_layer *l, char *err, size_t len);
/* element-wise ops and copies: an output sums nothing */
int64_t nnb_op_accum_one(const nnb_layer *l);
/* 4-d NCHW shape */
static inline nnb_shape nnb_shape4(int64_t a, int64_t b, int64_t c, int64_t d)
{
    return (nnb_shape){4, {a, b, c, d}};
}

#endif
