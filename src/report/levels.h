/* Per-level bytes and arithmetic intensity of each counted kernel (table). */
#ifndef NNBENCH_REPORT_LEVELS_H
#define NNBENCH_REPORT_LEVELS_H

#include <stdio.h>

#include "nnbench/results.h"

/* Prints the block when some kernel has per-level counts; nothing otherwise. */
void nnb_report_levels(FILE *f, const nnb_layer_report *r);

#endif
