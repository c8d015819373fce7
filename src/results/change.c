/* The change decision (change.h). */
#include "results/change.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *nnb_change_name(nnb_change_kind k)
{
    switch (k) {
    case NNB_CHANGE_SLOWER: return "slower";
    case NNB_CHANGE_FASTER: return "faster";
    case NNB_CHANGE_UNDECIDED: return "undecided";
    default: return "-";
    }
}

#define EXACT_MAX_CELLS 400 /* n x m up to this: exact null distribution */

/* P(U <= u) under the null, exactly, for sizes n, m without ties: the
 * count of arrangements f(i, j, u) = f(i-1, j, u-j) + f(i, j-1, u), as a
 * fraction of C(n+m, n). NAN when out of memory. */
static double exact_cdf(int n, int m, double u)
{
    int umax = n * m;
    size_t row = (size_t)umax + 1;
    double *prev = calloc((size_t)(m + 1) * row, sizeof *prev), *cur = calloc((size_t)(m + 1) * row, sizeof *cur);
    if (!prev || !cur) {
        free(prev);
        free(cur);
        return NAN;
    }
    for (int j = 0; j <= m; j++) prev[(size_t)j * row] = 1; /* i = 0: one arrangement, U = 0 */
    for (int i = 1; i <= n; i++) {
        memset(cur, 0, (size_t)(m + 1) * row * sizeof *cur);
        cur[0] = 1; /* j = 0 */
        for (int j = 1; j <= m; j++)
            for (int v = 0; v <= i * j; v++)
                cur[(size_t)j * row + v] = (v >= j ? prev[(size_t)j * row + v - j] : 0) + cur[(size_t)(j - 1) * row + v];
        double *t = prev;
        prev = cur;
        cur = t;
    }
    double total = 0, below = 0;
    for (int v = 0; v <= umax; v++) {
        total += prev[(size_t)m * row + v];
        if (v <= u + 1e-9) below += prev[(size_t)m * row + v];
    }
    free(prev);
    free(cur);
    return below / total;
}

typedef struct {
    double v;
    int from_x;
} obs;

static int cmp_obs(const void *a, const void *b)
{
    double x = ((const obs *)a)->v, y = ((const obs *)b)->v;
    return (x > y) - (x < y);
}

double nnb_mann_whitney_p(const double *x, int n, const double *y, int m)
{
    if (n < 1 || m < 1) return 1;
    obs *all = malloc(sizeof *all * (size_t)(n + m));
    if (!all) return 1;
    for (int i = 0; i < n; i++) all[i] = (obs){x[i], 1};
    for (int j = 0; j < m; j++) all[n + j] = (obs){y[j], 0};
    qsort(all, (size_t)(n + m), sizeof *all, cmp_obs);
    /* midranks; the tie term for the variance */
    double rank_x = 0, ties = 0;
    for (int i = 0; i < n + m;) {
        int k = i;
        while (k < n + m && all[k].v == all[i].v) k++;
        double mid = 0.5 * (i + 1 + k);
        for (int t = i; t < k; t++)
            if (all[t].from_x) rank_x += mid;
        double c = k - i;
        ties += c * c * c - c;
        i = k;
    }
    free(all);
    double u = rank_x - 0.5 * n * (n + 1.0); /* pairs (x, y) with x > y */
    double mean = 0.5 * n * m, p;
    if (n * m <= EXACT_MAX_CELLS && ties == 0) {
        double lo = exact_cdf(n, m, u), hi = 1 - exact_cdf(n, m, u - 1);
        p = isnan(lo) ? 1 : 2 * (lo < hi ? lo : hi);
    } else {
        double N = n + m;
        double var = n * m / 12.0 * ((N + 1) - ties / (N * (N - 1)));
        if (var <= 0) return 1;
        double z = (fabs(u - mean) - 0.5) / sqrt(var);
        p = z <= 0 ? 1 : erfc(z / sqrt(2.0));
    }
    return p > 1 ? 1 : p;
}

/* The quartile spread as a fraction of the median (a CV that one slow
 * repetition does not inflate: IQR / 1.349 is the standard deviation of a
 * normal distribution). */
static double robust_cv(const nnb_timing *t)
{
    return t->median_s > 0 && t->p75_s >= t->p25_s ? (t->p75_s - t->p25_s) / 1.349 / t->median_s : 0;
}

static int cmp_value(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* v reordered */
static double median_of(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_value);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

void nnb_change_noise_from(const double *control_ratio, int n, nnb_change_noise *out)
{
    memset(out, 0, sizeof *out);
    out->floor = NNB_CHANGE_FLOOR;
    double *l = n > 0 ? malloc(sizeof *l * (size_t)n) : NULL;
    if (!l) return;
    int m = 0;
    for (int i = 0; i < n; i++)
        if (control_ratio[i] > 0 && isfinite(control_ratio[i])) l[m++] = log(control_ratio[i]);
    if (m >= NNB_CHANGE_CONTROLS_MIN) {
        double mid = median_of(l, m);
        for (int i = 0; i < m; i++) l[i] = fabs(l[i] - mid);
        double sd = 1.4826 * median_of(l, m);
        double floor = exp(NNB_CHANGE_CONTROL_SDS * sd) - 1;
        out->controls = m;
        out->control_sd = sd;
        if (floor > out->floor) out->floor = floor;
    }
    free(l);
}

static bool beyond(double ratio, double threshold) { return ratio > 1 + threshold || ratio < 1 / (1 + threshold); }

static void decide(const nnb_timing *a, const nnb_timing *b, bool test, const nnb_change_noise *noise,
                   const nnb_change_control *control, nnb_change *out)
{
    memset(out, 0, sizeof *out);
    out->p = -1;
    out->ratio = a->median_s > 0 ? b->median_s / a->median_s : NAN;
    double ra = robust_cv(a), rb = robust_cv(b);
    double spread = 2 * sqrt(ra * ra + rb * rb);
    double floor = noise ? noise->floor : NNB_CHANGE_FLOOR;
    out->threshold = spread > floor ? spread : floor;
    if (a->disturbed || b->disturbed) {
        out->kind = NNB_CHANGE_UNDECIDED;
        snprintf(out->why, sizeof out->why, "%s%s%s%s%s", a->disturbed ? "A disturbed: " : "",
                 a->disturbed ? a->disturbed_why : "", a->disturbed && b->disturbed ? "; " : "",
                 b->disturbed ? "B disturbed: " : "", b->disturbed ? b->disturbed_why : "");
        return;
    }
    if (control && control->ratio > 0 && beyond(control->ratio, floor)) {
        out->kind = NNB_CHANGE_UNDECIDED;
        snprintf(out->why, sizeof out->why,
                 "the control %s (same library, same machine) moved %.2fx in this layer, beyond the %.0f%% floor: "
                 "the machine ran at another speed",
                 control->name ? control->name : "kernel", control->ratio, 100 * floor);
        return;
    }
    if (!test) { /* the minimum effect alone */
        if (beyond(out->ratio, out->threshold)) out->kind = out->ratio > 1 ? NNB_CHANGE_SLOWER : NNB_CHANGE_FASTER;
        return;
    }
    if (a->nsamples < 2 || b->nsamples < 2 || !(out->ratio > 0)) {
        out->kind = NNB_CHANGE_UNDECIDED;
        snprintf(out->why, sizeof out->why, "no per-repetition samples in %s (written before nnbench stored them)",
                 a->nsamples < 2 && b->nsamples < 2 ? "A and B" : a->nsamples < 2 ? "A" : "B");
        return;
    }
    out->p = nnb_mann_whitney_p(a->samples_s, a->nsamples, b->samples_s, b->nsamples);
    if (out->p < NNB_CHANGE_ALPHA && beyond(out->ratio, out->threshold))
        out->kind = out->ratio > 1 ? NNB_CHANGE_SLOWER : NNB_CHANGE_FASTER;
}

void nnb_change_decide(const nnb_timing *a, const nnb_timing *b, nnb_change *out) { decide(a, b, true, NULL, NULL, out); }

void nnb_change_decide_in(const nnb_timing *a, const nnb_timing *b, const nnb_change_noise *noise,
                          const nnb_change_control *control, nnb_change *out)
{
    decide(a, b, true, noise, control, out);
}

void nnb_change_decide_total(const nnb_timing *a, const nnb_timing *b, const nnb_change_noise *noise,
                             nnb_change *out)
{
    decide(a, b, false, noise, NULL, out);
}
