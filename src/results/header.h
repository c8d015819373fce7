/* The header record of a results file (--out FILE.jsonl): the machine, the
 * software that ran, the date, the command line, threads, the roofline
 * ceilings used, the cpuset the process was given and the cores its
 * threads were bound to, and the shard, so that a stored run can be told apart from
 * any other and compared across builds and machines (DESIGN.md, Results
 * files). Written first, before the run's records. */
#ifndef NNBENCH_RESULTS_HEADER_H
#define NNBENCH_RESULTS_HEADER_H

#include <stdbool.h>
#include <stdio.h>

#include "roofline/ceilings.h"

typedef struct nnb_header_info {
    int argc;
    char **argv;                   /* the whole command line, argv[0] included */
    int threads;                   /* 0: nothing ran (--analytic) -> null */
    bool analytic;                 /* --analytic: records hold layer and analytic only */
    const nnb_ceilings *ceilings;  /* the ceilings kernels were placed against; NULL: none */
    int shard_i, shard_n;          /* --shard I/N; 0/0: the whole run */
    bool bound;                    /* the threads were bound (machine/topo.h): the header
                                      names the cores and PUs they were bound to */
} nnb_header_info;

/* One line: {"schema":"nnbench/1","header":{...}}. */
void nnb_header_write(FILE *f, const nnb_header_info *h);

#endif
