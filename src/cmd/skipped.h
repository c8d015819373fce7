/* Descriptors a batch skipped as unsupported (valid in benchdnn, not
 * runnable as that exact layer by nnbench): named on stderr, counted in the
 * summary, one record each in JSON output. */
#ifndef NNBENCH_CMD_SKIPPED_H
#define NNBENCH_CMD_SKIPPED_H

#include <stddef.h>
#include <stdio.h>

#include "report/report.h"
#include "spec/spec.h"

typedef struct nnb_skipped {
    struct nnb_skip_entry *v;
    size_t n, cap;
} nnb_skipped;

/* nnb_skip_fn: ctx is an nnb_skipped */
int nnb_skipped_push(const char *spec, const char *where, nnb_skip_class cls, const char *reason, void *ctx);
/* nnb_note_fn: one line on stderr */
void nnb_skipped_note(const char *where, const char *text, void *ctx);
/* stderr: the first few by name, then "N skipped (3d M, data_type K, ...)" by class */
void nnb_skipped_summary(const nnb_skipped *s, const size_t by[NNB_SKIP_NCLASS], size_t layers);
/* JSON: {"schema":"nnbench/1","skipped":{"spec":..,"where":..,"class":..,"reason":..}} per entry */
void nnb_skipped_report(const nnb_skipped *s, FILE *out, nnb_format fmt);
void nnb_skipped_free(nnb_skipped *s);

#endif
