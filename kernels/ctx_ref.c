/* The portable C context (every ISA's starting point) and the choice of
 * context per ISA level. */
#include "ctx.h"

#include <pthread.h>

void nnb_kernel_ctx_init_ref(nnb_kernel_ctx *c)
{
    *c = (nnb_kernel_ctx){
        .isa = NNB_ISA_SCALAR,
        .name = "c",
        .tile = {NNB_TILEC_COLS, NNB_TILEC_KB, 1, nnb_tile_ref, nnb_tile_ref_cols},
        .oc = {8, NNB_OC256_KV, NNB_OC256_NP, nnb_oc_tile_ref}, /* AVX2's blocking */
        .dw = {1, 16, nnb_dw_tile_ref, NULL, NULL, NULL, NULL},
        .pool = {1, nnb_pool_row_ref, nnb_pool_row_ref_flops, nnb_pool_global_ref, nnb_pool_global_ref_flops},
        .gemv_rows = nnb_gemv_rows_ref,
        .gemv_row_flops = nnb_gemv_row_ref_flops,
    };
}

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
