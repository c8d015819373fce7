/* The ONNX op types of the default domain nnbench reads. Those an nnbench
 * op computes exactly are listed by that op's descriptor (.onnx); this
 * table holds the rest, one line each: shapes inferred (and small values
 * folded), no nnbench layer. Each rule's code lives in the file of its
 * family (ops/onnx_*.c) or its op's own file. */
#include "ops/onnx_rule.h"
#include "ops/op.h"

#include <string.h>

static const nnb_onnx_rule *const no_layer[] = {
    &nnb_onnx_lrn,                                                    /* onnx_pool.c */
    &nnb_onnx_sigmoid, &nnb_onnx_hard_sigmoid, &nnb_onnx_hard_swish, &nnb_onnx_tanh, &nnb_onnx_leaky_relu,
    &nnb_onnx_softmax, &nnb_onnx_erf, &nnb_onnx_sqrt, &nnb_onnx_exp, &nnb_onnx_sub, &nnb_onnx_mul, &nnb_onnx_div,
    &nnb_onnx_pow,                                                    /* onnx_eltwise.c */
    &nnb_onnx_identity, &nnb_onnx_cast, &nnb_onnx_constant, &nnb_onnx_constant_of_shape, &nnb_onnx_shape,
    &nnb_onnx_gather, &nnb_onnx_unsqueeze, &nnb_onnx_squeeze, &nnb_onnx_transpose, &nnb_onnx_split,
    &nnb_onnx_slice, &nnb_onnx_pad, &nnb_onnx_reduce_mean, &nnb_onnx_resize, &nnb_onnx_upsample, /* onnx_tensor.c */
};

/* room for every rule; tests/test_op_sources.c checks none is left out */
#define NNB_MAX_ONNX_RULES 256

const nnb_onnx_rule *const *nnb_onnx_rules(size_t *count)
{
    static const nnb_onnx_rule *all[NNB_MAX_ONNX_RULES];
    static size_t n;
    if (n == 0) {
        for (int i = 0; i < NNB_OP_COUNT; i++)
            for (const struct nnb_onnx_rule *const *r = nnb_op_get((nnb_op)i)->onnx; r && *r; r++)
                if (n < NNB_MAX_ONNX_RULES) all[n++] = *r;
        for (size_t i = 0; i < sizeof no_layer / sizeof no_layer[0] && n < NNB_MAX_ONNX_RULES; i++)
            all[n++] = no_layer[i];
    }
    *count = n;
    return all;
}

const nnb_onnx_rule *nnb_onnx_rule_find(const char *op_type)
{
    size_t n;
    const nnb_onnx_rule *const *rules = nnb_onnx_rules(&n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(rules[i]->op_type, op_type) == 0) return rules[i];
    return NULL;
}
