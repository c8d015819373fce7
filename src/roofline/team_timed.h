/* Shared by the measuring loops (peak.c, bandwidth.c), nothing else: the
 * timing protocol every ceiling is measured with, and the attribute of the
 * timed loops. Private to the roofline stage. */
#ifndef NNBENCH_ROOFLINE_TEAM_TIMED_H
#define NNBENCH_ROOFLINE_TEAM_TIMED_H

#include "util/clock.h"

/* Timed loops measure the machine and are trivially in bounds: no
 * sanitizer instrumentation, and never inlined into the timing code. */
#define NOSAN __attribute__((no_sanitize("address", "undefined"), noinline))

/* REPn(X, ...): X(0, ...) .. X(n-1, ...), for the unrolled accumulator
 * chains; the extra arguments carry the ISA's vector type and operations. */
#define REP6(X, ...) X(0, __VA_ARGS__) X(1, __VA_ARGS__) X(2, __VA_ARGS__) X(3, __VA_ARGS__) \
    X(4, __VA_ARGS__) X(5, __VA_ARGS__)
#define REP8(X, ...) REP6(X, __VA_ARGS__) X(6, __VA_ARGS__) X(7, __VA_ARGS__)
#define REP12(X, ...) REP8(X, __VA_ARGS__) X(8, __VA_ARGS__) X(9, __VA_ARGS__) X(10, __VA_ARGS__) \
    X(11, __VA_ARGS__)

/* Runs BODY once on every thread of the team, between barriers; the
 * master's clock gives dt_out (set on the master thread only). */
#define TEAM_RUN_TIMED(dt_out, BODY)                                                      \
    do {                                                                                  \
        double t0_ = 0;                                                                   \
        _Pragma("omp barrier") _Pragma("omp master") t0_ = nnb_now_s();                   \
        BODY;                                                                             \
        _Pragma("omp barrier") _Pragma("omp master") (dt_out) = nnb_now_s() - t0_;         \
    } while (0)

/* Runs BODY (which uses *iters) on every thread of a team: calibrates
 * *iters (shared) until one run takes about min_time_s, then keeps in *best
 * the best of `samples` timed runs (seconds). Interference only ever slows
 * a run down, so the best is the estimate (ERT). Must be reached by every
 * thread of the team; *iters, *stop and *best are shared. */
#define TEAM_TIMED(best, iters, stop, min_time_s, samples, max_iters, BODY)              \
    do {                                                                                  \
        _Pragma("omp master") *(stop) = 0;                                                \
        _Pragma("omp barrier")                                                            \
        for (;;) {                                                                        \
            double dt_ = 0;                                                               \
            TEAM_RUN_TIMED(dt_, BODY);                                                    \
            _Pragma("omp master")                                                         \
            {                                                                             \
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
            double dt_ = 0;                                                               \
            TEAM_RUN_TIMED(dt_, BODY);                                                    \
            _Pragma("omp master") if (dt_ < *(best)) *(best) = dt_;                       \
        }                                                                                 \
        _Pragma("omp barrier")                                                            \
    } while (0)

#endif
