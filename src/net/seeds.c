/* The seeds' small networks, as their tables give them (descriptors; the
 * numbers tests/test_model.c pins): seed 004's MNIST CNN, seed 002's
 * Inception modules (branches listed one after the other), a MobileNet v1
 * block. Seed 003's AlexNet is in alexnet.c. */
#include "net/nets.h"

typedef struct {
    const char *module, *spec;
} seed_layer;

static void seed_table(nnb_builder *b, const seed_layer *t)
{
    for (; t->spec; t++) nnb_spec_layer(b, t->module, t->spec);
}

/* 832 / 9,248 / 205,056 / 2,570 parameters */
void nnb_build_mnist_cnn(nnb_builder *b)
{
    static const seed_layer t[] = {
        {"conv1", "conv:c=1,h=28,k=32,r=5"}, {"pool1", "maxpool:c=32,h=24,r=2"},
        {"conv2", "conv:c=32,h=12,k=32,r=3"}, {"pool2", "maxpool:c=32,h=10,r=2"},
        {"fc1", "fc:c=32,h=5,k=256"},         {"fc2", "fc:c=256,k=10"},
        {NULL, NULL},
    };
    seed_table(b, t);
}

/* weights only: 387,072 */
void nnb_build_inception_naive(nnb_builder *b)
{
    static const seed_layer t[] = {
        {"branch1x1", "conv:c=192,h=28,k=64,r=1,bias=0"},
        {"branch3x3", "conv:c=192,h=28,k=128,r=3,pad=1,bias=0"},
        {"branch5x5", "conv:c=192,h=28,k=32,r=5,pad=2,bias=0"},
        {"branch_pool", "maxpool:c=192,h=28,r=3,stride=1,pad=1"},
        {NULL, NULL},
    };
    seed_table(b, t);
}

/* weights only: 163,328 */
void nnb_build_inception_3a(nnb_builder *b)
{
    static const seed_layer t[] = {
        {"branch1x1", "conv:c=192,h=28,k=64,r=1,bias=0"},
        {"branch3x3.reduce", "conv:c=192,h=28,k=96,r=1,bias=0"},
        {"branch3x3", "conv:c=96,h=28,k=128,r=3,pad=1,bias=0"},
        {"branch5x5.reduce", "conv:c=192,h=28,k=16,r=1,bias=0"},
        {"branch5x5", "conv:c=16,h=28,k=32,r=5,pad=2,bias=0"},
        {"branch_pool.pool", "maxpool:c=192,h=28,r=3,stride=1,pad=1"},
        {"branch_pool.proj", "conv:c=192,h=28,k=32,r=1,bias=0"},
        {NULL, NULL},
    };
    seed_table(b, t);
}

/* depthwise 3x3 + pointwise 1x1 at 56x56x128 */
void nnb_build_mobilenet_block(nnb_builder *b)
{
    static const seed_layer t[] = {
        {"dw", "conv:c=128,h=56,k=128,r=3,pad=1,g=128,bias=0"},
        {"dw.bn", "bn:c=128,h=56"},
        {"pw", "conv:c=128,h=56,k=128,r=1,bias=0"},
        {"pw.bn", "bn:c=128,h=56"},
        {NULL, NULL},
    };
    seed_table(b, t);
}
