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

/* Event sets of the counting team: thread t builds and starts its own. */
typedef struct team_sets {
    const char *const *names;
    int n, nthreads;
    int *es;
    unsigned long *tid;
    int failed_rc;             /* first PAPI error seen (0 none) */
    const char *failed_event;  /* the event it was adding, if any */
} team_sets;

static void team_start(team_sets *ts)
{
#pragma omp parallel num_threads(ts->nthreads)
    {
        int t = omp_get_thread_num(), rc = PAPI_OK;
        const char *bad = NULL;
        ts->es[t] = PAPI_NULL;
        ts->tid[t] = gettid_ul();
        if ((rc = PAPI_register_thread()) == PAPI_OK) rc = PAPI_create_eventset(&ts->es[t]);
        for (int i = 0; rc == PAPI_OK && i < ts->n; i++)
            if ((rc = PAPI_add_named_event(ts->es[t], ts->names[i])) != PAPI_OK) bad = ts->names[i];
        if (rc != PAPI_OK) {
#pragma omp critical(nnb_papi_team)
            if (!ts->failed_rc) {
                ts->failed_rc = rc;
                ts->failed_event = bad;
            }
        }
        /* every set is built before any starts: a start never overlaps
         * another thread's setup */
#pragma omp barrier
        if (!ts->failed_rc && (rc = PAPI_start(ts->es[t])) != PAPI_OK) {
#pragma omp critical(nnb_papi_team)
            if (!ts->failed_rc) ts->failed_rc = rc;
        }
    }
}

/* Stops and frees the team's sets; returns how many threads moved. */
static int team_stop(team_sets *ts, long long *vals)
{
    int moved = 0;
#pragma omp parallel num_threads(ts->nthreads) reduction(+ : moved)
    {
        int t = omp_get_thread_num();
        if (ts->tid[t] != gettid_ul()) moved++;
        if (ts->es[t] != PAPI_NULL) {
            int rc = PAPI_stop(ts->es[t], vals + (size_t)t * (size_t)ts->n);
            if (rc != PAPI_OK && rc != PAPI_ENOTRUN) {
#pragma omp critical(nnb_papi_team)
                if (!ts->failed_rc) ts->failed_rc = rc;
            }
            PAPI_cleanup_eventset(ts->es[t]);
            PAPI_destroy_eventset(&ts->es[t]);
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

int nnb_papi_count_threads(const char *const *names, int n, int nthreads, const nnb_papi_work *w,
                           long long *vals, char *err, size_t len)
{
    int T = nthreads > 0 ? nthreads : 1;
    team_sets ts = {.names = names, .n = n, .nthreads = T};
    ts.es = malloc(sizeof(int) * (size_t)T);
    ts.tid = calloc((size_t)T, sizeof *ts.tid);
    if (!ts.es || !ts.tid) {
        free(ts.es);
        free(ts.tid);
        snprintf(err, len, "out of memory");
        return -1;
    }
    memset(vals, 0, sizeof *vals * (size_t)T * (size_t)n);
    int caller_threads = omp_get_max_threads();
    omp_set_num_threads(T); /* the kernel's team is the counting team */
    if (w->prepare) w->prepare(w->arg);
    team_start(&ts);
    if (!ts.failed_rc) w->run(w->arg);
    int moved = team_stop(&ts, vals);
    omp_set_num_threads(caller_threads);
    free(ts.es);
    free(ts.tid);
    if (ts.failed_rc) {
        if (ts.failed_event)
            snprintf(err, len, "PAPI could not add %s on all %d threads: %s", ts.failed_event, T,
                     PAPI_strerror(ts.failed_rc));
        else
            snprintf(err, len, "PAPI could not build/start/stop the event set on all %d threads: %s", T,
                     PAPI_strerror(ts.failed_rc));
        return -1;
    }
    if (moved) {
        snprintf(err, len, "OpenMP changed its worker threads between regions (per-thread counts would be lost)");
        return -1;
    }
    return check_counts(names, n, T, vals, err, len);
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

/* An uncore event set: on the component, attached to cpu (>= 0) system-wide. */
static int uncore_set(int cidx, int cpu, char names[][128], int n, int *es, char *err, size_t len)
{
    int rc;
    *es = PAPI_NULL;
    if ((rc = PAPI_create_eventset(es)) != PAPI_OK || (rc = PAPI_assign_eventset_component(*es, cidx)) != PAPI_OK)
        goto fail;
    if (cpu >= 0) {
        PAPI_option_t o;
        memset(&o, 0, sizeof o);
        o.cpu.eventset = *es;
        o.cpu.cpu_num = (unsigned)cpu;
        if ((rc = PAPI_set_opt(PAPI_CPU_ATTACH, &o)) != PAPI_OK) goto fail;
        memset(&o, 0, sizeof o);
        o.granularity.eventset = *es;
        o.granularity.granularity = PAPI_GRN_SYS;
        if ((rc = PAPI_set_opt(PAPI_GRANUL, &o)) != PAPI_OK) goto fail;
    }
    for (int i = 0; i < n; i++)
        if ((rc = PAPI_add_named_event(*es, names[i])) != PAPI_OK) {
            snprintf(err, len, "PAPI cannot add uncore event %s%s: %s", names[i], cpu >= 0 ? " on its socket" : "",
                     PAPI_strerror(rc));
            return -1;
        }
    return 0;
fail:
    snprintf(err, len, "PAPI cannot build an uncore event set%s: %s", cpu >= 0 ? " attached to a CPU" : "",
             PAPI_strerror(rc));
    return -1;
}

int nnb_papi_count_uncore(const nnb_papi_uncore *u, char names[][128], int n, const nnb_papi_work *w,
                          double *bytes, char *err, size_t len)
{
    int cpus[64], nsets = 1, es[64], rc = 0, started = 0;
    long long vals[64 * NNB_PAPI_MAX_UNCORE];
    const char *cn[NNB_PAPI_MAX_UNCORE];
    int cidx = PAPI_get_component_index(u->component);
    if (n > NNB_PAPI_MAX_UNCORE) n = NNB_PAPI_MAX_UNCORE;
    if (u->per_socket) {
        nsets = first_cpu_per_package(cpus, 64);
        if (nsets == 0) {
            snprintf(err, len, "cannot read the CPU packages from /sys/devices/system/cpu");
            return -1;
        }
    } else {
        cpus[0] = -1;
    }
    for (int s = 0; s < nsets; s++) es[s] = PAPI_NULL;
    memset(vals, 0, sizeof vals);
    if (w->prepare) w->prepare(w->arg);
    for (int s = 0; s < nsets && rc == 0; s++) rc = uncore_set(cidx, cpus[s], names, n, &es[s], err, len);
    for (int s = 0; s < nsets && rc == 0; s++) {
        if ((rc = PAPI_start(es[s])) != PAPI_OK) {
            snprintf(err, len, "PAPI cannot start the uncore event set: %s", PAPI_strerror(rc));
            rc = -1;
        } else {
            started++;
        }
    }
    if (rc == 0) w->run(w->arg);
    for (int s = 0; s < started; s++)
        if (PAPI_stop(es[s], vals + (size_t)s * (size_t)n) != PAPI_OK && rc == 0) {
            snprintf(err, len, "PAPI cannot stop the uncore event set");
            rc = -1;
        }
    for (int s = 0; s < nsets; s++)
        if (es[s] != PAPI_NULL) {
            PAPI_cleanup_eventset(es[s]);
            PAPI_destroy_eventset(&es[s]);
        }
    for (int i = 0; i < n; i++) cn[i] = names[i];
    if (rc != 0 || check_counts(cn, n, nsets, vals, err, len) != 0) return -1;
    *bytes = 0;
    for (int s = 0; s < nsets; s++)
        for (int i = 0; i < n; i++) *bytes += (double)vals[(size_t)s * (size_t)n + (size_t)i] * u->bytes_per_count;
    return 0;
}
