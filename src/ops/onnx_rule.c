/* The helpers every ONNX rule uses (onnx_rule.h): attributes, inputs,
 * checked output shapes, axes, broadcasting. */
#include "ops/onnx_rule.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/appendf.h"
#include "util/checked.h"
#include "util/util.h"

int nnb_onnx_fail(const nnb_onnx_node *n, char *err, size_t len, const char *fmt, ...)
{
    char what[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return nnb_errf(err, len, "node '%s' (%s): %s", n->label, n->op_type, what);
}

const nnb_onnx_attr *nnb_onnx_attr_get(const nnb_onnx_node *n, const char *name)
{
    for (size_t i = 0; i < n->nattr; i++)
        if (n->attr[i].name && strcmp(n->attr[i].name, name) == 0) return &n->attr[i];
    return NULL;
}

int64_t nnb_onnx_attr_int(const nnb_onnx_node *n, const char *name, int64_t def)
{
    const nnb_onnx_attr *a = nnb_onnx_attr_get(n, name);
    return a && a->type == NNB_ONNX_ATTR_INT ? a->i : def;
}

double nnb_onnx_attr_float(const nnb_onnx_node *n, const char *name, double def)
{
    const nnb_onnx_attr *a = nnb_onnx_attr_get(n, name);
    return a && a->type == NNB_ONNX_ATTR_FLOAT ? a->f : def;
}

bool nnb_onnx_attr_is(const nnb_onnx_node *n, const char *name, const char *s)
{
    const nnb_onnx_attr *a = nnb_onnx_attr_get(n, name);
    return a && a->type == NNB_ONNX_ATTR_STRING && a->slen == strlen(s) && memcmp(a->s, s, a->slen) == 0;
}

int nnb_onnx_attr_ints(const nnb_onnx_node *n, const char *name, int64_t *v, int max)
{
    const nnb_onnx_attr *a = nnb_onnx_attr_get(n, name);
    if (!a || a->type != NNB_ONNX_ATTR_INTS) return -1;
    if (a->nints > (size_t)max) return max + 1; /* the caller refuses: more than the rank allows */
    for (size_t i = 0; i < a->nints; i++) v[i] = a->ints[i];
    return (int)a->nints;
}

const nnb_onnx_value *nnb_onnx_input(const nnb_onnx_node *n, size_t i, char *err, size_t len)
{
    if (i >= n->nin || !n->in[i]) {
        nnb_onnx_fail(n, err, len, "input %zu is required", i + 1);
        return NULL;
    }
    if (n->in[i]->rank < 0) {
        nnb_onnx_fail(n, err, len, "the shape of input '%s' is not known", n->in[i]->name);
        return NULL;
    }
    return n->in[i];
}

const nnb_onnx_value *nnb_onnx_input_values(const nnb_onnx_node *n, size_t i)
{
    return i < n->nin && n->in[i] && n->in[i]->rank >= 0 && n->in[i]->nval >= 0 ? n->in[i] : NULL;
}

int64_t nnb_onnx_elems(const nnb_onnx_value *v)
{
    int64_t e = 1;
    for (int i = 0; i < v->rank; i++) e *= v->dim[i]; /* bounded by set_shape */
    return e;
}

int nnb_onnx_set_shape(nnb_onnx_node *n, size_t i, int elem_type, int rank, const int64_t *dim, char *err,
                       size_t len)
{
    if (i >= n->nout || !n->out[i]) return 0; /* an optional output nobody reads */
    if (rank < 0 || rank > NNB_ONNX_MAX_RANK)
        return nnb_onnx_fail(n, err, len, "output rank %d is beyond the %d nnbench reads", rank, NNB_ONNX_MAX_RANK);
    int64_t e = 1;
    for (int d = 0; d < rank; d++) {
        if (dim[d] < 0) return nnb_onnx_fail(n, err, len, "output dimension %d is negative (%lld)", d, (long long)dim[d]);
        if (!nnb_mul_ok(e, dim[d], &e) || e > (INT64_C(1) << 62))
            return nnb_onnx_fail(n, err, len, "the output's element count overflows");
    }
    nnb_onnx_value *v = n->out[i];
    v->elem_type = elem_type;
    v->rank = rank;
    memcpy(v->dim, dim, (size_t)rank * sizeof *dim);
    return 0;
}

int nnb_onnx_set_values(nnb_onnx_node *n, size_t i, const int64_t *ival, const double *fval, char *err, size_t len)
{
    if (i >= n->nout || !n->out[i]) return 0;
    nnb_onnx_value *v = n->out[i];
    int64_t e = nnb_onnx_elems(v);
    if (e > NNB_ONNX_MAX_CONST) return 0; /* too large to fold: shape only */
    free(v->ival);
    free(v->fval);
    v->ival = calloc((size_t)e + 1, sizeof *v->ival);
    v->fval = calloc((size_t)e + 1, sizeof *v->fval);
    if (!v->ival || !v->fval) return nnb_onnx_fail(n, err, len, "out of memory");
    for (int64_t k = 0; k < e; k++) {
        v->fval[k] = fval ? fval[k] : (double)ival[k];
        double f = v->fval[k];
        v->ival[k] = ival ? ival[k] : f != f ? 0 : f >= 9.2e18 ? INT64_MAX : f <= -9.2e18 ? INT64_MIN : (int64_t)f;
    }
    v->nval = (int)e;
    return 0;
}

int nnb_onnx_axis(const nnb_onnx_node *n, int64_t axis, int rank, int64_t *out, char *err, size_t len)
{
    if (axis < -rank || axis >= rank)
        return nnb_onnx_fail(n, err, len, "axis %lld is outside [-%d, %d)", (long long)axis, rank, rank);
    *out = axis < 0 ? axis + rank : axis;
    return 0;
}

const char *nnb_onnx_shape_str(const nnb_onnx_value *v, char *buf, size_t len)
{
    size_t o = 0;
    if (len) buf[0] = 0;
    if (v->rank < 0) nnb_appendf(buf, len, &o, "?");
    for (int i = 0; i < v->rank; i++) nnb_appendf(buf, len, &o, "%s%lld", i ? "x" : "", (long long)v->dim[i]);
    if (v->rank == 0) nnb_appendf(buf, len, &o, "scalar");
    return buf;
}

int nnb_onnx_infer_same(nnb_onnx_node *n, char *err, size_t len)
{
    const nnb_onnx_value *x = nnb_onnx_input(n, 0, err, len);
    if (!x) return -1;
    return nnb_onnx_set_shape(n, 0, x->elem_type, x->rank, x->dim, err, len);
}

int nnb_onnx_infer_broadcast(nnb_onnx_node *n, char *err, size_t len, double (*op)(double, double))
{
    int rank = 0, type = 0;
    int64_t dim[NNB_ONNX_MAX_RANK];
    for (size_t i = 0; i < n->nin; i++) {
        const nnb_onnx_value *x = nnb_onnx_input(n, i, err, len);
        if (!x) return -1;
        if (!type) type = x->elem_type;
        if (x->rank > rank) { /* right-aligned: the new leading dims start at 1 */
            memmove(dim + (x->rank - rank), dim, (size_t)rank * sizeof *dim);
            for (int d = 0; d < x->rank - rank; d++) dim[d] = 1;
            rank = x->rank;
        }
        for (int d = 0; d < x->rank; d++) {
            int64_t *o = &dim[rank - x->rank + d], v = x->dim[d];
            if (*o == v || v == 1) continue;
            if (*o != 1)
                return nnb_onnx_fail(n, err, len, "inputs do not broadcast (dimension %d: %lld vs %lld)", d,
                                     (long long)*o, (long long)v);
            *o = v;
        }
    }
    if (nnb_onnx_set_shape(n, 0, type, rank, dim, err, len)) return -1;
    const nnb_onnx_value *a = nnb_onnx_input_values(n, 0), *b = n->nin > 1 ? nnb_onnx_input_values(n, 1) : NULL;
    if (!op || !a || !b || n->nin != 2 || nnb_onnx_elems(n->out[0]) > NNB_ONNX_MAX_CONST) return 0;
    /* fold: index each input by the output's index, broadcast */
    int64_t e = nnb_onnx_elems(n->out[0]);
    double fv[NNB_ONNX_MAX_CONST];
    bool integral = type != NNB_ONNX_FLOAT && type != NNB_ONNX_DOUBLE;
    for (int64_t k = 0; k < e; k++) {
        const nnb_onnx_value *in[2] = {a, b};
        double x[2];
        for (int s = 0; s < 2; s++) {
            int64_t rem = k, idx = 0, stride = 1;
            for (int d = rank - 1; d >= 0; d--) {
                int64_t c = rem % dim[d];
                rem /= dim[d];
                int sd = d - (rank - in[s]->rank);
                if (sd >= 0) {
                    if (in[s]->dim[sd] != 1) idx += c * stride;
                    stride *= in[s]->dim[sd];
                }
            }
            x[s] = in[s]->fval[idx];
        }
        fv[k] = op(x[0], x[1]);
        if (integral) fv[k] = isfinite(fv[k]) ? trunc(fv[k]) : 0; /* integer arithmetic truncates */
    }
    return nnb_onnx_set_values(n, 0, NULL, fv, err, len);
}

int nnb_onnx_window_params(const nnb_onnx_node *n, int rank, const int64_t *kernel, nnb_onnx_window *w, char *err,
                           size_t len)
{
    memset(w, 0, sizeof *w);
    if (rank < 3) return nnb_onnx_fail(n, err, len, "input has rank %d: N x C x spatial needed", rank);
    int sr = w->sr = rank - 2;
    int nk = nnb_onnx_attr_ints(n, "kernel_shape", w->k, NNB_ONNX_MAX_RANK);
    if (nk < 0 && !kernel) return nnb_onnx_fail(n, err, len, "kernel_shape is required");
    if (nk < 0) memcpy(w->k, kernel, (size_t)sr * sizeof *kernel);
    else if (nk != sr) return nnb_onnx_fail(n, err, len, "kernel_shape has %d values for %d spatial dims", nk, sr);
    for (int i = 0; i < sr; i++) w->s[i] = w->d[i] = 1;
    int ns = nnb_onnx_attr_ints(n, "strides", w->s, NNB_ONNX_MAX_RANK);
    int nd = nnb_onnx_attr_ints(n, "dilations", w->d, NNB_ONNX_MAX_RANK);
    if ((ns >= 0 && ns != sr) || (nd >= 0 && nd != sr))
        return nnb_onnx_fail(n, err, len, "strides or dilations do not have %d values", sr);
    int64_t pads[2 * NNB_ONNX_MAX_RANK] = {0};
    int np = nnb_onnx_attr_ints(n, "pads", pads, 2 * NNB_ONNX_MAX_RANK);
    if (np >= 0 && np != 2 * sr) return nnb_onnx_fail(n, err, len, "pads has %d values for %d spatial dims", np, sr);
    const int64_t lim = INT64_C(1) << 31;
    for (int i = 0; i < sr; i++) {
        w->pb[i] = pads[i];
        w->pe[i] = pads[sr + i];
        if (w->k[i] <= 0 || w->s[i] <= 0 || w->d[i] <= 0 || w->k[i] > lim || w->s[i] > lim || w->d[i] > lim)
            return nnb_onnx_fail(n, err, len, "kernel, strides and dilations must be in [1, 2^31]");
        if (w->pb[i] < 0 || w->pe[i] < 0 || w->pb[i] > lim || w->pe[i] > lim)
            return nnb_onnx_fail(n, err, len, "pads must be in [0, 2^31]");
    }
    return 0;
}

int nnb_onnx_window_get(const nnb_onnx_node *n, const nnb_onnx_value *x, const int64_t *kernel, bool ceil_mode,
                        nnb_onnx_window *w, char *err, size_t len)
{
    if (nnb_onnx_window_params(n, x->rank, kernel, w, err, len)) return -1;
    bool upper = nnb_onnx_attr_is(n, "auto_pad", "SAME_UPPER"), lower = nnb_onnx_attr_is(n, "auto_pad", "SAME_LOWER");
    bool valid = nnb_onnx_attr_is(n, "auto_pad", "VALID");
    for (int i = 0; i < w->sr; i++) {
        int64_t in = x->dim[2 + i], ext = (w->k[i] - 1) * w->d[i] + 1;
        if (upper || lower) { /* the output is ceil(in / stride); the pad that takes, extra at the end (UPPER) */
            w->out[i] = (in + w->s[i] - 1) / w->s[i];
            int64_t total = (w->out[i] - 1) * w->s[i] + ext - in;
            if (total < 0) total = 0;
            w->pb[i] = upper ? total / 2 : total - total / 2;
            w->pe[i] = total - w->pb[i];
            continue;
        }
        if (valid) w->pb[i] = w->pe[i] = 0;
        int64_t span = in + w->pb[i] + w->pe[i] - ext;
        if (span < 0)
            return nnb_onnx_fail(n, err, len, "the window (%lld) is larger than the padded input (%lld)",
                                 (long long)ext, (long long)(in + w->pb[i] + w->pe[i]));
        w->out[i] = (ceil_mode ? (span + w->s[i] - 1) / w->s[i] : span / w->s[i]) + 1;
    }
    return 0;
}
