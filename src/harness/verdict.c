/* Counts against the kernel's work model. See verdict.h. */
#include "harness/verdict.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util/util.h"

/* 1% of slack below the bytes lower bound (line rounding of small tensors) */
#define BYTES_BELOW_SLACK 0.01
/* above the lower bound: what a cold simulated cache adds by design is still exact */
#define BYTES_ABOVE_SLACK 0.05

static void flops_verdict(const nnb_analytic *a, const nnb_work *w, nnb_result *x)
{
    const double useful = (double)a->flops, model = w->flops;
    const double off_model = model > 0 ? x->flops / model - 1.0 : (x->flops > 0 ? INFINITY : 0.0);
    const double off_useful = useful > 0 ? model / useful - 1.0 : 0.0;
    char *why = x->verdict_work_flops_why;
    const size_t len = sizeof x->verdict_work_flops_why;
    if (fabs(off_model) > w->tolerance) {
        nnb_copy_str(x->verdict_work_flops, sizeof x->verdict_work_flops, "unexplained");
        snprintf(why, len, "measured %+.2f%% off the kernel's model (%.0f executed, %.0f modelled%s%s)",
                 100.0 * off_model, x->flops, model, w->why[0] ? ": " : "", w->why);
    } else if (fabs(off_useful) > w->tolerance) {
        nnb_copy_str(x->verdict_work_flops, sizeof x->verdict_work_flops, "explained");
        snprintf(why, len, "%+.1f%% vs the analytic count: %s", 100.0 * off_useful,
                 w->why[0] ? w->why : "(the model names no cause)");
    } else {
        nnb_copy_str(x->verdict_work_flops, sizeof x->verdict_work_flops, "exact");
        snprintf(why, len, "%s", w->why);
    }
}

static void bytes_verdict(const nnb_analytic *a, const nnb_work *w, nnb_result *x)
{
    const double bound = w->bytes, got = x->dram_bytes;
    char *why = x->verdict_work_bytes_why;
    const size_t len = sizeof x->verdict_work_bytes_why;
    const char *what = w->bytes_why[0] ? w->bytes_why : "bytes_min";
    /* a cold write-allocate cache reads the output's lines before writing them */
    const double cold = bound + (double)a->dst_bytes;
    const char *v;
    if (got < (1.0 - BYTES_BELOW_SLACK) * bound) {
        v = "unexplained";
        snprintf(why, len, "below the kernel's lower bound: %.0f B counted, %.0f B at least (%s)", got, bound, what);
    } else if (got <= (1.0 + BYTES_ABOVE_SLACK) * bound) {
        v = "exact";
        snprintf(why, len, "at the lower bound (%s)", what);
    } else if (got <= (1.0 + BYTES_ABOVE_SLACK) * cold) {
        v = "explained";
        snprintf(why, len, "x%.2f of the lower bound (%s): the output's lines read before written (write-allocate, +%.0f B)",
                 got / bound, what, (double)a->dst_bytes);
    } else {
        v = "unexplained";
        snprintf(why, len, "x%.2f of the lower bound (%s) and x%.2f with write-allocate: lines re-read or buffers outside the model",
                 got / bound, what, got / cold);
    }
    nnb_copy_str(x->verdict_work_bytes, sizeof x->verdict_work_bytes, v);
}

void nnb_work_verdicts(const nnb_analytic *a, const nnb_work *w, nnb_result *x)
{
    x->verdict_work_flops[0] = x->verdict_work_bytes[0] = '\0';
    x->verdict_work_flops_why[0] = x->verdict_work_bytes_why[0] = '\0';
    x->have_work = w->flops >= 0;
    if (!x->have_work) { /* the kernel has no model for this layer: nothing to judge */
        nnb_copy_str(x->work_why, sizeof x->work_why, w->why);
        return;
    }
    x->work_flops = w->flops;
    x->work_bytes = w->bytes;
    x->work_tolerance = w->tolerance;
    nnb_copy_str(x->work_why, sizeof x->work_why, w->why);
    nnb_copy_str(x->work_bytes_why, sizeof x->work_bytes_why, w->bytes_why);
    const double executed = x->have_flops ? x->flops : w->flops;
    x->useful_fraction = executed > 0 ? (double)a->flops / executed : NAN; /* 0/0: no fraction (JSON null) */
    if (x->have_flops) flops_verdict(a, w, x);
    if (x->have_dram && w->bytes > 0) bytes_verdict(a, w, x);
}
