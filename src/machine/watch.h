/* What else uses the cores a measurement runs on (issue 24). Read around
 * a timed interval: per-CPU busy and steal time from /proc/stat on the CPUs
 * the kernel's OpenMP team may run on, this process's own CPU time and
 * involuntary context switches (getrusage), the load at the start
 * (/proc/loadavg). Other processes' CPU time on those CPUs = their busy
 * time minus ours. And what /proc cannot show: the speed probe
 * (speed_probe.h) on the team's threads before and after. */
#ifndef NNBENCH_MACHINE_WATCH_H
#define NNBENCH_MACHINE_WATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "nnbench/measure.h"

#define NNB_WATCH_CPUS 1024

typedef struct nnb_watch {
    bool have;
    int cpus;
    int threads;                       /* the OpenMP team's size, for the speed probe */
    double probe0;                     /* the speed probe before the interval */
    unsigned char on[NNB_WATCH_CPUS];  /* 1: a watched CPU */
    double t0_s, self0_s;
    unsigned long long busy0, steal0;  /* USER_HZ ticks, summed over the watched CPUs */
    long nivcsw0;
    double load1;
    int runnable;
} nnb_watch;

/* The CPUs of an OpenMP team of `threads` (the union of their affinity
 * masks, as bound by machine/topo). */
void nnb_watch_cpus(nnb_watch *w, int threads);
/* Starts the interval (the CPUs from nnb_watch_cpus). */
void nnb_watch_begin(nnb_watch *w);
/* Ends it: what ran beside us, per second and per CPU. */
void nnb_watch_end(const nnb_watch *w, nnb_watch_result *r);

/* Whether r says the interval of wall_s seconds was disturbed; why with the
 * amount ("other processes 31% of 2 CPUs, 240 involuntary context switches/s").
 * The thresholds and their reasons are in watch.c and README "Noise". */
bool nnb_watch_disturbed(const nnb_watch_result *r, double wall_s, char *why, size_t len);

#endif
