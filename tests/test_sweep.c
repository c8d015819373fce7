/* Sweeps (net/sweep.c), the distinct-layer plan of a network (net/plan.c)
 * and the progress estimate (harness/progress.c): exact point lists,
 * every malformed sweep refused with a line naming the bad part. */
#include "net/plan.h"
#include "net/sweep.h"
#include "harness/progress.h"
#include "spec/spec.h"

#include "nnb_test.h"

static int expand(const char *base, const char *const *args, size_t nargs, size_t max, nnb_sweep *sw, char *err,
                  size_t len)
{
    memset(sw, 0, sizeof *sw);
    for (size_t i = 0; i < nargs; i++) {
        nnb_sweep_axis ax;
        if (nnb_sweep_parse_axis(args[i], &ax, err, len) || nnb_sweep_add_axis(sw, &ax, err, len)) return -1;
    }
    return nnb_sweep_expand(sw, base, max, err, len);
}

static void test_geometric_points(void)
{
    nnb_sweep sw;
    char err[512] = "";
    const char *a[] = {"c=16:256:x2"};
    CHECK(expand("conv3x3", a, 1, 256, &sw, err, sizeof err) == 0);
    const int64_t want[] = {16, 32, 64, 128, 256};
    CHECK_EQ_I64(sw.npts, 5);
    CHECK_EQ_I64(sw.grid, 5);
    CHECK_EQ_I64(sw.skipped, 0);
    for (size_t i = 0; i < sw.npts && i < 5; i++) {
        CHECK_EQ_I64(sw.pts[i].value[0], want[i]);
        CHECK_EQ_I64(sw.pts[i].layer.c, want[i]);
        CHECK_EQ_I64(sw.pts[i].layer.k, 64); /* the rest of the preset stays */
        CHECK_EQ_I64(sw.pts[i].layer.h, 56);
    }
    CHECK_STR(sw.pts[0].desc, "conv:h=56,k=64,r=3,pad=1,c=16");
    CHECK_STR(sw.pts[1].layer.name, "conv3x3 c=32");
    nnb_sweep_free(&sw);
}

/* h replaces the preset's h: w follows it (square by default), as in --layer */
static void test_additive_square(void)
{
    nnb_sweep sw;
    char err[512] = "";
    const char *a[] = {"h=7:10:+1"};
    CHECK(expand("conv:c=8,h=56,k=8,r=3,pad=1", a, 1, 256, &sw, err, sizeof err) == 0);
    CHECK_EQ_I64(sw.npts, 4);
    for (size_t i = 0; i < sw.npts; i++) {
        CHECK_EQ_I64(sw.pts[i].layer.h, 7 + (int64_t)i);
        CHECK_EQ_I64(sw.pts[i].layer.w, 7 + (int64_t)i);
        CHECK_EQ_I64(sw.pts[i].layer.oh, 7 + (int64_t)i);
    }
    CHECK_STR(sw.pts[0].desc, "conv:c=8,k=8,r=3,pad=1,h=7");
    nnb_sweep_free(&sw);
}

/* a grid: first key outermost; g not dividing c makes no layer: skipped */
static void test_grid_and_skips(void)
{
    nnb_sweep sw;
    char err[512] = "";
    const char *a[] = {"c=24:48:+24", "g=1:8:x2"};
    CHECK(expand("conv:c=16,h=8,k=48,r=3,pad=1", a, 2, 256, &sw, err, sizeof err) == 0);
    CHECK_EQ_I64(sw.grid, 8);
    /* every g in 1,2,4,8 divides c=24, c=48 and k=48: all eight are layers */
    CHECK_EQ_I64(sw.npts, 8);
    CHECK_EQ_I64(sw.pts[0].value[0], 24);
    CHECK_EQ_I64(sw.pts[0].value[1], 1);
    CHECK_EQ_I64(sw.pts[3].value[1], 8);
    CHECK_EQ_I64(sw.pts[4].value[0], 48);
    nnb_sweep_free(&sw);
    const char *b[] = {"g=1:16:x2"};
    CHECK(expand("conv:c=12,h=8,k=12,r=3", b, 1, 256, &sw, err, sizeof err) == 0);
    CHECK_EQ_I64(sw.grid, 5);     /* 1 2 4 8 16 */
    CHECK_EQ_I64(sw.npts, 3);     /* 8 and 16 do not divide 12 */
    CHECK_EQ_I64(sw.skipped, 2);
    CHECK(strstr(sw.first_skip, "group") != NULL || strstr(sw.first_skip, "divis") != NULL);
    nnb_sweep_free(&sw);
}

static void test_sweep_refusals(void)
{
    static const struct {
        const char *arg, *names;
    } bad[] = {
        {"c16:64", "expected"},          {"c=16", "missing ':'"},        {"c=16:64:+0", "STEP '+0'"},
        {"c=16:64:x1", "x1"},            {"c=64:16", "TO 16 is below"},  {"foo=1:4", "unknown key 'foo'"},
        {"name=1:2", "unknown key"},     {"c=a:4", "FROM 'a'"},          {"c=1:b", "TO 'b'"},
        {"c=1:99999999999999999999", "TO '99999999999999999999'"},       {"c=1:4:2", "needs x"},
        {"c=0:4:x2", "FROM >= 1"},       {"c=1:4:x2:5", "unexpected ':5'"}, {"c=:4", "FROM is empty"},
        {"=1:4", "expected"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        nnb_sweep_axis ax;
        char err[512] = "";
        int rc = nnb_sweep_parse_axis(bad[i].arg, &ax, err, sizeof err);
        CHECK(rc == -1);
        if (!strstr(err, bad[i].names)) fprintf(stderr, "  '%s' -> '%s' (wanted '%s')\n", bad[i].arg, err, bad[i].names);
        CHECK(strstr(err, bad[i].names) != NULL);
        CHECK(strchr(err, '\n') == NULL);
    }
    nnb_sweep sw;
    char err[512];
    const char *dup[] = {"c=1:2", "c=3:4"};
    CHECK(expand("conv3x3", dup, 2, 256, &sw, err, sizeof err) == -1 && strstr(err, "same layer field"));
    const char *over[] = {"pad=0:2", "pt=0:1"};
    CHECK(expand("conv3x3", over, 2, 256, &sw, err, sizeof err) == -1 && strstr(err, "same layer field"));
    const char *many[] = {"c=1:300:+1"}; /* without a STEP this wide range would double (9 points) */
    CHECK(expand("conv3x3", many, 1, 256, &sw, err, sizeof err) == -1 && strstr(err, "--max-points 256"));
    const char *grid[] = {"c=1:20", "k=1:20"}; /* 400 > 256 */
    CHECK(expand("conv3x3", grid, 2, 256, &sw, err, sizeof err) == -1 && strstr(err, "--max-points"));
    const char *none[] = {"g=5:7"}; /* no g in 5..7 divides 64 */
    CHECK(expand("conv3x3", none, 1, 256, &sw, err, sizeof err) == -1 && strstr(err, "none of the 3 points"));
    const char *part[] = {"kh=1:3:+2"}; /* the preset's r=3 sets kh and kw */
    CHECK(expand("conv3x3", part, 1, 256, &sw, err, sizeof err) == -1 && strstr(err, "'r=3'"));
    const char *inv[] = {"c=1:2"};
    CHECK(expand("nonsense", inv, 1, 256, &sw, err, sizeof err) == -1);
}

/* a benchdnn base goes through its canonical key=value form */
static void test_benchdnn_base(void)
{
    nnb_sweep sw;
    char err[512] = "";
    const char *a[] = {"k=32:64:x2"};
    CHECK(expand("mb1ic16ih14oc16oh14kh3ph1", a, 1, 256, &sw, err, sizeof err) == 0);
    CHECK_EQ_I64(sw.npts, 2);
    CHECK_EQ_I64(sw.pts[1].layer.k, 64);
    CHECK_EQ_I64(sw.pts[1].layer.c, 16);
    CHECK_EQ_I64(sw.pts[1].layer.pt, 1);
    nnb_sweep_free(&sw);
}

static nnb_layer parse(const char *s)
{
    nnb_layer l;
    char err[256];
    if (nnb_spec_parse(s, &l, err, sizeof err)) fprintf(stderr, "%s\n", err);
    return l;
}

static void test_plan(void)
{
    nnb_layer ls[6] = {parse("conv:c=8,h=8,k=8,r=3,pad=1"), parse("bn:c=8,h=8"), parse("conv:c=8,h=8,k=8,r=3,pad=1"),
                       parse("bn:c=8,h=8"), parse("conv:c=8,h=8,k=8,r=3,pad=1"), parse("fc:c=8,h=8,k=10")};
    snprintf(ls[2].name, sizeof ls[2].name, "layer1.1.conv1"); /* names do not make a layer distinct */
    nnb_net_plan p;
    char err[256];
    CHECK(nnb_net_plan_build(ls, 6, &p, err, sizeof err) == 0);
    CHECK_EQ_I64(p.n, 3);
    CHECK_EQ_I64(p.v[0].first, 0);
    CHECK_EQ_I64(p.v[0].repeat, 3);
    CHECK_EQ_I64(p.v[1].first, 1);
    CHECK_EQ_I64(p.v[1].repeat, 2);
    CHECK_EQ_I64(p.v[2].first, 5);
    CHECK_EQ_I64(p.v[2].repeat, 1);
    const size_t want[] = {0, 1, 0, 1, 0, 2};
    for (size_t i = 0; i < 6; i++) CHECK_EQ_I64(p.entry_of[i], want[i]);
    nnb_net_plan_free(&p);
}

static void test_eta(void)
{
    CHECK_NEAR(nnb_progress_eta_s(10, 1, 4, 0), 30, 1e-12);  /* 1 of 4 units took 10 s */
    CHECK_NEAR(nnb_progress_eta_s(0, 0, 4, 2.5), 10, 1e-12); /* the a-priori rate before anything finished */
    CHECK(nnb_progress_eta_s(0, 0, 4, 0) < 0);               /* unknown */
    CHECK_NEAR(nnb_progress_eta_s(5, 4, 4, 0), 0, 0);
}

int main(void)
{
    NNB_RUN(test_geometric_points);
    NNB_RUN(test_additive_square);
    NNB_RUN(test_grid_and_skips);
    NNB_RUN(test_sweep_refusals);
    NNB_RUN(test_benchdnn_base);
    NNB_RUN(test_plan);
    NNB_RUN(test_eta);
    return nnb_test_done("test_sweep");
}
