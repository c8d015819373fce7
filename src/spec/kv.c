/* key=value descriptors for people: "conv:c=64,h=56,k=64,r=3,pad=1". Which
 * keys an op takes, which it needs and their defaults come from the op's
 * descriptor (ops/); this file is the syntax. Strict: every malformed input
 * is refused with one line naming what is wrong. */
#include "spec/spec.h"
#include "spec/syntax.h"
#include "util/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

int nnb_spec_parse_i64(const char *s, size_t n, int64_t *out)
{
    char buf[32];
    if (n == 0 || n >= sizeof buf) return -1;
    memcpy(buf, s, n);
    buf[n] = 0;
    if (!isdigit((unsigned char)buf[0]) && !(buf[0] == '-' && isdigit((unsigned char)buf[1]))) return -1;
    errno = 0;
    char *end;
    long long v = strtoll(buf, &end, 10);
    if (errno || *end) return -1;
    *out = v;
    return 0;
}

int nnb_spec_unknown_op(const char *s, size_t n, char *err, size_t len)
{
    char ops[256];
    return nnb_errf(err, len, "descriptor '%s': unknown op '%.*s' (%s)", s, (int)n, s,
                    nnb_op_list(0, true, ", ", ops, sizeof ops));
}

typedef struct {
    const char *key;
    unsigned fields; /* NNB_F_*: the layer fields it sets */
} kv_key;

static const kv_key kv_keys[] = {
    {"n", NNB_F_N}, {"mb", NNB_F_N}, {"c", NNB_F_C}, {"h", NNB_F_H}, {"w", NNB_F_W}, {"k", NNB_F_K},
    {"r", NNB_F_KH | NNB_F_KW}, {"kh", NNB_F_KH}, {"kw", NNB_F_KW},
    {"stride", NNB_F_SH | NNB_F_SW}, {"s", NNB_F_SH | NNB_F_SW}, {"sh", NNB_F_SH}, {"sw", NNB_F_SW},
    {"pad", NNB_F_PT | NNB_F_PB | NNB_F_PL | NNB_F_PR}, {"ph", NNB_F_PT | NNB_F_PB}, {"pw", NNB_F_PL | NNB_F_PR},
    {"pt", NNB_F_PT}, {"pb", NNB_F_PB}, {"pl", NNB_F_PL}, {"pr", NNB_F_PR},
    {"dil", NNB_F_DH | NNB_F_DW}, {"dh", NNB_F_DH}, {"dw", NNB_F_DW},
    {"g", NNB_F_G}, {"groups", NNB_F_G}, {"bias", NNB_F_BIAS},
    {"outpad", NNB_F_OPH | NNB_F_OPW}, {"oph", NNB_F_OPH}, {"opw", NNB_F_OPW},
    {"ceil", NNB_F_CEIL}, {"ceil_mode", NNB_F_CEIL}, {"include_pad", NNB_F_INCL}, {"name", NNB_F_NAME},
    {"out", NNB_F_OH | NNB_F_OW}, {"oh", NNB_F_OH}, {"ow", NNB_F_OW},
};

enum { PAD_GIVEN = 0, PAD_SAME, PAD_VALID };
#define F_PAD (NNB_F_PT | NNB_F_PB | NNB_F_PL | NNB_F_PR)

static const kv_key *find_key(const char *p, size_t n)
{
    const kv_key *key = NULL;
    for (size_t i = 0; i < sizeof kv_keys / sizeof kv_keys[0]; i++)
        if (strlen(kv_keys[i].key) == n && strncmp(kv_keys[i].key, p, n) == 0) key = &kv_keys[i];
    return key;
}

/* Sets the layer fields of one numeric key. */
static int set_fields(const char *s, nnb_layer *l, const kv_key *key, int64_t v, char *err, size_t len)
{
    unsigned f = key->fields;
    if (f & NNB_F_N) l->n = v;
    if (f & NNB_F_C) l->c = v;
    if (f & NNB_F_H) l->h = v;
    if (f & NNB_F_W) l->w = v;
    if (f & NNB_F_K) l->k = v;
    if (f & NNB_F_KH) l->kh = v;
    if (f & NNB_F_KW) l->kw = v;
    if (f & NNB_F_SH) l->sh = v;
    if (f & NNB_F_SW) l->sw = v;
    if (f & NNB_F_PT) l->pt = v;
    if (f & NNB_F_PB) l->pb = v;
    if (f & NNB_F_PL) l->pl = v;
    if (f & NNB_F_PR) l->pr = v;
    if (f & NNB_F_DH) l->dh = v;
    if (f & NNB_F_DW) l->dw = v;
    if (f & NNB_F_G) l->groups = v;
    if (f & NNB_F_OPH) l->oph = v;
    if (f & NNB_F_OPW) l->opw = v;
    if (f & NNB_F_OH) l->oh = v;
    if (f & NNB_F_OW) l->ow = v;
    if (f & (NNB_F_BIAS | NNB_F_CEIL | NNB_F_INCL)) {
        if (v != 0 && v != 1)
            return nnb_errf(err, len, "descriptor '%s': key '%s' is 0 or 1, got %lld", s, key->key, (long long)v);
        if (f & NNB_F_BIAS) l->bias = v;
        if (f & NNB_F_CEIL) l->ceil_mode = v;
        if (f & NNB_F_INCL) l->count_include_pad = v;
    }
    return 0;
}

/* One key=value pair [p, end): sets the layer, records the fields seen. */
static int parse_pair(const char *s, const char *p, const char *end, nnb_layer *l, unsigned *seen, int *pad_mode,
                      char *err, size_t len)
{
    const char *eq = memchr(p, '=', (size_t)(end - p));
    if (!eq) return nnb_errf(err, len, "descriptor '%s': '%.*s' is not key=value", s, (int)(end - p), p);
    const char *val = eq + 1;
    size_t vlen = (size_t)(end - val);
    const kv_key *key = find_key(p, (size_t)(eq - p));
    if (!key) return nnb_errf(err, len, "descriptor '%s': unknown key '%.*s'", s, (int)(eq - p), p);
    if (*seen & key->fields)
        return nnb_errf(err, len, "descriptor '%s': key '%s' repeats or conflicts with an earlier key", s, key->key);
    *seen |= key->fields;
    if (key->fields == NNB_F_NAME) {
        size_t n = vlen < sizeof l->name - 1 ? vlen : sizeof l->name - 1;
        memcpy(l->name, val, n);
        l->name[n] = 0;
        return 0;
    }
    int64_t v;
    if (key->fields == F_PAD && vlen == 4 && strncmp(val, "same", 4) == 0) {
        *pad_mode = PAD_SAME;
        v = 0;
    } else if (key->fields == F_PAD && vlen == 5 && strncmp(val, "valid", 5) == 0) {
        *pad_mode = PAD_VALID;
        v = 0;
    } else if (nnb_spec_parse_i64(val, vlen, &v)) {
        return nnb_errf(err, len, "descriptor '%s': key '%s' needs an integer, got '%.*s'", s, key->key, (int)vlen, val);
    }
    return set_fields(s, l, key, v, err, len);
}

/* What the op needs, refuses and defaults, from its descriptor. */
static int apply_op_rules(const char *s, const nnb_op_info *op, nnb_layer *l, unsigned seen, char *err, size_t len)
{
    const bool windowed = op->kv_fields & NNB_F_KH;
    if (!(seen & NNB_F_C)) return nnb_errf(err, len, "descriptor '%s': input channels c= is required", s);
    if (!(seen & NNB_F_W)) l->w = l->h; /* square by default */
    if (windowed && !(seen & (NNB_F_KH | NNB_F_KW)))
        return nnb_errf(err, len, "descriptor '%s': kernel size r= (or kh=/kw=) is required", s);
    if (!windowed && (seen & NNB_F_WINDOW))
        return nnb_errf(err, len, "descriptor '%s': %s takes no kernel, stride, padding or dilation", s, op->name);
    if ((seen & NNB_F_KH) && !(seen & NNB_F_KW)) l->kw = l->kh;
    if ((seen & NNB_F_KW) && !(seen & NNB_F_KH)) l->kh = l->kw;
    if (op->stride_is_window && !(seen & (NNB_F_SH | NNB_F_SW))) {
        l->sh = l->kh;
        l->sw = l->kw;
    }
    if (!(op->kv_fields & NNB_F_CEIL) && (seen & (NNB_F_CEIL | NNB_F_INCL)))
        return nnb_errf(err, len, "descriptor '%s': ceil/include_pad apply to pooling only", s);
    if ((seen & (NNB_F_OH | NNB_F_OW)) && !(op->kv_fields & NNB_F_OH))
        return nnb_errf(err, len, "descriptor '%s': the output size oh=/ow= is derived for %s, not given", s, op->name);
    if ((op->kv_fields & NNB_F_OH) && !(seen & NNB_F_OH)) return nnb_errf(err, len, "descriptor '%s': output size out= (or oh=, ow=) is required", s);
    if ((seen & NNB_F_OH) && !(seen & NNB_F_OW)) l->ow = l->oh;
    if (op->k_required && !(seen & NNB_F_K)) return nnb_errf(err, len, "descriptor '%s': %s is required", s, op->k_required);
    if (op->no_bias && (seen & NNB_F_BIAS)) return nnb_errf(err, len, "descriptor '%s': %s", s, op->no_bias);
    return 0;
}

/* TensorFlow SAME: out = ceil(in / s), the missing padding split with the
 * extra row at the bottom/right. */
static void same_pad(int64_t in, int64_t k, int64_t s, int64_t d, int64_t *p0, int64_t *p1)
{
    int64_t out = (in + s - 1) / s;
    int64_t total = (out - 1) * s + nnb_extent(k, d) - in;
    if (total < 0) total = 0;
    *p0 = total / 2;
    *p1 = total - *p0;
}

int nnb_spec_parse_kv(const char *s, nnb_layer *l, char *err, size_t len)
{
    const char *colon = strchr(s, ':');
    if (!colon)
        return nnb_errf(err, len, "descriptor '%s': expected OP:key=value,... (e.g. conv:c=64,h=56,k=64,r=3)", s);
    const nnb_op_info *op = nnb_op_find(s, (size_t)(colon - s));
    if (!op) return nnb_spec_unknown_op(s, (size_t)(colon - s), err, len);
    nnb_layer_init(l, op->op);
    unsigned seen = 0;
    int pad_mode = PAD_GIVEN;
    const char *p = colon + 1;
    if (!*p) return nnb_errf(err, len, "descriptor '%s': no key=value pairs after '%.*s:'", s, (int)(colon - s), s);
    while (*p) {
        const char *end = strchr(p, ',');
        if (!end) end = p + strlen(p);
        if (parse_pair(s, p, end, l, &seen, &pad_mode, err, len)) return -1;
        bool named = strncmp(p, "name=", 5) == 0; /* a name may end with ',' */
        p = *end ? end + 1 : end;
        if (!named && *end && !*p) return nnb_errf(err, len, "descriptor '%s': trailing ','", s);
    }
    if (apply_op_rules(s, op, l, seen, err, len)) return -1;
    if (pad_mode == PAD_SAME) {
        if (!op->same_pad) return nnb_errf(err, len, "descriptor '%s': pad=same is not defined for %s", s, op->name);
        if (l->sh <= 0 || l->sw <= 0 || l->h <= 0 || l->w <= 0 || l->kh <= 0 || l->kw <= 0 || l->dh <= 0 || l->dw <= 0)
            return nnb_layer_finalize(l, err, len); /* reports the bad size */
        same_pad(l->h, l->kh, l->sh, l->dh, &l->pt, &l->pb);
        same_pad(l->w, l->kw, l->sw, l->dw, &l->pl, &l->pr);
    }
    return nnb_layer_finalize(l, err, len);
}
