/* Analytic model: shapes are derived in layer.c; here every count is
 * computed with checked 64-bit arithmetic so a layer that overflows is
 * refused instead of reported wrong. */
#include "nnbench/model.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

bool nnb_mul_ok(int64_t a, int64_t b, int64_t *r)
{
    int64_t t;
    if (__builtin_mul_overflow(a, b, &t)) return false;
    *r = t;
    return true;
}

bool nnb_add_ok(int64_t a, int64_t b, int64_t *r)
{
    int64_t t;
    if (__builtin_add_overflow(a, b, &t)) return false;
    *r = t;
    return true;
}

/* Product of up to 8 factors, false on overflow. */
static bool prod(int64_t *r, int count, ...)
{
    va_list ap;
    va_start(ap, count);
    int64_t acc = 1;
    bool ok = true;
    for (int i = 0; i < count; i++) {
        int64_t f = va_arg(ap, int64_t);
        if (ok && !nnb_mul_ok(acc, f, &acc)) ok = false;
    }
    va_end(ap);
    if (ok) *r = acc;
    return ok;
}

/* Number of (output position, tap) pairs along one axis whose input
 * coordinate o*s - p + r*d lies inside [0, in): benchdnn's valid taps. */
static int64_t valid_taps_conv(int64_t in, int64_t out, int64_t k, int64_t s, int64_t p, int64_t d)
{
    int64_t total = 0;
    for (int64_t r = 0; r < k; r++) {
        int64_t lo, hi;
        nnb_valid_out_range(in, out, r, s, p, d, &lo, &hi);
        total += hi - lo;
    }
    return total;
}

/* Deconv scatter: input i through tap r writes output i*s - p + r*d. */
static int64_t valid_taps_deconv(int64_t in, int64_t out, int64_t k, int64_t s, int64_t p, int64_t d)
{
    int64_t total = 0;
    for (int64_t i = 0; i < in; i++)
        for (int64_t r = 0; r < k; r++) {
            int64_t o = i * s - p + r * d;
            total += (o >= 0 && o < out);
        }
    return total;
}

#define CHECKED(expr)                                                              \
    do {                                                                           \
        if (!(expr)) {                                                             \
            if (err && errlen)                                                     \
                snprintf(err, errlen, "%s: sizes overflow 64-bit counts (%s)",     \
                         nnb_op_name(l->op), #expr);                               \
            return -1;                                                             \
        }                                                                          \
    } while (0)

int nnb_model_analyze(const nnb_layer *l, nnb_analytic *a, char *err, size_t errlen)
{
    memset(a, 0, sizeof *a);
    const int64_t g = l->groups;
    int64_t t = 0;

    switch (l->op) {
    case NNB_OP_CONV:
    case NNB_OP_DECONV: {
        const bool de = l->op == NNB_OP_DECONV;
        CHECKED(prod(&a->src_elems, 4, l->n, l->c, l->h, l->w));
        CHECKED(prod(&a->dst_elems, 4, l->n, l->k, l->oh, l->ow));
        /* conv [k][c/g][kh][kw]; deconv [c][k/g][kh][kw] */
        CHECKED(prod(&a->wei_elems, 4, de ? l->c : l->k, de ? l->k / g : l->c / g, l->kh, l->kw));
        a->bias_elems = l->bias ? l->k : 0;
        /* dense over the output: every output element times every tap */
        int64_t macs_out;
        CHECKED(prod(&macs_out, 4, a->dst_elems, l->c / g, l->kh, l->kw));
        if (de) {
            /* input-based: each input element scattered through k/g*kh*kw taps */
            CHECKED(prod(&a->macs, 4, a->src_elems, l->k / g, l->kh, l->kw));
            int64_t vh = valid_taps_deconv(l->h, l->oh, l->kh, l->sh, l->pt, l->dh);
            int64_t vw = valid_taps_deconv(l->w, l->ow, l->kw, l->sw, l->pl, l->dw);
            CHECKED(prod(&a->macs_valid, 5, l->n, l->c, l->k / g, vh, vw));
            /* the im2col-like buffer of GEMM + col2im: [k/g*kh*kw][h*w] */
            CHECKED(prod(&a->workspace_bytes, 6, l->k / g, l->kh, l->kw, l->h, l->w, (int64_t)4));
        } else {
            a->macs = macs_out;
            int64_t vh = valid_taps_conv(l->h, l->oh, l->kh, l->sh, l->pt, l->dh);
            int64_t vw = valid_taps_conv(l->w, l->ow, l->kw, l->sw, l->pl, l->dw);
            CHECKED(prod(&a->macs_valid, 5, l->n, l->k, l->c / g, vh, vw));
            bool pointwise = l->kh == 1 && l->kw == 1 && l->sh == 1 && l->sw == 1 && l->pt == 0 &&
                             l->pl == 0 && l->pb == 0 && l->pr == 0;
            if (!pointwise)
                CHECKED(prod(&a->workspace_bytes, 6, l->c / g, l->kh, l->kw, l->oh, l->ow, (int64_t)4));
        }
        a->macs_deconv_output = macs_out;
        a->bias_adds = l->bias ? a->dst_elems : 0;
        /* the buffer is written once and read once per image and group */
        CHECKED(prod(&a->bytes_algo_extra, 4, a->workspace_bytes, (int64_t)2, l->n, g));
        break;
    }
    case NNB_OP_FC: {
        int64_t in;
        CHECKED(prod(&in, 3, l->c, l->h, l->w));
        CHECKED(prod(&a->src_elems, 2, l->n, in));
        CHECKED(prod(&a->wei_elems, 2, l->k, in));
        CHECKED(prod(&a->dst_elems, 2, l->n, l->k));
        a->bias_elems = l->bias ? l->k : 0;
        CHECKED(prod(&a->macs, 3, l->n, l->k, in));
        a->macs_valid = a->macs_deconv_output = a->macs;
        a->bias_adds = l->bias ? a->dst_elems : 0;
        break;
    }
    case NNB_OP_POOL_MAX:
    case NNB_OP_POOL_AVG:
        CHECKED(prod(&a->src_elems, 4, l->n, l->c, l->h, l->w));
        CHECKED(prod(&a->dst_elems, 4, l->n, l->c, l->oh, l->ow));
        break;
    case NNB_OP_BN:
        CHECKED(prod(&a->src_elems, 4, l->n, l->c, l->h, l->w));
        a->dst_elems = a->src_elems;
        a->wei_elems = 2 * l->c; /* gamma, beta (inference: folded scale and shift) */
        break;
    case NNB_OP_LSTM: {
        /* PyTorch nn.LSTM, one layer: W_ih [4k][c], W_hh [4k][k], b_ih and b_hh [4k] */
        int64_t steps, ck;
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
        break;
    }
    case NNB_OP_EMBED:
        CHECKED(prod(&a->src_elems, 2, l->n, l->h));
        CHECKED(prod(&a->dst_elems, 3, l->n, l->h, l->k));
        CHECKED(prod(&a->wei_elems, 2, l->c, l->k));
        break;
    default:
        if (err && errlen) snprintf(err, errlen, "unknown layer op");
        return -1;
    }

    CHECKED(nnb_add_ok(a->wei_elems, a->bias_elems, &a->params));

    /* FLOPs. conv/deconv/fc: one multiply and one add per MAC, plus the bias
     * add per output element (DESIGN.md). Others: see each case. */
    switch (l->op) {
    case NNB_OP_CONV:
    case NNB_OP_DECONV:
    case NNB_OP_FC:
        CHECKED(prod(&t, 2, a->macs, (int64_t)2));
        CHECKED(nnb_add_ok(t, a->bias_adds, &a->flops));
        break;
    case NNB_OP_POOL_MAX: /* one max per window tap, from a -inf start (as executed) */
        CHECKED(prod(&a->flops, 3, a->dst_elems, l->kh, l->kw));
        break;
    case NNB_OP_POOL_AVG: /* one add per window tap from zero, and one divide */
        CHECKED(prod(&a->flops, 2, a->dst_elems, l->kh * l->kw + 1));
        break;
    case NNB_OP_BN: /* y = x*scale + shift */
        CHECKED(prod(&a->flops, 2, a->src_elems, (int64_t)2));
        break;
    case NNB_OP_LSTM: {
        /* gate GEMMs + bias adds + cell update c' = f*c + i*g (2 mul, 1 add)
         * and h = o*tanh(c') (1 mul); sigmoid/tanh are not counted as FLOPs */
        int64_t ew;
        CHECKED(prod(&t, 2, a->macs, (int64_t)2));
        CHECKED(prod(&ew, 2, a->dst_elems, (int64_t)4));
        CHECKED(nnb_add_ok(t, a->bias_adds, &t));
        CHECKED(nnb_add_ok(t, ew, &a->flops));
        break;
    }
    default:
        a->flops = 0;
        break;
    }

    /* Bytes: fp32 everywhere, except embedding indices (int64 as in PyTorch). */
    CHECKED(prod(&a->src_bytes, 2, a->src_elems, (int64_t)(l->op == NNB_OP_EMBED ? 8 : 4)));
    CHECKED(prod(&a->dst_bytes, 2, a->dst_elems, (int64_t)4));
    if (l->op == NNB_OP_EMBED) {
        /* only the rows looked up must be read */
        int64_t rows = l->n * l->h < l->c ? l->n * l->h : l->c;
        CHECKED(prod(&a->wei_bytes, 3, rows, l->k, (int64_t)4));
    } else {
        CHECKED(prod(&a->wei_bytes, 2, a->wei_elems, (int64_t)4));
    }
    a->bias_bytes = a->bias_elems * 4;
    CHECKED(nnb_add_ok(a->src_bytes, a->wei_bytes, &t));
    CHECKED(nnb_add_ok(t, a->bias_bytes, &t));
    CHECKED(nnb_add_ok(t, a->dst_bytes, &a->bytes_min));
    CHECKED(nnb_add_ok(a->bytes_min, a->dst_bytes, &a->bytes_write_allocate));
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
/* Named conventions. Each returns what that tool or seed reports as its
 * FLOPs figure, or -1 when it has no rule for the op. */

static bool is_convlike(const nnb_layer *l) { return l->op == NNB_OP_CONV || l->op == NNB_OP_DECONV; }

static double conv_nnbench(const nnb_layer *l, const nnb_analytic *a)
{
    (void)l;
    return (double)a->flops;
}

/* benchdnn: 2 x MACs over valid taps only, no bias; ip: 2 x MACs */
static double conv_benchdnn(const nnb_layer *l, const nnb_analytic *a)
{
    if (is_convlike(l) || l->op == NNB_OP_FC) return 2.0 * (double)a->macs_valid;
    return -1;
}

/* fvcore: one "flop" per MAC, no bias; deconv input-based; pooling ignored */
static double conv_fvcore(const nnb_layer *l, const nnb_analytic *a)
{
    if (is_convlike(l) || l->op == NNB_OP_FC) return (double)a->macs;
    return -1;
}

/* ptflops: MACs + bias over the output (deconv output-based); pooling =
 * input elements */
static double conv_ptflops(const nnb_layer *l, const nnb_analytic *a)
{
    if (is_convlike(l)) return (double)a->macs_deconv_output + (double)a->bias_adds;
    if (l->op == NNB_OP_FC) return (double)a->macs + (double)a->bias_adds;
    if (l->op == NNB_OP_POOL_MAX || l->op == NNB_OP_POOL_AVG) return (double)a->src_elems;
    return -1;
}

/* thop: MACs over the output, no bias (deconv output-based); max pool 0,
 * avg pool one op per output element */
static double conv_thop(const nnb_layer *l, const nnb_analytic *a)
{
    if (is_convlike(l)) return (double)a->macs_deconv_output;
    if (l->op == NNB_OP_FC) return (double)a->macs;
    if (l->op == NNB_OP_POOL_MAX) return 0;
    if (l->op == NNB_OP_POOL_AVG) return (double)a->dst_elems;
    return -1;
}

/* torch.utils.flop_counter: 2 x dense MACs, no bias (deconv input-based) */
static double conv_torch(const nnb_layer *l, const nnb_analytic *a)
{
    if (is_convlike(l) || l->op == NNB_OP_FC) return 2.0 * (double)a->macs;
    return -1;
}

/* Seed 000, section 1.1 (as printed):
 *   B x O x C x (C-1) x Hout x Wout x (2 k k - 1)
 * The C x (C-1) factor is an error: the right count is
 *   B x O x Hout x Wout x (2 C k k - 1) (no bias), or 2 x MACs with bias. */
static double conv_seed000(const nnb_layer *l, const nnb_analytic *a)
{
    (void)a;
    if (l->op != NNB_OP_CONV || l->groups != 1) return -1;
    double c = (double)l->c;
    return (double)l->n * (double)l->k * c * (c - 1) * (double)l->oh * (double)l->ow *
           (2.0 * (double)l->kh * (double)l->kw - 1);
}

/* Seed 003: "FLOPs = Cin x K x Fout x Cout + Cout" (conv) and
 * "FLOPs = F x Cin x Cout + Cout" (fc): MACs plus one bias per channel,
 * called FLOPs. Missing the factor 2 and the per-element bias add. */
static double conv_seed003(const nnb_layer *l, const nnb_analytic *a)
{
    if (l->op == NNB_OP_CONV || l->op == NNB_OP_FC)
        return (double)a->macs + (l->bias ? (double)l->k : 0.0);
    return -1;
}

/* Seed 001's worked example: multiplies = outputs x Cin x k x k and adds =
 * outputs x Cin x (k x k + 1 - 1); i.e. 2 x MACs. (The seed then prints
 * 225,000 for the adds, an arithmetic slip: its own formula gives 675,000.) */
static double conv_seed001(const nnb_layer *l, const nnb_analytic *a)
{
    if (l->op != NNB_OP_CONV) return -1;
    return 2.0 * (double)a->macs;
}

static const nnb_convention conventions[] = {
    {"nnbench", "2 x dense MACs + bias adds (deconv input-based)", conv_nnbench, true},
    {"torch", "torch.utils.flop_counter: 2 x dense MACs, no bias", conv_torch, true},
    {"benchdnn", "2 x MACs over valid (in-bounds) taps only, no bias", conv_benchdnn, true},
    {"fvcore", "dense MACs reported as flops, no bias", conv_fvcore, false},
    {"ptflops", "MACs + bias over the output (deconv output-based), reported as FLOPs", conv_ptflops, false},
    {"thop", "MACs over the output, no bias (deconv output-based)", conv_thop, false},
    {"seed000", "seed 000: B*O*C*(C-1)*Hout*Wout*(2k^2-1) (wrong C*(C-1) factor)", conv_seed000, true},
    {"seed001", "seed 001: outputs*Cin*k^2 multiplies + as many adds", conv_seed001, true},
    {"seed003", "seed 003: MACs + Cout, called FLOPs", conv_seed003, true},
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
    if (l->op != NNB_OP_CONV && l->op != NNB_OP_POOL_MAX && l->op != NNB_OP_POOL_AVG) {
        if (l->op == NNB_OP_BN) return 0;
        return -1;
    }
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
