/* The harness: a correct kernel passes, a wrong one fails the check (exit
 * status 1 path) both in the exact integer pass and in the real pass; a
 * kernel that leaves outputs unwritten fails; timing fields are filled. */
#include <stdlib.h>

#include "nnb_test.h"
#include "harness/harness.h"
#include "harness/observe.h"
#include "spec/spec.h"

/* wrong only by one ulp-ish amount on one element: caught by the exact pass */
static void run_off_by_one(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    nnb_kernel_find("reference")->run(l, t, ws);
    t->dst[t->dst_elems / 2] += 1.0f;
}

/* writes nothing: the harness pre-fills dst with garbage */
static void run_lazy(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    (void)l;
    (void)t;
    (void)ws;
}

static bool any(const nnb_layer *l)
{
    return l->op == NNB_OP_CONV;
}

/* computes from the copy of the weights its prepare made: right only if the
 * harness prepares again after every fill (integer, then real pass) */
static int64_t copy_bytes(const nnb_layer *l, int nthreads)
{
    (void)nthreads;
    return l->k * (l->c / l->groups) * l->kh * l->kw * (int64_t)sizeof(float);
}
static void prepare_copy(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    memcpy(ws, t->wei, (size_t)copy_bytes(l, 1));
}
static void run_from_copy(const nnb_layer *l, const nnb_tensors *t, void *ws)
{
    nnb_tensors c = *t;
    c.wei = ws;
    nnb_kernel_find("reference")->run(l, &c, NULL);
}

static const nnb_kernel off_by_one = {.name = "off_by_one", .desc = "test: reference + 1 on one element",
                                      .supports = any, .run = run_off_by_one};
static const nnb_kernel lazy = {.name = "lazy", .desc = "test: writes nothing", .supports = any, .run = run_lazy};
static const nnb_kernel prepared = {.name = "prepared", .desc = "test: runs on its prepared weights",
                                    .supports = any, .workspace_bytes = copy_bytes, .prepare = prepare_copy,
                                    .run = run_from_copy};

int main(void)
{
    nnb_run_opts o;
    memset(&o, 0, sizeof o);
    o.check = true;
    o.threads = 1;
    nnb_measure_defaults(&o.measure);
    o.measure.min_reps = 2;
    o.measure.min_time_s = 0;
    nnb_layer l;
    char err[512];
    CHECK(nnb_spec_parse("conv:n=2,c=6,h=9,k=4,r=3,pad=1,stride=2", &l, err, sizeof err) == 0);

    nnb_layer_report rep;
    CHECK(nnb_layer_report_init(&rep, &l, err, sizeof err) == 0);
    const nnb_kernel *good[] = {nnb_kernel_find("reference"), nnb_kernel_find("im2col_gemm")};
    CHECK(good[0] && good[1]);
    CHECK_EQ_I64(nnb_run_kernels(&o, &rep, good, 2, NULL, NULL, err, sizeof err), 0);
    CHECK_EQ_I64(rep.nresults, 2);
    for (size_t i = 0; i < rep.nresults; i++) {
        CHECK(rep.results[i].check == NNB_CHECK_PASS);
        CHECK(rep.results[i].time.reps >= 2);
        CHECK(rep.results[i].time.min_s > 0 && rep.results[i].time.min_s <= rep.results[i].time.median_s);
        CHECK(rep.results[i].time.median_s <= rep.results[i].time.max_s);
        CHECK(rep.results[i].gflops > 0);
    }
    nnb_layer_report_free(&rep);

    const nnb_kernel *badk[] = {&off_by_one, &lazy, nnb_kernel_find("direct")};
    CHECK(nnb_layer_report_init(&rep, &l, err, sizeof err) == 0);
    CHECK_EQ_I64(nnb_run_kernels(&o, &rep, badk, 3, NULL, NULL, err, sizeof err), NNB_EXIT_CHECK_FAILED);
    CHECK(rep.results[0].check == NNB_CHECK_FAIL);
    CHECK(rep.results[1].check == NNB_CHECK_FAIL);
    CHECK(rep.results[2].check == NNB_CHECK_PASS);
    CHECK(rep.results[0].max_err >= 1.0);
    CHECK(rep.results[0].prepare_s < 0); /* no prepare: none reported */
    nnb_layer_report_free(&rep);

    /* prepare runs after each fill, before the check and the timing */
    const nnb_kernel *prep[] = {&prepared};
    CHECK(nnb_layer_report_init(&rep, &l, err, sizeof err) == 0);
    CHECK_EQ_I64(nnb_run_kernels(&o, &rep, prep, 1, NULL, NULL, err, sizeof err), 0);
    CHECK(rep.results[0].check == NNB_CHECK_PASS);
    CHECK(rep.results[0].prepare_s >= 0);
    nnb_layer_report_free(&rep);

    /* kernel selection by name: unknown and unsupported are bad input */
    o.kernels = "nosuchkernel";
    CHECK(nnb_layer_report_init(&rep, &l, err, sizeof err) == 0);
    CHECK_EQ_I64(nnb_run_layer(&o, &rep, NULL, NULL, err, sizeof err), NNB_EXIT_BAD_INPUT);
    CHECK(strstr(err, "unknown kernel") != NULL);
    nnb_layer_report_free(&rep);
    o.kernels = "depthwise";
    CHECK(nnb_layer_report_init(&rep, &l, err, sizeof err) == 0);
    CHECK_EQ_I64(nnb_run_layer(&o, &rep, NULL, NULL, err, sizeof err), NNB_EXIT_BAD_INPUT);
    CHECK(strstr(err, "does not support") != NULL);
    nnb_layer_report_free(&rep);
    /* verdicts: dense within tolerance, valid-tap count, excess, DRAM floor */
    CHECK(nnb_spec_parse("conv3x3", &l, err, sizeof err) == 0);
    CHECK(nnb_layer_report_init(&rep, &l, err, sizeof err) == 0);
    const nnb_analytic *a = &rep.analytic;
    nnb_result x;
    memset(&x, 0, sizeof x);
    x.kernel = "direct";
    x.have_flops = x.have_dram = true;
    x.flops = 1.019 * (double)a->flops;
    x.dram_bytes = (double)a->bytes_min;
    nnb_observer_verdicts(&rep, &x);
    CHECK_STR(x.verdict_flops, "pass");
    CHECK_STR(x.verdict_dram, "pass");
    CHECK_NEAR(x.flops_tolerance, 0.02, 0);
    x.flops = 2.0 * (double)a->macs_valid + (double)a->bias_adds; /* 0.976 of dense */
    nnb_observer_verdicts(&rep, &x);
    CHECK_STR(x.verdict_flops, "pass (valid taps)");
    CHECK(nnb_spec_parse("dwconv3x3", &l, err, sizeof err) == 0);
    nnb_layer_report dw;
    CHECK(nnb_layer_report_init(&dw, &l, err, sizeof err) == 0);
    x.flops = 2.0 * (double)dw.analytic.macs; /* 18/19 of dense: bias in the accumulator */
    nnb_observer_verdicts(&dw, &x);
    CHECK_STR(x.verdict_flops, "pass (bias folded)");
    nnb_layer_report_free(&dw);
    x.flops = 1.03 * (double)a->flops;
    x.dram_bytes = 0.5 * (double)a->bytes_min;
    nnb_observer_verdicts(&rep, &x);
    CHECK_STR(x.verdict_flops, "fail");
    CHECK_STR(x.verdict_dram, "fail");
    x.kernel = "im2col_gemm"; /* OpenBLAS: 5% */
    nnb_observer_verdicts(&rep, &x);
    CHECK_STR(x.verdict_flops, "pass");
    CHECK_NEAR(x.flops_tolerance, 0.05, 0);
    nnb_layer_report_free(&rep);
    return nnb_test_done("test_harness");
}
