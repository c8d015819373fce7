/* Internal interface of the papi backend (src/counters/papi*.c), also
 * used by tests/test_papi_sde.c, which drives the real PAPI code path with
 * PAPI's software-defined events.
 *
 * What the backend counts is data (as LIKWID keeps its events and groups
 * as data): one nnb_papi_eventset_desc per CPU family, chosen by the core
 * PMU libpfm4 detected. Names are libpfm4's (what PAPI's perf_event
 * components resolve), never sysfs PMU names. */
#ifndef NNBENCH_COUNTERS_PAPI_H
#define NNBENCH_COUNTERS_PAPI_H

#include <stdbool.h>
#include <stddef.h>

typedef enum nnb_papi_kind {
    NNB_PAPI_FLOPS,    /* count x weight FLOPs (weight = lanes; the event counts an FMA twice) */
    NNB_PAPI_CYCLES,
    NNB_PAPI_INSNS,
    NNB_PAPI_L1_FILL,  /* lines into L1D */
    NNB_PAPI_L1_WB,    /* dirty lines out of L1D */
    NNB_PAPI_L2_FILL,  /* lines into L2 */
    NNB_PAPI_L2_WB,    /* dirty lines out of L2 */
    NNB_PAPI_NKINDS
} nnb_papi_kind;

#define NNB_PAPI_MAX_EVENTS 16   /* per-thread events of one family */
#define NNB_PAPI_MAX_UNCORE 48   /* uncore events of one socket (12 channels x RD/WR, room to spare) */
#define NNB_PAPI_PROOF_THREADS 2 /* the proof runs its loops on a master and a worker thread */

typedef struct nnb_papi_event {
    const char *name;  /* libpfm4 (or SDE) event name; NULL ends the list */
    nnb_papi_kind kind;
    double weight;     /* FLOP events: FLOPs per count; byte events: 0 = the level's line size */
    char prec;         /* FLOP events: 's', 'd', or '?' (no precision split) */
} nnb_papi_event;

/* Socket-wide (uncore) DRAM events: counted once per socket, never per
 * thread. The channel list is what the component enumerates, not a list
 * kept here: every native event whose name matches `pattern`. */
typedef struct nnb_papi_uncore {
    const char *component;    /* NULL: this family has no DRAM events */
    const char *pattern;      /* fnmatch(3) over the component's event names */
    const char *umasks[3];    /* appended as ":RD", ":WR" (NULL-terminated; none: the name alone) */
    double bytes_per_count;   /* 64: one CAS moves one line */
    bool per_socket;          /* uncore PMUs: one event set per socket, attached to a CPU of it;
                                 false: one process-wide event set (SDE) */
} nnb_papi_uncore;

/* What a known loop executed on the calling thread. */
typedef struct nnb_papi_executed {
    double flops, flops_sp, flops_dp;
    double insns_min, insns_max;  /* retired instructions it must count (0, 0: not known) */
    double fma_insns;             /* FMA instructions: cycles must be >= fma_insns / 2 (two FMA
                                     pipes on every core the tables know); 0: no bound */
    double lines;                 /* a stream over this many cache lines not in any cache (0: not a
                                     stream): L1 and L2 fills must be 0.9-1.3 x lines */
    bool writes;                  /* the stream wrote each line: write-backs 0.5-1.5 x lines */
} nnb_papi_executed;

/* A known loop for the proof: each thread of the proof's team runs it and
 * says what it executed there. */
typedef struct nnb_papi_loop {
    const char *name;                                  /* "256-bit SP FMA"; NULL ends the list */
    bool (*available)(void);                           /* NULL: always */
    void (*prepare)(void);                             /* NULL: nothing; uncounted, before the event sets start */
    void (*run)(int thread, nnb_papi_executed *ex);    /* runs on the calling thread */
} nnb_papi_loop;

#define NNB_PAPI_MAX_PROOFS 11   /* loops of one proof, with the NULL end */
#define NNB_PAPI_PROOF_CHAINS 10 /* independent FMA chains of each built-in loop */
#define NNB_PAPI_NPROOF_KERNELS 8

/* The built-in loops' asm bodies (papi_proofs.c): n iterations of
 * NNB_PAPI_PROOF_CHAINS FMAs of `lanes` lanes; out gets 64 bytes per chain. */
typedef struct nnb_papi_proof_kernel {
    const char *name;      /* "256-bit SP" */
    const char *symbol;    /* the function's symbol, for disassembly and callgrind */
    void (*run)(long n, void *out);
    bool (*available)(void);
    char prec;             /* 's' or 'd' */
    int vec_bits;          /* 0 scalar, 128, 256, 512 */
    int lanes;
} nnb_papi_proof_kernel;
extern const nnb_papi_proof_kernel nnb_papi_proof_kernels[NNB_PAPI_NPROOF_KERNELS];
/* FLOPs n iterations of k execute: n x chains x 2 x lanes. */
double nnb_papi_proof_flops(const nnb_papi_proof_kernel *k, long n);

typedef struct nnb_papi_eventset_desc {
    const char *label;             /* "Intel Skylake-SP/Cascade Lake (FP_ARITH_INST_RETIRED)" */
    const char *pmus[4];           /* libpfm4 core PMUs this table is for (NULL-terminated) */
    const char *component;         /* PAPI component of the per-thread events */
    nnb_papi_event events[NNB_PAPI_MAX_EVENTS];
    /* Most FLOP events one event set may hold: Skylake-SP/Cascade Lake
     * schedule FP_ARITH_INST_RETIRED only on counters 0-3, so their 8
     * events are proved and counted in two sets of four. */
    int flop_events_per_set;
    nnb_papi_uncore dram;
    const char *unavailable;       /* what this family cannot count, and why ("" nothing) */
    nnb_papi_loop proofs[NNB_PAPI_MAX_PROOFS]; /* proofs[0].name NULL: the built-in loops */
} nnb_papi_eventset_desc;

/* For tests only: count with desc instead of the table chosen for this CPU
 * (NULL: back to that) and forget the last probe, so the next probe proves
 * desc's events. An internal API rather than an environment variable: the
 * proof loops are code, and no stray environment can change what the
 * shipped binary counts. */
void nnb_papi_use_events(const nnb_papi_eventset_desc *desc);

/* The families the backend knows (papi_tables.c), and the built-in proof loops. */
const nnb_papi_eventset_desc *nnb_papi_tables(size_t *count);
extern const nnb_papi_loop nnb_papi_builtin_proofs[NNB_PAPI_MAX_PROOFS];

/* One line for a failed PAPI_library_init(header_version) that returned
 * rc: PAPI 7.0 returns PAPI_EINVAL (not its own version) when the header
 * the caller was built against differs from the library, so EINVAL is
 * checked against the library's version (PAPI_get_opt(PAPI_LIB_VERSION)
 * works before init). */
void nnb_papi_init_failure(int rc, int header_version, char *why, size_t len);

/* ---- every question the backend asks PAPI, perf and sysfs, in one table
 * of function pointers, so tests fake each reply (an unscheduled group, a
 * multiplexed set, an unknown model, a missing event, ENOENT) ---- */

struct _papi_component_option;
struct _papi_hw_info;

typedef struct nnb_papi_times {
    bool known;                     /* false: a software component (SDE), nothing to schedule */
    long long enabled_ns, running_ns;
} nnb_papi_times;

typedef struct nnb_papi_ops {
    int (*paranoid)(void);                                          /* < -1: unreadable */
    bool (*core_pmu_device)(void);  /* the kernel registered a core PMU (sysfs event_source cpu/cpu_core) */
    const struct _papi_component_option *(*component)(const char *name); /* NULL: not built in */
    const struct _papi_hw_info *(*hardware)(void);
    int (*libpfm_version)(void);    /* libpfm4's version as pfm_get_version() gives it */
    /* Opens names[0..n) of `component` as one group on the calling thread
     * (cpu < 0) or system-wide on cpu (each event alone: uncore PMUs
     * differ). PAPI_OK, or a PAPI error with *bad = the event that failed
     * (-1: the group as a whole) and one line in why (errno named). */
    int (*open)(const char *component, const char *const *names, int n, int cpu, void **set, int *bad, char *why,
                size_t len);
    int (*start)(void *set);
    /* Stops and reads: vals[0..n) and, per event, how long it was enabled
     * and running (times[0..n)). */
    int (*stop)(void *set, long long *vals, nnb_papi_times *times);
    void (*close)(void *set);
} nnb_papi_ops;

/* The real table (perf_event_open through libpfm4's encodings for the
 * perf_event components, PAPI event sets for the others), or a test's. */
const nnb_papi_ops *nnb_papi_ops_get(void);
void nnb_papi_set_ops(const nnb_papi_ops *ops); /* NULL: the real one; forgets the last probe */
void nnb_papi_set_ops_raw(const nnb_papi_ops *ops); /* the same, probe untouched (papi_ops.c) */

/* Checks n events' times: every one scheduled for the whole run. 0, or -1
 * with why ("never scheduled", "multiplexed: running 40% of enabled"). */
int nnb_papi_check_times(const char *const *names, const nnb_papi_times *t, int n, char *why, size_t len);

/* What the diagnosis knows about this machine (filled by nnb_papi_select
 * from the ops; tests build it directly). */
typedef struct nnb_papi_env {
    int paranoid;                 /* < -1: unreadable */
    bool pmu_device;              /* sysfs core PMU present */
    bool virtualized;
    const char *vm_vendor;        /* "" unknown */
    const char *cpu_vendor;       /* "GenuineIntel", "AuthenticAMD" */
    int family, model;
    int libpfm_version;           /* pfm_get_version(); <= 0 unknown */
    const char *papi_disabled;    /* perf_event's disabled_reason, NULL: enabled */
    const char *pmus;             /* the PMUs libpfm4 detected, "a,b" ("" none) */
} nnb_papi_env;

/* Why the core PMU cannot count here, one line with the fix, the same on
 * every vendor: perf_event_paranoid (PAPI 7.0-7.2 disables perf_event at
 * exactly 3; above 3 the kernel refuses unprivileged users), a virtual
 * machine without a virtual PMU, no PMU driver (firmware, kernel), or
 * libpfm4 X.Y not knowing this family/model. NULL when none applies (the
 * PMU is there and libpfm4 knows it). */
const char *nnb_papi_diagnose(const nnb_papi_env *e, char *why, size_t len);
/* The same for events that cannot be opened on a PMU that is there. */
void nnb_papi_missing_events(const nnb_papi_env *e, const char *label, const char *missing, bool none_opens,
                             char *why, size_t len);
int nnb_papi_read_paranoid(void);

/* PAPI_library_init + PAPI_thread_init, once per process: 0, or -1 with why. */
int nnb_papi_library(char *why, size_t len);
/* The table to count with: forced (a test's) where its component is
 * enabled, else the one for the core PMU libpfm4 detected; NULL with one
 * line in why. env (may be NULL) gets what the diagnosis used. */
const nnb_papi_eventset_desc *nnb_papi_select(const nnb_papi_eventset_desc *forced, nnb_papi_env *env, char *why,
                                              size_t len);

/* ---- counting (papi_count.c) ---- */

typedef struct nnb_papi_work {
    void (*prepare)(void *arg);  /* uncounted, before the event sets start (NULL: none) */
    void (*run)(void *arg);      /* called once on the calling thread; opens its own team */
    void *arg;
} nnb_papi_work;

/* One run of w counting names[0..n) (events of `component`) on each of
 * nthreads OpenMP threads, one group per thread. vals: nthreads x n raw
 * counts (thread-major). -1 with one line in err when a group cannot be
 * opened or started on every thread, a group was not scheduled for the
 * whole run or was multiplexed (nnb_papi_check_times), OpenMP changed its
 * workers, or a count is negative (SDE placeholders read -2: not counts);
 * -2 when the times were the cause (the caller may regroup).
 * *bad_event (may be NULL): the event that failed to open, -1 other. */
int nnb_papi_count_threads(const char *component, const char *const *names, int n, int nthreads,
                           const nnb_papi_work *w, long long *vals, int *bad_event, char *err, size_t len);

/* The uncore events of u present here: every enumerated event matching
 * u->pattern, with each umask. Returns how many (0: none, why says so). */
int nnb_papi_uncore_events(const nnb_papi_uncore *u, char names[][128], int max, char *why,
                           size_t len);

/* One run of w counting the socket-wide events names[0..n) once per
 * socket (per_socket) or once for the process: *bytes = sum x
 * bytes_per_count. The one place uncore counts are taken. */
int nnb_papi_count_uncore(const nnb_papi_uncore *u, char names[][128], int n, const nnb_papi_work *w,
                          double *bytes, char *err, size_t len);

#endif
