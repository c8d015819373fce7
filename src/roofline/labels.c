/* The label placer shared by every picture (labels.h). */
#include "roofline/labels.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

/* em fraction per character; the test reading the SVG back uses 0.6 */
#define EM_PER_CHAR 0.62
/* above the baseline / below it, in em (ascenders, descenders) */
#define ASCENT 0.8
#define DESCENT 0.25

double nnb_text_width(const char *s, double size)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; n++) {
        size_t k = nnb_utf8_len(p);
        p += k ? k : 1;
    }
    return (double)n * EM_PER_CHAR * size;
}

nnb_box nnb_text_box(const char *s, double size, double x, double y, nnb_anchor anchor, double angle_deg)
{
    double w = nnb_text_width(s, size);
    double left = anchor == NNB_ANCHOR_START ? 0 : anchor == NNB_ANCHOR_MIDDLE ? -w / 2 : -w;
    /* corners relative to (x, y), then rotated about it */
    const double cx[4] = {left, left + w, left + w, left}, cy[4] = {-ASCENT * size, -ASCENT * size, DESCENT * size, DESCENT * size};
    double a = angle_deg * M_PI / 180.0, ca = cos(a), sa = sin(a);
    nnb_box b = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    for (int i = 0; i < 4; i++) {
        double X = x + cx[i] * ca - cy[i] * sa, Y = y + cx[i] * sa + cy[i] * ca;
        b.x0 = fmin(b.x0, X);
        b.x1 = fmax(b.x1, X);
        b.y0 = fmin(b.y0, Y);
        b.y1 = fmax(b.y1, Y);
    }
    return b;
}

void nnb_labels_init(nnb_labels *ls, nnb_box bounds)
{
    ls->bounds = bounds;
    ls->v = NULL;
    ls->n = ls->cap = 0;
}

void nnb_labels_free(nnb_labels *ls)
{
    free(ls->v);
    ls->v = NULL;
    ls->n = ls->cap = 0;
}

void nnb_labels_block(nnb_labels *ls, nnb_box b)
{
    if (ls->n == ls->cap) {
        size_t cap = ls->cap ? 2 * ls->cap : 64;
        nnb_box *v = realloc(ls->v, cap * sizeof *v);
        if (!v) return; /* out of memory: the box is not remembered; worst case an overlap */
        ls->v = v;
        ls->cap = cap;
    }
    ls->v[ls->n++] = b;
}

static bool overlap(const nnb_box *a, const nnb_box *b)
{
    return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

bool nnb_labels_fits(const nnb_labels *ls, nnb_box b)
{
    const nnb_box *o = &ls->bounds;
    if (b.x0 < o->x0 || b.x1 > o->x1 || b.y0 < o->y0 || b.y1 > o->y1) return false;
    for (size_t i = 0; i < ls->n; i++)
        if (overlap(&b, &ls->v[i])) return false;
    return true;
}

bool nnb_labels_try(nnb_labels *ls, nnb_box b)
{
    if (!nnb_labels_fits(ls, b)) return false;
    nnb_labels_block(ls, b);
    return true;
}

bool nnb_labels_place(nnb_labels *ls, const char *s, double size, double ax, double ay, double r, double *x, double *y,
                      nnb_anchor *anchor)
{
    /* direction: dx, dy in {-1,0,1}; anchor follows dx */
    static const int dir[8][2] = {{1, 0}, {-1, 0}, {0, -1}, {0, 1}, {1, -1}, {1, 1}, {-1, -1}, {-1, 1}};
    const double mid = (ASCENT - DESCENT) / 2 * size; /* baseline offset that centres the text on ay */
    for (int step = 0; step < 6; step++) {
        double d = r + 3 + step * size * 1.1;
        for (int k = 0; k < 8; k++) {
            int dx = dir[k][0], dy = dir[k][1];
            nnb_anchor an = dx > 0 ? NNB_ANCHOR_START : dx < 0 ? NNB_ANCHOR_END : NNB_ANCHOR_MIDDLE;
            double X = ax + dx * d;
            double Y = dy < 0 ? ay - d - DESCENT * size : dy > 0 ? ay + d + ASCENT * size : ay + mid;
            if (nnb_labels_fits(ls, nnb_text_box(s, size, X, Y, an, 0))) {
                *x = X;
                *y = Y;
                *anchor = an;
                return true;
            }
        }
    }
    return false;
}

void nnb_text_fit(char *buf, size_t len, const char *text, double size, double width)
{
    snprintf(buf, len, "%s", text ? text : "");
    if (nnb_text_width(buf, size) <= width) return;
    size_t n = strlen(buf);
    while (n > 0 && nnb_text_width(buf, size) + nnb_text_width("x", size) > width) {
        do n--; while (n > 0 && ((unsigned char)buf[n] & 0xC0) == 0x80); /* whole UTF-8 characters */
        buf[n] = '\0';
    }
    if (n + 4 <= len) memcpy(buf + n, "\xe2\x80\xa6", 4); /* U+2026 */
}

