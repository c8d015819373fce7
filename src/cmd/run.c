/* The nnbench command line: options -> layers -> harness -> report.
 * Results go to stdout (or --out FILE, written whole or not at all);
 * progress and errors go to stderr; exit 0 / 1 (check failed) / 2 (bad input). */
#include "cmd/cli.h"
#include "cmd/options.h"

#include <errno.h>
#include <getopt.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "cmd/run_model.h"
#include "cmd/run_onnx.h"
#include "cmd/run_summary.h"
#include "cmd/run_sweep.h"
#include "harness/harness.h"
#include "harness/progress.h"
#include "harness/memory.h"
#include "machine/blas.h"
#include "machine/topo.h"
#include "ops/op.h"
#include "harness/observe.h"
#include "net/nets.h"
#include "report/net_table.h"
#include "report/report.h"
#include "report/html.h"
#include "results/header.h"
#include "results/reader.h"
#include "results/shard.h"
#include "spec/spec.h"
#include "cmd/skipped.h"
#include "util/atomic_file.h"
#include "util/signals.h"
#include "util/suggest.h"

static void usage(FILE *f)
{
    fputs("usage: nnbench --layer SPEC [options]\n"
          "       nnbench --batch FILE | --model NAME | --model FILE.onnx [options]\n"
          "       nnbench topo | roofline | validate | report | compare [options]   (each takes --help)\n"
          "       nnbench onnx-nodes FILE.onnx [--mb N] [--input NAME=DIMS]   (every node's shapes)\n"
          "\n"
          "SPEC is a preset (--list), a oneDNN benchdnn string (mb1ic64ih56oc64oh56kh3ph1,\n"
          "deconv:mb1ic64ih28oc32oh56kh4sh2ph1) or op:key=value (conv:c=64,h=56,k=64,r=3,pad=1).\n"
          "\n"
          "  --conv, --deconv      the benchdnn driver of unprefixed benchdnn strings (default conv)\n"
          "  --mb N[,M...]         benchdnn's --mb: run each descriptor once per mini-batch (0: its own);\n"
          "                        with --model: the network's batch (one value, default 1; ONNX: an open batch dim)\n"
          "  --input NAME=DIMS     with --model FILE.onnx: an input's dims (1x3x224x224) the file leaves open\n"
          "  --analytic            model only: shapes, params, MACs, FLOPs, bytes, AI; runs nothing\n"
          "  --summary TOOL        with --model: the network as torchsummary 1.5.1, torchinfo 1.8.0 or\n"
          "                        torchstat 0.0.7 prints it (their layouts and rules); runs nothing\n"
          "  --format F            table (default), csv or json (JSON Lines, schema nnbench/1)\n"
          "  --kernels LIST        comma list, 'all' (default: every kernel that supports the layer)\n"
          "                        or 'fast' (all but the reference, which still checks them)\n"
          "  --threads N           OpenMP and OpenBLAS threads, bound with hwloc inside the cpuset the\n"
          "                        process was given (taskset, cgroup, Slurm), one per core, at most one\n"
          "                        per allowed PU (default: OMP_NUM_THREADS when set, else every allowed core)\n"
          "  --counters B          auto (default), papi, valgrind or none\n"
          "  --recount             count again what the count cache holds (valgrind counts are reused\n"
          "                        while the binary, its libraries, the layer and the machine are the same)\n"
          "  --reps N              at least N timed repetitions (default 5)\n"
          "  --min-time S          and at least S seconds of timed runs (default 0.2)\n"
          "  --cold                flush caches before each repetition\n"
          "  --time-prepare        time each kernel's weight prepare with every run (as a framework\n"
          "                        that reorders weights per call); default: prepared once, untimed\n"
          "  --check, --no-check   compare every kernel with the reference kernel first (default),\n"
          "                        or skip that comparison\n"
          "  --dump DIR            write inputs and every kernel's output as .npy files\n"
          "  --plot FILE.svg       draw the kernels on this machine's roofline (a sweep: GFLOP/s against\n"
          "                        the swept key per kernel, and their trajectories on the roofline)\n"
          "  --plot-kernels best|all  a network's picture: one point per layer, its best kernel (default),\n"
          "                        or every kernel of every layer\n"
          "  --color-by op|bound   a network's points coloured by op (default) or by what bounds them\n"
          "  --html FILE.html      the run as one self-contained page: header, totals, the per-layer\n"
          "                        table (sortable, filterable) and the roofline with tooltips; the same\n"
          "                        page as 'nnbench report --html' of the run's --out file\n"
          "  --sweep KEY=FROM:TO[:xSTEP|:+STEP]  with --layer: the layer with KEY (any key=value key:\n"
          "                        c, h, k, g, r, pad, ...) from FROM to TO; repeat for a grid\n"
          "  --max-points N        refuse a sweep of more than N points (default 256)\n"
          "  --no-roofline         no roofline placement (ceilings are otherwise measured once per\n"
          "                        machine and thread count, cached in $XDG_CACHE_HOME/nnbench)\n"
          "  --out FILE.jsonl      also store the results as JSON Lines, a header record (machine,\n"
          "                        software, date, command line) first, whole or not at all;\n"
          "                        nnbench report / compare read it\n"
          "  --shard I/N           run only the I-th of N slices of a --batch, --sweep or measured --model\n"
          "                        (a model: of its distinct layers); nnbench report merges the shards\n"
          "  --max-mem BYTES       refuse a layer that needs more memory (K, M, G suffixes;\n"
          "                        default: what the machine has available)\n"
          "  --list                list layer presets and network presets\n"
          "  --list-kernels        list kernels\n"
          "  --help, --version\n"
          "\nExit status: 0 ok, 1 a check failed, 2 bad input or unavailable backend,\n"
          "130/143 stopped by SIGINT/SIGTERM (the records complete so far on stdout; no --out file).\n",
          f);
}

/* One line on stderr: a control character or a byte that is not UTF-8 in
 * what the user gave (a newline in a file name, a binary batch file) is
 * shown as '?'. Returns the bad-input code. */
static int bad(const char *fmt, const char *arg)
{
    char line[1200];
    snprintf(line, sizeof line, fmt, arg);
    for (unsigned char *p = (unsigned char *)line; *p;) {
        size_t n = *p < 0x20 || *p == 0x7f ? 0 : nnb_utf8_len(p);
        if (n == 0) *p = '?', n = 1;
        p += n;
    }
    fprintf(stderr, "nnbench: %s\n", line);
    return NNB_EXIT_BAD_INPUT;
}

static void list_presets(FILE *f)
{
    size_t n;
    const nnb_preset *p = nnb_presets(&n);
    fputs("layer presets (--layer NAME):\n", f);
    for (size_t i = 0; i < n; i++) fprintf(f, "  %-14s %-55s %s\n", p[i].name, p[i].desc, p[i].spec);
    const nnb_net *nets = nnb_nets(&n);
    fputs("\nnetwork presets (--model NAME):\n", f);
    for (size_t i = 0; i < n; i++) fprintf(f, "  %-16s %s\n", nets[i].name, nets[i].desc);
}

static void list_kernels(FILE *f)
{
    size_t n;
    const nnb_kernel *const *k = nnb_kernels(&n);
    for (size_t i = 0; i < n; i++) fprintf(f, "  %-18s %s\n", k[i]->name, k[i]->desc);
}

/* Everything one invocation runs over: a list of layers. */
typedef struct {
    nnb_layer *v;
    char (*line)[256];
    size_t n, cap;
    size_t first;        /* --shard: index of the first kept layer in the whole run */
    nnb_skipped skipped; /* --batch: unsupported descriptors */
    nnb_net_list net; /* --model: the same layers with module names and fields */
    nnb_onnx_model onnx; /* --model FILE.onnx: every node (rows), not modelled ones included */
} layer_list;

static int push_layer(const nnb_layer *l, const char *line, void *ctx)
{
    layer_list *ll = ctx;
    if (ll->n == ll->cap) {
        size_t cap = ll->cap ? 2 * ll->cap : 16;
        nnb_layer *v = realloc(ll->v, cap * sizeof *v);
        if (!v) return -1;
        ll->v = v;
        char(*ln)[256] = realloc(ll->line, cap * sizeof *ln);
        if (!ln) return -1;
        ll->line = ln;
        ll->cap = cap;
    }
    ll->v[ll->n] = *l;
    snprintf(ll->line[ll->n], 256, "%s", line);
    ll->n++;
    return 0;
}

/* getopt_long's '?' for a long option: unknown or ambiguous, with the
 * option it is a typo of when there is one (--layr: --layer). */
static int unknown_option(const char *arg, const struct option *opts, size_t n)
{
    char word[64], hint[96], msg[200];
    const char *name = arg[0] == '-' && arg[1] == '-' ? arg + 2 : arg;
    snprintf(word, sizeof word, "%.*s", (int)strcspn(name, "="), name);
    snprintf(msg, sizeof msg, "unknown or ambiguous option '%%s' (see --help)%s",
             nnb_suggest_text(hint, sizeof hint, word, "--", opts, n, sizeof *opts));
    return bad(msg, arg);
}

/* Options -> o. Returns -1 to go on, or the exit code (help, version, or 2
 * with one line on stderr). Options with a value are read (and refused)
 * by nnb_cli_option_value (cmd/options.c). */
static int parse_options(int argc, char **argv, nnb_options *o)
{
    enum { O_VALUE = 256, O_ANALYTIC, O_COLD, O_NO_CHECK, O_CHECK, O_LIST, O_LIST_KERNELS, O_VERSION,
           O_TIME_PREPARE, O_CONV, O_DECONV, O_MB, O_SHARD, O_NO_ROOFLINE, O_SWEEP, O_MAX_POINTS, O_SUMMARY,
           O_RECOUNT };
    static const struct option longopts[] = {
        {"layer", required_argument, 0, O_VALUE},   {"batch", required_argument, 0, O_VALUE},
        {"model", required_argument, 0, O_VALUE},   {"analytic", no_argument, 0, O_ANALYTIC},
        {"format", required_argument, 0, O_VALUE},  {"kernels", required_argument, 0, O_VALUE},
        {"threads", required_argument, 0, O_VALUE}, {"counters", required_argument, 0, O_VALUE},
        {"reps", required_argument, 0, O_VALUE},    {"min-time", required_argument, 0, O_VALUE},
        {"cold", no_argument, 0, O_COLD},           {"no-check", no_argument, 0, O_NO_CHECK},
        {"check", no_argument, 0, O_CHECK},         {"dump", required_argument, 0, O_VALUE},
        {"plot", required_argument, 0, O_VALUE},    {"out", required_argument, 0, O_VALUE},
        {"html", required_argument, 0, O_VALUE},    {"plot-kernels", required_argument, 0, O_VALUE},
        {"color-by", required_argument, 0, O_VALUE},
        {"max-mem", required_argument, 0, O_VALUE}, {"list", no_argument, 0, O_LIST},
        {"list-kernels", no_argument, 0, O_LIST_KERNELS}, {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, O_VERSION},     {"time-prepare", no_argument, 0, O_TIME_PREPARE},
        {"conv", no_argument, 0, O_CONV},           {"deconv", no_argument, 0, O_DECONV},
        {"mb", required_argument, 0, O_MB},         {"shard", required_argument, 0, O_SHARD},
        {"no-roofline", no_argument, 0, O_NO_ROOFLINE},
        {"sweep", required_argument, 0, O_SWEEP},     {"max-points", required_argument, 0, O_MAX_POINTS},
        {"summary", required_argument, 0, O_SUMMARY}, {"recount", no_argument, 0, O_RECOUNT},
        {"input", required_argument, 0, O_VALUE},
        {0, 0, 0, 0},
    };
    opterr = 0;
    optind = 1;
    int c, at = -1;
    char err[512];
    while ((c = getopt_long(argc, argv, "h", longopts, &at)) != -1) {
        switch (c) {
        case O_VALUE:
            if (nnb_cli_option_value(o, longopts[at].name, optarg, err, sizeof err)) return bad("%s", err);
            break;
        case O_ANALYTIC: o->analytic_only = true; break;
        case O_SUMMARY: o->summary_tool = optarg; o->analytic_only = true; break;
        case O_COLD: o->run.measure.cold = true; break;
        case O_TIME_PREPARE: o->run.time_prepare = true; break;
        case O_NO_CHECK: o->run.check = false; break;
        case O_CHECK: o->run.check = true; break;
        case O_NO_ROOFLINE: o->observe.no_roofline = true; break;
        case O_RECOUNT: o->observe.recount = true; break;
        case O_SHARD:
            if (nnb_shard_parse(optarg, &o->shard_i, &o->shard_n))
                return bad("--shard needs I/N with 1 <= I <= N, got '%s'", optarg);
            break;
        case O_SWEEP: {
            int r = nnb_cmd_sweep_option(o, optarg);
            if (r >= 0) return r;
            break;
        }
        case O_MAX_POINTS:
            if (nnb_opt_int("--max-points", optarg, 1, 1000000, &o->max_points, err, sizeof err)) return bad("%s", err);
            break;
        case O_CONV: case O_DECONV:
            o->knobs.driver = c == O_CONV ? NNB_OP_CONV : NNB_OP_DECONV;
            o->driver_given = true;
            o->knobs_given = true;
            break;
        case O_MB:
            if (!*optarg || nnb_spec_knobs_mb(&o->knobs, optarg, err, sizeof err))
                return bad("%s", *optarg ? err : "--mb needs a value");
            o->knobs_given = true;
            break;
        case O_LIST: o->list = true; break;
        case O_LIST_KERNELS: o->list_kernels = true; break;
        case 'h': usage(stdout); return 0;
        case O_VERSION: printf("nnbench %s\n", NNB_VERSION); return 0;
        default: /* '?': unknown, ambiguous, or a value missing */
            if (optopt >= O_VALUE) return bad("%s needs a value (see --help)", argv[optind - 1]);
            if (optopt && optopt < 128) {
                char s[2] = {(char)optopt, 0};
                return bad("option '-%s' is unknown (see --help)", s);
            }
            return unknown_option(argv[optind - 1], longopts, sizeof longopts / sizeof longopts[0] - 1);
        }
    }
    if (optind < argc) return bad("unexpected argument '%s' (see --help)", argv[optind]);
    return -1;
}

/* Keeps shard I of N of the layers (results/shard.h). */
static void shard_layers(const nnb_options *o, layer_list *ll)
{
    size_t lo, hi;
    nnb_shard_range(ll->n, o->shard_i, o->shard_n, &lo, &hi);
    ll->first = lo;
    memmove(ll->v, ll->v + lo, (hi - lo) * sizeof *ll->v);
    memmove(ll->line, ll->line + lo, (hi - lo) * sizeof *ll->line);
    ll->n = hi - lo;
}

/* The layers of --layer, --batch or --model. 0 or an exit code. */
static int load_layers(nnb_options *o, layer_list *ll)
{
    char err[1024] = "";
    if (o->sweep.naxes) {
        int rc = nnb_cmd_sweep_layers(o, push_layer, ll);
        if (!rc && o->shard_n) shard_layers(o, ll);
        return rc;
    }
    if (o->layer_spec) {
        if (nnb_spec_each(o->layer_spec, &o->knobs, push_layer, ll, err, sizeof err)) return bad("%s", err);
    } else if (o->batch_file) {
        nnb_batch_sink sink = {.layer = push_layer, .layer_ctx = ll, .skip = nnb_skipped_push, .skip_ctx = &ll->skipped,
                               .note = nnb_skipped_note};
        if (nnb_spec_read_batch(o->batch_file, &o->knobs, &sink, err, sizeof err)) return bad("%s", err);
        nnb_skipped_summary(&ll->skipped, sink.skipped_by, sink.layers);
        if (o->shard_n) shard_layers(o, ll);
    } else if (nnb_onnx_is_path(o->model_name)) {
        if (nnb_cmd_onnx_load(o, &ll->onnx, &ll->net, &ll->skipped, err, sizeof err)) return bad("%s", err);
        for (size_t i = 0; i < ll->net.n; i++)
            if (push_layer(&ll->net.v[i].layer, ll->net.v[i].module, ll)) return bad("%s", "out of memory");
    } else {
        const nnb_net *net = nnb_net_find(o->model_name);
        if (!net) {
            size_t nn;
            const nnb_net *nets = nnb_nets(&nn);
            char hint[96], msg[160];
            snprintf(msg, sizeof msg, "unknown model '%%s' (see --list; an ONNX file ends in .onnx)%s",
                     nnb_suggest_text(hint, sizeof hint, o->model_name, "", nets, nn, sizeof *nets));
            return bad(msg, o->model_name);
        }
        if (nnb_net_build(net, o->mb ? o->mb : 1, &ll->net, err, sizeof err)) return bad("%s", err);
        for (size_t i = 0; i < ll->net.n; i++)
            if (push_layer(&ll->net.v[i].layer, ll->net.v[i].module, ll)) return bad("%s", "out of memory");
    }
    return 0;
}

int nnb_cmd_stopped(const nnb_options *o, size_t done, size_t total, const char *unit, size_t nrecords)
{
    return nnb_stopped("nnbench", "%zu of %zu %s%s (%zu complete kernel record%s reported)%s%s%s", done, total, unit,
                       total == 1 ? "" : "s", nrecords, nrecords == 1 ? "" : "s", o->out_file ? "; --out " : "",
                       o->out_file ? o->out_file : "", o->out_file ? " not written, the records are on stdout" : "");
}

/* A network layer's place: index, torchvision's module name, its receptive
 * field as the network builder followed it (joins included). */
static void net_layer_fields(nnb_layer_report *rep, const nnb_net_layer *nl, size_t index)
{
    rep->in_net = true;
    rep->index = (int64_t)index;
    rep->repeat = 1;
    snprintf(rep->module, sizeof rep->module, "%s", nl->module);
    rep->have_rf = nl->have_rf;
    rep->rf = nl->rf;
}

/* Analyses, runs (unless --analytic) and reports every layer, then the
 * model's summary and the picture. *status: 1 when a check failed.
 * Returns 0 or an exit code. */
static int run_layers(const nnb_options *o, const layer_list *ll, nnb_observer *obs, FILE *out, FILE *store,
                      int *status)
{
    if (o->model_name && !o->analytic_only) {
        /* the nodes no layer computes: their records first (a stored file
         * ends with the model's summary), their rows after the table */
        if (store) nnb_skipped_report(&ll->skipped, store, NNB_FMT_JSON);
        nnb_skipped_report(&ll->skipped, out, o->format);
        int r = nnb_run_model(o, ll->v, ll->n, obs, out, store, status);
        if (!r && nnb_onnx_is_path(o->model_name)) nnb_cmd_onnx_report(out, o->format, &ll->onnx);
        return r;
    }
    char err[1024] = "";
    int rc = 0;
    nnb_progress pr; /* a batch or a sweep: one bar over its layers */
    nnb_run_opts run = o->run;
    run.quiet = ll->n > 1 && !o->analytic_only;
    if (run.quiet) nnb_progress_begin(&pr, stderr, o->sweep.naxes ? "point" : "layer", ll->n, 0);
    nnb_sweep_plot sp = {0};
    nnb_report_begin(out, o->format, o->analytic_only);
    int64_t sum_params = 0, sum_macs = 0, sum_flops = 0;
    const nnb_net *net = o->model_name ? nnb_net_find(o->model_name) : NULL;
    const bool onnx = o->model_name && nnb_onnx_is_path(o->model_name);
    /* --model --analytic: the network table (report/net_table.c) */
    const bool net_table = (net || onnx) && o->analytic_only && o->format != NNB_FMT_CSV;
    nnb_net_totals totals;
    if (net_table)
        nnb_net_table_begin(out, o->format, o->model_name, net ? net->desc : ll->onnx.desc, o->mb ? o->mb : 1, &totals);
    size_t nlayers = 0, nrecords = 0; /* reported so far */
    for (size_t i = 0; i < ll->n && !nnb_stop_signal(); i++) {
        nnb_layer_report rep;
        if (nnb_layer_report_init(&rep, &ll->v[i], err, sizeof err)) { rc = bad("%s", err); break; }
        sum_params += rep.analytic.params;
        if (i < ll->net.n) net_layer_fields(&rep, &ll->net.v[i], i);
        if (nnb_op_get(rep.layer.op)->macs_in_total) sum_macs += rep.analytic.macs;
        sum_flops += rep.analytic.flops;
        if (!o->analytic_only) {
            if (run.quiet) nnb_progress_step(&pr, rep.layer.name[0] ? rep.layer.name : rep.human, 1);
            nnb_run_opts ro = run; /* a counting child's memory is part of this layer's need */
            ro.count_child = nnb_mem_counts_in_child(o->observe.counters, &rep.layer);
            int r = nnb_run_layer(&ro, &rep, nnb_observer_hook, obs, err, sizeof err);
            if (r == NNB_EXIT_BAD_INPUT) { /* a signal's victim (a killed child) is no error */
                if (!nnb_stop_signal()) rc = bad("%s", err);
                nnb_layer_report_free(&rep);
                break;
            }
            if (r) *status = r;
            nnb_observer_collect(obs, &rep);
            if (o->sweep.naxes && nnb_sweep_plot_add(&sp, &o->sweep, ll->first + i, &rep)) rc = bad("%s", "out of memory");
            if (run.quiet) nnb_progress_done(&pr);
            if (nnb_stop_signal() && rep.nresults == 0) { /* stopped before its first kernel: nothing to report */
                nnb_layer_report_free(&rep);
                break;
            }
        }
        if (net_table) nnb_net_table_layer(out, o->format, &rep, &totals);
        else nnb_report_layer(out, o->format, &rep, o->analytic_only);
        if (store) nnb_report_layer(store, NNB_FMT_JSON, &rep, o->analytic_only);
        fflush(out);
        nlayers++;
        nrecords += rep.nresults;
        nnb_layer_report_free(&rep);
    }
    if (!rc && nnb_stop_signal()) { /* the records so far are out; no summary, picture or --out */
        nnb_sweep_plot_free(&sp);
        return nnb_cmd_stopped(o, nlayers, ll->n, o->sweep.naxes ? "point" : "layer", nrecords);
    }
    if (!rc) nnb_skipped_report(&ll->skipped, out, o->format);
    if (!rc && store && o->model_name) nnb_skipped_report(&ll->skipped, store, NNB_FMT_JSON);
    if (run.quiet) nnb_progress_end(&pr);
    if (!rc && !o->analytic_only) nnb_blas_warn_if_weaker(); /* after the run: errors stay one line */
    if (!rc && onnx) nnb_cmd_onnx_report(out, o->format, &ll->onnx);
    if (!rc && net_table) nnb_net_table_end(out, o->format, o->model_name, &totals);
    else if (!rc && o->model_name)
        nnb_report_summary(out, o->format, o->model_name, sum_params, sum_macs, sum_flops, ll->n);
    if (!rc && o->model_name && store)
        nnb_report_summary(store, NNB_FMT_JSON, o->model_name, sum_params, sum_macs, sum_flops, ll->n);
    if (!rc && !o->analytic_only && o->observe.plot_file && o->sweep.naxes) rc = nnb_cmd_sweep_plot(o, &sp, obs);
    else if (!rc && !o->analytic_only && o->observe.plot_file && nnb_observer_plot(obs, o->observe.plot_file, err, sizeof err))
        rc = bad("%s", err);
    nnb_sweep_plot_free(&sp);
    return rc;
}

/* The stored records (a results file in memory) as the page --html
 * names: read back and rendered as `nnbench report --html` renders the
 * --out file, so that both pages are the same. */
static int write_html(const nnb_options *o, const char *buf, size_t n)
{
    char err[1024];
    FILE *in = fmemopen((void *)buf, n, "r");
    if (!in) return bad("--html: cannot write %s (out of memory)", o->html_file);
    nnb_results_file rf;
    int rc = nnb_results_read_stream(in, o->html_file, &rf, err, sizeof err);
    fclose(in);
    if (rc) return bad("--html: %s", err);
    size_t zero = 0;
    nnb_roof_plot_opts po = {.all_kernels = o->observe.plot_all_kernels, .color_by_bound = o->observe.plot_by_bound};
    rc = nnb_html_report_file(o->html_file, &rf, &zero, 1, &po, err, sizeof err);
    nnb_results_free(&rf);
    if (rc) return bad("%s", err);
    fprintf(stderr, "nnbench: wrote %s\n", o->html_file);
    return 0;
}

/* Results to stdout and, with --out, stored as a results file (a header
 * record, then the records) that appears whole or not at all; with --html
 * the same records as a page. */
static int write_results(const nnb_options *o, const layer_list *ll, nnb_observer *obs, int *status)
{
    if (!o->out_file && !o->html_file) return run_layers(o, ll, obs, stdout, NULL, status);
    /* --out's temporary is made before anything runs: an unwritable place is
     * bad input now, not after the run (the records go to it at the end) */
    nnb_atomic_file af;
    char err[512];
    FILE *f = o->out_file ? nnb_atomic_open(&af, o->out_file, err, sizeof err) : NULL;
    if (o->out_file && !f) return bad("--out: cannot write %s", o->out_file);
    char *buf = NULL;
    size_t n = 0;
    FILE *store = open_memstream(&buf, &n);
    if (!store) {
        if (f) nnb_atomic_abort(&af);
        return bad("%s", "out of memory");
    }
    nnb_header_write(store, &(nnb_header_info){o->argc, o->argv, o->analytic_only ? 0 : o->run.threads,
                                                o->analytic_only, obs->have_ceil ? &obs->ceil : NULL, o->shard_i,
                                                o->shard_n, !o->analytic_only && obs->bound});
    int rc = run_layers(o, ll, obs, stdout, store, status);
    if (fclose(store) && !rc) rc = bad("%s", "out of memory");
    if (f) {
        if (rc) nnb_atomic_abort(&af);
        else if (fwrite(buf, 1, n, f) != n) {
            nnb_atomic_abort(&af);
            rc = bad("--out: cannot write %s", o->out_file);
        } else if (nnb_atomic_commit(&af, err, sizeof err)) rc = bad("--out: cannot write %s", o->out_file);
    }
    if (!rc && o->html_file) rc = write_html(o, buf, n);
    free(buf);
    return rc;
}

/* Without --threads: OMP_NUM_THREADS (its first level; nnb_env_check has
 * refused a bad one) as OpenMP programs read it, else every core the
 * process may use (its cpuset: taskset, cgroup, Slurm), one thread each. */
static int default_threads(const char **from)
{
    const char *v = getenv("OMP_NUM_THREADS");
    long n = v ? strtol(v, NULL, 10) : 0;
    *from = "OMP_NUM_THREADS=";
    return n >= 1 && n <= 4096 ? (int)n : nnb_topo_get()->allowed_cores;
}

/* Threads, binding and counters, validated before anything runs. */
static int start_observer(nnb_options *o, size_t nlayers, nnb_observer *obs)
{
    const char *from = "--threads ";
    if (o->run.threads == 0) o->run.threads = default_threads(&from);
    char err[1024] = "";
    if (nnb_opt_threads_fit(from, o->run.threads, err, sizeof err)) return bad("%s", err);
    omp_set_num_threads(o->run.threads);
    openblas_set_num_threads(o->run.threads);
    o->observe.threads = o->run.threads;
    o->observe.kernels = o->run.kernels;
    o->observe.plot_what = o->model_name ? o->model_name : o->batch_file ? "batch" : NULL;
    if (nnb_observer_init(obs, &o->observe, nlayers > 1, err, sizeof err)) return bad("%s", err);
    return 0;
}

/* --model takes its batch from --mb (one value); --conv/--deconv are
 * benchdnn's and mean nothing for a network */
static int model_batch(nnb_options *o)
{
    if (!o->knobs_given) return 0;
    if (o->driver_given) return bad("%s", "--conv and --deconv apply to --layer and --batch, not --model");
    if (o->knobs.nmb > 1) return bad("%s", "--mb with --model takes one batch size");
    if (o->knobs.nmb == 1 && o->knobs.mb[0] > 0) o->mb = o->knobs.mb[0];
    return 0;
}

int nnb_cli_main(int argc, char **argv)
{
    nnb_options o;
    memset(&o, 0, sizeof o);
    nnb_run_opts_defaults(&o.run);
    nnb_spec_knobs_init(&o.knobs);
    o.run.threads = 0; /* all cores, unless --threads */
    int rc = parse_options(argc, argv, &o);
    if (rc >= 0) return rc;
    if (o.list || o.list_kernels) {
        if (o.list) list_presets(stdout);
        if (o.list_kernels) { fputs("kernels (--kernels NAME,...):\n", stdout); list_kernels(stdout); }
        return 0;
    }
    char err[512];
    if (nnb_env_check(err, sizeof err)) return bad("%s", err);
    nnb_signals_install(true);
    int sources = !!o.layer_spec + !!o.batch_file + !!o.model_name;
    if (sources == 0) return bad("%s", "no layer given: use --layer SPEC, --batch FILE or --model NAME (see --help)");
    if (sources > 1) return bad("%s", "give one of --layer, --batch, --model");
    if (o.shard_n && (o.layer_spec && !o.sweep.naxes))
        return bad("%s", "--shard slices a --batch, --sweep or measured --model run");
    if (o.shard_n && o.model_name && o.analytic_only)
        return bad("%s", "--shard slices a measured --model run; --analytic runs the whole network at once");
    o.argc = argc;
    o.argv = argv;
    if (o.observe.no_roofline && o.observe.plot_file) return bad("%s", "--plot needs the roofline: drop --no-roofline");
    if (o.model_name && model_batch(&o)) return NNB_EXIT_BAD_INPUT;
    if (o.ninputs && !(o.model_name && nnb_onnx_is_path(o.model_name)))
        return bad("%s", "--input gives an ONNX model's input dims: use it with --model FILE.onnx");
    if (o.sweep.naxes && !o.layer_spec) return bad("%s", "--sweep applies to --layer SPEC");
    if (o.summary_tool && nnb_cmd_summary_refusal(&o)) return bad("%s", nnb_cmd_summary_refusal(&o));
    if (o.analytic_only && (o.run.dump_dir || o.observe.plot_file || o.observe.counters))
        fprintf(stderr, "nnbench: --analytic runs nothing; --dump/--plot/--counters ignored\n");

    layer_list ll = {0};
    int status = 0;
    nnb_observer obs;
    memset(&obs, 0, sizeof obs);
    rc = load_layers(&o, &ll);
    if (!rc && o.summary_tool) rc = nnb_cmd_summary(&o, &ll.net);
    else if (!rc && !o.analytic_only) {
        rc = start_observer(&o, ll.n, &obs);
        /* stopped in the ceilings measurement (roofline/measure.h): nothing cached, nothing run */
        if (nnb_stop_signal()) rc = nnb_cmd_stopped(&o, 0, ll.n, o.sweep.naxes ? "point" : "layer", 0);
    }
    if (!rc && !o.summary_tool) rc = write_results(&o, &ll, &obs, &status);
    if (!rc) rc = status;
    nnb_observer_free(&obs);
    free(ll.v);
    free(ll.line);
    nnb_skipped_free(&ll.skipped);
    nnb_net_list_free(&ll.net);
    nnb_onnx_model_free(&ll.onnx);
    nnb_sweep_free(&o.sweep);
    return rc;
}
