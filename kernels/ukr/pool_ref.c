/* The portable C pooling micro-kernels (ukr.h): one output at a time, taps
 * in the reference's order, so max and avg both match it bit for bit. */
#include "ukr/ukr.h"

#include <math.h>

void nnb_pool_row_ref(const nnb_pool_row *p)
{
    for (int64_t x = 0; x < p->ncols; x++) {
        float acc = p->is_max ? -INFINITY : 0.0f;
        const float *row = p->in + x * p->sw;
        for (int64_t r = 0; r < p->nrows; r++, row += p->rstride)
            for (int64_t s = 0; s < p->kw; s++) {
                const float v = row[s * p->dw];
                acc = p->is_max ? (v > acc ? v : acc) : acc + v;
            }
        p->out[x] = p->is_max ? acc : acc / p->div;
    }
}

int64_t nnb_pool_row_ref_flops(const nnb_pool_row *p)
{
    return p->ncols * (p->nrows * p->kw + (p->is_max ? 0 : 1));
}

void nnb_pool_global_ref(const nnb_pool_global *p)
{
    for (int64_t i = 0; i < p->nplanes; i++) {
        const float *in = p->in + i * p->plane;
        float acc = p->is_max ? -INFINITY : 0.0f;
        for (int64_t j = 0; j < p->plane; j++) acc = p->is_max ? (in[j] > acc ? in[j] : acc) : acc + in[j];
        p->out[i] = p->is_max ? acc : acc / p->div;
    }
}

int64_t nnb_pool_global_ref_flops(const nnb_pool_global *p)
{
    return p->nplanes * (p->plane + (p->is_max ? 0 : 1));
}
