/* Inside the roofline picture (svg.c, svg_points.c): the canvas, the
 * log-log frame, and text that is drawn and remembered by the label placer
 * in one step, so that nothing drawn later lands on it. */
#ifndef NNBENCH_ROOFLINE_SVG_FRAME_H
#define NNBENCH_ROOFLINE_SVG_FRAME_H

#include <stdbool.h>
#include <stdio.h>

#include "roofline/ceilings.h"
#include "roofline/labels.h"
#include "roofline/plot.h"

enum { SVG_W = 960, SVG_H = 680, SVG_X0 = 90, SVG_X1 = 720, SVG_Y0 = 70, SVG_Y1 = 570 };

typedef struct svg_frame {
    double lx0, lx1, ly0, ly1; /* log10 of the axis ranges (whole decades) */
    double peak;               /* top compute roof, GFLOP/s */
    double bwmax, bwmin;       /* highest and lowest memory roof, GB/s; 0: none */
} svg_frame;

typedef struct svg_ctx {
    FILE *f;
    svg_frame a;
    const nnb_ceilings *c;
    nnb_labels ls;             /* every text drawn so far (bounds: the canvas) */
    double dy;                 /* the panel's offset on the canvas (the sweep's lower panel) */
    int h;                     /* canvas height */
} svg_ctx;

double svg_px(const svg_frame *a, double ai);
double svg_py(const svg_frame *a, double gflops);
bool svg_pt_ok(double v);
const char *svg_level_color(int level);
/* A level's marker (as Intel Advisor's cache-aware roofline): L1 square,
 * L2 triangle, L3 pentagon, DRAM diamond; filled or outlined. */
void svg_level_marker(FILE *f, double x, double y, int level, double r, const char *col, bool filled);

/* Text at (x, baseline y), remembered by the placer; angle 0: level. */
void svg_text(svg_ctx *s, double x, double y, double size, nnb_anchor an, const char *fill, double angle,
              const char *text);
/* The same text where it first fits: y, then a line down, up, two down, ...
 * (at most `tries` positions); false when none fits (nothing drawn). */
bool svg_text_near(svg_ctx *s, double x, double y, double size, nnb_anchor an, const char *fill, const char *text,
                   int tries);

/* The kernels or layers and the legend under the axes (svg_points.c). */
void svg_draw_points(svg_ctx *s, const nnb_roof_point *pts, size_t n, const nnb_roof_plot_opts *o);
/* Extra canvas height the legend of these points needs. */
int svg_legend_extra(const nnb_roof_point *pts, size_t n, const nnb_roof_plot_opts *o);

#endif
