/* im2col / col2im and the padded phase-split packing (see im2col.h). */
#include "im2col.h"
#include "nnbench/layer.h"

#include <string.h>

void nnb_im2col(const float *img, int64_t nch, const nnb_win *g, int64_t j0, int64_t j1,
                float *col)
{
    const int64_t ncol = j1 - j0;
    for (int64_t c = 0; c < nch; c++) {
        const float *plane = img + c * g->ih * g->iw;
        for (int64_t r = 0; r < g->kh; r++) {
            for (int64_t s = 0; s < g->kw; s++) {
                float *out = col + ((c * g->kh + r) * g->kw + s) * ncol - j0;
                int64_t lo, hi; /* output columns whose tap s is inside the row */
                nnb_valid_out_range(g->iw, g->ow, s, g->sw, g->pl, g->dw, &lo, &hi);
                for (int64_t j = j0; j < j1;) {
                    int64_t oy = j / g->ow, xa = j % g->ow;
                    int64_t xb = g->ow;
                    if (xb - xa > j1 - j) xb = xa + (j1 - j);
                    int64_t iy = nnb_in_coord(oy, r, g->sh, g->pt, g->dh);
                    float *o = out + j - xa; /* o[ox] is column (oy, ox) */
                    if (iy < 0 || iy >= g->ih) {
                        memset(o + xa, 0, (size_t)(xb - xa) * sizeof(float));
                    } else {
                        const float *row = plane + iy * g->iw;
                        int64_t a = lo > xa ? lo : xa, b = hi < xb ? hi : xb;
                        if (a > b) a = b;
                        for (int64_t ox = xa; ox < a && ox < xb; ox++) o[ox] = 0.0f;
                        if (g->sw == 1) {
                            int64_t ix = nnb_in_coord(a, s, 1, g->pl, g->dw);
                            if (b > a) memcpy(o + a, row + ix, (size_t)(b - a) * sizeof(float));
                        } else {
                            for (int64_t ox = a; ox < b; ox++)
                                o[ox] = row[nnb_in_coord(ox, s, g->sw, g->pl, g->dw)];
                        }
                        for (int64_t ox = b > xa ? b : xa; ox < xb; ox++) o[ox] = 0.0f;
                    }
                    j += xb - xa;
                }
            }
        }
    }
}

void nnb_col2im(const float *col, int64_t nch, const nnb_win *g, float *img)
{
    const int64_t ncol = g->oh * g->ow;
    for (int64_t c = 0; c < nch; c++) {
        float *plane = img + c * g->ih * g->iw;
        for (int64_t r = 0; r < g->kh; r++) {
            int64_t ylo, yhi;
            nnb_valid_out_range(g->ih, g->oh, r, g->sh, g->pt, g->dh, &ylo, &yhi);
            for (int64_t s = 0; s < g->kw; s++) {
                const float *in = col + ((c * g->kh + r) * g->kw + s) * ncol;
                int64_t xlo, xhi;
                nnb_valid_out_range(g->iw, g->ow, s, g->sw, g->pl, g->dw, &xlo, &xhi);
                for (int64_t oy = ylo; oy < yhi; oy++) {
                    float *row = plane + nnb_in_coord(oy, r, g->sh, g->pt, g->dh) * g->iw;
                    const float *ci = in + oy * g->ow;
                    if (g->sw == 1) {
                        int64_t off = nnb_in_coord(0, s, 1, g->pl, g->dw);
                        for (int64_t ox = xlo; ox < xhi; ox++) row[ox + off] += ci[ox];
                    } else {
                        for (int64_t ox = xlo; ox < xhi; ox++)
                            row[nnb_in_coord(ox, s, g->sw, g->pl, g->dw)] += ci[ox];
                    }
                }
            }
        }
    }
}

int64_t nnb_col2im_adds(const nnb_win *g)
{
    int64_t adds = 0;
    for (int64_t r = 0; r < g->kh; r++) {
        int64_t ylo, yhi;
        nnb_valid_out_range(g->ih, g->oh, r, g->sh, g->pt, g->dh, &ylo, &yhi);
        for (int64_t s = 0; s < g->kw; s++) {
            int64_t xlo, xhi;
            nnb_valid_out_range(g->iw, g->ow, s, g->sw, g->pl, g->dw, &xlo, &xhi);
            if (yhi > ylo && xhi > xlo) adds += (yhi - ylo) * (xhi - xlo);
        }
    }
    return adds;
}

void nnb_pack_padded(const float *plane, int64_t h, int64_t w, int64_t pt, int64_t pl,
                     int64_t rows, int64_t sw, int64_t wq, float pad, float *dst)
{
    for (int64_t y = 0; y < rows; y++) {
        float *d = dst + y * sw * wq;
        int64_t iy = y - pt;
        if (iy < 0 || iy >= h) {
            for (int64_t i = 0; i < sw * wq; i++) d[i] = pad;
            continue;
        }
        const float *row = plane + iy * w;
        if (sw == 1) {
            int64_t a = pl < wq ? pl : wq;            /* left padding */
            int64_t b = pl + w < wq ? pl + w : wq;    /* end of the copied row */
            for (int64_t x = 0; x < a; x++) d[x] = pad;
            if (b > a) memcpy(d + a, row + (a - pl), (size_t)(b - a) * sizeof(float));
            for (int64_t x = b > a ? b : a; x < wq; x++) d[x] = pad;
        } else {
            for (int64_t p = 0; p < sw; p++) {
                float *dp = d + p * wq;
                for (int64_t j = 0; j < wq; j++) {
                    int64_t ix = j * sw + p - pl;
                    dp[j] = (ix >= 0 && ix < w) ? row[ix] : pad;
                }
            }
        }
    }
}

int64_t nnb_pack_row_len(const nnb_win *g, int64_t vec)
{
    int64_t owr = (g->ow + vec - 1) / vec * vec;
    int64_t wq = owr + ((g->kw - 1) * g->dw) / g->sw + 1;
    return (wq + 15) / 16 * 16;
}
