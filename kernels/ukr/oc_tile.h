/* Generator of direct_oc's tile (ukr.h) for one vector ISA, so the AVX-512
 * and AVX2 forms share one body. The including file includes the ISA's
 * vocabulary (ukr/vec_<isa>.h), defines OC_NAME (the function to define),
 * OC_KV and OC_NP (the most channel vectors and positions, OC_NP 6..8), and
 * two always_inline hooks, the places the ISAs differ:
 *   V oc_bias(t, v)                 bias of channels [VL*v, VL*v + VL) (0 past nk)
 *   void oc_store(r, np, nv, out, ohw)  r[p] holds VL channels at position p
 *                                   (p < 8): stores channel j's np positions
 *                                   at out + j*ohw for j < nv (a transpose)
 * With KV and NP constants the loops unroll and the KV x NP accumulators
 * stay in registers. Optionally OC_KW and OC_NPW (OC_KW > OC_KV, OC_NPW <
 * OC_NP): the wide one-pass channel-blocked form, OC_KW vectors x up to
 * OC_NPW positions, for 1x1 windows (ukr.h: NNB_OC512_KW). */
#ifndef OC_KW
#define OC_KW 0
#define OC_NPW 0
#endif
/* the accumulator array's rows: the most vectors any form holds */
#define OC_KA (OC_KW > OC_KV ? OC_KW : OC_KV)

/* one tap of one input channel: KV weight vectors at w times NP inputs xs apart at x */
static inline __attribute__((always_inline, target(VEC_TARGET))) void
oc_tap(V acc[OC_KA][OC_NP], const float *w, const float *x, int64_t xs, const int KV, const int NP)
{
    V wv[OC_KA];
    for (int v = 0; v < KV; v++) wv[v] = V_LOAD(w + VL * v);
    for (int p = 0; p < NP; p++) {
        const V xb = V_SET1(x[p * xs]);
        for (int v = 0; v < KV; v++) acc[v][p] = V_FMA(wv[v], xb, acc[v][p]);
    }
}

/* oc_tap over positions [P0, P1) only */
static inline __attribute__((always_inline, target(VEC_TARGET))) void
oc_tap_range(V acc[OC_KA][OC_NP], const float *w, const float *x, int64_t xs, const int KV, const int P0, const int P1)
{
    V wv[OC_KA];
    for (int v = 0; v < KV; v++) wv[v] = V_LOAD(w + VL * v);
    for (int p = P0; p < P1; p++) {
        const V xb = V_SET1(x[p * xs]);
        for (int v = 0; v < KV; v++) acc[v][p] = V_FMA(wv[v], xb, acc[v][p]);
    }
}

/* the edge form (ukr.h: t->edge): window rows of 3 taps over a whole row
 * of NP positions, tap 0 from position 1, tap 2 to position NP - 2 */
static inline __attribute__((always_inline, target(VEC_TARGET))) void
oc_taps_edge(V acc[OC_KA][OC_NP], const nnb_oc_tile *t, const float *w, const int KV, const int NP)
{
    const int64_t rows = t->ntaps / 3, skip = (t->wtaps - t->ntaps) * (VL * KV), xs = t->xs;
    int64_t c = 0;
    do {
        const float *x = t->in + c * t->cs;
        for (int64_t r = 0; r < rows; r++, w += 3 * VL * KV) {
            const int64_t *off = t->tapoff + 3 * r;
            oc_tap_range(acc, w, x + off[0], xs, KV, 1, NP);
            oc_tap_range(acc, w + VL * KV, x + off[1], xs, KV, 0, NP);
            oc_tap_range(acc, w + 2 * VL * KV, x + off[2], xs, KV, 0, NP - 1);
        }
        w += skip;
    } while (++c < t->nc);
}

/* n consecutive window taps from w, tapoff their inputs' offsets, over
 * every input channel */
static inline __attribute__((always_inline, target(VEC_TARGET))) void
oc_taps(V acc[OC_KA][OC_NP], const nnb_oc_tile *t, const float *w, const int64_t *tapoff, int64_t n, const int KV,
        const int NP)
{
    const int64_t skip = (t->wtaps - n) * (VL * KV), xs = t->xs;
    /* at least one channel and tap (oc_tile_kn): no zero-trip path */
    int64_t c = 0;
    do {
        int64_t i = 0;
        do {
            oc_tap(acc, w, t->in + c * t->cs + tapoff[i], xs, KV, NP);
            w += VL * KV;
        } while (++i < n);
        w += skip;
    } while (++c < t->nc);
}

/* accumulator row r (VL channels of vector v at positions p < np, r[p]
 * for p < 8) stored NCHW: an in-register transpose */
static inline __attribute__((always_inline, target(VEC_TARGET))) void oc_store_nchw(const nnb_oc_tile *t, const V r[8],
                                                                                  int v, int np)
{
    const int nv = t->nk - VL * v < VL ? t->nk - VL * v : VL;
    float *out = t->out + VL * v * t->ohw;
    if (t->ostep == 1) {
        oc_store(r, np, nv, out, t->ohw);
    } else { /* positions down a column: through a buffer of 8-float rows */
        float buf[VL * 8];
        oc_store(r, np, nv, buf, 8);
        for (int j = 0; j < nv; j++)
            for (int p = 0; p < np; p++) out[j * t->ohw + p * t->ostep] = buf[j * 8 + p];
    }
}

/* a tile reading no tap (padding only): the bias. Apart from the FMA
 * forms: a zero-trip path there made GCC keep their accumulators in memory
 * (stored at the start, spilled and reloaded at the end: 7 of the 11 ns
 * fixed cost of a 64-channel 2 x 16 x 8 tile on Zen 5) */
static __attribute__((noinline, target(VEC_TARGET))) void oc_bias_tile(const nnb_oc_tile *t)
{
    for (int v = 0; v * VL < t->nk; v++) {
        const V b = oc_bias(t, v);
        V r[8];
        for (int p = 0; p < 8; p++) r[p] = b;
        if (t->cb) {
            for (int p = 0; p < t->np; p++) V_STOREU(t->out + v * t->ohw + p * t->ostep, b);
        } else {
            oc_store_nchw(t, r, v, t->np);
        }
    }
}

static inline __attribute__((always_inline, target(VEC_TARGET))) void
oc_tile_kn(const nnb_oc_tile *t, const int KV, const int NP, const bool BY_ROW, const bool CB, const bool EDGE,
           const bool ACC)
{
    if (t->ntaps < 1 || t->nc < 1) {
        oc_bias_tile(t);
        return;
    }
    V acc[OC_KA][OC_NP];
    if (ACC) { /* a later slice of the input channels: from the partial sums stored (its own
                  specialisation: a run-time test here made GCC spill accumulators, 20% slower) */
        for (int v = 0; v < KV; v++)
            for (int p = 0; p < NP; p++) acc[v][p] = V_LOADU(t->out + v * t->ohw + p * t->ostep);
    } else {
        for (int v = 0; v < KV; v++) {
            const V b = oc_bias(t, v);
            for (int p = 0; p < NP; p++) acc[v][p] = b;
        }
    }
    /* taps contiguous in the window (whole rows, or one row): one pass; else
     * (BY_ROW) one pass per window row (a nested loop inside the channel
     * loop, or weights addressed through a loaded index, measured 10-30%
     * slower). Each form its own specialisation: both in one body measured
     * 2% slower on the one-pass tiles of a 3-channel 7x7 layer. */
    if (EDGE) {
        oc_taps_edge(acc, t, t->w + t->tap0 * (VL * KV), KV, NP);
    } else if (!BY_ROW) {
        oc_taps(acc, t, t->w + t->tap0 * (VL * KV), t->tapoff, t->ntaps, KV, NP);
    } else {
        int64_t r = 0;
        do
            oc_taps(acc, t, t->w + (t->tap0 + r * t->kw) * (VL * KV), t->tapoff + r * t->nw, t->nw, KV, NP);
        while (++r * t->nw < t->ntaps);
    }
    if (CB) { /* one vector per (block, position): the channel padding lanes are zeros; its own
                 specialisation, the strides in locals (GCC reloaded t->out per store) */
        float *const out = t->out;
        const int64_t ohw = t->ohw, ostep = t->ostep;
        for (int v = 0; v < KV; v++)
            for (int p = 0; p < NP; p++) V_STOREU(out + v * ohw + p * ostep, acc[v][p]);
        return;
    }
    for (int v = 0; v < KV; v++) {
        V r[8];
        for (int p = 0; p < 8; p++) r[p] = p < NP ? acc[v][p] : V_ZERO();
        oc_store_nchw(t, r, v, NP);
    }
}

/* one specialisation per position count; 6 and 7 only where OC_NP allows */
static inline __attribute__((always_inline, target(VEC_TARGET))) void oc_tile_k(const nnb_oc_tile *t, const int KV, const bool BY_ROW, const bool CB, const bool EDGE, const bool ACC)
{
    switch (t->np) {
    case 1: oc_tile_kn(t, KV, 1, BY_ROW, CB, EDGE, ACC); break;
    case 2: oc_tile_kn(t, KV, 2, BY_ROW, CB, EDGE, ACC); break;
    case 3: oc_tile_kn(t, KV, 3, BY_ROW, CB, EDGE, ACC); break;
    case 4: oc_tile_kn(t, KV, 4, BY_ROW, CB, EDGE, ACC); break;
    case 5: oc_tile_kn(t, KV, 5, BY_ROW, CB, EDGE, ACC); break;
    case 6:
        if (OC_NP > 6) {
            oc_tile_kn(t, KV, OC_NP > 6 ? 6 : OC_NP, BY_ROW, CB, EDGE, ACC);
            break;
        }
        __attribute__((fallthrough));
    case 7:
        if (OC_NP > 7) {
            oc_tile_kn(t, KV, OC_NP > 7 ? 7 : OC_NP, BY_ROW, CB, EDGE, ACC);
            break;
        }
        __attribute__((fallthrough));
    default: oc_tile_kn(t, KV, OC_NP, BY_ROW, CB, EDGE, ACC); break;
    }
}

/* one function per (channel vectors, form): each allocates its registers
 * apart (all forms in one body measured 2% slower on a 3-channel 7x7 layer,
 * and 25% slower with the per-row form a second specialisation there) */
#define OC_FORM(KV, BY_ROW, CB, EDGE, ACC, NAME) \
    static __attribute__((noinline, target(VEC_TARGET))) void NAME(const nnb_oc_tile *t) { oc_tile_k(t, KV, BY_ROW, CB, EDGE, ACC); }
OC_FORM(1, false, false, false, false, oc_k1)
OC_FORM(1, true, false, false, false, oc_k1_rows)
OC_FORM(OC_KV > 2 ? 2 : OC_KV, false, false, false, false, oc_k2)
OC_FORM(OC_KV > 2 ? 2 : OC_KV, true, false, false, false, oc_k2_rows)
OC_FORM(OC_KV, false, false, false, false, oc_kmax)
OC_FORM(OC_KV, true, false, false, false, oc_kmax_rows)
OC_FORM(1, false, true, false, false, oc_k1_cb)
OC_FORM(1, true, true, false, false, oc_k1_rows_cb)
OC_FORM(OC_KV > 2 ? 2 : OC_KV, false, true, false, false, oc_k2_cb)
OC_FORM(OC_KV > 2 ? 2 : OC_KV, true, true, false, false, oc_k2_rows_cb)
OC_FORM(OC_KV, false, true, false, false, oc_kmax_cb)
OC_FORM(OC_KV, true, true, false, false, oc_kmax_rows_cb)
/* the accumulating forms (t->accumulate): one pass, channel-blocked output (direct_oc's panels) */
OC_FORM(1, false, true, false, true, oc_k1_acc)
OC_FORM(OC_KV > 2 ? 2 : OC_KV, false, true, false, true, oc_k2_acc)
OC_FORM(OC_KV, false, true, false, true, oc_kmax_acc)
/* the edge forms: channel-blocked output only (direct_oc plans edge tiles for one group) */
OC_FORM(1, false, true, true, false, oc_k1_edge)
OC_FORM(OC_KV > 2 ? 2 : OC_KV, false, true, true, false, oc_k2_edge)
OC_FORM(OC_KV, false, true, true, false, oc_kmax_edge)
#undef OC_FORM
#if OC_KW
/* the wide form: OC_KW vectors x np <= OC_NPW positions, one pass, blocked */
static inline __attribute__((always_inline, target(VEC_TARGET))) void oc_kwide(const nnb_oc_tile *t, const bool ACC)
{
    switch (t->np) {
    case 1: oc_tile_kn(t, OC_KW, 1, false, true, false, ACC); break;
    case 2: oc_tile_kn(t, OC_KW, 2, false, true, false, ACC); break;
    case 3: oc_tile_kn(t, OC_KW, 3, false, true, false, ACC); break;
    case 4: oc_tile_kn(t, OC_KW, 4, false, true, false, ACC); break;
    case 5: oc_tile_kn(t, OC_KW, 5, false, true, false, ACC); break;
    default: oc_tile_kn(t, OC_KW, OC_NPW, false, true, false, ACC); break;
    }
}
static __attribute__((noinline, target(VEC_TARGET))) void oc_kwide_cb(const nnb_oc_tile *t) { oc_kwide(t, false); }
static __attribute__((noinline, target(VEC_TARGET))) void oc_kwide_acc(const nnb_oc_tile *t) { oc_kwide(t, true); }
#endif

__attribute__((target(VEC_TARGET))) void OC_NAME(const nnb_oc_tile *t)
{
    const bool one_pass = t->nw == t->kw || t->nw == t->ntaps;
    /* [channel vectors 1, 2, more][per row][channel-blocked output] */
    static void (*const forms[3][2][2])(const nnb_oc_tile *) = {
        {{oc_k1, oc_k1_cb}, {oc_k1_rows, oc_k1_rows_cb}},
        {{oc_k2, oc_k2_cb}, {oc_k2_rows, oc_k2_rows_cb}},
        {{oc_kmax, oc_kmax_cb}, {oc_kmax_rows, oc_kmax_rows_cb}}};
    const int vecs = (t->nk + VL - 1) / VL;
#if OC_KW
    if (vecs > OC_KV) { /* only the wide form's tiles hold more (direct_oc plans them for 1x1 windows) */
        if (t->accumulate) oc_kwide_acc(t);
        else oc_kwide_cb(t);
        return;
    }
#endif
    const int f = vecs == 1 ? 0 : vecs == 2 && OC_KV > 2 ? 1 : 2;
    if (t->accumulate) {
        static void (*const acc_forms[3])(const nnb_oc_tile *) = {oc_k1_acc, oc_k2_acc, oc_kmax_acc};
        acc_forms[f](t);
        return;
    }
    static void (*const edge_forms[3])(const nnb_oc_tile *) = {oc_k1_edge, oc_k2_edge, oc_kmax_edge};
    if (t->edge) {
        edge_forms[f](t);
        return;
    }
    forms[f][!one_pass][t->cb](t);
}
