/* The `papi` backend: hardware counters through PAPI's perf_event
 * component (and perf_event_uncore for DRAM where the CPU exposes it).
 *
 * Event choice is data (cpu_tables below): per vendor/family, the FLOP
 * events with their lane weights, cycles, instructions, cache misses per
 * level, and DRAM CAS candidates. Before any FLOP event is trusted it is
 * proved on a known loop (256-bit FMAs, then scalar mul+add): the count
 * must be within 1% of the executed FLOPs, or the backend refuses.
 *
 * Events that do not fit the PMU together are split over several runs of
 * the kernel (the kernel is deterministic, so each group is counted
 * exactly) rather than multiplexed; the note says how many runs. Each
 * counted run starts with cold caches (machine/evict: 4 x LL touched).
 * Threads: one event set per OpenMP thread, started and stopped in a
 * parallel region of the same size as the kernel's (libgomp reuses the
 * team's threads; the thread ids are checked). */
#include "counters/counters.h"

#include <math.h>
#include <omp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <immintrin.h>
#include <papi.h>

#include "machine/evict.h"
#include "machine/topo.h"

/* ---- event tables (data) ---- */

typedef struct flop_event {
    const char *name;
    double weight;   /* FLOPs per count: lanes (FMA already counts 2 in hardware) */
    char prec;       /* 's', 'd', or '?' (no precision split) */
} flop_event;

typedef struct dram_event {
    const char *name;
    double bytes;    /* bytes per count (a CAS moves one 64-byte line) */
} dram_event;

typedef struct cpu_table {
    const char *label;
    int vendor;               /* PAPI_VENDOR_* */
    int family_min, family_max;
    flop_event flops[8];
    const char *cycles, *insns;
    const char *l1_miss, *l2_miss;   /* data misses, x line bytes */
    dram_event dram[8];              /* uncore candidates; every one that adds is summed */
} cpu_table;

static const cpu_table cpu_tables[] = {
    {"Intel (FP_ARITH_INST_RETIRED)", PAPI_VENDOR_INTEL, 6, 6,
     {{"FP_ARITH_INST_RETIRED:SCALAR_SINGLE", 1, 's'},
      {"FP_ARITH_INST_RETIRED:SCALAR_DOUBLE", 1, 'd'},
      {"FP_ARITH_INST_RETIRED:128B_PACKED_SINGLE", 4, 's'},
      {"FP_ARITH_INST_RETIRED:128B_PACKED_DOUBLE", 2, 'd'},
      {"FP_ARITH_INST_RETIRED:256B_PACKED_SINGLE", 8, 's'},
      {"FP_ARITH_INST_RETIRED:256B_PACKED_DOUBLE", 4, 'd'},
      {"FP_ARITH_INST_RETIRED:512B_PACKED_SINGLE", 16, 's'},
      {"FP_ARITH_INST_RETIRED:512B_PACKED_DOUBLE", 8, 'd'}},
     "PAPI_TOT_CYC", "PAPI_TOT_INS", "PAPI_L1_DCM", "PAPI_L2_DCM",
     {{"uncore_imc_0::UNC_M_CAS_COUNT:RD", 64}, {"uncore_imc_0::UNC_M_CAS_COUNT:WR", 64},
      {"uncore_imc_1::UNC_M_CAS_COUNT:RD", 64}, {"uncore_imc_1::UNC_M_CAS_COUNT:WR", 64},
      {"uncore_imc_2::UNC_M_CAS_COUNT:RD", 64}, {"uncore_imc_2::UNC_M_CAS_COUNT:WR", 64},
      {"uncore_imc::UNC_IMC_DRAM_DATA_READS", 64}, {"uncore_imc::UNC_IMC_DRAM_DATA_WRITES", 64}}},
    /* Zen 2..5 (family 17h, 19h, 1Ah): one event, FMA counted as 2; needs the
     * kernel's MergeEvent support for >15 FLOPs/cycle, which the proof checks. */
    {"AMD Zen (RETIRED_SSE_AVX_FLOPS)", PAPI_VENDOR_AMD, 0x17, 0x1f,
     {{"RETIRED_SSE_AVX_FLOPS:ANY", 1, '?'}},
     "PAPI_TOT_CYC", "PAPI_TOT_INS", "PAPI_L1_DCM", "PAPI_L2_DCM",
     {{NULL, 0}}},
};

/* ---- library state ---- */

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_status = -1;
static char init_why[384];
static int perf_cidx = -1;
static const cpu_table *table;

static pthread_mutex_t probe_lock = PTHREAD_MUTEX_INITIALIZER;
static int probe_done, probe_status;
static char probe_why[384];
static bool flop_ok[8];           /* which FLOP events added and proved */

static unsigned long thread_id(void) { return (unsigned long)syscall(SYS_gettid); }

static int read_paranoid(void)
{
    FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
    int v = -99;
    if (f) {
        if (fscanf(f, "%d", &v) != 1) v = -99;
        fclose(f);
    }
    return v;
}

static void library_init(void)
{
    int rc = PAPI_library_init(PAPI_VER_CURRENT);
    if (rc != PAPI_VER_CURRENT) {
        snprintf(init_why, sizeof init_why, "PAPI_library_init failed: %s",
                 rc > 0 ? "header/library version mismatch" : PAPI_strerror(rc));
        return;
    }
    if ((rc = PAPI_thread_init(thread_id)) != PAPI_OK) {
        snprintf(init_why, sizeof init_why, "PAPI_thread_init failed: %s", PAPI_strerror(rc));
        return;
    }
    int paranoid = read_paranoid();
    const PAPI_hw_info_t *hw = PAPI_get_hardware_info();
    char vm[256] = "";
    if (hw && hw->virtualized)
        snprintf(vm, sizeof vm, "; virtual machine (%.64s) without a virtual PMU",
                 hw->virtual_vendor_string[0] ? hw->virtual_vendor_string : "hypervisor");
    perf_cidx = PAPI_get_component_index("perf_event");
    if (perf_cidx < 0) {
        snprintf(init_why, sizeof init_why,
                 "PMU not available: PAPI has no perf_event component%s", vm);
        return;
    }
    const PAPI_component_info_t *ci = PAPI_get_component_info(perf_cidx);
    if (!ci || ci->disabled) {
        snprintf(init_why, sizeof init_why,
                 "PMU not available: PAPI perf_event component disabled (%.120s)%.150s; perf_event_paranoid=%d",
                 ci && ci->disabled_reason[0] ? ci->disabled_reason : "no reason given", vm, paranoid);
        return;
    }
    if (ci->num_cntrs <= 0) {
        snprintf(init_why, sizeof init_why,
                 "PMU not available: perf_event reports 0 hardware counters%s; perf_event_paranoid=%d",
                 vm, paranoid);
        return;
    }
    for (size_t i = 0; hw && i < sizeof cpu_tables / sizeof cpu_tables[0]; i++)
        if (cpu_tables[i].vendor == hw->vendor && hw->cpuid_family >= cpu_tables[i].family_min &&
            hw->cpuid_family <= cpu_tables[i].family_max)
            table = &cpu_tables[i];
    if (!table) {
        snprintf(init_why, sizeof init_why, "no FLOP event table for %s family %#x (%s)",
                 hw ? hw->vendor_string : "unknown vendor", hw ? hw->cpuid_family : 0,
                 hw ? hw->model_string : "?");
        return;
    }
    init_status = 0;
}

/* ---- known loops for the proof ---- */

__attribute__((target("avx2,fma"), noinline)) static float fma_loop(long n)
{
    __m256 b = _mm256_set1_ps(0.999999f), c = _mm256_set1_ps(1e-7f);
    __m256 a0 = _mm256_set1_ps(1.0f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    for (long i = 0; i < n; i++) {
        a0 = _mm256_fmadd_ps(a0, b, c);
        a1 = _mm256_fmadd_ps(a1, b, c);
        a2 = _mm256_fmadd_ps(a2, b, c);
        a3 = _mm256_fmadd_ps(a3, b, c);
        a4 = _mm256_fmadd_ps(a4, b, c);
        a5 = _mm256_fmadd_ps(a5, b, c);
        a6 = _mm256_fmadd_ps(a6, b, c);
        a7 = _mm256_fmadd_ps(a7, b, c);
    }
    __m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)),
                             _mm256_add_ps(_mm256_add_ps(a4, a5), _mm256_add_ps(a6, a7)));
    float out[8];
    _mm256_storeu_ps(out, s);
    return out[0];
}
#define FMA_LOOP_FLOPS(n) ((double)(n) * 8 * 16 + 7 * 8)

__attribute__((noinline)) static double scalar_loop(long n)
{
    double x = 1.0;
    for (long i = 0; i < n; i++) {
        x = x * 0.9999999 + 1e-9; /* mulsd + addsd: no -ffp-contract to FMA without -mfma */
        __asm__ volatile("" : "+x"(x));
    }
    return x;
}
#define SCALAR_LOOP_FLOPS(n) ((double)(n) * 2)

/* Counts fn under the table's FLOP events (those in `use`), weighted. */
static int count_flops(const bool *use, void (*fn)(void), double *flops, char *why, size_t len)
{
    int es = PAPI_NULL, rc, n = 0, idx[8];
    if ((rc = PAPI_create_eventset(&es)) != PAPI_OK) {
        snprintf(why, len, "PAPI_create_eventset: %s", PAPI_strerror(rc));
        return -1;
    }
    for (int i = 0; i < 8 && table->flops[i].name; i++) {
        if (!use[i]) continue;
        if ((rc = PAPI_add_named_event(es, table->flops[i].name)) != PAPI_OK) {
            snprintf(why, len, "PAPI cannot add %s: %s", table->flops[i].name, PAPI_strerror(rc));
            goto done;
        }
        idx[n++] = i;
    }
    long long v[8] = {0};
    if ((rc = PAPI_start(es)) != PAPI_OK) {
        snprintf(why, len, "PAPI_start: %s", PAPI_strerror(rc));
        goto done;
    }
    fn();
    if ((rc = PAPI_stop(es, v)) != PAPI_OK) {
        snprintf(why, len, "PAPI_stop: %s", PAPI_strerror(rc));
        goto done;
    }
    *flops = 0;
    for (int k = 0; k < n; k++) *flops += (double)v[k] * table->flops[idx[k]].weight;
done:
    PAPI_cleanup_eventset(es);
    PAPI_destroy_eventset(&es);
    return rc == PAPI_OK ? 0 : -1;
}

static volatile float sink_f;
static volatile double sink_d;
#define PROOF_N 2000000L
static void run_fma(void) { sink_f = fma_loop(PROOF_N); }
static void run_scalar(void) { sink_d = scalar_loop(PROOF_N); }

/* Counts fn and holds the count against the FLOPs it executes (within 1%);
 * -1 with probe_why set when the events fail the proof. */
static int prove(void (*fn)(void), double want, const char *proof, const char *note)
{
    char why[256];
    double got;
    if (count_flops(flop_ok, fn, &got, why, sizeof why) != 0) {
        snprintf(probe_why, sizeof probe_why, "FLOP events unusable: %s", why);
        return -1;
    }
    if (fabs(got - want) > 0.01 * want) {
        snprintf(probe_why, sizeof probe_why, "FLOP events of %s fail the %s proof: counted %.4g for %.4g executed%s",
                 table->label, proof, got, want, note);
        return -1;
    }
    return 0;
}

static int do_probe(void)
{
    pthread_once(&init_once, library_init);
    if (init_status != 0) {
        snprintf(probe_why, sizeof probe_why, "%s", init_why);
        return -1;
    }
    /* which FLOP events exist here (e.g. no 512B events without AVX-512) */
    int nok = 0;
    for (int i = 0; i < 8 && table->flops[i].name; i++) {
        int es = PAPI_NULL;
        if (PAPI_create_eventset(&es) != PAPI_OK) break;
        int rc = PAPI_add_named_event(es, table->flops[i].name);
        flop_ok[i] = rc == PAPI_OK;
        if (rc != PAPI_OK && nok == 0 && i == 0)
            snprintf(probe_why, sizeof probe_why, "PMU not usable: PAPI cannot add %s (%s)",
                     table->flops[i].name, PAPI_strerror(rc));
        nok += flop_ok[i];
        PAPI_cleanup_eventset(es);
        PAPI_destroy_eventset(&es);
    }
    if (nok == 0) {
        if (!probe_why[0])
            snprintf(probe_why, sizeof probe_why, "PMU not usable: no FLOP event of %s can be added",
                     table->label);
        return -1;
    }
    /* prove them */
    if (__builtin_cpu_supports("fma") && __builtin_cpu_supports("avx2") &&
        prove(run_fma, FMA_LOOP_FLOPS(PROOF_N), "FMA", " (256-bit FMA = 16 FLOPs)") != 0)
        return -1;
    if (prove(run_scalar, SCALAR_LOOP_FLOPS(PROOF_N), "scalar", "") != 0) return -1;
    snprintf(probe_why, sizeof probe_why, "%s, proved on a known FMA loop", table->label);
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

enum { K_FLOP, K_CYC, K_INS, K_L1, K_L2, K_DRAM };

typedef struct ev {
    const char *name;
    int kind;
    double weight;
    char prec;
    int group;
    double value;   /* summed over threads, weighted */
    bool counted;
} ev;

typedef struct group_run {
    const nnb_count_request *rq;
    ev *evs;
    int nev, group;
    char err[256];
} group_run;

/* One run of the kernel counting the events of one group on every thread. */
static int run_group(group_run *g)
{
    const nnb_count_request *rq = g->rq;
    int T = rq->threads > 0 ? rq->threads : 1;
    int *es = malloc(sizeof(int) * (size_t)T);
    unsigned long *tid = calloc((size_t)T, sizeof *tid);
    long long *vals = calloc((size_t)T * (size_t)g->nev, sizeof *vals);
    int failed = 0;
    if (!es || !tid || !vals) {
        free(es);
        free(tid);
        free(vals);
        snprintf(g->err, sizeof g->err, "out of memory");
        return -1;
    }
    omp_set_num_threads(T);
    nnb_kernel_prepare(rq->kernel, rq->layer, rq->t, rq->ws); /* not counted, as not timed */
    nnb_evict_caches();
#pragma omp parallel num_threads(T) reduction(+ : failed)
    {
        int t = omp_get_thread_num();
        es[t] = PAPI_NULL;
        tid[t] = thread_id();
        if (PAPI_register_thread() != PAPI_OK || PAPI_create_eventset(&es[t]) != PAPI_OK) failed++;
        for (int i = 0; !failed && i < g->nev; i++)
            if (g->evs[i].group == g->group && PAPI_add_named_event(es[t], g->evs[i].name) != PAPI_OK)
                failed++;
#pragma omp barrier
        if (!failed && PAPI_start(es[t]) != PAPI_OK) failed++;
    }
    if (!failed) rq->kernel->run(rq->layer, rq->t, rq->ws);
    int moved = 0;
#pragma omp parallel num_threads(T) reduction(+ : failed, moved)
    {
        int t = omp_get_thread_num();
        if (tid[t] != thread_id()) moved++;
        if (es[t] != PAPI_NULL) {
            if (PAPI_stop(es[t], vals + (size_t)t * (size_t)g->nev) != PAPI_OK) failed++;
            PAPI_cleanup_eventset(es[t]);
            PAPI_destroy_eventset(&es[t]);
        }
    }
    if (!failed && !moved) {
        for (int t = 0; t < T; t++) {
            int k = 0;
            for (int i = 0; i < g->nev; i++) {
                if (g->evs[i].group != g->group) continue;
                g->evs[i].value += (double)vals[(size_t)t * (size_t)g->nev + k++] * g->evs[i].weight;
                g->evs[i].counted = true;
            }
        }
    }
    free(es);
    free(tid);
    free(vals);
    if (failed) {
        snprintf(g->err, sizeof g->err, "PAPI could not start/stop the event group on all %d threads", T);
        return -1;
    }
    if (moved) {
        snprintf(g->err, sizeof g->err, "OpenMP changed its worker threads between regions");
        return -1;
    }
    return 0;
}

/* Assigns groups: greedily adds events to an event set; an event that does
 * not fit opens the next group; one that cannot be added alone is dropped. */
static int assign_groups(ev *evs, int nev)
{
    int group = 0, es = PAPI_NULL, in_group = 0;
    if (PAPI_create_eventset(&es) != PAPI_OK) return -1;
    for (int i = 0; i < nev; i++) {
        int rc = PAPI_add_named_event(es, evs[i].name);
        if (rc != PAPI_OK && in_group > 0) {
            PAPI_cleanup_eventset(es);
            group++;
            in_group = 0;
            rc = PAPI_add_named_event(es, evs[i].name);
        }
        if (rc != PAPI_OK) {
            evs[i].group = -1;
            continue;
        }
        evs[i].group = group;
        in_group++;
    }
    PAPI_cleanup_eventset(es);
    PAPI_destroy_eventset(&es);
    return in_group ? group + 1 : group;
}

static int papi_measure(const nnb_count_request *rq, nnb_counts *out, char *err, size_t len)
{
    char why[384];
    nnb_counts_init(out, "papi");
    if (papi_probe(rq->layer, why, sizeof why) != 0) {
        snprintf(err, len, "papi cannot count: %s", why);
        return -1;
    }
    ev evs[32];
    int nev = 0;
    for (int i = 0; i < 8 && table->flops[i].name; i++)
        if (flop_ok[i])
            evs[nev++] = (ev){table->flops[i].name, K_FLOP, table->flops[i].weight, table->flops[i].prec, 0, 0, false};
    nnb_cache_geom l1 = {0, 0, 64}, l2g = {0, 0, 64};
    const nnb_topo *topo = nnb_topo_get();
    const nnb_cache_level *c1 = nnb_topo_cache(topo, 1), *c2 = nnb_topo_cache(topo, 2);
    if (c1 && c1->geom.line > 0) l1 = c1->geom;
    if (c2 && c2->geom.line > 0) l2g = c2->geom;
    evs[nev++] = (ev){table->cycles, K_CYC, 1, 0, 0, 0, false};
    evs[nev++] = (ev){table->insns, K_INS, 1, 0, 0, 0, false};
    evs[nev++] = (ev){table->l1_miss, K_L1, l1.line, 0, 0, 0, false};
    evs[nev++] = (ev){table->l2_miss, K_L2, l2g.line, 0, 0, 0, false};
    for (int i = 0; i < 8 && table->dram[i].name; i++)
        evs[nev++] = (ev){table->dram[i].name, K_DRAM, table->dram[i].bytes, 0, 0, 0, false};

    int ngroups = assign_groups(evs, nev);
    if (ngroups <= 0) {
        snprintf(err, len, "papi: no event could be added");
        return -1;
    }
    group_run g = {.rq = rq, .evs = evs, .nev = nev};
    for (int k = 0; k < ngroups; k++) {
        g.group = k;
        if (run_group(&g) != 0) {
            snprintf(err, len, "papi: %s", g.err);
            return -1;
        }
    }
    bool any_flop = false, all_flops = true, split = true, dram_any = false;
    for (int i = 0; i < nev; i++) {
        ev *e = &evs[i];
        if (e->kind == K_FLOP) {
            if (!e->counted) { all_flops = false; continue; }
            any_flop = true;
            out->flops += e->value;
            if (e->prec == 's') out->flops_sp += e->value;
            else if (e->prec == 'd') out->flops_dp += e->value;
            else split = false;
        } else if (e->counted) {
            switch (e->kind) {
            case K_CYC: out->have_cycles = true; out->cycles = e->value; break;
            case K_INS: out->have_insn = true; out->instructions = e->value; break;
            case K_L1: out->have_l1 = true; out->l1_miss_bytes = e->value; break;
            case K_L2: out->have_l2 = true; out->l2_miss_bytes = e->value; break;
            case K_DRAM: dram_any = true; out->dram_bytes += e->value; break;
            }
        }
    }
    out->have_flops = any_flop && all_flops;
    if (!out->have_flops) { out->flops = out->flops_sp = out->flops_dp = 0; }
    out->have_fp_split = out->have_flops && split;
    out->have_dram = dram_any;
    out->threads = rq->threads;
    snprintf(out->note, sizeof out->note,
             "%s; cold caches; %d kernel run%s (event groups, no multiplexing)%s%s",
             table->label, ngroups, ngroups > 1 ? "s" : "",
             dram_any ? "" : "; no uncore DRAM events on this CPU",
             out->have_fp_split ? "" : "; no sp/dp split");
    return 0;
}

const nnb_counter_backend nnb_counter_papi = {
    .name = "papi",
    .desc = "hardware counters through PAPI (perf_event, perf_event_uncore)",
    .caps = {.counts_flops = true, .counts_per_level_bytes = true},
    .probe = papi_probe,
    .measure = papi_measure,
};
