/* The count cache (see count_cache.h). File format, one item per line:
 *   # comment
 *   key <the whole identity, one line>
 *   counted_unix T
 *   backend NAME      threads N      multiplexed 0|1
 *   value NAME HAVE VALUE        (one per counted quantity, %.17g: exact)
 *   text NAME TEXT               (note, runtime_why: one line each)
 *   end
 * A file is used only when its key equals the run's key byte for byte and
 * every line above is present and well formed. */
#include "counters/count_cache.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "machine/identity.h"
#include "util/appendf.h"
#include "util/atomic_file.h"
#include "util/cache_dir.h"
#include "util/util.h"

extern char **environ;

/* Every counted quantity: its name in the file, its have flag and value. */
static const struct count_field {
    const char *name;
    size_t have, value;
} fields[] = {
    {"flops", offsetof(nnb_counts, have_flops), offsetof(nnb_counts, flops)},
    {"flops_sp", offsetof(nnb_counts, have_fp_split), offsetof(nnb_counts, flops_sp)},
    {"flops_dp", offsetof(nnb_counts, have_fp_split), offsetof(nnb_counts, flops_dp)},
    {"instructions", offsetof(nnb_counts, have_insn), offsetof(nnb_counts, instructions)},
    {"cycles", offsetof(nnb_counts, have_cycles), offsetof(nnb_counts, cycles)},
    {"load_bytes", offsetof(nnb_counts, have_core_bytes), offsetof(nnb_counts, load_bytes)},
    {"store_bytes", offsetof(nnb_counts, have_core_bytes), offsetof(nnb_counts, store_bytes)},
    {"l1_miss_bytes", offsetof(nnb_counts, have_l1), offsetof(nnb_counts, l1_miss_bytes)},
    {"l2_miss_bytes", offsetof(nnb_counts, have_l2), offsetof(nnb_counts, l2_miss_bytes)},
    {"dram_bytes", offsetof(nnb_counts, have_dram), offsetof(nnb_counts, dram_bytes)},
    {"l1_ifetch_bytes", offsetof(nnb_counts, have_ifetch), offsetof(nnb_counts, l1_ifetch_bytes)},
    {"l2_ifetch_bytes", offsetof(nnb_counts, have_ifetch), offsetof(nnb_counts, l2_ifetch_bytes)},
    {"dram_ifetch_bytes", offsetof(nnb_counts, have_ifetch), offsetof(nnb_counts, dram_ifetch_bytes)},
    {"dram_runtime_bytes", offsetof(nnb_counts, have_runtime), offsetof(nnb_counts, dram_runtime_bytes)},
    {"dram_unaligned_bytes", offsetof(nnb_counts, have_runtime), offsetof(nnb_counts, dram_unaligned_bytes)},
    {"dram_writeback_bytes", offsetof(nnb_counts, have_runtime), offsetof(nnb_counts, dram_writeback_bytes)},
};
/* Every text: its name in the file, where it lives and its size. */
static const struct count_text {
    const char *name;
    size_t at, size;
} texts[] = {
    {"note", offsetof(nnb_counts, note), sizeof((nnb_counts *)0)->note},
    {"runtime_why", offsetof(nnb_counts, runtime_why), sizeof((nnb_counts *)0)->runtime_why},
};
#define NTEXTS (sizeof texts / sizeof texts[0])
#define NFIELDS (sizeof fields / sizeof fields[0])

void nnb_count_key_file(char *key, size_t len, size_t *off, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        nnb_appendf(key, len, off, "%s ?", path);
        return;
    }
    nnb_appendf(key, len, off, "%s %llu:%llu %lld %lld.%09ld", path, (unsigned long long)st.st_dev,
                (unsigned long long)st.st_ino, (long long)st.st_size, (long long)st.st_mtim.tv_sec,
                st.st_mtim.tv_nsec);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

/* Each executable file mapping of this process, once, sorted by path (the
 * order in the maps follows the load addresses, which ASLR changes). */
static bool key_objects(char *key, size_t len, size_t *off)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[4352], *paths[512];
    size_t n = 0;
    while (f && n < sizeof paths / sizeof paths[0] && fgets(line, sizeof line, f)) {
        char perms[8], path[4096];
        /* address perms offset dev inode path */
        if (sscanf(line, "%*s %7s %*s %*s %*s %4095[^\n]", perms, path) == 2 && path[0] == '/' && strchr(perms, 'x') &&
            (paths[n] = strdup(path)))
            n++;
    }
    bool whole = f && !ferror(f) && feof(f); /* else a library could change unseen: no key */
    if (f) fclose(f);
    qsort(paths, n, sizeof paths[0], cmp_str);
    nnb_appendf(key, len, off, "|objects");
    for (size_t i = 0; i < n; i++) {
        if (!i || strcmp(paths[i], paths[i - 1]) != 0) {
            nnb_appendf(key, len, off, " ");
            nnb_count_key_file(key, len, off, paths[i]);
        }
    }
    for (size_t i = 0; i < n; i++) free(paths[i]);
    return whole;
}

/* The variables that change what the counted code does, sorted. */
static void key_environment(char *key, size_t len, size_t *off)
{
    static const char *const prefixes[] = {"OPENBLAS_", "GOTO", "OMP_", "GOMP_", "KMP_", "DNNL_", "ONEDNN_",
                                           "NNB_", "LD_", "VALGRIND", "MALLOC_", "GLIBC_TUNABLES"};
    size_t n = 0;
    for (char **e = environ; e && *e; e++) n++;
    const char **pick = n ? malloc(n * sizeof *pick) : NULL;
    size_t np = 0;
    for (char **e = environ; pick && e && *e; e++)
        for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
            if (strncmp(*e, prefixes[i], strlen(prefixes[i])) == 0) {
                pick[np++] = *e;
                break;
            }
    if (np) qsort(pick, np, sizeof *pick, cmp_str);
    nnb_appendf(key, len, off, "|env");
    for (size_t i = 0; i < np; i++) nnb_appendf(key, len, off, " %s", pick[i]);
    free(pick);
}

int nnb_count_key_runtime(char *key, size_t len, size_t *off)
{
    bool whole = key_objects(key, len, off);
    key_environment(key, len, off);
    char machine[1024];
    nnb_machine_key(machine, sizeof machine);
    nnb_appendf(key, len, off, "|machine %s|format 2", machine);
    for (char *p = key; *p; p++) /* the key is one line of the file */
        if (*p == '\n' || *p == '\r') *p = ' ';
    return whole && *off < len ? 0 : -1;
}

int nnb_count_cache_path(const char *key, char *path, size_t len)
{
    char dir[4096];
    if (nnb_cache_dir(dir, sizeof dir) != 0) return -1;
    int w = snprintf(path, len, "%s/counts-%016" PRIx64 ".txt", dir, nnb_fnv1a64(key));
    return (w < 0 || (size_t)w >= len) ? -1 : 0;
}

typedef struct load_state {
    bool key, counted, backend, threads, multiplexed, end;
    bool field[NFIELDS], text[NTEXTS];
} load_state;

/* "value NAME HAVE VALUE". 0 or -1. */
static int parse_value(const char *rest, nnb_counts *c, load_state *st)
{
    char name[32], *end;
    int have, used = 0;
    if (sscanf(rest, "%31s %d %n", name, &have, &used) != 2 || (have != 0 && have != 1) || !used) return -1;
    errno = 0;
    double v = strtod(rest + used, &end);
    if (errno || end == rest + used || *end) return -1;
    for (size_t i = 0; i < NFIELDS; i++) {
        if (strcmp(name, fields[i].name) != 0) continue;
        if (st->field[i]) return -1;
        st->field[i] = true;
        *(bool *)((char *)c + fields[i].have) = have;
        *(double *)((char *)c + fields[i].value) = v;
        return 0;
    }
    return -1;
}

/* "text NAME TEXT". 0 or -1. */
static int parse_text(const char *rest, nnb_counts *c, load_state *st)
{
    size_t n = strcspn(rest, " ");
    const char *text = rest[n] ? rest + n + 1 : rest + n;
    for (size_t i = 0; i < NTEXTS; i++) {
        if (strlen(texts[i].name) != n || strncmp(rest, texts[i].name, n) != 0) continue;
        if (st->text[i] || strlen(text) >= texts[i].size) return -1;
        st->text[i] = true;
        memcpy((char *)c + texts[i].at, text, strlen(text) + 1);
        return 0;
    }
    return -1;
}

/* One line (without its newline). 0 ok, 1 another key (a hash collision), -1 malformed. */
static int parse_line(const char *line, const char *key, nnb_counts *c, load_state *st)
{
    const char *sp = strchr(line, ' ');
    const char *rest = sp ? sp + 1 : "";
    size_t n = sp ? (size_t)(sp - line) : strlen(line);
    char extra;
    int iv;
#define IS(word) (n == strlen(word) && strncmp(line, word, n) == 0)
    if (line[0] == '#') return 0;
    if (st->end) return -1;
    if (IS("key")) {
        st->key = true;
        return strcmp(rest, key) == 0 ? 0 : 1;
    }
    if (IS("counted_unix")) return (st->counted = sscanf(rest, "%lld %c", &c->counted_unix, &extra) == 1) ? 0 : -1;
    if (IS("backend")) {
        if (strlen(rest) == 0 || strlen(rest) >= sizeof c->backend || strchr(rest, ' ')) return -1;
        snprintf(c->backend, sizeof c->backend, "%s", rest);
        return (st->backend = true) ? 0 : -1;
    }
    if (IS("threads")) return (st->threads = sscanf(rest, "%d %c", &c->threads, &extra) == 1 && c->threads > 0) ? 0 : -1;
    if (IS("multiplexed")) {
        st->multiplexed = sscanf(rest, "%d %c", &iv, &extra) == 1 && (iv == 0 || iv == 1);
        c->multiplexed = iv == 1;
        return st->multiplexed ? 0 : -1;
    }
    if (IS("text")) return parse_text(rest, c, st);
    if (IS("value")) return parse_value(rest, c, st);
    if (IS("end") && !*rest) return (st->end = true) ? 0 : -1;
#undef IS
    return -1;
}

static bool complete(const load_state *st)
{
    bool all = st->key && st->counted && st->backend && st->threads && st->multiplexed && st->end;
    for (size_t i = 0; i < NFIELDS; i++) all = all && st->field[i];
    for (size_t i = 0; i < NTEXTS; i++) all = all && st->text[i];
    return all;
}

int nnb_count_cache_load(const char *key, nnb_counts *c)
{
    char path[4200];
    if (nnb_count_cache_path(key, path, sizeof path) != 0) return 1;
    FILE *f = fopen(path, "r");
    if (!f) return 1;
    nnb_counts got;
    memset(&got, 0, sizeof got);
    load_state st;
    memset(&st, 0, sizeof st);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;
    while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
        if (n > 0 && line[n - 1] == '\n') line[--n] = '\0';
        rc = (strlen(line) != (size_t)n) ? -1 : parse_line(line, key, &got, &st); /* a NUL inside: not ours */
    }
    bool read_err = ferror(f);
    free(line);
    fclose(f);
    if (rc == 1) return 1; /* another identity under the same hash */
    if (rc < 0 || read_err || !complete(&st)) {
        fprintf(stderr, "nnbench: %s: unreadable or incomplete count cache file; counting again\n", path);
        return -1;
    }
    *c = got;
    return 0;
}

static void write_counts(FILE *f, const char *key, const nnb_counts *c)
{
    fprintf(f, "# nnbench count cache v1: one kernel counted on one layer; reused only under this whole key "
               "(nnbench --recount counts again)\n");
    fprintf(f, "key %s\ncounted_unix %lld\nbackend %s\nthreads %d\nmultiplexed %d\n", key, c->counted_unix,
            c->backend, c->threads, c->multiplexed ? 1 : 0);
    for (size_t i = 0; i < NFIELDS; i++)
        fprintf(f, "value %s %d %.17g\n", fields[i].name, *(const bool *)((const char *)c + fields[i].have) ? 1 : 0,
                *(const double *)((const char *)c + fields[i].value));
    for (size_t i = 0; i < NTEXTS; i++) {
        fprintf(f, "text %s ", texts[i].name);
        for (const char *p = (const char *)c + texts[i].at; *p; p++) /* one line */
            fputc(*p == '\n' || *p == '\r' ? ' ' : *p, f);
        fputc('\n', f);
    }
    fputs("end\n", f);
}

void nnb_count_cache_store(const char *key, const nnb_counts *c)
{
    char path[4200], dir[4096], err[512] = "";
    nnb_atomic_file af;
    if (nnb_cache_dir(dir, sizeof dir) != 0 || nnb_count_cache_path(key, path, sizeof path) != 0)
        snprintf(err, sizeof err, "no cache directory (set XDG_CACHE_HOME or HOME to an absolute path)");
    else if (nnb_mkdir_p(dir) != 0)
        snprintf(err, sizeof err, "cannot create %.300s: %s", dir, strerror(errno));
    else if (nnb_atomic_open(&af, path, err, sizeof err)) {
        write_counts(af.f, key, c);
        if (nnb_atomic_commit(&af, err, sizeof err) == 0) return;
    }
    fprintf(stderr, "nnbench: warning: %s (count not cached)\n", err);
}
