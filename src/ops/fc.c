/* Fully connected (PyTorch Linear over the flattened c*h*w input; benchdnn's
 * ip). Weights [k][c*h*w]. */
#include "ops/onnx_rule.h"
#include "ops/op_impl.h"
#include "util/appendf.h"

/* the layer sees the flattened input as one window: no stride, no padding */
static int fc_shape(nnb_layer *l, char *err, size_t len)
{
    (void)err;
    (void)len;
    l->kh = l->h;
    l->kw = l->w;
    l->sh = l->sw = 1;
    l->pt = l->pl = l->pb = l->pr = 0;
    l->oh = l->ow = 1;
    return 0;
}

static int fc_count(const nnb_layer *l, nnb_op_counts *a, char *err, size_t len)
{
    int64_t in, t;
    CHECKED(prod(&in, 3, l->c, l->h, l->w));
    CHECKED(prod(&a->src_elems, 2, l->n, in));
    CHECKED(prod(&a->wei_elems, 2, l->k, in));
    CHECKED(prod(&a->dst_elems, 2, l->n, l->k));
    a->bias_elems = l->bias ? l->k : 0;
    CHECKED(prod(&a->macs, 3, l->n, l->k, in));
    a->macs_valid = a->macs_deconv_output = a->macs;
    a->bias_adds = l->bias ? a->dst_elems : 0;
    CHECKED(prod(&t, 2, a->macs, (int64_t)2));
    CHECKED(nnb_add_ok(t, a->bias_adds, &a->flops));
    return 0;
}

/* seed 003: "FLOPs = F x Cin x Cout + Cout": MACs plus one bias per output */
static void fc_tools(const nnb_layer *l, const nnb_tool_terms *t, double v[NNB_TOOL_COUNT])
{
    nnb_op_tools_macs(l, t, v);
    v[NNB_TOOL_SEED003] = t->macs + (l->bias ? (double)l->k : 0.0);
}

static void fc_shapes(const nnb_layer *l, nnb_op_shapes *s)
{
    s->src = nnb_shape4(l->n, l->c, l->h, l->w);
    s->wei = (nnb_shape){2, {l->k, l->c * l->h * l->w}};
    s->dst = (nnb_shape){2, {l->n, l->k}};
}

static int64_t fc_accum_len(const nnb_layer *l) { return l->c * l->h * l->w; }

static int fc_describe(const nnb_layer *l, char *buf, size_t len)
{
    size_t o = 0;
    nnb_appendf(buf, len, &o, "fc %lldx%lld -> %lldx%lld%s", (long long)l->n, (long long)(l->c * l->h * l->w),
                (long long)l->n, (long long)l->k, l->bias ? " +bias" : "");
    return o < len ? 0 : -1;
}

/* the reference loops (the oracle): each output sums c*h*w products in order */
static void ref_fc(const nnb_layer *l, const nnb_tensors *t)
{
    const int64_t len = l->c * l->h * l->w;
    for (int64_t n = 0; n < l->n; n++)
        for (int64_t o = 0; o < l->k; o++) {
            float sum = 0.0f;
            for (int64_t i = 0; i < len; i++) sum += t->src[n * len + i] * t->wei[o * len + i];
            if (l->bias) sum += t->bias[o];
            t->dst[n * l->k + o] = sum;
        }
}

static void ref_fc_run(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    (void)ws;
    ref_fc(l, t);
}

const nnb_op_info nnb_op_fc = {
    .op = NNB_OP_FC, .name = "fc", .kv_name = "fc", .torch_class = "Linear",
    .kv_fields = NNB_F_COMMON | NNB_F_W | NNB_F_K | NNB_F_BIAS,
    .bias_default = true, .k_required = "output channels k=",
    .shape = fc_shape,
    .src_elem_bytes = 4, .count = fc_count, .tools = fc_tools,
    .flops_rule = "2 x MACs", .flops_rule_bias = "2 x MACs + bias adds",
    .macs_in_total = true,
    .shapes = fc_shapes, .accum_len = fc_accum_len,
    .rf = NNB_RF_NONE, .describe = fc_describe,
    .ref = ref_fc_run,
    .presets = NNB_PRESETS({"fc", "fc:c=9216,k=4096", "AlexNet fc6: 9216 -> 4096"}),
    .onnx = NNB_ONNX(&nnb_onnx_gemm, &nnb_onnx_matmul),
};
