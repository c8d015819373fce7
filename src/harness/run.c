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

#include "harness/npy.h"
#include "spec/spec.h"
#include "report/report.h"
#include "spec/spec.h"


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
 * adds, bias included. The fp32 error of any summation order is bounded by
 * gamma_L * sum|terms| with gamma_L = L*u/(1-L*u), u = 2^-24 (Higham). */
static int64_t accumulation_length(const nnb_layer *l)
{
    switch (l->op) {
    case NNB_OP_CONV: return l->c / l->groups * l->kh * l->kw + 1;
    case NNB_OP_DECONV: return l->k / l->groups * l->kh * l->kw + 1; /* scatter: c/g inputs x taps reach one output */
    case NNB_OP_FC: return l->c * l->h * l->w + 1;
    case NNB_OP_POOL_AVG: return l->kh * l->kw + 1;
    default: return 1;
    }
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

static int64_t phys_bytes(void) /* unknown: no limit */
{
    int64_t b = nnb_phys_memory_bytes();
    return b > 0 ? b : INT64_MAX;
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
    char path[4096], tmp[4200];
    snprintf(path, sizeof path, "%s/layer.json", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) return nnb_bad_input(err, len, "%s: cannot write: %s", path, strerror(errno));
    nnb_json_layer_object(f, rep);
    fputc('\n', f);
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        unlink(tmp);
        return nnb_bad_input(err, len, "%s: cannot write: %s", path, strerror(errno));
    }
    return 0;
}

static void tensor_shapes(const nnb_layer *l, int64_t src[4], int *ns, int64_t wei[4], int *nw, int64_t dst[4],
                          int *nd)
{
    src[0] = l->n; src[1] = l->c; src[2] = l->h; src[3] = l->w; *ns = 4;
    dst[0] = l->n; dst[1] = l->k; dst[2] = l->oh; dst[3] = l->ow; *nd = 4;
    *nw = 4;
    switch (l->op) {
    case NNB_OP_CONV: wei[0] = l->k; wei[1] = l->c / l->groups; wei[2] = l->kh; wei[3] = l->kw; break;
    case NNB_OP_DECONV: wei[0] = l->c; wei[1] = l->k / l->groups; wei[2] = l->kh; wei[3] = l->kw; break;
    case NNB_OP_FC:
        wei[0] = l->k; wei[1] = l->c * l->h * l->w; *nw = 2;
        dst[0] = l->n; dst[1] = l->k; *nd = 2;
        break;
    default: *nw = 0; break;
    }
}

int nnb_run_layer(const nnb_options *o, nnb_layer_report *rep, nnb_counter_hook count, void *count_ctx,
                  char *err, size_t len)
{
    const nnb_kernel *ks[64];
    size_t nk;
    int rc = select_kernels(o->kernels, &rep->layer, ks, &nk, err, len);
    if (rc) return rc;
    return nnb_run_kernels(o, rep, ks, nk, count, count_ctx, err, len);
}

int nnb_run_kernels(const nnb_options *o, nnb_layer_report *rep, const nnb_kernel *const *ks, size_t nk,
                    nnb_counter_hook count, void *count_ctx, char *err, size_t len)
{
    const nnb_layer *l = &rep->layer;
    const nnb_analytic *a = &rep->analytic;
    int rc;
    if (nk > 64) return nnb_bad_input(err, len, "too many kernels");
    if (nk == 0) {
        fprintf(stderr, "nnbench: no kernel implements %s; analytic model only\n", nnb_op_name(l->op));
        return 0;
    }
    /* memory plan: tensors + two reference copies + abs-sum + workspace */
    int64_t ws_max = 0;
    int threads = o->threads;
    for (size_t i = 0; i < nk; i++) {
        int64_t w = ks[i]->workspace_bytes ? ks[i]->workspace_bytes(l, threads) : 0;
        if (w > ws_max) ws_max = w;
    }
    double need = (double)a->src_bytes + (double)a->wei_bytes + (double)a->bias_bytes + 4.0 * (double)a->dst_bytes +
                  (double)ws_max;
    if (o->dump_dir) need += (double)a->src_bytes + (double)a->wei_bytes;
    if (need > 0.8 * (double)phys_bytes())
        return nnb_bad_input(err, len, "layer needs %.1f GiB of buffers; this machine has %.1f GiB of memory",
                    need / (1 << 30), (double)phys_bytes() / (1 << 30));

    nnb_tensors t;
    if (nnb_tensors_alloc(&t, l, err, len)) return NNB_EXIT_BAD_INPUT;
    size_t dst_sz = (size_t)t.dst_elems * sizeof(float);
    float *ref = nnb_alloc(dst_sz), *bound = nnb_alloc(dst_sz);
    void *ws = ws_max ? nnb_alloc((size_t)ws_max) : NULL;
    rep->results = calloc(nk, sizeof *rep->results);
    if (!ref || !bound || (ws_max && !ws) || !rep->results) {
        nnb_free(ref); nnb_free(bound); nnb_free(ws); nnb_tensors_free(&t);
        return nnb_bad_input(err, len, "out of memory allocating %.1f MiB for the layer", need / (1 << 20));
    }
    rep->nresults = nk;
    const nnb_kernel *refk = nnb_kernel_find("reference");
    int status = 0;
    if (o->dump_dir && mkdir(o->dump_dir, 0777) != 0 && errno != EEXIST) {
        rc = nnb_bad_input(err, len, "--dump %s: cannot create directory: %s", o->dump_dir, strerror(errno));
        goto out;
    }

    for (size_t i = 0; i < nk; i++) {
        nnb_result *x = &rep->results[i];
        x->kernel = ks[i]->name;
        x->threads = threads;
        x->workspace_bytes = ks[i]->workspace_bytes ? ks[i]->workspace_bytes(l, threads) : 0;
        x->check = NNB_CHECK_SKIP;
        x->prepare_s = -1;
        snprintf(x->backend, sizeof x->backend, "none");
    }

    /* ---- check: integer pass (exact), real pass (bounded) ---- */
    if (o->check && refk && refk->supports(l)) {
        fprintf(stderr, "nnbench: checking %zu kernel%s on %s ...\n", nk, nk == 1 ? "" : "s",
                l->name[0] ? l->name : rep->human);
        nnb_tensors_fill(&t, l, NNB_FILL_INT, 1);
        refk->run(l, &t, ws);
        memcpy(ref, t.dst, dst_sz);
        bool exact_fail[64] = {false};
        for (size_t i = 0; i < nk; i++) {
            if (ks[i] == refk) continue;
            memset(t.dst, 0x7f, dst_sz); /* garbage, so skipped outputs show */
            nnb_kernel_prepare(ks[i], l, &t, ws);
            ks[i]->run(l, &t, ws);
            exact_fail[i] = memcmp(t.dst, ref, dst_sz) != 0;
        }
        /* real pass: bound_i = 2 gamma_L sum|terms_i|, sum|terms| = reference on |inputs| */
        nnb_tensors_fill(&t, l, NNB_FILL_REAL, 2);
        bool max_op = l->op == NNB_OP_POOL_MAX;
        if (!max_op) {
            float *s0 = t.src, *w0 = t.wei, *b0 = t.bias;
            float *as = nnb_alloc((size_t)t.src_elems * 4), *aw = t.wei_elems ? nnb_alloc((size_t)t.wei_elems * 4) : NULL;
            float *ab = t.bias_elems ? nnb_alloc((size_t)t.bias_elems * 4) : NULL;
            if (!as || (t.wei_elems && !aw) || (t.bias_elems && !ab)) {
                nnb_free(as); nnb_free(aw); nnb_free(ab);
                rc = nnb_bad_input(err, len, "out of memory for the check buffers");
                goto out;
            }
            for (int64_t j = 0; j < t.src_elems; j++) as[j] = fabsf(s0[j]);
            for (int64_t j = 0; j < t.wei_elems; j++) aw[j] = fabsf(w0[j]);
            for (int64_t j = 0; j < t.bias_elems; j++) ab[j] = fabsf(b0[j]);
            nnb_tensors abs_t = t;
            abs_t.src = as; abs_t.wei = aw; abs_t.bias = ab;
            refk->run(l, &abs_t, ws);
            double g2 = 2.0 * gamma_n(accumulation_length(l));
            for (int64_t j = 0; j < t.dst_elems; j++) bound[j] = (float)(g2 * (double)abs_t.dst[j]) + FLT_MIN;
            nnb_free(as); nnb_free(aw); nnb_free(ab);
        } else {
            memset(bound, 0, dst_sz);
        }
        refk->run(l, &t, ws);
        memcpy(ref, t.dst, dst_sz);
        if (o->dump_dir) {
            int64_t ss[4], sw[4], sd[4];
            int ns, nw, nd;
            tensor_shapes(l, ss, &ns, sw, &nw, sd, &nd);
            if ((rc = dump_tensor(o->dump_dir, "src", t.src, ss, ns, err, len))) goto out;
            if (nw && (rc = dump_tensor(o->dump_dir, "wei", t.wei, sw, nw, err, len))) goto out;
            if (t.bias_elems) {
                int64_t sb[1] = {t.bias_elems};
                if ((rc = dump_tensor(o->dump_dir, "bias", t.bias, sb, 1, err, len))) goto out;
            }
            if ((rc = dump_layer_json(o->dump_dir, rep, err, len))) goto out;
        }
        for (size_t i = 0; i < nk; i++) {
            nnb_result *x = &rep->results[i];
            if (ks[i] != refk) {
                memset(t.dst, 0x7f, dst_sz);
                nnb_kernel_prepare(ks[i], l, &t, ws);
                ks[i]->run(l, &t, ws);
            }
            double worst = 0;
            bool bad = exact_fail[i];
            for (int64_t j = 0; j < t.dst_elems; j++) {
                double d = fabs((double)t.dst[j] - (double)ref[j]);
                if (!(d <= (double)bound[j])) bad = true; /* NaN-safe */
                if (d > worst || d != d) worst = d;
            }
            x->max_err = worst;
            x->check = ks[i] == refk ? NNB_CHECK_PASS : bad ? NNB_CHECK_FAIL : NNB_CHECK_PASS;
            if (bad) {
                status = NNB_EXIT_CHECK_FAILED;
                fprintf(stderr, "nnbench: CHECK FAILED: kernel %s on %s (integer pass %s, max |err| %.3g)\n",
                        ks[i]->name, rep->spec, exact_fail[i] ? "differs" : "exact", worst);
            }
            if (o->dump_dir) {
                int64_t ss[4], sw[4], sd[4];
                int ns, nw, nd;
                char name[96];
                tensor_shapes(l, ss, &ns, sw, &nw, sd, &nd);
                snprintf(name, sizeof name, "dst_%s", ks[i]->name);
                if ((rc = dump_tensor(o->dump_dir, name, t.dst, sd, nd, err, len))) goto out;
            }
        }
    } else {
        nnb_tensors_fill(&t, l, NNB_FILL_REAL, 2);
    }

    /* ---- time, count, place ---- */
    for (size_t i = 0; i < nk; i++) {
        nnb_result *x = &rep->results[i];
        run_ctx c = {ks[i], l, &t, ws, o->time_prepare && ks[i]->prepare};
        x->prepare_timed = c.prepare;
        if (isatty(2)) fprintf(stderr, "nnbench: timing %-18s ...\r", ks[i]->name);
        else fprintf(stderr, "nnbench: timing %s ...\n", ks[i]->name);
        if (ks[i]->prepare) {
            double t0 = nnb_now_s();
            ks[i]->prepare(l, &t, ws);
            x->prepare_s = nnb_now_s() - t0;
        }
        bool bracket = ks[i]->timed && !c.prepare; /* --time-prepare: NCHW in and out inside the run */
        if (bracket) ks[i]->timed(l, &t, ws, true);
        if (nnb_measure(run_once, &c, &o->measure, &x->time)) {
            rc = nnb_bad_input(err, len, "out of memory for the cache-flush buffer");
            goto out;
        }
        if (ks[i]->impl) nnb_copy_str(x->impl, sizeof x->impl, ks[i]->impl(l));
        x->gflops = x->time.median_s > 0 ? (double)a->flops / x->time.median_s * 1e-9 : 0;
        x->gbs = x->time.median_s > 0 ? (double)a->bytes_min / x->time.median_s * 1e-9 : 0;
        if (count) {
            int crc = count(count_ctx, rep, ks[i], &t, ws, x, err, len);
            if (crc) { rc = crc; goto out; }
        }
        if (bracket) ks[i]->timed(l, &t, ws, false);
    }
    if (isatty(2)) fprintf(stderr, "%60s\r", "");
    rc = status;
out:
    nnb_free(ref);
    nnb_free(bound);
    nnb_free(ws);
    nnb_tensors_free(&t);
    return rc;
}
