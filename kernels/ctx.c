/* The choice of kernel context per ISA level, above the contexts: the
 * reference context (ctx_ref.c) and the SIMD ones built on it
 * (ctx_avx2.c, ctx_avx512.c) only fill tables; this file alone knows them
 * all and which level runs which (SSE and scalar run the C context). */
#include "ctx.h"

#include <pthread.h>

static nnb_kernel_ctx g_ctx[NNB_ISA_COUNT];
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

/* every level's context, built once: filling tables runs no SIMD code */
static void init_all(void)
{
    nnb_kernel_ctx_init_ref(&g_ctx[NNB_ISA_SCALAR]);
    nnb_kernel_ctx_init_ref(&g_ctx[NNB_ISA_SSE]);
    g_ctx[NNB_ISA_SSE].isa = NNB_ISA_SSE;
    nnb_kernel_ctx_init_avx2(&g_ctx[NNB_ISA_AVX2]);
    nnb_kernel_ctx_init_avx512(&g_ctx[NNB_ISA_AVX512]);
}

const nnb_kernel_ctx *nnb_kernel_ctx_at(nnb_isa isa)
{
    pthread_once(&g_once, init_all);
    return &g_ctx[(int)isa >= 0 && isa < NNB_ISA_COUNT ? isa : NNB_ISA_SCALAR];
}

const nnb_kernel_ctx *nnb_kernel_ctx_get(void)
{
    return nnb_kernel_ctx_at(nnb_isa_kernels());
}
