/* The papi backend's start: PAPI library and thread init, the one-line
 * reasons PAPI cannot count here (version mismatch, perf_event_paranoid,
 * a VM without a virtual PMU, a CPU libpfm4 does not know), and the choice
 * of the event table by the core PMU libpfm4 detected. */
#include "counters/papi.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <papi.h>

int nnb_papi_read_paranoid(void)
{
    FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
    int v = -99;
    if (f) {
        if (fscanf(f, "%d", &v) != 1) v = -99;
        fclose(f);
    }
    return v;
}

void nnb_papi_init_failure(int rc, int header_version, char *why, size_t len)
{
    int lib = PAPI_get_opt(PAPI_LIB_VERSION, NULL);
    bool mismatch = lib > 0 && (lib & 0xffff0000) != (header_version & 0xffff0000);
    if ((rc == PAPI_EINVAL || rc > 0) && mismatch)
        snprintf(why, len,
                 "PAPI version mismatch: nnbench was built against PAPI %d.%d (papi.h) but the libpapi loaded "
                 "is %d.%d.%d.%d; rebuild nnbench against the installed libpapi-dev",
                 PAPI_VERSION_MAJOR(header_version), PAPI_VERSION_MINOR(header_version), PAPI_VERSION_MAJOR(lib),
                 PAPI_VERSION_MINOR(lib), PAPI_VERSION_REVISION(lib), PAPI_VERSION_INCREMENT(lib));
    else if (rc > 0)
        snprintf(why, len, "PAPI_library_init returned version %#x for %#x", (unsigned)rc, (unsigned)header_version);
    else
        snprintf(why, len, "PAPI_library_init failed: %s", PAPI_strerror(rc));
}

void nnb_papi_pmu_diagnosis(const char *disabled_reason, int paranoid, bool virtualized, const char *vm_vendor,
                            char *why, size_t len)
{
    const char *said = disabled_reason && disabled_reason[0] ? disabled_reason : "no reason given";
    if (paranoid >= 3)
        snprintf(why, len,
                 "PMU not usable: kernel.perf_event_paranoid is %d and PAPI (7.0-7.2) disables perf_event at 3 or "
                 "more, even as root; fix: sysctl kernel.perf_event_paranoid=2 (0 for DRAM/uncore events) (PAPI: "
                 "%.120s)",
                 paranoid, said);
    else if (virtualized)
        snprintf(why, len,
                 "PMU not available: virtual machine (%.40s) without a virtual PMU (perf_event_paranoid=%d is not "
                 "the cause); enable the hypervisor's vPMU or run on bare metal (PAPI: %.120s)",
                 vm_vendor && vm_vendor[0] ? vm_vendor : "hypervisor", paranoid, said);
    else
        snprintf(why, len, "PMU not available: %.160s (perf_event_paranoid=%d)", said, paranoid);
}

/* ---- library init, once per process ---- */

static pthread_once_t lib_once = PTHREAD_ONCE_INIT;
static int lib_status = -1;
static char lib_why[384];

static unsigned long thread_id(void) { return (unsigned long)syscall(SYS_gettid); }

static void library_init(void)
{
    int rc = PAPI_library_init(PAPI_VER_CURRENT);
    if (rc != PAPI_VER_CURRENT) {
        nnb_papi_init_failure(rc, PAPI_VER_CURRENT, lib_why, sizeof lib_why);
        return;
    }
    if ((rc = PAPI_thread_init(thread_id)) != PAPI_OK) {
        snprintf(lib_why, sizeof lib_why, "PAPI_thread_init failed: %s", PAPI_strerror(rc));
        return;
    }
    lib_status = 0;
}

int nnb_papi_library(char *why, size_t len)
{
    pthread_once(&lib_once, library_init);
    if (lib_status != 0) snprintf(why, len, "%s", lib_why);
    return lib_status;
}

/* ---- the table for this CPU ---- */

static const nnb_papi_eventset_desc *table_for_pmus(const PAPI_component_info_t *ci, char *pmus, size_t len)
{
    size_t ntab;
    const nnb_papi_eventset_desc *tabs = nnb_papi_tables(&ntab);
    pmus[0] = '\0';
    for (int p = 0; p < PAPI_PMU_MAX && ci->pmu_names[p]; p++) {
        size_t used = strlen(pmus);
        snprintf(pmus + used, len - used, "%s%s", used ? "," : "", ci->pmu_names[p]);
        for (size_t i = 0; i < ntab; i++)
            for (int k = 0; k < 4 && tabs[i].pmus[k]; k++)
                if (strcmp(tabs[i].pmus[k], ci->pmu_names[p]) == 0) return &tabs[i];
    }
    return NULL;
}

const nnb_papi_eventset_desc *nnb_papi_select(const nnb_papi_eventset_desc *forced, char *why, size_t len)
{
    const char *component = forced ? forced->component : "perf_event";
    int cidx = PAPI_get_component_index(component);
    const PAPI_component_info_t *ci = cidx >= 0 ? PAPI_get_component_info(cidx) : NULL;
    const PAPI_hw_info_t *hw = PAPI_get_hardware_info();
    bool vm = hw && hw->virtualized;
    if (!ci || ci->disabled || (!forced && ci->num_cntrs <= 0)) {
        char reason[PAPI_MAX_STR_LEN + 40];
        snprintf(reason, sizeof reason, "%.160s", !ci ? "PAPI has no such component"
                                              : ci->disabled ? ci->disabled_reason
                                                             : "perf_event reports 0 hardware counters");
        if (forced) {
            snprintf(why, len, "PAPI component %s cannot count: %s", component, reason);
            return NULL;
        }
        nnb_papi_pmu_diagnosis(reason, nnb_papi_read_paranoid(), vm, hw ? hw->virtual_vendor_string : "", why, len);
        return NULL;
    }
    if (forced) return forced;
    char pmus[256];
    const nnb_papi_eventset_desc *d = table_for_pmus(ci, pmus, sizeof pmus);
    if (!d)
        snprintf(why, len,
                 "no FLOP event table for this CPU (%s family %#x model %d, %.60s): libpfm4's core PMUs here are "
                 "[%s], none a family nnbench knows (libpfm4 may predate the CPU)",
                 hw ? hw->vendor_string : "?", hw ? hw->cpuid_family : 0, hw ? hw->cpuid_model : 0,
                 hw ? hw->model_string : "?", pmus);
    return d;
}
