/* The networks against numbers pinned from torchvision 0.14 (torch 1.13):
 * params = sum(p.numel()), MACs = a forward hook over Conv2d and Linear
 * (conv: output elements x cin/groups x kh x kw; linear: in x out), the
 * layer count (torchvision's leaf module calls plus the functions named
 * "...()"), a few output shapes by module name; the seeds' tables; the
 * receptive fields published for these networks; the new ops' reference
 * implementations. tests/test_nets_torchvision.py recomputes all of it with
 * torchvision where it is installed; this test needs no torch. */
#include <string.h>

#include "nnb_test.h"
#include "nnbench/kernel.h"
#include "nnbench/model.h"
#include "net/nets.h"
#include "ops/op.h"
#include "spec/spec.h"

typedef struct {
    int64_t params, macs, layers;
} totals;

static totals net_totals(const char *name, int64_t mb, nnb_net_list *keep)
{
    totals t = {0, 0, 0};
    const nnb_net *net = nnb_net_find(name);
    nnb_net_list list;
    char err[256];
    CHECK(net != NULL);
    if (!net || nnb_net_build(net, mb, &list, err, sizeof err)) {
        fprintf(stderr, "%s: %s\n", name, net ? err : "no such network");
        CHECK(false);
        return t;
    }
    for (size_t i = 0; i < list.n; i++) {
        nnb_analytic a;
        CHECK(nnb_model_analyze(&list.v[i].layer, &a, err, sizeof err) == 0);
        t.params += a.params;
        if (nnb_op_get(list.v[i].layer.op)->macs_in_total) t.macs += a.macs;
    }
    t.layers = (int64_t)list.n;
    if (keep) *keep = list;
    else nnb_net_list_free(&list);
    return t;
}

static void pinned_totals(void)
{
    static const struct {
        const char *name;
        int64_t params, macs, layers;
    } pinned[] = {
        /* torchvision 0.14.1: models.<name>(weights=None) */
        {"alexnet", 61100840, 714188480, 22},
        {"vgg16", 138357544, 15470264320, 40},
        {"resnet18", 11689512, 1814073344, 69},
        {"resnet50", 25557032, 4089184256, 175},
        {"mobilenet_v2", 3504872, 300774272, 153},
        {"googlenet", 6624904, 1498376192, 197}, /* aux_logits=False */
        /* the seeds: 003 (torchsummary's params, thop's MACs), 004, 002 */
        {"alexnet-seed", 61264904, 861301280, 21},
        {"mnist_cnn", 832 + 9248 + 205056 + 2570, 1589760, 6},
        {"inception_naive", 387072, 303464448, 4},
        {"inception_3a", 163328, 128049152, 7},
        {"mobilenet_block", 128 * 9 + 128 * 128 + 4 * 128, 54992896, 4},
    };
    size_t count;
    nnb_nets(&count);
    CHECK_EQ_I64((int64_t)count, (int64_t)(sizeof pinned / sizeof pinned[0]));
    for (size_t i = 0; i < sizeof pinned / sizeof pinned[0]; i++) {
        totals t = net_totals(pinned[i].name, 1, NULL);
        CHECK_EQ_I64(t.params, pinned[i].params);
        CHECK_EQ_I64(t.macs, pinned[i].macs);
        CHECK_EQ_I64(t.layers, pinned[i].layers);
        /* --mb N: parameters stay, MACs scale with the batch */
        totals t3 = net_totals(pinned[i].name, 3, NULL);
        CHECK_EQ_I64(t3.params, pinned[i].params);
        CHECK_EQ_I64(t3.macs, 3 * pinned[i].macs);
    }
}

/* output shapes of a few modules, as torchvision's forward hooks give them */
static void pinned_shapes(void)
{
    static const struct {
        const char *net, *module;
        int64_t c, h, w;
    } pinned[] = {
        {"resnet50", "layer3.2.conv2", 256, 14, 14},
        {"resnet50", "layer4.0.downsample.0", 2048, 7, 7},
        {"resnet50", "fc", 1000, 1, 1},
        {"resnet18", "layer2.0.conv1", 128, 28, 28},
        {"resnet18", "layer4.1.bn2", 512, 7, 7},
        {"googlenet", "inception3a.branch3.1.conv", 32, 28, 28}, /* torchvision's 3x3 "5x5" branch */
        {"googlenet", "inception4e.branch4.0", 528, 14, 14},
        {"googlenet", "maxpool4", 832, 7, 7},
        {"mobilenet_v2", "features.0.0", 32, 112, 112},
        {"mobilenet_v2", "features.17.conv.1.0", 960, 7, 7},
        {"mobilenet_v2", "features.18.0", 1280, 7, 7},
        {"vgg16", "features.30", 512, 7, 7},
        {"vgg16", "classifier.6", 1000, 1, 1},
        {"alexnet", "features.12", 256, 6, 6},
        {"alexnet", "avgpool", 256, 6, 6},
    };
    for (size_t i = 0; i < sizeof pinned / sizeof pinned[0]; i++) {
        nnb_net_list list = {0};
        net_totals(pinned[i].net, 1, &list);
        bool found = false;
        for (size_t j = 0; j < list.n; j++) {
            const nnb_layer *l = &list.v[j].layer;
            if (strcmp(list.v[j].module, pinned[i].module) != 0) continue;
            found = true;
            CHECK_EQ_I64(l->k, pinned[i].c);
            CHECK_EQ_I64(l->oh, pinned[i].h);
            CHECK_EQ_I64(l->ow, pinned[i].w);
            CHECK_STR(l->name, pinned[i].module);
        }
        if (!found) fprintf(stderr, "%s: no module %s\n", pinned[i].net, pinned[i].module);
        CHECK(found);
        nnb_net_list_free(&list);
    }
}

/* receptive fields as published (Araujo et al., "Computing Receptive Fields
 * of Convolutional Neural Networks", Distill 2019, and the usual tables):
 * VGG-16 pool5 212, ResNet-18 435, ResNet-50 (torchvision, stride on the
 * 3x3) 427, MobileNetV2 491; the union across residual paths */
static void receptive_fields(void)
{
    static const struct {
        const char *net, *module;
        int64_t rf, jump;
    } pinned[] = {
        {"vgg16", "features.30", 212, 32},     {"resnet18", "layer4.1.relu", 435, 32},
        {"resnet50", "layer4.2.relu", 427, 32}, {"mobilenet_v2", "features.18.2", 491, 32},
        {"alexnet-seed", "feature_extraction.10", 163, 16},
    };
    for (size_t i = 0; i < sizeof pinned / sizeof pinned[0]; i++) {
        nnb_net_list list = {0};
        net_totals(pinned[i].net, 1, &list);
        const nnb_net_layer *last = NULL;
        for (size_t j = 0; j < list.n; j++)
            if (strcmp(list.v[j].module, pinned[i].module) == 0) last = &list.v[j];
        CHECK(last && last->have_rf);
        if (last) {
            CHECK_EQ_I64(last->rf.rf_h, pinned[i].rf);
            CHECK_EQ_I64(last->rf.rf_w, pinned[i].rf);
            CHECK_EQ_I64(last->rf.jump_h, pinned[i].jump);
        }
        /* the field stops at the first layer without one: fc, flatten, adaptive pooling */
        for (size_t j = 0; j < list.n; j++)
            if (list.v[j].layer.op == NNB_OP_FC || list.v[j].layer.op == NNB_OP_FLATTEN) CHECK(!list.v[j].have_rf);
        nnb_net_list_free(&list);
    }
    /* the seeds whose branches are listed one after the other have none */
    nnb_net_list list = {0};
    net_totals("inception_3a", 1, &list);
    for (size_t j = 0; j < list.n; j++) CHECK(!list.v[j].have_rf);
    nnb_net_list_free(&list);
}

static nnb_layer parse(const char *s)
{
    nnb_layer l;
    char err[256];
    if (nnb_spec_parse(s, &l, err, sizeof err)) {
        fprintf(stderr, "%s: %s\n", s, err);
        CHECK(false);
    }
    return l;
}

static void run_reference(const nnb_layer *l, float *src, float *dst, int64_t src_elems, int64_t dst_elems)
{
    const nnb_kernel *ref = nnb_kernel_find("reference");
    CHECK(ref && ref->supports(l));
    nnb_tensors t = {.src = src, .dst = dst, .src_elems = src_elems, .dst_elems = dst_elems};
    if (ref) ref->run(l, &t, NULL);
}

/* the reference implementations of the network ops, on values worked by hand */
static void reference_ops(void)
{
    float x[6] = {-2, -0.5f, 0, 3, 7, 9}, y[6];
    nnb_layer l = parse("relu:c=6,h=1");
    run_reference(&l, x, y, 6, 6);
    CHECK(y[0] == 0 && y[1] == 0 && y[2] == 0 && y[3] == 3 && y[4] == 7 && y[5] == 9);
    l = parse("relu6:c=6,h=1");
    run_reference(&l, x, y, 6, 6);
    CHECK(y[0] == 0 && y[3] == 3 && y[4] == 6 && y[5] == 6);
    l = parse("add:c=3,h=1"); /* the summands stacked: x[0..3) + x[3..6) */
    run_reference(&l, x, y, 6, 3);
    CHECK(y[0] == 1 && y[1] == 6.5f && y[2] == 9);
    /* adaptive avg 5 -> 3 along w: windows [0,2) [1,4) [3,5) (PyTorch) */
    float r[5] = {1, 2, 3, 4, 5}, o[3];
    l = parse("adaptive_avgpool:c=1,h=1,w=5,oh=1,ow=3");
    CHECK_EQ_I64(l.kw, 3); /* the largest window */
    run_reference(&l, r, o, 5, 3);
    CHECK(o[0] == 1.5f && o[1] == 3 && o[2] == 4.5f);
    l = parse("adaptive_maxpool:c=1,h=1,w=5,oh=1,ow=3");
    run_reference(&l, r, o, 5, 3);
    CHECK(o[0] == 2 && o[1] == 4 && o[2] == 5);
    nnb_analytic a;
    char err[128];
    CHECK(nnb_model_analyze(&l, &a, err, sizeof err) == 0);
    CHECK_EQ_I64(a.flops, 2 + 3 + 2); /* one max per window tap */
    l = parse("flatten:c=2,h=2,w=3,k=12");
    CHECK_EQ_I64(l.oh, 1);
    CHECK(nnb_spec_parse("flatten:c=2,h=2,w=3,k=11", &l, err, sizeof err) == -1);
}

/* a bad batch is refused with one line */
static void bad_batch(void)
{
    nnb_net_list list;
    char err[128] = "";
    CHECK(nnb_net_build(nnb_net_find("resnet50"), 0, &list, err, sizeof err) == -1);
    CHECK(strstr(err, "batch") != NULL);
    CHECK(nnb_net_find("resnet9000") == NULL);
}

int main(void)
{
    pinned_totals();
    pinned_shapes();
    receptive_fields();
    reference_ops();
    bad_batch();
    return nnb_test_done("test_nets");
}
