/* Stored runs rendered: the files' records through the same renderers as
 * a live run (report.h), and two runs side by side (nnbench compare). */
#ifndef NNBENCH_REPORT_STORED_H
#define NNBENCH_REPORT_STORED_H

#include <stdbool.h>
#include <stdio.h>

#include "report/report.h"
#include "results/change.h"
#include "results/reader.h"

/* The files in the order given (order[i]: index into files), as one run:
 * the format's preamble, every layer, then the model summaries (shards of
 * one run: summed into one, since the shards partition its layers). */
void nnb_report_stored(FILE *out, nnb_format fmt, const nnb_results_file *files, const size_t *order, size_t n);

/* One line about where and with what a file was made. */
void nnb_report_file_line(FILE *out, const char *tag, const nnb_results_file *f);

/* Per layer and kernel (pairs by layer spec, kernel, threads; the k-th
 * occurrence in a with the k-th in b, labelled by module name in a
 * network): median and quartile spread of both, the ratio b/a and the
 * change results/change.h calls; the network's total when both are runs of
 * one network; the pairs not called because a run was disturbed, named.
 * Returns the number of changes called slower. */
size_t nnb_report_compare(FILE *out, const nnb_results_file *a, const nnb_results_file *b);

/* compare's decision for any pair of records of two files, as its text
 * makes it: the files' run-to-run floor from their control pairs, and the
 * layer's control (results/change.h). Open once per pair of files. */
typedef struct nnb_compare_ctx nnb_compare_ctx;
nnb_compare_ctx *nnb_compare_open(const nnb_results_file *a, const nnb_results_file *b); /* NULL: out of memory */
/* xa of layer la in a against xb of b */
void nnb_compare_decide(const nnb_compare_ctx *c, const nnb_layer_report *la, const nnb_result *xa,
                        const nnb_result *xb, nnb_change *out);
void nnb_compare_close(nnb_compare_ctx *c);

#endif
