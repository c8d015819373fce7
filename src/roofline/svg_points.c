/* The roofline picture's points and legend (svg_frame.h): the kernels of
 * one layer, or a network's layers as Intel Advisor draws loops: one point
 * per layer, its area by its share of the time, its colour by op (or
 * bound), its shape by the memory level its AI is placed at, labels for
 * the layers that take the most time, tooltips with the numbers. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "roofline/svg_frame.h"

enum { LEGEND_ROW = 22, MAX_GROUPS = 32 };

static const char *pt_name(const nnb_roof_point *p) { return p->label ? p->label : p->layer ? p->layer : ""; }

static bool drawable(const nnb_roof_point *p) { return svg_pt_ok(p->ai) && svg_pt_ok(p->gflops); }

/* More than one layer named: a network picture. */
static bool is_network(const nnb_roof_point *pts, size_t n)
{
    const char *first = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!pts[i].layer || !drawable(&pts[i])) continue;
        if (!first) first = pts[i].layer;
        else if (strcmp(first, pts[i].layer) != 0) return true;
    }
    return false;
}

/* ---- the tooltip ---- */

static void tooltip(FILE *f, const nnb_roof_point *p, double share)
{
    fputs("<title>", f);
    if (p->tip) {
        nnb_svg_escape(f, p->tip);
    } else {
        nnb_svg_escape(f, pt_name(p));
        if (p->kernel && p->layer) {
            fputs(": ", f);
            nnb_svg_escape(f, p->kernel);
        }
        fprintf(f, ": AI %.3g, %.3g GFLOP/s", p->ai, p->gflops);
        if (p->bound[0]) {
            fputs(", ", f);
            nnb_svg_escape(f, p->bound);
            fputs(" bound", f);
        }
        if (p->efficiency > 0) fprintf(f, ", %.0f%% of its roof", 100 * p->efficiency);
        static const char *const lname[] = {"L1", "L2", "DRAM"};
        const double lv[3] = {p->ai_l1, p->ai_l2, p->ai_measured};
        for (int k = 0; k < 3; k++)
            if (svg_pt_ok(lv[k])) fprintf(f, "; measured AI %s %.3g", lname[k], lv[k]);
    }
    if (share > 0) fprintf(f, "; %.1f%% of the time", 100 * share);
    fputs("</title>\n", f);
}

/* Hollow markers at the measured AI per level, at the point's FLOP/s,
 * joined to it by a dashed line (the hierarchical roofline). */
static void measured_markers(FILE *f, const svg_frame *a, const nnb_roof_point *p, const char *col)
{
    double X = svg_px(a, p->ai), Y = svg_py(a, p->gflops);
    const double lv[3] = {p->ai_l1, p->ai_l2, p->ai_measured};
    static const int lvl[3] = {NNB_LVL_L1, NNB_LVL_L2, NNB_LVL_DRAM};
    double xlo = X, xhi = X;
    for (int k = 0; k < 3; k++)
        if (svg_pt_ok(lv[k])) {
            xlo = fmin(xlo, svg_px(a, lv[k]));
            xhi = fmax(xhi, svg_px(a, lv[k]));
        }
    if (xhi > xlo)
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-dasharray=\"3,3\"/>\n",
                xlo, Y, xhi, Y, col);
    for (int k = 0; k < 3; k++)
        if (svg_pt_ok(lv[k])) svg_level_marker(f, svg_px(a, lv[k]), Y, lvl[k], 5, col, false);
}

/* ---- one layer: every kernel ---- */

static void draw_kernels(svg_ctx *s, const nnb_roof_point *pts, size_t n, const nnb_roof_plot_opts *o)
{
    FILE *f = s->f;
    size_t shown = 0;
    nnb_box canvas = s->ls.bounds;
    for (size_t i = 0; i < n; i++) {
        const nnb_roof_point *p = &pts[i];
        if (!drawable(p)) {
            fprintf(f, "<!-- not drawn (ai or GFLOP/s not positive): ");
            for (const char *c = pt_name(p); *c; c++) /* a comment may not hold "--" */
                fputc(*c == '-' || (unsigned char)*c < 0x20 || (unsigned char)*c >= 0x80 ? '_' : *c, f);
            fprintf(f, " -->\n");
            continue;
        }
        const char *col = nnb_svg_color(shown++);
        double X = svg_px(&s->a, p->ai), Y = svg_py(&s->a, p->gflops);
        fprintf(f, o->inline_svg ? "<g class=\"pt\" id=\"pt-%d\" data-row=\"%d\">" : "<g>", p->row, p->row);
        tooltip(f, p, 0);
        measured_markers(f, &s->a, p, col);
        fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\"/>\n", X, Y, col);
        char t[256], lab[160];
        snprintf(t, sizeof t, "%s (%.3g GFLOP/s)", pt_name(p), p->gflops);
        nnb_text_fit(lab, sizeof lab, t, 11, 300);
        double lx, ly;
        nnb_anchor an;
        s->ls.bounds = (nnb_box){SVG_X0, SVG_Y0, SVG_X1, SVG_Y1};
        if (nnb_labels_place(&s->ls, lab, 11, X, Y, 5, &lx, &ly, &an)) {
            svg_text(s, lx, ly, 11, an, col, 0, lab);
        }
        s->ls.bounds = canvas;
        fputs("</g>\n", f);
    }
}

/* ---- a network: one point per layer ---- */

typedef struct groups {
    const char *color[MAX_GROUPS]; /* fixed colours (compare); NULL: the palette's */
    const char *name[MAX_GROUPS];
    size_t n;
} groups;

static const char *group_of(const nnb_roof_point *p, const nnb_roof_plot_opts *o)
{
    const char *g = p->group ? p->group : o->color_by_bound ? p->bound : p->op;
    return g && *g ? g : "?";
}

static size_t group_index(groups *g, const char *name)
{
    for (size_t i = 0; i < g->n; i++)
        if (strcmp(g->name[i], name) == 0) return i;
    if (g->n == MAX_GROUPS) return MAX_GROUPS - 1;
    g->name[g->n] = name;
    return g->n++;
}

static bool shown_in_net(const nnb_roof_point *p, const nnb_roof_plot_opts *o)
{
    return drawable(p) && (p->best || o->all_kernels);
}

static double radius(double share) { return fmax(2.5, 26.0 * sqrt(fmax(share, 0))); }

static const nnb_roof_point *sort_pts;
static int by_time_desc(const void *a, const void *b)
{
    double ta = sort_pts[*(const size_t *)a].time_s, tb = sort_pts[*(const size_t *)b].time_s;
    if (ta != tb) return ta < tb ? 1 : -1;
    return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

/* Indexes of the shown points, the layers' best first by time; n_best set. */
static size_t *net_order(const nnb_roof_point *pts, size_t n, const nnb_roof_plot_opts *o, size_t *count)
{
    size_t *v = malloc((n ? n : 1) * sizeof *v), k = 0;
    if (!v) return NULL;
    for (size_t i = 0; i < n; i++)
        if (shown_in_net(&pts[i], o)) v[k++] = i;
    sort_pts = pts;
    qsort(v, k, sizeof *v, by_time_desc);
    *count = k;
    return v;
}

static double net_total_s(const nnb_roof_point *pts, size_t n)
{
    double t = 0;
    for (size_t i = 0; i < n; i++)
        if (pts[i].best && drawable(&pts[i]) && pts[i].time_s > 0) t += pts[i].time_s;
    return t;
}

static void net_point(svg_ctx *s, const nnb_roof_point *p, double share, const char *col, bool labelled,
                      const nnb_roof_plot_opts *o)
{
    FILE *f = s->f;
    double X = svg_px(&s->a, p->ai), Y = svg_py(&s->a, p->gflops);
    fprintf(f, o->inline_svg ? "<g class=\"pt\" id=\"pt-%d\" data-row=\"%d\">" : "<g>", p->row, p->row);
    tooltip(f, p, p->best ? share : 0);
    if (svg_pt_ok(p->gflops_lo) && svg_pt_ok(p->gflops_hi) && p->gflops_hi > p->gflops_lo)
        fprintf(f, "<line class=\"spread\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n", X,
                svg_py(&s->a, p->gflops_lo), X, svg_py(&s->a, p->gflops_hi), col);
    if (labelled) measured_markers(f, &s->a, p, col);
    if (svg_pt_ok(p->ai_from) && svg_pt_ok(p->gflops_from)) { /* before -> after */
        double x0 = svg_px(&s->a, p->ai_from), y0 = svg_py(&s->a, p->gflops_from);
        fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"white\" stroke=\"%s\"/>"
                   "<line class=\"arrow\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                   "stroke-width=\"1.5\" marker-end=\"url(#arrow)\"/>\n",
                x0, y0, col, x0, y0, X, Y, col);
    }
    if (!p->best)
        fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"none\" stroke=\"%s\"/>\n", X, Y, col);
    else if (p->level > 0 && p->level <= NNB_LVL_DRAM) /* DRAM: a circle, the common case */
        svg_level_marker(f, X, Y, p->level - 1, radius(share), col, true);
    else
        fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\" fill-opacity=\"0.75\" stroke=\"white\" "
                   "stroke-width=\"0.8\"/>\n",
                X, Y, radius(share), col);
    fputs("</g>\n", f);
}

/* The labels of the top layers, each where it first fits (labels.h). */
static size_t net_labels(svg_ctx *s, const nnb_roof_point *pts, const size_t *ord, size_t k, double total,
                         size_t max_labels, const bool *lab)
{
    nnb_box canvas = s->ls.bounds;
    s->ls.bounds = (nnb_box){SVG_X0 + 1, SVG_Y0 + 1, SVG_X1 - 1, SVG_Y1 - 1};
    size_t placed = 0;
    for (size_t j = 0; j < k && placed < max_labels; j++) {
        const nnb_roof_point *p = &pts[ord[j]];
        if (!lab[j]) continue;
        double share = total > 0 ? p->time_s / total : 0;
        char t[160], fit[160];
        snprintf(t, sizeof t, "%s %.*f%%", p->layer ? p->layer : pt_name(p), share < 0.01 ? 1 : 0, 100 * share);
        nnb_text_fit(fit, sizeof fit, t, 11, 220);
        double lx, ly;
        nnb_anchor an;
        if (nnb_labels_place(&s->ls, fit, 11, svg_px(&s->a, p->ai), svg_py(&s->a, p->gflops), radius(share), &lx, &ly,
                             &an)) {
            svg_text(s, lx, ly, 11, an, "#222", 0, fit);
            placed++;
        }
    }
    s->ls.bounds = canvas;
    return placed;
}

static size_t draw_network(svg_ctx *s, const nnb_roof_point *pts, size_t n, const nnb_roof_plot_opts *o,
                           groups *g, size_t *nlabels)
{
    size_t k = 0, *ord = net_order(pts, n, o, &k);
    if (!ord) return 0;
    double total = net_total_s(pts, n);
    size_t max_labels = o->max_labels ? o->max_labels : 10;
    bool *lab = calloc(k ? k : 1, sizeof *lab);
    size_t nl = 0;
    for (size_t j = 0; j < k && lab; j++)
        if (pts[ord[j]].best && nl < max_labels) lab[j] = true, nl++;
    for (size_t j = 0; j < k; j++) group_index(g, group_of(&pts[ord[j]], o)); /* colours in time order */
    fprintf(s->f, "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"6\" "
                  "markerHeight=\"6\" orient=\"auto\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#333\"/></marker></defs>\n");
    fprintf(s->f, "<g class=\"points\" clip-path=\"url(#plot)\">\n");
    for (size_t j = 0; j < k; j++) { /* biggest first: small points stay on top */
        const nnb_roof_point *p = &pts[ord[j]];
        double share = total > 0 && p->time_s > 0 ? p->time_s / total : 0;
        size_t gi = group_index(g, group_of(p, o));
        if (p->color) g->color[gi] = p->color;
        net_point(s, p, share, p->color ? p->color : nnb_svg_color(gi), lab && lab[j], o);
        if (p->best) { /* the marker is an obstacle to labels */
            double r = radius(share), X = svg_px(&s->a, p->ai), Y = svg_py(&s->a, p->gflops);
            if (j < max_labels) nnb_labels_block(&s->ls, (nnb_box){X - r, Y - r, X + r, Y + r});
        }
    }
    fprintf(s->f, "</g>\n");
    *nlabels = lab ? net_labels(s, pts, ord, k, total, max_labels, lab) : 0;
    free(lab);
    free(ord);
    return k;
}

/* ---- legends, under the axis title, flowing into rows ---- */

typedef struct flow {
    svg_ctx *s;      /* NULL: only measure */
    double x, y;
    int rows;
} flow;

static void flow_break(flow *fl)
{
    fl->x = SVG_X0;
    fl->y += LEGEND_ROW;
    fl->rows++;
}

/* An item: a marker (drawn by mark at x, y-4, unless NULL) w_mark wide and its text. */
typedef void (*mark_fn)(FILE *f, double x, double y, const void *arg);
static void flow_item(flow *fl, double w_mark, mark_fn mark, const void *arg, const char *text, const char *fill)
{
    double w = w_mark + nnb_text_width(text, 11) + 14;
    if (fl->x + w > SVG_W - 10 && fl->x > SVG_X0) flow_break(fl);
    if (fl->s) {
        if (mark) mark(fl->s->f, fl->x, fl->y - 4, arg);
        svg_text(fl->s, fl->x + w_mark, fl->y, 11, NNB_ANCHOR_START, fill, 0, text);
    }
    fl->x += w;
}

static void mark_swatch(FILE *f, double x, double y, const void *col)
{
    fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"%s\" fill-opacity=\"0.75\"/>\n", x + 5, y, (const char *)col);
}
static void mark_size(FILE *f, double x, double y, const void *share)
{
    double r = radius(*(const double *)share);
    fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"#999\" fill-opacity=\"0.75\"/>\n", x + r, y, r);
}
static void mark_level(FILE *f, double x, double y, const void *level)
{
    svg_level_marker(f, x + 6, y, *(const int *)level, 5, "#777", true);
}
static void mark_measured(FILE *f, double x, double y, const void *unused)
{
    (void)unused;
    for (int k = 0; k < 3; k++) svg_level_marker(f, x + 6 + 16 * k, y, k == 2 ? NNB_LVL_DRAM : k, 5, "#444", false);
}
static void mark_dot(FILE *f, double x, double y, const void *unused)
{
    (void)unused;
    fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"#444\"/>\n", x + 5, y);
}
static void mark_ridge(FILE *f, double x, double y, const void *unused)
{
    (void)unused;
    fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"white\" stroke=\"#444\"/>\n", x + 4, y);
}

static const char roof_note[] =
    "memory roof = max(read-only, triad), triad without write-allocate (12 B/elem); dashed: FMA+ADD mix";

static void legend_kernels(flow *fl, const nnb_roof_point *pts, size_t n)
{
    /* every kernel by colour, whether or not its label found a place by its point */
    size_t shown = 0;
    for (size_t i = 0; i < n; i++) {
        if (!drawable(&pts[i])) continue;
        char t[96];
        nnb_text_fit(t, sizeof t, pt_name(&pts[i]), 11, 260);
        flow_item(fl, 14, mark_swatch, nnb_svg_color(shown++), t, NULL);
    }
    if (shown) flow_break(fl);
    flow_item(fl, 14, mark_dot, NULL, "kernel at analytic AI", NULL);
    flow_item(fl, 52, mark_measured, NULL, "measured AI at L1, L2, DRAM", NULL);
    flow_item(fl, 12, mark_ridge, NULL, "ridge point (its AI is labelled)", NULL);
    flow_break(fl);
    flow_item(fl, 0, NULL, NULL, roof_note, "#555");
}

static void legend_network(flow *fl, const groups *g, const nnb_roof_plot_opts *o, size_t shown, size_t labelled,
                           size_t nbest)
{
    bool fixed = false; /* compare: the colours are the change's */
    for (size_t i = 0; i < g->n; i++) fixed |= g->color[i] != NULL;
    flow_item(fl, 0, NULL, NULL, fixed ? "colour: change A -> B" : o->color_by_bound ? "colour: bound" : "colour: op",
              "#555");
    for (size_t i = 0; i < g->n; i++)
        flow_item(fl, 14, mark_swatch, g->color[i] ? g->color[i] : nnb_svg_color(i), g->name[i], NULL);
    flow_break(fl);
    static const double shares[3] = {0.01, 0.1, 0.5};
    static const char *const share_txt[3] = {"1%", "10%", "50% of the time"};
    flow_item(fl, 0, NULL, NULL, "area: share of the time", "#555");
    for (int i = 0; i < 3; i++) flow_item(fl, 2 * radius(shares[i]) + 4, mark_size, &shares[i], share_txt[i], NULL);
    static const int lv[4] = {0, 1, 2, 3};
    static const char *const lv_txt[4] = {"L1", "L2", "L3", "DRAM"};
    flow_item(fl, 0, NULL, NULL, "shape: AI placed at", "#555");
    for (int i = 0; i < 4; i++) flow_item(fl, 14, mark_level, &lv[i], lv_txt[i], NULL);
    flow_break(fl);
    char t[200];
    snprintf(t, sizeof t, "%zu layer%s; labelled: the %zu taking the most time (tooltips name every point)", nbest,
             nbest == 1 ? "" : "s", labelled);
    flow_item(fl, 0, NULL, NULL, t, NULL);
    if (shown > nbest) flow_item(fl, 0, NULL, NULL, "hollow: the other kernels (--plot-kernels all)", NULL);
    flow_break(fl);
    flow_item(fl, 52, mark_measured, NULL, "measured AI at L1, L2, DRAM (labelled layers)", NULL);
    flow_item(fl, 0, NULL, NULL, "bars: fastest..slowest repetition", NULL);
    flow_item(fl, 12, mark_ridge, NULL, "ridge (AI labelled)", NULL);
    flow_break(fl);
    flow_item(fl, 0, NULL, NULL, roof_note, "#555");
}

static size_t count_best(const nnb_roof_point *pts, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) k += pts[i].best && drawable(&pts[i]);
    return k;
}

int svg_legend_extra(const nnb_roof_point *pts, size_t n, const nnb_roof_plot_opts *o)
{
    flow fl = {NULL, SVG_X0, SVG_Y1 + 68, 1};
    if (is_network(pts, n)) {
        groups g = {.n = 0};
        for (size_t i = 0; i < n; i++)
            if (shown_in_net(&pts[i], o)) group_index(&g, group_of(&pts[i], o));
        size_t shown = 0, nbest = count_best(pts, n), max = o->max_labels ? o->max_labels : 10;
        for (size_t i = 0; i < n; i++) shown += shown_in_net(&pts[i], o);
        legend_network(&fl, &g, o, shown, nbest < max ? nbest : max, nbest);
    } else {
        legend_kernels(&fl, pts, n);
    }
    int need = (int)ceil(fl.y) + 14;
    return need > SVG_H ? need - SVG_H : 0;
}

void svg_draw_points(svg_ctx *s, const nnb_roof_point *pts, size_t n, const nnb_roof_plot_opts *o)
{
    flow fl = {s, SVG_X0, SVG_Y1 + 68, 1};
    if (is_network(pts, n)) {
        groups g = {.n = 0};
        size_t labelled = 0, shown = draw_network(s, pts, n, o, &g, &labelled);
        legend_network(&fl, &g, o, shown, labelled, count_best(pts, n));
    } else {
        draw_kernels(s, pts, n, o);
        legend_kernels(&fl, pts, n);
    }
}
