/* ResNet-18 and ResNet-50 as torchvision builds them (models/resnet.py):
 * stem, four stages of BasicBlock / Bottleneck (v1.5: the stride on the
 * 3x3), adaptive average pool, fc. Convolutions without bias, each
 * followed by batch norm. */
#include "net/nets.h"

#include <stdio.h>

/* conv (no bias) then its batch norm: conv<i>, bn<i> */
static void conv_bn(nnb_builder *b, int i, int64_t k, int64_t r, int64_t stride)
{
    char conv[16], bn[16];
    snprintf(conv, sizeof conv, "conv%d", i);
    snprintf(bn, sizeof bn, "bn%d", i);
    nnb_conv(b, conv, k, r, stride, r / 2, 1, false);
    nnb_bn(b, bn);
}

/* the block's tail, in forward's order: downsample (1x1 conv + bn, when the
 * shape changes) on the block's input, out += identity, relu */
static void residual(nnb_builder *b, const nnb_net_tensor *in, int64_t k, int64_t stride)
{
    nnb_net_tensor identity = *in;
    if (stride != 1 || in->c != k) {
        nnb_net_tensor out = b->x;
        b->x = *in;
        nnb_scope s = nnb_enter(b, "downsample");
        nnb_conv(b, NULL, k, 1, stride, 0, 1, false);
        nnb_bn(b, NULL);
        nnb_leave(b, s);
        identity = b->x;
        b->x = out;
    }
    nnb_add(b, "add()", &identity);
    nnb_relu(b, "relu");
}

/* BasicBlock: 3x3 (stride) -> 3x3, expansion 1; its one ReLU module runs twice */
static void basic_block(nnb_builder *b, int64_t planes, int64_t stride)
{
    nnb_net_tensor in = b->x;
    conv_bn(b, 1, planes, 3, stride);
    nnb_relu(b, "relu");
    conv_bn(b, 2, planes, 3, 1);
    residual(b, &in, planes, stride);
}

/* Bottleneck: 1x1 -> 3x3 (stride) -> 1x1 x4, expansion 4 */
static void bottleneck(nnb_builder *b, int64_t planes, int64_t stride)
{
    nnb_net_tensor in = b->x;
    conv_bn(b, 1, planes, 1, 1);
    nnb_relu(b, "relu");
    conv_bn(b, 2, planes, 3, stride);
    nnb_relu(b, "relu");
    conv_bn(b, 3, planes * 4, 1, 1);
    residual(b, &in, planes * 4, stride);
}

static void resnet(nnb_builder *b, void (*block)(nnb_builder *, int64_t, int64_t), const int blocks[4])
{
    conv_bn(b, 1, 64, 7, 2);
    nnb_relu(b, "relu");
    nnb_maxpool(b, "maxpool", 3, 2, 1, false);
    for (int stage = 0; stage < 4; stage++) {
        int64_t planes = (int64_t)64 << stage;
        for (int i = 0; i < blocks[stage]; i++) {
            nnb_scope s = nnb_enter(b, "layer%d.%d", stage + 1, i);
            block(b, planes, i == 0 && stage > 0 ? 2 : 1);
            nnb_leave(b, s);
        }
    }
    nnb_adaptive_avgpool(b, "avgpool", 1);
    nnb_flatten(b, "flatten()");
    nnb_fc(b, "fc", 1000);
}

void nnb_build_resnet18(nnb_builder *b)
{
    static const int blocks[4] = {2, 2, 2, 2};
    resnet(b, basic_block, blocks);
}

void nnb_build_resnet50(nnb_builder *b)
{
    static const int blocks[4] = {3, 4, 6, 3};
    resnet(b, bottleneck, blocks);
}
