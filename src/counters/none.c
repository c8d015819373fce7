/* The `none` backend: wall time only. It can always run and counts
 * nothing: every have_* flag stays false. */
#include "counters/counters.h"

#include <stdio.h>

static int none_probe(const nnb_layer *l, char *why, size_t len)
{
    (void)l;
    snprintf(why, len, "wall time only");
    return 0;
}

static int none_measure(const nnb_count_request *rq, nnb_counts *out, char *err, size_t len)
{
    (void)err;
    (void)len;
    nnb_counts_init(out, "none");
    out->threads = rq ? rq->threads : 0;
    snprintf(out->note, sizeof out->note, "no counters: wall time only");
    return 0;
}

const nnb_counter_backend nnb_counter_none = {
    .name = "none",
    .desc = "wall time only; counts nothing",
    .caps = {.wall_time_only = true},
    .probe = none_probe,
    .measure = none_measure,
};
