/* The result record: one layer, its analytic model and what each kernel
 * measured. Live runs fill it (the harness), the reader of stored results
 * files (src/results/reader.h) fills the same type, and the report renders
 * it: a stored run and a live one render through the same code. Fields are
 * only ever added. */
#ifndef NNBENCH_RESULTS_H
#define NNBENCH_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nnbench/layer.h"
#include "nnbench/measure.h"
#include "nnbench/model.h"

typedef enum { NNB_CHECK_SKIP = 0, NNB_CHECK_PASS, NNB_CHECK_FAIL } nnb_check;

typedef struct nnb_result {
    const char *kernel;
    char impl[64];               /* the implementation the kernel chose (oneDNN's impl_info_str); "" = itself */
    int threads;
    char cores[64];              /* where the threads ran, e.g. "0-1" */
    nnb_timing time;
    double gflops;               /* analytic flops / median time: the useful rate */
    double gflops_executed;      /* the work model's executed flops (of the timed run: its ISA and
                                    threads) / median time; 0: the kernel has no model here */
    double gbs;                  /* bytes_min / median time */
    nnb_check check;
    double max_err;              /* largest |kernel - reference| in the real-valued pass */
    int64_t workspace_bytes;
    double prepare_s;            /* wall time of the kernel's untimed prepare (weights reorder); -1: none */
    bool prepare_timed;          /* --time-prepare: prepare ran inside every timed repetition */
    /* counters */
    char backend[16];
    char backend_why[512];       /* as long as the why the observer asks for (observe.c) */
    bool have_flops, have_dram, have_l1, have_core_bytes, have_insn;
    double flops, dram_bytes, l1_bytes, load_bytes, store_bytes, instructions;
    bool have_l2;
    double l2_bytes;             /* L2 <-> next level (valgrind: second pass, L2 as the last level) */
    long long counted_unix;      /* when the counted run ran (valgrind); 0: not known */
    bool count_reused;           /* the counts came from the count cache (same binary, libraries, layer) */
    /* valgrind: the per-level bytes above are data; instruction fetches apart */
    bool have_ifetch;
    double l1_ifetch_bytes, l2_ifetch_bytes, dram_ifetch_bytes;
    bool have_runtime;           /* the part of dram_bytes the runtime touched, by cause */
    double dram_runtime_bytes, dram_unaligned_bytes, dram_writeback_bytes;
    char runtime_why[256];
    char count_note[1100];       /* the backend's note (up to 1023 bytes) or "counting failed: " + why */
    /* verdicts: measured vs analytic, with the tolerance that applied */
    char verdict_flops[24];      /* "pass", "pass (valid taps)", "fail", "" = not counted */
    double flops_tolerance;      /* allowed |measured/analytic - 1| */
    char verdict_dram[24];       /* "pass" (>= bytes_min), "fail", "" */
    /* the kernel's work model (nnb_kernel.work) and the verdicts against it */
    bool have_work;
    double work_flops, work_bytes, work_tolerance;
    char work_why[256], work_bytes_why[256];
    double useful_fraction;      /* analytic flops / executed (measured, else the model's) */
    char verdict_work_flops[16]; /* "exact", "explained", "unexplained", "" = not counted */
    char verdict_work_flops_why[384];
    char verdict_work_bytes[16]; /* the same for DRAM bytes against the model's lower bound */
    char verdict_work_bytes_why[1024];
    /* roofline: placed by the executed work where the kernel has a model
     * (roof_basis "executed": ai = work flops / work bytes, rate
     * gflops_executed), else by the analytic count ("analytic") */
    bool have_roof;
    double peak_gflops, bw_gbs, attainable_gflops, efficiency;
    char bound[32];
    char roof_basis[16];         /* "executed" | "analytic" ("" in records older than the key) */
    double roof_ai;              /* the arithmetic intensity placed (flop/byte) */
    bool roof_above;             /* still above the roof after the ceilings were measured again */
    /* the BLAS the run used (machine/blas.h), kept with the record so that a
     * stored run renders as it did live, on any machine */
    char blas_core[64];
    char blas_config[256];
    char blas_remedy[96];        /* "" unless that core was weaker than the CPU, e.g. "OPENBLAS_CORETYPE=Haswell" */
} nnb_result;

/* A layer together with everything the report prints about it. */
typedef struct nnb_layer_report {
    nnb_layer layer;
    nnb_analytic analytic;
    char spec[320];              /* canonical key=value */
    char benchdnn[256];
    char human[256];
    nnb_result *results;
    size_t nresults;
    bool have_rf;                /* layer is part of a chain (--model): field so far */
    nnb_rf rf;
    /* --model: the layer's place in the network */
    bool in_net;
    int64_t index;               /* position in the network, from 0 */
    char module[96];             /* torchvision's module name; "name()": a function, no module */
    int64_t repeat;              /* network layers this record stands for (1: itself) */
} nnb_layer_report;

/* "pass", "fail", "skip" */
const char *nnb_check_name(nnb_check c);

#endif
