/* validate's conclusion table (validate_verdict.h). */
#include "cmd/validate_verdict.h"

#include <math.h>
#include <string.h>

#include "report/html.h"
#include "util/json.h"

/* The executed counts a formula can be: names and values for one layer. */
static const char *const count_name[NNB_VV_COUNTS + 1] = {
    "dense (2 MACs + bias)", "dense, no bias", "valid taps (+ bias)", "valid taps, no bias", "MACs",
    "MACs + bias", "MACs over the output", "2 MACs over the output", "MACs + Cout", "none of them"};

static void counts_of(const nnb_layer *l, const nnb_analytic *a, double c[NNB_VV_COUNTS])
{
    double bias = (double)a->bias_adds, macs = (double)a->macs, valid = (double)a->macs_valid;
    double out = (double)a->macs_deconv_output;
    c[0] = (double)a->flops;
    c[1] = (double)a->flops - bias;
    c[2] = 2 * valid + bias;
    c[3] = 2 * valid;
    c[4] = macs;
    c[5] = macs + bias;
    c[6] = out != macs ? out : -1;
    c[7] = out != macs ? 2 * out : -1;
    c[8] = l->bias ? macs + (double)l->k : -1;
}

/* Why a formula that is count i is off the executed count e (count ie). */
static const char *const reason[] = {
    "counts MACs as FLOPs",                                   /* 0 */
    "leaves out the bias",                                    /* 1 */
    "counts only in-bounds taps (the kernel executes the padding taps)", /* 2 */
    "counts the padding taps the kernel skips",               /* 3 */
    "output-based transposed count (the kernel scatters from the input)", /* 4 */
    "none of the executed counts",                            /* 5: followed by its rule */
    "adds Cout, not one add per output",                      /* 6 */
    "counts 0 for an op it has no rule for",                  /* 7 */
    "the reference executes work no count has (vectorised rows past the row end: its work model)", /* 8 */
};

static unsigned reasons_for(int i, int ie)
{
    switch (i) {
    case 1: return 1u << 1;
    case 2: return ie == 0 ? 1u << 2 : 0;
    case 3: return (ie == 0 ? 1u << 2 : 0) | 1u << 1;
    case 4: return 1u << 0 | 1u << 1;
    case 5: return 1u << 0;
    case 6: return 1u << 0 | 1u << 1 | 1u << 4;
    case 7: return 1u << 4 | 1u << 1;
    case 8: return 1u << 0 | 1u << 6;
    case 0: return ie == 2 || ie == 3 ? 1u << 3 : 0;
    default: return 1u << 5;
    }
}

void nnb_vv_init(nnb_vv *v) { memset(v, 0, sizeof *v); }

static int which_count(const double c[NNB_VV_COUNTS], double x)
{
    for (int i = 0; i < NNB_VV_COUNTS; i++)
        if (c[i] > 0 && fabs(c[i] - x) <= 1e-9 * c[i]) return i;
    return NNB_VV_COUNTS;
}

void nnb_vv_add(nnb_vv *v, const nnb_layer *l, const nnb_analytic *a, const double *values, const char *const *names,
                const char *const *models, const char *const *whats, int n, double executed, double tol)
{
    double c[NNB_VV_COUNTS];
    counts_of(l, a, c);
    int ie = which_count(c, executed);
    if (ie == NNB_VV_COUNTS) /* the oracle within its tolerance of a count (its vectorised rows) */
        for (int i = 0; i < NNB_VV_COUNTS && ie == NNB_VV_COUNTS; i++)
            if (c[i] > 0 && fabs(executed - c[i]) <= tol * c[i]) ie = i;
    v->nlayers++;
    if (n > NNB_VV_MAX_FORMULAS) n = NNB_VV_MAX_FORMULAS;
    if (v->nrows < n) v->nrows = n;
    for (int f = 0; f < n; f++) {
        nnb_vv_row *r = &v->row[f];
        r->name = names[f];
        r->models = models[f];
        r->what = whats[f];
        if (values[f] < 0) continue;
        r->layers++;
        int i = which_count(c, values[f]);
        r->count_hits[i]++;
        bool ok = values[f] == 0 ? executed == 0 : fabs(executed - values[f]) <= tol * values[f];
        if (ok) {
            r->matched++;
            continue;
        }
        double k = executed > 0 ? values[f] / executed : INFINITY;
        if (r->layers - r->matched == 1 || k < r->lo) r->lo = k;
        if (r->layers - r->matched == 1 || k > r->hi) r->hi = k;
        /* executed none of the counts: the reference's vectorised rows, the dense count as its model says */
        unsigned why = ie == NNB_VV_COUNTS ? reasons_for(i, 0) : reasons_for(i, ie);
        r->reasons |= values[f] == 0 ? 1u << 7 : why ? why : 1u << 8;
    }
}

/* The count the formula is on most layers. */
static const char *usual_count(const nnb_vv_row *r)
{
    int best = NNB_VV_COUNTS;
    for (int i = 0; i <= NNB_VV_COUNTS; i++)
        if (r->count_hits[i] > (best <= NNB_VV_COUNTS ? r->count_hits[best] : 0)) best = i;
    return r->layers ? count_name[best] : "no rule";
}

static void reasons_text(const nnb_vv_row *r, char *buf, size_t len)
{
    size_t o = 0;
    buf[0] = '\0';
    if (r->matched == r->layers) {
        snprintf(buf, len, "%s", r->layers ? "matches what executes" : "no rule for these ops");
        return;
    }
    for (size_t i = 0; i < sizeof reason / sizeof reason[0] && o < len; i++)
        if (r->reasons & 1u << i)
            o += (size_t)snprintf(buf + o, o < len ? len - o : 0, "%s%s%s%s%s", o ? "; " : "", reason[i],
                                  i == 5 ? " (its rule: " : "", i == 5 ? r->what : "", i == 5 ? ")" : "");
    if (!r->reasons) snprintf(buf, len, "%s", r->what);
}

void nnb_vv_print(FILE *f, const nnb_vv *v)
{
    fprintf(f, "\nconclusion: each formula against the FLOPs the reference kernel executed, over %d layer%s\n",
            v->nlayers, v->nlayers == 1 ? "" : "s");
    fprintf(f, "  %-27s %-24s %-10s %-17s %s\n", "formula", "is the count", "matches", "off by (f/exec)", "why");
    for (int i = 0; i < v->nrows; i++) {
        const nnb_vv_row *r = &v->row[i];
        char m[32], off[48], why[512];
        snprintf(m, sizeof m, "%d of %d", r->matched, r->layers);
        if (r->matched < r->layers) snprintf(off, sizeof off, "x%.4f..x%.4f", r->lo, r->hi);
        else snprintf(off, sizeof off, "-");
        reasons_text(r, why, sizeof why);
        fprintf(f, "  %-27s %-24s %-10s %-17s %s\n", r->models, usual_count(r), m, off, why);
    }
}

void nnb_vv_json(FILE *f, const nnb_vv *v)
{
    fprintf(f, "{\"schema\":\"nnbench/1\",\"validate_conclusion\":{\"layers\":%d,\"formulas\":[", v->nlayers);
    for (int i = 0; i < v->nrows; i++) {
        const nnb_vv_row *r = &v->row[i];
        char why[512];
        reasons_text(r, why, sizeof why);
        fprintf(f, "%s{\"formula\":", i ? "," : "");
        nnb_json_str(f, r->name);
        fputs(",\"models\":", f);
        nnb_json_str(f, r->models);
        fputs(",\"count\":", f);
        nnb_json_str(f, usual_count(r));
        fprintf(f, ",\"layers\":%d,\"matched\":%d,\"factor_min\":", r->layers, r->matched);
        nnb_json_num(f, r->matched < r->layers ? r->lo : NAN);
        fputs(",\"factor_max\":", f);
        nnb_json_num(f, r->matched < r->layers ? r->hi : NAN);
        fputs(",\"why\":", f);
        nnb_json_str(f, why);
        fputc('}', f);
    }
    fputs("]}}\n", f);
}

void nnb_vv_html(FILE *f, const nnb_vv *v)
{
    char t[160];
    snprintf(t, sizeof t, "nnbench validate: which FLOP formula counts what executes (%d layers)", v->nlayers);
    nnb_html_begin(f, t);
    fputs("<p>Executed FLOPs are the reference kernel's decoded instructions under valgrind; a formula matches "
          "within the oracle's tolerance (0.5%).</p>\n<table class=\"layers\"><thead><tr><th>formula</th>"
          "<th>is the count</th><th data-num=\"1\">matches</th><th data-num=\"1\">off by min</th>"
          "<th data-num=\"1\">off by max</th><th>why</th></tr></thead><tbody>\n", f);
    for (int i = 0; i < v->nrows; i++) {
        const nnb_vv_row *r = &v->row[i];
        char why[512];
        reasons_text(r, why, sizeof why);
        fprintf(f, "<tr id=\"row-%d\" data-pt=\"%d\" data-op=\"formula\"><td>", i, i);
        nnb_html_esc(f, r->models);
        fprintf(f, "</td><td>%s</td><td class=\"n\" data-v=\"%d\">%d of %d</td>", usual_count(r), r->matched,
                r->matched, r->layers);
        if (r->matched < r->layers)
            fprintf(f, "<td class=\"n\">x%.4f</td><td class=\"n\">x%.4f</td>", r->lo, r->hi);
        else
            fputs("<td class=\"n\" data-v=\"\">-</td><td class=\"n\" data-v=\"\">-</td>", f);
        fputs("<td>", f);
        nnb_html_esc(f, why);
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
    nnb_html_end(f, (size_t)v->nrows);
}
