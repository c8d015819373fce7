/* The sweep picture (see sweep_plot.h): the top panel drawn here in the
 * roofline picture's style (its escaping and palette), the roofline panel
 * by the roofline module itself. */
#include "report/sweep_plot.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "roofline/labels.h"
#include "roofline/plot.h"
#include "util/appendf.h"
#include "util/atomic_file.h"
#include "util/util.h"

enum { TOP_H = 440, X0 = 90, X1 = 720, Y0 = 70, Y1 = 380 };

int nnb_sweep_plot_add(nnb_sweep_plot *sp, const nnb_sweep *sw, size_t point, const nnb_layer_report *rep)
{
    for (size_t i = 0; i < rep->nresults; i++) {
        if (sp->n == sp->cap) {
            size_t cap = sp->cap ? 2 * sp->cap : 32;
            nnb_sweep_sample *v = realloc(sp->v, cap * sizeof *v);
            if (!v) return -1;
            sp->v = v;
            sp->cap = cap;
        }
        nnb_sweep_sample *s = &sp->v[sp->n++];
        size_t o = 0;
        nnb_appendf(s->series, sizeof s->series, &o, "%s", rep->results[i].kernel);
        for (size_t a = 1; a < sw->naxes; a++)
            nnb_appendf(s->series, sizeof s->series, &o, " %s=%lld", sw->axis[a].key, (long long)sw->pts[point].value[a]);
        s->x = (double)sw->pts[point].value[0];
        const nnb_timing *t = &rep->results[i].time;
        s->gflops = rep->results[i].gflops;
        s->gflops_lo = t->p75_s > 0 ? s->gflops * t->median_s / t->p75_s : 0;
        s->gflops_hi = t->p25_s > 0 ? s->gflops * t->median_s / t->p25_s : 0;
        s->disturbed = t->disturbed;
        s->ai = rep->analytic.ai;
    }
    return 0;
}

void nnb_sweep_plot_free(nnb_sweep_plot *sp)
{
    free(sp->v);
    memset(sp, 0, sizeof *sp);
}

/* Samples grouped by series (first appearance order), then by key. */
static const nnb_sweep_plot *sort_plot;
static bool sort_by_ai;
static size_t series_rank(const char *s)
{
    size_t r = 0;
    while (r < sort_plot->n && strcmp(sort_plot->v[r].series, s) != 0) r++;
    return r;
}
static int cmp_sample(const void *pa, const void *pb)
{
    const nnb_sweep_sample *a = pa, *b = pb;
    size_t ra = series_rank(a->series), rb = series_rank(b->series);
    if (ra != rb) return ra < rb ? -1 : 1;
    double ka = sort_by_ai ? a->ai : a->x, kb = sort_by_ai ? b->ai : b->x;
    return (ka > kb) - (ka < kb);
}
static void sort_samples(const nnb_sweep_plot *orig, nnb_sweep_sample *v, size_t n, bool by_ai)
{
    sort_plot = orig;
    sort_by_ai = by_ai;
    qsort(v, n, sizeof *v, cmp_sample);
}

typedef struct axes {
    double x0, x1, ymax;
    bool logx;
    nnb_labels *ls;      /* the top panel's texts (labels.h): none overlaps another */
} axes;

static const char *const anchor_name[] = {"start", "middle", "end"};

/* Text at (x, baseline y) where it overlaps nothing drawn before (else
 * left out: a tick among many); cut to fit `width` px when > 0. */
static bool text_at(FILE *f, nnb_labels *ls, double x, double y, double size, nnb_anchor an, const char *s,
                    double width)
{
    char buf[512];
    nnb_text_fit(buf, sizeof buf, s, size, width > 0 ? width : 1e9);
    if (!nnb_labels_try(ls, nnb_text_box(buf, size, x, y, an, 0))) return false;
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%g\" text-anchor=\"%s\">", x, y, size, anchor_name[an]);
    nnb_svg_escape(f, buf);
    fputs("</text>\n", f);
    return true;
}

static double ax_x(const axes *a, double x)
{
    double t = a->logx ? (log10(x) - log10(a->x0)) / (log10(a->x1) - log10(a->x0)) : (x - a->x0) / (a->x1 - a->x0);
    return a->x1 > a->x0 ? X0 + 20 + t * (X1 - X0 - 40) : (X0 + X1) / 2.0;
}
static double ax_y(const axes *a, double g) { return Y1 - g / a->ymax * (Y1 - Y0); }

/* Frame, ticks at the swept values (those that fit) and at a round
 * GFLOP/s step, axis titles. */
static void top_axes(FILE *f, const axes *a, const nnb_sweep_sample *v, size_t n, const char *key)
{
    fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"black\"/>\n", X0, Y0,
            X1 - X0, Y1 - Y0);
    double step = pow(10, floor(log10(a->ymax / 5)));
    if (a->ymax / step > 10) step *= a->ymax / step > 25 ? 5 : 2;
    char t[64];
    for (double g = 0; g <= a->ymax * 1.0001; g += step) {
        fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e0e0e0\"/>\n", X0, ax_y(a, g), X1,
                ax_y(a, g));
        snprintf(t, sizeof t, "%g", g);
        text_at(f, a->ls, X0 - 8, ax_y(a, g) + 4, 11, NNB_ANCHOR_END, t, 0);
    }
    for (size_t i = 0; i < n; i++) { /* each swept value once, where it fits */
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++) seen = v[j].x == v[i].x;
        snprintf(t, sizeof t, "%g", v[i].x);
        if (!seen) text_at(f, a->ls, ax_x(a, v[i].x), Y1 + 18, 11, NNB_ANCHOR_MIDDLE, t, 0);
    }
    char title[160];
    snprintf(title, sizeof title, "%s%s", key, a->logx ? " (log scale)" : "");
    text_at(f, a->ls, (X0 + X1) / 2.0, Y1 + 40, 13, NNB_ANCHOR_MIDDLE, title, X1 - X0);
    nnb_labels_block(a->ls, nnb_text_box("attained GFLOP/s (fp32)", 13, X0 - 55, (Y0 + Y1) / 2.0, NNB_ANCHOR_MIDDLE, -90));
    fprintf(f, "<text transform=\"translate(%d,%d) rotate(-90)\" text-anchor=\"middle\" font-size=\"13\">"
               "attained GFLOP/s (fp32)</text>\n", X0 - 55, (Y0 + Y1) / 2);
}

/* One polyline (class "gflops") per series through its points in key
 * order, a dot per point, and the legend entry right of the plot. */
static void top_series(FILE *f, const axes *a, const nnb_sweep_sample *v, size_t first, size_t count, size_t color)
{
    const char *col = nnb_svg_color(color);
    fprintf(f, "<polyline class=\"gflops\" data-series=\"");
    nnb_svg_escape(f, v[first].series);
    fprintf(f, "\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", col);
    for (size_t i = first; i < first + count; i++) fprintf(f, " %.1f,%.1f", ax_x(a, v[i].x), ax_y(a, v[i].gflops));
    fprintf(f, "\"/>\n");
    for (size_t i = first; i < first + count; i++) {
        /* the spread: a bar from the third to the first quartile's GFLOP/s */
        if (v[i].gflops_hi > 0)
            fprintf(f, "<line class=\"spread\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                       "stroke-width=\"1.5\"/>\n", ax_x(a, v[i].x), ax_y(a, v[i].gflops_lo), ax_x(a, v[i].x),
                    ax_y(a, v[i].gflops_hi), col);
        fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\" stroke=\"%s\"><title>", ax_x(a, v[i].x),
                ax_y(a, v[i].gflops), v[i].disturbed ? "white" : col, col);
        nnb_svg_escape(f, v[i].series);
        fprintf(f, " at %g: %.3g GFLOP/s (quartiles %.3g..%.3g), AI %.3g%s</title></circle>\n", v[i].x, v[i].gflops,
                v[i].gflops_lo, v[i].gflops_hi, v[i].ai, v[i].disturbed ? "; disturbed: not to be trusted" : "");
    }
    /* the legend right of the plot, as many entries as fit (every line keeps its tooltip) */
    double ly = Y0 + 14 + 16.0 * (double)color;
    if (ly > Y1 - 4) return;
    if (ly > Y1 - 20 && color > 0) {
        text_at(f, a->ls, X1 + 38, ly, 11, NNB_ANCHOR_START, "... more: hover the lines", NNB_ROOF_PANEL_W - X1 - 48);
        return;
    }
    fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\"/>\n", X1 + 12,
            ly - 4, X1 + 32, ly - 4, col);
    text_at(f, a->ls, X1 + 38, ly, 11, NNB_ANCHOR_START, v[first].series, NNB_ROOF_PANEL_W - X1 - 48);
}

/* Series as runs of the sorted samples: calls draw for each run. */
static size_t next_run(const nnb_sweep_sample *v, size_t n, size_t i)
{
    size_t j = i + 1;
    while (j < n && strcmp(v[j].series, v[i].series) == 0) j++;
    return j;
}

static void top_panel(FILE *f, const nnb_sweep_plot *sp, nnb_sweep_sample *v, const nnb_sweep *sw, nnb_labels *ls)
{
    axes a = {.x0 = v[0].x, .x1 = v[0].x, .ymax = 0, .logx = sw->axis[0].mul, .ls = ls};
    for (size_t i = 0; i < sp->n; i++) {
        a.x0 = fmin(a.x0, v[i].x);
        a.x1 = fmax(a.x1, v[i].x);
        if (isfinite(v[i].gflops)) a.ymax = fmax(a.ymax, fmax(v[i].gflops, isfinite(v[i].gflops_hi) ? v[i].gflops_hi : 0));
    }
    a.ymax = a.ymax > 0 ? a.ymax * 1.1 : 1;
    sort_samples(sp, v, sp->n, false);
    top_axes(f, &a, v, sp->n, sw->axis[0].key);
    size_t color = 0;
    for (size_t i = 0; i < sp->n; i = next_run(v, sp->n, i)) top_series(f, &a, v, i, next_run(v, sp->n, i) - i, color++);
}

/* The same samples on the roofline, one trajectory per series in AI order. */
static int roof_panel(FILE *f, const nnb_sweep_plot *sp, nnb_sweep_sample *v, const nnb_ceilings *c)
{
    sort_samples(sp, v, sp->n, true);
    nnb_roof_point *pts = calloc(sp->n, sizeof *pts);
    nnb_roof_series *ser = calloc(sp->n, sizeof *ser);
    if (!pts || !ser) {
        free(pts);
        free(ser);
        return -1;
    }
    size_t ns = 0;
    for (size_t i = 0; i < sp->n; i++) pts[i] = (nnb_roof_point){.label = v[i].series, .ai = v[i].ai, .gflops = v[i].gflops, .gflops_lo = v[i].gflops_lo, .gflops_hi = v[i].gflops_hi};
    for (size_t i = 0; i < sp->n; i = next_run(v, sp->n, i), ns++)
        ser[ns] = (nnb_roof_series){v[i].series, i, next_run(v, sp->n, i) - i, ns};
    nnb_roofline_svg_panel(f, c, pts, sp->n, ser, ns, TOP_H);
    free(pts);
    free(ser);
    return 0;
}

int nnb_sweep_plot_write(const char *path, nnb_sweep_plot *sp, const nnb_sweep *sw, const nnb_ceilings *c,
                         const char *title, char *err, size_t len)
{
    if (sp->n == 0) return nnb_errf(err, len, "--plot %s: no kernel ran at any sweep point", path);
    nnb_sweep_sample *v = malloc(sp->n * sizeof *v);
    if (!v) return nnb_errf(err, len, "--plot %s: out of memory", path);
    memcpy(v, sp->v, sp->n * sizeof *v);
    nnb_atomic_file af;
    FILE *f = nnb_atomic_open(&af, path, err, len);
    if (!f) {
        free(v);
        return -1;
    }
    int w = NNB_ROOF_PANEL_W, h = TOP_H + NNB_ROOF_PANEL_H;
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
               "version=\"1.1\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"Helvetica, Arial, "
               "sans-serif\" font-size=\"12\">\n<title>", w, h, w, h);
    nnb_svg_escape(f, title);
    fprintf(f, "</title>\n<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"white\"/>\n<g font-weight=\"bold\">", w, h);
    nnb_labels ls;
    nnb_labels_init(&ls, (nnb_box){0, 0, w, TOP_H});
    text_at(f, &ls, X0, 28, 16, NNB_ANCHOR_START, title, w - X0 - 10);
    fprintf(f, "</g>\n<g fill=\"#555\">");
    text_at(f, &ls, X0, 48, 11, NNB_ANCHOR_START, c->key, w - X0 - 10);
    fprintf(f, "</g>\n");
    top_panel(f, sp, v, sw, &ls);
    nnb_labels_free(&ls);
    int rc = roof_panel(f, sp, v, c);
    fprintf(f, "</svg>\n");
    free(v);
    if (rc) {
        nnb_atomic_abort(&af);
        return nnb_errf(err, len, "--plot %s: out of memory", path);
    }
    return nnb_atomic_commit(&af, err, len);
}
