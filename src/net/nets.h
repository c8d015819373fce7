/* Network presets for --model NAME: torchvision's networks built in code
 * (alexnet.c, vgg.c, resnet.c, mobilenet.c, googlenet.c) and the seeds'
 * tables (alexnet.c, seeds.c), each a builder over builder.h. */
#ifndef NNBENCH_NETS_H
#define NNBENCH_NETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/builder.h"

typedef struct nnb_net {
    const char *name;
    const char *desc;
    int64_t c, h, w;                 /* the input image */
    bool chain;                      /* layers feed each other: the receptive field is meaningful */
    void (*build)(nnb_builder *b);   /* appends the layers, reading b->x (the input image) */
} nnb_net;

const nnb_net *nnb_nets(size_t *count);
const nnb_net *nnb_net_find(const char *name);

/* The layers of net at batch mb, in torchvision's module call order, into
 * *out (free with nnb_net_list_free). 0, or -1 with one line in err. */
int nnb_net_build(const nnb_net *net, int64_t mb, nnb_net_list *out, char *err, size_t len);

/* the builders */
void nnb_build_alexnet(nnb_builder *b);
void nnb_build_alexnet_seed(nnb_builder *b);
void nnb_build_vgg16(nnb_builder *b);
void nnb_build_resnet18(nnb_builder *b);
void nnb_build_resnet50(nnb_builder *b);
void nnb_build_mobilenet_v2(nnb_builder *b);
void nnb_build_googlenet(nnb_builder *b);
void nnb_build_mnist_cnn(nnb_builder *b);
void nnb_build_inception_naive(nnb_builder *b);
void nnb_build_inception_3a(nnb_builder *b);
void nnb_build_mobilenet_block(nnb_builder *b);

#endif
