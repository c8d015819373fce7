/* The watch around a timed interval (watch.h). */
#include "machine/watch.h"

#include <math.h>
#include <omp.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "machine/speed_probe.h"
#include "util/appendf.h"
#include "util/clock.h"

/* Thresholds. /proc/stat counts in ticks (USER_HZ, 100 per second): two
 * reads of a CPU's counters are each off by up to one tick, so an amount
 * under 2 ticks per watched CPU is no evidence. Above that:
 * - other processes on our CPUs for more than 10% of the interval: a
 *   kernel whose OpenMP team shares a core with another process waits at
 *   every barrier for the thread that lost its core (a 2-thread kernel with
 *   a busy loop on one core ran 20x its minimum, issue 24);
 * - steal above 5%: the hypervisor ran someone else on our vCPUs;
 * - more than 100 involuntary context switches per second (and at least
 *   5): a CPU shared with a busy process switches every few ms (CFS
 *   slices: 110-260/s measured with a busy loop on one of the 2 vCPUs); a
 *   quiet 2-thread run's are the timer's and kernel threads' (4-55/s
 *   measured on the quiet 2-vCPU Xeon VM, 2026-12-08, where kdamond and
 *   kswapd wake on both CPUs: 50/s marked quiet runs). */
#define OTHER_FRAC_MAX 0.10
#define STEAL_FRAC_MAX 0.05
#define IVCSW_PER_S_MAX 100.0
#define IVCSW_MIN 5

static double self_cpu_s(long *nivcsw)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0) {
        *nivcsw = 0;
        return 0;
    }
    *nivcsw = ru.ru_nivcsw;
    return (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_sec +
           1e-6 * (double)ru.ru_stime.tv_usec;
}

void nnb_watch_cpus(nnb_watch *w, int threads)
{
    memset(w->on, 0, sizeof w->on);
    w->cpus = 0;
    if (threads < 1) threads = 1;
    w->threads = threads;
    cpu_set_t all;
    CPU_ZERO(&all);
#pragma omp parallel num_threads(threads)
    {
        cpu_set_t s;
        CPU_ZERO(&s);
        if (sched_getaffinity(0, sizeof s, &s) == 0) {
#pragma omp critical(nnb_watch_cpus)
            CPU_OR(&all, &all, &s);
        }
    }
    for (int c = 0; c < NNB_WATCH_CPUS && c < CPU_SETSIZE; c++)
        if (CPU_ISSET(c, &all)) w->on[c] = 1, w->cpus++;
}

/* Busy (user, nice, system, irq, softirq) and steal ticks summed over the
 * watched CPUs. false when /proc/stat cannot be read. */
static bool read_stat(const nnb_watch *w, unsigned long long *busy, unsigned long long *steal)
{
    FILE *f = fopen("/proc/stat", "r");
    if (!f) return false;
    char line[512];
    *busy = *steal = 0;
    int seen = 0;
    while (fgets(line, sizeof line, f)) {
        int cpu;
        unsigned long long u, n, s, idle, io, irq, sirq, st;
        if (strncmp(line, "cpu", 3) != 0 || line[3] < '0' || line[3] > '9') continue;
        if (sscanf(line, "cpu%d %llu %llu %llu %llu %llu %llu %llu %llu", &cpu, &u, &n, &s, &idle, &io, &irq, &sirq,
                   &st) != 9)
            continue;
        if (cpu < 0 || cpu >= NNB_WATCH_CPUS || !w->on[cpu]) continue;
        *busy += u + n + s + irq + sirq;
        *steal += st;
        seen++;
    }
    fclose(f);
    return seen > 0;
}

static void read_load(double *load1, int *runnable)
{
    FILE *f = fopen("/proc/loadavg", "r");
    int running = 0, total = 0;
    *load1 = 0;
    *runnable = 0;
    if (!f) return;
    if (fscanf(f, "%lf %*f %*f %d/%d", load1, &running, &total) == 3 && running > 0)
        *runnable = running - 1; /* the reading thread is one of them */
    fclose(f);
}

void nnb_watch_begin(nnb_watch *w)
{
    w->probe0 = nnb_speed_probe(w->threads);
    read_load(&w->load1, &w->runnable);
    w->have = w->cpus > 0 && read_stat(w, &w->busy0, &w->steal0);
    w->self0_s = self_cpu_s(&w->nivcsw0);
    w->t0_s = nnb_now_s();
}

void nnb_watch_end(const nnb_watch *w, nnb_watch_result *r)
{
    double wall = nnb_now_s() - w->t0_s;
    long nivcsw;
    double self = self_cpu_s(&nivcsw) - w->self0_s;
    unsigned long long busy = 0, steal = 0;
    memset(r, 0, sizeof *r);
    double probe1 = nnb_speed_probe(w->threads);
    r->speed_probe = fmax(w->probe0, probe1);
    r->load1 = w->load1;
    r->runnable = w->runnable;
    r->cpus = w->cpus;
    r->have = w->have && read_stat(w, &busy, &steal) && wall > 0;
    if (!r->have) return;
    const double tick = 1.0 / (double)sysconf(_SC_CLK_TCK);
    double other = (double)(busy - w->busy0) * tick - self;
    /* two clocks (ticks, rusage): the fraction can read a little over 1 */
    r->other_cpu_frac = other > 0 ? fmin(1.0, other / (wall * w->cpus)) : 0;
    r->steal_frac = (double)(steal - w->steal0) * tick / (wall * w->cpus);
    r->ivcsw_per_s = (double)(nivcsw - w->nivcsw0) / wall;
}

bool nnb_watch_disturbed(const nnb_watch_result *r, double wall_s, char *why, size_t len)
{
    if (len) why[0] = 0;
    size_t o = 0;
    if (r->speed_probe > nnb_speed_probe_max())
        nnb_appendf(why, len, &o, "machine %.2fx slower than its best (speed probe on the team's CPUs; not in /proc: "
                    "host contention or clock)", r->speed_probe);
    if (!r->have || wall_s <= 0) return o > 0;
    const double tick = 1.0 / (double)sysconf(_SC_CLK_TCK);
    const double floor_frac = 2.0 * tick / wall_s; /* 2 ticks per CPU: the resolution */
    if (r->other_cpu_frac > OTHER_FRAC_MAX && r->other_cpu_frac > floor_frac)
        nnb_appendf(why, len, &o, "%sother processes %.0f%% of %d CPU%s", o ? ", " : "", 100 * r->other_cpu_frac,
                    r->cpus, r->cpus == 1 ? "" : "s");
    if (r->steal_frac > STEAL_FRAC_MAX && r->steal_frac > floor_frac)
        nnb_appendf(why, len, &o, "%ssteal %.0f%%", o ? ", " : "", 100 * r->steal_frac);
    if (r->ivcsw_per_s > IVCSW_PER_S_MAX && r->ivcsw_per_s * wall_s >= IVCSW_MIN)
        nnb_appendf(why, len, &o, "%s%.0f involuntary context switches/s", o ? ", " : "", r->ivcsw_per_s);
    return o > 0;
}
