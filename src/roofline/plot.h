/* The roofline picture (SVG 1.1, log-log) and the same data as CSV, JSON
 * and a table: ceilings, ridge points, and kernels as points. */
#ifndef NNBENCH_ROOFLINE_PLOT_H
#define NNBENCH_ROOFLINE_PLOT_H

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
    double gflops_lo, gflops_hi; /* the spread: GFLOP/s at the repetitions' third and first
                                    quartile times; <= 0: not known (no bar drawn) */
} nnb_roof_point;

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
