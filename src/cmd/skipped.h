/* Descriptors a batch skipped as unsupported (valid in benchdnn, not
 * runnable as that exact layer by nnbench): named on stderr, counted in the
 * summary, one record each in JSON output. */
#ifndef NNBENCH_CMD_SKIPPED_H
#define NNBENCH_CMD_SKIPPED_H

#include <stddef.h>
#include <stdio.h>

#include "report/report.h"

typedef struct nnb_skipped {
    struct nnb_skip_entry *v;
    size_t n, cap;
} nnb_skipped;

/* nnb_skip_fn: ctx is an nnb_skipped */
int nnb_skipped_push(const char *spec, const char *where, const char *reason, void *ctx);
/* stderr: the first few by name, then "N skipped (M 3-D)" */
void nnb_skipped_summary(const nnb_skipped *s, size_t skipped_3d, size_t layers);
/* JSON: {"schema":"nnbench/1","skipped":{"spec":..,"where":..,"reason":..}} per entry */
void nnb_skipped_report(const nnb_skipped *s, FILE *out, nnb_format fmt);
void nnb_skipped_free(nnb_skipped *s);

#endif
