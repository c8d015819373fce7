/* Analysis of a bandwidth sweep into memory levels (pure: no measuring).
 *
 * Plateaus are detected and named L1/L2/L3/DRAM by the cache capacities.
 * Per level the ceiling is the best point of the plateau named for it
 * (ERT: interference only lowers a point), else the best point over the
 * sizes safely inside the level (2 x previous capacity .. capacity / 2;
 * DRAM: from 8 x the last cache, the sweep going to 16 x). */
#ifndef NNBENCH_ROOFLINE_SWEEP_H
#define NNBENCH_ROOFLINE_SWEEP_H

#include <stdint.h>

#include "roofline/ceilings.h"

typedef struct nnb_plateau {
    int first, last;         /* indices into the sweep, inclusive */
    double gbs;              /* median of the plateau */
} nnb_plateau;

/* Detects plateaus in (bytes[i], gbs[i]), bytes increasing: maximal runs
 * whose values stay within rel_tol (e.g. 0.12) of the run's median, at
 * least min_pts long; neighbouring runs with medians within rel_tol are
 * merged (so one outlier does not split a plateau). Returns the count
 * written to out (at most max_out), -1 on bad input. */
int nnb_plateaus_detect(const int64_t *bytes, const double *gbs, int n, double rel_tol, int min_pts,
                        nnb_plateau *out, int max_out);

/* Names plateaus by cache capacities cap[L1..L3] (bytes, for the thread
 * count; 0 = level absent): a plateau belongs to the smallest level whose
 * capacity holds its geometric-middle working set, DRAM past the last;
 * when two plateaus name one level the longer one wins. level_of[i] gets
 * the nnb_level of plateau i, or -1 when it lost. */
void nnb_plateaus_assign(const int64_t *bytes, const nnb_plateau *p, int np,
                         const int64_t cap[NNB_LVL_COUNT], int *level_of);

/* Fills c->bw from c->sweep and c->cap_bytes. */
void nnb_ceil_analyze_sweep(nnb_ceilings *c);

#endif
