/* Layer presets: named key=value descriptors (nnbench --list). */
#include "spec/spec.h"

static const nnb_preset presets[] = {
    {"conv3x3", "conv:c=64,h=56,k=64,r=3,pad=1", "ResNet-50 res2 3x3: 64x56x56 -> 64, pad 1"},
    {"conv1x1", "conv:c=256,h=56,k=64,r=1", "ResNet-50 res2 1x1 bottleneck: 256x56x56 -> 64"},
    {"conv7x7s2", "conv:c=3,h=224,k=64,r=7,stride=2,pad=3", "ResNet-50 stem: 3x224x224 -> 64, 7x7 stride 2"},
    {"conv5x5", "conv:c=16,h=28,k=32,r=5,pad=2", "Inception 5x5 branch: 16x28x28 -> 32, pad 2"},
    {"dilated3x3", "conv:c=64,h=56,k=64,r=3,dil=2,pad=2", "dilated 3x3 (d=2): 64x56x56 -> 64"},
    {"dwconv3x3", "conv:c=144,h=56,k=144,r=3,pad=1,g=144", "MobileNetV2 depthwise 3x3: 144x56x56"},
    {"groupconv3x3", "conv:c=128,h=56,k=128,r=3,pad=1,g=32", "ResNeXt grouped 3x3: 128x56x56, 32 groups"},
    {"deconv4x4s2", "deconv:c=64,h=28,k=32,r=4,stride=2,pad=1", "transposed 4x4 stride 2: 64x28x28 -> 32x56x56"},
    {"fc", "fc:c=9216,k=4096", "AlexNet fc6: 9216 -> 4096"},
    {"maxpool3x3s2", "maxpool:c=64,h=112,r=3,stride=2,pad=1", "ResNet-50 max pool 3x3 stride 2: 64x112x112"},
    {"avgpool7x7", "avgpool:c=2048,h=7,r=7", "ResNet-50 global average pool: 2048x7x7"},
    {"bn", "bn:c=64,h=56", "batch norm (inference): 64x56x56"},
    {"lstm", "lstm:c=256,k=512,h=32", "LSTM layer: input 256, hidden 512, 32 steps"},
    {"embed", "embed:c=30000,k=512,h=128", "embedding: vocabulary 30000, dim 512, 128 tokens"},
    {"relu", "relu:c=64,h=112", "ReLU after the ResNet-50 stem: 64x112x112"},
    {"relu6", "relu6:c=144,h=56", "MobileNetV2 ReLU6: 144x56x56"},
    {"add", "add:c=256,h=56", "ResNet-50 residual add: 2 x 256x56x56"},
    {"concat", "concat:c=256,h=28", "GoogLeNet inception3a concatenation: 64+128+32+32 channels, 28x28"},
    {"flatten", "flatten:c=256,h=6,k=9216", "AlexNet flatten: 256x6x6 -> 9216"},
    {"dropout", "dropout:c=4096,h=1", "AlexNet classifier dropout (inference: identity), 4096"},
    {"adaptive_avgpool", "adaptive_avgpool:c=2048,h=7,out=1", "ResNet-50 AdaptiveAvgPool2d((1, 1)): 2048x7x7"},
    {"adaptive_maxpool", "adaptive_maxpool:c=64,h=10,out=3", "adaptive max pool with uneven windows: 64x10x10 -> 3x3"},
};

const nnb_preset *nnb_presets(size_t *count)
{
    *count = sizeof presets / sizeof presets[0];
    return presets;
}
