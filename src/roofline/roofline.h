/* Roofline: measured ceilings (ERT-style), placement of kernels against
 * them, and the picture (SVG) with CSV/JSON of the same data. The stage's
 * face for later stages (harness, cmd); inside the stage each file includes
 * only the pieces it uses. The pieces, in the order data flows through them:
 *
 *   ceilings.h  the data: peaks per ISA, bandwidth per level, the sweep;
 *               names of levels and sources (names.c)
 *   measure.h   measuring on this machine: peak.c (FLOP loops),
 *               bandwidth.c (sweep loops), measure.c (one thread count)
 *   sweep.h     analysis of the bandwidth sweep into levels (sweep.c)
 *   cache.h     the ceilings cache file, and load-or-measure (cache.c)
 *   place.h     placement of a kernel against the roofs (place.c)
 *   plot.h      the picture (svg.c); CSV, JSON, table and files (output.c)
 */
#ifndef NNBENCH_ROOFLINE_H
#define NNBENCH_ROOFLINE_H

#include "roofline/cache.h"
#include "roofline/ceilings.h"
#include "roofline/measure.h"
#include "roofline/place.h"
#include "roofline/plot.h"
#include "roofline/sweep.h"

#endif
