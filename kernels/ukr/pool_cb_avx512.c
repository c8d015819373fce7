/* Channel-blocked pooling (ukr.h nnb_pool_cb) for AVX-512F: 16 planes per
 * vector, through 16 x 16 transposes in and out. */
#include "ukr/ukr.h"

#include "ukr/vec_avx512.h"

#include <math.h>

#define AI __attribute__((always_inline, target("avx512f")))

/* r[i] = row i of a 16 x 16 block -> r[j] = column j: interleaves of pairs
 * and quads within 128-bit blocks, then two rounds of block shuffles */
static inline AI void tr16(__m512 r[16])
{
    __m512 t[16], u[16];
    for (int k = 0; k < 8; k++) {
        t[2 * k] = _mm512_unpacklo_ps(r[2 * k], r[2 * k + 1]);
        t[2 * k + 1] = _mm512_unpackhi_ps(r[2 * k], r[2 * k + 1]);
    }
    /* u[4g + j], block b: rows 4g..4g+3 at column 4b + j */
    for (int g = 0; g < 4; g++) {
        u[4 * g] = _mm512_shuffle_ps(t[4 * g], t[4 * g + 2], 0x44);
        u[4 * g + 1] = _mm512_shuffle_ps(t[4 * g], t[4 * g + 2], 0xEE);
        u[4 * g + 2] = _mm512_shuffle_ps(t[4 * g + 1], t[4 * g + 3], 0x44);
        u[4 * g + 3] = _mm512_shuffle_ps(t[4 * g + 1], t[4 * g + 3], 0xEE);
    }
    for (int j = 0; j < 4; j++) {
        const __m512 v0 = _mm512_shuffle_f32x4(u[j], u[4 + j], 0x88), v1 = _mm512_shuffle_f32x4(u[j], u[4 + j], 0xDD);
        const __m512 w0 = _mm512_shuffle_f32x4(u[8 + j], u[12 + j], 0x88);
        const __m512 w1 = _mm512_shuffle_f32x4(u[8 + j], u[12 + j], 0xDD);
        r[j] = _mm512_shuffle_f32x4(v0, w0, 0x88);
        r[8 + j] = _mm512_shuffle_f32x4(v0, w0, 0xDD);
        r[4 + j] = _mm512_shuffle_f32x4(v1, w1, 0x88);
        r[12 + j] = _mm512_shuffle_f32x4(v1, w1, 0xDD);
    }
}

/* The band's tile: tile row t is input row y0 + t (t < rows), position
 * pl + x input column x; every other position the identity. */
static inline AI void fill_tile(const nnb_pool_cb *p, float *tile, int64_t tw, int64_t y0, int64_t rows, float id)
{
    const __m512 idv = _mm512_set1_ps(id);
    const int64_t ya = y0 > 0 ? y0 : 0, yb = y0 + rows < p->h ? y0 + rows : p->h;
    for (int64_t t = 0; t < rows; t++) {
        float *row = tile + t * tw * 16;
        const bool inside = y0 + t >= 0 && y0 + t < p->h;
        for (int64_t x = 0; x < (inside ? p->pl : tw); x++) _mm512_store_ps(row + x * 16, idv);
        if (inside)
            for (int64_t x = p->pl + p->w; x < tw; x++) _mm512_store_ps(row + x * 16, idv);
    }
    if (yb <= ya) return;
    /* input rows [ya, yb) are contiguous in each plane: 16 floats of each
     * plane at a time, transposed into 16 positions */
    const int64_t end = (yb - ya) * p->w;
    int64_t col = 0;
    float *dst = tile + ((ya - y0) * tw + p->pl) * 16;
    for (int64_t f = 0; f < end; f += 16) {
        const __mmask16 m = v_mask((int)(end - f < 16 ? end - f : 16));
        __m512 r[16];
        for (int i = 0; i < 16; i++)
            r[i] = i < p->np ? _mm512_mask_loadu_ps(idv, m, p->in + i * p->in_plane + ya * p->w + f) : idv;
        tr16(r);
        const int n = end - f < 16 ? (int)(end - f) : 16;
        for (int j = 0; j < n; j++) {
            _mm512_store_ps(dst, r[j]);
            dst += 16;
            if (++col == p->w) {
                col = 0;
                dst += (tw - p->w) * 16;
            }
        }
    }
}

static inline AI __m512 pool_op(__m512 tap, __m512 acc, const bool MAX)
{
    return MAX ? _mm512_max_ps(tap, acc) : _mm512_add_ps(acc, tap);
}

/* one output: its window's taps from base in the reference's order; KH, KW
 * constants where nonzero (then dilation 1) */
static inline AI __m512 pool_window(const nnb_pool_cb *p, const float *base, int64_t tw, const bool MAX, const int KH,
                                    const int KW)
{
    const int64_t kh = KH ? KH : p->kh, kw = KW ? KW : p->kw, dh = KH ? 1 : p->dh, dw = KW ? 1 : p->dw;
    __m512 acc = _mm512_set1_ps(MAX ? -INFINITY : 0.0f);
    for (int64_t r = 0; r < kh; r++)
        for (int64_t s = 0; s < kw; s++) acc = pool_op(_mm512_load_ps(base + (r * dh * tw + s * dw) * 16), acc, MAX);
    return acc;
}

/* the band's output rows [oy0, oy1) from the tile (row 0 = output row oy0's
 * first window row), 16 outputs at a time transposed to the planes */
static inline AI void pool_band(const nnb_pool_cb *p, const float *tile, int64_t tw, int64_t oy0, int64_t oy1,
                                const int32_t *cx, const bool MAX, const int KH, const int KW)
{
    const int64_t first = oy0 * p->ow, end = oy1 * p->ow;
    int64_t oy = oy0, ox = 0;
    for (int64_t q = first; q < end; q += 16) {
        const int n = end - q < 16 ? (int)(end - q) : 16;
        __m512 acc[16];
        for (int j = 0; j < 16; j++) {
            if (j >= n) {
                acc[j] = _mm512_setzero_ps();
                continue;
            }
            acc[j] = pool_window(p, tile + ((oy - oy0) * p->sh * tw + ox * p->sw) * 16, tw, MAX, KH, KW);
            if (!MAX) {
                const int64_t cy = nnb_pool_axis_count(oy, p->kh, p->sh, p->pt, p->pb, p->dh, p->h, p->include_pad);
                const int64_t div = cy * cx[ox];
                acc[j] = div > 0 ? _mm512_div_ps(acc[j], _mm512_set1_ps((float)div)) : _mm512_setzero_ps();
            }
            if (++ox == p->ow) {
                ox = 0;
                oy++;
            }
        }
        tr16(acc);
        const __mmask16 m = v_mask(n);
        for (int i = 0; i < p->np; i++) _mm512_mask_storeu_ps(p->out + i * p->out_plane + q, m, acc[i]);
    }
}

static inline AI void cb_impl(const nnb_pool_cb *p, const bool MAX, const int KH, const int KW)
{
    float tile[NNB_POOL_CB_TILE_FLOATS] __attribute__((aligned(64)));
    int32_t cx[NNB_POOL_CB_TILE_FLOATS / 16]; /* the average's column counts (ow fits the tile) */
    if (!MAX)
        for (int64_t x = 0; x < p->ow; x++)
            cx[x] = (int32_t)nnb_pool_axis_count(x, p->kw, p->sw, p->pl, p->pr, p->dw, p->w, p->include_pad);
    const int64_t tw = nnb_pool_cb_tile_w(p), band = nnb_pool_cb_band_rows(p);
    for (int64_t oy0 = p->oy0; oy0 < p->oy1; oy0 += band) {
        const int64_t oy1 = oy0 + band < p->oy1 ? oy0 + band : p->oy1;
        const int64_t rows = (oy1 - oy0 - 1) * p->sh + (p->kh - 1) * p->dh + 1;
        fill_tile(p, tile, tw, oy0 * p->sh - p->pt, rows, MAX ? -INFINITY : 0.0f);
        pool_band(p, tile, tw, oy0, oy1, cx, MAX, KH, KW);
    }
}

static inline AI void cb_op(const nnb_pool_cb *p, const bool MAX)
{
    const bool d1 = p->dh == 1 && p->dw == 1;
    if (d1 && p->kh == 3 && p->kw == 3) cb_impl(p, MAX, 3, 3);
    else if (d1 && p->kh == 2 && p->kw == 2) cb_impl(p, MAX, 2, 2);
    else cb_impl(p, MAX, 0, 0);
}

__attribute__((target("avx512f"))) void nnb_pool_cb_avx512(const nnb_pool_cb *arg)
{
    const nnb_pool_cb a = *arg; /* a copy the output stores cannot alias */
    if (a.is_max) cb_op(&a, true);
    else cb_op(&a, false);
}

int64_t nnb_pool_cb_avx512_flops(const nnb_pool_cb *p)
{
    const int64_t outputs = (p->oy1 - p->oy0) * p->ow;
    int64_t flops = outputs * p->kh * p->kw * 16;
    if (p->is_max) return flops;
    for (int64_t oy = p->oy0; oy < p->oy1; oy++) {
        const int64_t cy = nnb_pool_axis_count(oy, p->kh, p->sh, p->pt, p->pb, p->dh, p->h, p->include_pad);
        for (int64_t ox = 0; ox < p->ow && cy > 0; ox++)
            flops += nnb_pool_axis_count(ox, p->kw, p->sw, p->pl, p->pr, p->dw, p->w, p->include_pad) > 0 ? 16 : 0;
    }
    return flops;
}
