/* Layout transforms shared by the kernels: im2col / col2im for the GEMM-based
 * ones, and a zero-padded, stride-phase-split copy of an input plane for the
 * direct-style ones (so their inner loops read contiguous, unchecked rows).
 * All index math goes through nnb_in_coord / nnb_valid_out_range (layer.h). */
#ifndef NNBENCH_IM2COL_H
#define NNBENCH_IM2COL_H

#include <stdint.h>

#include "nnbench/layer.h"

/* Geometry of a 2-D window sweep: an image of ih x iw read by a kh x kw
 * window with stride, top/left padding and dilation, giving oh x ow outputs. */
typedef struct nnb_win {
    int64_t ih, iw, oh, ow;
    int64_t kh, kw, sh, sw, pt, pl, dh, dw;
} nnb_win;

/* The window sweep of a convolution or pooling layer (input -> output). */
static inline nnb_win nnb_win_of(const nnb_layer *l)
{
    return (nnb_win){.ih = l->h, .iw = l->w, .oh = l->oh, .ow = l->ow, .kh = l->kh, .kw = l->kw,
                     .sh = l->sh, .sw = l->sw, .pt = l->pt, .pl = l->pl, .dh = l->dh, .dw = l->dw};
}

/* col[(c*kh + r)*kw + s][j - j0] = img[c][iy][ix] (0 outside the image) for
 * the output positions j = oy*ow + ox in [j0, j1); nch channels of ih*iw. */
void nnb_im2col(const float *img, int64_t nch, const nnb_win *g, int64_t j0, int64_t j1,
                float *col);

/* The adjoint: img[c][iy][ix] += col[(c*kh + r)*kw + s][oy*ow + ox] for every
 * in-image (iy, ix). img is nch x ih x iw; col has oh*ow columns. */
void nnb_col2im(const float *col, int64_t nch, const nnb_win *g, float *img);
/* The adds nnb_col2im executes per channel: its in-image (tap, column) pairs. */
int64_t nnb_col2im_adds(const nnb_win *g);

/* Padded, phase-split copy of one h x w plane. Padded coordinates are
 * (y, x) = (iy + pt, ix + pl); row y of dst holds sw phases of wq floats:
 * dst[(y*sw + x % sw)*wq + x / sw] = plane[y - pt][x - pl], or pad outside the
 * plane, for y in [0, rows) and x in [0, sw*wq). A window tap at padded column
 * X then reads phase X % sw at index X / sw, and consecutive outputs (X += sw)
 * read consecutive floats. */
void nnb_pack_padded(const float *plane, int64_t h, int64_t w, int64_t pt, int64_t pl,
                     int64_t rows, int64_t sw, int64_t wq, float pad, float *dst);

/* Phase-split row length for a window sweep: covers every padded column that
 * outputs [0, round_up(ow, vec)) read (so full-vector loads past ow stay in the
 * buffer), rounded up to 16 floats. */
int64_t nnb_pack_row_len(const nnb_win *g, int64_t vec);

/* Offset, in a packed plane (row pitch sw*wq), of window tap (r, s) relative
 * to output (0, 0). Output (oy, ox) of tap t reads base + oy*sh*sw*wq + ox + off[t]. */
static inline int64_t nnb_pack_tap_off(const nnb_win *g, int64_t wq, int64_t r, int64_t s)
{
    int64_t x = s * g->dw; /* padded column of output 0's tap */
    return r * g->dh * g->sw * wq + (x % g->sw) * wq + x / g->sw;
}

/* Rows of the padded plane the outputs read: (oh-1)*sh + (kh-1)*dh + 1. */
static inline int64_t nnb_pack_rows(const nnb_win *g)
{
    return (g->oh - 1) * g->sh + (g->kh - 1) * g->dh + 1;
}

#endif
