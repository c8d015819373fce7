/* The portable C micro-kernels (ukr.h): the reference context's, and what
 * SSE and scalar machines run. Same blocking as the SIMD ones where that
 * keeps the kernels' plans alike (direct_oc's tile is AVX2's). */
#include "ukr/ukr.h"

/* ---- conv tile: 4 channels x 16 columns ---- */

#define KBC NNB_TILEC_KB
#define COLSC NNB_TILEC_COLS

void nnb_tile_ref(const nnb_tile *t)
{
    float acc[KBC][COLSC];
    for (int j = 0; j < t->kb; j++)
        for (int i = 0; i < COLSC; i++) acc[j][i] = t->bias ? t->bias[j] : 0.0f;
    const int64_t js = t->wjs ? t->wjs : 1, step = t->wjs ? 1 : t->kb;
    const float *w = t->w;
    for (int64_t c = 0; c < t->nc; c++)
        for (int64_t p = 0; p < t->ntaps; p++) {
            const float *ip = t->in + c * t->cstride + t->tapoff[p];
            for (int j = 0; j < t->kb; j++)
                for (int i = 0; i < t->ncols; i++) acc[j][i] += w[j * js] * ip[i];
            w += step;
        }
    for (int j = 0; j < t->kb; j++)
        for (int i = 0; i < t->ncols; i++) t->out[j * t->ostride + i] = acc[j][i];
}

/* plain loops over the columns: none past ncols */
int nnb_tile_ref_cols(int ncols, bool exact)
{
    (void)exact;
    return ncols;
}

void nnb_tile_pack_weights(const float *wei, int kb, int64_t nc, int64_t ntaps, float *dst)
{
    for (int64_t c = 0; c < nc; c++)
        for (int64_t p = 0; p < ntaps; p++)
            for (int j = 0; j < kb; j++) *dst++ = wei[(j * nc + c) * ntaps + p];
}

/* ---- direct_oc's tile ---- */

#define KV256 NNB_OC256_KV
#define NP256 NNB_OC256_NP

void nnb_oc_tile_ref(const nnb_oc_tile *t)
{
    float acc[KV256 * 8][NP256];
    const int kvl = (t->nk + 7) / 8 * 8;
    for (int j = 0; j < t->nk; j++)
        for (int p = 0; p < t->np; p++)
            acc[j][p] = t->accumulate ? t->out[j / 8 * t->ohw + p * t->ostep + j % 8] : t->bias ? t->bias[j] : 0.0f;
    for (int64_t c = 0; c < t->nc; c++)
        for (int64_t i = 0; i < t->ntaps; i++) {
            const float *x = t->in + c * t->cs + t->tapoff[i];
            const float *w = t->w + (c * t->wtaps + t->tap0 + i / t->nw * t->kw + i % t->nw) * kvl;
            const int64_t s = i % t->nw; /* edge: the padding column's positions skipped */
            const int p0 = t->edge && s == 0, p1 = t->edge && s == t->nw - 1 ? t->np - 1 : t->np;
            for (int p = p0; p < p1; p++)
                for (int j = 0; j < t->nk; j++) acc[j][p] += w[j] * x[p * t->xs];
        }
    /* channel-blocked: 8-channel blocks (the context's lanes), channel j at
     * block j / 8, lane j % 8; the lanes past nk are zeros */
    for (int j = 0; j < (t->cb ? kvl : t->nk); j++)
        for (int p = 0; p < t->np; p++) {
            const float v = j < t->nk ? acc[j][p] : 0.0f;
            if (t->cb) t->out[j / 8 * t->ohw + p * t->ostep + j % 8] = v;
            else t->out[j * t->ohw + p * t->ostep] = v;
        }
}

/* ---- depthwise ---- */

void nnb_dw_tile_ref(const nnb_dw_tile *t)
{
    for (int j = 0; j < t->rows; j++)
        for (int i = 0; i < t->ncols; i++) {
            float acc = t->bias;
            for (int64_t p = 0; p < t->ntaps; p++)
                acc += t->w[p] * t->in[j * t->rowstep + t->tapoff[p] + i];
            t->out[j * t->ostride + i] = acc;
        }
}

/* ---- gemv rows ---- */

enum { CA = 8 }; /* independent accumulators per row */

void nnb_gemv_rows_ref(const float *w, int64_t len, const float *x, int nr, float *out)
{
    const int64_t lv = len - len % CA;
    for (int r = 0; r < nr; r++) {
        const float *wr = w + r * len;
        float a[CA] = {0};
        for (int64_t j = 0; j < lv; j += CA)
            for (int i = 0; i < CA; i++) a[i] += wr[j + i] * x[j + i];
        float s = 0;
        for (int i = 0; i < CA; i++) s += a[i];
        for (int64_t j = lv; j < len; j++) s += wr[j] * x[j];
        out[r] = s;
    }
}

/* a multiply and an add per column, the CA accumulators summed from 0 */
int64_t nnb_gemv_row_ref_flops(int64_t len)
{
    return 2 * len + CA;
}
