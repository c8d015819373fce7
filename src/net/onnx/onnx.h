/* --model FILE.onnx: an ONNX graph -> the same network list the built-in
 * networks build (net/builder.h), one nnbench layer per node that is one
 * exactly; every other compute node a row "not modelled: OPTYPE". Read
 * with protobuf-c on ONNX's own onnx.proto (third_party/); weights are
 * used for their shapes and types only. Shapes are inferred node by node
 * by the ONNX rules beside the ops (ops/onnx_rule.h). */
#ifndef NNBENCH_NET_ONNX_H
#define NNBENCH_NET_ONNX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "net/builder.h"

/* the file's symbolic or dynamic input dims: --mb N sets every input's
 * batch (dim 0) where the file leaves it open; --input NAME=1x3x224x224
 * gives an input's shape */
typedef struct nnb_onnx_input_dims {
    const char *name;     /* name_len bytes (the option's text up to '=') */
    size_t name_len;
    int rank;
    int64_t dim[8];
} nnb_onnx_input_dims;

/* "NAME=1x3x224x224" into *d; -1 with one line in err */
int nnb_onnx_input_parse(const char *s, nnb_onnx_input_dims *d, char *err, size_t len);

typedef struct nnb_onnx_options {
    int64_t mb;                       /* 0: not given */
    const nnb_onnx_input_dims *inputs;
    size_t ninputs;
} nnb_onnx_options;

typedef enum { NNB_ONNX_ROW_LAYER, NNB_ONNX_ROW_FOLDED, NNB_ONNX_ROW_NOT_MODELLED } nnb_onnx_row_kind;

/* one node of the graph, in execution order */
typedef struct nnb_onnx_row {
    char module[96];       /* the node's name, or op_type#index */
    char op_type[64];      /* "Conv"; "domain.Op" outside the default domain */
    nnb_onnx_row_kind kind;
    size_t layer;          /* ROW_LAYER: index in the layer list */
    char why[200];         /* ROW_NOT_MODELLED: the reason */
    char shapes[160];      /* the outputs' shapes, ";"-joined: "1x64x112x112" ("?" unknown) */
    int64_t out_elems;     /* output elements (all outputs) */
} nnb_onnx_row;

typedef struct nnb_onnx_model {
    nnb_net_list layers;   /* the modelled nodes as layers, module = node name */
    nnb_onnx_row *rows;
    size_t nrows;
    size_t unmodelled;     /* rows not modelled */
    int64_t out_elems, unmodelled_elems; /* over compute rows (not folded) */
    char desc[256];        /* "ONNX opset 13 (pytorch 1.13.1), 1 input 1x3x224x224" */
} nnb_onnx_model;

/* true when name names an ONNX file (ends in .onnx) */
bool nnb_onnx_is_path(const char *name);
/* Reads path into *m. 0, or -1 with one line in err (not ONNX, malformed,
 * an opset outside 7-21, an input dim left open, a shape that does not
 * hold). */
int nnb_onnx_load(const char *path, const nnb_onnx_options *o, nnb_onnx_model *m, char *err, size_t len);
/* the same from memory (the fuzz target) */
int nnb_onnx_load_buffer(const uint8_t *buf, size_t n, const nnb_onnx_options *o, nnb_onnx_model *m, char *err,
                         size_t len);
void nnb_onnx_model_free(nnb_onnx_model *m);
/* one line per node: module, op type, kind, output shapes, reason (tests
 * compare the shapes with onnx's own inference) */
void nnb_onnx_print_rows(FILE *f, const nnb_onnx_model *m);

#endif
