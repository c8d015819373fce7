/* Kernel registry. A kernel is a plain function over a layer and its
 * tensors: it never prints, never times itself and never knows which
 * counter backend runs (DESIGN.md). Kernels thread with OpenMP using
 * omp_get_max_threads(); the harness sets the thread count. */
#ifndef NNBENCH_KERNEL_H
#define NNBENCH_KERNEL_H

#include "nnbench/layer.h"
#include "nnbench/tensor.h"

typedef struct nnb_kernel {
    const char *name;   /* "reference", "im2col_gemm", "direct", ... */
    const char *desc;   /* one line for --list-kernels */
    /* How far the FLOPs the kernel executes may stray from the analytic
     * count, as |executed / analytic - 1|: our own kernels execute the dense
     * count up to edge tiles (0.02); OpenBLAS adds packing and edge-tile
     * work of its own (0.05). 0: NNB_FLOPS_TOLERANCE_DEFAULT. */
    double flops_tolerance;
    /* true when the kernel computes this layer exactly as the reference does */
    bool (*supports)(const nnb_layer *l);
    /* scratch bytes the kernel needs for this layer and thread count (0 = none) */
    int64_t (*workspace_bytes)(const nnb_layer *l, int nthreads);
    /* Optional (NULL: nothing to do). Called whenever the weights change and
     * before run: puts the kernel's own form of the weights (a blocked or
     * transposed copy) into ws, which run then only reads. It stays outside
     * the timed region, as benchdnn times a primitive whose weights were
     * reordered at creation; the harness reports its time as prepare_s. */
    void (*prepare)(const nnb_layer *l, const nnb_tensors *t, void *ws);
    /* dst = op(src, wei, bias); ws is workspace_bytes() bytes, 64-byte
     * aligned, holding what prepare (if any) wrote for these weights */
    void (*run)(const nnb_layer *l, const nnb_tensors *t, void *ws);
    /* Optional (NULL: none), for kernels with their own layouts (oneDNN).
     * The harness brackets its timed and counted runs with timed(.., true)
     * and timed(.., false): inside, run may leave dst in the kernel's layout
     * (benchdnn times the primitive alone); the closing call puts t->dst in
     * NCHW. Outside the bracket run always leaves NCHW in t->dst. */
    void (*timed)(const nnb_layer *l, const nnb_tensors *t, void *ws, bool begin);
    /* Optional: the implementation chosen for l after prepare, e.g. oneDNN's
     * "jit:avx512_core" ("" or NULL: the kernel is its own implementation) */
    const char *(*impl)(const nnb_layer *l);
} nnb_kernel;

#define NNB_FLOPS_TOLERANCE_DEFAULT 0.02

/* k's flops_tolerance; the default for NULL or an unset one */
static inline double nnb_kernel_flops_tolerance(const nnb_kernel *k)
{
    return k && k->flops_tolerance > 0 ? k->flops_tolerance : NNB_FLOPS_TOLERANCE_DEFAULT;
}

/* k->prepare(l, t, ws) where the kernel has one */
void nnb_kernel_prepare(const nnb_kernel *k, const nnb_layer *l, const nnb_tensors *t, void *ws);

/* All registered kernels, reference first. */
const nnb_kernel *const *nnb_kernels(size_t *count);
const nnb_kernel *nnb_kernel_find(const char *name);
/* Why a known kernel is not in this build (" (built without oneDNN: ...)"), else "". */
const char *nnb_kernel_unavailable(const char *name);

#endif
