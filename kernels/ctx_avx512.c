/* The AVX-512 context: the reference context with every micro-kernel
 * overridden by its AVX-512F form. */
#include "ctx.h"

void nnb_kernel_ctx_init_avx512(nnb_kernel_ctx *c)
{
    nnb_kernel_ctx_init_ref(c);
    c->isa = NNB_ISA_AVX512;
    c->name = "avx512";
    c->tile = (nnb_tile_ukr){16, NNB_TILE512_KB, NNB_TILE512_VW, nnb_tile_avx512, nnb_tile_avx512_cols};
    c->oc = (nnb_oc_ukr){16, NNB_OC512_KV, NNB_OC512_NP, nnb_oc_tile_avx512, NNB_OC512_KW, NNB_OC512_NPW};
    c->dw = (nnb_dw_ukr){16, 64, nnb_dw_tile_avx512, nnb_dw3_planes_avx512,
                         nnb_dw3_plane_avx512_lanes, nnb_dw3_plane_avx512_flat, nnb_dw_cb_avx512};
    c->pool = (nnb_pool_ukr){16, nnb_pool_row_avx512, nnb_pool_row_avx512_flops, nnb_pool_global_avx512, nnb_pool_global_avx512_flops,
                             nnb_pool_max_plane_avx512, nnb_pool_max_plane_avx512_flops,
                             nnb_pool_cb_avx512, nnb_pool_cb_avx512_flops};
    c->cb_reorder = (nnb_cb_reorder_ukr){16, nnb_cb_tile_in_avx512, nnb_cb_tile_out_avx512};
    c->gemv_rows = nnb_gemv_rows_avx512;
    c->gemv_row_flops = nnb_gemv_row_avx512_flops;
}
