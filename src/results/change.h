/* Whether B's time differs from A's beyond the noise (issue 24): the one
 * decision `nnbench compare` prints and --fail-on-slower acts on, and the
 * HTML page colours by.
 *
 * A change is called only when both hold:
 * - a two-sided Mann-Whitney U test over the stored per-repetition samples
 *   rejects "same distribution" at NNB_CHANGE_ALPHA (exact distribution up
 *   to 20 x 20 samples, normal approximation with tie correction above);
 * - the ratio of medians is beyond a minimum effect: the floor (the
 *   run-to-run variation of unchanged code: from the comparison's control
 *   pairs where it has them, else NNB_CHANGE_FLOOR; README "Noise"), or
 *   twice the two runs' combined quartile spread when that is larger.
 * Never on a measurement marked disturbed, nor in a layer whose control
 * moved beyond the floor (undecided, naming why). */
#ifndef NNBENCH_RESULTS_CHANGE_H
#define NNBENCH_RESULTS_CHANGE_H

#include "nnbench/measure.h"

#define NNB_CHANGE_ALPHA 0.01
#define NNB_CHANGE_FLOOR 0.10
/* The floor from controls: this many robust standard deviations of their
 * log ratios (3: an unchanged kernel's ratio lies beyond it about 3 times
 * in 1,000 where the variation is normal), from at least this many pairs. */
#define NNB_CHANGE_CONTROL_SDS 3.0
#define NNB_CHANGE_CONTROLS_MIN 8

/* The run-to-run variation a comparison decides against. */
typedef struct nnb_change_noise {
    double floor;       /* minimum effect's floor, as a fraction */
    int controls;       /* control pairs it was derived from; 0: NNB_CHANGE_FLOOR */
    double control_sd;  /* with controls: robust standard deviation of their log(B/A) */
} nnb_change_noise;

/* The floor from n control ratios B/A (pairs of code that did not change:
 * a library of the same version, on the same machine): 1.4826 x the median
 * absolute deviation of their logs, times NNB_CHANGE_CONTROL_SDS, never
 * below NNB_CHANGE_FLOOR; the constant alone with fewer than
 * NNB_CHANGE_CONTROLS_MIN. */
void nnb_change_noise_from(const double *control_ratio, int n, nnb_change_noise *out);

/* A layer's control, for nnb_change_decide_in: its pair's B/A and name. */
typedef struct nnb_change_control {
    double ratio;       /* 0: the layer has none */
    const char *name;   /* the control kernel, e.g. "onednn" */
} nnb_change_control;

typedef enum { NNB_CHANGE_NONE = 0, NNB_CHANGE_SLOWER, NNB_CHANGE_FASTER, NNB_CHANGE_UNDECIDED } nnb_change_kind;

typedef struct nnb_change {
    nnb_change_kind kind;
    double ratio;       /* B median / A median */
    double p;           /* the test's two-sided p; -1: no test */
    double threshold;   /* minimum effect: B/A beyond 1 + threshold or below 1 / (1 + threshold) */
    char why[448];      /* undecided: which run is disturbed, or why there is no test */
} nnb_change;

/* "-", "slower", "faster", "undecided" */
const char *nnb_change_name(nnb_change_kind k);

/* The decision for A -> B against NNB_CHANGE_FLOOR, no control. */
void nnb_change_decide(const nnb_timing *a, const nnb_timing *b, nnb_change *out);

/* The decision for A -> B against noise, where the layer's control (NULL
 * or ratio 0: none) moved by control->ratio: beyond the floor, the machine
 * ran at another speed while the layer was timed, and nothing in it is
 * called. */
void nnb_change_decide_in(const nnb_timing *a, const nnb_timing *b, const nnb_change_noise *noise,
                          const nnb_change_control *control, nnb_change *out);

/* The same for sums over a network's layers (median = sum of medians,
 * quartiles = sums of quartiles, disturbed when a layer was): no samples
 * to test, so the minimum effect alone decides. */
void nnb_change_decide_total(const nnb_timing *a, const nnb_timing *b, const nnb_change_noise *noise,
                             nnb_change *out);

/* Two-sided p of the Mann-Whitney U test of x[0..n) against y[0..m). */
double nnb_mann_whitney_p(const double *x, int n, const double *y, int m);

#endif
