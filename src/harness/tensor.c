/* Tensors for one layer run: sizes from the layouts in tensor.h, 64-byte
 * aligned buffers touched first by the OpenMP threads that will use them,
 * and seeded fills that do not depend on the thread count (counter-based
 * RNG: every element's value is a hash of (seed, stream, index)). */
#include "nnbench/tensor.h"
#include "ops/op.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void nnb_tensor_sizes(const nnb_layer *l, int64_t *src, int64_t *wei, int64_t *bias,
                      int64_t *dst)
{
    nnb_op_counts c;
    char err[8];
    /* groups <= 0: not a finalized layer; its counts would divide by zero */
    bool ok = l->groups > 0 && nnb_op_count(l, &c, err, sizeof err) == 0;
    if (src) *src = ok ? c.src_elems : -1;
    if (wei) *wei = ok ? c.wei_elems : -1;
    if (bias) *bias = ok ? c.bias_elems : -1;
    if (dst) *dst = ok ? c.dst_elems : -1;
}

void *nnb_alloc(size_t bytes)
{
    if (bytes == 0) bytes = 64;
    if (bytes > SIZE_MAX - 63) return NULL;
    size_t rounded = (bytes + 63) & ~(size_t)63; /* aligned_alloc wants a multiple */
    return aligned_alloc(64, rounded);
}

void nnb_free(void *p) { free(p); }

/* Zero with the same static schedule the fill and most kernels use, so pages
 * land on the NUMA node of the thread that touches them first. */
static void first_touch(float *p, int64_t n)
{
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; i++) p[i] = 0.0f;
}

static float *alloc_floats(int64_t n, const char *what, char *err, size_t errlen, int *rc)
{
    if (n <= 0) return NULL;
    if ((uint64_t)n > SIZE_MAX / sizeof(float)) {
        snprintf(err, errlen, "%s tensor of %lld floats does not fit in memory", what,
                 (long long)n);
        *rc = -1;
        return NULL;
    }
    float *p = nnb_alloc((size_t)n * sizeof(float));
    if (!p) {
        snprintf(err, errlen, "cannot allocate %s tensor: %lld floats (%.1f MiB)", what,
                 (long long)n, (double)n * 4.0 / 1048576.0);
        *rc = -1;
        return NULL;
    }
    first_touch(p, n);
    return p;
}

int nnb_tensors_alloc(nnb_tensors *t, const nnb_layer *l, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    nnb_tensor_sizes(l, &t->src_elems, &t->wei_elems, &t->bias_elems, &t->dst_elems);
    if (t->src_elems < 0 || t->wei_elems < 0 || t->bias_elems < 0 || t->dst_elems < 0) {
        snprintf(err, errlen, "tensor sizes of this %s layer overflow int64",
                 nnb_op_name(l->op));
        return -1;
    }
    int rc = 0;
    t->src = alloc_floats(t->src_elems, "src", err, errlen, &rc);
    if (!rc) t->wei = alloc_floats(t->wei_elems, "weights", err, errlen, &rc);
    if (!rc) t->bias = alloc_floats(t->bias_elems, "bias", err, errlen, &rc);
    if (!rc) t->dst = alloc_floats(t->dst_elems, "dst", err, errlen, &rc);
    if (rc) nnb_tensors_free(t);
    return rc;
}

void nnb_tensors_free(nnb_tensors *t)
{
    nnb_free(t->src);
    nnb_free(t->wei);
    nnb_free(t->bias);
    nnb_free(t->dst);
    t->src = t->wei = t->bias = t->dst = NULL;
}

/* splitmix64 finaliser: a good 64-bit hash, so value(i) needs no state */
static inline uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* integer fill: uniform in [-m, m]; real fill: uniform in [-1, 1) */
static void fill_buf(float *p, int64_t n, uint64_t seed, uint64_t stream, nnb_fill fill, int64_t m)
{
    if (!p) return;
    uint64_t key = mix64(seed ^ mix64(stream));
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; i++) {
        uint64_t r = mix64(key + (uint64_t)i);
        if (fill == NNB_FILL_INT)
            p[i] = (float)((int64_t)(r % (uint64_t)(2 * m + 1)) - m);
        else
            p[i] = (float)((double)(r >> 40) * (1.0 / 16777216.0) * 2.0 - 1.0);
    }
}

void nnb_tensors_fill(nnb_tensors *t, const nnb_layer *l, nnb_fill fill, uint64_t seed)
{
    /* benchdnn's rule: with |src| <= ms, |wei| <= mw, |bias| <= mb and L terms,
     * every partial sum is bounded by L*ms*mw + mb; keeping that below 2^24
     * makes fp32 accumulation exact in any order, so kernels compare bit-exactly.
     * Ranges are capped small (src 4, wei 3, bias 8) like benchdnn's. */
    const double lim = 16777216.0 - 1.0;
    const nnb_op_info *op = nnb_op_get(l->op);
    int64_t L = op ? op->accum_len(l) : 1;
    if (L < 1) L = 1;
    int64_t ms = 4, mw = 3, mb = 8;
    if (op && op->fill_src_range) {
        ms = op->fill_src_range; /* sums of inputs only (pooling): no products to bound */
    } else {
        while ((double)L * ms * mw + mb > lim && (ms > 1 || mw > 1)) {
            if (ms >= mw) ms--; else mw--;
        }
        if ((double)L * ms * mw + mb > lim) mb = 0; /* L >= 2^24: exactness not guaranteed */
    }
    fill_buf(t->src, t->src_elems, seed, 1, fill, ms);
    fill_buf(t->wei, t->wei_elems, seed, 2, fill, mw);
    fill_buf(t->bias, t->bias_elems, seed, 3, fill, mb);
    if (t->dst) first_touch(t->dst, t->dst_elems);
}
