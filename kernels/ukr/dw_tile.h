/* Generator of depthwise's rows x width tile (ukr.h) for one vector ISA, so
 * the AVX-512 and AVX2 forms share one body. The including file includes the
 * ISA's vocabulary (ukr/vec_<isa>.h) and defines DW_NAME, the function to
 * define, and DW_VW, the most vectors per row (3 or 4). With R and VW
 * constants the loops unroll and the R x VW accumulators stay in registers;
 * the last vector of a row is stored masked to the tile's columns. */

static inline __attribute__((always_inline, target(VEC_TARGET))) void
dw_tile_rv(const nnb_dw_tile *t, const int R, const int VW)
{
    V acc[NNB_DW_ROWS][DW_VW];
    for (int j = 0; j < R; j++)
        for (int v = 0; v < VW; v++) acc[j][v] = V_SET1(t->bias);
    for (int64_t p = 0; p < t->ntaps; p++) {
        V w = V_SET1(t->w[p]);
        const float *ip = t->in + t->tapoff[p];
        for (int j = 0; j < R; j++)
            for (int v = 0; v < VW; v++)
                acc[j][v] = V_FMA(w, V_LOADU(ip + j * t->rowstep + VL * v), acc[j][v]);
    }
    for (int v = 0; v < VW; v++) {
        const VMASK m = v_mask(t->ncols - VL * v);
        for (int j = 0; j < R; j++) V_MASKSTORE(t->out + j * t->ostride + VL * v, m, acc[j][v]);
    }
}

/* one specialisation per vector count of the tile's columns */
static inline __attribute__((always_inline, target(VEC_TARGET))) void dw_tile_r(const nnb_dw_tile *t, const int R)
{
    switch ((t->ncols + VL - 1) / VL) {
    case 1: dw_tile_rv(t, R, 1); break;
    case 2: dw_tile_rv(t, R, 2); break;
    case 3:
        if (DW_VW > 3) {
            dw_tile_rv(t, R, 3);
            break;
        }
        __attribute__((fallthrough));
    default: dw_tile_rv(t, R, DW_VW); break;
    }
}

__attribute__((target(VEC_TARGET))) void DW_NAME(const nnb_dw_tile *t)
{
    switch (t->rows) {
    case 1: dw_tile_r(t, 1); break;
    case 2: dw_tile_r(t, 2); break;
    case 3: dw_tile_r(t, 3); break;
    default: dw_tile_r(t, NNB_DW_ROWS); break;
    }
}
