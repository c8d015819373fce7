/* What every op shares: the checked bytes and params on top of an op's own
 * count, the tools' FLOPs figures, and the helpers two op families use. */
#include "ops/op_impl.h"
#include "util/appendf.h"
#include "util/util.h"

#include <string.h>

/* params and bytes: fp32 tensors except where the op says (int64 indices) */
static int count_bytes(const nnb_layer *l, const nnb_op_info *op, nnb_op_counts *a, char *err, size_t len)
{
    int64_t t;
    CHECKED(nnb_add_ok(a->wei_elems, a->bias_elems, &a->params));
    CHECKED(prod(&a->src_bytes, 2, a->src_elems, op->src_elem_bytes));
    CHECKED(prod(&a->dst_bytes, 2, a->dst_elems, (int64_t)4));
    CHECKED(prod(&a->wei_bytes, 2, a->wei_read_elems, (int64_t)4));
    a->bias_bytes = a->bias_elems * 4;
    CHECKED(nnb_add_ok(a->src_bytes, a->wei_bytes, &t));
    CHECKED(nnb_add_ok(t, a->bias_bytes, &t));
    CHECKED(nnb_add_ok(t, a->dst_bytes, &a->bytes_min));
    CHECKED(nnb_add_ok(a->bytes_min, a->dst_bytes, &a->bytes_write_allocate));
    /* the algorithm's buffer is written once and read once per image and group */
    CHECKED(prod(&a->bytes_algo_extra, 4, a->workspace_bytes, (int64_t)2, l->n, l->groups));
    return 0;
}

int nnb_op_count(const nnb_layer *l, nnb_op_counts *a, char *err, size_t len)
{
    memset(a, 0, sizeof *a);
    const nnb_op_info *op = nnb_op_get(l->op);
    if (!op) return nnb_errf(err, len, "unknown layer op");
    a->wei_read_elems = -1;
    if (op->count(l, a, err, len)) return -1;
    if (a->wei_read_elems < 0) a->wei_read_elems = a->wei_elems; /* a pass reads every weight */
    return count_bytes(l, op, a, err, len);
}

double nnb_op_tool_flops(const nnb_layer *l, const nnb_tool_terms *t, nnb_tool tool)
{
    const nnb_op_info *op = nnb_op_get(l->op);
    if (!op || tool < 0 || tool >= NNB_TOOL_COUNT) return -1;
    double v[NNB_TOOL_COUNT];
    for (int i = 0; i < NNB_TOOL_COUNT; i++) v[i] = -1;
    v[NNB_TOOL_NNBENCH] = t->flops;
    if (op->tools) op->tools(l, t, v);
    return v[tool];
}

/* The MAC-counting ops' rules (versions: model.c's table).
 * torch.utils.flop_counter: 2 x dense MACs, no bias (deconv input-based).
 * benchdnn: 2 x MACs over valid taps only, no bias (conv_aux.cpp count_ops).
 * fvcore: one "flop" per MAC, no bias; deconv input-based (jit_handles.py
 *   conv_flop_count: batch x prod(w) x input spatial when transposed;
 *   linear_flop_jit: prod(input) x out features).
 * ptflops 0.7.3: conv_flops_counter_hook (pytorch_ops.py:58-86) counts
 *   MACs over the output (deconv too) + out_channels per output position
 *   with bias; linear_flops_counter_hook (33-41) MACs + bias; the total is
 *   divided by the batch (pytorch_engine.py:195, compute_average_flops_cost).
 * thop 0.1.1: calculate_conv2d_flops (vision/calc_func.py:28-34) is
 *   output elements x in_c/g x taps, deconv included, no bias;
 *   count_linear (vision/basic_hooks.py:140-147) in_features x outputs. */
void nnb_op_tools_macs(const nnb_layer *l, const nnb_tool_terms *t, double v[NNB_TOOL_COUNT])
{
    v[NNB_TOOL_TORCH] = 2.0 * t->macs;
    v[NNB_TOOL_BENCHDNN] = 2.0 * t->macs_valid;
    v[NNB_TOOL_FVCORE] = t->macs;
    v[NNB_TOOL_PTFLOPS] = nnb_per_image(l, t->macs_deconv_output + t->bias_adds);
    v[NNB_TOOL_THOP] = t->macs_deconv_output;
}

int nnb_op_describe_window(const nnb_layer *l, char *buf, size_t len)
{
    const nnb_op_info *op = nnb_op_get(l->op);
    size_t o = 0;
    nnb_appendf(buf, len, &o, "%s %lldx%lldx%lldx%lld -> %lldx%lldx%lldx%lld, %lldx%lld", op->kv_name,
                (long long)l->n, (long long)l->c, (long long)l->h, (long long)l->w, (long long)l->n, (long long)l->k,
                (long long)l->oh, (long long)l->ow, (long long)l->kh, (long long)l->kw);
    if (l->sh == l->sw) nnb_appendf(buf, len, &o, " s%lld", (long long)l->sh);
    else nnb_appendf(buf, len, &o, " s%lldx%lld", (long long)l->sh, (long long)l->sw);
    if (l->pt == l->pb && l->pl == l->pr && l->pt == l->pl) nnb_appendf(buf, len, &o, " p%lld", (long long)l->pt);
    else nnb_appendf(buf, len, &o, " p%lld,%lld,%lld,%lld", (long long)l->pt, (long long)l->pl, (long long)l->pb,
                     (long long)l->pr);
    if (l->dh != 1 || l->dw != 1) nnb_appendf(buf, len, &o, " d%lld", (long long)l->dh);
    if (l->groups != 1) nnb_appendf(buf, len, &o, " g%lld", (long long)l->groups);
    if (l->oph || l->opw) nnb_appendf(buf, len, &o, " op%lld", (long long)l->oph);
    if (l->ceil_mode) nnb_appendf(buf, len, &o, " ceil");
    if (l->bias && (op->kv_fields & NNB_F_BIAS)) nnb_appendf(buf, len, &o, " +bias");
    return o < len ? 0 : -1;
}

int nnb_op_shape_sequence(nnb_layer *l, char *err, size_t len)
{
    (void)err;
    (void)len;
    l->kh = l->kw = 1;
    l->oh = l->h;
    l->ow = 1;
    l->w = 1;
    return 0;
}

int64_t nnb_op_accum_one(const nnb_layer *l)
{
    (void)l;
    return 1;
}

/* The count a CHECKED expression computes into: prod()'s first argument,
 * nnb_add_ok()'s / nnb_mul_ok()'s last, without "&" and "a->". */
static void overflow_target(const char *expr, char *name, size_t size)
{
    const char *open = strchr(expr, '('), *p = open ? open + 1 : expr;
    if (strncmp(expr, "prod(", 5) != 0) {
        const char *comma = strrchr(expr, ',');
        if (comma) p = comma + 1;
    }
    while (*p == ' ' || *p == '&') p++;
    if (strncmp(p, "a->", 3) == 0) p += 3;
    size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz_");
    snprintf(name, size, "%.*s", (int)n, p);
}

void nnb_op_overflow(const nnb_layer *l, const char *expr, char *err, size_t len)
{
    static const struct { const char *name, *words; } counts[] = {
        {"src_elems", "the input's element count"},   {"dst_elems", "the output's element count"},
        {"wei_elems", "the weights' element count"},  {"wei_read_elems", "the weight elements read"},
        {"macs", "the MAC count"},                    {"macs_valid", "the valid-tap MAC count"},
        {"macs_out", "the MAC count"},                {"flops", "the FLOP count"},
        {"params", "the parameter count"},            {"src_bytes", "the input's size in bytes"},
        {"dst_bytes", "the output's size in bytes"},  {"wei_bytes", "the weights' size in bytes"},
        {"bytes_min", "the minimum bytes moved"},     {"workspace_bytes", "the workspace size in bytes"},
        {"bias_adds", "the bias adds"},
    };
    if (!err || !len) return;
    char name[32];
    overflow_target(expr, name, sizeof name);
    const char *words = "an intermediate count of the layer";
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
        if (strcmp(name, counts[i].name) == 0) words = counts[i].words;
    snprintf(err, len, "%s: sizes overflow 64-bit counts: %s does not fit in 64 bits", nnb_op_name(l->op), words);
}
