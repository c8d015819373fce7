/* Counting and roofline placement for each timed kernel. */
#include "harness/observe.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "counters/counters.h"
#include "harness/verdict.h"
#include "machine/isa.h"
#include "machine/topo.h"
#include "util/util.h"



int nnb_observer_init(nnb_observer *ob, const nnb_observe_opts *o, bool multi_layer, char *err, size_t len)
{
    memset(ob, 0, sizeof *ob);
    ob->o = *o;
    ob->multi_layer = multi_layer;
    /* 1 = more threads than allowed PUs (refused before, by the command): bound round-robin, said in the string */
    if (nnb_topo_bind_omp(o->threads, ob->cores, sizeof ob->cores) < 0)
        snprintf(ob->cores, sizeof ob->cores, "unbound");
    else ob->bound = true;
    /* a forced backend must be able to count here before anything runs */
    if (o->counters && strcmp(o->counters, "auto") != 0) {
        const nnb_counter_backend *b;
        char why[512];
        if (nnb_counter_select(o->counters, NULL, &b, why, sizeof why)) return nnb_bad_input(err, len, "--counters %s: %s", o->counters, why);
    }
    /* roofline: this machine's ceilings for this thread count, measured once when missing */
    char e[512] = "";
    if (o->no_roofline) snprintf(ob->ceil_why, sizeof ob->ceil_why, "--no-roofline");
    else if (nnb_ceilings_for_run(o->threads, &ob->ceil, e, sizeof e) == 0) {
        ob->have_ceil = true;
        if (ob->ceil.doubt[0])
            fprintf(stderr, "nnbench: the roofline placement (bound, eff) below uses doubtful ceilings: %s\n",
                    ob->ceil.doubt);
    }
    else if (o->plot_file) return nnb_bad_input(err, len, "--plot: cannot measure the roofline ceilings: %s", e);
    else {
        fprintf(stderr, "nnbench: no roofline placement: %s\n", e);
        nnb_copy_str(ob->ceil_why, sizeof ob->ceil_why, e);
    }
    return 0;
}

/* Measured vs analytic: FLOPs within the kernel's tolerance (declared in
 * its registration, nnb_kernel.flops_tolerance) of the dense
 * count, or of the forms a correct kernel may execute instead, each named:
 * bias folded into the accumulator's start value (no separate bias add),
 * and benchdnn's valid-tap count (padding taps skipped). DRAM bytes must
 * reach the compulsory traffic. */
void nnb_observer_verdicts(const nnb_layer_report *rep, nnb_result *x)
{
    const nnb_analytic *a = &rep->analytic;
    /* the record names its kernel; the registry knows its tolerance */
    x->flops_tolerance = nnb_kernel_flops_tolerance(nnb_kernel_find(x->kernel));
    if (x->have_flops && a->flops > 0) {
        const double folded = (double)a->flops - (double)a->bias_adds;
        const double valid = 2.0 * (double)a->macs_valid;
        const struct {
            double model;
            const char *verdict;
        } forms[] = {
            {(double)a->flops, "pass"},
            {folded, "pass (bias folded)"},
            {valid + (double)a->bias_adds, "pass (valid taps)"},
            {valid, "pass (valid, folded)"},
        };
        nnb_copy_str(x->verdict_flops, sizeof x->verdict_flops, "fail");
        for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
            if (forms[i].model > 0 && fabs(x->flops / forms[i].model - 1.0) <= x->flops_tolerance) {
                nnb_copy_str(x->verdict_flops, sizeof x->verdict_flops, forms[i].verdict);
                break;
            }
    }
    if (x->have_dram && a->bytes_min > 0)
        nnb_copy_str(x->verdict_dram, sizeof x->verdict_dram,
                     x->dram_bytes >= 0.99 * (double)a->bytes_min ? "pass" : "fail");
}

/* Whether LIST (comma-separated kernel names) names the kernel `name`. */
static bool list_names(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; p && *p;) {
        size_t len = strcspn(p, ",");
        if (len == n && strncmp(p, name, n) == 0) return true;
        p += len + (p[len] == ',');
    }
    return false;
}

/* x on the roofline: by the work it executes (the model's flops over its
 * bytes, at gflops_executed) where the kernel has a model that computes,
 * else by the analytic count; the level is the one that holds bytes_min. A kernel
 * found above its roof has the compute roof measured again (once per
 * run, longer and best of more samples, and cached); if it is still above,
 * the record says so (roof_above) and so does stderr. */
static void place_on_roof(nnb_observer *ob, const nnb_layer_report *rep, const nnb_work *wt, nnb_result *x)
{
    /* a kernel that does the op without FP arithmetic (oneDNN's max pooling
     * by compare and blend: 5 FLOPs a call) has no FLOP rate to place:
     * under 1% of the analytic count, the analytic count is placed */
    const bool executed = x->gflops_executed > 0 && wt->bytes > 0 && wt->flops >= 0.01 * (double)rep->analytic.flops;
    const double ai = executed ? wt->flops / wt->bytes : rep->analytic.ai;
    const double rate = executed ? x->gflops_executed : x->gflops;
    nnb_roof_place pl;
    if (nnb_roofline_place_ws(&ob->ceil, ai, rate, rep->analytic.bytes_min, &pl) != 0) return;
    if (pl.efficiency > 1.0 && !ob->peak_rechecked && strcmp(pl.bound, "compute") == 0) {
        ob->peak_rechecked = true;
        fprintf(stderr, "nnbench: %s at %.1f%% of the compute roof (%.1f GFLOP/s executed): measuring the roof again\n",
                x->kernel, 100.0 * pl.efficiency, rate);
        if (nnb_ceil_peak_recheck(&ob->ceil)) {
            char path[4096], e[512];
            if (nnb_ceil_cache_path(ob->ceil.threads, path, sizeof path) == 0 && nnb_ceil_save(path, &ob->ceil, e, sizeof e) != 0)
                fprintf(stderr, "nnbench: %s\n", e);
        }
        if (nnb_roofline_place_ws(&ob->ceil, ai, rate, rep->analytic.bytes_min, &pl) != 0) return;
    }
    x->have_roof = true;
    x->peak_gflops = pl.peak_gflops;
    x->bw_gbs = pl.bw_gbs;
    x->attainable_gflops = pl.attainable_gflops;
    x->efficiency = pl.efficiency;
    x->roof_ai = ai;
    x->roof_above = pl.efficiency > 1.0;
    nnb_copy_str(x->roof_basis, sizeof x->roof_basis, executed ? "executed" : "analytic");
    snprintf(x->bound, sizeof x->bound, "%s", pl.bound);
    if (x->roof_above)
        fprintf(stderr, "nnbench: %s: %s at %.1f%% of its %s roof (%.1f of %.1f GFLOP/s, %s work): the ceilings "
                        "do not bound it (marked in the record; 'nnbench roofline --refresh' on an idle machine)\n",
                rep->layer.name[0] ? rep->layer.name : nnb_op_name(rep->layer.op), x->kernel, 100.0 * pl.efficiency,
                pl.bound, rate, pl.attainable_gflops, executed ? "executed" : "analytic");
}

int nnb_observer_hook(void *ctx, const nnb_layer_report *rep, const nnb_kernel *k, const nnb_tensors *t, void *ws,
                      nnb_result *x, char *err, size_t len)
{
    nnb_observer *ob = ctx;
    const nnb_observe_opts *o = &ob->o;
    snprintf(x->cores, sizeof x->cores, "%s", ob->cores);

    const nnb_counter_backend *b;
    char why[512];
    if (nnb_counter_select(o->counters, &rep->layer, &b, why, sizeof why))
        return nnb_bad_input(err, len, "--counters %s: %s", o->counters ? o->counters : "auto", why);
    snprintf(x->backend, sizeof x->backend, "%s", b->name);
    nnb_copy_str(x->backend_why, sizeof x->backend_why, why);
    /* the kernel's work model for the run that is counted (its threads and
     * ISA: AVX2 under valgrind), or for the timed run when nothing counts */
    const int model_threads = b->caps.wall_time_only ? o->threads : nnb_counter_threads(b, o->threads);
    const int model_isa = b->caps.wall_time_only ? (int)nnb_isa_kernels() : nnb_counter_isa(b);
    nnb_work w;
    nnb_kernel_work(k, &rep->layer, &rep->analytic, model_threads, model_isa, &w);
    nnb_work_verdicts(&rep->analytic, &w, x);
    /* the oracle checks the others; counting it (the slowest under valgrind)
     * is validate's job, or asked for by naming it in --kernels */
    bool oracle = k == nnb_kernel_find("reference") && !list_names(o->kernels, k->name);
    if (oracle && !b->caps.wall_time_only)
        nnb_copy_str(x->count_note, sizeof x->count_note,
                     "not counted (the oracle, not a contender; 'nnbench validate' or "
                     "--kernels reference counts it)");
    else if (!b->caps.wall_time_only) {
        nnb_count_request rq = {
            .layer = &rep->layer, .spec = rep->spec, .kernel = k,
            .threads = nnb_counter_threads(b, o->threads),
            .t = t, .ws = ws, .quiet = false, .recount = o->recount,
        };
        nnb_counts c;
        nnb_counts_init(&c, b->name);
        char e[512];
        if (b->measure(&rq, &c, e, sizeof e)) {
            if (o->counters && strcmp(o->counters, "auto") != 0)
                return nnb_bad_input(err, len, "--counters %s: %s", b->name, e);
            fprintf(stderr, "nnbench: counting %s failed (%s); reporting time only\n", k->name, e);
            snprintf(x->count_note, sizeof x->count_note, "counting failed: %s", e); /* e < 512: fits */
        } else {
            x->have_flops = c.have_flops;
            x->flops = c.flops;
            x->have_dram = c.have_dram;
            x->dram_bytes = c.dram_bytes;
            x->have_l1 = c.have_l1;
            x->l1_bytes = c.l1_miss_bytes;
            x->have_l2 = c.have_l2;
            x->l2_bytes = c.l2_miss_bytes;
            x->have_core_bytes = c.have_core_bytes;
            x->load_bytes = c.load_bytes;
            x->store_bytes = c.store_bytes;
            x->have_insn = c.have_insn;
            x->instructions = c.instructions;
            x->counted_unix = c.counted_unix;
            x->count_reused = c.reused;
            nnb_copy_str(x->count_note, sizeof x->count_note, c.note);
            nnb_result_traffic(x, &c);
            nnb_observer_verdicts(rep, x);
            nnb_work_verdicts(&rep->analytic, &w, x);
        }
    }

    /* the work the timed run executed: its own ISA and threads (a count
     * under valgrind runs the AVX2 paths, the timed run may not) */
    nnb_work wt = w;
    const int timed_isa = (int)nnb_isa_kernels();
    if (model_isa != timed_isa || model_threads != o->threads)
        nnb_kernel_work(k, &rep->layer, &rep->analytic, o->threads, timed_isa, &wt);
    x->gflops_executed = wt.flops > 0 && x->time.median_s > 0 ? wt.flops / x->time.median_s * 1e-9 : 0;
    if (ob->have_ceil && x->gflops > 0) place_on_roof(ob, rep, &wt, x);
    return 0;
}

void nnb_observer_collect(nnb_observer *ob, const nnb_layer_report *rep)
{
    const char *lname = rep->layer.name[0] ? rep->layer.name : nnb_op_name(rep->layer.op);
    if (!ob->first_layer[0]) nnb_copy_str(ob->first_layer, sizeof ob->first_layer, lname);
    if (nnb_roof_points_add(&ob->pts, rep, ob->have_ceil ? &ob->ceil : NULL, ob->multi_layer))
        fprintf(stderr, "nnbench: out of memory: the picture leaves out %s\n", lname);
}

static bool ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcmp(s + n - m, suf) == 0;
}

int nnb_observer_plot(nnb_observer *ob, const char *path, char *err, size_t len)
{
    if (!ob->have_ceil) return nnb_bad_input(err, len, "--plot: no roofline ceilings (%s)", ob->ceil_why);
    nnb_roof_points_fix(&ob->pts);
    const nnb_roof_point *pts = ob->pts.v;
    size_t npts = ob->pts.n;
    char title[512];
    const char *what = ob->o.plot_what ? ob->o.plot_what : ob->first_layer;
    snprintf(title, sizeof title, "nnbench roofline: %s, %d thread%s", what, ob->o.threads,
             ob->o.threads == 1 ? "" : "s");
    int r;
    nnb_roof_plot_opts po = {.title = title, .all_kernels = ob->o.plot_all_kernels,
                             .color_by_bound = ob->o.plot_by_bound};
    if (ends_with(path, ".csv")) r = nnb_roofline_csv(path, &ob->ceil, pts, npts, err, len);
    else if (ends_with(path, ".json")) r = nnb_roofline_json(path, &ob->ceil, pts, npts, err, len);
    else r = nnb_roofline_svg_opts(path, &ob->ceil, pts, npts, &po, err, len);
    if (r == 0) fprintf(stderr, "nnbench: wrote %s (%zu points)\n", path, npts);
    return r ? NNB_EXIT_BAD_INPUT : 0;
}

void nnb_observer_free(nnb_observer *ob)
{
    nnb_roof_points_free(&ob->pts);
}
