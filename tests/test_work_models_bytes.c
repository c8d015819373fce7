/* Bytes models and verdicts, and oneDNN's pooling models: OpenBLAS's packed
 * blocks by hand from its level-3 blocking; the bytes verdict's branches
 * (exact, runtime, write-allocate only with write-backs, straddling
 * accesses, unexplained both ways); under valgrind, the data / fetch split
 * (masked stores counted as data), im2col_gemm's bytes exact against its
 * model and unexplained against the model without OpenBLAS's packing, and
 * oneDNN's pooling FLOPs against its model. */
#include "counters/counters.h"
#include "harness/verdict.h"
#include "machine/isa.h"
#include "nnbench/kernel.h"
#include "nnbench/model.h"
#include "nnb_test.h"
#include "nnb_valgrind_test.h"

#include "ctx.h"
#include "kernels.h"

#include <math.h>
#include <string.h>

/* OpenBLAS Haswell blocking (P = Q = 320, unroll 8 x 4), by hand */
static void test_sgemm_packing(void)
{
    /* im2col on the 20-wide layer: C 24 x 400, K 144. OpenBLAS's M = 400 >
     * P: A block 144 x 200 (half, rounded to 8), B panel 144 x 24 */
    CHECK_NEAR((double)nnb_work_sgemm_pack_bytes(24, 400, 144), 4.0 * 144 * 200 + 4.0 * 144 * 24, 0);
    /* depthwise im2col, one output channel a group: M = 196 <= P, so one B
     * chunk at a time (1 column): 9 x 196 floats (7056 B -> 111 lines) + 1 line */
    CHECK_NEAR((double)nnb_work_sgemm_pack_bytes(1, 196, 9), 111.0 * 64 + 64, 0);
    /* K past 2Q: min_l = Q; M = 700 >= 2P: min_i = P; N = 20 > 12 with M > P: whole panel */
    CHECK_NEAR((double)nnb_work_sgemm_pack_bytes(20, 700, 1000), 4.0 * 320 * 320 + 4.0 * 320 * 20, 0);
    /* K between Q and 2Q: half, rounded to 8 (400 -> 200); M <= P, N >= 12: 12-column chunk */
    CHECK_NEAR((double)nnb_work_sgemm_pack_bytes(64, 100, 400), 4.0 * 200 * 100 + 4.0 * 200 * 12, 0);
}

static nnb_result counted(double dram, double runtime, double unaligned, double writeback)
{
    nnb_result x;
    memset(&x, 0, sizeof x);
    x.have_dram = x.have_runtime = true;
    x.dram_bytes = dram;
    x.dram_runtime_bytes = runtime;
    x.dram_unaligned_bytes = unaligned;
    x.dram_writeback_bytes = writeback;
    snprintf(x.runtime_why, sizeof x.runtime_why, "OpenMP runtime %.1f KB", runtime / 1000.0);
    return x;
}

static void test_bytes_verdicts(void)
{
    nnb_layer l;
    nnb_analytic a;
    if (nnb_test_layer("conv:c=16,h=20,k=24,r=3,pad=1", &l, &a) != 0) return;
    nnb_work w;
    nnb_kernel_work(nnb_kernel_find("im2col_gemm"), &l, &a, 1, NNB_ISA_AVX2, &w);
    CHECK(strstr(w.bytes_why, "OpenBLAS packed A and B blocks") && strstr(w.bytes_why, "im2col column chunks"));
    CHECK_NEAR(w.bytes, (double)a.bytes_min + 4.0 * 144 * 400 + 4.0 * 144 * 200 + 4.0 * 144 * 24, 0);
    const double b = w.bytes, dst = (double)a.dst_bytes;
    nnb_result x = counted(1.03 * b, 0, 0, 0);
    nnb_work_verdicts(&a, &w, &x);
    CHECK_STR(x.verdict_work_bytes, "exact");
    x = counted(1.10 * b, 0.09 * b, 0, 0); /* the runtime's lines named and taken off */
    nnb_work_verdicts(&a, &w, &x);
    CHECK_STR(x.verdict_work_bytes, "explained");
    CHECK(strstr(x.verdict_work_bytes_why, "the runtime touched (OpenMP runtime") != NULL);
    x = counted(b + dst, 0, 0, 0); /* an extra output's worth, but nothing was written back */
    nnb_work_verdicts(&a, &w, &x);
    CHECK_STR(x.verdict_work_bytes, "unexplained");
    x = counted(b + dst, 0, 0, dst); /* ... and with the output's lines written back */
    nnb_work_verdicts(&a, &w, &x);
    CHECK_STR(x.verdict_work_bytes, "explained");
    CHECK(strstr(x.verdict_work_bytes_why, "write-allocate") != NULL);
    x = counted(0.93 * b, 0, 0.08 * b, 0); /* below: lines straddling accesses can hide */
    nnb_work_verdicts(&a, &w, &x);
    CHECK_STR(x.verdict_work_bytes, "explained");
    CHECK(strstr(x.verdict_work_bytes_why, "straddling") != NULL);
    x = counted(0.80 * b, 0, 0.08 * b, 0); /* more missing than they can hide */
    nnb_work_verdicts(&a, &w, &x);
    CHECK_STR(x.verdict_work_bytes, "unexplained");
    /* the call's descriptors read cold: the layer and the context, whole lines */
    CHECK_NEAR(w.call_bytes, 64.0 * ((double)(sizeof(nnb_layer) / 64 + 2) + (double)(sizeof(nnb_kernel_ctx) / 64 + 2) + 2), 0);
    x = counted(1.05 * b + w.call_bytes, 0, 0, 0); /* up to them above the slack: explained, named */
    nnb_work_verdicts(&a, &w, &x);
    CHECK_STR(x.verdict_work_bytes, "explained");
    CHECK(strstr(x.verdict_work_bytes_why, "descriptors read cold") != NULL);
    x = counted(1.05 * b + w.call_bytes + 128, 0, 0, 0); /* two lines more: no longer */
    nnb_work_verdicts(&a, &w, &x);
    CHECK_STR(x.verdict_work_bytes, "unexplained");
    x = counted(1.5 * b, 0.01 * b, 0, 0); /* far above everything named */
    nnb_work_verdicts(&a, &w, &x);
    CHECK_STR(x.verdict_work_bytes, "unexplained");
}

/* oneDNN's pooling: max compares and blends, avg adds the in-input taps and
 * scales once per output, each call 5 of its own; bytes its blocked layouts */
static void test_onednn_pool_models(void)
{
    const nnb_kernel *k = nnb_kernel_find("onednn");
    if (!k) {
        printf("oneDNN models: skipped (built without oneDNN)\n");
        return;
    }
    nnb_layer l;
    nnb_analytic a;
    nnb_work w;
    if (nnb_test_layer("maxpool:c=8,h=12,r=2,stride=2", &l, &a) != 0) return;
    nnb_kernel_work(k, &l, &a, 1, NNB_ISA_AVX2, &w);
    CHECK_NEAR(w.flops, 5.0, 0);
    CHECK(strstr(w.why, "compare and blend") != NULL);
    /* 8 channels fill one 8-channel block (AVX2): src 8 x 12 x 12, dst 8 x 6 x 6 floats */
    CHECK_NEAR(w.bytes, 4.0 * 8 * 144 + 4.0 * 8 * 36, 0);
    /* 3x3 stride 2 pad 1 over 9 rows: in-input taps per dimension 2, 3, 3, 3, 2 = 13 */
    if (nnb_test_layer("avgpool:c=16,h=9,r=3,stride=2,pad=1", &l, &a) != 0) return;
    nnb_kernel_work(k, &l, &a, 1, NNB_ISA_AVX2, &w);
    CHECK_NEAR(w.flops, 16.0 * 13 * 13 + 16.0 * 25 + 5, 0);
    if (nnb_test_layer("avgpool:c=8,h=10,r=3,stride=1", &l, &a) != 0) return;
    nnb_kernel_work(k, &l, &a, 1, NNB_ISA_AVX2, &w);
    CHECK_NEAR(w.flops, 8.0 * 64 * 10 + 5, 0);
}

static int count(const char *kernel, const nnb_layer *l, nnb_counts *c)
{
    nnb_count_request rq = {.layer = l, .kernel = nnb_kernel_find(kernel), .threads = 1, .quiet = true};
    char err[512];
    int rc = rq.kernel ? nnb_counter_valgrind.measure(&rq, c, err, sizeof err) : -1;
    if (rc) printf("%s: %s\n", kernel, rq.kernel ? err : "not built");
    return rc;
}

static void test_counted(void)
{
    if (!nnb_test_valgrind_ready("valgrind bytes counts")) return;
    nnb_layer l;
    nnb_analytic a;
    nnb_counts c;
    nnb_work w;
    /* the depthwise tiles store every output vector masked: those lines are
     * data (callgrind files them as fetches), so the data reach bytes_min */
    if (nnb_test_layer("conv:c=16,h=14,k=16,r=3,pad=1,g=16", &l, &a) != 0) return;
    CHECK(count("depthwise", &l, &c) == 0 && c.have_ifetch && c.have_runtime);
    printf("depthwise: data %.0f B (bytes_min %lld), fetches %.0f B, runtime %.0f B (%s)\n", c.dram_bytes,
           (long long)a.bytes_min, c.dram_ifetch_bytes, c.dram_runtime_bytes, c.runtime_why);
    CHECK(c.dram_bytes >= (double)a.bytes_min && c.dram_ifetch_bytes > 0 && c.dram_ifetch_bytes < c.dram_bytes);

    if (nnb_test_layer("conv:c=16,h=20,k=24,r=3,pad=1", &l, &a) != 0) return;
    CHECK(count("im2col_gemm", &l, &c) == 0);
    nnb_result x;
    memset(&x, 0, sizeof x);
    x.have_dram = c.have_dram;
    x.dram_bytes = c.dram_bytes;
    nnb_result_traffic(&x, &c);
    nnb_kernel_work(nnb_kernel_find("im2col_gemm"), &l, &a, 1, nnb_counter_isa(&nnb_counter_valgrind), &w);
    nnb_work_verdicts(&a, &w, &x);
    printf("im2col_gemm: data %.0f B, model %.0f B: %s (%s)\n", c.dram_bytes, w.bytes, x.verdict_work_bytes,
           x.verdict_work_bytes_why);
    CHECK(strcmp(x.verdict_work_bytes, "exact") == 0 || strcmp(x.verdict_work_bytes, "explained") == 0);
    w.bytes -= (double)nnb_work_sgemm_pack_bytes(24, 400, 144); /* the model before OpenBLAS's packing */
    nnb_work_verdicts(&a, &w, &x);
    printf("without OpenBLAS's packed blocks: %s (%s)\n", x.verdict_work_bytes, x.verdict_work_bytes_why);
    CHECK_STR(x.verdict_work_bytes, "unexplained");

    if (!nnb_kernel_find("onednn") || nnb_test_layer("avgpool:c=16,h=9,r=3,stride=2,pad=1", &l, &a) != 0) return;
    CHECK(count("onednn", &l, &c) == 0 && c.have_flops);
    nnb_kernel_work(nnb_kernel_find("onednn"), &l, &a, 1, nnb_counter_isa(&nnb_counter_valgrind), &w);
    printf("onednn avg pool: counted %.0f FLOPs, model %.0f\n", c.flops, w.flops);
    CHECK(fabs(c.flops / w.flops - 1.0) <= 0.01);
}

int main(void)
{
    test_sgemm_packing();
    test_bytes_verdicts();
    test_onednn_pool_models();
    test_counted();
    return nnb_test_done("test_work_models_bytes");
}
