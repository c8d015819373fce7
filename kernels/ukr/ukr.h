/* The micro-kernels of the hand-vectorised kernels: the problems they solve
 * (one struct each), their register blocking per ISA, and one function per
 * (micro-kernel, ISA), each in its own file (ukr/<ukr>_<isa>.c; the portable
 * C ones together in ukr/ref.c). Kernels never call these by name: they ask
 * the kernel context (ctx.h) for the ones the CPU runs.
 *
 * The SIMD files compile with per-function target attributes ("avx512f",
 * "avx2,fma") as one build runs every path; only the context chooses. */
#ifndef NNBENCH_UKR_H
#define NNBENCH_UKR_H

#include <stdbool.h>
#include <stdint.h>

/* ---- conv tile: shared by direct, grouped and transposed_direct ----
 * One call computes a tile of kb output channels x ncols consecutive output
 * columns of one output row, reducing over nc input channels and every window
 * tap, with the kb x ncols accumulators held in vector registers. The input
 * is a padded, stride-phase-split plane per channel (nnb_pack_padded), so a
 * tap is one unaligned vector load per lanes columns. Weights are either
 * packed [c][tap][kb] (the kb broadcasts of a tap adjacent) or read in place
 * from the PyTorch layout [kb][c][tap] (wjs = floats between filters): kb
 * sequential streams, no packing pass, which matters where each weight is
 * used only a few dozen times (ResNet's 7x7 and 14x14 layers). */
typedef struct nnb_tile {
    const float *in;       /* packed input: channel 0, tile row origin, column ox0 */
    int64_t cstride;       /* floats between packed channels */
    int64_t nc;            /* input channels reduced over */
    const int64_t *tapoff; /* per tap: offset from `in` (nnb_pack_tap_off) */
    int64_t ntaps;
    const float *w;        /* weights: packed [nc][ntaps][kb] when wjs == 0, else
                              filter j's (c, tap) at w[j*wjs + c*ntaps + tap] */
    int64_t wjs;           /* 0: packed; else floats between filters (nc*ntaps in PyTorch's layout) */
    const float *bias;     /* kb values, or NULL */
    float *out;            /* output: channel 0 of the block, row, column ox0 */
    int64_t ostride;       /* floats between output channels */
    int kb;                /* output channels, 1..kb_max */
    int ncols;             /* output columns, 1..lanes*vw_max */
    bool exact;            /* compute no lane past ncols even where a narrow
                              tail costs more instructions than one masked
                              vector (AVX2: 4-wide + scalar lanes); set where
                              the tail is rare (once per flattened plane) */
} nnb_tile;

/* kb_max x vw_max vectors of lanes floats (the C tile: 4 x 16 floats) */
enum {
    NNB_TILE512_KB = 6, NNB_TILE512_VW = 4, /* 6 x 4 accumulators + 4 inputs + 1 weight = 29 of 32 zmm */
    NNB_TILE256_KB = 4, NNB_TILE256_VW = 3, /* 4 x 3 accumulators + 3 inputs + 1 weight = 16 ymm */
    NNB_TILEC_KB = 4, NNB_TILEC_COLS = 16,
    NNB_TILE_MAX_FLOATS = NNB_TILE512_KB * 16 * NNB_TILE512_VW /* largest tile of any ISA */
};

void nnb_tile_ref(const nnb_tile *t);
void nnb_tile_avx2(const nnb_tile *t);
void nnb_tile_avx512(const nnb_tile *t);
/* columns each of those computes for ncols (work models; lanes past ncols count) */
int nnb_tile_ref_cols(int ncols, bool exact);
int nnb_tile_avx2_cols(int ncols, bool exact);
int nnb_tile_avx512_cols(int ncols, bool exact);

/* dst[c][tap][j] = wei[j][c][tap] for j < kb: packs kb filters of one block
 * (filter j starts at wei + j*nc*ntaps, PyTorch layout), the tiles' packed
 * weights on every ISA. */
void nnb_tile_pack_weights(const float *wei, int kb, int64_t nc, int64_t ntaps, float *dst);

/* ---- direct_oc's tile: nk output channels (vectors) x np positions ----
 * Per input channel and tap: kv weight vectors loaded, np input values
 * broadcast, kv*np FMAs; an in-register transpose stores NCHW rows, or
 * (cb) each accumulator goes whole into a channel-blocked output. The
 * taps read are a rectangle of the window: those inside the input for every
 * position of the tile (no FMA on padding). */
typedef struct nnb_oc_tile {
    const float *w;          /* packed weights of the block: [c][window tap][kv * lanes] */
    const float *in;         /* input channel 0 at the first position's first tap read */
    int64_t cs;              /* floats between input channels */
    int64_t nc;              /* input channels reduced over */
    const int64_t *tapoff;   /* per tap read (row-major): its input's offset from in */
    int64_t ntaps;           /* taps read: rows of nw taps from window tap tap0, kw taps apart */
    int64_t tap0, nw, kw;
    int64_t wtaps;           /* taps of the window (the packed weights' tap count) */
    int64_t xs;              /* floats between consecutive positions' inputs */
    const float *bias;       /* nk values or NULL */
    float *out;              /* output channel 0 of the block at the first position */
    int64_t ohw;             /* floats between output channels (cb: between blocks of lanes channels) */
    int64_t ostep;           /* floats between consecutive output positions (1: along a row;
                                cb: lanes along a row) */
    bool cb;                 /* output channel-blocked (nChw16c / nChw8c, the block the
                                vector width): each accumulator stored whole, no transpose */
    bool edge;               /* a whole row padded by one column each side, window rows of 3
                                taps (nw = kw = 3, stride and dilation 1): tap 0 skips
                                position 0 and tap 2 position np - 1 (their inputs the
                                padding), so no FMA multiplies padding */
    bool accumulate;         /* cb only: start from the output's values (a partial sum over
                                earlier input channels), not the bias */
    int nk;                  /* output channels, 1..kv_max * lanes */
    int np;                  /* positions, 1..np_max */
} nnb_oc_tile;

enum {
    NNB_OC512_KV = 3, NNB_OC512_NP = 8, /* 3 x 8 accumulators + 3 weights + 1 broadcast = 28 of 32 zmm */
    /* the wide form for 1x1 windows (one tap: no 7-wide rows to fit whole):
     * 4 x 6 + 4 + 1 = 29 zmm, 10 loads per 24 FMAs (3 x 8: 11), and 64
     * channels one block (2 + 2 vectors before: the input read twice) */
    NNB_OC512_KW = 4, NNB_OC512_NPW = 6,
    NNB_OC256_KV = 2, NNB_OC256_NP = 6  /* 2 x 6 accumulators + 2 weights + 1 broadcast = 15 of 16 ymm;
                                           the C tile blocks alike */
};

void nnb_oc_tile_ref(const nnb_oc_tile *t);
void nnb_oc_tile_avx2(const nnb_oc_tile *t);
void nnb_oc_tile_avx512(const nnb_oc_tile *t);

/* ---- depthwise: rows output rows x ncols columns of one channel ----
 * Per tap one weight broadcast feeds rows x vectors FMAs (enough independent
 * chains to cover the FMA latency where one row alone would not). */
typedef struct nnb_dw_tile {
    const float *in;       /* packed plane at (row origin of output row 0, column ox0) */
    int64_t rowstep;       /* floats between consecutive output rows' input rows (sh*sw*wq) */
    const int64_t *tapoff; /* per tap, nnb_pack_tap_off */
    int64_t ntaps;
    const float *w;        /* ntaps weights */
    float bias;
    float *out;            /* dst at (row 0, ox0) */
    int64_t ostride;       /* floats between output rows (ow) */
    int rows, ncols;       /* 1..NNB_DW_ROWS, 1..cols of the ISA */
} nnb_dw_tile;

enum { NNB_DW_ROWS = 4 };

void nnb_dw_tile_ref(const nnb_dw_tile *t);
void nnb_dw_tile_avx2(const nnb_dw_tile *t);
void nnb_dw_tile_avx512(const nnb_dw_tile *t);

/* Whole output planes of a depthwise 3x3 window, stride 1 or 2 (both
 * directions), dilation 1, straight from the unpadded NCHW input planes (no
 * packing). nplanes consecutive output planes with consecutive weights and
 * biases; their inputs in_step floats apart (0: one shared input plane). */
typedef struct nnb_dw_plane {
    const float *in;       /* first input plane, h x w */
    int64_t h, w, pt, pl;  /* its size and top/left padding */
    int64_t stride;        /* 1 or 2 */
    const float *wt;       /* 9 weights per plane, row-major */
    const float *bias;     /* one per plane; NULL: no bias */
    float *out;            /* first output plane, oh x ow */
    int64_t oh, ow;
    int64_t nplanes, in_step;
} nnb_dw_plane;

void nnb_dw3_planes_avx512(const nnb_dw_plane *p);
/* FMA lanes nnb_dw3_planes_avx512 executes per plane of p's geometry (work models) */
int64_t nnb_dw3_plane_avx512_lanes(const nnb_dw_plane *p);
/* whether it reads a stride-1 plane as one flat vector sweep (work models' cause) */
bool nnb_dw3_plane_avx512_flat(const nnb_dw_plane *p);

/* ---- depthwise, channel-blocked (nChw16c / nChw8c, kernels/blocked.h) ----
 * Output rows [oy0, oy1) of one (image, channel block): every pixel a vector
 * of lanes channels, so a tap is one FMA per output pixel with no shuffles.
 * Per output row, tiles of up to NB pixels (the ISA's register blocking: NB
 * accumulators); a 3-wide window of dilation 1 at stride 1 or 2 loads each
 * input pixel of a kernel row once and feeds every tap that reads it (the
 * weights in registers where the ISA has enough). Padding taps are skipped:
 * kernel rows outside the input per output row, input columns outside it
 * per tile (the tiles at the edges check; the others do not). */
typedef struct nnb_dw_cb {
    const float *in;        /* the block's input: h x w pixels of lanes floats */
    const float *wt;        /* kh * kw weight vectors (row-major taps), lanes floats each */
    const float *bias;      /* lanes floats, or NULL */
    float *out;             /* the block's output: oh x ow pixels of lanes floats */
    int64_t h, w, oh, ow;
    int64_t kh, kw, sh, sw, dh, dw, pt, pl;
    int64_t oy0, oy1;       /* output rows of this call */
} nnb_dw_cb;

void nnb_dw_cb_avx512(const nnb_dw_cb *p);
void nnb_dw_cb_avx2(const nnb_dw_cb *p);
/* FMAs (vectors) those execute for p's rows: the window taps inside the input */
int64_t nnb_dw_cb_fmas(const nnb_dw_cb *p);
/* taps [t0, t1) of a k-tap window dimension (dilation d) whose tap 0 reads
 * input index base land inside [0, n): the ones the kernel computes
 * (inline, no division at dilation 1: the kernels ask once per output row) */
static inline void nnb_dw_cb_taps(int64_t base, int64_t d, int64_t k, int64_t n, int64_t *t0, int64_t *t1)
{
    int64_t lo = base >= 0 ? 0 : d == 1 ? -base : (-base + d - 1) / d;
    int64_t hi = base > n - 1 ? 0 : d == 1 ? n - base : (n - 1 - base) / d + 1;
    if (hi > k) hi = k;
    if (lo > hi) lo = hi;
    *t0 = lo;
    *t1 = hi;
}

/* ---- gemv rows: out[r] = w[r*len :] . x for r < nr <= NNB_GEMV_RB ----
 * each row two independent vector accumulators, x shared by the rows */
enum { NNB_GEMV_RB = 4 }; /* rows per micro-kernel call: callers split work in multiples */

void nnb_gemv_rows_ref(const float *w, int64_t len, const float *x, int nr, float *out);
void nnb_gemv_rows_avx2(const float *w, int64_t len, const float *x, int nr, float *out);
void nnb_gemv_rows_avx512(const float *w, int64_t len, const float *x, int nr, float *out);
/* FLOPs one row of those executes (vector lanes counted whole, masked ones
 * too): the FMAs, the accumulators' reduction, the tail (work models) */
int64_t nnb_gemv_row_ref_flops(int64_t len);
int64_t nnb_gemv_row_avx2_flops(int64_t len);
int64_t nnb_gemv_row_avx512_flops(int64_t len);

/* ---- pooling (kernels/pool.c) ----
 * row: ncols >= lanes consecutive outputs of one output row whose taps all
 * lie inside the input, in chunks of lanes outputs (the last chunk
 * overlapping the one before where lanes does not divide ncols: an output
 * computed twice is written twice, the same value). Each chunk starts from
 * -inf (max) or +0 (avg) and takes the taps in the reference's order (window
 * rows, then columns): max as `tap > acc ? tap : acc`, so results are the
 * reference's bit for bit; the average then divides by div. */
typedef struct nnb_pool_row {
    const float *in; /* output 0's first in-input window row, at its tap 0's column */
    int64_t rstride; /* floats between consecutive window rows (dh * w) */
    int64_t nrows;   /* in-input window rows, >= 1 */
    int64_t kw, sw, dw;
    int64_t ncols;   /* outputs, >= lanes */
    bool is_max;
    float div;       /* avg: every output's divisor */
    float *out;      /* output 0 */
} nnb_pool_row;

/* global: nplanes whole-plane reductions (a window that is the plane: no
 * padding), out[i] = op over in[i*plane :]. Vector ISAs reduce each plane
 * into one vector of partial results (from -inf or +0, chunk by chunk), then
 * lanes planes at once through a transposing tree: a sum in another order than
 * the reference's (within the real-valued check's bound, exact on integers);
 * a max the same value (only the sign of a zero maximum may differ, where a
 * plane holds both +0 and -0: pool.c sends a global max through max_plane
 * where the ISA has it). */
typedef struct nnb_pool_global {
    const float *in;
    int64_t plane, nplanes; /* floats per plane, planes */
    bool is_max;
    float div;              /* avg: the divisor (the plane's taps) */
    float *out;
} nnb_pool_global;

/* max_plane: output rows [oy0, oy1) of one plane of a max pool, every
 * column (borders included), separably: each in-input window row's
 * horizontal max over the output columns (an "H row": the row's taps in the
 * reference's column order from -inf, taps outside the input row read as
 * -inf, which never wins `tap > acc`, as the reference's skipping), then
 * each output the max over its window's H rows in the reference's row
 * order. That is the reference's row-major tap order, so the answer is its
 * own bit for bit (the first tap that attains the max, sign of zero
 * included; a NaN tap never taken). An H row serves every output row whose
 * window holds its input row: computed once per call and column block (a
 * ring of the power of two >= span = (kh-1)*dh+1 rows, all in
 * NNB_POOL_HBUF_FLOATS floats; span <= NNB_POOL_RING_ROWS). */
#define NNB_POOL_RING_ROWS 64
#define NNB_POOL_HBUF_FLOATS 4096
typedef struct nnb_pool_plane {
    const float *in;      /* the input plane, h x w */
    int64_t h, w;
    int64_t kh, kw, sh, sw, dh, dw, pt, pl;
    int64_t ow;           /* output row length */
    int64_t oy0, oy1;     /* the output rows to compute */
    float *out;           /* the output plane: row oy at out + oy * ow */
} nnb_pool_plane;

/* cb: output rows [oy0, oy1) of one channel block of a max or average pool
 * in the channel-blocked layout (kernels/blocked.h: pixel after pixel, VL
 * channels each; VL = the ISA's lanes: nChw16c on AVX-512, nChw8c on AVX2),
 * a lane per channel, so no shuffles. Separably: each in-input window row's
 * horizontal op over the output's columns (an "H row": max from -inf,
 * `tap > acc ? tap : acc`, taps outside the input row skipped; a sum from
 * its first in-input tap), then each output the op over its window's H rows
 * in row order, so a max takes the reference's row-major tap order: its
 * answer bit for bit (sign of zero, NaN never taken). A sum goes in that
 * order too (exact on integers, within the real-valued bound otherwise),
 * then the reference's divisor (a power of two as its exact reciprocal).
 * At dilation 1 with overlapping windows (sh < kh) an H row is computed once
 * per call and column block and kept in a ring for the next output row
 * (nnb_pool_cb_ring_rows). Interior outputs go several at a time. */
#define NNB_POOL_CB_MAX_KH 64          /* taller windows: not blocked */
#define NNB_POOL_CB_RING_FLOATS 8192   /* the ring, on the callee's stack */
typedef struct nnb_pool_cb {
    const float *in;       /* the block's h x w pixels */
    int64_t h, w, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr;
    int64_t ow, oy0, oy1;  /* the output rows to compute */
    bool is_max, include_pad;
    float *out;            /* the block's output: row oy at out + oy * ow * VL */
} nnb_pool_cb;

/* rows of the H-row ring: the power of two >= the window's rows where
 * consecutive output rows share rows (dilation 1, sh < kh), else 0 */
static inline int64_t nnb_pool_cb_ring_rows(const nnb_pool_cb *p)
{
    if (p->dh != 1 || p->sh >= p->kh) return 0;
    int64_t ring = 1;
    while (ring < p->kh) ring *= 2;
    return ring;
}

/* taps of output o along one axis that count in the average's divisor (the
 * reference's): inside the padded input [-p0, in + p1), or inside the input */
static inline int64_t nnb_pool_axis_count(int64_t o, int64_t k, int64_t s, int64_t p0, int64_t p1, int64_t d,
                                          int64_t in, bool include_pad)
{
    int64_t c = 0;
    for (int64_t r = 0; r < k; r++) {
        const int64_t i = o * s - p0 + r * d;
        if (include_pad ? i < in + p1 : (i >= 0 && i < in)) c++;
    }
    return c;
}

void nnb_pool_cb_avx512(const nnb_pool_cb *p);
void nnb_pool_cb_avx2(const nnb_pool_cb *p);
/* FLOPs they execute: every vector op in all lanes (padding channels too) */
int64_t nnb_pool_cb_avx512_flops(const nnb_pool_cb *p);
int64_t nnb_pool_cb_avx2_flops(const nnb_pool_cb *p);

void nnb_pool_row_ref(const nnb_pool_row *p);
void nnb_pool_row_avx2(const nnb_pool_row *p);
void nnb_pool_row_avx512(const nnb_pool_row *p);
void nnb_pool_global_ref(const nnb_pool_global *p);
void nnb_pool_global_avx2(const nnb_pool_global *p);
void nnb_pool_global_avx512(const nnb_pool_global *p);
/* FLOPs each of those executes on p's geometry (vector lanes counted whole:
 * the work models' count), defined next to run so the two change together */
int64_t nnb_pool_row_ref_flops(const nnb_pool_row *p);
int64_t nnb_pool_row_avx2_flops(const nnb_pool_row *p);
int64_t nnb_pool_row_avx512_flops(const nnb_pool_row *p);
int64_t nnb_pool_global_ref_flops(const nnb_pool_global *p);
int64_t nnb_pool_global_avx2_flops(const nnb_pool_global *p);
int64_t nnb_pool_global_avx512_flops(const nnb_pool_global *p);
/* the separable max where the ISA has one */
void nnb_pool_max_plane_avx2(const nnb_pool_plane *p);
void nnb_pool_max_plane_avx512(const nnb_pool_plane *p);
int64_t nnb_pool_max_plane_avx2_flops(const nnb_pool_plane *p);
int64_t nnb_pool_max_plane_avx512_flops(const nnb_pool_plane *p);

/* Full tiles of the channel-blocked reorders (kernels/blocked.h): one block
 * of channels (16 on AVX-512, 8 on AVX2) x 16 pixels;
 * the NCHW side channel j at nchw + j * hw. */
typedef struct nnb_cb_reorder_ukr {
    int block; /* channels per tile (0: none, the scalar loops) */
    void (*tile_in)(float *cb, const float *nchw, int64_t hw);
    void (*tile_out)(float *nchw, const float *cb, int64_t hw);
} nnb_cb_reorder_ukr;
void nnb_cb_tile_in_avx512(float *cb, const float *nchw, int64_t hw);
void nnb_cb_tile_out_avx512(float *nchw, const float *cb, int64_t hw);
void nnb_cb_tile_in_avx2(float *cb, const float *nchw, int64_t hw);
void nnb_cb_tile_out_avx2(float *nchw, const float *cb, int64_t hw);

#endif
