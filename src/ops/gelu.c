/* GELU (PyTorch nn.GELU, approximate='none'): x * Phi(x) = x/2 * (1 + erf(x/sqrt 2)),
 * element-wise. Trial op: the whole op in this file plus its line in
 * nnbench/op_list.h. */
#include <math.h>
#include <string.h>

#include "ops/eltwise.h"
#include "ops/onnx_rule.h"

/* erf, a multiply, an add, two multiplies: nnbench counts the four
 * arithmetic operations around the erf, and the erf as one */
static int gelu_count(const nnb_layer *l, nnb_op_counts *a, char *err, size_t len)
{
    if (nnb_eltwise_count(l, a, err, len)) return -1;
    CHECKED(nnb_mul_ok(a->dst_elems, 5, &a->flops));
    return 0;
}

static void ref_gelu(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    (void)l;
    (void)ws;
    for (int64_t i = 0; i < t->dst_elems; i++) {
        const float x = t->src[i];
        t->dst[i] = 0.5f * x * (1.0f + erff(x * (float)M_SQRT1_2));
    }
}

/* ONNX Gelu (opset 20; approximate="none" only: "tanh" is another function) */
static int gelu_layer(const nnb_onnx_node *n, nnb_layer *l, char *why, size_t len)
{
    const nnb_onnx_attr *a = nnb_onnx_attr_get(n, "approximate");
    if (a && !(a->slen == 4 && memcmp(a->s, "none", 4) == 0)) {
        snprintf(why, len, "Gelu with approximate=%.*s (nnbench's gelu is the erf form)", (int)a->slen, a->s);
        return 1;
    }
    return nnb_onnx_eltwise_layer(n->in[0], l, NNB_OP_GELU, why, len);
}

static const nnb_onnx_rule onnx_gelu = {"Gelu", 1, 1, nnb_onnx_infer_same, gelu_layer};

const nnb_op_info nnb_op_gelu = NNB_ACT_OP(
    NNB_OP_GELU, "gelu", "GELU", nnb_eltwise_tools_zero, gelu_count, "5 per element: erf counted as one, 4 around it",
    false, ref_gelu, NNB_PRESETS({"gelu", "gelu:c=768,h=14", "GELU over a ViT-B/16 token grid: 768x14x14"}),
    NNB_ONNX(&onnx_gelu));
