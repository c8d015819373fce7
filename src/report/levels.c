/* The table's per-level block: bytes moved between each pair of memory
 * levels and the arithmetic intensity the kernel reached there (measured
 * FLOPs / bytes), as a cache-aware (hierarchical) roofline places it. */
#include "report/levels.h"

/* One "bytes AI" cell; "-" when the level was not counted. */
static void level_cell(FILE *f, bool have, double bytes, const nnb_result *x)
{
    if (!have) {
        fprintf(f, " %12s %8s", "-", "-");
        return;
    }
    fprintf(f, " %9.3f MB", bytes / 1e6); /* MB throughout: columns compare at a glance */
    if (x->have_flops && bytes > 0) fprintf(f, " %8.2f", x->flops / bytes);
    else fprintf(f, " %8s", "-");
}

void nnb_report_levels(FILE *f, const nnb_layer_report *r)
{
    bool any = false;
    for (size_t i = 0; i < r->nresults; i++) any |= r->results[i].have_l1 || r->results[i].have_l2;
    if (!any) return;
    fprintf(f, "levels    bytes per level and AI = measured FLOPs / bytes (flop/B); analytic AI %.2f\n",
            r->analytic.ai);
    fprintf(f, "          %-18s %12s %8s %12s %8s %12s %8s\n", "kernel", "L1<->L2", "AI(L1)", "L2<->LL", "AI(L2)",
            "LL<->DRAM", "AI(DRAM)");
    for (size_t i = 0; i < r->nresults; i++) {
        const nnb_result *x = &r->results[i];
        if (!x->have_l1 && !x->have_l2 && !x->have_dram) continue;
        fprintf(f, "          %-18s", x->kernel);
        level_cell(f, x->have_l1, x->l1_bytes, x);
        level_cell(f, x->have_l2, x->l2_bytes, x);
        level_cell(f, x->have_dram, x->dram_bytes, x);
        fputc('\n', f);
    }
}
