/* The speed probe (speed_probe.h). */
#include "machine/speed_probe.h"

#include <omp.h>
#include <time.h>

#include "util/clock.h"

/* 16 independent multiply-add chains, 16384 steps: ~100-200 us on the CPUs
 * seen (no memory traffic, any ISA the compiler targets). Short enough to
 * run a few times around each attempt at no visible cost, long enough that
 * the team's start and barrier are small beside it. */
#define PROBE_STEPS 16384
#define PROBE_CHAINS 16
/* per call: the fastest of this many team probes (the first wakes the
 * team; the rest find it spinning) */
#define PROBE_TRIES 4
/* the first call for a team size: its best from this many */
#define CALIBRATE_TRIES 12
/* The threshold: quiet, the fastest of 4 team probes lies within 5% of the
 * best at the median and within 21% at the 90th percentile (2 threads,
 * 1,000 calls; 1.05 at p90 with 1 thread, 300 calls; the quiet 2-vCPU
 * Xeon VM, 2026-12-08); a busy sibling hyperthread on the host gave 1.8x, two
 * threads sharing a CPU 2x. 1.25 calls a slowdown that would move a kernel
 * beyond compare's 10% minimum effect; a quiet attempt flagged by the
 * probe's own jitter (5% of 2-thread calls) is re-measured, and is kept
 * marked only if every attempt is. */
#define SPEED_RATIO_MAX 1.25
/* A pause before probing: Intel cores keep the lower clock of AVX-512
 * ("license" levels) for about 2 ms after the last such instruction, so a
 * probe right after an AVX-512 kernel would read the kernel's own clock as
 * a slower machine. */
#define SETTLE_S 2e-3

/* per team size */
#define PROBE_TEAMS 1025
static double best_s[PROBE_TEAMS];
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

double nnb_speed_probe(int threads)
{
    if (threads < 1) threads = 1;
    if (threads >= PROBE_TEAMS) return 0;
    struct timespec settle = {0, (long)(SETTLE_S * 1e9)};
    nanosleep(&settle, NULL);
    /* The team's wall time, not each thread's own: two threads that share a
     * CPU, or a vCPU the host takes away for milliseconds, each still run a
     * short probe at full speed, but the team (as a kernel's, up to its
     * barrier) takes twice as long (2x medians with nothing in /proc, seen on
     * the 2-vCPU VM). The first call for a team size calibrates its best. */
    double best;
#pragma omp atomic read
    best = best_s[threads];
    int tries = best > 0 ? PROBE_TRIES : CALIBRATE_TRIES;
    double fastest = 0;
    for (int i = 0; i < tries; i++) {
        double t0 = nnb_now_s();
#pragma omp parallel num_threads(threads)
        probe_once();
        double dt = nnb_now_s() - t0;
        if (i == 0 || dt < fastest) fastest = dt;
    }
    if (best <= 0 || fastest < best) {
#pragma omp atomic write
        best_s[threads] = fastest;
        best = fastest;
    }
    return best > 0 ? fastest / best : 0;
}

double nnb_speed_probe_max(void)
{
    return SPEED_RATIO_MAX;
}
