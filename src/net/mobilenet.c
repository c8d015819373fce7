/* MobileNetV2 as torchvision builds it (models/mobilenetv2.py, width 1.0):
 * a 3x3 s2 stem, seventeen inverted residual blocks (1x1 expand, 3x3
 * depthwise, 1x1 linear projection; x + conv(x) where the shape allows),
 * a 1x1 to 1280, then F.adaptive_avg_pool2d, torch.flatten and the
 * classifier (Dropout, Linear). Every convolution without bias. */
#include "net/nets.h"

/* Conv2dNormActivation: conv (padding (r-1)/2), BatchNorm2d, ReLU6 as .0 .1 .2 */
static void conv_bn_relu6(nnb_builder *b, int64_t k, int64_t r, int64_t stride, int64_t groups)
{
    nnb_scope s = nnb_enter_next(b);
    nnb_conv(b, NULL, k, r, stride, (r - 1) / 2, groups, false);
    nnb_bn(b, NULL);
    nnb_relu6(b, NULL);
    nnb_leave(b, s);
}

static void inverted_residual(nnb_builder *b, int64_t out, int64_t stride, int64_t expand)
{
    nnb_net_tensor in = b->x;
    int64_t hidden = in.c * expand;
    nnb_scope s = nnb_enter(b, "conv");
    if (expand != 1) conv_bn_relu6(b, hidden, 1, 1, 1);
    conv_bn_relu6(b, hidden, 3, stride, hidden);
    nnb_conv(b, NULL, out, 1, 1, 0, 1, false);
    nnb_bn(b, NULL);
    nnb_leave(b, s);
    if (stride == 1 && in.c == out) nnb_add(b, "add()", &in);
}

void nnb_build_mobilenet_v2(nnb_builder *b)
{
    /* t (expansion), c (channels), n (blocks), s (first block's stride) */
    static const int64_t setting[7][4] = {{1, 16, 1, 1},  {6, 24, 2, 2},  {6, 32, 3, 2},  {6, 64, 4, 2},
                                          {6, 96, 3, 1},  {6, 160, 3, 2}, {6, 320, 1, 1}};
    nnb_scope features = nnb_enter(b, "features");
    conv_bn_relu6(b, 32, 3, 2, 1);
    for (int i = 0; i < 7; i++)
        for (int64_t j = 0; j < setting[i][2]; j++) {
            nnb_scope s = nnb_enter_next(b);
            inverted_residual(b, setting[i][1], j == 0 ? setting[i][3] : 1, setting[i][0]);
            nnb_leave(b, s);
        }
    conv_bn_relu6(b, 1280, 1, 1, 1);
    nnb_leave(b, features);
    nnb_adaptive_avgpool(b, "adaptive_avg_pool2d()", 1);
    nnb_flatten(b, "flatten()");
    nnb_scope s = nnb_enter(b, "classifier");
    nnb_dropout(b, NULL);
    nnb_fc(b, NULL, 1000);
    nnb_leave(b, s);
}
