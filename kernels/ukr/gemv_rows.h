/* Generator of the gemv rows micro-kernel (ukr.h) for one vector ISA, so the
 * AVX-512 and AVX2 forms share one body. The including file includes the
 * ISA's vocabulary (ukr/vec_<isa>.h), defines GEMV_NAME, the function to
 * define, and an always_inline float gemv_row_finish(a0, a1, wr, x, j, len): row wr's
 * dot product from its two accumulators and the columns [j, len) past the
 * whole 2*VL blocks, the one place the ISAs differ (AVX-512 masks the tail,
 * AVX2 goes scalar), and GEMV_FLOPS_NAME with gemv_row_finish_flops(rem),
 * the FLOPs gemv_row_finish executes for rem tail columns. Accumulators are passed by value: an array whose
 * address escaped would be spilled.
 * Each row keeps two accumulators (even and odd VL-blocks); with NR a
 * constant the loops unroll and every accumulator stays in a register. */

static inline __attribute__((always_inline, target(VEC_TARGET))) void
gemv_rows_nr(const float *w, int64_t len, const float *x, float *out, const int NR)
{
    V a[NNB_GEMV_RB][2];
    for (int r = 0; r < NR; r++) a[r][0] = a[r][1] = V_ZERO();
    int64_t j = 0;
    for (; j + 2 * VL <= len; j += 2 * VL) {
        const V x0 = V_LOADU(x + j), x1 = V_LOADU(x + j + VL);
        for (int r = 0; r < NR; r++) {
            a[r][0] = V_FMA(V_LOADU(w + r * len + j), x0, a[r][0]);
            a[r][1] = V_FMA(V_LOADU(w + r * len + j + VL), x1, a[r][1]);
        }
    }
    for (int r = 0; r < NR; r++) out[r] = gemv_row_finish(a[r][0], a[r][1], w + r * len, x, j, len);
}

__attribute__((target(VEC_TARGET))) void GEMV_NAME(const float *w, int64_t len, const float *x, int nr,
                                                    float *out)
{
    if (nr == NNB_GEMV_RB) {
        gemv_rows_nr(w, len, x, out, NNB_GEMV_RB);
        return;
    }
    for (int r = 0; r < nr; r++) gemv_rows_nr(w + r * len, len, x, out + r, 1);
}

/* 2 FMAs per 2*VL block (2 FLOPs a lane), then gemv_row_finish */
int64_t GEMV_FLOPS_NAME(int64_t len)
{
    const int64_t blocks = len / (2 * VL);
    return blocks * 2 * VL * 2 + gemv_row_finish_flops(len - blocks * 2 * VL);
}
