/* Counts against the kernel's work model. See verdict.h. */
#include "harness/verdict.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "counters/counters.h"
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

/* "; instruction fetches 15.5 KB apart" where the backend split them off */
static void fetch_note(const nnb_result *x, char *buf, size_t len)
{
    buf[0] = '\0';
    if (x->have_ifetch && x->dram_ifetch_bytes > 0)
        snprintf(buf, len, "; instruction fetches %.1f KB apart", x->dram_ifetch_bytes / 1000.0);
}

static bool within(double got, double bound)
{
    return got >= (1.0 - BYTES_BELOW_SLACK) * bound && got <= (1.0 + BYTES_ABOVE_SLACK) * bound;
}

/* Data bytes against the model's lower bound: at it (exact); at it once
 * what the counts themselves name is taken off (explained: the runtime's
 * lines, the output's write-allocate, lines hidden by straddling accesses);
 * else unexplained. */
static void bytes_verdict(const nnb_analytic *a, const nnb_work *w, nnb_result *x)
{
    const double bound = w->bytes, got = x->dram_bytes;
    const double runtime = x->have_runtime ? x->dram_runtime_bytes : 0.0, own = got - runtime;
    const double hidden = x->have_runtime ? x->dram_unaligned_bytes : 0.0;
    /* the output's lines read before written, then written back: only where
     * lines were written back at all (a cold simulated cache that never
     * evicts counts each written line once, as bytes_min does) */
    const double wa = x->have_runtime && x->dram_writeback_bytes < (double)a->dst_bytes ? x->dram_writeback_bytes
                                                                                       : (double)a->dst_bytes;
    const double cold = bound + wa;
    char *why = x->verdict_work_bytes_why, fetch[64], rt[320] = "";
    const size_t len = sizeof x->verdict_work_bytes_why;
    const char *what = w->bytes_why[0] ? w->bytes_why : "bytes_min";
    fetch_note(x, fetch, sizeof fetch);
    if (runtime > 0) snprintf(rt, sizeof rt, "; +%.1f KB the runtime touched (%s)", runtime / 1000.0, x->runtime_why);
    const char *v = "explained";
    if (within(got, bound)) {
        v = "exact";
        snprintf(why, len, "x%.3f of the lower bound (%s)%s", got / bound, what, fetch);
    } else if (got > bound && own <= (1.0 + BYTES_ABOVE_SLACK) * bound) { /* the excess is the runtime's */
        snprintf(why, len, "x%.2f of the lower bound (%s)%s%s", got / bound, what, rt, fetch);
    } else if (got > bound && own <= (1.0 + BYTES_ABOVE_SLACK) * bound + w->call_bytes) {
        snprintf(why, len, "x%.2f of the lower bound (%s)%s, and up to %.0f B of the call's descriptors read cold "
                 "(the layer, the kernel context, the ISA statics)%s", got / bound, what, rt, w->call_bytes, fetch);
    } else if (own > bound && wa > 0 && own <= (1.0 + BYTES_ABOVE_SLACK) * cold) {
        snprintf(why, len, "x%.2f of the lower bound (%s): the output's lines read before written (write-allocate, "
                 "up to +%.1f KB: lines written back)%s%s", got / bound, what, wa / 1000.0, rt, fetch);
    } else if (got < bound && got + hidden >= (1.0 - BYTES_BELOW_SLACK) * bound) {
        snprintf(why, len, "x%.3f of the lower bound (%s): callgrind counts an access straddling two missing lines "
                 "as one miss, and unaligned vector accesses took %.1f KB of misses here%s", got / bound, what,
                 hidden / 1000.0, fetch);
    } else {
        v = "unexplained";
        snprintf(why, len, "x%.2f of the lower bound (%s)%s%s: %s", got / bound, what, rt, fetch,
                 got < bound ? "fewer lines than the model's buffers hold" : "lines re-read or buffers outside the model");
    }
    nnb_copy_str(x->verdict_work_bytes, sizeof x->verdict_work_bytes, v);
}

void nnb_result_traffic(nnb_result *x, const nnb_counts *c)
{
    x->have_ifetch = c->have_ifetch;
    x->l1_ifetch_bytes = c->l1_ifetch_bytes;
    x->l2_ifetch_bytes = c->l2_ifetch_bytes;
    x->dram_ifetch_bytes = c->dram_ifetch_bytes;
    x->have_runtime = c->have_runtime;
    x->dram_runtime_bytes = c->dram_runtime_bytes;
    x->dram_unaligned_bytes = c->dram_unaligned_bytes;
    x->dram_writeback_bytes = c->dram_writeback_bytes;
    nnb_copy_str(x->runtime_why, sizeof x->runtime_why, c->runtime_why);
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
