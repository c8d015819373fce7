/* Cache-level traffic split by what moved. See cg_traffic.h. */
#include "counters/cg_traffic.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "counters/counters.h"
#include "util/appendf.h"

/* what the runtime is, by object (and libc by function): code that touches
 * lines for reasons outside the kernel's algorithm */
enum { RT_LD, RT_OMP, RT_LIBC, RT_CXX, RT_DNNL, RT_STACK, RT_ONCE, RT_N, RT_NONE = -1 };

static const char *const rt_name[RT_N] = {
    "dynamic linker", "OpenMP runtime", "libc outside mem*", "C++ runtime", "oneDNN's dispatch",
    "stack frames", "set-up run once (plans, tables)",
};

/* most executions of one libdnnl instruction still counted as dispatch:
 * a tensor loop of 64 executions already streams 2 KiB in 32-byte vectors */
#define DNNL_DISPATCH_RUNS 64

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static bool starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The runtime cause of instruction `in` of p, or RT_NONE (the kernel's
 * own code or its compute library). jit_ran: run-time generated code
 * executed, so oneDNN's shared object only sets up and dispatches. */
static int runtime_cause(const nnb_cg_profile *p, const nnb_cg_instr *in, uint8_t flags, bool jit_ran, int ir_event)
{
    const char *obj = in->obj >= 0 ? base_name(p->objs[in->obj]) : "";
    if (starts(obj, "ld-linux") || starts(obj, "ld.so") || starts(obj, "ld-2.")) return RT_LD;
    if (starts(obj, "libgomp") || starts(obj, "libomp") || starts(obj, "libiomp")) return RT_OMP;
    if (starts(obj, "libstdc++") || starts(obj, "libgcc_s")) return RT_CXX;
    /* oneDNN's own code around its JIT kernels: dispatch and argument
     * handling, code that runs a few times a call; a loop of it over a
     * tensor (a bias pass, a copy) runs far more often and stays the kernel's.
     * A REP string store counts its steps, not its runs: oneDNN zeroes its
     * per-call argument block (528 bytes, 66 steps of rep stosq) that way. */
    if (starts(obj, "libdnnl") && jit_ran && ir_event >= 0 &&
        (in->cost[ir_event] <= DNNL_DISPATCH_RUNS || (flags & NNB_CG_REP)))
        return RT_DNNL;
    if (starts(obj, "libc.so") || starts(obj, "libc-")) {
        const char *fn = in->fn >= 0 ? p->fns[in->fn].name : "";
        if (!starts(fn, "mem") && !starts(fn, "__mem") && !starts(fn, "__wmem")) return RT_LIBC;
    }
    if (flags & NNB_CG_STACK) return RT_STACK;
    /* straight-line code run once in the call: a buffer streams through
     * loops, so a line missed here is the call's set-up, not the layer's data */
    return ir_event >= 0 && in->cost[ir_event] == 1 ? RT_ONCE : RT_NONE;
}

typedef struct ev_idx {
    int ir, dr, dw, dirty[3];
} ev_idx;

static ev_idx events(const nnb_cg_profile *p, bool l1)
{
    ev_idx e;
    e.ir = nnb_cg_event(p, l1 ? "I1mr" : "ILmr");
    e.dr = nnb_cg_event(p, l1 ? "D1mr" : "DLmr");
    e.dw = nnb_cg_event(p, l1 ? "D1mw" : "DLmw");
    /* dirty write-backs: simulated at the last level only (--simulate-wb) */
    e.dirty[0] = l1 ? -1 : nnb_cg_event(p, "ILdmr");
    e.dirty[1] = l1 ? -1 : nnb_cg_event(p, "DLdmr");
    e.dirty[2] = l1 ? -1 : nnb_cg_event(p, "DLdmw");
    return e;
}

static double cost(const nnb_cg_instr *in, int e)
{
    return e >= 0 ? (double)in->cost[e] : 0.0;
}

/* flags of p's instruction in, looked up in flags_prof */
static uint8_t flags_of(const nnb_cg_profile *p, const nnb_cg_instr *in, const nnb_cg_profile *fp, const uint8_t *flags)
{
    if (!flags || !fp) return 0;
    if (fp == p) return flags[in - p->instr];
    int obj = in->obj >= 0 ? nnb_cg_find_obj(fp, p->objs[in->obj]) : -1;
    const nnb_cg_instr *f = nnb_cg_find_instr(fp, obj, in->addr);
    return f ? flags[f - fp->instr] : 0;
}

void nnb_cg_traffic_of(const nnb_cg_profile *p, const nnb_cg_profile *flags_prof, const uint8_t *flags, bool l1,
                       nnb_cg_traffic *t)
{
    memset(t, 0, sizeof *t);
    const ev_idx e = events(p, l1);
    const nnb_cg_cache_desc *c = l1 ? &p->d1 : &p->ll;
    const double line = c->line > 0 ? c->line : 64;
    bool jit_ran = false;
    const int ir = nnb_cg_event(p, "Ir");
    for (size_t i = 0; flags && flags_prof && i < flags_prof->ninstr; i++) jit_ran |= (flags[i] & NNB_CG_JIT) != 0;
    double lines = 0, fetch = 0, unaligned = 0, wb = 0, rt[RT_N] = {0};
    for (size_t i = 0; i < p->ninstr; i++) {
        const nnb_cg_instr *in = &p->instr[i];
        uint8_t f = flags_of(p, in, flags_prof, flags);
        double data = cost(in, e.dr) + cost(in, e.dw) + cost(in, e.dirty[0]) + cost(in, e.dirty[1]) +
                      cost(in, e.dirty[2]);
        wb += cost(in, e.dirty[0]) + cost(in, e.dirty[1]) + cost(in, e.dirty[2]);
        if (f & NNB_CG_GUARDED) data += cost(in, e.ir);
        else fetch += cost(in, e.ir);
        lines += data;
        if (f & NNB_CG_UNALIGNED) unaligned += cost(in, e.dr) + cost(in, e.dw);
        int r = data > 0 ? runtime_cause(p, in, f, jit_ran, ir) : RT_NONE;
        if (r != RT_NONE) rt[r] += data;
    }
    t->data_bytes = lines * line;
    t->ifetch_bytes = fetch * line;
    t->unaligned_bytes = unaligned * line;
    t->writeback_bytes = wb * line;
    size_t off = 0;
    for (int r = 0; r < RT_N; r++) {
        if (rt[r] <= 0) continue;
        t->runtime_bytes += rt[r] * line;
        nnb_appendf(t->runtime_why, sizeof t->runtime_why, &off, "%s%s %.1f KB", off ? ", " : "", rt_name[r],
                    rt[r] * line / 1000.0);
    }
}

void nnb_counts_traffic(nnb_counts *out, const nnb_cg_profile *ll, const nnb_cg_profile *l2, const uint8_t *flags)
{
    nnb_cg_traffic t;
    if (nnb_cg_event(ll, "D1mr") >= 0) {
        nnb_cg_traffic_of(ll, ll, flags, true, &t);
        out->have_l1 = true;
        out->l1_miss_bytes = t.data_bytes;
        out->l1_ifetch_bytes = t.ifetch_bytes;
    }
    if (nnb_cg_event(ll, "DLmr") >= 0) {
        nnb_cg_traffic_of(ll, ll, flags, false, &t);
        out->have_dram = out->have_ifetch = out->have_runtime = true;
        out->dram_bytes = t.data_bytes;
        out->dram_ifetch_bytes = t.ifetch_bytes;
        out->dram_runtime_bytes = t.runtime_bytes;
        out->dram_unaligned_bytes = t.unaligned_bytes;
        out->dram_writeback_bytes = t.writeback_bytes;
        snprintf(out->runtime_why, sizeof out->runtime_why, "%s", t.runtime_why);
    }
    if (l2 && nnb_cg_event(l2, "DLmr") >= 0) {
        nnb_cg_traffic_of(l2, ll, flags, false, &t);
        out->have_l2 = true;
        out->l2_miss_bytes = t.data_bytes;
        out->l2_ifetch_bytes = t.ifetch_bytes;
    }
}
