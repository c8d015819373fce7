#!/bin/sh
# ctest's launcher for the C and Python tests: runs "$@" with
# OMP_NUM_THREADS set to the CPUs this process may use, at most 2. Two
# threads cover the threaded paths on a 2-core machine without 64-thread
# runs on a big one; never more than the CPUs allowed, because nnbench
# refuses more threads than allowed PUs (exit 2): on a 1-CPU machine, under
# `taskset -c 0` or a 1-CPU cgroup cpuset the tests run with 1. The count is
# taken when the test runs (ctest may itself run under taskset), from the
# affinity mask (nproc; OMP_* unset, or nproc would echo them back).
n=$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc 2>/dev/null) || n=1
[ "$n" -gt 2 ] 2>/dev/null && n=2
[ "$n" -ge 1 ] 2>/dev/null || n=1
OMP_NUM_THREADS=$n exec "$@"
