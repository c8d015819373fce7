/* Layer descriptor: defaults, validation and output-shape derivation.
 * Output sizes follow PyTorch exactly (floor for conv, ceil_mode rule for
 * pooling, output padding for deconv) so tests can compare with torch. */
#include "nnbench/layer.h"
#include "nnbench/model.h"
#include "util/util.h"

#include <stdio.h>
#include <string.h>

static const char *const op_names[NNB_OP_COUNT] = {
    [NNB_OP_CONV] = "conv",         [NNB_OP_DECONV] = "deconv",     [NNB_OP_FC] = "fc",
    [NNB_OP_POOL_MAX] = "pool_max", [NNB_OP_POOL_AVG] = "pool_avg", [NNB_OP_BN] = "bn",
    [NNB_OP_LSTM] = "lstm",         [NNB_OP_EMBED] = "embed",
};

const char *nnb_op_name(nnb_op op)
{
    return (op >= 0 && op < NNB_OP_COUNT) ? op_names[op] : "?";
}

int nnb_op_from_name(const char *s, nnb_op *op)
{
    for (int i = 0; i < NNB_OP_COUNT; i++)
        if (strcmp(s, op_names[i]) == 0) {
            *op = (nnb_op)i;
            return 0;
        }
    return -1;
}

void nnb_layer_init(nnb_layer *l, nnb_op op)
{
    memset(l, 0, sizeof *l);
    l->op = op;
    l->n = 1;
    l->h = l->w = 1;
    l->kh = l->kw = 1;
    l->sh = l->sw = 1;
    l->dh = l->dw = 1;
    l->groups = 1;
    l->bias = (op == NNB_OP_CONV || op == NNB_OP_DECONV || op == NNB_OP_FC || op == NNB_OP_LSTM);
    l->count_include_pad = true;
}


/* Pooling output with PyTorch's ceil_mode rule: the last window must start
 * inside the input or the left padding. */
static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Pooling output exactly as PyTorch's pooling_output_shape: floor (or ceil)
 * division, and with ceil_mode the last window must start inside the input
 * or the left padding. A window may hang over the far edge. */
static int64_t pool_out(int64_t in, int64_t k, int64_t s, int64_t p0, int64_t p1, int64_t d,
                        bool ceil_mode)
{
    int64_t o = floor_div(in + p0 + p1 - nnb_extent(k, d) + (ceil_mode ? s - 1 : 0), s) + 1;
    if (ceil_mode && (o - 1) * s >= in + p0) o--;
    return o;
}

int nnb_layer_finalize(nnb_layer *l, char *err, size_t len)
{
    const char *op = nnb_op_name(l->op);
    if (l->op < 0 || l->op >= NNB_OP_COUNT) return nnb_errf(err, len, "unknown layer op");
    if (l->n <= 0) return nnb_errf(err, len, "%s: batch n must be positive (got %lld)", op, (long long)l->n);
    if (l->c <= 0) return nnb_errf(err, len, "%s: input channels c must be positive (got %lld)", op, (long long)l->c);
    if (l->h <= 0 || l->w <= 0)
        return nnb_errf(err, len, "%s: input size must be positive (got %lldx%lld)", op, (long long)l->h,
                    (long long)l->w);
    if (l->op == NNB_OP_POOL_MAX || l->op == NNB_OP_POOL_AVG || l->op == NNB_OP_BN) {
        if (l->k == 0) l->k = l->c;
        if (l->k != l->c) return nnb_errf(err, len, "%s: output channels must equal input channels", op);
    }
    if (l->k <= 0) return nnb_errf(err, len, "%s: output channels k must be positive (got %lld)", op, (long long)l->k);
    if (l->kh <= 0 || l->kw <= 0)
        return nnb_errf(err, len, "%s: kernel size must be positive (got %lldx%lld)", op, (long long)l->kh,
                    (long long)l->kw);
    if (l->sh <= 0 || l->sw <= 0)
        return nnb_errf(err, len, "%s: stride must be positive (got %lldx%lld)", op, (long long)l->sh,
                    (long long)l->sw);
    if (l->dh <= 0 || l->dw <= 0)
        return nnb_errf(err, len, "%s: dilation must be >= 1 (1 = none; got %lldx%lld)", op, (long long)l->dh,
                    (long long)l->dw);
    if (l->pt < 0 || l->pl < 0 || l->pb < 0 || l->pr < 0)
        return nnb_errf(err, len, "%s: padding must be >= 0", op);
    if (l->groups <= 0) return nnb_errf(err, len, "%s: groups must be positive (got %lld)", op, (long long)l->groups);
    if (l->oph < 0 || l->opw < 0) return nnb_errf(err, len, "%s: output padding must be >= 0", op);
    if (l->op != NNB_OP_DECONV && (l->oph || l->opw))
        return nnb_errf(err, len, "%s: output padding only applies to deconv", op);
    if (l->op != NNB_OP_CONV && l->op != NNB_OP_DECONV && l->groups != 1)
        return nnb_errf(err, len, "%s: groups only apply to conv and deconv", op);

    /* Every size we derive below is bounded by products checked here. */
    const int64_t lim = INT64_C(1) << 40;
    if (l->n > lim || l->c > lim || l->h > lim || l->w > lim || l->k > lim || l->kh > lim ||
        l->kw > lim || l->sh > lim || l->sw > lim || l->dh > lim || l->dw > lim || l->pt > lim ||
        l->pl > lim || l->pb > lim || l->pr > lim || l->oph > lim || l->opw > lim)
        return nnb_errf(err, len, "%s: a size exceeds 2^40", op);

    switch (l->op) {
    case NNB_OP_CONV: {
        if (l->c % l->groups || l->k % l->groups)
            return nnb_errf(err, len, "conv: channels c=%lld and k=%lld must be divisible by groups=%lld",
                        (long long)l->c, (long long)l->k, (long long)l->groups);
        int64_t eh = nnb_extent(l->kh, l->dh), ew = nnb_extent(l->kw, l->dw);
        int64_t sh = l->h + l->pt + l->pb - eh, sw = l->w + l->pl + l->pr - ew;
        if (sh < 0 || sw < 0)
            return nnb_errf(err, len,
                        "conv: kernel extent %lldx%lld is larger than the padded input %lldx%lld: no output",
                        (long long)eh, (long long)ew, (long long)(l->h + l->pt + l->pb),
                        (long long)(l->w + l->pl + l->pr));
        l->oh = sh / l->sh + 1;
        l->ow = sw / l->sw + 1;
        break;
    }
    case NNB_OP_DECONV: {
        if (l->c % l->groups || l->k % l->groups)
            return nnb_errf(err, len, "deconv: channels c=%lld and k=%lld must be divisible by groups=%lld",
                        (long long)l->c, (long long)l->k, (long long)l->groups);
        /* PyTorch: output padding must be smaller than stride or dilation */
        if ((l->oph >= l->sh && l->oph >= l->dh) || (l->opw >= l->sw && l->opw >= l->dw))
            return nnb_errf(err, len, "deconv: output padding must be smaller than stride or dilation");
        l->oh = (l->h - 1) * l->sh - l->pt - l->pb + nnb_extent(l->kh, l->dh) + l->oph;
        l->ow = (l->w - 1) * l->sw - l->pl - l->pr + nnb_extent(l->kw, l->dw) + l->opw;
        if (l->oh <= 0 || l->ow <= 0)
            return nnb_errf(err, len, "deconv: padding leaves no output (%lldx%lld)", (long long)l->oh,
                        (long long)l->ow);
        break;
    }
    case NNB_OP_FC:
        /* a fully connected layer sees the flattened c*h*w input */
        l->kh = l->h;
        l->kw = l->w;
        l->sh = l->sw = 1;
        l->pt = l->pl = l->pb = l->pr = 0;
        l->oh = l->ow = 1;
        break;
    case NNB_OP_POOL_MAX:
    case NNB_OP_POOL_AVG:
        /* PyTorch: pad should be at most half of the (effective) kernel */
        /* PyTorch: pad <= kernel_size / 2 (the window, not its dilated extent) */
        if (2 * l->pt > l->kh || 2 * l->pb > l->kh || 2 * l->pl > l->kw || 2 * l->pr > l->kw)
            return nnb_errf(err, len, "%s: padding must be at most half the window (got pad %lld for %lldx%lld)",
                        op, (long long)(l->pt > l->pl ? l->pt : l->pl), (long long)l->kh, (long long)l->kw);
        if (l->op == NNB_OP_POOL_AVG && (l->dh != 1 || l->dw != 1))
            return nnb_errf(err, len, "pool_avg: dilation is not defined for average pooling");
        l->oh = pool_out(l->h, l->kh, l->sh, l->pt, l->pb, l->dh, l->ceil_mode);
        l->ow = pool_out(l->w, l->kw, l->sw, l->pl, l->pr, l->dw, l->ceil_mode);
        if (l->oh <= 0 || l->ow <= 0)
            return nnb_errf(err, len, "%s: window %lldx%lld is larger than the padded input: no output", op,
                        (long long)l->kh, (long long)l->kw);
        break;
    case NNB_OP_BN:
        l->kh = l->kw = 1;
        l->oh = l->h;
        l->ow = l->w;
        break;
    case NNB_OP_LSTM:
    case NNB_OP_EMBED:
        /* sequence models: h = time steps / tokens, w unused */
        l->kh = l->kw = 1;
        l->oh = l->h;
        l->ow = 1;
        l->w = 1;
        break;
    default:
        return nnb_errf(err, len, "unknown layer op");
    }

    /* Checked sizes: every tensor and count must fit in int64. */
    nnb_analytic a;
    return nnb_model_analyze(l, &a, err, len);
}
