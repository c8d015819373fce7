/* AlexNet: torchvision's (models/alexnet.py) and seed 003's, which differ
 * in the first layer's width, the convolutions' bias and the pooling
 * before the classifier; the classifier is the same. */
#include "net/nets.h"

/* features: five convolutions (ReLU after each), max pool 3x3 s2 after the
 * first, second and fifth */
static void features(nnb_builder *b, const char *scope, const int64_t width[5], bool bias)
{
    static const struct {
        int64_t r, stride, pad;
        bool pool;
    } conv[5] = {{11, 4, 2, true}, {5, 1, 2, true}, {3, 1, 1, false}, {3, 1, 1, false}, {3, 1, 1, true}};
    nnb_scope s = nnb_enter(b, "%s", scope);
    for (int i = 0; i < 5; i++) {
        nnb_conv(b, NULL, width[i], conv[i].r, conv[i].stride, conv[i].pad, 1, bias);
        nnb_relu(b, NULL);
        if (conv[i].pool) nnb_maxpool(b, NULL, 3, 2, 0, false);
    }
    nnb_leave(b, s);
}

/* classifier: Dropout, Linear 4096, ReLU, Dropout, Linear 4096, ReLU, Linear 1000 */
static void classifier(nnb_builder *b)
{
    nnb_scope s = nnb_enter(b, "classifier");
    for (int i = 0; i < 2; i++) {
        nnb_dropout(b, NULL);
        nnb_fc(b, NULL, 4096);
        nnb_relu(b, NULL);
    }
    nnb_fc(b, NULL, 1000);
    nnb_leave(b, s);
}

void nnb_build_alexnet(nnb_builder *b)
{
    static const int64_t width[5] = {64, 192, 384, 256, 256};
    features(b, "features", width, true);
    nnb_adaptive_avgpool(b, "avgpool", 6);
    nnb_flatten(b, "flatten()");
    classifier(b);
}

/* seed 003: 96 filters first, convolutions without bias, x.view(n, 256*6*6) */
void nnb_build_alexnet_seed(nnb_builder *b)
{
    static const int64_t width[5] = {96, 192, 384, 256, 256};
    features(b, "feature_extraction", width, false);
    nnb_flatten(b, "view()");
    classifier(b);
}
