/* Fully connected layer over the flattened c*h*w input: dst[n][k] =
 * src[n][:] . wei[k][:] + bias[k].
 *
 * Batch 1 is a matrix-vector product that reads every weight exactly once:
 * pure weight streaming, bound by DRAM bandwidth (AlexNet fc6: 151 MB of
 * weights for 75 MFLOP). OpenBLAS sgemv does not scale to many cores on it,
 * so batch 1 has its own path: OpenMP over contiguous blocks of output rows
 * (static schedule: each thread streams its own slice of W once, front to
 * back), and within a block RB rows at a time, each row a dot product with
 * two independent vector accumulators (RB*2 FMA chains, so the loads are the
 * only limit), the input vector re-read from L1/L2 and shared by the RB rows.
 * The bias is added after the reduction. The rows are the kernel context's
 * gemv micro-kernel (AVX-512, AVX2/FMA or portable C for nnb_isa_kernels():
 * NNB_KERNEL_ISA caps it, valgrind hides AVX-512).
 *
 * Batch > 1 is one sgemm (dst = src x wei^T), which OpenBLAS threads. */
#include "nnbench/kernel.h"

#include "ctx.h"
#include "gemv.h"
#include "kernels.h"

#include <cblas.h>
#include <omp.h>

/* y[o] = W[o][:] . x + bias[o], o < k: OpenMP over contiguous blocks of rows,
 * each thread streaming its own slice of W once */
static void gemv(const float *wei, const float *x, const float *bias, float *y, int64_t k,
                 int64_t len)
{
    const int64_t nblk = (k + NNB_GEMV_RB - 1) / NNB_GEMV_RB;
#pragma omp parallel for schedule(static)
    for (int64_t b = 0; b < nblk; b++) {
        const int64_t o = b * NNB_GEMV_RB;
        const int64_t nr = k - o < NNB_GEMV_RB ? k - o : NNB_GEMV_RB;
        nnb_gemv_block(wei + o * len, len, x, bias ? bias + o : NULL, y + o, 1, nr);
    }
}

static bool supports(const nnb_layer *l)
{
    return l->op == NNB_OP_FC && l->c * l->h * l->w <= INT32_MAX && l->k <= INT32_MAX &&
           l->n <= INT32_MAX;
}

static void run(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    (void)ws;
    const int len = (int)(l->c * l->h * l->w), k = (int)l->k, n = (int)l->n;
    if (n == 1) {
        gemv(t->wei, t->src, l->bias ? t->bias : NULL, t->dst, k, len);
        return;
    }
    for (int i = 0; i < n; i++)
        for (int o = 0; o < k; o++) t->dst[(int64_t)i * k + o] = l->bias ? t->bias[o] : 0.0f;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, k, len, 1.0f, t->src, len, t->wei,
                len, 1.0f, t->dst, k);
}

/* Batch 1: the context's gemv rows (each row's FMAs, its accumulators'
 * reduction and tail, per ISA: ukr/gemv_*.c), then the bias add per output.
 * Batch > 1: one sgemm (beta = 1 onto the bias-filled output). */
static void work(const nnb_layer *l, const nnb_analytic *a, int threads, int isa, nnb_work *w)
{
    (void)threads; /* the sgemm threads inside itself; its packing modelled as at one thread */
    if (l->n == 1) {
        nnb_work_start(w, a, NNB_WORK_TOLERANCE_OURS);
        const nnb_kernel_ctx *ctx = nnb_kernel_ctx_at((nnb_isa)isa);
        const int64_t len = l->c * l->h * l->w;
        w->flops = (double)l->k * (double)ctx->gemv_row_flops(len) + (l->bias ? (double)l->k : 0.0);
        nnb_work_cause(w->why, sizeof w->why, "gemv rows (%s): per output its accumulators reduced (%+lld FLOPs, vector tail lanes included)",
                       ctx->name, (long long)(ctx->gemv_row_flops(len) - 2 * len));
        return;
    }
    nnb_work_start(w, a, NNB_WORK_TOLERANCE_LIBRARY);
    w->flops = nnb_work_sgemm_flops(l->n, l->k, l->c * l->h * l->w, true);
    nnb_work_cause(w->why, sizeof w->why, "OpenBLAS sgemm: alpha multiply and C add per output; bias as C's start value");
    nnb_work_sgemm_packing(w, l->n, l->k, l->c * l->h * l->w, 1);
}

const nnb_kernel nnb_kernel_fc = {
    .name = "fc",
    .desc = "fully connected: own OpenMP gemv, AVX-512/AVX2/C (batch 1), or OpenBLAS sgemm",
    .flops_tolerance = 0.05, /* OpenBLAS adds packing and edge-tile work */
    .supports = supports,
    .workspace_bytes = nnb_kernel_no_workspace,
    .run = run,
    .work = work,
};
