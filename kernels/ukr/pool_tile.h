/* Generator of the pooling micro-kernels (ukr.h: nnb_pool_row,
 * nnb_pool_global) for one vector ISA, so the AVX-512 and AVX2 forms share
 * one body. The including file includes the ISA's vocabulary
 * (ukr/vec_<isa>.h), defines POOL_ROW, POOL_GLOBAL and their _FLOPS
 * companions (the functions to define), and the pieces the ISAs do
 * differently:
 *   P_MAX(a, b)          a > b ? a : b per lane (x86 max: b where unordered)
 *   P_ADD, P_DIV, P_STOREU(p, v)
 *   P_EVENS(lo, hi), P_ODDS(lo, hi)
 *                        lanes 0, 2, 4, ... (1, 3, 5, ...) of the 2*VL floats
 *                        lo:hi, in an order of the ISA's choosing, the same
 *                        for both; P_UNPERM(v) puts such a vector in order
 *   P_LOAD_LESS1(p)      lanes [0, VL-1) from p (the last one not read)
 *   P_LOAD_N(p, n, f)    lanes [0, n) from p, the others f
 *   P_IDX, P_STRIDE_IDX(s), P_GATHER(p, idx)
 *                        lane i from p[i*s]
 *   p_tree(v, max)       lane i = op over the lanes of v[i], i < VL
 *   P_LOAD_CLIP(p, a, b) lanes j in [a, b) from p + j, the others -inf (no
 *                        other lane read: p may point outside the row)
 *   P_GATHER_CLIP(p, idx, a, b)
 *                        lane i from p[idx[i]] where a <= idx[i] < b, else -inf
 * and POOL_MAX_PLANE with its _FLOPS. */

#include <math.h>

static inline __attribute__((always_inline, target(VEC_TARGET))) V pool_op(V tap, V acc, const bool MAX)
{
    return MAX ? P_MAX(tap, acc) : P_ADD(acc, tap);
}

/* One chunk of VL outputs from output x of the row. SW: 1 (contiguous),
 * 2 (deinterleaved pairs), 0 (gather, any stride). Under SW 2 with dw 1,
 * taps s and s+1 share one pair of loads; a lone tap takes the odd lanes of
 * the pair one float earlier (s > 0, so still in the row) or, at s = 0, the
 * even lanes with the pair's last float not read: no load leaves the row.
 * KW, NR: kw and nrows where constants (0: read them from p), so the common
 * 3x3 window unrolls whole. */
static inline __attribute__((always_inline, target(VEC_TARGET))) void
pool_chunk(const nnb_pool_row *p, int64_t x, const bool MAX, const int SW, P_IDX idx, const int KW, const int NR)
{
    V acc = V_SET1(MAX ? -INFINITY : 0.0f);
    const int64_t kw = KW ? KW : p->kw, nrows = NR ? NR : p->nrows, dw = SW == 2 && KW ? 1 : p->dw;
    const float *row = p->in + x * p->sw;
    for (int64_t r = 0; r < nrows; r++, row += p->rstride) {
        int64_t s = 0;
        if (SW == 2 && dw == 1)
            for (; s + 1 < kw; s += 2) {
                const V lo = V_LOADU(row + s), hi = V_LOADU(row + s + VL);
                acc = pool_op(P_EVENS(lo, hi), acc, MAX);
                acc = pool_op(P_ODDS(lo, hi), acc, MAX);
            }
        for (; s < kw; s++) {
            const float *q = row + s * dw;
            V tap;
            if (SW == 1) tap = V_LOADU(q);
            else if (SW == 2 && s > 0) tap = P_ODDS(V_LOADU(q - 1), V_LOADU(q - 1 + VL));
            else if (SW == 2) tap = P_EVENS(V_LOADU(q), P_LOAD_LESS1(q + VL));
            else tap = P_GATHER(q, idx);
            acc = pool_op(tap, acc, MAX);
        }
    }
    if (SW == 2) acc = P_UNPERM(acc);
    if (!MAX) acc = P_DIV(acc, V_SET1(p->div));
    P_STOREU(p->out + x, acc);
}

static inline __attribute__((always_inline, target(VEC_TARGET))) void
pool_row_kw(const nnb_pool_row *p, const bool MAX, const int SW, const int KW, const int NR)
{
    const P_IDX idx = P_STRIDE_IDX(SW == 0 ? p->sw : 1);
    int64_t x = 0;
    for (; x + VL <= p->ncols; x += VL) pool_chunk(p, x, MAX, SW, idx, KW, NR);
    if (x < p->ncols) pool_chunk(p, p->ncols - VL, MAX, SW, idx, KW, NR); /* overlaps the one before */
}

/* 3x3 windows (the common max pool; stride 2 taps with dw 1) unrolled */
static inline __attribute__((always_inline, target(VEC_TARGET))) void
pool_row_impl(const nnb_pool_row *p, const bool MAX, const int SW)
{
    if (p->kw == 3 && p->nrows == 3 && p->dw == 1) pool_row_kw(p, MAX, SW, 3, 3);
    else pool_row_kw(p, MAX, SW, 0, 0);
}

__attribute__((target(VEC_TARGET))) void POOL_ROW(const nnb_pool_row *arg)
{
    const nnb_pool_row a = *arg, *p = &a; /* a copy the output stores cannot alias */
    const int sw = p->sw == 1 ? 1 : p->sw == 2 ? 2 : 0;
    if (p->is_max) {
        if (sw == 1) pool_row_impl(p, true, 1);
        else if (sw == 2) pool_row_impl(p, true, 2);
        else pool_row_impl(p, true, 0);
    } else {
        if (sw == 1) pool_row_impl(p, false, 1);
        else if (sw == 2) pool_row_impl(p, false, 2);
        else pool_row_impl(p, false, 0);
    }
}

int64_t POOL_ROW_FLOPS(const nnb_pool_row *p)
{
    const int64_t chunks = (p->ncols + VL - 1) / VL;
    return chunks * VL * (p->nrows * p->kw + (p->is_max ? 0 : 1));
}

/* one plane into one vector: every chunk (the tail P_LOAD_N-filled) op'd
 * onto an accumulator that starts at the op's identity */
static inline __attribute__((always_inline, target(VEC_TARGET))) V
pool_plane(const float *in, int64_t n, const bool MAX)
{
    const float id = MAX ? -INFINITY : 0.0f;
    V acc = V_SET1(id);
    int64_t j = 0;
    for (; j + VL <= n; j += VL) acc = pool_op(V_LOADU(in + j), acc, MAX);
    if (j < n) acc = pool_op(P_LOAD_N(in + j, (int)(n - j), id), acc, MAX);
    return acc;
}

static inline __attribute__((always_inline, target(VEC_TARGET))) void
pool_global_impl(const nnb_pool_global *p, const bool MAX)
{
    for (int64_t g = 0; g < p->nplanes; g += VL) {
        const int np = (int)(p->nplanes - g < VL ? p->nplanes - g : VL);
        V v[VL];
        for (int i = 0; i < VL; i++)
            v[i] = i < np ? pool_plane(p->in + (g + i) * p->plane, p->plane, MAX) : V_SET1(MAX ? -INFINITY : 0.0f);
        V s = p_tree(v, MAX);
        if (!MAX) s = P_DIV(s, V_SET1(p->div));
        V_MASKSTORE(p->out + g, v_mask(np), s);
    }
}

__attribute__((target(VEC_TARGET))) void POOL_GLOBAL(const nnb_pool_global *arg)
{
    const nnb_pool_global a = *arg, *p = &a; /* a copy the output stores cannot alias */
    if (p->is_max) pool_global_impl(p, true);
    else pool_global_impl(p, false);
}

int64_t POOL_GLOBAL_FLOPS(const nnb_pool_global *p)
{
    const int64_t groups = (p->nplanes + VL - 1) / VL, chunks = (p->plane + VL - 1) / VL;
    return p->nplanes * chunks * VL + groups * (VL - 1) * VL + (p->is_max ? 0 : groups * VL);
}

/* ---- the separable max (ukr.h: nnb_pool_plane) ---- */

static inline __attribute__((always_inline, target(VEC_TARGET))) V
hload(const float *base, int64_t o, int64_t lo, int64_t hi, const bool EDGE)
{
    return EDGE ? P_LOAD_CLIP(base + o, lo - o, hi - o) : V_LOADU(base + o);
}

/* One chunk of an H row: lane i = max over taps s of base[i*sw + s*dw],
 * from -inf in tap order. EDGE: offsets outside [lo, hi) (the input row)
 * read as -inf; else every offset read lies inside (pool_reach). SW as
 * pool_chunk's; KW a constant where nonzero (then dw is 1). Under SW 2 the
 * lanes stay in P_EVENS order (P_UNPERM'd once, in max_vrow). */
static inline __attribute__((always_inline, target(VEC_TARGET))) V
max_hchunk(const float *base, int64_t lo, int64_t hi, int64_t kw_, int64_t dw_, const int SW, P_IDX idx, const int KW,
           const bool EDGE)
{
    const int64_t kw = KW ? KW : kw_, dw = KW ? 1 : dw_;
    V acc = V_SET1(-INFINITY);
    int64_t s = 0;
    if (SW == 2 && dw == 1)
        for (; s + 1 < kw; s += 2) {
            const V a = hload(base, s, lo, hi, EDGE), b = hload(base, s + VL, lo, hi, EDGE);
            acc = P_MAX(P_EVENS(a, b), acc);
            acc = P_MAX(P_ODDS(a, b), acc);
        }
    for (; s < kw; s++) {
        const int64_t o = s * dw;
        V tap;
        if (SW == 1) tap = hload(base, o, lo, hi, EDGE);
        else if (SW == 2 && o > 0) tap = P_ODDS(hload(base, o - 1, lo, hi, EDGE), hload(base, o - 1 + VL, lo, hi, EDGE));
        else if (SW == 2) tap = P_EVENS(hload(base, 0, lo, hi, EDGE), hload(base, VL, lo, hi, EDGE));
        else tap = EDGE ? P_GATHER_CLIP(base + o, idx, lo - o, hi - o) : P_GATHER(base + o, idx);
        acc = P_MAX(tap, acc);
    }
    return acc;
}

/* floats past a chunk's first tap that max_hchunk may read */
static inline int64_t pool_reach(const nnb_pool_plane *p)
{
    const int64_t taps = (p->kw - 1) * p->dw;
    return p->sw == 1 ? taps + VL : p->sw == 2 ? taps + 2 * VL : (VL - 1) * p->sw + taps + 1;
}

/* The chunks [*c_lo, *c_hi) of the block from output x0 whose reads all
 * lie inside the input row (the others are edge chunks). */
static inline void interior_chunks(const nnb_pool_plane *p, int64_t x0, int64_t chunks, int64_t *c_lo, int64_t *c_hi)
{
    const int64_t reach = pool_reach(p);
    int64_t c = 0;
    while (c < chunks && (x0 + c * VL) * p->sw - p->pl < 0) c++;
    *c_lo = c;
    while (c < chunks && (x0 + c * VL) * p->sw - p->pl + reach <= p->w) c++;
    *c_hi = c;
}

/* H row of input row `row` over chunks [c0, c1) of the block from x0 */
static inline __attribute__((always_inline, target(VEC_TARGET))) void
max_hrow(const nnb_pool_plane *p, const float *row, int64_t x0, int64_t c0, int64_t c1, float *h, const int SW,
         P_IDX idx, const int KW, const bool EDGE)
{
    for (int64_t c = c0; c < c1; c++) {
        const int64_t off = (x0 + c * VL) * p->sw - p->pl;
        P_STOREU(h + c * VL, max_hchunk(row + off, -off, p->w - off, p->kw, p->dw, SW, idx, KW, EDGE));
    }
}

/* n outputs: the max over nr H rows in order (-inf where nr is 0); NR:
 * nr where a constant (0: read it) */
static inline __attribute__((always_inline, target(VEC_TARGET))) void
max_vrow_nr(const float *const *rows, int nr_, int64_t n, float *out, const bool PERM, const int NR)
{
    const int nr = NR ? NR : nr_;
    const float *r0 = rows[0], *r1 = rows[1], *r2 = rows[2];
    for (int64_t c = 0; c < n; c += VL) {
        V acc = nr > 0 ? V_LOADU(r0 + c) : V_SET1(-INFINITY);
        if (NR >= 2) acc = P_MAX(V_LOADU(r1 + c), acc);
        if (NR == 3) acc = P_MAX(V_LOADU(r2 + c), acc);
        for (int i = 1; !NR && i < nr; i++) acc = P_MAX(V_LOADU(rows[i] + c), acc);
        if (PERM) acc = P_UNPERM(acc);
        if (c + VL <= n) P_STOREU(out + c, acc);
        else V_MASKSTORE(out + c, v_mask((int)(n - c)), acc);
    }
}

static inline __attribute__((always_inline, target(VEC_TARGET))) void
max_vrow(const float *const *rows, int nr, int64_t n, float *out, const bool PERM)
{
    if (nr == 3) max_vrow_nr(rows, nr, n, out, PERM, 3);
    else if (nr == 2) max_vrow_nr(rows, nr, n, out, PERM, 2);
    else max_vrow_nr(rows, nr, n, out, PERM, 0);
}

/* the ring's rows: a power of two >= the window's span of input rows
 * (ukr.h), so a slot is a mask away (no division per row); the column
 * block that fits them in the buffer */
static inline int64_t pool_ring(const nnb_pool_plane *p)
{
    int64_t ring = 1;
    while (ring < (p->kh - 1) * p->dh + 1) ring *= 2;
    return ring;
}
static inline int64_t pool_block(const nnb_pool_plane *p)
{
    return NNB_POOL_HBUF_FLOATS / pool_ring(p) / VL * VL;
}

/* The ring's walk down one column block: which input rows output row oy
 * maxes ([a, b) at dilation 1; else iy[0..n)), and which of them are
 * fresh (not in the ring yet: to compute first). At dilation 1 the windows'
 * rows only move down, so the fresh ones are [max(a, next), b), next the
 * first row not computed yet; dilated windows interleave, so each slot is
 * tagged with the row it holds. */
typedef struct ring_walk {
    int64_t ring, next, tags[NNB_POOL_RING_ROWS];
} ring_walk;

static inline void walk_start(ring_walk *k, const nnb_pool_plane *p)
{
    k->ring = pool_ring(p);
    k->next = 0;
    for (int64_t i = 0; i < k->ring; i++) k->tags[i] = -1;
}

/* Output row oy's window rows in order (iy) and which are fresh; returns
 * how many. */
static inline int walk_rows(ring_walk *k, const nnb_pool_plane *p, int64_t oy, int64_t *iy, bool *fresh)
{
    int n = 0;
    const int64_t top = oy * p->sh - p->pt;
    if (p->dh == 1) {
        const int64_t a = top > 0 ? top : 0, b = top + p->kh < p->h ? top + p->kh : p->h;
        for (int64_t y = a; y < b; y++, n++) {
            iy[n] = y;
            fresh[n] = y >= k->next;
        }
        if (b > k->next) k->next = b;
        return n;
    }
    for (int64_t r = 0; r < p->kh; r++) {
        const int64_t y = top + r * p->dh;
        if (y < 0 || y >= p->h) continue;
        iy[n] = y;
        fresh[n] = k->tags[y & (k->ring - 1)] != y;
        k->tags[y & (k->ring - 1)] = y;
        n++;
    }
    return n;
}

/* FAST: P_HROW_S2 computes the H rows (the ISA defines it; SW 2, KW and
 * PL its constants) */
static inline __attribute__((always_inline, target(VEC_TARGET))) void
max_plane_impl(const nnb_pool_plane *p, const int SW, const int KW, const bool FAST, const int PL)
{
    float hbuf[NNB_POOL_HBUF_FLOATS] __attribute__((aligned(64)));
    const P_IDX idx = P_STRIDE_IDX(SW == 0 ? p->sw : 1);
    const int64_t cb = pool_block(p);
    for (int64_t x0 = 0; x0 < p->ow; x0 += cb) {
        const int64_t n = p->ow - x0 < cb ? p->ow - x0 : cb, chunks = (n + VL - 1) / VL;
        int64_t c_lo, c_hi, iy[NNB_POOL_RING_ROWS];
        bool fresh[NNB_POOL_RING_ROWS];
        const float *rows[NNB_POOL_RING_ROWS];
        ring_walk k;
        walk_start(&k, p);
        interior_chunks(p, x0, chunks, &c_lo, &c_hi);
        for (int64_t oy = p->oy0; oy < p->oy1; oy++) {
            const int nr = walk_rows(&k, p, oy, iy, fresh);
            for (int i = 0; i < nr; i++) rows[i] = hbuf + (iy[i] & (k.ring - 1)) * cb;
#ifdef P_FUSE_S2
            if (FAST && nr == 3 && !fresh[0] && fresh[1] && fresh[2]) { /* 3x3 s2's common row */
                P_FUSE_S2(p->in + iy[1] * p->w, p->in + iy[2] * p->w, p->w, x0, n, rows[0],
                          hbuf + (iy[1] & (k.ring - 1)) * cb, hbuf + (iy[2] & (k.ring - 1)) * cb,
                          p->out + oy * p->ow + x0, KW, PL);
                continue;
            }
            /* 2x2 s2's rows: each serves one output row only */
            if (FAST && nr == 2 && fresh[0] && fresh[1] && p->sh >= p->kh && p->dh == 1) {
                P_FUSE2_S2(p->in + iy[0] * p->w, p->in + iy[1] * p->w, p->w, x0, n, p->out + oy * p->ow + x0, KW, PL);
                continue;
            }
#endif
            for (int i = 0; i < nr; i++) {
                float *h = hbuf + (iy[i] & (k.ring - 1)) * cb;
                if (!fresh[i]) continue;
                const float *row = p->in + iy[i] * p->w;
#ifdef P_HROW_S2
                if (FAST) {
                    P_HROW_S2(row, p->w, x0, chunks, h, KW, PL);
                    continue;
                }
#endif
                (void)PL;
                max_hrow(p, row, x0, 0, c_lo, h, SW, idx, KW, true);
                max_hrow(p, row, x0, c_lo, c_hi, h, SW, idx, KW, false);
                max_hrow(p, row, x0, c_hi > c_lo ? c_hi : c_lo, chunks, h, SW, idx, KW, true);
            }
            max_vrow(rows, nr, n, p->out + oy * p->ow + x0, SW == 2 && !FAST);
        }
    }
}

/* 3x3 and 2x2 windows at dilation 1 (the common max pools) unrolled */
static inline __attribute__((always_inline, target(VEC_TARGET))) void
max_plane_sw(const nnb_pool_plane *p, const int SW)
{
#ifdef P_HROW_S2
    if (SW == 2 && p->dw == 1 && p->kw == 3 && p->pl == 1) return max_plane_impl(p, SW, 3, true, 1);
    if (SW == 2 && p->dw == 1 && p->kw == 3 && p->pl == 0) return max_plane_impl(p, SW, 3, true, 0);
    if (SW == 2 && p->dw == 1 && p->kw == 2 && p->pl == 0) return max_plane_impl(p, SW, 2, true, 0);
#endif
    if (p->kw == 3 && p->dw == 1) max_plane_impl(p, SW, 3, false, 0);
    else if (p->kw == 2 && p->dw == 1) max_plane_impl(p, SW, 2, false, 0);
    else max_plane_impl(p, SW, 0, false, 0);
}

__attribute__((target(VEC_TARGET))) void POOL_MAX_PLANE(const nnb_pool_plane *arg)
{
    const nnb_pool_plane a = *arg, *p = &a; /* a copy the output stores cannot alias */
    if (p->sw == 1) max_plane_sw(p, 1);
    else if (p->sw == 2) max_plane_sw(p, 2);
    else max_plane_sw(p, 0);
}

/* max_plane_impl's walk: kw max per lane of each fresh H row's chunks,
 * nr - 1 per lane of each output row's */
int64_t POOL_MAX_PLANE_FLOPS(const nnb_pool_plane *p)
{
    const int64_t cb = pool_block(p);
    int64_t flops = 0;
    for (int64_t x0 = 0; x0 < p->ow; x0 += cb) {
        const int64_t n = p->ow - x0 < cb ? p->ow - x0 : cb, lanes = (n + VL - 1) / VL * VL;
        int64_t iy[NNB_POOL_RING_ROWS];
        bool fresh[NNB_POOL_RING_ROWS];
        ring_walk k;
        walk_start(&k, p);
        for (int64_t oy = p->oy0; oy < p->oy1; oy++) {
            const int nr = walk_rows(&k, p, oy, iy, fresh);
            for (int i = 0; i < nr; i++) flops += fresh[i] ? lanes * p->kw : 0;
            flops += nr > 0 ? lanes * (nr - 1) : 0;
        }
    }
    return flops;
}
