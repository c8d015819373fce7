/* The HTML page's tables (html.h): the run's layers (or one layer's
 * kernels side by side) and the compare page's ratios. Cells carry their
 * raw value in data-v for the script's sorting. */
#include "report/html.h"

#include <math.h>
#include <string.h>

#include "report/report.h"
#include "report/stored.h"

static void th(FILE *f, const char *name, bool num)
{
    fprintf(f, "<th%s>%s</th>", num ? " data-num=\"1\"" : "", name);
}

static void td_text(FILE *f, const char *s)
{
    fputs("<td>", f);
    nnb_html_esc(f, s);
    fputs("</td>", f);
}

/* A number: shown as text, sorted by v (non-finite: empty). */
static void td_num(FILE *f, double v, const char *shown)
{
    if (!isfinite(v)) {
        fputs("<td class=\"n\" data-v=\"\"></td>", f);
        return;
    }
    fprintf(f, "<td class=\"n\" data-v=\"%.9g\">", v);
    nnb_html_esc(f, shown);
    fputs("</td>", f);
}

static void td_time(FILE *f, double s)
{
    char t[32];
    nnb_fmt_time(s, t, sizeof t);
    td_num(f, s, t);
}

static void td_fmt(FILE *f, double v, const char *fmt)
{
    char t[48];
    snprintf(t, sizeof t, fmt, v);
    td_num(f, v, t);
}

static void td_spread(FILE *f, const nnb_result *x)
{
    char lo[32], hi[32], t[80];
    nnb_fmt_time(x->time.min_s, lo, sizeof lo);
    nnb_fmt_time(x->time.max_s, hi, sizeof hi);
    snprintf(t, sizeof t, "%s..%s", lo, hi);
    td_num(f, x->time.max_s - x->time.min_s, t);
}

/* The layer's other kernels, each with its median: "direct 1.2 ms". */
static void td_others(FILE *f, const nnb_layer_report *rep, const nnb_result *best)
{
    fputs("<td>", f);
    for (size_t i = 0, k = 0; i < rep->nresults; i++) {
        const nnb_result *x = &rep->results[i];
        if (x == best) continue;
        char t[32];
        nnb_fmt_time(x->time.median_s, t, sizeof t);
        fputs(k++ ? ", " : "", f);
        nnb_html_esc(f, x->kernel);
        fprintf(f, " %s%s", t, x->check == NNB_CHECK_FAIL ? " (check failed)" : "");
    }
    fputs("</td>", f);
}

static void op_filter(FILE *f, const nnb_html_run *r)
{
    const char *seen[64];
    size_t n = 0;
    fputs("<p>op: <select id=\"op-filter\"><option value=\"\">all</option>", f);
    for (size_t i = 0; i < r->pts.n; i++) {
        const char *op = r->pts.v[i].op;
        bool dup = false;
        for (size_t k = 0; k < n; k++) dup |= !strcmp(seen[k], op);
        if (dup || n == 64) continue;
        seen[n++] = op;
        fprintf(f, "<option>%s</option>", op);
    }
    fputs("</select> (click a column to sort, a row to find its point, a point to find its row)</p>\n", f);
}

static void layer_row(FILE *f, const nnb_html_run *r, size_t i)
{
    const nnb_roof_point *p = &r->pts.v[i];
    const nnb_html_ref *ref = &r->refs[i];
    const nnb_result *x = ref->x;
    fprintf(f, "<tr id=\"row-%zu\" data-pt=\"%zu\" data-op=\"%s\">", i, i, p->op);
    char idx[24];
    long long k = ref->rep->in_net ? (long long)ref->rep->index : (long long)(ref->rep - r->layers);
    snprintf(idx, sizeof idx, "%lld", k);
    td_num(f, (double)k, idx);
    td_text(f, p->layer ? p->layer : x->kernel);
    td_text(f, p->op);
    td_text(f, ref->rep->human);
    td_text(f, x->kernel);
    td_time(f, x->time.median_s);
    td_spread(f, x);
    td_fmt(f, r->total_s > 0 && p->best ? 100 * p->time_s / r->total_s : NAN, "%.1f%%");
    td_fmt(f, x->gflops, "%.3g");
    td_fmt(f, x->have_roof ? 100 * x->efficiency : NAN, "%.0f%%");
    td_fmt(f, ref->rep->analytic.ai, "%.3g");
    td_text(f, x->have_roof ? x->bound : "");
    td_text(f, nnb_check_name(x->check));
    td_text(f, x->verdict_flops);
    if (r->network) td_others(f, ref->rep, x);
    fputs("</tr>\n", f);
}

void nnb_html_layer_table(FILE *f, const nnb_html_run *r)
{
    fprintf(f, "<h2>%s</h2>\n", r->network ? "Layers (best kernel of each)" : "Kernels side by side");
    op_filter(f, r);
    fputs("<table class=\"layers\"><thead><tr>", f);
    th(f, "#", true);
    th(f, r->network ? "layer" : "kernel", false);
    th(f, "op", false);
    th(f, "shape", false);
    th(f, "kernel", false);
    th(f, "median", true);
    th(f, "min..max", true);
    th(f, "share", true);
    th(f, "GFLOP/s", true);
    th(f, "of roof", true);
    th(f, "AI", true);
    th(f, "bound", false);
    th(f, "check", false);
    th(f, "FLOPs", false);
    if (r->network) th(f, "other kernels", false);
    fputs("</tr></thead><tbody>\n", f);
    for (size_t i = 0; i < r->pts.n; i++)
        if (!r->network || r->pts.v[i].best) layer_row(f, r, i);
    fputs("</tbody></table>\n", f);
}

size_t nnb_html_compare_table(FILE *f, const nnb_html_run *a, const nnb_html_run *b, const int *pair_of_a,
                              const nnb_change *verdict)
{
    fprintf(f, "<h2>Layers: best kernel of A and of B</h2>\n<p>B/A: B's median over A's; a change is called "
               "as <code>nnbench compare</code> calls it: a Mann-Whitney U test over the repetitions rejects "
               "\"same\" at p &lt; %g and B/A is beyond the noise (%.0f%%, or twice the runs' quartile "
               "spread when larger); undecided where a run was disturbed or has no per-repetition samples "
               "(hover for which).</p>\n<table class=\"layers\"><thead><tr>",
            NNB_CHANGE_ALPHA, 100 * NNB_CHANGE_FLOOR);
    static const char *const head[] = {"layer", "shape", "A kernel", "A median", "A min..max", "B kernel",
                                       "B median", "B min..max", "B/A", "change"};
    static const bool num[] = {false, false, false, true, true, false, true, true, true, false};
    for (size_t i = 0; i < 10; i++) th(f, head[i], num[i]);
    fputs("</tr></thead><tbody>\n", f);
    size_t rows = 0;
    for (size_t i = 0; i < a->pts.n; i++) {
        if (!a->pts.v[i].best || pair_of_a[i] < 0) continue;
        size_t j = (size_t)pair_of_a[i];
        const nnb_result *x = a->refs[i].x, *y = b->refs[j].x;
        const nnb_change *ch = &verdict[i];
        fprintf(f, "<tr id=\"row-%zu\" data-pt=\"%zu\" data-op=\"%s\">", j, j, a->pts.v[i].op);
        td_text(f, a->pts.v[i].layer ? a->pts.v[i].layer : x->kernel);
        td_text(f, a->refs[i].rep->human);
        td_text(f, x->kernel);
        td_time(f, x->time.median_s);
        td_spread(f, x);
        td_text(f, y->kernel);
        td_time(f, y->time.median_s);
        td_spread(f, y);
        td_fmt(f, y->time.median_s / x->time.median_s, "%.3g");
        if (ch->kind == NNB_CHANGE_NONE) {
            fputs("<td>within the noise</td></tr>\n", f);
        } else {
            fprintf(f, "<td class=\"%s\"", nnb_change_name(ch->kind));
            if (ch->why[0]) {
                fputs(" title=\"", f);
                nnb_html_esc(f, ch->why);
                fputc('"', f);
            }
            fprintf(f, ">%s</td></tr>\n", nnb_change_name(ch->kind));
        }
        rows++;
    }
    fputs("</tbody></table>\n", f);
    return rows;
}
