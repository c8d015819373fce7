/* Command line: parse options, then plan -> run -> report. */
#ifndef NNBENCH_CLI_H
#define NNBENCH_CLI_H

#include <stdbool.h>

#include "harness/observe.h"
#include "net/onnx/onnx.h"
#include "net/sweep.h"
#include "nnbench/run.h"
#include "report/report.h"
#include "spec/spec.h"

/* `nnbench [options]`: the command line's options; the harness and the
 * observer get their own parts of it. */
typedef struct nnb_options {
    const char *layer_spec;   /* --layer */
    const char *batch_file;   /* --batch */
    const char *model_name;   /* --model */
    long mb;                  /* --mb N: the network's batch (0: 1) */
    const char *out_file;     /* --out FILE: written whole or not at all */
    const char *html_file;    /* --html FILE.html: the run as one page (report/html.h), from its records */
    nnb_format format;
    bool analytic_only;
    bool list, list_kernels;  /* --list, --list-kernels */
    nnb_run_opts run;         /* --kernels, --check, --time-prepare, --threads (0: all cores), --reps ..., --dump */
    nnb_observe_opts observe; /* --counters, --plot */
    nnb_spec_knobs knobs;     /* --conv/--deconv, --mb=LIST: benchdnn's knobs for --layer and --batch */
    bool knobs_given;
    bool driver_given;        /* --conv or --deconv was given */
    int shard_i, shard_n;     /* --shard I/N; 0/0: the whole run */
    int argc;                 /* the command line, for the results header */
    char **argv;
    bool timing_set;          /* --reps or --min-time given (else a model run uses its own short budget) */
    nnb_sweep sweep;          /* --sweep KEY=FROM:TO[:xSTEP|:+STEP] axes, and the points once expanded */
    long max_points;          /* --max-points (default NNB_SWEEP_DEFAULT_MAX_POINTS) */
    const char *summary_tool; /* --summary TOOL: the model as torchsummary/torchinfo/torchstat prints it */
    nnb_onnx_input_dims inputs[8]; /* --input NAME=1x3x224x224: an ONNX input's dims */
    size_t ninputs;
} nnb_options;

/* A run stopped by SIGINT/SIGTERM (util/signals.h): the closing line, "done
 * of total UNITs (N complete kernel records reported)" and what became of
 * --out; returns the exit code (128 + the signal). */
int nnb_cmd_stopped(const nnb_options *o, size_t done, size_t total, const char *unit, size_t nrecords);

/* Runs `nnbench [options]`; returns the process exit code. */
int nnb_cli_main(int argc, char **argv);

#endif
