/* The papi backend's real code path, run without a PMU through PAPI's
 * software-defined events (the sde component, libsde): no mock of PAPI.
 *
 * This test is a library exporting SDE counters that emulate the hardware
 * rules of FP_ARITH_INST_RETIRED: per thread (each OS thread has its own
 * counts, as a core PMU counter follows its thread), one count per scalar or
 * packed instruction and two per FMA. Its own known loops and kernel execute
 * real floating-point work and increment the counters as the hardware
 * would. The backend is pointed at these events with nnb_papi_use_events
 * and then drives its init, event sets, the per-thread FMA proof, grouping
 * and per-thread counting over 1, 2 and 4 OpenMP threads. Broken events
 * must be refused: an FMA counted once, a counter that counts on the master
 * thread only, a process-wide counter, and a never-registered name (SDE
 * placeholders read negative).
 *
 * SDE keeps one start value per counter (not per thread), so every
 * per-thread counter is zeroed before the event sets start (the loops' and
 * the kernel's prepare): each thread then reads its own count minus 0.
 *
 * "Uncore-like" IMC counters are process-wide variables: counted once, the
 * DRAM bytes come out exact; counted per thread and summed (the bug this
 * test exists to catch) they come out x threads. */
#include "counters/counters.h"
#include "counters/papi.h"
#include "machine/topo.h"
#include "nnb_test.h"

#include <math.h>
#include <omp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <papi.h>
#include <sde_lib.h>

static bool contains(const char *s, const char *a) { return strstr(s, a) != NULL; }

/* ---- the emulated PMU: per-OS-thread counters ---- */

enum {
    C_FP_SD, C_FP_SS, C_FP_128PS, C_FP_128PD, C_FP_256PS, C_FP_256PD, C_FP_512PS, C_FP_512PD,
    C_FP_256PS_FMA1, /* the broken rule: an FMA counted once */
    C_CYC, C_INS, C_L1_FILL, C_L1_WB, C_L2_FILL, C_L2_WB,
    NC
};
enum { AGG_THREAD, AGG_MASTER_ONLY, AGG_PROCESS }; /* how a callback reads a counter */
#define NIMC 3
#define MAXT 64

typedef struct tcounts { long long c[NC]; } tcounts;
static tcounts *registry[MAXT];
static int nreg;
static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static __thread tcounts *mine;
static long long imc_cas[NIMC]; /* process-wide, like an uncore counter */

static tcounts *me(void)
{
    if (!mine) {
        mine = calloc(1, sizeof *mine);
        pthread_mutex_lock(&reg_lock);
        if (nreg < MAXT) registry[nreg++] = mine;
        pthread_mutex_unlock(&reg_lock);
    }
    return mine;
}

static long long read_counter(void *param)
{
    intptr_t p = (intptr_t)param;
    int c = (int)(p & 0xff), agg = (int)(p >> 8);
    if (agg == AGG_MASTER_ONLY) return syscall(SYS_gettid) == getpid() ? me()->c[c] : 0;
    if (agg == AGG_PROCESS) {
        long long s = 0;
        pthread_mutex_lock(&reg_lock);
        for (int i = 0; i < nreg; i++) s += __atomic_load_n(&registry[i]->c[c], __ATOMIC_RELAXED);
        pthread_mutex_unlock(&reg_lock);
        return s;
    }
    return me()->c[c];
}

static void zero_counters(void)
{
    pthread_mutex_lock(&reg_lock);
    for (int i = 0; i < nreg; i++) memset(registry[i], 0, sizeof *registry[i]);
    pthread_mutex_unlock(&reg_lock);
    memset(imc_cas, 0, sizeof imc_cas);
}

static void register_sde(void)
{
    static const struct { const char *name; int c, agg; } evs[] = {
        {"FP_SCALAR_DOUBLE", C_FP_SD, 0},   {"FP_SCALAR_SINGLE", C_FP_SS, 0},
        {"FP_128_PS", C_FP_128PS, 0},        {"FP_128_PD", C_FP_128PD, 0},
        {"FP_256_PS", C_FP_256PS, 0},        {"FP_256_PD", C_FP_256PD, 0},
        {"FP_512_PS", C_FP_512PS, 0},        {"FP_512_PD", C_FP_512PD, 0},
        {"FP_256_PS_FMA1", C_FP_256PS_FMA1, 0},
        {"FP_256_PS_MASTER", C_FP_256PS, AGG_MASTER_ONLY},
        {"FP_256_PS_PROCESS", C_FP_256PS, AGG_PROCESS},
        {"CYCLES", C_CYC, 0},                {"INSNS", C_INS, 0},
        {"L1_FILL", C_L1_FILL, 0},           {"L1_WB", C_L1_WB, 0},
        {"L2_FILL", C_L2_FILL, 0},           {"L2_WB", C_L2_WB, 0},
    };
    papi_handle_t h = papi_sde_init("nnbtest");
    for (size_t i = 0; i < sizeof evs / sizeof evs[0]; i++)
        CHECK(papi_sde_register_counter_cb(h, evs[i].name, PAPI_SDE_RO | PAPI_SDE_DELTA, PAPI_SDE_long_long,
                                           read_counter, (void *)(intptr_t)(evs[i].c | evs[i].agg << 8)) ==
              SDE_OK);
    for (int k = 0; k < NIMC; k++) {
        char name[32];
        snprintf(name, sizeof name, "IMC%d_CAS", k);
        CHECK(papi_sde_register_counter(h, name, PAPI_SDE_RO | PAPI_SDE_DELTA, PAPI_SDE_long_long, &imc_cas[k]) ==
              SDE_OK);
    }
}

/* ---- known loops: real FP work, counted as FP_ARITH counts it ---- */

#define LOOP_N 4000L
static int fma_calls, scalar_calls; /* loop runs (all threads) */

__attribute__((noinline)) static float fma8(long n, tcounts *tc)
{
    float a[8] = {1, 1, 1, 1, 1, 1, 1, 1};
    for (long i = 0; i < n; i++) {
        for (int j = 0; j < 8; j++) a[j] = fmaf(a[j], 0.999999f, 1e-7f); /* one 256-bit FMA */
        tc->c[C_FP_256PS] += 2;       /* FP_ARITH counts an FMA twice */
        tc->c[C_FP_256PS_FMA1] += 1;  /* the broken event: once */
        tc->c[C_CYC] += 4;
        tc->c[C_INS] += 3;
    }
    return a[0] + a[7];
}

static void fma_run(int thread, nnb_papi_executed *ex)
{
    long n = (thread + 1) * LOOP_N;
    volatile float sink = fma8(n, me());
    (void)sink;
    __atomic_add_fetch(&fma_calls, 1, __ATOMIC_RELAXED);
    ex->flops = ex->flops_sp = (double)n * 16;
}

static void scalar_run(int thread, nnb_papi_executed *ex)
{
    long n = (thread + 1) * LOOP_N;
    tcounts *tc = me();
    volatile double x = 1.0;
    for (long i = 0; i < n; i++) {
        x = x * 0.9999999;
        x = x + 1e-9;
        tc->c[C_FP_SD] += 2; /* mulsd + addsd */
    }
    __atomic_add_fetch(&scalar_calls, 1, __ATOMIC_RELAXED);
    ex->flops = ex->flops_dp = (double)n * 2;
}

/* ---- the kernel: thread t does (t + 1) x KERNEL_N FMAs and moves lines ---- */

#define KERNEL_N 3000L
static int kernel_runs;

static void kernel_prepare(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    (void)l, (void)t, (void)ws;
    zero_counters();
}

static void kernel_run(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    (void)l, (void)t, (void)ws;
    __atomic_add_fetch(&kernel_runs, 1, __ATOMIC_RELAXED);
#pragma omp parallel
    {
        long n = (omp_get_thread_num() + 1) * KERNEL_N;
        tcounts *tc = me();
        volatile float sink = fma8(n, tc);
        (void)sink;
        tc->c[C_L1_FILL] += 3 * n;
        tc->c[C_L1_WB] += n;
        tc->c[C_L2_FILL] += 2 * n;
        tc->c[C_L2_WB] += n / 2;
        for (int k = 0; k < NIMC; k++) __atomic_add_fetch(&imc_cas[k], (k + 1) * n, __ATOMIC_RELAXED);
    }
}

static const nnb_kernel sde_kernel = {.name = "sde_fma", .prepare = kernel_prepare, .run = kernel_run};

/* ---- event tables: the good one, and one per broken event ---- */

#define SDE(n) "sde:::nnbtest::" n
static nnb_papi_eventset_desc make_desc(const char *fp256, int per_set)
{
    nnb_papi_eventset_desc d = {
        .label = "SDE emulation of FP_ARITH_INST_RETIRED",
        .component = "sde",
        .events = {{SDE("FP_SCALAR_SINGLE"), NNB_PAPI_FLOPS, 1, 's'}, {SDE("FP_SCALAR_DOUBLE"), NNB_PAPI_FLOPS, 1, 'd'},
                   {SDE("FP_128_PS"), NNB_PAPI_FLOPS, 4, 's'},        {SDE("FP_128_PD"), NNB_PAPI_FLOPS, 2, 'd'},
                   {fp256, NNB_PAPI_FLOPS, 8, 's'},                   {SDE("FP_256_PD"), NNB_PAPI_FLOPS, 4, 'd'},
                   {SDE("FP_512_PS"), NNB_PAPI_FLOPS, 16, 's'},       {SDE("FP_512_PD"), NNB_PAPI_FLOPS, 8, 'd'},
                   {SDE("CYCLES"), NNB_PAPI_CYCLES, 1, 0},            {SDE("INSNS"), NNB_PAPI_INSNS, 1, 0},
                   {SDE("L1_FILL"), NNB_PAPI_L1_FILL, 0, 0},          {SDE("L1_WB"), NNB_PAPI_L1_WB, 0, 0},
                   {SDE("L2_FILL"), NNB_PAPI_L2_FILL, 0, 0},          {SDE("L2_WB"), NNB_PAPI_L2_WB, 0, 0}},
        .flop_events_per_set = per_set,
        .dram = {"sde", SDE("IMC[0-9]*_CAS"), {NULL}, 64, false},
        .unavailable = "",
        .proofs = {{"FMA", NULL, zero_counters, fma_run}, {"scalar", NULL, zero_counters, scalar_run}},
    };
    return d;
}

static double line(int level)
{
    const nnb_cache_level *c = nnb_topo_cache(nnb_topo_get(), level);
    return c && c->geom.line > 0 ? (double)c->geom.line : 64.0;
}

/* Sum over threads t < T of (t + 1) x KERNEL_N. */
static double thread_work(int T) { return (double)KERNEL_N * T * (T + 1) / 2; }

static void test_counts(int T)
{
    nnb_count_request rq = {.kernel = &sde_kernel, .threads = T};
    nnb_counts c;
    char err[512];
    kernel_runs = 0;
    int rc = nnb_counter_papi.measure(&rq, &c, err, sizeof err);
    if (rc != 0) fprintf(stderr, "measure (%d threads): %s\n", T, err);
    CHECK(rc == 0);
    if (rc != 0) return;
    double w = thread_work(T);
    printf("%d thread(s): flops %.0f dram %.0f B, %d kernel runs; %s\n", T, c.flops, c.dram_bytes, kernel_runs,
           c.note);
    CHECK_EQ_I64(c.threads, T);
    CHECK(c.have_flops && c.have_fp_split && c.have_cycles && c.have_insn && c.have_l1 && c.have_l2 && c.have_dram);
    CHECK_NEAR(c.flops, 16 * w, 0);
    CHECK_NEAR(c.flops_sp, 16 * w, 0);
    CHECK_NEAR(c.flops_dp, 0, 0);
    CHECK_NEAR(c.cycles, 4 * w, 0);
    CHECK_NEAR(c.instructions, 3 * w, 0);
    CHECK_NEAR(c.l1_miss_bytes, (3 + 1) * w * line(1), 0);                /* fills + write-backs */
    CHECK_NEAR(c.l2_miss_bytes, (2 + 0.5) * w * line(2), 0);              /* KERNEL_N is even */
    /* the IMC channels are counted once, not once per thread: channel k
     * moved (k + 1) x w lines over the whole run */
    CHECK_NEAR(c.dram_bytes, (1 + 2 + 3) * w * 64, 0);
    /* 8 FLOP events in sets of 4 + the others with them, and the uncore run */
    CHECK_EQ_I64(kernel_runs, 3);
    CHECK(contains(c.note, "3 kernel runs"));
}

static void work_prepare(void *a) { (void)a, zero_counters(); }
static void work_run(void *a) { (void)a, kernel_run(NULL, NULL, NULL); }

/* The hazard the uncore path avoids: the same process-wide counter read by
 * per-thread event sets and summed comes out x threads. */
static void test_per_thread_uncore_multiplies(int T)
{
    const char *name = SDE("IMC0_CAS");
    long long vals[8];
    char err[256];
    nnb_papi_work w = {work_prepare, work_run, NULL};
    CHECK(nnb_papi_count_threads("sde", &name, 1, T, &w, vals, NULL, err, sizeof err) == 0);
    long long sum = 0;
    for (int t = 0; t < T; t++) sum += vals[t];
    CHECK_NEAR((double)sum, T * thread_work(T), 0);
}

/* A table with a broken event must be refused by the probe, saying why. */
static void test_refused(const char *fp256, const char *want)
{
    nnb_papi_eventset_desc d = make_desc(fp256, 4);
    char why[512];
    nnb_papi_use_events(&d);
    int rc = nnb_counter_papi.probe(NULL, why, sizeof why);
    printf("%s: %s\n", fp256, why);
    CHECK(rc == -1);
    CHECK(contains(why, want));
    nnb_counts c;
    nnb_count_request rq = {.kernel = &sde_kernel, .threads = 2};
    CHECK(nnb_counter_papi.measure(&rq, &c, why, sizeof why) == -1 && !c.have_flops);
    nnb_papi_use_events(NULL);
}

static void test_good(void)
{
    /* 8 FLOP events proved in sets of at most 4: each proof loop runs once
     * per set on each of the proof's threads */
    static nnb_papi_eventset_desc d;
    d = make_desc(SDE("FP_256_PS"), 4);
    char why[512];
    fma_calls = scalar_calls = 0;
    nnb_papi_use_events(&d);
    int rc = nnb_counter_papi.probe(NULL, why, sizeof why);
    printf("probe: %s\n", why);
    CHECK(rc == 0);
    CHECK_EQ_I64(fma_calls, 2 * NNB_PAPI_PROOF_THREADS);
    CHECK_EQ_I64(scalar_calls, 2 * NNB_PAPI_PROOF_THREADS);
    for (int T = 1; T <= 4; T *= 2) test_counts(T);
    for (int T = 2; T <= 4; T *= 2) test_per_thread_uncore_multiplies(T);

    /* all 8 in one set where the table allows it: one run per loop and thread */
    static nnb_papi_eventset_desc d8;
    d8 = make_desc(SDE("FP_256_PS"), 8);
    fma_calls = 0;
    nnb_papi_use_events(&d8);
    CHECK(nnb_counter_papi.probe(NULL, why, sizeof why) == 0);
    CHECK_EQ_I64(fma_calls, NNB_PAPI_PROOF_THREADS);
    nnb_papi_use_events(NULL);
}

/* The IMC channels are what the component enumerates, all of them. */
static void test_uncore_enumeration(void)
{
    nnb_papi_eventset_desc d = make_desc(SDE("FP_256_PS"), 4);
    char names[NNB_PAPI_MAX_UNCORE][128], why[256];
    CHECK_EQ_I64(nnb_papi_uncore_events(&d.dram, names, NNB_PAPI_MAX_UNCORE, why, sizeof why), NIMC);
    for (int k = 0; k < NIMC; k++) {
        char want[64];
        snprintf(want, sizeof want, SDE("IMC%d_CAS"), k);
        CHECK_STR(names[k], want);
    }
    nnb_papi_uncore rdwr = {"sde", SDE("IMC[0-9]*_CAS"), {"RD", "WR", NULL}, 64, false};
    CHECK_EQ_I64(nnb_papi_uncore_events(&rdwr, names, NNB_PAPI_MAX_UNCORE, why, sizeof why), 2 * NIMC);
    CHECK_STR(names[1], SDE("IMC0_CAS:WR"));
}

/* PAPI 7.0 answers a version mismatch with PAPI_EINVAL: said as a mismatch. */
static void test_version_mismatch(void)
{
    char why[384];
    int old = PAPI_VERSION_NUMBER(6, 0, 0, 0);
    int rc = PAPI_library_init(old);
    CHECK(rc == PAPI_EINVAL || rc > 0);
    nnb_papi_init_failure(rc, old, why, sizeof why);
    printf("version: %s\n", why);
    CHECK(contains(why, "version mismatch") && contains(why, "PAPI 6.0") && !contains(why, "Invalid argument"));
    char lib[32];
    int v = PAPI_get_opt(PAPI_LIB_VERSION, NULL);
    snprintf(lib, sizeof lib, "is %d.%d", PAPI_VERSION_MAJOR(v), PAPI_VERSION_MINOR(v));
    CHECK(contains(why, lib));
    nnb_papi_init_failure(PAPI_EINVAL, PAPI_VER_CURRENT, why, sizeof why); /* same version: PAPI's own words */
    CHECK(!contains(why, "mismatch") && contains(why, PAPI_strerror(PAPI_EINVAL)));
}

/* The hardware tables: libpfm4 names (never sysfs PMU names), no PAPI
 * presets, FP_ARITH in sets of at most four. */
static void test_tables(void)
{
    size_t n;
    const nnb_papi_eventset_desc *t = nnb_papi_tables(&n);
    CHECK(n >= 4);
    for (size_t i = 0; i < n; i++) {
        int nfp = 0;
        for (int k = 0; k < NNB_PAPI_MAX_EVENTS && t[i].events[k].name; k++) {
            CHECK(strncmp(t[i].events[k].name, "PAPI_", 5) != 0);
            nfp += contains(t[i].events[k].name, "FP_ARITH_INST_RETIRED");
        }
        if (nfp) CHECK(nfp == 8 && t[i].flop_events_per_set >= 1 && t[i].flop_events_per_set <= 4);
        if (t[i].dram.pattern) CHECK(!contains(t[i].dram.pattern, "uncore_") && contains(t[i].dram.pattern, "_unc_imc"));
        CHECK(t[i].unavailable != NULL);
    }
}

int main(void)
{
    register_sde();
    char why[512];
    if (nnb_papi_library(why, sizeof why) != 0) {
        printf("PAPI cannot start: %s\n", why);
        return 77;
    }
    int cidx = PAPI_get_component_index("sde");
    const PAPI_component_info_t *ci = cidx >= 0 ? PAPI_get_component_info(cidx) : NULL;
    CHECK(ci && !ci->disabled); /* linked with libsde: the sde component must be active */
    test_tables();
    test_uncore_enumeration();
    test_good();
    test_refused(SDE("FP_256_PS_FMA1"), "an FMA counted once");
    test_refused(SDE("FP_256_PS_MASTER"), "does not count on worker threads");
    test_refused(SDE("FP_256_PS_PROCESS"), "counts the whole process");
    test_refused(SDE("FP_256_PS_NEVER_REGISTERED"), "not a count");
    test_version_mismatch();
    return nnb_test_done("test_papi_sde");
}
