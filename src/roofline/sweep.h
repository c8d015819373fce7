/* Analysis of a bandwidth sweep into memory levels (pure: no measuring).
 *
 * Plateaus are detected and named L1/L2/L3/DRAM by the cache capacities.
 * Per level the ceiling is the best point of the plateau named for it
 * (ERT: interference only lowers a point), else the best point over the
 * sizes safely inside the level (2 x previous capacity .. capacity / 2;
 * DRAM: from NNB_DRAM_LLC_FACTOR x the last cache, where the sweep always
 * reaches: nnb_ceil_sweep_top). */
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

/* The DRAM end of the sweep. A cyclic sweep over S bytes through a
 * last-level cache of C bytes can still find up to C / S of its lines
 * cached (adaptive insertion on Intel, the victim L3 of AMD Zen keep part
 * of a thrashing set), so a DRAM point needs S well past C: past
 * NNB_DRAM_LLC_FACTOR x C at most 1/4 of the lines can hit, and measured on
 * the development VM (Xeon family 6 model 207, 260 MiB L3) 1 GiB read at
 * the bandwidth of 2-4 GiB within the run-to-run noise. The sweep aims at
 * NNB_DRAM_SWEEP_LLC_FACTOR x C, at least NNB_DRAM_SWEEP_MIN_BYTES, but
 * allocates (and first-touches, and times 2 x 2 x 5 times) no more than
 * NNB_DRAM_SWEEP_CAP_BYTES unless the LLC is so large that
 * NNB_DRAM_LLC_FACTOR x C needs more; never more than a quarter of the
 * memory (memory_bytes <= 0: unknown). Before this cap the sweep went to
 * 16 x C: 4.2 GB on that VM, minutes of first-touch and timing, and
 * parallel test runs ran out of memory. */
#define NNB_DRAM_LLC_FACTOR 4
#define NNB_DRAM_SWEEP_LLC_FACTOR 8
#define NNB_DRAM_SWEEP_MIN_BYTES ((int64_t)128 << 20)
#define NNB_DRAM_SWEEP_CAP_BYTES ((int64_t)1 << 30)
int64_t nnb_ceil_sweep_top(int64_t llc_bytes, int64_t memory_bytes);

/* Fills c->bw from c->sweep and c->cap_bytes. */
void nnb_ceil_analyze_sweep(nnb_ceilings *c);

#endif
