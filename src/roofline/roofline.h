/* Roofline: measured ceilings (ERT-style), placement of kernels against
 * them, and the picture (SVG) with CSV/JSON of the same data.
 *
 * Ceilings are measured per thread count: peak FLOP/s per ISA (scalar,
 * SSE = 128-bit, AVX2 = 256-bit, AVX-512 = 512-bit; FMA when the CPU has
 * it, else mul+add), single and double precision, FMA-only and the FMA+ADD
 * mix (separate adder pipes, Zen); bandwidth per memory level from a
 * working-set sweep with a read-only sum and a triad a = b + s*c, plateaus
 * detected and named L1/L2/L3/DRAM by the hwloc cache sizes.
 *
 * Per level the ceiling is the best point of the plateau named for it
 * (ERT: interference only lowers a point), else the best point over the
 * sizes safely inside the level (2 x previous capacity .. capacity / 2;
 * DRAM: from 8 x the last cache, the sweep going to 16 x).
 *
 * Bytes counted: "read" counts the bytes loaded; "triad" counts 12 bytes per
 * fp32 element (read b, read c, write a: what nnbench's bytes_min counts);
 * "triad_wa" counts 16 (plus the read-for-ownership of a that a
 * write-allocate cache does). The roof used for placement is, per level,
 * max(read, triad): the most bandwidth this machine showed at that level.
 * Compute roof for placement: the best single-precision FMA-only peak
 * (nnbench's kernels are fp32 and do FMAs, not FMA+ADD pairs). */
#ifndef NNBENCH_ROOFLINE_H
#define NNBENCH_ROOFLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum { NNB_RISA_SCALAR = 0, NNB_RISA_SSE, NNB_RISA_AVX2, NNB_RISA_AVX512, NNB_RISA_COUNT } nnb_risa;
typedef enum { NNB_LVL_L1 = 0, NNB_LVL_L2, NNB_LVL_L3, NNB_LVL_DRAM, NNB_LVL_COUNT } nnb_level;

const char *nnb_risa_name(nnb_risa i);    /* "scalar", "sse", "avx2", "avx512" */
const char *nnb_level_name(nnb_level l);  /* "L1", "L2", "L3", "DRAM" */

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
    char key[320];           /* machine key: host|model|cores|isa */
    int threads;
    long long measured_unix; /* time(NULL) when measured */
    double measure_s;        /* how long measuring took */
    nnb_peak peak[NNB_RISA_COUNT];
    nnb_bw bw[NNB_LVL_COUNT];
    int64_t cap_bytes[NNB_LVL_COUNT]; /* capacity of each level for this thread count (DRAM: 0) */
    int nsweep;
    nnb_sweep_pt sweep[NNB_SWEEP_MAX];
    char binding[128];       /* cores used, from nnb_topo_bind_omp */
} nnb_ceilings;

/* ---- measuring ---- */

typedef struct nnb_ceil_opts {
    bool quick;              /* reduced sweep and shorter samples (tests) */
    bool progress;           /* progress line on stderr */
    int64_t sweep_min, sweep_max; /* bytes; 0 = defaults (8 KiB, max(16 x LLC, 128 MiB), <= RAM/4) */
    int per_octave;          /* sweep points per doubling; 0 = default (3; quick: 1) */
} nnb_ceil_opts;

void nnb_ceil_opts_default(nnb_ceil_opts *o);

/* Machine key of this machine: "host|cpu model|cores N|isa ...". */
void nnb_ceil_machine_key(char *buf, size_t len);

/* Measures every ceiling for a thread count (threads bound one per core).
 * Returns 0, or -1 with one line in err. */
int nnb_ceilings_measure(int threads, const nnb_ceil_opts *o, nnb_ceilings *c, char *err, size_t errlen);

/* The harness's entry point: ceilings for `threads` from the cache under
 * the results directory when its key matches this machine, else measured
 * and cached (refresh: always measure). Progress on stderr while measuring.
 * Returns 0, or -1 with one line in err (a failure to write the cache only
 * warns on stderr). */
int nnb_ceilings_get(int threads, bool refresh, nnb_ceilings *c, char *err, size_t errlen);

/* Building blocks, exposed for tests and for bench/ comparisons. */
/* GFLOP/s of the FMA (mix=false) or FMA+ADD (mix=true) loop; -1 when the
 * ISA is not available on this CPU. min_time_s per sample, best of 3. */
double nnb_ceil_peak_gflops(nnb_risa isa, bool dp, bool mix, int threads, double min_time_s);
/* GB/s of the read (triad=false) or triad loop over `bytes` total working
 * set split over `threads` (triad counted without write-allocate).
 * -1 if memory could not be allocated. */
double nnb_ceil_bw_gbs(bool triad, int64_t bytes, int threads, double min_time_s);
/* GFLOP/s of a plain C loop with one dependent multiply-add chain (the
 * "scalar loop's rate" a measured peak must beat). */
double nnb_ceil_scalar_chain_gflops(double min_time_s);

/* ---- plateaus (pure) ---- */

typedef struct nnb_plateau {
    int first, last;         /* indices into the sweep, inclusive */
    double gbs;              /* median of the plateau */
} nnb_plateau;

/* Detects plateaus in (bytes[i], gbs[i]), bytes increasing: maximal runs
 * whose values stay within rel_tol (e.g. 0.12) of the run's median, at
 * least min_pts long; neighbouring runs with medians within rel_tol are
 * merged (so one outlier does not split a plateau). Returns the count
 * written to out (at most max_out), -1 on bad input. */
int nnb_plateaus_detect(const int64_t *bytes, const double *gbs, int n, double rel_tol, int min_pts,
                        nnb_plateau *out, int max_out);

/* Names plateaus by cache capacities cap[L1..L3] (bytes, for the thread
 * count; 0 = level absent): a plateau belongs to the smallest level whose
 * capacity holds its geometric-middle working set, DRAM past the last;
 * when two plateaus name one level the longer one wins. level_of[i] gets
 * the nnb_level of plateau i, or -1 when it lost. */
void nnb_plateaus_assign(const int64_t *bytes, const nnb_plateau *p, int np,
                         const int64_t cap[NNB_LVL_COUNT], int *level_of);

/* ---- placement ---- */

typedef struct nnb_roof_place {
    char bound[16];          /* "compute" or "memory:L1" .. "memory:DRAM" */
    nnb_level level;         /* memory level whose bandwidth applied */
    double peak_gflops;      /* compute roof */
    double bw_gbs;           /* memory roof of that level */
    double ridge_ai;         /* peak / bw */
    double attainable_gflops;/* min(peak, ai * bw) */
    double efficiency;       /* attained / attainable; 0 when attained <= 0 */
} nnb_roof_place;

double nnb_ceil_peak(const nnb_ceilings *c);              /* best SP FMA peak, GFLOP/s */
double nnb_ceil_bw(const nnb_ceilings *c, nnb_level l);   /* max(read, triad) GB/s, 0 if unknown */
/* Level whose capacity holds ws_bytes (ws_bytes <= 0: DRAM). */
nnb_level nnb_ceil_level_for(const nnb_ceilings *c, int64_t ws_bytes);

/* Places a kernel of arithmetic intensity ai (flop/byte) that attained
 * `gflops` against the DRAM roof. Returns 0, -1 on bad input (ai <= 0 or
 * not finite, no ceilings). */
int nnb_roofline_place(const nnb_ceilings *c, double ai, double gflops, nnb_roof_place *out);
/* The same against the roof of the level that holds ws_bytes. */
int nnb_roofline_place_ws(const nnb_ceilings *c, double ai, double gflops, int64_t ws_bytes,
                          nnb_roof_place *out);

/* ---- cache file ---- */

/* Results directory: $NNB_RESULTS_DIR, else the compile definition
 * NNB_RESULTS_DIR_DEFAULT, else <source tree>/results (from __FILE__),
 * else "results". */
const char *nnb_results_dir(void);
/* File path for a thread count: DIR/ceilings-<host>-<N>t.txt. */
int nnb_ceil_cache_path(const char *dir, int threads, char *buf, size_t len);
/* Whole-or-nothing write (temp file + rename); 0 or -1 with err. */
int nnb_ceil_save(const char *path, const nnb_ceilings *c, char *err, size_t errlen);
/* 0 loaded; 1 file absent; -1 unreadable / malformed (err says where). */
int nnb_ceil_load(const char *path, nnb_ceilings *c, char *err, size_t errlen);

/* ---- picture and data ---- */

typedef struct nnb_roof_point {
    const char *label;       /* kernel (and layer) name; escaped on output */
    double ai;               /* analytic AI, flop/byte */
    double ai_measured;      /* <= 0: none */
    double gflops;           /* attained */
} nnb_roof_point;

/* Writes whole or not at all (temp + rename); path "-" = stdout.
 * Points with non-positive or non-finite ai/gflops are left out of the
 * picture (listed in an SVG comment) but kept in CSV/JSON. */
int nnb_roofline_svg(const char *path, const nnb_ceilings *c, const nnb_roof_point *pts, size_t n,
                     const char *title, char *err, size_t errlen);
int nnb_roofline_csv(const char *path, const nnb_ceilings *c, const nnb_roof_point *pts, size_t n,
                     char *err, size_t errlen);
int nnb_roofline_json(const char *path, const nnb_ceilings *c, const nnb_roof_point *pts, size_t n,
                      char *err, size_t errlen);
/* Stream forms (the file forms call these). */
void nnb_roofline_svg_write(FILE *f, const nnb_ceilings *c, const nnb_roof_point *pts, size_t n,
                            const char *title);
void nnb_roofline_json_write(FILE *f, const nnb_ceilings *c, const nnb_roof_point *pts, size_t n);
void nnb_ceilings_print(FILE *f, const nnb_ceilings *c);  /* table */

/* `nnbench roofline [--threads N] [--refresh] [--plot FILE.svg] [--csv FILE]
 * [--format table|json] [--quick]`; argv[0] is the subcommand name.
 * Without --threads: 1 thread and all cores. Returns an exit code. */
int nnb_roofline_main(int argc, char **argv);

#endif
