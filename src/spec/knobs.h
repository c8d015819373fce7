/* benchdnn's knobs in a batch file (parser.cpp's global options and the
 * conv/deconv drivers' options) and what nnbench does with each: one table
 * (knobs.c), read by batch.c. */
#ifndef NNBENCH_SPEC_KNOBS_H
#define NNBENCH_SPEC_KNOBS_H

#include <stdbool.h>

#include "spec/spec.h"

typedef enum nnb_knob_kind {
    NNB_KNOB_LAYER, /* changes the layers: read by batch.c (--mb, --dir, --batch, --reset, drivers) */
    NNB_KNOB_CHECK, /* a value list: entries nnbench cannot honour skip the descriptors after it */
    NNB_KNOB_HINT,  /* a performance or harness hint: accepted, noted once per batch */
} nnb_knob_kind;

typedef struct nnb_knob {
    const char *name;               /* without "--" and "=" */
    nnb_knob_kind kind;
    nnb_skip_class skip;            /* CHECK: the class of its skipped descriptors */
    bool (*ok)(const char *entry);  /* CHECK: one entry of the value list nnbench honours */
    bool note_ok;                   /* CHECK: honoured entries are hints too: noted once */
    const char *why;                /* what nnbench does with it and why */
} nnb_knob;

/* At most this many knobs (batch.c keeps one value list per knob). */
#define NNB_KNOBS_MAX 64

/* The table, in the order a descriptor's knobs are checked. */
const nnb_knob *nnb_knobs(size_t *count);
/* The knob "--NAME" or "--NAME=..." names, or NULL. */
const nnb_knob *nnb_knob_find(const char *tok);

/* --dir entries: true for forward ones; *bias set for FWD_B (benchdnn's default). */
bool nnb_knob_dir_forward(const char *entry, bool *bias);

#endif
