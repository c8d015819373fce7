/* Networks built in code, as torchvision builds them: a builder carries
 * the tensor flowing through the network (its shape and receptive field)
 * and appends one finalized layer per module call, named as torchvision
 * names the module ("layer3.2.conv2"). A function torchvision applies
 * without a module is named after the module whose forward calls it, with
 * "()" ("layer1.0.add()", "flatten()"): the "()" says no module exists. */
#ifndef NNBENCH_NET_BUILDER_H
#define NNBENCH_NET_BUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nnbench/layer.h"
#include "nnbench/model.h"

/* one layer of a network: torchvision's module name and, where the network
 * gives it a meaning, the receptive field of one output so far */
typedef struct nnb_net_layer {
    nnb_layer layer;
    char module[96];
    bool have_rf;
    nnb_rf rf;
} nnb_net_layer;

typedef struct nnb_net_list {
    nnb_net_layer *v;
    size_t n, cap;
} nnb_net_list;

void nnb_net_list_free(nnb_net_list *list);

/* a tensor between layers: channels, height, width; its receptive field */
typedef struct nnb_net_tensor {
    int64_t c, h, w;
    bool have_rf;
    nnb_rf rf;
} nnb_net_tensor;

typedef struct nnb_builder {
    nnb_net_list *out;
    int64_t n;           /* batch */
    nnb_net_tensor x;    /* the tensor the next layer reads */
    char scope[96];      /* module name prefix: "layer1.0" */
    int seq;             /* next index inside a Sequential scope (name NULL) */
    bool failed;
    char *err;
    size_t errlen;
} nnb_builder;

/* Enters a module scope named by fmt ("layer%d", i): names below it are
 * prefixed "layer1."; the Sequential index restarts at 0. Returns what
 * nnb_leave needs to come back. */
typedef struct nnb_scope {
    size_t len;
    int seq;
} nnb_scope;
nnb_scope nnb_enter(nnb_builder *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* enters the scope named by the next Sequential index ("features.3") */
nnb_scope nnb_enter_next(nnb_builder *b);
void nnb_leave(nnb_builder *b, nnb_scope s);

/* Each appends one layer reading b->x and makes its output the new b->x.
 * name: the module's name inside the scope; NULL: the next Sequential
 * index. After a failure (err set) every call does nothing. */
void nnb_conv(nnb_builder *b, const char *name, int64_t k, int64_t r, int64_t stride, int64_t pad, int64_t groups,
              bool bias);
void nnb_bn(nnb_builder *b, const char *name);
void nnb_relu(nnb_builder *b, const char *name);
void nnb_relu6(nnb_builder *b, const char *name);
void nnb_dropout(nnb_builder *b, const char *name);
void nnb_maxpool(nnb_builder *b, const char *name, int64_t r, int64_t stride, int64_t pad, bool ceil_mode);
void nnb_adaptive_avgpool(nnb_builder *b, const char *name, int64_t out);
void nnb_flatten(nnb_builder *b, const char *name);
void nnb_fc(nnb_builder *b, const char *name, int64_t k);
/* b->x + other (same shape); the receptive field is the union of both */
void nnb_add(nnb_builder *b, const char *name, const nnb_net_tensor *other);
/* the inputs concatenated along channels (same h, w) into b->x */
void nnb_concat(nnb_builder *b, const char *name, const nnb_net_tensor *in, size_t count);
/* a layer given as a descriptor (the seeds' tables), batch set to b->n;
 * it becomes b->x's producer whatever b->x was */
void nnb_spec_layer(nnb_builder *b, const char *name, const char *spec);

#endif
