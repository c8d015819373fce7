/* A layer record's keys back into nnb_layer_report / nnb_result: the
 * inverse of record.c, key for key (record_keys.h). Derived keys (ratios,
 * conventions) are not read: the renderers derive them again. */
#include "results/record_keys.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "nnbench/model.h"
#include "spec/spec.h"

int nnb_rk_fail(const nnb_rk_where *w, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* the message quotes the file (a key's value, the parser's token): its
     * control bytes would break the one line */
    for (char *p = msg; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f) *p = '?';
    if (w->err && w->len) snprintf(w->err, w->len, "%s:%ld: %s", w->name, w->line, msg);
    return -1;
}

const char *nnb_rk_type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a real number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    default: return "null";
    }
}

int nnb_rk_wrong_type(const nnb_rk_where *w, const char *obj, const char *key, const char *want, const json_t *v)
{
    return nnb_rk_fail(w, "key %s%s%s: expected %s, got %s", obj, obj[0] ? "." : "", key, want, nnb_rk_type_name(v));
}

/* k's value; NULL when missing (-1 in *rc if it was required). */
static json_t *member(const nnb_rk *k, int *rc)
{
    json_t *v = json_object_get(k->o, k->key);
    if (!v && k->required) *rc = nnb_rk_fail(k->w, "key %s%s%s missing", k->obj, k->obj[0] ? "." : "", k->key);
    return v;
}

int nnb_rk_int(const nnb_rk *k, int64_t *out)
{
    int rc = 0;
    json_t *v = member(k, &rc);
    if (!v) return rc;
    if (!json_is_integer(v)) return nnb_rk_wrong_type(k->w, k->obj, k->key, "an integer", v);
    *out = json_integer_value(v);
    return 0;
}

int nnb_rk_num(const nnb_rk *k, double *out)
{
    int rc = 0;
    json_t *v = member(k, &rc);
    if (!v) return rc;
    if (json_is_null(v)) *out = NAN;
    else if (json_is_number(v)) *out = json_number_value(v);
    else return nnb_rk_wrong_type(k->w, k->obj, k->key, "a number", v);
    return 0;
}

int nnb_rk_bool(const nnb_rk *k, bool *out)
{
    int rc = 0;
    json_t *v = member(k, &rc);
    if (!v) return rc;
    if (!json_is_boolean(v)) return nnb_rk_wrong_type(k->w, k->obj, k->key, "true or false", v);
    *out = json_is_true(v);
    return 0;
}

int nnb_rk_str(const nnb_rk *k, char *buf, size_t size)
{
    int rc = 0;
    json_t *v = member(k, &rc);
    if (!v) return rc;
    if (!json_is_string(v)) return nnb_rk_wrong_type(k->w, k->obj, k->key, "a string", v);
    if (json_string_length(v) >= size)
        return nnb_rk_fail(k->w, "key %s%s%s: longer than %zu bytes", k->obj, k->obj[0] ? "." : "", k->key, size - 1);
    memcpy(buf, json_string_value(v), json_string_length(v) + 1);
    return 0;
}

json_t *nnb_rk_obj(const nnb_rk *k, int *rc)
{
    json_t *v = member(k, rc);
    if (v && !json_is_object(v)) {
        *rc = nnb_rk_wrong_type(k->w, k->obj, k->key, "an object", v);
        return NULL;
    }
    return v;
}

/* ---- layer ---- */

typedef struct {
    const char *key;
    size_t off;
} field;

#define LF(k, m) {k, offsetof(nnb_layer, m)}
static const field layer_ints[] = {
    LF("n", n),   LF("c", c),   LF("h", h),   LF("w", w),   LF("k", k),           LF("kh", kh),     LF("kw", kw),
    LF("sh", sh), LF("sw", sw), LF("pt", pt), LF("pl", pl), LF("pb", pb),         LF("pr", pr),     LF("dh", dh),
    LF("dw", dw), LF("oph", oph), LF("opw", opw), LF("groups", groups), LF("oh", oh), LF("ow", ow),
};
#define AF(k, m) {k, offsetof(nnb_analytic, m)}
static const field analytic_ints[] = {
    AF("params", params),       AF("macs", macs),         AF("flops", flops),
    AF("bytes_min", bytes_min), AF("macs_valid", macs_valid), AF("macs_deconv_output", macs_deconv_output),
    AF("bias_adds", bias_adds), AF("src_bytes", src_bytes), AF("wei_bytes", wei_bytes),
    AF("bias_bytes", bias_bytes), AF("dst_bytes", dst_bytes), AF("bytes_write_allocate", bytes_write_allocate),
    AF("workspace_bytes", workspace_bytes), AF("bytes_algo_extra", bytes_algo_extra),
};
static const field analytic_nums[] = {AF("ai", ai), AF("ai_write_allocate", ai_write_allocate)};
static const field footprint_nums[] = {AF("input", input_mb), AF("pass", pass_mb), AF("params", params_mb),
                                       AF("total", total_mb)};

static int ints(const nnb_rk_where *w, json_t *o, const char *obj, const field *fs, size_t n, void *base)
{
    for (size_t i = 0; i < n; i++)
        if (nnb_rk_int(&(nnb_rk){w, o, obj, fs[i].key, true}, (int64_t *)((char *)base + fs[i].off))) return -1;
    return 0;
}

static int nums(const nnb_rk_where *w, json_t *o, const char *obj, const field *fs, size_t n, void *base)
{
    for (size_t i = 0; i < n; i++)
        if (nnb_rk_num(&(nnb_rk){w, o, obj, fs[i].key, true}, (double *)((char *)base + fs[i].off))) return -1;
    return 0;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The layer object into r->layer, r->spec, r->benchdnn (and r->human, derived). */
static int read_layer(const nnb_rk_where *w, json_t *o, nnb_layer_report *r)
{
    nnb_layer *l = &r->layer;
    char op[32], e[256];
    int64_t ph = 0, pw = 0;
    if (nnb_rk_str(&(nnb_rk){w, o, "layer", "op", true}, op, sizeof op)) return -1;
    nnb_op opv;
    if (nnb_op_from_name(op, &opv)) return nnb_rk_fail(w, "key layer.op: unknown op '%s'", op);
    nnb_layer_init(l, opv);
    if (nnb_rk_str(&(nnb_rk){w, o, "layer", "name", true}, l->name, sizeof l->name) ||
        nnb_rk_str(&(nnb_rk){w, o, "layer", "spec", true}, r->spec, sizeof r->spec) ||
        nnb_rk_str(&(nnb_rk){w, o, "layer", "benchdnn", true}, r->benchdnn, sizeof r->benchdnn) ||
        ints(w, o, "layer", layer_ints, COUNT(layer_ints), l) ||
        nnb_rk_int(&(nnb_rk){w, o, "layer", "ph", true}, &ph) || nnb_rk_int(&(nnb_rk){w, o, "layer", "pw", true}, &pw) ||
        nnb_rk_bool(&(nnb_rk){w, o, "layer", "bias", true}, &l->bias) ||
        nnb_rk_bool(&(nnb_rk){w, o, "layer", "ceil_mode", true}, &l->ceil_mode) ||
        nnb_rk_bool(&(nnb_rk){w, o, "layer", "count_include_pad", true}, &l->count_include_pad))
        return -1;
    if (ph != l->pt || pw != l->pl) return nnb_rk_fail(w, "key layer.ph/pw: differ from pt/pl");
    /* the stored layer must be one this build accepts, with the same output */
    nnb_layer derived = *l;
    if (nnb_layer_finalize(&derived, e, sizeof e)) return nnb_rk_fail(w, "layer: %s", e);
    if (derived.oh != l->oh || derived.ow != l->ow)
        return nnb_rk_fail(w, "layer: stored output %lldx%lld, but the layer gives %lldx%lld", (long long)l->oh,
                           (long long)l->ow, (long long)derived.oh, (long long)derived.ow);
    nnb_spec_format_human(l, r->human, sizeof r->human);
    return 0;
}

static int read_rf(const nnb_rk_where *w, json_t *a, nnb_layer_report *r)
{
    int rc = 0;
    json_t *o = nnb_rk_obj(&(nnb_rk){w, a, "analytic", "receptive_field", false}, &rc);
    if (!o) return rc;
    r->have_rf = true;
    const char *obj = "analytic.receptive_field";
    return nnb_rk_int(&(nnb_rk){w, o, obj, "rf_h", true}, &r->rf.rf_h) ||
                   nnb_rk_int(&(nnb_rk){w, o, obj, "rf_w", true}, &r->rf.rf_w) ||
                   nnb_rk_int(&(nnb_rk){w, o, obj, "jump_h", true}, &r->rf.jump_h) ||
                   nnb_rk_int(&(nnb_rk){w, o, obj, "jump_w", true}, &r->rf.jump_w) ||
                   nnb_rk_num(&(nnb_rk){w, o, obj, "start_h", true}, &r->rf.start_h) ||
                   nnb_rk_num(&(nnb_rk){w, o, obj, "start_w", true}, &r->rf.start_w)
               ? -1
               : 0;
}

/* --model records: "index", "module", "repeat" (all three or none) */
static int read_net_place(const nnb_rk_where *w, json_t *rec, nnb_layer_report *r)
{
    if (!json_object_get(rec, "index")) return 0;
    r->in_net = true;
    if (nnb_rk_int(&(nnb_rk){w, rec, "", "index", true}, &r->index) ||
        nnb_rk_str(&(nnb_rk){w, rec, "", "module", true}, r->module, sizeof r->module) ||
        nnb_rk_int(&(nnb_rk){w, rec, "", "repeat", true}, &r->repeat))
        return -1;
    if (r->index < 0 || r->repeat < 1) return nnb_rk_fail(w, "keys index/repeat: out of range");
    return 0;
}

int nnb_rk_layer_report(const nnb_rk_where *w, json_t *rec, nnb_layer_report *r)
{
    memset(r, 0, sizeof *r);
    int rc = 0;
    json_t *lo = nnb_rk_obj(&(nnb_rk){w, rec, "", "layer", true}, &rc);
    json_t *a = lo ? nnb_rk_obj(&(nnb_rk){w, rec, "", "analytic", true}, &rc) : NULL;
    json_t *fp = a ? nnb_rk_obj(&(nnb_rk){w, a, "analytic", "footprint_mb", true}, &rc) : NULL;
    if (!fp || read_layer(w, lo, r)) return -1;
    /* tensor sizes are not stored: the model gives them from the layer; the
     * stored counts then stand as they were written, whatever this build's model says */
    char e[256];
    if (nnb_model_analyze(&r->layer, &r->analytic, e, sizeof e)) return nnb_rk_fail(w, "layer: %s", e);
    if (ints(w, a, "analytic", analytic_ints, COUNT(analytic_ints), &r->analytic) ||
        nums(w, a, "analytic", analytic_nums, COUNT(analytic_nums), &r->analytic) ||
        nums(w, fp, "analytic.footprint_mb", footprint_nums, COUNT(footprint_nums), &r->analytic))
        return -1;
    return read_rf(w, a, r) || read_net_place(w, rec, r) ? -1 : 0;
}

/* ---- a kernel's measurement ---- */

static int read_check(const nnb_rk_where *w, json_t *rec, nnb_result *x)
{
    char check[8];
    if (nnb_rk_str(&(nnb_rk){w, rec, "", "check", true}, check, sizeof check)) return -1;
    for (int c = NNB_CHECK_SKIP; c <= NNB_CHECK_FAIL; c++)
        if (strcmp(check, nnb_check_name((nnb_check)c)) == 0) {
            x->check = (nnb_check)c;
            return 0;
        }
    return nnb_rk_fail(w, "key check: '%s' is not pass, fail or skip", check);
}

/* The watch's numbers (record.c's json_spread), all or none. */
static int read_watch(const nnb_rk_where *w, json_t *t, nnb_timing *x)
{
    int rc = 0;
    json_t *o = nnb_rk_obj(&(nnb_rk){w, t, "time", "watch", false}, &rc);
    if (rc || !o) return rc;
    nnb_watch_result *r = &x->watch;
    int64_t cpus = 0, runnable = 0;
    const char *obj = "time.watch";
    if (nnb_rk_int(&(nnb_rk){w, o, obj, "cpus", true}, &cpus) ||
        nnb_rk_num(&(nnb_rk){w, o, obj, "other_cpu", true}, &r->other_cpu_frac) ||
        nnb_rk_num(&(nnb_rk){w, o, obj, "steal", true}, &r->steal_frac) ||
        nnb_rk_num(&(nnb_rk){w, o, obj, "ivcsw_per_s", true}, &r->ivcsw_per_s) ||
        nnb_rk_num(&(nnb_rk){w, o, obj, "load1", true}, &r->load1) ||
        nnb_rk_int(&(nnb_rk){w, o, obj, "runnable", true}, &runnable) ||
        nnb_rk_num(&(nnb_rk){w, o, obj, "speed_probe", false}, &r->speed_probe))
        return -1;
    if (r->speed_probe != 0 && !(r->speed_probe >= 0.5 && r->speed_probe < 1e6))
        return nnb_rk_fail(w, "key time.watch.speed_probe: %g is not a ratio to the best (>= 1)", r->speed_probe);
    if (cpus < 1 || cpus > 1 << 20 || runnable < 0 || runnable > 1 << 30)
        return nnb_rk_fail(w, "key time.watch: cpus or runnable out of range");
    r->cpus = (int)cpus;
    r->runnable = (int)runnable;
    r->have = true;
    return 0;
}

/* Spread and samples: optional (files written before issue 24 have only
 * median, min, max and reps); present, they are checked. */
static int read_spread(const nnb_rk_where *w, json_t *t, nnb_timing *x)
{
    int64_t attempts = 0;
    if (nnb_rk_num(&(nnb_rk){w, t, "time", "p25_s", false}, &x->p25_s) ||
        nnb_rk_num(&(nnb_rk){w, t, "time", "p75_s", false}, &x->p75_s) ||
        nnb_rk_num(&(nnb_rk){w, t, "time", "cv", false}, &x->cv) ||
        nnb_rk_int(&(nnb_rk){w, t, "time", "attempts", false}, &attempts) ||
        nnb_rk_bool(&(nnb_rk){w, t, "time", "disturbed", false}, &x->disturbed) ||
        nnb_rk_str(&(nnb_rk){w, t, "time", "disturbed_why", x->disturbed}, x->disturbed_why, sizeof x->disturbed_why) ||
        nnb_rk_str(&(nnb_rk){w, t, "time", "remeasured_why", false}, x->remeasured_why, sizeof x->remeasured_why) ||
        read_watch(w, t, x))
        return -1;
    if (attempts < 0 || attempts > 1000) return nnb_rk_fail(w, "key time.attempts: %lld out of range", (long long)attempts);
    x->attempts = (int)attempts;
    json_t *s = json_object_get(t, "samples_s");
    if (!s) return 0;
    if (!json_is_array(s) || json_array_size(s) > NNB_SAMPLES_MAX)
        return nnb_rk_fail(w, "key time.samples_s: expected an array of at most %d times", NNB_SAMPLES_MAX);
    x->nsamples = (int)json_array_size(s);
    for (int i = 0; i < x->nsamples; i++) {
        json_t *v = json_array_get(s, (size_t)i);
        if (!json_is_number(v) || !(json_number_value(v) >= 0))
            return nnb_rk_fail(w, "key time.samples_s[%d]: expected a time in seconds", i);
        x->samples_s[i] = json_number_value(v);
    }
    return 0;
}

static int read_time(const nnb_rk_where *w, json_t *rec, nnb_result *x)
{
    int rc = 0;
    json_t *t = nnb_rk_obj(&(nnb_rk){w, rec, "", "time", true}, &rc);
    int64_t reps = 0;
    if (!t || nnb_rk_num(&(nnb_rk){w, t, "time", "median_s", true}, &x->time.median_s) ||
        nnb_rk_num(&(nnb_rk){w, t, "time", "min_s", true}, &x->time.min_s) ||
        nnb_rk_num(&(nnb_rk){w, t, "time", "max_s", true}, &x->time.max_s) ||
        nnb_rk_int(&(nnb_rk){w, t, "time", "reps", true}, &reps))
        return -1;
    if (reps < 0 || reps > 1000000000) return nnb_rk_fail(w, "key time.reps: %lld out of range", (long long)reps);
    x->time.reps = (int)reps;
    if (read_spread(w, t, &x->time)) return -1;
    x->prepare_s = -1;
    bool has_prep = json_object_get(t, "prepare_s") != NULL;
    return has_prep && (nnb_rk_num(&(nnb_rk){w, t, "time", "prepare_s", true}, &x->prepare_s) ||
                        nnb_rk_bool(&(nnb_rk){w, t, "time", "prepare_timed", true}, &x->prepare_timed))
               ? -1
               : 0;
}

/* An optional counter: present -> *have and the value. */
static int counter(const nnb_rk_where *w, json_t *c, const char *key, bool *have, double *v)
{
    if (!json_object_get(c, key)) return 0;
    *have = true;
    return nnb_rk_num(&(nnb_rk){w, c, "counters", key, true}, v);
}

/* "counted_unix" and "reused" come together (a count that knows when it ran) */
static int read_counted(const nnb_rk_where *w, json_t *c, nnb_result *x)
{
    bool when = json_object_get(c, "counted_unix") != NULL, reused = json_object_get(c, "reused") != NULL;
    if (when != reused) return nnb_rk_fail(w, "key counters: counted_unix and reused come together");
    if (!when) return 0;
    int64_t t;
    if (nnb_rk_int(&(nnb_rk){w, c, "counters", "counted_unix", true}, &t) ||
        nnb_rk_bool(&(nnb_rk){w, c, "counters", "reused", true}, &x->count_reused))
        return -1;
    if (t <= 0) return nnb_rk_fail(w, "key counters.counted_unix: %lld is not a time", (long long)t);
    x->counted_unix = (long long)t;
    return 0;
}

/* the record writer's json_traffic, inverted */
static int read_traffic(const nnb_rk_where *w, json_t *c, nnb_result *x)
{
    bool l2 = false;
    if (counter(w, c, "ifetch_l1_bytes", &x->have_ifetch, &x->l1_ifetch_bytes) ||
        counter(w, c, "ifetch_l2_bytes", &l2, &x->l2_ifetch_bytes) ||
        counter(w, c, "ifetch_dram_bytes", &x->have_ifetch, &x->dram_ifetch_bytes) ||
        counter(w, c, "runtime_dram_bytes", &x->have_runtime, &x->dram_runtime_bytes) ||
        counter(w, c, "unaligned_dram_bytes", &x->have_runtime, &x->dram_unaligned_bytes) ||
        counter(w, c, "writeback_dram_bytes", &x->have_runtime, &x->dram_writeback_bytes))
        return -1;
    return nnb_rk_str(&(nnb_rk){w, c, "counters", "runtime_why", x->have_runtime}, x->runtime_why,
                      sizeof x->runtime_why);
}

static int read_counters(const nnb_rk_where *w, json_t *rec, nnb_result *x)
{
    int rc = 0;
    json_t *c = nnb_rk_obj(&(nnb_rk){w, rec, "", "counters", true}, &rc);
    bool load = false, store = false;
    if (!c || nnb_rk_str(&(nnb_rk){w, c, "counters", "backend", true}, x->backend, sizeof x->backend) ||
        nnb_rk_str(&(nnb_rk){w, c, "counters", "why", true}, x->backend_why, sizeof x->backend_why) ||
        nnb_rk_str(&(nnb_rk){w, c, "counters", "note", false}, x->count_note, sizeof x->count_note) ||
        counter(w, c, "flops", &x->have_flops, &x->flops) || counter(w, c, "dram_bytes", &x->have_dram, &x->dram_bytes) ||
        counter(w, c, "l1_bytes", &x->have_l1, &x->l1_bytes) || counter(w, c, "load_bytes", &load, &x->load_bytes) ||
        counter(w, c, "store_bytes", &store, &x->store_bytes) ||
        counter(w, c, "instructions", &x->have_insn, &x->instructions) ||
        counter(w, c, "l2_bytes", &x->have_l2, &x->l2_bytes) || read_counted(w, c, x) || read_traffic(w, c, x))
        return -1;
    if (load != store) return nnb_rk_fail(w, "key counters: load_bytes and store_bytes come together");
    x->have_core_bytes = load;
    return 0;
}

/* "work" and "useful_fraction": the kernel's own model (absent for kernels
 * without one) */
static int read_work(const nnb_rk_where *w, json_t *rec, nnb_result *x)
{
    int rc = 0;
    json_t *k = nnb_rk_obj(&(nnb_rk){w, rec, "", "work", false}, &rc);
    if (rc || !k) return rc;
    if (!json_object_get(k, "flops")) /* no model for this layer: only why */
        return nnb_rk_str(&(nnb_rk){w, k, "work", "why", true}, x->work_why, sizeof x->work_why);
    x->have_work = true;
    return nnb_rk_num(&(nnb_rk){w, k, "work", "flops", true}, &x->work_flops) ||
                   nnb_rk_num(&(nnb_rk){w, k, "work", "bytes", true}, &x->work_bytes) ||
                   nnb_rk_num(&(nnb_rk){w, k, "work", "tolerance", true}, &x->work_tolerance) ||
                   nnb_rk_str(&(nnb_rk){w, k, "work", "why", true}, x->work_why, sizeof x->work_why) ||
                   nnb_rk_str(&(nnb_rk){w, k, "work", "bytes_why", true}, x->work_bytes_why, sizeof x->work_bytes_why) ||
                   nnb_rk_num(&(nnb_rk){w, rec, "", "useful_fraction", true}, &x->useful_fraction)
               ? -1
               : 0;
}

/* "verdicts": against the kernel's model (flops, bytes) and against the
 * analytic count (flops_analytic, dram_bytes); the record writer's inverse */
static int read_verdicts(const nnb_rk_where *w, json_t *rec, nnb_result *x)
{
    int rc = 0;
    json_t *v = nnb_rk_obj(&(nnb_rk){w, rec, "", "verdicts", false}, &rc);
    if (rc || !v) return rc;
    if (nnb_rk_str(&(nnb_rk){w, v, "verdicts", "flops", false}, x->verdict_work_flops, sizeof x->verdict_work_flops) ||
        nnb_rk_str(&(nnb_rk){w, v, "verdicts", "flops_why", x->verdict_work_flops[0] != 0}, x->verdict_work_flops_why,
                   sizeof x->verdict_work_flops_why) ||
        nnb_rk_str(&(nnb_rk){w, v, "verdicts", "bytes", false}, x->verdict_work_bytes, sizeof x->verdict_work_bytes) ||
        nnb_rk_str(&(nnb_rk){w, v, "verdicts", "bytes_why", x->verdict_work_bytes[0] != 0}, x->verdict_work_bytes_why,
                   sizeof x->verdict_work_bytes_why) ||
        nnb_rk_str(&(nnb_rk){w, v, "verdicts", "flops_analytic", false}, x->verdict_flops, sizeof x->verdict_flops) ||
        nnb_rk_num(&(nnb_rk){w, v, "verdicts", "flops_analytic_tolerance", x->verdict_flops[0] != 0},
                   &x->flops_tolerance) ||
        nnb_rk_str(&(nnb_rk){w, v, "verdicts", "dram_bytes", false}, x->verdict_dram, sizeof x->verdict_dram))
        return -1;
    return 0;
}

static int read_roofline(const nnb_rk_where *w, json_t *rec, nnb_result *x)
{
    int rc = 0;
    json_t *r = nnb_rk_obj(&(nnb_rk){w, rec, "", "roofline", false}, &rc);
    if (rc || !r) return rc;
    x->have_roof = true;
    return nnb_rk_num(&(nnb_rk){w, r, "roofline", "peak_gflops", true}, &x->peak_gflops) ||
                   nnb_rk_num(&(nnb_rk){w, r, "roofline", "bw_gbs", true}, &x->bw_gbs) ||
                   nnb_rk_str(&(nnb_rk){w, r, "roofline", "bound", true}, x->bound, sizeof x->bound) ||
                   nnb_rk_num(&(nnb_rk){w, r, "roofline", "attainable_gflops", true}, &x->attainable_gflops) ||
                   nnb_rk_num(&(nnb_rk){w, r, "roofline", "efficiency", true}, &x->efficiency) ||
                   nnb_rk_str(&(nnb_rk){w, r, "roofline", "basis", false}, x->roof_basis, sizeof x->roof_basis) ||
                   nnb_rk_num(&(nnb_rk){w, r, "roofline", "ai", false}, &x->roof_ai) ||
                   nnb_rk_bool(&(nnb_rk){w, r, "roofline", "above_roof", false}, &x->roof_above)
               ? -1
               : 0;
}

int nnb_rk_result(const nnb_rk_where *w, json_t *rec, nnb_result *x)
{
    memset(x, 0, sizeof *x);
    int rc = 0;
    int64_t threads = 0;
    json_t *kernel = json_object_get(rec, "kernel");
    json_t *blas = nnb_rk_obj(&(nnb_rk){w, rec, "", "openblas", true}, &rc);
    if (!json_is_string(kernel) || !json_string_length(kernel) || json_string_length(kernel) > 64)
        return nnb_rk_fail(w, "key kernel: expected a kernel's name, got %s", nnb_rk_type_name(kernel));
    x->kernel = json_string_value(kernel);
    if (!blas || nnb_rk_int(&(nnb_rk){w, rec, "", "threads", true}, &threads) ||
        nnb_rk_str(&(nnb_rk){w, rec, "", "impl", false}, x->impl, sizeof x->impl) ||
        nnb_rk_str(&(nnb_rk){w, blas, "openblas", "core", true}, x->blas_core, sizeof x->blas_core) ||
        nnb_rk_str(&(nnb_rk){w, blas, "openblas", "config", true}, x->blas_config, sizeof x->blas_config) ||
        nnb_rk_str(&(nnb_rk){w, blas, "openblas", "remedy", false}, x->blas_remedy, sizeof x->blas_remedy) ||
        nnb_rk_str(&(nnb_rk){w, rec, "", "cores", true}, x->cores, sizeof x->cores) || read_time(w, rec, x) ||
        nnb_rk_num(&(nnb_rk){w, rec, "", "gflops", true}, &x->gflops) ||
        nnb_rk_num(&(nnb_rk){w, rec, "", "gflops_executed", false}, &x->gflops_executed) ||
        nnb_rk_num(&(nnb_rk){w, rec, "", "gbs", true}, &x->gbs) || read_check(w, rec, x) ||
        nnb_rk_num(&(nnb_rk){w, rec, "", "max_err", true}, &x->max_err) ||
        nnb_rk_int(&(nnb_rk){w, rec, "", "workspace_bytes", true}, &x->workspace_bytes) ||
        read_counters(w, rec, x) || read_work(w, rec, x) || read_verdicts(w, rec, x) ||
        read_roofline(w, rec, x))
        return -1;
    if (threads < 1 || threads > 1 << 20) return nnb_rk_fail(w, "key threads: %lld out of range", (long long)threads);
    x->threads = (int)threads;
    return 0;
}
