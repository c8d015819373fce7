/* Sweep expansion (see sweep.h). The keys and the fields they set are the
 * key=value syntax's own table (spec/kv.c); a point is parsed from text, so
 * every default and derivation (square images, pad=same, pooling's stride)
 * applies to it exactly as to a --layer. */
#include "net/sweep.h"

#include <stdlib.h>
#include <string.h>

#include "ops/op.h"
#include "spec/spec.h"
#include "spec/syntax.h"
#include "util/appendf.h"
#include "util/checked.h"
#include "util/util.h"

#define SWEEP_FORM "KEY=FROM:TO[:xSTEP|:+STEP]"

/* One integer part [s, s+n) of an axis, named in the error. */
static int axis_int(const char *arg, const char *part, const char *s, size_t n, int64_t *v, char *err, size_t len)
{
    if (n == 0) return nnb_errf(err, len, "--sweep '%s': %s is empty (" SWEEP_FORM ")", arg, part);
    if (nnb_spec_parse_i64(s, n, v))
        return nnb_errf(err, len, "--sweep '%s': %s '%.*s' is not an integer in the int64 range", arg, part, (int)n, s);
    return 0;
}

/* ":xSTEP" or ":+STEP" (s points after the colon). */
static int axis_step(const char *arg, const char *s, nnb_sweep_axis *ax, char *err, size_t len)
{
    if (*s != 'x' && *s != '+')
        return nnb_errf(err, len, "--sweep '%s': STEP '%s' needs x (multiply) or + (add) before it", arg, s);
    ax->mul = *s == 'x';
    if (axis_int(arg, "STEP", s + 1, strlen(s + 1), &ax->step, err, len)) return -1;
    if (ax->step < 1) return nnb_errf(err, len, "--sweep '%s': STEP '%s' must be at least 1", arg, s);
    if (ax->mul && ax->step == 1)
        return nnb_errf(err, len, "--sweep '%s': STEP 'x1' never leaves FROM; use x2 or more", arg);
    if (ax->mul && ax->from < 1)
        return nnb_errf(err, len, "--sweep '%s': a xSTEP needs FROM >= 1, got %lld", arg, (long long)ax->from);
    return 0;
}

int nnb_sweep_parse_axis(const char *arg, nnb_sweep_axis *ax, char *err, size_t len)
{
    memset(ax, 0, sizeof *ax);
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg) return nnb_errf(err, len, "--sweep '%s': expected " SWEEP_FORM, arg);
    size_t klen = (size_t)(eq - arg);
    ax->fields = nnb_spec_kv_fields(arg, klen);
    if (!ax->fields || ax->fields == NNB_F_NAME || klen >= sizeof ax->key)
        return nnb_errf(err, len, "--sweep '%s': unknown key '%.*s' (a numeric key of op:key=value descriptors: "
                        "n c h w k r kh kw stride sh sw pad ph pw pt pb pl pr dil dh dw g outpad ...)", arg, (int)klen, arg);
    memcpy(ax->key, arg, klen);
    const char *from = eq + 1, *c1 = strchr(from, ':');
    if (!c1) return nnb_errf(err, len, "--sweep '%s': missing ':' between FROM and TO (" SWEEP_FORM ")", arg);
    const char *to = c1 + 1, *c2 = strchr(to, ':');
    size_t to_len = c2 ? (size_t)(c2 - to) : strlen(to);
    if (axis_int(arg, "FROM", from, (size_t)(c1 - from), &ax->from, err, len)) return -1;
    if (axis_int(arg, "TO", to, to_len, &ax->to, err, len)) return -1;
    if (ax->to < ax->from)
        return nnb_errf(err, len, "--sweep '%s': TO %lld is below FROM %lld", arg, (long long)ax->to, (long long)ax->from);
    ax->step = 1;
    if (c2 && strchr(c2 + 1, ':'))
        return nnb_errf(err, len, "--sweep '%s': unexpected '%s' after STEP", arg, strchr(c2 + 1, ':'));
    if (c2) return axis_step(arg, c2 + 1, ax, err, len);
    /* No STEP: every value while that stays a handful of runs; a wide range
     * (c=16:256 would be 241 points) doubles instead, as channel and size
     * sweeps usually do. The CLI says which it chose. */
    ax->step_default = true;
    if ((uint64_t)ax->to - (uint64_t)ax->from >= NNB_SWEEP_DENSE_POINTS && ax->from >= 1) ax->mul = true, ax->step = 2;
    return 0;
}

int nnb_sweep_add_axis(nnb_sweep *sw, const nnb_sweep_axis *ax, char *err, size_t len)
{
    if (sw->naxes == NNB_SWEEP_MAX_AXES)
        return nnb_errf(err, len, "--sweep: at most %d keys in one grid", NNB_SWEEP_MAX_AXES);
    for (size_t i = 0; i < sw->naxes; i++)
        if (sw->axis[i].fields & ax->fields)
            return nnb_errf(err, len, "--sweep: keys '%s' and '%s' set the same layer field", sw->axis[i].key, ax->key);
    sw->axis[sw->naxes++] = *ax;
    return 0;
}

void nnb_sweep_axis_values(const nnb_sweep_axis *ax, int64_t *v, size_t cap, size_t *n)
{
    *n = 0;
    for (int64_t x = ax->from; x <= ax->to && *n <= cap;) {
        if (v && *n < cap) v[*n] = x;
        (*n)++;
        int64_t next;
        if (!(ax->mul ? nnb_mul_ok(x, ax->step, &next) : nnb_add_ok(x, ax->step, &next))) break; /* past TO */
        x = next;
    }
}

/* The base as key=value text: a preset's own spec, a key=value descriptor
 * as given, any other form (benchdnn) through its canonical key=value. */
static int base_text(const char *base, char *out, size_t outlen, char *label, size_t label_len, char *err,
                     size_t len)
{
    size_t np;
    const nnb_preset *ps = nnb_presets(&np);
    for (size_t i = 0; i < np; i++)
        if (strcmp(base, ps[i].name) == 0) {
            snprintf(out, outlen, "%s", ps[i].spec);
            snprintf(label, label_len, "%s", ps[i].name);
            return 0;
        }
    nnb_layer l;
    if (nnb_spec_parse(base, &l, err, len)) return -1;
    snprintf(label, label_len, "%s", l.name);
    const char *colon = strchr(base, ':');
    if (nnb_spec_prefix_op(base) && strchr(colon + 1, '=')) snprintf(out, outlen, "%s", base);
    else if (nnb_spec_format_kv(&l, out, outlen)) return nnb_errf(err, len, "--sweep: '%s' has no key=value form", base);
    return 0;
}

/* Drops the base's pairs that the axes replace; refuses a pair that the
 * axes only partly replace (r=3 with a sweep of kh). */
static int strip_swept(const nnb_sweep *sw, const char *text, char *out, size_t outlen, char *err, size_t len)
{
    const char *colon = strchr(text, ':');
    size_t o = 0;
    nnb_appendf(out, outlen, &o, "%.*s:", (int)(colon - text), text);
    bool first = true;
    for (const char *p = colon + 1; *p;) {
        const char *end = strchr(p, ',');
        if (!end) end = p + strlen(p);
        const char *eq = memchr(p, '=', (size_t)(end - p));
        unsigned kf = eq ? nnb_spec_kv_fields(p, (size_t)(eq - p)) : 0;
        bool drop = false;
        for (size_t a = 0; a < sw->naxes; a++) {
            if (!(kf & sw->axis[a].fields)) continue;
            if (kf & ~sw->axis[a].fields)
                return nnb_errf(err, len, "--sweep %s: the descriptor's '%.*s' sets more than '%s' does; sweep that key "
                                "or write the descriptor with separate keys", sw->axis[a].key, (int)(end - p), p,
                                sw->axis[a].key);
            drop = true;
        }
        if (!drop) nnb_appendf(out, outlen, &o, "%s%.*s", first ? "" : ",", (int)(end - p), p);
        if (!drop) first = false;
        p = *end ? end + 1 : end;
    }
    if (o >= outlen) return nnb_errf(err, len, "--sweep: descriptor '%s' too long", text);
    return 0;
}

void nnb_sweep_free(nnb_sweep *sw)
{
    free(sw->pts);
    sw->pts = NULL;
    sw->npts = 0;
}

/* Point g of the grid (odometer: the last axis moves fastest) from the
 * stripped base; a valid one is appended to sw->pts. */
static void build_point(nnb_sweep *sw, const char *stripped, const char *label, int64_t *const *vals,
                        const size_t *cnt, size_t g)
{
    nnb_sweep_point *pt = &sw->pts[sw->npts];
    memset(pt, 0, sizeof *pt);
    size_t o = 0, s = strlen(stripped);
    nnb_appendf(pt->desc, sizeof pt->desc, &o, "%s", stripped);
    char swept[160] = "";
    size_t so = 0;
    for (size_t a = sw->naxes; a-- > 0;) { /* values, last axis first */
        pt->value[a] = vals[a][g % cnt[a]];
        g /= cnt[a];
    }
    for (size_t a = 0; a < sw->naxes; a++) {
        bool sep = a > 0 || stripped[s - 1] != ':';
        nnb_appendf(pt->desc, sizeof pt->desc, &o, "%s%s=%lld", sep ? "," : "", sw->axis[a].key,
                    (long long)pt->value[a]);
        nnb_appendf(swept, sizeof swept, &so, "%s%s=%lld", a ? "," : "", sw->axis[a].key, (long long)pt->value[a]);
    }
    char e[320];
    if (o >= sizeof pt->desc) snprintf(e, sizeof e, "descriptor too long");
    else if (nnb_spec_parse_kv(pt->desc, &pt->layer, e, sizeof e) == 0) {
        size_t no = 0; /* the name is a label: truncation is harmless */
        nnb_appendf(pt->layer.name, sizeof pt->layer.name, &no, "%s%s%s", label, *label ? " " : "", swept);
        sw->npts++;
        return;
    }
    if (!sw->skipped++) nnb_copy_str(sw->first_skip, sizeof sw->first_skip, e);
}

/* Each axis's values, and the grid size; refuses more than max_points. */
static int axis_tables(nnb_sweep *sw, size_t max_points, int64_t **vals, size_t *cnt, char *err, size_t len)
{
    sw->grid = 1;
    for (size_t a = 0; a < sw->naxes; a++) {
        vals[a] = malloc((max_points + 1) * sizeof **vals);
        if (!vals[a]) return nnb_errf(err, len, "--sweep: out of memory");
        nnb_sweep_axis_values(&sw->axis[a], vals[a], max_points, &cnt[a]);
        if (cnt[a] > max_points / sw->grid)
            return nnb_errf(err, len, "--sweep: the grid has more than --max-points %zu points; narrow it or raise "
                            "--max-points", max_points);
        sw->grid *= cnt[a];
    }
    return 0;
}

int nnb_sweep_expand(nnb_sweep *sw, const char *base, size_t max_points, char *err, size_t len)
{
    char text[400], label[96], stripped[400];
    if (sw->naxes == 0) return nnb_errf(err, len, "--sweep: no keys to sweep");
    if (base_text(base, text, sizeof text, label, sizeof label, err, len)) return -1;
    if (strip_swept(sw, text, stripped, sizeof stripped, err, len)) return -1;
    int64_t *vals[NNB_SWEEP_MAX_AXES] = {0};
    size_t cnt[NNB_SWEEP_MAX_AXES];
    int rc = axis_tables(sw, max_points, vals, cnt, err, len);
    if (!rc && !(sw->pts = calloc(sw->grid, sizeof *sw->pts))) rc = nnb_errf(err, len, "--sweep: out of memory");
    sw->npts = sw->skipped = 0;
    for (size_t g = 0; !rc && g < sw->grid; g++) build_point(sw, stripped, label, vals, cnt, g);
    for (size_t a = 0; a < sw->naxes; a++) free(vals[a]);
    if (!rc && sw->npts == 0)
        rc = nnb_errf(err, len, "--sweep: none of the %zu points is a valid layer (first: %s)", sw->grid,
                      sw->first_skip);
    if (rc) nnb_sweep_free(sw);
    return rc;
}
