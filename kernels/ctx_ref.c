/* The portable C context: every ISA's starting point (the SIMD contexts
 * override what they vectorise; ctx.c chooses among them). */
#include "ctx.h"

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
