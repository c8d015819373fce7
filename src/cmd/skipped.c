#include "cmd/skipped.h"

#include <stdlib.h>
#include <string.h>

#include "util/json.h"

struct nnb_skip_entry {
    char *spec, *where, *reason;
};

int nnb_skipped_push(const char *spec, const char *where, const char *reason, void *ctx)
{
    nnb_skipped *s = ctx;
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 16;
        struct nnb_skip_entry *v = realloc(s->v, cap * sizeof *v);
        if (!v) return -1;
        s->v = v;
        s->cap = cap;
    }
    struct nnb_skip_entry e = {strdup(spec), strdup(where), strdup(reason)};
    if (!e.spec || !e.where || !e.reason) {
        free(e.spec);
        free(e.where);
        free(e.reason);
        return -1;
    }
    s->v[s->n++] = e;
    return 0;
}

void nnb_skipped_summary(const nnb_skipped *s, size_t skipped_3d, size_t layers)
{
    enum { NAMED = 10 };
    if (!s->n) return;
    for (size_t i = 0; i < s->n && i < NAMED; i++)
        fprintf(stderr, "nnbench: skipped %s: %s\n", s->v[i].where, s->v[i].reason);
    if (s->n > NAMED) fprintf(stderr, "nnbench: ... and %zu more (each a record with --format json)\n", s->n - NAMED);
    fprintf(stderr, "nnbench: batch: %zu layers, %zu skipped (%zu 3-D, %zu other unsupported)\n", layers, s->n,
            skipped_3d, s->n - skipped_3d);
}

void nnb_skipped_report(const nnb_skipped *s, FILE *out, nnb_format fmt)
{
    if (fmt != NNB_FMT_JSON) return;
    for (size_t i = 0; i < s->n; i++) {
        fputs("{\"schema\":\"nnbench/1\",\"skipped\":{\"spec\":", out);
        nnb_json_str(out, s->v[i].spec);
        fputs(",\"where\":", out);
        nnb_json_str(out, s->v[i].where);
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
