/* torchstat 0.0.7 stat(model, input_size): one row per leaf module (each
 * once, the values of its last call; torchstat lists them in definition
 * order, nnbench in first-call order), batch 1 always. Its rules, by the
 * module's class as torchstat dispatches (compute_madd.py,
 * compute_flops.py, compute_memory.py); a class it does not support counts
 * 0 (it prints "not supported"):
 *   MAdd   conv (2 kh kw C/g - 1 + bias) per output element, per image;
 *          BN 4 per input element; max pool (kh kw - 1), avg pool kh kw per
 *          output; ReLU/ReLU6 1 per input; Linear out x (2 in - 1)
 *   Flops  conv kh kw C (C, not C/g) K/g per output pixel + bias; BN 2 per
 *          input element (affine); pooling 1 per input; ReLU 1 per input;
 *          Linear n in out
 *   Memory read, write (x4 bytes): conv, Linear input + params, output; BN
 *          input + 2C, input; pooling and ReLU input, output
 *   memory(MB): output elements x 4 / 1024**2
 * reporter.py's totals: the sums, except the total row's MemRead(B) and
 * MemWrite(B), which are the last row's. The duration columns (a time
 * torchstat measures) are not printed: nnbench models, it did not time. */
#include <stdlib.h>
#include <string.h>

#include "report/summary.h"
#include "util/util.h"

typedef struct {
    int64_t in[4], out[4];
    int in_rank, out_rank;
    const nnb_layer *l;
    int64_t params;
} leaf;

typedef struct {
    int64_t madd, flops, mread, mwrite; /* elements; memory rows x4 below */
} stat_counts;

static int64_t per_image(const int64_t *d, int rank)
{
    int64_t e = 1;
    for (int i = 1; i < rank; i++) e *= d[i];
    return e;
}

static void conv(const leaf *x, stat_counts *s)
{
    const nnb_layer *l = x->l;
    int64_t kmul = l->kh * l->kw * (x->in[1] / l->groups), outs = per_image(x->out, 4);
    s->madd = (2 * kmul - 1 + (l->bias ? 1 : 0)) * outs;
    int64_t pixels = x->out[0] * x->out[2] * x->out[3];
    s->flops = l->kh * l->kw * x->in[1] * (x->out[1] / l->groups) * pixels + (l->bias ? x->out[1] * pixels : 0);
    s->mread = x->in[0] * (per_image(x->in, 4) + x->params);
    s->mwrite = x->out[0] * outs;
}

static void bn(const leaf *x, stat_counts *s)
{
    int64_t in = per_image(x->in, 4);
    s->madd = 4 * in;
    s->flops = 2 * x->in[0] * in;
    s->mread = x->in[0] * (in + 2 * x->in[1]);
    s->mwrite = x->in[0] * in;
}

static void pool(const leaf *x, stat_counts *s, int64_t per_out)
{
    s->madd = per_out * per_image(x->out, 4);
    s->flops = x->in[0] * per_image(x->in, 4);
    s->mread = x->in[0] * per_image(x->in, 4);
    s->mwrite = x->in[0] * per_image(x->out, 4);
}

static void maxpool(const leaf *x, stat_counts *s) { pool(x, s, x->l->kh * x->l->kw - 1); }
static void avgpool(const leaf *x, stat_counts *s) { pool(x, s, x->l->kh * x->l->kw); }

static void relu(const leaf *x, stat_counts *s)
{
    int64_t in = per_image(x->in, x->in_rank);
    s->madd = in;
    s->flops = x->in[0] * in;
    s->mread = s->mwrite = x->in[0] * in;
}

static void linear(const leaf *x, stat_counts *s)
{
    s->madd = x->out[1] * (2 * x->in[1] - 1);
    s->flops = x->in[0] * x->in[1] * x->out[1];
    s->mread = x->in[0] * (x->in[1] + x->params);
    s->mwrite = x->out[0] * x->out[1];
}

static const struct {
    const char *cls;
    void (*count)(const leaf *x, stat_counts *s);
} rules[] = {
    {"Conv2d", conv}, {"BatchNorm2d", bn}, {"MaxPool2d", maxpool}, {"AvgPool2d", avgpool},
    {"ReLU", relu},   {"ReLU6", relu},     {"Linear", linear},
};

static void count(const leaf *x, const char *cls, stat_counts *s)
{
    memset(s, 0, sizeof *s);
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        if (!strcmp(rules[i].cls, cls)) rules[i].count(x, s);
    s->mread *= 4; /* itemsize of the float input */
    s->mwrite *= 4;
}

/* ' '.join('{:>3d}') over the shape without the batch */
static const char *shape_str(const int64_t *d, int rank, char *buf, size_t len)
{
    size_t o = 0;
    buf[0] = 0;
    for (int i = 1; i < rank && o < len; i++) o += (size_t)snprintf(buf + o, len - o, "%s%3lld", i > 1 ? " " : "", (long long)d[i]);
    return buf;
}

/* round_value(): the largest of K, M, G, T (1000 or 1024) the value
 * reaches, rounded to 2 decimals as Python's str(round(x, 2)) prints */
static const char *round_value(double v, bool binary, char *buf, size_t len)
{
    double d = binary ? 1024.0 : 1000.0;
    const char *units = "TGMK";
    for (int p = 4; p >= 1; p--) {
        double div = 1;
        for (int i = 0; i < p; i++) div *= d;
        if (v >= div) {
            snprintf(buf, len, "%.2f", v / div);
            size_t n = strlen(buf);
            if (buf[n - 1] == '0') buf[--n] = 0; /* str(): "4.5", "4.0" */
            snprintf(buf + n, len - n, "%c", units[4 - p]);
            return buf;
        }
    }
    snprintf(buf, len, "%.0f", v);
    return buf;
}

static bool seen_later(const nnb_torch_view *v, size_t r)
{
    for (size_t k = r + 1; k < v->nrows; k++)
        if (!v->rows[k].container && !strcmp(v->rows[k].path, v->rows[r].path)) return true;
    return false;
}

/* thop's profile() total over the same layers (its rules: src/ops .tools),
 * the figure the seeds quote beside torchstat's */
static void thop_beside(FILE *f, const nnb_torch_view *v)
{
    size_t n;
    const nnb_convention *cv = nnb_conventions(&n);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(cv[i].name, "thop")) continue;
        double sum = 0;
        for (size_t k = 0; k < v->nlayers; k++) {
            double x = cv[i].flops(&v->layers[k].layer, &v->an[k]);
            if (x > 0) sum += x;
        }
        char s[32];
        fprintf(f, "(beside, not torchstat's: %s profile() counts %s)\n", cv[i].models,
                nnb_py_commas((int64_t)sum, s, sizeof s));
    }
}

enum { NCOL = 11 }; /* the index, then torchstat's columns but duration[%] */
typedef char cells[NCOL][40];

/* the cells of one leaf row; adds it to the totals t[] (params, memory
 * in MB, MAdd, Flops, MemRead, MemWrite, MemR+W) */
static void leaf_cells(const nnb_torch_view *v, const nnb_torch_row *r, size_t index, cells c, double t[7])
{
    leaf x = {.l = &v->layers[r->out].layer, .params = r->params};
    x.in_rank = nnb_torch_in_shape(v, r->in, x.in);
    x.out_rank = nnb_torch_out_shape(v, r->out, x.out);
    stat_counts s;
    count(&x, r->cls, &s);
    double mem_mb = (double)(float)((double)per_image(x.out, x.out_rank) * 4.0 / (1024.0 * 1024.0));
    double row[7] = {(double)r->params, mem_mb, (double)s.madd, (double)s.flops, (double)s.mread, (double)s.mwrite,
                     (double)(s.mread + s.mwrite)};
    for (int i = 0; i < 7; i++) t[i] += row[i];
    snprintf(c[0], sizeof c[0], "%zu", index);
    snprintf(c[1], sizeof c[1], "%s", r->path);
    shape_str(x.in, x.in_rank, c[2], sizeof c[2]);
    shape_str(x.out, x.out_rank, c[3], sizeof c[3]);
    snprintf(c[4], sizeof c[4], "%lld", (long long)r->params);
    snprintf(c[5], sizeof c[5], "%.2f", mem_mb);
    nnb_py_commas(s.madd, c[6], sizeof c[6]);
    nnb_py_commas(s.flops, c[7], sizeof c[7]);
    snprintf(c[8], sizeof c[8], "%lld", (long long)s.mread);
    snprintf(c[9], sizeof c[9], "%lld", (long long)s.mwrite);
    snprintf(c[10], sizeof c[10], "%lld", (long long)(s.mread + s.mwrite));
}

/* the table, then a rule of "=" as wide; returns that width */
static int print_table(FILE *f, cells *rows, size_t n)
{
    static const char *head[NCOL] = {"",   "module name", "input shape", "output shape", "params",  "memory(MB)",
                                     "MAdd", "Flops",       "MemRead(B)",  "MemWrite(B)",  "MemR+W(B)"};
    int w[NCOL];
    for (int c = 0; c < NCOL; c++) {
        w[c] = (int)strlen(head[c]);
        for (size_t r = 0; r < n; r++)
            if ((int)strlen(rows[r][c]) > w[c]) w[c] = (int)strlen(rows[r][c]);
    }
    int line = 0;
    for (int c = 0; c < NCOL; c++) line += fprintf(f, c == 0 ? "%-*s" : "  %*s", w[c], head[c]);
    fputc('\n', f);
    for (size_t r = 0; r < n; r++) {
        for (int c = 0; c < NCOL; c++) fprintf(f, c == 0 ? "%-*s" : "  %*s", w[c], rows[r][c]);
        fputc('\n', f);
    }
    char rule[512];
    int len = line < (int)sizeof rule - 1 ? line : (int)sizeof rule - 1;
    memset(rule, '=', (size_t)len);
    rule[len] = 0;
    fprintf(f, "%s\n", rule);
    return len;
}

int nnb_summary_torchstat(FILE *f, const nnb_torch_view *v, bool batch_given, char *err, size_t len)
{
    if (batch_given && v->mb != 1)
        return nnb_errf(err, len, "--summary torchstat: torchstat runs one image (batch 1); drop --mb");
    cells *rows = calloc(v->nrows + 1, sizeof *rows);
    if (!rows) return nnb_errf(err, len, "out of memory");
    double t[7] = {0};
    size_t n = 0;
    for (size_t k = 0; k < v->nrows; k++)
        if (!v->rows[k].container && !seen_later(v, k)) leaf_cells(v, &v->rows[k], n, rows[n], t), n++;
    cells *total = &rows[n];
    snprintf((*total)[0], sizeof (*total)[0], "total");
    snprintf((*total)[4], sizeof (*total)[4], "%.0f", t[0]);
    snprintf((*total)[5], sizeof (*total)[5], "%.2f", t[1]);
    nnb_py_commas((int64_t)t[2], (*total)[6], sizeof (*total)[6]);
    nnb_py_commas((int64_t)t[3], (*total)[7], sizeof (*total)[7]);
    if (n) { /* reporter.py puts the last row's MemRead and MemWrite here */
        memcpy((*total)[8], rows[n - 1][8], sizeof (*total)[8]);
        memcpy((*total)[9], rows[n - 1][9], sizeof (*total)[9]);
    }
    snprintf((*total)[10], sizeof (*total)[10], "%.0f", t[6]);
    int width = print_table(f, rows, n + 1);
    free(rows);
    char p[32], a[32], b[32], c[32];
    fprintf(f, "Total params: %s\n", nnb_py_commas((int64_t)t[0], p, sizeof p));
    for (int i = 0; i < width; i++) fputc('-', f);
    fputc('\n', f);
    fprintf(f, "Total memory: %.2fMB\nTotal MAdd: %sMAdd\nTotal Flops: %sFlops\nTotal MemR+W: %sB\n", t[1],
            round_value(t[2], false, a, sizeof a), round_value(t[3], false, b, sizeof b),
            round_value(t[6], true, c, sizeof c));
    thop_beside(f, v);
    return 0;
}
