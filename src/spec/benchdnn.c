/* oneDNN benchdnn conv/deconv descriptors ("mb1ic64ih56oc64oh56kh3ph1n\"x\""),
 * read exactly as benchdnn reads them: str2desc (conv_aux.cpp,
 * deconv_aux.cpp), sanitize_desc (common.cpp) and init_pad_r (conv.hpp,
 * deconv.hpp) of oneDNN 515bfba6, whose copies are in
 * shared/reference/benchdnn/src; tests/benchdnn_desc.py is the same rules in
 * Python, the oracle of the corpus test. What benchdnn reads but nnbench
 * cannot run as that exact layer (a real 3-D problem, negative padding that
 * nnbench's layer cannot hold) is refused with NNB_SPEC_UNSUPPORTED. */
#include "spec/spec.h"
#include "ops/op.h"
#include "util/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* str2desc's CASE_N order: within one pass each field may match once, in
 * this order; the loop makes passes until the string ends, so fields come
 * in any order and a repeated field keeps its last value. */
enum { G, MB, IC, ID, IH, IW, OC, OD, OH, OW, KD, KH, KW, SD, SH, SW, PD, PH, PW, DD, DH, DW, NF };
static const char *const field_names[NF] = {"g",  "mb", "ic", "id", "ih", "iw", "oc", "od", "oh", "ow", "kd",
                                            "kh", "kw", "sd", "sh", "sw", "pd", "ph", "pw", "dd", "dh", "dw"};
/* axis a (0 d, 1 h, 2 w) of a spatial field family */
#define AX(first, a) ((first) + (a))

typedef __int128 wide; /* derivations of values up to 2^40 cannot overflow */

typedef struct {
    int64_t v[NF];
    int64_t p_far[3]; /* init_pad_r, per axis d h w */
    int ndims;        /* 3 (1-D), 4 (2-D), 5 (3-D) */
    const char *name; /* after 'n', or NULL */
} bd_desc;

#define BD_LIMIT (INT64_C(1) << 40)

/* strtol as str2desc calls it (leading space and a sign accepted), refusing
 * what benchdnn would silently saturate. */
static int take_value(const char *str, const char **s, int f, int64_t *out, char *err, size_t len)
{
    char *end;
    errno = 0;
    long long x = strtoll(*s, &end, 10);
    if (end == *s) return nnb_errf(err, len, "benchdnn descriptor '%s': no value for '%s'", str, field_names[f]);
    if (errno == ERANGE || x > BD_LIMIT)
        return nnb_errf(err, len, "benchdnn descriptor '%s': %s exceeds 2^40", str, field_names[f]);
    if (x < 0) return nnb_errf(err, len, "benchdnn descriptor '%s': %s must not be negative", str, field_names[f]);
    *out = x;
    *s = end;
    return 0;
}

/* The str2desc loop, pass by pass. */
static int tokenize(const char *str, bd_desc *d, char *err, size_t len)
{
    const char *s = str;
    if (!*s) return nnb_errf(err, len, "empty benchdnn descriptor");
    while (*s) {
        bool ok = false;
        for (int f = 0; f < NF; f++) {
            size_t n = strlen(field_names[f]);
            if (strncmp(field_names[f], s, n) != 0) continue;
            ok = true;
            s += n;
            if (take_value(str, &s, f, &d->v[f], err, len)) return -1;
        }
        if (*s == 'n') {
            d->name = s + 1;
            break;
        }
        if (*s == '_') ++s;
        if (!ok) return nnb_errf(err, len, "benchdnn descriptor '%s': unrecognized pattern at '%.16s'", str, s);
    }
    return 0;
}

/* compute_out / compute_pad of str2desc (conv_aux.cpp; deconv_aux.cpp for deconv) */
static wide bd_ext(const int64_t *v, int a) { return (wide)(v[AX(KD, a)] - 1) * (v[AX(DD, a)] + 1) + 1; }

/* One axis of str2desc: required sizes, then the output from the padding or
 * the padding from the output. */
static int derive_axis(const char *str, bd_desc *d, int a, bool deconv, char *err, size_t len)
{
    int64_t *v = d->v;
    const int I = AX(ID, a), K = AX(KD, a), O = AX(OD, a), S = AX(SD, a), P = AX(PD, a), D = AX(DD, a);
    bool none = (v[I] | v[K] | v[O] | v[D]) == 0 && v[S] == 1 && v[P] < 1;
    if (none) return 0;
    if (v[I] <= 0 || v[K] <= 0)
        return nnb_errf(err, len, "benchdnn descriptor '%s': %s not specified or 0", str,
                        field_names[v[I] <= 0 ? I : K]);
    wide i = v[I], s = v[S], ext = bd_ext(v, a);
    if (!v[O]) {
        if (v[P] < 0) v[P] = 0;
        wide p = v[P];
        wide o = deconv ? (i - 1) * s + ext - 2 * p : (i - ext + 2 * p) / s + 1;
        if (o <= 0) return nnb_errf(err, len, "benchdnn descriptor '%s': %s deduced <= 0", str, field_names[O]);
        if (o > BD_LIMIT) return nnb_errf(err, len, "benchdnn descriptor '%s': %s exceeds 2^40", str, field_names[O]);
        v[O] = (int64_t)o;
    } else if (v[P] < 0) {
        wide o = v[O];
        wide p = (deconv ? (i - 1) * s - o + ext : (o - 1) * s - i + ext) / 2; /* truncating, as C++ */
        if (p > BD_LIMIT || p < -BD_LIMIT)
            return nnb_errf(err, len, "benchdnn descriptor '%s': %s deduced beyond 2^40", str, field_names[P]);
        v[P] = (int64_t)p;
    }
    return 0;
}

/* sanitize_desc: the number of spatial dimensions from the outputs given or
 * derived; 2-D copies h to w only when no w field was given at all, 3-D
 * without h and w copies d to both; absent dimensions take o=i=k=s=1, p=d=0. */
static int sanitize(const char *str, bd_desc *d, char *err, size_t len)
{
    int64_t *v = d->v;
    bool no_d = v[OD] == 0, no_h = v[OH] == 0, no_w = v[OW] == 0;
    int nd = 5 - no_d - (no_d && no_h) - (no_d && no_h && no_w);
    if (nd <= 2) return nnb_errf(err, len, "benchdnn descriptor '%s': no spatial dimension given", str);
    static const int fam[6] = {OD, ID, KD, SD, PD, DD};
    static const int64_t def[6] = {1, 1, 1, 1, 0, 0};
    if (nd == 5 && no_h != no_w) {
        /* benchdnn refuses partial h/w too; a depth beyond 1 is the reason that matters here */
        if (v[OD] > 1 || v[ID] > 1 || v[KD] > 1) {
            nnb_errf(err, len, "benchdnn descriptor '%s': " NNB_SPEC_3D_REASON " (depth od%lld id%lld kd%lld; "
                     "benchdnn also wants all h and w dimensions or none)", str, (long long)v[OD], (long long)v[ID],
                     (long long)v[KD]);
            return NNB_SPEC_UNSUPPORTED;
        }
        return nnb_errf(err, len, "benchdnn descriptor '%s': give all h and w dimensions or none", str);
    }
    for (int f = 0; f < 6; f++) {
        if (nd == 5 && no_h) v[fam[f] + 1] = v[fam[f] + 2] = v[fam[f]];
        else if (nd == 4 && no_w) v[fam[f] + 2] = v[fam[f] + 1];
        if (nd < 5) v[fam[f]] = def[f];
        if (nd < 4) v[fam[f] + 1] = def[f];
    }
    d->ndims = nd;
    return 0;
}

/* str2desc from the defaults to init_pad_r: 0, or -1 with the reason. */
static int read_desc(const char *str, bool deconv, bd_desc *d, char *err, size_t len)
{
    memset(d, 0, sizeof *d);
    int64_t *v = d->v;
    v[G] = -1;
    v[MB] = 2;
    v[SD] = v[SH] = v[SW] = 1;
    v[PD] = v[PH] = v[PW] = -1;
    if (tokenize(str, d, err, len)) return -1;
    if (v[G] == 0) return nnb_errf(err, len, "benchdnn descriptor '%s': g set to 0", str);
    if (v[G] < 0) v[G] = 1;
    static const int needed[] = {IC, OC, SD, SH, SW};
    for (size_t i = 0; i < sizeof needed / sizeof needed[0]; i++)
        if (v[needed[i]] <= 0)
            return nnb_errf(err, len, "benchdnn descriptor '%s': %s not specified or 0", str, field_names[needed[i]]);
    for (int a = 0; a < 3; a++)
        if (derive_axis(str, d, a, deconv, err, len)) return -1;
    int r = sanitize(str, d, err, len);
    if (r) return r;
    for (int a = 0; a < 3; a++) {
        wide i = v[AX(ID, a)], o = v[AX(OD, a)], s = v[AX(SD, a)], p = v[AX(PD, a)], ext = bd_ext(v, a);
        wide far = deconv ? (i - 1) * s - o + ext - p : (o - 1) * s - i + ext - p;
        if (far > BD_LIMIT || far < -BD_LIMIT)
            return nnb_errf(err, len, "benchdnn descriptor '%s': far-side padding exceeds 2^40", str);
        d->p_far[a] = (int64_t)far;
    }
    return 0;
}

/* The far-side padding of one axis in nnbench's layer. conv: benchdnn's
 * exactly, or 0 where benchdnn's is negative by less than the stride (the
 * input rows past the last window are read by neither: same computation);
 * deconv: benchdnn's exactly, a negative one as output padding (the same
 * output rows, PyTorch's output_padding < max(stride, dilation)). */
static int far_pad(const char *str, const bd_desc *d, int a, bool deconv, int64_t *pad, int64_t *outpad, char *err,
                   size_t len)
{
    const int64_t far = d->p_far[a], s = d->v[AX(SD, a)], dil = d->v[AX(DD, a)] + 1;
    const char *ax = a == 1 ? "h" : "w";
    *pad = far > 0 ? far : 0;
    *outpad = 0;
    if (far >= 0) return 0;
    if (!deconv && -far < s) return 0;
    if (deconv && -far < (s > dil ? s : dil)) {
        *outpad = -far;
        return 0;
    }
    nnb_errf(err, len, "benchdnn descriptor '%s': negative far-side padding %lld on %s is not supported (%s)", str,
             (long long)far, ax, deconv ? "beyond what output padding can express" : "input rows no window reads");
    return NNB_SPEC_UNSUPPORTED;
}

/* benchdnn's problem as nnbench's layer, or NNB_SPEC_UNSUPPORTED. */
static int to_layer(const char *str, const bd_desc *d, bool deconv, nnb_layer *l, char *err, size_t len)
{
    const int64_t *v = d->v;
    if (d->ndims == 5 && !(v[ID] == 1 && v[OD] == 1 && v[KD] == 1 && v[PD] == 0 && d->p_far[0] == 0)) {
        nnb_errf(err, len, "benchdnn descriptor '%s': " NNB_SPEC_3D_REASON, str);
        return NNB_SPEC_UNSUPPORTED;
    }
    /* a unit depth (id1 od1 kd1, no depth padding) is the 2-D problem */
    if (v[PH] < 0 || v[PW] < 0) {
        nnb_errf(err, len, "benchdnn descriptor '%s': negative padding (ph %lld, pw %lld) is not supported", str,
                 (long long)v[PH], (long long)v[PW]);
        return NNB_SPEC_UNSUPPORTED;
    }
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
    l->pt = v[PH];
    l->pl = v[PW];
    l->dh = v[DH] + 1; /* benchdnn's dilation is zero-based */
    l->dw = v[DW] + 1;
    l->bias = true; /* benchdnn's default direction FWD_B has bias */
    int r = far_pad(str, d, 1, deconv, &l->pb, &l->oph, err, len);
    if (!r) r = far_pad(str, d, 2, deconv, &l->pr, &l->opw, err, len);
    return r;
}

/* The name after 'n', without its quotes: a quote left open, or a name
 * longer than the layer keeps, is refused rather than read otherwise. */
static int take_name(const char *str, const char *nm, nnb_layer *l, char *err, size_t len)
{
    size_t n = strlen(nm);
    bool open_q = n >= 1 && nm[0] == '"', close_q = n >= 2 && nm[n - 1] == '"';
    if (open_q != close_q || (n == 1 && open_q))
        return nnb_errf(err, len, "benchdnn descriptor '%.80s': the name's quote is not closed", str);
    if (open_q) {
        nm++;
        n -= 2;
    }
    if (n >= sizeof l->name)
        return nnb_errf(err, len, "benchdnn descriptor '%.80s': name of %zu bytes is longer than %zu", str, n,
                        sizeof l->name - 1);
    memcpy(l->name, nm, n);
    l->name[n] = 0;
    return 0;
}

int nnb_spec_read_benchdnn(const char *str, nnb_op op, int64_t mb, nnb_layer *l, char *err, size_t len)
{
    const nnb_op_info *info = nnb_op_get(op);
    if (!info || !info->benchdnn_driver) return nnb_errf(err, len, "benchdnn descriptors describe conv or deconv only");
    bd_desc d;
    int rd = read_desc(str, info->transposed, &d, err, len);
    if (rd) return rd;
    if (mb > 0) d.v[MB] = mb; /* --mb overrides the descriptor's mb (benchdnn's prb_t) */
    nnb_layer_init(l, op);
    if (d.name && take_name(str, d.name, l, err, len)) return -1;
    int r = to_layer(str, &d, info->transposed, l, err, len);
    if (r) return r;
    if (nnb_layer_finalize(l, err, len)) return -1;
    /* the layer nnbench runs has benchdnn's output: anything else is a misread */
    if (l->oh != d.v[OH] || l->ow != d.v[OW])
        return nnb_errf(err, len, "benchdnn descriptor '%s': reads as output %lldx%lld, benchdnn's is %lldx%lld", str,
                        (long long)l->oh, (long long)l->ow, (long long)d.v[OH], (long long)d.v[OW]);
    return 0;
}

int nnb_spec_parse_benchdnn(const char *str, nnb_op op, nnb_layer *l, char *err, size_t len)
{
    return nnb_spec_read_benchdnn(str, op, 0, l, err, len);
}

/* a field name and what strtol would read as its value */
bool nnb_spec_looks_benchdnn(const char *s)
{
    for (int f = 0; f < NF; f++) {
        size_t n = strlen(field_names[f]);
        if (strncmp(s, field_names[f], n) == 0 &&
            (isdigit((unsigned char)s[n]) || isspace((unsigned char)s[n]) || s[n] == '+' || s[n] == '-'))
            return true;
    }
    return false;
}
