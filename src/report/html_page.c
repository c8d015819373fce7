/* The HTML page's shell (html.h): head with its style, the run's header,
 * the totals, the script, and the two pages (report, compare). */
#include "report/html.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/net_summary.h"
#include "report/report.h"
#include "report/stored.h"
#include "roofline/place.h"
#include "util/atomic_file.h"
#include "util/util.h"

void nnb_html_esc(FILE *f, const char *s) { nnb_svg_escape(f, s); }

static const char style[] =
    "body{font:14px/1.4 Helvetica,Arial,sans-serif;margin:16px 24px;color:#222;max-width:1200px}"
    "h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:20px 0 6px}"
    ".machine{color:#555;margin:2px 0}.totals td{padding:1px 10px 1px 0}"
    "table.layers{border-collapse:collapse;font-size:12px}"
    "table.layers th{background:#eee;cursor:pointer;text-align:left;padding:3px 6px;position:sticky;top:0}"
    "table.layers td{padding:2px 6px;border-bottom:1px solid #eee;white-space:nowrap}"
    "table.layers td.n{text-align:right;font-variant-numeric:tabular-nums}"
    "tr.sel td{background:#fff3b0}g.pt{cursor:pointer}g.pt.sel circle,g.pt.sel path{stroke:#000;stroke-width:2}"
    "g.pt.dim{opacity:.12}.slower{color:#b00}.faster{color:#080}.undecided{color:#c60}"
    "#tip{position:absolute;background:#fffff0;border:1px solid #999;padding:4px 6px;font-size:12px;"
    "max-width:420px;pointer-events:none;box-shadow:1px 1px 3px #aaa}"
    ".bar{display:inline-block;height:10px;background:#1f77b4;vertical-align:middle}"
    "svg{max-width:100%;height:auto}#nnb-status{color:#999;font-size:11px}";

/* Tooltips from the points' titles, row <-> point links, sorting and the
 * op filter; a marker in #nnb-status says it ran ("ok") or what failed. */
static const char script[] =
    "(function(){var st=document.getElementById('nnb-status');"
    "window.onerror=function(m){st.textContent='script error: '+m;st.setAttribute('data-ok','0');};"
    "var tip=document.getElementById('tip');"
    "function sel(i){var o=document.querySelectorAll('.sel');for(var k=0;k<o.length;k++)o[k].classList.remove('sel');"
    "var r=document.getElementById('row-'+i),p=document.getElementById('pt-'+i);"
    "if(r)r.classList.add('sel');if(p)p.classList.add('sel');return r;}"
    "var pts=document.querySelectorAll('g.pt');for(var k=0;k<pts.length;k++)(function(g){"
    "var t=g.querySelector('title'),text=t?t.textContent:'';if(t)g.removeChild(t);g.setAttribute('data-tip',text);"
    "g.addEventListener('mousemove',function(e){tip.textContent=text;tip.style.left=(e.pageX+14)+'px';"
    "tip.style.top=(e.pageY+14)+'px';tip.hidden=false;});"
    "g.addEventListener('mouseleave',function(){tip.hidden=true;});"
    "g.addEventListener('click',function(){var r=sel(g.getAttribute('data-row'));if(r)r.scrollIntoView({block:'center'});});"
    "})(pts[k]);"
    "var tb=document.querySelector('table.layers tbody'),rows=tb?[].slice.call(tb.rows):[];"
    "rows.forEach(function(r){r.addEventListener('click',function(){sel(r.getAttribute('data-pt'));});});"
    "var ths=document.querySelectorAll('table.layers th');for(var c=0;c<ths.length;c++)(function(th,c){"
    "th.addEventListener('click',function(){var d=th.getAttribute('data-dir')==='1'?-1:1;th.setAttribute('data-dir',d);"
    "var num=th.getAttribute('data-num')==='1';rows.sort(function(a,b){"
    "var x=a.cells[c].getAttribute('data-v'),y=b.cells[c].getAttribute('data-v');"
    "if(x===null)x=a.cells[c].textContent;if(y===null)y=b.cells[c].textContent;"
    "if(num){x=parseFloat(x);y=parseFloat(y);if(isNaN(x))x=-1e300;if(isNaN(y))y=-1e300;}"
    "return x<y?-d:x>y?d:0;});rows.forEach(function(r){tb.appendChild(r);});});})(ths[c],c);"
    "var fl=document.getElementById('op-filter');if(fl)fl.addEventListener('change',function(){"
    "rows.forEach(function(r){var on=!fl.value||r.getAttribute('data-op')===fl.value;r.style.display=on?'':'none';"
    "var p=document.getElementById('pt-'+r.getAttribute('data-pt'));if(p)p.classList.toggle('dim',!on);});});"
    "st.textContent='ok: '+rows.length+' rows, '+pts.length+' points';st.setAttribute('data-ok','1');"
    "st.setAttribute('data-ms',Math.round(performance.now()));})();";

void nnb_html_begin(FILE *f, const char *title)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>", f);
    nnb_html_esc(f, title);
    fprintf(f, "</title>\n<style>%s</style></head>\n<body>\n<h1>", style);
    nnb_html_esc(f, title);
    fputs("</h1>\n", f);
}

void nnb_html_header(FILE *f, const char *tag, const nnb_results_file *file)
{
    const nnb_results_header *h = &file->header;
    fprintf(f, "<p class=\"machine\">%s", tag);
    nnb_html_esc(f, h->cpu);
    fprintf(f, ", %d cores, host ", h->cores);
    nnb_html_esc(f, h->hostname);
    fputs(", ", f);
    nnb_html_esc(f, h->os);
    fputs("; nnbench ", f);
    nnb_html_esc(f, h->nnbench);
    fputs(" (", f);
    nnb_html_esc(f, h->git);
    fputs("), OpenBLAS core ", f);
    nnb_html_esc(f, h->blas_core);
    fputs("; run ", f);
    nnb_html_esc(f, h->date);
    if (h->analytic) fputs("; --analytic", f);
    else fprintf(f, "; %d thread%s", h->threads, h->threads == 1 ? "" : "s");
    if (h->shard_n) fprintf(f, "; shard %d/%d", h->shard_i, h->shard_n);
    fputs("<br><code>", f);
    for (int i = 0; i < h->argc; i++) {
        if (i) fputc(' ', f);
        nnb_html_esc(f, h->argv[i]);
    }
    fputs("</code></p>\n", f);
}

void nnb_html_end(FILE *f, size_t rows)
{
    fprintf(f, "<div id=\"tip\" hidden></div>\n<p id=\"nnb-status\" data-rows=\"%zu\">script did not run</p>\n"
               "<script>%s</script>\n</body></html>\n",
            rows, script);
}

/* ---- the run gathered from its files ---- */

/* The roofline as the header stored it: the peak (under the widest ISA the
 * machine key names) and the roof of each level. */
static void header_ceilings(const nnb_results_header *h, nnb_ceilings *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->key, sizeof c->key, "%s", h->ceil_machine);
    c->threads = h->ceil_threads;
    nnb_isa isa = strstr(c->key, "avx512f") ? NNB_ISA_AVX512 : strstr(c->key, "avx2") ? NNB_ISA_AVX2
                : strstr(c->key, "sse") ? NNB_ISA_SSE : NNB_ISA_SCALAR;
    c->peak[isa].sp_fma = h->ceil_peak_gflops;
    c->peak[isa].fused = strstr(c->key, "fma") != NULL;
    for (int l = 0; l < NNB_LVL_COUNT; l++) c->bw[l].read_gbs = h->ceil_bw_gbs[l];
}

int nnb_html_run_init(nnb_html_run *r, const nnb_results_file *files, const size_t *order, size_t n)
{
    memset(r, 0, sizeof *r);
    for (size_t i = 0; i < n; i++) r->nlayers += files[order[i]].nlayers;
    r->layers = calloc(r->nlayers ? r->nlayers : 1, sizeof *r->layers);
    if (!r->layers) return -1;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < files[order[i]].nlayers; j++) r->layers[k++] = files[order[i]].layers[j];
    r->network = r->nlayers > 1;
    if (n && files[order[0]].header.have_ceilings) {
        header_ceilings(&files[order[0]].header, &r->ceil);
        r->have_ceil = r->ceil.key[0] && nnb_ceil_peak(&r->ceil) > 0;
    }
    size_t nk = 0;
    for (size_t i = 0; i < r->nlayers; i++) nk += r->layers[i].nresults;
    r->refs = calloc(nk ? nk : 1, sizeof *r->refs);
    if (!r->refs) return -1;
    for (size_t i = 0; i < r->nlayers; i++) {
        const nnb_layer_report *rep = &r->layers[i];
        if (nnb_roof_points_add(&r->pts, rep, r->have_ceil ? &r->ceil : NULL, r->network)) return -1;
        for (size_t j = 0; j < rep->nresults; j++)
            r->refs[r->pts.n - rep->nresults + j] = (nnb_html_ref){rep, &rep->results[j]};
    }
    nnb_roof_points_fix(&r->pts);
    for (size_t i = 0; i < r->pts.n; i++)
        if (r->pts.v[i].best) r->total_s += r->pts.v[i].time_s;
    return 0;
}

void nnb_html_run_free(nnb_html_run *r)
{
    free(r->layers);
    free(r->refs);
    nnb_roof_points_free(&r->pts);
    memset(r, 0, sizeof *r);
}

/* ---- totals ---- */

void nnb_html_totals(FILE *f, const nnb_html_run *r, const nnb_results_file *files, const size_t *order, size_t n)
{
    const nnb_results_file *f0 = n ? &files[order[0]] : NULL;
    char t[32], v[32];
    fputs("<h2>Totals</h2>\n<table class=\"totals\">\n", f);
    if (f0 && f0->have_summary) {
        const nnb_results_summary *s = &f0->summary;
        fputs("<tr><td>model</td><td>", f);
        nnb_html_esc(f, s->model);
        fprintf(f, "</td></tr>\n<tr><td>layers</td><td>%lld (%zu distinct)</td></tr>\n", (long long)s->layers,
                r->nlayers);
        fprintf(f, "<tr><td>params</td><td>%s</td></tr>\n", nnb_fmt_si((double)s->params, "", v, sizeof v));
        fprintf(f, "<tr><td>FLOPs</td><td>%s</td></tr>\n", nnb_fmt_si((double)s->flops, "FLOP", v, sizeof v));
    } else {
        fprintf(f, "<tr><td>layers</td><td>%zu</td></tr>\n", r->nlayers);
    }
    nnb_net_run_totals tot;
    nnb_net_run_totals_compute(r->layers, r->nlayers, &tot);
    nnb_fmt_time(tot.time_s, t, sizeof t);
    fprintf(f, "<tr><td>time (best kernel per layer, x repeat)</td><td>%s</td></tr>\n", t);
    fprintf(f, "<tr><td>rate</td><td>%.3g GFLOP/s</td></tr>\n", tot.gflops);
    fprintf(f, "<tr><td>timed / untimed layers</td><td>%zu / %zu</td></tr>\n", tot.timed, tot.untimed);
    for (int op = 0; op < NNB_OP_COUNT; op++) {
        double s = tot.time_by_op_s[op];
        if (!(s > 0) || !(tot.time_s > 0)) continue;
        nnb_fmt_time(s, t, sizeof t);
        fprintf(f, "<tr><td>%s</td><td><span class=\"bar\" style=\"width:%.0fpx\"></span> %.1f%% (%s)</td></tr>\n",
                nnb_op_name((nnb_op)op), 200 * s / tot.time_s, 100 * s / tot.time_s, t);
    }
    fputs("</table>\n", f);
}

/* ---- the pages ---- */

void nnb_html_report(FILE *f, const nnb_results_file *files, const size_t *order, size_t n,
                     const nnb_roof_plot_opts *po)
{
    nnb_html_run r;
    const nnb_results_file *f0 = &files[order[0]];
    char title[160];
    snprintf(title, sizeof title, "nnbench report: %.120s",
             f0->have_summary ? f0->summary.model : f0->nlayers == 1 ? f0->layers[0].human : "batch");
    nnb_html_begin(f, title);
    for (size_t i = 0; i < n; i++) nnb_html_header(f, "", &files[order[i]]);
    if (nnb_html_run_init(&r, files, order, n)) {
        fputs("<p>out of memory</p>\n", f);
        nnb_html_end(f, 0);
        nnb_html_run_free(&r);
        return;
    }
    nnb_html_totals(f, &r, files, order, n);
    nnb_html_roofline(f, &r, po);
    nnb_html_layer_table(f, &r);
    size_t rows = 0;
    for (size_t i = 0; i < r.pts.n; i++) rows += !r.network || r.pts.v[i].best;
    nnb_html_end(f, rows);
    nnb_html_run_free(&r);
}

/* A's layers paired with B's by spec (the k-th with the k-th); verdicts
 * of their best kernels by compare's rule. */
static size_t pair_layers(const nnb_compare_ctx *cmp, const nnb_html_run *a, const nnb_html_run *b, int *pair_of_a,
                          int *pair_of_b, nnb_change *verdict)
{
    size_t pairs = 0;
    for (size_t i = 0; i < a->pts.n; i++) pair_of_a[i] = -1;
    for (size_t j = 0; j < b->pts.n; j++) pair_of_b[j] = -1;
    for (size_t i = 0; i < a->pts.n; i++) {
        if (!a->pts.v[i].best) continue;
        for (size_t j = 0; j < b->pts.n; j++)
            if (b->pts.v[j].best && pair_of_b[j] < 0 && !strcmp(a->refs[i].rep->spec, b->refs[j].rep->spec)) {
                pair_of_a[i] = (int)j;
                pair_of_b[j] = (int)i;
                nnb_compare_decide(cmp, a->refs[i].rep, a->refs[i].x, b->refs[j].x, &verdict[i]);
                pairs++;
                break;
            }
    }
    return pairs;
}

void nnb_html_compare(FILE *f, const nnb_results_file *a, const nnb_results_file *b)
{
    nnb_html_run ra, rb;
    size_t zero = 0;
    nnb_html_begin(f, "nnbench compare: A -> B");
    nnb_html_header(f, "A: ", a);
    nnb_html_header(f, "B: ", b);
    int rc = nnb_html_run_init(&ra, a, &zero, 1);
    rc |= nnb_html_run_init(&rb, b, &zero, 1);
    int *pa = rc ? NULL : calloc(ra.pts.n + 1, sizeof *pa), *pb = rc ? NULL : calloc(rb.pts.n + 1, sizeof *pb);
    nnb_change *verdict = rc ? NULL : calloc(ra.pts.n + 1, sizeof *verdict);
    nnb_compare_ctx *cmp = rc ? NULL : nnb_compare_open(a, b);
    size_t rows = 0;
    if (pa && pb && verdict && cmp) {
        pair_layers(cmp, &ra, &rb, pa, pb, verdict);
        nnb_html_compare_roofline(f, &ra, &rb, pb, verdict);
        rows = nnb_html_compare_table(f, &ra, &rb, pa, verdict);
    } else {
        fputs("<p>out of memory</p>\n", f);
    }
    nnb_html_end(f, rows);
    nnb_compare_close(cmp);
    free(pa);
    free(pb);
    free(verdict);
    nnb_html_run_free(&ra);
    nnb_html_run_free(&rb);
}

typedef struct page_args {
    const nnb_results_file *files, *b;
    const size_t *order;
    size_t n;
    const nnb_roof_plot_opts *po;
} page_args;

static int write_page(const char *path, const page_args *p, char *err, size_t len)
{
    nnb_atomic_file af;
    FILE *f = nnb_atomic_open(&af, path, err, len);
    if (!f) return -1;
    if (p->b) nnb_html_compare(f, p->files, p->b);
    else nnb_html_report(f, p->files, p->order, p->n, p->po);
    return nnb_atomic_commit(&af, err, len);
}

int nnb_html_report_file(const char *path, const nnb_results_file *files, const size_t *order, size_t n,
                         const nnb_roof_plot_opts *po, char *err, size_t len)
{
    if (n == 0) return nnb_errf(err, len, "--html %s: no results", path);
    return write_page(path, &(page_args){files, NULL, order, n, po}, err, len);
}

int nnb_html_compare_file(const char *path, const nnb_results_file *a, const nnb_results_file *b, char *err,
                          size_t len)
{
    return write_page(path, &(page_args){a, b, NULL, 0, NULL}, err, len);
}
