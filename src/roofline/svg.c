/* The roofline picture: SVG 1.1, log-log (see plot.h). Drawn in layers,
 * back to front: head, axes, roofs, their labels, kernels, legend. */
#include "roofline/plot.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "roofline/place.h"
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

enum { W = 960, H = 680, X0 = 90, X1 = 720, Y0 = 70, Y1 = 570 };

typedef struct frame {
    double lx0, lx1, ly0, ly1; /* log10 of the axis ranges (whole decades) */
    double peak;               /* top compute roof, GFLOP/s */
    double bwmax, bwmin;       /* highest and lowest memory roof, GB/s; 0: none */
} frame;

static double px(const frame *a, double ai) { return X0 + (log10(ai) - a->lx0) / (a->lx1 - a->lx0) * (X1 - X0); }
static double py(const frame *a, double g) { return Y1 - (log10(g) - a->ly0) / (a->ly1 - a->ly0) * (Y1 - Y0); }

static bool pt_ok(double v) { return v > 0 && isfinite(v); }

static const char *const palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e",
                                      "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"};

static const char *const level_color[] = {"#2a9d8f", "#e9c46a", "#f4a261", "#264653"};

/* Ranges: every ridge, every drawable point, whole decades; bounded so
 * that absurd inputs still give a readable picture. */
static void frame_fit(frame *a, const nnb_ceilings *c, const nnb_roof_point *pts, size_t n)
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
        if (!pt_ok(pts[i].ai) || !pt_ok(pts[i].gflops)) continue;
        xlo = fmin(xlo, pts[i].ai / 2);
        xhi = fmax(xhi, pts[i].ai * 2);
        const double lv[3] = {pts[i].ai_measured, pts[i].ai_l1, pts[i].ai_l2};
        for (int k = 0; k < 3; k++)
            if (pt_ok(lv[k])) {
                xlo = fmin(xlo, lv[k] / 2);
                xhi = fmax(xhi, lv[k] * 2);
            }
        gmin = fmin(gmin, pts[i].gflops / 2);
        yhi = fmax(yhi, pts[i].gflops * 1.6);
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

static void draw_head(FILE *f, const nnb_ceilings *c, const char *title)
{
    if (!title || !*title) title = "nnbench roofline";
    char machine[sizeof c->key + 32];
    machine_name(c->key, machine, sizeof machine);
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n");
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" height=\"%d\" "
               "viewBox=\"0 0 %d %d\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n",
            W, H, W, H);
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
    fprintf(f, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"white\"/>\n", W, H);
    fprintf(f, "<text x=\"%d\" y=\"28\" font-size=\"16\" font-weight=\"bold\">", X0);
    xml_str(f, title);
    fprintf(f, "</text>\n<text x=\"%d\" y=\"48\" font-size=\"11\" fill=\"#555\">", X0);
    xml_str(f, machine);
    fprintf(f, " | %d thread%s", c->threads, c->threads == 1 ? "" : "s");
    if (c->binding[0]) {
        fprintf(f, ", ");
        xml_str(f, c->binding);
    }
    fprintf(f, "</text>\n");
}

/* Grid lines (x: vertical at each decade of AI; y: horizontal at each
 * decade of GFLOP/s) and their ticks, which only differ in extent. */
static void draw_decade_lines(FILE *f, const frame *a, int x_from, int x_to, int y_from, int y_to)
{
    for (int d = (int)a->lx0; d <= (int)a->lx1; d++) {
        double x = px(a, pow(10, d));
        fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>\n", x, y_from, x, y_to);
    }
    for (int d = (int)a->ly0; d <= (int)a->ly1; d++) {
        double y = py(a, pow(10, d));
        fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>\n", x_from, y, x_to, y);
    }
}

static void draw_axes(FILE *f, const frame *a)
{
    fprintf(f, "<g stroke=\"#e0e0e0\" stroke-width=\"1\">\n");
    draw_decade_lines(f, a, X0, X1, Y0, Y1); /* grid */
    fprintf(f, "</g>\n<g stroke=\"black\" stroke-width=\"1\">\n");
    draw_decade_lines(f, a, X0 - 6, X0, Y1, Y1 + 6); /* ticks */
    fprintf(f, "</g>\n<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"black\"/>\n", X0, Y0,
            X1 - X0, Y1 - Y0);
    fprintf(f, "<g text-anchor=\"middle\">\n");
    for (int d = (int)a->lx0; d <= (int)a->lx1; d++)
        fprintf(f, "<text x=\"%.1f\" y=\"%d\">%g</text>\n", px(a, pow(10, d)), Y1 + 20, pow(10, d));
    fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"13\">arithmetic intensity (FLOP/byte)</text>\n", (X0 + X1) / 2,
            Y1 + 42);
    fprintf(f, "</g>\n<g text-anchor=\"end\">\n");
    for (int d = (int)a->ly0; d <= (int)a->ly1; d++)
        fprintf(f, "<text x=\"%d\" y=\"%.1f\">%g</text>\n", X0 - 9, py(a, pow(10, d)) + 4, pow(10, d));
    fprintf(f, "</g>\n<text transform=\"translate(%d,%d) rotate(-90)\" text-anchor=\"middle\" font-size=\"13\">"
               "attained GFLOP/s (fp32)</text>\n",
            X0 - 58, (Y0 + Y1) / 2);
}

/* Where the compute roof of g GFLOP/s starts: on the top memory roof. */
static double roof_start(const frame *a, double g) { return a->bwmax > 0 ? g / a->bwmax : pow(10, a->lx0); }

/* Ceilings, clipped to the plot: compute roofs horizontal from the top
 * memory roof to the right (the best black, the others grey), the FMA+ADD
 * mix of the widest ISA dashed, memory roofs sloped up to the ridge with
 * the top compute roof. */
static void draw_roofs(FILE *f, const frame *a, const nnb_ceilings *c)
{
    fprintf(f, "<g clip-path=\"url(#plot)\" fill=\"none\" stroke-width=\"2\">\n");
    double xl = pow(10, a->lx0), xr = pow(10, a->lx1);
    int rank = 0;
    for (int i = NNB_ISA_COUNT - 1; i >= 0; i--) {
        const nnb_peak *p = &c->peak[i];
        if (!(p->sp_fma > 0)) continue;
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"%s/>\n",
                px(a, roof_start(a, p->sp_fma)), py(a, p->sp_fma), px(a, xr), py(a, p->sp_fma),
                rank ? "#888" : "black", rank ? " stroke-width=\"1\"" : "");
        rank++;
    }
    for (int i = NNB_ISA_COUNT - 1; i >= 0; i--) {
        double m = c->peak[i].sp_mix;
        if (!(m > 0)) continue;
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555\" stroke-width=\"1\" "
                   "stroke-dasharray=\"6,4\"/>\n",
                px(a, roof_start(a, m)), py(a, m), px(a, xr), py(a, m));
        break;
    }
    for (int l = 0; l < NNB_LVL_COUNT; l++) {
        double b = nnb_ceil_bw(c, (nnb_level)l);
        if (!(b > 0)) continue;
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n", px(a, xl),
                py(a, b * xl), px(a, a->peak / b), py(a, a->peak), level_color[l]);
    }
    fprintf(f, "</g>\n");
}

/* Labels of the compute roofs, right of the plot. */
static void draw_compute_labels(FILE *f, const frame *a, const nnb_ceilings *c)
{
    int rank = 0;
    for (int i = NNB_ISA_COUNT - 1; i >= 0; i--) {
        const nnb_peak *p = &c->peak[i];
        if (!(p->sp_fma > 0)) continue;
        double y = py(a, p->sp_fma);
        if (y < Y0 || y > Y1) continue;
        fprintf(f, "<text x=\"%d\" y=\"%.1f\" fill=\"%s\">%s %s %.1f GFLOP/s</text>\n", X1 + 6, y + 4,
                rank ? "#555" : "black", nnb_isa_name((nnb_isa)i), p->fused ? "FMA" : "mul+add", p->sp_fma);
        rank++;
    }
    for (int i = NNB_ISA_COUNT - 1; i >= 0; i--) {
        double m = c->peak[i].sp_mix;
        if (!(m > 0)) continue;
        double y = py(a, m);
        if (y >= Y0 && y <= Y1)
            fprintf(f, "<text x=\"%d\" y=\"%.1f\" fill=\"#555\">%s FMA+ADD %.1f GFLOP/s</text>\n", X1 + 6, y - 4,
                    nnb_isa_name((nnb_isa)i), m);
        break;
    }
}

/* Labels along the memory roofs, a little right of where each enters. */
static void draw_memory_labels(FILE *f, const frame *a, const nnb_ceilings *c)
{
    /* a 45-degree line in data space has this angle on screen */
    double ppx = (X1 - X0) / (a->lx1 - a->lx0), ppy = (Y1 - Y0) / (a->ly1 - a->ly0);
    double ang = -atan2(ppy, ppx) * 180.0 / M_PI;
    double xl = pow(10, a->lx0);
    for (int l = 0; l < NNB_LVL_COUNT; l++) {
        double b = nnb_ceil_bw(c, (nnb_level)l);
        if (!(b > 0)) continue;
        double ridge = a->peak / b;
        /* 0.15 decade right of where the line enters */
        double xe = xl;
        if (b * xe < pow(10, a->ly0)) xe = pow(10, a->ly0) / b;
        double xa = xe * pow(10, 0.15);
        if (xa > ridge / 2) xa = sqrt(xe * ridge);
        double X = px(a, xa), Y = py(a, b * xa) - 5;
        if (X < X0 || X > X1 || Y < Y0 || Y > Y1) continue;
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\" transform=\"rotate(%.2f %.1f %.1f)\">%s %.1f GB/s</text>\n",
                X, Y, level_color[l], ang, X, Y, nnb_level_name((nnb_level)l), b);
    }
}

/* Ridge points, each with its AI (labels alternate up to keep apart). */
static void draw_ridges(FILE *f, const frame *a, const nnb_ceilings *c)
{
    for (int l = 0; l < NNB_LVL_COUNT; l++) {
        double b = nnb_ceil_bw(c, (nnb_level)l);
        if (!(b > 0)) continue;
        double ridge = a->peak / b;
        double X = px(a, ridge), Y = py(a, a->peak);
        if (X < X0 || X > X1) continue;
        fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"white\" stroke=\"%s\" stroke-width=\"1.5\"/>\n", X,
                Y, level_color[l]);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\" font-size=\"10\" text-anchor=\"middle\">%.2f</text>\n", X,
                Y - 8 - 10.0 * (l % 2), level_color[l], ridge);
    }
}

/* Labels placed so far (baseline y, x extent): a new one moves down a line
 * until it overlaps none, so kernels close on the plot (direct and
 * direct_oc at the same AI) stay readable. */
enum { MAX_LABELS = 64 };
typedef struct label_set {
    double y[MAX_LABELS], x0[MAX_LABELS], x1[MAX_LABELS];
    size_t n;
} label_set;

/* Baseline for a label spanning [x0, x1] wanted at y; remembered. */
static double label_place(label_set *ls, double x0, double x1, double y)
{
    for (bool moved = true; moved;) {
        moved = false;
        for (size_t j = 0; j < ls->n; j++)
            if (x0 < ls->x1[j] && x1 > ls->x0[j] && fabs(y - ls->y[j]) < 12.0) {
                y = ls->y[j] + 12.0;
                moved = true;
            }
    }
    if (ls->n < MAX_LABELS) {
        ls->y[ls->n] = y;
        ls->x0[ls->n] = x0;
        ls->x1[ls->n++] = x1;
    }
    return y;
}

/* A level's marker (as Intel Advisor's cache-aware roofline): L1 square,
 * L2 triangle, DRAM diamond, outlined in the kernel's colour. */
static void level_marker(FILE *f, double X, double Y, int level, const char *col)
{
    static const char *const shape[] = {"m -5 -5 h 10 v 10 h -10 z", "m 0 -6 l 6 10 h -12 z", "m 0 -6 l 6 6 l -6 6 l -6 -6 z"};
    fprintf(f, "<path d=\"M %.1f %.1f %s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"/>\n", X, Y, shape[level],
            col);
}

/* One kernel: a dot at its analytic AI; at the same FLOP/s a marker per
 * memory level at its measured AI there (L1, L2, DRAM), joined to the dot by
 * a dashed line; its label; a tooltip with the numbers. */
static void draw_point(FILE *f, const frame *a, const nnb_roof_point *p, const char *col, label_set *ls)
{
    const char *label = p->label ? p->label : "";
    double X = px(a, p->ai), Y = py(a, p->gflops);
    const double lv[3] = {p->ai_l1, p->ai_l2, p->ai_measured};
    fprintf(f, "<g><title>");
    xml_str(f, label);
    fprintf(f, ": AI %.3g, %.3g GFLOP/s", p->ai, p->gflops);
    static const char *const lname[] = {"L1", "L2", "DRAM"};
    for (int k = 0; k < 3; k++)
        if (pt_ok(lv[k])) fprintf(f, "; measured AI %s %.3g", lname[k], lv[k]);
    fprintf(f, "</title>\n");
    if (pt_ok(p->gflops_lo) && pt_ok(p->gflops_hi)) /* the spread: an error bar over the quartiles */
        fprintf(f, "<line class=\"spread\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n", X,
                py(a, p->gflops_lo), X, py(a, p->gflops_hi), col);
    double xlo = X, xhi = X;
    for (int k = 0; k < 3; k++)
        if (pt_ok(lv[k])) {
            xlo = fmin(xlo, px(a, lv[k]));
            xhi = fmax(xhi, px(a, lv[k]));
        }
    if (xhi > xlo)
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-dasharray=\"3,3\"/>\n",
                xlo, Y, xhi, Y, col);
    for (int k = 0; k < 3; k++)
        if (pt_ok(lv[k])) level_marker(f, px(a, lv[k]), Y, k, col);
    fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\"/>\n", X, Y, col);
    char gf[48];
    snprintf(gf, sizeof gf, " (%.3g GFLOP/s)", p->gflops);
    const double w_px = 6.2 * (double)(strlen(label) + strlen(gf));
    double ly = label_place(ls, X + 8, X + 8 + w_px, Y - 6);
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\">", X + 8, ly, col);
    xml_str(f, label);
    fprintf(f, "%s</text>\n</g>\n", gf);
}

/* Kernels, each in the next palette colour; those that cannot be drawn
 * are named in a comment. */
static void draw_points(FILE *f, const frame *a, const nnb_roof_point *pts, size_t n)
{
    fprintf(f, "<g font-size=\"11\">\n");
    size_t shown = 0;
    label_set ls = {.n = 0};
    for (size_t i = 0; i < n; i++) {
        const nnb_roof_point *p = &pts[i];
        if (!pt_ok(p->ai) || !pt_ok(p->gflops)) {
            fprintf(f, "<!-- not drawn (ai or GFLOP/s not positive): ");
            xml_comment_str(f, p->label ? p->label : "?");
            fprintf(f, " -->\n");
            continue;
        }
        draw_point(f, a, p, palette[shown % (sizeof palette / sizeof palette[0])], &ls);
        shown++;
    }
    fprintf(f, "</g>\n");
}

/* Legend, under the axis title. */
static void draw_legend(FILE *f)
{
    int ly = Y1 + 68, lx = X0;
    fprintf(f, "<g font-size=\"11\">\n");
    fprintf(f, "<circle cx=\"%d\" cy=\"%d\" r=\"5\" fill=\"#444\"/><text x=\"%d\" y=\"%d\">kernel at analytic AI</text>\n",
            lx + 5, ly, lx + 14, ly + 4);
    for (int k = 0; k < 3; k++) /* the same kernel at its measured AI per level, same FLOP/s */
        level_marker(f, lx + 175 + 40 * k, ly, k, "#444");
    fprintf(f, "<text x=\"%d\" y=\"%d\">measured AI at L1, L2, DRAM</text>\n", lx + 284, ly + 4);
    fprintf(f, "<circle cx=\"%d\" cy=\"%d\" r=\"3.5\" fill=\"white\" stroke=\"#444\"/><text x=\"%d\" y=\"%d\">ridge point "
               "(its AI is labelled)</text>\n",
            lx + 470, ly, lx + 479, ly + 4);
    fprintf(f, "<text x=\"%d\" y=\"%d\" fill=\"#555\">memory roof per level = max(read-only, triad), triad counted "
               "without write-allocate (12 B/elem); dashed: FMA+ADD mix (separate adders)</text>\n",
            lx, ly + 22);
    fprintf(f, "</g>\n");
}

/* Axes, roofs and their labels, ridges: everything but the kernels. */
static void draw_frame(FILE *f, const frame *a, const nnb_ceilings *c)
{
    draw_axes(f, a);
    draw_roofs(f, a, c);
    fprintf(f, "<g font-size=\"11\">\n");
    draw_compute_labels(f, a, c);
    draw_memory_labels(f, a, c);
    draw_ridges(f, a, c);
    fprintf(f, "</g>\n");
}

void nnb_roofline_svg_write(FILE *f, const nnb_ceilings *c, const nnb_roof_point *pts, size_t n,
                            const char *title)
{
    frame a;
    frame_fit(&a, c, pts, n);
    draw_head(f, c, title);
    draw_frame(f, &a, c);
    draw_points(f, &a, pts, n);
    draw_legend(f);
    fprintf(f, "</svg>\n");
}

/* ---- the roofline as a panel of a larger picture (plot.h) ---- */

_Static_assert((int)W == (int)NNB_ROOF_PANEL_W && (int)H == (int)NNB_ROOF_PANEL_H, "plot.h states the panel's size");

void nnb_svg_escape(FILE *f, const char *s) { xml_str(f, s); }

const char *nnb_svg_color(size_t i) { return palette[i % (sizeof palette / sizeof palette[0])]; }

static void draw_series(FILE *f, const frame *a, const nnb_roof_point *pts, const nnb_roof_series *s)
{
    const char *col = nnb_svg_color(s->color);
    fprintf(f, "<polyline class=\"trajectory\" data-series=\"");
    xml_str(f, s->label);
    fprintf(f, "\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"", col);
    for (size_t i = s->first; i < s->first + s->count; i++)
        if (pt_ok(pts[i].ai) && pt_ok(pts[i].gflops)) fprintf(f, " %.1f,%.1f", px(a, pts[i].ai), py(a, pts[i].gflops));
    fprintf(f, "\"/>\n");
    for (size_t i = s->first; i < s->first + s->count; i++) {
        if (!pt_ok(pts[i].ai) || !pt_ok(pts[i].gflops)) continue;
        fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"><title>", px(a, pts[i].ai),
                py(a, pts[i].gflops), col);
        xml_str(f, pts[i].label);
        fprintf(f, ": AI %.3g, %.3g GFLOP/s</title></circle>\n", pts[i].ai, pts[i].gflops);
    }
}

void nnb_roofline_svg_panel(FILE *f, const nnb_ceilings *c, const nnb_roof_point *pts, size_t n,
                            const nnb_roof_series *s, size_t ns, int dy)
{
    frame a;
    frame_fit(&a, c, pts, n);
    fprintf(f, "<g transform=\"translate(0,%d)\">\n", dy);
    fprintf(f, "<defs><clipPath id=\"plot\"><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/></clipPath></defs>\n",
            X0, Y0, X1 - X0, Y1 - Y0);
    draw_frame(f, &a, c);
    fprintf(f, "<g clip-path=\"url(#plot)\">\n");
    for (size_t i = 0; i < ns; i++) draw_series(f, &a, pts, &s[i]);
    fprintf(f, "</g>\n");
    draw_legend(f);
    fprintf(f, "</g>\n");
}
