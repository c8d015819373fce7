/* Kernel work models (nnb_kernel.work): exact values derived by hand from
 * the kernels' plans, the verdicts (exact / explained / unexplained), and,
 * under valgrind, a real count held against the right model and against a
 * deliberately wrong one (a kernel registered only here, its model 10% off),
 * which must come out unexplained; pool and fc (batch 1) by hand per ISA and
 * against their valgrind counts. */
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

static int parse(const char *spec, nnb_layer *l, nnb_analytic *a) { return nnb_test_layer(spec, l, a); }
static void count_against_model(const char *kernel, const char *spec);

static double model_flops(const char *kernel, const nnb_layer *l, const nnb_analytic *a, int isa, nnb_work *w)
{
    nnb_kernel_work(nnb_kernel_find(kernel), l, a, 1, isa, w);
    return w->flops;
}

/* direct and depthwise: the issue's layers, by hand from their plans */
static void test_plan_models(void)
{
    nnb_layer l;
    nnb_analytic a;
    nnb_work w;
    if (parse("conv:c=16,h=20,k=24,r=3,pad=1", &l, &a) != 0) return;
    /* AVX2: flat walk, pitch 22 = 20 + 2: 20 x 22 = 440 columns (55 whole
     * 8-wide vectors) per output channel, bias folded: 2 x 24 x 16 x 9 x 440 */
    CHECK_NEAR(model_flops("direct", &l, &a, NNB_ISA_AVX2, &w), 2.0 * 24 * 16 * 9 * 440, 0);
    CHECK(strstr(w.why, "pitch 22") && strstr(w.why, "bias folded"));
    /* the reference: the analytic count itself */
    CHECK_NEAR(model_flops("reference", &l, &a, NNB_ISA_AVX2, &w), (double)a.flops, 0);
    CHECK_STR(w.why, "");
    /* OpenBLAS: 2 m n k + 2 m n (alpha, C add) with m 24, n 400, k 144 */
    CHECK_NEAR(model_flops("im2col_gemm", &l, &a, NNB_ISA_AVX2, &w), 2.0 * 24 * 400 * 144 + 2.0 * 24 * 400, 0);

    /* direct_oc on a 7x7 plane, 3x3 pad 1: AVX-512 tiles each 7-wide row
     * whole (edge tiles: the padding columns' taps skipped per position):
     * (2 + 3 x 5 + 2)^2 = 361 taps over the plane, benchdnn's valid taps;
     * AVX2's 6-position tiles cannot hold a row: padding columns computed,
     * 19 x 21 = 399 */
    if (parse("conv:c=16,h=7,k=32,r=3,pad=1", &l, &a) == 0) {
        CHECK_NEAR(model_flops("direct_oc", &l, &a, NNB_ISA_AVX512, &w), 2.0 * 32 * 16 * 361, 0);
        CHECK(strstr(w.why, "padding taps skipped") != NULL);
        CHECK_NEAR(model_flops("direct_oc", &l, &a, NNB_ISA_AVX2, &w), 2.0 * 32 * 16 * 399, 0);
        CHECK(strstr(w.why, "padding columns computed") != NULL);
    }

    /* the NCHW plan: multiplier 2 (the channel-blocked plan takes multiplier 1) */
    if (parse("conv:c=16,h=14,k=32,r=3,pad=1,g=16", &l, &a) != 0) return;
    /* AVX2 rows: 14 columns in two 8-wide vectors, 9 taps, 14 rows, 16 planes */
    CHECK_NEAR(model_flops("depthwise", &l, &a, NNB_ISA_AVX2, &w), 2.0 * 32 * 9 * 14 * 16, 0);
    CHECK(strstr(w.why, "8-wide avx2 vectors over 14-wide rows") != NULL);
    /* AVX-512 whole-plane 3x3 path: 16 lanes; (input row, output row) pairs
     * per row tile of 8, 6 rows (one vector per row): 23, 17 (padding rows
     * skipped), x 3 column shifts */
    CHECK_NEAR(model_flops("depthwise", &l, &a, NNB_ISA_AVX512, &w), 2.0 * 32 * 16 * 3 * (23 + 17), 0);
    CHECK(strstr(w.why, "padding rows skipped") != NULL);
    /* the C context computes no lane past the row */
    CHECK_NEAR(model_flops("depthwise", &l, &a, NNB_ISA_SCALAR, &w), 2.0 * 32 * 9 * 14 * 14, 0);
    if (parse("conv:c=16,h=7,k=32,r=3,pad=1,g=16", &l, &a) != 0) return;
    /* AVX-512 flat sweep of the 7 x 7 plane: 49 outputs in 4 16-wide
     * vectors, every one of the 9 taps */
    CHECK_NEAR(model_flops("depthwise", &l, &a, NNB_ISA_AVX512, &w), 2.0 * 32 * 9 * 4 * 16, 0);
    CHECK(strstr(w.why, "lanes past the plane end") != NULL);
    if (parse("conv:c=16,h=40,k=32,r=3,pad=1,g=16", &l, &a) != 0) return;
    /* AVX-512 whole-plane 3x3 row tiles (40 wide: 3 vectors, 48 lanes): (input
     * row, output row) pairs per tile of 4 rows: 11 (top padding row skipped),
     * 8 x 12, 11 (bottom), x 3 column shifts */
    CHECK_NEAR(model_flops("depthwise", &l, &a, NNB_ISA_AVX512, &w), 2.0 * 32 * 48 * 3 * (11 + 8 * 12 + 11), 0);
    CHECK(strstr(w.why, "padding rows skipped") != NULL);
    if (parse("conv:c=16,h=20,k=32,r=3,stride=2,pad=1,g=16", &l, &a) != 0) return;
    /* stride 2, 10 x 10 outputs in one 16-wide vector per row: pairs per
     * tile of 8, 2 rows: 23 (top padding row skipped), 6, x 3 taps */
    CHECK_NEAR(model_flops("depthwise", &l, &a, NNB_ISA_AVX512, &w), 2.0 * 32 * 16 * 3 * (23 + 6), 0);
    CHECK(strstr(w.why, "padding rows skipped") != NULL);
    if (parse("conv:c=16,h=14,k=32,r=3,stride=2,pad=1,g=16", &l, &a) != 0) return;
    /* stride 2, 14 -> 7: output rows j and j + 4 share a vector (lanes 0-7,
     * 8-15); input row pairs t - 1, t + 7 for t = 0 .. 8, none both outside
     * the plane (the top padding row rides with row 7, computed as zeros):
     * (pair, output row) pairs 2j + r = t for j < 4, r < 3: 12, x 3 taps */
    CHECK_NEAR(model_flops("depthwise", &l, &a, NNB_ISA_AVX512, &w), 2.0 * 32 * 16 * 3 * 12, 0);
    CHECK(strstr(w.why, "over 7-wide rows") != NULL);

    if (parse("deconv:c=8,h=6,k=8,r=3,stride=2,pad=1,outpad=1", &l, &a) != 0) return;
    /* sgemm 72 x 36 x 8 per image, then col2im's in-image adds: per tap
     * (r, s) the inputs whose output lands inside 12 x 12 (r = 0 loses
     * input row 0: 5 x 6 ... ), summed: 289 per channel, 8 channels */
    CHECK_NEAR(model_flops("transposed_gemm", &l, &a, NNB_ISA_AVX2, &w),
               2.0 * 72 * 36 * 8 + 2.0 * 72 * 36 + 8.0 * 289, 0);
    CHECK(strstr(w.why, "col2im") != NULL);
}

/* verdicts from given counts: exact, explained (cause named), unexplained */
/* the channel-blocked plan (multiplier 1, at least a block of channels),
 * by hand: per (image, block) one FMA of block lanes for every window tap
 * inside the input, padding channels included; bytes: the blocked layouts */
static void test_blocked_models(void)
{
    nnb_layer l;
    nnb_analytic a;
    nnb_work w;
    /* 14 x 14, pad 1: rows and columns each 2 x 2 + 12 x 3 = 40 taps inside */
    if (parse("conv:c=16,h=14,k=16,r=3,pad=1,g=16", &l, &a) != 0) return;
    CHECK_NEAR(model_flops("depthwise", &l, &a, NNB_ISA_AVX512, &w), 2.0 * 16 * 40 * 40, 0);
    CHECK(strstr(w.why, "padding taps skipped (nChw16c") && strstr(w.why, "bias folded"));
    CHECK(!strstr(w.why, "padding channels"));
    CHECK_NEAR(model_flops("depthwise", &l, &a, NNB_ISA_AVX2, &w), 2.0 * 16 * 40 * 40, 0);
    CHECK(strstr(w.why, "(nChw8c") != NULL);
    /* 7 -> 4 at stride 2, pad 1: rows 2 + 3 + 3 + 2 = 10, columns alike;
     * 20 channels: 2 blocks of 16 (12 padding channels), 3 of 8 (4) */
    if (parse("conv:c=20,h=7,k=20,r=3,stride=2,pad=1,g=20", &l, &a) != 0) return;
    CHECK_NEAR(model_flops("depthwise", &l, &a, NNB_ISA_AVX512, &w), 2.0 * 32 * 10 * 10, 0);
    CHECK(strstr(w.why, "12 padding channels computed") != NULL);
    const double bias = l.bias ? 32.0 * 4 : 0.0;
    CHECK_NEAR(w.bytes, 32.0 * 49 * 4 + 32.0 * 16 * 4 + 32.0 * 9 * 4 + bias, 0);
    CHECK(strstr(w.bytes_why, "nChw16c layouts (channels 20 -> 32)") != NULL);
    CHECK_NEAR(model_flops("depthwise", &l, &a, NNB_ISA_AVX2, &w), 2.0 * 24 * 10 * 10, 0);
    CHECK(strstr(w.why, "4 padding channels computed") != NULL);
    /* 5 x 5, dilation 2, pad 2 over 9 x 11 (5 x 7 out): rows 4 4 5 4 4 = 21,
     * columns 4 4 5 5 5 4 4 = 31 (the generic tile) */
    if (parse("conv:c=16,h=9,w=11,k=16,r=5,dil=2,pad=2,g=16", &l, &a) != 0) return;
    CHECK_NEAR(model_flops("depthwise", &l, &a, NNB_ISA_AVX512, &w), 2.0 * 16 * 21 * 31, 0);
    /* multiplier 2 and fewer channels than a block keep the NCHW plan */
    const nnb_isa isa = nnb_isa_kernels();
    CHECK_STR(nnb_kernel_find("depthwise")->impl(&l),
              isa >= NNB_ISA_AVX512 ? "nChw16c" : isa >= NNB_ISA_AVX2 ? "nChw8c" : "");
    if (parse("conv:c=16,h=9,k=32,r=3,pad=1,g=16", &l, &a) != 0) return;
    CHECK_STR(nnb_kernel_find("depthwise")->impl(&l), "");
    if (parse("conv:c=7,h=9,k=7,r=3,pad=1,g=7", &l, &a) != 0) return;
    CHECK_STR(nnb_kernel_find("depthwise")->impl(&l), "");
}

/* the blocked plan under valgrind (AVX2: nChw8c): the count is the model */
static void test_blocked_counts(void)
{
    if (!nnb_test_valgrind_ready("valgrind counts")) return;
    count_against_model("depthwise", "conv:c=16,h=14,k=16,r=3,pad=1,g=16");
    count_against_model("depthwise", "conv:c=20,h=7,k=20,r=3,stride=2,pad=1,g=20");
    count_against_model("depthwise", "conv:c=16,h=9,w=11,k=16,r=5,dil=2,pad=2,g=16,bias=0");
}

static void test_verdicts(void)
{
    nnb_layer l;
    nnb_analytic a;
    if (parse("conv:c=16,h=20,k=24,r=3,pad=1", &l, &a) != 0) return;
    nnb_work w;
    nnb_kernel_work(nnb_kernel_find("direct"), &l, &a, 1, NNB_ISA_AVX2, &w);
    nnb_result x;
    memset(&x, 0, sizeof x);
    x.have_flops = x.have_dram = true;
    x.flops = w.flops * 1.005;
    x.dram_bytes = w.bytes;
    nnb_work_verdicts(&a, &w, &x);
    CHECK_STR(x.verdict_work_flops, "explained");
    CHECK(strstr(x.verdict_work_flops_why, "+9.6% vs the analytic count") != NULL);
    CHECK_STR(x.verdict_work_bytes, "exact");
    CHECK_NEAR(x.useful_fraction, (double)a.flops / x.flops, 1e-12);
    x.flops = w.flops * 1.011; /* past our kernels' 1% */
    x.dram_bytes = 0.9 * w.bytes;  /* below the lower bound */
    nnb_work_verdicts(&a, &w, &x);
    CHECK_STR(x.verdict_work_flops, "unexplained");
    CHECK_STR(x.verdict_work_bytes, "unexplained");
    x.dram_bytes = w.bytes + (double)a.dst_bytes; /* a cold write-allocate cache */
    nnb_work_verdicts(&a, &w, &x);
    CHECK_STR(x.verdict_work_bytes, "explained");
    nnb_kernel_work(nnb_kernel_find("reference"), &l, &a, 1, NNB_ISA_AVX2, &w);
    x.flops = (double)a.flops;
    nnb_work_verdicts(&a, &w, &x);
    CHECK_STR(x.verdict_work_flops, "exact");
    x.have_flops = x.have_dram = false; /* nothing counted: the model only */
    nnb_work_verdicts(&a, &w, &x);
    CHECK(x.have_work && !x.verdict_work_flops[0] && !x.verdict_work_bytes[0]);
}

/* the direct kernel with a model 10% off: only this binary registers it */
static void wrong_work(const nnb_layer *l, const nnb_analytic *a, int threads, int isa, nnb_work *w)
{
    nnb_kernel_work(nnb_kernel_find("direct"), l, a, threads, isa, w);
    w->flops *= 1.10;
}

static void test_wrong_model_caught(void)
{
    if (!nnb_test_valgrind_ready("valgrind count")) return;
    nnb_layer l;
    nnb_analytic a;
    if (parse("conv:c=16,h=20,k=24,r=3,pad=1", &l, &a) != 0) return;
    const nnb_kernel *direct = nnb_kernel_find("direct");
    nnb_kernel wrong = *direct;
    wrong.name = "direct_wrong_model";
    wrong.work = wrong_work;
    nnb_count_request rq = {.layer = &l, .kernel = direct, .threads = 1, .quiet = true};
    nnb_counts c;
    char err[512];
    CHECK(nnb_counter_valgrind.measure(&rq, &c, err, sizeof err) == 0 && c.have_flops);
    if (!c.have_flops) return;
    const int isa = nnb_counter_isa(&nnb_counter_valgrind);
    nnb_result x;
    memset(&x, 0, sizeof x);
    x.have_flops = true;
    x.flops = c.flops;
    nnb_work w;
    nnb_kernel_work(direct, &l, &a, 1, isa, &w);
    nnb_work_verdicts(&a, &w, &x);
    printf("direct counted %.0f, model %.0f: %s (%s)\n", c.flops, w.flops, x.verdict_work_flops,
           x.verdict_work_flops_why);
    CHECK(strcmp(x.verdict_work_flops, "unexplained") != 0);
    nnb_kernel_work(&wrong, &l, &a, 1, isa, &w);
    nnb_work_verdicts(&a, &w, &x);
    printf("same count, model 10%% off: %s (%s)\n", x.verdict_work_flops, x.verdict_work_flops_why);
    CHECK_STR(x.verdict_work_flops, "unexplained");
}

/* pool (row chunks, scalar borders, global reductions) and fc at batch 1
 * (the gemv rows) */
/* pool and fc (batch 1): their models by hand per ISA */
static double model(const char *kernel, const char *spec, int isa)
{
    nnb_layer l;
    nnb_analytic a;
    nnb_work w;
    if (parse(spec, &l, &a) != 0) return -1;
    nnb_kernel_work(nnb_kernel_find(kernel), &l, &a, 1, isa, &w);
    return w.flops;
}

static void test_pool_fc_models(void)
{
    const char *mp = "maxpool:c=4,h=40,r=3,s=2,pad=1";
    /* AVX2: channel-blocked, one nChw8c block (4 padding channels), 20 x 20
     * outputs, ring of H rows (sh 2 < kh 3), one band at 1 thread. Column 0
     * (taps -1..1: 2 in the input) goes one at a time through H rows (each
     * its in-input taps, merged with one op), columns 1..19 are interior:
     * a fresh row no later output row needs goes straight into the
     * accumulator (3 ops), a kept one through its H row (3 + 1 merge), a
     * ring row as the first H row costs nothing. Output row 0 (rows 0, 1;
     * row 1 kept): 19 x (3 + 4) + (2 + 3); rows 1..18 (ring, fresh, kept):
     * 19 x (0 + 3 + 4) + (0 + 3 + 3); row 19 (nothing kept): 20 x (0 + 3 + 3) */
    CHECK_NEAR(model("pool", mp, NNB_ISA_AVX2), 8.0 * ((19 * 7 + 5) + 18 * (19 * 7 + 6) + 20 * 6), 0);
    /* AVX-512: 4 channels would pad a 16-channel block 4x: the separable max
     * on NCHW planes. 20 outputs a row in 2 chunks of 16 (32 lanes); input
     * rows 0..39 each give one H row (3 taps a lane); output row 0 maxes 2
     * H rows (1 op a lane), rows 1..19 three (2 ops); 4 planes */
    CHECK_NEAR(model("pool", mp, NNB_ISA_AVX512), 4.0 * (40 * 32 * 3 + 32 * 1 + 19 * 32 * 2), 0);
    /* channel-blocked average: 20 channels in 2 nChw16c blocks, 4 x 4
     * outputs, no ring (sh = kh): both rows straight into the sum (1 + 2
     * adds), then the division (by 4: a multiply by 0.25) */
    CHECK_NEAR(model("pool", "avgpool:c=20,h=8,r=2,s=2", NNB_ISA_AVX512), 2.0 * 16 * (3 + 1) * 16, 0);
    /* C: the in-input taps only */
    CHECK_NEAR(model("pool", mp, NNB_ISA_SCALAR), 4.0 * (19 * 6 + 4 + 19 * (19 * 9 + 6)), 0);

    const char *gp = "avgpool:c=37,h=7,r=7"; /* global: 37 planes of 49 */
    /* channel-blocked: 5 blocks of 8 (AVX2), 3 of 16 (AVX-512): 48 adds and
     * a division each, in all lanes */
    CHECK_NEAR(model("pool", gp, NNB_ISA_AVX2), 5.0 * 49 * 8, 0);
    CHECK_NEAR(model("pool", gp, NNB_ISA_AVX512), 3.0 * 49 * 16, 0);
    /* AVX-512 on 5 planes (a 16-channel block would triple them): NCHW, 4
     * chunks of 16 per plane, one group of 16 planes: 15 tree ops and a
     * division */
    CHECK_NEAR(model("pool", "avgpool:c=5,h=7,r=7", NNB_ISA_AVX512), 5.0 * 4 * 16 + 15 * 16 + 16, 0);
    /* AVX2 on 3 planes: NCHW, 7 chunks of 8 per plane, one group: 7 tree
     * ops and one division of 8 lanes */
    CHECK_NEAR(model("pool", "avgpool:c=3,h=7,r=7", NNB_ISA_AVX2), 3.0 * 7 * 8 + 7 * 8 + 8, 0);
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

static void test_pool_fc_counts(void)
{
    if (!nnb_test_valgrind_ready("valgrind counts")) return;
    count_against_model("pool", "maxpool:c=4,h=40,r=3,s=2,pad=1");
    count_against_model("pool", "avgpool:c=37,h=7,r=7");
    count_against_model("pool", "avgpool:c=3,h=30,w=41,r=3,s=2,pad=1,ceil=1,include_pad=0");
    count_against_model("pool", "maxpool:c=2,h=20,w=70,r=2,s=3");
    count_against_model("fc", "fc:c=250,k=8");
}

/* the reference's vectorised rows (reference_work.c: GCC's SSE loops, 4
 * lanes, a 2-float epilogue counted as 4 lanes, an odd one scalar): taps
 * and bias both walk whole output rows */
static void test_reference_rows(void)
{
    nnb_layer l;
    nnb_analytic a;
    nnb_work w;
    if (parse("conv:c=8,h=13,k=8,r=3,stride=2,pad=1", &l, &a) != 0) return;
    /* 7-wide rows: 4 + 4 (epilogue of 2) + 1 = 9 lanes per 7 outputs */
    CHECK_NEAR(model_flops("reference", &l, &a, NNB_ISA_AVX2, &w), (2.0 * 8 * 9 + 1) * 8 * 7 * 9, 0);
    CHECK(strstr(w.why, "+28.6%") && strstr(w.why, "7-wide output rows"));
    if (parse("conv:c=16,h=10,k=16,r=3,pad=1,g=4", &l, &a) != 0) return;
    /* 10 wide: 8 + 4 = 12 lanes; 4 input channels per group */
    CHECK_NEAR(model_flops("reference", &l, &a, NNB_ISA_AVX512, &w), (2.0 * 4 * 9 + 1) * 16 * 10 * 12, 0);
    if (parse("conv:c=2,h=3,k=3,r=1,bias=0", &l, &a) != 0) return;
    /* 3 wide: the epilogue alone (4) and one scalar: 5 lanes */
    CHECK_NEAR(model_flops("reference", &l, &a, NNB_ISA_SCALAR, &w), 2.0 * 2 * 3 * 3 * 5, 0);
    if (parse("conv:c=2,h=5,w=1,k=3,r=1", &l, &a) != 0) return;
    /* 1 wide: scalar, the analytic count */
    CHECK_NEAR(model_flops("reference", &l, &a, NNB_ISA_AVX2, &w), (double)a.flops, 0);
    CHECK_STR(w.why, "");
}

static void test_reference_counts(void)
{
    if (!nnb_test_valgrind_ready("valgrind counts")) return;
    count_against_model("reference", "conv:c=8,h=13,k=8,r=3,stride=2,pad=1");
    count_against_model("reference", "conv:c=8,h=14,k=8,r=3,dil=2,pad=2");
    count_against_model("reference", "conv:c=2,h=3,k=3,r=1,bias=0");
    count_against_model("reference", "conv:c=3,h=9,w=6,k=2,r=2,stride=1,bias=1");
    count_against_model("reference", "conv:c=2,h=5,w=1,k=3,r=1");
}

/* oneDNN's inner product at batch 1 on AVX2 (gemm:jit's gemv, onednn.c):
 * per output 32 per 16 inputs, 16 per remainder step (8, 4, 2, 1), 26 per
 * reduction of a sum (after the main loop if it ran, after each remainder
 * step); bias in 8-lane vectors; 5 per execute call */
static void test_onednn_fc(void)
{
    if (!nnb_kernel_find("onednn")) {
        printf("SKIP onednn fc models: built without oneDNN\n");
        return;
    }
    CHECK_NEAR(model("onednn", "fc:c=128,k=33", NNB_ISA_AVX2), 33.0 * (8 * 32 + 26) + 40 + 5, 0);
    CHECK_NEAR(model("onednn", "fc:c=129,k=32", NNB_ISA_AVX2), 32.0 * (8 * 32 + 16 + 2 * 26) + 32 + 5, 0);
    CHECK_NEAR(model("onednn", "fc:c=1000,k=100", NNB_ISA_AVX2), 100.0 * (62 * 32 + 16 + 2 * 26) + 104 + 5, 0);
    /* 8 inputs: the remainder step alone, one reduction */
    CHECK_NEAR(model("onednn", "fc:c=8,k=8", NNB_ISA_AVX2), 8.0 * (16 + 26) + 8 + 5, 0);
    CHECK_NEAR(model("onednn", "fc:c=7,k=3,bias=0", NNB_ISA_AVX2), 3.0 * (3 * 16 + 3 * 26) + 5, 0);
    /* not derived: batch > 1 (sgemm kernels), AVX-512 (brgemm) */
    CHECK(model("onednn", "fc:n=2,c=128,k=32", NNB_ISA_AVX2) < 0);
    CHECK(model("onednn", "fc:c=128,k=32", NNB_ISA_AVX512) < 0);
    if (!nnb_test_valgrind_ready("valgrind counts")) return;
    count_against_model("onednn", "fc:c=128,k=33");
    count_against_model("onednn", "fc:c=7,k=3,bias=0");
    count_against_model("onednn", "fc:c=16,h=3,w=3,k=8");
    count_against_model("onednn", "fc:c=1000,k=100");
    /* convolutions whose output channels are not a multiple of the counted
     * ISA's block (AVX2: 8): oneDNN computes the padding channels too */
    CHECK_NEAR(model("onednn", "conv:c=4,h=6,k=4,r=3", NNB_ISA_AVX2), 2.0 * 4 * 4 * 9 * 16 * 2 + 5, 0);
    count_against_model("onednn", "conv:c=4,h=6,k=4,r=3");
    count_against_model("onednn", "conv:c=3,h=10,k=5,r=3");
    count_against_model("onednn", "conv:c=12,h=10,k=12,r=3,g=12");
    count_against_model("onednn", "conv:c=8,h=6,k=12,r=3,pad=1");
}

/* Grouped convolutions with few channels per group, counted on AVX2
 * (onednn.c: grouped_gemm_work): gemm:jit, per group sgemm blocks as
 * gemm_convolution_utils' cost model picks them; the no-copy kernel computes
 * pixels in 8-lane vectors (16-row chunks, a last 9..15 as 16, 1..8 as 8):
 * per output vector 2 k + 1 (alpha) lanes x 8, 48 per 6-column tile on an
 * 8-row chunk and on a 16-row chunk whose tile has at most 3 columns, 5 per
 * sgemm; one pixel goes to the gemv (per output: 32 per 16 inputs, 16 per
 * remainder step, 26 per reduction); bias once per output; 5 per execute.
 * Channels per group both multiples of 8 run jit:avx2: 2 x MACs + 5. */
#define GEMM_VEC(k) (8.0 * (2.0 * (k) + 1.0))

static void grouped_count(const char *spec, double tolerance, double *counted, nnb_work *w)
{
    nnb_layer l;
    nnb_analytic a;
    *counted = -1;
    if (parse(spec, &l, &a) != 0) return;
    const nnb_kernel *k = nnb_kernel_find("onednn");
    nnb_count_request rq = {.layer = &l, .kernel = k, .threads = 1, .quiet = true};
    nnb_counts c;
    char err[512];
    CHECK(nnb_counter_valgrind.measure(&rq, &c, err, sizeof err) == 0 && c.have_flops && c.have_dram);
    if (!c.have_flops) return;
    nnb_kernel_work(k, &l, &a, 1, nnb_counter_isa(&nnb_counter_valgrind), w);
    nnb_result x;
    memset(&x, 0, sizeof x);
    x.have_flops = x.have_dram = true;
    x.flops = c.flops;
    x.dram_bytes = c.dram_bytes;
    nnb_result_traffic(&x, &c);
    nnb_work_verdicts(&a, w, &x);
    printf("onednn on %s: counted %.0f FLOPs, model %.0f (%+.3f%%); data %.0f B (runtime %.0f), model %.0f B: %s\n",
           spec, c.flops, w->flops, 100.0 * (c.flops / w->flops - 1.0), c.dram_bytes, c.dram_runtime_bytes, w->bytes,
           x.verdict_work_bytes);
    CHECK(fabs(c.flops / w->flops - 1.0) <= tolerance);
    CHECK(strcmp(x.verdict_work_bytes, "exact") == 0 || strcmp(x.verdict_work_bytes, "explained") == 0);
    /* the parent's model (no im2col columns, no stack copy) is caught */
    const double col = 4.0 * (double)(l.c / l.groups * l.kh * l.kw) * (double)(l.oh * l.ow);
    w->bytes -= col;
    nnb_work_verdicts(&a, w, &x);
    if (col > 0.1 * w->bytes) CHECK_STR(x.verdict_work_bytes, "unexplained");
    *counted = c.flops;
}

static void test_onednn_grouped(void)
{
    if (!nnb_kernel_find("onednn")) {
        printf("SKIP onednn grouped models: built without oneDNN\n");
        return;
    }
    /* issue 18's layer: 7x6 = 42 pixels (16 + 16 + 10: three 16-row
     * chunks), 20 channels a group (tiles 6, 6, 6, 2: the 2 is narrow), K
     * 12 x 9 = 108, one block; 2 groups; bias 40 x 42 */
    const char *issue = "conv:c=24,h=13,w=11,k=40,r=3,stride=2,pad=1,g=2";
    const double issue_model = 2.0 * (6 * 20 * GEMM_VEC(108) + 3 * 48 + 5) + 40 * 42 + 5;
    CHECK_NEAR(model("onednn", issue, NNB_ISA_AVX2), issue_model, 0);
    /* 9 pixels, 5 channels a group: the cost model blocks pixels by 8, so an
     * 8-row chunk (1 tile of 5: merged, 48) and one pixel by the gemv (108 =
     * 6 x 16 + 8 + 4: 6 x 32 + 2 x 16 + 3 x 26 = 302 per output) */
    const char *blocked = "conv:c=24,h=3,w=3,k=10,r=3,pad=1,g=2";
    CHECK_NEAR(model("onednn", blocked, NNB_ISA_AVX2), 2.0 * (5 * GEMM_VEC(108) + 48 + 5 + 5 * 302) + 10 * 9 + 5, 0);
    /* one pixel: the gemv alone */
    CHECK_NEAR(model("onednn", "conv:c=24,h=1,w=1,k=40,r=3,pad=1,g=2", NNB_ISA_AVX2), 2.0 * 20 * 302 + 40 + 5, 0);
    /* 4 pixels: one masked 8-row chunk, 4 tiles each merged */
    const char *four = "conv:c=24,h=2,w=2,k=40,r=3,pad=1,g=2";
    CHECK_NEAR(model("onednn", four, NNB_ISA_AVX2), 2.0 * (20 * GEMM_VEC(108) + 4 * 48 + 5) + 40 * 4 + 5, 0);
    /* 49 pixels (3 x 16 + a masked 8), 5 channels, K 3 x 9 = 27 */
    CHECK_NEAR(model("onednn", "conv:c=6,h=9,w=9,k=10,r=3,g=2", NNB_ISA_AVX2),
               2.0 * (7 * 5 * GEMM_VEC(27) + 48 + 5) + 10 * 49 + 5, 0);
    /* 64 pixels (4 chunks of 16), one 6-column tile, K 4 x 9 = 36, 4 groups */
    CHECK_NEAR(model("onednn", "conv:c=16,h=8,w=8,k=24,r=3,pad=1,g=4,bias=0", NNB_ISA_AVX2),
               4.0 * (8 * 6 * GEMM_VEC(36) + 5) + 5, 0);
    /* 16 in and 24 out per group: jit:avx2, the dense count */
    CHECK_NEAR(model("onednn", "conv:c=32,h=14,w=14,k=48,r=1,g=2,bias=0", NNB_ISA_AVX2),
               2.0 * 196 * 48 * 16 + 5, 0);
    /* AVX-512 (the parent on a Xeon or Zen 4): channels per group multiples
     * of 4 run jit:avx512_core, the dense valid-tap count; 3 and 5 a group
     * run the AVX-512 sgemm: no model, said so */
    nnb_layer l;
    nnb_analytic a;
    if (parse(issue, &l, &a) == 0) CHECK_NEAR(model("onednn", issue, NNB_ISA_AVX512), 2.0 * (double)a.macs_valid + 5, 0);
    CHECK(model("onednn", "conv:c=6,h=9,w=9,k=10,r=3,g=2", NNB_ISA_AVX512) < 0);
    if (!nnb_test_valgrind_ready("valgrind counts")) return;
    /* exact up to what is named: the issue's stride-2 layer executes 80
     * FLOPs (+0.02%) the model does not place; every other layer exactly */
    double got;
    nnb_work w;
    grouped_count(issue, 0.001, &got, &w);
    grouped_count(blocked, 0, &got, &w);
    grouped_count(four, 0, &got, &w);
}

int main(void)
{
    test_onednn_grouped();
    test_onednn_fc();
    test_plan_models();
    test_reference_rows();
    test_reference_counts();
    test_pool_fc_models();
    test_pool_fc_counts();
    test_blocked_models();
    test_blocked_counts();
    test_verdicts();
    test_wrong_model_caught();
    return nnb_test_done("test_work_models");
}
