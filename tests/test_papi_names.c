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

static int check_pmu(const char *pmu)
{
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
    const nnb_papi_eventset_desc *d = nnb_papi_select(NULL, why, sizeof why);
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
