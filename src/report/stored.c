/* Stored runs: report and compare (stored.h). */
#include "report/stored.h"

#include "net/nets.h"
#include "report/net_summary.h"
#include "report/net_table.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

void nnb_report_file_line(FILE *out, const char *tag, const nnb_results_file *f)
{
    const nnb_results_header *h = &f->header;
    fprintf(out, "%s%s: %s, %d cores, host %s, %s; nnbench %s (%s), OpenBLAS core %s; %s", tag, f->path, h->cpu,
            h->cores, h->hostname, h->os, h->nnbench, h->git, h->blas_core, h->date);
    if (h->analytic) fputs("; --analytic", out);
    else fprintf(out, "; threads %d", h->threads);
    if (h->pus_used[0]) fprintf(out, " on PU%s %s", strpbrk(h->pus_used, ",-") ? "s" : "", h->pus_used);
    if (h->cpuset[0]) fprintf(out, " (cpuset %s)", h->cpuset);
    if (h->shard_n) fprintf(out, "; shard %d/%d", h->shard_i, h->shard_n);
    fputc('\n', out);
}

static void add_summary(nnb_results_summary *sum, const nnb_results_summary *s)
{
    if (!sum->model[0]) snprintf(sum->model, sizeof sum->model, "%s", s->model);
    sum->params += s->params;
    sum->macs += s->macs;
    sum->flops += s->flops;
    sum->layers += s->layers;
}

/* One stored --model --analytic run of a network this build knows: its
 * network table, as the live run printed it. */
static bool stored_net_table(FILE *out, nnb_format fmt, const nnb_results_file *f)
{
    const nnb_net *net = f->have_summary ? nnb_net_find(f->summary.model) : NULL;
    if (!net || !f->header.analytic || !f->nlayers) return false;
    for (size_t j = 0; j < f->nlayers; j++)
        if (!f->layers[j].in_net) return false;
    nnb_net_totals t;
    nnb_net_table_begin(out, fmt, net->name, net->desc, f->layers[0].layer.n, &t);
    for (size_t j = 0; j < f->nlayers; j++) nnb_net_table_layer(out, fmt, &f->layers[j], &t);
    nnb_net_table_end(out, fmt, net->name, &t);
    return true;
}

/* One stored measured --model run: its network table (best kernel per
 * distinct layer, totals), rendered from the records as the live run was. */
static bool stored_net_run(FILE *out, nnb_format fmt, const nnb_results_file *f)
{
    if (!f->have_summary || f->header.analytic || !f->nlayers) return false;
    for (size_t j = 0; j < f->nlayers; j++)
        if (!f->layers[j].in_net) return false;
    const nnb_results_summary *s = &f->summary;
    const int64_t sums[3] = {s->params, s->macs, s->flops};
    nnb_net_run_report(out, fmt, s->model, f->layers, f->nlayers, sums, (size_t)s->layers);
    return true;
}

/* Shards of one measured --model run: their distinct layers in shard order,
 * under the whole network's sums (each shard's summary carries them). */
static bool stored_net_run_shards(FILE *out, nnb_format fmt, const nnb_results_file *files, const size_t *order,
                                  size_t n)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        const nnb_results_file *f = &files[order[i]];
        if (!f->have_summary || f->header.analytic) return false;
        for (size_t j = 0; j < f->nlayers; j++)
            if (!f->layers[j].in_net) return false;
        total += f->nlayers;
    }
    nnb_layer_report *all = malloc((total ? total : 1) * sizeof *all);
    if (!all) return false;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < files[order[i]].nlayers; j++) all[k++] = files[order[i]].layers[j];
    const nnb_results_summary *s = &files[order[0]].summary;
    const int64_t sums[3] = {s->params, s->macs, s->flops};
    nnb_net_run_report(out, fmt, s->model, all, total, sums, (size_t)s->layers);
    free(all); /* the layers themselves stay the files' */
    return true;
}

void nnb_report_stored(FILE *out, nnb_format fmt, const nnb_results_file *files, const size_t *order, size_t n)
{
    if (n == 1 && (stored_net_table(out, fmt, &files[order[0]]) || stored_net_run(out, fmt, &files[order[0]]))) return;
    if (n > 1 && files[order[0]].header.shard_n && stored_net_run_shards(out, fmt, files, order, n)) return;
    bool analytic = n && files[order[0]].header.analytic;
    bool shards = n > 1 && files[order[0]].header.shard_n;
    nnb_results_summary sum;
    memset(&sum, 0, sizeof sum);
    bool have_sum = false;
    nnb_report_begin(out, fmt, analytic);
    for (size_t i = 0; i < n; i++) {
        const nnb_results_file *f = &files[order[i]];
        for (size_t j = 0; j < f->nlayers; j++) nnb_report_layer(out, fmt, &f->layers[j], analytic);
        if (!f->have_summary) continue;
        if (shards) {
            add_summary(&sum, &f->summary);
            have_sum = true;
        } else {
            const nnb_results_summary *s = &f->summary;
            nnb_report_summary(out, fmt, s->model, s->params, s->macs, s->flops, (size_t)s->layers);
        }
    }
    if (have_sum) nnb_report_summary(out, fmt, sum.model, sum.params, sum.macs, sum.flops, (size_t)sum.layers);
}
