/* Layer descriptors: presets, oneDNN benchdnn conv/deconv strings, and
 * key=value for people. Every parse either fills a finalized nnb_layer or
 * writes one line to err and returns -1. */
#ifndef NNBENCH_SPEC_H
#define NNBENCH_SPEC_H

#include <stdio.h>
#include "nnbench/layer.h"

typedef struct nnb_preset {
    const char *name;
    const char *spec;   /* key=value form, parsed like any --layer */
    const char *desc;
} nnb_preset;

const nnb_preset *nnb_presets(size_t *count);

/* Any descriptor: preset name, benchdnn string ("mb1ic64ih56..." or with a
 * "conv:"/"deconv:" driver prefix... see README), or "op:key=value,...". */
int nnb_spec_parse(const char *s, nnb_layer *l, char *err, size_t errlen);

int nnb_spec_parse_benchdnn(const char *s, nnb_op op, nnb_layer *l, char *err, size_t errlen);
int nnb_spec_parse_kv(const char *s, nnb_layer *l, char *err, size_t errlen);

/* The layer fields (ops/op.h NNB_F_*) that key [s, s+n) of the key=value
 * syntax sets; 0 when it is no key. --sweep names fields as descriptors do. */
unsigned nnb_spec_kv_fields(const char *s, size_t n);

/* Canonical strings. nnb_spec_format_kv round-trips through nnb_spec_parse.
 * nnb_spec_format_benchdnn returns -1 (and writes "-") for ops benchdnn's
 * conv driver cannot express (pooling, fc, bn, lstm, embed). */
int nnb_spec_format_kv(const nnb_layer *l, char *buf, size_t len);
int nnb_spec_format_benchdnn(const nnb_layer *l, char *buf, size_t len);
/* Human form: "conv 1x64x56x56 -> 1x64x56x56, 3x3 s1 p1 d1 g1 +bias". */
int nnb_spec_format_human(const nnb_layer *l, char *buf, size_t len);

/* Reads a benchdnn batch file: one descriptor per line, '#' comments,
 * benchdnn driver knobs (--conv, --deconv, --mb=N, --dir=...) honoured where
 * they change the layer and ignored otherwise. Calls fn for each layer; stops
 * at the first bad line (returns -1 with "FILE:LINE: reason" in err). */
typedef int (*nnb_layer_fn)(const nnb_layer *l, const char *line, void *ctx);
int nnb_spec_read_batch(const char *path, nnb_layer_fn fn, void *ctx, char *err, size_t errlen);

#endif
