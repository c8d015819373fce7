/* Helpers shared by the kernels' registrations (nnb_kernel initialisers). */
#ifndef NNBENCH_KERNELS_H
#define NNBENCH_KERNELS_H

#include "nnbench/kernel.h"

/* workspace_bytes of a kernel that needs no scratch: 0 */
int64_t nnb_kernel_no_workspace(const nnb_layer *l, int nthreads);

/* ---- work models (work.c) ---- */

/* w = the analytic count (flops, bytes_min) with tolerance; no causes yet */
void nnb_work_start(nnb_work *w, const nnb_analytic *a, double tolerance);
/* appends one cause to why ("; "-joined), printf-style */
void nnb_work_cause(char *why, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* the bias is the accumulators' start value: no bias adds executed */
void nnb_work_bias_folded(nnb_work *w, const nnb_analytic *a);
/* the kernel's own buffers (packed copies, column chunks): bytes written
 * once on top of bytes_min, named by what */
void nnb_work_workspace(nnb_work *w, int64_t bytes, const char *what);

/* names the lanes a vector tile computes past the useful columns (computed
 * > useful), e.g. "8-wide avx2 vectors over 14-wide rows" (over = "14-wide rows") */
void nnb_work_lanes_cause(nnb_work *w, double computed, double useful, int lanes, int isa, const char *over);

/* no model for this layer (flops, bytes < 0): why says what is missing */
void nnb_work_none(nnb_work *w, const char *why);

/* the reference kernel's model (reference_work.c) */
void nnb_work_reference(const nnb_layer *l, const nnb_analytic *a, int threads, int isa, nnb_work *w);

/* FLOPs of OpenBLAS's sgemm C = alpha*A*B + beta*C, A m x k, B k x n, as
 * its kernels run it: one FMA per (i, j, l), then per C element one
 * multiply by alpha and one add into C (also for beta = 0: C is zeroed
 * first, then added to) */
double nnb_work_sgemm_flops(int64_t m, int64_t n, int64_t k, bool beta_one);

/* Bytes of the packed blocks OpenBLAS's level-3 driver fills for one
 * row-major sgemm C(m x n) = A(m x k) B(k x n) on one thread (its Haswell
 * blocking): the A block and the B panel (or chunk), line-rounded. Every
 * sgemm of a thread reuses the same buffers, so a kernel's footprint is
 * the largest call's. */
int64_t nnb_work_sgemm_pack_bytes(int64_t m, int64_t n, int64_t k);
/* adds copies x nnb_work_sgemm_pack_bytes(m, n, k) to w's bytes, named */
void nnb_work_sgemm_packing(nnb_work *w, int64_t m, int64_t n, int64_t k, int copies);

#endif
