/* The oracle: each op's naive loops, written straight from PyTorch's
 * definitions with every layer feature, live in the op's descriptor
 * (src/ops/<family>.c: .ref, .ref_ws_bytes); this kernel runs them. An op
 * whose descriptor has no reference loops is not supported here, and so
 * (tests/test_op_sources.c) by no other kernel either. The op files are
 * built at -O3 so the convolution's column loops vectorise without
 * changing any sum (reference_work.c models those lanes). */
#include "nnbench/kernel.h"
#include "kernels.h"
#include "ops/op.h"

static bool ref_supports(const nnb_layer *l)
{
    const nnb_op_info *op = nnb_op_get(l->op);
    return op && op->ref;
}

static int64_t ref_ws(const nnb_layer *l, int nthreads)
{
    (void)nthreads;
    const nnb_op_info *op = nnb_op_get(l->op);
    return op && op->ref_ws_bytes ? op->ref_ws_bytes(l) : 0;
}

static void ref_run(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    if (ref_supports(l)) nnb_op_get(l->op)->ref(l, t, ws);
}

const nnb_kernel nnb_kernel_reference = {
    .name = "reference",
    .desc = "naive loops, every layer feature: the oracle",
    .flops_tolerance = 0.02,
    .supports = ref_supports,
    .workspace_bytes = ref_ws,
    .run = ref_run,
    .work = nnb_work_reference,
};
