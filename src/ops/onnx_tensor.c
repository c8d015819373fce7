/* ONNX tensor ops: shape arithmetic and data movement. Flatten (axis 1 of
 * N x C x H x W) and a Reshape to N x (C*H*W) are nnbench's flatten;
 * Concat along channels of N x C x H x W is concat (ops/concat.c). The
 * rest have no nnbench layer: their shapes follow ONNX's spec, and on
 * small known values (Shape, Gather, Unsqueeze, Concat, Cast, Constant
 * ... chains that exporters emit to compute a Reshape's target) they are
 * folded. */
#include "ops/onnx_rule.h"

#include <stdio.h>
#include <string.h>

/* An integer list given as attribute `attr` (older opsets) or as input
 * `input` (newer): 0 with the list, 1 when absent, -1 with one line in err
 * when the input's values are not known. */
static int int_list(const nnb_onnx_node *n, const char *attr, size_t input, int64_t *v, int max, int *count,
                    char *err, size_t len)
{
    int c = attr ? nnb_onnx_attr_ints(n, attr, v, max) : -1;
    if (c > max) return nnb_onnx_fail(n, err, len, "%s has more than %d values", attr, max);
    if (c >= 0) {
        *count = c;
        return 0;
    }
    if (input >= n->nin || !n->in[input]) return 1;
    const nnb_onnx_value *x = nnb_onnx_input_values(n, input);
    if (!x) return nnb_onnx_fail(n, err, len, "input '%s' is computed at run time: nnbench needs its value", n->in[input]->name);
    if (x->nval > max) return nnb_onnx_fail(n, err, len, "input '%s' has more than %d values", x->name, max);
    memcpy(v, x->ival, (size_t)x->nval * sizeof *v);
    *count = x->nval;
    return 0;
}

/* output 0 = input 0, values included (Identity, Cast to an integer type) */
static int pass_infer(nnb_onnx_node *n, char *err, size_t len)
{
    const nnb_onnx_value *x = nnb_onnx_input(n, 0, err, len);
    if (!x) return -1;
    int type = (int)nnb_onnx_attr_int(n, "to", x->elem_type);
    if (nnb_onnx_set_shape(n, 0, type, x->rank, x->dim, err, len)) return -1;
    return x->nval >= 0 ? nnb_onnx_set_values(n, 0, x->ival, x->fval, err, len) : 0;
}

static int constant_infer(nnb_onnx_node *n, char *err, size_t len)
{
    const nnb_onnx_attr *a = nnb_onnx_attr_get(n, "value");
    const nnb_onnx_attr *vi = nnb_onnx_attr_get(n, "value_int"), *vis = nnb_onnx_attr_get(n, "value_ints");
    const nnb_onnx_attr *vf = nnb_onnx_attr_get(n, "value_float"), *vfs = nnb_onnx_attr_get(n, "value_floats");
    if (a && a->type == NNB_ONNX_ATTR_TENSOR && a->t) {
        const nnb_onnx_value *t = a->t;
        if (nnb_onnx_set_shape(n, 0, t->elem_type, t->rank, t->dim, err, len)) return -1;
        return t->nval >= 0 ? nnb_onnx_set_values(n, 0, t->ival, t->fval, err, len) : 0;
    }
    if (vi || vf) {
        double f = vi ? (double)vi->i : vf->f;
        if (nnb_onnx_set_shape(n, 0, vi ? NNB_ONNX_INT64 : NNB_ONNX_FLOAT, 0, NULL, err, len)) return -1;
        return nnb_onnx_set_values(n, 0, NULL, &f, err, len);
    }
    if (vis && vis->type == NNB_ONNX_ATTR_INTS) {
        int64_t d = (int64_t)vis->nints;
        if (nnb_onnx_set_shape(n, 0, NNB_ONNX_INT64, 1, &d, err, len)) return -1;
        return nnb_onnx_set_values(n, 0, vis->ints, NULL, err, len);
    }
    if (vfs && vfs->type == NNB_ONNX_ATTR_FLOATS) {
        int64_t d = (int64_t)vfs->nfloats;
        return nnb_onnx_set_shape(n, 0, NNB_ONNX_FLOAT, 1, &d, err, len);
    }
    return nnb_onnx_fail(n, err, len, "no value attribute nnbench reads (value, value_int(s), value_float(s))");
}

static int constant_of_shape_infer(nnb_onnx_node *n, char *err, size_t len)
{
    int64_t dim[NNB_ONNX_MAX_RANK];
    int r = 0;
    if (int_list(n, NULL, 0, dim, NNB_ONNX_MAX_RANK, &r, err, len)) return -1;
    const nnb_onnx_attr *a = nnb_onnx_attr_get(n, "value");
    int type = a && a->t ? a->t->elem_type : NNB_ONNX_FLOAT;
    if (nnb_onnx_set_shape(n, 0, type, r, dim, err, len)) return -1;
    double f[NNB_ONNX_MAX_CONST], v = a && a->t && a->t->nval == 1 ? a->t->fval[0] : 0;
    for (int i = 0; i < NNB_ONNX_MAX_CONST; i++) f[i] = v;
    return nnb_onnx_set_values(n, 0, NULL, f, err, len);
}

/* Shape: the input's dims [start, end) (opset 15) as int64 values */
static int shape_infer(nnb_onnx_node *n, char *err, size_t len)
{
    const nnb_onnx_value *x = nnb_onnx_input(n, 0, err, len);
    if (!x) return -1;
    int64_t start = nnb_onnx_attr_int(n, "start", 0), end = nnb_onnx_attr_int(n, "end", x->rank);
    if (start < 0) start += x->rank;
    if (end < 0) end += x->rank;
    start = start < 0 ? 0 : start > x->rank ? x->rank : start;
    end = end < start ? start : end > x->rank ? x->rank : end;
    int64_t d = end - start;
    if (nnb_onnx_set_shape(n, 0, NNB_ONNX_INT64, 1, &d, err, len)) return -1;
    return nnb_onnx_set_values(n, 0, x->dim + start, NULL, err, len);
}

/* Gather along axis: data[..., indices, ...] */
static int gather_infer(nnb_onnx_node *n, char *err, size_t len)
{
    const nnb_onnx_value *x = nnb_onnx_input(n, 0, err, len), *idx = x ? nnb_onnx_input(n, 1, err, len) : NULL;
    int64_t axis;
    if (!idx || nnb_onnx_axis(n, nnb_onnx_attr_int(n, "axis", 0), x->rank, &axis, err, len)) return -1;
    int64_t dim[NNB_ONNX_MAX_RANK];
    int r = 0;
    for (int i = 0; i < axis; i++) dim[r++] = x->dim[i];
    for (int i = 0; i < idx->rank && r < NNB_ONNX_MAX_RANK; i++) dim[r++] = idx->dim[i];
    for (int i = (int)axis + 1; i < x->rank && r < NNB_ONNX_MAX_RANK; i++) dim[r++] = x->dim[i];
    if (x->rank - 1 + idx->rank > NNB_ONNX_MAX_RANK) return nnb_onnx_fail(n, err, len, "output rank too large");
    if (nnb_onnx_set_shape(n, 0, x->elem_type, r, dim, err, len)) return -1;
    const nnb_onnx_value *xv = nnb_onnx_input_values(n, 0), *iv = nnb_onnx_input_values(n, 1);
    if (!xv || !iv || x->rank != 1) return 0; /* folded: a 1-D gather (a dim out of a Shape) */
    double f[NNB_ONNX_MAX_CONST];
    for (int i = 0; i < iv->nval; i++) {
        int64_t k = iv->ival[i] < 0 ? iv->ival[i] + x->dim[0] : iv->ival[i];
        if (k < 0 || k >= x->dim[0]) return nnb_onnx_fail(n, err, len, "index %lld is out of range", (long long)iv->ival[i]);
        f[i] = xv->fval[k];
    }
    return nnb_onnx_set_values(n, 0, NULL, f, err, len);
}

/* Unsqueeze: axes (attribute before opset 13, input after) of the output */
static int unsqueeze_infer(nnb_onnx_node *n, char *err, size_t len)
{
    const nnb_onnx_value *x = nnb_onnx_input(n, 0, err, len);
    int64_t axes[NNB_ONNX_MAX_RANK];
    int na;
    if (!x) return -1;
    int rc = int_list(n, "axes", 1, axes, NNB_ONNX_MAX_RANK, &na, err, len);
    if (rc) return rc < 0 ? -1 : nnb_onnx_fail(n, err, len, "axes are required");
    int r = x->rank + na;
    if (r > NNB_ONNX_MAX_RANK) return nnb_onnx_fail(n, err, len, "output rank %d is beyond %d", r, NNB_ONNX_MAX_RANK);
    bool one[NNB_ONNX_MAX_RANK] = {false};
    for (int i = 0; i < na; i++) {
        int64_t a;
        if (nnb_onnx_axis(n, axes[i], r, &a, err, len)) return -1;
        if (one[a]) return nnb_onnx_fail(n, err, len, "axis %lld is repeated", (long long)axes[i]);
        one[a] = true;
    }
    int64_t dim[NNB_ONNX_MAX_RANK];
    for (int i = 0, k = 0; i < r; i++) dim[i] = one[i] ? 1 : x->dim[k++];
    if (nnb_onnx_set_shape(n, 0, x->elem_type, r, dim, err, len)) return -1;
    return x->nval >= 0 ? nnb_onnx_set_values(n, 0, x->ival, x->fval, err, len) : 0;
}

/* Squeeze: the axes given (all 1s when none) */
static int squeeze_infer(nnb_onnx_node *n, char *err, size_t len)
{
    const nnb_onnx_value *x = nnb_onnx_input(n, 0, err, len);
    int64_t axes[NNB_ONNX_MAX_RANK];
    int na = 0;
    if (!x) return -1;
    int rc = int_list(n, "axes", 1, axes, NNB_ONNX_MAX_RANK, &na, err, len);
    if (rc < 0) return -1;
    bool drop[NNB_ONNX_MAX_RANK] = {false};
    for (int i = 0; i < x->rank; i++) drop[i] = rc == 1 && x->dim[i] == 1;
    for (int i = 0; rc == 0 && i < na; i++) {
        int64_t a;
        if (nnb_onnx_axis(n, axes[i], x->rank, &a, err, len)) return -1;
        if (x->dim[a] != 1) return nnb_onnx_fail(n, err, len, "axis %lld has size %lld, not 1", (long long)a, (long long)x->dim[a]);
        drop[a] = true;
    }
    int64_t dim[NNB_ONNX_MAX_RANK];
    int r = 0;
    for (int i = 0; i < x->rank; i++)
        if (!drop[i]) dim[r++] = x->dim[i];
    if (nnb_onnx_set_shape(n, 0, x->elem_type, r, dim, err, len)) return -1;
    return x->nval >= 0 ? nnb_onnx_set_values(n, 0, x->ival, x->fval, err, len) : 0;
}

/* Concat along axis: the other dims agree */
static int concat_infer(nnb_onnx_node *n, char *err, size_t len)
{
    const nnb_onnx_value *x = nnb_onnx_input(n, 0, err, len);
    int64_t axis;
    if (!x || nnb_onnx_axis(n, nnb_onnx_attr_int(n, "axis", 0), x->rank, &axis, err, len)) return -1;
    int64_t dim[NNB_ONNX_MAX_RANK];
    memcpy(dim, x->dim, (size_t)x->rank * sizeof *dim);
    dim[axis] = 0;
    bool known = true;
    double f[NNB_ONNX_MAX_CONST];
    int nf = 0;
    for (size_t i = 0; i < n->nin; i++) {
        const nnb_onnx_value *y = nnb_onnx_input(n, i, err, len);
        if (!y) return -1;
        if (y->rank != x->rank) return nnb_onnx_fail(n, err, len, "inputs have ranks %d and %d", x->rank, y->rank);
        for (int d = 0; d < x->rank; d++)
            if (d != axis && y->dim[d] != x->dim[d])
                return nnb_onnx_fail(n, err, len, "input '%s' differs in dimension %d", y->name, d);
        if (dim[axis] > (INT64_C(1) << 62) - y->dim[axis]) return nnb_onnx_fail(n, err, len, "sizes overflow");
        dim[axis] += y->dim[axis];
        known = known && y->nval >= 0 && x->rank == 1 && nf + y->nval <= NNB_ONNX_MAX_CONST;
        for (int k = 0; known && k < y->nval; k++) f[nf++] = y->fval[k];
    }
    if (nnb_onnx_set_shape(n, 0, x->elem_type, x->rank, dim, err, len)) return -1;
    return known ? nnb_onnx_set_values(n, 0, NULL, f, err, len) : 0;
}

static int concat_layer(const nnb_onnx_node *n, nnb_layer *l, char *why, size_t len)
{
    const nnb_onnx_value *o = n->out[0];
    int64_t axis = nnb_onnx_attr_int(n, "axis", 0);
    if (o->rank != 4 || (axis != 1 && axis != -3)) {
        snprintf(why, len, "Concat along axis %lld of a rank-%d tensor (nnbench's concat joins channels of N x C x H x W)",
                 (long long)axis, o->rank);
        return 1;
    }
    nnb_layer_init(l, NNB_OP_CONCAT);
    l->n = o->dim[0];
    l->c = l->k = o->dim[1];
    l->h = o->dim[2];
    l->w = o->dim[3];
    return 0;
}

/* Flatten at axis: (d0*..*d{axis-1}) x (the rest) */
static int flatten_infer(nnb_onnx_node *n, char *err, size_t len)
{
    const nnb_onnx_value *x = nnb_onnx_input(n, 0, err, len);
    if (!x) return -1;
    int64_t axis = nnb_onnx_attr_int(n, "axis", 1);
    if (axis < -x->rank || axis > x->rank) return nnb_onnx_fail(n, err, len, "axis %lld is out of range", (long long)axis);
    if (axis < 0) axis += x->rank;
    int64_t dim[2] = {1, 1};
    for (int i = 0; i < x->rank; i++) dim[i >= axis] *= x->dim[i]; /* bounded: the input's count is */
    return nnb_onnx_set_shape(n, 0, x->elem_type, 2, dim, err, len);
}

/* N x C x H x W (or N x C) -> N x (C*H*W): nnbench's flatten */
static int flatten_to_layer(const nnb_onnx_value *x, const nnb_onnx_value *o, nnb_layer *l, char *why, size_t len)
{
    if ((x->rank != 4 && x->rank != 2) || o->rank != 2 || o->dim[0] != x->dim[0]) {
        snprintf(why, len, "reshape of %d-D to %d-D other than N x C x H x W -> N x (C*H*W)", x->rank, o->rank);
        return 1;
    }
    nnb_layer_init(l, NNB_OP_FLATTEN);
    l->n = x->dim[0];
    l->c = x->dim[1];
    l->h = x->rank == 4 ? x->dim[2] : 1;
    l->w = x->rank == 4 ? x->dim[3] : 1;
    l->k = o->dim[1];
    return 0;
}

static int flatten_layer(const nnb_onnx_node *n, nnb_layer *l, char *why, size_t len)
{
    return flatten_to_layer(n->in[0], n->out[0], l, why, len);
}

/* Reshape to a known shape: 0 copies the input's dim (unless allowzero),
 * one -1 takes what is left */
static int reshape_infer(nnb_onnx_node *n, char *err, size_t len)
{
    const nnb_onnx_value *x = nnb_onnx_input(n, 0, err, len);
    int64_t dim[NNB_ONNX_MAX_RANK];
    int r = 0;
    if (!x) return -1;
    int rc = int_list(n, "shape", 1, dim, NNB_ONNX_MAX_RANK, &r, err, len);
    if (rc) return rc < 0 ? -1 : nnb_onnx_fail(n, err, len, "the target shape is required");
    bool allowzero = nnb_onnx_attr_int(n, "allowzero", 0) != 0;
    int64_t known = 1, total = nnb_onnx_elems(x);
    int infer = -1;
    for (int i = 0; i < r; i++) {
        if (dim[i] == 0 && !allowzero) {
            if (i >= x->rank) return nnb_onnx_fail(n, err, len, "0 at position %d copies a dim the input lacks", i);
            dim[i] = x->dim[i];
        }
        if (dim[i] == -1) {
            if (infer >= 0) return nnb_onnx_fail(n, err, len, "more than one -1 in the target shape");
            infer = i;
            continue;
        }
        if (dim[i] < 0 || (dim[i] && known > total / dim[i]))
            return nnb_onnx_fail(n, err, len, "target dim %lld does not fit %lld elements", (long long)dim[i], (long long)total);
        known *= dim[i];
    }
    if (infer >= 0) {
        if (known == 0 || total % known) return nnb_onnx_fail(n, err, len, "-1 cannot make %lld elements", (long long)total);
        dim[infer] = total / known;
        known = total;
    }
    if (known != total)
        return nnb_onnx_fail(n, err, len, "target shape holds %lld elements, the input %lld", (long long)known, (long long)total);
    if (nnb_onnx_set_shape(n, 0, x->elem_type, r, dim, err, len)) return -1;
    return x->nval >= 0 ? nnb_onnx_set_values(n, 0, x->ival, x->fval, err, len) : 0;
}

static int transpose_infer(nnb_onnx_node *n, char *err, size_t len)
{
    const nnb_onnx_value *x = nnb_onnx_input(n, 0, err, len);
    if (!x) return -1;
    int64_t perm[NNB_ONNX_MAX_RANK], dim[NNB_ONNX_MAX_RANK];
    int np = nnb_onnx_attr_ints(n, "perm", perm, NNB_ONNX_MAX_RANK);
    if (np < 0)
        for (int i = 0; i < x->rank; i++) perm[i] = x->rank - 1 - i, np = x->rank;
    if (np != x->rank) return nnb_onnx_fail(n, err, len, "perm has %d values for rank %d", np, x->rank);
    bool seen[NNB_ONNX_MAX_RANK] = {false};
    for (int i = 0; i < np; i++) {
        if (perm[i] < 0 || perm[i] >= x->rank || seen[perm[i]]) return nnb_onnx_fail(n, err, len, "perm is no permutation");
        seen[perm[i]] = true;
        dim[i] = x->dim[perm[i]];
    }
    return nnb_onnx_set_shape(n, 0, x->elem_type, x->rank, dim, err, len);
}

/* Split along axis: split sizes (attribute < 13, input >= 13), else equal
 * parts (num_outputs at opset 18: the last part smaller) */
static int split_infer(nnb_onnx_node *n, char *err, size_t len)
{
    const nnb_onnx_value *x = nnb_onnx_input(n, 0, err, len);
    int64_t axis, sizes[64], dim[NNB_ONNX_MAX_RANK];
    int ns;
    if (!x || nnb_onnx_axis(n, nnb_onnx_attr_int(n, "axis", 0), x->rank, &axis, err, len)) return -1;
    int rc = int_list(n, "split", 1, sizes, 64, &ns, err, len);
    if (rc < 0) return -1;
    if (n->nout > 64) return nnb_onnx_fail(n, err, len, "more than 64 outputs");
    if (rc == 1) {
        ns = (int)n->nout;
        int64_t part = (x->dim[axis] + ns - 1) / ns;
        for (int i = 0; i < ns; i++) sizes[i] = i < ns - 1 ? part : x->dim[axis] - part * (ns - 1);
    }
    int64_t sum = 0;
    for (int i = 0; i < ns; i++) {
        if (sizes[i] < 0 || sizes[i] > x->dim[axis] - sum)
            return nnb_onnx_fail(n, err, len, "split sizes exceed dimension %lld", (long long)axis);
        sum += sizes[i];
    }
    if (ns != (int)n->nout || sum != x->dim[axis])
        return nnb_onnx_fail(n, err, len, "split sizes do not cover dimension %lld in %zu outputs", (long long)axis, n->nout);
    memcpy(dim, x->dim, (size_t)x->rank * sizeof *dim);
    for (int i = 0; i < ns; i++) {
        dim[axis] = sizes[i];
        if (nnb_onnx_set_shape(n, (size_t)i, x->elem_type, x->rank, dim, err, len)) return -1;
    }
    return 0;
}

/* one Slice range: clamped starts and ends, step != 0 */
static int64_t slice_len(int64_t d, int64_t start, int64_t end, int64_t step)
{
    if (start < 0) start += d;
    if (end < 0) end += d;
    if (step > 0) {
        start = start < 0 ? 0 : start > d ? d : start;
        end = end < 0 ? 0 : end > d ? d : end;
        return end > start ? (end - start + step - 1) / step : 0;
    }
    start = start < 0 ? -1 : start > d - 1 ? d - 1 : start;
    end = end < -1 ? -1 : end > d - 1 ? d - 1 : end;
    return start > end ? (start - end + (-step) - 1) / (-step) : 0;
}

static int slice_infer(nnb_onnx_node *n, char *err, size_t len)
{
    const nnb_onnx_value *x = nnb_onnx_input(n, 0, err, len);
    int64_t st[NNB_ONNX_MAX_RANK], en[NNB_ONNX_MAX_RANK], ax[NNB_ONNX_MAX_RANK], sp[NNB_ONNX_MAX_RANK];
    int ns, ne, na = 0, nsp = 0;
    if (!x) return -1;
    if (int_list(n, "starts", 1, st, NNB_ONNX_MAX_RANK, &ns, err, len) ||
        int_list(n, "ends", 2, en, NNB_ONNX_MAX_RANK, &ne, err, len))
        return -1;
    int ra = int_list(n, "axes", 3, ax, NNB_ONNX_MAX_RANK, &na, err, len);
    int rs = n->opset >= 10 ? int_list(n, NULL, 4, sp, NNB_ONNX_MAX_RANK, &nsp, err, len) : 1;
    if (ra < 0 || rs < 0) return -1;
    if (ra == 1) for (int i = 0; i < ns; i++) ax[i] = i, na = ns;
    if (rs == 1) for (int i = 0; i < ns; i++) sp[i] = 1, nsp = ns;
    if (ns != ne || ns != na || ns != nsp) return nnb_onnx_fail(n, err, len, "starts, ends, axes and steps differ in length");
    int64_t dim[NNB_ONNX_MAX_RANK], first[NNB_ONNX_MAX_RANK] = {0};
    memcpy(dim, x->dim, (size_t)x->rank * sizeof *dim);
    for (int i = 0; i < ns; i++) {
        int64_t a;
        if (nnb_onnx_axis(n, ax[i], x->rank, &a, err, len)) return -1;
        if (sp[i] == 0 || sp[i] < -(INT64_C(1) << 62) || sp[i] > (INT64_C(1) << 62))
            return nnb_onnx_fail(n, err, len, "step %lld is 0 or beyond 2^62", (long long)sp[i]);
        dim[a] = slice_len(x->dim[a], st[i], en[i], sp[i]);
        first[a] = st[i] < 0 ? st[i] + x->dim[a] : st[i];
        if (sp[i] != 1) first[a] = -1;
    }
    if (nnb_onnx_set_shape(n, 0, x->elem_type, x->rank, dim, err, len)) return -1;
    if (x->nval < 0 || x->rank != 1 || first[0] < 0 || first[0] + dim[0] > x->dim[0]) return 0;
    return nnb_onnx_set_values(n, 0, x->ival + first[0], x->fval + first[0], err, len);
}

/* Pad: pads (attribute before opset 11, input after) [begins, ends];
 * negative pads crop; axes (opset 18) */
static int pad_infer(nnb_onnx_node *n, char *err, size_t len)
{
    const nnb_onnx_value *x = nnb_onnx_input(n, 0, err, len);
    int64_t pads[2 * NNB_ONNX_MAX_RANK], axes[NNB_ONNX_MAX_RANK], dim[NNB_ONNX_MAX_RANK];
    int np, na;
    if (!x) return -1;
    int rc = int_list(n, n->opset < 11 ? "pads" : NULL, 1, pads, 2 * NNB_ONNX_MAX_RANK, &np, err, len);
    if (rc) return rc < 0 ? -1 : nnb_onnx_fail(n, err, len, "pads are required");
    int ra = int_list(n, NULL, 3, axes, NNB_ONNX_MAX_RANK, &na, err, len);
    if (ra < 0) return -1;
    if (ra == 1) for (int i = 0; i < x->rank; i++) axes[i] = i, na = x->rank;
    if (np != 2 * na) return nnb_onnx_fail(n, err, len, "pads has %d values for %d axes", np, na);
    memcpy(dim, x->dim, (size_t)x->rank * sizeof *dim);
    for (int i = 0; i < na; i++) {
        int64_t a;
        if (nnb_onnx_axis(n, axes[i], x->rank, &a, err, len)) return -1;
        if (pads[i] < -(INT64_C(1) << 40) || pads[i] > (INT64_C(1) << 40) || pads[na + i] < -(INT64_C(1) << 40) ||
            pads[na + i] > (INT64_C(1) << 40))
            return nnb_onnx_fail(n, err, len, "pads beyond 2^40");
        dim[a] += pads[i] + pads[na + i];
        if (dim[a] < 0) return nnb_onnx_fail(n, err, len, "pads crop dimension %lld below 0", (long long)a);
    }
    return nnb_onnx_set_shape(n, 0, x->elem_type, x->rank, dim, err, len);
}

/* ReduceMean over axes (attribute before opset 18, input after; none:
 * all), keepdims */
static int reduce_infer(nnb_onnx_node *n, char *err, size_t len)
{
    const nnb_onnx_value *x = nnb_onnx_input(n, 0, err, len);
    int64_t axes[NNB_ONNX_MAX_RANK], dim[NNB_ONNX_MAX_RANK];
    int na = 0;
    if (!x) return -1;
    int rc = int_list(n, "axes", 1, axes, NNB_ONNX_MAX_RANK, &na, err, len);
    if (rc < 0) return -1;
    bool keep = nnb_onnx_attr_int(n, "keepdims", 1) != 0, red[NNB_ONNX_MAX_RANK] = {false};
    bool noop = rc == 1 && nnb_onnx_attr_int(n, "noop_with_empty_axes", 0);
    for (int i = 0; i < x->rank; i++) red[i] = rc == 1 && !noop;
    for (int i = 0; rc == 0 && i < na; i++) {
        int64_t a;
        if (nnb_onnx_axis(n, axes[i], x->rank, &a, err, len)) return -1;
        red[a] = true;
    }
    int r = 0;
    for (int i = 0; i < x->rank; i++)
        if (!red[i] || keep) dim[r++] = red[i] ? 1 : x->dim[i];
    return nnb_onnx_set_shape(n, 0, x->elem_type, r, dim, err, len);
}

/* Resize / Upsample: sizes, or floor(dim x scale) */
static int resize_infer(nnb_onnx_node *n, char *err, size_t len)
{
    const nnb_onnx_value *x = nnb_onnx_input(n, 0, err, len);
    if (!x) return -1;
    int64_t dim[NNB_ONNX_MAX_RANK];
    /* Upsample-7: scales attribute; Upsample-9 / Resize-10: scales input 1;
     * Resize-11+: roi, scales, sizes inputs 1-3 */
    bool resize11 = !strcmp(n->op_type, "Resize") && n->opset >= 11;
    const nnb_onnx_value *sizes = resize11 ? nnb_onnx_input_values(n, 3) : NULL;
    const nnb_onnx_value *scales = nnb_onnx_input_values(n, resize11 ? 2 : 1);
    const nnb_onnx_attr *sa = nnb_onnx_attr_get(n, "scales");
    if (sizes && sizes->nval == x->rank) {
        memcpy(dim, sizes->ival, (size_t)x->rank * sizeof *dim);
    } else if ((scales && scales->nval == x->rank) || (sa && sa->nfloats == (size_t)x->rank)) {
        for (int i = 0; i < x->rank; i++) {
            double s = scales && scales->nval == x->rank ? scales->fval[i] : sa->floats[i];
            double d = (double)x->dim[i] * s;
            if (!(s > 0 && d < 4e18)) return nnb_onnx_fail(n, err, len, "scale %g is out of range", s);
            dim[i] = (int64_t)d;
        }
    } else {
        return nnb_onnx_fail(n, err, len, "needs known scales or sizes (one per dimension)");
    }
    return nnb_onnx_set_shape(n, 0, x->elem_type, x->rank, dim, err, len);
}

const nnb_onnx_rule nnb_onnx_identity = {"Identity", 1, 1, pass_infer, NULL};
const nnb_onnx_rule nnb_onnx_cast = {"Cast", 1, 1, pass_infer, NULL};
const nnb_onnx_rule nnb_onnx_constant = {"Constant", 0, 0, constant_infer, NULL};
const nnb_onnx_rule nnb_onnx_constant_of_shape = {"ConstantOfShape", 1, 1, constant_of_shape_infer, NULL};
const nnb_onnx_rule nnb_onnx_shape = {"Shape", 1, 1, shape_infer, NULL};
const nnb_onnx_rule nnb_onnx_gather = {"Gather", 2, 2, gather_infer, NULL};
const nnb_onnx_rule nnb_onnx_unsqueeze = {"Unsqueeze", 1, 2, unsqueeze_infer, NULL};
const nnb_onnx_rule nnb_onnx_squeeze = {"Squeeze", 1, 2, squeeze_infer, NULL};
const nnb_onnx_rule nnb_onnx_concat = {"Concat", 1, 1 << 20, concat_infer, concat_layer};
const nnb_onnx_rule nnb_onnx_flatten = {"Flatten", 1, 1, flatten_infer, flatten_layer};
const nnb_onnx_rule nnb_onnx_reshape = {"Reshape", 1, 2, reshape_infer, flatten_layer};
const nnb_onnx_rule nnb_onnx_transpose = {"Transpose", 1, 1, transpose_infer, NULL};
const nnb_onnx_rule nnb_onnx_split = {"Split", 1, 2, split_infer, NULL};
const nnb_onnx_rule nnb_onnx_slice = {"Slice", 1, 5, slice_infer, NULL};
const nnb_onnx_rule nnb_onnx_pad = {"Pad", 1, 4, pad_infer, NULL};
const nnb_onnx_rule nnb_onnx_reduce_mean = {"ReduceMean", 1, 2, reduce_infer, NULL};
const nnb_onnx_rule nnb_onnx_resize = {"Resize", 1, 4, resize_infer, NULL};
const nnb_onnx_rule nnb_onnx_upsample = {"Upsample", 1, 2, resize_infer, NULL};
