/* The papi backend's counting: per-thread event sets for core events, and
 * the one place socket-wide (uncore) events are counted, once per socket.
 * An uncore counter sees the whole socket whichever thread reads it, so an
 * uncore event opened per thread and summed counts the socket's traffic
 * once per thread (the DRAM bytes x threads bug). */
#include "counters/papi.h"

#include <ctype.h>
#include <dirent.h>
#include <fnmatch.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <papi.h>

static unsigned long gettid_ul(void) { return (unsigned long)syscall(SYS_gettid); }


/* Groups of the counting team: thread t opens and starts its own. */
typedef struct team_sets {
    const char *component;
    const char *const *names;
    int n, nthreads;
    void **set;
    unsigned long *tid;
    nnb_papi_times *times;     /* nthreads x n */
    int failed_rc;             /* first error seen (0 none) */
    int bad;                   /* the event that failed to open, -1 none */
    char why[256];
} team_sets;

static void team_fail(team_sets *ts, int rc, int bad, const char *why)
{
#pragma omp critical(nnb_papi_team)
    if (!ts->failed_rc) {
        ts->failed_rc = rc;
        ts->bad = bad;
        snprintf(ts->why, sizeof ts->why, "%s", why);
    }
}

static void team_start(team_sets *ts, const nnb_papi_ops *ops)
{
#pragma omp parallel num_threads(ts->nthreads)
    {
        int t = omp_get_thread_num(), bad = -1, rc;
        char why[256] = "";
        ts->tid[t] = gettid_ul();
        rc = ops->open(ts->component, ts->names, ts->n, -1, &ts->set[t], &bad, why, sizeof why);
        if (rc != PAPI_OK) team_fail(ts, rc, bad, why);
        /* every group is built before any starts: a start never overlaps
         * another thread's setup */
#pragma omp barrier
        if (!ts->failed_rc && (rc = ops->start(ts->set[t])) != PAPI_OK) team_fail(ts, rc, -1, "cannot start the group");
    }
}

/* Stops, reads and closes the team's groups; returns how many threads moved. */
static int team_stop(team_sets *ts, const nnb_papi_ops *ops, long long *vals)
{
    int moved = 0;
#pragma omp parallel num_threads(ts->nthreads) reduction(+ : moved)
    {
        int t = omp_get_thread_num();
        if (ts->tid[t] != gettid_ul()) moved++;
        if (ts->set[t]) {
            int rc = ops->stop(ts->set[t], vals + (size_t)t * (size_t)ts->n, ts->times + (size_t)t * (size_t)ts->n);
            if (rc != PAPI_OK && rc != PAPI_ENOTRUN) team_fail(ts, rc, -1, "cannot stop and read the group");
            ops->close(ts->set[t]);
            ts->set[t] = NULL;
        }
    }
    return moved;
}

/* A negative reading is not a count (an SDE placeholder reads -2). */
static int check_counts(const char *const *names, int n, int rows, const long long *vals, char *err,
                        size_t len)
{
    for (int r = 0; r < rows; r++)
        for (int i = 0; i < n; i++)
            if (vals[(size_t)r * (size_t)n + (size_t)i] < 0) {
                snprintf(err, len, "PAPI read %lld for %s (thread/socket %d): a negative reading is not a count",
                         vals[(size_t)r * (size_t)n + (size_t)i], names[i], r);
                return -1;
            }
    return 0;
}

int nnb_papi_count_threads(const char *component, const char *const *names, int n, int nthreads,
                           const nnb_papi_work *w, long long *vals, int *bad_event, char *err, size_t len)
{
    const nnb_papi_ops *ops = nnb_papi_ops_get();
    int T = nthreads > 0 ? nthreads : 1;
    team_sets ts = {.component = component, .names = names, .n = n, .nthreads = T, .bad = -1};
    ts.set = calloc((size_t)T, sizeof *ts.set);
    ts.tid = calloc((size_t)T, sizeof *ts.tid);
    ts.times = calloc((size_t)T * (size_t)(n > 0 ? n : 1), sizeof *ts.times);
    if (bad_event) *bad_event = -1;
    if (!ts.set || !ts.tid || !ts.times) {
        free(ts.set);
        free(ts.tid);
        free(ts.times);
        snprintf(err, len, "out of memory");
        return -1;
    }
    memset(vals, 0, sizeof *vals * (size_t)T * (size_t)n);
    int caller_threads = omp_get_max_threads();
    omp_set_num_threads(T); /* the kernel's team is the counting team */
    if (w->prepare) w->prepare(w->arg);
    team_start(&ts, ops);
    if (!ts.failed_rc) w->run(w->arg);
    int moved = team_stop(&ts, ops, vals);
    omp_set_num_threads(caller_threads);
    int rc = 0;
    if (ts.failed_rc) {
        if (bad_event) *bad_event = ts.bad;
        snprintf(err, len, "on %d thread%s: %s", T, T > 1 ? "s" : "", ts.why);
        rc = -1;
    } else if (moved) {
        snprintf(err, len, "OpenMP changed its worker threads between regions (per-thread counts would be lost)");
        rc = -1;
    }
    for (int t = 0; rc == 0 && t < T; t++) {
        char why[300];
        if (nnb_papi_check_times(names, ts.times + (size_t)t * (size_t)n, n, why, sizeof why) != 0) {
            snprintf(err, len, "thread %d: %s", t, why);
            rc = -2;
        }
    }
    free(ts.set);
    free(ts.tid);
    free(ts.times);
    return rc == 0 ? check_counts(names, n, T, vals, err, len) : rc;
}

/* ---- uncore ---- */

int nnb_papi_uncore_events(const nnb_papi_uncore *u, char names[][128], int max, char *why, size_t len)
{
    if (!u->component) {
        snprintf(why, len, "no DRAM events known for this CPU family");
        return 0;
    }
    int cidx = PAPI_get_component_index(u->component);
    const PAPI_component_info_t *ci = cidx >= 0 ? PAPI_get_component_info(cidx) : NULL;
    if (!ci || ci->disabled) {
        snprintf(why, len, "PAPI component %s %s%.200s", u->component, ci ? "disabled: " : "not built in",
                 ci ? ci->disabled_reason : "");
        return 0;
    }
    int n = 0, code = PAPI_NATIVE_MASK;
    char name[PAPI_MAX_STR_LEN];
    int rc = PAPI_enum_cmp_event(&code, PAPI_ENUM_FIRST, cidx);
    for (; rc == PAPI_OK; rc = PAPI_enum_cmp_event(&code, PAPI_ENUM_EVENTS, cidx)) {
        if (PAPI_event_code_to_name(code, name) != PAPI_OK || fnmatch(u->pattern, name, 0) != 0) continue;
        for (int k = 0; k == 0 || (k < 3 && u->umasks[k]); k++) {
            if (n == max) {
                snprintf(why, len, "more than %d events match %s", max, u->pattern);
                return -1;
            }
            snprintf(names[n++], 128, "%.110s%s%.12s", name, u->umasks[k] ? ":" : "", u->umasks[k] ? u->umasks[k] : "");
        }
    }
    if (n == 0) snprintf(why, len, "no %s event matches %s here", u->component, u->pattern);
    return n;
}

/* The first online CPU of each package (socket), from sysfs; uncore
 * events are opened on one CPU per socket, as perf does. */
static int first_cpu_per_package(int *cpus, int max)
{
    int n = 0;
    DIR *d = opendir("/sys/devices/system/cpu");
    if (!d) return 0;
    int best[256];
    for (int i = 0; i < 256; i++) best[i] = -1;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, "cpu", 3) != 0 || !isdigit((unsigned char)e->d_name[3])) continue;
        int cpu = atoi(e->d_name + 3), pkg = -1;
        char path[320];
        snprintf(path, sizeof path, "/sys/devices/system/cpu/%s/topology/physical_package_id", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f) continue; /* offline */
        if (fscanf(f, "%d", &pkg) != 1) pkg = -1;
        fclose(f);
        if (pkg >= 0 && pkg < 256 && (best[pkg] < 0 || cpu < best[pkg])) best[pkg] = cpu;
    }
    closedir(d);
    for (int p = 0; p < 256 && n < max; p++)
        if (best[p] >= 0) cpus[n++] = best[p];
    return n;
}

int nnb_papi_count_uncore(const nnb_papi_uncore *u, char names[][128], int n, const nnb_papi_work *w,
                          double *bytes, char *err, size_t len)
{
    const nnb_papi_ops *ops = nnb_papi_ops_get();
    int cpus[64], nsets = 1, rc = 0, started = 0;
    void *set[64] = {0};
    long long *vals = calloc(64 * NNB_PAPI_MAX_UNCORE, sizeof *vals);
    nnb_papi_times *times = calloc(64 * NNB_PAPI_MAX_UNCORE, sizeof *times);
    const char *cn[NNB_PAPI_MAX_UNCORE];
    if (!vals || !times) {
        free(vals);
        free(times);
        snprintf(err, len, "out of memory");
        return -1;
    }
    if (n > NNB_PAPI_MAX_UNCORE) n = NNB_PAPI_MAX_UNCORE;
    for (int i = 0; i < n; i++) cn[i] = names[i];
    if (u->per_socket) {
        nsets = first_cpu_per_package(cpus, 64);
        if (nsets == 0) {
            snprintf(err, len, "cannot read the CPU packages from /sys/devices/system/cpu");
            free(vals);
            free(times);
            return -1;
        }
    } else {
        cpus[0] = -1;
    }
    if (w->prepare) w->prepare(w->arg);
    for (int s = 0; s < nsets && rc == 0; s++) {
        int bad = -1;
        char why[256];
        if (ops->open(u->component, cn, n, cpus[s], &set[s], &bad, why, sizeof why) != PAPI_OK) {
            snprintf(err, len, "uncore events%s: %s", cpus[s] >= 0 ? " on their socket" : "", why);
            rc = -1;
        }
    }
    for (int s = 0; s < nsets && rc == 0; s++) {
        if (ops->start(set[s]) != PAPI_OK) {
            snprintf(err, len, "cannot start the uncore events");
            rc = -1;
        } else {
            started++;
        }
    }
    if (rc == 0) w->run(w->arg);
    for (int s = 0; s < started; s++)
        if (ops->stop(set[s], vals + (size_t)s * (size_t)n, times + (size_t)s * (size_t)n) != PAPI_OK && rc == 0) {
            snprintf(err, len, "cannot stop and read the uncore events");
            rc = -1;
        }
    for (int s = 0; s < nsets; s++)
        if (set[s]) ops->close(set[s]);
    for (int s = 0; s < started && rc == 0; s++) {
        char why[300];
        if (nnb_papi_check_times(cn, times + (size_t)s * (size_t)n, n, why, sizeof why) != 0) {
            snprintf(err, len, "socket %d: %s", s, why);
            rc = -1;
        }
    }
    if (rc == 0) rc = check_counts(cn, n, nsets, vals, err, len);
    *bytes = 0;
    for (int s = 0; rc == 0 && s < nsets; s++)
        for (int i = 0; i < n; i++) *bytes += (double)vals[(size_t)s * (size_t)n + (size_t)i] * u->bytes_per_count;
    free(vals);
    free(times);
    return rc;
}
