/* The ONNX reader's entry points (onnx.h): the file read whole, parsed by
 * protobuf-c (weights' bytes come along: the copy is dropped with the
 * parse once the shapes are taken), the graph read and walked. */
#include "net/onnx/graph.h"

#include <errno.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include "util/appendf.h"
#include "util/util.h"

bool nnb_onnx_is_path(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    return n > 5 && strcmp(name + n - 5, ".onnx") == 0;
}

static void describe(const onnx_graph *g, nnb_onnx_model *m)
{
    size_t o = 0;
    const Onnx__ModelProto *pb = g->pb;
    nnb_appendf(m->desc, sizeof m->desc, &o, "ONNX opset %lld", (long long)g->opset);
    if (pb->producer_name && pb->producer_name[0])
        nnb_appendf(m->desc, sizeof m->desc, &o, " (%.40s%s%.20s)", pb->producer_name,
                    pb->producer_version && pb->producer_version[0] ? " " : "",
                    pb->producer_version ? pb->producer_version : "");
    for (size_t i = 0, k = 0; i < g->nvalues; i++) {
        const nnb_onnx_value *v = &g->values[i];
        if (v->is_init || v->producer >= 0) continue;
        char s[96];
        nnb_appendf(m->desc, sizeof m->desc, &o, "%s %.40s %s", k++ ? "," : ", input", v->name,
                    nnb_onnx_shape_str(v, s, sizeof s));
    }
}

/* names come from the file: a control character in one (a newline) would
 * break the one-line error and the table's rows */
static void printable(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f) *s = '?';
}

int nnb_onnx_load_buffer(const uint8_t *buf, size_t n, const nnb_onnx_options *o, nnb_onnx_model *m, char *err,
                         size_t len)
{
    memset(m, 0, sizeof *m);
    onnx_graph g;
    memset(&g, 0, sizeof g);
    g.pb = onnx__model_proto__unpack(NULL, n, buf);
    if (!g.pb)
        return nnb_errf(err, len, "not an ONNX model, or a truncated or malformed one (protobuf-c cannot parse it as "
                        "onnx.ModelProto)");
    int rc = nnb_onnx_graph_read(&g, o, err, len);
    if (!rc) rc = nnb_onnx_graph_walk(&g, m, err, len);
    if (!rc) describe(&g, m);
    if (!rc && m->layers.n == 0) rc = nnb_errf(err, len, "the graph has no node nnbench models (%zu nodes)", m->nrows);
    nnb_onnx_graph_free(&g);
    if (rc) nnb_onnx_model_free(m);
    if (rc && len) printable(err);
    for (size_t i = 0; !rc && i < m->nrows; i++) {
        printable(m->rows[i].module);
        printable(m->rows[i].op_type);
        printable(m->rows[i].why);
    }
    for (size_t i = 0; !rc && i < m->layers.n; i++) {
        printable(m->layers.v[i].module);
        printable(m->layers.v[i].layer.name);
    }
    return rc ? -1 : 0;
}

int nnb_onnx_load(const char *path, const nnb_onnx_options *o, nnb_onnx_model *m, char *err, size_t len)
{
    memset(m, 0, sizeof *m);
    struct stat st;
    if (stat(path, &st)) return nnb_errf(err, len, "%s: cannot open: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode)) return nnb_errf(err, len, "%s: not a regular file", path);
    FILE *f = fopen(path, "rb");
    if (!f) return nnb_errf(err, len, "%s: cannot open: %s", path, strerror(errno));
    long size = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    if (size <= 0 || size > (1L << 31) || fseek(f, 0, SEEK_SET)) {
        fclose(f);
        return nnb_errf(err, len, "%s: %s", path, size == 0 ? "empty file: not an ONNX model" : "not a regular file under 2 GiB (protobuf's limit)");
    }
    uint8_t *buf = malloc((size_t)size);
    size_t got = buf ? fread(buf, 1, (size_t)size, f) : 0;
    fclose(f);
    if (got != (size_t)size) {
        free(buf);
        return nnb_errf(err, len, "%s: cannot read %ld bytes", path, size);
    }
    char inner[900];
    int rc = nnb_onnx_load_buffer(buf, (size_t)size, o, m, inner, sizeof inner);
    free(buf);
    if (rc) nnb_errf(err, len, "%s: %s", path, inner);
    return rc;
}

void nnb_onnx_model_free(nnb_onnx_model *m)
{
    nnb_net_list_free(&m->layers);
    free(m->rows);
    memset(m, 0, sizeof *m);
}

void nnb_onnx_print_rows(FILE *f, const nnb_onnx_model *m)
{
    static const char *const kind[] = {"layer", "folded", "not_modelled"};
    for (size_t i = 0; i < m->nrows; i++) {
        const nnb_onnx_row *r = &m->rows[i];
        fprintf(f, "%s\t%s\t%s\t%s\t%s\n", r->module, r->op_type, kind[r->kind], r->shapes,
                r->kind == NNB_ONNX_ROW_LAYER ? m->layers.v[r->layer].layer.name : r->why);
    }
}

int nnb_onnx_input_parse(const char *s, nnb_onnx_input_dims *d, char *err, size_t len)
{
    const char *eq = strrchr(s, '=');
    memset(d, 0, sizeof *d);
    if (!eq || eq == s || !eq[1])
        return nnb_errf(err, len, "--input needs NAME=DIMS (e.g. input=1x3x224x224), got '%.80s'", s);
    d->name = s; /* the caller's string: terminated at '=' below would change argv; compared by length instead */
    for (const char *p = eq + 1; *p;) {
        char *end;
        errno = 0;
        long long v = strtoll(p, &end, 10);
        if (end == p || errno || v <= 0 || v > (1LL << 40) || (*end && *end != 'x') || d->rank == 8)
            return nnb_errf(err, len, "--input %.80s: dimensions must be positive integers joined by 'x' (at most 8)", s);
        d->dim[d->rank++] = v;
        p = *end ? end + 1 : end;
        if (*end && !*p) return nnb_errf(err, len, "--input %.80s: a dimension is missing after 'x'", s);
    }
    d->name_len = (size_t)(eq - s);
    return 0;
}
