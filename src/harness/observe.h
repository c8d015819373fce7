/* Observation around the timed runs: thread binding, counter backend
 * choice and counting, roofline placement and the picture. Sits between the
 * harness (which knows kernels) and the counter / roofline modules (which
 * know nothing of kernels' internals). */
#ifndef NNBENCH_OBSERVE_H
#define NNBENCH_OBSERVE_H

#include "harness/harness.h"
#include "roofline/points.h"
#include "roofline/roofline.h"

/* What the observer needs of the command line. */
typedef struct nnb_observe_opts {
    const char *counters;        /* auto | papi | valgrind | none (NULL: auto) */
    const char *plot_file;       /* FILE.svg | .csv | .json (NULL: no picture) */
    const char *plot_what;       /* the picture's title: model name, "batch"; NULL: the first layer */
    bool plot_all_kernels;       /* --plot-kernels all */
    bool plot_by_bound;          /* --color-by bound */
    int threads;                 /* the kernels' thread count (>= 1) */
    bool no_roofline;            /* --no-roofline: neither load nor measure ceilings */
    bool recount;                /* --recount: count even what the count cache holds */
    const char *kernels;         /* --kernels LIST: the oracle is counted only when LIST names it */
} nnb_observe_opts;

typedef struct nnb_observer {
    nnb_observe_opts o;
    char cores[64];              /* the binding, "core 1" (machine/topo.h) or "unbound" */
    bool bound;                  /* every thread was bound inside the allowed set */
    bool have_ceil;
    nnb_ceilings ceil;
    char ceil_why[512];          /* why there is no roofline placement */
    bool peak_rechecked;         /* the compute roof was measured again this run (place_on_roof) */
    nnb_roof_points pts;         /* every kernel of every layer collected (roofline/points.h) */
    bool multi_layer;
    char first_layer[96];        /* for the picture's title */
} nnb_observer;

/* Binds threads, validates --counters (a forced backend that cannot count
 * here fails with one line: exit 2), loads the roofline ceilings for this
 * thread count, measuring them once when none are cached (unless
 * --no-roofline). */
int nnb_observer_init(nnb_observer *ob, const nnb_observe_opts *o, bool multi_layer, char *err, size_t len);
/* nnb_counter_hook: counts one kernel and places it on the roofline. */
int nnb_observer_hook(void *ctx, const nnb_layer_report *rep, const nnb_kernel *k, const nnb_tensors *t, void *ws,
                      nnb_result *x, char *err, size_t len);
/* Fills x's verdicts from its counts (tolerances per kernel, stated in the report). */
void nnb_observer_verdicts(const nnb_layer_report *rep, nnb_result *x);
/* Remembers the layer's results as roofline points. */
void nnb_observer_collect(nnb_observer *ob, const nnb_layer_report *rep);
/* Writes the picture: FILE.svg, or the same points as .csv / .json. */
int nnb_observer_plot(nnb_observer *ob, const char *path, char *err, size_t len);
void nnb_observer_free(nnb_observer *ob);

#endif
