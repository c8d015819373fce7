/* The timed bracket of our channel-blocked kernels (kernel.h: timed;
 * kernels/blocked.h), on depthwise's nChw16c / nChw8c plan: prepare,
 * timed(true), run, timed(false) gives the reference's output exactly
 * (integer fill); inside the bracket run leaves t->dst alone (it writes the
 * blocked output only) and timed(true) takes the input as it is then (the
 * harness may refill it after prepare); outside the bracket run alone gives
 * NCHW. Channels not a multiple of the block, several images, strides,
 * dilation, 1 and 2 threads, every ISA level the CPU has. */
#include "machine/isa.h"
#include "nnbench/kernel.h"
#include "nnbench/tensor.h"
#include "spec/spec.h"
#include "nnb_test.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>

static bool same(const float *a, const float *b, int64_t n)
{
    for (int64_t i = 0; i < n; i++)
        if (a[i] != b[i]) return false;
    return true;
}

static void reference(const nnb_layer *l, const nnb_tensors *t, float *out)
{
    const nnb_kernel *ref = nnb_kernel_find("reference");
    ref->run(l, t, NULL);
    memcpy(out, t->dst, (size_t)t->dst_elems * sizeof(float));
}

static void case_layer(const char *spec, int threads)
{
    nnb_layer l;
    nnb_tensors t;
    char err[256];
    CHECK(nnb_spec_parse(spec, &l, err, sizeof err) == 0);
    CHECK(nnb_tensors_alloc(&t, &l, err, sizeof err) == 0);
    omp_set_num_threads(threads);
    const nnb_kernel *k = nnb_kernel_find("depthwise");
    CHECK(k->supports(&l) && k->timed && k->impl);
    const bool blocked = k->impl(&l)[0] != '\0';
    CHECK(blocked == (nnb_isa_kernels() >= NNB_ISA_AVX2));
    const int64_t ws_bytes = k->workspace_bytes(&l, threads);
    void *ws = nnb_alloc((size_t)ws_bytes);
    float *ref = malloc((size_t)t.dst_elems * sizeof(float)), *ref2 = malloc((size_t)t.dst_elems * sizeof(float));
    memset(ws, 0xa5, (size_t)ws_bytes); /* prepare's own output only */
    nnb_tensors_fill(&t, &l, NNB_FILL_INT, 11);
    reference(&l, &t, ref);
    nnb_kernel_prepare(k, &l, &t, ws);
    /* the harness may refill the input after prepare (the weights stay,
     * else it prepares again): the bracket must take the input as it is */
    nnb_tensors u;
    CHECK(nnb_tensors_alloc(&u, &l, err, sizeof err) == 0);
    nnb_tensors_fill(&u, &l, NNB_FILL_INT, 12);
    memcpy(t.src, u.src, (size_t)t.src_elems * sizeof(float));
    reference(&l, &t, ref2);
    for (int64_t i = 0; i < t.dst_elems; i++) t.dst[i] = NAN;
    k->timed(&l, &t, ws, true);
    k->run(&l, &t, ws);
    if (blocked) CHECK(isnan(t.dst[0]) && isnan(t.dst[t.dst_elems - 1])); /* blocked dst only */
    k->run(&l, &t, ws); /* timed runs repeat */
    k->timed(&l, &t, ws, false);
    CHECK(same(t.dst, ref2, t.dst_elems));
    /* outside the bracket: run alone reorders in (not prepare's copy) and out */
    nnb_tensors_fill(&t, &l, NNB_FILL_INT, 11);
    nnb_kernel_prepare(k, &l, &t, ws);
    k->run(&l, &t, ws);
    CHECK(same(t.dst, ref, t.dst_elems));
    memcpy(t.src, u.src, (size_t)t.src_elems * sizeof(float));
    for (int64_t i = 0; i < t.dst_elems; i++) t.dst[i] = NAN;
    k->run(&l, &t, ws);
    CHECK(same(t.dst, ref2, t.dst_elems));
    nnb_tensors_free(&u);
    if (nnb_test_failures) fprintf(stderr, "  on %s, %d threads, %s\n", spec, threads, k->impl(&l));
    free(ref);
    free(ref2);
    nnb_free(ws);
    nnb_tensors_free(&t);
}

int main(void)
{
    const char *specs[] = {
        "conv:c=20,h=9,k=20,r=3,pad=1,g=20",                       /* 16 + 4 channels */
        "conv:n=2,c=37,h=11,w=30,k=37,r=3,stride=2,pad=1,g=37",     /* stride 2, two images */
        "conv:c=16,h=9,w=11,k=16,r=5,dil=2,pad=2,g=16,bias=0",      /* generic tile, dilation */
        "conv:n=3,c=40,h=7,k=40,r=3,pad=1,g=40",                   /* 7 x 7 planes, rows across blocks */
    };
    const nnb_isa caps[] = {NNB_ISA_AVX2, NNB_ISA_COUNT};
    for (int c = 0; c < 2; c++) {
        nnb_isa_set_cap(caps[c]);
        for (size_t i = 0; i < sizeof specs / sizeof *specs; i++)
            for (int threads = 1; threads <= 2; threads++) case_layer(specs[i], threads);
    }
    return nnb_test_done("test_kernels_bracket");
}
