/* Text placement for every SVG picture (roofline, network, sweep): boxes
 * already on the canvas (axis ticks, titles, roof labels, legends, earlier
 * labels) are kept, and a new label goes to the first candidate position
 * around its anchor that overlaps none of them and stays inside the bounds;
 * a label that fits nowhere is left out (its point keeps its tooltip).
 *
 * Widths are estimated, conservatively, from the font size alone (every
 * character as wide as 0.62 em, wider than Helvetica's digits and lower
 * case), so that what the placer keeps apart stays apart whatever font the
 * viewer substitutes; tests/test_svg_labels.py reads the SVG back with the
 * same estimate. */
#ifndef NNBENCH_ROOFLINE_LABELS_H
#define NNBENCH_ROOFLINE_LABELS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct nnb_box {
    double x0, y0, x1, y1; /* x0 <= x1, y0 <= y1 (SVG: y down) */
} nnb_box;

typedef enum { NNB_ANCHOR_START = 0, NNB_ANCHOR_MIDDLE, NNB_ANCHOR_END } nnb_anchor;

typedef struct nnb_labels {
    nnb_box bounds;    /* where labels may go */
    nnb_box *v;        /* taken */
    size_t n, cap;
} nnb_labels;

/* Width in px of s (UTF-8: one em fraction per character) at font size px. */
double nnb_text_width(const char *s, double size);
/* The box of s drawn at (x, baseline y) with this anchor; rotated by
 * angle_deg about (x, y) (0: none), its axis-aligned bounding box. */
nnb_box nnb_text_box(const char *s, double size, double x, double y, nnb_anchor anchor, double angle_deg);

/* text cut to at most width px at this size (an ellipsis marks a cut) into buf */
void nnb_text_fit(char *buf, size_t len, const char *text, double size, double width);

void nnb_labels_init(nnb_labels *ls, nnb_box bounds);
void nnb_labels_free(nnb_labels *ls);
/* Marks a box as taken (text drawn regardless, markers, legend). */
void nnb_labels_block(nnb_labels *ls, nnb_box b);
/* Whether b is inside the bounds and overlaps nothing taken. */
bool nnb_labels_fits(const nnb_labels *ls, nnb_box b);
/* The same; if so it is taken. */
bool nnb_labels_try(nnb_labels *ls, nnb_box b);

/* A label for the point (ax, ay) of radius r: the first free position of
 * right, left, above, below and the diagonals, at r + 3 px and then
 * further out in steps of a line. true with the baseline (*x, *y) and
 * anchor (not yet taken: the caller draws and blocks it); false when
 * nowhere fits. */
bool nnb_labels_place(nnb_labels *ls, const char *s, double size, double ax, double ay, double r, double *x, double *y,
                      nnb_anchor *anchor);

#endif
