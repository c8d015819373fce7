/* Network presets: named lists of layer descriptors (from the seeds and
 * classic papers), for --model NAME and the model summary. */
#ifndef NNBENCH_NETS_H
#define NNBENCH_NETS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct nnb_net {
    const char *name;
    const char *desc;
    const char *const *layers; /* descriptors, any nnb_spec_parse form; NULL-terminated */
    bool chain;                /* layers feed each other in order (receptive field is meaningful) */
} nnb_net;

const nnb_net *nnb_nets(size_t *count);
const nnb_net *nnb_net_find(const char *name);

#endif
