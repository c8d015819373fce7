/* Merging stored files into one report (merge.h). */
#include "results/merge.h"

#include <stdbool.h>
#include <string.h>

#include "util/util.h"

/* argv[i] is --shard/--out; *skip: how many arguments it takes (2 with a separate value). */
static bool run_location_arg(const char *a, int *skip)
{
    static const char *const opts[] = {"--shard", "--out"};
    for (size_t k = 0; k < sizeof opts / sizeof opts[0]; k++) {
        size_t n = strlen(opts[k]);
        if (strncmp(a, opts[k], n) == 0 && (a[n] == 0 || a[n] == '=')) {
            *skip = a[n] == 0 ? 2 : 1;
            return true;
        }
    }
    return false;
}

/* The next argument that says what ran, from *i on; NULL at the end. */
static const char *next_arg(const nnb_results_header *h, int *i)
{
    int skip;
    while (*i < h->argc && run_location_arg(h->argv[*i], &skip)) *i += skip;
    return *i < h->argc ? h->argv[(*i)++] : NULL;
}

int nnb_results_same_run(const nnb_results_header *a, const nnb_results_header *b)
{
    int i = 1, j = 1;
    for (;;) {
        const char *x = next_arg(a, &i), *y = next_arg(b, &j);
        if (!x || !y) return !x && !y;
        if (strcmp(x, y)) return 0;
    }
}

/* The first identity key (reader.h) on which the two headers disagree,
 * named with both values: numbers from different machines or builds are
 * not one table (that is nnbench compare's work). */
static int differ(const nnb_results_file *a, const nnb_results_file *b, char *err, size_t len)
{
    for (int i = 0; i < NNB_HEADER_IDENT_KEYS; i++) {
        const char *x = a->header.ident[i] ? a->header.ident[i] : "null";
        const char *y = b->header.ident[i] ? b->header.ident[i] : "null";
        if (strcmp(x, y) == 0) continue;
        const char *key = nnb_header_ident_keys[i];
        return nnb_errf(err, len, "%s and %s differ in header.%s (%.120s vs %.120s): not one %s; use nnbench compare",
                        a->path, b->path, key, x, y, strncmp(key, "machine", 7) ? "build" : "machine");
    }
    return 0;
}

static int check_pair(const nnb_results_file *a, const nnb_results_file *b, char *err, size_t len)
{
    const nnb_results_header *x = &a->header, *y = &b->header;
    if (x->analytic != y->analytic)
        return nnb_errf(err, len, "%s is %s but %s is not: they do not make one table", x->analytic ? a->path : b->path,
                        "--analytic", x->analytic ? b->path : a->path);
    if (differ(a, b, err, len)) return -1;
    if (!x->shard_n != !y->shard_n)
        return nnb_errf(err, len, "%s is a shard but %s is not: they are not one run", x->shard_n ? a->path : b->path,
                        x->shard_n ? b->path : a->path);
    if (!x->shard_n) return 0;
    if (x->shard_n != y->shard_n)
        return nnb_errf(err, len, "%s is shard %d/%d but %s is shard %d/%d: not one run", a->path, x->shard_i,
                        x->shard_n, b->path, y->shard_i, y->shard_n);
    if (x->shard_i == y->shard_i)
        return nnb_errf(err, len, "%s and %s are both shard %d/%d", a->path, b->path, x->shard_i, x->shard_n);
    if (!nnb_results_same_run(x, y))
        return nnb_errf(err, len, "%s and %s are shards of different command lines: not one run", a->path, b->path);
    return 0;
}

int nnb_results_merge_order(const nnb_results_file *f, size_t n, size_t *order, char *err, size_t len)
{
    for (size_t i = 0; i < n; i++) order[i] = i;
    for (size_t i = 1; i < n; i++)
        for (size_t j = 0; j < i; j++)
            if (check_pair(&f[j], &f[i], err, len)) return -1;
    if (n <= 1 || !f[0].header.shard_n) return 0; /* one shard alone is shown as it is */
    if ((size_t)f[0].header.shard_n != n)
        return nnb_errf(err, len, "%s is one of %d shards, but %zu file%s given: give every shard", f[0].path,
                        f[0].header.shard_n, n, n == 1 ? " was" : "s were");
    for (size_t i = 0; i < n; i++) order[f[i].header.shard_i - 1] = i;
    return 0;
}
