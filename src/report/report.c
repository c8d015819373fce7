/* Report writers. JSON keys and meanings are the contract in DESIGN.md;
 * more keys may be added, none renamed. */
#include "report/report.h"
#include "report/levels.h"

#include "ops/op.h"
#include "util/clock.h"
#include "util/json.h"
#include "results/record.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

char *nnb_fmt_count(int64_t v, char *buf, size_t len)
{
    char raw[32];
    snprintf(raw, sizeof raw, "%" PRId64, v < 0 ? -v : v);
    size_t n = strlen(raw), o = 0;
    char tmp[48];
    if (v < 0) tmp[o++] = '-';
    for (size_t i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0) tmp[o++] = ',';
        tmp[o++] = raw[i];
    }
    tmp[o] = 0;
    snprintf(buf, len, "%s", tmp);
    return buf;
}

char *nnb_fmt_si(double v, const char *unit, char *buf, size_t len)
{
    static const char *const pre[] = {"", "K", "M", "G", "T", "P"};
    int i = 0;
    double a = fabs(v);
    while (a >= 1000.0 && i < 5) {
        a /= 1000.0;
        v /= 1000.0;
        i++;
    }
    if (i == 0 && v == floor(v)) snprintf(buf, len, "%.0f %s", v, unit);
    else snprintf(buf, len, "%.*f %s%s", a >= 100 ? 1 : a >= 10 ? 2 : 3, v, pre[i], unit);
    return buf;
}


/* ---- table ---- */

/* What the FLOPs figure counts: the op's rule (ops/). */
static const char *flops_rule(nnb_op op, const nnb_analytic *a)
{
    const nnb_op_info *info = nnb_op_get(op);
    if (!info) return "no arithmetic";
    return a->bias_adds && info->flops_rule_bias ? info->flops_rule_bias : info->flops_rule;
}

static void table_header(FILE *f, const nnb_layer_report *r)
{
    const nnb_analytic *a = &r->analytic;
    char b1[48], b2[48], b3[48], b4[48], b5[48], b6[48];
    fprintf(f, "layer     %s%s%s\n", r->layer.name[0] ? r->layer.name : "", r->layer.name[0] ? ": " : "", r->human);
    fprintf(f, "benchdnn  %s\n", r->benchdnn);
    fprintf(f, "spec      %s\n", r->spec);
    fprintf(f, "params    %-16s MACs %-14s FLOPs %-14s (%s)\n", nnb_fmt_count(a->params, b1, sizeof b1),
            nnb_fmt_count(a->macs, b2, sizeof b2), nnb_fmt_count(a->flops, b3, sizeof b3), flops_rule(r->layer.op, a));
    fprintf(f, "bytes     min %-12s write-alloc %-12s workspace %-12s AI %.2f flop/B (%.2f with write-allocate)\n",
            nnb_fmt_si((double)a->bytes_min, "B", b4, sizeof b4),
            nnb_fmt_si((double)a->bytes_write_allocate, "B", b5, sizeof b5),
            nnb_fmt_si((double)a->workspace_bytes, "B", b6, sizeof b6), a->ai, a->ai_write_allocate);
    const nnb_op_info *op = nnb_op_get(r->layer.op);
    if (op && op->valid_taps) {
        fprintf(f, "valid     benchdnn valid-tap MACs %s", nnb_fmt_count(a->macs_valid, b1, sizeof b1));
        if (op->transposed)
            fprintf(f, ", output-based MACs %s", nnb_fmt_count(a->macs_deconv_output, b2, sizeof b2));
        fputc('\n', f);
    }
    /* footprint_mb is binary (MiB, torchsummary's unit); the bytes line above is decimal MB */
    fprintf(f, "memory    input %.2f MiB, fwd/bwd pass %.2f MiB, params %.2f MiB, total %.2f MiB\n", a->input_mb,
            a->pass_mb, a->params_mb, a->total_mb);
    if (r->have_rf)
        fprintf(f, "field     receptive field %lldx%lld input pixels, jump %lldx%lld, first centre (%.1f, %.1f)\n",
                (long long)r->rf.rf_h, (long long)r->rf.rf_w, (long long)r->rf.jump_h, (long long)r->rf.jump_w,
                r->rf.start_h, r->rf.start_w);
}

/* Table form of a FLOPs verdict: pass, pass-bf (bias folded), pass-vt
 * (valid taps), pass-vf (both), fail. */
static const char *short_verdict(const char *v)
{
    if (strcmp(v, "pass (bias folded)") == 0) return "pass-bf";
    if (strcmp(v, "pass (valid taps)") == 0) return "pass-vt";
    if (strcmp(v, "pass (valid, folded)") == 0) return "pass-vf";
    return v;
}

/* The x-analytic verdict as the table shows it: a count off the formula
 * that the kernel's own work model explains reads "work" (its why is on
 * the work line), not "fail". */
static const char *table_verdict(const nnb_result *x)
{
    const char *w = x->verdict_work_flops;
    if (strcmp(x->verdict_flops, "fail") == 0 && (strcmp(w, "exact") == 0 || strcmp(w, "explained") == 0)) return "work";
    return short_verdict(x->verdict_flops);
}

void nnb_fmt_time(double s, char *buf, size_t len)
{
    if (!isfinite(s)) snprintf(buf, len, "-");
    else if (s >= 1.0) snprintf(buf, len, "%.3f s", s);
    else if (s >= 1e-3) snprintf(buf, len, "%.3f ms", s * 1e3);
    else snprintf(buf, len, "%.2f us", s * 1e6);
}

/* Per kernel: executed FLOPs by its work model and measured, the useful
 * fraction (analytic / executed) and the verdicts against the model. */
static void table_work(FILE *f, const nnb_layer_report *r)
{
    bool any = false;
    for (size_t i = 0; i < r->nresults; i++) any |= r->results[i].have_work;
    if (!any) return;
    fprintf(f, "work      executed FLOPs per kernel (model / measured), useful = analytic / executed:\n");
    for (size_t i = 0; i < r->nresults; i++) {
        const nnb_result *x = &r->results[i];
        char m[32], c[32];
        if (!x->have_work) {
            fprintf(f, "          %-18s no model: %s\n", x->kernel, x->work_why);
            continue;
        }
        char u[16] = "-";
        if (isfinite(x->useful_fraction)) snprintf(u, sizeof u, "%.3f", x->useful_fraction);
        fprintf(f, "          %-18s %12s / %-12s useful %s", x->kernel, nnb_fmt_si(x->work_flops, "", m, sizeof m),
                x->have_flops ? nnb_fmt_si(x->flops, "", c, sizeof c) : "-", u);
        if (x->verdict_work_flops[0]) fprintf(f, "  FLOPs %s", x->verdict_work_flops);
        if (x->verdict_work_bytes[0]) fprintf(f, ", bytes %s", x->verdict_work_bytes);
        const char *why = x->verdict_work_flops[0] ? x->verdict_work_flops_why : x->work_why;
        fprintf(f, "%s%s\n", why[0] ? ": " : "", why);
        if (x->verdict_work_bytes[0]) fprintf(f, "          %-18s bytes: %s\n", "", x->verdict_work_bytes_why);
    }
}

/* Counts taken from the count cache: which, and since when. */
static void table_reused(FILE *f, const nnb_layer_report *r)
{
    long long oldest = 0;
    for (size_t i = 0; i < r->nresults; i++)
        if (r->results[i].count_reused && (!oldest || r->results[i].counted_unix < oldest))
            oldest = r->results[i].counted_unix;
    if (!oldest) return;
    char when[32];
    nnb_fmt_utc_minute(oldest, when, sizeof when);
    fputs("counts    reused from the count cache (same binary, libraries, layer and machine; --recount counts again):", f);
    for (size_t i = 0; i < r->nresults; i++)
        if (r->results[i].count_reused) fprintf(f, " %s", r->results[i].kernel);
    fprintf(f, "; counted since %s\n", when);
}

void nnb_fmt_spread(const nnb_timing *t, char *buf, size_t len)
{
    if (!(t->median_s > 0) || !(t->p75_s > 0)) snprintf(buf, len, "-");
    else snprintf(buf, len, "%.*f%%%s", t->p75_s - t->p25_s < 0.02 * t->median_s ? 1 : 0,
                  50.0 * (t->p75_s - t->p25_s) / t->median_s, t->disturbed ? "!" : "");
}

/* What the watch said about each kernel's timing (issue 24). */
static void table_noise(FILE *f, const nnb_layer_report *r)
{
    bool any = false;
    for (size_t i = 0; i < r->nresults; i++) {
        const nnb_timing *t = &r->results[i].time;
        if (t->disturbed)
            fprintf(f, "%s %s: %s; not to be trusted\n", any ? "         " : "disturbed", r->results[i].kernel,
                    t->disturbed_why);
        else if (t->attempts > 1)
            fprintf(f, "%s %s: re-measured, %d attempts (the first: %s)\n", any ? "         " : "remeasure",
                    r->results[i].kernel, t->attempts, t->remeasured_why);
        else continue;
        any = true;
    }
    if (r->nresults && r->results[0].time.nsamples)
        fputs("spread    ±: half the quartile range of the repetitions over the median; !: disturbed (README \"Noise\")\n", f);
}

void nnb_report_exec_cell(FILE *f, const nnb_result *x)
{
    if (x->gflops_executed > 0) fprintf(f, " %9.2f", x->gflops_executed);
    else fprintf(f, " %9s", "-");
}

void nnb_report_roof_cells(FILE *f, const nnb_result *x)
{
    if (x->have_roof) fprintf(f, "  %-12s %5.1f%%%s", x->bound, 100.0 * x->efficiency, x->roof_above ? "!" : " ");
    else fprintf(f, "  %-12s %6s ", "-", "-");
}

static void table_results(FILE *f, const nnb_layer_report *r)
{
    if (!r->nresults) return;
    const nnb_result *x0 = &r->results[0];
    fprintf(f, "threads   %d (%s); counters: %s%s%s\n", x0->threads, x0->cores[0] ? x0->cores : "unbound",
            x0->backend, x0->backend_why[0] ? " - " : "", x0->backend_why);
    fprintf(f, "blas      OpenBLAS core %s%s%s (%s)\n", x0->blas_core, x0->blas_remedy[0] ? ", weaker than this CPU: try " : "",
            x0->blas_remedy, x0->blas_config);
    bool counted = false, roof = false;
    for (size_t i = 0; i < r->nresults; i++) {
        counted |= r->results[i].have_flops || r->results[i].have_dram;
        roof |= r->results[i].have_roof;
    }
    fprintf(f, "\n%-18s %10s %6s %10s %5s %9s %9s %8s %6s", "kernel", "median", "+-", "min", "reps", "GFLOP/s", "GF/s exec",
            "GB/s", "check");
    if (counted) fprintf(f, " %13s %7s %-7s %12s %6s %-6s %8s", "FLOPs(meas)", "x model", " ", "DRAM(meas)", "x min", "", "AI(meas)");
    if (roof) fprintf(f, "  %-12s %6s ", "bound", "eff");
    fputc('\n', f);
    for (size_t i = 0; i < r->nresults; i++) {
        const nnb_result *x = &r->results[i];
        char t1[32], t2[32];
        nnb_fmt_time(x->time.median_s, t1, sizeof t1);
        nnb_fmt_time(x->time.min_s, t2, sizeof t2);
        char sp[16];
        nnb_fmt_spread(&x->time, sp, sizeof sp);
        fprintf(f, "%-18s %10s %6s %10s %5d %9.2f", x->kernel, t1, sp, t2, x->time.reps, x->gflops);
        nnb_report_exec_cell(f, x);
        fprintf(f, " %8.2f %6s", x->gbs, nnb_check_name(x->check));
        if (counted) {
            char c1[32], c2[32];
            if (x->have_flops)
                fprintf(f, " %13s %7.4f %-7s", nnb_fmt_si(x->flops, "", c1, sizeof c1),
                        r->analytic.flops ? x->flops / (double)r->analytic.flops : 0.0, table_verdict(x));
            else fprintf(f, " %13s %7s %-7s", "-", "-", "");
            if (x->have_dram)
                fprintf(f, " %12s %6.2f %-6.6s", nnb_fmt_si(x->dram_bytes, "B", c2, sizeof c2),
                        r->analytic.bytes_min ? x->dram_bytes / (double)r->analytic.bytes_min : 0.0, x->verdict_dram);
            else fprintf(f, " %12s %6s %-6s", "-", "-", "");
            if (x->have_flops && x->have_dram && x->dram_bytes > 0) fprintf(f, " %8.2f", x->flops / x->dram_bytes);
            else fprintf(f, " %8s", "-");
        }
        if (roof) nnb_report_roof_cells(f, x);
        fputc('\n', f);
    }
    for (size_t i = 0; i < r->nresults; i++)
        if (r->results[i].roof_above) {
            fputs("!         above its roof even after the compute roof was measured again (the ceilings are low: "
                  "'nnbench roofline --refresh' on an idle machine)\n", f);
            break;
        }
    nnb_report_levels(f, r);
    table_noise(f, r);
    bool prepared = false, timed = false;
    for (size_t i = 0; i < r->nresults; i++) {
        const nnb_result *x = &r->results[i];
        if (x->prepare_s < 0) continue;
        char t1[32];
        nnb_fmt_time(x->prepare_s, t1, sizeof t1);
        fprintf(f, "%s %s %s", prepared ? "," : "prepare  ", x->kernel, t1);
        prepared = true;
        timed |= x->prepare_timed;
    }
    if (prepared)
        fputs(timed ? " (--time-prepare: also inside every timed run above)\n"
                    : " (weights reordered once, outside the timed runs)\n",
              f);
    for (size_t i = 0; i < r->nresults; i++) /* the implementation a library kernel chose */
        if (r->results[i].impl[0]) fprintf(f, "impl      %s: %s\n", r->results[i].kernel, r->results[i].impl);
    for (size_t i = 0; i < r->nresults; i++)
        if (r->results[i].verdict_flops[0]) {
            fprintf(f, "verdicts  x analytic: FLOPs within 2%% of the analytic count for our kernels, 5%% for OpenBLAS-based ones"
                       ";\n          -bf: matches 2 x MACs (bias folded into the accumulator), -vt: benchdnn's valid-tap count; work: off the\n"
                       "          formula as the kernel's own model says (see work); DRAM bytes >= bytes min\n");
            break;
        }
    table_work(f, r);
    for (size_t i = 0; i < r->nresults; i++) { /* each different note once */
        const char *note = r->results[i].count_note;
        bool seen = !note[0];
        for (size_t j = 0; j < i && !seen; j++) seen = strcmp(r->results[j].count_note, note) == 0;
        if (!seen) fprintf(f, "note      %s: %s\n", r->results[i].kernel, note);
    }
    table_reused(f, r);
}

/* ---- CSV ---- */

static void csv_field(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

void nnb_report_begin(FILE *f, nnb_format fmt, bool analytic_only)
{
    if (fmt != NNB_FMT_CSV) return;
    fputs("name,spec,op,n,c,h,w,k,kh,kw,sh,sw,ph,pw,dh,dw,groups,oh,ow,bias,params,macs,flops,bytes_min,ai", f);
    if (!analytic_only)
        fputs(",kernel,threads,median_s,min_s,max_s,reps,gflops,check,backend,flops_measured,dram_bytes_measured"
              ",p25_s,p75_s,cv,attempts,disturbed,disturbed_why", f);
    fputc('\n', f);
}

static void csv_row(FILE *f, const nnb_layer_report *r, const nnb_result *x)
{
    const nnb_layer *l = &r->layer;
    const nnb_analytic *a = &r->analytic;
    csv_field(f, l->name);
    fputc(',', f);
    csv_field(f, r->spec);
    fprintf(f, ",%s,%lld,%lld,%lld,%lld,%lld,%lld,%lld,%lld,%lld,%lld,%lld,%lld,%lld,%lld,%lld,%lld,%d,%" PRId64
               ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%.9g",
            nnb_op_name(l->op), (long long)l->n, (long long)l->c, (long long)l->h, (long long)l->w, (long long)l->k,
            (long long)l->kh, (long long)l->kw, (long long)l->sh, (long long)l->sw, (long long)l->pt,
            (long long)l->pl, (long long)l->dh, (long long)l->dw, (long long)l->groups, (long long)l->oh,
            (long long)l->ow, l->bias ? 1 : 0, a->params, a->macs, a->flops, a->bytes_min, a->ai);
    if (x) {
        fprintf(f, ",%s,%d,%.9g,%.9g,%.9g,%d,%.6g,%s,%s,", x->kernel, x->threads, x->time.median_s, x->time.min_s,
                x->time.max_s, x->time.reps, x->gflops, nnb_check_name(x->check), x->backend);
        if (x->have_flops) fprintf(f, "%.17g", x->flops);
        fputc(',', f);
        if (x->have_dram) fprintf(f, "%.17g", x->dram_bytes);
        fprintf(f, ",%.9g,%.9g,%.6g,%d,%d,", x->time.p25_s, x->time.p75_s, x->time.cv, x->time.attempts,
                x->time.disturbed ? 1 : 0);
        csv_field(f, x->time.disturbed_why);
    }
    fputc('\n', f);
}

/* --analytic: what each other tool (at the version modelled) and each seed
 * reports as FLOPs for the layer; nnbench's own is the FLOPs line above. */
static void table_conventions(FILE *f, const nnb_layer_report *r)
{
    size_t n;
    const nnb_convention *cv = nnb_conventions(&n);
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(cv[i].name, "nnbench") == 0) continue;
        double v = cv[i].flops(&r->layer, &r->analytic);
        if (v < 0) continue;
        char num[48];
        if (v == floor(v) && v < 9.2e18) nnb_fmt_count((int64_t)v, num, sizeof num);
        else snprintf(num, sizeof num, "%.2f", v);
        fprintf(f, "%-9s %-25s %14s  %s\n", first ? "tools" : "", cv[i].models, num, cv[i].what);
        first = false;
    }
    if (!first) fprintf(f, "%-9s %s\n", "", "each convention's formula and source: docs/conventions.md");
}

void nnb_report_layer(FILE *f, nnb_format fmt, const nnb_layer_report *r, bool analytic_only)
{
    switch (fmt) {
    case NNB_FMT_JSON:
        if (analytic_only || !r->nresults) nnb_record_json_line(f, r, NULL);
        else for (size_t i = 0; i < r->nresults; i++) nnb_record_json_line(f, r, &r->results[i]);
        break;
    case NNB_FMT_CSV:
        if (analytic_only || !r->nresults) csv_row(f, r, NULL);
        else for (size_t i = 0; i < r->nresults; i++) csv_row(f, r, &r->results[i]);
        break;
    default:
        table_header(f, r);
        if (analytic_only) table_conventions(f, r);
        else table_results(f, r);
        fputc('\n', f);
        break;
    }
}

void nnb_report_summary(FILE *f, nnb_format fmt, const char *model, int64_t params, int64_t macs, int64_t flops,
                        size_t layers)
{
    char b1[48], b2[48], b3[48];
    switch (fmt) {
    case NNB_FMT_JSON:
        fputs("{\"schema\":\"nnbench/1\",\"model\":\"", f);
        nnb_json_escape(f, model);
        fprintf(f, "\",\"summary\":{\"params\":%" PRId64 ",\"macs\":%" PRId64 ",\"flops\":%" PRId64 ",\"layers\":%zu}}\n",
                params, macs, flops, layers);
        break;
    case NNB_FMT_CSV:
        break;
    default:
        fprintf(f, "model %s: %zu layers, params %s, MACs %s, FLOPs %s\n", model, layers,
                nnb_fmt_count(params, b1, sizeof b1), nnb_fmt_count(macs, b2, sizeof b2),
                nnb_fmt_count(flops, b3, sizeof b3));
        break;
    }
}
