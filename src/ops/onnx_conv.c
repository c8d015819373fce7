/* ONNX Conv and ConvTranspose (opsets 1-21: the attributes have not
 * changed) -> nnbench conv / deconv (ops/conv.c). Pads are [x1_begin,
 * x2_begin, ..., x1_end, x2_end]: asymmetric pads map to pt/pl/pb/pr; a 1-D
 * convolution (N x C x L) is the 2-D one with h = 1, as benchdnn reads it. */
#include "ops/onnx_rule.h"
#include "util/checked.h"

#include <stdio.h>
#include <string.h>

/* weights W: Conv [K, C/g, k...]; ConvTranspose [C, K/g, k...] */
static const nnb_onnx_value *weights(const nnb_onnx_node *n, const nnb_onnx_value *x, char *err, size_t len)
{
    const nnb_onnx_value *wt = nnb_onnx_input(n, 1, err, len);
    if (!wt) return NULL;
    if (wt->rank != x->rank) {
        nnb_onnx_fail(n, err, len, "weights '%s' have rank %d, the input %d", wt->name, wt->rank, x->rank);
        return NULL;
    }
    return wt;
}

static int conv_group(const nnb_onnx_node *n, int64_t *g, char *err, size_t len)
{
    *g = nnb_onnx_attr_int(n, "group", 1);
    if (*g <= 0 || *g > (INT64_C(1) << 31)) return nnb_onnx_fail(n, err, len, "group must be positive");
    return 0;
}

static int conv_infer(nnb_onnx_node *n, char *err, size_t len)
{
    const nnb_onnx_value *x = nnb_onnx_input(n, 0, err, len), *wt = x ? weights(n, x, err, len) : NULL;
    int64_t g;
    nnb_onnx_window w;
    if (!wt || conv_group(n, &g, err, len) || nnb_onnx_window_get(n, x, wt->dim + 2, false, &w, err, len)) return -1;
    if (wt->dim[0] % g || wt->dim[1] * g != x->dim[1])
        return nnb_onnx_fail(n, err, len, "weights %lldx%lld.. do not fit %lld input channels in %lld groups",
                             (long long)wt->dim[0], (long long)wt->dim[1], (long long)x->dim[1], (long long)g);
    const nnb_onnx_value *b = n->nin > 2 ? n->in[2] : NULL;
    if (b && b->rank >= 0 && (b->rank != 1 || b->dim[0] != wt->dim[0]))
        return nnb_onnx_fail(n, err, len, "bias '%s' must hold one value per output channel", b->name);
    int64_t dim[NNB_ONNX_MAX_RANK] = {x->dim[0], wt->dim[0]};
    memcpy(dim + 2, w.out, (size_t)w.sr * sizeof *dim);
    return nnb_onnx_set_shape(n, 0, x->elem_type, x->rank, dim, err, len);
}

/* the window's 1 or 2 spatial dims into the layer (1-D: h = 1) */
int nnb_onnx_window_layer(const nnb_onnx_window *w, nnb_layer *l, const nnb_onnx_value *x, char *why, size_t len)
{
    if (w->sr != 1 && w->sr != 2) {
        snprintf(why, len, "%d-D window (nnbench has 1-D and 2-D)", w->sr);
        return 1;
    }
    int h = w->sr == 2 ? 0 : -1, wd = w->sr - 1; /* index of the h and w dims in the window */
    l->n = x->dim[0];
    l->c = x->dim[1];
    l->h = h < 0 ? 1 : x->dim[2];
    l->w = x->dim[1 + w->sr];
    l->kh = h < 0 ? 1 : w->k[h];
    l->kw = w->k[wd];
    l->sh = h < 0 ? 1 : w->s[h];
    l->sw = w->s[wd];
    l->dh = h < 0 ? 1 : w->d[h];
    l->dw = w->d[wd];
    l->pt = h < 0 ? 0 : w->pb[h];
    l->pb = h < 0 ? 0 : w->pe[h];
    l->pl = w->pb[wd];
    l->pr = w->pe[wd];
    return 0;
}

static int conv_layer(const nnb_onnx_node *n, nnb_layer *l, char *why, size_t len)
{
    const nnb_onnx_value *x = n->in[0], *wt = n->in[1];
    nnb_onnx_window w;
    char err[256];
    if (nnb_onnx_window_get(n, x, wt->dim + 2, false, &w, err, sizeof err)) return -1; /* infer passed */
    nnb_layer_init(l, NNB_OP_CONV);
    if (nnb_onnx_window_layer(&w, l, x, why, len)) return 1;
    l->k = wt->dim[0];
    l->groups = nnb_onnx_attr_int(n, "group", 1);
    l->bias = n->nin > 2 && n->in[2];
    return 0;
}

/* ConvTranspose: out = s*(in-1) + output_padding + ext - pads, or the pads
 * that give output_shape (split by auto_pad: SAME_UPPER puts the odd one at
 * the end) */
static int deconv_window(const nnb_onnx_node *n, const nnb_onnx_value *x, const nnb_onnx_value *wt,
                         nnb_onnx_window *w, int64_t *outpad, char *err, size_t len)
{
    bool want_shape = nnb_onnx_attr_get(n, "output_shape") != NULL;
    if (nnb_onnx_window_params(n, x->rank, wt->dim + 2, w, err, len)) return -1;
    int64_t shape[NNB_ONNX_MAX_RANK] = {0};
    int no = nnb_onnx_attr_ints(n, "output_padding", outpad, NNB_ONNX_MAX_RANK);
    int ns = want_shape ? nnb_onnx_attr_ints(n, "output_shape", shape, NNB_ONNX_MAX_RANK) : 0;
    if ((no >= 0 && no != w->sr) || (want_shape && ns != w->sr))
        return nnb_onnx_fail(n, err, len, "output_padding / output_shape need %d values", w->sr);
    if (no < 0) memset(outpad, 0, (size_t)w->sr * sizeof *outpad);
    bool upper = nnb_onnx_attr_is(n, "auto_pad", "SAME_UPPER"), same = upper || nnb_onnx_attr_is(n, "auto_pad", "SAME_LOWER");
    for (int i = 0; i < w->sr; i++) {
        int64_t in = x->dim[2 + i], ext = (w->k[i] - 1) * w->d[i] + 1, full;
        if (outpad[i] < 0 || outpad[i] > (INT64_C(1) << 31))
            return nnb_onnx_fail(n, err, len, "output_padding must be in [0, 2^31]");
        if (!nnb_mul_ok(w->s[i], in - 1, &full) || full > (INT64_C(1) << 61))
            return nnb_onnx_fail(n, err, len, "the output size overflows");
        full += outpad[i] + ext;
        if (want_shape || same) {
            int64_t out = want_shape ? shape[i] : in * w->s[i], total = full - out;
            if (total < 0) return nnb_onnx_fail(n, err, len, "output_shape %lld is larger than the full output", (long long)out);
            w->pb[i] = upper || !same ? total / 2 : total - total / 2;
            w->pe[i] = total - w->pb[i];
        }
        w->out[i] = full - w->pb[i] - w->pe[i];
        if (w->out[i] <= 0) return nnb_onnx_fail(n, err, len, "the pads leave no output");
    }
    return 0;
}

static int deconv_infer(nnb_onnx_node *n, char *err, size_t len)
{
    const nnb_onnx_value *x = nnb_onnx_input(n, 0, err, len), *wt = x ? weights(n, x, err, len) : NULL;
    int64_t g, outpad[NNB_ONNX_MAX_RANK];
    nnb_onnx_window w;
    if (!wt || conv_group(n, &g, err, len) || deconv_window(n, x, wt, &w, outpad, err, len)) return -1;
    if (wt->dim[0] != x->dim[1] || x->dim[1] % g)
        return nnb_onnx_fail(n, err, len, "weights '%s' do not fit %lld input channels in %lld groups", wt->name,
                             (long long)x->dim[1], (long long)g);
    int64_t dim[NNB_ONNX_MAX_RANK] = {x->dim[0], wt->dim[1] * g};
    memcpy(dim + 2, w.out, (size_t)w.sr * sizeof *dim);
    return nnb_onnx_set_shape(n, 0, x->elem_type, x->rank, dim, err, len);
}

static int deconv_layer(const nnb_onnx_node *n, nnb_layer *l, char *why, size_t len)
{
    const nnb_onnx_value *x = n->in[0], *wt = n->in[1];
    int64_t outpad[NNB_ONNX_MAX_RANK];
    nnb_onnx_window w;
    char err[256];
    if (deconv_window(n, x, wt, &w, outpad, err, sizeof err)) return -1;
    nnb_layer_init(l, NNB_OP_DECONV);
    if (nnb_onnx_window_layer(&w, l, x, why, len)) return 1;
    l->groups = nnb_onnx_attr_int(n, "group", 1);
    l->k = wt->dim[1] * l->groups;
    l->oph = w.sr == 2 ? outpad[0] : 0;
    l->opw = outpad[w.sr - 1];
    l->bias = n->nin > 2 && n->in[2];
    return 0;
}

const nnb_onnx_rule nnb_onnx_conv = {"Conv", 2, 3, conv_infer, conv_layer};
const nnb_onnx_rule nnb_onnx_conv_transpose = {"ConvTranspose", 2, 3, deconv_infer, deconv_layer};
