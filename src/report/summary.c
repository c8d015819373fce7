/* The module tree a PyTorch tool walks, rebuilt from a network's layers
 * (summary.h), and the table of the tools. */
#include "report/summary.h"
#include "net/onnx/onnx.h"

#include <stdlib.h>
#include <string.h>

#include "net/torch_tree.h"
#include "ops/op.h"
#include "util/util.h"

static const nnb_summary_tool tools[] = {
    {"torchsummary", "torchsummary 1.5.1", nnb_summary_torchsummary},
    {"torchinfo", "torchinfo 1.8.0", nnb_summary_torchinfo},
    {"torchstat", "torchstat 0.0.7", nnb_summary_torchstat},
};

const nnb_summary_tool *nnb_summary_tools(size_t *count)
{
    *count = sizeof tools / sizeof tools[0];
    return tools;
}

const nnb_summary_tool *nnb_summary_tool_find(const char *name)
{
    for (size_t i = 0; i < sizeof tools / sizeof tools[0]; i++)
        if (!strcmp(tools[i].name, name)) return &tools[i];
    return NULL;
}

const char *nnb_py_commas(int64_t v, char *buf, size_t len)
{
    char digits[32];
    int n = snprintf(digits, sizeof digits, "%lld", (long long)(v < 0 ? -v : v));
    size_t o = 0;
    if (v < 0 && o + 1 < len) buf[o++] = '-';
    for (int i = 0; i < n && o + 1 < len; i++) {
        buf[o++] = digits[i];
        if ((n - i - 1) % 3 == 0 && i < n - 1 && o + 1 < len) buf[o++] = ',';
    }
    buf[o] = 0;
    return buf;
}

const char *nnb_torch_shape_str(const int64_t *dim, int rank, int64_t batch, char *buf, size_t len)
{
    size_t o = 0;
    o += (size_t)snprintf(buf, len, "[%lld", (long long)batch);
    for (int i = 1; i < rank && o < len; i++) o += (size_t)snprintf(buf + o, len - o, ", %lld", (long long)dim[i]);
    if (o < len) snprintf(buf + o, len - o, "]");
    return buf;
}

/* a 4-d n x c x h x w as PyTorch holds it: n x (c*h*w) where rank is 2 */
static int as_rank(const nnb_shape *s, int rank, int64_t dim[4])
{
    dim[0] = s->dim[0];
    if (rank == 2) {
        dim[1] = 1;
        for (int i = 1; i < s->ndim; i++) dim[1] *= s->dim[i];
        return 2;
    }
    for (int i = 1; i < 4; i++) dim[i] = i < s->ndim ? s->dim[i] : 1;
    return 4;
}

int nnb_torch_out_shape(const nnb_torch_view *v, size_t i, int64_t dim[4])
{
    nnb_op_shapes s;
    nnb_op_get(v->layers[i].layer.op)->shapes(&v->layers[i].layer, &s);
    return as_rank(&s.dst, v->rank[i], dim);
}

int nnb_torch_in_shape(const nnb_torch_view *v, size_t i, int64_t dim[4])
{
    nnb_op_shapes s;
    nnb_op_get(v->layers[i].layer.op)->shapes(&v->layers[i].layer, &s);
    return as_rank(&s.src, i ? v->rank[i - 1] : 4, dim);
}

/* PyTorch's rank of each layer's output: 2 from a flatten or a linear
 * layer on, through the element-wise layers that follow (relu, dropout:
 * nnbench holds them as n x c x 1 x 1) */
static void ranks(nnb_torch_view *v)
{
    for (size_t i = 0; i < v->nlayers; i++) {
        nnb_op_shapes s;
        nnb_op_get(v->layers[i].layer.op)->shapes(&v->layers[i].layer, &s);
        bool flat_in = i > 0 && v->rank[i - 1] == 2 && s.dst.ndim == 4 && s.dst.dim[2] == 1 && s.dst.dim[3] == 1;
        v->rank[i] = s.dst.ndim == 2 || flat_in ? 2 : 4;
    }
}

typedef struct {
    nnb_torch_view *v;
    const char *net;
    size_t stack[16]; /* open containers (rows) */
    int depth;        /* stack[0..depth] */
    size_t last;      /* the last layer seen */
    size_t cap;
    char *err;
    size_t len;
} walker;

static int add_row(walker *w, const char *path, size_t plen, nnb_torch_row row)
{
    nnb_torch_view *v = w->v;
    if (v->nrows == w->cap || plen >= sizeof v->paths[0]) return nnb_errf(w->err, w->len, "summary: module tree too large");
    memcpy(v->paths[v->nrows], path, plen);
    v->paths[v->nrows][plen] = 0;
    v->rows[v->nrows++] = row;
    return 0;
}

/* closes the innermost open container: its output is the last layer's */
static void close_top(walker *w)
{
    size_t r = w->stack[w->depth--];
    w->v->rows[r].out = w->last;
    w->v->rows[r].params = 0;
    for (size_t k = r + 1; k < w->v->nrows; k++)
        if (w->v->rows[k].depth <= w->v->rows[r].depth) break;
        else if (!w->v->rows[k].container && !w->v->rows[k].recursive) w->v->rows[r].params += w->v->rows[k].params;
}

/* Opens the containers of scope (the name before a layer's last dot) that
 * are not open, closing those it leaves. */
static int enter_scope(walker *w, const char *scope, size_t slen, size_t layer, size_t *postn)
{
    nnb_torch_view *v = w->v;
    for (;;) { /* close what is not a prefix of scope */
        const char *p = v->paths[w->stack[w->depth]];
        size_t pl = strlen(p);
        if (w->depth == 0 || (pl <= slen && !strncmp(p, scope, pl) && (pl == slen || scope[pl] == '.'))) break;
        v->post[(*postn)++] = w->stack[w->depth];
        close_top(w);
    }
    size_t from = strlen(v->paths[w->stack[w->depth]]);
    while (from < slen) {
        if (w->depth > 0 || from > 0) from++; /* the dot */
        size_t end = from + strcspn(scope + from, ".");
        char name[96];
        snprintf(name, sizeof name, "%.*s", (int)end, scope);
        nnb_torch_class cls;
        if (!nnb_torch_container(w->net, name, &cls))
            return nnb_errf(w->err, w->len, "summary: %s: no PyTorch class known for module '%s'", w->net, name);
        if ((size_t)w->depth + 1 >= sizeof w->stack / sizeof w->stack[0])
            return nnb_errf(w->err, w->len, "summary: module tree too deep");
        nnb_torch_row row = {.container = true, .sequential = cls.sequential, .depth = w->depth + 1, .cls = cls.name,
                             .in = layer};
        if (add_row(w, name, end, row)) return -1;
        w->stack[++w->depth] = v->nrows - 1;
        from = end;
    }
    return 0;
}

static int walk(walker *w)
{
    nnb_torch_view *v = w->v;
    nnb_torch_class root;
    /* an ONNX graph: its nodes are the model's direct children (node names
     * hold '/' and '.', not a module path); an op PyTorch has no module
     * for (add, concat, flatten) is a function, as "...()" is */
    bool flat = nnb_onnx_is_path(w->net);
    if (flat) root = (nnb_torch_class){.name = "ONNXGraph"};
    else if (!nnb_torch_container(w->net, "", &root))
        return nnb_errf(w->err, w->len, "--summary: %s is not a PyTorch model (the torchvision networks and "
                                        "alexnet-seed are)", w->net);
    size_t postn = 0;
    if (add_row(w, "", 0, (nnb_torch_row){.container = true, .cls = root.name})) return -1;
    w->stack[0] = 0;
    for (size_t i = 0; i < v->nlayers; i++) {
        const char *m = v->layers[i].module;
        const char *dot = strrchr(m, '.');
        size_t slen = dot ? (size_t)(dot - m) : 0, mlen = strlen(m);
        if (!flat && enter_scope(w, m, slen, i, &postn)) return -1;
        w->last = i;
        if (mlen >= 2 && !strcmp(m + mlen - 2, "()")) continue; /* a function: no module, no hook */
        const char *cls = nnb_op_get(v->layers[i].layer.op)->torch_class;
        if (flat && !cls) continue;
        if (!cls) return nnb_errf(w->err, w->len, "summary: %s: no PyTorch module for this layer", m);
        bool again = false;
        for (size_t r = 0; r < v->nrows && !again; r++) again = !v->rows[r].container && !strcmp(v->paths[r], m);
        nnb_torch_row row = {.recursive = again, .depth = w->depth + 1, .cls = cls, .out = i, .in = i,
                             .params = v->an[i].params};
        if (add_row(w, m, mlen, row)) return -1;
        v->post[postn++] = v->nrows - 1;
    }
    while (w->depth >= 0) {
        v->post[postn++] = w->stack[w->depth];
        close_top(w);
    }
    for (size_t r = 0; r < v->nrows; r++) v->rows[r].path = v->paths[r];
    return 0;
}

int nnb_torch_view_build(nnb_torch_view *v, const char *net, const nnb_net_list *list, int64_t mb, char *err,
                         size_t len)
{
    memset(v, 0, sizeof *v);
    v->layers = list->v;
    v->nlayers = list->n;
    v->mb = mb;
    size_t cap = 8 * list->n + 1;
    v->an = calloc(list->n + 1, sizeof *v->an);
    v->rank = calloc(list->n + 1, sizeof *v->rank);
    v->rows = calloc(cap, sizeof *v->rows);
    v->post = calloc(cap, sizeof *v->post);
    v->paths = calloc(cap, sizeof *v->paths);
    if (!v->an || !v->rank || !v->rows || !v->post || !v->paths) {
        nnb_torch_view_free(v);
        return nnb_errf(err, len, "out of memory");
    }
    for (size_t i = 0; i < list->n; i++)
        if (nnb_model_analyze(&list->v[i].layer, &v->an[i], err, len)) {
            nnb_torch_view_free(v);
            return -1;
        }
    ranks(v);
    walker w = {.v = v, .net = net, .cap = cap, .err = err, .len = len};
    if (walk(&w)) {
        nnb_torch_view_free(v);
        return -1;
    }
    return 0;
}

void nnb_torch_view_free(nnb_torch_view *v)
{
    free(v->an);
    free(v->rank);
    free(v->rows);
    free(v->post);
    free(v->paths);
    memset(v, 0, sizeof *v);
}
