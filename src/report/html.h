/* The run as one self-contained HTML page (nnbench report --html, compare
 * --html, --html on a live run): the machine and software header, the
 * totals, the roofline as inline SVG (roofline/plot.h) with a tooltip per
 * point, the per-layer table (sortable, filterable by op, each row linked to
 * its point) and a small script of its own; nothing loaded from anywhere.
 * Rendered from the records of results files only (results/reader.h), so a
 * live run's page and `report --html` of its --out file are the same bytes.
 * The page carries no date but the run's own. */
#ifndef NNBENCH_REPORT_HTML_H
#define NNBENCH_REPORT_HTML_H

#include <stddef.h>
#include <stdio.h>

#include "results/change.h"
#include "results/reader.h"
#include "roofline/plot.h"
#include "roofline/points.h"

/* The files in order (order[i]: index into files) as one run's page. */
void nnb_html_report(FILE *f, const nnb_results_file *files, const size_t *order, size_t n,
                     const nnb_roof_plot_opts *po);
/* Two runs: both on one roofline, an arrow per layer from A to B coloured
 * by compare's decision (results/change.h: slower, faster, within the
 * noise, or undecided where a run was disturbed), and the table of ratios. */
void nnb_html_compare(FILE *f, const nnb_results_file *a, const nnb_results_file *b);
/* The same written whole or not at all to path. 0 or -1 with one line. */
int nnb_html_report_file(const char *path, const nnb_results_file *files, const size_t *order, size_t n,
                         const nnb_roof_plot_opts *po, char *err, size_t len);
int nnb_html_compare_file(const char *path, const nnb_results_file *a, const nnb_results_file *b, char *err,
                          size_t len);

/* ---- the page's parts (html_page.c, html_table.c, html_roof.c) ---- */

/* One kernel's record of one layer: what a table row and a point show. */
typedef struct nnb_html_ref {
    const nnb_layer_report *rep;
    const nnb_result *x;
} nnb_html_ref;

/* The run gathered: its layers and kernels in order, their points. */
typedef struct nnb_html_run {
    nnb_layer_report *layers;  /* shallow copies, contiguous (the files own the results) */
    size_t nlayers;
    nnb_html_ref *refs;        /* refs[i] is pts.v[i] */
    nnb_roof_points pts;
    bool network;              /* more than one layer: one row and one point per layer */
    double total_s;            /* sum of the layers' best time x repeat */
    nnb_ceilings ceil;         /* from the header (peak, roof per level) */
    bool have_ceil;
} nnb_html_run;

int nnb_html_run_init(nnb_html_run *r, const nnb_results_file *files, const size_t *order, size_t n);
void nnb_html_run_free(nnb_html_run *r);

void nnb_html_begin(FILE *f, const char *title);
void nnb_html_header(FILE *f, const char *tag, const nnb_results_file *file);
void nnb_html_end(FILE *f, size_t rows);
void nnb_html_esc(FILE *f, const char *s);
void nnb_html_totals(FILE *f, const nnb_html_run *r, const nnb_results_file *files, const size_t *order, size_t n);
void nnb_html_layer_table(FILE *f, const nnb_html_run *r);
/* Rows: 0..nrows-1 of the compare table; writes ratios and verdicts
 * (verdict[i]: compare's decision for A's point i, results/change.h). */
size_t nnb_html_compare_table(FILE *f, const nnb_html_run *a, const nnb_html_run *b, const int *pair_of_a,
                              const nnb_change *verdict);
void nnb_html_roofline(FILE *f, const nnb_html_run *r, const nnb_roof_plot_opts *po);
void nnb_html_compare_roofline(FILE *f, const nnb_html_run *a, const nnb_html_run *b, const int *pair_of_b,
                               const nnb_change *verdict);

#endif
