/* The speed probe (speed_probe.h). */
#include "machine/speed_probe.h"

#include <omp.h>
#include <sched.h>
#include <time.h>

#include "util/clock.h"

/* 16 independent multiply-add chains, 4096 steps: ~25-60 us on the CPUs
 * seen (no memory traffic, any ISA the compiler targets). Short enough to
 * run 2 x 3 times per attempt at no visible cost, long enough that the
 * clock's resolution and a cache miss are lost in it. */
#define PROBE_STEPS 4096
#define PROBE_CHAINS 16
/* per thread and call: the fastest of this many probes */
#define PROBE_TRIES 3
/* the first call on a CPU: its best from this many */
#define CALIBRATE_TRIES 12
/* The threshold: quiet, the fastest of 3 probes lies within 5% of the
 * CPU's best (p90 1.04 over 2,000 calls on the 2-vCPU Xeon VM); a sibling
 * hyperthread busy on the host gave 1.8x. 1.25 calls a slowdown that would
 * move a kernel beyond compare's 10% minimum effect, and not the probe's
 * own jitter. */
#define SPEED_RATIO_MAX 1.25
/* A pause before probing: Intel cores keep the lower clock of AVX-512
 * ("license" levels) for about 2 ms after the last such instruction, so a
 * probe right after an AVX-512 kernel would read the kernel's own clock as
 * a slower machine. */
#define SETTLE_S 2e-3

/* per CPU, as the watch's CPU sets (CPU_SETSIZE) */
#define PROBE_CPUS 1024
static double best_s[PROBE_CPUS];
static volatile double probe_sink;
static volatile double probe_mul = 0.99990001, probe_add = 1e-4;

static double probe_once(void)
{
    double a[PROBE_CHAINS];
    const double m = probe_mul, c = probe_add;
    for (int k = 0; k < PROBE_CHAINS; k++) a[k] = 1.0 + 1e-3 * k;
    double t0 = nnb_now_s();
    for (int i = 0; i < PROBE_STEPS; i++)
        for (int k = 0; k < PROBE_CHAINS; k++) a[k] = a[k] * m + c;
    double dt = nnb_now_s() - t0;
    double s = 0;
    for (int k = 0; k < PROBE_CHAINS; k++) s += a[k];
    probe_sink = s;
    return dt;
}

static double fastest(int tries)
{
    double b = 0;
    for (int i = 0; i < tries; i++) {
        double t = probe_once();
        if (i == 0 || t < b) b = t;
    }
    return b;
}

double nnb_speed_probe(int threads)
{
    if (threads < 1) threads = 1;
    struct timespec settle = {0, (long)(SETTLE_S * 1e9)};
    nanosleep(&settle, NULL);
    double worst = 0;
#pragma omp parallel num_threads(threads) reduction(max : worst)
    {
        int cpu = sched_getcpu();
        if (cpu >= 0 && cpu < PROBE_CPUS) {
            /* each CPU's best is written by the thread on it; a thread that
             * migrated mid-probe only makes a ratio a little off */
            double best;
#pragma omp atomic read
            best = best_s[cpu];
            double t = fastest(best > 0 ? PROBE_TRIES : CALIBRATE_TRIES);
            if (best <= 0 || t < best) {
#pragma omp atomic write
                best_s[cpu] = t;
                best = t;
            }
            double r = best > 0 ? t / best : 0;
            if (r > worst) worst = r;
        }
    }
    return worst;
}

double nnb_speed_probe_max(void)
{
    return SPEED_RATIO_MAX;
}
