/* The roofline picture (SVG 1.1, log-log) and the same data as CSV, JSON
 * and a table: ceilings, ridge points, and kernels as points. */
#ifndef NNBENCH_ROOFLINE_PLOT_H
#define NNBENCH_ROOFLINE_PLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "roofline/ceilings.h"

typedef struct nnb_roof_point {
    const char *label;       /* kernel (and layer) name; escaped on output */
    double ai;               /* analytic AI, flop/byte */
    double ai_measured;      /* DRAM: measured FLOPs / DRAM bytes; <= 0: none */
    double gflops;           /* attained */
    double ai_l1, ai_l2;     /* measured FLOPs / L1<->L2 and L2<->LL bytes; <= 0: none.
                                With ai_measured: the kernel's points of a cache-aware
                                (hierarchical) roofline, one per level at the same FLOP/s */
    /* network pictures and the HTML page (zero: a plain kernel point) */
    const char *layer;       /* the layer's name: a network picture draws one point per layer */
    const char *kernel;
    const char *op;          /* colour group with --color-by op */
    char bound[32];          /* "compute", "memory:L2": colour group with --color-by bound */
    int level;               /* 1 + the nnb_level its analytic AI is placed at; 0: not placed */
    double time_s;           /* its part of the run's time: median x repeat */
    double gflops_lo, gflops_hi; /* the spread: GFLOP/s at the repetitions' third and first
                                    quartile times (else slowest and fastest); <= 0: no bar */
    double efficiency;       /* attained / attainable; 0: not placed */
    bool best;               /* the layer's best kernel (smallest median, check not failed) */
    int row;                 /* HTML (inline_svg): the table row N it links to (ids "row-N", "pt-N") */
    const char *tip;         /* the tooltip; NULL: the label and the numbers */
    /* compare pages: an arrow from where the layer was before */
    double ai_from, gflops_from; /* <= 0: no arrow */
    const char *color;       /* fixed colour (the arrow's verdict); NULL: the colour group's */
    const char *group;       /* the colour group's name (legend); NULL: op or bound */
} nnb_roof_point;

/* How a picture is drawn. */
typedef struct nnb_roof_plot_opts {
    const char *title;
    bool all_kernels;        /* --plot-kernels all: every kernel, not one point per layer */
    bool color_by_bound;     /* --color-by bound (default: by op) */
    bool inline_svg;         /* inside an HTML page: no XML declaration */
    size_t max_labels;       /* network: the layers taking the most time labelled (0: 10) */
} nnb_roof_plot_opts;

/* Files are written whole or not at all (util/atomic_file); path "-" =
 * stdout. Points with non-positive or non-finite ai/gflops are left out of
 * the picture (listed in an SVG comment) but kept in CSV/JSON. */
int nnb_roofline_svg(const char *path, const nnb_ceilings *c, const nnb_roof_point *pts, size_t n,
                     const char *title, char *err, size_t errlen);
int nnb_roofline_csv(const char *path, const nnb_ceilings *c, const nnb_roof_point *pts, size_t n,
                     char *err, size_t errlen);
int nnb_roofline_json(const char *path, const nnb_ceilings *c, const nnb_roof_point *pts, size_t n,
                      char *err, size_t errlen);
/* Stream forms (the file forms call these). */
void nnb_roofline_svg_write(FILE *f, const nnb_ceilings *c, const nnb_roof_point *pts, size_t n,
                            const char *title);
/* Points that name their layer (pts[i].layer) from more than one layer make
 * a network picture: one point per layer (its best kernel, or every kernel
 * with all_kernels), area by its share of the time, colour by op or bound,
 * shape by the memory level its AI is placed at, labels for the layers that
 * take the most time; otherwise each point is a kernel of one layer. Labels
 * never overlap other text nor leave the picture (roofline/labels.h). */
void nnb_roofline_svg_write_opts(FILE *f, const nnb_ceilings *c, const nnb_roof_point *pts, size_t n,
                                 const nnb_roof_plot_opts *o);
int nnb_roofline_svg_opts(const char *path, const nnb_ceilings *c, const nnb_roof_point *pts, size_t n,
                          const nnb_roof_plot_opts *o, char *err, size_t errlen);
void nnb_roofline_json_write(FILE *f, const nnb_ceilings *c, const nnb_roof_point *pts, size_t n);
void nnb_ceilings_print(FILE *f, const nnb_ceilings *c);  /* table */

/* ---- the roofline as one panel of a larger picture (the sweep plot) ---- */
enum { NNB_ROOF_PANEL_W = 960, NNB_ROOF_PANEL_H = 680 };

/* A trajectory: pts[first .. first+count), joined in that order (the
 * caller sorts them by AI), drawn in palette colour `color`. */
typedef struct nnb_roof_series {
    const char *label;
    size_t first, count, color;
} nnb_roof_series;

/* Axes, roofs, ridges and each series as a polyline (class "trajectory")
 * with its points, translated down by dy; no document head. */
void nnb_roofline_svg_panel(FILE *f, const nnb_ceilings *c, const nnb_roof_point *pts, size_t n,
                            const nnb_roof_series *s, size_t ns, int dy);
/* The picture's primitives, for other pictures in the same style. */
void nnb_svg_escape(FILE *f, const char *s);  /* XML text and attributes */
const char *nnb_svg_color(size_t i);          /* the kernels' palette */

#endif
