/* The distinct layers of a network: identical layers (same canonical
 * key=value spec: every field but the free-text name) are measured once
 * and counted by their multiplicity. */
#ifndef NNBENCH_NET_PLAN_H
#define NNBENCH_NET_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "nnbench/layer.h"

typedef struct nnb_plan_entry {
    size_t first;          /* index of its first occurrence in the network */
    int64_t repeat;        /* how many layers of the network are this one (>= 1) */
    char spec[320];        /* canonical key=value */
} nnb_plan_entry;

typedef struct nnb_net_plan {
    nnb_plan_entry *v;     /* in order of first occurrence */
    size_t n;
    size_t *entry_of;      /* for layer i of the network: its entry in v */
    size_t nlayers;
} nnb_net_plan;

/* Groups layers[0..n). 0, or -1 with one line in err (out of memory, a
 * layer that has no canonical form). */
int nnb_net_plan_build(const nnb_layer *layers, size_t n, nnb_net_plan *p, char *err, size_t len);
void nnb_net_plan_free(nnb_net_plan *p);

#endif
