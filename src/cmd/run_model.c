/* A measured network (see run_model.h). Identical layers (same canonical
 * spec) run once; zero-FLOP layers (relu, dropout, flatten, concat) and
 * layers no kernel implements are not timed and say so. The reference
 * kernel checks every other kernel but is not timed unless --kernels names
 * it (or 'all'), and counters (--counters papi|valgrind) count only each
 * layer's best kernel, after all layers are timed. */
#include "cmd/run_model.h"

#include <stdlib.h>
#include <string.h>

#include "harness/harness.h"
#include "harness/progress.h"
#include "machine/blas.h"
#include "net/plan.h"
#include "ops/op.h"
#include "report/net_summary.h"
#include "results/shard.h"
#include "util/signals.h"
#include "util/util.h"

/* Kernels for one layer of a network: from a --kernels list those that
 * support it (a network mixes ops, so a kernel that does not fit one layer
 * is no error); by default every one but the reference, or the reference
 * alone when nothing else implements the layer. */
static void model_kernels(const char *list, const nnb_layer *l, const nnb_kernel **ks, size_t *nk)
{
    size_t n;
    const nnb_kernel *const *all = nnb_kernels(&n);
    const nnb_kernel *ref = nnb_kernel_find("reference");
    bool every = list && strcmp(list, "all") == 0, fast = !list || strcmp(list, "fast") == 0;
    *nk = 0;
    for (size_t i = 0; i < n && *nk < 64; i++) {
        if (!all[i]->supports(l)) continue;
        bool want = every || (fast && all[i] != ref);
        if (!every && !fast) { /* an explicit list: whole names only */
            size_t len = strlen(all[i]->name);
            for (const char *p = list; p && !want; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
                want = strncmp(p, all[i]->name, len) == 0 && (p[len] == ',' || p[len] == 0);
        }
        if (want) ks[(*nk)++] = all[i];
    }
    if (*nk == 0 && fast && ref && ref->supports(l)) ks[(*nk)++] = ref;
}

typedef struct model_run {
    const nnb_options *o;
    nnb_run_opts run;          /* model timing, quiet */
    nnb_net_plan plan;
    nnb_layer_report *reps;    /* one per distinct layer */
    int64_t sums[3];           /* params, MACs, FLOPs of the whole network */
} model_run;

/* Reports of the distinct layers, and the network's analytic sums. */
static int init_reports(model_run *m, const nnb_layer *layers, char *err, size_t len)
{
    m->reps = calloc(m->plan.n ? m->plan.n : 1, sizeof *m->reps);
    if (!m->reps) return nnb_bad_input(err, len, "out of memory");
    for (size_t e = 0; e < m->plan.n; e++) {
        const nnb_plan_entry *pe = &m->plan.v[e];
        nnb_layer_report *r = &m->reps[e];
        if (nnb_layer_report_init(r, &layers[pe->first], err, len)) return NNB_EXIT_BAD_INPUT;
        r->in_net = true;
        r->index = pe->first;
        r->repeat = pe->repeat;
        nnb_copy_str(r->module, sizeof r->module, layers[pe->first].name);
        m->sums[0] += r->analytic.params * pe->repeat;
        if (nnb_op_get(r->layer.op)->macs_in_total) m->sums[1] += r->analytic.macs * pe->repeat;
        m->sums[2] += r->analytic.flops * pe->repeat;
    }
    return 0;
}

/* Expected cost of timing a layer, for the time left: each kernel's
 * minimum time, plus three reference passes of the check (naive loops, of
 * the order of 1 GFLOP/s). */
static double timing_weight(const model_run *m, const nnb_layer_report *r, size_t nk)
{
    return (double)nk * m->run.measure.min_time_s + (m->run.check ? 3e-9 * (double)r->analytic.flops : 0);
}

static const char *layer_label(const nnb_layer_report *r) { return r->module[0] ? r->module : r->human; }

/* Times every kernel of every distinct layer (counters off: only the best
 * kernel is counted, later); roofline placement from the observer. */
static int time_layers(model_run *m, nnb_observer *obs, int *status, char *err, size_t len)
{
    nnb_observer timing = *obs; /* the same binding and ceilings, no counting */
    timing.o.counters = "none";
    const nnb_kernel *ks[64];
    size_t nk, ntimed = 0;
    double work = 0;
    for (size_t e = 0; e < m->plan.n; e++) {
        model_kernels(m->run.kernels, &m->reps[e].layer, ks, &nk);
        if (nk && m->reps[e].analytic.flops > 0) ntimed++, work += timing_weight(m, &m->reps[e], nk);
    }
    nnb_progress pr;
    nnb_progress_begin(&pr, stderr, "layer", ntimed, work);
    for (size_t e = 0; e < m->plan.n && !nnb_stop_signal(); e++) {
        nnb_layer_report *r = &m->reps[e];
        model_kernels(m->run.kernels, &r->layer, ks, &nk);
        if (!nk || r->analytic.flops == 0) continue;
        nnb_progress_step(&pr, layer_label(r), timing_weight(m, r, nk));
        int rc = nnb_run_kernels(&m->run, r, ks, nk, nnb_observer_hook, &timing, err, len);
        if (rc == NNB_EXIT_BAD_INPUT && nnb_stop_signal()) break; /* a signal's victim is no error */
        if (rc == NNB_EXIT_BAD_INPUT) return rc;
        if (rc) *status = rc;
        nnb_progress_done(&pr);
    }
    nnb_progress_end(&pr);
    /* a roof measured again while timing is the one the picture draws */
    obs->ceil = timing.ceil;
    obs->peak_rechecked = timing.peak_rechecked;
    return 0;
}

/* The counts of one run of x's kernel (taken by the observer's backend)
 * into x, which keeps its own timing, check and roofline placement. */
static void take_counts(nnb_result *x, const nnb_result *counted)
{
    nnb_result timed = *x;
    *x = *counted;
    x->time = timed.time;
    x->gflops = timed.gflops;
    x->gflops_executed = timed.gflops_executed;
    x->gbs = timed.gbs;
    x->check = timed.check;
    x->max_err = timed.max_err;
    x->prepare_s = timed.prepare_s;
    x->prepare_timed = timed.prepare_timed;
    x->have_roof = timed.have_roof;
    x->peak_gflops = timed.peak_gflops;
    x->bw_gbs = timed.bw_gbs;
    x->attainable_gflops = timed.attainable_gflops;
    x->efficiency = timed.efficiency;
    memcpy(x->bound, timed.bound, sizeof x->bound);
    memcpy(x->roof_basis, timed.roof_basis, sizeof x->roof_basis);
    x->roof_ai = timed.roof_ai;
    x->roof_above = timed.roof_above;
}

/* --counters papi|valgrind: counts each distinct layer's best kernel once.
 * A count under valgrind costs a start-up (about half a second) plus time
 * proportional to the FLOPs (of the order of 10^8 per second): each step
 * weighs its FLOPs plus that start-up in FLOPs, and the time left is that
 * weight at the rate measured so far. */
#define COUNT_STARTUP_FLOPS 5e7
static int count_best(model_run *m, nnb_observer *obs, char *err, size_t len)
{
    nnb_run_opts once = m->run;
    once.check = false;
    once.measure.warmup = 0;
    once.measure.min_reps = once.measure.max_reps = 1;
    once.measure.min_time_s = 0;
    once.measure.no_watch = true; /* a counted run is not a timing */
    size_t n = 0;
    double flops = 0;
    for (size_t e = 0; e < m->plan.n; e++)
        if (nnb_net_best(&m->reps[e])) n++, flops += COUNT_STARTUP_FLOPS + (double)m->reps[e].analytic.flops;
    nnb_progress pr;
    nnb_progress_begin(&pr, stderr, "count", n, flops);
    for (size_t e = 0; e < m->plan.n && !nnb_stop_signal(); e++) {
        nnb_result *best = (nnb_result *)nnb_net_best(&m->reps[e]);
        if (!best) continue;
        nnb_progress_step(&pr, layer_label(&m->reps[e]), COUNT_STARTUP_FLOPS + (double)m->reps[e].analytic.flops);
        const nnb_kernel *k = nnb_kernel_find(best->kernel);
        nnb_layer_report tmp;
        int rc = nnb_layer_report_init(&tmp, &m->reps[e].layer, err, len);
        if (!rc) rc = nnb_run_kernels(&once, &tmp, &k, 1, nnb_observer_hook, obs, err, len);
        if (!rc && tmp.nresults) take_counts(best, &tmp.results[0]);
        nnb_layer_report_free(&tmp);
        if (rc && nnb_stop_signal()) break; /* a count child killed by the same signal */
        if (rc) return rc;
        nnb_progress_done(&pr);
    }
    nnb_progress_end(&pr);
    return 0;
}

/* The layers whose timing never settled, on stderr (the table lists them
 * too; JSON and CSV carry time.disturbed). */
static void warn_disturbed(const model_run *m)
{
    size_t n = 0, timed = 0;
    for (size_t e = 0; e < m->plan.n; e++)
        for (size_t i = 0; i < m->reps[e].nresults; i++) {
            timed++;
            if (!m->reps[e].results[i].time.disturbed) continue;
            if (n++ < 8)
                fprintf(stderr, "nnbench: disturbed: %s %s: %s\n", layer_label(&m->reps[e]),
                        m->reps[e].results[i].kernel, m->reps[e].results[i].time.disturbed_why);
        }
    if (n)
        fprintf(stderr, "nnbench: %zu of %zu timings disturbed%s (other work on the cores; re-measured, never settled): "
                        "not to be trusted, and compare calls no change on them\n",
                n, timed, n > 8 ? ", the first 8 named" : "");
}

/* What the run does, once, before it starts. */
static void announce(const model_run *m, bool counting)
{
    fprintf(stderr,
            "nnbench: %s: %zu layers, %zu distinct (identical layers measured once, counted by repeat); "
            "zero-FLOP layers (relu, dropout, flatten, concat) are not timed\n"
            "nnbench: each kernel timed for >= %d reps and >= %.2f s%s; %s\n",
            m->o->model_name, m->plan.nlayers, m->plan.n, m->run.measure.min_reps, m->run.measure.min_time_s,
            m->o->timing_set ? " (--reps/--min-time)" : " (model default; --reps/--min-time change it)",
            !m->run.kernels || !strcmp(m->run.kernels, "fast")
                ? "the reference checks the others and is timed only where it is the only kernel (--kernels all times it)"
                : "kernels from --kernels that support each layer");
    if (!counting) fputs("nnbench: counters: none (--counters papi|valgrind counts each layer's best kernel)\n", stderr);
}

static void free_run(model_run *m)
{
    for (size_t e = 0; m->reps && e < m->plan.n; e++) nnb_layer_report_free(&m->reps[e]);
    free(m->reps);
    nnb_net_plan_free(&m->plan);
}

/* The layers' records (JSON, CSV) or the network table, then the summary. */
static void report(const model_run *m, FILE *out, nnb_format fmt)
{
    nnb_net_run_report(out, fmt, m->o->model_name, m->reps, m->plan.n, m->sums, m->plan.nlayers);
}

/* Stopped by a signal (util/signals.h): the records of the layers timed so
 * far, without the network's summary (it would sum layers never run); the
 * counts of layers counted so far are in them. */
static int report_stopped(const model_run *m, FILE *out, nnb_format fmt)
{
    size_t done = 0, nrecords = 0, ntimed = 0, nk;
    const nnb_kernel *ks[64];
    nnb_report_begin(out, fmt, false);
    for (size_t e = 0; e < m->plan.n; e++) {
        model_kernels(m->run.kernels, &m->reps[e].layer, ks, &nk);
        if (nk && m->reps[e].analytic.flops > 0) ntimed++; /* as time_layers counts them */
        if (!m->reps[e].nresults) continue;
        nnb_report_layer(out, fmt, &m->reps[e], false);
        done++;
        nrecords += m->reps[e].nresults;
    }
    fflush(out);
    return nnb_cmd_stopped(m->o, done, ntimed, "timed layer", nrecords);
}

/* --shard I/N: keeps the I-th slice of the distinct layers; the network's
 * sums stay those of the whole network (nnbench report merges the shards). */
static void shard_plan(model_run *m)
{
    if (!m->o->shard_n) return;
    size_t lo, hi;
    nnb_shard_range(m->plan.n, m->o->shard_i, m->o->shard_n, &lo, &hi);
    for (size_t e = 0; e < m->plan.n; e++)
        if (e < lo || e >= hi) nnb_layer_report_free(&m->reps[e]);
    memmove(m->reps, m->reps + lo, (hi - lo) * sizeof *m->reps);
    memmove(m->plan.v, m->plan.v + lo, (hi - lo) * sizeof *m->plan.v);
    m->plan.n = hi - lo;
}

int nnb_run_model(const nnb_options *o, const nnb_layer *layers, size_t n, nnb_observer *obs, FILE *out,
                  FILE *store, int *status)
{
    char err[1024] = "";
    model_run m = {.o = o, .run = o->run};
    m.run.quiet = true;
    if (!m.run.kernels) m.run.kernels = "fast";
    if (!o->timing_set) {
        m.run.measure.min_reps = NNB_MODEL_MIN_REPS;
        m.run.measure.min_time_s = NNB_MODEL_MIN_TIME_S;
    }
    bool counting = o->observe.counters && strcmp(o->observe.counters, "none") && strcmp(o->observe.counters, "auto");
    /* --kernels names were checked when the option was parsed (cmd/options.c) */
    int rc = nnb_net_plan_build(layers, n, &m.plan, err, sizeof err) ? NNB_EXIT_BAD_INPUT : 0;
    if (!rc) rc = init_reports(&m, layers, err, sizeof err);
    if (!rc) shard_plan(&m);
    if (!rc) announce(&m, counting);
    if (!rc) rc = time_layers(&m, obs, status, err, sizeof err);
    if (!rc) warn_disturbed(&m);
    if (!rc && counting) rc = count_best(&m, obs, err, sizeof err);
    if (!rc && nnb_stop_signal()) {
        rc = report_stopped(&m, out, o->format);
        free_run(&m);
        return rc;
    }
    for (size_t e = 0; !rc && e < m.plan.n; e++) nnb_observer_collect(obs, &m.reps[e]); /* with the counts */
    if (!rc) nnb_blas_warn_if_weaker();
    if (!rc) report(&m, out, o->format);
    if (!rc && store) report(&m, store, NNB_FMT_JSON);
    if (!rc && o->observe.plot_file && nnb_observer_plot(obs, o->observe.plot_file, err, sizeof err))
        rc = NNB_EXIT_BAD_INPUT;
    if (rc == NNB_EXIT_BAD_INPUT) fprintf(stderr, "nnbench: %s\n", err);
    free_run(&m);
    return rc;
}
