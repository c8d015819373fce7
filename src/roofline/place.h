/* Placement of a kernel on the roofline (pure). The roof used, per level,
 * is max(read, triad): the most bandwidth this machine showed at that
 * level. Compute roof: the best single-precision FMA-only peak (nnbench's
 * kernels are fp32 and do FMAs, not FMA+ADD pairs). */
#ifndef NNBENCH_ROOFLINE_PLACE_H
#define NNBENCH_ROOFLINE_PLACE_H

#include <stdint.h>

#include "roofline/ceilings.h"

typedef struct nnb_roof_place {
    char bound[16];          /* "compute" or "memory:L1" .. "memory:DRAM" */
    nnb_level level;         /* memory level whose bandwidth applied */
    double peak_gflops;      /* compute roof */
    double bw_gbs;           /* memory roof of that level */
    double ridge_ai;         /* peak / bw */
    double attainable_gflops;/* min(peak, ai * bw) */
    double efficiency;       /* attained / attainable; 0 when attained <= 0 */
} nnb_roof_place;

double nnb_ceil_peak(const nnb_ceilings *c);              /* best SP FMA peak, GFLOP/s */
double nnb_ceil_bw(const nnb_ceilings *c, nnb_level l);   /* max(read, triad) GB/s, 0 if unknown */
/* Level whose capacity holds ws_bytes (ws_bytes <= 0: DRAM). */
nnb_level nnb_ceil_level_for(const nnb_ceilings *c, int64_t ws_bytes);

/* Places a kernel of arithmetic intensity ai (flop/byte) that attained
 * `gflops` against the DRAM roof. Returns 0, -1 on bad input (ai <= 0 or
 * not finite, no ceilings). */
int nnb_roofline_place(const nnb_ceilings *c, double ai, double gflops, nnb_roof_place *out);
/* The same against the roof of the level that holds ws_bytes. */
int nnb_roofline_place_ws(const nnb_ceilings *c, double ai, double gflops, int64_t ws_bytes,
                          nnb_roof_place *out);

#endif
