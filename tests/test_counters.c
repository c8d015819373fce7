/* Counter backends: probes and selection (papi must refuse cleanly on a
 * machine without a PMU, none always works), child mode, and end-to-end
 * valgrind counts of small layers held against the analytic model.
 *
 * The valgrind child runs the nnbench CLI ($NNB_COUNT_EXE, else $NNBENCH
 * as set by ctest). Under an AddressSanitizer build the end-to-end part is
 * skipped unless NNB_COUNT_EXE names a non-sanitized nnbench: valgrind
 * cannot run ASan binaries. */
#include "counters/counters.h"
#include "machine/topo.h"
#include "nnbench/kernel.h"
#include "nnbench/model.h"
#include "spec/spec.h"
#include "cmd/validate.h"
#include "cmd/count_child.h"
#include "nnb_test.h"
#include "nnb_valgrind_test.h"

#include <stdlib.h>
#include <unistd.h>

static bool contains(const char *s, const char *a) { return strstr(s, a) != NULL; }

static int parse(const char *spec, nnb_layer *l, nnb_analytic *a) { return nnb_test_layer(spec, l, a); }

static void test_registry_and_none(void)
{
    size_t n;
    const nnb_counter_backend *const *b = nnb_counter_backends(&n);
    CHECK_EQ_I64(n, 3);
    CHECK_STR(b[0]->name, "papi");
    CHECK_STR(b[n - 1]->name, "none");
    CHECK(nnb_counter_find("valgrind") == &nnb_counter_valgrind);
    CHECK(nnb_counter_find("auto") == NULL);
    CHECK(nnb_counter_find("bogus") == NULL);

    char why[512];
    CHECK(nnb_counter_none.probe(NULL, why, sizeof why) == 0);
    nnb_counts c;
    nnb_count_request rq = {.threads = 1};
    CHECK(nnb_counter_none.measure(&rq, &c, why, sizeof why) == 0);
    CHECK_STR(c.backend, "none");
    CHECK(!c.have_flops && !c.have_dram && !c.have_l1 && !c.have_insn && !c.have_cycles &&
          !c.have_core_bytes);
    CHECK(c.note[0] != '\0');

    const nnb_counter_backend *sel;
    CHECK(nnb_counter_select("bogus", NULL, &sel, why, sizeof why) == -1);
    CHECK(contains(why, "unknown counter backend 'bogus'"));
    CHECK(nnb_counter_select("none", NULL, &sel, why, sizeof why) == 0 && sel == &nnb_counter_none);
}

static bool papi_works;

static void test_papi_probe(void)
{
    char why[512];
    int rc = nnb_counter_papi.probe(NULL, why, sizeof why);
    printf("papi probe: %s: %s\n", rc == 0 ? "can count" : "cannot count", why);
    CHECK(why[0] != '\0');
    /* the same answer twice (cached) */
    char why2[512];
    CHECK(nnb_counter_papi.probe(NULL, why2, sizeof why2) == rc);
    CHECK_STR(why, why2);
    const nnb_counter_backend *sel;
    char sw[512];
    if (rc != 0) {
        /* a machine without a usable PMU: the refusal names the cause */
        CHECK(contains(why, "PMU") || contains(why, "perf_event"));
        CHECK(nnb_counter_select("papi", NULL, &sel, sw, sizeof sw) == -1 && sel == NULL);
        CHECK(contains(sw, "papi") && contains(sw, "PMU"));
        nnb_layer l;
        nnb_analytic a;
        nnb_counts c;
        char err[512];
        if (parse("conv:c=4,h=8,k=4,r=3", &l, &a) == 0) {
            nnb_count_request rq = {.layer = &l, .kernel = nnb_kernel_find("reference"), .threads = 1};
            CHECK(nnb_counter_papi.measure(&rq, &c, err, sizeof err) == -1);
            CHECK(contains(err, "papi") && !c.have_flops);
        }
    } else {
        papi_works = true;
        CHECK(nnb_counter_select("papi", NULL, &sel, sw, sizeof sw) == 0 && sel == &nnb_counter_papi);
    }
}

static void test_auto(void)
{
    char why[512];
    nnb_layer l;
    nnb_analytic a;
    if (parse("conv:c=8,h=10,k=8,r=3", &l, &a) != 0) return;
    const nnb_counter_backend *b = nnb_counter_auto(&l, why, sizeof why);
    printf("auto (small layer): %s\n", why);
    bool vg = nnb_counter_valgrind.probe(NULL, why + 256, 256) == 0;
    if (papi_works) CHECK(b == &nnb_counter_papi);
    else if (vg) CHECK(b == &nnb_counter_valgrind && contains(why, "valgrind") && contains(why, "papi"));
    else CHECK(b == &nnb_counter_none);

    /* a layer far above the valgrind budget falls back to none and says why */
    if (!papi_works && vg && parse("conv:n=64,c=512,h=56,k=512,r=3,pad=1", &l, &a) == 0) {
        b = nnb_counter_auto(&l, why, sizeof why);
        printf("auto (big layer): %s\n", why);
        CHECK(b == &nnb_counter_none && contains(why, "budget"));
        const nnb_counter_backend *sel;
        CHECK(nnb_counter_select("valgrind", &l, &sel, why, sizeof why) == 0 && sel == &nnb_counter_valgrind);
    }
}

static void test_child_args(void)
{
    char *bad1[] = {"nnbench", NNB_COUNT_CHILD_ARG, "--kernel", "reference", NULL};
    CHECK(nnb_count_child_main(4, bad1) == 2);
    char *bad2[] = {"nnbench", NNB_COUNT_CHILD_ARG, "--layer", "conv:c=4,h=6,k=4,r=3", "--kernel",
                    "reference", "--threads", "0", NULL};
    CHECK(nnb_count_child_main(8, bad2) == 2);
    char *bad3[] = {"nnbench", NNB_COUNT_CHILD_ARG, "--layer", "conv:c=4,h=6,k=4,r=3", "--kernel",
                    "no_such_kernel", NULL};
    CHECK(nnb_count_child_main(6, bad3) == 2);
    char *bad4[] = {"nnbench", NNB_COUNT_CHILD_ARG, "--layer", "conv:c=0", "--kernel", "reference", NULL};
    CHECK(nnb_count_child_main(6, bad4) == 2);
    char *bad5[] = {"nnbench", NNB_COUNT_CHILD_ARG, "--frobnicate", "1", NULL};
    CHECK(nnb_count_child_main(4, bad5) == 2);
    char *bad6[] = {"nnbench", NNB_COUNT_CHILD_ARG, "--layer", NULL};
    CHECK(nnb_count_child_main(3, bad6) == 2);

    /* natively the child runs the kernel once and writes the maps file */
    char maps[] = "/tmp/nnb-test-maps-XXXXXX";
    int fd = mkstemp(maps);
    CHECK(fd >= 0);
    if (fd < 0) return;
    close(fd);
    char *ok[] = {"nnbench", NNB_COUNT_CHILD_ARG, "--layer", "conv:c=4,h=6,k=4,r=3", "--kernel",
                  "reference", "--threads", "1", "--maps", maps, "--seed", "7", NULL};
    CHECK(nnb_count_child_main(12, ok) == 0);
    FILE *f = fopen(maps, "r");
    char line[512] = "";
    CHECK(f && fgets(line, sizeof line, f) && contains(line, "-"));
    if (f) fclose(f);
    unlink(maps);
}

/* One valgrind count; returns 0 and fills c. */
static int vg_count(const char *spec, const char *kernel, int threads, nnb_layer *l, nnb_analytic *a,
                    nnb_counts *c)
{
    if (parse(spec, l, a) != 0) return -1;
    const nnb_kernel *k = nnb_kernel_find(kernel);
    if (!k) {
        printf("  (kernel %s not registered: skipped)\n", kernel);
        return 1;
    }
    if (!k->supports(l)) {
        printf("  (kernel %s does not support %s: skipped)\n", kernel, spec);
        return 1;
    }
    char err[512];
    nnb_count_request rq = {.layer = l, .spec = spec, .kernel = k, .threads = threads, .quiet = true};
    if (nnb_counter_valgrind.measure(&rq, c, err, sizeof err) != 0) {
        fprintf(stderr, "valgrind count of %s/%s failed: %s\n", kernel, spec, err);
        nnb_test_failures++;
        return -1;
    }
    printf("  %-12s %-36s T=%d flops %.0f (analytic %lld, ratio %.4f)  dram %.0f (bytes_min %lld, x%.2f)\n",
           kernel, spec, threads, c->flops, (long long)a->flops, c->flops / (double)a->flops, c->dram_bytes,
           (long long)a->bytes_min, c->dram_bytes / (double)a->bytes_min);
    return 0;
}

static void test_valgrind_end_to_end(void)
{
    if (!nnb_test_valgrind_ready("valgrind end-to-end")) return;
    nnb_layer l;
    nnb_analytic a;
    nnb_counts c;
    /* no padding: every kernel executes the dense count; integer weights, bias on */
    if (vg_count("conv:c=8,h=10,w=10,k=16,r=3", "reference", 1, &l, &a, &c) == 0) {
        CHECK(c.have_flops && c.have_insn && c.have_dram && c.have_l1 && c.have_core_bytes);
        CHECK_STR(c.backend, "valgrind");
        CHECK_NEAR(c.flops / (double)a.flops, 1.0, 0.02);
        CHECK(c.have_fp_split && c.flops_dp == 0 && c.flops_sp == c.flops);
        CHECK(c.dram_bytes >= (double)a.bytes_min);
        CHECK(c.load_bytes >= (double)(a.src_bytes + a.wei_bytes));
        CHECK(c.store_bytes >= (double)a.dst_bytes);
        CHECK(c.l1_miss_bytes >= (double)a.bytes_min);
        CHECK(c.instructions > c.flops / 2);
        CHECK(contains(c.note, "AVX-512"));
        /* three levels: the L2 pass (hwloc's L2 as the last level) sees every
         * line DRAM sees (a cold run whose data fits the LL), and L1 more */
        nnb_cache_geom g2;
        if (nnb_topo_l2_geom(&g2) == 0) {
            CHECK(c.have_l2 && c.l2_miss_bytes >= 0.99 * c.dram_bytes);
            CHECK(c.l1_miss_bytes >= c.l2_miss_bytes);
            CHECK(contains(c.note, "second pass with the L2 as the last level"));
        }
    }
    /* padding, stride 2: the executed count is the dense one or the
     * valid-taps one (a kernel may skip padded taps); nothing else */
    if (vg_count("conv:c=4,h=9,w=9,k=8,r=3,pad=1,stride=2", "reference", 1, &l, &a, &c) == 0) {
        double dense = (double)a.flops, valid = 2.0 * (double)a.macs_valid + (double)a.bias_adds;
        CHECK(fabs(c.flops - dense) <= 1e-3 * dense || fabs(c.flops - valid) <= 1e-3 * valid);
        CHECK(c.dram_bytes >= (double)a.bytes_min);
    }
    /* OpenMP workers are counted: the same FLOPs at 1 and 2 threads */
    nnb_counts c1, c2;
    const char *par = "conv:c=16,h=12,w=12,k=32,r=3";
    if (vg_count(par, "direct", 1, &l, &a, &c1) == 0 && vg_count(par, "direct", 2, &l, &a, &c2) == 0) {
        CHECK_NEAR(c2.flops / c1.flops, 1.0, 0.001);
        CHECK_EQ_I64(c2.threads, 2);
    }
    /* direct_oc: whole tiles of any row width that read only the taps inside
     * the input, so on a 14-wide padded layer it executes exactly 2 x the
     * valid-tap MACs (the bias starts the accumulators), the count its
     * prepare-then-run child makes natively too */
    if (vg_count("conv:c=16,h=14,w=14,k=32,r=3,pad=1", "direct_oc", 1, &l, &a, &c) == 0) {
        CHECK(c.have_flops);
        CHECK_NEAR(c.flops, 2.0 * (double)a.macs_valid, 0);
        CHECK(c.dram_bytes >= (double)a.bytes_min);
    }
    /* a 7-wide plane (at most two tiles a row) computes its padding columns
     * from a column-padded copy and skips only the padding rows: output rows
     * 0 and 6 read 2 window rows, rows 1-5 all 3, every position all 3
     * columns: (2 + 5 x 3 + 2) x 3 x 7 = 399 taps x 16 channels x 32 outputs */
    if (vg_count("conv:c=16,h=7,w=7,k=32,r=3,pad=1", "direct_oc", 1, &l, &a, &c) == 0) {
        CHECK(c.have_flops);
        CHECK_NEAR(c.flops, 2.0 * 399 * 16 * 32, 0);
    }
    /* OpenBLAS, decoded inside its shared object */
    if (vg_count("conv:c=16,h=16,w=16,k=32,r=3", "im2col_gemm", 1, &l, &a, &c) == 0) {
        CHECK(c.have_flops);
        CHECK(c.flops >= 0.999 * (double)a.flops);
        CHECK_NEAR(c.flops / (double)a.flops, 1.0, 0.05);
        CHECK(c.dram_bytes >= (double)a.bytes_min);
    }

    /* a child that fails is reported with its own message, no counts */
    if (parse("conv:c=4,h=6,k=4,r=3", &l, &a) == 0) {
        nnb_count_request rq = {.layer = &l, .spec = "conv:c=4,h=6,k=4,r=3,bogus=1",
                                .kernel = nnb_kernel_find("reference"), .threads = 1, .quiet = true};
        char err[512] = "";
        CHECK(nnb_counter_valgrind.measure(&rq, &c, err, sizeof err) == -1);
        CHECK(contains(err, "valgrind run failed") && !c.have_flops);
        printf("  failing child: %s\n", err);
    }

    /* validate: a layer our formula describes (no padding) passes with the
     * reference kernel; bad options are exit 2 before anything runs */
    char *v_ok[] = {"validate", "--layer", "conv:c=4,h=6,k=4,r=3", "--kernels", "none", "--quiet", NULL};
    CHECK_EQ_I64(nnb_validate_main(6, v_ok), 0);
    char *v_bad1[] = {"validate", "--kernels", "no_such_kernel", NULL};
    CHECK_EQ_I64(nnb_validate_main(3, v_bad1), 2);
    char *v_bad2[] = {"validate", "--layer", "conv:c=0", NULL};
    CHECK_EQ_I64(nnb_validate_main(3, v_bad2), 2);
    char *v_bad3[] = {"validate", "--bogus", NULL};
    CHECK_EQ_I64(nnb_validate_main(2, v_bad3), 2);
}

int main(void)
{
    test_registry_and_none();
    test_papi_probe();
    test_auto();
    test_child_args();
    test_valgrind_end_to_end();
    return nnb_test_done("test_counters");
}
