/* The table form of the named conventions: what each other tool (at the
 * version modelled) and each seed reports as FLOPs for one layer. */
#ifndef NNBENCH_REPORT_CONVENTIONS_H
#define NNBENCH_REPORT_CONVENTIONS_H

#include <stdio.h>

#include "nnbench/results.h"

/* One line per convention that has a rule for the layer's op; nnbench's own
 * is the FLOPs line above it and is left out. */
void nnb_report_conventions(FILE *f, const nnb_layer_report *r);

#endif
