/* nnbench compare: two stored runs side by side (stored.h); the decision
 * per pair is results/change.h's. */
#include "report/stored.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nnbench/kernel.h"
#include "report/net_summary.h"
#include "results/change.h"
#include "results/reader.h"
#include "util/appendf.h"

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

/* A network's layer by its module name (torchvision's), else its spec. */
static const char *label(const nnb_layer_report *r) { return r->in_net && r->module[0] ? r->module : r->spec; }

/* The run-to-run variation of this comparison (results/change.h): its
 * control kernels are library kernels (nnb_kernel.library_key) whose library
 * has the same version in both files, made on the same machine. */
typedef struct noise_ctx {
    bool controls;           /* the files allow controls at all */
    const nnb_results_file *a, *b;
    nnb_change_noise noise;
} noise_ctx;

static bool same_ident(const nnb_results_file *a, const nnb_results_file *b, int i)
{
    return strcmp(a->header.ident[i], "null") != 0 && strcmp(a->header.ident[i], b->header.ident[i]) == 0;
}

static bool is_control(const noise_ctx *n, const char *kernel)
{
    if (!n->controls) return false;
    const nnb_kernel *k = nnb_kernel_find(kernel);
    if (!k || !k->library_key) return false;
    for (int i = 0; i < NNB_HEADER_IDENT_KEYS; i++)
        if (strcmp(nnb_header_ident_keys[i], k->library_key) == 0) return same_ident(n->a, n->b, i);
    return false;
}

/* One layer of one file (the HTML page's runs hold their own copies of the
 * layer records: by spec and module name, not by address). */
static bool same_layer(const nnb_layer_report *x, const nnb_layer_report *y)
{
    return x == y || (strcmp(x->spec, y->spec) == 0 && strcmp(x->module, y->module) == 0);
}

/* The control pair's B/A in the layer of (a, b), if it has one that was
 * not disturbed in either run. */
static nnb_change_control layer_control(const noise_ctx *n, const entry *a, const entry *ea, size_t na,
                                        const entry *eb, size_t nb)
{
    nnb_change_control c = {0, NULL};
    for (size_t i = 0; i < na; i++) {
        if (!same_layer(ea[i].layer, a->layer) || ea[i].x->threads != a->x->threads || !is_control(n, ea[i].x->kernel))
            continue;
        for (size_t j = 0; j < nb; j++)
            if (same_key(&ea[i], &eb[j]) && !ea[i].x->time.disturbed && !eb[j].x->time.disturbed &&
                ea[i].x->time.median_s > 0) {
                c.ratio = eb[j].x->time.median_s / ea[i].x->time.median_s;
                c.name = ea[i].x->kernel;
                return c;
            }
    }
    return c;
}

static void noise_init(noise_ctx *n, const nnb_results_file *a, const nnb_results_file *b, const entry *ea, size_t na,
                       const entry *eb, size_t nb)
{
    memset(n, 0, sizeof *n);
    n->a = a;
    n->b = b;
    n->controls = true;
    for (int i = 0; i < NNB_HEADER_IDENT_KEYS; i++)
        if (strncmp(nnb_header_ident_keys[i], "machine.", 8) == 0 && strcmp(a->header.ident[i], b->header.ident[i]) != 0)
            n->controls = false;
    double *r = malloc(sizeof *r * (na ? na : 1));
    int m = 0;
    for (size_t i = 0; r && i < na; i++) {
        if (!is_control(n, ea[i].x->kernel)) continue;
        nnb_change_control c = layer_control(n, &ea[i], ea, na, eb, nb);
        if (c.ratio > 0 && c.name == ea[i].x->kernel) r[m++] = c.ratio;
    }
    nnb_change_noise_from(r, m, &n->noise);
    free(r);
}

/* The decision for ea[i] -> eb[j] in this comparison. */
static void decide_pair(const noise_ctx *n, const entry *ea, size_t na, const entry *eb, size_t nb, size_t i, size_t j,
                        nnb_change *ch)
{
    nnb_change_control c = layer_control(n, &ea[i], ea, na, eb, nb);
    nnb_change_decide_in(&ea[i].x->time, &eb[j].x->time, &n->noise, &c, ch);
}

typedef struct counts {
    size_t slower, faster, same, undecided;
} counts;

static void count(counts *c, nnb_change_kind k)
{
    if (k == NNB_CHANGE_SLOWER) c->slower++;
    else if (k == NNB_CHANGE_FASTER) c->faster++;
    else if (k == NNB_CHANGE_UNDECIDED) c->undecided++;
    else c->same++;
}

static void change_line(FILE *out, int width, const char *what, const char *kernel, int threads, const nnb_timing *a,
                        const nnb_timing *b, const nnb_change *ch)
{
    char am[32], bm[32], as[16], bs[16], p[16] = "-";
    nnb_fmt_time(a->median_s, am, sizeof am);
    nnb_fmt_time(b->median_s, bm, sizeof bm);
    nnb_fmt_spread(a, as, sizeof as);
    nnb_fmt_spread(b, bs, sizeof bs);
    if (ch->p >= 0) snprintf(p, sizeof p, "%.2g", ch->p);
    fprintf(out, "%-*s %-18s %3d %10s %5s %10s %5s %8.3g %7s %5.0f%%  %s\n", width, what, kernel, threads, am, as, bm,
            bs, ch->ratio, p, 100 * ch->threshold, nnb_change_name(ch->kind));
}

static void unpaired(FILE *out, const char *side, const entry *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!v[i].paired)
            fprintf(out, "only in %s  %s %s threads %d\n", side, label(v[i].layer), v[i].x->kernel, v[i].x->threads);
}

/* The undecided pairs, by name, with the reason. */
static void list_undecided(FILE *out, const noise_ctx *n, const entry *ea, size_t na, const entry *eb, size_t nb)
{
    bool first = true;
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < nb; j++)
            if (same_key(&ea[i], &eb[j])) {
                nnb_change ch;
                decide_pair(n, ea, na, eb, nb, i, j, &ch);
                if (ch.kind == NNB_CHANGE_UNDECIDED) {
                    if (first) fputs("not called (a run was disturbed, its layer's control moved, or no samples):\n", out);
                    fprintf(out, "  %s %s: %s\n", label(ea[i].layer), ea[i].x->kernel, ch.why);
                    first = false;
                }
                break;
            }
}

/* A network's total as one timing: sums of the best kernels' median and
 * quartiles x repeat; disturbed when one of those layers was. */
static void net_total(const nnb_results_file *f, nnb_timing *t)
{
    memset(t, 0, sizeof *t);
    size_t o = 0, n = 0;
    for (size_t i = 0; i < f->nlayers; i++) {
        const nnb_result *b = nnb_net_best(&f->layers[i]);
        if (!b) continue;
        double rep = (double)(f->layers[i].repeat > 0 ? f->layers[i].repeat : 1);
        t->median_s += rep * b->time.median_s;
        t->p25_s += rep * (b->time.p25_s > 0 ? b->time.p25_s : b->time.median_s);
        t->p75_s += rep * (b->time.p75_s > 0 ? b->time.p75_s : b->time.median_s);
        if (b->time.disturbed) {
            nnb_appendf(t->disturbed_why, sizeof t->disturbed_why, &o, "%s%s", n ? ", " : "layers ", label(&f->layers[i]));
            n++;
            t->disturbed = true;
        }
    }
    if (o >= sizeof t->disturbed_why) snprintf(t->disturbed_why, sizeof t->disturbed_why, "%zu layers disturbed", n);
}

/* Both files a measured run of the same network: its total, decided. */
static void compare_totals(FILE *out, int width, const nnb_results_file *a, const nnb_results_file *b,
                           const noise_ctx *n, counts *c)
{
    if (!a->have_summary || !b->have_summary || strcmp(a->summary.model, b->summary.model) != 0) return;
    nnb_timing ta, tb;
    net_total(a, &ta);
    net_total(b, &tb);
    if (!(ta.median_s > 0) || !(tb.median_s > 0)) return;
    nnb_change ch;
    nnb_change_decide_total(&ta, &tb, &n->noise, &ch);
    char what[160];
    snprintf(what, sizeof what, "%s total", a->summary.model);
    fputc('\n', out);
    change_line(out, width, what, "(best per layer)", 0, &ta, &tb, &ch);
    if (ch.kind == NNB_CHANGE_UNDECIDED) fprintf(out, "  total not called: %s\n", ch.why);
    count(c, ch.kind);
}

size_t nnb_report_compare(FILE *out, const nnb_results_file *a, const nnb_results_file *b)
{
    size_t na = 0, nb = 0;
    counts c = {0, 0, 0, 0};
    entry *ea = entries(a, &na), *eb = entries(b, &nb);
    if (!ea || !eb) {
        free(ea);
        free(eb);
        fputs("nnbench compare: out of memory\n", stderr);
        return 0;
    }
    nnb_report_file_line(out, "A  ", a);
    nnb_report_file_line(out, "B  ", b);
    noise_ctx noise;
    noise_init(&noise, a, b, ea, na, eb, nb);
    int width = 5;
    for (size_t i = 0; i < na; i++)
        if ((int)strlen(label(ea[i].layer)) > width) width = (int)strlen(label(ea[i].layer));
    fprintf(out, "\n%-*s %-18s %3s %10s %5s %10s %5s %8s %7s %6s  %s\n", width, "layer", "kernel", "thr", "A median",
            "+-", "B median", "+-", "B/A", "p", "min", "change");
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < nb; j++)
            if (!eb[j].paired && same_key(&ea[i], &eb[j])) {
                ea[i].paired = eb[j].paired = true;
                nnb_change ch;
                decide_pair(&noise, ea, na, eb, nb, i, j, &ch);
                count(&c, ch.kind);
                change_line(out, width, label(ea[i].layer), ea[i].x->kernel, ea[i].x->threads, &ea[i].x->time,
                            &eb[j].x->time, &ch);
                break;
            }
    compare_totals(out, width, a, b, &noise, &c);
    fputc('\n', out);
    unpaired(out, "A", ea, na);
    unpaired(out, "B", eb, nb);
    list_undecided(out, &noise, ea, na, eb, nb);
    char floor_why[160];
    if (noise.noise.controls)
        snprintf(floor_why, sizeof floor_why, "from %d control pairs (a library of the same version, same machine): "
                 "robust sd %.1f%%", noise.noise.controls, 100 * noise.noise.control_sd);
    else
        snprintf(floor_why, sizeof floor_why, "fewer than %d control pairs: the constant", NNB_CHANGE_CONTROLS_MIN);
    fprintf(out, "%zu compared: %zu slower, %zu faster, %zu no change called, %zu undecided\n"
                 "a change is called where a Mann-Whitney test over the repetitions gives p < %.2g and B/A is beyond "
                 "the minimum effect (column min: the %.0f%% run-to-run floor, %s; or twice the quartile spread; "
                 "README \"Noise\")\n",
            c.slower + c.faster + c.same + c.undecided, c.slower, c.faster, c.same, c.undecided, NNB_CHANGE_ALPHA,
            100 * noise.noise.floor, floor_why);
    free(ea);
    free(eb);
    return c.slower;
}

struct nnb_compare_ctx {
    entry *ea, *eb;
    size_t na, nb;
    noise_ctx noise;
};

nnb_compare_ctx *nnb_compare_open(const nnb_results_file *a, const nnb_results_file *b)
{
    nnb_compare_ctx *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->ea = entries(a, &c->na);
    c->eb = entries(b, &c->nb);
    if (!c->ea || !c->eb) {
        nnb_compare_close(c);
        return NULL;
    }
    noise_init(&c->noise, a, b, c->ea, c->na, c->eb, c->nb);
    return c;
}

void nnb_compare_decide(const nnb_compare_ctx *c, const nnb_layer_report *la, const nnb_result *xa,
                        const nnb_result *xb, nnb_change *out)
{
    entry self = {la, xa, false};
    nnb_change_control ctl = layer_control(&c->noise, &self, c->ea, c->na, c->eb, c->nb);
    nnb_change_decide_in(&xa->time, &xb->time, &c->noise.noise, &ctl, out);
}

void nnb_compare_close(nnb_compare_ctx *c)
{
    if (!c) return;
    free(c->ea);
    free(c->eb);
    free(c);
}
