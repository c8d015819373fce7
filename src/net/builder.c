/* The network builder (builder.h): layers appended in torchvision's module
 * call order, each finalized (shape, checked counts) as it is added. */
#include "net/builder.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec/spec.h"
#include "util/util.h"

void nnb_net_list_free(nnb_net_list *list)
{
    free(list->v);
    memset(list, 0, sizeof *list);
}

static void fail(nnb_builder *b, const char *what)
{
    if (!b->failed) snprintf(b->err, b->errlen, "%s", what);
    b->failed = true;
}

nnb_scope nnb_enter(nnb_builder *b, const char *fmt, ...)
{
    nnb_scope s = {strlen(b->scope), b->seq};
    char part[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(part, sizeof part, fmt, ap);
    va_end(ap);
    size_t o = s.len;
    int r = snprintf(b->scope + o, sizeof b->scope - o, "%s%s", o ? "." : "", part);
    if (r < 0 || (size_t)r >= sizeof b->scope - o) fail(b, "network builder: module name too long");
    b->seq = 0;
    return s;
}

nnb_scope nnb_enter_next(nnb_builder *b)
{
    int i = b->seq++;
    return nnb_enter(b, "%d", i);
}

void nnb_leave(nnb_builder *b, nnb_scope s)
{
    b->scope[s.len] = 0;
    b->seq = s.seq;
}

static bool module_name(nnb_builder *b, const char *name, char *buf, size_t len)
{
    char seq[24];
    if (!name) {
        snprintf(seq, sizeof seq, "%d", b->seq++);
        name = seq;
    }
    int r = snprintf(buf, len, "%s%s%s", b->scope, b->scope[0] ? "." : "", name);
    return r >= 0 && (size_t)r < len;
}

static nnb_net_layer *push(nnb_builder *b)
{
    nnb_net_list *o = b->out;
    if (o->n == o->cap) {
        size_t cap = o->cap ? 2 * o->cap : 64;
        nnb_net_layer *v = realloc(o->v, cap * sizeof *v);
        if (!v) {
            fail(b, "network builder: out of memory");
            return NULL;
        }
        o->v = v;
        o->cap = cap;
    }
    nnb_net_layer *nl = &o->v[o->n++];
    memset(nl, 0, sizeof *nl);
    return nl;
}

/* Finalizes l (batch and input from b->x unless from_spec), appends it and
 * moves b->x to its output, the receptive field by the op's rule. */
static nnb_net_layer *add_layer(nnb_builder *b, const char *name, nnb_layer *l, bool from_spec)
{
    if (b->failed) return NULL;
    char module[96], err[512];
    if (!module_name(b, name, module, sizeof module)) {
        fail(b, "network builder: module name too long");
        return NULL;
    }
    l->n = b->n;
    if (!from_spec) {
        l->c = b->x.c;
        l->h = b->x.h;
        l->w = b->x.w;
    }
    snprintf(l->name, sizeof l->name, "%s", module);
    if (nnb_layer_finalize(l, err, sizeof err)) {
        char msg[700];
        snprintf(msg, sizeof msg, "%s: %s", module, err);
        fail(b, msg);
        return NULL;
    }
    nnb_net_layer *nl = push(b);
    if (!nl) return NULL;
    nl->layer = *l;
    snprintf(nl->module, sizeof nl->module, "%s", module);
    b->x.c = l->k;
    b->x.h = l->oh;
    b->x.w = l->ow;
    b->x.have_rf = b->x.have_rf && nnb_rf_apply(&b->x.rf, l) == 0;
    nl->have_rf = b->x.have_rf;
    nl->rf = b->x.rf;
    return nl;
}

static void simple(nnb_builder *b, const char *name, nnb_op op)
{
    nnb_layer l;
    nnb_layer_init(&l, op);
    add_layer(b, name, &l, false);
}

void nnb_conv(nnb_builder *b, const char *name, int64_t k, int64_t r, int64_t stride, int64_t pad, int64_t groups,
              bool bias)
{
    nnb_layer l;
    nnb_layer_init(&l, NNB_OP_CONV);
    l.k = k;
    l.kh = l.kw = r;
    l.sh = l.sw = stride;
    l.pt = l.pl = l.pb = l.pr = pad;
    l.groups = groups;
    l.bias = bias;
    add_layer(b, name, &l, false);
}

void nnb_bn(nnb_builder *b, const char *name) { simple(b, name, NNB_OP_BN); }
void nnb_relu(nnb_builder *b, const char *name) { simple(b, name, NNB_OP_RELU); }
void nnb_relu6(nnb_builder *b, const char *name) { simple(b, name, NNB_OP_RELU6); }
void nnb_dropout(nnb_builder *b, const char *name) { simple(b, name, NNB_OP_DROPOUT); }

void nnb_maxpool(nnb_builder *b, const char *name, int64_t r, int64_t stride, int64_t pad, bool ceil_mode)
{
    nnb_layer l;
    nnb_layer_init(&l, NNB_OP_POOL_MAX);
    l.kh = l.kw = r;
    l.sh = l.sw = stride;
    l.pt = l.pl = l.pb = l.pr = pad;
    l.ceil_mode = ceil_mode;
    add_layer(b, name, &l, false);
}

void nnb_adaptive_avgpool(nnb_builder *b, const char *name, int64_t out)
{
    nnb_layer l;
    nnb_layer_init(&l, NNB_OP_POOL_ADAPTIVE_AVG);
    l.oh = l.ow = out;
    add_layer(b, name, &l, false);
}

void nnb_flatten(nnb_builder *b, const char *name)
{
    nnb_layer l;
    nnb_layer_init(&l, NNB_OP_FLATTEN);
    l.k = b->x.c * b->x.h * b->x.w; /* sizes finalized before: far below 2^63 */
    add_layer(b, name, &l, false);
}

void nnb_fc(nnb_builder *b, const char *name, int64_t k)
{
    nnb_layer l;
    nnb_layer_init(&l, NNB_OP_FC);
    l.k = k;
    add_layer(b, name, &l, false);
}

/* The field of one output across several paths: the union of the paths'
 * fields (same jump), each [start - rf/2, start + rf/2] in input pixels. */
static void rf_union(nnb_net_tensor *x, const nnb_net_tensor *o)
{
    if (!x->have_rf || !o->have_rf || x->rf.jump_h != o->rf.jump_h || x->rf.jump_w != o->rf.jump_w) {
        x->have_rf = false;
        return;
    }
    double lo_h = fmin(x->rf.start_h - x->rf.rf_h / 2.0, o->rf.start_h - o->rf.rf_h / 2.0);
    double hi_h = fmax(x->rf.start_h + x->rf.rf_h / 2.0, o->rf.start_h + o->rf.rf_h / 2.0);
    double lo_w = fmin(x->rf.start_w - x->rf.rf_w / 2.0, o->rf.start_w - o->rf.rf_w / 2.0);
    double hi_w = fmax(x->rf.start_w + x->rf.rf_w / 2.0, o->rf.start_w + o->rf.rf_w / 2.0);
    x->rf.rf_h = llround(hi_h - lo_h);
    x->rf.rf_w = llround(hi_w - lo_w);
    x->rf.start_h = (lo_h + hi_h) / 2.0;
    x->rf.start_w = (lo_w + hi_w) / 2.0;
}

/* A join's layer, then the union of its inputs' fields as its output's */
static void join(nnb_builder *b, const char *name, nnb_layer *l, const nnb_net_tensor *in, size_t count)
{
    nnb_net_tensor merged = in[0];
    for (size_t i = 1; i < count; i++) rf_union(&merged, &in[i]);
    nnb_net_layer *nl = add_layer(b, name, l, false);
    if (!nl) return;
    b->x.have_rf = nl->have_rf = merged.have_rf;
    b->x.rf = nl->rf = merged.rf;
}

void nnb_add(nnb_builder *b, const char *name, const nnb_net_tensor *other)
{
    if (b->failed) return;
    if (other->c != b->x.c || other->h != b->x.h || other->w != b->x.w) {
        fail(b, "network builder: residual add of tensors of different shapes");
        return;
    }
    nnb_net_tensor in[2] = {b->x, *other};
    nnb_layer l;
    nnb_layer_init(&l, NNB_OP_ADD);
    join(b, name, &l, in, 2);
}

void nnb_concat(nnb_builder *b, const char *name, const nnb_net_tensor *in, size_t count)
{
    if (b->failed) return;
    int64_t c = 0;
    for (size_t i = 0; i < count; i++) {
        if (in[i].h != in[0].h || in[i].w != in[0].w) {
            fail(b, "network builder: concatenation of tensors of different sizes");
            return;
        }
        c += in[i].c;
    }
    b->x = in[0];
    b->x.c = c;
    nnb_layer l;
    nnb_layer_init(&l, NNB_OP_CONCAT);
    join(b, name, &l, in, count);
}

void nnb_spec_layer(nnb_builder *b, const char *name, const char *spec)
{
    if (b->failed) return;
    nnb_layer l;
    char err[512];
    if (nnb_spec_parse(spec, &l, err, sizeof err)) {
        fail(b, err);
        return;
    }
    add_layer(b, name, &l, true);
}
