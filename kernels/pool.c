/* Max and average pooling. Each plane is packed once into a padded,
 * stride-phase-split buffer (padding = -inf for max, 0 for avg; see
 * im2col.h), so every window tap is a contiguous, unchecked row read and the
 * row loop vectorises (target_clones: AVX-512 / AVX2 / baseline, picked at run
 * time). The average's divisor is separable: (taps counted in y) x (in x).
 * Taps are summed in the reference's order, so results match it bit for bit.
 * OpenMP over the n*c planes. */
#include "nnbench/kernel.h"
#include "kernels.h"
#include "im2col.h"

#include <math.h>
#include <omp.h>

typedef struct plan {
    nnb_win win;
    int64_t rows, wq, plane_floats, per_thread;
} plan;

static void make_plan(const nnb_layer *l, plan *p)
{
    p->win = nnb_win_of(l);
    p->rows = nnb_pack_rows(&p->win);
    p->wq = nnb_pack_row_len(&p->win, 16);
    p->plane_floats = p->rows * l->sw * p->wq;
    p->per_thread = p->plane_floats + (l->ow + 15) / 16 * 16;
}

static bool supports(const nnb_layer *l)
{
    return l->op == NNB_OP_POOL_MAX || l->op == NNB_OP_POOL_AVG;
}

static int64_t workspace_bytes(const nnb_layer *l, int nthreads)
{
    plan p;
    make_plan(l, &p);
    int64_t counts = (l->oh + l->ow + 15) / 16 * 16;
    return (counts + (int64_t)nthreads * p.per_thread) * (int64_t)sizeof(float);
}

/* taps of output o (one axis) that count in the average's divisor */
static int64_t axis_count(int64_t o, int64_t k, int64_t s, int64_t p0, int64_t p1, int64_t in,
                          bool include_pad)
{
    int64_t c = 0;
    for (int64_t r = 0; r < k; r++) {
        int64_t i = nnb_in_coord(o, r, s, p0, 1);
        if (include_pad ? i < in + p1 : (i >= 0 && i < in)) c++;
    }
    return c;
}

__attribute__((target_clones("avx512f", "avx2", "default")))
static void row_max(float *restrict acc, const float *restrict in, int64_t n)
{
    for (int64_t i = 0; i < n; i++) acc[i] = in[i] > acc[i] ? in[i] : acc[i];
}

__attribute__((target_clones("avx512f", "avx2", "default")))
static void row_add(float *restrict acc, const float *restrict in, int64_t n)
{
    for (int64_t i = 0; i < n; i++) acc[i] += in[i];
}

__attribute__((target_clones("avx512f", "avx2", "default")))
static void row_div(float *restrict out, const float *restrict acc, const float *restrict cx,
                    float cy, int64_t n)
{
    for (int64_t i = 0; i < n; i++) out[i] = acc[i] / (cy * cx[i]);
}

/* What run executes: max as the analytic count (one max per tap); avg one
 * add per tap (zero padding included), then per output its divisor as a
 * product (cy * cx) and the division: one FLOP more per output. */
static void work(const nnb_layer *l, const nnb_analytic *a, int threads, int isa, nnb_work *w)
{
    (void)threads;
    (void)isa;
    nnb_work_start(w, a, NNB_WORK_TOLERANCE_OURS);
    if (l->op != NNB_OP_POOL_AVG) return;
    w->flops = (double)l->n * l->c * l->oh * l->ow * (double)(l->kh * l->kw + 2);
    nnb_work_cause(w->why, sizeof w->why, "every tap added (padding as zeros); divisor formed per output (cy x cx)");
}

static void run(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    plan p;
    make_plan(l, &p);
    const bool is_max = l->op == NNB_OP_POOL_MAX;
    float *cy = ws, *cx = cy + l->oh;
    float *thread_ws = (float *)ws + (l->oh + l->ow + 15) / 16 * 16;
    if (!is_max) {
        for (int64_t o = 0; o < l->oh; o++)
            cy[o] = (float)axis_count(o, l->kh, l->sh, l->pt, l->pb, l->h, l->count_include_pad);
        for (int64_t o = 0; o < l->ow; o++)
            cx[o] = (float)axis_count(o, l->kw, l->sw, l->pl, l->pr, l->w, l->count_include_pad);
    }
    const int64_t planes = l->n * l->c, rp = l->sw * p.wq;
#pragma omp parallel
    {
        float *packed = thread_ws + omp_get_thread_num() * p.per_thread;
        float *acc = packed + p.plane_floats;
#pragma omp for schedule(static)
        for (int64_t pl = 0; pl < planes; pl++) {
            nnb_pack_padded(t->src + pl * l->h * l->w, l->h, l->w, l->pt, l->pl, p.rows, l->sw,
                            p.wq, is_max ? -INFINITY : 0.0f, packed);
            float *out = t->dst + pl * l->oh * l->ow;
            for (int64_t oy = 0; oy < l->oh; oy++) {
                float *o = is_max ? out + oy * l->ow : acc;
                for (int64_t i = 0; i < l->ow; i++) o[i] = is_max ? -INFINITY : 0.0f;
                for (int64_t r = 0; r < l->kh; r++)
                    for (int64_t s = 0; s < l->kw; s++) {
                        const float *in = packed + oy * l->sh * rp + nnb_pack_tap_off(&p.win, p.wq, r, s);
                        if (is_max) row_max(o, in, l->ow);
                        else row_add(o, in, l->ow);
                    }
                /* the reference divides by the integer tap count as a float;
                 * cy*cx is that integer exactly (< 2^24) */
                if (!is_max) row_div(out + oy * l->ow, acc, cx, cy[oy], l->ow);
            }
        }
    }
}

const nnb_kernel nnb_kernel_pool = {
    .name = "pool",
    .desc = "max/avg pooling: padded phase-split rows, vectorised, OpenMP over planes",
    .flops_tolerance = 0.02,
    .supports = supports,
    .workspace_bytes = workspace_bytes,
    .run = run,
    .work = work,
};
