/* Network presets as data. Each layer is a descriptor string so the same
 * parser and model serve single layers and whole networks. */
#include "net/nets.h"

#include <string.h>

/* Seed 003's AlexNet (convolutions without bias, as in its code listing):
 * torchsummary 61,264,904 params; thop 861,301,280 MACs. */
static const char *const alexnet[] = {
    "conv:c=3,h=224,k=96,r=11,stride=4,pad=2,bias=0",
    "maxpool:c=96,h=55,r=3,stride=2",
    "conv:c=96,h=27,k=192,r=5,pad=2,bias=0",
    "maxpool:c=192,h=27,r=3,stride=2",
    "conv:c=192,h=13,k=384,r=3,pad=1,bias=0",
    "conv:c=384,h=13,k=256,r=3,pad=1,bias=0",
    "conv:c=256,h=13,k=256,r=3,pad=1,bias=0",
    "maxpool:c=256,h=13,r=3,stride=2",
    "fc:c=256,h=6,k=4096",
    "fc:c=4096,k=4096",
    "fc:c=4096,k=1000",
    NULL,
};

/* Seed 004's MNIST CNN: 832 / 9,248 / 205,056 / 2,570 parameters. */
static const char *const mnist_cnn[] = {
    "conv:c=1,h=28,k=32,r=5",
    "maxpool:c=32,h=24,r=2",
    "conv:c=32,h=12,k=32,r=3",
    "maxpool:c=32,h=10,r=2",
    "fc:c=32,h=5,k=256",
    "fc:c=256,k=10",
    NULL,
};

/* Seed 002's naive Inception module on 28x28x192 (branches listed one after
 * the other; weights only): 387,072 weights. */
static const char *const inception_naive[] = {
    "conv:c=192,h=28,k=64,r=1,bias=0",
    "conv:c=192,h=28,k=128,r=3,pad=1,bias=0",
    "conv:c=192,h=28,k=32,r=5,pad=2,bias=0",
    "maxpool:c=192,h=28,r=3,stride=1,pad=1",
    NULL,
};

/* Seed 002's Inception (3a) with 1x1 reductions: 163,328 weights. */
static const char *const inception_3a[] = {
    "conv:c=192,h=28,k=64,r=1,bias=0",
    "conv:c=192,h=28,k=96,r=1,bias=0",
    "conv:c=96,h=28,k=128,r=3,pad=1,bias=0",
    "conv:c=192,h=28,k=16,r=1,bias=0",
    "conv:c=16,h=28,k=32,r=5,pad=2,bias=0",
    "maxpool:c=192,h=28,r=3,stride=1,pad=1",
    "conv:c=192,h=28,k=32,r=1,bias=0",
    NULL,
};

/* MobileNet v1 depthwise-separable block at 56x56x128 (dw 3x3 + pw 1x1). */
static const char *const mobilenet_block[] = {
    "conv:c=128,h=56,k=128,r=3,pad=1,g=128,bias=0",
    "bn:c=128,h=56",
    "conv:c=128,h=56,k=128,r=1,bias=0",
    "bn:c=128,h=56",
    NULL,
};

static const nnb_net nets[] = {
    {"alexnet", "AlexNet as in seed 003 (conv without bias), 3x224x224", alexnet, true},
    {"mnist_cnn", "seed 004's MNIST CNN, 1x28x28", mnist_cnn, true},
    {"inception_naive", "seed 002's naive Inception module on 192x28x28", inception_naive, false},
    {"inception_3a", "seed 002's Inception module with 1x1 reductions on 192x28x28", inception_3a, false},
    {"mobilenet_block", "MobileNet v1 depthwise-separable block, 128x56x56", mobilenet_block, true},
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
