/* benchdnn batch files, read as benchdnn's batch() (common.cpp) and its
 * conv driver's bench() read them: the file becomes whitespace-separated
 * tokens ('#' at a token's start drops the rest of the line, a token ending
 * in '\' is joined to the next), then each token is a knob or a descriptor,
 * in order. What each knob does is spec/knobs.c's table: the layer knobs
 * --conv/--deconv (the driver of unprefixed descriptors, nnbench's
 * extension: benchdnn picks it on its command line), --mb=LIST, --dir,
 * --reset (every knob back to its default but the driver, as benchdnn's
 * settings_t::reset) and --batch=FILE (relative to the including file;
 * knobs carry across files, as benchdnn's static settings do); the checked
 * knobs (data types, post-ops, attributes, algorithm, --dir's backward
 * entries), whose value lists are held here and checked at each
 * descriptor; the hints, noted once; anything else is an error. */
#include "spec/knobs.h"
#include "spec/spec.h"
#include "spec/syntax.h"
#include "util/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define BATCH_MAX_BYTES (INT64_C(64) << 20)
#define BATCH_MAX_DEPTH 16

typedef struct {
    char *text;
    int line;
} batch_token;

typedef struct {
    batch_token *v;
    size_t n, cap;
} token_list;

typedef struct {
    nnb_spec_knobs k;
    nnb_batch_sink *sink;
    int depth;
    char *err;
    size_t len;
    char *value[NNB_KNOBS_MAX]; /* the checked knobs' value lists (NULL: benchdnn's default) */
    bool noted[NNB_KNOBS_MAX];  /* a hint's note is written once */
} batch_run;

static void values_reset(batch_run *b)
{
    for (int i = 0; i < NNB_KNOBS_MAX; i++) {
        free(b->value[i]);
        b->value[i] = NULL;
    }
}

static void tokens_free(token_list *t)
{
    for (size_t i = 0; i < t->n; i++) free(t->v[i].text);
    free(t->v);
}

static int tokens_push(token_list *t, char *text, int line)
{
    if (!text) return -1;
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 64;
        batch_token *v = realloc(t->v, cap * sizeof *v);
        if (!v) {
            free(text);
            return -1;
        }
        t->v = v;
        t->cap = cap;
    }
    t->v[t->n++] = (batch_token){text, line};
    return 0;
}

/* The whole file (at most BATCH_MAX_BYTES), NUL-terminated. A nested file
 * must be a regular file: no device or pipe can hang the read. */
static char *read_whole(const char *path, bool nested, size_t *size, char *err, size_t len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        nnb_errf(err, len, "%s: cannot open batch file: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (nested && (fstat(fileno(f), &st) || !S_ISREG(st.st_mode))) {
        fclose(f);
        nnb_errf(err, len, "%s: a nested batch file must be a regular file", path);
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap || (int64_t)cap > BATCH_MAX_BYTES) break;
        char *b = realloc(buf, 2 * cap + 1);
        if (!b) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = b;
        cap *= 2;
    }
    bool bad = ferror(f);
    fclose(f);
    if (!buf) nnb_errf(err, len, "%s: out of memory reading the batch file", path);
    else if (bad) nnb_errf(err, len, "%s: read error", path);
    else if ((int64_t)n > BATCH_MAX_BYTES) nnb_errf(err, len, "%s: batch file larger than 64 MiB", path);
    else if (memchr(buf, 0, n)) nnb_errf(err, len, "%s: a batch file is text (it holds a NUL byte)", path);
    else {
        buf[n] = 0;
        *size = n;
        return buf;
    }
    free(buf);
    return NULL;
}

static bool batch_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

/* benchdnn's batch(): `ifs >> str` tokens, '#' comments, '\' joins. */
static int tokenize(const char *path, const char *s, token_list *t, char *err, size_t len)
{
    int line = 1;
    bool continued = false;
    for (;;) {
        for (; batch_space(*s); s++) line += *s == '\n';
        if (!*s) break;
        const char *e = s;
        while (*e && !batch_space(*e)) e++;
        size_t n = (size_t)(e - s);
        const char *start = s;
        s = e;
        if (*start == '#') { /* the rest of the line goes with it */
            while (*s && *s != '\n') s++;
            continue;
        }
        char *str;
        int at = line;
        if (continued) {
            if (!t->n) return nnb_errf(err, len, "%s:%d: a line continuation '\\' with nothing before it", path, line);
            batch_token *prev = &t->v[--t->n];
            size_t pn = strlen(prev->text);
            str = realloc(prev->text, pn + n + 1);
            if (!str) return nnb_errf(err, len, "%s: out of memory", path);
            memcpy(str + pn, start, n);
            str[pn + n] = 0;
            at = prev->line;
            n += pn;
        } else {
            str = strndup(start, n);
        }
        continued = n && str && str[n - 1] == '\\';
        if (continued) {
            if (n == 1) { /* a lone '\' joins the previous token to the next */
                free(str);
                continue;
            }
            str[n - 1] = 0;
        }
        if (tokens_push(t, str, at)) return nnb_errf(err, len, "%s: out of memory", path);
    }
    return 0;
}

static int run_file(batch_run *b, const char *path, bool nested);

/* --batch=FILE: relative to the including file's directory. */
static int nested_batch(batch_run *b, const char *path, int line, const char *file)
{
    if (!*file) return nnb_errf(b->err, b->len, "%s:%d: --batch= names no file", path, line);
    if (b->depth >= BATCH_MAX_DEPTH)
        return nnb_errf(b->err, b->len, "%s:%d: --batch nested deeper than %d files", path, line, BATCH_MAX_DEPTH);
    char full[4096];
    const char *slash = strrchr(path, '/');
    int w = file[0] == '/' || !slash ? snprintf(full, sizeof full, "%s", file)
                                     : snprintf(full, sizeof full, "%.*s/%s", (int)(slash - path), path, file);
    if (w < 0 || (size_t)w >= sizeof full) return nnb_errf(b->err, b->len, "%s:%d: --batch path too long", path, line);
    b->depth++;
    int r = run_file(b, full, true);
    b->depth--;
    return r;
}

/* A knob of the table: its value held (checked knobs), noted (hints) or
 * read (layer knobs). */
static int table_knob(batch_run *b, const char *path, int line, const char *tok, const nnb_knob *kn)
{
    size_t nk;
    const size_t i = (size_t)(kn - nnb_knobs(&nk));
    const char *eq = strchr(tok, '=');
    if (!eq) return nnb_errf(b->err, b->len, "%s:%d: %s needs '=VALUE' in a batch file", path, line, tok);
    if (kn->kind == NNB_KNOB_HINT || (kn->kind == NNB_KNOB_CHECK && kn->note_ok)) {
        if (!b->noted[i] && b->sink->note) {
            char where[4200], text[600];
            snprintf(where, sizeof where, "%s:%d", path, line);
            snprintf(text, sizeof text, "--%s is a hint nnbench does not follow: %s (noted once)", kn->name, kn->why);
            b->sink->note(where, text, b->sink->skip_ctx);
        }
        b->noted[i] = true;
        if (kn->kind == NNB_KNOB_HINT) return 0;
    }
    free(b->value[i]);
    b->value[i] = strdup(eq + 1);
    if (!b->value[i]) return nnb_errf(b->err, b->len, "%s: out of memory", path);
    return 0;
}

static int knob(batch_run *b, const char *path, int line, const char *tok)
{
    const nnb_op_info *drv = nnb_op_by_driver(tok + 2);
    char e[512];
    if (drv && drv->benchdnn_driver) b->k.driver = drv->op;
    else if (!strcmp(tok, "--reset")) {
        nnb_op driver = b->k.driver;
        nnb_spec_knobs_init(&b->k);
        b->k.driver = driver;
        values_reset(b);
    } else if (!strncmp(tok, "--mb=", 5)) {
        if (nnb_spec_knobs_mb(&b->k, tok + 5, e, sizeof e)) return nnb_errf(b->err, b->len, "%s:%d: %s", path, line, e);
    } else if (!strncmp(tok, "--batch=", 8)) {
        return nested_batch(b, path, line, tok + 8);
    } else if (!strcmp(tok, "--mb") || !strcmp(tok, "--batch")) {
        return nnb_errf(b->err, b->len, "%s:%d: %s needs '=VALUE' in a batch file", path, line, tok);
    } else {
        const nnb_knob *kn = nnb_knob_find(tok);
        if (!kn || kn->kind == NNB_KNOB_LAYER)
            return nnb_errf(b->err, b->len, "%s:%d: unknown benchdnn knob '%s' (nnbench knows parser.cpp's and the "
                            "conv/deconv drivers' knobs: README, \"Describing layers\")", path, line, tok);
        return table_knob(b, path, line, tok, kn);
    }
    return 0;
}

/* One checked knob's value list against the descriptor: the entries
 * nnbench cannot honour into bad (comma-separated); returns how many
 * entries it honours. --dir's and --bia-dt's honoured entries say which
 * bias runs are made. */
static size_t check_list(const nnb_knob *kn, const char *value, char *bad, size_t badlen, unsigned *bias_runs)
{
    size_t ok = 0, off = 0;
    unsigned runs = 0;
    bad[0] = 0;
    for (const char *p = value;;) {
        size_t n = strcspn(p, ",");
        char entry[256];
        snprintf(entry, sizeof entry, "%.*s", (int)(n < 255 ? n : 255), p);
        if (kn->ok(entry)) {
            ok++;
            bool bias;
            if (!strcmp(kn->name, "dir") && nnb_knob_dir_forward(entry, &bias))
                runs |= bias ? NNB_SPEC_WITH_BIAS : NNB_SPEC_WITHOUT_BIAS;
            if (!strcmp(kn->name, "bia-dt")) runs |= !strcmp(entry, "undef") ? NNB_SPEC_WITHOUT_BIAS : NNB_SPEC_WITH_BIAS;
        } else if (off + n + 2 < badlen) {
            off += (size_t)snprintf(bad + off, badlen - off, "%s%s", off ? "," : "", entry);
        }
        if (!p[n]) break;
        p += n + 1;
    }
    if (!strcmp(kn->name, "dir")) *bias_runs = runs;
    /* --bia-dt: f32 keeps --dir's bias, undef drops it */
    if (!strcmp(kn->name, "bia-dt") && runs) {
        unsigned dir = *bias_runs, out = 0;
        if ((dir & NNB_SPEC_WITH_BIAS) && (runs & NNB_SPEC_WITH_BIAS)) out |= NNB_SPEC_WITH_BIAS;
        if ((dir & NNB_SPEC_WITHOUT_BIAS) || (runs & NNB_SPEC_WITHOUT_BIAS)) out |= NNB_SPEC_WITHOUT_BIAS;
        *bias_runs = out;
    }
    return ok;
}

static int skip_one(batch_run *b, const char *tok, const char *path, int line, nnb_skip_class cls, const char *reason)
{
    char where[4200];
    snprintf(where, sizeof where, "%s:%d", path, line);
    b->sink->skipped++;
    b->sink->skipped_by[cls]++;
    if (b->sink->skip && b->sink->skip(tok, where, cls, reason, b->sink->skip_ctx))
        return nnb_errf(b->err, b->len, "%s: could not record the skipped descriptor", where);
    return 0;
}

static int count_layer(const nnb_layer *l, const char *spec, void *ctx)
{
    nnb_batch_sink *sink = ctx;
    if (sink->layer(l, spec, sink->layer_ctx)) return -1;
    sink->layers++;
    return 0;
}

/* A descriptor under the checked knobs, in the table's order: one whose
 * knob has no entry nnbench honours is skipped once (the first such knob's
 * reason); else it runs for the honoured entries, and each knob with
 * entries dropped adds one skipped record naming them. */
static int descriptor(batch_run *b, const char *path, int line, const char *tok)
{
    if (tok[0] == '-')
        return nnb_errf(b->err, b->len, "%s:%d: '%s': benchdnn options start with '--'", path, line, tok);
    size_t nk;
    const nnb_knob *kns = nnb_knobs(&nk);
    nnb_spec_knobs k = b->k;
    char bad[NNB_KNOBS_MAX][512], reason[1024];
    for (size_t i = 0; i < nk && i < NNB_KNOBS_MAX; i++) {
        bad[i][0] = 0;
        if (!b->value[i]) continue;
        if (check_list(&kns[i], b->value[i], bad[i], sizeof bad[i], &k.bias_runs) == 0) {
            snprintf(reason, sizeof reason, "--%s=%.400s: %s", kns[i].name, b->value[i], kns[i].why);
            return skip_one(b, tok, path, line, kns[i].skip, reason);
        }
    }
    char e[1024];
    int r = nnb_spec_each(tok, &k, count_layer, b->sink, e, sizeof e);
    if (r == NNB_SPEC_UNSUPPORTED) return skip_one(b, tok, path, line, strstr(e, NNB_SPEC_3D_REASON) ? NNB_SKIP_3D :
                                                   NNB_SKIP_UNSUPPORTED, e);
    if (r) return nnb_errf(b->err, b->len, "%s:%d: %s", path, line, e);
    for (size_t i = 0; i < nk && i < NNB_KNOBS_MAX; i++) {
        if (!bad[i][0]) continue;
        snprintf(reason, sizeof reason, "--%s entries %.400s not run (the others are): %s", kns[i].name, bad[i],
                 kns[i].why);
        if (skip_one(b, tok, path, line, kns[i].skip, reason)) return -1;
    }
    return 0;
}

static int run_file(batch_run *b, const char *path, bool nested)
{
    size_t size;
    char *data = read_whole(path, nested, &size, b->err, b->len);
    if (!data) return -1;
    token_list t = {0};
    int rc = tokenize(path, data, &t, b->err, b->len);
    free(data);
    for (size_t i = 0; rc == 0 && i < t.n; i++) {
        const char *tok = t.v[i].text;
        rc = strncmp(tok, "--", 2) == 0 ? knob(b, path, t.v[i].line, tok) : descriptor(b, path, t.v[i].line, tok);
    }
    tokens_free(&t);
    return rc;
}

int nnb_spec_read_batch(const char *path, const nnb_spec_knobs *k, nnb_batch_sink *sink, char *err, size_t len)
{
    batch_run b = {.sink = sink, .err = err, .len = len};
    if (k) b.k = *k;
    else nnb_spec_knobs_init(&b.k);
    sink->layers = sink->skipped = 0;
    memset(sink->skipped_by, 0, sizeof sink->skipped_by);
    int rc = run_file(&b, path, false);
    values_reset(&b);
    if (rc) return -1;
    /* only skipped descriptors is not an error: the caller reports them */
    if (sink->layers == 0 && sink->skipped == 0) return nnb_errf(err, len, "%s: no layer descriptors in batch file", path);
    return 0;
}
