/* Roofline points made from result records (nnbench/results.h), live or
 * read back from a results file: the one place that decides what a point
 * of a kernel or of a network layer says (name, time, spread, placement,
 * best kernel, tooltip), for the SVG picture and the HTML page alike. */
#ifndef NNBENCH_ROOFLINE_POINTS_H
#define NNBENCH_ROOFLINE_POINTS_H

#include <stdbool.h>
#include <stddef.h>

#include "nnbench/results.h"
#include "roofline/ceilings.h"
#include "roofline/plot.h"

typedef struct nnb_roof_points {
    nnb_roof_point *v;
    size_t n, cap;
    char (*name)[128];      /* v[i].label points here (nnb_roof_points_fix) */
    char (*layer)[96];      /* v[i].layer (multi_layer) */
    char (*tip)[640];       /* v[i].tip */
} nnb_roof_points;

/* The layer's best result: the smallest median among kernels whose check
 * did not fail; NULL when none ran. */
const nnb_result *nnb_layer_best(const nnb_layer_report *r);

/* A point per result of rep: label "layer:kernel" (multi_layer) or the
 * kernel; layer (the layer's name) set when multi_layer; the level the AI is placed at from
 * the result's roofline placement against c (NULL: none). 0, -1 out of memory. */
int nnb_roof_points_add(nnb_roof_points *pp, const nnb_layer_report *rep, const nnb_ceilings *c, bool multi_layer);
/* Points the strings into their buffers (after the last add). */
void nnb_roof_points_fix(nnb_roof_points *pp);
void nnb_roof_points_free(nnb_roof_points *pp);

#endif
