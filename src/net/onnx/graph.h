/* Inside the ONNX reader: the graph as read from the protobuf (reader.c),
 * walked node by node (walk.c). */
#ifndef NNBENCH_NET_ONNX_GRAPH_H
#define NNBENCH_NET_ONNX_GRAPH_H

#include "net/onnx/onnx.h"
#include "onnx.pb-c.h"
#include "ops/onnx_rule.h"

typedef struct onnx_graph {
    Onnx__ModelProto *pb;
    int64_t opset;              /* of the default domain */
    nnb_onnx_value *values;
    size_t nvalues, capvalues;
    size_t *slot;               /* open-addressing name -> value index + 1 */
    size_t nslots;
    nnb_onnx_node *nodes;       /* in the file's order */
    size_t nnodes;
    nnb_onnx_attr **attrs;      /* per node */
    nnb_onnx_value *attr_tensors; /* the TENSOR attributes' values */
    size_t nattr_tensors;
    const char **domain;        /* per node: NULL for the default domain */
} onnx_graph;

/* The protobuf into g: opsets, values (initializers, inputs bound by o,
 * node outputs), nodes and their attributes. 0, or -1 with one line. */
int nnb_onnx_graph_read(onnx_graph *g, const nnb_onnx_options *o, char *err, size_t len);
void nnb_onnx_graph_free(onnx_graph *g);
/* Every node in dependency order, shapes inferred, rows and layers into m. */
int nnb_onnx_graph_walk(onnx_graph *g, nnb_onnx_model *m, char *err, size_t len);

#endif
