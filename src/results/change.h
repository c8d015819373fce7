/* Whether B's time differs from A's beyond the noise (issue 24): the one
 * decision `nnbench compare` prints and --fail-on-slower acts on, and the
 * HTML page colours by.
 *
 * A change is called only when both hold:
 * - a two-sided Mann-Whitney U test over the stored per-repetition samples
 *   rejects "same distribution" at NNB_CHANGE_ALPHA (exact distribution up
 *   to 20 x 20 samples, normal approximation with tie correction above);
 * - the ratio of medians is beyond a minimum effect: NNB_CHANGE_FLOOR (the
 *   run-to-run variation of an unchanged binary, README "Noise"), or twice
 *   the two runs' combined quartile spread when that is larger.
 * Never on a measurement marked disturbed (undecided, naming which). */
#ifndef NNBENCH_RESULTS_CHANGE_H
#define NNBENCH_RESULTS_CHANGE_H

#include "nnbench/measure.h"

#define NNB_CHANGE_ALPHA 0.01
#define NNB_CHANGE_FLOOR 0.10

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

/* The decision for A -> B. */
void nnb_change_decide(const nnb_timing *a, const nnb_timing *b, nnb_change *out);

/* The same for sums over a network's layers (median = sum of medians,
 * quartiles = sums of quartiles, disturbed when a layer was): no samples
 * to test, so the minimum effect alone decides. */
void nnb_change_decide_total(const nnb_timing *a, const nnb_timing *b, nnb_change *out);

/* Two-sided p of the Mann-Whitney U test of x[0..n) against y[0..m). */
double nnb_mann_whitney_p(const double *x, int n, const double *y, int m);

#endif
