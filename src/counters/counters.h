/* Counter backends, in the style of PAPI's components: each backend says
 * whether it can count on this machine (and why not), then measures one
 * kernel run. Backends (DESIGN.md "Counter backends"):
 *   papi      hardware counters through PAPI's perf_event component
 *   valgrind  the kernel re-run once under callgrind in a child process;
 *             every executed instruction decoded (Zydis) and weighted
 *   none      wall time only (always available, counts nothing)
 * `auto` picks papi where its FLOP events really count, else valgrind when
 * it is installed and the layer is below NNB_VALGRIND_FLOP_BUDGET, else
 * none, and says which and why.
 *
 * A count that was not measured is never reported as 0: its have_* flag is
 * false and note says why. */
#ifndef NNBENCH_COUNTERS_H
#define NNBENCH_COUNTERS_H

#include <stdbool.h>
#include <stddef.h>

#include "nnbench/kernel.h"
#include "nnbench/layer.h"
#include "nnbench/tensor.h"

/* Every count here is also kept in the count cache: a new field needs its
 * line in count_cache.c's tables (fields, texts), or a reused count loses it. */
typedef struct nnb_counts {
    char backend[16];          /* which backend produced these */
    bool have_flops;
    double flops;              /* executed floating-point operations, FMA = 2 */
    bool have_fp_split;        /* flops_sp/flops_dp known (AMD's event has no split) */
    double flops_sp, flops_dp;
    bool have_insn;
    double instructions;       /* retired (papi) / executed (valgrind Ir) */
    bool have_cycles;
    double cycles;
    bool have_core_bytes;
    double load_bytes, store_bytes;     /* core-side, from operand sizes */
    bool have_l1;
    double l1_miss_bytes;      /* (D1 + I1 misses) x line = L1 <-> L2 */
    bool have_l2;
    double l2_miss_bytes;      /* L2 <-> next level (valgrind: a second pass with the L2 as LL) */
    bool have_dram;
    double dram_bytes;         /* LL misses x line + dirty write-backs x line: data (also
                                  l1_miss_bytes, l2_miss_bytes; valgrind: instruction fetches apart) */
    bool have_ifetch;          /* valgrind: instruction fetch misses per level, kept out of the data */
    double l1_ifetch_bytes, l2_ifetch_bytes, dram_ifetch_bytes;
    bool have_runtime;         /* valgrind: the part of dram_bytes the runtime touched (cg_traffic.h) */
    double dram_runtime_bytes;
    double dram_unaligned_bytes; /* data misses of accesses that may straddle two lines (each can
                                  hide one line: callgrind counts a two-line miss once) */
    double dram_writeback_bytes; /* part of dram_bytes: dirty lines written back */
    char runtime_why[256];     /* dram_runtime_bytes by cause */
    bool multiplexed;          /* papi: events were time-multiplexed (scaled estimates) */
    int threads;               /* threads the counted run used */
    long long counted_unix;    /* when the counted run ran (unix seconds) */
    bool reused;               /* taken from the count cache (count_cache.h), not counted now */
    char note[1024];           /* known limits of these numbers, one line (producers
                                  bound their parts so it is never cut short) */
} nnb_counts;

typedef struct nnb_count_request {
    const nnb_layer *layer;
    const char *spec;          /* canonical key=value spec (nnb_spec_parse accepts it);
                                  NULL: formatted from layer */
    const nnb_kernel *kernel;
    int threads;               /* OpenMP threads for the counted run (>= 1) */
    const nnb_tensors *t;      /* in-process backends run on these (filled) */
    void *ws;                  /* kernel workspace, kernel->workspace_bytes() bytes */
    bool quiet;                /* no progress lines on stderr */
    bool recount;              /* count even when the count cache holds this count */
} nnb_count_request;

/* What a backend can do, declared by the backend (as a PAPI component fills
 * its cmp_info), so that callers ask rather than compare backend pointers. */
typedef struct nnb_counter_caps {
    bool wall_time_only;       /* counts nothing: measure need not run */
    bool counts_flops;         /* executed FLOPs */
    bool counts_per_level_bytes; /* bytes between cache levels / DRAM */
    bool counts_core_bytes;    /* load/store bytes from operand sizes */
    bool serialises_threads;   /* threads run one after another: a one-thread
                                  run counts the same work, far faster */
    bool runs_in_child;        /* re-runs the kernel in a child process from
                                  the layer's spec (not on the caller's tensors) */
    bool hides_avx512;         /* the counted code sees a CPU without AVX-512
                                  (valgrind's): kernels take their AVX2 paths */
} nnb_counter_caps;

typedef struct nnb_counter_backend {
    const char *name;          /* "papi", "valgrind", "none" */
    const char *desc;          /* one line */
    nnb_counter_caps caps;
    /* 0: can count here (why gets a short description of what it will
     * use); -1: cannot, why says why in one line. l may be NULL. */
    int (*probe)(const nnb_layer *l, char *why, size_t len);
    /* Measures one run of rq->kernel. 0 with *out filled (have_* flags set
     * for what was counted), or -1 with one line in err. */
    int (*measure)(const nnb_count_request *rq, nnb_counts *out, char *err, size_t len);
} nnb_counter_backend;

/* auto uses valgrind only below this many analytic FLOPs (callgrind runs
 * ~50-100x slower than native); --counters valgrind forces it at any size.
 * Overridable with the environment variable NNB_VALGRIND_BUDGET (FLOPs). */
#define NNB_VALGRIND_FLOP_BUDGET 2e9

extern const nnb_counter_backend nnb_counter_papi;
extern const nnb_counter_backend nnb_counter_valgrind;
extern const nnb_counter_backend nnb_counter_none;

/* All backends, in auto's order of preference (papi, valgrind, none). */
const nnb_counter_backend *const *nnb_counter_backends(size_t *count);
/* By name; NULL if unknown ("auto" is not a backend: see nnb_counter_select). */
const nnb_counter_backend *nnb_counter_find(const char *name);

/* auto: the first backend that can count this layer here; never NULL
 * (none always can). why: one line, e.g. "valgrind: papi cannot count
 * (PMU not available: ...); layer 2.3e8 FLOPs below the 2e9 budget". */
const nnb_counter_backend *nnb_counter_auto(const nnb_layer *l, char *why, size_t len);

/* --counters NAME: "auto" (or NULL) -> nnb_counter_auto; a named backend
 * must probe OK. Returns 0 with *out set and why filled, or -1 with one
 * line in why (unknown name, or the forced backend cannot count here:
 * the CLI exits 2). */
int nnb_counter_select(const char *name, const nnb_layer *l, const nnb_counter_backend **out,
                       char *why, size_t len);

void nnb_counts_init(nnb_counts *c, const char *backend);

/* Threads a counted run of b should use for a kernel timed with `threads`:
 * 1 where b serialises threads (the same work, counted once). */
int nnb_counter_threads(const nnb_counter_backend *b, int threads);

/* The ISA level (nnb_isa) the hand-vectorised kernels run at under b: the
 * one a kernel's work model must describe for b's counts. */
int nnb_counter_isa(const nnb_counter_backend *b);

/* argv[1] of the valgrind backend's child process (cmd/count_child.h):
 * the backend runs `nnbench __count-child ...` under callgrind. */
#define NNB_COUNT_CHILD_ARG "__count-child"

#endif
