/* The op table, indexed by nnb_op, made from the op list
 * (nnbench/op_list.h: one line per op). The names by op live here too (not
 * in layer.c), so the shared helpers (common.c) and the layer checks
 * (layer.c) both depend on the table and not on each other. */
#include "nnbench/layer.h"
#include "ops/op.h"
#include "util/appendf.h"

#include <string.h>

#define NNB_OP_EXTERN_(e, sym) extern const nnb_op_info nnb_op_##sym;
NNB_OP_LIST(NNB_OP_EXTERN_)
#undef NNB_OP_EXTERN_

#define NNB_OP_ROW_(e, sym) [NNB_OP_##e] = &nnb_op_##sym,
static const nnb_op_info *const ops[NNB_OP_COUNT] = {NNB_OP_LIST(NNB_OP_ROW_)};
#undef NNB_OP_ROW_

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
