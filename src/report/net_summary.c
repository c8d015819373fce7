/* The measured network's table and summary record (see net_summary.h). */
#include "report/net_summary.h"

#include "roofline/points.h"

#include <inttypes.h>
#include <string.h>

#include "util/json.h"

const nnb_result *nnb_net_best(const nnb_layer_report *r) { return nnb_layer_best(r); }

void nnb_net_run_totals_compute(const nnb_layer_report *reps, size_t n, nnb_net_run_totals *t)
{
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < n; i++) {
        const nnb_result *b = nnb_net_best(&reps[i]);
        int64_t rep = reps[i].repeat > 0 ? reps[i].repeat : 1;
        if (!b) {
            t->untimed++;
            continue;
        }
        double s = b->time.median_s * (double)rep;
        t->time_p25_s += (b->time.p25_s > 0 ? b->time.p25_s : b->time.median_s) * (double)rep;
        t->time_p75_s += (b->time.p75_s > 0 ? b->time.p75_s : b->time.median_s) * (double)rep;
        t->disturbed += b->time.disturbed;
        t->time_s += s;
        t->time_by_op_s[reps[i].layer.op] += s;
        t->flops_timed += (double)reps[i].analytic.flops * (double)rep;
        t->timed++;
        t->timed_layers += rep;
    }
    t->gflops = t->time_s > 0 ? t->flops_timed / t->time_s * 1e-9 : 0;
}

static void table_row(FILE *f, const nnb_layer_report *r, const nnb_net_run_totals *t)
{
    const nnb_result *b = nnb_net_best(r);
    const char *what = r->module[0] ? r->module : r->human;
    char tm[32], sp[16];
    nnb_fmt_time(b->time.median_s, tm, sizeof tm);
    nnb_fmt_spread(&b->time, sp, sizeof sp);
    double share = t->time_s > 0 ? b->time.median_s * (double)r->repeat / t->time_s : 0;
    fprintf(f, "%4zu  %-44.44s %-8s %4" PRId64 " %10.2f  %-12s %10s %6s %9.2f", r->index, what, nnb_op_name(r->layer.op),
            r->repeat, (double)r->analytic.flops * 1e-6, b->kernel, tm, sp, b->gflops);
    nnb_report_exec_cell(f, b);
    nnb_report_roof_cells(f, b);
    fprintf(f, " %6.1f%%\n", 100.0 * share);
}

/* What was not timed, by op: zero-FLOP ops (relu, dropout, flatten,
 * concat by our convention) and ops no kernel implements. */
static void table_untimed(FILE *f, const nnb_layer_report *reps, size_t n)
{
    int64_t zero[NNB_OP_COUNT] = {0}, nokernel[NNB_OP_COUNT] = {0};
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        if (nnb_net_best(&reps[i])) continue;
        int64_t rep = reps[i].repeat > 0 ? reps[i].repeat : 1;
        if (reps[i].analytic.flops == 0) zero[reps[i].layer.op] += rep;
        else nokernel[reps[i].layer.op] += rep;
        any = true;
    }
    if (!any) return;
    fputs("not timed:", f);
    for (int pass = 0; pass < 2; pass++) {
        const int64_t *c = pass ? nokernel : zero;
        bool first = true;
        for (int op = 0; op < NNB_OP_COUNT; op++)
            if (c[op]) {
                fprintf(f, "%s %s x%" PRId64, first ? "" : ",", nnb_op_name((nnb_op)op), c[op]);
                first = false;
            }
        if (!first) fputs(pass ? " (no kernel implements them);" : " (zero FLOPs by our convention);", f);
    }
    fputc('\n', f);
}

/* The layers whose best kernel's timing never settled, by name: their
 * times (and the total) are not to be trusted. */
static void table_disturbed(FILE *f, const nnb_layer_report *reps, size_t n, const nnb_net_run_totals *t)
{
    if (!t->disturbed) {
        fputs("spread  +-: half the quartile range of the best kernel's repetitions over its median; no layer "
              "disturbed\n", f);
        return;
    }
    fprintf(f, "disturbed  %zu of %zu timed layers (!: other work on their cores; not to be trusted, README \"Noise\"):\n",
            t->disturbed, t->timed);
    for (size_t i = 0; i < n; i++) {
        const nnb_result *b = nnb_net_best(&reps[i]);
        if (b && b->time.disturbed)
            fprintf(f, "  %s %s: %s\n", reps[i].module[0] ? reps[i].module : reps[i].human, b->kernel,
                    b->time.disturbed_why);
    }
}

static void table(FILE *f, const char *model, const nnb_layer_report *reps, size_t n, const nnb_net_run_totals *t,
                  const int64_t sums[3], size_t layers)
{
    fprintf(f, "%4s  %-44s %-8s %4s %10s  %-12s %10s %6s %9s %9s  %-12s %6s  %7s\n", "#", "layer", "op", "x", "MFLOP",
            "best kernel", "time", "+-", "GFLOP/s", "GF/s exec", "bound", "eff", "share");
    bool above = false;
    for (size_t i = 0; i < n; i++)
        if (nnb_net_best(&reps[i])) {
            table_row(f, &reps[i], t);
            above |= nnb_net_best(&reps[i])->roof_above;
        }
    if (above) fputs("!: above its roof even after the compute roof was measured again (the ceilings are low: "
                     "'nnbench roofline --refresh' on an idle machine)\n", f);
    table_untimed(f, reps, n);
    nnb_report_summary(f, NNB_FMT_TABLE, model, sums[0], sums[1], sums[2], layers);
    char tm[32];
    nnb_fmt_time(t->time_s, tm, sizeof tm);
    char lo[32], hi[32];
    nnb_fmt_time(t->time_p25_s, lo, sizeof lo);
    nnb_fmt_time(t->time_p75_s, hi, sizeof hi);
    fprintf(f, "time  %s (quartiles summed: %s..%s) over %zu distinct layers standing for %" PRId64
               " (sum of best median x repeat), %.2f GFLOP/s\nshare",
            tm, lo, hi, t->timed, t->timed_layers, t->gflops);
    for (int op = 0; op < NNB_OP_COUNT; op++)
        if (t->time_by_op_s[op] > 0) fprintf(f, "  %s %.1f%%", nnb_op_name((nnb_op)op), 100.0 * t->time_by_op_s[op] / t->time_s);
    fputc('\n', f);
    table_disturbed(f, reps, n, t);
}

static void summary_json(FILE *f, const char *model, const nnb_net_run_totals *t, const int64_t sums[3], size_t layers)
{
    fputs("{\"schema\":\"nnbench/1\",\"model\":", f);
    nnb_json_str(f, model);
    fprintf(f, ",\"summary\":{\"params\":%" PRId64 ",\"macs\":%" PRId64 ",\"flops\":%" PRId64 ",\"layers\":%zu",
            sums[0], sums[1], sums[2], layers);
    fputs(",\"time_s\":", f);
    nnb_json_num(f, t->time_s);
    fputs(",\"time_p25_s\":", f);
    nnb_json_num(f, t->time_p25_s);
    fputs(",\"time_p75_s\":", f);
    nnb_json_num(f, t->time_p75_s);
    fprintf(f, ",\"disturbed_layers\":%zu", t->disturbed);
    fputs(",\"gflops\":", f);
    nnb_json_num(f, t->gflops);
    fputs(",\"share_by_type\":{", f);
    bool first = true;
    for (int op = 0; op < NNB_OP_COUNT; op++)
        if (t->time_by_op_s[op] > 0) {
            fprintf(f, "%s\"%s\":", first ? "" : ",", nnb_op_name((nnb_op)op));
            nnb_json_num(f, t->time_by_op_s[op] / t->time_s);
            first = false;
        }
    fputs("}}}\n", f);
}

void nnb_net_report(FILE *f, nnb_format fmt, const char *model, const nnb_layer_report *reps, size_t n,
                    const int64_t sums[3], size_t layers)
{
    nnb_net_run_totals t;
    nnb_net_run_totals_compute(reps, n, &t);
    if (fmt == NNB_FMT_JSON) summary_json(f, model, &t, sums, layers);
    else if (fmt == NNB_FMT_TABLE) table(f, model, reps, n, &t, sums, layers);
}

void nnb_net_run_report(FILE *f, nnb_format fmt, const char *model, const nnb_layer_report *reps, size_t n,
                        const int64_t sums[3], size_t layers)
{
    nnb_report_begin(f, fmt, false);
    if (fmt != NNB_FMT_TABLE)
        for (size_t e = 0; e < n; e++) nnb_report_layer(f, fmt, &reps[e], false);
    nnb_net_report(f, fmt, model, reps, n, sums, layers);
}
