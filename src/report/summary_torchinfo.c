/* torchinfo 1.8.0 summary(model, input_size) with its defaults (columns
 * output_size and num_params, col_width 25, depth 3, row setting "depth";
 * torchinfo.py, formatting.py, layer_info.py, model_statistics.py): one row
 * per module call in pre-order (a container before its children), rows
 * deeper than 3 hidden but counted in the depth indices and the name
 * column's width; "Class: depth-index". Param #: a leaf's own ("--" for
 * none, "(recursive)" for a reused module with some), a container's at
 * depth 3, else what its children do not hold ("--"). Totals: parameters
 * of the leaf modules (each once); mult-adds of every leaf call: conv
 * (weight + bias) x n x oh x ow, other modules with parameters n x params;
 * sizes in MB of 1e6 bytes: the input, twice the outputs of the leaf calls
 * with parameters, the parameters. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/summary.h"
#include "util/util.h"

enum { COL_WIDTH = 25, MAX_DEPTH = 3, ALIGN = 5, MIN_NAME_WIDTH = 40 };

/* "Conv2d: 2-1" (the model: its class alone) */
static void title(const nnb_torch_row *r, int64_t idx, char *buf, size_t len)
{
    if (r->depth == 0) snprintf(buf, len, "%s", r->cls);
    else snprintf(buf, len, "%s: %d-%lld", r->cls, r->depth, (long long)idx);
}

/* the tree drawn before a title, and its width in characters */
static int start_str(int depth, char *buf, size_t len)
{
    size_t o = 0;
    buf[0] = 0;
    if (depth == 0) return 0;
    for (int d = 1; d < depth && o < len; d++) o += (size_t)snprintf(buf + o, len - o, "\u2502    ");
    if (o < len) snprintf(buf + o, len - o, "%s", depth == 1 ? "\u251c\u2500" : "\u2514\u2500");
    return depth == 1 ? 2 : 5 * (depth - 1) + 2;
}

static void row_out(FILE *f, int width, const char *start, int start_w, const char *name, const char *c1,
                    const char *c2)
{
    char line[512];
    int pad = width - start_w - (int)strlen(name);
    int o = snprintf(line, sizeof line, "%s%s%*s %-*s %-*s", start, name, pad > 0 ? pad : 0, "",
                     COL_WIDTH, c1, COL_WIDTH, c2);
    if (o >= (int)sizeof line) o = (int)sizeof line - 1;
    while (o > 0 && line[o - 1] == ' ') line[--o] = 0;
    fprintf(f, "%s\n", line);
}

static void param_cell(const nnb_torch_row *r, char *buf, size_t len)
{
    char n[32];
    if (r->params == 0) snprintf(buf, len, "--");
    else if (r->recursive) snprintf(buf, len, "(recursive)");
    else if (!r->container || r->depth == MAX_DEPTH) snprintf(buf, len, "%s", nnb_py_commas(r->params, n, sizeof n));
    else snprintf(buf, len, "--"); /* its parameters are all its children's */
}

/* format_output_num(num, Units.AUTO): M below 1e9, G below 1e12, else T;
 * an integral value prints without decimals */
static void mult_adds(FILE *f, int64_t macs)
{
    double x = (double)macs;
    const char *unit = x >= 1e12 ? "T" : x >= 1e9 ? "G" : "M";
    double v = x / (x >= 1e12 ? 1e12 : x >= 1e9 ? 1e9 : 1e6);
    char t[48], n[64];
    snprintf(t, sizeof t, "%.2f", v);
    nnb_py_commas(strtoll(t, NULL, 10), n, sizeof n - 8);
    if (v != floor(v)) strcat(n, strchr(t, '.')); /* "{:,.2f}"; an integral value: "{:,d}" */
    fprintf(f, "Total mult-adds (%s): %s\n", unit, n);
}

static void totals(FILE *f, const nnb_torch_view *v, const char *divider)
{
    int64_t params = 0, macs = 0, out_bytes = 0;
    for (size_t k = 0; k < v->nrows; k++) {
        const nnb_torch_row *r = &v->rows[k];
        if (r->container) continue;
        int64_t dim[4], out = 1;
        int rank = nnb_torch_out_shape(v, r->out, dim);
        for (int i = 0; i < rank; i++) out *= dim[i];
        if (r->params > 0) out_bytes += 2 * 4 * out; /* x2 for gradients */
        /* conv: per weight, n x oh x ow (C ignored); others: n per weight */
        macs += r->params * (rank == 4 && strstr(r->cls, "Conv") ? dim[0] * dim[2] * dim[3] : dim[0]);
        if (!r->recursive) params += r->params;
    }
    const nnb_layer *l0 = &v->layers[0].layer;
    int64_t in_bytes = 4 * l0->n * l0->c * l0->h * l0->w, param_bytes = 4 * params;
    char a[32];
    fprintf(f, "%s\nTotal params: %s\n", divider, nnb_py_commas(params, a, sizeof a));
    fprintf(f, "Trainable params: %s\nNon-trainable params: 0\n", a);
    mult_adds(f, macs);
    fprintf(f, "%s\nInput size (MB): %0.2f\nForward/backward pass size (MB): %0.2f\nParams size (MB): %0.2f\n"
               "Estimated Total Size (MB): %0.2f\n%s\n",
            divider, (double)in_bytes / 1e6, (double)out_bytes / 1e6, (double)param_bytes / 1e6,
            (double)(in_bytes + out_bytes + param_bytes) / 1e6, divider);
}

int nnb_summary_torchinfo(FILE *f, const nnb_torch_view *v, bool batch_given, char *err, size_t len)
{
    (void)batch_given;
    int64_t idx[64] = {0}, *row_idx = calloc(v->nrows, sizeof *row_idx);
    if (!row_idx) return nnb_errf(err, len, "out of memory");
    int width = 0;
    for (size_t k = 0; k < v->nrows; k++) { /* set_children_layers, set_layer_name_width */
        const nnb_torch_row *r = &v->rows[k];
        row_idx[k] = r->depth < 64 ? ++idx[r->depth] : 0;
        char t[128];
        title(r, row_idx[k], t, sizeof t);
        int w = (int)strlen(t) + r->depth * ALIGN + 1;
        if (w > width) width = w;
    }
    width = width >= MIN_NAME_WIDTH ? (width + ALIGN - 1) / ALIGN * ALIGN : MIN_NAME_WIDTH;
    char divider[256];
    int total = 2 * COL_WIDTH + width;
    memset(divider, '=', (size_t)total);
    divider[total] = 0;
    fprintf(f, "%s\n", divider);
    row_out(f, width, "", 0, "Layer (type:depth-idx)", "Output Shape", "Param #");
    fprintf(f, "%s\n", divider);
    for (size_t k = 0; k < v->nrows; k++) {
        const nnb_torch_row *r = &v->rows[k];
        if (r->depth > MAX_DEPTH) continue;
        char start[64], t[128], shape[80], p[32];
        int sw = start_str(r->depth, start, sizeof start);
        int64_t dim[4];
        int rank = nnb_torch_out_shape(v, r->out, dim);
        title(r, row_idx[k], t, sizeof t);
        param_cell(r, p, sizeof p);
        row_out(f, width, start, sw, t, nnb_torch_shape_str(dim, rank, dim[0], shape, sizeof shape), p);
    }
    free(row_idx);
    totals(f, v, divider);
    return 0;
}
