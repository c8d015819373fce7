/* The roofline ceilings of one machine and thread count: what is measured
 * (measure.h), analysed (sweep.h), cached (cache.h), placed against
 * (place.h) and drawn (plot.h). Plain data and the names of its parts.
 *
 * Peak FLOP/s per ISA (machine/isa.h: scalar, SSE = 128-bit, AVX2 =
 * 256-bit, AVX-512 = 512-bit; FMA when the CPU has it, else mul+add),
 * single and double precision, FMA-only and the FMA+ADD mix (separate
 * adder pipes, Zen); bandwidth per memory level from a working-set sweep
 * with a read-only sum and a triad a = b + s*c.
 *
 * Bytes counted: "read" counts the bytes loaded; "triad" counts 12 bytes per
 * fp32 element (read b, read c, write a: what nnbench's bytes_min counts);
 * "triad_wa" counts 16 (plus the read-for-ownership of a that a
 * write-allocate cache does). */
#ifndef NNBENCH_ROOFLINE_CEILINGS_H
#define NNBENCH_ROOFLINE_CEILINGS_H

#include <stdbool.h>
#include <stdint.h>

#include "machine/isa.h"

typedef enum { NNB_LVL_L1 = 0, NNB_LVL_L2, NNB_LVL_L3, NNB_LVL_DRAM, NNB_LVL_COUNT } nnb_level;

/* Peak FLOP/s for one ISA; 0 = not measured (ISA unavailable). */
typedef struct nnb_peak {
    double sp_fma, sp_mix;   /* GFLOP/s; mix = FMA+ADD interleaved */
    double dp_fma, dp_mix;
    bool fused;              /* true: FMA instructions; false: mul+add pairs */
} nnb_peak;

typedef enum { NNB_BW_NONE = 0, NNB_BW_PLATEAU, NNB_BW_RANGE } nnb_bw_src;

typedef struct nnb_bw {
    double read_gbs;         /* read-only sum */
    double triad_gbs;        /* triad, 12 B/elem (no write-allocate counted) */
    double triad_wa_gbs;     /* triad, 16 B/elem (write-allocate counted) */
    int64_t lo_bytes, hi_bytes; /* working-set range (all threads) the value comes from */
    nnb_bw_src src;          /* plateau detected, or median over the level's size range */
} nnb_bw;

#define NNB_SWEEP_MAX 96

typedef struct nnb_sweep_pt {
    int64_t bytes;           /* total working set over all threads */
    double read_gbs, triad_gbs; /* triad without write-allocate */
} nnb_sweep_pt;

typedef struct nnb_ceilings {
    char key[1024];          /* machine identity: host|model|cores|pus|isa|caches|memory|os */
    int threads;
    long long measured_unix; /* time(NULL) when measured */
    double measure_s;        /* how long measuring took */
    nnb_peak peak[NNB_ISA_COUNT];
    nnb_bw bw[NNB_LVL_COUNT];
    int64_t cap_bytes[NNB_LVL_COUNT]; /* capacity of each level for this thread count (DRAM: 0) */
    int nsweep;
    nnb_sweep_pt sweep[NNB_SWEEP_MAX];
    char binding[128];       /* cores used, from nnb_topo_bind_omp */
    char doubt[256];         /* why these ceilings are doubtful (measured while disturbed, inconsistent); "" = not; never cached */
} nnb_ceilings;

/* "L1", "L2", "L3", "DRAM"; "?" out of range. (ISA names: nnb_isa_name.) */
const char *nnb_level_name(nnb_level l);
/* "plateau", "range", "none" */
const char *nnb_bw_src_name(nnb_bw_src s);

#endif
