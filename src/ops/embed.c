/* Embedding (PyTorch nn.Embedding): c = vocabulary, k = dim, h = tokens per
 * sample (w unused). Indices are int64 as in PyTorch; a lookup reads only the
 * rows it needs and computes nothing. */
#include "ops/op_impl.h"
#include "util/appendf.h"

static int embed_count(const nnb_layer *l, nnb_op_counts *a, char *err, size_t len)
{
    CHECKED(prod(&a->src_elems, 2, l->n, l->h));
    CHECKED(prod(&a->dst_elems, 3, l->n, l->h, l->k));
    CHECKED(prod(&a->wei_elems, 2, l->c, l->k));
    /* only the rows looked up must be read */
    int64_t rows = a->src_elems < l->c ? a->src_elems : l->c;
    CHECKED(prod(&a->wei_read_elems, 2, rows, l->k));
    return 0;
}

/* nn.Embedding has no rule in any of the three: ptflops 0.7.3 (not in
 * MODULES_MAPPING, pytorch_ops.py:265-315), thop 0.1.1 (not in
 * register_hooks, profile.py:21-66), fvcore 0.1.5 (aten::embedding
 * unsupported, flop_count.py:26-44) all report 0. */
static void embed_tools(const nnb_layer *l, const nnb_tool_terms *t, double v[NNB_TOOL_COUNT])
{
    (void)l;
    (void)t;
    v[NNB_TOOL_PTFLOPS] = v[NNB_TOOL_THOP] = v[NNB_TOOL_FVCORE] = 0;
}

static void embed_shapes(const nnb_layer *l, nnb_op_shapes *s)
{
    s->src = (nnb_shape){2, {l->n, l->h}};
    s->wei = (nnb_shape){2, {l->c, l->k}};
    s->dst = (nnb_shape){3, {l->n, l->h, l->k}};
}

static int embed_describe(const nnb_layer *l, char *buf, size_t len)
{
    size_t o = 0;
    nnb_appendf(buf, len, &o, "embed vocab%lld dim%lld, %lldx%lld tokens", (long long)l->c, (long long)l->k,
                (long long)l->n, (long long)l->h);
    return o < len ? 0 : -1;
}

const nnb_op_info nnb_op_embed = {
    .op = NNB_OP_EMBED, .name = "embed", .kv_name = "embed", .torch_class = "Embedding",
    .kv_fields = NNB_F_COMMON | NNB_F_K,
    .k_required = "embedding dim k=", .no_bias = "embed has no bias flag",
    .shape = nnb_op_shape_sequence,
    .src_elem_bytes = 8, .count = embed_count, .tools = embed_tools,
    .flops_rule = "no arithmetic",
    .shapes = embed_shapes, .accum_len = nnb_op_accum_one,
    .rf = NNB_RF_NONE, .describe = embed_describe,
    .presets = NNB_PRESETS({"embed", "embed:c=30000,k=512,h=128", "embedding: vocabulary 30000, dim 512, 128 tokens"}),
};
