/* The reader of results files (JSON Lines written by --out): each line is
 * parsed strictly (Jansson: RFC 8259, duplicate keys refused) and filled
 * into the one record type, nnb_layer_report (nnbench/results.h), so that
 * a stored run renders through the same code as a live one.
 *
 * The file must be what --out writes: a header record first and only
 * there, then layer records (one per layer and kernel, consecutive for one
 * layer), then at most one model summary. Keys may be added by later
 * versions and are ignored; the keys read must have their documented type.
 * Anything else is refused with one line "FILE:LINE: reason". */
#ifndef NNBENCH_RESULTS_READER_H
#define NNBENCH_RESULTS_READER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "nnbench/results.h"

/* What the reader keeps of the header record. */
typedef struct nnb_results_header {
    char cpu[128], hostname[64], os[128];
    int cores;
    char nnbench[32], git[64], blas_core[64];
    char date[32];
    char **argv;            /* argc strings */
    int argc;
    int threads;            /* 0: null (nothing ran) */
    bool analytic;
    int shard_i, shard_n;   /* 0/0: not a shard */
} nnb_results_header;

/* A model's summary record. */
typedef struct nnb_results_summary {
    char model[96];
    int64_t params, macs, flops, layers;
} nnb_results_summary;

typedef struct nnb_results_file {
    char path[1024];
    nnb_results_header header;
    nnb_layer_report *layers;   /* each with its results; kernel names point into names */
    size_t nlayers;
    bool have_summary;
    size_t skipped;          /* "skipped" records: descriptors or ONNX nodes not run */
    nnb_results_summary summary;
    char **names;               /* interned kernel names */
    size_t nnames;
} nnb_results_file;

/* Reads path. 0, or -1 with one line "path:line: reason" in err (nothing
 * to free then). */
int nnb_results_read(const char *path, nnb_results_file *out, char *err, size_t len);
/* The same from an open stream, named name in messages. */
int nnb_results_read_stream(FILE *in, const char *name, nnb_results_file *out, char *err, size_t len);
void nnb_results_free(nnb_results_file *f);

#endif
