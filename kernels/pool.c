/* Max and average pooling, straight from the NCHW planes (no packing: a
 * pooling tap is used by a handful of outputs at most, so a padded copy of
 * the input costs more than the pooling itself).
 *
 * Windows: each output row splits into border columns (a tap in the padding
 * or past a ceil_mode edge), computed one output at a time as the reference
 * does, and an interior of outputs whose taps all lie in the input, which the
 * kernel context's row micro-kernel computes lanes outputs at a time
 * (contiguous loads at stride 1, deinterleaved pairs at stride 2, gathers
 * beyond), over the window rows inside the input only: a padding row adds
 * nothing to a max or a sum. Taps go in the reference's order, so max and avg
 * both match it bit for bit; the average divides by the tap count as a float,
 * as the reference does.
 *
 * Max pooling where the ISA has it goes separably instead (ukr.h
 * nnb_pool_plane): each input row's horizontal max over the whole output
 * row once (borders included: a tap outside the row is -inf), shared by
 * the output rows whose windows hold it, then the max over the window's
 * rows: the reference's tap order, so its answer bit for bit, sign of zero
 * and NaN included, global windows too.
 *
 * Global pooling (the window is the whole plane, no padding: ResNet's 7x7
 * average) is one reduction per plane, vectorised along the plane and lanes
 * planes at a time through a transposing tree (ukr.h: the sum in another
 * order than the reference's, inside the real-valued check's bound).
 *
 * Channel-blocked (where the context has it: nChw16c on AVX-512, nChw8c on
 * AVX2; kernels/blocked.h): the input reordered into the block layout
 * outside the timed bracket, as the onednn kernel's is; each vector one
 * pixel of a block's channels, so per output plain vertical ops with no
 * shuffle, separably (ukr.h nnb_pool_cb: the reference's tap order for
 * the max, bit for bit), H rows shared by the output rows that hold them.
 *
 * OpenMP over (plane, block of output rows), over blocks of planes, or
 * over (image, channel block, band of output rows). */
#include "nnbench/kernel.h"
#include "ctx.h"
#include "kernels.h"
#include "blocked.h"

#include <math.h>
#include <omp.h>

typedef struct plan {
    const nnb_pool_ukr *u;
    bool is_max, global, separable; /* separable: the max_plane path (ukr.h) */
    bool blocked;                   /* the channel-blocked path (ukr.h nnb_pool_cb) */
    int block;                      /* its channels per block (the context's lanes) */
    int64_t planes;
    int64_t ox_lo, ox_hi; /* interior columns: every tap inside the input row */
} plan;

/* the window is the plane: every tap inside, one output per plane */
static bool is_global(const nnb_layer *l)
{
    return l->oh == 1 && l->ow == 1 && l->kh == l->h && l->kw == l->w && l->pt == 0 && l->pl == 0 &&
           l->dh == 1 && l->dw == 1;
}

/* one channel block's arguments (in, out: the block's pixels; NULL for the work model) */
static nnb_pool_cb cb_args(const nnb_layer *l, const float *in, float *out, int64_t oy0, int64_t oy1)
{
    return (nnb_pool_cb){
        .in = in, .h = l->h, .w = l->w, .kh = l->kh, .kw = l->kw, .sh = l->sh, .sw = l->sw, .dh = l->dh,
        .dw = l->dw, .pt = l->pt, .pl = l->pl, .pb = l->pb, .pr = l->pr, .ow = l->ow, .oy0 = oy0, .oy1 = oy1,
        .is_max = l->op == NNB_OP_POOL_MAX, .include_pad = l->count_include_pad, .out = out,
    };
}

static void make_plan(const nnb_layer *l, const nnb_kernel_ctx *ctx, plan *p)
{
    p->u = &ctx->pool;
    p->is_max = l->op == NNB_OP_POOL_MAX;
    /* a global max too goes separably where it can: the reduction tree may
     * give the other sign of a zero maximum (ukr.h) */
    p->separable = p->is_max && p->u->max_plane && (l->kh - 1) * l->dh + 1 <= NNB_POOL_RING_ROWS;
    p->global = is_global(l) && !p->separable;
    p->planes = l->n * l->c;
    p->block = p->u->lanes;
    /* blocked time goes with the padded channels, the NCHW paths' with the
     * channels at about twice the cost each (measured: bench_onednn's pool
     * layers, before and after): blocked unless padding would double them */
    const int64_t padded_c = (l->c + p->block - 1) / p->block * p->block;
    p->blocked = p->u->cb && l->kh <= NNB_POOL_CB_MAX_KH && padded_c <= 2 * l->c;
    int64_t lo, hi, lo_last, hi_last;
    nnb_valid_out_range(l->w, l->ow, 0, l->sw, l->pl, l->dw, &lo, &hi);
    nnb_valid_out_range(l->w, l->ow, l->kw - 1, l->sw, l->pl, l->dw, &lo_last, &hi_last);
    p->ox_lo = lo;
    p->ox_hi = hi_last > lo ? hi_last : lo;
}

static bool supports(const nnb_layer *l)
{
    return l->op == NNB_OP_POOL_MAX || l->op == NNB_OP_POOL_AVG;
}

/* One output row's window rows inside the input, [r0, r1), and the rows its
 * average counts (cy). */
typedef struct out_row {
    int64_t r0, r1, cy;
} out_row;

static out_row out_row_of(const nnb_layer *l, int64_t oy)
{
    out_row o = {0, 0, 0};
    const int64_t base = nnb_in_coord(oy, 0, l->sh, l->pt, l->dh);
    if (l->dh == 1) { /* no divisions on the common path */
        o.r0 = base >= 0 ? 0 : -base;
        o.r1 = l->h - base > 0 ? l->h - base : 0;
    } else {
        o.r0 = base >= 0 ? 0 : (-base + l->dh - 1) / l->dh;
        o.r1 = l->h - base > 0 ? (l->h - base + l->dh - 1) / l->dh : 0;
    }
    if (o.r1 > l->kh) o.r1 = l->kh;
    if (o.r0 > o.r1) o.r0 = o.r1;
    if (l->op == NNB_OP_POOL_AVG) /* a max has no divisor */
        o.cy = l->count_include_pad ? nnb_pool_axis_count(oy, l->kh, l->sh, l->pt, l->pb, l->dh, l->h, true) : o.r1 - o.r0;
    return o;
}

/* the average's divisor of output (oy, ox) as the reference forms it */
static int64_t divisor(const nnb_layer *l, const out_row *o, int64_t ox)
{
    return o->cy * nnb_pool_axis_count(ox, l->kw, l->sw, l->pl, l->pr, l->dw, l->w, l->count_include_pad);
}

/* One output the reference's way (border columns, narrow rows). */
static float pool_output(const nnb_layer *l, const float *plane, const out_row *o, int64_t oy, int64_t ox)
{
    const bool is_max = l->op == NNB_OP_POOL_MAX;
    float acc = is_max ? -INFINITY : 0.0f;
    for (int64_t r = o->r0; r < o->r1; r++) {
        const float *row = plane + nnb_in_coord(oy, r, l->sh, l->pt, l->dh) * l->w;
        for (int64_t s = 0; s < l->kw; s++) {
            const int64_t ix = nnb_in_coord(ox, s, l->sw, l->pl, l->dw);
            if (ix < 0 || ix >= l->w) continue;
            acc = is_max ? (row[ix] > acc ? row[ix] : acc) : acc + row[ix];
        }
    }
    if (is_max) return acc;
    const int64_t div = divisor(l, o, ox);
    return div > 0 ? acc / (float)div : 0.0f;
}

/* FLOPs of pool_output: one op per in-input tap, the division */
static int64_t pool_output_flops(const nnb_layer *l, const out_row *o, int64_t ox)
{
    const int64_t taps = (o->r1 - o->r0) * nnb_pool_axis_count(ox, l->kw, l->sw, l->pl, l->pr, l->dw, l->w, false);
    return taps + (l->op == NNB_OP_POOL_AVG && divisor(l, o, ox) > 0 ? 1 : 0);
}

/* whether output row o's interior goes to the row micro-kernel */
static bool row_vectorised(const plan *p, const out_row *o)
{
    return o->r1 > o->r0 && p->ox_hi - p->ox_lo >= p->u->lanes;
}

static nnb_pool_row row_args(const nnb_layer *l, const plan *p, const out_row *o, const float *plane, int64_t oy,
                             float *out)
{
    const int64_t iy = nnb_in_coord(oy, o->r0, l->sh, l->pt, l->dh);
    return (nnb_pool_row){
        .in = plane + iy * l->w + nnb_in_coord(p->ox_lo, 0, l->sw, l->pl, l->dw),
        .rstride = l->dh * l->w,
        .nrows = o->r1 - o->r0,
        .kw = l->kw, .sw = l->sw, .dw = l->dw,
        .ncols = p->ox_hi - p->ox_lo,
        .is_max = p->is_max,
        .div = (float)(o->cy * l->kw), /* interior: every column tap counts */
        .out = out + p->ox_lo,
    };
}

static void pool_row(const nnb_layer *l, const plan *p, const float *plane, int64_t oy, float *out)
{
    const out_row o = out_row_of(l, oy);
    int64_t lo = l->ow, hi = l->ow; /* columns the micro-kernel takes */
    if (row_vectorised(p, &o)) {
        const nnb_pool_row a = row_args(l, p, &o, plane, oy, out);
        p->u->row(&a);
        lo = p->ox_lo;
        hi = p->ox_hi;
    }
    for (int64_t ox = 0; ox < lo; ox++) out[ox] = pool_output(l, plane, &o, oy, ox);
    for (int64_t ox = hi; ox < l->ow; ox++) out[ox] = pool_output(l, plane, &o, oy, ox);
}

/* planes per work item of the global path: whole vector groups */
static int64_t global_block(const plan *p, int threads)
{
    const int64_t lanes = p->u->lanes, groups = (p->planes + lanes - 1) / lanes;
    int64_t per = (groups + 4 * (int64_t)threads - 1) / (4 * (int64_t)threads);
    return (per < 1 ? 1 : per) * lanes;
}

static void run_global(const nnb_layer *l, const plan *p, const nnb_tensors *t)
{
    const int threads = omp_get_max_threads();
    const int64_t block = global_block(p, threads), items = (p->planes + block - 1) / block;
    const int64_t plane = l->h * l->w;
    /* a few microseconds of work: no parallel region for one thread */
#pragma omp parallel for schedule(static) if (threads > 1)
    for (int64_t i = 0; i < items; i++) {
        const int64_t first = i * block;
        const nnb_pool_global g = {
            .in = t->src + first * plane,
            .plane = plane,
            .nplanes = p->planes - first < block ? p->planes - first : block,
            .is_max = p->is_max,
            .div = (float)plane,
            .out = t->dst + first,
        };
        p->u->global(&g);
    }
}

/* output row blocks per plane: enough (plane, block) items for every
 * thread where planes are few */
static int64_t row_blocks(const nnb_layer *l, int64_t planes, int64_t threads)
{
    const int64_t blocks = (2 * threads + planes - 1) / planes;
    return blocks < l->oh ? blocks : l->oh;
}

static nnb_pool_plane plane_args(const nnb_layer *l, const float *in, float *out, int64_t oy0, int64_t oy1)
{
    return (nnb_pool_plane){
        .in = in, .h = l->h, .w = l->w,
        .kh = l->kh, .kw = l->kw, .sh = l->sh, .sw = l->sw, .dh = l->dh, .dw = l->dw, .pt = l->pt, .pl = l->pl,
        .ow = l->ow, .oy0 = oy0, .oy1 = oy1, .out = out,
    };
}

/* ---- the channel-blocked plan (the layout rule: kernels/blocked.h) ---- */

static int64_t cb_items(const nnb_layer *l, int block)
{
    return l->n * ((l->c + block - 1) / block);
}

/* the workspace: the bracket state, the blocked src, the blocked dst */
typedef struct cb_bufs {
    nnb_cb_state *state;
    float *src, *dst;
} cb_bufs;

static cb_bufs cb_bufs_of(const nnb_layer *l, void *ws, int block)
{
    char *base = ws;
    float *src = (float *)(base + NNB_CB_HEADER_BYTES);
    return (cb_bufs){(nnb_cb_state *)ws, src, src + nnb_cb_floats(l->n, l->c, l->h * l->w, block)};
}

/* the bracket's reorders: both tensors blocked */
static nnb_cb_io cb_io(const nnb_layer *l, const nnb_tensors *t, const cb_bufs *b, int block)
{
    return (nnb_cb_io){.state = b->state, .src = t->src, .src_cb = b->src, .c = l->c, .src_hw = l->h * l->w,
                       .dst = t->dst, .dst_cb = b->dst, .k = l->c, .dst_hw = l->oh * l->ow, .n = l->n,
                       .block = block};
}

/* sized for the widest block (16): enough for either context's plan */
static int64_t workspace_bytes(const nnb_layer *l, int nthreads)
{
    (void)nthreads;
    if (!supports(l) || l->kh > NNB_POOL_CB_MAX_KH) return 0;
    const int64_t floats = nnb_cb_floats(l->n, l->c, l->h * l->w, 16) + nnb_cb_floats(l->n, l->c, l->oh * l->ow, 16);
    return NNB_CB_HEADER_BYTES + floats * (int64_t)sizeof(float);
}

/* output row bands per channel block: the fewest that give every thread
 * the same number of (image, block, band) items, at least one */
static int64_t cb_bands(const nnb_layer *l, int64_t items, int64_t threads)
{
    for (int64_t b = 1; b < l->oh; b++)
        if (items * b >= threads && items * b % threads == 0) return b;
    return l->oh;
}

static void run_blocked(const nnb_layer *l, const plan *p, const float *src, float *dst)
{
    const int64_t threads = omp_get_max_threads(), items = cb_items(l, p->block);
    const int64_t bands = cb_bands(l, items, threads), rows_per = (l->oh + bands - 1) / bands;
    const int64_t in_floats = l->h * l->w * p->block, out_floats = l->oh * l->ow * p->block;
#pragma omp parallel for schedule(static) if (threads > 1)
    for (int64_t i = 0; i < items * bands; i++) {
        const int64_t b = i / bands, oy0 = i % bands * rows_per;
        const int64_t oy1 = oy0 + rows_per < l->oh ? oy0 + rows_per : l->oh;
        if (oy0 >= oy1) continue;
        const nnb_pool_cb a = cb_args(l, src + b * in_floats, dst + b * out_floats, oy0, oy1);
        p->u->cb(&a);
    }
}

/* FLOPs of run_blocked under `threads`: every item's bands */
static int64_t blocked_flops(const nnb_layer *l, const plan *p, int threads)
{
    const int64_t items = cb_items(l, p->block), bands = cb_bands(l, items, threads);
    const int64_t rows_per = (l->oh + bands - 1) / bands;
    int64_t sum = 0;
    for (int64_t oy0 = 0; oy0 < l->oh; oy0 += rows_per) {
        const nnb_pool_cb a = cb_args(l, NULL, NULL, oy0, oy0 + rows_per < l->oh ? oy0 + rows_per : l->oh);
        sum += p->u->cb_flops(&a);
    }
    return items * sum;
}

static void prepare(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    (void)t;
    plan p;
    make_plan(l, nnb_kernel_ctx_get(), &p);
    if (!p.blocked) return;
    const cb_bufs b = cb_bufs_of(l, ws, p.block);
    nnb_cb_outside(b.state); /* the input is reordered by timed() or by run itself */
}

/* inside the bracket run reads and writes the blocked buffers only */
static void timed(const nnb_layer *l, const nnb_tensors *t, void *ws, bool begin)
{
    plan p;
    make_plan(l, nnb_kernel_ctx_get(), &p);
    if (!p.blocked) return;
    const cb_bufs b = cb_bufs_of(l, ws, p.block);
    const nnb_cb_io io = cb_io(l, t, &b, p.block);
    nnb_cb_bracket(&io, begin);
}

static const char *impl(const nnb_layer *l)
{
    plan p;
    make_plan(l, nnb_kernel_ctx_get(), &p);
    return !p.blocked ? "" : p.block == 16 ? "nChw16c" : "nChw8c";
}
static void run(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    plan p;
    make_plan(l, nnb_kernel_ctx_get(), &p);
    if (p.blocked) {
        const cb_bufs b = cb_bufs_of(l, ws, p.block);
        const nnb_cb_io io = cb_io(l, t, &b, p.block);
        nnb_cb_run_begin(&io);
        run_blocked(l, &p, b.src, b.dst);
        nnb_cb_run_end(&io);
        return;
    }
    if (p.global) {
        run_global(l, &p, t);
        return;
    }
    const int64_t threads = omp_get_max_threads(), blocks = row_blocks(l, p.planes, threads);
    const int64_t rows_per = (l->oh + blocks - 1) / blocks;
#pragma omp parallel for schedule(static) if (threads > 1)
    for (int64_t i = 0; i < p.planes * blocks; i++) {
        const int64_t pl = i / blocks, oy0 = i % blocks * rows_per;
        const int64_t oy1 = oy0 + rows_per < l->oh ? oy0 + rows_per : l->oh;
        const float *plane = t->src + pl * l->h * l->w;
        float *out = t->dst + pl * l->oh * l->ow;
        if (p.separable) {
            const nnb_pool_plane a = plane_args(l, plane, out, oy0, oy1);
            p.u->max_plane(&a);
            continue;
        }
        for (int64_t oy = oy0; oy < oy1; oy++) pool_row(l, &p, plane, oy, out + oy * l->ow);
    }
}

/* FLOPs one plane of the separable path executes under `threads`: its
 * row blocks' calls, each computing its own H rows */
static int64_t separable_flops(const nnb_layer *l, const plan *p, int threads)
{
    const int64_t blocks = row_blocks(l, p->planes, threads), rows_per = (l->oh + blocks - 1) / blocks;
    int64_t sum = 0;
    for (int64_t oy0 = 0; oy0 < l->oh; oy0 += rows_per) {
        const nnb_pool_plane a = plane_args(l, NULL, NULL, oy0, oy0 + rows_per < l->oh ? oy0 + rows_per : l->oh);
        sum += p->u->max_plane_flops(&a);
    }
    return sum;
}

/* FLOPs one plane of the row path executes: per output row, the micro-kernel's
 * chunks (lanes counted whole) and the border outputs' in-input taps */
static int64_t row_path_flops(const nnb_layer *l, const plan *p)
{
    int64_t sum = 0;
    for (int64_t oy = 0; oy < l->oh; oy++) {
        const out_row o = out_row_of(l, oy);
        int64_t lo = l->ow, hi = l->ow;
        if (row_vectorised(p, &o)) {
            const nnb_pool_row a = row_args(l, p, &o, NULL, oy, NULL);
            sum += p->u->row_flops(&a);
            lo = p->ox_lo;
            hi = p->ox_hi;
        }
        for (int64_t ox = 0; ox < lo; ox++) sum += pool_output_flops(l, &o, ox);
        for (int64_t ox = hi; ox < l->ow; ox++) sum += pool_output_flops(l, &o, ox);
    }
    return sum;
}

/* What run executes on the context of isa: padding taps skipped (the
 * analytic count has one op per window tap), vector lanes past a row's
 * interior or a plane's end counted, the global path's reduction tree. */
static void work(const nnb_layer *l, const nnb_analytic *a, int threads, int isa, nnb_work *w)
{
    plan p;
    make_plan(l, nnb_kernel_ctx_at((nnb_isa)isa), &p);
    nnb_work_start(w, a, NNB_WORK_TOLERANCE_OURS);
    const char *name = nnb_isa_name((nnb_isa)isa);
    if (p.blocked) {
        w->flops = (double)blocked_flops(l, &p, threads);
        const int64_t pad_c = (l->c + p.block - 1) / p.block * p.block - l->c;
        w->bytes = (double)(nnb_cb_floats(l->n, l->c, l->h * l->w, p.block) +
                            nnb_cb_floats(l->n, l->c, l->oh * l->ow, p.block)) * (double)sizeof(float);
        nnb_work_cause(w->why, sizeof w->why,
                       "nChw%dc: H rows (the in-input taps of each window row, a max's first against -inf, a "
                       "sum's one fewer) once per row band, then the op over the window's rows, in %d-wide %s "
                       "vectors%s",
                       p.block, p.block, name, pad_c ? " (padding channels computed)" : "");
        if (pad_c)
            nnb_work_cause(w->bytes_why, sizeof w->bytes_why, "nChw%dc's %lld padding channels read and written",
                           p.block, (long long)pad_c);
        return;
    }
    if (p.global) {
        const nnb_pool_global g = {.plane = l->h * l->w, .nplanes = p.planes, .is_max = p.is_max};
        w->flops = (double)p.u->global_flops(&g);
        if (p.u->lanes > 1)
            nnb_work_cause(w->why, sizeof w->why,
                           "global pooling: each plane reduced in %d-wide %s vectors (lanes past the plane's end "
                           "counted), then %d planes per transposing tree (%d ops)",
                           p.u->lanes, name, p.u->lanes, p.u->lanes - 1);
        return;
    }
    if (p.separable) {
        w->flops = (double)p.planes * (double)separable_flops(l, &p, threads);
        nnb_work_cause(w->why, sizeof w->why,
                       "max separably: each in-input window row's horizontal max (%d-wide %s chunks over the "
                       "whole output row, lanes past its end counted) once per row block, then the max over the "
                       "window's rows",
                       p.u->lanes, name);
        return;
    }
    w->flops = (double)p.planes * (double)row_path_flops(l, &p);
    if (l->pt + l->pb + l->pl + l->pr > 0 || l->ceil_mode)
        nnb_work_cause(w->why, sizeof w->why, "taps in the padding skipped");
    if (p.u->lanes > 1 && p.ox_hi - p.ox_lo >= p.u->lanes && (p.ox_hi - p.ox_lo) % p.u->lanes)
        nnb_work_cause(w->why, sizeof w->why, "row interiors of %lld outputs in %d-wide %s chunks, the last overlapping",
                       (long long)(p.ox_hi - p.ox_lo), p.u->lanes, name);
}

const nnb_kernel nnb_kernel_pool = {
    .name = "pool",
    .desc = "max/avg pooling: nChw16c/nChw8c blocks (separable), else NCHW planes; OpenMP",
    .flops_tolerance = 0.02,
    .supports = supports,
    .workspace_bytes = workspace_bytes,
    .prepare = prepare,
    .run = run,
    .timed = timed,
    .impl = impl,
    .work = work,
};
