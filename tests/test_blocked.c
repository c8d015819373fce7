/* The channel-blocked reorders (kernels/blocked.h): every element lands at
 * oneDNN's nChw16c / nChw8c position, padding channels are zero, and the
 * way back gives the NCHW tensor bit for bit; shapes with channels not a
 * multiple of the block, planes not a multiple of 16 pixels, several
 * images, and sizes above and below the threaded threshold; on every ISA
 * path (the full tiles go by the context's in-register transposes where it has them:
 * 16-channel blocks on AVX-512, 8 on AVX2). */
#include "blocked.h"
#include "machine/isa.h"
#include "nnb_test.h"

#include <stdlib.h>

static void case_shape(int64_t n, int64_t c, int64_t hw, int block)
{
    const int64_t blocks = (c + block - 1) / block, cbn = nnb_cb_floats(n, c, hw, block);
    CHECK_EQ_I64(cbn, n * blocks * hw * block);
    float *x = malloc((size_t)(n * c * hw) * 4), *cb = malloc((size_t)cbn * 4), *back = malloc((size_t)(n * c * hw) * 4);
    for (int64_t i = 0; i < n * c * hw; i++) x[i] = (float)(i + 1);
    for (int64_t i = 0; i < cbn; i++) cb[i] = -1.0f; /* garbage: every element must be written */
    nnb_cb_from_nchw(cb, x, n, c, hw, block);
    int64_t wrong = 0;
    for (int64_t i = 0; i < n; i++)
        for (int64_t ch = 0; ch < blocks * block; ch++)
            for (int64_t p = 0; p < hw; p++) {
                const float got = cb[((i * blocks + ch / block) * hw + p) * block + ch % block];
                const float want = ch < c ? x[(i * c + ch) * hw + p] : 0.0f;
                wrong += got != want;
            }
    CHECK_EQ_I64(wrong, 0);
    nnb_cb_to_nchw(back, cb, n, c, hw, block);
    CHECK(memcmp(back, x, (size_t)(n * c * hw) * 4) == 0);
    free(x); free(cb); free(back);
}

static void shapes(void)
{
    static const int64_t s[][3] = {{1, 16, 16}, {1, 3, 5}, {2, 17, 49}, {1, 33, 1}, {3, 32, 31}, {1, 40, 3136}, {2, 7, 1},
                                   {2, 24, 48}};
    static const nnb_isa caps[] = {NNB_ISA_COUNT, NNB_ISA_AVX2, NNB_ISA_SCALAR}; /* COUNT: no cap, the CPU's best */
    for (size_t ci = 0; ci < sizeof caps / sizeof caps[0]; ci++) {
        nnb_isa_set_cap(caps[ci]);
        for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
            case_shape(s[i][0], s[i][1], s[i][2], 16);
            case_shape(s[i][0], s[i][1], s[i][2], 8);
        }
    }
    nnb_isa_set_cap(NNB_ISA_COUNT);
}

int main(void)
{
    NNB_RUN(shapes);
    return nnb_test_done("test_blocked");
}
