/* Counter backend registry and the auto chooser. */
#include "counters/counters.h"
#include "machine/isa.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nnbench/model.h"

static const nnb_counter_backend *const backends[] = {
    &nnb_counter_papi,
    &nnb_counter_valgrind,
    &nnb_counter_none,
};

const nnb_counter_backend *const *nnb_counter_backends(size_t *count)
{
    *count = sizeof backends / sizeof backends[0];
    return backends;
}

const nnb_counter_backend *nnb_counter_find(const char *name)
{
    if (!name) return NULL;
    for (size_t i = 0; i < sizeof backends / sizeof backends[0]; i++)
        if (strcmp(backends[i]->name, name) == 0) return backends[i];
    return NULL;
}

void nnb_counts_init(nnb_counts *c, const char *backend)
{
    memset(c, 0, sizeof *c);
    snprintf(c->backend, sizeof c->backend, "%s", backend ? backend : "none");
}

int nnb_counter_threads(const nnb_counter_backend *b, int threads)
{
    return b->caps.serialises_threads ? 1 : threads;
}

static double valgrind_budget(void)
{
    const char *s = getenv("NNB_VALGRIND_BUDGET");
    if (s && *s) {
        char *end;
        double v = strtod(s, &end);
        if (*end == '\0' && v > 0) return v;
    }
    return NNB_VALGRIND_FLOP_BUDGET;
}

const nnb_counter_backend *nnb_counter_auto(const nnb_layer *l, char *why, size_t len)
{
    char papi_why[256], vg_why[256];
    if (nnb_counter_papi.probe(l, papi_why, sizeof papi_why) == 0) {
        snprintf(why, len, "papi: %s", papi_why);
        return &nnb_counter_papi;
    }
    if (nnb_counter_valgrind.probe(l, vg_why, sizeof vg_why) == 0) {
        double budget = valgrind_budget();
        nnb_analytic a;
        char err[160];
        if (!l) {
            snprintf(why, len, "valgrind: papi cannot count (%s)", papi_why);
            return &nnb_counter_valgrind;
        }
        if (nnb_model_analyze(l, &a, err, sizeof err) == 0 && (double)a.flops < budget) {
            snprintf(why, len, "valgrind: papi cannot count (%s); layer %.3g FLOPs is below the %.3g budget",
                     papi_why, (double)a.flops, budget);
            return &nnb_counter_valgrind;
        }
        snprintf(why, len,
                 "none: papi cannot count (%s); valgrind skipped, layer %.3g FLOPs is above the %.3g "
                 "budget (--counters valgrind forces it)",
                 papi_why, (double)a.flops, budget);
        return &nnb_counter_none;
    }
    snprintf(why, len, "none: papi cannot count (%s); valgrind cannot count (%s)", papi_why, vg_why);
    return &nnb_counter_none;
}

int nnb_counter_select(const char *name, const nnb_layer *l, const nnb_counter_backend **out,
                       char *why, size_t len)
{
    *out = NULL;
    if (!name || strcmp(name, "auto") == 0) {
        *out = nnb_counter_auto(l, why, len);
        return 0;
    }
    const nnb_counter_backend *b = nnb_counter_find(name);
    if (!b) {
        snprintf(why, len, "unknown counter backend '%s' (auto, papi, valgrind, none)", name);
        return -1;
    }
    char r[384];
    if (b->probe(l, r, sizeof r) != 0) {
        snprintf(why, len, "%s cannot count here: %s", name, r);
        return -1;
    }
    snprintf(why, len, "%s: forced (%s)", name, r);
    *out = b;
    return 0;
}

int nnb_counter_isa(const nnb_counter_backend *b)
{
    nnb_isa isa = nnb_isa_kernels();
    if (b && b->caps.hides_avx512 && isa > NNB_ISA_AVX2) isa = NNB_ISA_AVX2;
    return (int)isa;
}
