/* The `papi` backend: hardware counters through PAPI's perf_event
 * component, and perf_event_uncore for DRAM where libpfm4 names the
 * memory controllers' events.
 *
 * What is counted is data (papi_tables.c, one table per CPU family; tests
 * inject their own through nnb_papi_use_events). Before any FLOP event is
 * trusted it is proved: known loops (256-bit FMAs, then scalar mul+add) run
 * on a master and a worker thread, thread t doing (t + 1) x the work, and
 * every thread's count must be within 1% of the FLOPs it executed there. So
 * an event that counts an FMA once, counts the master thread only, or
 * counts the whole process is refused. FLOP events are proved and counted
 * in event sets of at most flop_events_per_set (Skylake-SP schedules
 * FP_ARITH on counters 0-3 only).
 *
 * Events that do not fit the PMU together are split over several runs of
 * the kernel (deterministic, so each group counts the same work) rather
 * than multiplexed. Core events: one event set per OpenMP thread, summed.
 * Uncore (DRAM) events: once per socket, in a run of their own
 * (papi_count.c). Each counted run starts with cold caches. */
#include "counters/counters.h"

#include <math.h>
#include <omp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <papi.h>

#include "counters/papi.h"
#include "machine/evict.h"
#include "machine/topo.h"

static pthread_mutex_t probe_lock = PTHREAD_MUTEX_INITIALIZER;
static const nnb_papi_eventset_desc *forced_desc; /* a test's events (nnb_papi_use_events) */
static const nnb_papi_eventset_desc *desc;        /* the events probed */
static int probe_done, probe_status;
static char probe_why[512];
static bool ev_ok[NNB_PAPI_MAX_EVENTS];   /* each event can be added here */
static char ev_missing[256];              /* those that cannot, with PAPI's reason */
static int group_of[NNB_PAPI_MAX_EVENTS], ngroups;
static char uncore_names[NNB_PAPI_MAX_UNCORE][128];
static int nuncore;
static char uncore_why[256];

void nnb_papi_use_events(const nnb_papi_eventset_desc *d)
{
    pthread_mutex_lock(&probe_lock);
    forced_desc = d;
    probe_done = 0;
    pthread_mutex_unlock(&probe_lock);
}

static int nevents(void)
{
    int n = 0;
    while (n < NNB_PAPI_MAX_EVENTS && desc->events[n].name) n++;
    return n;
}

/* Builds an event set of names[0..n): PAPI_OK if they fit together. */
static int try_set(const char *const *names, int n)
{
    int es = PAPI_NULL, rc = PAPI_create_eventset(&es);
    for (int i = 0; rc == PAPI_OK && i < n; i++) rc = PAPI_add_named_event(es, names[i]);
    if (es != PAPI_NULL) {
        PAPI_cleanup_eventset(es);
        PAPI_destroy_eventset(&es);
    }
    return rc;
}

/* Names of the events in group g (FLOP events only if flops_only). */
static int group_names(int g, bool flops_only, const char **names, int *idx)
{
    int n = 0;
    for (int i = 0; i < nevents(); i++)
        if (ev_ok[i] && group_of[i] == g && (!flops_only || desc->events[i].kind == NNB_PAPI_FLOPS)) {
            idx[n] = i;
            names[n++] = desc->events[i].name;
        }
    return n;
}

/* FLOP events in chunks of at most flop_events_per_set, one group each;
 * every other event joins the first group it fits in (PAPI refuses an add
 * the PMU cannot schedule), else opens a new one. */
static void assign_groups(void)
{
    int per_set = desc->flop_events_per_set > 0 ? desc->flop_events_per_set : NNB_PAPI_MAX_EVENTS;
    int in_chunk = per_set, n = nevents();
    ngroups = 0;
    for (int i = 0; i < n; i++) {
        group_of[i] = -1;
        if (!ev_ok[i] || desc->events[i].kind != NNB_PAPI_FLOPS) continue;
        if (in_chunk == per_set) ngroups++, in_chunk = 0;
        group_of[i] = ngroups - 1;
        in_chunk++;
    }
    for (int i = 0; i < n; i++) {
        if (!ev_ok[i] || desc->events[i].kind == NNB_PAPI_FLOPS) continue;
        for (int g = 0; g <= ngroups && group_of[i] < 0; g++) {
            const char *names[NNB_PAPI_MAX_EVENTS + 1];
            int idx[NNB_PAPI_MAX_EVENTS];
            int k = group_names(g, false, names, idx);
            names[k++] = desc->events[i].name;
            if (g == ngroups || try_set(names, k) == PAPI_OK) group_of[i] = g;
        }
        if (group_of[i] == ngroups) ngroups++;
    }
}

/* Which events can be added here at all; the rest are named in the note. */
static int check_events(void)
{
    int nflop = 0;
    ev_missing[0] = '\0';
    for (int i = 0; i < nevents(); i++) {
        const char *name = desc->events[i].name;
        int rc = try_set(&name, 1);
        ev_ok[i] = rc == PAPI_OK;
        nflop += ev_ok[i] && desc->events[i].kind == NNB_PAPI_FLOPS;
        if (!ev_ok[i]) {
            size_t used = strlen(ev_missing);
            snprintf(ev_missing + used, sizeof ev_missing - used, "%s%s (%s)", used ? ", " : "", name,
                     PAPI_strerror(rc));
        }
    }
    if (nflop == 0)
        snprintf(probe_why, sizeof probe_why, "PMU not usable: no FLOP event of %s can be added: %.300s", desc->label,
                 ev_missing);
    return nflop ? 0 : -1;
}

/* ---- the proof ---- */

typedef struct proof_arg {
    const nnb_papi_loop *loop;
    double flops[NNB_PAPI_PROOF_THREADS];
} proof_arg;

static void proof_prepare(void *a)
{
    const proof_arg *p = a;
    if (p->loop->prepare) p->loop->prepare();
}

static void proof_run(void *a)
{
    proof_arg *p = a;
#pragma omp parallel num_threads(NNB_PAPI_PROOF_THREADS)
    {
        int t = omp_get_thread_num();
        p->flops[t] = p->loop->run(t);
    }
}

/* What a failed per-thread count looks like, in words. */
static const char *proof_hint(const double *got, const double *want, int t)
{
    double total = 0;
    for (int k = 0; k < NNB_PAPI_PROOF_THREADS; k++) total += want[k];
    if (t > 0 && got[t] == 0) return "the event does not count on worker threads";
    if (fabs(got[t] - total) <= 0.01 * total) return "the event counts the whole process, not the thread";
    if (fabs(got[t] - 0.5 * want[t]) <= 0.01 * want[t]) return "an FMA counted once, not twice";
    return "miscounted";
}

static int prove_loop(const nnb_papi_loop *loop)
{
    double got[NNB_PAPI_PROOF_THREADS] = {0};
    proof_arg pa = {.loop = loop};
    nnb_papi_work w = {proof_prepare, proof_run, &pa};
    for (int g = 0; g < ngroups; g++) {
        const char *names[NNB_PAPI_MAX_EVENTS];
        int idx[NNB_PAPI_MAX_EVENTS], n = group_names(g, true, names, idx);
        long long vals[NNB_PAPI_PROOF_THREADS * NNB_PAPI_MAX_EVENTS];
        char err[300];
        if (n == 0) continue;
        if (nnb_papi_count_threads(names, n, NNB_PAPI_PROOF_THREADS, &w, vals, err, sizeof err) != 0) {
            snprintf(probe_why, sizeof probe_why, "FLOP events unusable: %s", err);
            return -1;
        }
        for (int t = 0; t < NNB_PAPI_PROOF_THREADS; t++)
            for (int k = 0; k < n; k++) got[t] += (double)vals[t * n + k] * desc->events[idx[k]].weight;
    }
    for (int t = 0; t < NNB_PAPI_PROOF_THREADS; t++)
        if (!(fabs(got[t] - pa.flops[t]) <= 0.01 * pa.flops[t])) {
            snprintf(probe_why, sizeof probe_why,
                     "FLOP events of %s fail the %s proof on thread %d of %d: counted %.6g for %.6g executed (%s)",
                     desc->label, loop->name, t, NNB_PAPI_PROOF_THREADS, got[t], pa.flops[t],
                     proof_hint(got, pa.flops, t));
            return -1;
        }
    return 0;
}

static int do_probe(void)
{
    desc = NULL;
    if (nnb_papi_library(probe_why, sizeof probe_why) != 0) return -1;
    if (!(desc = nnb_papi_select(forced_desc, probe_why, sizeof probe_why))) return -1;
    if (check_events() != 0) return -1;
    assign_groups();
    const nnb_papi_loop *loops = desc->proofs[0].name ? desc->proofs : nnb_papi_builtin_proofs;
    int proved = 0;
    for (int i = 0; i < 3 && loops[i].name; i++) {
        if (loops[i].available && !loops[i].available()) continue;
        if (prove_loop(&loops[i]) != 0) return -1;
        proved++;
    }
    if (!proved) {
        snprintf(probe_why, sizeof probe_why, "no proof loop can run on this CPU");
        return -1;
    }
    nuncore = nnb_papi_uncore_events(&desc->dram, uncore_names, NNB_PAPI_MAX_UNCORE, uncore_why, sizeof uncore_why);
    if (nuncore < 0) nuncore = 0;
    snprintf(probe_why, sizeof probe_why, "%s, proved per thread on known FMA/scalar loops", desc->label);
    return 0;
}

static int papi_probe(const nnb_layer *l, char *why, size_t len)
{
    (void)l;
    pthread_mutex_lock(&probe_lock);
    if (!probe_done) {
        probe_status = do_probe();
        probe_done = 1;
    }
    int st = probe_status;
    snprintf(why, len, "%s", probe_why);
    pthread_mutex_unlock(&probe_lock);
    return st;
}

/* ---- measurement ---- */

static void kernel_prepare(void *a)
{
    const nnb_count_request *rq = a;
    nnb_kernel_prepare(rq->kernel, rq->layer, rq->t, rq->ws); /* not counted, as not timed */
    nnb_evict_caches();
}

/* The kernel on rq->threads threads, in per-thread and uncore runs alike. */
static void kernel_run(void *a)
{
    const nnb_count_request *rq = a;
    int caller_threads = omp_get_max_threads();
    omp_set_num_threads(rq->threads > 0 ? rq->threads : 1);
    rq->kernel->run(rq->layer, rq->t, rq->ws);
    omp_set_num_threads(caller_threads);
}

static double line_bytes(int level)
{
    const nnb_cache_level *c = nnb_topo_cache(nnb_topo_get(), level);
    return c && c->geom.line > 0 ? (double)c->geom.line : 64.0;
}

typedef struct papi_totals {
    double kind[NNB_PAPI_NKINDS];  /* summed over threads, weighted */
    bool seen[NNB_PAPI_NKINDS];    /* an event of this kind was counted */
    double sp, dp;
    bool unsplit;                  /* a FLOP event without precision */
} papi_totals;

/* Counts every per-thread group over rq->threads threads. */
static int count_groups(const nnb_count_request *rq, papi_totals *tot, char *err, size_t len)
{
    int T = rq->threads > 0 ? rq->threads : 1;
    nnb_papi_work w = {kernel_prepare, kernel_run, (void *)rq};
    long long *vals = malloc(sizeof *vals * (size_t)T * NNB_PAPI_MAX_EVENTS);
    if (!vals) {
        snprintf(err, len, "out of memory");
        return -1;
    }
    for (int g = 0; g < ngroups; g++) {
        const char *names[NNB_PAPI_MAX_EVENTS];
        int idx[NNB_PAPI_MAX_EVENTS], n = group_names(g, false, names, idx);
        if (nnb_papi_count_threads(names, n, T, &w, vals, err, len) != 0) {
            free(vals);
            return -1;
        }
        for (int k = 0; k < n; k++) {
            const nnb_papi_event *e = &desc->events[idx[k]];
            double weight = e->weight > 0 ? e->weight : line_bytes(e->kind >= NNB_PAPI_L2_FILL ? 2 : 1), v = 0;
            for (int t = 0; t < T; t++) v += (double)vals[t * n + k] * weight;
            tot->kind[e->kind] += v;
            tot->seen[e->kind] = true;
            if (e->kind != NNB_PAPI_FLOPS) continue;
            if (e->prec == 's') tot->sp += v;
            else if (e->prec == 'd') tot->dp += v;
            else tot->unsplit = true;
        }
    }
    free(vals);
    return 0;
}

static void fill_counts(const papi_totals *tot, nnb_counts *out)
{
    out->have_flops = tot->seen[NNB_PAPI_FLOPS];
    out->flops = tot->kind[NNB_PAPI_FLOPS];
    out->have_fp_split = out->have_flops && !tot->unsplit;
    out->flops_sp = out->have_fp_split ? tot->sp : 0;
    out->flops_dp = out->have_fp_split ? tot->dp : 0;
    out->have_cycles = tot->seen[NNB_PAPI_CYCLES];
    out->cycles = tot->kind[NNB_PAPI_CYCLES];
    out->have_insn = tot->seen[NNB_PAPI_INSNS];
    out->instructions = tot->kind[NNB_PAPI_INSNS];
    /* a level's bytes are fills + write-backs, or not reported */
    out->have_l1 = tot->seen[NNB_PAPI_L1_FILL] && tot->seen[NNB_PAPI_L1_WB];
    out->l1_miss_bytes = out->have_l1 ? tot->kind[NNB_PAPI_L1_FILL] + tot->kind[NNB_PAPI_L1_WB] : 0;
    out->have_l2 = tot->seen[NNB_PAPI_L2_FILL] && tot->seen[NNB_PAPI_L2_WB];
    out->l2_miss_bytes = out->have_l2 ? tot->kind[NNB_PAPI_L2_FILL] + tot->kind[NNB_PAPI_L2_WB] : 0;
}

/* What these numbers are, and every count that is missing and why. */
static void write_note(nnb_counts *out, int runs)
{
    char dram[300] = "";
    if (!out->have_dram) {
        int paranoid = nnb_papi_read_paranoid();
        snprintf(dram, sizeof dram, "; DRAM bytes unavailable: %.180s%s", uncore_why,
                 desc->dram.per_socket && paranoid > 0 && geteuid() != 0
                     ? " (uncore events are CPU-wide: kernel.perf_event_paranoid must be <= 0, or run as root)"
                     : "");
    }
    snprintf(out->note, sizeof out->note, "%s; cold caches; %d kernel run%s (event groups, no multiplexing)%s%s%s%s%.120s%s",
             desc->label, runs, runs > 1 ? "s" : "", out->have_fp_split ? "" : "; no sp/dp split",
             desc->unavailable[0] ? "; " : "", desc->unavailable, ev_missing[0] ? "; not available here: " : "",
             ev_missing, dram);
}

static int papi_measure(const nnb_count_request *rq, nnb_counts *out, char *err, size_t len)
{
    char why[512];
    nnb_counts_init(out, "papi");
    if (papi_probe(rq->layer, why, sizeof why) != 0) {
        snprintf(err, len, "papi cannot count: %s", why);
        return -1;
    }
    papi_totals tot;
    memset(&tot, 0, sizeof tot);
    char e[384];
    if (count_groups(rq, &tot, e, sizeof e) != 0) {
        snprintf(err, len, "papi: %s", e);
        return -1;
    }
    int runs = ngroups;
    if (nuncore > 0) {
        nnb_papi_work w = {kernel_prepare, kernel_run, (void *)rq};
        if (nnb_papi_count_uncore(&desc->dram, uncore_names, nuncore, &w, &out->dram_bytes, e, sizeof e) != 0) {
            snprintf(err, len, "papi: %s", e);
            return -1;
        }
        out->have_dram = true;
        runs++;
    }
    fill_counts(&tot, out);
    out->threads = rq->threads;
    write_note(out, runs);
    return 0;
}

const nnb_counter_backend nnb_counter_papi = {
    .name = "papi",
    .desc = "hardware counters through PAPI (perf_event, perf_event_uncore)",
    .caps = {.counts_flops = true, .counts_per_level_bytes = true},
    .probe = papi_probe,
    .measure = papi_measure,
};
