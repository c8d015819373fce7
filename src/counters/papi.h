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

/* A known loop for the proof: each thread of the proof's team runs it and
 * says how many FLOPs it executed there. */
typedef struct nnb_papi_loop {
    const char *name;                   /* "FMA", "scalar"; NULL ends the list */
    bool (*available)(void);            /* NULL: always (the FMA loop needs FMA) */
    void (*prepare)(void);              /* NULL: nothing; uncounted, before the event sets start */
    double (*run)(int thread);          /* runs on the calling thread; FLOPs it executed */
} nnb_papi_loop;

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
    nnb_papi_loop proofs[3];       /* proofs[0].name NULL: the built-in FMA and scalar loops */
} nnb_papi_eventset_desc;

/* For tests only: count with desc instead of the table chosen for this CPU
 * (NULL: back to that) and forget the last probe, so the next probe proves
 * desc's events. An internal API rather than an environment variable: the
 * proof loops are code, and no stray environment can change what the
 * shipped binary counts. */
void nnb_papi_use_events(const nnb_papi_eventset_desc *desc);

/* The families the backend knows (papi_tables.c), and the built-in proof loops. */
const nnb_papi_eventset_desc *nnb_papi_tables(size_t *count);
extern const nnb_papi_loop nnb_papi_builtin_proofs[3];

/* One line for a failed PAPI_library_init(header_version) that returned
 * rc: PAPI 7.0 returns PAPI_EINVAL (not its own version) when the header
 * the caller was built against differs from the library, so EINVAL is
 * checked against the library's version (PAPI_get_opt(PAPI_LIB_VERSION)
 * works before init). */
void nnb_papi_init_failure(int rc, int header_version, char *why, size_t len);

/* Why perf_event cannot count here, one line with the fix: a
 * perf_event_paranoid of 3 or more (PAPI 7.0-7.2 disables perf_event there,
 * on any machine, even as root) is named before any virtual-machine guess.
 * paranoid < -1: unreadable. */
void nnb_papi_pmu_diagnosis(const char *disabled_reason, int paranoid, bool virtualized,
                            const char *vm_vendor, char *why, size_t len);
int nnb_papi_read_paranoid(void);

/* PAPI_library_init + PAPI_thread_init, once per process: 0, or -1 with why. */
int nnb_papi_library(char *why, size_t len);
/* The table to count with: forced (a test's) where its component is
 * enabled, else the one for the core PMU libpfm4 detected; NULL with one
 * line in why. */
const nnb_papi_eventset_desc *nnb_papi_select(const nnb_papi_eventset_desc *forced, char *why, size_t len);

/* ---- counting (papi_count.c) ---- */

typedef struct nnb_papi_work {
    void (*prepare)(void *arg);  /* uncounted, before the event sets start (NULL: none) */
    void (*run)(void *arg);      /* called once on the calling thread; opens its own team */
    void *arg;
} nnb_papi_work;

/* One run of w counting names[0..n) on each of nthreads OpenMP threads,
 * one event set per thread. vals: nthreads x n raw counts (thread-major).
 * -1 with one line in err when an event set cannot be built or started on
 * every thread, OpenMP changed its workers, or a count is negative (SDE
 * placeholders read -2: not counts). */
int nnb_papi_count_threads(const char *const *names, int n, int nthreads, const nnb_papi_work *w,
                           long long *vals, char *err, size_t len);

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
