/* Layer descriptor: defaults, the checks every op shares, then the op's own
 * shape (ops/<family>.c) and its checked counts. Output sizes follow PyTorch
 * exactly so tests can compare with torch. */
#include "nnbench/layer.h"
#include "ops/op.h"
#include "util/util.h"

#include <stdio.h>
#include <string.h>

void nnb_layer_init(nnb_layer *l, nnb_op op)
{
    const nnb_op_info *info = nnb_op_get(op);
    memset(l, 0, sizeof *l);
    l->op = op;
    l->n = 1;
    l->h = l->w = 1;
    l->kh = l->kw = 1;
    l->sh = l->sw = 1;
    l->dh = l->dw = 1;
    l->groups = 1;
    l->bias = info && info->bias_default;
    l->count_include_pad = true;
}

/* sizes every op needs positive, in the order the messages were always given */
static int check_sizes(nnb_layer *l, const nnb_op_info *info, char *err, size_t len)
{
    const char *op = info->name;
    if (l->n <= 0) return nnb_errf(err, len, "%s: batch n must be positive (got %lld)", op, (long long)l->n);
    if (l->c <= 0) return nnb_errf(err, len, "%s: input channels c must be positive (got %lld)", op, (long long)l->c);
    if (l->h <= 0 || l->w <= 0)
        return nnb_errf(err, len, "%s: input size must be positive (got %lldx%lld)", op, (long long)l->h,
                        (long long)l->w);
    if (info->k_is_c) {
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
    if (l->pt < 0 || l->pl < 0 || l->pb < 0 || l->pr < 0) return nnb_errf(err, len, "%s: padding must be >= 0", op);
    if (l->groups <= 0) return nnb_errf(err, len, "%s: groups must be positive (got %lld)", op, (long long)l->groups);
    if (l->oph < 0 || l->opw < 0) return nnb_errf(err, len, "%s: output padding must be >= 0", op);
    return 0;
}

/* fields only some ops have, and the 2^40 bound that keeps derived sizes sane */
static int check_fields(const nnb_layer *l, const nnb_op_info *info, char *err, size_t len)
{
    const char *op = info->name;
    char ops[128];
    if (!(info->kv_fields & NNB_F_OPH) && (l->oph || l->opw))
        return nnb_errf(err, len, "%s: output padding only applies to %s", op,
                        nnb_op_list(NNB_F_OPH, false, " and ", ops, sizeof ops));
    if (!(info->kv_fields & NNB_F_G) && l->groups != 1)
        return nnb_errf(err, len, "%s: groups only apply to %s", op, nnb_op_list(NNB_F_G, false, " and ", ops, sizeof ops));
    /* Every size derived below is bounded by products checked here. */
    const int64_t lim = INT64_C(1) << 40;
    if (l->n > lim || l->c > lim || l->h > lim || l->w > lim || l->k > lim || l->kh > lim || l->kw > lim ||
        l->sh > lim || l->sw > lim || l->dh > lim || l->dw > lim || l->pt > lim || l->pl > lim || l->pb > lim ||
        l->pr > lim || l->oph > lim || l->opw > lim)
        return nnb_errf(err, len, "%s: a size exceeds 2^40", op);
    return 0;
}

int nnb_layer_finalize(nnb_layer *l, char *err, size_t len)
{
    const nnb_op_info *info = nnb_op_get(l->op);
    if (!info) return nnb_errf(err, len, "unknown layer op");
    if (check_sizes(l, info, err, len) || check_fields(l, info, err, len) || info->shape(l, err, len)) return -1;
    /* every tensor size and count must fit in int64 (checked arithmetic) */
    nnb_op_counts counts;
    return nnb_op_count(l, &counts, err, len);
}
