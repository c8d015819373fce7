/* The work models of pool (its row chunks, scalar borders and global
 * reductions) and of fc at batch 1 (the gemv rows): values derived by hand
 * from the plans per ISA, and, under valgrind, the real count of each held
 * against its model (exact: within the 1% of our kernels). */
#include "counters/counters.h"
#include "harness/verdict.h"
#include "machine/isa.h"
#include "nnbench/kernel.h"
#include "nnbench/model.h"
#include "spec/spec.h"
#include "nnb_test.h"
#include "nnb_valgrind_test.h"

#include <math.h>
#include <string.h>

static int parse(const char *spec, nnb_layer *l, nnb_analytic *a)
{
    char err[256];
    if (nnb_spec_parse(spec, l, err, sizeof err) != 0 || nnb_model_analyze(l, a, err, sizeof err) != 0) {
        fprintf(stderr, "%s: %s\n", spec, err);
        nnb_test_failures++;
        return -1;
    }
    return 0;
}

static double model(const char *kernel, const char *spec, int isa)
{
    nnb_layer l;
    nnb_analytic a;
    nnb_work w;
    if (parse(spec, &l, &a) != 0) return -1;
    nnb_kernel_work(nnb_kernel_find(kernel), &l, &a, 1, isa, &w);
    return w.flops;
}

static void test_hand_models(void)
{
    const char *mp = "maxpool:c=4,h=40,r=3,s=2,pad=1";
    /* AVX2: 20 outputs a row, interior 1..19 (19 outputs: 3 chunks of 8 =
     * 24 lanes), ox 0 scalar (2 in-input columns). Row 0: 2 window rows
     * (24 x 6 + 2 x 2), rows 1..19: 3 (24 x 9 + 3 x 2); 4 planes */
    CHECK_NEAR(model("pool", mp, NNB_ISA_AVX2), 4.0 * (24 * 6 + 4 + 19 * (24 * 9 + 6)), 0);
    /* AVX-512: 19 outputs in 2 chunks of 16 (the second overlapping) */
    CHECK_NEAR(model("pool", mp, NNB_ISA_AVX512), 4.0 * (32 * 6 + 4 + 19 * (32 * 9 + 6)), 0);
    /* C: the in-input taps only */
    CHECK_NEAR(model("pool", mp, NNB_ISA_SCALAR), 4.0 * (19 * 6 + 4 + 19 * (19 * 9 + 6)), 0);

    const char *gp = "avgpool:c=37,h=7,r=7"; /* global: 37 planes of 49 */
    /* AVX2: 7 chunks of 8 per plane; 5 groups of 8 planes: 7 tree ops and
     * one division of 8 lanes each */
    CHECK_NEAR(model("pool", gp, NNB_ISA_AVX2), 37.0 * 7 * 8 + 5 * 7 * 8 + 5 * 8, 0);
    /* AVX-512: 4 chunks of 16; 3 groups of 16: 15 tree ops, a division */
    CHECK_NEAR(model("pool", gp, NNB_ISA_AVX512), 37.0 * 4 * 16 + 3 * 15 * 16 + 3 * 16, 0);
    /* C: 49 adds and a division per plane: the analytic count */
    CHECK_NEAR(model("pool", gp, NNB_ISA_SCALAR), 37.0 * 50, 0);

    const char *fc = "fc:c=250,k=8"; /* bias on: one add per output */
    /* AVX2: 15 blocks of 16 columns (2 FMAs of 8 lanes: 32 FLOPs), 10
     * scalar tail FMAs, 8 + 4 + 4 + 1 reduction adds */
    CHECK_NEAR(model("fc", fc, NNB_ISA_AVX2), 8.0 * (15 * 32 + 10 * 2 + 17) + 8, 0);
    /* AVX-512: 7 blocks of 32 (2 FMAs of 16 lanes: 64), 26 tail columns in
     * 2 masked FMAs counted whole (32 each), 16 + 8 + 4 + 4 + 1 */
    CHECK_NEAR(model("fc", fc, NNB_ISA_AVX512), 8.0 * (7 * 64 + 2 * 32 + 33) + 8, 0);
    /* C: 2 per weight, 8 accumulators summed */
    CHECK_NEAR(model("fc", fc, NNB_ISA_SCALAR), 8.0 * (2 * 250 + 8) + 8, 0);
}

/* the real count of kernel on spec under valgrind: exact against its model */
static void count_against_model(const char *kernel, const char *spec)
{
    nnb_layer l;
    nnb_analytic a;
    if (parse(spec, &l, &a) != 0) return;
    const nnb_kernel *k = nnb_kernel_find(kernel);
    nnb_count_request rq = {.layer = &l, .kernel = k, .threads = 1, .quiet = true};
    nnb_counts c;
    char err[512];
    CHECK(nnb_counter_valgrind.measure(&rq, &c, err, sizeof err) == 0 && c.have_flops);
    if (!c.have_flops) return;
    nnb_work w;
    nnb_kernel_work(k, &l, &a, 1, nnb_counter_isa(&nnb_counter_valgrind), &w);
    printf("%s on %s: counted %.0f, model %.0f\n", kernel, spec, c.flops, w.flops);
    CHECK(fabs(c.flops / w.flops - 1.0) <= 0.01);
}

static void test_counts(void)
{
    if (!nnb_test_valgrind_ready("valgrind counts")) return;
    count_against_model("pool", "maxpool:c=4,h=40,r=3,s=2,pad=1");
    count_against_model("pool", "avgpool:c=37,h=7,r=7");
    count_against_model("pool", "avgpool:c=3,h=30,w=41,r=3,s=2,pad=1,ceil=1,include_pad=0");
    count_against_model("pool", "maxpool:c=2,h=20,w=70,r=2,s=3");
    count_against_model("fc", "fc:c=250,k=8");
}

int main(void)
{
    test_hand_models();
    test_counts();
    return nnb_test_done("test_work_pool_fc");
}
