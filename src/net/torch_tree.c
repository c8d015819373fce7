/* The container modules of the PyTorch networks (torch_tree.h), as
 * torchvision 0.14's models/ files and seed 003's listing define them. A
 * pattern's "*" ends a component ("layer*": layer1, layer2 ...); the first
 * pattern that matches names the class. */
#include "net/torch_tree.h"

#include <string.h>

typedef struct {
    const char *pattern, *name;
    bool sequential;
} scope_class;

typedef struct {
    const char *net, *root; /* the model's own class */
    const scope_class *scopes;
} torch_net;

static const scope_class alexnet[] = {{"features", "Sequential", true}, {"classifier", "Sequential", true}, {0}};
static const scope_class alexnet_seed[] = {
    {"feature_extraction", "Sequential", true}, {"classifier", "Sequential", true}, {0}};
static const scope_class resnet18[] = {
    {"layer*", "Sequential", true}, {"layer*.*", "BasicBlock", false}, {"layer*.*.downsample", "Sequential", true},
    {0}};
static const scope_class resnet50[] = {
    {"layer*", "Sequential", true}, {"layer*.*", "Bottleneck", false}, {"layer*.*.downsample", "Sequential", true},
    {0}};
/* features.0 and .18 are Conv2dNormActivation (a Sequential), the others
 * InvertedResidual, whose .conv is a Sequential of Conv2dNormActivation
 * blocks then a Conv2d and a BatchNorm2d */
static const scope_class mobilenet_v2[] = {
    {"features", "Sequential", true},
    {"features.0", "Conv2dNormActivation", true},
    {"features.18", "Conv2dNormActivation", true},
    {"features.*", "InvertedResidual", false},
    {"features.*.conv", "Sequential", true},
    {"features.*.conv.*", "Conv2dNormActivation", true},
    {"classifier", "Sequential", true},
    {0}};
static const scope_class googlenet[] = {
    {"conv*", "BasicConv2d", false},           {"inception*.branch1", "BasicConv2d", false},
    {"inception*.branch*", "Sequential", true}, {"inception*.branch*.*", "BasicConv2d", false},
    {"inception*", "Inception", false},        {0}};

static const torch_net nets[] = {
    {"alexnet", "AlexNet", alexnet},          {"alexnet-seed", "AlexNet", alexnet_seed},
    {"vgg16", "VGG", alexnet},                {"resnet18", "ResNet", resnet18},
    {"resnet50", "ResNet", resnet50},         {"mobilenet_v2", "MobileNetV2", mobilenet_v2},
    {"googlenet", "GoogLeNet", googlenet},
};

/* one component against one pattern component: "layer*" is any
 * component starting with "layer", "*" any component */
static bool match_part(const char *p, size_t pl, const char *s, size_t sl)
{
    if (pl && p[pl - 1] == '*') return sl >= pl - 1 && !strncmp(p, s, pl - 1);
    return pl == sl && !strncmp(p, s, pl);
}

/* pattern against name, component by component */
static bool match(const char *p, const char *s)
{
    for (;;) {
        size_t pl = strcspn(p, "."), sl = strcspn(s, ".");
        if (!match_part(p, pl, s, sl)) return false;
        if (!p[pl] || !s[sl]) return !p[pl] && !s[sl];
        p += pl + 1;
        s += sl + 1;
    }
}

bool nnb_torch_container(const char *net, const char *scope, nnb_torch_class *cls)
{
    for (size_t i = 0; i < sizeof nets / sizeof nets[0]; i++) {
        if (strcmp(nets[i].net, net)) continue;
        if (!*scope) {
            *cls = (nnb_torch_class){nets[i].root, false};
            return true;
        }
        for (const scope_class *c = nets[i].scopes; c->pattern; c++)
            if (match(c->pattern, scope)) {
                *cls = (nnb_torch_class){c->name, c->sequential};
                return true;
            }
        return false;
    }
    return false;
}
