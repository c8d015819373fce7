/* The AVX2 + FMA context: the reference context with every micro-kernel
 * AVX2 vectorises (all but depthwise's 3x3 whole-plane path). */
#include "ctx.h"

void nnb_kernel_ctx_init_avx2(nnb_kernel_ctx *c)
{
    nnb_kernel_ctx_init_ref(c);
    c->isa = NNB_ISA_AVX2;
    c->name = "avx2";
    c->tile = (nnb_tile_ukr){8, NNB_TILE256_KB, NNB_TILE256_VW, nnb_tile_avx2, nnb_tile_avx2_cols};
    c->oc = (nnb_oc_ukr){8, NNB_OC256_KV, NNB_OC256_NP, nnb_oc_tile_avx2, 0, 0}; /* no wide form: 16 ymm */
    c->dw = (nnb_dw_ukr){8, 24, nnb_dw_tile_avx2, NULL, NULL, NULL, nnb_dw_cb_avx2};
    c->pool = (nnb_pool_ukr){8, nnb_pool_row_avx2, nnb_pool_row_avx2_flops, nnb_pool_global_avx2, nnb_pool_global_avx2_flops,
                             nnb_pool_max_plane_avx2, nnb_pool_max_plane_avx2_flops,
                             nnb_pool_cb_avx2, nnb_pool_cb_avx2_flops};
    c->cb_reorder = (nnb_cb_reorder_ukr){8, nnb_cb_tile_in_avx2, nnb_cb_tile_out_avx2};
    c->gemv_rows = nnb_gemv_rows_avx2;
    c->gemv_row_flops = nnb_gemv_row_avx2_flops;
}
