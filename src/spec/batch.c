/* benchdnn batch files: one descriptor per token, '#' comments, the driver
 * knobs that change the layer (--conv, --deconv, --mb=N, --reset) honoured
 * and the others (--dir, --cfg, --alg, ...) ignored. */
#include "spec/spec.h"
#include "spec/syntax.h"
#include "util/util.h"

#include <errno.h>
#include <string.h>

typedef struct {
    const nnb_op_info *driver; /* the driver unprefixed benchdnn strings follow */
    int64_t mb_override;       /* --mb=N; 0: none */
} batch_state;

/* One "--knob" token: 0 handled (or ignored), -1 refused. */
static int knob(const char *tok, batch_state *st, const char *path, int lineno, char *err, size_t len)
{
    const nnb_op_info *drv = nnb_op_by_driver(tok + 2);
    if (drv) st->driver = drv;
    else if (strcmp(tok, "--reset") == 0) {
        st->driver = nnb_op_by_driver(NNB_SPEC_DEFAULT_DRIVER);
        st->mb_override = 0;
    } else if (strncmp(tok, "--mb=", 5) == 0) {
        if (nnb_spec_parse_i64(tok + 5, strlen(tok + 5), &st->mb_override) || st->mb_override < 0)
            return nnb_errf(err, len, "%s:%d: bad --mb value '%s'", path, lineno, tok + 5);
    } else if (strncmp(tok, "--batch", 7) == 0) {
        return nnb_errf(err, len, "%s:%d: nested --batch is not supported", path, lineno);
    } /* other knobs (--dir, --cfg, --alg, ...) do not change the layer */
    return 0;
}

/* One descriptor token: parsed, --mb applied, handed to fn. */
static int layer_token(const char *tok, const batch_state *st, const char *path, int lineno, nnb_layer_fn fn,
                       void *ctx, char *err, size_t len)
{
    nnb_layer l;
    char e[512];
    const nnb_op_info *def = nnb_op_by_driver(NNB_SPEC_DEFAULT_DRIVER);
    /* an unprefixed benchdnn string follows the current driver (--conv/--deconv) */
    int r = (!nnb_spec_prefix_op(tok) && st->driver != def) ? nnb_spec_parse_benchdnn(tok, st->driver->op, &l, e, sizeof e)
                                                            : nnb_spec_parse(tok, &l, e, sizeof e);
    if (r) return nnb_errf(err, len, "%s:%d: %s", path, lineno, e);
    if (st->mb_override > 0) {
        l.n = st->mb_override;
        if (nnb_layer_finalize(&l, e, sizeof e)) return nnb_errf(err, len, "%s:%d: %s", path, lineno, e);
    }
    return fn(&l, tok, ctx) ? -1 : 0;
}

int nnb_spec_read_batch(const char *path, nnb_layer_fn fn, void *ctx, char *err, size_t len)
{
    FILE *f = fopen(path, "r");
    if (!f) return nnb_errf(err, len, "%s: cannot open batch file: %s", path, strerror(errno));
    char line[4096];
    int lineno = 0, count = 0;
    batch_state st = {nnb_op_by_driver(NNB_SPEC_DEFAULT_DRIVER), 0};
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        lineno++;
        size_t n = strlen(line);
        if (n == sizeof line - 1 && line[n - 1] != '\n') {
            rc = nnb_errf(err, len, "%s:%d: line too long", path, lineno);
            break;
        }
        char *hash = strchr(line, '#');
        if (hash) *hash = 0;
        char *save = NULL;
        for (char *tok = strtok_r(line, " \t\r\n", &save); tok && rc == 0; tok = strtok_r(NULL, " \t\r\n", &save)) {
            if (strncmp(tok, "--", 2) == 0) {
                rc = knob(tok, &st, path, lineno, err, len);
                continue;
            }
            rc = layer_token(tok, &st, path, lineno, fn, ctx, err, len);
            if (rc == 0) count++;
        }
    }
    if (rc == 0 && ferror(f)) rc = nnb_errf(err, len, "%s: read error", path);
    if (rc == 0 && count == 0) rc = nnb_errf(err, len, "%s: no layer descriptors in batch file", path);
    fclose(f);
    return rc;
}
