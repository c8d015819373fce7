/* Layer descriptors: presets, oneDNN benchdnn conv/deconv strings and
 * key=value. Parsing is strict: every malformed input is refused with one
 * line naming what is wrong. */
#include "spec/spec.h"
#include "util/util.h"

#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>


static const nnb_preset presets[] = {
    {"conv3x3", "conv:c=64,h=56,k=64,r=3,pad=1", "ResNet-50 res2 3x3: 64x56x56 -> 64, pad 1"},
    {"conv1x1", "conv:c=256,h=56,k=64,r=1", "ResNet-50 res2 1x1 bottleneck: 256x56x56 -> 64"},
    {"conv7x7s2", "conv:c=3,h=224,k=64,r=7,stride=2,pad=3", "ResNet-50 stem: 3x224x224 -> 64, 7x7 stride 2"},
    {"conv5x5", "conv:c=16,h=28,k=32,r=5,pad=2", "Inception 5x5 branch: 16x28x28 -> 32, pad 2"},
    {"dilated3x3", "conv:c=64,h=56,k=64,r=3,dil=2,pad=2", "dilated 3x3 (d=2): 64x56x56 -> 64"},
    {"dwconv3x3", "conv:c=144,h=56,k=144,r=3,pad=1,g=144", "MobileNetV2 depthwise 3x3: 144x56x56"},
    {"groupconv3x3", "conv:c=128,h=56,k=128,r=3,pad=1,g=32", "ResNeXt grouped 3x3: 128x56x56, 32 groups"},
    {"deconv4x4s2", "deconv:c=64,h=28,k=32,r=4,stride=2,pad=1", "transposed 4x4 stride 2: 64x28x28 -> 32x56x56"},
    {"fc", "fc:c=9216,k=4096", "AlexNet fc6: 9216 -> 4096"},
    {"maxpool3x3s2", "maxpool:c=64,h=112,r=3,stride=2,pad=1", "ResNet-50 max pool 3x3 stride 2: 64x112x112"},
    {"avgpool7x7", "avgpool:c=2048,h=7,r=7", "ResNet-50 global average pool: 2048x7x7"},
    {"bn", "bn:c=64,h=56", "batch norm (inference): 64x56x56"},
    {"lstm", "lstm:c=256,k=512,h=32", "LSTM layer: input 256, hidden 512, 32 steps"},
    {"embed", "embed:c=30000,k=512,h=128", "embedding: vocabulary 30000, dim 512, 128 tokens"},
};

const nnb_preset *nnb_presets(size_t *count)
{
    *count = sizeof presets / sizeof presets[0];
    return presets;
}

/* ---- numbers ---- */

static int parse_i64(const char *s, size_t n, int64_t *out)
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

/* ---- key=value ---- */

/* Which layer fields a key sets: two keys that set the same field conflict. */
enum {
    F_N = 1 << 0, F_C = 1 << 1, F_H = 1 << 2, F_W = 1 << 3, F_K = 1 << 4, F_KH = 1 << 5,
    F_KW = 1 << 6, F_SH = 1 << 7, F_SW = 1 << 8, F_PT = 1 << 9, F_PB = 1 << 10, F_PL = 1 << 11,
    F_PR = 1 << 12, F_DH = 1 << 13, F_DW = 1 << 14, F_G = 1 << 15, F_BIAS = 1 << 16,
    F_OPH = 1 << 17, F_OPW = 1 << 18, F_CEIL = 1 << 19, F_INCL = 1 << 20, F_NAME = 1 << 21
};

typedef struct {
    const char *key;
    unsigned fields;
} kv_key;

static const kv_key kv_keys[] = {
    {"n", F_N}, {"mb", F_N}, {"c", F_C}, {"h", F_H}, {"w", F_W}, {"k", F_K},
    {"r", F_KH | F_KW}, {"kh", F_KH}, {"kw", F_KW},
    {"stride", F_SH | F_SW}, {"s", F_SH | F_SW}, {"sh", F_SH}, {"sw", F_SW},
    {"pad", F_PT | F_PB | F_PL | F_PR}, {"ph", F_PT | F_PB}, {"pw", F_PL | F_PR},
    {"pt", F_PT}, {"pb", F_PB}, {"pl", F_PL}, {"pr", F_PR},
    {"dil", F_DH | F_DW}, {"dh", F_DH}, {"dw", F_DW},
    {"g", F_G}, {"groups", F_G}, {"bias", F_BIAS},
    {"outpad", F_OPH | F_OPW}, {"oph", F_OPH}, {"opw", F_OPW},
    {"ceil", F_CEIL}, {"ceil_mode", F_CEIL}, {"include_pad", F_INCL}, {"name", F_NAME},
};

typedef struct {
    const char *name;
    nnb_op op;
} op_alias;

static const op_alias op_aliases[] = {
    {"conv", NNB_OP_CONV},         {"deconv", NNB_OP_DECONV},       {"fc", NNB_OP_FC},
    {"maxpool", NNB_OP_POOL_MAX},  {"pool_max", NNB_OP_POOL_MAX},   {"avgpool", NNB_OP_POOL_AVG},
    {"pool_avg", NNB_OP_POOL_AVG}, {"bn", NNB_OP_BN},               {"lstm", NNB_OP_LSTM},
    {"embed", NNB_OP_EMBED},
};

static int op_lookup(const char *s, size_t n, nnb_op *op)
{
    for (size_t i = 0; i < sizeof op_aliases / sizeof op_aliases[0]; i++)
        if (strlen(op_aliases[i].name) == n && strncmp(op_aliases[i].name, s, n) == 0) {
            *op = op_aliases[i].op;
            return 0;
        }
    return -1;
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
    if (!colon) return nnb_errf(err, len, "descriptor '%s': expected OP:key=value,... (e.g. conv:c=64,h=56,k=64,r=3)", s);
    nnb_op op;
    if (op_lookup(s, (size_t)(colon - s), &op))
        return nnb_errf(err, len, "descriptor '%s': unknown op '%.*s' (conv, deconv, fc, maxpool, avgpool, bn, lstm, embed)",
                    s, (int)(colon - s), s);
    nnb_layer_init(l, op);
    unsigned seen = 0;
    int pad_mode = 0; /* 1 = same, 2 = valid */
    const char *p = colon + 1;
    if (!*p) return nnb_errf(err, len, "descriptor '%s': no key=value pairs after '%.*s:'", s, (int)(colon - s), s);
    while (*p) {
        const char *end = strchr(p, ',');
        if (!end) end = p + strlen(p);
        const char *eq = memchr(p, '=', (size_t)(end - p));
        if (!eq) return nnb_errf(err, len, "descriptor '%s': '%.*s' is not key=value", s, (int)(end - p), p);
        size_t klen = (size_t)(eq - p);
        const char *val = eq + 1;
        size_t vlen = (size_t)(end - val);
        const kv_key *key = NULL;
        for (size_t i = 0; i < sizeof kv_keys / sizeof kv_keys[0]; i++)
            if (strlen(kv_keys[i].key) == klen && strncmp(kv_keys[i].key, p, klen) == 0) key = &kv_keys[i];
        if (!key) return nnb_errf(err, len, "descriptor '%s': unknown key '%.*s'", s, (int)klen, p);
        if (seen & key->fields)
            return nnb_errf(err, len, "descriptor '%s': key '%s' repeats or conflicts with an earlier key", s, key->key);
        seen |= key->fields;
        if (key->fields == F_NAME) {
            size_t n = vlen < sizeof l->name - 1 ? vlen : sizeof l->name - 1;
            memcpy(l->name, val, n);
            l->name[n] = 0;
            p = *end ? end + 1 : end;
            continue;
        }
        int64_t v;
        if (key->fields == (F_PT | F_PB | F_PL | F_PR) && vlen == 4 && strncmp(val, "same", 4) == 0) {
            pad_mode = 1;
            v = 0;
        } else if (key->fields == (F_PT | F_PB | F_PL | F_PR) && vlen == 5 && strncmp(val, "valid", 5) == 0) {
            pad_mode = 2;
            v = 0;
        } else if (parse_i64(val, vlen, &v)) {
            return nnb_errf(err, len, "descriptor '%s': key '%s' needs an integer, got '%.*s'", s, key->key, (int)vlen, val);
        }
        unsigned f = key->fields;
        if (f & F_N) l->n = v;
        if (f & F_C) l->c = v;
        if (f & F_H) l->h = v;
        if (f & F_W) l->w = v;
        if (f & F_K) l->k = v;
        if (f & F_KH) l->kh = v;
        if (f & F_KW) l->kw = v;
        if (f & F_SH) l->sh = v;
        if (f & F_SW) l->sw = v;
        if (f & F_PT) l->pt = v;
        if (f & F_PB) l->pb = v;
        if (f & F_PL) l->pl = v;
        if (f & F_PR) l->pr = v;
        if (f & F_DH) l->dh = v;
        if (f & F_DW) l->dw = v;
        if (f & F_G) l->groups = v;
        if (f & F_OPH) l->oph = v;
        if (f & F_OPW) l->opw = v;
        if (f & (F_BIAS | F_CEIL | F_INCL)) {
            if (v != 0 && v != 1) return nnb_errf(err, len, "descriptor '%s': key '%s' is 0 or 1, got %lld", s, key->key, (long long)v);
            if (f & F_BIAS) l->bias = v;
            if (f & F_CEIL) l->ceil_mode = v;
            if (f & F_INCL) l->count_include_pad = v;
        }
        p = *end ? end + 1 : end;
        if (*end && !*p) return nnb_errf(err, len, "descriptor '%s': trailing ','", s);
    }
    if (!(seen & F_C)) return nnb_errf(err, len, "descriptor '%s': input channels c= is required", s);
    if (!(seen & F_W)) l->w = l->h; /* square by default */
    const bool windowed = op == NNB_OP_CONV || op == NNB_OP_DECONV || op == NNB_OP_POOL_MAX || op == NNB_OP_POOL_AVG;
    if (windowed && !(seen & (F_KH | F_KW))) return nnb_errf(err, len, "descriptor '%s': kernel size r= (or kh=/kw=) is required", s);
    if (!windowed && (seen & (F_KH | F_KW | F_SH | F_SW | F_PT | F_PB | F_PL | F_PR | F_DH | F_DW)))
        return nnb_errf(err, len, "descriptor '%s': %s takes no kernel, stride, padding or dilation", s, nnb_op_name(op));
    if ((seen & F_KH) && !(seen & F_KW)) l->kw = l->kh;
    if ((seen & F_KW) && !(seen & F_KH)) l->kh = l->kw;
    if ((op == NNB_OP_POOL_MAX || op == NNB_OP_POOL_AVG)) {
        if (!(seen & (F_SH | F_SW))) { /* PyTorch: stride defaults to the window */
            l->sh = l->kh;
            l->sw = l->kw;
        }
        if (seen & F_BIAS) return nnb_errf(err, len, "descriptor '%s': pooling has no bias", s);
    } else if (seen & (F_CEIL | F_INCL)) {
        return nnb_errf(err, len, "descriptor '%s': ceil/include_pad apply to pooling only", s);
    }
    if ((op == NNB_OP_CONV || op == NNB_OP_DECONV || op == NNB_OP_FC || op == NNB_OP_LSTM) && !(seen & F_K))
        return nnb_errf(err, len, "descriptor '%s': output channels k= is required", s);
    if ((op == NNB_OP_EMBED) && !(seen & F_K)) return nnb_errf(err, len, "descriptor '%s': embedding dim k= is required", s);
    if (op == NNB_OP_BN || op == NNB_OP_EMBED) {
        if (seen & F_BIAS) return nnb_errf(err, len, "descriptor '%s': %s has no bias flag", s, nnb_op_name(op));
        l->bias = false;
    }
    if (pad_mode == 1) {
        if (op == NNB_OP_DECONV) return nnb_errf(err, len, "descriptor '%s': pad=same is not defined for deconv", s);
        if (l->sh <= 0 || l->sw <= 0 || l->h <= 0 || l->w <= 0 || l->kh <= 0 || l->kw <= 0 || l->dh <= 0 || l->dw <= 0)
            return nnb_layer_finalize(l, err, len); /* reports the bad size */
        same_pad(l->h, l->kh, l->sh, l->dh, &l->pt, &l->pb);
        same_pad(l->w, l->kw, l->sw, l->dw, &l->pl, &l->pr);
    }
    return nnb_layer_finalize(l, err, len);
}

/* ---- benchdnn ---- */

/* benchdnn str2desc: fields g mb ic ih iw oc oh ow kh kw sh sw ph pw dh dw,
 * defaults mb=2 g=1 s=1, '_' ignored, n<name> ends the descriptor; missing w
 * dims copy h; missing output derived from padding and padding from output;
 * dilation is zero-based. */
int nnb_spec_parse_benchdnn(const char *str, nnb_op op, nnb_layer *l, char *err, size_t len)
{
    static const char *const fields[] = {"mb", "g", "ic", "id", "ih", "iw", "oc", "od", "oh", "ow", "kd",
                                         "kh", "kw", "sd", "sh", "sw", "pd", "ph", "pw", "dd", "dh", "dw"};
    enum { MB, G, IC, ID, IH, IW, OC, OD, OH, OW, KD, KH, KW, SD, SH, SW, PD, PH, PW, DD, DH, DW, NF };
    int64_t v[NF] = {0};
    bool set[NF] = {false};
    if (op != NNB_OP_CONV && op != NNB_OP_DECONV)
        return nnb_errf(err, len, "benchdnn descriptors describe conv or deconv only");
    nnb_layer_init(l, op);
    const char *s = str;
    if (!*s) return nnb_errf(err, len, "empty descriptor");
    while (*s) {
        if (*s == '_') {
            s++;
            continue;
        }
        int f = -1;
        for (int i = 0; i < NF; i++) {
            size_t fl = strlen(fields[i]);
            if (strncmp(s, fields[i], fl) == 0 && (isdigit((unsigned char)s[fl]) || s[fl] == '-')) {
                f = i;
                break;
            }
        }
        if (f < 0) {
            if (*s == 'n') { /* name: the rest, quotes stripped */
                const char *nm = s + 1;
                size_t n = strlen(nm);
                if (n >= 2 && nm[0] == '"' && nm[n - 1] == '"') {
                    nm++;
                    n -= 2;
                }
                if (n >= sizeof l->name) n = sizeof l->name - 1;
                memcpy(l->name, nm, n);
                l->name[n] = 0;
                break;
            }
            return nnb_errf(err, len, "benchdnn descriptor '%s': unexpected '%.12s'", str, s);
        }
        s += strlen(fields[f]);
        char *end;
        errno = 0;
        long long x = strtoll(s, &end, 10);
        if (errno || end == s) return nnb_errf(err, len, "benchdnn descriptor '%s': bad number after '%s'", str, fields[f]);
        if (set[f]) return nnb_errf(err, len, "benchdnn descriptor '%s': field '%s' repeats", str, fields[f]);
        set[f] = true;
        v[f] = x;
        s = end;
    }
    if (set[ID] || set[OD] || set[KD] || set[SD] || set[PD] || set[DD])
        return nnb_errf(err, len, "benchdnn descriptor '%s': 3-D (id/od/kd) convolutions are not supported", str);
    if (!set[IC] || !set[OC]) return nnb_errf(err, len, "benchdnn descriptor '%s': ic and oc are required", str);
    if (!set[IH] && !set[IW]) return nnb_errf(err, len, "benchdnn descriptor '%s': ih (input height) is required", str);
    if (!set[KH] && !set[KW]) return nnb_errf(err, len, "benchdnn descriptor '%s': kh (kernel height) is required", str);
    for (int i = 0; i < NF; i++)
        if (set[i] && v[i] < 0) return nnb_errf(err, len, "benchdnn descriptor '%s': %s must not be negative", str, fields[i]);
    if (!set[MB]) v[MB] = 2;
    if (!set[G]) v[G] = 1;
    /* spatial promotion: a missing w dimension copies h (and vice versa) */
    const int hw[][2] = {{IH, IW}, {OH, OW}, {KH, KW}, {SH, SW}, {PH, PW}, {DH, DW}};
    for (size_t i = 0; i < sizeof hw / sizeof hw[0]; i++) {
        if (set[hw[i][0]] && !set[hw[i][1]]) { v[hw[i][1]] = v[hw[i][0]]; set[hw[i][1]] = true; }
        else if (!set[hw[i][0]] && set[hw[i][1]]) { v[hw[i][0]] = v[hw[i][1]]; set[hw[i][0]] = true; }
    }
    if (!set[SH]) v[SH] = v[SW] = 1;
    if (v[SH] <= 0 || v[SW] <= 0) return nnb_errf(err, len, "benchdnn descriptor '%s': stride must be positive", str);
    if (v[IH] <= 0 || v[KH] <= 0 || v[IW] <= 0 || v[KW] <= 0 || v[IC] <= 0 || v[OC] <= 0 || v[MB] <= 0 || v[G] <= 0)
        return nnb_errf(err, len, "benchdnn descriptor '%s': sizes must be positive", str);
    if (v[KH] > (INT64_C(1) << 40) || v[KW] > (INT64_C(1) << 40) || v[DH] > (INT64_C(1) << 40) ||
        v[DW] > (INT64_C(1) << 40) || v[IH] > (INT64_C(1) << 40) || v[IW] > (INT64_C(1) << 40) ||
        v[OH] > (INT64_C(1) << 40) || v[OW] > (INT64_C(1) << 40) || v[SH] > (INT64_C(1) << 40) ||
        v[SW] > (INT64_C(1) << 40) || v[PH] > (INT64_C(1) << 40) || v[PW] > (INT64_C(1) << 40))
        return nnb_errf(err, len, "benchdnn descriptor '%s': a size exceeds 2^40", str);

    l->n = v[MB];
    l->groups = v[G];
    l->c = v[IC];
    l->k = v[OC];
    l->h = v[IH];
    l->w = v[IW];
    l->kh = v[KH];
    l->kw = v[KW];
    l->sh = v[SH];
    l->sw = v[SW];
    l->dh = v[DH] + 1; /* zero-based -> one-based */
    l->dw = v[DW] + 1;
    l->bias = true; /* benchdnn's default direction FWD_B has bias */

    /* per axis: derive output or padding, then the far-side padding */
    for (int ax = 0; ax < 2; ax++) {
        int64_t in = ax ? v[IW] : v[IH], k = ax ? v[KW] : v[KH], st = ax ? v[SW] : v[SH];
        int64_t ext = nnb_extent(k, ax ? l->dw : l->dh);
        bool have_out = set[ax ? OW : OH], have_pad = set[ax ? PW : PH];
        int64_t out = ax ? v[OW] : v[OH], p = have_pad ? (ax ? v[PW] : v[PH]) : 0;
        int64_t p_far, oph = 0;
        if (op == NNB_OP_CONV) {
            if (!have_out) {
                out = (in - ext + 2 * p) / st + 1;
                if (in - ext + 2 * p < 0 || out <= 0)
                    return nnb_errf(err, len, "benchdnn descriptor '%s': padding leaves no output", str);
            } else if (!have_pad) {
                p = ((out - 1) * st - in + ext) / 2;
                if (p < 0) p = 0;
            }
            p_far = (out - 1) * st - in + ext - p;
            /* keep PyTorch's symmetric padding when it gives the same output */
            if (p_far != p && in + 2 * p - ext >= 0 && (in + 2 * p - ext) / st + 1 == out) p_far = p;
            if (p_far < 0) p_far = 0;
        } else {
            if (!have_out) {
                out = (in - 1) * st - 2 * p + ext;
                if (out <= 0) return nnb_errf(err, len, "benchdnn descriptor '%s': padding leaves no output", str);
            } else if (!have_pad) {
                p = ((in - 1) * st - out + ext) / 2;
                if (p < 0) p = 0;
            }
            p_far = (in - 1) * st - out + ext - p;
            /* PyTorch expresses a smaller far-side padding as output padding */
            if (p_far < p && p - p_far < (st > (ax ? l->dw : l->dh) ? st : (ax ? l->dw : l->dh))) {
                oph = p - p_far;
                p_far = p;
            }
            if (p_far < 0) return nnb_errf(err, len, "benchdnn descriptor '%s': output larger than the input allows", str);
        }
        if (ax) { l->pl = p; l->pr = p_far; l->opw = oph; }
        else { l->pt = p; l->pb = p_far; l->oph = oph; }
        if (ax) v[OW] = out; else v[OH] = out;
    }
    if (nnb_layer_finalize(l, err, len)) return -1;
    if (l->oh != v[OH] || l->ow != v[OW])
        return nnb_errf(err, len, "benchdnn descriptor '%s': oh/ow %lldx%lld inconsistent with input, kernel, stride and padding (gives %lldx%lld)",
                    str, (long long)v[OH], (long long)v[OW], (long long)l->oh, (long long)l->ow);
    return 0;
}

static bool looks_kv(const char *s)
{
    return strchr(s, '=') != NULL;
}

int nnb_spec_parse(const char *s, nnb_layer *l, char *err, size_t len)
{
    if (!s || !*s) return nnb_errf(err, len, "empty layer descriptor");
    size_t np;
    const nnb_preset *ps = nnb_presets(&np);
    for (size_t i = 0; i < np; i++)
        if (strcmp(s, ps[i].name) == 0) {
            if (nnb_spec_parse_kv(ps[i].spec, l, err, len)) return -1;
            snprintf(l->name, sizeof l->name, "%s", ps[i].name);
            return 0;
        }
    const char *colon = strchr(s, ':');
    const char *quote = strchr(s, '"');
    nnb_op op;
    if (colon && (!quote || colon < quote) && op_lookup(s, (size_t)(colon - s), &op) == 0) {
        if (looks_kv(colon + 1)) return nnb_spec_parse_kv(s, l, err, len);
        if (op == NNB_OP_CONV || op == NNB_OP_DECONV) return nnb_spec_parse_benchdnn(colon + 1, op, l, err, len);
        return nnb_spec_parse_kv(s, l, err, len);
    }
    if (colon && (!quote || colon < quote) && looks_kv(colon + 1))
        return nnb_errf(err, len, "descriptor '%s': unknown op '%.*s' (conv, deconv, fc, maxpool, avgpool, bn, lstm, embed)", s,
                    (int)(colon - s), s);
    if (looks_kv(s) && !quote) return nnb_errf(err, len, "descriptor '%s': key=value form needs an op prefix, e.g. conv:%s", s, s);
    /* a benchdnn conv string starts with one of its fields */
    if (strncmp(s, "mb", 2) && strncmp(s, "ic", 2) && strncmp(s, "g", 1) && s[0] != '_') {
        return nnb_errf(err, len, "unknown layer '%s' (not a preset, benchdnn string or op:key=value; see --list)", s);
    }
    return nnb_spec_parse_benchdnn(s, NNB_OP_CONV, l, err, len);
}

/* ---- formatting ---- */

static int put(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *off, *off < len ? len - *off : 0, fmt, ap);
    va_end(ap);
    if (n < 0) return -1;
    *off += (size_t)n;
    return 0;
}

static const char *kv_op_name(nnb_op op)
{
    switch (op) {
    case NNB_OP_POOL_MAX: return "maxpool";
    case NNB_OP_POOL_AVG: return "avgpool";
    default: return nnb_op_name(op);
    }
}

int nnb_spec_format_kv(const nnb_layer *l, char *buf, size_t len)
{
    size_t o = 0;
    const bool windowed = l->op == NNB_OP_CONV || l->op == NNB_OP_DECONV || l->op == NNB_OP_POOL_MAX ||
                          l->op == NNB_OP_POOL_AVG;
    const bool pool = l->op == NNB_OP_POOL_MAX || l->op == NNB_OP_POOL_AVG;
    put(buf, len, &o, "%s:n=%lld,c=%lld,h=%lld", kv_op_name(l->op), (long long)l->n, (long long)l->c, (long long)l->h);
    if (l->op != NNB_OP_LSTM && l->op != NNB_OP_EMBED) put(buf, len, &o, ",w=%lld", (long long)l->w);
    if (!pool && l->op != NNB_OP_BN) put(buf, len, &o, ",k=%lld", (long long)l->k);
    if (windowed) {
        if (l->kh == l->kw) put(buf, len, &o, ",r=%lld", (long long)l->kh);
        else put(buf, len, &o, ",kh=%lld,kw=%lld", (long long)l->kh, (long long)l->kw);
        if (l->sh == l->sw) put(buf, len, &o, ",stride=%lld", (long long)l->sh);
        else put(buf, len, &o, ",sh=%lld,sw=%lld", (long long)l->sh, (long long)l->sw);
        if (l->pt == l->pb && l->pt == l->pl && l->pt == l->pr) put(buf, len, &o, ",pad=%lld", (long long)l->pt);
        else put(buf, len, &o, ",pt=%lld,pb=%lld,pl=%lld,pr=%lld", (long long)l->pt, (long long)l->pb,
                 (long long)l->pl, (long long)l->pr);
        if (l->dh == l->dw) put(buf, len, &o, ",dil=%lld", (long long)l->dh);
        else put(buf, len, &o, ",dh=%lld,dw=%lld", (long long)l->dh, (long long)l->dw);
    }
    if (l->op == NNB_OP_CONV || l->op == NNB_OP_DECONV) put(buf, len, &o, ",g=%lld", (long long)l->groups);
    if (l->op == NNB_OP_DECONV) {
        if (l->oph == l->opw) put(buf, len, &o, ",outpad=%lld", (long long)l->oph);
        else put(buf, len, &o, ",oph=%lld,opw=%lld", (long long)l->oph, (long long)l->opw);
    }
    if (pool) put(buf, len, &o, ",ceil=%d", l->ceil_mode ? 1 : 0);
    if (l->op == NNB_OP_POOL_AVG) put(buf, len, &o, ",include_pad=%d", l->count_include_pad ? 1 : 0);
    if (!pool && l->op != NNB_OP_BN && l->op != NNB_OP_EMBED) put(buf, len, &o, ",bias=%d", l->bias ? 1 : 0);
    return o < len ? 0 : -1;
}

int nnb_spec_format_benchdnn(const nnb_layer *l, char *buf, size_t len)
{
    if (l->op != NNB_OP_CONV && l->op != NNB_OP_DECONV) {
        snprintf(buf, len, "-");
        return -1;
    }
    size_t o = 0;
    if (l->op == NNB_OP_DECONV) put(buf, len, &o, "deconv:");
    if (l->groups > 1) put(buf, len, &o, "g%lld", (long long)l->groups);
    put(buf, len, &o, "mb%lldic%lldih%lldiw%lldoc%lldoh%lldow%lldkh%lldkw%lld", (long long)l->n, (long long)l->c,
        (long long)l->h, (long long)l->w, (long long)l->k, (long long)l->oh, (long long)l->ow, (long long)l->kh,
        (long long)l->kw);
    if (l->sh != 1 || l->sw != 1) put(buf, len, &o, "sh%lldsw%lld", (long long)l->sh, (long long)l->sw);
    put(buf, len, &o, "ph%lldpw%lld", (long long)l->pt, (long long)l->pl);
    if (l->dh != 1 || l->dw != 1) put(buf, len, &o, "dh%llddw%lld", (long long)(l->dh - 1), (long long)(l->dw - 1));
    return o < len ? 0 : -1;
}

int nnb_spec_format_human(const nnb_layer *l, char *buf, size_t len)
{
    size_t o = 0;
    const char *op = kv_op_name(l->op);
    switch (l->op) {
    case NNB_OP_FC:
        put(buf, len, &o, "fc %lldx%lld -> %lldx%lld%s", (long long)l->n, (long long)(l->c * l->h * l->w),
            (long long)l->n, (long long)l->k, l->bias ? " +bias" : "");
        break;
    case NNB_OP_LSTM:
        put(buf, len, &o, "lstm n%lld steps%lld in%lld -> hidden%lld%s", (long long)l->n, (long long)l->h,
            (long long)l->c, (long long)l->k, l->bias ? " +bias" : "");
        break;
    case NNB_OP_EMBED:
        put(buf, len, &o, "embed vocab%lld dim%lld, %lldx%lld tokens", (long long)l->c, (long long)l->k,
            (long long)l->n, (long long)l->h);
        break;
    case NNB_OP_BN:
        put(buf, len, &o, "bn %lldx%lldx%lldx%lld", (long long)l->n, (long long)l->c, (long long)l->h, (long long)l->w);
        break;
    default:
        put(buf, len, &o, "%s %lldx%lldx%lldx%lld -> %lldx%lldx%lldx%lld, %lldx%lld", op, (long long)l->n,
            (long long)l->c, (long long)l->h, (long long)l->w, (long long)l->n, (long long)l->k, (long long)l->oh,
            (long long)l->ow, (long long)l->kh, (long long)l->kw);
        if (l->sh == l->sw) put(buf, len, &o, " s%lld", (long long)l->sh);
        else put(buf, len, &o, " s%lldx%lld", (long long)l->sh, (long long)l->sw);
        if (l->pt == l->pb && l->pl == l->pr && l->pt == l->pl) put(buf, len, &o, " p%lld", (long long)l->pt);
        else put(buf, len, &o, " p%lld,%lld,%lld,%lld", (long long)l->pt, (long long)l->pl, (long long)l->pb,
                 (long long)l->pr);
        if (l->dh != 1 || l->dw != 1) put(buf, len, &o, " d%lld", (long long)l->dh);
        if (l->groups != 1) put(buf, len, &o, " g%lld", (long long)l->groups);
        if (l->oph || l->opw) put(buf, len, &o, " op%lld", (long long)l->oph);
        if (l->ceil_mode) put(buf, len, &o, " ceil");
        if (l->bias && (l->op == NNB_OP_CONV || l->op == NNB_OP_DECONV)) put(buf, len, &o, " +bias");
        break;
    }
    return o < len ? 0 : -1;
}

/* ---- benchdnn batch files ---- */

int nnb_spec_read_batch(const char *path, nnb_layer_fn fn, void *ctx, char *err, size_t len)
{
    FILE *f = fopen(path, "r");
    if (!f) return nnb_errf(err, len, "%s: cannot open batch file: %s", path, strerror(errno));
    char line[4096];
    int lineno = 0, count = 0;
    nnb_op op = NNB_OP_CONV;
    int64_t mb_override = 0;
    int rc = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        size_t n = strlen(line);
        if (n == sizeof line - 1 && line[n - 1] != '\n') {
            rc = nnb_errf(err, len, "%s:%d: line too long", path, lineno);
            break;
        }
        char *hash = strchr(line, '#');
        if (hash) *hash = 0;
        char *save = NULL;
        for (char *tok = strtok_r(line, " \t\r\n", &save); tok; tok = strtok_r(NULL, " \t\r\n", &save)) {
            if (strncmp(tok, "--", 2) == 0) {
                if (strcmp(tok, "--conv") == 0) op = NNB_OP_CONV;
                else if (strcmp(tok, "--deconv") == 0) op = NNB_OP_DECONV;
                else if (strcmp(tok, "--reset") == 0) { op = NNB_OP_CONV; mb_override = 0; }
                else if (strncmp(tok, "--mb=", 5) == 0) {
                    if (parse_i64(tok + 5, strlen(tok + 5), &mb_override) || mb_override < 0) {
                        rc = nnb_errf(err, len, "%s:%d: bad --mb value '%s'", path, lineno, tok + 5);
                        goto done;
                    }
                } else if (strncmp(tok, "--batch", 7) == 0) {
                    rc = nnb_errf(err, len, "%s:%d: nested --batch is not supported", path, lineno);
                    goto done;
                } /* other knobs (--dir, --cfg, --alg, ...) do not change the layer */
                continue;
            }
            nnb_layer l;
            char e[512];
            const char *colon = strchr(tok, ':'), *quote = strchr(tok, '"');
            nnb_op pre;
            bool prefixed = colon && (!quote || colon < quote) && op_lookup(tok, (size_t)(colon - tok), &pre) == 0;
            /* an unprefixed benchdnn string follows the current driver (--conv/--deconv) */
            int r = (!prefixed && op == NNB_OP_DECONV) ? nnb_spec_parse_benchdnn(tok, op, &l, e, sizeof e)
                                                       : nnb_spec_parse(tok, &l, e, sizeof e);
            if (r) {
                rc = nnb_errf(err, len, "%s:%d: %s", path, lineno, e);
                goto done;
            }
            if (mb_override > 0) {
                l.n = mb_override;
                if (nnb_layer_finalize(&l, e, sizeof e)) {
                    rc = nnb_errf(err, len, "%s:%d: %s", path, lineno, e);
                    goto done;
                }
            }
            count++;
            if (fn(&l, tok, ctx)) { rc = -1; goto done; }
        }
    }
    if (rc == 0 && ferror(f)) rc = nnb_errf(err, len, "%s: read error", path);
    if (rc == 0 && count == 0) rc = nnb_errf(err, len, "%s: no layer descriptors in batch file", path);
done:
    fclose(f);
    return rc;
}
