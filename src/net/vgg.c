/* VGG-16 as torchvision builds it (models/vgg.py make_layers, cfg "D",
 * no batch norm): 3x3 convolutions with bias and ReLU, max pool 2x2 s2 at
 * each "M"; adaptive average pool to 7x7; three fully connected layers. */
#include "net/nets.h"

void nnb_build_vgg16(nnb_builder *b)
{
    enum { M = 0 }; /* a max pool in the configuration */
    static const int64_t cfg_d[] = {64, 64, M, 128, 128, M, 256, 256, 256, M, 512, 512, 512, M, 512, 512, 512, M};
    nnb_scope s = nnb_enter(b, "features");
    for (size_t i = 0; i < sizeof cfg_d / sizeof cfg_d[0]; i++) {
        if (cfg_d[i] == M) {
            nnb_maxpool(b, NULL, 2, 2, 0, false);
            continue;
        }
        nnb_conv(b, NULL, cfg_d[i], 3, 1, 1, 1, true);
        nnb_relu(b, NULL);
    }
    nnb_leave(b, s);
    nnb_adaptive_avgpool(b, "avgpool", 7);
    nnb_flatten(b, "flatten()");
    s = nnb_enter(b, "classifier");
    for (int i = 0; i < 2; i++) {
        nnb_fc(b, NULL, 4096);
        nnb_relu(b, NULL);
        nnb_dropout(b, NULL);
    }
    nnb_fc(b, NULL, 1000);
    nnb_leave(b, s);
}
