/* The speed probe (issue 24): a fixed piece of arithmetic timed on each
 * thread of a kernel's OpenMP team around every timed attempt. On a virtual
 * machine the host can give a vCPU's core to another guest (its sibling
 * hyperthread) or lower its clock: the guest's /proc shows nothing, and a
 * kernel then runs 1.3-1.8x slower for seconds at a time (seen on the
 * 2-vCPU development VM). The probe's time against the best it ever took
 * on the same CPU in this process is the evidence. */
#ifndef NNBENCH_MACHINE_SPEED_PROBE_H
#define NNBENCH_MACHINE_SPEED_PROBE_H

/* The wall time of an OpenMP team of `threads` (placed as the kernels'
 * teams are) running the probe on every thread, the fastest of a few, over
 * the best this team size gave in this process (>= 1), so a single
 * interrupt is not read as a slow machine. The first call for a team size
 * calibrates its best. 0 where the probe could not run. */
double nnb_speed_probe(int threads);

/* Above this ratio the machine ran slower than its best on the team's
 * CPUs; the reason is in speed_probe.c and README "Noise". */
double nnb_speed_probe_max(void);

#endif
