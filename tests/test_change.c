/* The statistics behind spread and compare (issue 24): the quartiles and
 * CV of a timing, the Mann-Whitney p against its exact values, and the
 * change decision on crafted timings (the real-noise halves are
 * test_noise_busy.sh and test_compare_noise.sh). */
#include "nnb_test.h"

#include "nnbench/measure.h"
#include "results/change.h"

static void timing(nnb_timing *t, double base, double step, int n)
{
    double v[NNB_SAMPLES_MAX];
    memset(t, 0, sizeof *t);
    for (int i = 0; i < n; i++) v[i] = base + step * ((i * 7) % n); /* shuffled order */
    nnb_timing_from_samples(t, v, n);
}

static void test_stats(void)
{
    nnb_timing t;
    double v[5] = {5, 1, 4, 2, 3};
    nnb_timing_from_samples(&t, v, 5);
    CHECK_NEAR(t.median_s, 3, 0);
    CHECK_NEAR(t.p25_s, 2, 0);
    CHECK_NEAR(t.p75_s, 4, 0);
    CHECK_NEAR(t.min_s, 1, 0);
    CHECK_NEAR(t.max_s, 5, 0);
    CHECK_NEAR(t.cv, sqrt(2.5) / 3, 1e-15);
    CHECK_EQ_I64(t.nsamples, 5);
    CHECK_NEAR(t.samples_s[0], 5, 0); /* in the order they ran */
    /* more reps than kept: a systematic sample, every n/64-th */
    double w[200];
    for (int i = 0; i < 200; i++) w[i] = i;
    nnb_timing_from_samples(&t, w, 200);
    CHECK_EQ_I64(t.nsamples, NNB_SAMPLES_MAX);
    CHECK_NEAR(t.samples_s[1], 200 / 64, 0);
    CHECK_NEAR(t.median_s, 99.5, 0);
    /* the threshold: 10% plus 3 us over the repetition */
    CHECK_NEAR(nnb_cv_threshold(1e-3), 0.103, 1e-12);
}

static void test_mann_whitney(void)
{
    double a[5] = {1, 2, 3, 4, 5}, b[5] = {6, 7, 8, 9, 10}, c[5] = {1.5, 2.5, 3.5, 4.5, 5.5};
    /* fully separated 5 against 5: 2 of the C(10,5) = 252 arrangements */
    CHECK_NEAR(nnb_mann_whitney_p(a, 5, b, 5), 2.0 / 252, 1e-12);
    CHECK_NEAR(nnb_mann_whitney_p(b, 5, a, 5), 2.0 / 252, 1e-12);
    /* interleaved: U = 10 of 25; 87 of the 252 arrangements have U <= 10 */
    CHECK_NEAR(nnb_mann_whitney_p(a, 5, c, 5), 2 * 87.0 / 252, 1e-12);
    /* all tied: no evidence */
    double t[4] = {1, 1, 1, 1};
    CHECK_NEAR(nnb_mann_whitney_p(t, 4, t, 4), 1, 0);
    /* 3 against 3, separated: 2/20 > 0.01, never a change */
    CHECK_NEAR(nnb_mann_whitney_p(a, 3, b, 3), 0.1, 1e-12);
}

static void test_decide(void)
{
    nnb_timing a, b;
    nnb_change ch;
    timing(&a, 1e-3, 1e-6, 21); /* 1 ms, spread 2% */
    timing(&b, 1e-3, 1e-6, 21);
    nnb_change_decide(&a, &b, &ch);
    CHECK(ch.kind == NNB_CHANGE_NONE);
    CHECK_NEAR(ch.ratio, 1, 0);
    CHECK_NEAR(ch.threshold, NNB_CHANGE_FLOOR, 0);
    timing(&b, 2e-3, 2e-6, 21); /* twice as slow */
    nnb_change_decide(&a, &b, &ch);
    CHECK(ch.kind == NNB_CHANGE_SLOWER);
    CHECK(ch.p < NNB_CHANGE_ALPHA);
    nnb_change_decide(&b, &a, &ch);
    CHECK(ch.kind == NNB_CHANGE_FASTER);
    timing(&b, 1.05e-3, 1e-6, 21); /* significant, but under the minimum effect */
    nnb_change_decide(&a, &b, &ch);
    CHECK(ch.p < NNB_CHANGE_ALPHA);
    CHECK(ch.kind == NNB_CHANGE_NONE);
    timing(&b, 2e-3, 2e-6, 21);
    b.disturbed = true;
    snprintf(b.disturbed_why, sizeof b.disturbed_why, "steal 30%%");
    nnb_change_decide(&a, &b, &ch);
    CHECK(ch.kind == NNB_CHANGE_UNDECIDED);
    CHECK_STR(ch.why, "B disturbed: steal 30%");
    /* a wide spread raises the minimum effect: 1.3x with quartiles 50% apart */
    timing(&a, 1e-3, 5e-5, 21);
    timing(&b, 1.3e-3, 5e-5, 21);
    nnb_change_decide(&a, &b, &ch);
    CHECK(ch.threshold > 0.3);
    CHECK(ch.kind == NNB_CHANGE_NONE);
    /* an older file: no samples */
    b.nsamples = 0;
    nnb_change_decide(&a, &b, &ch);
    CHECK(ch.kind == NNB_CHANGE_UNDECIDED);
}

/* The floor from control pairs: 3 robust standard deviations of their log
 * ratios, never below the constant, the constant with too few; a layer whose
 * control moved beyond the floor is not called. */
static void test_controls(void)
{
    nnb_change_noise n;
    double r[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    nnb_change_noise_from(r, 9, &n);
    CHECK_EQ_I64(n.controls, 9);
    CHECK_NEAR(n.control_sd, 0, 0);
    CHECK_NEAR(n.floor, NNB_CHANGE_FLOOR, 0);
    /* logs +-0.2 around 0: MAD 0.2 (five of nine at |0.2|), sd 1.4826 x 0.2 */
    double e = exp(0.2);
    double w[9] = {1, e, 1 / e, e, 1 / e, e, 1 / e, 1, 1};
    nnb_change_noise_from(w, 9, &n);
    CHECK_NEAR(n.control_sd, 1.4826 * 0.2, 1e-12);
    CHECK_NEAR(n.floor, exp(NNB_CHANGE_CONTROL_SDS * 1.4826 * 0.2) - 1, 1e-12);
    /* too few: the constant */
    nnb_change_noise_from(w, NNB_CHANGE_CONTROLS_MIN - 1, &n);
    CHECK_EQ_I64(n.controls, 0);
    CHECK_NEAR(n.floor, NNB_CHANGE_FLOOR, 0);
    /* a non-ratio is left out */
    w[0] = 0;
    nnb_change_noise_from(w, 9, &n);
    CHECK_EQ_I64(n.controls, 8);

    nnb_timing a, b;
    nnb_change ch;
    nnb_change_noise_from(r, 9, &n); /* floor 10% */
    timing(&a, 1e-3, 1e-6, 21);
    timing(&b, 2e-3, 2e-6, 21);
    nnb_change_control quiet = {1.02, "onednn"}, moved = {1.8, "onednn"};
    nnb_change_decide_in(&a, &b, &n, &quiet, &ch);
    CHECK(ch.kind == NNB_CHANGE_SLOWER);
    nnb_change_decide_in(&a, &b, &n, &moved, &ch);
    CHECK(ch.kind == NNB_CHANGE_UNDECIDED);
    CHECK(strstr(ch.why, "onednn") && strstr(ch.why, "1.80x"));
    /* a wider floor: 2x is no longer beyond it, nor is the control's 1.8x */
    double wide[8] = {1, exp(0.3), exp(-0.3), exp(0.3), exp(-0.3), exp(0.3), exp(-0.3), 1};
    nnb_change_noise_from(wide, 8, &n);
    CHECK(n.floor > 1.0);
    nnb_change_decide_in(&a, &b, &n, &moved, &ch);
    CHECK(ch.kind == NNB_CHANGE_NONE);
    CHECK_NEAR(ch.threshold, n.floor, 0);
    /* the total: the floor too */
    nnb_change_decide_total(&a, &b, &n, &ch);
    CHECK(ch.kind == NNB_CHANGE_NONE);
    nnb_change_noise_from(r, 9, &n);
    nnb_change_decide_total(&a, &b, &n, &ch);
    CHECK(ch.kind == NNB_CHANGE_SLOWER);
}

int main(void)
{
    NNB_RUN(test_stats);
    NNB_RUN(test_mann_whitney);
    NNB_RUN(test_decide);
    NNB_RUN(test_controls);
    return nnb_test_done("test_change");
}
