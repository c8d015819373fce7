/* The roofline picture (SVG 1.1, log-log) and the same data as CSV and
 * JSON, plus the ceilings table. Files are written whole or not at all. */
#include "roofline/roofline.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- escaping ---- */

/* Length of the valid UTF-8 sequence at s, 0 if invalid. */
static size_t utf8_len(const unsigned char *s)
{
    if (s[0] < 0x80) return 1;
    size_t n;
    unsigned min;
    unsigned cp;
    if ((s[0] & 0xE0) == 0xC0) n = 2, cp = s[0] & 0x1F, min = 0x80;
    else if ((s[0] & 0xF0) == 0xE0) n = 3, cp = s[0] & 0x0F, min = 0x800;
    else if ((s[0] & 0xF8) == 0xF0) n = 4, cp = s[0] & 0x07, min = 0x10000;
    else return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF) return 0;
    return n;
}

/* XML text/attribute: entities for &<>"', '?' for characters XML 1.0
 * forbids (controls, invalid UTF-8). */
static void xml_str(FILE *f, const char *str)
{
    const unsigned char *s = (const unsigned char *)(str ? str : "");
    while (*s) {
        size_t n = utf8_len(s);
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

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        size_t n = utf8_len(p);
        if (n == 0) { /* JSON text is UTF-8: an invalid byte becomes '?' */
            fputc('?', f);
            p++;
        } else if (n > 1) {
            fwrite(p, 1, n, f);
            p += n;
        } else {
            if (*p == '"' || *p == '\\') fprintf(f, "\\%c", *p);
            else if (*p < 0x20) fprintf(f, "\\u%04x", *p);
            else fputc(*p, f);
            p++;
        }
    }
    fputc('"', f);
}

static void json_num(FILE *f, double v)
{
    if (isfinite(v)) fprintf(f, "%.6g", v);
    else fputs("null", f);
}

static void csv_str(FILE *f, const char *s)
{
    fputc('"', f);
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        size_t n = utf8_len(p);
        if (n == 0 || (n == 1 && *p < 0x20)) {
            fputc(n == 0 ? '?' : ' ', f);
            p++;
        } else {
            if (*p == '"') fputc('"', f);
            fwrite(p, 1, n, f);
            p += n;
        }
    }
    fputc('"', f);
}

static void csv_num(FILE *f, double v)
{
    if (isfinite(v) && v != 0) fprintf(f, "%.6g", v);
}

/* ---- whole-or-nothing files ---- */

typedef void (*writer_fn)(FILE *f, void *ctx);

static int write_atomic(const char *path, writer_fn fn, void *ctx, char *err, size_t errlen)
{
    if (!path || !*path) {
        snprintf(err, errlen, "roofline: empty output path");
        return -1;
    }
    if (strcmp(path, "-") == 0) {
        fn(stdout, ctx);
        fflush(stdout);
        return ferror(stdout) ? -1 : 0;
    }
    size_t len = strlen(path) + 32;
    char *tmp = malloc(len);
    if (!tmp) {
        snprintf(err, errlen, "roofline: out of memory");
        return -1;
    }
    snprintf(tmp, len, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) {
        snprintf(err, errlen, "roofline: cannot write %s: %s", path, strerror(errno));
        free(tmp);
        return -1;
    }
    fn(f, ctx);
    int bad = ferror(f);
    int e = errno;
    if (fclose(f) != 0) {
        bad = 1;
        e = errno;
    }
    if (!bad && rename(tmp, path) != 0) {
        bad = 1;
        e = errno;
    }
    if (bad) {
        unlink(tmp);
        snprintf(err, errlen, "roofline: cannot write %s: %s", path, strerror(e));
    }
    free(tmp);
    return bad ? -1 : 0;
}

/* ---- SVG ---- */

enum { W = 960, H = 680, X0 = 90, X1 = 720, Y0 = 70, Y1 = 570 };

typedef struct axes {
    double lx0, lx1, ly0, ly1; /* log10 of the ranges */
} axes;

static double px(const axes *a, double ai) { return X0 + (log10(ai) - a->lx0) / (a->lx1 - a->lx0) * (X1 - X0); }
static double py(const axes *a, double g) { return Y1 - (log10(g) - a->ly0) / (a->ly1 - a->ly0) * (Y1 - Y0); }

static bool pt_ok(double v) { return v > 0 && isfinite(v); }

static const char *palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e",
                                "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"};

static const char *level_color[] = {"#2a9d8f", "#e9c46a", "#f4a261", "#264653"};

void nnb_roofline_svg_write(FILE *f, const nnb_ceilings *c, const nnb_roof_point *pts, size_t n,
                            const char *title)
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
    /* ranges: every ridge, every drawable point, whole decades */
    double xlo = 0.1, xhi = 10, ylo = 1, yhi = peak * 1.6;
    if (bwmax > 0) xlo = fmin(xlo, peak / bwmax / 4);
    if (bwmin > 0) xhi = fmax(xhi, peak / bwmin * 4);
    double gmin = peak / 10;
    for (size_t i = 0; i < n; i++) {
        if (!pt_ok(pts[i].ai) || !pt_ok(pts[i].gflops)) continue;
        xlo = fmin(xlo, pts[i].ai / 2);
        xhi = fmax(xhi, pts[i].ai * 2);
        if (pt_ok(pts[i].ai_measured)) {
            xlo = fmin(xlo, pts[i].ai_measured / 2);
            xhi = fmax(xhi, pts[i].ai_measured * 2);
        }
        gmin = fmin(gmin, pts[i].gflops / 2);
        yhi = fmax(yhi, pts[i].gflops * 1.6);
    }
    if (bwmin > 0) gmin = fmin(gmin, bwmin * xlo * 2);
    ylo = gmin;
    axes a;
    a.lx0 = floor(log10(xlo));
    a.lx1 = ceil(log10(xhi));
    a.ly0 = floor(log10(ylo));
    a.ly1 = ceil(log10(yhi));
    /* keep the picture readable for absurd inputs */
    if (a.lx0 < -4) a.lx0 = -4;
    if (a.lx1 > 6) a.lx1 = 6;
    if (a.lx1 <= a.lx0) a.lx1 = a.lx0 + 1;
    if (a.ly1 - a.ly0 > 9) a.ly0 = a.ly1 - 9;
    if (a.ly1 <= a.ly0) a.ly0 = a.ly1 - 1;

    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n");
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" height=\"%d\" "
               "viewBox=\"0 0 %d %d\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n",
            W, H, W, H);
    fprintf(f, "<!-- nnbench roofline; machine: ");
    xml_comment_str(f, c->key);
    fprintf(f, "; threads %d -->\n", c->threads);
    fprintf(f, "<title>");
    xml_str(f, title && *title ? title : "nnbench roofline");
    fprintf(f, "</title>\n");
    fprintf(f, "<defs><clipPath id=\"plot\"><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/></clipPath></defs>\n",
            X0, Y0, X1 - X0, Y1 - Y0);
    fprintf(f, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"white\"/>\n", W, H);
    fprintf(f, "<text x=\"%d\" y=\"28\" font-size=\"16\" font-weight=\"bold\">", X0);
    xml_str(f, title && *title ? title : "nnbench roofline");
    fprintf(f, "</text>\n<text x=\"%d\" y=\"48\" font-size=\"11\" fill=\"#555\">", X0);
    xml_str(f, c->key);
    fprintf(f, " | %d thread%s", c->threads, c->threads == 1 ? "" : "s");
    if (c->binding[0]) {
        fprintf(f, ", ");
        xml_str(f, c->binding);
    }
    fprintf(f, "</text>\n");

    /* grid, ticks and labels */
    fprintf(f, "<g stroke=\"#e0e0e0\" stroke-width=\"1\">\n");
    for (int d = (int)a.lx0; d <= (int)a.lx1; d++) {
        double x = px(&a, pow(10, d));
        fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>\n", x, Y0, x, Y1);
    }
    for (int d = (int)a.ly0; d <= (int)a.ly1; d++) {
        double y = py(&a, pow(10, d));
        fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>\n", X0, y, X1, y);
    }
    fprintf(f, "</g>\n<g stroke=\"black\" stroke-width=\"1\">\n");
    for (int d = (int)a.lx0; d <= (int)a.lx1; d++) {
        double x = px(&a, pow(10, d));
        fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>\n", x, Y1, x, Y1 + 6);
    }
    for (int d = (int)a.ly0; d <= (int)a.ly1; d++) {
        double y = py(&a, pow(10, d));
        fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>\n", X0 - 6, y, X0, y);
    }
    fprintf(f, "</g>\n<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"black\"/>\n", X0, Y0,
            X1 - X0, Y1 - Y0);
    fprintf(f, "<g text-anchor=\"middle\">\n");
    for (int d = (int)a.lx0; d <= (int)a.lx1; d++)
        fprintf(f, "<text x=\"%.1f\" y=\"%d\">%g</text>\n", px(&a, pow(10, d)), Y1 + 20, pow(10, d));
    fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"13\">arithmetic intensity (FLOP/byte)</text>\n", (X0 + X1) / 2,
            Y1 + 42);
    fprintf(f, "</g>\n<g text-anchor=\"end\">\n");
    for (int d = (int)a.ly0; d <= (int)a.ly1; d++)
        fprintf(f, "<text x=\"%d\" y=\"%.1f\">%g</text>\n", X0 - 9, py(&a, pow(10, d)) + 4, pow(10, d));
    fprintf(f, "</g>\n<text transform=\"translate(%d,%d) rotate(-90)\" text-anchor=\"middle\" font-size=\"13\">"
               "attained GFLOP/s (fp32)</text>\n",
            X0 - 58, (Y0 + Y1) / 2);

    /* ceilings, clipped to the plot */
    fprintf(f, "<g clip-path=\"url(#plot)\" fill=\"none\" stroke-width=\"2\">\n");
    double xl = pow(10, a.lx0), xr = pow(10, a.lx1);
    double ridge_top = bwmax > 0 ? peak / bwmax : xl;
    /* compute roofs: horizontal, from the top memory roof to the right */
    int rank = 0;
    for (int i = NNB_RISA_COUNT - 1; i >= 0; i--) {
        const nnb_peak *p = &c->peak[i];
        if (!(p->sp_fma > 0)) continue;
        double start = bwmax > 0 ? p->sp_fma / bwmax : xl;
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"%s/>\n", px(&a, start),
                py(&a, p->sp_fma), px(&a, xr), py(&a, p->sp_fma), rank ? "#888" : "black",
                rank ? " stroke-width=\"1\"" : "");
        rank++;
    }
    /* FMA+ADD mix of the widest ISA: dashed */
    for (int i = NNB_RISA_COUNT - 1; i >= 0; i--) {
        if (!(c->peak[i].sp_mix > 0)) continue;
        double m = c->peak[i].sp_mix;
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555\" stroke-width=\"1\" "
                   "stroke-dasharray=\"6,4\"/>\n",
                px(&a, bwmax > 0 ? m / bwmax : xl), py(&a, m), px(&a, xr), py(&a, m));
        break;
    }
    /* memory roofs: sloped, up to the ridge with the top compute roof */
    for (int l = 0; l < NNB_LVL_COUNT; l++) {
        double b = nnb_ceil_bw(c, (nnb_level)l);
        if (!(b > 0)) continue;
        double ridge = peak / b;
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n", px(&a, xl),
                py(&a, b * xl), px(&a, ridge), py(&a, peak), level_color[l]);
    }
    fprintf(f, "</g>\n");
    (void)ridge_top;

    /* labels of the ceilings */
    rank = 0;
    fprintf(f, "<g font-size=\"11\">\n");
    for (int i = NNB_RISA_COUNT - 1; i >= 0; i--) {
        const nnb_peak *p = &c->peak[i];
        if (!(p->sp_fma > 0)) continue;
        double y = py(&a, p->sp_fma);
        if (y < Y0 || y > Y1) continue;
        fprintf(f, "<text x=\"%d\" y=\"%.1f\" fill=\"%s\">%s %s %.1f GFLOP/s</text>\n", X1 + 6, y + 4,
                rank ? "#555" : "black", nnb_risa_name((nnb_risa)i), p->fused ? "FMA" : "mul+add", p->sp_fma);
        rank++;
    }
    for (int i = NNB_RISA_COUNT - 1; i >= 0; i--) {
        double m = c->peak[i].sp_mix;
        if (!(m > 0)) continue;
        double y = py(&a, m);
        if (y >= Y0 && y <= Y1)
            fprintf(f, "<text x=\"%d\" y=\"%.1f\" fill=\"#555\">%s FMA+ADD %.1f GFLOP/s</text>\n", X1 + 6, y - 4,
                    nnb_risa_name((nnb_risa)i), m);
        break;
    }
    /* sloped labels: a 45-degree line in data space has this angle on screen */
    double ppx = (X1 - X0) / (a.lx1 - a.lx0), ppy = (Y1 - Y0) / (a.ly1 - a.ly0);
    double ang = -atan2(ppy, ppx) * 180.0 / M_PI;
    for (int l = 0; l < NNB_LVL_COUNT; l++) {
        double b = nnb_ceil_bw(c, (nnb_level)l);
        if (!(b > 0)) continue;
        double ridge = peak / b;
        /* place the label a third of a decade right of where the line enters */
        double xe = xl;
        if (b * xe < pow(10, a.ly0)) xe = pow(10, a.ly0) / b;
        double xa = xe * pow(10, 0.15);
        if (xa > ridge / 2) xa = sqrt(xe * ridge);
        double X = px(&a, xa), Y = py(&a, b * xa) - 5;
        if (X < X0 || X > X1 || Y < Y0 || Y > Y1) continue;
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\" transform=\"rotate(%.2f %.1f %.1f)\">%s %.1f GB/s</text>\n",
                X, Y, level_color[l], ang, X, Y, nnb_level_name((nnb_level)l), b);
    }
    /* ridge points */
    for (int l = 0; l < NNB_LVL_COUNT; l++) {
        double b = nnb_ceil_bw(c, (nnb_level)l);
        if (!(b > 0)) continue;
        double ridge = peak / b;
        double X = px(&a, ridge), Y = py(&a, peak);
        if (X < X0 || X > X1) continue;
        fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"white\" stroke=\"%s\" stroke-width=\"1.5\"/>\n", X,
                Y, level_color[l]);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\" font-size=\"10\" text-anchor=\"middle\">%.2f</text>\n", X,
                Y - 8 - 10.0 * (l % 2), level_color[l], ridge);
    }
    fprintf(f, "</g>\n");

    /* kernels */
    fprintf(f, "<g font-size=\"11\">\n");
    size_t shown = 0;
    /* labels placed so far (baseline y, x extent): a new one moves down a
     * line until it overlaps none, so kernels close on the plot (direct and
     * direct_oc at the same AI) stay readable */
    enum { MAX_LABELS = 64 };
    double lab_y[MAX_LABELS], lab_x0[MAX_LABELS], lab_x1[MAX_LABELS];
    size_t nlab = 0;
    for (size_t i = 0; i < n; i++) {
        const nnb_roof_point *p = &pts[i];
        if (!pt_ok(p->ai) || !pt_ok(p->gflops)) {
            fprintf(f, "<!-- not drawn (ai or GFLOP/s not positive): ");
            xml_comment_str(f, p->label ? p->label : "?");
            fprintf(f, " -->\n");
            continue;
        }
        const char *col = palette[shown % (sizeof palette / sizeof palette[0])];
        double X = px(&a, p->ai), Y = py(&a, p->gflops);
        fprintf(f, "<g><title>");
        xml_str(f, p->label ? p->label : "");
        fprintf(f, ": AI %.3g, %.3g GFLOP/s</title>\n", p->ai, p->gflops);
        if (pt_ok(p->ai_measured)) {
            double Xm = px(&a, p->ai_measured);
            fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-dasharray=\"3,3\"/>\n", X,
                    Y, Xm, Y, col);
            fprintf(f, "<path d=\"M %.1f %.1f l 6 6 l -6 6 l -6 -6 z\" transform=\"translate(0,-6)\" fill=\"none\" "
                       "stroke=\"%s\" stroke-width=\"1.5\"/>\n",
                    Xm, Y, col);
        }
        fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\"/>\n", X, Y, col);
        char gf[48];
        snprintf(gf, sizeof gf, " (%.3g GFLOP/s)", p->gflops);
        const double w_px = 6.2 * (double)(strlen(p->label ? p->label : "") + strlen(gf));
        double ly = Y - 6;
        for (bool moved = true; moved;) {
            moved = false;
            for (size_t j = 0; j < nlab; j++)
                if (X + 8 < lab_x1[j] && X + 8 + w_px > lab_x0[j] && fabs(ly - lab_y[j]) < 12.0) {
                    ly = lab_y[j] + 12.0;
                    moved = true;
                }
        }
        if (nlab < MAX_LABELS) {
            lab_y[nlab] = ly;
            lab_x0[nlab] = X + 8;
            lab_x1[nlab++] = X + 8 + w_px;
        }
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\">", X + 8, ly, col);
        xml_str(f, p->label ? p->label : "");
        fprintf(f, "%s</text>\n</g>\n", gf);
        shown++;
    }
    fprintf(f, "</g>\n");
    /* legend, under the axis title */
    int ly = Y1 + 68, lx = X0;
    fprintf(f, "<g font-size=\"11\">\n");
    fprintf(f, "<circle cx=\"%d\" cy=\"%d\" r=\"5\" fill=\"#444\"/><text x=\"%d\" y=\"%d\">kernel at analytic AI</text>\n",
            lx + 5, ly, lx + 14, ly + 4);
    fprintf(f, "<path d=\"M %d %d l 6 6 l -6 6 l -6 -6 z\" fill=\"none\" stroke=\"#444\" stroke-width=\"1.5\"/>"
               "<text x=\"%d\" y=\"%d\">same kernel at measured AI</text>\n",
            lx + 175, ly - 6, lx + 186, ly + 4);
    fprintf(f, "<circle cx=\"%d\" cy=\"%d\" r=\"3.5\" fill=\"white\" stroke=\"#444\"/><text x=\"%d\" y=\"%d\">ridge point "
               "(its AI is labelled)</text>\n",
            lx + 375, ly, lx + 384, ly + 4);
    fprintf(f, "<text x=\"%d\" y=\"%d\" fill=\"#555\">memory roof per level = max(read-only, triad), triad counted "
               "without write-allocate (12 B/elem); dashed: FMA+ADD mix (separate adders)</text>\n",
            lx, ly + 22);
    fprintf(f, "</g>\n</svg>\n");
}

typedef struct out_ctx {
    const nnb_ceilings *c;
    const nnb_roof_point *pts;
    size_t n;
    const char *title;
} out_ctx;

static void svg_cb(FILE *f, void *p)
{
    out_ctx *o = p;
    nnb_roofline_svg_write(f, o->c, o->pts, o->n, o->title);
}

int nnb_roofline_svg(const char *path, const nnb_ceilings *c, const nnb_roof_point *pts, size_t n,
                     const char *title, char *err, size_t errlen)
{
    out_ctx o = {c, pts, n, title};
    return write_atomic(path, svg_cb, &o, err, errlen);
}

/* ---- CSV and JSON ---- */

static void csv_cb(FILE *f, void *p)
{
    out_ctx *o = p;
    const nnb_ceilings *c = o->c;
    fprintf(f, "kind,name,threads,ai,ai_measured,gflops,gbs,ridge_ai,bound,attainable_gflops,efficiency\n");
    double peak = nnb_ceil_peak(c);
    for (int i = 0; i < NNB_RISA_COUNT; i++) {
        const nnb_peak *k = &c->peak[i];
        const char *nm[4] = {"sp_fma", "sp_fma_add", "dp_fma", "dp_fma_add"};
        double v[4] = {k->sp_fma, k->sp_mix, k->dp_fma, k->dp_mix};
        for (int j = 0; j < 4; j++) {
            if (!(v[j] > 0)) continue;
            fprintf(f, "compute,%s_%s,%d,,,", nnb_risa_name((nnb_risa)i), nm[j], c->threads);
            csv_num(f, v[j]);
            fprintf(f, ",,,,,\n");
        }
    }
    for (int l = 0; l < NNB_LVL_COUNT; l++) {
        const nnb_bw *b = &c->bw[l];
        const char *nm[3] = {"read", "triad", "triad_wa"};
        double v[3] = {b->read_gbs, b->triad_gbs, b->triad_wa_gbs};
        for (int j = 0; j < 3; j++) {
            if (!(v[j] > 0)) continue;
            fprintf(f, "memory,%s_%s,%d,,,,", nnb_level_name((nnb_level)l), nm[j], c->threads);
            csv_num(f, v[j]);
            fputc(',', f);
            csv_num(f, peak > 0 ? peak / v[j] : 0);
            fprintf(f, ",,,\n");
        }
    }
    for (size_t i = 0; i < o->n; i++) {
        const nnb_roof_point *p = &o->pts[i];
        fprintf(f, "point,");
        csv_str(f, p->label ? p->label : "");
        fprintf(f, ",%d,", c->threads);
        csv_num(f, p->ai);
        fputc(',', f);
        csv_num(f, p->ai_measured);
        fputc(',', f);
        csv_num(f, p->gflops);
        nnb_roof_place pl;
        if (nnb_roofline_place(c, p->ai, p->gflops, &pl) == 0) {
            fprintf(f, ",%.6g,%.6g,%s,%.6g,%.6g\n", pl.bw_gbs, pl.ridge_ai, pl.bound, pl.attainable_gflops,
                    pl.efficiency);
        } else {
            fprintf(f, ",,,,,\n");
        }
    }
}

int nnb_roofline_csv(const char *path, const nnb_ceilings *c, const nnb_roof_point *pts, size_t n, char *err,
                     size_t errlen)
{
    out_ctx o = {c, pts, n, NULL};
    return write_atomic(path, csv_cb, &o, err, errlen);
}

static const char *src_name(nnb_bw_src s)
{
    return s == NNB_BW_PLATEAU ? "plateau" : s == NNB_BW_RANGE ? "range" : "none";
}

void nnb_roofline_json_write(FILE *f, const nnb_ceilings *c, const nnb_roof_point *pts, size_t n)
{
    fprintf(f, "{\"schema\":\"nnbench/1\",\"roofline\":{\"machine\":");
    json_str(f, c->key);
    fprintf(f, ",\"threads\":%d,\"binding\":", c->threads);
    json_str(f, c->binding);
    fprintf(f, ",\"measured_unix\":%lld,\"measure_s\":", c->measured_unix);
    json_num(f, c->measure_s);
    fprintf(f, ",\"peak_gflops\":");
    json_num(f, nnb_ceil_peak(c));
    fprintf(f, ",\"peaks\":[");
    int first = 1;
    for (int i = 0; i < NNB_RISA_COUNT; i++) {
        const nnb_peak *p = &c->peak[i];
        if (!(p->sp_fma > 0 || p->dp_fma > 0)) continue;
        fprintf(f, "%s{\"isa\":\"%s\",\"fused\":%s,\"sp_fma\":", first ? "" : ",", nnb_risa_name((nnb_risa)i),
                p->fused ? "true" : "false");
        json_num(f, p->sp_fma);
        fprintf(f, ",\"sp_fma_add\":");
        json_num(f, p->sp_mix);
        fprintf(f, ",\"dp_fma\":");
        json_num(f, p->dp_fma);
        fprintf(f, ",\"dp_fma_add\":");
        json_num(f, p->dp_mix);
        fputc('}', f);
        first = 0;
    }
    fprintf(f, "],\"bandwidth\":[");
    for (int l = 0; l < NNB_LVL_COUNT; l++) {
        const nnb_bw *b = &c->bw[l];
        fprintf(f, "%s{\"level\":\"%s\",\"roof_gbs\":", l ? "," : "", nnb_level_name((nnb_level)l));
        json_num(f, nnb_ceil_bw(c, (nnb_level)l));
        fprintf(f, ",\"read_gbs\":");
        json_num(f, b->read_gbs);
        fprintf(f, ",\"triad_gbs\":");
        json_num(f, b->triad_gbs);
        fprintf(f, ",\"triad_wa_gbs\":");
        json_num(f, b->triad_wa_gbs);
        fprintf(f, ",\"lo_bytes\":%lld,\"hi_bytes\":%lld,\"capacity_bytes\":%lld,\"source\":\"%s\"}",
                (long long)b->lo_bytes, (long long)b->hi_bytes, (long long)c->cap_bytes[l], src_name(b->src));
    }
    fprintf(f, "],\"bytes_counted\":{\"read\":\"bytes loaded\",\"triad\":\"12 B/elem: b,c read + a written\","
               "\"triad_wa\":\"16 B/elem: + read-for-ownership of a\"},\"sweep\":[");
    for (int i = 0; i < c->nsweep; i++) {
        fprintf(f, "%s[%lld,", i ? "," : "", (long long)c->sweep[i].bytes);
        json_num(f, c->sweep[i].read_gbs);
        fputc(',', f);
        json_num(f, c->sweep[i].triad_gbs);
        fputc(']', f);
    }
    fprintf(f, "],\"points\":[");
    for (size_t i = 0; i < n; i++) {
        const nnb_roof_point *p = &pts[i];
        fprintf(f, "%s{\"label\":", i ? "," : "");
        json_str(f, p->label);
        fprintf(f, ",\"ai\":");
        json_num(f, p->ai);
        fprintf(f, ",\"ai_measured\":");
        if (pt_ok(p->ai_measured)) json_num(f, p->ai_measured);
        else fputs("null", f);
        fprintf(f, ",\"gflops\":");
        json_num(f, p->gflops);
        nnb_roof_place pl;
        if (nnb_roofline_place(c, p->ai, p->gflops, &pl) == 0) {
            fprintf(f, ",\"bound\":\"%s\",\"attainable_gflops\":", pl.bound);
            json_num(f, pl.attainable_gflops);
            fprintf(f, ",\"efficiency\":");
            json_num(f, pl.efficiency);
        }
        fputc('}', f);
    }
    fprintf(f, "]}}\n");
}

static void json_cb(FILE *f, void *p)
{
    out_ctx *o = p;
    nnb_roofline_json_write(f, o->c, o->pts, o->n);
}

int nnb_roofline_json(const char *path, const nnb_ceilings *c, const nnb_roof_point *pts, size_t n, char *err,
                      size_t errlen)
{
    out_ctx o = {c, pts, n, NULL};
    return write_atomic(path, json_cb, &o, err, errlen);
}

/* ---- table ---- */

static void fmt_size(char *b, size_t n, int64_t v)
{
    if (v >= (int64_t)1 << 30) snprintf(b, n, "%.1fG", (double)v / (1 << 30));
    else if (v >= 1 << 20) snprintf(b, n, "%.1fM", (double)v / (1 << 20));
    else snprintf(b, n, "%.0fK", (double)v / 1024);
}

void nnb_ceilings_print(FILE *f, const nnb_ceilings *c)
{
    fprintf(f, "ceilings for %d thread%s on %s\n", c->threads, c->threads == 1 ? "" : "s", c->key);
    if (c->binding[0]) fprintf(f, "binding: %s; measured in %.1f s\n", c->binding, c->measure_s);
    fprintf(f, "%-8s %-8s %12s %12s %12s %12s   (GFLOP/s)\n", "isa", "op", "sp FMA", "sp FMA+ADD", "dp FMA",
            "dp FMA+ADD");
    for (int i = 0; i < NNB_RISA_COUNT; i++) {
        const nnb_peak *p = &c->peak[i];
        if (!(p->sp_fma > 0)) {
            fprintf(f, "%-8s %-8s %12s\n", nnb_risa_name((nnb_risa)i), "-", "unavailable");
            continue;
        }
        fprintf(f, "%-8s %-8s %12.1f %12.1f %12.1f %12.1f\n", nnb_risa_name((nnb_risa)i),
                p->fused ? "fma" : "mul+add", p->sp_fma, p->sp_mix, p->dp_fma, p->dp_mix);
    }
    fprintf(f, "%-6s %10s %10s %10s %10s %10s  %-17s %s\n", "level", "roof GB/s", "read", "triad", "triad+WA",
            "capacity", "working set", "from");
    for (int l = 0; l < NNB_LVL_COUNT; l++) {
        const nnb_bw *b = &c->bw[l];
        char cap[16] = "-", lo[16] = "-", hi[16] = "-", ws[40];
        if (c->cap_bytes[l] > 0) fmt_size(cap, sizeof cap, c->cap_bytes[l]);
        if (b->lo_bytes > 0) fmt_size(lo, sizeof lo, b->lo_bytes);
        if (b->hi_bytes > 0) fmt_size(hi, sizeof hi, b->hi_bytes);
        snprintf(ws, sizeof ws, "%s..%s", lo, hi);
        fprintf(f, "%-6s %10.1f %10.1f %10.1f %10.1f %10s  %-17s %s\n", nnb_level_name((nnb_level)l),
                nnb_ceil_bw(c, (nnb_level)l), b->read_gbs, b->triad_gbs, b->triad_wa_gbs, cap, ws,
                src_name(b->src));
    }
    fprintf(f, "bytes counted: read = loaded; triad = 12 B/elem (b, c read, a written); triad+WA = 16 B/elem\n");
    double peak = nnb_ceil_peak(c), bd = nnb_ceil_bw(c, NNB_LVL_DRAM);
    if (peak > 0 && bd > 0)
        fprintf(f, "roof: peak %.1f GFLOP/s (best sp FMA); ridge AI vs DRAM %.2f FLOP/byte\n", peak, peak / bd);
}
