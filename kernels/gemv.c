/* Row-block matrix-vector products shared by fc (batch 1) and direct (the
 * tail positions of 1x1 planes), NNB_GEMV_RB rows per call of the context's
 * gemv rows micro-kernel (ukr/gemv_*.c). */
#include "gemv.h"

#include "ctx.h"

void nnb_gemv_block(const float *w, int64_t len, const float *x, const float *bias, float *y, int64_t ystride,
                    int64_t rows)
{
    void (*const rows_fn)(const float *, int64_t, const float *, int, float *) = nnb_kernel_ctx_get()->gemv_rows;
    for (int64_t o = 0; o < rows; o += NNB_GEMV_RB) {
        const int nr = (int)(rows - o < NNB_GEMV_RB ? rows - o : NNB_GEMV_RB);
        float s[NNB_GEMV_RB];
        rows_fn(w + o * len, len, x, nr, s);
        for (int r = 0; r < nr; r++) y[(o + r) * ystride] = bias ? s[r] + bias[o + r] : s[r];
    }
}
