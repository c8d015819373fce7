/* The kernel context: the micro-kernels (ukr/ukr.h) one ISA runs, with their
 * register blocking, as BLIS's cntx_t. One per ISA: ctx_ref.c fills the
 * portable C context; ctx_avx2.c and ctx_avx512.c start from it and override
 * what they vectorise (BLIS's bli_cntx_init_haswell.c over bli_cntx_ref.c);
 * ctx.c, above them all, builds one per level and chooses (bli_gks.c).
 * A kernel asks nnb_kernel_ctx_get() once per plan and calls what it holds;
 * no kernel switches on the ISA itself. */
#ifndef NNBENCH_KERNEL_CTX_H
#define NNBENCH_KERNEL_CTX_H

#include "machine/isa.h"
#include "ukr/ukr.h"

/* conv tile (direct, grouped, transposed_direct): kb_max channels x vw_max
 * vectors of lanes columns */
typedef struct nnb_tile_ukr {
    int lanes, kb_max, vw_max;
    void (*run)(const nnb_tile *t);
    /* columns run computes per (channel, tap, output channel) for a tile of
     * ncols columns (lanes past ncols included): the work models' count,
     * defined next to run (ukr/tile_*.c) so the two change together */
    int (*cols)(int ncols, bool exact);
} nnb_tile_ukr;

/* direct_oc's tile: kv_max vectors of lanes channels x np_max positions;
 * for 1x1 windows with channel-blocked output also kv_wide x np_wide
 * (0: the ISA has no wide form) */
typedef struct nnb_oc_ukr {
    int lanes, kv_max, np_max;
    void (*run)(const nnb_oc_tile *t);
    int kv_wide, np_wide;
} nnb_oc_ukr;

/* depthwise: lanes sets the packed row length (and a tile computes whole
 * vectors of lanes), cols the columns per call (up to NNB_DW_ROWS rows); plane3 is the whole-plane 3x3
 * stride-1/2 path, NULL where the ISA has none */
typedef struct nnb_dw_ukr {
    int lanes, cols;
    void (*run)(const nnb_dw_tile *t);
    void (*plane3)(const nnb_dw_plane *p);
    int64_t (*plane3_lanes)(const nnb_dw_plane *p); /* FMA lanes plane3 executes per plane */
    bool (*plane3_flat)(const nnb_dw_plane *p);     /* plane3 sweeps it flat (work models' cause) */
    void (*cb)(const nnb_dw_cb *p); /* channel-blocked (lanes channels a block); NULL where the ISA has none */
} nnb_dw_ukr;

/* pooling: lanes outputs per row chunk (rows narrower go scalar), planes
 * per global reduction; the _flops are the work models' counts */
typedef struct nnb_pool_ukr {
    int lanes;
    void (*row)(const nnb_pool_row *p);
    int64_t (*row_flops)(const nnb_pool_row *p);
    void (*global)(const nnb_pool_global *p);
    int64_t (*global_flops)(const nnb_pool_global *p);
    void (*max_plane)(const nnb_pool_plane *p); /* NULL where the ISA has none */
    int64_t (*max_plane_flops)(const nnb_pool_plane *p);
    void (*cb)(const nnb_pool_cb *p); /* channel-blocked, lanes channels a block; NULL: none */
    int64_t (*cb_flops)(const nnb_pool_cb *p);
} nnb_pool_ukr;

typedef struct nnb_kernel_ctx {
    nnb_isa isa;          /* the level the context was built for */
    const char *name;     /* "avx512", "avx2", "c" */
    nnb_tile_ukr tile;
    nnb_oc_ukr oc;
    nnb_dw_ukr dw;
    nnb_pool_ukr pool;
    nnb_cb_reorder_ukr cb_reorder; /* the channel-blocked reorders' full tiles */
    void (*gemv_rows)(const float *w, int64_t len, const float *x, int nr, float *out);
    int64_t (*gemv_row_flops)(int64_t len); /* FLOPs of one row of gemv_rows */
} nnb_kernel_ctx;

/* Runs t over one output row of ow columns in tiles of lanes * vw_max
 * columns; in and out point at the row's column 0 (t's other fields set). */
static inline void nnb_tile_row(const nnb_tile_ukr *u, nnb_tile *t, const float *in, float *out, int64_t ow)
{
    const int64_t cols = (int64_t)u->lanes * u->vw_max;
    for (int64_t x0 = 0; x0 < ow; x0 += cols) {
        t->in = in + x0;
        t->out = out + x0;
        t->ncols = (int)(ow - x0 < cols ? ow - x0 : cols);
        u->run(t);
    }
}

/* Columns nnb_tile_row computes over a row of ow columns (t->exact as given) */
static inline int64_t nnb_tile_row_cols(const nnb_tile_ukr *u, int64_t ow, bool exact)
{
    const int64_t cols = (int64_t)u->lanes * u->vw_max;
    int64_t sum = 0;
    for (int64_t x0 = 0; x0 < ow; x0 += cols) sum += u->cols((int)(ow - x0 < cols ? ow - x0 : cols), exact);
    return sum;
}

/* The context for nnb_isa_kernels() (SSE and scalar run the C context),
 * built once per level: nnb_isa_set_cap() still switches paths. */
const nnb_kernel_ctx *nnb_kernel_ctx_get(void);
/* The context of one level (a work model describes the run of that level:
 * a count under valgrind runs the AVX2 paths on an AVX-512 machine) */
const nnb_kernel_ctx *nnb_kernel_ctx_at(nnb_isa isa);

/* Fill *c for one ISA; each SIMD one starts from nnb_kernel_ctx_init_ref. */
void nnb_kernel_ctx_init_ref(nnb_kernel_ctx *c);
void nnb_kernel_ctx_init_avx2(nnb_kernel_ctx *c);
void nnb_kernel_ctx_init_avx512(nnb_kernel_ctx *c);

#endif
