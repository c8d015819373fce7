/* The kernel registry: every kernel, reference first. Each kernel family
 * lives in its own file and exports one nnb_kernel per algorithm. */
#include "nnbench/kernel.h"
#include "kernels.h"
#include "ctx.h"

#include <string.h>

#include "util/suggest.h"

extern const nnb_kernel nnb_kernel_reference;
extern const nnb_kernel nnb_kernel_im2col_gemm;
extern const nnb_kernel nnb_kernel_direct;
extern const nnb_kernel nnb_kernel_direct_oc;
extern const nnb_kernel nnb_kernel_depthwise;
extern const nnb_kernel nnb_kernel_grouped;
extern const nnb_kernel nnb_kernel_transposed_gemm;
extern const nnb_kernel nnb_kernel_transposed_direct;
extern const nnb_kernel nnb_kernel_transposed_oc;
extern const nnb_kernel nnb_kernel_fc;
extern const nnb_kernel nnb_kernel_pool;
#ifdef NNB_HAVE_ONEDNN
extern const nnb_kernel nnb_kernel_onednn;
#endif

static const nnb_kernel *const registry[] = {
    &nnb_kernel_reference,      &nnb_kernel_im2col_gemm,      &nnb_kernel_direct,
    &nnb_kernel_direct_oc,      &nnb_kernel_depthwise,      &nnb_kernel_grouped,          &nnb_kernel_transposed_gemm,
    &nnb_kernel_transposed_direct, &nnb_kernel_transposed_oc, &nnb_kernel_fc,            &nnb_kernel_pool,
#ifdef NNB_HAVE_ONEDNN
    &nnb_kernel_onednn,
#endif
};

const nnb_kernel *const *nnb_kernels(size_t *count)
{
    if (count) *count = sizeof registry / sizeof registry[0];
    return registry;
}

const nnb_kernel *nnb_kernel_find(const char *name)
{
    if (!name) return NULL;
    for (size_t i = 0; i < sizeof registry / sizeof registry[0]; i++)
        if (strcmp(registry[i]->name, name) == 0) return registry[i];
    return NULL;
}

const char *nnb_kernel_unavailable(const char *name)
{
#ifndef NNB_HAVE_ONEDNN
    if (name && strcmp(name, "onednn") == 0)
        return " (this build has no oneDNN: apt-get install libdnnl-dev and re-run cmake)";
#endif
    static _Thread_local char hint[96];
    enum { N = sizeof registry / sizeof registry[0] };
    const char *names[N];
    for (size_t i = 0; i < N; i++) names[i] = registry[i]->name;
    return name ? nnb_suggest_text(hint, sizeof hint, name, "", names, N, sizeof names[0]) : "";
}

void nnb_kernel_prepare(const nnb_kernel *k, const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    /* the one-time set-up every kernel shares (the ISA detected, the
     * contexts filled) happens here, before the timed or counted runs:
     * counted, it was 6.8 KB of libc's printf lines in a tiny layer's run */
    (void)nnb_kernel_ctx_get();
    if (k->prepare) k->prepare(l, t, ws);
}

int64_t nnb_kernel_no_workspace(const nnb_layer *l, int nthreads)
{
    (void)l;
    (void)nthreads;
    return 0;
}
