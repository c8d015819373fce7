/* im2col + OpenBLAS sgemm. Per image and group, dst_g[kg][oh*ow] =
 * W_g[kg][cg*kh*kw] x col[cg*kh*kw][oh*ow]. The column matrix is built in
 * chunks of output positions sized to stay in L2 (a whole 3x3 col matrix is
 * several MiB and would go to memory and back), and the chunks are the unit
 * of parallelism: each thread builds its chunk and calls a single-threaded
 * sgemm (OpenBLAS-openmp runs serially inside a parallel region, so there is
 * no oversubscription). With fewer chunks than ~2 per thread, the loop runs
 * serially and OpenBLAS threads each GEMM instead. 1x1 stride-1 unpadded
 * convolutions use the input as the column matrix directly. */
#include "nnbench/kernel.h"
#include "im2col.h"
#include "kernels.h"

#include <cblas.h>
#include <omp.h>

/* target size of one column chunk, floats (512 KiB: half of a Zen 4/5 L2) */
#define COL_CHUNK_FLOATS (128 * 1024)

typedef struct plan {
    int64_t cg, kg, K, N, nb, chunks, items;
    bool direct_b; /* 1x1, stride 1, no padding: B is the input itself */
    nnb_win win;
} plan;

static bool parallel_items(const plan *p, int nthreads)
{
    return nthreads > 1 && p->items >= 2 * nthreads;
}

/* Chunks: as few as the L2 budget allows (the 1x1 case has no buffer), then,
 * when the images x groups alone cannot keep every thread busy, enough more
 * that the work items divide evenly among the threads. */
static void make_plan(const nnb_layer *l, int nthreads, plan *p)
{
    p->cg = l->c / l->groups;
    p->kg = l->k / l->groups;
    p->K = p->cg * l->kh * l->kw;
    p->N = l->oh * l->ow;
    p->direct_b = l->kh == 1 && l->kw == 1 && l->sh == 1 && l->sw == 1 && l->pt == 0 &&
                  l->pl == 0 && l->pb == 0 && l->pr == 0;
    int64_t nb = p->direct_b ? p->N : COL_CHUNK_FLOATS / p->K;
    if (nb < 64) nb = 64;
    if (nb > p->N) nb = p->N;
    int64_t chunks = (p->N + nb - 1) / nb, units = l->n * l->groups;
    if (nthreads > 1 && units % nthreads) {
        int64_t per = (units * chunks + nthreads - 1) / nthreads * nthreads; /* items wanted */
        chunks = (per + units - 1) / units;
        if (chunks > (p->N + 15) / 16) chunks = (p->N + 15) / 16;
    }
    nb = (p->N + chunks - 1) / chunks;
    if (nb < p->N) nb = (nb + 15) / 16 * 16; /* whole vectors per chunk row */
    if (nb > p->N) nb = p->N;
    p->nb = nb;
    p->chunks = (p->N + nb - 1) / nb;
    p->items = units * p->chunks;
    p->win = nnb_win_of(l);
}

static bool supports(const nnb_layer *l)
{
    if (l->op != NNB_OP_CONV) return false;
    plan p;
    make_plan(l, 1, &p); /* BLAS takes int sizes */
    return p.K <= INT32_MAX && p.N <= INT32_MAX && p.kg <= INT32_MAX;
}

static int64_t workspace_bytes(const nnb_layer *l, int nthreads)
{
    plan p;
    make_plan(l, nthreads, &p);
    if (p.direct_b) return 0;
    int64_t copies = parallel_items(&p, nthreads) ? nthreads : 1;
    return copies * p.K * p.nb * (int64_t)sizeof(float);
}

/* What run executes: per (image, group, chunk) one sgemm (beta = 1 onto
 * the bias-filled output: no bias adds), nothing else arithmetic (im2col
 * copies). Bytes: the column chunks (one per thread) written once, and
 * OpenBLAS's packed blocks of the widest chunk's sgemm (one per thread). */
static void work(const nnb_layer *l, const nnb_analytic *a, int threads, int isa, nnb_work *w)
{
    (void)isa;
    plan p;
    make_plan(l, threads, &p);
    nnb_work_start(w, a, NNB_WORK_TOLERANCE_LIBRARY);
    w->flops = 0;
    for (int64_t chunk = 0; chunk < p.chunks; chunk++) {
        int64_t j0 = chunk * p.nb, j1 = j0 + p.nb < p.N ? j0 + p.nb : p.N;
        w->flops += (double)l->n * l->groups * nnb_work_sgemm_flops(p.kg, j1 - j0, p.K, true);
    }
    nnb_work_cause(w->why, sizeof w->why, "OpenBLAS sgemm: alpha multiply and C add per output (beta = 1)");
    if (a->bias_adds) nnb_work_cause(w->why, sizeof w->why, "bias as C's start value");
    if (a->macs_valid < a->macs)
        nnb_work_cause(w->why, sizeof w->why, "padding taps multiplied (zeros in the column matrix)");
    if (!p.direct_b)
        nnb_work_workspace(w, workspace_bytes(l, threads), "im2col column chunks");
    /* the first chunk is the widest: its sgemm fills the most of the packed blocks */
    nnb_work_sgemm_packing(w, p.kg, p.nb, p.K, parallel_items(&p, threads) ? threads : 1);
}

/* one (image, group, chunk) work item; col is this thread's chunk buffer */
static void run_item(const nnb_layer *l, const nnb_tensors *t, const plan *p, int64_t item,
                     float *col)
{
    int64_t chunk = item % p->chunks, ng = item / p->chunks;
    int64_t g = ng % l->groups, n = ng / l->groups;
    int64_t j0 = chunk * p->nb, j1 = j0 + p->nb < p->N ? j0 + p->nb : p->N;
    const float *src = t->src + (n * l->c + g * p->cg) * l->h * l->w;
    const float *wei = t->wei + g * p->kg * p->K;
    float *dst = t->dst + (n * l->k + g * p->kg) * p->N + j0;
    for (int64_t m = 0; m < p->kg; m++) {
        float b = l->bias ? t->bias[g * p->kg + m] : 0.0f;
        for (int64_t j = 0; j < j1 - j0; j++) dst[m * p->N + j] = b;
    }
    const float *B;
    int64_t ldb;
    if (p->direct_b) {
        B = src + j0;
        ldb = p->N;
    } else {
        nnb_im2col(src, p->cg, &p->win, j0, j1, col);
        B = col;
        ldb = j1 - j0;
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)p->kg, (int)(j1 - j0), (int)p->K,
                1.0f, wei, (int)p->K, B, (int)ldb, 1.0f, dst, (int)p->N);
}

static void run(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    int nthreads = omp_get_max_threads();
    plan p;
    make_plan(l, nthreads, &p);
    if (parallel_items(&p, nthreads)) {
#pragma omp parallel
        {
            float *col = (float *)ws + (p.direct_b ? 0 : omp_get_thread_num() * p.K * p.nb);
#pragma omp for schedule(static)
            for (int64_t it = 0; it < p.items; it++) run_item(l, t, &p, it, col);
        }
    } else {
        for (int64_t it = 0; it < p.items; it++) run_item(l, t, &p, it, ws);
    }
}

const nnb_kernel nnb_kernel_im2col_gemm = {
    .name = "im2col_gemm",
    .desc = "im2col (L2-sized chunks) + OpenBLAS sgemm per group; 1x1 s1 p0 skips im2col",
    .flops_tolerance = 0.05, /* OpenBLAS adds packing and edge-tile work */
    .supports = supports,
    .workspace_bytes = workspace_bytes,
    .run = run,
    .work = work,
};
