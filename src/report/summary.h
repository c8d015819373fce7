/* --model NAME --summary TOOL: the network printed as another tool prints
 * a PyTorch model, in its layout and by its rules, learnt from its source:
 * torchsummary 1.5.1, torchinfo 1.8.0, torchstat 0.0.7 (one file each,
 * summary_<tool>.c). They all walk the model's module tree, which
 * nnb_torch_view rebuilds from the network's layers (leaf modules, in call
 * order) and the containers net/torch_tree.c names. */
#ifndef NNBENCH_REPORT_SUMMARY_H
#define NNBENCH_REPORT_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "net/builder.h"
#include "nnbench/model.h"

/* one module call, as a forward hook sees it */
typedef struct nnb_torch_row {
    bool container;          /* a module holding others (the model itself at depth 0) */
    bool sequential;         /* nn.Sequential or a subclass */
    bool recursive;          /* a leaf module called before (a reused nn.ReLU) */
    int depth;               /* 0: the model; 1: its children ... */
    const char *cls;         /* "Conv2d", "BasicBlock" */
    const char *path;        /* the module's name ("" for the model) */
    size_t out;              /* the layer whose output is this module's output */
    size_t in;               /* the layer that reads this module's input (leaf: itself) */
    int64_t params;          /* leaf: its own; container: its leaves' (each module once) */
} nnb_torch_row;

typedef struct nnb_torch_view {
    const nnb_net_layer *layers; /* the network's layers (functions "...()" included) */
    nnb_analytic *an;            /* per layer */
    int *rank;                   /* per layer: the PyTorch rank of its output (2 or 4) */
    nnb_torch_row *rows;         /* module calls in pre-order: a container before its children */
    size_t *post;                /* rows in post-order: as forward hooks fire */
    size_t nlayers, nrows;
    char (*paths)[96];           /* the rows' names */
    int64_t mb;                  /* the batch the layers were built with */
} nnb_torch_view;

/* The module tree of net (a PyTorch model: net/torch_tree.h) over its
 * layers. 0, or -1 with one line in err (not a PyTorch model, a layer
 * PyTorch has no module for, overflow). */
int nnb_torch_view_build(nnb_torch_view *v, const char *net, const nnb_net_list *list, int64_t mb, char *err,
                         size_t len);
void nnb_torch_view_free(nnb_torch_view *v);

/* the PyTorch shape of layer i's output (rank 2 or 4), batch included;
 * returns the rank */
int nnb_torch_out_shape(const nnb_torch_view *v, size_t i, int64_t dim[4]);
/* the PyTorch shape of layer i's input */
int nnb_torch_in_shape(const nnb_torch_view *v, size_t i, int64_t dim[4]);
/* "[-1, 64, 55, 55]": dims with the first replaced by batch; returns buf */
const char *nnb_torch_shape_str(const int64_t *dim, int rank, int64_t batch, char *buf, size_t len);
/* Python's "{:,}" of an integer */
const char *nnb_py_commas(int64_t v, char *buf, size_t len);

typedef struct nnb_summary_tool {
    const char *name;    /* --summary NAME */
    const char *models;  /* the package and version whose source it follows */
    /* batch_given: --mb was given (torchsummary shows -1 otherwise) */
    int (*print)(FILE *f, const nnb_torch_view *v, bool batch_given, char *err, size_t len);
} nnb_summary_tool;

const nnb_summary_tool *nnb_summary_tools(size_t *count);
const nnb_summary_tool *nnb_summary_tool_find(const char *name);

int nnb_summary_torchsummary(FILE *f, const nnb_torch_view *v, bool batch_given, char *err, size_t len);
int nnb_summary_torchinfo(FILE *f, const nnb_torch_view *v, bool batch_given, char *err, size_t len);
int nnb_summary_torchstat(FILE *f, const nnb_torch_view *v, bool batch_given, char *err, size_t len);

#endif
