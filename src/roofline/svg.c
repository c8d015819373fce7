/* The roofline picture: SVG 1.1, log-log (see plot.h). Drawn in layers,
 * back to front: head, axes, roofs, their labels, then the kernels or
 * layers and the legend (svg_points.c). Every text goes through the label
 * placer (labels.h): what is drawn later avoids it. */
#include "roofline/plot.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "roofline/place.h"
#include "roofline/svg_frame.h"
#include "util/util.h"

/* ---- escaping ---- */

/* XML text/attribute: entities for &<>"', '?' for characters XML 1.0
 * forbids (controls, invalid UTF-8). */
static void xml_str(FILE *f, const char *str)
{
    const unsigned char *s = (const unsigned char *)(str ? str : "");
    while (*s) {
        size_t n = nnb_utf8_len(s);
        if (n == 0) {
            fputc('?', f);
            s++;
            continue;
        }
        if (n > 1) {
            fwrite(s, 1, n, f);
            s += n;
            continue;
        }
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&apos;", f); break;
        default:
            if (*s < 0x20 && *s != '\t') fputc('?', f);
            else fputc(*s, f);
        }
        s++;
    }
}

/* Text inside an XML comment may not contain "--". */
static void xml_comment_str(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '-' && (s[1] == '-' || s[1] == '\0')) fputc('_', f);
        else if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x80) fputc('?', f);
        else fputc(*s, f);
    }
}

/* ---- frame: canvas, plot area and the log-log axes ---- */

enum { W = SVG_W, H = SVG_H, X0 = SVG_X0, X1 = SVG_X1, Y0 = SVG_Y0, Y1 = SVG_Y1 };

double svg_px(const svg_frame *a, double ai) { return X0 + (log10(ai) - a->lx0) / (a->lx1 - a->lx0) * (X1 - X0); }
double svg_py(const svg_frame *a, double g) { return Y1 - (log10(g) - a->ly0) / (a->ly1 - a->ly0) * (Y1 - Y0); }
bool svg_pt_ok(double v) { return v > 0 && isfinite(v); }

static const char *const palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e",
                                      "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"};

static const char *const level_color[] = {"#2a9d8f", "#e9c46a", "#f4a261", "#264653"};

const char *svg_level_color(int l) { return l >= 0 && l < NNB_LVL_COUNT ? level_color[l] : "#444"; }

void svg_level_marker(FILE *f, double X, double Y, int level, double r, const char *col, bool filled)
{
    const char *paint = filled ? "fill=\"%s\" fill-opacity=\"0.75\" stroke=\"white\" stroke-width=\"0.8\""
                               : "fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"";
    if (level == 0)
        fprintf(f, "<path d=\"M %.1f %.1f h %.1f v %.1f h %.1f z\" ", X - r, Y - r, 2 * r, 2 * r, -2 * r);
    else if (level == 1)
        fprintf(f, "<path d=\"M %.1f %.1f l %.1f %.1f h %.1f z\" ", X, Y - 1.2 * r, 1.2 * r, 2 * r, -2.4 * r);
    else if (level == 2) /* pentagon */
        fprintf(f, "<path d=\"M %.1f %.1f L %.1f %.1f L %.1f %.1f L %.1f %.1f L %.1f %.1f z\" ", X, Y - 1.1 * r,
                X + 1.05 * r, Y - 0.34 * r, X + 0.65 * r, Y + 0.9 * r, X - 0.65 * r, Y + 0.9 * r, X - 1.05 * r,
                Y - 0.34 * r);
    else
        fprintf(f, "<path d=\"M %.1f %.1f l %.1f %.1f l %.1f %.1f l %.1f %.1f z\" ", X, Y - 1.2 * r, 1.2 * r,
                1.2 * r, -1.2 * r, 1.2 * r, -1.2 * r, -1.2 * r);
    fprintf(f, paint, col);
    fputs("/>\n", f);
}

static const char *const anchor_name[] = {"start", "middle", "end"};

void svg_text(svg_ctx *s, double x, double y, double size, nnb_anchor an, const char *fill, double angle,
              const char *text)
{
    nnb_labels_block(&s->ls, nnb_text_box(text, size, x, y, an, angle));
    fprintf(s->f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%g\" text-anchor=\"%s\"", x, y, size, anchor_name[an]);
    if (fill && *fill) fprintf(s->f, " fill=\"%s\"", fill);
    if (angle != 0) fprintf(s->f, " transform=\"rotate(%.2f %.1f %.1f)\"", angle, x, y);
    fputc('>', s->f);
    xml_str(s->f, text);
    fputs("</text>\n", s->f);
}

bool svg_text_near(svg_ctx *s, double x, double y, double size, nnb_anchor an, const char *fill, const char *text,
                   int tries)
{
    for (int k = 0; k < tries; k++) {
        double yy = y + (k % 2 ? 1 : -1) * ((k + 1) / 2) * size * 1.15;
        if (k == 0) yy = y;
        if (nnb_labels_fits(&s->ls, nnb_text_box(text, size, x, yy, an, 0))) {
            svg_text(s, x, yy, size, an, fill, 0, text);
            return true;
        }
    }
    return false;
}

/* Ranges: every ridge, every drawable point, whole decades; bounded so
 * that absurd inputs still give a readable picture. */
static void frame_fit(svg_frame *a, const nnb_ceilings *c, const nnb_roof_point *pts, size_t n)
{
    double peak = nnb_ceil_peak(c);
    if (!(peak > 0)) peak = 1;
    double bwmax = 0, bwmin = 0;
    for (int l = 0; l < NNB_LVL_COUNT; l++) {
        double b = nnb_ceil_bw(c, (nnb_level)l);
        if (!(b > 0)) continue;
        if (b > bwmax) bwmax = b;
        if (bwmin == 0 || b < bwmin) bwmin = b;
    }
    double xlo = 0.1, xhi = 10, yhi = peak * 1.6;
    if (bwmax > 0) xlo = fmin(xlo, peak / bwmax / 4);
    if (bwmin > 0) xhi = fmax(xhi, peak / bwmin * 4);
    double gmin = peak / 10;
    for (size_t i = 0; i < n; i++) {
        if (!svg_pt_ok(pts[i].ai) || !svg_pt_ok(pts[i].gflops)) continue;
        xlo = fmin(xlo, pts[i].ai / 2);
        xhi = fmax(xhi, pts[i].ai * 2);
        const double lv[3] = {pts[i].ai_measured, pts[i].ai_l1, pts[i].ai_l2};
        for (int k = 0; k < 3; k++)
            if (svg_pt_ok(lv[k])) {
                xlo = fmin(xlo, lv[k] / 2);
                xhi = fmax(xhi, lv[k] * 2);
            }
        gmin = fmin(gmin, pts[i].gflops / 2);
        if (svg_pt_ok(pts[i].gflops_lo)) gmin = fmin(gmin, pts[i].gflops_lo / 2);
        yhi = fmax(yhi, fmax(pts[i].gflops, svg_pt_ok(pts[i].gflops_hi) ? pts[i].gflops_hi : 0) * 1.6);
    }
    if (bwmin > 0) gmin = fmin(gmin, bwmin * xlo * 2);
    a->peak = peak;
    a->bwmax = bwmax;
    a->bwmin = bwmin;
    a->lx0 = floor(log10(xlo));
    a->lx1 = ceil(log10(xhi));
    a->ly0 = floor(log10(gmin));
    a->ly1 = ceil(log10(yhi));
    if (a->lx0 < -4) a->lx0 = -4;
    if (a->lx1 > 6) a->lx1 = 6;
    if (a->lx1 <= a->lx0) a->lx1 = a->lx0 + 1;
    if (a->ly1 - a->ly0 > 9) a->ly0 = a->ly1 - 9;
    if (a->ly1 <= a->ly0) a->ly0 = a->ly1 - 1;
}

/* ---- layers ---- */

/* The machine, readably, from the ceilings' key ("host|model|cores N|...|isa
 * features|..."): "AMD EPYC, 2 cores, sse2 avx fma avx2 avx512f (host vm)". */
static void machine_name(const char *key, char *buf, size_t len)
{
    char k[sizeof((nnb_ceilings *)0)->key], *field[12];
    int n = 0;
    snprintf(k, sizeof k, "%s", key);
    for (char *p = k, *q; n < 12 && p; p = q) {
        q = strchr(p, '|');
        if (q) *q++ = '\0';
        field[n++] = p;
    }
    const char *cores = "", *isa = "";
    for (int i = 2; i < n; i++) {
        if (strncmp(field[i], "cores ", 6) == 0) cores = field[i];
        else if (!isa[0] && (strstr(field[i], "sse") || strstr(field[i], "avx"))) isa = field[i];
    }
    if (n < 2) snprintf(buf, len, "%s", key);
    else snprintf(buf, len, "%s, %s, %s (host %s)", field[1], cores, isa, field[0]);
}

static void draw_head(svg_ctx *s, const char *title, bool inline_svg)
{
    FILE *f = s->f;
    const nnb_ceilings *c = s->c;
    if (!title || !*title) title = "nnbench roofline";
    char machine[sizeof c->key + 32], line[sizeof machine + 160];
    machine_name(c->key, machine, sizeof machine);
    if (!inline_svg) fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n");
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" height=\"%d\" "
               "viewBox=\"0 0 %d %d\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n",
            W, s->h, W, s->h);
    fprintf(f, "<!-- nnbench roofline; machine: ");
    xml_comment_str(f, c->key);
    fprintf(f, "; threads %d -->\n", c->threads);
    fprintf(f, "<title>");
    xml_str(f, title);
    fprintf(f, " on ");
    xml_str(f, machine);
    fprintf(f, "</title>\n");
    fprintf(f, "<defs><clipPath id=\"plot\"><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/></clipPath></defs>\n",
            X0, Y0, X1 - X0, Y1 - Y0);
    fprintf(f, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"white\"/>\n", W, s->h);
    nnb_text_fit(line, sizeof line, title, 16, W - X0 - 10);
    fprintf(f, "<g font-weight=\"bold\">\n");
    svg_text(s, X0, 28, 16, NNB_ANCHOR_START, NULL, 0, line);
    fprintf(f, "</g>\n");
    char full[sizeof machine + 160];
    snprintf(full, sizeof full, "%s | %d thread%s%s%s", machine, c->threads, c->threads == 1 ? "" : "s",
             c->binding[0] ? ", " : "", c->binding);
    nnb_text_fit(line, sizeof line, full, 11, W - X0 - 10);
    svg_text(s, X0, 48, 11, NNB_ANCHOR_START, "#555", 0, line);
}

/* Grid lines (x: vertical at each decade of AI; y: horizontal at each
 * decade of GFLOP/s) and their ticks, which only differ in extent. */
static void draw_decade_lines(FILE *f, const svg_frame *a, int x_from, int x_to, int y_from, int y_to)
{
    for (int d = (int)a->lx0; d <= (int)a->lx1; d++) {
        double x = svg_px(a, pow(10, d));
        fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>\n", x, y_from, x, y_to);
    }
    for (int d = (int)a->ly0; d <= (int)a->ly1; d++) {
        double y = svg_py(a, pow(10, d));
        fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>\n", x_from, y, x_to, y);
    }
}

static void draw_axes(svg_ctx *s)
{
    FILE *f = s->f;
    const svg_frame *a = &s->a;
    fprintf(f, "<g stroke=\"#e0e0e0\" stroke-width=\"1\">\n");
    draw_decade_lines(f, a, X0, X1, Y0, Y1); /* grid */
    fprintf(f, "</g>\n<g stroke=\"black\" stroke-width=\"1\">\n");
    draw_decade_lines(f, a, X0 - 6, X0, Y1, Y1 + 6); /* ticks */
    fprintf(f, "</g>\n<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"black\"/>\n", X0, Y0,
            X1 - X0, Y1 - Y0);
    char v[32];
    for (int d = (int)a->lx0; d <= (int)a->lx1; d++) {
        snprintf(v, sizeof v, "%g", pow(10, d));
        svg_text(s, svg_px(a, pow(10, d)), Y1 + 20, 12, NNB_ANCHOR_MIDDLE, NULL, 0, v);
    }
    svg_text(s, (X0 + X1) / 2.0, Y1 + 42, 13, NNB_ANCHOR_MIDDLE, NULL, 0, "arithmetic intensity (FLOP/byte)");
    for (int d = (int)a->ly0; d <= (int)a->ly1; d++) {
        snprintf(v, sizeof v, "%g", pow(10, d));
        svg_text(s, X0 - 9, svg_py(a, pow(10, d)) + 4, 12, NNB_ANCHOR_END, NULL, 0, v);
    }
    svg_text(s, X0 - 58, (Y0 + Y1) / 2.0, 13, NNB_ANCHOR_MIDDLE, NULL, -90, "attained GFLOP/s (fp32)");
}

/* Where the compute roof of g GFLOP/s starts: on the top memory roof. */
static double roof_start(const svg_frame *a, double g) { return a->bwmax > 0 ? g / a->bwmax : pow(10, a->lx0); }

/* Ceilings, clipped to the plot: compute roofs horizontal from the top
 * memory roof to the right (the best black, the others grey), the FMA+ADD
 * mix of the widest ISA dashed, memory roofs sloped up to the ridge with
 * the top compute roof. */
static void draw_roofs(FILE *f, const svg_frame *a, const nnb_ceilings *c)
{
    fprintf(f, "<g clip-path=\"url(#plot)\" fill=\"none\" stroke-width=\"2\">\n");
    double xl = pow(10, a->lx0), xr = pow(10, a->lx1);
    int rank = 0;
    for (int i = NNB_ISA_COUNT - 1; i >= 0; i--) {
        const nnb_peak *p = &c->peak[i];
        if (!(p->sp_fma > 0)) continue;
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"%s/>\n",
                svg_px(a, roof_start(a, p->sp_fma)), svg_py(a, p->sp_fma), svg_px(a, xr), svg_py(a, p->sp_fma),
                rank ? "#888" : "black", rank ? " stroke-width=\"1\"" : "");
        rank++;
    }
    for (int i = NNB_ISA_COUNT - 1; i >= 0; i--) {
        double m = c->peak[i].sp_mix;
        if (!(m > 0)) continue;
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555\" stroke-width=\"1\" "
                   "stroke-dasharray=\"6,4\"/>\n",
                svg_px(a, roof_start(a, m)), svg_py(a, m), svg_px(a, xr), svg_py(a, m));
        break;
    }
    for (int l = 0; l < NNB_LVL_COUNT; l++) {
        double b = nnb_ceil_bw(c, (nnb_level)l);
        if (!(b > 0)) continue;
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n", svg_px(a, xl),
                svg_py(a, b * xl), svg_px(a, a->peak / b), svg_py(a, a->peak), level_color[l]);
    }
    fprintf(f, "</g>\n");
}

/* Labels of the compute roofs, right of the plot (moved a line where two
 * roofs are close). */
static void draw_compute_labels(svg_ctx *s)
{
    const svg_frame *a = &s->a;
    const nnb_ceilings *c = s->c;
    char t[96];
    int rank = 0;
    for (int i = NNB_ISA_COUNT - 1; i >= 0; i--) {
        const nnb_peak *p = &c->peak[i];
        if (!(p->sp_fma > 0)) continue;
        double y = svg_py(a, p->sp_fma);
        if (y < Y0 || y > Y1) continue;
        snprintf(t, sizeof t, "%s %s %.1f GFLOP/s", nnb_isa_name((nnb_isa)i), p->fused ? "FMA" : "mul+add", p->sp_fma);
        svg_text_near(s, X1 + 6, y + 4, 11, NNB_ANCHOR_START, rank ? "#555" : "black", t, 7);
        rank++;
    }
    for (int i = NNB_ISA_COUNT - 1; i >= 0; i--) {
        double m = c->peak[i].sp_mix;
        if (!(m > 0)) continue;
        double y = svg_py(a, m);
        snprintf(t, sizeof t, "%s FMA+ADD %.1f GFLOP/s", nnb_isa_name((nnb_isa)i), m);
        if (y >= Y0 && y <= Y1) svg_text_near(s, X1 + 6, y - 4, 11, NNB_ANCHOR_START, "#555", t, 7);
        break;
    }
}

/* Labels along the memory roofs: the first free place walking up each
 * roof from a little right of where it enters. */
static void draw_memory_labels(svg_ctx *s)
{
    const svg_frame *a = &s->a;
    /* a 45-degree line in data space has this angle on screen */
    double ppx = (X1 - X0) / (a->lx1 - a->lx0), ppy = (Y1 - Y0) / (a->ly1 - a->ly0);
    double ang = -atan2(ppy, ppx) * 180.0 / M_PI;
    double xl = pow(10, a->lx0);
    nnb_box plot = {X0, Y0, X1, Y1}, canvas = s->ls.bounds;
    s->ls.bounds = plot;
    for (int l = 0; l < NNB_LVL_COUNT; l++) {
        double b = nnb_ceil_bw(s->c, (nnb_level)l);
        if (!(b > 0)) continue;
        double ridge = a->peak / b;
        double xe = xl;
        if (b * xe < pow(10, a->ly0)) xe = pow(10, a->ly0) / b;
        char t[64];
        snprintf(t, sizeof t, "%s %.1f GB/s", nnb_level_name((nnb_level)l), b);
        for (double dec = 0.15; xe * pow(10, dec) < ridge; dec += 0.1) {
            double xa = xe * pow(10, dec);
            double X = svg_px(a, xa), Y = svg_py(a, b * xa) - 5;
            nnb_box bx = nnb_text_box(t, 11, X, Y, NNB_ANCHOR_START, ang);
            if (bx.x1 > svg_px(a, ridge) + 4) break; /* the label would run past the ridge */
            if (nnb_labels_fits(&s->ls, bx)) {
                svg_text(s, X, Y, 11, NNB_ANCHOR_START, level_color[l], ang, t);
                break;
            }
        }
    }
    s->ls.bounds = canvas;
}

/* Ridge points, each with its AI, above it where that is free. */
static void draw_ridges(svg_ctx *s)
{
    const svg_frame *a = &s->a;
    nnb_box plot = {X0, Y0, X1, Y1}, canvas = s->ls.bounds;
    for (int l = 0; l < NNB_LVL_COUNT; l++) {
        double b = nnb_ceil_bw(s->c, (nnb_level)l);
        if (!(b > 0)) continue;
        double ridge = a->peak / b;
        double X = svg_px(a, ridge), Y = svg_py(a, a->peak);
        if (X < X0 || X > X1) continue;
        fprintf(s->f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"white\" stroke=\"%s\" stroke-width=\"1.5\"/>\n",
                X, Y, level_color[l]);
        nnb_labels_block(&s->ls, (nnb_box){X - 4.5, Y - 4.5, X + 4.5, Y + 4.5}); /* labels keep off it */
        char t[32];
        snprintf(t, sizeof t, "%.2f", ridge);
        s->ls.bounds = plot;
        bool done = false;
        for (int k = 0; k < 4 && !done; k++) {
            double y = Y - 8 - 11.0 * k;
            if (nnb_labels_fits(&s->ls, nnb_text_box(t, 10, X, y, NNB_ANCHOR_MIDDLE, 0))) {
                svg_text(s, X, y, 10, NNB_ANCHOR_MIDDLE, level_color[l], 0, t);
                done = true;
            }
        }
        double lx, ly;
        nnb_anchor an;
        if (!done && nnb_labels_place(&s->ls, t, 10, X, Y, 3.5, &lx, &ly, &an)) {
            svg_text(s, lx, ly, 10, an, level_color[l], 0, t);
        }
        s->ls.bounds = canvas;
    }
}

/* Axes, roofs and their labels, ridges: everything but the kernels. */
static void draw_frame(svg_ctx *s)
{
    draw_axes(s);
    draw_roofs(s->f, &s->a, s->c);
    draw_compute_labels(s);
    draw_ridges(s);
    draw_memory_labels(s);
}

static void ctx_init(svg_ctx *s, FILE *f, const nnb_ceilings *c, const nnb_roof_point *pts, size_t n, int h)
{
    s->f = f;
    s->c = c;
    s->h = h;
    s->dy = 0;
    frame_fit(&s->a, c, pts, n);
    nnb_labels_init(&s->ls, (nnb_box){0, 0, W, h});
}

void nnb_roofline_svg_write_opts(FILE *f, const nnb_ceilings *c, const nnb_roof_point *pts, size_t n,
                                 const nnb_roof_plot_opts *o)
{
    svg_ctx s;
    ctx_init(&s, f, c, pts, n, H + svg_legend_extra(pts, n, o));
    draw_head(&s, o->title, o->inline_svg);
    draw_frame(&s);
    svg_draw_points(&s, pts, n, o);
    fprintf(f, "</svg>\n");
    nnb_labels_free(&s.ls);
}

void nnb_roofline_svg_write(FILE *f, const nnb_ceilings *c, const nnb_roof_point *pts, size_t n,
                            const char *title)
{
    nnb_roof_plot_opts o = {.title = title};
    nnb_roofline_svg_write_opts(f, c, pts, n, &o);
}

/* ---- the roofline as a panel of a larger picture (plot.h) ---- */

_Static_assert((int)W == (int)NNB_ROOF_PANEL_W && (int)H == (int)NNB_ROOF_PANEL_H, "plot.h states the panel's size");

void nnb_svg_escape(FILE *f, const char *s) { xml_str(f, s); }

const char *nnb_svg_color(size_t i) { return palette[i % (sizeof palette / sizeof palette[0])]; }

static void draw_series(FILE *f, const svg_frame *a, const nnb_roof_point *pts, const nnb_roof_series *s)
{
    const char *col = nnb_svg_color(s->color);
    fprintf(f, "<polyline class=\"trajectory\" data-series=\"");
    xml_str(f, s->label);
    fprintf(f, "\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"", col);
    for (size_t i = s->first; i < s->first + s->count; i++)
        if (svg_pt_ok(pts[i].ai) && svg_pt_ok(pts[i].gflops))
            fprintf(f, " %.1f,%.1f", svg_px(a, pts[i].ai), svg_py(a, pts[i].gflops));
    fprintf(f, "\"/>\n");
    for (size_t i = s->first; i < s->first + s->count; i++) {
        if (!svg_pt_ok(pts[i].ai) || !svg_pt_ok(pts[i].gflops)) continue;
        fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"><title>", svg_px(a, pts[i].ai),
                svg_py(a, pts[i].gflops), col);
        xml_str(f, pts[i].label);
        fprintf(f, ": AI %.3g, %.3g GFLOP/s</title></circle>\n", pts[i].ai, pts[i].gflops);
    }
}

void nnb_roofline_svg_panel(FILE *f, const nnb_ceilings *c, const nnb_roof_point *pts, size_t n,
                            const nnb_roof_series *s, size_t ns, int dy)
{
    svg_ctx x;
    ctx_init(&x, f, c, pts, n, H);
    fprintf(f, "<g transform=\"translate(0,%d)\">\n", dy);
    fprintf(f, "<defs><clipPath id=\"plot\"><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/></clipPath></defs>\n",
            X0, Y0, X1 - X0, Y1 - Y0);
    draw_frame(&x);
    fprintf(f, "<g clip-path=\"url(#plot)\">\n");
    for (size_t i = 0; i < ns; i++) draw_series(f, &x.a, pts, &s[i]);
    fprintf(f, "</g>\n");
    nnb_roof_plot_opts o = {0};
    svg_draw_points(&x, NULL, 0, &o); /* the legend */
    fprintf(f, "</g>\n");
    nnb_labels_free(&x.ls);
}
