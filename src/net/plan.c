/* Distinct layers of a network (see plan.h). A network has at most a few
 * hundred layers: a linear search per layer is plenty. */
#include "net/plan.h"

#include <stdlib.h>
#include <string.h>

#include "spec/spec.h"
#include "util/util.h"

int nnb_net_plan_build(const nnb_layer *layers, size_t n, nnb_net_plan *p, char *err, size_t len)
{
    memset(p, 0, sizeof *p);
    p->v = calloc(n ? n : 1, sizeof *p->v);
    p->entry_of = calloc(n ? n : 1, sizeof *p->entry_of);
    if (!p->v || !p->entry_of) {
        nnb_net_plan_free(p);
        return nnb_errf(err, len, "out of memory planning %zu layers", n);
    }
    p->nlayers = n;
    for (size_t i = 0; i < n; i++) {
        char spec[sizeof p->v[0].spec];
        if (nnb_spec_format_kv(&layers[i], spec, sizeof spec)) {
            nnb_net_plan_free(p);
            return nnb_errf(err, len, "layer %zu has no canonical descriptor", i);
        }
        size_t e = 0;
        while (e < p->n && strcmp(p->v[e].spec, spec) != 0) e++;
        if (e == p->n) {
            p->v[e].first = i;
            memcpy(p->v[e].spec, spec, sizeof spec);
            p->n++;
        }
        p->v[e].repeat++;
        p->entry_of[i] = e;
    }
    return 0;
}

void nnb_net_plan_free(nnb_net_plan *p)
{
    free(p->v);
    free(p->entry_of);
    p->v = NULL;
    p->entry_of = NULL;
    p->n = 0;
}
