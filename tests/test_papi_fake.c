/* The papi backend against faked replies of PAPI, perf and sysfs
 * (nnb_papi_set_ops): each cause of a refusal is named the same on Intel
 * and AMD, and a group that was not scheduled for the whole run, or was
 * multiplexed, is never reported as counts.
 *  - no core PMU device: a VM without vPMU (Intel and AMD), bare metal
 *    without a PMU driver;
 *  - perf_event_paranoid: PAPI disables perf_event at exactly 3; above 3
 *    the kernel refuses unprivileged users; 2 is not a cause;
 *  - libpfm4 4.13 not knowing the model (Emerald Rapids 6/207, Zen 5
 *    26/2): named with the libpfm4 release and family/model;
 *  - a FLOP event missing on a real PMU (ENOENT from perf_event_open);
 *  - unscheduled groups (the proof regroups), multiplexed sets (refused). */
#include "counters/counters.h"
#include "counters/papi.h"
#include "nnb_test.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <papi.h>

static bool contains(const char *s, const char *a) { return strstr(s, a) != NULL; }

/* ---- the faked machine ---- */

static int f_paranoid = 2;
static bool f_device = true;
static PAPI_component_info_t f_ci;
static PAPI_hw_info_t f_hw;
static char *f_pmus[4];
static const char *f_missing;      /* an event perf_event_open refuses with ENOENT ("*": all) */
static int f_max_scheduled = 64;   /* groups with more events are accepted but never scheduled */
static bool f_multiplexed;

static int fk_paranoid(void) { return f_paranoid; }
static bool fk_device(void) { return f_device; }
static const struct _papi_component_option *fk_component(const char *name) { return strcmp(name, "perf_event") == 0 ? &f_ci : NULL; }
static const struct _papi_hw_info *fk_hardware(void) { return &f_hw; }
static int fk_libpfm(void) { return 4 << 16 | 13; }

/* per-thread FLOPs the fake loop executed: what the fake counter reads */
static __thread long long tl_flops, tl_lines;
static double f_l1_factor = 1; /* what the fake L1 fill event counts per line streamed */

typedef struct fset { int n; const char *names[8]; long long start, start_lines; } fset;

static int fk_open(const char *comp, const char *const *names, int n, int cpu, void **set, int *bad, char *why,
                   size_t len)
{
    (void)comp, (void)cpu;
    for (int i = 0; i < n; i++)
        if (f_missing && (strcmp(f_missing, "*") == 0 || strcmp(names[i], f_missing) == 0)) {
            *bad = i;
            snprintf(why, len, "perf_event_open(%s): ENOENT: the kernel's PMU driver does not know this event",
                     names[i]);
            return PAPI_ENOEVNT;
        }
    fset *s = calloc(1, sizeof *s);
    s->n = n;
    for (int i = 0; i < n && i < 8; i++) s->names[i] = names[i];
    *set = s;
    return PAPI_OK;
}

static int fk_start(void *set)
{
    ((fset *)set)->start = tl_flops;
    ((fset *)set)->start_lines = tl_lines;
    return PAPI_OK;
}

static int fk_stop(void *set, long long *vals, nnb_papi_times *t)
{
    fset *s = set;
    for (int i = 0; i < s->n; i++) {
        vals[i] = strstr(s->names[i], "FLOPS")   ? tl_flops - s->start
                  : strstr(s->names[i], "L1") ? (long long)(f_l1_factor * (double)(tl_lines - s->start_lines))
                                               : 1000;
        t[i] = (nnb_papi_times){true, 1000000, s->n > f_max_scheduled ? 0 : f_multiplexed ? 400000 : 1000000};
    }
    return PAPI_OK;
}

static void fk_close(void *set) { free(set); }

static const nnb_papi_ops fake = {fk_paranoid, fk_device, fk_component, fk_hardware, fk_libpfm,
                                  fk_open,     fk_start,  fk_stop,      fk_close};

/* a machine: vendor, family/model, the PMU libpfm4 detected ("" none) */
static void machine(const char *vendor, int family, int model, const char *pmu, bool vm)
{
    memset(&f_ci, 0, sizeof f_ci);
    memset(&f_hw, 0, sizeof f_hw);
    snprintf(f_ci.name, sizeof f_ci.name, "perf_event");
    f_ci.num_cntrs = 4;
    f_pmus[0] = pmu[0] ? (char *)pmu : NULL;
    f_pmus[1] = (char *)"perf";
    f_pmus[2] = (char *)"perf_raw";
    f_pmus[3] = NULL;
    int k = 0;
    for (int i = 0; i < 4; i++)
        if (f_pmus[i]) f_ci.pmu_names[k++] = f_pmus[i];
    snprintf(f_hw.vendor_string, sizeof f_hw.vendor_string, "%s", vendor);
    f_hw.cpuid_family = family;
    f_hw.cpuid_model = model;
    f_hw.virtualized = vm;
    snprintf(f_hw.virtual_vendor_string, sizeof f_hw.virtual_vendor_string, "%s", vm ? "KVMKVMKVM" : "");
    f_paranoid = 2, f_device = true, f_missing = NULL, f_max_scheduled = 64, f_multiplexed = false;
    nnb_papi_use_events(NULL);
    nnb_papi_set_ops(&fake);
}

static int probe(char *why, size_t len)
{
    int rc = nnb_counter_papi.probe(NULL, why, len);
    printf("%s %d/%d: %s\n", f_hw.vendor_string, f_hw.cpuid_family, f_hw.cpuid_model, why);
    return rc;
}

/* ---- causes, on both vendors ---- */

static void test_causes(const char *vendor, int family, int model, const char *pmu)
{
    char why[600];
    /* a VM without a virtual PMU: no core PMU device in sysfs */
    machine(vendor, family, model, pmu, true);
    f_device = false;
    CHECK(probe(why, sizeof why) != 0);
    CHECK(contains(why, "virtual machine (KVMKVMKVM) without a virtual PMU") && contains(why, "not the cause"));
    /* the same with the VM's vPMU counting nothing (AMD guests keep the
     * legacy PMU device): every event ENOENT */
    machine(vendor, family, model, pmu, true);
    f_missing = "*";
    CHECK(probe(why, sizeof why) != 0);
    CHECK(contains(why, "virtual machine (KVMKVMKVM) whose virtual PMU counts none") && contains(why, "ENOENT"));
    /* bare metal, no PMU driver */
    machine(vendor, family, model, pmu, false);
    f_device = false;
    CHECK(probe(why, sizeof why) != 0);
    CHECK(contains(why, "no core PMU driver") && !contains(why, "virtual"));
    /* perf_event_paranoid = 3: PAPI disables perf_event, even on a VM */
    machine(vendor, family, model, pmu, true);
    f_paranoid = 3;
    f_ci.disabled = PAPI_EPERM;
    snprintf(f_ci.disabled_reason, sizeof f_ci.disabled_reason, "perf_event support disabled by Linux with paranoid=3");
    CHECK(probe(why, sizeof why) != 0);
    CHECK(contains(why, "perf_event_paranoid is 3") && contains(why, "sysctl kernel.perf_event_paranoid=2") &&
          !contains(why, "virtual machine"));
    /* a real PMU without one FLOP event: refused (FLOPs would be a subset), named */
    machine(vendor, family, model, pmu, false);
    const nnb_papi_eventset_desc *t;
    size_t n;
    t = nnb_papi_tables(&n);
    const char *flop = NULL;
    for (size_t i = 0; i < n && !flop; i++)
        for (int k = 0; k < 4 && t[i].pmus[k]; k++)
            if (strcmp(t[i].pmus[k], pmu) == 0) flop = t[i].events[0].name;
    CHECK(flop != NULL);
    f_missing = flop;
    CHECK(probe(why, sizeof why) != 0);
    CHECK(contains(why, "missing on this PMU") && contains(why, flop) && contains(why, "ENOENT") &&
          contains(why, "libpfm4 4.13"));
}

/* libpfm4 4.13 does not know the model: the PMU device is there, libpfm4
 * detected no core PMU */
static void test_unknown_model(const char *vendor, int family, int model)
{
    char why[600], fm[64];
    machine(vendor, family, model, "", false);
    CHECK(probe(why, sizeof why) != 0);
    snprintf(fm, sizeof fm, "family %d model %d", family, model);
    CHECK(contains(why, "libpfm4 4.13 does not know this CPU") && contains(why, fm) && contains(why, vendor));
}

/* ---- scheduling: a forced table on the faked perf_event ---- */

static void fake_loop(int thread, nnb_papi_executed *ex)
{
    long long f = 1000000LL * (thread + 1);
    tl_flops += f;
    ex->flops = ex->flops_sp = (double)f;
}

static void fake_stream(int thread, nnb_papi_executed *ex)
{
    long long lines = 10000LL * (thread + 1);
    tl_lines += lines;
    ex->lines = (double)lines;
}

static const nnb_papi_eventset_desc fake_desc = {
    "fake FLOPs",
    {"fake", NULL},
    "perf_event",
    {{"FAKE_FLOPS", NNB_PAPI_FLOPS, 1, 's'},
     {"FAKE_CYCLES", NNB_PAPI_CYCLES, 1, 0},
     {"FAKE_INSNS", NNB_PAPI_INSNS, 1, 0},
     {"FAKE_L1_FILL", NNB_PAPI_L1_FILL, 0, 0}},
    4,
    {NULL, NULL, {NULL}, 0, false},
    "",
    {{"fake", NULL, NULL, fake_loop}, {"stream", NULL, NULL, fake_stream}},
};

static void test_scheduling(void)
{
    char why[600];
    /* scheduled: one group of three */
    machine("GenuineIntel", 6, 85, "skx", false);
    nnb_papi_use_events(&fake_desc);
    CHECK(probe(why, sizeof why) == 0 && contains(why, "1 event group proved") && !contains(why, "left out"));
    /* a group of four accepted but never scheduled: regrouped, each alone */
    f_max_scheduled = 1;
    nnb_papi_use_events(&fake_desc);
    CHECK(probe(why, sizeof why) == 0 && contains(why, "4 event groups proved"));
    /* an L1 fill event counting twice the lines streamed: left out, named,
     * and the rest proved again without it */
    f_max_scheduled = 64;
    f_l1_factor = 2;
    nnb_papi_use_events(&fake_desc);
    CHECK(probe(why, sizeof why) == 0 && contains(why, "1 event group proved") &&
          contains(why, "left out: FAKE_L1_FILL (L1 fills failed the stream proof (thread 0: 2e+04 for 1e+04)"));
    f_l1_factor = 1;
    /* multiplexed: refused, never counts */
    f_max_scheduled = 64;
    f_multiplexed = true;
    nnb_papi_use_events(&fake_desc);
    CHECK(probe(why, sizeof why) != 0);
    CHECK(contains(why, "multiplexed (running 40.0%"));
    /* the check every read goes through */
    const char *names[] = {"FAKE_FLOPS"};
    char err[400];
    nnb_papi_times t[1] = {{true, 5000000, 0}};
    CHECK(nnb_papi_check_times(names, t, 1, err, sizeof err) != 0 && contains(err, "never scheduled"));
    t[0].running_ns = 5000000;
    CHECK(nnb_papi_check_times(names, t, 1, err, sizeof err) == 0);
    t[0].known = false; /* a software component: nothing to schedule */
    t[0].running_ns = 0;
    CHECK(nnb_papi_check_times(names, t, 1, err, sizeof err) == 0);
}

int main(void)
{
    test_causes("GenuineIntel", 6, 85, "skx");          /* Skylake-SP / Cascade Lake */
    test_causes("GenuineIntel", 6, 143, "spr");         /* Sapphire Rapids */
    test_causes("AuthenticAMD", 25, 17, "amd64_fam19h_zen4");
    test_causes("AuthenticAMD", 23, 49, "amd64_fam17h_zen2");
    test_unknown_model("GenuineIntel", 6, 207);          /* Emerald Rapids under libpfm4 4.13 */
    test_unknown_model("AuthenticAMD", 26, 2);           /* Zen 5 */
    test_scheduling();
    /* paranoid above 3: the kernel refuses unprivileged users (as root it does not) */
    char why[600];
    machine("AuthenticAMD", 25, 17, "amd64_fam19h_zen4", false);
    f_paranoid = 4;
    CHECK(probe(why, sizeof why) != 0 || geteuid() == 0);
    if (geteuid() != 0) CHECK(contains(why, "perf_event_paranoid is 4"));
    nnb_papi_set_ops(NULL);
    nnb_papi_use_events(NULL);
    return nnb_test_done("test_papi_fake");
}
