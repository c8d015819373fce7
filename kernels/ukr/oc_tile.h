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
 * stay in registers. */

/* one tap of one input channel: KV weight vectors at w times NP inputs xs apart at x */
static inline __attribute__((always_inline, target(VEC_TARGET))) void
oc_tap(V acc[OC_KV][OC_NP], const float *w, const float *x, int64_t xs, const int KV, const int NP)
{
    V wv[OC_KV];
    for (int v = 0; v < KV; v++) wv[v] = V_LOAD(w + VL * v);
    for (int p = 0; p < NP; p++) {
        const V xb = V_SET1(x[p * xs]);
        for (int v = 0; v < KV; v++) acc[v][p] = V_FMA(wv[v], xb, acc[v][p]);
    }
}

/* n consecutive window taps from w, tapoff their inputs' offsets, over
 * every input channel */
static inline __attribute__((always_inline, target(VEC_TARGET))) void
oc_taps(V acc[OC_KV][OC_NP], const nnb_oc_tile *t, const float *w, const int64_t *tapoff, int64_t n, const int KV,
        const int NP)
{
    const int64_t skip = (t->wtaps - n) * (VL * KV), xs = t->xs;
    for (int64_t c = 0; c < t->nc; c++, w += skip)
        for (int64_t i = 0; i < n; i++, w += VL * KV) oc_tap(acc, w, t->in + c * t->cs + tapoff[i], xs, KV, NP);
}

static inline __attribute__((always_inline, target(VEC_TARGET))) void
oc_tile_kn(const nnb_oc_tile *t, const int KV, const int NP, const bool BY_ROW)
{
    V acc[OC_KV][OC_NP];
    for (int v = 0; v < KV; v++) {
        const V b = oc_bias(t, v);
        for (int p = 0; p < NP; p++) acc[v][p] = b;
    }
    /* taps contiguous in the window (whole rows, or one row): one pass; else
     * (BY_ROW) one pass per window row (a nested loop inside the channel
     * loop, or weights addressed through a loaded index, measured 10-30%
     * slower). Each form its own specialisation: both in one body measured
     * 2% slower on the one-pass tiles of a 3-channel 7x7 layer. */
    if (!BY_ROW) {
        oc_taps(acc, t, t->w + t->tap0 * (VL * KV), t->tapoff, t->ntaps, KV, NP);
    } else {
        for (int64_t r = 0; r * t->nw < t->ntaps; r++)
            oc_taps(acc, t, t->w + (t->tap0 + r * t->kw) * (VL * KV), t->tapoff + r * t->nw, t->nw, KV, NP);
    }
    if (t->cb) { /* one vector per (block, position): the channel padding lanes are zeros */
        for (int v = 0; v < KV; v++)
            for (int p = 0; p < NP; p++) V_STOREU(t->out + v * t->ohw + p * t->ostep, acc[v][p]);
        return;
    }
    for (int v = 0; v < KV; v++) {
        V r[8];
        for (int p = 0; p < 8; p++) r[p] = p < NP ? acc[v][p] : V_ZERO();
        const int nv = t->nk - VL * v < VL ? t->nk - VL * v : VL;
        float *out = t->out + VL * v * t->ohw;
        if (t->ostep == 1) {
            oc_store(r, NP, nv, out, t->ohw);
        } else { /* positions down a column: through a buffer of 8-float rows */
            float buf[VL * 8];
            oc_store(r, NP, nv, buf, 8);
            for (int j = 0; j < nv; j++)
                for (int p = 0; p < NP; p++) out[j * t->ohw + p * t->ostep] = buf[j * 8 + p];
        }
    }
}

/* one specialisation per position count; 6 and 7 only where OC_NP allows */
static inline __attribute__((always_inline, target(VEC_TARGET))) void oc_tile_k(const nnb_oc_tile *t, const int KV, const bool BY_ROW)
{
    switch (t->np) {
    case 1: oc_tile_kn(t, KV, 1, BY_ROW); break;
    case 2: oc_tile_kn(t, KV, 2, BY_ROW); break;
    case 3: oc_tile_kn(t, KV, 3, BY_ROW); break;
    case 4: oc_tile_kn(t, KV, 4, BY_ROW); break;
    case 5: oc_tile_kn(t, KV, 5, BY_ROW); break;
    case 6:
        if (OC_NP > 6) {
            oc_tile_kn(t, KV, OC_NP > 6 ? 6 : OC_NP, BY_ROW);
            break;
        }
        __attribute__((fallthrough));
    case 7:
        if (OC_NP > 7) {
            oc_tile_kn(t, KV, OC_NP > 7 ? 7 : OC_NP, BY_ROW);
            break;
        }
        __attribute__((fallthrough));
    default: oc_tile_kn(t, KV, OC_NP, BY_ROW); break;
    }
}

/* one function per (channel vectors, form): each allocates its registers
 * apart (all forms in one body measured 2% slower on a 3-channel 7x7 layer,
 * and 25% slower with the per-row form a second specialisation there) */
#define OC_FORM(KV, BY_ROW, NAME) \
    static __attribute__((noinline, target(VEC_TARGET))) void NAME(const nnb_oc_tile *t) { oc_tile_k(t, KV, BY_ROW); }
OC_FORM(1, false, oc_k1)
OC_FORM(1, true, oc_k1_rows)
OC_FORM(OC_KV > 2 ? 2 : OC_KV, false, oc_k2)
OC_FORM(OC_KV > 2 ? 2 : OC_KV, true, oc_k2_rows)
OC_FORM(OC_KV, false, oc_kmax)
OC_FORM(OC_KV, true, oc_kmax_rows)
#undef OC_FORM

__attribute__((target(VEC_TARGET))) void OC_NAME(const nnb_oc_tile *t)
{
    const bool one_pass = t->nw == t->kw || t->nw == t->ntaps;
    switch ((t->nk + VL - 1) / VL) {
    case 1: one_pass ? oc_k1(t) : oc_k1_rows(t); break;
    case 2:
        if (OC_KV > 2) {
            one_pass ? oc_k2(t) : oc_k2_rows(t);
            break;
        }
        __attribute__((fallthrough));
    default: one_pass ? oc_kmax(t) : oc_kmax_rows(t); break;
    }
}
