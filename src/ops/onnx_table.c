/* The ONNX op table: one line per op type of the default domain; each
 * rule lives in the file of its op family (ops/onnx_*.c). */
#include "ops/onnx_rule.h"

#include <string.h>

static const nnb_onnx_rule *const rules[] = {
    &nnb_onnx_conv, &nnb_onnx_conv_transpose,                         /* onnx_conv.c */
    &nnb_onnx_max_pool, &nnb_onnx_average_pool, &nnb_onnx_global_average_pool, &nnb_onnx_global_max_pool,
    &nnb_onnx_lrn,                                                    /* onnx_pool.c */
    &nnb_onnx_gemm, &nnb_onnx_matmul, &nnb_onnx_batch_norm,           /* onnx_fc.c */
    &nnb_onnx_relu, &nnb_onnx_clip, &nnb_onnx_dropout, &nnb_onnx_sigmoid, &nnb_onnx_hard_sigmoid,
    &nnb_onnx_hard_swish, &nnb_onnx_tanh, &nnb_onnx_leaky_relu, &nnb_onnx_softmax, &nnb_onnx_erf, &nnb_onnx_sqrt,
    &nnb_onnx_exp, &nnb_onnx_add, &nnb_onnx_sub, &nnb_onnx_mul, &nnb_onnx_div, &nnb_onnx_pow, /* onnx_eltwise.c */
    &nnb_onnx_identity, &nnb_onnx_cast, &nnb_onnx_constant, &nnb_onnx_constant_of_shape, &nnb_onnx_shape,
    &nnb_onnx_gather, &nnb_onnx_unsqueeze, &nnb_onnx_squeeze, &nnb_onnx_concat, &nnb_onnx_flatten,
    &nnb_onnx_reshape, &nnb_onnx_transpose, &nnb_onnx_split, &nnb_onnx_slice, &nnb_onnx_pad,
    &nnb_onnx_reduce_mean, &nnb_onnx_resize, &nnb_onnx_upsample,      /* onnx_tensor.c */
};

const nnb_onnx_rule *nnb_onnx_rule_find(const char *op_type)
{
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        if (strcmp(rules[i]->op_type, op_type) == 0) return rules[i];
    return NULL;
}

const nnb_onnx_rule *const *nnb_onnx_rules(size_t *count)
{
    *count = sizeof rules / sizeof rules[0];
    return rules;
}
