#include "harness/memory.h"

#include <stdio.h>
#include <string.h>

#include "counters/counters.h"
#include "harness/harness.h"
#include "machine/evict.h"
#include "util/checked.h"

/* valgrind's own footprint (its core, translation cache, callgrind's cache
 * simulation and tables), over what the child allocates. */
#define NNB_VALGRIND_OWN_BYTES ((int64_t)256 << 20)

static int64_t sat_add(int64_t a, int64_t b)
{
    int64_t r;
    return nnb_add_ok(a, b, &r) ? r : INT64_MAX;
}

void nnb_mem_plan(const nnb_run_opts *o, const nnb_layer_report *rep, const nnb_kernel *const *ks, size_t nk,
                  const nnb_kernel *check_ref, nnb_mem_need *need)
{
    const nnb_analytic *a = &rep->analytic;
    memset(need, 0, sizeof *need);
    int64_t inputs = sat_add(sat_add(a->src_bytes, a->wei_bytes), a->bias_bytes);
    need->tensors_bytes = sat_add(inputs, a->dst_bytes);
    need->check_bytes = sat_add(a->dst_bytes, a->dst_bytes);
    if (check_ref) {
        need->check_bytes = sat_add(need->check_bytes, inputs);
        if (check_ref->workspace_bytes) need->workspace_bytes = check_ref->workspace_bytes(&rep->layer, 1);
    }
    for (size_t i = 0; i < nk; i++) {
        int64_t w = ks[i]->workspace_bytes ? ks[i]->workspace_bytes(&rep->layer, o->threads) : 0;
        if (w > need->workspace_bytes) need->workspace_bytes = w;
    }
    if (o->measure.cold) need->evict_bytes = o->measure.flush_bytes > 0 ? o->measure.flush_bytes
                                                                        : nnb_evict_default_bytes();
    if (o->count_child)
        need->child_bytes = sat_add(sat_add(need->tensors_bytes, need->workspace_bytes), NNB_VALGRIND_OWN_BYTES);
    int64_t parts[] = {need->tensors_bytes, need->check_bytes, need->workspace_bytes, need->evict_bytes,
                       need->child_bytes};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) need->total_bytes = sat_add(need->total_bytes, parts[i]);
}

int64_t nnb_mem_available_bytes(const char **source)
{
    FILE *f = fopen("/proc/meminfo", "r");
    char line[256];
    long long kib = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "MemAvailable: %lld kB", &kib) == 1) break;
    if (f) fclose(f);
    if (kib >= 0 && kib < INT64_MAX / 1024) {
        *source = "MemAvailable";
        return (int64_t)kib * 1024;
    }
    *source = "physical memory";
    return nnb_phys_memory_bytes();
}

/* The unit every number of one message is given in. */
static void pick_unit(int64_t bytes, double *div, const char **unit)
{
    if (bytes >= ((int64_t)1 << 30)) *div = (double)((int64_t)1 << 30), *unit = "GiB";
    else if (bytes >= (1 << 20)) *div = (double)(1 << 20), *unit = "MiB";
    else *div = 1024.0, *unit = "KiB";
}

int nnb_mem_check(const nnb_mem_need *need, int64_t max_bytes, char *err, size_t len)
{
    const char *source;
    int64_t avail = nnb_mem_available_bytes(&source);
    int64_t limit = avail > 0 ? avail : INT64_MAX;
    char what[64];
    snprintf(what, sizeof what, "available (%s)", source);
    if (max_bytes > 0 && max_bytes < limit) {
        limit = max_bytes;
        snprintf(what, sizeof what, "allowed by --max-mem");
    }
    if (need->total_bytes <= limit) return 0;
    const struct { const char *name; int64_t bytes; } parts[] = {
        {"tensors", need->tensors_bytes},     {"check", need->check_bytes},
        {"workspace", need->workspace_bytes}, {"evict buffer", need->evict_bytes},
        {"valgrind child", need->child_bytes},
    };
    double div, ldiv;
    const char *unit, *lunit;
    pick_unit(need->total_bytes, &div, &unit);
    pick_unit(limit, &ldiv, &lunit);
    char list[256] = "";
    size_t off = 0;
    for (size_t i = 0; i < sizeof parts / sizeof parts[0] && off < sizeof list; i++)
        if ((double)parts[i].bytes / div >= 0.05) /* parts that show in the message's unit */
            off += (size_t)snprintf(list + off, sizeof list - off, "%s%s %.1f", off ? ", " : "", parts[i].name,
                                    (double)parts[i].bytes / div);
    return nnb_bad_input(err, len, "layer needs %.1f %s (%s), %.1f %s %s", (double)need->total_bytes / div, unit,
                         list, (double)limit / ldiv, lunit, what);
}

bool nnb_mem_counts_in_child(const char *counters, const nnb_layer *l)
{
    const nnb_counter_backend *b;
    char why[512];
    return nnb_counter_select(counters, l, &b, why, sizeof why) == 0 && b->caps.runs_in_child;
}
