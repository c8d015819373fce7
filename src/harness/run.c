/* The harness for one layer: select kernels, allocate, check against the
 * reference (integer pass exact, real pass within a derived bound), time,
 * count, place on the roofline, dump. Kernels know none of this. */
#include "harness/harness.h"
#include "util/util.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/memory.h"
#include "harness/npy.h"
#include "ops/op.h"
#include "results/record.h"
#include "spec/spec.h"
#include "util/atomic_file.h"
#include "util/clock.h"
#include "util/signals.h"


int nnb_layer_report_init(nnb_layer_report *r, const nnb_layer *l, char *err, size_t len)
{
    memset(r, 0, sizeof *r);
    r->layer = *l;
    if (nnb_model_analyze(l, &r->analytic, err, len)) return NNB_EXIT_BAD_INPUT;
    nnb_spec_format_kv(l, r->spec, sizeof r->spec);
    nnb_spec_format_benchdnn(l, r->benchdnn, sizeof r->benchdnn);
    nnb_spec_format_human(l, r->human, sizeof r->human);
    return 0;
}

void nnb_layer_report_free(nnb_layer_report *r)
{
    free(r->results);
    r->results = NULL;
    r->nresults = 0;
}

/* Kernels to run: "all"/NULL = every kernel that supports the layer; else a
 * comma list, each of which must exist and support the layer. */
static int select_kernels(const char *list, const nnb_layer *l, const nnb_kernel **out, size_t *n, char *err,
                          size_t len)
{
    size_t nk;
    const nnb_kernel *const *all = nnb_kernels(&nk);
    *n = 0;
    /* "all": every kernel that supports the layer; "fast": the same but the
     * reference (which still checks them) */
    bool fast = list && strcmp(list, "fast") == 0;
    if (!list || strcmp(list, "all") == 0 || fast) {
        for (size_t i = 0; i < nk; i++)
            if (all[i]->supports(l) && !(fast && strcmp(all[i]->name, "reference") == 0)) out[(*n)++] = all[i];
        return 0;
    }
    char buf[512];
    snprintf(buf, sizeof buf, "%s", list);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        const nnb_kernel *k = nnb_kernel_find(tok);
        if (!k) return nnb_bad_input(err, len, "unknown kernel '%s'%s (see --list-kernels)", tok, nnb_kernel_unavailable(tok));
        if (!k->supports(l)) {
            char spec[256];
            if (nnb_spec_format_kv(l, spec, sizeof spec) != 0) snprintf(spec, sizeof spec, "%s", nnb_op_name(l->op));
            return nnb_bad_input(err, len, "kernel '%s' does not support %s (it is: %s)", tok, spec, k->desc);
        }
        for (size_t i = 0; i < *n; i++)
            if (out[i] == k) return nnb_bad_input(err, len, "kernel '%s' listed twice", tok);
        if (*n >= 64) return nnb_bad_input(err, len, "too many kernels");
        out[(*n)++] = k;
    }
    if (*n == 0) return nnb_bad_input(err, len, "--kernels: empty list");
    return 0;
}

/* Accumulation length of one output element: the number of terms a kernel
 * adds, bias (or the average's divide) included. The fp32 error of any
 * summation order is bounded by gamma_L * sum|terms| with
 * gamma_L = L*u/(1-L*u), u = 2^-24 (Higham). */
static int64_t accumulation_length(const nnb_layer *l)
{
    return nnb_op_get(l->op)->accum_len(l) + 1;
}

static double gamma_n(int64_t n)
{
    double u = ldexp(1.0, -24), nu = (double)n * u;
    return nu < 0.5 ? nu / (1.0 - nu) : 1.0;
}

typedef struct {
    const nnb_kernel *k;
    const nnb_layer *l;
    const nnb_tensors *t;
    void *ws;
    bool prepare; /* --time-prepare */
} run_ctx;

static void run_once(void *p)
{
    run_ctx *c = p;
    if (c->prepare) c->k->prepare(c->l, c->t, c->ws);
    c->k->run(c->l, c->t, c->ws);
}

static int dump_tensor(const char *dir, const char *name, const float *data, const int64_t *shape, int ndim,
                       char *err, size_t len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.npy", dir, name);
    if (nnb_npy_write(path, data, shape, ndim, err, len)) return NNB_EXIT_BAD_INPUT;
    return 0;
}

static int dump_layer_json(const char *dir, const nnb_layer_report *rep, char *err, size_t len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/layer.json", dir);
    nnb_atomic_file af;
    FILE *f = nnb_atomic_open(&af, path, err, len);
    if (!f) return NNB_EXIT_BAD_INPUT;
    nnb_json_layer_object(f, rep);
    fputc('\n', f);
    return nnb_atomic_commit(&af, err, len) ? NNB_EXIT_BAD_INPUT : 0;
}

void nnb_run_opts_defaults(nnb_run_opts *o)
{
    memset(o, 0, sizeof *o);
    o->check = true;
    o->threads = 1;
    nnb_measure_defaults(&o->measure);
}

int nnb_run_layer(const nnb_run_opts *o, nnb_layer_report *rep, nnb_counter_hook count, void *count_ctx,
                  char *err, size_t len)
{
    const nnb_kernel *ks[64];
    size_t nk;
    int rc = select_kernels(o->kernels, &rep->layer, ks, &nk, err, len);
    if (rc) return rc;
    return nnb_run_kernels(o, rep, ks, nk, count, count_ctx, err, len);
}

/* Everything one layer's run holds: its kernels, tensors, the reference
 * output and its error bound, the shared workspace. */
typedef struct run_state {
    const nnb_run_opts *o;
    nnb_layer_report *rep;
    const nnb_layer *l;
    const nnb_kernel *const *ks;
    size_t nk;
    const nnb_kernel *refk;
    nnb_tensors t;
    float *ref, *bound;  /* reference output; allowed |error| per element */
    void *ws;
    size_t dst_sz;
} run_state;

/* Memory plan (harness/memory.h: refused beyond available memory or
 * --max-mem, naming the need), then the buffers. Returns 0 or
 * NNB_EXIT_BAD_INPUT with err set. */
static int alloc_state(run_state *s, char *err, size_t len)
{
    nnb_mem_need need;
    bool check = s->o->check && s->refk && s->refk->supports(s->l);
    nnb_mem_plan(s->o, s->rep, s->ks, s->nk, check ? s->refk : NULL, &need);
    if (nnb_mem_check(&need, s->o->max_mem_bytes, err, len)) return NNB_EXIT_BAD_INPUT;
    int64_t ws_max = need.workspace_bytes;

    if (nnb_tensors_alloc(&s->t, s->l, err, len)) return NNB_EXIT_BAD_INPUT;
    s->dst_sz = (size_t)s->t.dst_elems * sizeof(float);
    s->ref = nnb_alloc(s->dst_sz);
    s->bound = nnb_alloc(s->dst_sz);
    s->ws = ws_max ? nnb_alloc((size_t)ws_max) : NULL;
    s->rep->results = calloc(s->nk, sizeof *s->rep->results);
    if (!s->ref || !s->bound || (ws_max && !s->ws) || !s->rep->results) {
        nnb_free(s->ref); nnb_free(s->bound); nnb_free(s->ws); nnb_tensors_free(&s->t);
        s->ref = s->bound = NULL;
        s->ws = NULL;
        return nnb_bad_input(err, len, "out of memory allocating %.1f MiB for the layer",
                            (double)need.total_bytes / (1 << 20));
    }
    s->rep->nresults = s->nk;
    return 0;
}

static void free_state(run_state *s)
{
    nnb_free(s->ref);
    nnb_free(s->bound);
    nnb_free(s->ws);
    nnb_tensors_free(&s->t);
}

static void init_results(run_state *s)
{
    for (size_t i = 0; i < s->nk; i++) {
        nnb_result *x = &s->rep->results[i];
        x->kernel = s->ks[i]->name;
        x->threads = s->o->threads;
        x->workspace_bytes = s->ks[i]->workspace_bytes ? s->ks[i]->workspace_bytes(s->l, s->o->threads) : 0;
        x->check = NNB_CHECK_SKIP;
        x->prepare_s = -1;
        snprintf(x->backend, sizeof x->backend, "none");
        nnb_result_note_blas(x); /* the record carries the BLAS it ran on */
    }
}

/* Kernel i's output into t.dst (the reference's is the stored one, so its
 * max_err and --dump file are its own wherever it stands in the list). */
static void run_for_check(run_state *s, size_t i)
{
    if (s->ks[i] == s->refk) {
        memcpy(s->t.dst, s->ref, s->dst_sz);
        return;
    }
    memset(s->t.dst, 0x7f, s->dst_sz); /* garbage, so skipped outputs show */
    nnb_kernel_prepare(s->ks[i], s->l, &s->t, s->ws);
    s->ks[i]->run(s->l, &s->t, s->ws);
}

/* Integer pass: small integers sum exactly in fp32, so every kernel must
 * match the reference bit for bit. */
static void exact_pass(run_state *s, bool *exact_fail)
{
    nnb_tensors_fill(&s->t, s->l, NNB_FILL_INT, 1);
    s->refk->run(s->l, &s->t, s->ws);
    memcpy(s->ref, s->t.dst, s->dst_sz);
    for (size_t i = 0; i < s->nk; i++) {
        if (s->ks[i] == s->refk) continue;
        run_for_check(s, i);
        exact_fail[i] = memcmp(s->t.dst, s->ref, s->dst_sz) != 0;
    }
}

/* Real pass bound: bound_j = 2 gamma_L sum|terms_j|, where sum|terms| is the
 * reference run on |inputs|. Max pooling adds nothing: exact. */
static int real_bound(run_state *s, char *err, size_t len)
{
    nnb_tensors *t = &s->t;
    if (nnb_op_get(s->l->op)->selects) { /* a max selects: exact, no bound */
        memset(s->bound, 0, s->dst_sz);
        return 0;
    }
    float *as = nnb_alloc((size_t)t->src_elems * 4), *aw = t->wei_elems ? nnb_alloc((size_t)t->wei_elems * 4) : NULL;
    float *ab = t->bias_elems ? nnb_alloc((size_t)t->bias_elems * 4) : NULL;
    if (!as || (t->wei_elems && !aw) || (t->bias_elems && !ab)) {
        nnb_free(as); nnb_free(aw); nnb_free(ab);
        return nnb_bad_input(err, len, "out of memory for the check buffers");
    }
    for (int64_t j = 0; j < t->src_elems; j++) as[j] = fabsf(t->src[j]);
    for (int64_t j = 0; j < t->wei_elems; j++) aw[j] = fabsf(t->wei[j]);
    for (int64_t j = 0; j < t->bias_elems; j++) ab[j] = fabsf(t->bias[j]);
    nnb_tensors abs_t = *t;
    abs_t.src = as; abs_t.wei = aw; abs_t.bias = ab;
    s->refk->run(s->l, &abs_t, s->ws);
    double g2 = 2.0 * gamma_n(accumulation_length(s->l));
    for (int64_t j = 0; j < t->dst_elems; j++) s->bound[j] = (float)(g2 * (double)abs_t.dst[j]) + FLT_MIN;
    nnb_free(as); nnb_free(aw); nnb_free(ab);
    return 0;
}

/* --dump: the real pass's inputs and the layer's record. */
static int dump_inputs(run_state *s, char *err, size_t len)
{
    const char *dir = s->o->dump_dir;
    nnb_op_shapes sh;
    int rc;
    nnb_op_get(s->l->op)->shapes(s->l, &sh);
    if ((rc = dump_tensor(dir, "src", s->t.src, sh.src.dim, sh.src.ndim, err, len))) return rc;
    if (sh.wei.ndim && (rc = dump_tensor(dir, "wei", s->t.wei, sh.wei.dim, sh.wei.ndim, err, len))) return rc;
    if (s->t.bias_elems) {
        int64_t sb[1] = {s->t.bias_elems};
        if ((rc = dump_tensor(dir, "bias", s->t.bias, sb, 1, err, len))) return rc;
    }
    return dump_layer_json(dir, s->rep, err, len);
}

static int dump_output(run_state *s, size_t i, char *err, size_t len)
{
    nnb_op_shapes sh;
    char name[96];
    nnb_op_get(s->l->op)->shapes(s->l, &sh);
    snprintf(name, sizeof name, "dst_%s", s->ks[i]->name);
    return dump_tensor(s->o->dump_dir, name, s->t.dst, sh.dst.dim, sh.dst.ndim, err, len);
}

/* Kernel i's real-pass output (in t.dst) against the reference within the
 * bound; fills its check and max_err. Returns true when it fails. */
static bool compare_output(run_state *s, size_t i, bool exact_fail)
{
    nnb_result *x = &s->rep->results[i];
    double worst = 0;
    bool bad = exact_fail;
    for (int64_t j = 0; j < s->t.dst_elems; j++) {
        double d = fabs((double)s->t.dst[j] - (double)s->ref[j]);
        if (!(d <= (double)s->bound[j])) bad = true; /* NaN-safe */
        if (d > worst || d != d) worst = d;
    }
    x->max_err = worst;
    x->check = s->ks[i] == s->refk ? NNB_CHECK_PASS : bad ? NNB_CHECK_FAIL : NNB_CHECK_PASS;
    if (bad)
        fprintf(stderr, "nnbench: CHECK FAILED: kernel %s on %s (integer pass %s, max |err| %.3g)\n",
                s->ks[i]->name, s->rep->spec, exact_fail ? "differs" : "exact", worst);
    return bad;
}

/* Check: integer pass (exact), then real pass (bounded). *status becomes
 * NNB_EXIT_CHECK_FAILED when a kernel fails. Returns 0 or an exit code. */
static int check_kernels(run_state *s, int *status, char *err, size_t len)
{
    if (!s->o->quiet)
        fprintf(stderr, "nnbench: checking %zu kernel%s on %s ...\n", s->nk, s->nk == 1 ? "" : "s",
                s->l->name[0] ? s->l->name : s->rep->human);
    bool exact_fail[64] = {false};
    exact_pass(s, exact_fail);
    nnb_tensors_fill(&s->t, s->l, NNB_FILL_REAL, 2);
    int rc = real_bound(s, err, len);
    if (rc) return rc;
    s->refk->run(s->l, &s->t, s->ws);
    memcpy(s->ref, s->t.dst, s->dst_sz);
    if (s->o->dump_dir && (rc = dump_inputs(s, err, len))) return rc;
    for (size_t i = 0; i < s->nk; i++) {
        run_for_check(s, i);
        if (compare_output(s, i, exact_fail[i])) *status = NNB_EXIT_CHECK_FAILED;
        if (s->o->dump_dir && (rc = dump_output(s, i, err, len))) return rc;
    }
    return 0;
}

/* The watch's verdict on stderr: a measurement that never settled, or one
 * that had to be taken again. */
static void note_disturbance(const char *kernel, const nnb_timing *t)
{
    if (t->disturbed)
        fprintf(stderr, "nnbench: %s: disturbed: %s; its time is not to be trusted\n", kernel, t->disturbed_why);
    else if (t->attempts > 1)
        fprintf(stderr, "nnbench: %s: re-measured (%d attempts; the first was %s)\n", kernel, t->attempts,
                t->remeasured_why);
}

/* Times kernel i (prepare once, untimed, unless --time-prepare), then
 * hands it to the counter hook. */
static int time_kernel(run_state *s, size_t i, nnb_counter_hook count, void *count_ctx, char *err, size_t len)
{
    const nnb_kernel *k = s->ks[i];
    const nnb_analytic *a = &s->rep->analytic;
    nnb_result *x = &s->rep->results[i];
    run_ctx c = {k, s->l, &s->t, s->ws, s->o->time_prepare && k->prepare};
    x->prepare_timed = c.prepare;
    if (!s->o->quiet) fprintf(stderr, isatty(2) ? "nnbench: timing %-18s ...\r" : "nnbench: timing %s ...\n", k->name);
    if (k->prepare) {
        double t0 = nnb_now_s();
        k->prepare(s->l, &s->t, s->ws);
        x->prepare_s = nnb_now_s() - t0;
    }
    /* a kernel with its own layouts (onednn) keeps them between timed runs;
     * with --time-prepare the reorders to and from NCHW are timed too */
    bool bracket = k->timed && !c.prepare;
    if (bracket) k->timed(s->l, &s->t, s->ws, true);
    int rc = 0;
    nnb_measure_opts mo = s->o->measure;
    mo.threads = s->o->threads; /* the watch looks at this team's cores */
    if (nnb_measure(run_once, &c, &mo, &x->time))
        rc = nnb_bad_input(err, len, "out of memory for the cache-flush buffer");
    else if (!s->o->quiet) note_disturbance(k->name, &x->time);
    if (!rc && k->impl) nnb_copy_str(x->impl, sizeof x->impl, k->impl(s->l));
    x->gflops = x->time.median_s > 0 ? (double)a->flops / x->time.median_s * 1e-9 : 0;
    x->gbs = x->time.median_s > 0 ? (double)a->bytes_min / x->time.median_s * 1e-9 : 0;
    if (!rc && count) rc = count(count_ctx, s->rep, k, &s->t, s->ws, x, err, len);
    if (bracket) k->timed(s->l, &s->t, s->ws, false);
    return rc;
}

int nnb_run_kernels(const nnb_run_opts *o, nnb_layer_report *rep, const nnb_kernel *const *ks, size_t nk,
                    nnb_counter_hook count, void *count_ctx, char *err, size_t len)
{
    if (nk > 64) return nnb_bad_input(err, len, "too many kernels");
    if (nk == 0) {
        fprintf(stderr, "nnbench: no kernel implements %s; analytic model only\n", nnb_op_name(rep->layer.op));
        return 0;
    }
    run_state s = {.o = o, .rep = rep, .l = &rep->layer, .ks = ks, .nk = nk, .refk = nnb_kernel_find("reference")};
    int rc = alloc_state(&s, err, len);
    if (rc) return rc;
    int status = 0;
    if (o->dump_dir && mkdir(o->dump_dir, 0777) != 0 && errno != EEXIST) {
        rc = nnb_bad_input(err, len, "--dump %s: cannot create directory: %s", o->dump_dir, strerror(errno));
        goto out;
    }
    init_results(&s);
    if (o->check && s.refk && s.refk->supports(s.l)) {
        if ((rc = check_kernels(&s, &status, err, len))) goto out;
    } else {
        nnb_tensors_fill(&s.t, s.l, NNB_FILL_REAL, 2);
    }
    for (size_t i = 0; i < nk; i++) {
        /* SIGINT/SIGTERM (util/signals.h): keep only the kernels already complete */
        if (nnb_stop_signal()) { rep->nresults = i; break; }
        rc = time_kernel(&s, i, count, count_ctx, err, len);
        if (rc && nnb_stop_signal()) { rep->nresults = i; break; } /* a child killed by the same signal */
        if (rc) goto out;
    }
    if (isatty(2) && !o->quiet) fprintf(stderr, "%60s\r", "");
    rc = status;
out:
    free_state(&s);
    return rc;
}
