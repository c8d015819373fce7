/* Any descriptor: a preset name, a benchdnn conv/deconv string (with or
 * without a "deconv:" driver prefix) or "op:key=value,...". Each syntax has
 * its own file (presets.c, benchdnn.c, kv.c, batch.c, format.c). */
#include "spec/spec.h"
#include "spec/syntax.h"
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
    const nnb_op_info *op = nnb_spec_prefix_op(s);
    if (op) {
        if (looks_kv(colon + 1)) return nnb_spec_parse_kv(s, l, err, len);
        if (op->benchdnn_driver) return nnb_spec_parse_benchdnn(colon + 1, op->op, l, err, len);
        return nnb_spec_parse_kv(s, l, err, len);
    }
    if (colon && (!quote || colon < quote) && looks_kv(colon + 1))
        return nnb_spec_unknown_op(s, (size_t)(colon - s), err, len);
    if (looks_kv(s) && !quote)
        return nnb_errf(err, len, "descriptor '%s': key=value form needs an op prefix, e.g. conv:%s", s, s);
    /* a benchdnn conv string starts with one of its fields */
    if (strncmp(s, "mb", 2) && strncmp(s, "ic", 2) && strncmp(s, "g", 1) && s[0] != '_')
        return nnb_errf(err, len, "unknown layer '%s' (not a preset, benchdnn string or op:key=value; see --list)", s);
    return nnb_spec_parse_benchdnn(s, nnb_op_by_driver(NNB_SPEC_DEFAULT_DRIVER)->op, l, err, len);
}
