/* Layer presets (nnbench --list): each op's own, from its descriptor
 * (src/ops/<family>.c .presets), gathered in table order. */
#include "spec/spec.h"

/* room for every op's presets; tests/test_ops.c checks none is left out */
#define NNB_MAX_PRESETS 128

const nnb_preset *nnb_presets(size_t *count)
{
    static nnb_preset all[NNB_MAX_PRESETS];
    static size_t n;
    if (n == 0)
        for (int i = 0; i < NNB_OP_COUNT; i++)
            for (const nnb_op_preset *p = nnb_op_get((nnb_op)i)->presets; p && p->name && n < NNB_MAX_PRESETS; p++)
                all[n++] = *p;
    *count = n;
    return all;
}
