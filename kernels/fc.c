/* Fully connected layer over the flattened c*h*w input: dst[n][k] =
 * src[n][:] . wei[k][:] + bias[k]. One sgemm (dst = src x wei^T); batch 1 is a
 * matrix-vector product, where sgemv streams the weights once without
 * GEMM's packing. OpenBLAS threads both. */
#include "nnbench/kernel.h"

#include <cblas.h>

static bool supports(const nnb_layer *l)
{
    return l->op == NNB_OP_FC && l->c * l->h * l->w <= INT32_MAX && l->k <= INT32_MAX &&
           l->n <= INT32_MAX;
}

static int64_t workspace_bytes(const nnb_layer *l, int nthreads)
{
    (void)l;
    (void)nthreads;
    return 0;
}

static void run(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    (void)ws;
    const int len = (int)(l->c * l->h * l->w), k = (int)l->k, n = (int)l->n;
    for (int i = 0; i < n; i++)
        for (int o = 0; o < k; o++) t->dst[(int64_t)i * k + o] = l->bias ? t->bias[o] : 0.0f;
    if (n == 1)
        cblas_sgemv(CblasRowMajor, CblasNoTrans, k, len, 1.0f, t->wei, len, t->src, 1, 1.0f,
                    t->dst, 1);
    else
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, k, len, 1.0f, t->src, len, t->wei,
                    len, 1.0f, t->dst, k);
}

const nnb_kernel nnb_kernel_fc = {
    .name = "fc",
    .desc = "fully connected: OpenBLAS sgemv (batch 1) or sgemm",
    .supports = supports,
    .workspace_bytes = workspace_bytes,
    .run = run,
};
