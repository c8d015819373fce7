/* Canonical strings of a finalized layer: key=value (round-trips through
 * nnb_spec_parse), benchdnn, and one human line. Which keys an op's form
 * carries comes from its descriptor. */
#include "spec/spec.h"
#include "spec/syntax.h"
#include "util/appendf.h"

#include <stdio.h>
#include <string.h>

/* kh/kw, stride, padding, dilation: one value when both axes agree */
static void put_window(const nnb_layer *l, char *buf, size_t len, size_t *o)
{
    if (l->kh == l->kw) nnb_appendf(buf, len, o, ",r=%lld", (long long)l->kh);
    else nnb_appendf(buf, len, o, ",kh=%lld,kw=%lld", (long long)l->kh, (long long)l->kw);
    if (l->sh == l->sw) nnb_appendf(buf, len, o, ",stride=%lld", (long long)l->sh);
    else nnb_appendf(buf, len, o, ",sh=%lld,sw=%lld", (long long)l->sh, (long long)l->sw);
    if (l->pt == l->pb && l->pt == l->pl && l->pt == l->pr) nnb_appendf(buf, len, o, ",pad=%lld", (long long)l->pt);
    else nnb_appendf(buf, len, o, ",pt=%lld,pb=%lld,pl=%lld,pr=%lld", (long long)l->pt, (long long)l->pb,
                     (long long)l->pl, (long long)l->pr);
    if (l->dh == l->dw) nnb_appendf(buf, len, o, ",dil=%lld", (long long)l->dh);
    else nnb_appendf(buf, len, o, ",dh=%lld,dw=%lld", (long long)l->dh, (long long)l->dw);
}

int nnb_spec_format_kv(const nnb_layer *l, char *buf, size_t len)
{
    const nnb_op_info *op = nnb_op_get(l->op);
    if (!op) {
        snprintf(buf, len, "?");
        return -1;
    }
    const unsigned f = op->kv_fields;
    size_t o = 0;
    nnb_appendf(buf, len, &o, "%s:n=%lld,c=%lld,h=%lld", op->kv_name, (long long)l->n, (long long)l->c, (long long)l->h);
    if (f & NNB_F_W) nnb_appendf(buf, len, &o, ",w=%lld", (long long)l->w);
    if (f & NNB_F_K) nnb_appendf(buf, len, &o, ",k=%lld", (long long)l->k);
    if (f & NNB_F_KH) put_window(l, buf, len, &o);
    if (f & NNB_F_G) nnb_appendf(buf, len, &o, ",g=%lld", (long long)l->groups);
    if (f & NNB_F_OPH) {
        if (l->oph == l->opw) nnb_appendf(buf, len, &o, ",outpad=%lld", (long long)l->oph);
        else nnb_appendf(buf, len, &o, ",oph=%lld,opw=%lld", (long long)l->oph, (long long)l->opw);
    }
    if (f & NNB_F_OH) nnb_appendf(buf, len, &o, ",oh=%lld,ow=%lld", (long long)l->oh, (long long)l->ow);
    if (f & NNB_F_CEIL) nnb_appendf(buf, len, &o, ",ceil=%d", l->ceil_mode ? 1 : 0);
    if (f & NNB_F_INCL) nnb_appendf(buf, len, &o, ",include_pad=%d", l->count_include_pad ? 1 : 0);
    if (f & NNB_F_BIAS) nnb_appendf(buf, len, &o, ",bias=%d", l->bias ? 1 : 0);
    return o < len ? 0 : -1;
}

int nnb_spec_format_benchdnn(const nnb_layer *l, char *buf, size_t len)
{
    const nnb_op_info *op = nnb_op_get(l->op);
    if (!op || !op->benchdnn_driver) {
        snprintf(buf, len, "-");
        return -1;
    }
    size_t o = 0;
    if (strcmp(op->benchdnn_driver, NNB_SPEC_DEFAULT_DRIVER) != 0) nnb_appendf(buf, len, &o, "%s:", op->benchdnn_driver);
    if (l->groups > 1) nnb_appendf(buf, len, &o, "g%lld", (long long)l->groups);
    nnb_appendf(buf, len, &o, "mb%lldic%lldih%lldiw%lldoc%lldoh%lldow%lldkh%lldkw%lld", (long long)l->n,
                (long long)l->c, (long long)l->h, (long long)l->w, (long long)l->k, (long long)l->oh, (long long)l->ow,
                (long long)l->kh, (long long)l->kw);
    if (l->sh != 1 || l->sw != 1) nnb_appendf(buf, len, &o, "sh%lldsw%lld", (long long)l->sh, (long long)l->sw);
    nnb_appendf(buf, len, &o, "ph%lldpw%lld", (long long)l->pt, (long long)l->pl);
    if (l->dh != 1 || l->dw != 1)
        nnb_appendf(buf, len, &o, "dh%llddw%lld", (long long)(l->dh - 1), (long long)(l->dw - 1));
    return o < len ? 0 : -1;
}

int nnb_spec_format_human(const nnb_layer *l, char *buf, size_t len)
{
    const nnb_op_info *op = nnb_op_get(l->op);
    if (!op) {
        snprintf(buf, len, "?");
        return -1;
    }
    return op->describe(l, buf, len);
}
