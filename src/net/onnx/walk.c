/* The graph walked in dependency order (graph.h): each node's rule infers
 * its outputs' shapes; a node whose outputs are all known values is folded
 * (shape arithmetic); a node its rule maps to an nnbench layer becomes
 * that layer, finalized and checked against the inferred shape; every
 * other node is a row "not modelled: OPTYPE" with the reason. */
#include "net/onnx/graph.h"

#include <stdlib.h>
#include <string.h>

#include "ops/op.h"
#include "util/appendf.h"
#include "util/util.h"

/* Kahn's order over producers; -1 with one line naming a node on a cycle */
static int topo_order(const onnx_graph *g, size_t *order, char *err, size_t len)
{
    size_t *pending = calloc(g->nnodes + 1, sizeof *pending), *users = NULL, *first = NULL, done = 0, head = 0;
    first = calloc(g->nnodes + 2, sizeof *first);
    size_t nedges = 0;
    for (size_t n = 0; n < g->nnodes; n++) nedges += g->nodes[n].nin;
    users = calloc(nedges + 1, sizeof *users);
    int rc = 0;
    if (!pending || !first || !users) {
        rc = nnb_errf(err, len, "out of memory");
        goto out;
    }
    /* users of each producer, as a CSR list */
    for (size_t n = 0; n < g->nnodes; n++)
        for (size_t i = 0; i < g->nodes[n].nin; i++)
            if (g->nodes[n].in[i] && g->nodes[n].in[i]->producer >= 0) first[g->nodes[n].in[i]->producer + 1]++, pending[n]++;
    for (size_t n = 0; n < g->nnodes; n++) first[n + 1] += first[n];
    size_t *fill = calloc(g->nnodes + 1, sizeof *fill);
    if (!fill) {
        rc = nnb_errf(err, len, "out of memory");
        goto out;
    }
    for (size_t n = 0; n < g->nnodes; n++)
        for (size_t i = 0; i < g->nodes[n].nin; i++)
            if (g->nodes[n].in[i] && g->nodes[n].in[i]->producer >= 0) {
                size_t p = (size_t)g->nodes[n].in[i]->producer;
                users[first[p] + fill[p]++] = n;
            }
    free(fill);
    for (size_t n = 0; n < g->nnodes; n++)
        if (!pending[n]) order[done++] = n;
    while (head < done) {
        size_t p = order[head++];
        for (size_t u = first[p]; u < first[p + 1]; u++)
            if (--pending[users[u]] == 0) order[done++] = users[u];
    }
    if (done < g->nnodes) {
        size_t n = 0;
        while (!pending[n]) n++;
        rc = nnb_errf(err, len, "the graph has a cycle through node '%s' (%s)", g->nodes[n].label, g->nodes[n].op_type);
    }
out:
    free(pending);
    free(first);
    free(users);
    return rc ? -1 : 0;
}

/* dims equal once 1s are dropped (a 1-D conv is nnbench's h = 1) */
static bool same_shape(const nnb_shape *s, const nnb_onnx_value *v)
{
    int64_t a[8], b[8];
    int na = 0, nb = 0;
    for (int i = 0; i < s->ndim; i++)
        if (s->dim[i] != 1) a[na++] = s->dim[i];
    for (int i = 0; i < v->rank; i++)
        if (v->dim[i] != 1 && nb < 8) b[nb++] = v->dim[i];
    return na == nb && memcmp(a, b, (size_t)na * sizeof *a) == 0;
}

static void row_shapes(const nnb_onnx_node *node, nnb_onnx_row *r)
{
    size_t o = 0;
    for (size_t i = 0; i < node->nout; i++) {
        char s[96] = "-";
        if (node->out[i]) nnb_onnx_shape_str(node->out[i], s, sizeof s);
        nnb_appendf(r->shapes, sizeof r->shapes, &o, "%s%s", i ? ";" : "", s);
        if (node->out[i] && node->out[i]->rank >= 0) r->out_elems += nnb_onnx_elems(node->out[i]);
    }
}

static int push_layer(nnb_onnx_model *m, const nnb_layer *l, const char *module)
{
    nnb_net_list *o = &m->layers;
    if (o->n == o->cap) {
        size_t cap = o->cap ? 2 * o->cap : 64;
        nnb_net_layer *v = realloc(o->v, cap * sizeof *v);
        if (!v) return -1;
        o->v = v;
        o->cap = cap;
    }
    nnb_net_layer *nl = &o->v[o->n++];
    memset(nl, 0, sizeof *nl);
    nl->layer = *l;
    nnb_copy_str(nl->module, sizeof nl->module, module);
    return 0;
}

/* the node as an nnbench layer, if its rule maps it exactly */
static int classify(const nnb_onnx_rule *rule, const nnb_onnx_node *node, nnb_onnx_row *r, nnb_onnx_model *m,
                    char *err, size_t len)
{
    nnb_layer l;
    char why[256] = "no nnbench layer computes it";
    bool has_out = node->nout > 0 && node->out[0] && node->out[0]->rank >= 0;
    if (!has_out) snprintf(why, sizeof why, "its first output is left out");
    int rc = rule && rule->layer && has_out ? rule->layer(node, &l, why, sizeof why) : 1;
    if (rc < 0) return nnb_errf(err, len, "node '%s' (%s): its attributes changed between shape and layer", node->label, node->op_type);
    if (rc == 0) {
        nnb_copy_str(l.name, sizeof l.name, node->label);
        nnb_op_shapes s;
        if (nnb_layer_finalize(&l, why, sizeof why)) rc = 1;
        else if (nnb_op_get(l.op)->shapes(&l, &s), !same_shape(&s.dst, node->out[0])) {
            char a[96];
            snprintf(why, sizeof why, "nnbench's %s gives %lldx%lldx%lldx%lld where ONNX gives %s", nnb_op_name(l.op),
                     (long long)l.n, (long long)l.k, (long long)l.oh, (long long)l.ow, nnb_onnx_shape_str(node->out[0], a, sizeof a));
            rc = 1;
        }
    }
    if (rc == 0) {
        r->kind = NNB_ONNX_ROW_LAYER;
        r->layer = m->layers.n;
        if (push_layer(m, &l, node->label)) return nnb_errf(err, len, "out of memory");
        return 0;
    }
    r->kind = NNB_ONNX_ROW_NOT_MODELLED;
    nnb_copy_str(r->why, sizeof r->why, why);
    return 0;
}

/* a node with no rule: its outputs keep unknown shapes (a later node that
 * needs them says so) */
static int walk_node(onnx_graph *g, size_t n, nnb_onnx_row *r, nnb_onnx_model *m, char *err, size_t len)
{
    nnb_onnx_node *node = &g->nodes[n];
    const nnb_onnx_rule *rule = g->domain[n] ? NULL : nnb_onnx_rule_find(node->op_type);
    nnb_copy_str(r->module, sizeof r->module, node->label);
    if (g->domain[n]) snprintf(r->op_type, sizeof r->op_type, "%s.%s", g->domain[n], node->op_type);
    else nnb_copy_str(r->op_type, sizeof r->op_type, node->op_type);
    if (rule && (node->nin < (size_t)rule->min_in || node->nin > (size_t)rule->max_in))
        return nnb_errf(err, len, "node '%s' (%s): %zu inputs (the op takes %d to %d)", node->label, node->op_type,
                        node->nin, rule->min_in, rule->max_in);
    if (rule && rule->infer(node, err, len)) {
        for (size_t i = 0; i < node->nin; i++) /* an input whose producer has no rule: name it */
            if (node->in[i] && node->in[i]->rank < 0 && node->in[i]->producer >= 0) {
                const nnb_onnx_node *p = &g->nodes[node->in[i]->producer];
                return nnb_errf(err, len, "node '%s' (%s) needs the shape of '%s', the output of node '%s' (%s), which "
                                "nnbench has no shape rule for", node->label, node->op_type, node->in[i]->name, p->label,
                                p->op_type);
            }
        return -1;
    }
    /* folded: every output a known value, or computed from weights alone
     * (an Identity or Cast over an initializer): no work at run time */
    bool folded = rule != NULL && node->nout > 0, on_weights = node->nin > 0;
    for (size_t i = 0; i < node->nout; i++) folded = folded && (!node->out[i] || node->out[i]->nval >= 0);
    for (size_t i = 0; i < node->nin; i++) on_weights = on_weights && (!node->in[i] || node->in[i]->is_init);
    for (size_t i = 0; on_weights && rule && i < node->nout; i++)
        if (node->out[i]) node->out[i]->is_init = true;
    folded = folded || (rule && on_weights);
    row_shapes(node, r);
    if (folded) {
        r->kind = NNB_ONNX_ROW_FOLDED;
        return 0;
    }
    if (!rule) {
        snprintf(r->why, sizeof r->why, g->domain[n] ? "domain '%s' is not ONNX's default" : "nnbench has no rule for %s",
                 g->domain[n] ? g->domain[n] : node->op_type);
        r->kind = NNB_ONNX_ROW_NOT_MODELLED;
        return 0;
    }
    return classify(rule, node, r, m, err, len);
}

int nnb_onnx_graph_walk(onnx_graph *g, nnb_onnx_model *m, char *err, size_t len)
{
    size_t *order = calloc(g->nnodes + 1, sizeof *order);
    m->rows = calloc(g->nnodes + 1, sizeof *m->rows);
    if (!order || !m->rows) {
        free(order);
        return nnb_errf(err, len, "out of memory");
    }
    /* ONNX asks for nodes in topological order: kept when they are (the
     * exporter's order is the forward's); sorted otherwise */
    bool sorted = true;
    for (size_t n = 0; n < g->nnodes && sorted; n++)
        for (size_t i = 0; i < g->nodes[n].nin; i++)
            if (g->nodes[n].in[i] && g->nodes[n].in[i]->producer >= (int)n) sorted = false;
    for (size_t n = 0; sorted && n < g->nnodes; n++) order[n] = n;
    int rc = sorted ? 0 : topo_order(g, order, err, len);
    for (size_t k = 0; !rc && k < g->nnodes; k++) {
        nnb_onnx_row *r = &m->rows[m->nrows++];
        rc = walk_node(g, order[k], r, m, err, len);
        if (rc || r->kind == NNB_ONNX_ROW_FOLDED) continue;
        m->out_elems += r->out_elems;
        if (r->kind == NNB_ONNX_ROW_NOT_MODELLED) m->unmodelled++, m->unmodelled_elems += r->out_elems;
    }
    free(order);
    return rc;
}
