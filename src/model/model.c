/* Analytic model: every integer count comes checked from the op's
 * descriptor (ops/); here the ratios, the footprint, the named conventions
 * and the receptive field. */
#include "nnbench/model.h"
#include "ops/op.h"

#include <string.h>

int nnb_model_analyze(const nnb_layer *l, nnb_analytic *a, char *err, size_t errlen)
{
    memset(a, 0, sizeof *a);
    nnb_op_counts c;
    if (nnb_op_count(l, &c, err, errlen)) return -1;
    a->src_elems = c.src_elems;
    a->wei_elems = c.wei_elems;
    a->bias_elems = c.bias_elems;
    a->dst_elems = c.dst_elems;
    a->params = c.params;
    a->macs = c.macs;
    a->flops = c.flops;
    a->macs_valid = c.macs_valid;
    a->macs_deconv_output = c.macs_deconv_output;
    a->bias_adds = c.bias_adds;
    a->src_bytes = c.src_bytes;
    a->wei_bytes = c.wei_bytes;
    a->bias_bytes = c.bias_bytes;
    a->dst_bytes = c.dst_bytes;
    a->bytes_min = c.bytes_min;
    a->bytes_write_allocate = c.bytes_write_allocate;
    a->workspace_bytes = c.workspace_bytes;
    a->bytes_algo_extra = c.bytes_algo_extra;
    a->ai = a->bytes_min ? (double)a->flops / (double)a->bytes_min : 0.0;
    a->ai_write_allocate = a->bytes_write_allocate ? (double)a->flops / (double)a->bytes_write_allocate : 0.0;

    const double mib = 1024.0 * 1024.0;
    a->input_mb = (double)a->src_elems * 4.0 / mib;
    a->pass_mb = 2.0 * (double)a->dst_elems * 4.0 / mib; /* torchsummary: forward + backward */
    a->params_mb = (double)a->params * 4.0 / mib;
    a->total_mb = a->input_mb + a->pass_mb + a->params_mb;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Named conventions: what each tool or seed reports as its FLOPs figure.
 * The list is data; each op's rule for each tool lives with the op
 * (nnb_op_info.tools), -1 where the tool has no rule for it. */

static double tool_flops(nnb_tool tool, const nnb_layer *l, const nnb_analytic *a)
{
    nnb_tool_terms t = {
        .flops = (double)a->flops, .macs = (double)a->macs, .macs_valid = (double)a->macs_valid,
        .macs_deconv_output = (double)a->macs_deconv_output, .bias_adds = (double)a->bias_adds,
        .src_elems = (double)a->src_elems, .dst_elems = (double)a->dst_elems,
    };
    return nnb_op_tool_flops(l, &t, tool);
}

/* nnb_convention.flops for one tool */
#define TOOL_FLOPS(fn, tool) \
    static double fn(const nnb_layer *l, const nnb_analytic *a) { return tool_flops(tool, l, a); }
TOOL_FLOPS(flops_nnbench, NNB_TOOL_NNBENCH)
TOOL_FLOPS(flops_torch, NNB_TOOL_TORCH)
TOOL_FLOPS(flops_benchdnn, NNB_TOOL_BENCHDNN)
TOOL_FLOPS(flops_fvcore, NNB_TOOL_FVCORE)
TOOL_FLOPS(flops_ptflops, NNB_TOOL_PTFLOPS)
TOOL_FLOPS(flops_thop, NNB_TOOL_THOP)
TOOL_FLOPS(flops_seed000, NNB_TOOL_SEED000)
TOOL_FLOPS(flops_seed001, NNB_TOOL_SEED001)
TOOL_FLOPS(flops_seed003, NNB_TOOL_SEED003)

/* models: the tool and version whose source the op rules follow (each
 * described by its formula and source in docs/conventions.md) (tested
 * against the packages by tests/test_conventions_tools.py where PyPI has
 * them; scripts/make_venv.sh pins the same versions). */
static const nnb_convention conventions[] = {
    {"nnbench", "nnbench", "2 x dense MACs + bias adds (deconv input-based)", flops_nnbench, true},
    {"torch", "torch >= 2.1 (unchecked)",
     "torch.utils.flop_counter (absent from Debian's torch 1.13): 2 x dense MACs, no bias (deconv input-based)",
     flops_torch, true},
    {"benchdnn", "benchdnn (oneDNN 515bfba)", "2 x MACs over valid (in-bounds) taps only, no bias", flops_benchdnn,
     true},
    {"fvcore", "fvcore 0.1.5.post20221221",
     "one flop per MAC, no bias (deconv input-based); BN 2 per element; ops it has no handle for "
     "(pooling, LSTM, embedding) 0", flops_fvcore, false},
    {"ptflops", "ptflops 0.7.3",
     "pytorch backend, mean per image (total / batch): MACs + bias (deconv output-based); pooling counted twice",
     flops_ptflops, false},
    {"thop", "thop 0.1.1.post2209072238", "MACs over the output, no bias (deconv output-based); BN 4 per element",
     flops_thop, false},
    {"seed000", "seed000 (ML/DL notes 1.1)", "B*O*C*(C-1)*Hout*Wout*(2k^2-1) (wrong C*(C-1) factor)", flops_seed000, true},
    {"seed001", "seed001 (calc. exercises)", "outputs*Cin*k^2 multiplies + as many adds", flops_seed001, true},
    {"seed003", "seed003 (params & FLOPs)", "MACs + Cout, called FLOPs", flops_seed003, true},
};

const nnb_convention *nnb_conventions(size_t *count)
{
    *count = sizeof conventions / sizeof conventions[0];
    return conventions;
}

/* ------------------------------------------------------------------ */
/* Receptive field (seed 001, generalised to dilation and padding). */

void nnb_rf_init(nnb_rf *r)
{
    r->rf_h = r->rf_w = 1;
    r->jump_h = r->jump_w = 1;
    r->start_h = r->start_w = 0.5;
}

int nnb_rf_apply(nnb_rf *r, const nnb_layer *l)
{
    const nnb_op_info *op = nnb_op_get(l->op);
    if (!op || op->rf == NNB_RF_NONE) return -1;
    if (op->rf == NNB_RF_IDENTITY) return 0;
    int64_t eh = nnb_extent(l->kh, l->dh), ew = nnb_extent(l->kw, l->dw);
    r->start_h += ((double)(eh - 1) / 2.0 - (double)l->pt) * (double)r->jump_h;
    r->start_w += ((double)(ew - 1) / 2.0 - (double)l->pl) * (double)r->jump_w;
    r->rf_h += (eh - 1) * r->jump_h;
    r->rf_w += (ew - 1) * r->jump_w;
    r->jump_h *= l->sh;
    r->jump_w *= l->sw;
    return 0;
}

int64_t nnb_rf_topdown_h(const nnb_layer *layers, size_t count)
{
    int64_t rf = 1;
    for (size_t i = count; i-- > 0;) rf = (rf - 1) * layers[i].sh + nnb_extent(layers[i].kh, layers[i].dh);
    return rf;
}
