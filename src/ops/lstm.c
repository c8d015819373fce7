/* One LSTM layer (PyTorch nn.LSTM, one layer, one direction): c = input size,
 * k = hidden size, h = time steps (w unused). W_ih [4k][c], W_hh [4k][k],
 * b_ih and b_hh [4k]. */
#include "ops/op_impl.h"
#include "util/appendf.h"

static int lstm_count(const nnb_layer *l, nnb_op_counts *a, char *err, size_t len)
{
    int64_t steps, ck, t, ew;
    CHECKED(prod(&steps, 2, l->n, l->h));
    CHECKED(prod(&a->src_elems, 2, steps, l->c));
    CHECKED(prod(&a->dst_elems, 2, steps, l->k));
    CHECKED(nnb_add_ok(l->c, l->k, &ck));
    CHECKED(prod(&a->wei_elems, 3, (int64_t)4, l->k, ck));
    a->bias_elems = l->bias ? 8 * l->k : 0;
    CHECKED(prod(&a->macs, 4, steps, (int64_t)4, l->k, ck));
    a->macs_valid = a->macs_deconv_output = a->macs;
    /* both bias vectors added to the 4k gate pre-activations each step */
    CHECKED(prod(&a->bias_adds, 3, steps, (int64_t)8, l->k));
    if (!l->bias) a->bias_adds = 0;
    /* gate GEMMs + bias adds + cell update c' = f*c + i*g (2 mul, 1 add)
     * and h = o*tanh(c') (1 mul); sigmoid/tanh are not counted as FLOPs */
    CHECKED(prod(&t, 2, a->macs, (int64_t)2));
    CHECKED(prod(&ew, 2, a->dst_elems, (int64_t)4));
    CHECKED(nnb_add_ok(t, a->bias_adds, &t));
    CHECKED(nnb_add_ok(t, ew, &a->flops));
    return 0;
}

static void lstm_shapes(const nnb_layer *l, nnb_op_shapes *s)
{
    s->src = (nnb_shape){3, {l->n, l->h, l->c}};
    s->wei = (nnb_shape){2, {4 * l->k, l->c + l->k}};
    s->dst = (nnb_shape){3, {l->n, l->h, l->k}};
}

/* a gate pre-activation sums the input and the previous hidden state */
static int64_t lstm_accum_len(const nnb_layer *l) { return l->c + l->k; }

static int lstm_describe(const nnb_layer *l, char *buf, size_t len)
{
    size_t o = 0;
    nnb_appendf(buf, len, &o, "lstm n%lld steps%lld in%lld -> hidden%lld%s", (long long)l->n, (long long)l->h,
                (long long)l->c, (long long)l->k, l->bias ? " +bias" : "");
    return o < len ? 0 : -1;
}

const nnb_op_info nnb_op_lstm = {
    .op = NNB_OP_LSTM, .name = "lstm", .kv_name = "lstm",
    .kv_fields = NNB_F_COMMON | NNB_F_K | NNB_F_BIAS,
    .bias_default = true, .k_required = "output channels k=",
    .shape = nnb_op_shape_sequence,
    .src_elem_bytes = 4, .count = lstm_count,
    .flops_rule = "2 x MACs + bias adds + cell update",
    .macs_in_total = true,
    .shapes = lstm_shapes, .accum_len = lstm_accum_len,
    .rf = NNB_RF_NONE, .describe = lstm_describe,
};
