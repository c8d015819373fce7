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
 *   p_tree(v, max)       lane i = op over the lanes of v[i], i < VL */

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
