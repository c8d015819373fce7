/* The network table and the one entry that builds a network. */
#include "net/nets.h"

#include <string.h>

#include "util/util.h"

static const nnb_net nets[] = {
    {"alexnet", "torchvision alexnet, 3x224x224", 3, 224, 224, true, nnb_build_alexnet},
    {"vgg16", "torchvision vgg16, 3x224x224", 3, 224, 224, true, nnb_build_vgg16},
    {"resnet18", "torchvision resnet18, 3x224x224", 3, 224, 224, true, nnb_build_resnet18},
    {"resnet50", "torchvision resnet50, 3x224x224", 3, 224, 224, true, nnb_build_resnet50},
    {"mobilenet_v2", "torchvision mobilenet_v2, 3x224x224", 3, 224, 224, true, nnb_build_mobilenet_v2},
    {"googlenet", "torchvision googlenet without auxiliary heads, 3x224x224", 3, 224, 224, true,
     nnb_build_googlenet},
    {"alexnet-seed", "seed 003's AlexNet (conv without bias), 3x224x224", 3, 224, 224, true, nnb_build_alexnet_seed},
    {"mnist_cnn", "seed 004's MNIST CNN, 1x28x28", 1, 28, 28, true, nnb_build_mnist_cnn},
    {"inception_naive", "seed 002's naive Inception module on 192x28x28 (branches one after the other)", 192, 28, 28,
     false, nnb_build_inception_naive},
    {"inception_3a", "seed 002's Inception module with 1x1 reductions on 192x28x28 (branches one after the other)",
     192, 28, 28, false, nnb_build_inception_3a},
    {"mobilenet_block", "MobileNet v1 depthwise-separable block, 128x56x56", 128, 56, 56, true,
     nnb_build_mobilenet_block},
};

const nnb_net *nnb_nets(size_t *count)
{
    *count = sizeof nets / sizeof nets[0];
    return nets;
}

const nnb_net *nnb_net_find(const char *name)
{
    for (size_t i = 0; i < sizeof nets / sizeof nets[0]; i++)
        if (strcmp(nets[i].name, name) == 0) return &nets[i];
    return NULL;
}

int nnb_net_build(const nnb_net *net, int64_t mb, nnb_net_list *out, char *err, size_t len)
{
    memset(out, 0, sizeof *out);
    if (mb <= 0) return nnb_errf(err, len, "%s: batch must be positive (got %lld)", net->name, (long long)mb);
    nnb_builder b = {.out = out, .n = mb, .x = {.c = net->c, .h = net->h, .w = net->w, .have_rf = net->chain},
                     .err = err, .errlen = len};
    nnb_rf_init(&b.x.rf);
    net->build(&b);
    if (!b.failed) return 0;
    nnb_net_list_free(out);
    return -1;
}
