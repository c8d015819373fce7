/* oneDNN benchdnn conv/deconv descriptors: "mb1ic64ih56oc64oh56kh3ph1n\"name\"".
 * Same fields, defaults and derivation rules as benchdnn's str2desc. */
#include "spec/spec.h"
#include "ops/op.h"
#include "util/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const fields[] = {"mb", "g", "ic", "id", "ih", "iw", "oc", "od", "oh", "ow", "kd",
                                     "kh", "kw", "sd", "sh", "sw", "pd", "ph", "pw", "dd", "dh", "dw"};
enum { MB, G, IC, ID, IH, IW, OC, OD, OH, OW, KD, KH, KW, SD, SH, SW, PD, PH, PW, DD, DH, DW, NF };

typedef struct {
    int64_t v[NF];
    bool set[NF];
} bd_fields;

/* The field at s (a name followed by a digit or '-'), or -1. */
static int field_at(const char *s)
{
    for (int i = 0; i < NF; i++) {
        size_t fl = strlen(fields[i]);
        if (strncmp(s, fields[i], fl) == 0 && (isdigit((unsigned char)s[fl]) || s[fl] == '-')) return i;
    }
    return -1;
}

/* name: the rest of the string, quotes stripped */
static void take_name(const char *nm, nnb_layer *l)
{
    size_t n = strlen(nm);
    if (n >= 2 && nm[0] == '"' && nm[n - 1] == '"') {
        nm++;
        n -= 2;
    }
    if (n >= sizeof l->name) n = sizeof l->name - 1;
    memcpy(l->name, nm, n);
    l->name[n] = 0;
}

/* Fields in any order, '_' ignored, n<name> ends the descriptor. */
static int tokenize(const char *str, bd_fields *f, nnb_layer *l, char *err, size_t len)
{
    const char *s = str;
    if (!*s) return nnb_errf(err, len, "empty descriptor");
    while (*s) {
        if (*s == '_') {
            s++;
            continue;
        }
        int i = field_at(s);
        if (i < 0) {
            if (*s == 'n') {
                take_name(s + 1, l);
                break;
            }
            return nnb_errf(err, len, "benchdnn descriptor '%s': unexpected '%.12s'", str, s);
        }
        s += strlen(fields[i]);
        char *end;
        errno = 0;
        long long x = strtoll(s, &end, 10);
        if (errno || end == s) return nnb_errf(err, len, "benchdnn descriptor '%s': bad number after '%s'", str, fields[i]);
        if (f->set[i]) return nnb_errf(err, len, "benchdnn descriptor '%s': field '%s' repeats", str, fields[i]);
        f->set[i] = true;
        f->v[i] = x;
        s = end;
    }
    return 0;
}

/* Required fields, defaults (mb=2 g=1 s=1), a missing w dimension copying h
 * (and vice versa), and the size bounds. */
static int complete(const char *str, bd_fields *f, char *err, size_t len)
{
    int64_t *v = f->v;
    bool *set = f->set;
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
    return 0;
}

/* One axis (ax 0 = h, 1 = w): derive the output from the padding or the
 * padding from the output, then the far-side padding (and, for deconv, the
 * output padding PyTorch needs). */
static int derive_axis(const char *str, bool transposed, int ax, bd_fields *f, nnb_layer *l, char *err, size_t len)
{
    int64_t *v = f->v;
    int64_t in = ax ? v[IW] : v[IH], k = ax ? v[KW] : v[KH], st = ax ? v[SW] : v[SH];
    int64_t dil = ax ? l->dw : l->dh, ext = nnb_extent(k, dil);
    bool have_out = f->set[ax ? OW : OH], have_pad = f->set[ax ? PW : PH];
    int64_t out = ax ? v[OW] : v[OH], p = have_pad ? (ax ? v[PW] : v[PH]) : 0;
    int64_t p_far, oph = 0;
    if (!transposed) {
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
        if (p_far < p && p - p_far < (st > dil ? st : dil)) {
            oph = p - p_far;
            p_far = p;
        }
        if (p_far < 0) return nnb_errf(err, len, "benchdnn descriptor '%s': output larger than the input allows", str);
    }
    if (ax) { l->pl = p; l->pr = p_far; l->opw = oph; }
    else { l->pt = p; l->pb = p_far; l->oph = oph; }
    if (ax) v[OW] = out; else v[OH] = out;
    return 0;
}

/* benchdnn str2desc: fields g mb ic ih iw oc oh ow kh kw sh sw ph pw dh dw,
 * defaults mb=2 g=1 s=1, '_' ignored, n<name> ends the descriptor; missing w
 * dims copy h; missing output derived from padding and padding from output;
 * dilation is zero-based. */
int nnb_spec_parse_benchdnn(const char *str, nnb_op op, nnb_layer *l, char *err, size_t len)
{
    const nnb_op_info *info = nnb_op_get(op);
    if (!info || !info->benchdnn_driver) return nnb_errf(err, len, "benchdnn descriptors describe conv or deconv only");
    nnb_layer_init(l, op);
    bd_fields f = {{0}, {false}};
    if (tokenize(str, &f, l, err, len) || complete(str, &f, err, len)) return -1;
    const int64_t *v = f.v;
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
    for (int ax = 0; ax < 2; ax++)
        if (derive_axis(str, info->transposed, ax, &f, l, err, len)) return -1;
    if (nnb_layer_finalize(l, err, len)) return -1;
    if (l->oh != v[OH] || l->ow != v[OW])
        return nnb_errf(err, len, "benchdnn descriptor '%s': oh/ow %lldx%lld inconsistent with input, kernel, stride and padding (gives %lldx%lld)",
                        str, (long long)v[OH], (long long)v[OW], (long long)l->oh, (long long)l->ow);
    return 0;
}
