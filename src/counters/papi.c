/* The `papi` backend: hardware counters through PAPI's perf_event
 * components (PAPI for init, the CPU's identity and the diagnosis; the
 * groups themselves through nnb_papi_ops, perf_event_open with libpfm4's
 * encodings, so every read carries time enabled/running).
 *
 * What is counted is data (papi_tables.c, one table per CPU family; tests
 * inject their own through nnb_papi_use_events, and fake the machine's
 * replies through nnb_papi_set_ops). Before any count is trusted, the very
 * groups the measurement will use (FLOP, cycle, instruction and cache
 * events together) are proved: the known loops of papi_proofs.c (scalar,
 * 128, 256, 512-bit FMAs, SP and DP) run on a master and a worker thread,
 * thread t doing (t + 1) x the work, and every thread's FLOPs must be
 * within 1% of what it executed (and its SP/DP split, where the events
 * split), its instructions within the loop's known count, its cycles at
 * least the two-FMA-pipe bound; streams over flushed buffers bound the L1
 * and L2 fill and write-back events. A non-FLOP kind that miscounts is
 * left out, named in the note, and the rest proved again. So an event that counts an FMA once,
 * counts the master thread only, or counts the whole process is refused.
 *
 * Every group must have run for the whole run (time running = time
 * enabled). A group the kernel accepted but never scheduled (the NMI
 * watchdog holds a counter) makes the proof regroup: cycles, instructions
 * and cache events each alone, then FLOP events in smaller chunks; a group
 * still not scheduled, or multiplexed, is refused, never reported.
 *
 * A FLOP event of the table that cannot be opened refuses the backend (the
 * FLOPs would be a subset), with the cause. Core events: one group per
 * OpenMP thread, summed. Uncore (DRAM) events: once per socket, in a run
 * of their own (papi_count.c). Each counted run starts with cold caches. */
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
#include "machine/blas.h"
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

void nnb_papi_set_ops(const nnb_papi_ops *ops)
{
    pthread_mutex_lock(&probe_lock);
    nnb_papi_set_ops_raw(ops);
    probe_done = 0;
    pthread_mutex_unlock(&probe_lock);
}

static int nevents(void)
{
    int n = 0;
    while (n < NNB_PAPI_MAX_EVENTS && desc->events[n].name) n++;
    return n;
}

/* Opens names[0..n) as one group here: PAPI_OK if they fit together;
 * why gets the reason they do not. */
static int try_set(const char *const *names, int n, char *why, size_t len)
{
    const nnb_papi_ops *ops = nnb_papi_ops_get();
    void *set = NULL;
    int bad = -1, rc = ops->open(desc->component, names, n, -1, &set, &bad, why, len);
    if (rc == PAPI_OK) ops->close(set);
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

/* FLOP events in chunks of at most flop_events_per_set (halved at level
 * 2), one group each; every other event joins the first group it fits in
 * (level 0) or goes alone (levels 1, 2: what the PMU accepted at open was
 * not scheduled at run time). */
static int group_level;

static void assign_groups(void)
{
    int per_set = desc->flop_events_per_set > 0 ? desc->flop_events_per_set : NNB_PAPI_MAX_EVENTS;
    if (group_level >= 2 && per_set > 1) per_set /= 2;
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
        for (int g = group_level > 0 ? ngroups : 0; g <= ngroups && group_of[i] < 0; g++) {
            const char *names[NNB_PAPI_MAX_EVENTS + 1];
            int idx[NNB_PAPI_MAX_EVENTS];
            char why[128];
            int k = group_names(g, false, names, idx);
            names[k++] = desc->events[i].name;
            if (g == ngroups || try_set(names, k, why, sizeof why) == PAPI_OK) group_of[i] = g;
        }
        if (group_of[i] == ngroups) ngroups++;
    }
}

/* Which events can be opened here at all. A FLOP event that cannot
 * refuses the backend (FLOPs of a subset of the widths are not the
 * kernel's FLOPs); any other is named in the note and its count left out. */
static nnb_papi_env probe_env;

static int check_events(void)
{
    int nflop_missing = 0, nopen = 0;
    char flop_missing[300] = "";
    ev_missing[0] = '\0';
    for (int i = 0; i < nevents(); i++) {
        const char *name = desc->events[i].name;
        char why[200] = "";
        int rc = try_set(&name, 1, why, sizeof why);
        ev_ok[i] = rc == PAPI_OK;
        nopen += ev_ok[i];
        if (ev_ok[i]) continue;
        bool flop = desc->events[i].kind == NNB_PAPI_FLOPS;
        char *list = flop ? flop_missing : ev_missing;
        size_t cap = flop ? sizeof flop_missing : sizeof ev_missing, used = strlen(list);
        nflop_missing += flop;
        if (flop && nflop_missing > 2) { /* the first two say why; the rest are counted */
            if (nflop_missing == 3) snprintf(list + used, cap - used, ", ...");
            continue;
        }
        snprintf(list + used, cap - used, "%s%.140s", used ? ", " : "", why[0] ? why : name);
    }
    if (nflop_missing == 0) return 0;
    char missing[360];
    snprintf(missing, sizeof missing, "%d of them cannot be opened: %s", nflop_missing, flop_missing);
    nnb_papi_missing_events(&probe_env, desc->label, missing, nopen == 0, probe_why, sizeof probe_why);
    return -1;
}

/* ---- the proof ---- */

typedef struct proof_arg {
    const nnb_papi_loop *loop;
    nnb_papi_executed ex[NNB_PAPI_PROOF_THREADS];
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
        memset(&p->ex[t], 0, sizeof p->ex[t]);
        p->loop->run(t, &p->ex[t]);
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

typedef struct proof_sums {
    double flops[NNB_PAPI_PROOF_THREADS], sp[NNB_PAPI_PROOF_THREADS], dp[NNB_PAPI_PROOF_THREADS];
    double kind[NNB_PAPI_NKINDS][NNB_PAPI_PROOF_THREADS]; /* raw counts of the other kinds */
    bool seen[NNB_PAPI_NKINDS];
    bool split;
} proof_sums;

/* Runs loop once per group (the measurement's groups, all events): 0, -1
 * refused (probe_why says why), -2 a group was not scheduled (regroup). */
static int count_loop(const nnb_papi_loop *loop, proof_arg *pa, proof_sums *ps)
{
    nnb_papi_work w = {proof_prepare, proof_run, pa};
    memset(ps, 0, sizeof *ps);
    ps->split = true;
    for (int g = 0; g < ngroups; g++) {
        const char *names[NNB_PAPI_MAX_EVENTS];
        int idx[NNB_PAPI_MAX_EVENTS], n = group_names(g, false, names, idx);
        long long vals[NNB_PAPI_PROOF_THREADS * NNB_PAPI_MAX_EVENTS];
        char err[400];
        if (n == 0) continue;
        int rc = nnb_papi_count_threads(desc->component, names, n, NNB_PAPI_PROOF_THREADS, &w, vals, NULL, err,
                                        sizeof err);
        if (rc != 0) {
            snprintf(probe_why, sizeof probe_why, "events of %s unusable in the %s proof: %s", desc->label,
                     loop->name, err);
            return rc;
        }
        for (int k = 0; k < n; k++) {
            const nnb_papi_event *e = &desc->events[idx[k]];
            ps->seen[e->kind] = true;
            for (int t = 0; t < NNB_PAPI_PROOF_THREADS; t++) {
                double v = (double)vals[t * n + k];
                if (e->kind != NNB_PAPI_FLOPS) {
                    ps->kind[e->kind][t] += v;
                    continue;
                }
                ps->flops[t] += v * e->weight;
                if (e->prec == 's') ps->sp[t] += v * e->weight;
                else if (e->prec == 'd') ps->dp[t] += v * e->weight;
                else ps->split = false;
            }
        }
    }
    return 0;
}

static bool within(double got, double want) { return fabs(got - want) <= 0.01 * want; }
static bool between(double got, double lo, double hi) { return got >= lo && got <= hi; }

/* The FLOP checks: NULL, or what failed (got/exp filled). */
static const char *flop_failure(const proof_sums *ps, const nnb_papi_executed *ex, int t, double *got, double *exp)
{
    if (!within(ps->flops[t], ex->flops)) return *got = ps->flops[t], *exp = ex->flops, "FLOPs";
    if (ps->split && !within(ps->sp[t], ex->flops_sp))
        return *got = ps->sp[t], *exp = ex->flops_sp, "single-precision FLOPs";
    if (ps->split && !within(ps->dp[t], ex->flops_dp))
        return *got = ps->dp[t], *exp = ex->flops_dp, "double-precision FLOPs";
    return NULL;
}

/* The other kinds' bounds: the kind that failed (-1 none). */
static int other_failure(const proof_sums *ps, const nnb_papi_executed *ex, int t, double *got, double *exp)
{
    const double *k[NNB_PAPI_NKINDS];
    for (int i = 0; i < NNB_PAPI_NKINDS; i++) k[i] = ps->kind[i];
    if (ps->seen[NNB_PAPI_INSNS] && ex->insns_max > 0 &&
        !between(k[NNB_PAPI_INSNS][t], 0.99 * ex->insns_min, 1.01 * ex->insns_max))
        return *got = k[NNB_PAPI_INSNS][t], *exp = ex->insns_min, NNB_PAPI_INSNS;
    if (ps->seen[NNB_PAPI_CYCLES] && ex->fma_insns > 0 && !(k[NNB_PAPI_CYCLES][t] >= 0.99 * ex->fma_insns / 2))
        return *got = k[NNB_PAPI_CYCLES][t], *exp = ex->fma_insns / 2, NNB_PAPI_CYCLES;
    if (ex->lines <= 0) return -1;
    static const int fills[] = {NNB_PAPI_L1_FILL, NNB_PAPI_L2_FILL}, wbs[] = {NNB_PAPI_L1_WB, NNB_PAPI_L2_WB};
    for (int i = 0; i < 2; i++) {
        if (ps->seen[fills[i]] && !between(k[fills[i]][t], 0.9 * ex->lines, 1.3 * ex->lines))
            return *got = k[fills[i]][t], *exp = ex->lines, fills[i];
        if (ex->writes && ps->seen[wbs[i]] && !between(k[wbs[i]][t], 0.5 * ex->lines, 1.5 * ex->lines))
            return *got = k[wbs[i]][t], *exp = ex->lines, wbs[i];
    }
    return -1;
}

static const char *const kind_names[NNB_PAPI_NKINDS] = {
    "FLOPs", "cycles", "instructions", "L1 fills", "L1 write-backs", "L2 fills", "L2 write-backs"};

/* 0; -1 a FLOP count failed (refused, probe_why says why); -3 another
 * kind failed: *drop = that kind, drop_why says why. */
static char drop_why[300];

static int check_loop(const nnb_papi_loop *loop, const proof_arg *pa, const proof_sums *ps, int *drop)
{
    double want[NNB_PAPI_PROOF_THREADS];
    for (int t = 0; t < NNB_PAPI_PROOF_THREADS; t++) want[t] = pa->ex[t].flops;
    for (int t = 0; t < NNB_PAPI_PROOF_THREADS; t++) {
        double got = 0, exp = 0;
        const char *what = flop_failure(ps, &pa->ex[t], t, &got, &exp);
        if (what) {
            snprintf(probe_why, sizeof probe_why,
                     "events of %s fail the %s proof on thread %d of %d: %s counted %.6g for %.6g executed (%s)",
                     desc->label, loop->name, t, NNB_PAPI_PROOF_THREADS, what, got, exp,
                     strcmp(what, "FLOPs") == 0 ? proof_hint(ps->flops, want, t) : "miscounted");
            return -1;
        }
        int k = other_failure(ps, &pa->ex[t], t, &got, &exp);
        if (k >= 0) {
            *drop = k;
            snprintf(drop_why, sizeof drop_why, "%s failed the %s proof (thread %d: %.4g for %.4g)", kind_names[k],
                     loop->name, t, got, exp);
            return -3;
        }
    }
    return 0;
}

/* Every available loop over the current groups: 0, -1, -2 (regroup) or
 * -3 (drop *drop's events). */
static int prove_all(int *proved, int *drop)
{
    const nnb_papi_loop *loops = desc->proofs[0].name ? desc->proofs : nnb_papi_builtin_proofs;
    *proved = 0;
    for (int i = 0; i < NNB_PAPI_MAX_PROOFS && loops[i].name; i++) {
        if (loops[i].available && !loops[i].available()) continue;
        proof_arg pa = {.loop = &loops[i]};
        proof_sums ps;
        int rc = count_loop(&loops[i], &pa, &ps);
        if (rc == 0) rc = check_loop(&loops[i], &pa, &ps, drop);
        if (rc != 0) return rc;
        (*proved)++;
    }
    return 0;
}

/* A kind whose events miscount is left out (named in the note) and the
 * remaining groups are proved again: what is measured is what was proved. */
static void drop_kind(int kind)
{
    for (int i = 0; i < nevents(); i++)
        if (ev_ok[i] && desc->events[i].kind == (nnb_papi_kind)kind) {
            ev_ok[i] = false;
            size_t used = strlen(ev_missing);
            snprintf(ev_missing + used, sizeof ev_missing - used, "%s%s (%.200s)", used ? ", " : "",
                     desc->events[i].name, drop_why);
        }
}

static int do_probe(void)
{
    desc = NULL;
    if (nnb_blas_info_get()->parallel == 1) {
        /* its GEMM workers are not the OpenMP team the event groups are
         * attached to: im2col_gemm would read about 1/T of its FLOPs */
        snprintf(probe_why, sizeof probe_why,
                 "the OpenBLAS loaded is its pthreads build (openblas_get_parallel() = 1): its worker threads carry "
                 "no event group; fix: update-alternatives --config libopenblas.so.0-x86_64-linux-gnu (openmp)");
        return -1;
    }
    if (nnb_papi_library(probe_why, sizeof probe_why) != 0) return -1;
    if (!(desc = nnb_papi_select(forced_desc, &probe_env, probe_why, sizeof probe_why))) return -1;
    if (check_events() != 0) return -1;
    int proved = 0, rc = -3, drop = -1;
    for (int tries = 0; rc == -3 && tries < NNB_PAPI_NKINDS; tries++) {
        if (drop >= 0) drop_kind(drop);
        rc = -2;
        for (group_level = 0; group_level <= 2 && rc == -2; group_level++) {
            assign_groups();
            rc = prove_all(&proved, &drop);
        }
        group_level--;
    }
    if (rc != 0) return -1;
    if (!proved) {
        snprintf(probe_why, sizeof probe_why, "no proof loop can run on this CPU (the built-in ones need FMA)");
        return -1;
    }
    nuncore = nnb_papi_uncore_events(&desc->dram, uncore_names, NNB_PAPI_MAX_UNCORE, uncore_why, sizeof uncore_why);
    if (nuncore < 0) nuncore = 0;
    snprintf(probe_why, sizeof probe_why, "%s, %d event group%s proved per thread on %d known loop%s%s%.250s",
             desc->label, ngroups, ngroups > 1 ? "s" : "", proved, proved > 1 ? "s" : "",
             ev_missing[0] ? "; left out: " : "", ev_missing);
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
        if (nnb_papi_count_threads(desc->component, names, n, T, &w, vals, NULL, err, len) != 0) {
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
    snprintf(out->note, sizeof out->note, "%s; cold caches; %d kernel run%s (the proved event groups, each running the whole run)%s%s%s%s%.120s%s",
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
