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

/* The header keys that name the machine and the software a file was made
 * with: files merge into one report only where all of them agree
 * (results/merge.h). The host name and memory size are left out: shards
 * run on several nodes of one kind. */
#define NNB_HEADER_IDENT_KEYS 19
extern const char *const nnb_header_ident_keys[NNB_HEADER_IDENT_KEYS];

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
    char cpuset[128];       /* the PUs the run was given ("" in files older than the key) */
    char pus_used[128];     /* the PUs its threads were bound to ("": none, or an older file) */
    char *ident[NNB_HEADER_IDENT_KEYS]; /* each key's value as compact JSON, "null" where absent */
    /* the roofline the run was placed against (header.ceilings), for pictures */
    bool have_ceilings;
    char ceil_machine[1024];
    int ceil_threads;
    double ceil_peak_gflops, ceil_bw_gbs[4]; /* L1, L2, L3, DRAM; 0: none */
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
