/* Kernel registry. A kernel is a plain function over a layer and its
 * tensors: it never prints, never times itself and never knows which
 * counter backend runs (DESIGN.md). Kernels thread with OpenMP using
 * omp_get_max_threads(); the harness sets the thread count. */
#ifndef NNBENCH_KERNEL_H
#define NNBENCH_KERNEL_H

#include "nnbench/layer.h"
#include "nnbench/model.h"
#include "nnbench/tensor.h"

/* The work a kernel executes for one layer, as its plan runs it (LIKWID's
 * benchmark kernels declare theirs per iteration): the analytic count stays
 * the useful work; this is what the machine is asked to do. */
typedef struct nnb_work {
    double flops;        /* executed FLOPs, FMA = 2 (< 0: the kernel has no model
                            for this layer; why says so): lanes past a row end, padding
                            taps computed, col2im adds, GEMM alpha/beta passes */
    double bytes;        /* the traffic lower bound the kernel should reach:
                            bytes_min + what its algorithm adds (workspace) */
    double tolerance;    /* |measured / flops - 1| still "exact": 0.01 for our
                            kernels, 0.05 for library ones (OpenBLAS, oneDNN) */
    char why[256];       /* causes of flops != the analytic count, "; "-joined
                            ("" = the analytic count itself) */
    char bytes_why[256]; /* what bytes adds to bytes_min ("" = nothing) */
    double call_bytes;   /* the most a call adds by reading its descriptors cold: the
                            layer, its ISA's kernel context and the ISA statics, each
                            rounded out to whole lines (not part of the lower bound) */
} nnb_work;

#define NNB_WORK_TOLERANCE_OURS 0.01
#define NNB_WORK_TOLERANCE_LIBRARY 0.05

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
    /* The kernel's work model (NULL: the analytic count, dense with padding
     * taps and bias adds, as the reference executes it) for l run with
     * `threads` threads on ISA level `isa` (an nnb_isa, machine/isa.h: the
     * level the measured run took, e.g. AVX2 under valgrind), derived from
     * the same plan run follows. */
    void (*work)(const nnb_layer *l, const nnb_analytic *a, int threads, int isa, nnb_work *w);
    /* Optional: the results header key naming the library that is the whole
     * of this kernel's code ("software.onednn"). Two runs on one machine with
     * the same version of it ran the same code, so `compare` takes its pairs
     * as controls: they measure the machine's run-to-run variation. */
    const char *library_key;
} nnb_kernel;

#define NNB_FLOPS_TOLERANCE_DEFAULT 0.02

/* k's flops_tolerance; the default for NULL or an unset one */
static inline double nnb_kernel_flops_tolerance(const nnb_kernel *k)
{
    return k && k->flops_tolerance > 0 ? k->flops_tolerance : NNB_FLOPS_TOLERANCE_DEFAULT;
}

/* k's work model for l (k->work, or the analytic count when it has none) */
void nnb_kernel_work(const nnb_kernel *k, const nnb_layer *l, const nnb_analytic *a, int threads, int isa,
                     nnb_work *w);

/* The kernels' shared one-time set-up (ISA detection, per-ISA contexts),
 * then k->prepare(l, t, ws) where the kernel has one: call it before the
 * runs that are timed or counted. */
void nnb_kernel_prepare(const nnb_kernel *k, const nnb_layer *l, const nnb_tensors *t, void *ws);

/* All registered kernels, reference first. */
const nnb_kernel *const *nnb_kernels(size_t *count);
const nnb_kernel *nnb_kernel_find(const char *name);
/* Why a name is not a kernel of this build: " (built without oneDNN: ...)", or a
 * typo's "; did you mean 'direct'?", else "". */
const char *nnb_kernel_unavailable(const char *name);

#endif
