/* What stages ask instead of comparing pointers or names: counter backends'
 * declared capabilities, each kernel's declared FLOP tolerance, and the one
 * evict buffer's size. */
#include <stdlib.h>

#include "nnb_test.h"
#include "counters/counters.h"
#include "machine/evict.h"
#include "machine/topo.h"
#include "nnbench/kernel.h"

static void test_backend_caps(void)
{
    size_t n;
    const nnb_counter_backend *const *bs = nnb_counter_backends(&n);
    CHECK_EQ_I64(n, 3);
    for (size_t i = 0; i < n; i++) {
        const nnb_counter_caps *c = &bs[i]->caps;
        /* a wall-time-only backend counts nothing; every other counts FLOPs */
        CHECK(c->wall_time_only != c->counts_flops);
        if (c->wall_time_only) CHECK(!c->counts_per_level_bytes && !c->counts_core_bytes && !c->serialises_threads);
        CHECK_EQ_I64(nnb_counter_threads(bs[i], 4), c->serialises_threads ? 1 : 4);
    }
    CHECK(nnb_counter_none.caps.wall_time_only);
    CHECK(nnb_counter_valgrind.caps.serialises_threads && nnb_counter_valgrind.caps.runs_in_child);
    CHECK(!nnb_counter_papi.caps.serialises_threads && !nnb_counter_papi.caps.runs_in_child);
}

static void test_kernel_tolerances(void)
{
    size_t n;
    const nnb_kernel *const *ks = nnb_kernels(&n);
    for (size_t i = 0; i < n; i++) {
        /* every registered kernel states its own; none hides behind the default */
        CHECK(ks[i]->flops_tolerance > 0 && ks[i]->flops_tolerance <= 0.1);
        if (!(ks[i]->flops_tolerance > 0)) fprintf(stderr, "  kernel %s\n", ks[i]->name);
    }
    CHECK_NEAR(nnb_kernel_flops_tolerance(nnb_kernel_find("im2col_gemm")), 0.05, 0);
    CHECK_NEAR(nnb_kernel_flops_tolerance(nnb_kernel_find("direct")), 0.02, 0);
    CHECK_NEAR(nnb_kernel_flops_tolerance(NULL), NNB_FLOPS_TOLERANCE_DEFAULT, 0);
    nnb_kernel unset = {.name = "unset"};
    CHECK_NEAR(nnb_kernel_flops_tolerance(&unset), NNB_FLOPS_TOLERANCE_DEFAULT, 0);
}

static void test_evict(void)
{
    const nnb_cache_level *llc = nnb_topo_llc(nnb_topo_get());
    int64_t want = llc && llc->geom.size > 0 ? NNB_EVICT_LLC_FACTOR * llc->geom.size : NNB_EVICT_FALLBACK_BYTES;
    CHECK_EQ_I64(nnb_evict_default_bytes(), want);
    nnb_evict e;
    CHECK(nnb_evict_init(&e, 4096) == 0);
    CHECK_EQ_I64(e.bytes, 4096);
    nnb_evict_touch(&e);
    nnb_evict_touch(&e);
    /* sweeps only read: the buffer stays as written at allocation (no dirty
     * lines; test_evict_clean counts that under callgrind) */
    CHECK(e.buf[0] == 0 && e.buf[64] == 0 && e.buf[4095] == 0);
    nnb_evict_free(&e);
    CHECK(e.buf == NULL && e.bytes == 0);
}

int main(void)
{
    test_backend_caps();
    test_kernel_tolerances();
    test_evict();
    return nnb_test_done("test_capabilities");
}
