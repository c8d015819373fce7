/* Generator of depthwise's channel-blocked micro-kernel (ukr.h nnb_dw_cb)
 * for one vector ISA, so the AVX-512 (nChw16c) and AVX2 (nChw8c) forms share
 * one body. The including file includes the ISA's vocabulary
 * (ukr/vec_<isa>.h) and defines DWCB_NAME (the function), DWCB_NB (the most
 * output pixels a tile: its accumulators) and DWCB_WREG (1: the 9 weight
 * vectors of a 3x3 window stay in registers; 0: FMAs read them from L1,
 * where registers are too few).
 *
 * A pixel is one vector of VL channels, so the kernel is pure vertical
 * FMAs: no shuffles at any stride. A tile is nb <= DWCB_NB consecutive
 * output pixels of one output row, all accumulated at once (nb independent
 * FMA chains hide the FMA latency). */

/* ---- 3 wide, dilation 1, stride SW (1 or 2) ----
 * Per in-input kernel row, the tile's input pixels ix0 .. ix0 + (nb-1)*SW + 2
 * are each loaded once and feed every tap s that reads them (output pixel
 * (i - s) / SW): at stride 1 a load feeds up to 3 FMAs, at stride 2 up to 2,
 * so stride 2 costs loads, never shuffles. At the input's edges the pixels
 * outside it are skipped (padding taps): LSKIP / RSKIP (0 or 1, known at
 * compile time: a 3x3 window with padding 1 never reaches further) leave
 * out the first / last, straight-line code like the interior's (a test per
 * pixel at run time cost a third more than the FMAs it guarded); tiles
 * reaching further out (wider paddings) take the generic tile. */
typedef struct cb3_args {
    const float *in;       /* the block's input */
    int64_t row0, rstride; /* pixel index of kernel row 0's row, pixels between kernel rows */
    int64_t ix0, w;        /* the tile's first input column, the input's width */
    int r0, r1;            /* kernel rows inside the input (one-row tiles) */
    const float *wt, *bias;
    float *out;            /* the tile's first output pixel */
    int64_t ow;            /* pixels between the output rows of a two-row tile */
} cb3_args;

/* NR (1 or 2) output rows of NB pixels, NR * NB <= DWCB_NB accumulators.
 * Two rows (narrow planes: a row is one tile) share the input rows their
 * windows overlap on (4 input rows at stride 1, 5 at stride 2, for 6 and 9
 * the rows alone) and give the FMAs twice the independent chains; they are
 * used where both rows' windows lie inside the input vertically (rstride
 * is then the input's width: kernel row r of output row q is input row
 * q * SW + r, square strides). */
static inline __attribute__((always_inline, target(VEC_TARGET))) void
cb3_tile(const cb3_args *a, const int NB, const int NR, const int SW, const int LSKIP, const int RSKIP)
{
    V wreg[9];
#pragma GCC unroll 9
    for (int k = 0; k < 9; k++) {
        wreg[k] = V_LOAD(a->wt + k * VL);
        /* register values, opaque to the compiler: it would otherwise
         * re-read them from memory as FMA operands, a load per FMA */
        if (DWCB_WREG) __asm__("" : "+v"(wreg[k]));
    }
    const V b = a->bias ? V_LOAD(a->bias) : V_ZERO();
    V acc[DWCB_NB];
#pragma GCC unroll 16
    for (int j = 0; j < NR * NB; j++) acc[j] = b;
#pragma GCC unroll 5
    for (int t = 0; t < (NR - 1) * SW + 3; t++) {
        if (NR == 1 && (t < a->r0 || t >= a->r1)) continue;
        const float *ip = a->in + (a->row0 + t * a->rstride + a->ix0) * VL;
#pragma GCC unroll 64
        for (int i = LSKIP; i < (NB - 1) * SW + 3 - RSKIP; i++) {
            V x = V_LOAD(ip + (int64_t)i * VL);
            __asm__("" : "+v"(x)); /* one load, in a register, for every tap that reads it */
#pragma GCC unroll 2
            for (int q = 0; q < NR; q++) {
                const int r = t - q * SW; /* output row q's kernel row */
                if (r < 0 || r > 2) continue;
#pragma GCC unroll 3
                for (int s = 0; s < 3; s++) {
                    const int d = i - s, o = q * NB + d / SW;
                    if (d < 0 || d % SW || d / SW >= NB) continue;
                    acc[o] = V_FMA(x, DWCB_WREG ? wreg[r * 3 + s] : V_LOAD(a->wt + (r * 3 + s) * VL), acc[o]);
                }
            }
        }
    }
    float *const out = a->out; /* a local: the stores could alias *a */
#pragma GCC unroll 16
    for (int j = 0; j < NR * NB; j++) V_STORE(out + (j / NB * a->ow + j % NB) * VL, acc[j]);
}

/* one function per (tile width, stride, edge): each allocates its
 * registers alone (inlined together, the weights spilled), each starting a
 * 64-byte line (measured: the 56-wide layers' hot tiles ran 10% slower at
 * some 16-byte offsets, the same code). Edge: 0 inside
 * the input, 1 / 2 the first / last input pixel outside it, 3 both
 * (cb3_edge: 4 any other, the generic tile's). */
enum { CB3_EDGES = 4, CB3_NB2 = DWCB_NB / 2 };
typedef void (*cb3_fn)(const cb3_args *a);
#define CB3_FN(n, sw, e)                                                                             \
    static __attribute__((noinline, aligned(64), target(VEC_TARGET))) void cb3_##n##_##sw##_##e(const cb3_args *a) \
    {                                                                                                \
        cb3_tile(a, n, 1, sw, e & 1, (e & 2) >> 1);                                                   \
    }
#define CB3_FN2(n, sw, e)                                                                             \
    static __attribute__((noinline, aligned(64), target(VEC_TARGET))) void cb3_2x##n##_##sw##_##e(const cb3_args *a) \
    {                                                                                                 \
        cb3_tile(a, n, 2, sw, e & 1, (e & 2) >> 1);                                                   \
    }
#define CB3_FNS_SW(n, sw) CB3_FN(n, sw, 0) CB3_FN(n, sw, 1) CB3_FN(n, sw, 2) CB3_FN(n, sw, 3)
#define CB3_FNS(n) CB3_FNS_SW(n, 1) CB3_FNS_SW(n, 2)
#define CB3_FNS2_SW(n, sw) CB3_FN2(n, sw, 0) CB3_FN2(n, sw, 1) CB3_FN2(n, sw, 2) CB3_FN2(n, sw, 3)
#define CB3_FNS2(n) CB3_FNS2_SW(n, 1) CB3_FNS2_SW(n, 2)
#define CB3_ROW_SW(n, sw) {cb3_##n##_##sw##_0, cb3_##n##_##sw##_1, cb3_##n##_##sw##_2, cb3_##n##_##sw##_3}
#define CB3_ROW(n) {CB3_ROW_SW(n, 1), CB3_ROW_SW(n, 2)},
#define CB3_ROW2_SW(n, sw) {cb3_2x##n##_##sw##_0, cb3_2x##n##_##sw##_1, cb3_2x##n##_##sw##_2, cb3_2x##n##_##sw##_3}
#define CB3_ROW2(n) {CB3_ROW2_SW(n, 1), CB3_ROW2_SW(n, 2)},
CB3_FNS(1) CB3_FNS(2) CB3_FNS(3) CB3_FNS(4) CB3_FNS(5) CB3_FNS(6) CB3_FNS(7) CB3_FNS(8)
CB3_FNS2(1) CB3_FNS2(2) CB3_FNS2(3) CB3_FNS2(4)
#if DWCB_NB > 8
CB3_FNS(9) CB3_FNS(10) CB3_FNS(11) CB3_FNS(12) CB3_FNS(13) CB3_FNS(14)
CB3_FNS2(5) CB3_FNS2(6) CB3_FNS2(7)
#endif
/* [tile width - 1][stride - 1][edge], one-row and two-row tiles */
static const cb3_fn cb3_fns[DWCB_NB][2][CB3_EDGES] = {
    CB3_ROW(1) CB3_ROW(2) CB3_ROW(3) CB3_ROW(4) CB3_ROW(5) CB3_ROW(6) CB3_ROW(7) CB3_ROW(8)
#if DWCB_NB > 8
    CB3_ROW(9) CB3_ROW(10) CB3_ROW(11) CB3_ROW(12) CB3_ROW(13) CB3_ROW(14)
#endif
};
static const cb3_fn cb3_fns2[CB3_NB2][2][CB3_EDGES] = {
    CB3_ROW2(1) CB3_ROW2(2) CB3_ROW2(3) CB3_ROW2(4)
#if DWCB_NB > 8
    CB3_ROW2(5) CB3_ROW2(6) CB3_ROW2(7)
#endif
};
#undef CB3_FN
#undef CB3_FN2
#undef CB3_FNS_SW
#undef CB3_FNS
#undef CB3_FNS2_SW
#undef CB3_FNS2
#undef CB3_ROW_SW
#undef CB3_ROW
#undef CB3_ROW2_SW
#undef CB3_ROW2

/* ---- any window: per tap one weight vector, one FMA per output pixel of
 * the tile whose input lies inside the input ---- */
static inline __attribute__((always_inline, target(VEC_TARGET))) void
cbg_tile(const nnb_dw_cb *p, int64_t iy0, int64_t r0, int64_t r1, int64_t ox0, int nb, V b, float *out)
{
    V acc[DWCB_NB];
    for (int j = 0; j < DWCB_NB; j++) acc[j] = b;
    for (int64_t r = r0; r < r1; r++) {
        const float *row = p->in + (iy0 + r * p->dh) * p->w * VL;
        for (int64_t s = 0; s < p->kw; s++) {
            const V wv = V_LOAD(p->wt + (r * p->kw + s) * VL);
            const int64_t ix0 = ox0 * p->sw - p->pl + s * p->dw;
            for (int j = 0; j < DWCB_NB; j++) {
                const int64_t ix = ix0 + j * p->sw;
                if (j < nb && ix >= 0 && ix < p->w) acc[j] = V_FMA(V_LOAD(row + ix * VL), wv, acc[j]);
            }
        }
    }
    for (int j = 0; j < DWCB_NB; j++)
        if (j < nb) V_STORE(out + (int64_t)j * VL, acc[j]);
}

/* a 3x3 tile reaching further out than cb3_fns's forms: the generic tile,
 * out of line (inlined, it costs the row loop registers) */
static __attribute__((noinline, target(VEC_TARGET))) void cbg_edge(const nnb_dw_cb *p, int64_t iy0, int64_t r0,
                                                                   int64_t r1, int64_t ox0, int nb, float *out)
{
    cbg_tile(p, iy0, r0, r1, ox0, nb, p->bias ? V_LOAD(p->bias) : V_ZERO(), out);
}

/* the edge form (cb3_fns) of a tile reading input columns [first, last] of w */
static int cb3_edge(int64_t first, int64_t last, int64_t w)
{
    const int64_t left = first < 0 ? -first : 0, right = last >= w ? last - w + 1 : 0;
    return left > 1 || right > 1 ? 4 : (int)(left + 2 * right);
}

/* the 3-wide rows of p (stride SW): tiles of near-equal width, up to
 * DWCB_NB (the first ow % tiles one wider), no division per tile; a plane
 * whose row is one tile of at most CB3_NB2 pixels goes two rows a tile
 * where both rows' windows lie inside the input vertically (square
 * strides, no row dilation) */
static __attribute__((target(VEC_TARGET))) void cb3_rows(const nnb_dw_cb *p, const int SW)
{
    const int64_t tiles = (p->ow + DWCB_NB - 1) / DWCB_NB, base = p->ow / tiles, wider = p->ow % tiles;
    const int edge1 = cb3_edge(-p->pl, (p->ow - 1) * SW - p->pl + 2, p->w);
    const bool pairs = p->ow <= CB3_NB2 && p->sh == SW && p->dh == 1 && edge1 < CB3_EDGES;
    cb3_args a = {.in = p->in, .rstride = p->dh * p->w, .w = p->w, .wt = p->wt, .bias = p->bias, .ow = p->ow};
    for (int64_t oy = p->oy0; oy < p->oy1; oy++) {
        int64_t r0, r1;
        const int64_t iy0 = oy * p->sh - p->pt;
        nnb_dw_cb_taps(iy0, p->dh, 3, p->h, &r0, &r1);
        a.row0 = iy0 * p->w;
        a.r0 = (int)r0;
        a.r1 = (int)r1;
        if (pairs && oy + 1 < p->oy1 && iy0 >= 0 && iy0 + SW + 2 < p->h) {
            a.ix0 = -p->pl;
            a.out = p->out + oy * p->ow * VL;
            cb3_fns2[p->ow - 1][SW - 1][edge1](&a);
            oy++;
            continue;
        }
        for (int64_t t = 0, ox0 = 0; t < tiles; t++) {
            const int64_t nb = base + (t < wider);
            a.ix0 = ox0 * SW - p->pl;
            a.out = p->out + (oy * p->ow + ox0) * VL;
            const int edge = cb3_edge(a.ix0, a.ix0 + (nb - 1) * SW + 2, p->w);
            if (edge < CB3_EDGES) cb3_fns[nb - 1][SW - 1][edge](&a);
            else cbg_edge(p, iy0, r0, r1, ox0, (int)nb, a.out);
            ox0 += nb;
        }
    }
}

__attribute__((target(VEC_TARGET))) void DWCB_NAME(const nnb_dw_cb *p)
{
    if (p->kh == 3 && p->kw == 3 && p->dw == 1 && p->sw == 1) {
        cb3_rows(p, 1);
        return;
    }
    if (p->kh == 3 && p->kw == 3 && p->dw == 1 && p->sw == 2) {
        cb3_rows(p, 2);
        return;
    }
    const V b = p->bias ? V_LOAD(p->bias) : V_ZERO();
    for (int64_t oy = p->oy0; oy < p->oy1; oy++) {
        int64_t r0, r1;
        const int64_t iy0 = oy * p->sh - p->pt;
        nnb_dw_cb_taps(iy0, p->dh, p->kh, p->h, &r0, &r1);
        for (int64_t ox0 = 0; ox0 < p->ow; ox0 += DWCB_NB) {
            const int nb = (int)(p->ow - ox0 < DWCB_NB ? p->ow - ox0 : DWCB_NB);
            cbg_tile(p, iy0, r0, r1, ox0, nb, b, p->out + (oy * p->ow + ox0) * VL);
        }
    }
}
