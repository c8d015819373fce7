/* The sweep's part of the command line (see run_sweep.h). */
#include "cmd/run_sweep.h"

#include <stdio.h>
#include <string.h>

#include "harness/harness.h"

static int refuse(const char *msg)
{
    fprintf(stderr, "nnbench: %s\n", msg);
    return NNB_EXIT_BAD_INPUT;
}

int nnb_cmd_sweep_option(nnb_options *o, const char *arg)
{
    char err[512];
    nnb_sweep_axis ax;
    if (nnb_sweep_parse_axis(arg, &ax, err, sizeof err) || nnb_sweep_add_axis(&o->sweep, &ax, err, sizeof err))
        return refuse(err);
    return -1;
}

int nnb_cmd_sweep_layers(nnb_options *o, nnb_layer_fn push, void *ctx)
{
    char err[1024];
    size_t max = o->max_points > 0 ? (size_t)o->max_points : NNB_SWEEP_DEFAULT_MAX_POINTS;
    if (nnb_sweep_expand(&o->sweep, o->layer_spec, max, err, sizeof err)) return refuse(err);
    const nnb_sweep *sw = &o->sweep;
    for (size_t a = 0; a < sw->naxes; a++) { /* the step nnbench chose, and what it makes */
        const nnb_sweep_axis *ax = &sw->axis[a];
        if (!ax->step_default) continue;
        size_t n, cap = 1000000;
        nnb_sweep_axis_values(ax, NULL, cap, &n);
        fprintf(stderr, "nnbench: --sweep %s=%lld:%lld: no STEP given: %s%lld, %s%zu point%s (give :+STEP or :xSTEP "
                "to choose)\n", ax->key, (long long)ax->from, (long long)ax->to, ax->mul ? "x" : "+",
                (long long)ax->step, n > cap ? "more than " : "", n > cap ? cap : n, n == 1 ? "" : "s");
    }
    fprintf(stderr, "nnbench: sweep: %zu of %zu points are valid layers", sw->npts, sw->grid);
    if (sw->skipped) fprintf(stderr, " (%zu skipped; first: %s)", sw->skipped, sw->first_skip);
    fputc('\n', stderr);
    for (size_t i = 0; i < sw->npts; i++)
        if (push(&sw->pts[i].layer, sw->pts[i].desc, ctx)) return refuse("out of memory");
    return 0;
}

static bool is_svg(const char *path)
{
    size_t n = strlen(path);
    return n >= 4 && strcmp(path + n - 4, ".svg") == 0;
}

int nnb_cmd_sweep_plot(const nnb_options *o, nnb_sweep_plot *sp, nnb_observer *obs)
{
    char err[1024] = "";
    const char *path = o->observe.plot_file;
    if (!is_svg(path)) return nnb_observer_plot(obs, path, err, sizeof err) ? refuse(err) : 0;
    if (!obs->have_ceil) {
        snprintf(err, sizeof err, "--plot: no roofline ceilings (%s)", obs->ceil_why);
        return refuse(err);
    }
    char title[256];
    snprintf(title, sizeof title, "nnbench sweep: %s over %s, %d thread%s", o->layer_spec, o->sweep.axis[0].key,
             o->observe.threads, o->observe.threads == 1 ? "" : "s");
    if (nnb_sweep_plot_write(path, sp, &o->sweep, &obs->ceil, title, err, sizeof err)) return refuse(err);
    fprintf(stderr, "nnbench: wrote %s (%zu points)\n", path, sp->n);
    return 0;
}
