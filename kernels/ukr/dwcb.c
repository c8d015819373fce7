/* depthwise's channel-blocked micro-kernels (ukr.h nnb_dw_cb): what every
 * ISA's form shares, the count of the taps they compute (ukr.h
 * nnb_dw_cb_taps: inside the input) for the work models, so the two change
 * together. */
#include "ukr/ukr.h"

int64_t nnb_dw_cb_fmas(const nnb_dw_cb *p)
{
    int64_t rows = 0, cols = 0, t0, t1;
    for (int64_t oy = p->oy0; oy < p->oy1; oy++) {
        nnb_dw_cb_taps(oy * p->sh - p->pt, p->dh, p->kh, p->h, &t0, &t1);
        rows += t1 - t0;
    }
    for (int64_t ox = 0; ox < p->ow; ox++) {
        nnb_dw_cb_taps(ox * p->sw - p->pl, p->dw, p->kw, p->w, &t0, &t1);
        cols += t1 - t0;
    }
    return rows * cols;
}
