/* ONNX protobuf -> graph (graph.h): opsets, values by name, nodes with
 * their attributes. Initializers give their type and shape; their values
 * are read only when small (shape arithmetic, Clip bounds, Resize scales),
 * never weights, and never from external data files. */
#include "net/onnx/graph.h"

#include <stdlib.h>
#include <string.h>

#include "util/checked.h"
#include "util/util.h"

static size_t hash_name(const char *s)
{
    size_t h = 1469598103934665603u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/* the value named name: its index, or -1 */
static long find_value(const onnx_graph *g, const char *name)
{
    for (size_t i = hash_name(name) & (g->nslots - 1);; i = (i + 1) & (g->nslots - 1)) {
        if (!g->slot[i]) return -1;
        if (strcmp(g->values[g->slot[i] - 1].name, name) == 0) return (long)(g->slot[i] - 1);
    }
}

/* a new value named name (its shape unknown); NULL when the name is taken */
static nnb_onnx_value *add_value(onnx_graph *g, const char *name, int producer)
{
    if (find_value(g, name) >= 0) return NULL;
    nnb_onnx_value *v = &g->values[g->nvalues];
    memset(v, 0, sizeof *v);
    v->name = name;
    v->rank = -1;
    v->nval = -1;
    v->producer = producer;
    size_t i = hash_name(name) & (g->nslots - 1);
    while (g->slot[i]) i = (i + 1) & (g->nslots - 1);
    g->slot[i] = ++g->nvalues;
    return v;
}

/* little-endian element k of raw bytes of an element type */
static bool raw_elem(const ProtobufCBinaryData *raw, int type, size_t k, double *f)
{
    size_t size = type == NNB_ONNX_INT64 || type == NNB_ONNX_DOUBLE ? 8 : 4;
    if ((k + 1) * size > raw->len) return false;
    const uint8_t *p = raw->data + k * size;
    uint64_t u = 0;
    for (size_t b = 0; b < size; b++) u |= (uint64_t)p[b] << (8 * b);
    if (type == NNB_ONNX_INT64) *f = (double)(int64_t)u;
    else if (type == NNB_ONNX_INT32) *f = (double)(int32_t)(uint32_t)u;
    else if (type == NNB_ONNX_DOUBLE) memcpy(f, &u, 8);
    else {
        uint32_t w = (uint32_t)u;
        float x;
        memcpy(&x, &w, 4);
        *f = x;
    }
    return true;
}

/* element k of a tensor stored in place (typed field or raw_data) */
static bool tensor_elem(const Onnx__TensorProto *t, size_t k, double *f, int64_t *i)
{
    int type = t->data_type;
    *i = 0;
    if (t->has_raw_data) {
        if (!raw_elem(&t->raw_data, type, k, f)) return false;
        if (type == NNB_ONNX_INT64) { /* exact, not through double */
            uint64_t u = 0;
            for (size_t b = 0; b < 8; b++) u |= (uint64_t)t->raw_data.data[k * 8 + b] << (8 * b);
            *i = (int64_t)u;
            return true;
        }
    } else if (type == NNB_ONNX_INT64 && k < t->n_int64_data) {
        *i = t->int64_data[k];
        *f = (double)*i;
        return true;
    } else if (type == NNB_ONNX_FLOAT && k < t->n_float_data) {
        *f = t->float_data[k];
    } else if (type == NNB_ONNX_DOUBLE && k < t->n_double_data) {
        *f = t->double_data[k];
    } else if ((type == NNB_ONNX_INT32 || type == NNB_ONNX_BOOL) && k < t->n_int32_data) {
        *f = t->int32_data[k];
    } else {
        return false;
    }
    *i = *f != *f ? 0 : *f >= 9.2e18 ? INT64_MAX : *f <= -9.2e18 ? INT64_MIN : (int64_t)*f;
    return true;
}

/* A tensor's type and shape into v; its values when small, numeric and in
 * the file. -1 with one line for a negative or overflowing dim. */
static int tensor_value(const Onnx__TensorProto *t, nnb_onnx_value *v, char *err, size_t len)
{
    if (t->n_dims > NNB_ONNX_MAX_RANK)
        return nnb_errf(err, len, "tensor '%s' has rank %zu (nnbench reads up to %d)", v->name, t->n_dims, NNB_ONNX_MAX_RANK);
    int64_t e = 1;
    for (size_t d = 0; d < t->n_dims; d++) {
        if (t->dims[d] < 0 || !nnb_mul_ok(e, t->dims[d], &e) || e > (INT64_C(1) << 62))
            return nnb_errf(err, len, "tensor '%s' has a negative or overflowing dimension", v->name);
        v->dim[d] = t->dims[d];
    }
    v->rank = (int)t->n_dims;
    v->elem_type = t->data_type;
    bool numeric = t->data_type == NNB_ONNX_FLOAT || t->data_type == NNB_ONNX_INT32 || t->data_type == NNB_ONNX_INT64 ||
                   t->data_type == NNB_ONNX_DOUBLE || t->data_type == NNB_ONNX_BOOL;
    bool external = t->has_data_location && t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
    if (e > NNB_ONNX_MAX_CONST || !numeric || external) return 0;
    v->ival = calloc((size_t)e + 1, sizeof *v->ival);
    v->fval = calloc((size_t)e + 1, sizeof *v->fval);
    if (!v->ival || !v->fval) return nnb_errf(err, len, "out of memory");
    for (int64_t k = 0; k < e; k++)
        if (!tensor_elem(t, (size_t)k, &v->fval[k], &v->ival[k])) return 0; /* values absent: shape only */
    v->nval = (int)e;
    return 0;
}

/* the default domain's opset: 7-21; other domains are named by their nodes */
static int read_opset(onnx_graph *g, char *err, size_t len)
{
    g->opset = -1;
    for (size_t i = 0; i < g->pb->n_opset_import; i++) {
        const Onnx__OperatorSetIdProto *op = g->pb->opset_import[i];
        if (!op->domain || !op->domain[0] || !strcmp(op->domain, "ai.onnx")) g->opset = op->version;
    }
    if (g->opset < 0) return nnb_errf(err, len, "not an ONNX model nnbench reads: no opset of the default domain");
    if (g->opset < 7 || g->opset > 21)
        return nnb_errf(err, len, "ONNX opset %lld of the default domain: nnbench reads opsets 7 to 21", (long long)g->opset);
    return 0;
}

/* A graph input's shape: the file's dims, --input NAME=..., --mb for an
 * open batch dim. -1 with one line naming a dim left open. */
static int bind_dims(const Onnx__ValueInfoProto *vi, nnb_onnx_value *v, const nnb_onnx_options *o, char *err,
                     size_t len);

/* the input's dims, then their product checked */
static int bind_input(const Onnx__ValueInfoProto *vi, nnb_onnx_value *v, const nnb_onnx_options *o, char *err, size_t len)
{
    if (bind_dims(vi, v, o, err, len)) return -1;
    int64_t e = 1;
    for (int d = 0; d < v->rank; d++)
        if (!nnb_mul_ok(e, v->dim[d], &e) || e > (INT64_C(1) << 62))
            return nnb_errf(err, len, "input '%s': its element count overflows", v->name);
    return 0;
}

static int bind_dims(const Onnx__ValueInfoProto *vi, nnb_onnx_value *v, const nnb_onnx_options *o, char *err,
                     size_t len)
{
    const Onnx__TypeProto *tp = vi->type;
    if (!tp || tp->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE || !tp->tensor_type)
        return nnb_errf(err, len, "input '%s' is not a tensor", v->name);
    const Onnx__TypeProto__Tensor *tt = tp->tensor_type;
    v->elem_type = tt->elem_type;
    for (size_t i = 0; o && i < o->ninputs; i++)
        if (strlen(v->name) == o->inputs[i].name_len && !strncmp(o->inputs[i].name, v->name, o->inputs[i].name_len)) {
            v->rank = o->inputs[i].rank;
            memcpy(v->dim, o->inputs[i].dim, sizeof v->dim);
            if (tt->shape && tt->shape->n_dim != (size_t)v->rank)
                return nnb_errf(err, len, "--input %s: the file gives it rank %zu, not %d", v->name, tt->shape->n_dim, v->rank);
            return 0;
        }
    if (!tt->shape) return nnb_errf(err, len, "input '%s' has no shape in the file: give --input %s=NxCxHxW", v->name, v->name);
    if (tt->shape->n_dim > NNB_ONNX_MAX_RANK) return nnb_errf(err, len, "input '%s' has rank %zu", v->name, tt->shape->n_dim);
    v->rank = (int)tt->shape->n_dim;
    for (int d = 0; d < v->rank; d++) {
        const Onnx__TensorShapeProto__Dimension *dim = tt->shape->dim[d];
        bool fixed = dim->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
        if (fixed && dim->dim_value <= 0)
            return nnb_errf(err, len, "input '%s' dimension %d is %lld: dimensions must be positive", v->name, d,
                            (long long)dim->dim_value);
        if (fixed && d == 0 && o && o->mb > 0 && o->mb != dim->dim_value)
            return nnb_errf(err, len, "input '%s' has a fixed batch of %lld in the file: --mb %lld cannot change it",
                            v->name, (long long)dim->dim_value, (long long)o->mb);
        if (!fixed && d == 0) v->dim[d] = o && o->mb > 0 ? o->mb : 1; /* an open batch: --mb, else 1 as for every network */
        else if (!fixed)
            return nnb_errf(err, len, "input '%s' dimension %d ('%s') is left open by the file: give %s", v->name, d,
                            dim->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM ? dim->dim_param : "",
                            d == 0 ? "--mb N" : "--input NAME=dims");
        else v->dim[d] = dim->dim_value;
    }
    return 0;
}

static int read_values(onnx_graph *g, const nnb_onnx_options *o, char *err, size_t len)
{
    const Onnx__GraphProto *gp = g->pb->graph;
    for (size_t i = 0; i < gp->n_initializer; i++) {
        const Onnx__TensorProto *t = gp->initializer[i];
        nnb_onnx_value *v = t->name && t->name[0] ? add_value(g, t->name, -1) : NULL;
        if (!v) return nnb_errf(err, len, "initializer %zu has no name or a name used twice", i);
        v->is_init = true;
        if (tensor_value(t, v, err, len)) return -1;
    }
    for (size_t i = 0; i < gp->n_input; i++) {
        const char *name = gp->input[i]->name;
        if (!name || !name[0]) return nnb_errf(err, len, "graph input %zu has no name", i);
        if (find_value(g, name) >= 0) continue; /* an initializer listed as input (IR < 4) */
        if (bind_input(gp->input[i], add_value(g, name, -1), o, err, len)) return -1;
    }
    for (size_t i = 0; o && i < o->ninputs; i++) {
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)o->inputs[i].name_len, o->inputs[i].name);
        long k = find_value(g, name);
        if (k < 0 || g->values[k].is_init || g->values[k].producer >= 0)
            return nnb_errf(err, len, "--input %s: the graph has no input of that name", name);
    }
    for (size_t n = 0; n < gp->n_node; n++)
        for (size_t k = 0; k < gp->node[n]->n_output; k++) {
            const char *name = gp->node[n]->output[k];
            if (!name[0]) continue; /* an optional output left out */
            if (!add_value(g, name, (int)n))
                return nnb_errf(err, len, "value '%s' is produced twice (node %zu)", name, n);
        }
    return 0;
}

/* the type of an attribute written without one (files before IR 3) */
static int attr_type(const Onnx__AttributeProto *a)
{
    if (a->has_type && a->type) return a->type;
    if (a->has_f) return NNB_ONNX_ATTR_FLOAT;
    if (a->has_i) return NNB_ONNX_ATTR_INT;
    if (a->has_s) return NNB_ONNX_ATTR_STRING;
    if (a->t) return NNB_ONNX_ATTR_TENSOR;
    if (a->n_floats) return NNB_ONNX_ATTR_FLOATS;
    if (a->n_ints) return NNB_ONNX_ATTR_INTS;
    return 0;
}

static int read_attrs(onnx_graph *g, size_t n, const Onnx__NodeProto *np, char *err, size_t len)
{
    nnb_onnx_attr *at = calloc(np->n_attribute + 1, sizeof *at);
    if (!at) return nnb_errf(err, len, "out of memory");
    g->attrs[n] = at;
    for (size_t i = 0; i < np->n_attribute; i++) {
        const Onnx__AttributeProto *a = np->attribute[i];
        at[i] = (nnb_onnx_attr){.name = a->name, .type = attr_type(a), .i = a->i, .f = a->f,
                                .s = (const char *)a->s.data, .slen = a->s.len, .ints = a->ints, .nints = a->n_ints,
                                .floats = a->floats, .nfloats = a->n_floats};
        if (at[i].type == NNB_ONNX_ATTR_TENSOR && a->t) {
            nnb_onnx_value *v = &g->attr_tensors[g->nattr_tensors++];
            *v = (nnb_onnx_value){.name = a->name, .rank = -1, .nval = -1, .producer = -1};
            if (tensor_value(a->t, v, err, len)) return -1;
            at[i].t = v;
        }
    }
    return 0;
}

/* node n: its inputs and outputs by value, its attributes, its label */
static int read_node(onnx_graph *g, size_t n, char *err, size_t len)
{
    const Onnx__NodeProto *np = g->pb->graph->node[n];
    nnb_onnx_node *node = &g->nodes[n];
    node->op_type = np->op_type && np->op_type[0] ? np->op_type : NULL;
    if (!node->op_type) return nnb_errf(err, len, "node %zu has no op_type", n);
    node->name = np->name;
    if (np->name && np->name[0]) snprintf(node->label, sizeof node->label, "%s", np->name);
    else snprintf(node->label, sizeof node->label, "%s#%zu", node->op_type, n);
    node->opset = g->opset;
    g->domain[n] = np->domain && np->domain[0] && strcmp(np->domain, "ai.onnx") ? np->domain : NULL;
    node->nin = np->n_input;
    node->nout = np->n_output;
    node->in = calloc(np->n_input + 1, sizeof *node->in);
    node->out = calloc(np->n_output + 1, sizeof *node->out);
    if (!node->in || !node->out) return nnb_errf(err, len, "out of memory");
    for (size_t i = 0; i < np->n_input; i++) {
        if (!np->input[i][0]) continue; /* an optional input left out */
        long k = find_value(g, np->input[i]);
        if (k < 0)
            return nnb_errf(err, len, "node '%s' (%s): input '%s' is neither a graph input, an initializer nor a node's output",
                            node->label, node->op_type, np->input[i]);
        node->in[i] = &g->values[k];
    }
    for (size_t i = 0; i < np->n_output; i++)
        if (np->output[i][0]) node->out[i] = &g->values[find_value(g, np->output[i])];
    node->nattr = np->n_attribute;
    if (read_attrs(g, n, np, err, len)) return -1;
    node->attr = g->attrs[n];
    return 0;
}

/* room for every value and attribute tensor, counted first */
static int alloc_graph(onnx_graph *g, char *err, size_t len)
{
    const Onnx__GraphProto *gp = g->pb->graph;
    size_t nv = gp->n_initializer + gp->n_input, nt = 0;
    for (size_t n = 0; n < gp->n_node; n++) {
        nv += gp->node[n]->n_output;
        for (size_t a = 0; a < gp->node[n]->n_attribute; a++) nt += gp->node[n]->attribute[a]->t != NULL;
    }
    g->nslots = 16;
    while (g->nslots < 2 * nv + 2) g->nslots *= 2;
    g->nnodes = gp->n_node;
    g->values = calloc(nv + 1, sizeof *g->values);
    g->slot = calloc(g->nslots, sizeof *g->slot);
    g->nodes = calloc(g->nnodes + 1, sizeof *g->nodes);
    g->attrs = calloc(g->nnodes + 1, sizeof *g->attrs);
    g->domain = calloc(g->nnodes + 1, sizeof *g->domain);
    g->attr_tensors = calloc(nt + 1, sizeof *g->attr_tensors);
    if (!g->values || !g->slot || !g->nodes || !g->attrs || !g->domain || !g->attr_tensors)
        return nnb_errf(err, len, "out of memory reading %zu values", nv);
    g->capvalues = nv;
    return 0;
}

int nnb_onnx_graph_read(onnx_graph *g, const nnb_onnx_options *o, char *err, size_t len)
{
    if (!g->pb->graph) return nnb_errf(err, len, "not an ONNX model: no graph");
    if (!g->pb->has_ir_version || g->pb->ir_version < 3)
        return nnb_errf(err, len, "not an ONNX model nnbench reads: IR version %lld (3 or later needed)",
                        (long long)g->pb->ir_version);
    if (read_opset(g, err, len) || alloc_graph(g, err, len) || read_values(g, o, err, len)) return -1;
    for (size_t n = 0; n < g->nnodes; n++)
        if (read_node(g, n, err, len)) return -1;
    return 0;
}

static void free_value(nnb_onnx_value *v)
{
    free(v->ival);
    free(v->fval);
}

void nnb_onnx_graph_free(onnx_graph *g)
{
    for (size_t i = 0; g->values && i < g->nvalues; i++) free_value(&g->values[i]);
    for (size_t i = 0; g->attr_tensors && i < g->nattr_tensors; i++) free_value(&g->attr_tensors[i]);
    for (size_t n = 0; g->nodes && n < g->nnodes; n++) {
        free(g->nodes[n].in);
        free(g->nodes[n].out);
        if (g->attrs) free(g->attrs[n]);
    }
    free(g->values);
    free(g->slot);
    free(g->nodes);
    free(g->attrs);
    free(g->domain);
    free(g->attr_tensors);
    if (g->pb) onnx__model_proto__free_unpacked(g->pb, NULL);
    memset(g, 0, sizeof *g);
}
