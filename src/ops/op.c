/* The op table: one line per op, indexed by nnb_op. A new op adds its enum
 * value in layer.h, its family file (ops/<family>.c defines nnb_op_<name>),
 * and its name in the two lists here. The names by op live here too (not
 * in layer.c), so the shared helpers (common.c) and the layer checks
 * (layer.c) both depend on the table and not on each other. */
#include "nnbench/layer.h"
#include "ops/op.h"
#include "util/appendf.h"

#include <string.h>

extern const nnb_op_info nnb_op_conv, nnb_op_deconv, nnb_op_fc, nnb_op_pool_max, nnb_op_pool_avg, nnb_op_bn,
    nnb_op_lstm, nnb_op_embed;
extern const nnb_op_info nnb_op_relu, nnb_op_relu6, nnb_op_add, nnb_op_concat, nnb_op_flatten, nnb_op_dropout, nnb_op_pool_adaptive_avg, nnb_op_pool_adaptive_max;

static const nnb_op_info *const ops[NNB_OP_COUNT] = {
    [NNB_OP_CONV] = &nnb_op_conv,         [NNB_OP_DECONV] = &nnb_op_deconv,     [NNB_OP_FC] = &nnb_op_fc,
    [NNB_OP_POOL_MAX] = &nnb_op_pool_max, [NNB_OP_POOL_AVG] = &nnb_op_pool_avg, [NNB_OP_BN] = &nnb_op_bn,
    [NNB_OP_LSTM] = &nnb_op_lstm,         [NNB_OP_EMBED] = &nnb_op_embed,
    [NNB_OP_RELU] = &nnb_op_relu, [NNB_OP_RELU6] = &nnb_op_relu6, [NNB_OP_ADD] = &nnb_op_add, [NNB_OP_CONCAT] = &nnb_op_concat, [NNB_OP_FLATTEN] = &nnb_op_flatten, [NNB_OP_DROPOUT] = &nnb_op_dropout, [NNB_OP_POOL_ADAPTIVE_AVG] = &nnb_op_pool_adaptive_avg, [NNB_OP_POOL_ADAPTIVE_MAX] = &nnb_op_pool_adaptive_max,
};

const nnb_op_info *nnb_op_get(nnb_op op)
{
    return ((int)op >= 0 && op < NNB_OP_COUNT) ? ops[op] : NULL;
}

const char *nnb_op_name(nnb_op op)
{
    const nnb_op_info *info = nnb_op_get(op);
    return info ? info->name : "?";
}

int nnb_op_from_name(const char *s, nnb_op *op)
{
    for (int i = 0; i < NNB_OP_COUNT; i++)
        if (strcmp(s, nnb_op_get((nnb_op)i)->name) == 0) {
            *op = (nnb_op)i;
            return 0;
        }
    return -1;
}

static bool name_is(const char *name, const char *s, size_t n)
{
    return strlen(name) == n && strncmp(name, s, n) == 0;
}

const nnb_op_info *nnb_op_find(const char *s, size_t n)
{
    for (int i = 0; i < NNB_OP_COUNT; i++)
        if (name_is(ops[i]->name, s, n) || name_is(ops[i]->kv_name, s, n)) return ops[i];
    return NULL;
}

const nnb_op_info *nnb_op_by_driver(const char *driver)
{
    for (int i = 0; i < NNB_OP_COUNT; i++)
        if (ops[i]->benchdnn_driver && strcmp(ops[i]->benchdnn_driver, driver) == 0) return ops[i];
    return NULL;
}

const char *nnb_op_list(unsigned mask, bool kv, const char *last_sep, char *buf, size_t len)
{
    int count = 0, total = 0;
    for (int i = 0; i < NNB_OP_COUNT; i++) total += (ops[i]->kv_fields & mask) == mask;
    size_t o = 0;
    if (len) buf[0] = 0;
    for (int i = 0; i < NNB_OP_COUNT; i++) {
        if ((ops[i]->kv_fields & mask) != mask) continue;
        const char *sep = count == 0 ? "" : count == total - 1 ? last_sep : ", ";
        nnb_appendf(buf, len, &o, "%s%s", sep, kv ? ops[i]->kv_name : ops[i]->name);
        count++;
    }
    return buf;
}
