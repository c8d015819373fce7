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

/* nn.LSTM(batch_first=True), nnbench's [n][steps][c] layout. Per step and
 * sample both tools count the gate GEMMs' MACs (4k x (c+k)) and the bias
 * adds (8k with bias), and differ in the element-wise work:
 * ptflops 0.7.3: rnn_flops (pytorch_ops.py:99-121) adds 4k (adding the two
 *   states) + 3k (cell) + 3k (final) = 10k; rnn_flops_counter_hook (124-154)
 *   adds the bias vectors and multiplies by the input's first two dims;
 *   the total is divided by the batch counter, len(input) = N here (with
 *   batch_first=False it would divide by the steps).
 * thop 0.1.1: _count_lstm_cell (rnn_hooks.py:56-75) 4 x ((c+k)k + k [+2k])
 *   + 3k + k = MACs + 8k [+ 8k bias]; count_lstm (161-195) x steps x batch.
 * fvcore 0.1.5 has no aten::lstm handle (flop_count.py:26-44): 0. */
static void lstm_tools(const nnb_layer *l, const nnb_tool_terms *t, double v[NNB_TOOL_COUNT])
{
    v[NNB_TOOL_PTFLOPS] = nnb_per_image(l, t->macs + 10.0 * t->dst_elems + t->bias_adds);
    v[NNB_TOOL_THOP] = t->macs + 8.0 * t->dst_elems + t->bias_adds;
    v[NNB_TOOL_FVCORE] = 0;
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
    .op = NNB_OP_LSTM, .name = "lstm", .kv_name = "lstm", .torch_class = "LSTM",
    .kv_fields = NNB_F_COMMON | NNB_F_K | NNB_F_BIAS,
    .bias_default = true, .k_required = "output channels k=",
    .shape = nnb_op_shape_sequence,
    .src_elem_bytes = 4, .count = lstm_count, .tools = lstm_tools,
    .flops_rule = "2 x MACs + bias adds + cell update",
    .macs_in_total = true,
    .shapes = lstm_shapes, .accum_len = lstm_accum_len,
    .rf = NNB_RF_NONE, .describe = lstm_describe,
    .presets = NNB_PRESETS({"lstm", "lstm:c=256,k=512,h=32", "LSTM layer: input 256, hidden 512, 32 steps"}),
};
