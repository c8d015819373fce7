/* --model FILE.onnx (run_onnx.h). */
#include "cmd/run_onnx.h"

#include <stdlib.h>
#include <string.h>

#include "cmd/options.h"
#include "util/util.h"

int nnb_cmd_onnx_load(const nnb_options *o, nnb_onnx_model *m, nnb_net_list *net, nnb_skipped *skipped, char *err,
                      size_t len)
{
    nnb_onnx_options oo = {.mb = o->mb, .inputs = o->inputs, .ninputs = o->ninputs};
    if (nnb_onnx_load(o->model_name, &oo, m, err, len)) return -1;
    *net = m->layers;
    memset(&m->layers, 0, sizeof m->layers);
    for (size_t i = 0; i < m->nrows; i++) {
        const nnb_onnx_row *r = &m->rows[i];
        if (r->kind != NNB_ONNX_ROW_NOT_MODELLED) continue;
        char where[160], reason[300];
        snprintf(where, sizeof where, "node %s", r->module);
        snprintf(reason, sizeof reason, "not modelled: %s (%s)", r->op_type, r->why);
        if (nnb_skipped_push(r->op_type, where, NNB_SKIP_NOT_MODELLED, reason, skipped)) return nnb_errf(err, len, "out of memory");
    }
    return 0;
}

static double unmodelled_share(const nnb_onnx_model *m)
{
    return m->out_elems ? 100.0 * (double)m->unmodelled_elems / (double)m->out_elems : 0;
}

void nnb_cmd_onnx_report(FILE *out, nnb_format fmt, const nnb_onnx_model *m)
{
    size_t compute = 0;
    for (size_t i = 0; i < m->nrows; i++) compute += m->rows[i].kind != NNB_ONNX_ROW_FOLDED;
    fprintf(stderr, "nnbench: %zu of %zu ONNX compute nodes not modelled (%.1f%% of the graph's output elements)%s\n",
            m->unmodelled, compute, unmodelled_share(m), m->unmodelled && fmt == NNB_FMT_JSON ? "; each a skipped record" : "");
    if (fmt != NNB_FMT_TABLE || !m->unmodelled) return;
    fprintf(out, "\nnot modelled (%zu of %zu nodes, %.1f%% of the output elements; no time, no FLOPs):\n", m->unmodelled,
            compute, unmodelled_share(m));
    for (size_t i = 0; i < m->nrows; i++) {
        const nnb_onnx_row *r = &m->rows[i];
        if (r->kind != NNB_ONNX_ROW_NOT_MODELLED) continue;
        char what[96];
        snprintf(what, sizeof what, "not modelled: %s", r->op_type);
        fprintf(out, "%4s  %-30s %-32s %-15s %s\n", "-", r->module, what, r->shapes, r->why);
    }
}

int nnb_onnx_nodes_main(int argc, char **argv)
{
    nnb_options o;
    memset(&o, 0, sizeof o);
    char err[1024];
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--mb") && i + 1 < argc) {
            if (nnb_opt_int("--mb", argv[++i], 1, INT64_C(1) << 30, &o.mb, err, sizeof err)) goto bad;
        } else if (!strcmp(argv[i], "--input") && i + 1 < argc && o.ninputs < 8) {
            if (nnb_onnx_input_parse(argv[++i], &o.inputs[o.ninputs++], err, sizeof err)) goto bad;
        } else if (argv[i][0] != '-' && !o.model_name) {
            o.model_name = argv[i];
        } else {
            snprintf(err, sizeof err, "usage: nnbench onnx-nodes FILE.onnx [--mb N] [--input NAME=DIMS]...");
            goto bad;
        }
    }
    if (!o.model_name) {
        snprintf(err, sizeof err, "usage: nnbench onnx-nodes FILE.onnx [--mb N] [--input NAME=DIMS]...");
        goto bad;
    }
    nnb_onnx_model m;
    nnb_onnx_options oo = {.mb = o.mb, .inputs = o.inputs, .ninputs = o.ninputs};
    if (nnb_onnx_load(o.model_name, &oo, &m, err, sizeof err)) goto bad;
    nnb_onnx_print_rows(stdout, &m);
    nnb_onnx_model_free(&m);
    return 0;
bad:
    fprintf(stderr, "nnbench: %s\n", err);
    return 2;
}
