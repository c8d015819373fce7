/* GoogLeNet as torchvision builds it (models/googlenet.py) without the
 * auxiliary heads (aux_logits=False) and without transform_input. Every
 * convolution is a BasicConv2d: conv (no bias), BatchNorm2d, then a
 * functional F.relu (no module: named "relu()"). Torchvision's Inception
 * branch3 is a 3x3 convolution where the paper has 5x5 (its code keeps the
 * name ch5x5); the totals follow the code. */
#include "net/nets.h"

static void basic_conv(nnb_builder *b, const char *name, int64_t k, int64_t r, int64_t stride)
{
    nnb_scope s = name ? nnb_enter(b, "%s", name) : nnb_enter_next(b);
    nnb_conv(b, "conv", k, r, stride, r / 2, 1, false);
    nnb_bn(b, "bn");
    nnb_relu(b, "relu()");
    nnb_leave(b, s);
}

typedef struct {
    const char *name;
    int64_t ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj;
} inception_cfg;

/* four branches on one input, concatenated along channels */
static void inception(nnb_builder *b, const inception_cfg *cfg)
{
    nnb_scope s = nnb_enter(b, "%s", cfg->name);
    const nnb_net_tensor in = b->x;
    nnb_net_tensor out[4];
    basic_conv(b, "branch1", cfg->ch1x1, 1, 1);
    out[0] = b->x;
    const int64_t red[2] = {cfg->ch3x3red, cfg->ch5x5red}, wide[2] = {cfg->ch3x3, cfg->ch5x5};
    for (int i = 0; i < 2; i++) { /* branch2: 1x1 -> 3x3; branch3: 1x1 -> 3x3 (torchvision's) */
        b->x = in;
        nnb_scope br = nnb_enter(b, "branch%d", i + 2);
        basic_conv(b, NULL, red[i], 1, 1);
        basic_conv(b, NULL, wide[i], 3, 1);
        nnb_leave(b, br);
        out[i + 1] = b->x;
    }
    b->x = in;
    nnb_scope br = nnb_enter(b, "branch4");
    nnb_maxpool(b, NULL, 3, 1, 1, true);
    basic_conv(b, NULL, cfg->pool_proj, 1, 1);
    nnb_leave(b, br);
    out[3] = b->x;
    nnb_concat(b, "cat()", out, 4);
    nnb_leave(b, s);
}

void nnb_build_googlenet(nnb_builder *b)
{
    static const inception_cfg stage3[] = {{"inception3a", 64, 96, 128, 16, 32, 32},
                                           {"inception3b", 128, 128, 192, 32, 96, 64}};
    static const inception_cfg stage4[] = {{"inception4a", 192, 96, 208, 16, 48, 64},
                                           {"inception4b", 160, 112, 224, 24, 64, 64},
                                           {"inception4c", 128, 128, 256, 24, 64, 64},
                                           {"inception4d", 112, 144, 288, 32, 64, 64},
                                           {"inception4e", 256, 160, 320, 32, 128, 128}};
    static const inception_cfg stage5[] = {{"inception5a", 256, 160, 320, 32, 128, 128},
                                           {"inception5b", 384, 192, 384, 48, 128, 128}};
    basic_conv(b, "conv1", 64, 7, 2);
    nnb_maxpool(b, "maxpool1", 3, 2, 0, true);
    basic_conv(b, "conv2", 64, 1, 1);
    basic_conv(b, "conv3", 192, 3, 1);
    nnb_maxpool(b, "maxpool2", 3, 2, 0, true);
    for (int i = 0; i < 2; i++) inception(b, &stage3[i]);
    nnb_maxpool(b, "maxpool3", 3, 2, 0, true);
    for (int i = 0; i < 5; i++) inception(b, &stage4[i]);
    nnb_maxpool(b, "maxpool4", 2, 2, 0, true);
    for (int i = 0; i < 2; i++) inception(b, &stage5[i]);
    nnb_adaptive_avgpool(b, "avgpool", 1);
    nnb_flatten(b, "flatten()");
    nnb_dropout(b, "dropout");
    nnb_fc(b, "fc", 1000);
}
