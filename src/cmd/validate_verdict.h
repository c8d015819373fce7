/* validate's conclusion: one row per formula (every named convention and
 * ours with valid taps) over the layers validated: which count it is
 * (dense, valid taps, MACs, ...), on how many layers it matches what the
 * reference kernel executed, by what factor it is off elsewhere, and why
 * in words. Printed as a table, written as JSON and as an HTML page. */
#ifndef NNBENCH_CMD_VALIDATE_VERDICT_H
#define NNBENCH_CMD_VALIDATE_VERDICT_H

#include <stdbool.h>
#include <stdio.h>

#include "nnbench/model.h"

enum { NNB_VV_MAX_FORMULAS = 16, NNB_VV_COUNTS = 9 };

typedef struct nnb_vv_row {
    const char *name, *models, *what;
    int layers, matched;               /* applicable layers; those it matches */
    int count_hits[NNB_VV_COUNTS + 1]; /* layers where its value is that named count (last: none) */
    double lo, hi;                     /* formula / executed where it does not match */
    unsigned reasons;                  /* bit i: reason i (validate_verdict.c) */
} nnb_vv_row;

typedef struct nnb_vv {
    nnb_vv_row row[NNB_VV_MAX_FORMULAS];
    int nrows, nlayers;
} nnb_vv;

void nnb_vv_init(nnb_vv *v);
/* One layer: formula values[f] (< 0: no rule), row f's name; executed by
 * the reference kernel, matched within tol. */
void nnb_vv_add(nnb_vv *v, const nnb_layer *l, const nnb_analytic *a, const double *values, const char *const *names,
                const char *const *models, const char *const *whats, int n, double executed, double tol);
void nnb_vv_print(FILE *f, const nnb_vv *v);
void nnb_vv_json(FILE *f, const nnb_vv *v);
void nnb_vv_html(FILE *f, const nnb_vv *v);

#endif
