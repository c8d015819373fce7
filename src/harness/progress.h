/* Progress of a long run on stderr: step i of n, a bar, and the time left.
 * One module for every long run (a model, a batch file, a sweep, counting
 * under valgrind). On a terminal the bar is redrawn in place (\r); on a
 * file or pipe each step is one line, so logs stay readable. */
#ifndef NNBENCH_HARNESS_PROGRESS_H
#define NNBENCH_HARNESS_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct nnb_progress {
    FILE *f;             /* stderr, or a test's file */
    bool tty;            /* redraw in place */
    const char *what;    /* "layer", "point", "count" */
    size_t n, i;         /* steps, steps started */
    double work_total;   /* sum of the steps' weights (time is taken as proportional) */
    double work_done;    /* weight of the finished steps */
    double s_per_work;   /* a-priori rate (s per unit of weight) before any step finished; 0: none */
    double step_work;    /* weight of the step in progress */
    bool unit_steps;     /* every step weighs 1 */
    double t0_s, step_t0_s;
    bool drawn;          /* a bar is on the terminal line */
} nnb_progress;

/* Starts n steps of total weight work_total (<= 0: every step weighs 1). */
void nnb_progress_begin(nnb_progress *p, FILE *f, const char *what, size_t n, double work_total);
/* Step i+1 begins: "[#####.....] layer 3/26 conv2 ... 12 s left". label may be NULL. */
void nnb_progress_step(nnb_progress *p, const char *label, double work);
/* The current step is done (weight as given to nnb_progress_step). */
void nnb_progress_done(nnb_progress *p);
/* Clears the bar (terminal) and says how long the whole run took. */
void nnb_progress_end(nnb_progress *p);

/* Seconds left after work_done of work_total took elapsed_s; -1 when unknown
 * (nothing done yet and no a-priori rate). Exposed for the tests. */
double nnb_progress_eta_s(double elapsed_s, double work_done, double work_total, double s_per_work);

#endif
