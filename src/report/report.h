/* Writers for table, CSV and JSON Lines (DESIGN.md's output contract). */
#ifndef NNBENCH_REPORT_H
#define NNBENCH_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "nnbench/results.h"

typedef enum { NNB_FMT_TABLE = 0, NNB_FMT_CSV, NNB_FMT_JSON } nnb_format;

void nnb_report_begin(FILE *f, nnb_format fmt, bool analytic_only);
void nnb_report_layer(FILE *f, nnb_format fmt, const nnb_layer_report *r, bool analytic_only);
void nnb_report_summary(FILE *f, nnb_format fmt, const char *model, int64_t params, int64_t macs, int64_t flops,
                        size_t layers);

/* "115,605,504" */
char *nnb_fmt_count(int64_t v, char *buf, size_t len);
/* "1.234 s", "12.345 ms", "4.56 us"; "-" when not finite (a stored null) */
void nnb_fmt_time(double s, char *buf, size_t len);
/* A timing's spread as the tables show it: half the quartile range over
 * the median, "4%", "0.8%"; "!" appended when disturbed; "-" when not stored. */
void nnb_fmt_spread(const nnb_timing *t, char *buf, size_t len);
/* The tables' rate and roofline cells of one result: the executed rate
 * (" %9s", "-" without a work model), then bound and efficiency ("  %-12s
 * %5.1f%%" and "!" when the record is above its roof after a re-measure) */
void nnb_report_exec_cell(FILE *f, const nnb_result *x);
void nnb_report_roof_cells(FILE *f, const nnb_result *x);
/* "231.2 M" (K/M/G/T, 1000-based) followed by unit */
char *nnb_fmt_si(double v, const char *unit, char *buf, size_t len);

#endif
