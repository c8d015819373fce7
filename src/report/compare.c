/* nnbench compare: two stored runs side by side (stored.h). */
#include "report/stored.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One kernel's measurement of one layer in a file. */
typedef struct {
    const nnb_layer_report *layer;
    const nnb_result *x;
    bool paired;
} entry;

static entry *entries(const nnb_results_file *f, size_t *n)
{
    size_t count = 0;
    for (size_t i = 0; i < f->nlayers; i++) count += f->layers[i].nresults;
    entry *v = calloc(count ? count : 1, sizeof *v);
    if (!v) return NULL;
    *n = 0;
    for (size_t i = 0; i < f->nlayers; i++)
        for (size_t j = 0; j < f->layers[i].nresults; j++) v[(*n)++] = (entry){&f->layers[i], &f->layers[i].results[j], false};
    return v;
}

static bool same_key(const entry *a, const entry *b)
{
    return strcmp(a->layer->spec, b->layer->spec) == 0 && strcmp(a->x->kernel, b->x->kernel) == 0 &&
           a->x->threads == b->x->threads;
}

static void fmt_spread(const nnb_result *x, char *buf, size_t len)
{
    char lo[32], hi[32];
    nnb_fmt_time(x->time.min_s, lo, sizeof lo);
    nnb_fmt_time(x->time.max_s, hi, sizeof hi);
    snprintf(buf, len, "%s..%s", lo, hi);
}

int nnb_compare_change(const nnb_result *a, const nnb_result *b)
{
    if (b->time.min_s > a->time.max_s) return 1;
    if (b->time.max_s < a->time.min_s) return -1;
    return 0;
}

const char *nnb_compare_change_name(int change) { return change > 0 ? "slower" : change < 0 ? "faster" : ""; }

static const char *change(const nnb_result *a, const nnb_result *b)
{
    return nnb_compare_change_name(nnb_compare_change(a, b));
}

static void pair_line(FILE *out, int width, const entry *a, const entry *b, size_t *counts)
{
    char am[32], bm[32], as[80], bs[80];
    nnb_fmt_time(a->x->time.median_s, am, sizeof am);
    nnb_fmt_time(b->x->time.median_s, bm, sizeof bm);
    fmt_spread(a->x, as, sizeof as);
    fmt_spread(b->x, bs, sizeof bs);
    const char *c = change(a->x, b->x);
    counts[c[0] == 's' ? 0 : c[0] == 'f' ? 1 : 2]++;
    fprintf(out, "%-*s %-18s %3d %10s %-22s %10s %-22s %8.3g  %s\n", width, a->layer->spec, a->x->kernel,
            a->x->threads, am, as, bm, bs, b->x->time.median_s / a->x->time.median_s, c);
}

static void unpaired(FILE *out, const char *side, const entry *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!v[i].paired)
            fprintf(out, "only in %s  %s %s threads %d\n", side, v[i].layer->spec, v[i].x->kernel, v[i].x->threads);
}

size_t nnb_report_compare(FILE *out, const nnb_results_file *a, const nnb_results_file *b)
{
    size_t na = 0, nb = 0, counts[3] = {0, 0, 0};
    entry *ea = entries(a, &na), *eb = entries(b, &nb);
    if (!ea || !eb) {
        free(ea);
        free(eb);
        fputs("nnbench compare: out of memory\n", stderr);
        return 0;
    }
    nnb_report_file_line(out, "A  ", a);
    nnb_report_file_line(out, "B  ", b);
    int width = 5;
    for (size_t i = 0; i < na; i++)
        if ((int)strlen(ea[i].layer->spec) > width) width = (int)strlen(ea[i].layer->spec);
    fprintf(out, "\n%-*s %-18s %3s %10s %-22s %10s %-22s %8s  %s\n", width, "layer", "kernel", "thr", "A median",
            "A min..max", "B median", "B min..max", "B/A", "change");
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < nb; j++)
            if (!eb[j].paired && same_key(&ea[i], &eb[j])) {
                ea[i].paired = eb[j].paired = true;
                pair_line(out, width, &ea[i], &eb[j], counts);
                break;
            }
    fputc('\n', out);
    unpaired(out, "A", ea, na);
    unpaired(out, "B", eb, nb);
    fprintf(out, "%zu pairs: %zu slower, %zu faster, %zu within the spread of both (min..max of the repetitions "
                 "overlap)\n",
            counts[0] + counts[1] + counts[2], counts[0], counts[1], counts[2]);
    free(ea);
    free(eb);
    return counts[0];
}
