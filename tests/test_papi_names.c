/* The papi backend's hardware tables hold names libpfm4 resolves, and each
 * is chosen for the core PMU it lists: for every PMU of every table this
 * test re-runs itself with LIBPFM_FORCE_PMU=<pmu> (libpfm4 then programs
 * that PMU's event list whatever the CPU), and there every event of the
 * table must resolve through PAPI (PAPI_event_name_to_code), perf_event
 * must report that PMU, and the backend must select that table. No PMU is
 * needed: names are resolved, never opened. */
#include "counters/counters.h"
#include "counters/papi.h"
#include "nnb_test.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <papi.h>
#include <perfmon/pfmlib.h>

/* names are resolved, never opened: the table choice is asked as if the
 * kernel had the PMU (the diagnosis is test_papi_fake's) */
static bool pmu_device_yes(void) { return true; }

/* whether the installed libpfm4 knows a PMU by this name (emr and
 * amd64_fam1ah_zen5 arrive after 4.13) */
static bool libpfm_knows(const char *pmu)
{
    pfm_pmu_info_t info;
    pfm_pmu_t p;
    if (pfm_initialize() != PFM_SUCCESS) return false;
    pfm_for_all_pmus(p)
    {
        memset(&info, 0, sizeof info);
        info.size = sizeof info;
        if (pfm_get_pmu_info(p, &info) == PFM_SUCCESS && info.name && strcmp(info.name, pmu) == 0) return true;
    }
    return false;
}

static int check_pmu(const char *pmu)
{
    if (!libpfm_knows(pmu)) {
        int v = nnb_papi_ops_get()->libpfm_version();
        printf("%s: skipped (libpfm4 %d.%d does not know this PMU)\n", pmu, v >> 16, v & 0xffff);
        return 77;
    }
    nnb_papi_ops ops = *nnb_papi_ops_get();
    ops.core_pmu_device = pmu_device_yes;
    nnb_papi_set_ops(&ops);
    char why[512];
    if (nnb_papi_library(why, sizeof why) != 0) {
        printf("%s: %s\n", pmu, why);
        return 77;
    }
    int cidx = PAPI_get_component_index("perf_event");
    const PAPI_component_info_t *ci = cidx >= 0 ? PAPI_get_component_info(cidx) : NULL;
    if (!ci || ci->disabled) {
        printf("%s: perf_event disabled even with the PMU forced: %s\n", pmu, ci ? ci->disabled_reason : "");
        return 77; /* e.g. perf_event_paranoid=3: PAPI refuses before libpfm4 is asked */
    }
    CHECK(ci->pmu_names[0] && strcmp(ci->pmu_names[0], pmu) == 0);
    const nnb_papi_eventset_desc *d = nnb_papi_select(NULL, NULL, why, sizeof why);
    CHECK(d != NULL);
    if (!d) return nnb_test_done(pmu);
    bool listed = false;
    for (int k = 0; k < 4 && d->pmus[k]; k++) listed |= strcmp(d->pmus[k], pmu) == 0;
    CHECK(listed);
    for (int i = 0; i < NNB_PAPI_MAX_EVENTS && d->events[i].name; i++) {
        int code, rc = PAPI_event_name_to_code(d->events[i].name, &code);
        if (rc != PAPI_OK) fprintf(stderr, "%s: %s: %s\n", pmu, d->events[i].name, PAPI_strerror(rc));
        CHECK(rc == PAPI_OK);
    }
    return nnb_test_done(pmu);
}

int main(int argc, char **argv)
{
    if (argc == 2) return check_pmu(argv[1]);
    size_t n;
    const nnb_papi_eventset_desc *t = nnb_papi_tables(&n);
    int skipped = 0, ran = 0;
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < 4 && t[i].pmus[k]; k++) {
            fflush(stdout);
            pid_t pid = fork();
            if (pid == 0) {
                setenv("LIBPFM_FORCE_PMU", t[i].pmus[k], 1);
                execl("/proc/self/exe", argv[0], t[i].pmus[k], (char *)NULL);
                _exit(127);
            }
            int st = 0;
            CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st));
            int rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
            if (rc == 77) skipped++;
            else {
                ran++;
                CHECK(rc == 0);
            }
        }
    if (ran == 0 && skipped > 0) {
        printf("every PMU skipped: PAPI's perf_event component is disabled here\n");
        return 77;
    }
    return nnb_test_done("test_papi_names");
}
