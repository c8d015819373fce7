/* The analytic model against every worked example in the seeds (exact
 * numbers), and the seeds' mistakes pinned with the right values. */
#include "nnb_test.h"

#include "nnbench/model.h"
#include "net/nets.h"
#include "ops/op.h"
#include "spec/spec.h"

static nnb_analytic A(const char *spec)
{
    nnb_layer l;
    nnb_analytic a;
    char err[256];
    memset(&a, 0, sizeof a);
    if (nnb_spec_parse(spec, &l, err, sizeof err) || nnb_model_analyze(&l, &a, err, sizeof err)) {
        fprintf(stderr, "parse %s: %s\n", spec, err);
        nnb_test_failures++;
    }
    return a;
}

static nnb_layer L(const char *spec)
{
    nnb_layer l;
    char err[256];
    if (nnb_spec_parse(spec, &l, err, sizeof err)) {
        fprintf(stderr, "parse %s: %s\n", spec, err);
        nnb_test_failures++;
        memset(&l, 0, sizeof l);
    }
    return l;
}

static double convention(const char *name, const char *spec)
{
    nnb_layer l = L(spec);
    nnb_analytic a = A(spec);
    size_t n;
    const nnb_convention *c = nnb_conventions(&n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(c[i].name, name) == 0) return c[i].flops(&l, &a);
    fprintf(stderr, "no convention %s\n", name);
    nnb_test_failures++;
    return -2;
}

static void net_totals(const char *name, int64_t *params, int64_t *macs)
{
    const nnb_net *net = nnb_net_find(name);
    CHECK(net != NULL);
    *params = *macs = 0;
    nnb_net_list list;
    char err[256];
    if (!net || nnb_net_build(net, 1, &list, err, sizeof err)) {
        CHECK(false);
        return;
    }
    for (size_t i = 0; i < list.n; i++) {
        nnb_analytic a;
        CHECK(nnb_model_analyze(&list.v[i].layer, &a, err, sizeof err) == 0);
        *params += a.params;
        if (nnb_op_get(list.v[i].layer.op)->macs_in_total) *macs += a.macs;
    }
    nnb_net_list_free(&list);
}

/* Other tools' figures as the packages report them (measured with
 * ptflops 0.7.3, thop 0.1.1.post2209072238, fvcore 0.1.5.post20221221 on
 * torch 1.13; tests/test_conventions_tools.py reruns them where PyPI is
 * reachable): ptflops divides by the batch and counts pooling twice. */
static void tools_as_measured(void)
{
    static const struct {
        const char *tool, *spec;
        double value;
    } measured[] = {
        {"ptflops", "conv:n=3,c=4,h=8,k=6,r=3,pad=1", 14208},
        {"thop", "conv:n=3,c=4,h=8,k=6,r=3,pad=1", 41472},
        {"fvcore", "conv:n=3,c=4,h=8,k=6,r=3,pad=1", 41472},
        {"ptflops", "maxpool:n=1,c=4,h=6,r=2", 288},
        {"ptflops", "maxpool:n=3,c=4,h=6,r=2", 576},
        {"thop", "maxpool:n=3,c=4,h=6,r=2", 0},
        {"fvcore", "maxpool:n=3,c=4,h=6,r=2", 0},
        {"ptflops", "avgpool:n=3,c=4,h=7,r=3,stride=2,pad=1", 784},
        {"thop", "avgpool:n=3,c=4,h=7,r=3,stride=2,pad=1", 192},
        {"fvcore", "avgpool:n=3,c=4,h=7,r=3,stride=2,pad=1", 0},
        {"ptflops", "bn:n=3,c=4,h=5", 200},
        {"thop", "bn:n=3,c=4,h=5", 1200},
        {"fvcore", "bn:n=3,c=4,h=5", 600},
        {"ptflops", "lstm:n=3,c=10,k=20,h=3", 8280},
        {"thop", "lstm:n=3,c=10,k=20,h=3", 24480},
        {"fvcore", "lstm:n=3,c=10,k=20,h=3", 0},
    };
    for (size_t i = 0; i < sizeof measured / sizeof measured[0]; i++)
        CHECK_NEAR(convention(measured[i].tool, measured[i].spec), measured[i].value, 0);
    /* each convention names the version it models */
    size_t n;
    const nnb_convention *c = nnb_conventions(&n);
    for (size_t i = 0; i < n; i++) {
        CHECK(c[i].models != NULL && strlen(c[i].models) > 0);
        if (strcmp(c[i].name, "ptflops") == 0) CHECK_STR(c[i].models, "ptflops 0.7.3");
    }
}

int main(void)
{
    /* the acceptance numbers: conv3x3 preset */
    nnb_layer l = L("conv3x3");
    nnb_analytic a = A("conv3x3");
    CHECK_EQ_I64(a.params, 36928);
    CHECK_EQ_I64(a.macs, 115605504);
    CHECK_EQ_I64(a.flops, 2 * 115605504 + 64 * 56 * 56);
    CHECK_EQ_I64(l.oh, 56);
    CHECK_EQ_I64(l.ow, 56);
    /* bytes_min = (src + wei + bias + dst) * 4 */
    CHECK_EQ_I64(a.bytes_min, (64 * 56 * 56 + 36864 + 64 + 64 * 56 * 56) * 4);
    CHECK_EQ_I64(a.bytes_write_allocate, a.bytes_min + 64 * 56 * 56 * 4);
    CHECK_NEAR(a.ai, (double)a.flops / (double)a.bytes_min, 1e-12);
    /* im2col buffer 576 x 3136 floats, written and read once */
    CHECK_EQ_I64(a.workspace_bytes, 576 * 3136 * 4);
    CHECK_EQ_I64(a.bytes_algo_extra, 2 * 576 * 3136 * 4);
    /* benchdnn valid taps: per axis 56*3 - 2 edge taps = 166 */
    CHECK_EQ_I64(a.macs_valid, (int64_t)64 * 64 * 166 * 166);
    CHECK_EQ_I64(A("conv1x1").workspace_bytes, 0); /* 1x1 stride 1: no im2col */

    /* seed 002: 28x28x192 -> 5x5x32: 120,422,400; with the 1x1 bottleneck 12,443,648 */
    CHECK_EQ_I64(A("conv:c=192,h=28,k=32,r=5,pad=2").macs, 120422400);
    CHECK_EQ_I64(A("conv:c=192,h=28,k=16,r=1").macs + A("conv:c=16,h=28,k=32,r=5,pad=2").macs, 12443648);
    /* seed 002: Inception module weights 387,072 and 163,328 */
    int64_t p, m;
    net_totals("inception_naive", &p, &m);
    CHECK_EQ_I64(p, 387072);
    net_totals("inception_3a", &p, &m);
    CHECK_EQ_I64(p, 163328);
    /* seed 002: depthwise 3x3x3 = 27, pointwise 1x1x3x4 = 12 */
    CHECK_EQ_I64(A("conv:c=3,h=8,k=3,r=3,pad=1,g=3,bias=0").params, 27);
    CHECK_EQ_I64(A("conv:c=3,h=8,k=4,r=1,bias=0").params, 12);

    /* seed 004: MNIST CNN 832 / 9,248 / 205,056 / 2,570 and its shapes */
    CHECK_EQ_I64(A("conv:c=1,h=28,k=32,r=5").params, 832);
    CHECK_EQ_I64(L("conv:c=1,h=28,k=32,r=5").oh, 24);
    CHECK_EQ_I64(L("maxpool:c=32,h=24,r=2").oh, 12);
    CHECK_EQ_I64(A("conv:c=32,h=12,k=32,r=3").params, 9248);
    CHECK_EQ_I64(L("conv:c=32,h=12,k=32,r=3").oh, 10);
    CHECK_EQ_I64(L("maxpool:c=32,h=10,r=2").oh, 5);
    CHECK_EQ_I64(A("fc:c=32,h=5,k=256").params, 205056);
    CHECK_EQ_I64(A("fc:c=256,k=10").params, 2570);

    /* seed 000: FC on 7x7x512 -> 4096: 102,760,448 weights (and as many MACs) */
    CHECK_EQ_I64(A("fc:c=512,h=7,k=4096,bias=0").params, 102760448);
    CHECK_EQ_I64(A("fc:c=512,h=7,k=4096").macs, 102760448);
    CHECK_EQ_I64(A("fc:c=512,h=7,k=4096").params, 102760448 + 4096);
    /* seed 000: params with BN = K*K*C*O + O + 2*O */
    CHECK_EQ_I64(A("conv:c=64,h=56,k=64,r=3,pad=1").params + A("bn:c=64,h=56").params, 9 * 64 * 64 + 64 + 2 * 64);
    /* seed 000: transposed output (Hin-1)*S - 2P + K */
    CHECK_EQ_I64(L("deconv4x4s2").oh, (28 - 1) * 2 - 2 + 4);
    /* seed 000 ERROR: conv FLOPs "B*O*C*(C-1)*Hout*Wout*(2k^2-1)". The right
     * count is B*O*Hout*Wout*(2*C*k^2 - 1) without bias, 2*MACs with it. */
    CHECK_NEAR(convention("seed000", "conv:c=3,h=5,k=2,r=3,bias=0"), 1.0 * 2 * 3 * 2 * 3 * 3 * 17, 0);
    CHECK_EQ_I64(A("conv:c=3,h=5,k=2,r=3,bias=0").flops, 2 * 9 * (2 * 3 * 9)); /* 972 */
    CHECK(convention("seed000", "conv3x3") > 50 * (double)A("conv3x3").flops); /* off by ~(C-1) */
    /* seed 000 ERROR: depthwise-separable cost uses the input size D_F where
     * the output size D_G belongs; with stride 2 it is 4x too high. */
    CHECK_EQ_I64(A("conv:c=32,h=112,k=32,r=3,stride=2,pad=1,g=32").macs, 32 * 56 * 56 * 9);

    /* seed 001: 100x100x3, 3x3 -> 50x50x10 (stride 2, pad 1) */
    nnb_layer s1 = L("conv:c=3,h=100,k=10,r=3,stride=2,pad=1");
    CHECK_EQ_I64(s1.oh, 50);
    CHECK_EQ_I64(A("conv:c=3,h=100,k=10,r=3,stride=2,pad=1").macs, 675000); /* 75,000 x 9 multiplies */
    /* seed 001 ERROR: it prints 225,000 adds, but its own formula
     * 75,000 x (3x3 + 1 - 1) = 675,000; total 1,350,000 = 2 x MACs */
    CHECK_NEAR(convention("seed001", "conv:c=3,h=100,k=10,r=3,stride=2,pad=1"), 1350000, 0);
    /* seed 001 ERROR: W2 = ceil((W1-F+2P)/S)+1 would give 51; convolution floors */
    CHECK_EQ_I64((100 - 3 + 2 + 2 - 1) / 2 + 1, 51);
    /* seed 001: TF SAME = ceil(in/s), VALID = ceil((in-k+1)/s) */
    nnb_layer same = L("conv:c=3,h=100,k=10,r=3,stride=2,pad=same");
    CHECK_EQ_I64(same.oh, 50);
    CHECK_EQ_I64(same.pt, 0);
    CHECK_EQ_I64(same.pb, 1);
    CHECK_EQ_I64(L("conv:c=3,h=100,k=10,r=3,stride=2,pad=valid").oh, 49);
    CHECK_EQ_I64(L("conv:c=3,h=7,w=8,k=1,r=2,stride=3,pad=same").ow, 3);
    /* seed 001: Dense(units) = in*units + units; LSTM (TF) = (in + u)*4u + 4u;
     * PyTorch's LSTM has two bias vectors: + 8u */
    CHECK_EQ_I64(A("fc:c=100,k=10").params, 100 * 10 + 10);
    CHECK_EQ_I64(A("lstm:c=256,k=512,h=1").params, (256 + 512) * 4 * 512 + 8 * 512);
    CHECK_EQ_I64(A("lstm:c=256,k=512,h=1,bias=0").params, (256 + 512) * 4 * 512);
    /* seed 001: embedding = input_dim * output_dim */
    CHECK_EQ_I64(A("embed:c=30000,k=512,h=128").params, 30000 * 512);
    /* seed 003 ERROR: LSTM MACs per step add a spurious hidden^2 term:
     * the gate GEMMs are 4h(c + h); the cell update is O(h) */
    CHECK_EQ_I64(A("lstm:c=256,k=512,h=1,bias=0").macs, 4 * 512 * (256 + 512));
    /* seed 003 ERROR: FC "FLOPs = F*Cin*Cout + Cout" is MACs + bias; FLOPs
     * are 2 x MACs + one bias add per output */
    CHECK_NEAR(convention("seed003", "fc:c=9216,k=4096"), 9216.0 * 4096 + 4096, 0);
    CHECK_EQ_I64(A("fc:c=9216,k=4096").flops, 2 * 9216 * 4096 + 4096);
    /* seed 003: grouped conv params and MACs divide by g */
    CHECK_EQ_I64(A("groupconv3x3").params, 9 * 128 * 128 / 32 + 128);
    CHECK_EQ_I64(A("groupconv3x3").macs, (int64_t)9 * 128 * 56 * 56 * 128 / 32);
    /* seed 003: AlexNet 61,264,904 params (torchsummary), 861,301,280 MACs (thop) */
    net_totals("alexnet-seed", &p, &m);
    CHECK_EQ_I64(p, 61264904);
    CHECK_EQ_I64(m, 861301280);
    /* torchsummary footprint: input 0.57 MB, params 233.71 MB */
    CHECK_NEAR(A("conv:c=3,h=224,k=96,r=11,stride=4,pad=2,bias=0").input_mb, 0.57, 0.005);
    CHECK_NEAR(61264904 * 4.0 / (1024 * 1024), 233.71, 0.005);

    /* deconv conventions: input-based dense (ours) vs output-based (ptflops, thop) */
    nnb_analytic d = A("deconv4x4s2");
    CHECK_EQ_I64(d.macs, (int64_t)64 * 28 * 28 * 32 * 16);
    CHECK_EQ_I64(d.macs_deconv_output, (int64_t)32 * 56 * 56 * 64 * 16);
    CHECK_EQ_I64(d.params, 64 * 32 * 16 + 32);
    /* valid taps of the scatter: per axis, input i and tap r land at 2i-1+r in [0,56) */
    CHECK_EQ_I64(d.macs_valid, (int64_t)64 * 32 * 110 * 110);
    CHECK_NEAR(convention("ptflops", "deconv4x4s2"), (double)d.macs_deconv_output + 32 * 56 * 56, 0);
    CHECK_NEAR(convention("thop", "deconv4x4s2"), (double)d.macs_deconv_output, 0);
    CHECK_NEAR(convention("fvcore", "deconv4x4s2"), (double)d.macs, 0);

    /* dilation adds no parameters (seed 000) but widens the field */
    CHECK_EQ_I64(A("dilated3x3").params, A("conv3x3").params);
    CHECK_EQ_I64(L("dilated3x3").oh, 56);

    /* receptive field: seed 001's top-down recursion == bottom-up chain */
    nnb_layer chain[3] = {L("conv:c=1,h=64,k=1,r=3,pad=1"), L("conv:c=1,h=64,k=1,r=3,stride=2,pad=1"),
                          L("conv:c=1,h=32,k=1,r=3,dil=2,pad=2")};
    nnb_rf rf;
    nnb_rf_init(&rf);
    for (int i = 0; i < 3; i++) CHECK(nnb_rf_apply(&rf, &chain[i]) == 0);
    CHECK_EQ_I64(rf.rf_h, 1 + 2 + 2 + 4 * 2); /* 3, then +2*1, then +(5-1)*2 */
    CHECK_EQ_I64(rf.jump_h, 2);
    CHECK_EQ_I64(nnb_rf_topdown_h(chain, 3), rf.rf_h);
    CHECK_NEAR(rf.start_h, 0.5, 1e-12); /* 'same' padding keeps the centre */

    /* pooling and bn */
    CHECK_EQ_I64(L("maxpool3x3s2").oh, 56);
    CHECK_EQ_I64(A("maxpool3x3s2").params, 0);
    CHECK_EQ_I64(A("maxpool3x3s2").flops, (int64_t)64 * 56 * 56 * 9);
    CHECK_EQ_I64(A("avgpool7x7").flops, (int64_t)2048 * (49 + 1));
    CHECK_EQ_I64(L("maxpool:c=1,h=6,r=3,stride=2,ceil=1").oh, 3);
    CHECK_EQ_I64(L("maxpool:c=1,h=6,r=3,stride=2").oh, 2);
    CHECK_EQ_I64(L("maxpool:c=1,h=5,r=2,stride=2,pad=1,ceil=1").oh, 3);
    CHECK_EQ_I64(A("bn:c=64,h=56").params, 128);

    /* overflow is refused, not wrapped */
    nnb_layer big;
    char err[256];
    CHECK(nnb_spec_parse("conv:n=100000,c=100000,h=100000,k=100000,r=3,pad=1", &big, err, sizeof err) == -1);
    CHECK(strstr(err, "overflow") != NULL);
    tools_as_measured();
    return nnb_test_done("test_model");
}
