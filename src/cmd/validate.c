/* `nnbench validate`: executed FLOPs (valgrind backend) against every named
 * FLOP convention. See include/nnbench/validate.h. */
#include "cmd/validate.h"
#include "cmd/options.h"
#include "cmd/validate_verdict.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counters/counters.h"
#include "harness/verdict.h"
#include "machine/isa.h"
#include "nnbench/kernel.h"
#include "nnbench/model.h"
#include "spec/spec.h"
#include "util/signals.h"
#include "util/atomic_file.h"

typedef struct suite_layer {
    const char *what;
    const char *spec;
} suite_layer;

static const suite_layer suite[] = {
    {"conv 3x3, no padding", "conv:c=8,h=10,k=16,r=3"},
    {"conv 3x3, pad 1", "conv:c=8,h=12,k=8,r=3,pad=1"},
    {"conv 3x3, stride 2, pad 1", "conv:c=8,h=13,k=8,r=3,stride=2,pad=1"},
    {"conv 3x3, dilation 2, pad 2", "conv:c=8,h=14,k=8,r=3,dil=2,pad=2"},
    {"conv 1x1, no bias", "conv:c=16,h=8,k=16,r=1,bias=0"},
    {"grouped conv 3x3, 4 groups", "conv:c=16,h=10,k=16,r=3,pad=1,g=4"},
    {"depthwise conv 3x3", "conv:c=16,h=12,k=16,r=3,pad=1,g=16"},
    {"transposed conv 3x3, stride 2", "deconv:c=8,h=6,k=8,r=3,stride=2,pad=1,outpad=1"},
    {"fully connected", "fc:c=128,k=32"},
    {"max pool 2x2, stride 2", "maxpool:c=8,h=12,r=2,stride=2"},
    {"avg pool 3x3, stride 1", "avgpool:c=8,h=10,r=3,stride=1"},
    /* issue 11: correct kernels whose excess work only their models explain */
    {"conv 3x3 on 20-wide rows", "conv:c=16,h=20,k=24,r=3,pad=1"},
    {"depthwise 3x3 on 14-wide rows", "conv:c=16,h=14,k=16,r=3,pad=1,g=16"},
    {"small transposed conv, stride 2", "deconv:c=8,h=6,k=8,r=3,stride=2,pad=1,outpad=1"},
};

#define MAX_KERNELS 16
#define MAX_LAYERS 64

/* The oracle (the reference kernel, plain loops) executes exact counts:
 * 0.5% leaves room for a few stray instructions, and still tells a bias add
 * or a padding tap apart. Every other kernel declares its own tolerance
 * (OpenBLAS-based 5%, hand-vectorised 2%: issue 4). */
#define ORACLE_FLOPS_TOLERANCE 0.005

static double tolerance(const nnb_kernel *k)
{
    return k == nnb_kernel_find("reference") ? ORACLE_FLOPS_TOLERANCE : nnb_kernel_flops_tolerance(k);
}

static bool matches(double executed, double formula, double tol)
{
    if (formula < 0) return false;
    if (formula == 0) return executed == 0;
    return fabs(executed - formula) <= tol * formula;
}

static bool kernel_selected(const char *list, const char *name)
{
    if (!list) return true;
    if (strcmp(list, "none") == 0) return false;
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && strncmp(p, name, n) == 0) return true;
        p += len;
        if (*p == ',') p++;
    }
    return false;
}

static int check_kernel_list(const char *list, char *err, size_t len)
{
    if (!list || strcmp(list, "none") == 0) return 0;
    char buf[256];
    if (strlen(list) >= sizeof buf || strspn(list, ",") == strlen(list)) {
        snprintf(err, len, "--kernels needs a comma list of kernels or 'none' (at most %zu bytes)", sizeof buf - 1);
        return -1;
    }
    snprintf(buf, sizeof buf, "%s", list);
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ","))
        if (!nnb_kernel_find(tok)) {
            snprintf(err, len, "unknown kernel '%s' in --kernels%s", tok, nnb_kernel_unavailable(tok));
            return -1;
        }
    return 0;
}

/* Every kernel's executed FLOPs and data bytes against its own work model (for the ISA the
 * counted run took); returns how many are unexplained. */
static int check_work_models(const nnb_layer *l, const nnb_analytic *a, const nnb_kernel *const *ks,
                             const nnb_counts *counts, int nk)
{
    int unexplained = 0;
    const int isa = nnb_counter_isa(&nnb_counter_valgrind);
    printf("  work models (%s paths):\n", nnb_isa_name((nnb_isa)isa));
    for (int k = 0; k < nk; k++) {
        nnb_work w;
        nnb_kernel_work(ks[k], l, a, 1, isa, &w);
        nnb_result x;
        memset(&x, 0, sizeof x);
        x.have_flops = true;
        x.flops = counts[k].flops;
        x.have_dram = counts[k].have_dram;
        x.dram_bytes = counts[k].dram_bytes;
        nnb_result_traffic(&x, &counts[k]);
        nnb_work_verdicts(a, &w, &x);
        if (!x.have_work) {
            printf("    %-18s no model: %s\n", ks[k]->name, w.why);
            continue;
        }
        printf("    %-18s model %12.0f  executed %12.0f  x%.4f  useful %.3f  %-11s %s\n", ks[k]->name, w.flops,
               x.flops, w.flops > 0 ? x.flops / w.flops : 0.0, x.useful_fraction, x.verdict_work_flops,
               x.verdict_work_flops_why);
        if (x.verdict_work_bytes[0])
            printf("    %-18s bytes %12.0f  counted  %12.0f  x%.4f  %-11s %s\n", "", w.bytes, x.dram_bytes,
                   x.dram_bytes / w.bytes, x.verdict_work_bytes, x.verdict_work_bytes_why);
        unexplained += strcmp(x.verdict_work_flops, "unexplained") == 0;
        /* the oracle's traffic is no contender's: shown, not judged */
        unexplained += strcmp(x.verdict_work_bytes, "unexplained") == 0 && k > 0;
    }
    if (unexplained)
        printf("  work models: FAIL: %d count%s (FLOPs or bytes) the kernels' models do not explain\n", unexplained,
               unexplained == 1 ? "" : "s");
    return unexplained;
}

/* validate_layer's answer when a stop signal came (util/signals.h) */
#define VALIDATE_STOPPED 3

/* Each kernel's executed FLOPs under valgrind, one thread. 0, 2 with one
 * line on stderr, or VALIDATE_STOPPED between kernels (a count killed by
 * the same signal, e.g. Ctrl-C reaching valgrind too, is no error). */
static int count_kernels(const nnb_layer *l, const char *canon, const nnb_kernel *const *ks, int nk,
                         const nnb_count_request *how, double *exec, nnb_counts *counts)
{
    char err[512];
    for (int k = 0; k < nk; k++) {
        if (nnb_stop_signal()) return VALIDATE_STOPPED;
        nnb_counts c;
        nnb_count_request rq = *how;
        rq.layer = l;
        rq.spec = canon;
        rq.kernel = ks[k];
        rq.threads = 1;
        if (nnb_counter_valgrind.measure(&rq, &c, err, sizeof err) != 0) {
            if (nnb_stop_signal()) return VALIDATE_STOPPED;
            fprintf(stderr, "nnbench validate: %s on %s: %s\n", ks[k]->name, canon, err);
            return 2;
        }
        if (!c.have_flops) {
            fprintf(stderr, "nnbench validate: %s on %s: FLOPs not counted (%s)\n", ks[k]->name, canon, c.note);
            return 2;
        }
        exec[k] = c.flops;
        counts[k] = c;
    }
    return 0;
}

/* Every formula's value and its PASS/FAIL per kernel; the values go to
 * the conclusion. */
static void print_formulas(const nnb_layer *l, const nnb_analytic *a, const nnb_kernel *const *ks, const double *exec,
                           int nk, nnb_vv *vv)
{
    /* ours: dense, and the valid-tap variant (padding MACs skipped) */
    double dense = (double)a->flops;
    double valid = dense - 2.0 * (double)(a->macs - a->macs_valid);
    size_t nconv;
    const nnb_convention *conv = nnb_conventions(&nconv);
    double values[NNB_VV_MAX_FORMULAS];
    const char *names[NNB_VV_MAX_FORMULAS], *models[NNB_VV_MAX_FORMULAS], *whats[NNB_VV_MAX_FORMULAS];
    for (size_t f = 0; f <= nconv; f++) {
        const char *name;
        double v;
        if (f < nconv) {
            name = conv[f].models;
            v = conv[f].flops(l, a);
        } else {
            name = "nnbench-valid";
            v = valid;
        }
        if (f < NNB_VV_MAX_FORMULAS) {
            values[f] = v;
            names[f] = f < nconv ? conv[f].name : name;
            models[f] = name;
            whats[f] = f < nconv ? conv[f].what : "2 x MACs over in-bounds taps + bias adds";
        }
        printf("  %-25s ", name);
        if (v < 0) printf("%14s", "n/a");
        else printf("%14.0f", v);
        for (int k = 0; k < nk; k++) {
            if (v < 0) {
                printf("  %-18s", "-");
                continue;
            }
            bool ok = matches(exec[k], v, tolerance(ks[k]));
            char cell[32];
            if (v > 0) snprintf(cell, sizeof cell, "%s %.4f", ok ? "PASS" : "FAIL", exec[k] / v);
            else snprintf(cell, sizeof cell, "%s", ok ? "PASS" : "FAIL");
            printf("  %-18s", cell);
        }
        printf("\n");
    }
    nnb_vv_add(vv, l, a, values, names, models, whats, (int)(nconv + 1), exec[0], ORACLE_FLOPS_TOLERANCE);
}

/* Validates one layer; returns 0 ours passes, 1 ours fails, 2 error,
 * VALIDATE_STOPPED. */
static int validate_layer(int idx, int total, const char *what, const char *spec, const char *klist,
                          const nnb_count_request *how, int *ours_pass_valid, nnb_vv *vv)
{
    nnb_layer l;
    nnb_analytic a;
    char err[512];
    if (nnb_spec_parse(spec, &l, err, sizeof err) != 0 || nnb_model_analyze(&l, &a, err, sizeof err) != 0) {
        fprintf(stderr, "nnbench validate: %s\n", err);
        return 2;
    }
    char canon[320];
    if (nnb_spec_format_kv(&l, canon, sizeof canon) < 0) snprintf(canon, sizeof canon, "%s", spec);

    const nnb_kernel *ks[MAX_KERNELS];
    double exec[MAX_KERNELS];
    nnb_counts counts[MAX_KERNELS];
    int nk = 0;
    size_t count;
    const nnb_kernel *const *all = nnb_kernels(&count);
    for (size_t i = 0; i < count && nk < MAX_KERNELS; i++) {
        bool is_ref = strcmp(all[i]->name, "reference") == 0;
        if (!all[i]->supports(&l)) continue;
        if (!is_ref && !kernel_selected(klist, all[i]->name)) continue;
        ks[nk++] = all[i];
    }
    printf("\n[%d/%d] %s: %s\n", idx, total, what, canon);
    if (nk == 0 || strcmp(ks[0]->name, "reference") != 0) {
        fprintf(stderr, "nnbench validate: the reference kernel does not support %s\n", canon);
        return 2;
    }
    int crc = count_kernels(&l, canon, ks, nk, how, exec, counts);
    if (crc) return crc;

    printf("  executed FLOPs (valgrind):");
    for (int k = 0; k < nk; k++) printf("  %s %.0f", ks[k]->name, exec[k]);
    printf("\n  %-25s %14s", "formula: docs/conventions", "value");
    for (int k = 0; k < nk; k++) printf("  %-18s", ks[k]->name);
    printf("\n");

    print_formulas(&l, &a, ks, exec, nk, vv);
    double dense = (double)a.flops;
    double valid = dense - 2.0 * (double)(a.macs - a.macs_valid);
    if (check_work_models(&l, &a, ks, counts, nk)) return 1;
    double tol = ORACLE_FLOPS_TOLERANCE;
    bool pass_dense = matches(exec[0], dense, tol), pass_valid = matches(exec[0], valid, tol);
    if (pass_dense) {
        printf("  ours: PASS (reference executes the dense count, x%.4f)\n", exec[0] / dense);
        return 0;
    }
    if (pass_valid) {
        (*ours_pass_valid)++;
        printf("  ours: PASS (reference skips padding taps: executes the valid-tap count, x%.4f; "
               "dense count x%.4f)\n", exec[0] / valid, exec[0] / dense);
        return 0;
    }
    /* the oracle's vectorised rows compute lanes past the row end: its own
     * model (the dense count scaled per output row, kernels/reference_work.c,
     * checked against counts in test_work_models) says what the dense count
     * executes as */
    nnb_work ref;
    nnb_kernel_work(ks[0], &l, &a, 1, nnb_counter_isa(&nnb_counter_valgrind), &ref);
    if (ref.flops != dense && ref.flops != valid && matches(exec[0], ref.flops, tol)) {
        printf("  ours: PASS (reference executes the dense count in its vectorised rows: x%.4f of it, as its "
               "model says: %s)\n", exec[0] / dense, ref.why);
        return 0;
    }
    printf("  ours: FAIL: reference executed %.0f FLOPs; dense formula %.0f (x%.4f), valid-tap %.0f (x%.4f)\n",
           exec[0], dense, exec[0] / dense, valid, valid > 0 ? exec[0] / valid : 0.0);
    return 1;
}

/* The conclusion as a file, whole or not at all (NULL path: none). */
static int write_conclusion(const char *path, void (*fn)(FILE *, const nnb_vv *), const nnb_vv *vv)
{
    if (!path) return 0;
    char err[512];
    nnb_atomic_file af;
    FILE *f = nnb_atomic_open(&af, path, err, sizeof err);
    if (f) fn(f, vv);
    if (!f || nnb_atomic_commit(&af, err, sizeof err)) {
        fprintf(stderr, "nnbench validate: %s\n", err);
        return -1;
    }
    return 0;
}

int nnb_validate_main(int argc, char **argv)
{
    const char *layers[MAX_LAYERS];
    int nl = 0;
    const char *klist = NULL, *json = NULL, *html = NULL;
    nnb_count_request how = {.quiet = false}; /* --quiet, --recount */
    char err0[512];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--quiet") == 0 || strcmp(a, "--recount") == 0) {
            *(a[2] == 'q' ? &how.quiet : &how.recount) = true;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            printf("usage: nnbench validate [--layer SPEC]... [--kernels a,b|none] [--quiet] [--recount]\n"
                   "                        [--json FILE] [--html FILE]\n"
                   "Runs a suite of small layers under valgrind and shows which FLOP formula matches\n"
                   "the executed instructions, and holds every kernel's FLOPs and data bytes against its own work model.\n"
                   "Exit 1 when ours fails on a layer or a kernel's count is unexplained by its model.\n"
                   "Counts are reused from the count cache while the binary, its libraries and the\n"
                   "machine are the same; --recount counts everything again.\n"
                   "Ends with the conclusion: per formula, the count it is, on how many layers it matches\n"
                   "what executed, the factor it is off elsewhere and why; --json/--html FILE write it too.\n");
            return 0;
        } else if (strcmp(a, "--json") == 0 || strcmp(a, "--html") == 0) {
            if (i + 1 >= argc || nnb_opt_path(a, argv[i + 1], err0, sizeof err0)) {
                fprintf(stderr, "nnbench validate: %s needs a file name\n", a);
                return 2;
            }
            *(a[2] == 'j' ? &json : &html) = argv[++i];
        } else if (strcmp(a, "--layer") == 0 || strcmp(a, "--kernels") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "nnbench validate: %s needs a value\n", a);
                return 2;
            }
            if (a[2] == 'l') {
                if (nl == MAX_LAYERS) {
                    fprintf(stderr, "nnbench validate: at most %d --layer options\n", MAX_LAYERS);
                    return 2;
                }
                layers[nl++] = argv[++i];
            } else {
                klist = argv[++i];
            }
        } else {
            fprintf(stderr, "nnbench validate: unknown option '%s' (try --help)\n", a);
            return 2;
        }
    }
    char err[512];
    if (nnb_env_check(err, sizeof err) != 0 || check_kernel_list(klist, err, sizeof err) != 0) {
        fprintf(stderr, "nnbench validate: %s\n", err);
        return 2;
    }
    nnb_signals_install(true); /* stops after the kernel being counted (util/signals.h) */
    if (nnb_counter_valgrind.probe(NULL, err, sizeof err) != 0) {
        fprintf(stderr, "nnbench validate: needs the valgrind counter backend: %s\n", err);
        return 2;
    }
    /* layers given on the command line are checked before anything runs */
    for (int i = 0; i < nl; i++) {
        nnb_layer l;
        if (nnb_spec_parse(layers[i], &l, err, sizeof err) != 0) {
            fprintf(stderr, "nnbench validate: %s\n", err);
            return 2;
        }
    }
    int total = nl ? nl : (int)(sizeof suite / sizeof suite[0]);
    printf("nnbench validate: executed FLOPs = decoded instructions counted under valgrind (callgrind),\n"
           "against every formula; PASS within 0.5%% for reference, 2%% for other kernels, 5%% for OpenBLAS\n"
           "kernels; the number after PASS/FAIL is executed/formula; each kernel's work model: exact or\n"
           "explained within 1%% (ours) / 5%% (OpenBLAS, oneDNN), else unexplained (exit 1)\n");
    int fails = 0, valid_passes = 0;
    char failed[512] = "";
    nnb_vv vv;
    nnb_vv_init(&vv);
    for (int i = 0; i < total; i++) {
        const char *what = nl ? "layer" : suite[i].what;
        const char *spec = nl ? layers[i] : suite[i].spec;
        int rc = nnb_stop_signal() ? VALIDATE_STOPPED : validate_layer(i + 1, total, what, spec, klist, &how, &valid_passes, &vv);
        if (rc == VALIDATE_STOPPED) /* the rows of the layers done are above */
            return nnb_stopped("nnbench validate", "%d of %d layer%s (%d failed; counts taken are in the count cache)",
                               i, total, total == 1 ? "" : "s", fails);
        if (rc == 2) return 2;
        if (rc == 1) {
            size_t n = strlen(failed);
            snprintf(failed + n, sizeof failed - n, "%s%s", n ? "; " : "", what);
        }
        fails += rc;
    }
    printf("\nours (nnbench): %s: matches the reference kernel on %d of %d layers", fails ? "FAIL" : "PASS",
           total - fails, total);
    if (valid_passes)
        printf(" (%d by the valid-tap count: the reference kernel skips padding taps)", valid_passes);
    if (fails) printf("; fails on: %s", failed);
    printf("\n");
    nnb_vv_print(stdout, &vv);
    if (write_conclusion(json, nnb_vv_json, &vv) || write_conclusion(html, nnb_vv_html, &vv)) return 2;
    return fails ? 1 : 0;
}
