/* Every registered kernel against the reference, over seeded random layers
 * in each kernel's domain plus a fixed list of nasty shapes.
 *
 * Pass 1 (integer fill, nnb_tensors_fill keeps every partial sum exact in
 * fp32): results must be bit-identical to the reference.
 * Pass 2 (real fill in [-1, 1)): a sum of L products computed in any order
 * has |error| <= gamma_L * S, gamma_L = L*u/(1 - L*u), u = 2^-24, where
 * S = sum of |terms| (+|bias|) for that output. S is computed exactly enough
 * by running the reference on |src|, |wei|, |bias|; the reference and the
 * kernel each carry such an error, so the tolerance is 2*gamma_L*S plus one
 * rounding of the result (the average's division). L is the accumulation
 * length (cg*kh*kw, c*h*w for fc, kh*kw for pooling).
 *
 * dst is poisoned with NaN before every kernel run, so an output a kernel
 * forgets to write fails the comparison. Layers alternate between 1 and 2
 * threads so both the serial and the parallel paths run. */
#include "nnbench/kernel.h"
#include "nnbench/layer.h"
#include "nnbench/model.h"
#include "nnbench/tensor.h"
#include "machine/isa.h"
#include "nnb_test.h"

#include <float.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;
static int64_t rnd(int64_t lo, int64_t hi) /* uniform in [lo, hi] */
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return lo + (int64_t)(rng_state % (uint64_t)(hi - lo + 1));
}

static int layers_run = 0, kernel_runs[32];
static int failed_once[32];

static void describe(const nnb_layer *l, char *buf, size_t len)
{
    snprintf(buf, len,
             "%s n%lld c%lld %lldx%lld k%lld %lldx%lld s%lldx%lld p%lld,%lld,%lld,%lld d%lldx%lld g%lld "
             "op%lldx%lld bias%d ceil%d cip%d -> %lldx%lld",
             nnb_op_name(l->op), (long long)l->n, (long long)l->c, (long long)l->h, (long long)l->w,
             (long long)l->k, (long long)l->kh, (long long)l->kw, (long long)l->sh, (long long)l->sw,
             (long long)l->pt, (long long)l->pl, (long long)l->pb, (long long)l->pr, (long long)l->dh,
             (long long)l->dw, (long long)l->groups, (long long)l->oph, (long long)l->opw, l->bias,
             l->ceil_mode, l->count_include_pad, (long long)l->oh, (long long)l->ow);
}

static int64_t acc_len(const nnb_layer *l)
{
    switch (l->op) {
    case NNB_OP_FC: return l->c * l->h * l->w;
    case NNB_OP_POOL_MAX:
    case NNB_OP_POOL_AVG: return l->kh * l->kw;
    default: return (l->c / l->groups) * l->kh * l->kw;
    }
}

/* bracket: as the harness times it (kernel.h: timed): prepare, timed(true),
 * run, timed(false), which must leave the NCHW dst in t->dst too */
static void run_kernel_as(const nnb_kernel *k, const nnb_layer *l, const nnb_tensors *t, int nthreads, bool bracket)
{
    int64_t ws_bytes = k->workspace_bytes(l, nthreads);
    CHECK(ws_bytes >= 0);
    void *ws = ws_bytes > 0 ? nnb_alloc((size_t)ws_bytes) : NULL;
    CHECK(ws_bytes == 0 || ws != NULL);
    for (int64_t i = 0; i < t->dst_elems; i++) t->dst[i] = NAN;
    if (k->prepare) {
        /* the prepared form must come from t->wei alone: prepare on a
         * workspace full of garbage */
        if (ws) memset(ws, 0xa5, (size_t)ws_bytes);
        k->prepare(l, t, ws);
    }
    if (bracket) k->timed(l, t, ws, true);
    k->run(l, t, ws);
    if (bracket) k->timed(l, t, ws, false);
    nnb_free(ws);
}

static void run_kernel(const nnb_kernel *k, const nnb_layer *l, const nnb_tensors *t, int nthreads)
{
    run_kernel_as(k, l, t, nthreads, false);
}

/* Runs every supporting kernel on l (both fills) against the reference. */
static void check_layer(nnb_layer *l, int nthreads)
{
    char err[256], desc[512];
    if (nnb_layer_finalize(l, err, sizeof err) != 0) return; /* generator made an invalid layer */
    describe(l, desc, sizeof desc);
    omp_set_num_threads(nthreads);
    size_t nk;
    const nnb_kernel *const *ks = nnb_kernels(&nk);
    CHECK(ks[0]->supports(l));

    nnb_tensors t, a;
    if (nnb_tensors_alloc(&t, l, err, sizeof err) != 0 || nnb_tensors_alloc(&a, l, err, sizeof err) != 0) {
        fprintf(stderr, "alloc failed: %s (%s)\n", err, desc);
        CHECK(0);
        return;
    }
    float *ref = malloc((size_t)t.dst_elems * sizeof(float));
    float *sabs = malloc((size_t)t.dst_elems * sizeof(float));
    layers_run++;
    for (int pass = 0; pass < 2; pass++) {
        nnb_tensors_fill(&t, l, pass == 0 ? NNB_FILL_INT : NNB_FILL_REAL, 1000 + (uint64_t)layers_run);
        run_kernel(ks[0], l, &t, nthreads);
        memcpy(ref, t.dst, (size_t)t.dst_elems * sizeof(float));
        if (pass == 1) { /* S = sum of |terms| per output, for the tolerance */
            for (int64_t i = 0; i < t.src_elems; i++) a.src[i] = fabsf(t.src[i]);
            for (int64_t i = 0; i < t.wei_elems; i++) a.wei[i] = fabsf(t.wei[i]);
            for (int64_t i = 0; i < t.bias_elems; i++) a.bias[i] = fabsf(t.bias[i]);
            run_kernel(ks[0], l, &a, nthreads);
            memcpy(sabs, a.dst, (size_t)t.dst_elems * sizeof(float));
        }
        const double u = ldexp(1.0, -24), L = (double)acc_len(l) + 1;
        const double gamma = L * u / (1 - L * u);
        /* kernels with their own layouts twice: outside and inside the timed bracket */
        for (size_t ki = 1, bracket = 0; ki < nk; bracket = !bracket && ks[ki]->timed, ki += !bracket) {
            if (!ks[ki]->supports(l)) continue;
            kernel_runs[ki]++;
            run_kernel_as(ks[ki], l, &t, nthreads, bracket);
            int64_t bad = -1;
            double worst = 0;
            for (int64_t i = 0; i < t.dst_elems; i++) {
                bool ok;
                if (pass == 0) {
                    ok = t.dst[i] == ref[i] || (isinf(ref[i]) && t.dst[i] == ref[i]);
                } else {
                    double tol = 2 * gamma * fabs((double)sabs[i]) + 2 * u * fabs((double)ref[i]);
                    double e = fabs((double)t.dst[i] - (double)ref[i]);
                    ok = e <= tol || (isinf(ref[i]) && t.dst[i] == ref[i]);
                    if (e > worst) worst = e;
                }
                if (!ok) { bad = i; break; }
            }
            nnb_test_checks++;
            if (bad >= 0) {
                nnb_test_failures++;
                if (failed_once[ki]++ < 5)
                    fprintf(stderr, "FAIL %s (%s fill, %d threads%s) on %s: dst[%lld] = %.9g, reference %.9g\n",
                            ks[ki]->name, pass == 0 ? "int" : "real", nthreads, bracket ? ", timed bracket" : "", desc, (long long)bad,
                            (double)t.dst[bad], (double)ref[bad]);
            }
        }
    }
    free(ref);
    free(sabs);
    nnb_tensors_free(&t);
    nnb_tensors_free(&a);
}

static nnb_layer base(nnb_op op)
{
    nnb_layer l;
    memset(&l, 0, sizeof l);
    nnb_layer_init(&l, op);
    return l;
}

/* planes up to maxhw, windows up to maxk, strides up to maxs */
static void random_spatial(nnb_layer *l, int64_t maxhw, int64_t maxk, int64_t maxs)
{
    l->h = rnd(1, maxhw);
    l->w = rnd(1, maxhw);
    l->kh = rnd(1, maxk);
    l->kw = rnd(1, maxk);
    l->sh = rnd(1, maxs);
    l->sw = rnd(1, maxs);
    l->dh = rnd(1, 3) == 3 ? rnd(2, 3) : 1;
    l->dw = rnd(1, 3) == 3 ? rnd(2, 3) : 1;
    l->pt = rnd(0, 3);
    l->pl = rnd(0, 3);
    l->pb = rnd(0, 1) ? l->pt : rnd(0, 3);
    l->pr = rnd(0, 1) ? l->pl : rnd(0, 3);
    l->n = rnd(1, 4) == 4 ? rnd(2, 3) : 1;
    l->bias = rnd(0, 1);
}

static void random_conv(int kind)
{
    nnb_layer l = base(NNB_OP_CONV);
    random_spatial(&l, 14, 5, 4);
    switch (kind) {
    case 0: /* dense */
        l.c = rnd(1, 12);
        l.k = rnd(0, 2) ? rnd(1, 14) : 8 * rnd(1, 7); /* direct_oc: multiples of 8 */
        break;
    case 1: /* grouped, 1 < g < c */
        l.groups = rnd(2, 5);
        l.c = l.groups * rnd(2, 4);
        l.k = l.groups * (rnd(0, 3) ? rnd(1, 7) : 8 * rnd(1, 3));
        break;
    case 2: /* depthwise, multiplier 1..3 */
        l.c = l.groups = rnd(1, 12);
        l.k = l.c * rnd(1, 3);
        break;
    default: /* depthwise, multiplier 1, channels across the blocked plan's
                blocks (8, 16; not multiples of them) */
        l.c = l.groups = l.k = rnd(0, 2) ? rnd(8, 40) : 16 * rnd(1, 3);
        if (rnd(0, 2) == 0) l.w = rnd(15, 40); /* rows of several tiles */
        break;
    }
    check_layer(&l, (int)rnd(1, 2));
}

/* 1x1 convolutions: channel counts across the direct_oc kernel's block
 * widths (8, 16, 48) and plane sizes across its tile widths (6, 8) */
static void random_1x1(void)
{
    nnb_layer l = base(NNB_OP_CONV);
    l.n = rnd(1, 4) == 4 ? rnd(2, 3) : 1;
    l.h = rnd(1, 15);
    l.w = rnd(1, 15);
    l.kh = l.kw = 1;
    l.sh = rnd(1, 3) == 3 ? rnd(2, 3) : 1;
    l.sw = rnd(1, 3) == 3 ? rnd(2, 3) : 1;
    if (rnd(0, 4) == 0) { /* padding: border outputs are the bias alone */
        l.pt = rnd(0, 1); l.pl = rnd(0, 1); l.pb = rnd(0, 1); l.pr = rnd(0, 1);
    }
    l.groups = rnd(0, 3) == 0 ? rnd(2, 3) : 1;
    l.c = l.groups * rnd(1, 40);
    l.k = l.groups * (rnd(0, 3) ? 8 * rnd(1, 9) : rnd(1, 70)); /* direct_oc: 8 | k per group */
    l.bias = rnd(0, 1);
    check_layer(&l, (int)rnd(1, 2));
}

/* deep reductions (100-840 input channels, up to 3x3 taps): the tiles'
 * long accumulation chains and weight blocks past L1, which the other random
 * layers (at most 120 channels) never reach */
static void random_deep(void)
{
    nnb_layer l = base(NNB_OP_CONV);
    random_spatial(&l, 9, 3, 2);
    l.dh = l.dw = 1;
    l.pt = l.pb = rnd(0, 1);
    l.pl = l.pr = rnd(0, 1);
    l.groups = rnd(0, 3) == 0 ? 2 : 1;
    l.c = l.groups * rnd(100, 420);
    l.k = l.groups * 8 * rnd(1, 7);
    check_layer(&l, (int)rnd(1, 2));
}

/* deconvs: strides up to 3, dilation, output padding; up to gmax groups of
 * 1..cmax input and kmin..kmax output channels each. Wide (8+ output
 * channels per group: transposed_oc's domain) crosses its 16/8-lane vectors
 * and 3-vector blocks (17, 21, 33: partial vectors) */
static void random_deconv_sized(int64_t gmax, int64_t cmax, int64_t kmin, int64_t kmax)
{
    nnb_layer l = base(NNB_OP_DECONV);
    random_spatial(&l, 9, 5, 3);
    l.groups = rnd(1, gmax);
    l.c = l.groups * rnd(1, cmax);
    l.k = l.groups * rnd(kmin, kmax);
    int64_t mh = (l.sh > l.dh ? l.sh : l.dh) - 1, mw = (l.sw > l.dw ? l.sw : l.dw) - 1;
    l.oph = rnd(0, mh);
    l.opw = rnd(0, mw);
    check_layer(&l, (int)rnd(1, 2));
}

static void random_deconv(void) { random_deconv_sized(3, 4, 1, 4); }
static void random_deconv_wide(void) { random_deconv_sized(2, 12, 8, 40); }

static void random_fc(void)
{
    nnb_layer l = base(NNB_OP_FC);
    l.n = rnd(1, 3);
    l.c = rnd(1, 8);
    l.h = rnd(1, 5);
    l.w = rnd(1, 5);
    l.k = rnd(1, 20);
    l.bias = rnd(0, 1);
    check_layer(&l, (int)rnd(1, 2));
}

/* a max pool's dilation (sometimes), padding up to half the window (often
 * symmetric), ceil_mode */
static void random_pool_pads(nnb_layer *l)
{
    if (l->op == NNB_OP_POOL_MAX && rnd(0, 3) == 0) {
        l->dh = rnd(1, 2);
        l->dw = rnd(1, 2);
    }
    l->pt = rnd(0, nnb_extent(l->kh, l->dh) / 2);
    l->pb = rnd(0, 1) ? l->pt : rnd(0, nnb_extent(l->kh, l->dh) / 2);
    l->pl = rnd(0, nnb_extent(l->kw, l->dw) / 2);
    l->pr = rnd(0, 1) ? l->pl : rnd(0, nnb_extent(l->kw, l->dw) / 2);
    l->ceil_mode = rnd(0, 1);
}

/* One random pooling layer: up to cmax channels, h x w up to hmax x wmax,
 * windows up to kmax, column stride up to swmax; wide (wmax 80) reaches the
 * 16-lane row chunks (stride 1, 2, gathered) and one layer in three of those
 * is global (the window is the plane: the plane reductions). */
static void random_pool_sized(int64_t cmax, int64_t hmax, int64_t wmax, int64_t kmax, int64_t swmax, bool wide)
{
    nnb_layer l = base(rnd(0, 1) ? NNB_OP_POOL_MAX : NNB_OP_POOL_AVG);
    l.n = rnd(1, 2);
    l.c = l.k = rnd(1, cmax);
    l.h = rnd(1, hmax);
    l.w = rnd(1, wmax);
    if (wide && rnd(0, 2) == 0) {
        l.kh = l.h;
        l.kw = l.w;
        l.sh = l.sw = rnd(1, 3);
    } else {
        l.kh = rnd(1, kmax);
        l.kw = rnd(1, kmax);
        l.sh = rnd(1, 3);
        l.sw = rnd(1, swmax);
        random_pool_pads(&l);
    }
    l.count_include_pad = rnd(0, 1);
    l.bias = false;
    check_layer(&l, (int)rnd(1, 2));
}

static void random_pool(void) { random_pool_sized(5, 13, 13, 4, 3, false); }
static void random_pool_wide(void) { random_pool_sized(20, 40, 80, 5, 4, true); }

/* op, n, c, h, w, k, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw, groups, oph, opw */
static void fixed(nnb_op op, int64_t n, int64_t c, int64_t h, int64_t w, int64_t k, int64_t kh,
                  int64_t kw, int64_t sh, int64_t sw, int64_t pt, int64_t pl, int64_t pb, int64_t pr,
                  int64_t dh, int64_t dw, int64_t g, int64_t oph, int64_t opw)
{
    nnb_layer l = base(op);
    l.n = n; l.c = c; l.h = h; l.w = w; l.k = k; l.kh = kh; l.kw = kw; l.sh = sh; l.sw = sw;
    l.pt = pt; l.pl = pl; l.pb = pb; l.pr = pr; l.dh = dh; l.dw = dw; l.groups = g;
    l.oph = oph; l.opw = opw;
    for (int t = 1; t <= 2; t++) check_layer(&l, t);
}

static void nasty_shapes(void)
{
    const nnb_op C = NNB_OP_CONV, D = NNB_OP_DECONV;
    fixed(C, 1, 3, 1, 1, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0);   /* 1x1 input, 3x3 pad 1 */
    fixed(C, 1, 4, 1, 1, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 4, 0, 0);   /* same, depthwise */
    fixed(C, 3, 6, 1, 1, 6, 3, 3, 2, 2, 2, 2, 2, 2, 1, 1, 3, 0, 0);   /* 1x1 input, groups 3, batch 3 */
    fixed(C, 1, 5, 11, 13, 7, 2, 2, 5, 4, 0, 1, 1, 0, 1, 1, 1, 0, 0); /* stride > kernel */
    fixed(C, 1, 7, 12, 10, 9, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 1, 0, 0); /* dilation with padding */
    fixed(C, 2, 5, 9, 8, 3, 3, 5, 2, 1, 0, 2, 3, 1, 3, 2, 1, 0, 0);   /* asymmetric pad + dilation */
    fixed(C, 3, 9, 7, 7, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 3, 0, 0);  /* groups 3, batch 3 */
    fixed(C, 1, 6, 9, 9, 12, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 6, 0, 0);  /* depthwise multiplier 2 */
    fixed(C, 2, 11, 7, 7, 11, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 11, 0, 0); /* depthwise 7x7 flat, calls across images */
    fixed(C, 2, 17, 7, 7, 17, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 17, 0, 0); /* depthwise blocked: 16 + 1 channels, 2 images */
    fixed(C, 1, 16, 1, 1, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 16, 0, 0);  /* blocked, the window over a 1x1 plane */
    fixed(C, 1, 24, 5, 31, 24, 3, 3, 2, 2, 0, 2, 1, 1, 1, 1, 24, 0, 0); /* blocked s2, pads 0/2 and 1/1, tiles */
    fixed(C, 1, 32, 6, 30, 32, 3, 3, 1, 2, 1, 1, 1, 1, 2, 1, 32, 0, 0); /* blocked 3-wide tile, row dilation 2 */
    /* blocked 3x3 tiles' edge forms (dwcb_tile.h cb3_edge): the first
     * input pixel outside (left pad 1), the last (right pad 1), both (one
     * tile a row), wider pads (tested per pixel), at stride 1 and 2 */
    fixed(C, 1, 16, 5, 40, 16, 3, 3, 1, 1, 1, 1, 1, 0, 1, 1, 16, 0, 0);
    fixed(C, 1, 16, 5, 40, 16, 3, 3, 1, 1, 0, 0, 1, 1, 1, 1, 16, 0, 0);
    fixed(C, 2, 20, 6, 15, 20, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 20, 0, 0);
    fixed(C, 1, 16, 6, 23, 16, 3, 3, 1, 2, 2, 2, 2, 2, 1, 1, 16, 0, 0);
    /* narrow planes, two output rows a tile (rows of at most 7 pixels on
     * AVX-512, 4 on AVX2) in each edge form, odd row counts (a row left
     * alone), 2 images */
    fixed(C, 2, 20, 12, 4, 20, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 20, 0, 0);
    fixed(C, 1, 16, 9, 6, 16, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 16, 0, 0);
    fixed(C, 1, 16, 13, 8, 16, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 16, 0, 0);
    fixed(C, 2, 24, 14, 8, 24, 3, 3, 2, 2, 1, 0, 0, 1, 1, 1, 24, 0, 0);
    fixed(C, 1, 32, 14, 14, 32, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 32, 0, 0);
    fixed(C, 1, 5, 30, 29, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 5, 0, 0);   /* depthwise 3x3 s1 row tiles, odd width */
    fixed(C, 1, 3, 37, 150, 3, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1, 3, 0, 0);  /* depthwise s2, two column tiles */
    fixed(C, 2, 4, 16, 17, 8, 3, 3, 2, 2, 0, 2, 1, 1, 1, 1, 4, 0, 0);   /* depthwise s2, pads 0/2, multiplier 2 */
    fixed(C, 1, 13, 20, 70, 11, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0); /* odd channels, wide rows */
    fixed(C, 1, 3, 23, 37, 8, 7, 7, 2, 2, 3, 3, 3, 3, 1, 1, 1, 0, 0); /* conv1-like 7x7 s2 */
    fixed(C, 1, 16, 7, 7, 16, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0); /* 1x1: GEMM without im2col */
    fixed(C, 2, 8, 6, 6, 8, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 4, 0, 0);   /* grouped 1x1 */
    fixed(C, 1, 64, 7, 7, 100, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0); /* 7x7 plane, 100 = 2x48 + 4 */
    fixed(C, 3, 24, 13, 11, 49, 1, 1, 2, 2, 1, 0, 0, 1, 1, 1, 1, 0, 0); /* 1x1 s2, padded, batch 3 */
    fixed(C, 1, 9, 1, 1, 17, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0);  /* one position */
    fixed(C, 2, 15, 5, 3, 51, 1, 1, 1, 3, 0, 0, 0, 0, 1, 1, 3, 0, 0);  /* groups 3 x 17 channels out */
    fixed(C, 1, 8, 20, 20, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2, 0, 0); /* grouped, g = 2 */
    /* direct_oc's edge tiles (a whole row, 3x3 pad 1: tap 0 skips the first
     * position, tap 2 the last): 7 wide (AVX-512), 40 channels (2.5 vectors),
     * batch 2; 5 wide (AVX2 too); 1 wide (both edge taps skip the only
     * position) over a 1-row plane (the window's padding rows too) */
    fixed(C, 2, 20, 7, 7, 40, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0);
    fixed(C, 1, 9, 6, 5, 24, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0);
    fixed(C, 1, 8, 1, 1, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0);
    fixed(D, 1, 6, 5, 5, 4, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 2, 2);   /* deconv s3, output padding 2 */
    fixed(D, 3, 6, 4, 5, 6, 3, 2, 3, 2, 0, 1, 2, 0, 2, 1, 3, 2, 1);   /* + groups 3, dilation, batch 3 */
    fixed(D, 1, 4, 1, 1, 3, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1);   /* 1x1 input */
    fixed(D, 1, 8, 7, 7, 4, 4, 4, 2, 2, 1, 1, 1, 1, 1, 1, 1, 0, 0);   /* deconv4x4s2-like */
    fixed(D, 2, 8, 7, 7, 32, 4, 4, 2, 2, 1, 1, 1, 1, 1, 1, 1, 0, 0);  /* deconv4x4s2-like, 32 out, batch 2 */
    fixed(D, 1, 10, 1, 1, 40, 4, 4, 1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0); /* DCGAN G1-like: 1x1 input, 4x4 s1 */
    /* transposed_oc's one-pixel plan (a 1x1 conv to k x oh x ow channels): padding, groups of 17, batch 2;
     * a 5x3 window cropped to one column, stride 2; output padding inside the bottom/right padding */
    fixed(D, 2, 6, 1, 1, 34, 4, 4, 1, 1, 1, 1, 1, 1, 1, 1, 2, 0, 0);
    fixed(D, 1, 5, 1, 1, 9, 5, 3, 2, 2, 0, 1, 0, 1, 1, 1, 1, 0, 0);
    fixed(D, 1, 4, 1, 1, 16, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1);
    fixed(D, 1, 6, 5, 6, 21, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 1, 0, 0);  /* U-Net 2x2 s2 up-conv, 21 out */
    fixed(D, 1, 4, 3, 4, 21, 16, 16, 8, 8, 0, 0, 0, 0, 1, 1, 1, 0, 0); /* FCN upscore8: 16x16 s8, 64 phases */
    fixed(D, 3, 6, 5, 4, 50, 3, 5, 2, 3, 1, 2, 0, 1, 2, 1, 2, 1, 2);  /* 25 per group, dilation, output pad */
    fixed(NNB_OP_FC, 3, 4, 3, 3, 10, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0);
    fixed(NNB_OP_FC, 1, 70, 1, 1, 33, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0);
    fixed(NNB_OP_POOL_MAX, 1, 3, 9, 9, 3, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 0, 0);
    fixed(NNB_OP_POOL_AVG, 2, 3, 8, 7, 3, 3, 2, 2, 3, 1, 1, 1, 1, 1, 1, 1, 0, 0);
    nnb_layer l = base(NNB_OP_POOL_MAX); /* ceil_mode window past the padding */
    l.c = l.k = 2; l.h = l.w = 8; l.kh = l.kw = 3; l.sh = l.sw = 2; l.ceil_mode = true;
    check_layer(&l, 2);
    l.op = NNB_OP_POOL_AVG; l.pt = l.pl = l.pb = l.pr = 1; l.count_include_pad = true;
    check_layer(&l, 1);
    l.count_include_pad = false;
    check_layer(&l, 2);
    /* global average over 7x7 (ResNet), 37 planes: two whole 16-plane groups
     * and a partial one; a 1x1 plane; global max */
    fixed(NNB_OP_POOL_AVG, 1, 37, 7, 7, 37, 7, 7, 7, 7, 0, 0, 0, 0, 1, 1, 1, 0, 0);
    fixed(NNB_OP_POOL_AVG, 2, 9, 1, 1, 9, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0);
    fixed(NNB_OP_POOL_MAX, 1, 21, 5, 9, 21, 5, 9, 1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0);
    /* ResNet's 3x3 s2 pad 1 max pool on a 40-wide plane; its average */
    fixed(NNB_OP_POOL_MAX, 1, 3, 40, 40, 3, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 0, 0);
    fixed(NNB_OP_POOL_AVG, 1, 3, 40, 40, 3, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 0, 0);
    /* channel-blocked (nChw16c, nChw8c): 20 channels (the last block
     * partial), 2 images, a ring of H rows in a column block wider than the
     * row (3x3 s2), rows shared at stride 1 with padding (the average's
     * border divisors), 2x2 s2 (no ring; a sum divided by 4 as x 0.25) */
    fixed(NNB_OP_POOL_MAX, 2, 20, 40, 40, 20, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 0, 0);
    fixed(NNB_OP_POOL_AVG, 2, 20, 40, 40, 20, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 0, 0);
    fixed(NNB_OP_POOL_AVG, 1, 19, 14, 15, 19, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0);
    fixed(NNB_OP_POOL_AVG, 1, 24, 28, 28, 24, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 1, 0, 0);
    /* stride > kernel (gathered taps), wide rows; dilated stride 2 */
    fixed(NNB_OP_POOL_AVG, 1, 2, 9, 70, 2, 2, 2, 3, 3, 0, 0, 0, 0, 1, 1, 1, 0, 0);
    fixed(NNB_OP_POOL_MAX, 1, 2, 11, 75, 2, 3, 3, 2, 2, 1, 2, 1, 2, 2, 2, 1, 0, 0);
}

/* supports() must refuse what a kernel cannot compute */
static void domain_checks(void)
{
    char err[256];
    nnb_layer dense = base(NNB_OP_CONV), dw = base(NNB_OP_CONV), grp = base(NNB_OP_CONV),
              dec = base(NNB_OP_DECONV), fc = base(NNB_OP_FC), pool = base(NNB_OP_POOL_MAX),
              bn = base(NNB_OP_BN);
    dense.c = 8; dense.k = 8; dense.h = dense.w = 8; dense.kh = dense.kw = 3;
    dw = dense; dw.groups = 8;
    grp = dense; grp.groups = 2;
    dec.c = 4; dec.k = 4; dec.h = dec.w = 4; dec.kh = dec.kw = 3;
    fc.c = 4; fc.k = 4;
    pool.c = 2; pool.h = pool.w = 4; pool.kh = pool.kw = 2; pool.sh = pool.sw = 2;
    bn.c = 4; bn.h = bn.w = 4;
    nnb_layer *all[] = {&dense, &dw, &grp, &dec, &fc, &pool, &bn};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        CHECK(nnb_layer_finalize(all[i], err, sizeof err) == 0);
    const struct { const char *name; bool ok[7]; } expect[] = {
        /*                 dense  dw     grp    deconv fc     pool   bn */
        {"reference",     {true,  true,  true,  true,  true,  true,  false}},
        {"im2col_gemm",   {true,  true,  true,  false, false, false, false}},
        {"direct",        {true,  true,  true,  false, false, false, false}},
        {"direct_oc",     {true,  false, false, false, false, false, false}}, /* 8 | k/g */
        {"depthwise",     {false, true,  false, false, false, false, false}},
        {"grouped",       {false, false, true,  false, false, false, false}},
        {"transposed_gemm", {false, false, false, true, false, false, false}},
        {"transposed_direct", {false, false, false, true, false, false, false}},
        {"transposed_oc", {false, false, false, false, false, false, false}}, /* 8+ out per group */
        {"fc",            {false, false, false, false, true,  false, false}},
        {"pool",          {false, false, false, false, false, true,  false}},
#ifdef NNB_HAVE_ONEDNN
        {"onednn",        {true,  true,  true,  true,  true,  true,  false}}, /* the peer, where built */
#endif
    };
    size_t nk;
    const nnb_kernel *const *ks = nnb_kernels(&nk);
    CHECK_EQ_I64(nk, sizeof expect / sizeof expect[0]);
    CHECK_STR(ks[0]->name, "reference");
    for (size_t e = 0; e < sizeof expect / sizeof expect[0]; e++) {
        const nnb_kernel *k = nnb_kernel_find(expect[e].name);
        CHECK(k != NULL);
        if (!k) continue;
        CHECK_STR(k->name, expect[e].name);
        CHECK(k->desc && k->desc[0]);
        for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
            if (k->supports(all[i]) != expect[e].ok[i]) {
                fprintf(stderr, "%s: supports(layer %zu) = %d, expected %d\n", k->name, i,
                        !expect[e].ok[i], expect[e].ok[i]);
                CHECK(0);
            }
        }
    }
    CHECK(nnb_kernel_find("no_such_kernel") == NULL);
    CHECK(nnb_kernel_find("") == NULL);
    CHECK(nnb_kernel_find(NULL) == NULL);
    CHECK(nnb_kernel_find("Reference") == NULL);
}

/* Tensor sizes agree with the analytic model; the integer fill's bound holds. */
static void tensor_checks(void)
{
    char err[256];
    nnb_layer ls[] = {base(NNB_OP_CONV), base(NNB_OP_DECONV), base(NNB_OP_FC), base(NNB_OP_POOL_AVG)};
    ls[0].c = 6; ls[0].k = 9; ls[0].h = 7; ls[0].w = 5; ls[0].kh = 3; ls[0].kw = 2; ls[0].groups = 3; ls[0].n = 2;
    ls[1].c = 6; ls[1].k = 4; ls[1].h = 3; ls[1].w = 5; ls[1].kh = 3; ls[1].kw = 3; ls[1].sh = 2; ls[1].groups = 2;
    ls[2].c = 3; ls[2].h = 4; ls[2].w = 4; ls[2].k = 7; ls[2].n = 3;
    ls[3].c = 3; ls[3].h = 9; ls[3].w = 9; ls[3].kh = ls[3].kw = 3; ls[3].sh = ls[3].sw = 2;
    for (size_t i = 0; i < sizeof ls / sizeof ls[0]; i++) {
        CHECK(nnb_layer_finalize(&ls[i], err, sizeof err) == 0);
        nnb_analytic a;
        CHECK(nnb_model_analyze(&ls[i], &a, err, sizeof err) == 0);
        int64_t s, w, b, d;
        nnb_tensor_sizes(&ls[i], &s, &w, &b, &d);
        CHECK_EQ_I64(s, a.src_elems);
        CHECK_EQ_I64(w, a.wei_elems);
        CHECK_EQ_I64(b, a.bias_elems);
        CHECK_EQ_I64(d, a.dst_elems);
    }
    /* long accumulation (L = 600000): max|src| * max|wei| * L + max|bias| < 2^24 */
    nnb_layer fc = base(NNB_OP_FC);
    fc.c = 600000; fc.k = 2;
    CHECK(nnb_layer_finalize(&fc, err, sizeof err) == 0);
    nnb_tensors t;
    CHECK(nnb_tensors_alloc(&t, &fc, err, sizeof err) == 0);
    nnb_tensors_fill(&t, &fc, NNB_FILL_INT, 7);
    double ms = 0, mw = 0, mb = 0;
    for (int64_t i = 0; i < t.src_elems; i++) ms = fmax(ms, fabs(t.src[i]));
    for (int64_t i = 0; i < t.wei_elems; i++) mw = fmax(mw, fabs(t.wei[i]));
    for (int64_t i = 0; i < t.bias_elems; i++) mb = fmax(mb, fabs(t.bias[i]));
    CHECK(ms >= 1 && mw >= 1);
    CHECK(ms * mw * 600000 + mb < 16777216.0);
    /* deterministic: same seed, same values; another seed, other values */
    float first = t.src[12345];
    nnb_tensors_fill(&t, &fc, NNB_FILL_INT, 7);
    CHECK(t.src[12345] == first);
    nnb_tensors_fill(&t, &fc, NNB_FILL_REAL, 7);
    double lo = 1, hi = -1;
    for (int64_t i = 0; i < t.src_elems; i++) { lo = fmin(lo, t.src[i]); hi = fmax(hi, t.src[i]); }
    CHECK(lo >= -1 && hi < 1 && lo < -0.99 && hi > 0.99);
    nnb_tensors_free(&t);
    CHECK(nnb_alloc(SIZE_MAX - 10) == NULL);
    void *p = nnb_alloc(100);
    CHECK(p != NULL && ((uintptr_t)p & 63) == 0);
    nnb_free(p);
}

int main(void)
{
    domain_checks();
    tensor_checks();
    /* the hand-vectorised kernels' AVX2 and portable paths, where the CPU has
     * better (nnb_isa_set_cap caps the level, see machine/isa.h) */
    const nnb_isa caps[] = {NNB_ISA_SCALAR, NNB_ISA_AVX2};
    for (int c = 0; c < 2; c++) {
        nnb_isa_set_cap(caps[c]);
        nasty_shapes();
        for (int i = 0; i < 30; i++) random_conv(i % 3);
        for (int i = 0; i < 20; i++) random_conv(3);
        for (int i = 0; i < 20; i++) random_1x1();
        for (int i = 0; i < 6; i++) random_deep();
        for (int i = 0; i < 10; i++) random_deconv();
        for (int i = 0; i < 10; i++) random_deconv_wide();
        for (int i = 0; i < 10; i++) random_fc();
        for (int i = 0; i < 10; i++) random_pool();
        for (int i = 0; i < 20; i++) random_pool_wide();
    }
    nnb_isa_set_cap(NNB_ISA_COUNT);
    nasty_shapes();
    for (int i = 0; i < 120; i++) random_conv(0);
    for (int i = 0; i < 60; i++) random_conv(1);
    for (int i = 0; i < 60; i++) random_conv(2);
    for (int i = 0; i < 60; i++) random_conv(3);
    for (int i = 0; i < 60; i++) random_1x1();
    for (int i = 0; i < 12; i++) random_deep();
    for (int i = 0; i < 60; i++) random_deconv();
    for (int i = 0; i < 40; i++) random_deconv_wide();
    for (int i = 0; i < 25; i++) random_fc();
    for (int i = 0; i < 50; i++) random_pool();
    for (int i = 0; i < 40; i++) random_pool_wide();
    size_t nk;
    const nnb_kernel *const *ks = nnb_kernels(&nk);
    printf("%d valid layers;", layers_run);
    for (size_t i = 1; i < nk; i++) printf(" %s:%d", ks[i]->name, kernel_runs[i] / 2);
    printf("\n");
    CHECK(layers_run >= 300);
    for (size_t i = 1; i < nk; i++) CHECK(kernel_runs[i] >= 2 * 20); /* every kernel exercised */
    return nnb_test_done("test_kernels");
}
