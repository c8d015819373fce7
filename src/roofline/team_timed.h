/* Shared by the measuring loops (peak.c, bandwidth.c), nothing else: the
 * timing protocol every ceiling is measured with, and the attribute of the
 * timed loops. Private to the roofline stage. */
#ifndef NNBENCH_ROOFLINE_TEAM_TIMED_H
#define NNBENCH_ROOFLINE_TEAM_TIMED_H

#include "util/clock.h"

/* Timed loops measure the machine and are trivially in bounds: no
 * sanitizer instrumentation, and never inlined into the timing code. */
#define NOSAN __attribute__((no_sanitize("address", "undefined"), noinline))

/* REPn(X): X(0) .. X(n-1), for the unrolled accumulator chains. */
#define REP6(X) X(0) X(1) X(2) X(3) X(4) X(5)
#define REP8(X) REP6(X) X(6) X(7)
#define REP12(X) REP8(X) X(8) X(9) X(10) X(11)

/* Runs BODY (which uses *iters) on every thread of a team: calibrates
 * *iters (shared) until one run takes about min_time_s, then keeps in *best
 * the best of `samples` timed runs (seconds, master's clock between
 * barriers). Interference only ever slows a run down, so the best is the
 * estimate (ERT). Must be reached by every thread of the team; *iters,
 * *stop and *best are shared. */
#define TEAM_TIMED(best, iters, stop, min_time_s, samples, max_iters, BODY)              \
    do {                                                                                  \
        _Pragma("omp master") *(stop) = 0;                                                \
        _Pragma("omp barrier")                                                            \
        for (;;) {                                                                        \
            double t0_ = 0;                                                               \
            _Pragma("omp barrier") _Pragma("omp master") t0_ = nnb_now_s();               \
            BODY;                                                                         \
            _Pragma("omp barrier") _Pragma("omp master")                                  \
            {                                                                             \
                double dt_ = nnb_now_s() - t0_;                                           \
                if (dt_ >= (min_time_s) / 2 || *(iters) >= (max_iters)) {                 \
                    *(stop) = 1;                                                          \
                    if (dt_ < (min_time_s) && *(iters) < (max_iters)) {                   \
                        double f_ = (min_time_s) / (dt_ > 0 ? dt_ : 1e-9);                \
                        *(iters) = (long)((double)*(iters) * f_) + 1;                     \
                    }                                                                     \
                } else {                                                                  \
                    double f_ = dt_ > 0 ? (min_time_s) / dt_ : 16;                        \
                    *(iters) = (long)((double)*(iters) * (f_ > 16 ? 16 : f_ < 2 ? 2 : f_)); \
                }                                                                         \
            }                                                                             \
            _Pragma("omp barrier") if (*(stop)) break;                                    \
        }                                                                                 \
        for (int s_ = 0; s_ < (samples); s_++) {                                          \
            double t0_ = 0;                                                               \
            _Pragma("omp barrier") _Pragma("omp master") t0_ = nnb_now_s();               \
            BODY;                                                                         \
            _Pragma("omp barrier") _Pragma("omp master")                                  \
            {                                                                             \
                double dt_ = nnb_now_s() - t0_;                                           \
                if (dt_ < *(best)) *(best) = dt_;                                         \
            }                                                                             \
        }                                                                                 \
        _Pragma("omp barrier")                                                            \
    } while (0)

#endif
