/* What the network ops around the convolutions share (eltwise.h). */
#include "ops/eltwise.h"
#include "util/appendf.h"

#include <string.h>

int nnb_eltwise_shape(nnb_layer *l, char *err, size_t len)
{
    (void)err;
    (void)len;
    l->kh = l->kw = 1;
    l->oh = l->h;
    l->ow = l->w;
    return 0;
}

int nnb_eltwise_count(const nnb_layer *l, nnb_op_counts *a, char *err, size_t len)
{
    CHECKED(prod(&a->src_elems, 4, l->n, l->c, l->h, l->w));
    a->dst_elems = a->src_elems;
    return 0;
}

void nnb_eltwise_shapes(const nnb_layer *l, nnb_op_shapes *s)
{
    s->src = nnb_shape4(l->n, l->c, l->h, l->w);
    s->wei = (nnb_shape){0, {0}};
    s->dst = nnb_shape4(l->n, l->k, l->oh, l->ow);
}

int nnb_eltwise_describe(const nnb_layer *l, char *buf, size_t len)
{
    size_t o = 0;
    nnb_appendf(buf, len, &o, "%s %lldx%lldx%lldx%lld", nnb_op_get(l->op)->kv_name, (long long)l->n, (long long)l->c,
                (long long)l->h, (long long)l->w);
    return o < len ? 0 : -1;
}

void nnb_eltwise_tools_zero(const nnb_layer *l, const nnb_tool_terms *t, double v[NNB_TOOL_COUNT])
{
    (void)l;
    (void)t;
    v[NNB_TOOL_PTFLOPS] = 0;
    v[NNB_TOOL_THOP] = 0;
    v[NNB_TOOL_FVCORE] = 0;
}

void nnb_eltwise_ref_copy(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    (void)l;
    (void)ws;
    memcpy(t->dst, t->src, (size_t)t->dst_elems * sizeof *t->dst);
}
