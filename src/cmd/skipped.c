#include "cmd/skipped.h"

#include <stdlib.h>
#include <string.h>

#include "util/json.h"

struct nnb_skip_entry {
    char *spec, *where, *reason;
    nnb_skip_class cls;
};

int nnb_skipped_push(const char *spec, const char *where, nnb_skip_class cls, const char *reason, void *ctx)
{
    nnb_skipped *s = ctx;
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 16;
        struct nnb_skip_entry *v = realloc(s->v, cap * sizeof *v);
        if (!v) return -1;
        s->v = v;
        s->cap = cap;
    }
    struct nnb_skip_entry e = {strdup(spec), strdup(where), strdup(reason), cls};
    if (!e.spec || !e.where || !e.reason) {
        free(e.spec);
        free(e.where);
        free(e.reason);
        return -1;
    }
    s->v[s->n++] = e;
    return 0;
}

void nnb_skipped_note(const char *where, const char *text, void *ctx)
{
    (void)ctx;
    fprintf(stderr, "nnbench: %s: note: %s\n", where, text);
}

void nnb_skipped_summary(const nnb_skipped *s, const size_t by[NNB_SKIP_NCLASS], size_t layers)
{
    enum { NAMED = 10 };
    if (!s->n) return;
    for (size_t i = 0; i < s->n && i < NAMED; i++)
        fprintf(stderr, "nnbench: skipped %s: %s\n", s->v[i].where, s->v[i].reason);
    if (s->n > NAMED) fprintf(stderr, "nnbench: ... and %zu more (each a record with --format json)\n", s->n - NAMED);
    fprintf(stderr, "nnbench: batch: %zu layers, %zu skipped (", layers, s->n);
    const char *sep = "";
    for (int c = 0; c < NNB_SKIP_NCLASS; c++)
        if (by[c]) {
            fprintf(stderr, "%s%s %zu", sep, nnb_skip_class_name((nnb_skip_class)c), by[c]);
            sep = ", ";
        }
    fputs(")\n", stderr);
}

void nnb_skipped_report(const nnb_skipped *s, FILE *out, nnb_format fmt)
{
    if (fmt != NNB_FMT_JSON) return;
    for (size_t i = 0; i < s->n; i++) {
        fputs("{\"schema\":\"nnbench/1\",\"skipped\":{\"spec\":", out);
        nnb_json_str(out, s->v[i].spec);
        fputs(",\"where\":", out);
        nnb_json_str(out, s->v[i].where);
        fputs(",\"class\":", out);
        nnb_json_str(out, nnb_skip_class_name(s->v[i].cls));
        fputs(",\"reason\":", out);
        nnb_json_str(out, s->v[i].reason);
        fputs("}}\n", out);
    }
}

void nnb_skipped_free(nnb_skipped *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].spec);
        free(s->v[i].where);
        free(s->v[i].reason);
    }
    free(s->v);
    memset(s, 0, sizeof *s);
}
