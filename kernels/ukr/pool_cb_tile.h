/* Generator of the channel-blocked pooling micro-kernel (ukr.h: nnb_pool_cb)
 * for one vector ISA, so nChw16c (AVX-512) and nChw8c (AVX2) share one body.
 * The including file includes ukr/vec_<isa>.h and defines POOL_CB and
 * POOL_CB_FLOPS (the functions to define), CB_J (interior outputs per
 * register block) and
 *   CB_MAX(a, b)   a > b ? a : b per lane (x86 max: b where unordered)
 *   CB_ADD, CB_MUL, CB_DIV, CB_STORE (aligned) */

#include <math.h>
#include <stdint.h>
#include <string.h>

#define CB_AI __attribute__((always_inline, target(VEC_TARGET)))

/* One output row's window rows inside the input, in order: where each is
 * (its input row; its H row's ring slot, NULL without a ring), whether it is
 * fresh (not in the ring: computed here) and whether its H row is kept for
 * the next output row. */
typedef struct cb_rows {
    int nr;
    int64_t cy;        /* the average's counted rows */
    int64_t div;       /* the average's divisor of an interior output (cy * kw) */
    float scale;       /* its reciprocal where a power of two (exact), else itself */
    const float *in[NNB_POOL_CB_MAX_KH];
    float *slot[NNB_POOL_CB_MAX_KH];
    bool fresh[NNB_POOL_CB_MAX_KH], keep[NNB_POOL_CB_MAX_KH];
} cb_rows;

/* 1 / d for a power of two d < 2^126, built from its exponent bits (no
 * floating-point op: the work model counts the vector ops alone) */
static inline float cb_pow2_inverse(int64_t d)
{
    int e = 0;
    while ((INT64_C(1) << e) < d) e++;
    const uint32_t bits = (uint32_t)(127 - e) << 23;
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

/* output row oy's rows; *next: the first input row not computed yet in this
 * column block (rows only move down at dilation 1) */
static inline void cb_walk(const nnb_pool_cb *p, int64_t oy, int64_t ring, float *slots, int64_t slot_floats,
                           int64_t *next, cb_rows *k)
{
    const int64_t top = oy * p->sh - p->pt, next_top = top + p->sh;
    const bool more = ring && oy + 1 < p->oy1;
    int64_t end = *next;
    k->nr = 0;
    for (int64_t r = 0; r < p->kh; r++) {
        const int64_t y = top + r * p->dh;
        if (y < 0 || y >= p->h) continue;
        const int i = k->nr++;
        k->in[i] = p->in ? p->in + y * p->w * VL : NULL;
        k->fresh[i] = !ring || y >= *next;
        k->keep[i] = more && k->fresh[i] && y >= next_top;
        k->slot[i] = ring && slots ? slots + (y & (ring - 1)) * slot_floats : NULL;
        end = y + 1;
    }
    if (ring && end > *next) *next = end;
    k->cy = p->is_max ? 0 : nnb_pool_axis_count(oy, p->kh, p->sh, p->pt, p->pb, p->dh, p->h, p->include_pad);
    k->div = k->cy * p->kw;
    k->scale = k->div > 0 && (k->div & (k->div - 1)) == 0 ? cb_pow2_inverse(k->div) : (float)k->div;
}

/* outputs [*lo, *hi) whose window columns all lie inside the input row */
static inline void cb_interior(const nnb_pool_cb *p, int64_t *lo, int64_t *hi)
{
    const int64_t last = p->w - 1 + p->pl - (p->kw - 1) * p->dw;
    *lo = (p->pl + p->sw - 1) / p->sw;
    *hi = last >= 0 ? last / p->sw + 1 : 0;
    if (*hi > p->ow) *hi = p->ow;
    if (*lo > *hi) *lo = *hi;
}

static inline CB_AI V cb_vop(V h, V acc, const bool MAX)
{
    return MAX ? CB_MAX(h, acc) : CB_ADD(acc, h);
}

/* the average's result: the reference's acc / div (a power of two by its
 * exact reciprocal: the same bits); no divisor gives 0, as the reference */
static inline CB_AI V cb_div(V acc, int64_t div)
{
    if (div <= 0) return V_ZERO();
    if ((div & (div - 1)) == 0) return CB_MUL(acc, V_SET1(cb_pow2_inverse(div)));
    return CB_DIV(acc, V_SET1((float)div));
}

/* one output's H row value from input row `row`, taps outside it skipped */
static inline CB_AI V cb_hone(const nnb_pool_cb *p, const float *row, int64_t ox, const bool MAX)
{
    V acc = V_SET1(-INFINITY);
    bool first = true;
    for (int64_t s = 0; s < p->kw; s++) {
        const int64_t ix = ox * p->sw - p->pl + s * p->dw;
        if (ix < 0 || ix >= p->w) continue;
        const V t = V_LOAD(row + ix * VL);
        acc = MAX ? CB_MAX(t, acc) : first ? t : CB_ADD(acc, t);
        first = false;
    }
    return !MAX && first ? V_ZERO() : acc;
}

/* one output with any window (the borders, general shapes) */
static inline CB_AI void cb_single(const nnb_pool_cb *p, const cb_rows *k, int64_t ox, int64_t cx0, const bool MAX,
                                   float *out)
{
    V acc = MAX ? V_SET1(-INFINITY) : V_ZERO();
    for (int r = 0; r < k->nr; r++) {
        float *slot = k->slot[r] ? k->slot[r] + (ox - cx0) * VL : NULL;
        V h;
        if (k->fresh[r]) {
            h = cb_hone(p, k->in[r], ox, MAX);
            if (k->keep[r]) CB_STORE(slot, h);
        } else {
            h = V_LOAD(slot);
        }
        acc = r == 0 ? h : cb_vop(h, acc, MAX);
    }
    if (!MAX)
        acc = cb_div(acc, k->cy * nnb_pool_axis_count(ox, p->kw, p->sw, p->pl, p->pr, p->dw, p->w, p->include_pad));
    CB_STORE(out + ox * VL, acc);
}

/* how a window row enters an interior output: straight into the
 * accumulator (fresh, not kept), through its H row (fresh, kept in the
 * ring), or as the ring's H row */
enum { CB_DIRECT = 1, CB_HROW = 2, CB_RING = 3 };

static inline int cb_mode(const cb_rows *k, int r)
{
    return !k->fresh[r] ? CB_RING : k->keep[r] ? CB_HROW : CB_DIRECT;
}

/* the modes of an output row's window rows, 2 bits a row (0: over 15 rows) */
static inline int cb_modes(const cb_rows *k)
{
    int modes = 0;
    for (int r = 0; r < k->nr && k->nr <= 15; r++) modes |= cb_mode(k, r) << (2 * r);
    return modes;
}

/* J interior outputs from ox, all in registers; KW, SW constants where
 * nonzero (then dilation 1); NR, MODES the rows and their modes where
 * constants (0: read them), so the common rows unroll whole. A fresh row no
 * later output row needs goes straight into the accumulator tap by tap (the
 * reference's own order: the same first maximum as through its H row, one
 * op fewer); a kept one through its H row (stored to the ring), a ring row
 * as its H row. */
static inline CB_AI void cb_block(const nnb_pool_cb *p, const cb_rows *k, int64_t ox, int64_t cx0, const bool MAX,
                                  const int KW, const int SW, const int J, const int NR, const int MODES, float *out)
{
    const int64_t kw = KW ? KW : p->kw, sw = SW ? SW : p->sw, dw = KW ? 1 : p->dw;
    const int nr = NR ? NR : k->nr;
    const V ninf = V_SET1(-INFINITY);
    V acc[CB_J];
    for (int j = 0; j < J; j++) acc[j] = MAX ? ninf : V_ZERO();
    for (int r = 0; r < nr; r++) {
        const int mode = MODES ? (MODES >> (2 * r)) & 3 : cb_mode(k, r);
        float *slot = mode != CB_DIRECT ? k->slot[r] + (ox - cx0) * VL : NULL;
        const float *q = mode != CB_RING ? k->in[r] + (ox * sw - p->pl) * VL : NULL;
        if (mode == CB_DIRECT) {
            for (int j = 0; j < J; j++) {
                const float *t = q + j * sw * VL;
                acc[j] = MAX || r > 0 ? cb_vop(V_LOAD(t), acc[j], MAX) : V_LOAD(t);
                for (int64_t s = 1; s < kw; s++) acc[j] = cb_vop(V_LOAD(t + s * dw * VL), acc[j], MAX);
            }
            continue;
        }
        V h[CB_J];
        if (mode == CB_HROW) {
            for (int j = 0; j < J; j++) {
                const float *t = q + j * sw * VL;
                h[j] = MAX ? CB_MAX(V_LOAD(t), ninf) : V_LOAD(t);
                for (int64_t s = 1; s < kw; s++) h[j] = cb_vop(V_LOAD(t + s * dw * VL), h[j], MAX);
                CB_STORE(slot + j * VL, h[j]);
            }
        } else {
            for (int j = 0; j < J; j++) h[j] = V_LOAD(slot + j * VL);
        }
        for (int j = 0; j < J; j++) acc[j] = r == 0 ? h[j] : cb_vop(h[j], acc[j], MAX);
    }
    if (MAX) {
        for (int j = 0; j < J; j++) CB_STORE(out + (ox + j) * VL, acc[j]);
        return;
    }
    const V scale = V_SET1(k->scale); /* cb_div's, once per block */
    const bool mul = (k->div & (k->div - 1)) == 0;
    for (int j = 0; j < J; j++)
        CB_STORE(out + (ox + j) * VL, k->div <= 0 ? V_ZERO() : mul ? CB_MUL(acc[j], scale) : CB_DIV(acc[j], scale));
}

/* A global average (the window is the plane, one output): the plane's
 * pixels are contiguous, summed in 4 chains (another order than the
 * reference's, within the real-valued bound; the same hw - 1 adds) */
static inline CB_AI bool cb_global_avg(const nnb_pool_cb *p)
{
    const int64_t n = p->h * p->w;
    if (p->is_max || p->ow != 1 || p->oy0 != 0 || p->oy1 != 1 || p->kh != p->h || p->kw != p->w || p->pt ||
        p->pl || p->pb || p->pr || p->dh != 1 || p->dw != 1 || n < 4)
        return false;
    V a0 = V_LOAD(p->in), a1 = V_LOAD(p->in + VL), a2 = V_LOAD(p->in + 2 * VL), a3 = V_LOAD(p->in + 3 * VL);
    int64_t i = 4;
    for (; i + 4 <= n; i += 4) {
        a0 = CB_ADD(a0, V_LOAD(p->in + i * VL));
        a1 = CB_ADD(a1, V_LOAD(p->in + (i + 1) * VL));
        a2 = CB_ADD(a2, V_LOAD(p->in + (i + 2) * VL));
        a3 = CB_ADD(a3, V_LOAD(p->in + (i + 3) * VL));
    }
    for (; i < n; i++) a0 = CB_ADD(a0, V_LOAD(p->in + i * VL));
    CB_STORE(p->out, cb_div(CB_ADD(CB_ADD(a0, a1), CB_ADD(a2, a3)), n));
    return true;
}

/* the H-row ring's column block: outputs whose H rows fit it */
static inline int64_t cb_columns(const nnb_pool_cb *p, int64_t ring)
{
    return ring ? NNB_POOL_CB_RING_FLOATS / VL / ring : p->ow;
}

/* output row k's columns [cx0, cx1): interior ones in register blocks
 * (J = CB_J, CB_J/2, 2, 1), the others one at a time */
static inline CB_AI void cb_row(const nnb_pool_cb *p, const cb_rows *k, int64_t cx0, int64_t cx1, int64_t lo,
                                int64_t hi, float *out, const bool MAX, const int KW, const int SW, const int NR,
                                const int MODES)
{
    for (int64_t ox = cx0; ox < cx1;) {
        const int64_t room = ox >= lo ? (hi < cx1 ? hi : cx1) - ox : 0; /* interior outputs from ox */
        if (room >= CB_J) {
            cb_block(p, k, ox, cx0, MAX, KW, SW, CB_J, NR, MODES, out);
            ox += CB_J;
        } else if (room >= CB_J / 2 && CB_J / 2 > 1) {
            cb_block(p, k, ox, cx0, MAX, KW, SW, CB_J / 2, NR, MODES, out);
            ox += CB_J / 2;
        } else if (room >= 2) {
            cb_block(p, k, ox, cx0, MAX, KW, SW, 2, NR, MODES, out);
            ox += 2;
        } else if (room >= 1) {
            cb_block(p, k, ox, cx0, MAX, KW, SW, 1, NR, MODES, out);
            ox++;
        } else {
            cb_single(p, k, ox, cx0, MAX, out);
            ox++;
        }
    }
}

#define CB_MODES2(a, b) ((a) | (b) << 2)
#define CB_MODES3(a, b, c) ((a) | (b) << 2 | (c) << 4)

static inline CB_AI void cb_impl(const nnb_pool_cb *p, const bool MAX, const int KW, const int SW)
{
    float ring_buf[NNB_POOL_CB_RING_FLOATS] __attribute__((aligned(64)));
    const int64_t ring = nnb_pool_cb_ring_rows(p), cols = cb_columns(p, ring);
    int64_t lo, hi;
    cb_interior(p, &lo, &hi);
    for (int64_t cx0 = 0; cx0 < p->ow; cx0 += cols) {
        const int64_t cx1 = cx0 + cols < p->ow ? cx0 + cols : p->ow;
        int64_t next = 0;
        for (int64_t oy = p->oy0; oy < p->oy1; oy++) {
            cb_rows k;
            cb_walk(p, oy, ring, ring_buf, cols * VL, &next, &k);
            float *out = p->out + oy * p->ow * VL;
            /* the steady rows of the common windows: 2x2 s2 (no ring), 3x3
             * s2 (ring, fresh, kept), 3x3 s1 (ring, ring, kept) */
            const int modes = KW ? cb_modes(&k) : 0;
            if (modes == CB_MODES2(CB_DIRECT, CB_DIRECT))
                cb_row(p, &k, cx0, cx1, lo, hi, out, MAX, KW, SW, 2, CB_MODES2(CB_DIRECT, CB_DIRECT));
            else if (modes == CB_MODES3(CB_RING, CB_DIRECT, CB_HROW))
                cb_row(p, &k, cx0, cx1, lo, hi, out, MAX, KW, SW, 3, CB_MODES3(CB_RING, CB_DIRECT, CB_HROW));
            else if (modes == CB_MODES3(CB_RING, CB_RING, CB_HROW))
                cb_row(p, &k, cx0, cx1, lo, hi, out, MAX, KW, SW, 3, CB_MODES3(CB_RING, CB_RING, CB_HROW));
            else
                cb_row(p, &k, cx0, cx1, lo, hi, out, MAX, KW, SW, 0, 0);
        }
    }
}

/* the common windows (3x3 stride 1 and 2, 2x2 stride 2, dilation 1) unrolled */
static inline CB_AI void cb_op(const nnb_pool_cb *p, const bool MAX)
{
    const bool d1 = p->dw == 1;
    if (d1 && p->kw == 3 && p->sw == 2) cb_impl(p, MAX, 3, 2);
    else if (d1 && p->kw == 3 && p->sw == 1) cb_impl(p, MAX, 3, 1);
    else if (d1 && p->kw == 2 && p->sw == 2) cb_impl(p, MAX, 2, 2);
    else cb_impl(p, MAX, 0, 0);
}

__attribute__((target(VEC_TARGET))) void POOL_CB(const nnb_pool_cb *arg)
{
    const nnb_pool_cb a = *arg; /* a copy the output stores cannot alias */
    if (cb_global_avg(&a)) return;
    if (a.is_max) cb_op(&a, true);
    else cb_op(&a, false);
}

/* ops of window row r of one output with nc in-input columns (cb_block
 * where the output is interior, else cb_single): a ring row's merge; a
 * fresh row's taps (a max's first against -inf, a sum's from its first
 * tap) and merge, or, straight into the accumulator (interior, not kept),
 * its taps alone */
static inline int64_t cb_row_ops(const cb_rows *k, int r, int64_t nc, bool interior, bool is_max)
{
    if (!k->fresh[r]) return r > 0;
    if (interior && !k->keep[r]) return is_max || r > 0 ? nc : nc - 1;
    return (is_max ? nc : nc > 0 ? nc - 1 : 0) + (r > 0);
}

/* Every output's rows' ops (cb_row_ops), the average's division where it
 * has a divisor; every op in all VL lanes. (The global average's 4 chains:
 * hw - 1 adds, as the interior count.) */
int64_t POOL_CB_FLOPS(const nnb_pool_cb *p)
{
    const int64_t ring = nnb_pool_cb_ring_rows(p);
    int64_t lo, hi, ops = 0, next = 0;
    cb_interior(p, &lo, &hi);
    for (int64_t oy = p->oy0; oy < p->oy1; oy++) {
        cb_rows k;
        cb_walk(p, oy, ring, NULL, 0, &next, &k);
        for (int64_t ox = 0; ox < p->ow; ox++) {
            const bool interior = ox >= lo && ox < hi;
            const int64_t nc = nnb_pool_axis_count(ox, p->kw, p->sw, p->pl, p->pr, p->dw, p->w, false);
            for (int r = 0; r < k.nr; r++) ops += cb_row_ops(&k, r, nc, interior, p->is_max);
            if (!p->is_max)
                ops += k.cy * nnb_pool_axis_count(ox, p->kw, p->sw, p->pl, p->pr, p->dw, p->w, p->include_pad) > 0;
        }
    }
    return ops * VL;
}
