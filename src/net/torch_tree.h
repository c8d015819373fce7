/* The PyTorch module tree of the networks that are PyTorch models
 * (torchvision's six, seed 003's AlexNet): the class of every module that
 * holds others, by its name ("layer1.0" -> BasicBlock). nnbench's layers
 * are the leaf modules (their classes: nnb_op_info.torch_class); the tools
 * that print a model (torchsummary, torchinfo, torchstat) also see these. */
#ifndef NNBENCH_NET_TORCH_TREE_H
#define NNBENCH_NET_TORCH_TREE_H

#include <stdbool.h>

typedef struct nnb_torch_class {
    const char *name;  /* "BasicBlock", "Sequential" */
    bool sequential;   /* nn.Sequential or a subclass (Conv2dNormActivation) */
} nnb_torch_class;

/* The class of the container module `scope` ("" is the model itself) of
 * network net; false when net is not a PyTorch model or scope is not one
 * of its containers. */
bool nnb_torch_container(const char *net, const char *scope, nnb_torch_class *cls);

#endif
