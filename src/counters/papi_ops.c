/* The real nnb_papi_ops: what the papi backend asks the machine.
 *
 * Events of the perf_event components are opened with perf_event_open(2)
 * from libpfm4's encoding of their names (the encoding PAPI's perf_event
 * component itself uses: pfm_get_os_event_encoding, PFM_OS_PERF_EVENT_EXT,
 * user level as PAPI's default domain), because PAPI 7.0 asks the kernel
 * for time enabled/running only when it multiplexes (perf_event.c
 * get_read_format): a group perf accepts but never schedules (Skylake-SP
 * with Hyper-Threading and the NMI watchdog holding a counter) would read
 * 0 through PAPI, silently. Here every read carries both times
 * (PERF_FORMAT_TOTAL_TIME_ENABLED | _RUNNING) and the backend refuses a
 * set that did not run for the whole run.
 *
 * Other components (the sde component of tests/test_papi_sde.c) are PAPI
 * event sets; software counters are never scheduled out, times.known is
 * false for them. */
#include "counters/papi.h"

#include <errno.h>
#include <limits.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <papi.h>
#include <perfmon/pfmlib_perf_event.h>

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

/* x86 core PMUs register as "cpu" (Intel and AMD), "cpu_core"/"cpu_atom"
 * on hybrid Intel; a VM without a virtual PMU has none ("PMU not available
 * due to virtualization" in the kernel log on Intel). */
static bool core_pmu_device(void)
{
    static const char *const dirs[] = {"/sys/bus/event_source/devices/cpu", "/sys/bus/event_source/devices/cpu_core"};
    struct stat st;
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
        if (stat(dirs[i], &st) == 0) return true;
    return false;
}

static const struct _papi_component_option *component(const char *name)
{
    int cidx = PAPI_get_component_index(name);
    return cidx >= 0 ? PAPI_get_component_info(cidx) : NULL;
}

static const struct _papi_hw_info *hardware(void) { return PAPI_get_hardware_info(); }

/* pfm_get_version() gives the API level (4.0 in every 4.x release): the
 * release is the loaded library's file name (libpfm.so.4.13.0). */
static int find_pfm(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    const char *base = info->dlpi_name ? strrchr(info->dlpi_name, '/') : NULL;
    if (!base || strncmp(base, "/libpfm.so", 10) != 0) return 0;
    char real[PATH_MAX];
    int maj = 0, min = 0;
    if (realpath(info->dlpi_name, real) && sscanf(strrchr(real, '/'), "/libpfm.so.%d.%d", &maj, &min) == 2)
        *(int *)data = maj << 16 | min;
    return 1;
}

static int libpfm_version(void)
{
    int v = 0;
    dl_iterate_phdr(find_pfm, &v);
    return v;
}

typedef struct real_set {
    bool perf;              /* perf_event_open fds; else a PAPI event set */
    bool grouped;           /* one group led by fd[0] (core events on this thread) */
    int n;
    int fd[NNB_PAPI_MAX_UNCORE];
    int es;                 /* PAPI event set */
} real_set;

static void close_fds(real_set *s)
{
    for (int i = 0; i < s->n; i++)
        if (s->fd[i] >= 0) close(s->fd[i]);
}

static int errno_code(int e)
{
    switch (e) {
    case ENOENT: return PAPI_ENOEVNT;
    case EACCES: case EPERM: return PAPI_EPERM;
    case ENODEV: case EOPNOTSUPP: return PAPI_ENOSUPP;
    case EINVAL: return PAPI_ECNFLCT;
    default: return PAPI_ESYS;
    }
}

static const char *errno_meaning(int e)
{
    switch (e) {
    case ENOENT: return "ENOENT: the kernel's PMU driver does not know this event";
    case EACCES: case EPERM: return "EACCES: kernel.perf_event_paranoid forbids it";
    case ENODEV: return "ENODEV: no PMU for it";
    case EOPNOTSUPP: return "EOPNOTSUPP: the PMU cannot count it";
    case EINVAL: return "EINVAL: the events do not fit the PMU's counters together";
    default: return strerror(e);
    }
}

static int open_perf(const char *const *names, int n, int cpu, real_set *s, int *bad, char *why, size_t len)
{
    s->perf = true;
    s->grouped = cpu < 0;
    s->n = 0;
    for (int i = 0; i < n; i++) {
        struct perf_event_attr attr;
        pfm_perf_encode_arg_t arg;
        memset(&attr, 0, sizeof attr);
        memset(&arg, 0, sizeof arg);
        arg.attr = &attr;
        arg.size = sizeof arg;
        /* user level, as PAPI's default domain; uncore PMUs have no
         * privilege filter (perf refuses exclude_* there): both levels */
        int plm = cpu < 0 ? PFM_PLM3 : PFM_PLM0 | PFM_PLM3;
        int rc = pfm_get_os_event_encoding(names[i], plm, PFM_OS_PERF_EVENT_EXT, &arg);
        if (rc != PFM_SUCCESS) {
            *bad = i;
            snprintf(why, len, "libpfm4 cannot encode %s: %s", names[i], pfm_strerror(rc));
            close_fds(s);
            return PAPI_ENOEVNT;
        }
        attr.size = sizeof attr;
        attr.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING |
                           (s->grouped ? PERF_FORMAT_GROUP : 0);
        attr.disabled = !s->grouped || i == 0; /* members follow their leader */
        int leader = s->grouped && i > 0 ? s->fd[0] : -1;
        int fd = (int)perf_event_open(&attr, cpu < 0 ? 0 : -1, cpu, leader, 0);
        if (fd < 0) {
            int e = errno;
            *bad = s->grouped && i > 0 && e == EINVAL ? -1 : i;
            snprintf(why, len, "perf_event_open(%s%s): %s", names[i], s->grouped && i > 0 ? ", in a group" : "",
                     errno_meaning(e));
            close_fds(s);
            return errno_code(e);
        }
        s->fd[s->n++] = fd;
    }
    return PAPI_OK;
}

static int open_papi(const char *const *names, int n, real_set *s, int *bad, char *why, size_t len)
{
    s->perf = false;
    s->es = PAPI_NULL;
    int rc = PAPI_register_thread();
    if (rc == PAPI_OK) rc = PAPI_create_eventset(&s->es);
    for (int i = 0; rc == PAPI_OK && i < n; i++)
        if ((rc = PAPI_add_named_event(s->es, names[i])) != PAPI_OK) {
            *bad = i;
            snprintf(why, len, "PAPI cannot add %s: %s", names[i], PAPI_strerror(rc));
        }
    if (rc != PAPI_OK && *bad < 0) snprintf(why, len, "PAPI cannot build an event set: %s", PAPI_strerror(rc));
    if (rc != PAPI_OK && s->es != PAPI_NULL) {
        PAPI_cleanup_eventset(s->es);
        PAPI_destroy_eventset(&s->es);
    }
    return rc;
}

static int ops_open(const char *comp, const char *const *names, int n, int cpu, void **set, int *bad, char *why,
                    size_t len)
{
    *bad = -1;
    *set = NULL;
    if (n > NNB_PAPI_MAX_UNCORE) {
        snprintf(why, len, "more than %d events in one set", NNB_PAPI_MAX_UNCORE);
        return PAPI_EINVAL;
    }
    real_set *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(why, len, "out of memory");
        return PAPI_ENOMEM;
    }
    bool perf = strncmp(comp, "perf_event", 10) == 0;
    if (perf) pfm_initialize(); /* done by PAPI_library_init already; idempotent */
    int rc = perf ? open_perf(names, n, cpu, s, bad, why, len) : open_papi(names, n, s, bad, why, len);
    if (rc != PAPI_OK) {
        free(s);
        return rc;
    }
    *set = s;
    return PAPI_OK;
}

static int ops_start(void *set)
{
    real_set *s = set;
    if (!s->perf) return PAPI_start(s->es);
    for (int i = 0; i < (s->grouped ? 1 : s->n); i++) {
        unsigned long flag = s->grouped ? PERF_IOC_FLAG_GROUP : 0;
        if (ioctl(s->fd[i], PERF_EVENT_IOC_RESET, flag) != 0 || ioctl(s->fd[i], PERF_EVENT_IOC_ENABLE, flag) != 0)
            return errno_code(errno);
    }
    return PAPI_OK;
}

static int ops_stop(void *set, long long *vals, nnb_papi_times *times)
{
    real_set *s = set;
    if (!s->perf) {
        int rc = PAPI_stop(s->es, vals);
        if (rc == PAPI_OK && PAPI_get_multiplex(s->es) > 0) rc = PAPI_EMULPASS; /* never asked for */
        for (int i = 0; i < PAPI_num_events(s->es) && i < NNB_PAPI_MAX_UNCORE; i++) times[i].known = false;
        return rc;
    }
    for (int i = 0; i < (s->grouped ? 1 : s->n); i++)
        if (ioctl(s->fd[i], PERF_EVENT_IOC_DISABLE, s->grouped ? PERF_IOC_FLAG_GROUP : 0) != 0)
            return errno_code(errno);
    if (s->grouped) {
        uint64_t buf[3 + NNB_PAPI_MAX_UNCORE]; /* nr, enabled, running, values */
        ssize_t want = (ssize_t)((3 + s->n) * sizeof(uint64_t));
        if (read(s->fd[0], buf, sizeof buf) != want || buf[0] != (uint64_t)s->n) return PAPI_ESYS;
        for (int i = 0; i < s->n; i++) {
            vals[i] = (long long)buf[3 + i];
            times[i] = (nnb_papi_times){true, (long long)buf[1], (long long)buf[2]};
        }
        return PAPI_OK;
    }
    for (int i = 0; i < s->n; i++) {
        uint64_t buf[3]; /* value, enabled, running */
        if (read(s->fd[i], buf, sizeof buf) != (ssize_t)sizeof buf) return PAPI_ESYS;
        vals[i] = (long long)buf[0];
        times[i] = (nnb_papi_times){true, (long long)buf[1], (long long)buf[2]};
    }
    return PAPI_OK;
}

static void ops_close(void *set)
{
    real_set *s = set;
    if (!s) return;
    if (s->perf) {
        close_fds(s);
    } else if (s->es != PAPI_NULL) {
        PAPI_cleanup_eventset(s->es);
        PAPI_destroy_eventset(&s->es);
    }
    free(s);
}

static const nnb_papi_ops real_ops = {
    nnb_papi_read_paranoid, core_pmu_device, component, hardware, libpfm_version,
    ops_open, ops_start, ops_stop, ops_close,
};

static const nnb_papi_ops *current_ops = &real_ops;

const nnb_papi_ops *nnb_papi_ops_get(void) { return current_ops; }

void nnb_papi_set_ops_raw(const nnb_papi_ops *ops) { current_ops = ops ? ops : &real_ops; }

int nnb_papi_check_times(const char *const *names, const nnb_papi_times *t, int n, char *why, size_t len)
{
    for (int i = 0; i < n; i++) {
        if (!t[i].known) continue;
        if (t[i].running_ns <= 0 && t[i].enabled_ns > 0) {
            snprintf(why, len,
                     "%s was never scheduled (enabled %.3g ms, running 0): its group does not fit the counters "
                     "left free (the NMI watchdog or another perf user holds one)",
                     names[i], t[i].enabled_ns / 1e6);
            return -1;
        }
        if (t[i].running_ns < t[i].enabled_ns) {
            snprintf(why, len,
                     "%s was multiplexed (running %.1f%% of the %.3g ms enabled: another perf user shares the "
                     "counters); a scaled estimate is not a count",
                     names[i], 100.0 * (double)t[i].running_ns / (double)t[i].enabled_ns, t[i].enabled_ns / 1e6);
            return -1;
        }
    }
    return 0;
}
