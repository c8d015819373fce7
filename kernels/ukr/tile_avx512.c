/* The conv tile (ukr.h) for AVX-512F: up to 6 channels x 4 zmm vectors of
 * columns, the accumulators in registers (always_inline with constant KB and
 * VW, one specialisation per case). */
#include "ukr/ukr.h"

#include <immintrin.h>

#define KB512 NNB_TILE512_KB
#define VW512 NNB_TILE512_VW

static inline __attribute__((always_inline, target("avx512f"))) void
tile512(const nnb_tile *t, const int KB, const int VW, const bool PACKED, const bool MASK)
{
    __m512 acc[KB512][VW512];
    for (int j = 0; j < KB; j++) {
        __m512 b = _mm512_set1_ps(t->bias ? t->bias[j] : 0.0f);
        for (int v = 0; v < VW; v++) acc[j][v] = b;
    }
    /* weight of filter j at step i (i = c*ntaps + p): wj[j][i * (PACKED ? KB : 1)] */
    const float *wj[KB512];
    for (int j = 0; j < KB; j++) wj[j] = PACKED ? t->w + j : t->w + j * t->wjs;
    /* MASK: the last vector's lanes past ncols are not loaded, so the tile
     * reads nothing past its columns. Unused: the packed rows hold whole
     * vectors, and a masked load in the loop measured up to 3x slower here */
    const int remlast = t->ncols - 16 * (VW - 1);
    const __mmask16 mlast = remlast >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << remlast) - 1);
    int64_t i = 0;
    for (int64_t c = 0; c < t->nc; c++) {
        const float *ic = t->in + c * t->cstride;
        for (int64_t p = 0; p < t->ntaps; p++, i++) {
            const float *ip = ic + t->tapoff[p];
            __m512 x[VW512];
            for (int v = 0; v < VW; v++)
                x[v] = MASK && v == VW - 1 ? _mm512_maskz_loadu_ps(mlast, ip + 16 * v)
                                           : _mm512_loadu_ps(ip + 16 * v);
            for (int j = 0; j < KB; j++) {
                __m512 w = _mm512_set1_ps(wj[j][PACKED ? i * KB : i]);
                for (int v = 0; v < VW; v++) acc[j][v] = _mm512_fmadd_ps(w, x[v], acc[j][v]);
            }
        }
    }
    for (int v = 0; v < VW; v++) {
        int rem = t->ncols - 16 * v;
        __mmask16 m = rem >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << rem) - 1);
        for (int j = 0; j < KB; j++)
            _mm512_mask_storeu_ps(t->out + j * t->ostride + 16 * v, m, acc[j][v]);
    }
}

#define VW512_CASES(KB, PK, M)                          \
        switch ((t->ncols + 15) / 16) {                 \
        case 1: tile512(t, KB, 1, PK, M); break;        \
        case 2: tile512(t, KB, 2, PK, M); break;        \
        case 3: tile512(t, KB, 3, PK, M); break;        \
        default: tile512(t, KB, 4, PK, M); break;       \
        }
#define CASE_VW512(KB, PK)                              \
    case KB:                                            \
        VW512_CASES(KB, PK, false)                      \
        break;

__attribute__((target("avx512f"))) void nnb_tile_avx512(const nnb_tile *t)
{
    if (t->wjs == 0) {
        switch (t->kb) {
        CASE_VW512(1, true) CASE_VW512(2, true) CASE_VW512(3, true) CASE_VW512(4, true)
        CASE_VW512(5, true)
        default: CASE_VW512(6, true)
        }
    } else {
        switch (t->kb) {
        CASE_VW512(1, false) CASE_VW512(2, false) CASE_VW512(3, false) CASE_VW512(4, false)
        CASE_VW512(5, false)
        default: CASE_VW512(6, false)
        }
    }
}

/* whole 16-wide vectors: the stores are masked, the FMAs are not */
int nnb_tile_avx512_cols(int ncols, bool exact)
{
    (void)exact;
    return (ncols + 15) / 16 * 16;
}
