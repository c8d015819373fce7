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

static void libpfm_str(int v, char *out, size_t len)
{
    if (v > 0) snprintf(out, len, "libpfm4 %d.%d", (v >> 16) & 0xffff, v & 0xffff);
    else snprintf(out, len, "libpfm4 (version unknown)");
}

/* PAPI 7.0 (src/components/perf_event/perf_event.c, _pe_handle_paranoid:
 * `if (paranoid_level==3)` -> "perf_event support disabled by Linux with
 * paranoid=3") disables perf_event when perf_event_paranoid is exactly 3
 * (Debian's "no unprivileged use"); above 3 the kernel itself refuses
 * unprivileged users. */
#define PAPI_PARANOID_DISABLES 3

const char *nnb_papi_diagnose(const nnb_papi_env *e, char *why, size_t len)
{
    const char *said = e->papi_disabled && e->papi_disabled[0] ? e->papi_disabled : NULL;
    char pfm[48];
    libpfm_str(e->libpfm_version, pfm, sizeof pfm);
    if (e->paranoid == PAPI_PARANOID_DISABLES && said) {
        snprintf(why, len,
                 "PMU not usable: kernel.perf_event_paranoid is 3 and PAPI (7.0-7.2) disables perf_event there, even "
                 "as root; fix: sysctl kernel.perf_event_paranoid=2 (0 for DRAM/uncore events) (PAPI: %.120s)",
                 said);
        return why;
    }
    if (e->paranoid > PAPI_PARANOID_DISABLES && geteuid() != 0) {
        snprintf(why, len,
                 "PMU not usable: kernel.perf_event_paranoid is %d: the kernel refuses perf_event_open to unprivileged "
                 "users; fix: sysctl kernel.perf_event_paranoid=2, or run as root",
                 e->paranoid);
        return why;
    }
    if (!e->pmu_device) {
        if (e->virtualized)
            snprintf(why, len,
                     "PMU not available: virtual machine (%.40s) without a virtual PMU (no core PMU in "
                     "/sys/bus/event_source/devices; perf_event_paranoid=%d is not the cause); enable the "
                     "hypervisor's vPMU (KVM: -cpu host,pmu=on) or run on bare metal",
                     e->vm_vendor && e->vm_vendor[0] ? e->vm_vendor : "hypervisor", e->paranoid);
        else
            snprintf(why, len,
                     "PMU not available: the kernel registered no core PMU driver (no cpu device in "
                     "/sys/bus/event_source/devices: disabled in firmware, or a kernel without perf support for this "
                     "%.20s CPU family %d model %d)",
                     e->cpu_vendor ? e->cpu_vendor : "?", e->family, e->model);
        return why;
    }
    if (said || !e->pmus || !e->pmus[0]) {
        snprintf(why, len,
                 "PMU not usable: the kernel has a core PMU but %s does not know this CPU (%.20s family %d model %d; "
                 "libpfm4 PMUs here: [%.60s]): a newer libpfm4 (and PAPI built on it) is needed%s%.100s",
                 pfm, e->cpu_vendor ? e->cpu_vendor : "?", e->family, e->model, e->pmus ? e->pmus : "",
                 said ? "; PAPI: " : "", said ? said : "");
        return why;
    }
    return NULL;
}

void nnb_papi_missing_events(const nnb_papi_env *e, const char *label, const char *missing, bool none_opens,
                             char *why, size_t len)
{
    char pfm[48];
    libpfm_str(e->libpfm_version, pfm, sizeof pfm);
    if (none_opens && e->virtualized)
        snprintf(why, len,
                 "PMU not usable: virtual machine (%.40s) whose virtual PMU counts none of the events of %s "
                 "(perf_event_paranoid=%d is not the cause): %.300s",
                 e->vm_vendor && e->vm_vendor[0] ? e->vm_vendor : "hypervisor", label, e->paranoid, missing);
    else
        snprintf(why, len,
                 "PMU not usable: FLOP event%s of %s missing on this %sPMU (%.20s family %d model %d, %s): %.300s",
                 none_opens ? "s" : "", label, e->virtualized ? "virtual " : "", e->cpu_vendor ? e->cpu_vendor : "?",
                 e->family, e->model, pfm, missing);
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
    const nnb_papi_eventset_desc *tabs = nnb_papi_tables(&ntab), *found = NULL;
    pmus[0] = '\0';
    for (int p = 0; p < PAPI_PMU_MAX && ci->pmu_names[p]; p++) {
        size_t used = strlen(pmus);
        snprintf(pmus + used, len - used, "%s%s", used ? "," : "", ci->pmu_names[p]);
        for (size_t i = 0; i < ntab && !found; i++)
            for (int k = 0; k < 4 && tabs[i].pmus[k]; k++)
                if (strcmp(tabs[i].pmus[k], ci->pmu_names[p]) == 0) found = &tabs[i];
    }
    return found;
}

/* libpfm4 lists its generic software PMUs ("perf", "perf_raw") on every
 * CPU: they say nothing about the core. */
static void core_pmus_only(char *pmus)
{
    char out[256] = "", *save = NULL;
    for (char *t = strtok_r(pmus, ",", &save); t; t = strtok_r(NULL, ",", &save))
        if (strcmp(t, "perf") != 0 && strcmp(t, "perf_raw") != 0)
            snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s", out[0] ? "," : "", t);
    strcpy(pmus, out);
}

const nnb_papi_eventset_desc *nnb_papi_select(const nnb_papi_eventset_desc *forced, nnb_papi_env *env_out, char *why,
                                              size_t len)
{
    const nnb_papi_ops *ops = nnb_papi_ops_get();
    const char *component = forced ? forced->component : "perf_event";
    const PAPI_component_info_t *ci = ops->component(component);
    const PAPI_hw_info_t *hw = ops->hardware();
    static char pmus[256];
    pmus[0] = '\0';
    const nnb_papi_eventset_desc *d = forced;
    if (!forced && ci && !ci->disabled) {
        d = table_for_pmus(ci, pmus, sizeof pmus);
        core_pmus_only(pmus);
    }
    nnb_papi_env env = {
        .paranoid = ops->paranoid(),
        .pmu_device = ops->core_pmu_device(),
        .virtualized = hw && hw->virtualized,
        .vm_vendor = hw ? hw->virtual_vendor_string : "",
        .cpu_vendor = hw ? hw->vendor_string : "?",
        .family = hw ? hw->cpuid_family : 0,
        .model = hw ? hw->cpuid_model : 0,
        .libpfm_version = ops->libpfm_version(),
        .papi_disabled = !ci ? "PAPI has no perf_event component" : ci->disabled ? ci->disabled_reason : NULL,
        .pmus = pmus,
    };
    if (env_out) *env_out = env;
    if (forced) {
        if (!ci || ci->disabled) {
            snprintf(why, len, "PAPI component %s cannot count: %.160s", component,
                     !ci ? "PAPI has no such component" : ci->disabled_reason);
            return NULL;
        }
        return forced;
    }
    if (nnb_papi_diagnose(&env, why, len)) return NULL;
    if (!d)
        snprintf(why, len,
                 "no FLOP event table for this CPU (%s family %d model %d, %.60s): libpfm4's core PMUs here are [%s], "
                 "none a family nnbench knows",
                 env.cpu_vendor, env.family, env.model, hw ? hw->model_string : "?", pmus);
    return d;
}
