/* Sweeps: --sweep KEY=FROM:TO[:xSTEP|:+STEP] over any field of the
 * key=value descriptor syntax (the keys src/spec knows), repeatable for a
 * grid, applied to one base descriptor. Each point is the base descriptor
 * with the swept keys' values replaced, parsed and finalized through the
 * normal path; points that make no valid layer are skipped and counted. */
#ifndef NNBENCH_NET_SWEEP_H
#define NNBENCH_NET_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nnbench/layer.h"

enum { NNB_SWEEP_MAX_AXES = 8, NNB_SWEEP_DEFAULT_MAX_POINTS = 256, NNB_SWEEP_DENSE_POINTS = 32 };

typedef struct nnb_sweep_axis {
    char key[16];         /* as given: c, h, g, r, pad, ... */
    unsigned fields;      /* NNB_F_*: the layer fields the key sets */
    int64_t from, to, step;
    bool mul;             /* xSTEP (geometric: plotted on a log axis); else +STEP */
    bool step_default;    /* no STEP given: +1 up to NNB_SWEEP_DENSE_POINTS points, else x2 */
} nnb_sweep_axis;

typedef struct nnb_sweep_point {
    nnb_layer layer;                     /* finalized */
    int64_t value[NNB_SWEEP_MAX_AXES];   /* the swept keys' values, axis order */
    char desc[400];                      /* the descriptor the point was parsed from */
} nnb_sweep_point;

typedef struct nnb_sweep {
    nnb_sweep_axis axis[NNB_SWEEP_MAX_AXES];
    size_t naxes;
    nnb_sweep_point *pts;   /* valid points, first axis outermost */
    size_t npts;
    size_t grid;            /* points of the grid, valid or not */
    size_t skipped;         /* grid points that made no valid layer */
    char first_skip[320];   /* why the first skipped point was invalid */
} nnb_sweep;

/* One --sweep argument. 0, or -1 with one line naming the bad part. */
int nnb_sweep_parse_axis(const char *arg, nnb_sweep_axis *ax, char *err, size_t len);
/* Adds a parsed axis to sw (at most NNB_SWEEP_MAX_AXES, no two setting the
 * same field). 0 or -1 with one line. */
int nnb_sweep_add_axis(nnb_sweep *sw, const nnb_sweep_axis *ax, char *err, size_t len);
/* The values of one axis, FROM first; at most cap are written, *n is the
 * full count up to cap + 1 (so *n > cap says "more than cap"). */
void nnb_sweep_axis_values(const nnb_sweep_axis *ax, int64_t *v, size_t cap, size_t *n);
/* Expands the grid over the base descriptor (any --layer form). 0, or -1
 * with one line: a grid above max_points, no valid layer, a key that
 * overlaps a different key of the descriptor (r against kh, ...). */
int nnb_sweep_expand(nnb_sweep *sw, const char *base, size_t max_points, char *err, size_t len);
void nnb_sweep_free(nnb_sweep *sw);

#endif
