/* NCHW <-> channel-blocked reorders (blocked.h). Outside the timed bracket
 * they run inside every run (--time-prepare, the check), so they go by tiles
 * of a block's channels x 16 pixels, full ones by the kernel context's
 * in-register transposes (ukr.h nnb_cb_reorder_ukr), the rest element by
 * element. */
#include "blocked.h"

#include "ctx.h"


int64_t nnb_cb_floats(int64_t n, int64_t c, int64_t hw, int block)
{
    return n * ((c + block - 1) / block) * hw * block;
}

/* the context's full-tile reorder for this block, or NULL (the element
 * loops: partial blocks, a context without one) */
static const nnb_cb_reorder_ukr *tile_ukr(int block)
{
    const nnb_cb_reorder_ukr *u = &nnb_kernel_ctx_get()->cb_reorder;
    return u->block == block ? u : NULL;
}

/* the tiles of one (image, block) pair: pixels p0.. of channels c0..c0+nc */
static void tile_in(float *restrict cb, const float *restrict nchw, int64_t hw, int block, int nc)
{
    const nnb_cb_reorder_ukr *u = nc == block ? tile_ukr(block) : NULL;
    for (int64_t p0 = 0; p0 < hw; p0 += 16) {
        const int64_t np = hw - p0 < 16 ? hw - p0 : 16;
        if (u && np == 16) {
            u->tile_in(cb + p0 * block, nchw + p0, hw);
            continue;
        }
        for (int64_t p = 0; p < np; p++) {
            float *o = cb + (p0 + p) * block;
            for (int j = 0; j < nc; j++) o[j] = nchw[j * hw + p0 + p];
            for (int j = nc; j < block; j++) o[j] = 0.0f;
        }
    }
}

static void tile_out(float *restrict nchw, const float *restrict cb, int64_t hw, int block, int nc)
{
    const nnb_cb_reorder_ukr *u = nc == block ? tile_ukr(block) : NULL;
    for (int64_t p0 = 0; p0 < hw; p0 += 16) {
        const int64_t np = hw - p0 < 16 ? hw - p0 : 16;
        if (u && np == 16) {
            u->tile_out(nchw + p0, cb + p0 * block, hw);
            continue;
        }
        for (int j = 0; j < nc; j++)
            for (int64_t p = 0; p < np; p++) nchw[j * hw + p0 + p] = cb[(p0 + p) * block + j];
    }
}

/* big enough to be worth waking the team (below it the team's start costs more) */
static bool worth_threads(int64_t floats) { return floats >= 1 << 15; }

/* every (image, block) pair's tiles, one direction or the other */
static void reorder(float *cb, float *nchw, int64_t n, int64_t c, int64_t hw, int block, bool to_blocked)
{
    const int64_t blocks = (c + block - 1) / block;
#pragma omp parallel for schedule(static) if (worth_threads(n * blocks * hw * block))
    for (int64_t nb = 0; nb < n * blocks; nb++) {
        const int64_t i = nb / blocks, b = nb % blocks, c0 = b * block;
        const int nc = (int)(c - c0 < block ? c - c0 : block);
        float *plane = nchw + (i * c + c0) * hw, *tile = cb + nb * hw * block;
        if (to_blocked) tile_in(tile, plane, hw, block, nc);
        else tile_out(plane, tile, hw, block, nc);
    }
}

void nnb_cb_from_nchw(float *cb, const float *nchw, int64_t n, int64_t c, int64_t hw, int block)
{
    reorder(cb, (float *)nchw, n, c, hw, block, true); /* nchw only read */
}

void nnb_cb_to_nchw(float *nchw, const float *cb, int64_t n, int64_t c, int64_t hw, int block)
{
    reorder((float *)cb, nchw, n, c, hw, block, false); /* cb only read */
}

void nnb_cb_bracket(const nnb_cb_io *io, bool begin)
{
    if (begin && io->src_cb) nnb_cb_from_nchw(io->src_cb, io->src, io->n, io->c, io->src_hw, io->block);
    if (!begin && io->dst_cb) nnb_cb_to_nchw(io->dst, io->dst_cb, io->n, io->k, io->dst_hw, io->block);
    io->state->in_bracket = begin;
}

void nnb_cb_outside(nnb_cb_state *s)
{
    s->in_bracket = false;
}

void nnb_cb_run_begin(const nnb_cb_io *io)
{
    if (!io->state->in_bracket && io->src_cb) nnb_cb_from_nchw(io->src_cb, io->src, io->n, io->c, io->src_hw, io->block);
}

void nnb_cb_run_end(const nnb_cb_io *io)
{
    if (!io->state->in_bracket && io->dst_cb) nnb_cb_to_nchw(io->dst, io->dst_cb, io->n, io->k, io->dst_hw, io->block);
}
