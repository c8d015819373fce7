/* The sweep picture (--sweep with --plot FILE.svg): GFLOP/s against the
 * first swept key per kernel (log x for a xSTEP), and below it the same
 * points on this machine's roofline, one trajectory per kernel. A grid's
 * other keys split each kernel into one series per value. */
#ifndef NNBENCH_REPORT_SWEEP_PLOT_H
#define NNBENCH_REPORT_SWEEP_PLOT_H

#include <stdbool.h>
#include <stddef.h>

#include "net/sweep.h"
#include "nnbench/results.h"
#include "roofline/ceilings.h"

typedef struct nnb_sweep_sample {
    char series[96];   /* kernel, and the grid's other keys: "direct h=28" */
    double x;          /* value of the first swept key */
    double gflops, ai;
    double gflops_lo, gflops_hi; /* at the repetitions' third and first quartile times (0: not known) */
    bool disturbed;              /* the timing never settled (drawn hollow) */
} nnb_sweep_sample;

typedef struct nnb_sweep_plot {
    nnb_sweep_sample *v;
    size_t n, cap;
} nnb_sweep_plot;

/* The results of sweep point `point` (every kernel that ran). 0, -1 out of memory. */
int nnb_sweep_plot_add(nnb_sweep_plot *sp, const nnb_sweep *sw, size_t point, const nnb_layer_report *rep);
/* Writes the picture whole or not at all (util/atomic_file). 0, or -1 with one line. */
int nnb_sweep_plot_write(const char *path, nnb_sweep_plot *sp, const nnb_sweep *sw, const nnb_ceilings *c,
                         const char *title, char *err, size_t len);
void nnb_sweep_plot_free(nnb_sweep_plot *sp);

#endif
