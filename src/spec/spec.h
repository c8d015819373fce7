/* Layer descriptors: presets, oneDNN benchdnn conv/deconv strings, and
 * key=value for people. Every parse either fills a finalized nnb_layer or
 * writes one line to err and returns -1. */
#ifndef NNBENCH_SPEC_H
#define NNBENCH_SPEC_H

#include <stdio.h>
#include "nnbench/layer.h"
#include "ops/op.h"

/* a named layer: name, key=value spec, one line (each op keeps its own, ops/op.h) */
typedef nnb_op_preset nnb_preset;

const nnb_preset *nnb_presets(size_t *count);

/* What a parse returns for a descriptor that is valid (benchdnn reads it)
 * but that nnbench cannot run as that exact layer: a real 3-D problem, or
 * padding nnbench's layer cannot hold. err says why; a batch skips it. */
#define NNB_SPEC_UNSUPPORTED (-2)
#define NNB_SPEC_3D_REASON "3-D convolution is not supported"

/* Why a batch skipped a descriptor: its shape (3-D, padding nnbench's layer
 * cannot hold) or a knob nnbench cannot honour (spec/knobs.c). */
typedef enum nnb_skip_class {
    NNB_SKIP_3D,          /* "3d" */
    NNB_SKIP_UNSUPPORTED, /* "unsupported": another shape nnbench's layer cannot hold */
    NNB_SKIP_BACKWARD,    /* "backward": --dir=BWD_* */
    NNB_SKIP_DATA_TYPE,   /* "data_type": --dt/--cfg/--bia-dt other than f32 */
    NNB_SKIP_POST_OPS,    /* "post_ops": --attr-post-ops */
    NNB_SKIP_ATTRIBUTE,   /* "attribute": scales, zero points, fpmath, rounding, accumulation, dropout */
    NNB_SKIP_ALGORITHM,   /* "algorithm": --alg=wino */
    NNB_SKIP_NOT_MODELLED, /* "not_modelled": an ONNX node no nnbench layer computes exactly */
    NNB_SKIP_NCLASS
} nnb_skip_class;
/* The class's name in records and summaries ("3d", "data_type", ...). */
const char *nnb_skip_class_name(nnb_skip_class c);

/* Any descriptor: preset name, benchdnn string ("mb1ic64ih56..." or with a
 * "conv:"/"deconv:" driver prefix... see README), or "op:key=value,...".
 * Returns 0, -1 (malformed) or NNB_SPEC_UNSUPPORTED. */
int nnb_spec_parse(const char *s, nnb_layer *l, char *err, size_t errlen);

/* A benchdnn string read as benchdnn's driver op (conv or deconv) reads it;
 * mb > 0 overrides the descriptor's mini-batch (benchdnn's --mb). */
int nnb_spec_read_benchdnn(const char *s, nnb_op op, int64_t mb, nnb_layer *l, char *err, size_t errlen);
int nnb_spec_parse_benchdnn(const char *s, nnb_op op, nnb_layer *l, char *err, size_t errlen);
int nnb_spec_parse_kv(const char *s, nnb_layer *l, char *err, size_t errlen);

/* The layer fields (ops/op.h NNB_F_*) that key [s, s+n) of the key=value
 * syntax sets; 0 when it is no key. --sweep names fields as descriptors do. */
unsigned nnb_spec_kv_fields(const char *s, size_t n);

/* Canonical strings. nnb_spec_format_kv round-trips through nnb_spec_parse.
 * nnb_spec_format_benchdnn returns -1 (and writes "-") for ops benchdnn's
 * conv driver cannot express (pooling, fc, bn, lstm, embed); what it writes
 * reads back as the same computation (far padding no window reaches is
 * dropped, a deconv's output padding becomes far padding). */
int nnb_spec_format_kv(const nnb_layer *l, char *buf, size_t len);
int nnb_spec_format_benchdnn(const nnb_layer *l, char *buf, size_t len);
/* Human form: "conv 1x64x56x56 -> 1x64x56x56, 3x3 s1 p1 d1 g1 +bias". */
int nnb_spec_format_human(const nnb_layer *l, char *buf, size_t len);

/* benchdnn's knobs that change the layer: the driver unprefixed benchdnn
 * strings follow (--conv, --deconv) and --mb's list (each descriptor runs
 * once per entry; 0 keeps the descriptor's own mb). */
#define NNB_SPEC_MB_MAX 64
typedef struct nnb_spec_knobs {
    nnb_op driver;
    size_t nmb;
    int64_t mb[NNB_SPEC_MB_MAX];
    unsigned bias_runs; /* NNB_SPEC_WITH_BIAS | NNB_SPEC_WITHOUT_BIAS: from --dir (FWD_B: benchdnn's default) */
} nnb_spec_knobs;
#define NNB_SPEC_WITH_BIAS 1u
#define NNB_SPEC_WITHOUT_BIAS 2u
void nnb_spec_knobs_init(nnb_spec_knobs *k);
/* "--mb=" value: "N" or "N,M,...", each >= 0 ("" resets to no override). */
int nnb_spec_knobs_mb(nnb_spec_knobs *k, const char *list, char *err, size_t errlen);

/* Each layer a descriptor gives under the knobs, with the spec text that
 * reproduces it (the descriptor itself, or its canonical form where a knob
 * changed it). */
typedef int (*nnb_layer_fn)(const nnb_layer *l, const char *spec, void *ctx);
int nnb_spec_each(const char *s, const nnb_spec_knobs *k, nnb_layer_fn fn, void *ctx, char *err, size_t errlen);

/* Reads a benchdnn batch file as benchdnn's batch() does: whitespace
 * separated tokens, '#' at a token's start comments out the rest of the
 * line, a trailing '\' joins a token to the next; knobs apply to the
 * descriptors after them, each as spec/knobs.c's table says: the layer
 * knobs (--conv, --deconv, --mb=LIST, --dir, --reset, nested --batch=FILE
 * relative to the including file) change the layers; a knob whose values
 * nnbench cannot honour (a data type other than f32, post-ops, ...) skips
 * the descriptors after it (entries of a list that nnbench cannot honour:
 * one skipped record per descriptor, the rest runs); a hint (layouts,
 * implementation filters, benchdnn's modes) is noted once; any other knob
 * is an error. layer gets every layer; skip (may be NULL) every skipped
 * descriptor, named "FILE:LINE", with its class; note (may be NULL, its
 * ctx is skip_ctx) each note. The counts include nested files. Returns 0, or -1 with
 * "FILE:LINE: reason" in err at the first malformed descriptor or knob. */
typedef int (*nnb_skip_fn)(const char *spec, const char *where, nnb_skip_class cls, const char *reason, void *ctx);
typedef void (*nnb_note_fn)(const char *where, const char *text, void *ctx);
typedef struct nnb_batch_sink {
    nnb_layer_fn layer;
    void *layer_ctx;
    nnb_skip_fn skip;
    void *skip_ctx;
    nnb_note_fn note;
    size_t layers, skipped, skipped_by[NNB_SKIP_NCLASS];
} nnb_batch_sink;
int nnb_spec_read_batch(const char *path, const nnb_spec_knobs *k, nnb_batch_sink *sink, char *err, size_t errlen);

#endif
