/* oneDNN (Debian's libdnnl, C API) as a kernel: the industry's convolution,
 * checked, timed and counted exactly like ours.
 *
 * Timed as benchdnn times a primitive: prepare creates the primitive with
 * format_tag_any for src, weights and dst (oneDNN picks its blocked
 * layouts), reorders the weights and the NCHW input into them; inside the
 * harness's timed bracket (kernel.h: timed) run is the primitive's execute
 * alone and the blocked output is reordered back to NCHW when the bracket
 * closes. Outside the bracket run also reorders the output, so a caller
 * that only knows prepare + run (the tests, the check) always reads NCHW;
 * under --time-prepare there is no bracket, so the input and output
 * reorders (and the weights', as for every kernel) are inside every run.
 *
 * prepare also takes the input: call it whenever src or the weights change.
 * One primitive is cached (layer + thread count); oneDNN's OpenMP runtime
 * plans its work with omp_get_max_threads() at creation, so a new thread
 * count creates a new primitive. The engine and stream live for the process.
 * Buffers in oneDNN's layouts are allocated by oneDNN (workspace 0). */
#include "nnbench/kernel.h"
#include "kernels.h"
#include "machine/isa.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <oneapi/dnnl/dnnl.h>

typedef struct plan {
    bool valid;
    nnb_layer key;
    int threads;
    dnnl_primitive_desc_t pd;
    dnnl_primitive_t prim;
    /* user (NCHW / PyTorch) memories take the harness's pointers; "own"
     * ones are in oneDNN's layout, or alias the user one when equal */
    dnnl_memory_t src_user, src, wei_user, wei, bias, dst_user, dst;
    dnnl_primitive_t src_reorder, wei_reorder, dst_reorder; /* NULL: same layout */
    bool timed;             /* inside the harness's timed bracket */
    bool dst_pending;       /* the last run left dst in oneDNN's layout */
    char impl[64];
} plan;

static dnnl_engine_t engine;
static dnnl_stream_t stream;
static plan cur;

static bool engine_ready(void)
{
    if (engine) return true;
    if (dnnl_engine_create(&engine, dnnl_cpu, 0) != dnnl_success) return false;
    if (dnnl_stream_create(&stream, engine, dnnl_stream_default_flags) != dnnl_success) {
        dnnl_engine_destroy(engine);
        engine = NULL;
        return false;
    }
    return true;
}

static void md4(dnnl_memory_desc_t *md, int64_t a, int64_t b, int64_t c, int64_t d, dnnl_format_tag_t tag)
{
    dnnl_dims_t dims = {a, b, c, d};
    dnnl_memory_desc_init_by_tag(md, 4, dims, dnnl_f32, tag);
}

/* weights in PyTorch's layout: conv [k][c/g][kh][kw], deconv [c][k/g][kh][kw]
 * (oneDNN's logical order is always (g,) oc, ic, kh, kw) */
static void weights_md(const nnb_layer *l, dnnl_memory_desc_t *md, bool any)
{
    int64_t g = l->groups, oc = l->k / g, ic = l->c / g;
    bool de = l->op == NNB_OP_DECONV;
    if (g == 1) {
        md4(md, oc, ic, l->kh, l->kw, any ? dnnl_format_tag_any : de ? dnnl_iohw : dnnl_oihw);
    } else {
        dnnl_dims_t dims = {g, oc, ic, l->kh, l->kw};
        dnnl_memory_desc_init_by_tag(md, 5, dims, dnnl_f32,
                                     any ? dnnl_format_tag_any : de ? dnnl_giohw : dnnl_goihw);
    }
}

/* pooling: oneDNN's pooling takes its input layout as given; give it the
 * blocked layout its convolutions produce on this machine */
static dnnl_format_tag_t blocked_tag(void)
{
    dnnl_cpu_isa_t isa = dnnl_get_effective_cpu_isa();
    return (isa & dnnl_cpu_isa_avx512_core) == dnnl_cpu_isa_avx512_core ? dnnl_nChw16c : dnnl_nChw8c;
}

/* right padding of a ceil_mode pooling window grid */
static int64_t pool_pad_r(int64_t in, int64_t out, int64_t k, int64_t s, int64_t d, int64_t pl, int64_t pr)
{
    int64_t need = (out - 1) * s + nnb_extent(k, d) - in - pl;
    return need > pr ? need : pr;
}

static dnnl_status_t pool_desc(const nnb_layer *l, dnnl_pooling_v2_desc_t *pd)
{
    dnnl_memory_desc_t src, dst;
    md4(&src, l->n, l->c, l->h, l->w, blocked_tag());
    md4(&dst, l->n, l->k, l->oh, l->ow, dnnl_format_tag_any);
    int64_t prb = pool_pad_r(l->h, l->oh, l->kh, l->sh, l->dh, l->pt, l->pb);
    int64_t prr = pool_pad_r(l->w, l->ow, l->kw, l->sw, l->dw, l->pl, l->pr);
    /* oneDNN's include-padding divisor is always kh*kw; PyTorch's stops at
     * the declared padding, so a ceil_mode window past it would differ */
    if (l->op == NNB_OP_POOL_AVG && l->count_include_pad && (prb > l->pb || prr > l->pr))
        return dnnl_unimplemented;
    dnnl_alg_kind_t alg = l->op == NNB_OP_POOL_MAX       ? dnnl_pooling_max
                          : l->count_include_pad ? dnnl_pooling_avg_include_padding
                                                 : dnnl_pooling_avg_exclude_padding;
    dnnl_dims_t strides = {l->sh, l->sw}, kernel = {l->kh, l->kw}, dil = {l->dh - 1, l->dw - 1};
    dnnl_dims_t pad_l = {l->pt, l->pl}, pad_r = {prb, prr};
    return dnnl_pooling_v2_forward_desc_init(pd, dnnl_forward_inference, alg, &src, &dst, strides, kernel, dil,
                                             pad_l, pad_r);
}

/* The primitive descriptor for l, or an error status (oneDNN refuses it). */
static dnnl_status_t make_pd(const nnb_layer *l, dnnl_primitive_desc_t *out)
{
    *out = NULL;
    if (!engine_ready()) return dnnl_runtime_error;
    dnnl_memory_desc_t src, wei, bias, dst;
    memset(&bias, 0, sizeof bias);
    if (l->bias && l->op != NNB_OP_POOL_MAX && l->op != NNB_OP_POOL_AVG) {
        dnnl_dims_t bd = {l->k};
        dnnl_memory_desc_init_by_tag(&bias, 1, bd, dnnl_f32, dnnl_x);
    }
    md4(&src, l->n, l->c, l->h, l->w, dnnl_format_tag_any);
    md4(&dst, l->n, l->k, l->oh, l->ow, dnnl_format_tag_any);
    dnnl_dims_t strides = {l->sh, l->sw}, dil = {l->dh - 1, l->dw - 1}; /* oneDNN: 0 = no dilation */
    dnnl_dims_t pad_l = {l->pt, l->pl}, pad_r = {l->pb, l->pr};
    union {
        dnnl_convolution_desc_t conv;
        dnnl_deconvolution_desc_t deconv;
        dnnl_inner_product_desc_t ip;
        dnnl_pooling_v2_desc_t pool;
    } d;
    dnnl_status_t st;
    switch (l->op) {
    case NNB_OP_CONV:
        weights_md(l, &wei, true);
        st = dnnl_dilated_convolution_forward_desc_init(&d.conv, dnnl_forward_inference, dnnl_convolution_direct,
                                                        &src, &wei, &bias, &dst, strides, dil, pad_l, pad_r);
        break;
    case NNB_OP_DECONV: {
        /* output padding: a taller dst, i.e. less padding on the right */
        dnnl_dims_t dpad_r = {l->pb - l->oph, l->pr - l->opw};
        weights_md(l, &wei, true);
        st = dnnl_dilated_deconvolution_forward_desc_init(&d.deconv, dnnl_forward_inference,
                                                          dnnl_deconvolution_direct, &src, &wei, &bias, &dst,
                                                          strides, dil, pad_l, dpad_r);
        break;
    }
    case NNB_OP_FC: {
        dnnl_dims_t dd = {l->n, l->k};
        md4(&wei, l->k, l->c, l->h, l->w, dnnl_format_tag_any);
        dnnl_memory_desc_init_by_tag(&dst, 2, dd, dnnl_f32, dnnl_format_tag_any);
        st = dnnl_inner_product_forward_desc_init(&d.ip, dnnl_forward_inference, &src, &wei, &bias, &dst);
        break;
    }
    case NNB_OP_POOL_MAX:
    case NNB_OP_POOL_AVG: st = pool_desc(l, &d.pool); break;
    default: return dnnl_unimplemented;
    }
    if (st != dnnl_success) return st;
    return dnnl_primitive_desc_create(out, &d, NULL, engine, NULL);
}

static void plan_free(plan *p)
{
    dnnl_primitive_t prims[] = {p->prim, p->src_reorder, p->wei_reorder, p->dst_reorder};
    for (size_t i = 0; i < sizeof prims / sizeof prims[0]; i++)
        if (prims[i]) dnnl_primitive_destroy(prims[i]);
    dnnl_memory_t mems[] = {p->src_user, p->src, p->wei_user, p->wei, p->bias, p->dst_user, p->dst};
    for (size_t i = 0; i < sizeof mems / sizeof mems[0]; i++) {
        bool alias = (i == 1 && mems[1] == mems[0]) || (i == 3 && mems[3] == mems[2]) ||
                     (i == 6 && mems[6] == mems[5]);
        if (mems[i] && !alias) dnnl_memory_destroy(mems[i]);
    }
    if (p->pd) dnnl_primitive_desc_destroy(p->pd);
    memset(p, 0, sizeof *p);
}

/* user memory (handle set per call) and, where oneDNN wants another layout,
 * its own buffer and the reorder between them (from user to own when in) */
static int pair(const dnnl_memory_desc_t *user_md, const dnnl_memory_desc_t *want, bool in, dnnl_memory_t *user,
                dnnl_memory_t *own, dnnl_primitive_t *reorder)
{
    if (dnnl_memory_create(user, user_md, engine, DNNL_MEMORY_NONE) != dnnl_success) return -1;
    if (dnnl_memory_desc_equal(user_md, want)) {
        *own = *user;
        return 0;
    }
    if (dnnl_memory_create(own, want, engine, DNNL_MEMORY_ALLOCATE) != dnnl_success) return -1;
    dnnl_primitive_desc_t rpd;
    if (dnnl_reorder_primitive_desc_create(&rpd, in ? user_md : want, engine, in ? want : user_md, engine, NULL) !=
        dnnl_success)
        return -1;
    dnnl_status_t st = dnnl_primitive_create(reorder, rpd);
    dnnl_primitive_desc_destroy(rpd);
    return st == dnnl_success ? 0 : -1;
}

static bool same_key(const nnb_layer *a, const nnb_layer *b)
{
    nnb_layer x = *a, y = *b;
    memset(x.name, 0, sizeof x.name);
    memset(y.name, 0, sizeof y.name);
    return memcmp(&x, &y, sizeof x) == 0;
}

/* cur holds the primitive for l at the current thread count; 0 or -1 */
static int plan_for(const nnb_layer *l)
{
    int threads = omp_get_max_threads();
    if (cur.valid && cur.threads == threads && same_key(&cur.key, l)) return 0;
    plan_free(&cur);
    if (make_pd(l, &cur.pd) != dnnl_success) return -1;
    cur.key = *l;
    cur.threads = threads;
    const char *impl = NULL;
    if (dnnl_primitive_desc_query(cur.pd, dnnl_query_impl_info_str, 0, &impl) == dnnl_success && impl)
        snprintf(cur.impl, sizeof cur.impl, "%s", impl);
    bool pool = l->op == NNB_OP_POOL_MAX || l->op == NNB_OP_POOL_AVG, fc = l->op == NNB_OP_FC;
    dnnl_memory_desc_t src_user, wei_user, dst_user;
    md4(&src_user, l->n, l->c, l->h, l->w, dnnl_nchw);
    if (fc) {
        dnnl_dims_t dd = {l->n, l->k};
        dnnl_memory_desc_init_by_tag(&dst_user, 2, dd, dnnl_f32, dnnl_nc);
        md4(&wei_user, l->k, l->c, l->h, l->w, dnnl_oihw);
    } else {
        md4(&dst_user, l->n, l->k, l->oh, l->ow, dnnl_nchw);
        if (!pool) weights_md(l, &wei_user, false);
    }
    const dnnl_memory_desc_t *src = dnnl_primitive_desc_query_md(cur.pd, dnnl_query_src_md, 0);
    const dnnl_memory_desc_t *dst = dnnl_primitive_desc_query_md(cur.pd, dnnl_query_dst_md, 0);
    int rc = pair(&src_user, src, true, &cur.src_user, &cur.src, &cur.src_reorder);
    rc |= pair(&dst_user, dst, false, &cur.dst_user, &cur.dst, &cur.dst_reorder);
    if (!pool) {
        const dnnl_memory_desc_t *wei = dnnl_primitive_desc_query_md(cur.pd, dnnl_query_weights_md, 0);
        rc |= pair(&wei_user, wei, true, &cur.wei_user, &cur.wei, &cur.wei_reorder);
    }
    if (l->bias && !pool)
        rc |= dnnl_memory_create(&cur.bias, dnnl_primitive_desc_query_md(cur.pd, dnnl_query_weights_md, 1), engine,
                                 DNNL_MEMORY_NONE) != dnnl_success;
    rc |= dnnl_primitive_create(&cur.prim, cur.pd) != dnnl_success;
    if (rc) {
        plan_free(&cur);
        return -1;
    }
    cur.valid = true;
    return 0;
}

/* true when some output of one pooling window dimension has no tap inside
 * the input (a window wholly in the padding: dilation or wide padding) */
static bool empty_window_1d(int64_t in, int64_t out, int64_t k, int64_t s, int64_t d, int64_t pad)
{
    for (int64_t o = 0; o < out; o++) {
        bool inside = false;
        for (int64_t t = 0; t < k && !inside; t++) {
            const int64_t i = nnb_in_coord(o, t, s, pad, d);
            inside = i >= 0 && i < in;
        }
        if (!inside) return true;
    }
    return false;
}

static bool supports(const nnb_layer *l)
{
    /* a max pooling window wholly in the padding (dilation): oneDNN writes
     * -FLT_MAX where the reference gives -inf (PyTorch's answer): refused
     * rather than answered differently */
    if (l->op == NNB_OP_POOL_MAX &&
        (empty_window_1d(l->h, l->oh, l->kh, l->sh, l->dh, l->pt) ||
         empty_window_1d(l->w, l->ow, l->kw, l->sw, l->dw, l->pl)))
        return false;
    if (cur.valid && same_key(&cur.key, l)) return true;
    dnnl_primitive_desc_t pd;
    if (make_pd(l, &pd) != dnnl_success) return false;
    dnnl_primitive_desc_destroy(pd);
    return true;
}

static int64_t workspace_bytes(const nnb_layer *l, int nthreads)
{
    (void)l;
    (void)nthreads;
    return 0; /* oneDNN allocates its own layouts (plan_for) */
}

static void reorder(dnnl_primitive_t r, dnnl_memory_t from, dnnl_memory_t to)
{
    dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}};
    dnnl_primitive_execute(r, stream, 2, args);
}

static void bind(const nnb_tensors *t)
{
    dnnl_memory_set_data_handle(cur.src_user, t->src);
    dnnl_memory_set_data_handle(cur.dst_user, t->dst);
    if (cur.wei_user) dnnl_memory_set_data_handle(cur.wei_user, t->wei);
    if (cur.bias) dnnl_memory_set_data_handle(cur.bias, t->bias);
}

static void run(const nnb_layer *l, const nnb_tensors *t, void *ws);

static void prepare(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    (void)ws;
    if (plan_for(l) != 0) return; /* supports() said yes: only out of memory gets here */
    bind(t);
    cur.timed = false;
    cur.dst_pending = false;
    if (cur.wei_reorder) reorder(cur.wei_reorder, cur.wei_user, cur.wei);
    if (cur.src_reorder) reorder(cur.src_reorder, cur.src_user, cur.src);
    dnnl_stream_wait(stream);
    /* oneDNN's gemm-based implementations (gemm:jit) set their sgemm/gemv
     * up on the first execute (measured under valgrind: 310 FLOPs more in a
     * first call of every inner product, whatever its size); one execute
     * here, as benchdnn warms a primitive up, keeps that out of the timed and
     * counted runs. The output it writes is overwritten by every run. */
    if (strstr(cur.impl, "gemm") && !strstr(cur.impl, "brg")) run(l, t, ws);
}

static void dst_to_nchw(void)
{
    if (cur.dst_pending && cur.dst_reorder) reorder(cur.dst_reorder, cur.dst, cur.dst_user);
    dnnl_stream_wait(stream);
    cur.dst_pending = false;
}

static void run(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    /* inside the timed bracket timed() checked the plan: the run is the
     * primitive's execute alone, as benchdnn times it (no layer compare) */
    if (!cur.timed && (!cur.valid || !same_key(&cur.key, l) || cur.threads != omp_get_max_threads()))
        prepare(l, t, ws); /* a caller that skipped prepare still gets the right answer */
    if (!cur.valid) return;
    if (!cur.timed) bind(t);
    dnnl_exec_arg_t args[4] = {{DNNL_ARG_SRC, cur.src}, {DNNL_ARG_DST, cur.dst}};
    int nargs = 2;
    if (cur.wei) args[nargs++] = (dnnl_exec_arg_t){DNNL_ARG_WEIGHTS, cur.wei};
    if (cur.bias) args[nargs++] = (dnnl_exec_arg_t){DNNL_ARG_BIAS, cur.bias};
    dnnl_primitive_execute(cur.prim, stream, nargs, args);
    cur.dst_pending = true;
    if (!cur.timed) dst_to_nchw();
    else dnnl_stream_wait(stream);
}

static void timed(const nnb_layer *l, const nnb_tensors *t, void *ws, bool begin)
{
    (void)ws;
    if (!cur.valid || !same_key(&cur.key, l) || (begin && cur.threads != omp_get_max_threads())) return;
    if (begin) {
        bind(t);
        cur.timed = true;
    } else {
        cur.timed = false;
        dst_to_nchw();
    }
}

static const char *impl(const nnb_layer *l)
{
    return cur.valid && same_key(&cur.key, l) ? cur.impl : "";
}

/* dnnl_primitive_execute's own arithmetic: 5 FLOPs per call on every
 * primitive (measured under valgrind: conv1x1 102961157 = 2 x MACs + 5,
 * global avg pool 102405 = 102400 + 5, max pool 5) */
#define ONEDNN_EXECUTE_FLOPS 5.0

/* (output, tap) pairs of one pooling window dimension whose input lands
 * inside the input */
static int64_t valid_taps_1d(int64_t in, int64_t out, int64_t k, int64_t s, int64_t d, int64_t pad)
{
    int64_t taps = 0;
    for (int64_t t = 0; t < k; t++) {
        int64_t lo, hi;
        nnb_valid_out_range(in, out, t, s, pad, d, &lo, &hi);
        taps += hi - lo;
    }
    return taps;
}

/* Pooling as oneDNN's JIT pooling executes it (measured under valgrind on
 * max 2x2 s2, avg 3x3 s1, avg 3x3 s2 pad 1, global 7x7): max compares and
 * blends (vcmpps + vblendvps: no FP arithmetic); avg adds every tap that
 * lands inside the input into a zeroed sum and scales it once per output. */
static void pool_work(const nnb_layer *l, nnb_work *w)
{
    if (l->op == NNB_OP_POOL_MAX) {
        w->flops = ONEDNN_EXECUTE_FLOPS;
        nnb_work_cause(w->why, sizeof w->why, "max pooling by compare and blend (vcmpps, vblendvps): no FP arithmetic");
    } else {
        const double taps = (double)l->n * l->c * valid_taps_1d(l->h, l->oh, l->kh, l->sh, l->dh, l->pt) *
                            valid_taps_1d(l->w, l->ow, l->kw, l->sw, l->dw, l->pl);
        w->flops = taps + (double)l->n * l->c * l->oh * l->ow + ONEDNN_EXECUTE_FLOPS;
        nnb_work_cause(w->why, sizeof w->why, "avg pooling: one add per tap inside the input, one scale per output");
    }
    nnb_work_cause(w->why, sizeof w->why, "%.0f FLOPs of oneDNN's execute call", ONEDNN_EXECUTE_FLOPS);
}

static double md_bytes(dnnl_primitive_desc_t pd, dnnl_query_t what, int index)
{
    const dnnl_memory_desc_t *md = dnnl_primitive_desc_query_md(pd, what, index);
    return md ? (double)dnnl_memory_desc_get_size(md) : 0.0;
}

/* the channel block of oneDNN's blocked layouts on an ISA level */
static double channel_block(int isa)
{
    return isa >= (int)NNB_ISA_AVX512 ? 16.0 : 8.0;
}

static double round_up_to(double v, double to)
{
    return ceil(v / to) * to;
}

/* bytes of an activation oneDNN holds as `got` bytes (plain: `plain`, c
 * channels), re-blocked for the counted run's ISA: a blocked layout pads
 * the channels to 8 (AVX2) or 16 (AVX-512) */
static double act_bytes(double got, double plain, int64_t c, double block)
{
    return got > plain ? plain / (double)c * round_up_to((double)c, block) : got;
}

/* Bytes: oneDNN's own layouts of src, weights, bias and dst (blocked, with
 * their channel padding: the timed run reads and writes those, the NCHW
 * reorders stay outside it) and its scratchpad, for a primitive made with
 * `threads` threads as prepare makes it. This process may run a wider ISA
 * than the counted one (valgrind: AVX2): blocked activations are re-padded
 * to the counted ISA's block; weights and scratchpad are this process's. */
static void layout_bytes(const nnb_layer *l, const nnb_analytic *a, int threads, int isa, nnb_work *w,
                         bool *dst_blocked)
{
    *dst_blocked = false;
    int saved = omp_get_max_threads();
    omp_set_num_threads(threads > 0 ? threads : 1);
    dnnl_primitive_desc_t pd;
    dnnl_status_t st = make_pd(l, &pd);
    omp_set_num_threads(saved);
    if (st != dnnl_success) return;
    const double block = channel_block(isa);
    const double src = act_bytes(md_bytes(pd, dnnl_query_src_md, 0), (double)a->src_bytes, l->c, block);
    const double dst = act_bytes(md_bytes(pd, dnnl_query_dst_md, 0), (double)a->dst_bytes, l->k, block);
    const double wei = md_bytes(pd, dnnl_query_weights_md, 0), bias = md_bytes(pd, dnnl_query_weights_md, 1);
    const double scratch = md_bytes(pd, dnnl_query_scratchpad_md, 0);
    *dst_blocked = md_bytes(pd, dnnl_query_dst_md, 0) > (double)a->dst_bytes;
    dnnl_primitive_desc_destroy(pd);
    w->bytes = src + wei + bias + dst + scratch;
    nnb_work_cause(w->bytes_why, sizeof w->bytes_why,
                   "oneDNN's layouts (%s blocks): src %.1f KiB, weights %.1f KiB, bias %.1f KiB, dst %.1f KiB; "
                   "scratchpad %.1f KiB", block > 8 ? "16-channel" : "8-channel", src / 1024.0, wei / 1024.0,
                   bias / 1024.0, dst / 1024.0, scratch / 1024.0);
}

/* Inner product at batch 1 on AVX2 (the counted run: valgrind's CPU):
 * oneDNN 2.6 picks gemm:jit, whose sgemm with n = 1 and transposed weights
 * jumps to its gemv (gemv_driver.cpp: jump_to_gemv -> gemv_t_kernel ->
 * jit_avx_gemv_t_f32_kern, FMA form). Per output (a dot product over the c*h*w
 * inputs, whichever thread owns it): 16-input steps of two 8-lane FMAs (32
 * FLOPs), then for each set bit of the remainder (8, 4, 2, 1 inputs) one
 * 8-lane FMA (16, whatever the loaded width) and, after the main loop (if
 * it ran: fewer than 16 inputs jump past it) and after each remainder step,
 * the update of y: hadd, add, hadd on 8 lanes (24) and alpha's scalar FMA
 * (2). The bias is added by the post-processing
 * kernel in whole 8-lane vectors (33 outputs: 40 adds, measured). */
#define GEMV_UNROLL 16
#define GEMV_Y_UPDATE_FLOPS 26.0
#define GEMV_FMA_FLOPS 16.0
#define PP_LANES 8

/* jit_avx_gemv_t_f32_kern's FLOPs for one output, a dot product of len
 * inputs; *rem_steps: its remainder steps */
static double gemv_t_output_flops(int64_t len, int *rem_steps)
{
    const int64_t rem = len % GEMV_UNROLL;
    int steps = 0;
    for (int64_t bit = GEMV_UNROLL / 2; bit > 0; bit >>= 1) steps += (rem & bit) != 0;
    /* fewer than 16 inputs jump straight to the remainder steps: no main-loop update */
    const int updates = steps + (len >= GEMV_UNROLL);
    if (rem_steps) *rem_steps = steps;
    return (double)(len / GEMV_UNROLL) * 2.0 * GEMV_FMA_FLOPS + steps * GEMV_FMA_FLOPS + updates * GEMV_Y_UPDATE_FLOPS;
}

static bool fc_work(const nnb_layer *l, int isa, nnb_work *w)
{
    if (l->n != 1 || isa != (int)NNB_ISA_AVX2) return false;
    const int64_t len = l->c * l->h * l->w;
    int rem_steps;
    const double per_output = gemv_t_output_flops(len, &rem_steps);
    const double bias = l->bias ? (double)((l->k + PP_LANES - 1) / PP_LANES * PP_LANES) : 0.0;
    w->flops = (double)l->k * per_output + bias + ONEDNN_EXECUTE_FLOPS;
    nnb_work_cause(w->why, sizeof w->why,
                   "gemm:jit's gemv: %lld inputs per output in steps of 16 and %d remainder step%s, each sum reduced "
                   "in 8 lanes (+%.0f per output)",
                   (long long)len, rem_steps, rem_steps == 1 ? "" : "s",
                   per_output - 2.0 * (double)len);
    if (l->bias) nnb_work_cause(w->why, sizeof w->why, "bias added in whole 8-lane vectors");
    nnb_work_cause(w->why, sizeof w->why, "%.0f FLOPs of oneDNN's execute call", ONEDNN_EXECUTE_FLOPS);
    return true;
}

/* Grouped convolution counted on AVX2 (valgrind's CPU). oneDNN 2.6.3 runs
 * jit:avx2 where both channels per group are multiples of its 8-channel
 * block (then the dense model in work() holds: 2 x MACs + 5, measured on 8 x
 * 8 channels per group at 1..24 pixels), else gemm:jit (gemm_convolution.cpp,
 * NCHW): per image and group im2col (unless 1x1 stride 1 unpadded) into one
 * column buffer, one sgemm("N", "N", m = output pixels, n = output channels
 * per group, k = input channels per group x kh x kw), then the bias, one add
 * per output. The sgemm (gemm_driver.cpp, one thread):
 *  - m == 1: jump_to_gemv -> jit_avx_gemv_t_f32_kern, n dot products of k
 *    (gemv_t_output_flops: the inner product's kernel, measured exact);
 *  - n == 1: gemv "N" (jit_avx_gemv_n), taken as 2 m k + m (not measured);
 *  - else, where nocopy_checker_avx2 says so (1/m + 1/n >= 0.0038, ...),
 *    jit_avx_gemm_f32's no-copy kernel, called by sgemm_nocopy_driver per
 *    (k, m, n) block (k in blocks of 256, n of 48, m of 4032; a later k
 *    block adds C back: beta = 1). A call walks m in 16-row chunks (two ymm),
 *    a last chunk of 9..15 rows as 16 (second ymm masked), of 1..8 as 8, and
 *    n in tiles of 6 columns and one of the remaining 1..5. Per C vector: k
 *    FMAs, one alpha vmulps (also for alpha = 1), one vaddps of C on a later
 *    k block. Per tile the kernel merges its two accumulator sets with 6
 *    vaddps (48 FLOPs) on an 8-row chunk always, on a 16-row chunk where
 *    the tile has at most 3 columns (jit_avx_gemm_f32.cpp: kernel());
 *  - else the copy-based sgemm: taken as the no-copy count (not measured);
 * past the gemv test the driver computes 5 FLOPs of its own (thread count,
 * no-copy test).
 * Not modelled: gemm_convolution_utils.cpp's cost-model blocking of pixels,
 * output and input channels (a block is its own sgemm; an input-channel
 * block past the first adds C back), which it applies only where
 * groups x images x pixels >= 8 per thread; measured within -0.1..+0.6% of
 * this model at 2..64 pixels (tests/test_work_models.c). */
#define AVX_GEMM_BK 256
#define AVX_GEMM_BN 48
#define AVX_GEMM_BM 4032
#define AVX_GEMM_UNROLL_N 6
#define AVX_GEMM_MERGE_FLOPS 48.0 /* 6 vaddps of 8 lanes */
#define AVX_GEMM_COPY_MIN_N 18    /* UNROLL_N x 3: A copied to the stack past it, when unaligned */
#define YMM_LANES 8
/* gemm_driver's own arithmetic per sgemm past the gemv test: adjust_thread_count
 * (m n k / fp_per_cycle, x 2) and nocopy_checker_avx2 (1/m + 1/n) */
#define AVX_GEMM_DRIVER_FLOPS 5.0

/* sgemm_nocopy_driver's next block of `left` (block b): k halves past b,
 * m and n past 1.5 b */
static int64_t driver_block(int64_t left, int64_t b, bool is_k)
{
    if (left >= 2 * b) return b;
    return left > (is_k ? b : b + b / 2) ? (left + 1) / 2 : left;
}

/* one no-copy kernel call on an m x n block of C, k deep */
static double nocopy_call_flops(int64_t m, int64_t n, int64_t k, bool add_c)
{
    const int64_t r = m % 16, chunks16 = m / 16 + (r > 8), chunks8 = r > 0 && r <= 8;
    const int64_t tiles = n / AVX_GEMM_UNROLL_N + (n % AVX_GEMM_UNROLL_N != 0);
    const bool narrow_tile = n % AVX_GEMM_UNROLL_N != 0 && n % AVX_GEMM_UNROLL_N <= 3;
    const double per_vector = YMM_LANES * (2.0 * (double)k + 1.0 + (add_c ? 1.0 : 0.0));
    return (double)(2 * chunks16 + chunks8) * (double)n * per_vector +
           AVX_GEMM_MERGE_FLOPS * (double)(chunks8 * tiles + (narrow_tile ? chunks16 : 0));
}

static bool nocopy_avx2(int64_t m, int64_t n, int64_t k) /* nocopy_checker_avx2, 1 thread, "N" "N" */
{
    if (1.0 / (double)m + 1.0 / (double)n >= 0.0038) return true;
    if ((m <= 378 && n <= 378 && k >= 378) || (m >= 378 && k >= 378)) return false;
    return (m <= 128 && n <= 128) || n <= 16 || k <= 2 || (m <= 64 && n >= 16);
}

/* gemm_convolution_utils.cpp (2.6.3) init_conf, f32 NCHW forward: the
 * blocks gemm:jit splits pixels (os), output channels (oc) and input
 * channels (ic) of one group into, each block its own sgemm (an ic block
 * past the first adds C back: beta 1). Its cost model ported as written
 * (float where it computes in float), for `nthr` threads and an L2 of
 * `l2` floats per core; the layer is one image's group. */
typedef struct gemm_blocks {
    int64_t os, oc, ic;
} gemm_blocks;

typedef struct blk_ctx {
    int64_t ic, oc, ks, os, spatial, K, sh, sw, simd_w, l2, nthr;
    bool im2col;
    float best_eff;
    gemm_blocks best;
} blk_ctx;

static int64_t div_up64(int64_t a, int64_t b) { return (a + b - 1) / b; }
static int64_t rnd_up64(int64_t a, int64_t b) { return div_up64(a, b) * b; }
static int64_t rnd_dn64(int64_t a, int64_t b) { return a / b * b; }
static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }
static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }
static int64_t saturate64(int64_t lo, int64_t hi, int64_t v) { return v < lo ? lo : v > hi ? hi : v; }

static int64_t blk_max_icb(const blk_ctx *c, int64_t ocb, int64_t osb, int64_t oc_per_thr, int64_t os_per_thr)
{
    const int64_t block_out_size = ocb * osb, inp_row_size = c->sh * c->sw * osb, L2 = c->l2;
    int64_t max_icb = 1;
    if (c->im2col) {
        const int64_t col_row_size = c->ks * osb;
        if (osb >= os_per_thr) {
            const int64_t wei_col_size = c->ks * ocb;
            max_icb = L2 / (inp_row_size + col_row_size);
            if (ocb < oc_per_thr) max_icb = min64(max_icb, (L2 - block_out_size) / (col_row_size + wei_col_size));
        } else {
            const int64_t wei_col_size = c->ks * oc_per_thr;
            max_icb = (L2 - block_out_size) / (inp_row_size + col_row_size + wei_col_size);
        }
    } else {
        max_icb = osb >= os_per_thr ? L2 / inp_row_size : L2 / (inp_row_size + c->ks * oc_per_thr);
    }
    if (max_icb < c->ic && c->im2col)
        max_icb = (L2 - block_out_size) / (inp_row_size + c->ks * osb + c->ks * oc_per_thr);
    return max_icb;
}

static void blk_try(blk_ctx *c, int64_t nthr_oc, int64_t ocb, int64_t osb)
{
    const int64_t mt = c->nthr, spatial = c->spatial, simd_w = c->simd_w;
    const int64_t max_oc = div_up64(c->oc, nthr_oc), min_oc = max64(1, c->oc / nthr_oc);
    const int64_t max_os = div_up64(spatial, mt / nthr_oc);
    ocb = saturate64(8, max_oc, ocb);
    osb = saturate64(simd_w, max_os, osb);
    uint64_t max_thr_size, min_thr_size;
    {
        const int64_t min_os = div_up64(spatial, div_up64(mt, nthr_oc));
        if (c->oc % nthr_oc > mt % nthr_oc) max_thr_size = (uint64_t)(max_oc * max_os);
        else max_thr_size = (uint64_t)max64(max_oc * min_os, min_oc * max_os);
    }
    {
        const int64_t min_os = max64(1, spatial / div_up64(mt, nthr_oc));
        if (mt % nthr_oc > c->oc % nthr_oc) min_thr_size = (uint64_t)(min_oc * min_os);
        else min_thr_size = (uint64_t)min64(max_oc * min_os, min_oc * (spatial / (mt / nthr_oc)));
    }
    const float thr_disb = (float)min_thr_size / (float)max_thr_size;
    const int64_t oc_per_thr = max_oc, os_per_thr = max_os;
    ocb = min64(oc_per_thr, ocb);
    const int64_t os_max = min64(c->os, os_per_thr);
    osb = min64(os_max, osb);
    int64_t max_ic_block = blk_max_icb(c, ocb, osb, oc_per_thr, os_per_thr);
    const int64_t mem_access_cost = max_ic_block < 1 ? 20 : 1;
    max_ic_block = max64(1, max_ic_block);
    const int64_t icb = max64(1, c->ic / div_up64(c->ic, max_ic_block));
    const int64_t nb_ic = div_up64(c->ic, icb), kb = icb * c->ks, kb_caligned = rnd_up64(kb, simd_w);
    const uint64_t out_size = (uint64_t)(oc_per_thr * rnd_up64(os_per_thr, simd_w));
    const uint64_t out_ops = (uint64_t)mem_access_cost * out_size * (uint64_t)(icb == c->ic ? 1 : 2 * nb_ic - 1);
    const int64_t osb_caligned = rnd_up64(osb, simd_w);
    const uint64_t inp_size = (uint64_t)(c->ic * rnd_up64(os_per_thr * c->sh * c->sw, simd_w));
    uint64_t inp_ops = (uint64_t)mem_access_cost * (uint64_t)c->ks * inp_size, col_ops = 0;
    if (c->im2col) {
        const float col_tail_koeff = (float)osb_caligned / (float)osb;
        const float ks_inp = (float)((uint64_t)c->ks * inp_size);
        col_ops = (uint64_t)((float)mem_access_cost * (ks_inp * col_tail_koeff + ks_inp * col_tail_koeff));
        if (c->sw != 1) col_ops = (uint64_t)((float)col_ops * 8.0f);
    }
    const uint64_t wei_ops = (uint64_t)mem_access_cost * (uint64_t)(oc_per_thr * rnd_up64(c->K, simd_w));
    const float thr_mem_eff = ((float)os_per_thr / (float)simd_w * (float)oc_per_thr * (float)c->K) /
                              (float)(inp_ops + col_ops + wei_ops + out_ops);
    const float oc_disb = (float)oc_per_thr / (float)rnd_up64(oc_per_thr, ocb);
    const float os_disb = (float)os_max / (float)rnd_up64(os_max, osb);
    const float ic_disb = (float)c->ic / (float)rnd_up64(c->ic, icb);
    const float reg_osb_disb = (float)osb / (float)rnd_up64(osb, 3 * simd_w);
    const float gemm_eff = ((float)osb * (float)ocb * (float)kb) / ((float)oc_per_thr * (float)os_per_thr * (float)c->K);
    const float gemm_calc_eff = ((float)osb / (float)simd_w * (float)ocb * (float)kb) /
                                (float)(osb_caligned * kb + ocb * kb_caligned + ocb * osb_caligned);
    const float k_sum = 8.0f + 1 + 1 + 1 + 1 + 1 + 0.5f + 1;
    /* C's pow(double, double), as the unqualified call there resolves */
    const float res_eff = (float)pow(pow(thr_disb, 8.0) * oc_disb * os_disb * ic_disb * reg_osb_disb * thr_mem_eff *
                                         pow(gemm_eff, 0.5) * gemm_calc_eff,
                                     (double)(1.0f / k_sum));
    if (res_eff > c->best_eff) {
        c->best_eff = res_eff;
        c->best = (gemm_blocks){osb, ocb, icb};
    }
}

static void blk_explore(blk_ctx *c, int64_t nthr_oc, int64_t ocb, int64_t osb)
{
    blk_try(c, nthr_oc, ocb, osb);
    blk_try(c, nthr_oc, rnd_dn64(ocb, 8), rnd_dn64(osb, 48));
    blk_try(c, nthr_oc, rnd_up64(ocb, 8), rnd_dn64(osb, 48));
    blk_try(c, nthr_oc, rnd_up64(ocb, 8), rnd_up64(osb, c->simd_w));
    blk_try(c, nthr_oc, rnd_up64(ocb, 8), rnd_up64(osb, 48));
}

static gemm_blocks gemm_conv_blocks(const nnb_layer *l, bool im2col, int64_t l2, int64_t nthr, int64_t simd_w)
{
    blk_ctx c = {.ic = l->c / l->groups, .oc = l->k / l->groups, .ks = l->kh * l->kw, .os = l->oh * l->ow,
                 .sh = l->sh, .sw = l->sw, .simd_w = simd_w, .l2 = l2, .nthr = nthr, .im2col = im2col};
    c.spatial = l->n * l->groups * c.os;
    c.K = c.ic * c.ks;
    c.best = (gemm_blocks){c.os, c.oc, c.ic};
    const bool applicable = (!im2col || c.spatial >= nthr * simd_w || c.os < l->n * l->groups ||
                             (l->sw == 1 && (double)c.K <= 0.05 * (double)c.oc)) &&
                            (im2col || (c.ic / c.oc < 42 && c.ic * c.oc * l->h * l->w < 1024));
    if (!applicable) return c.best;
    c.best = (gemm_blocks){1, 1, c.ic};
    c.best_eff = 0;
    const int64_t L2 = l2;
    for (int64_t nthr_oc = 1; nthr_oc <= nthr; ++nthr_oc) {
        const int64_t max_oc_per_thr = div_up64(c.oc, nthr_oc);
        const int64_t max_os_per_thr = div_up64(c.spatial, nthr / nthr_oc);
        int64_t ocb = 1, osb = 1, icb = 1;
        if (im2col) {
            blk_try(&c, nthr_oc, max_oc_per_thr, max_os_per_thr);
            if (c.best.oc == max_oc_per_thr && c.best.os == max_os_per_thr && c.best.ic == c.ic) continue;
            const int64_t a_k = c.sh * c.sw + c.ks, b_k = c.ks * max_oc_per_thr;
            icb = c.ic; /* note 1 */
            ocb = saturate64(8, max_oc_per_thr, (L2 - a_k * icb * simd_w - b_k * icb) / simd_w);
            osb = saturate64(simd_w, max_os_per_thr, (L2 - b_k * icb) / (a_k * icb + ocb));
            blk_explore(&c, nthr_oc, ocb, osb);
            const int64_t icb_max = max64(1, L2 / (2 * 8 * a_k + 2 * b_k)); /* note 2 */
            if (icb_max < c.ic) {
                icb = c.ic / max64(1, c.ic / icb_max);
                osb = max64(1, (L2 - 2 * b_k * icb) / (2 * icb * a_k));
                ocb = L2 / 2 / osb;
                if (ocb > max_oc_per_thr) {
                    ocb = max_oc_per_thr;
                    osb = saturate64(simd_w, max_os_per_thr, (L2 - b_k * icb) / (a_k * icb + ocb));
                } else if (osb > max_os_per_thr) {
                    osb = max_os_per_thr;
                    ocb = saturate64(8, max_oc_per_thr, (L2 - a_k * icb * osb - b_k * icb) / osb);
                }
                blk_explore(&c, nthr_oc, ocb, osb);
            }
            ocb = max_oc_per_thr; /* note 3 */
            icb = c.ic;
            osb = max64(simd_w, rnd_dn64((L2 - b_k * icb) / (a_k * icb + ocb), simd_w));
            blk_explore(&c, nthr_oc, ocb, osb);
        } else {
            ocb = max_oc_per_thr;
            osb = (L2 - c.ks * c.ic) / (c.sh * c.sw * c.ic);
            blk_explore(&c, nthr_oc, ocb, osb);
        }
    }
    return c.best;
}

typedef enum { SGEMM_GEMV_T, SGEMM_GEMV_N, SGEMM_NOCOPY, SGEMM_COPY } sgemm_path;

static sgemm_path avx2_sgemm_path(int64_t m, int64_t n, int64_t k)
{
    if (m == 1) return SGEMM_GEMV_T;
    if (n == 1) return SGEMM_GEMV_N;
    return nocopy_avx2(m, n, k) ? SGEMM_NOCOPY : SGEMM_COPY;
}

/* FLOPs of oneDNN's sgemm("N", "N", m, n, k) with alpha 1 and beta 0 or
 * (add_c) 1 on AVX2 (gemv: beta taken to add nothing) */
static double avx2_sgemm_flops(int64_t m, int64_t n, int64_t k, bool add_c)
{
    switch (avx2_sgemm_path(m, n, k)) {
    case SGEMM_GEMV_T: return (double)n * gemv_t_output_flops(k, NULL);
    case SGEMM_GEMV_N: return 2.0 * (double)m * (double)k + (double)m;
    default: break;
    }
    double f = AVX_GEMM_DRIVER_FLOPS;
    for (int64_t bk = 0, sk; bk < k; bk += sk) {
        sk = driver_block(k - bk, AVX_GEMM_BK, true);
        for (int64_t bm = 0, sm; bm < m; bm += sm) {
            sm = driver_block(m - bm, AVX_GEMM_BM, false);
            for (int64_t bn = 0, sn; bn < n; bn += sn) {
                sn = driver_block(n - bn, AVX_GEMM_BN, false);
                f += nocopy_call_flops(sm, sn, sk, add_c || bk > 0);
            }
        }
    }
    return f;
}

static bool gemm_conv_im2col(const nnb_layer *l)
{
    return !(l->kh == 1 && l->kw == 1 && l->sh == 1 && l->sw == 1 && l->oh == l->h && l->ow == l->w);
}

/* valgrind's CPU (VEX's AVX2 CPUID: a Core i7-4910MQ) as oneDNN reads it:
 * 256 KiB of L2 per core, in floats */
#define VALGRIND_L2_FLOATS (256 * 1024 / 4)

typedef struct gemm_conv_cost {
    double flops;        /* one image's group */
    double stack_bytes;  /* the no-copy kernel's stack copy of A, the largest */
    int64_t sgemms;
} gemm_conv_cost;

/* One image's group as gemm_convolution.cpp walks it: input-channel blocks
 * outermost, pixel blocks, output-channel blocks; a stack copy of A where
 * the no-copy kernel takes one (n > 18 and A unaligned: m % 8 != 0) */
static gemm_conv_cost gemm_conv_group(const nnb_layer *l, gemm_blocks b)
{
    const int64_t ic = l->c / l->groups, oc = l->k / l->groups, os = l->oh * l->ow, ks = l->kh * l->kw;
    gemm_conv_cost c = {0, 0, 0};
    for (int64_t i0 = 0; i0 < ic; i0 += b.ic)
        for (int64_t s0 = 0; s0 < os; s0 += b.os)
            for (int64_t o0 = 0; o0 < oc; o0 += b.oc) {
                const int64_t m = min64(b.os, os - s0), n = min64(b.oc, oc - o0), k = min64(b.ic, ic - i0) * ks;
                c.flops += avx2_sgemm_flops(m, n, k, i0 > 0);
                c.sgemms++;
                if (avx2_sgemm_path(m, n, k) == SGEMM_NOCOPY && n > AVX_GEMM_COPY_MIN_N && m % YMM_LANES != 0) {
                    const double st = 4.0 * (double)(driver_block(k, AVX_GEMM_BK, true) * (m > 8 ? 16 : 8));
                    if (st > c.stack_bytes) c.stack_bytes = st;
                }
            }
    return c;
}

static bool grouped_gemm_work(const nnb_layer *l, const nnb_analytic *a, int threads, int isa, nnb_work *w)
{
    if (l->op != NNB_OP_CONV || l->groups <= 1 || l->groups >= l->c || isa != (int)NNB_ISA_AVX2) return false;
    const int64_t ic = l->c / l->groups, oc = l->k / l->groups, m = l->oh * l->ow, k = ic * l->kh * l->kw;
    if (ic % YMM_LANES == 0 && oc % YMM_LANES == 0) return false; /* jit:avx2: the dense model */
    const bool im2col = gemm_conv_im2col(l);
    const gemm_blocks b = gemm_conv_blocks(l, im2col, VALGRIND_L2_FLOATS, threads > 0 ? threads : 1, YMM_LANES);
    const gemm_conv_cost g = gemm_conv_group(l, b);
    const double bias = l->bias ? (double)l->k * (double)m : 0.0;
    w->flops = (double)l->n * ((double)l->groups * g.flops + bias) + ONEDNN_EXECUTE_FLOPS;
    nnb_work_cause(w->why, sizeof w->why,
                   "gemm:jit (AVX2) per group: %lld x %lld x %lld (pixels x channels x taps) in blocks of %lld x %lld "
                   "x %lld, %lld sgemm%s", (long long)m, (long long)oc, (long long)k, (long long)b.os,
                   (long long)b.oc, (long long)(b.ic * l->kh * l->kw), (long long)g.sgemms, g.sgemms == 1 ? "" : "s");
    const sgemm_path p = avx2_sgemm_path(min64(b.os, m), min64(b.oc, oc), min64(b.ic, ic) * l->kh * l->kw);
    nnb_work_cause(w->why, sizeof w->why, "%s",
                   p == SGEMM_GEMV_T   ? "by its gemv (one pixel; each sum reduced in 8 lanes)"
                   : p == SGEMM_GEMV_N ? "by its gemv (one channel; 2 m k + m, not measured)"
                   : p == SGEMM_COPY   ? "by the copy-based kernel, taken as the no-copy count (not measured)"
                                       : "by the no-copy kernel: pixels in 8-lane vectors, one alpha multiply per "
                                         "output vector, 48 per tile merging accumulators, 5 per sgemm");
    if (a->macs_valid < a->macs) nnb_work_cause(w->why, sizeof w->why, "padding taps computed (im2col)");
    if (l->bias) nnb_work_cause(w->why, sizeof w->why, "bias added once per output after the sgemm");
    nnb_work_cause(w->why, sizeof w->why, "%.0f FLOPs of oneDNN's execute call", ONEDNN_EXECUTE_FLOPS);
    /* the counted child's bytes: plain src, weights, bias and dst; the
     * im2col column buffer (one block, reused); the stack copy of A */
    const double col = im2col ? 4.0 * (double)(b.ic * l->kh * l->kw * b.os) : 0.0;
    w->bytes = (double)(a->src_bytes + a->wei_bytes + a->bias_bytes + a->dst_bytes) + col + g.stack_bytes;
    w->bytes_why[0] = '\0';
    nnb_work_cause(w->bytes_why, sizeof w->bytes_why,
                   "gemm:jit (AVX2) in plain layouts: im2col columns %.1f KiB, the no-copy kernel's stack copy of A "
                   "%.1f KiB", col / 1024.0, g.stack_bytes / 1024.0);
    return true;
}

/* What oneDNN executes (measured under valgrind: conv3x3 225.7 M of the
 * dense 231.4 M FLOPs): convolutions benchdnn's valid-tap count, padding
 * taps skipped, the bias added in the accumulators' start or a post-op
 * (within the tolerance); pooling as pool_work says; each call's own 5. */
static void work(const nnb_layer *l, const nnb_analytic *a, int threads, int isa, nnb_work *w)
{
    nnb_work_start(w, a, NNB_WORK_TOLERANCE_LIBRARY);
    /* NNB_KERNEL_ISA caps our hand-vectorised kernels, not oneDNN's
     * dispatch: below AVX2 the counted oneDNN still runs the CPU's vector
     * level as the counter sees it (valgrind: AVX2) */
    if (isa < (int)NNB_ISA_AVX2 && nnb_isa_cpu() >= NNB_ISA_AVX2) isa = (int)NNB_ISA_AVX2;
    bool dst_blocked;
    layout_bytes(l, a, threads, isa, w, &dst_blocked);
    if (l->op == NNB_OP_POOL_MAX || l->op == NNB_OP_POOL_AVG) {
        pool_work(l, w);
        return;
    }
    if (l->op == NNB_OP_FC && fc_work(l, isa, w)) return;
    if (grouped_gemm_work(l, a, threads, isa, w)) return;
    /* not derived: inner product at batch > 1 (the sgemm kernels: x1.6 at
     * batch 4) or on AVX-512 (brgemm); grouped convolutions with few
     * channels per group counted on AVX-512 (a PMU count of jit:avx512_core)
     * and grouped deconvolutions */
    /* AVX-512: oneDNN 2.6.3 runs grouped convolutions as jit:avx512_core
     * where both channels per group are multiples of 4 (16, 8 or 4 lanes,
     * jit_avx512_common_conv_kernel.cpp: ok_to_try_lower_zmm; no channel
     * padding for groups): the dense model below (padding taps skipped per
     * output column). Read from the source, not counted (valgrind has no
     * AVX-512, this VM no PMU). Other channel counts run gemm:jit on the
     * AVX-512 sgemm kernels: not modelled. */
    const bool grouped = l->groups > 1 && l->groups < l->c;
    const bool avx512_direct = l->op == NNB_OP_CONV && isa >= (int)NNB_ISA_AVX512 && (l->c / l->groups) % 4 == 0 &&
                               (l->k / l->groups) % 4 == 0;
    if ((l->op != NNB_OP_CONV && l->op != NNB_OP_DECONV) ||
        (grouped && (l->op != NNB_OP_CONV || (isa != (int)NNB_ISA_AVX2 && !avx512_direct)))) {
        nnb_work_none(w, "oneDNN's implementation of this layer is not modelled");
        return;
    }
    /* A blocked output pads its channels to the block, and the kernel
     * computes the padding channels too. This process's primitive says
     * whether its output is blocked; a counted run on a narrower ISA than
     * this CPU's (valgrind: AVX2) runs another primitive, whose convolutions
     * were all measured blocked by 8: 4, 5, 12 output channels and a 12-channel
     * depthwise layer execute 8/4, 8/5, 16/12 and 16/12 x the valid taps. */
    const double block = channel_block(isa);
    const bool blocked = dst_blocked || isa < (int)nnb_isa_cpu();
    const double oc = (double)(l->groups == 1 ? l->k : l->c);
    const bool padded = blocked && l->op == NNB_OP_CONV && (l->groups == 1 || l->groups == l->c);
    const double oc_pad = padded ? round_up_to(oc, block) / oc : 1.0; /* deconv (bwd-data) not derived */
    w->flops = 2.0 * (double)a->macs_valid * oc_pad + ONEDNN_EXECUTE_FLOPS;
    if (oc_pad > 1.0)
        nnb_work_cause(w->why, sizeof w->why, "%.0f output channels computed in %.0f-channel blocks (%.0f)", oc, block,
                       round_up_to(oc, block));
    if (grouped && avx512_direct)
        nnb_work_cause(w->why, sizeof w->why, "jit:avx512_core on %lld-channel blocks per group (from its source, "
                       "not counted)", (long long)((l->c / l->groups) % 16 == 0 && (l->k / l->groups) % 16 == 0 ? 16
                                                   : (l->c / l->groups) % 8 == 0 && (l->k / l->groups) % 8 == 0 ? 8 : 4));
    if (a->macs_valid < a->macs) nnb_work_cause(w->why, sizeof w->why, "padding taps skipped (benchdnn's valid-tap count)");
    if (a->bias_adds) nnb_work_cause(w->why, sizeof w->why, "bias folded into the accumulators");
}

const nnb_kernel nnb_kernel_onednn = {
    .name = "onednn",
    .desc = "oneDNN primitives (conv/deconv/fc/pool; its own layouts), timed as benchdnn times them",
    .supports = supports,
    .workspace_bytes = workspace_bytes,
    .prepare = prepare,
    .run = run,
    .timed = timed,
    .impl = impl,
    .work = work,
    .flops_tolerance = 0.05, /* a library: its executed count is checked loosely, as OpenBLAS-based kernels are */
    .library_key = "software.onednn",
};
