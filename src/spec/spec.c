/* Any descriptor: a preset name, a benchdnn conv/deconv string (with or
 * without a "deconv:" driver prefix) or "op:key=value,...", and benchdnn's
 * knobs over it (--conv/--deconv, --mb list, --dir). Each syntax has its own
 * file (presets.c, benchdnn.c, kv.c, batch.c, format.c). */
#include "spec/spec.h"
#include "spec/syntax.h"
#include "util/suggest.h"
#include "util/util.h"

#include <string.h>

const nnb_op_info *nnb_spec_prefix_op(const char *s)
{
    const char *colon = strchr(s, ':');
    const char *quote = strchr(s, '"');
    if (!colon || (quote && quote < colon)) return NULL;
    return nnb_op_find(s, (size_t)(colon - s));
}

static bool looks_kv(const char *s)
{
    return strchr(s, '=') != NULL;
}

/* mb > 0 replaces the batch of a preset or key=value layer (benchdnn's --mb) */
static int with_mb(int r, int64_t mb, nnb_layer *l, char *err, size_t len)
{
    if (r || mb <= 0) return r;
    l->n = mb;
    return nnb_layer_finalize(l, err, len);
}

/* s under driver (for unprefixed benchdnn strings) and mb. *benchdnn: it was
 * a benchdnn string. */
static int parse_as(const char *s, nnb_op driver, int64_t mb, nnb_layer *l, bool *benchdnn, char *err, size_t len)
{
    *benchdnn = false;
    if (!s || !*s) return nnb_errf(err, len, "empty layer descriptor");
    size_t np;
    const nnb_preset *ps = nnb_presets(&np);
    for (size_t i = 0; i < np; i++)
        if (strcmp(s, ps[i].name) == 0) {
            if (nnb_spec_parse_kv(ps[i].spec, l, err, len)) return -1;
            snprintf(l->name, sizeof l->name, "%s", ps[i].name);
            return with_mb(0, mb, l, err, len);
        }
    const char *colon = strchr(s, ':');
    const char *quote = strchr(s, '"');
    const nnb_op_info *op = nnb_spec_prefix_op(s);
    if (op) {
        if (!looks_kv(colon + 1) && op->benchdnn_driver) {
            *benchdnn = true;
            return nnb_spec_read_benchdnn(colon + 1, op->op, mb, l, err, len);
        }
        return with_mb(nnb_spec_parse_kv(s, l, err, len), mb, l, err, len);
    }
    if (colon && (!quote || colon < quote) && looks_kv(colon + 1))
        return nnb_spec_unknown_op(s, (size_t)(colon - s), err, len);
    if (looks_kv(s) && !quote)
        return nnb_errf(err, len, "descriptor '%s': key=value form needs an op prefix, e.g. conv:%s", s, s);
    if (!nnb_spec_looks_benchdnn(s))
    {
        char hint[96];
        return nnb_errf(err, len, "unknown layer '%s' (not a preset, benchdnn string or op:key=value; see --list)%s", s,
                        nnb_suggest_text(hint, sizeof hint, s, "", ps, np, sizeof *ps));
    }
    *benchdnn = true;
    return nnb_spec_read_benchdnn(s, driver, mb, l, err, len);
}

int nnb_spec_parse(const char *s, nnb_layer *l, char *err, size_t len)
{
    bool benchdnn;
    return parse_as(s, nnb_op_by_driver(NNB_SPEC_DEFAULT_DRIVER)->op, 0, l, &benchdnn, err, len);
}

void nnb_spec_knobs_init(nnb_spec_knobs *k)
{
    memset(k, 0, sizeof *k);
    k->driver = nnb_op_by_driver(NNB_SPEC_DEFAULT_DRIVER)->op;
    k->bias_runs = NNB_SPEC_WITH_BIAS;
}

const char *nnb_skip_class_name(nnb_skip_class c)
{
    static const char *const names[NNB_SKIP_NCLASS] = {"3d", "unsupported", "backward", "data_type",
                                                       "post_ops", "attribute", "algorithm", "not_modelled"};
    return (unsigned)c < NNB_SKIP_NCLASS ? names[c] : "unsupported";
}

/* benchdnn's parse_mb: comma list of stoll_safe values ("" = default) */
int nnb_spec_knobs_mb(nnb_spec_knobs *k, const char *list, char *err, size_t len)
{
    size_t n = 0;
    int64_t mb[NNB_SPEC_MB_MAX];
    for (const char *p = list; *list;) { /* "" (benchdnn's default): no override */
        const char *comma = strchr(p, ',');
        size_t w = comma ? (size_t)(comma - p) : strlen(p);
        if (n == NNB_SPEC_MB_MAX) return nnb_errf(err, len, "--mb: more than %d values", NNB_SPEC_MB_MAX);
        if (nnb_spec_parse_i64(p, w, &mb[n]) || mb[n] < 0 || mb[n] > (INT64_C(1) << 40))
            return nnb_errf(err, len, "--mb: '%.*s' is not a mini-batch (an integer >= 0; 0 keeps the descriptor's)",
                            (int)w, p);
        n++;
        if (!comma) break;
        p = comma + 1;
    }
    k->nmb = n;
    memcpy(k->mb, mb, n * sizeof mb[0]);
    return 0;
}

int nnb_spec_each(const char *s, const nnb_spec_knobs *k, nnb_layer_fn fn, void *ctx, char *err, size_t len)
{
    const nnb_op def = nnb_op_by_driver(NNB_SPEC_DEFAULT_DRIVER)->op;
    const size_t runs = k->nmb ? k->nmb : 1;
    for (size_t i = 0; i < 2 * runs; i++) { /* each mb, with bias then without, as --dir lists them */
        if (!(k->bias_runs & (i % 2 ? NNB_SPEC_WITHOUT_BIAS : NNB_SPEC_WITH_BIAS))) continue;
        const int64_t mb = k->nmb ? k->mb[i / 2] : 0;
        nnb_layer l;
        bool benchdnn;
        int r = parse_as(s, k->driver, mb, &l, &benchdnn, err, len);
        if (r) return r;
        if (!benchdnn && i % 2 && (k->bias_runs & NNB_SPEC_WITH_BIAS)) continue; /* --dir is benchdnn's: once */
        bool changed = mb > 0 || (benchdnn && !nnb_spec_prefix_op(s) && k->driver != def);
        if (benchdnn && i % 2 && l.bias) {
            l.bias = false; /* --dir=FWD_D / FWD_I, --bia-dt=undef */
            changed = true;
        }
        char canon[512];
        if (changed && nnb_spec_format_kv(&l, canon, sizeof canon))
            return nnb_errf(err, len, "descriptor '%s': canonical form too long", s);
        if (fn(&l, changed ? canon : s, ctx))
            return nnb_errf(err, len, "descriptor '%s': the layer could not be kept (out of memory?)", s);
    }
    return 0;
}
