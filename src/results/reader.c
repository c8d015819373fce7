/* Results files back into nnb_layer_report (reader.h). One line, one JSON
 * object, parsed by Jansson; the keys nnbench reads are checked for their
 * type and range, the others ignored (later versions may add keys). */
#include "results/reader.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "results/record_keys.h"
#include "results/shard.h"

#define MAX_LINE_BYTES (1 << 20) /* a record is a few KiB; a longer line is no record */

/* ---- the header record ---- */

static int header_argv(const nnb_rk_where *w, json_t *h, nnb_results_header *out)
{
    json_t *a = json_object_get(h, "argv");
    if (!a) return nnb_rk_fail(w, "key header.argv missing");
    if (!json_is_array(a) || json_array_size(a) == 0 || json_array_size(a) > 4096)
        return nnb_rk_fail(w, "key header.argv: expected an array of 1 to 4096 strings");
    out->argc = (int)json_array_size(a);
    out->argv = calloc((size_t)out->argc, sizeof *out->argv);
    if (!out->argv) return nnb_rk_fail(w, "out of memory");
    for (int i = 0; i < out->argc; i++) {
        json_t *s = json_array_get(a, (size_t)i);
        if (!json_is_string(s)) return nnb_rk_wrong_type(w, "header.argv", "[]", "a string", s);
        out->argv[i] = strdup(json_string_value(s));
        if (!out->argv[i]) return nnb_rk_fail(w, "out of memory");
    }
    return 0;
}

/* "I/N" (shard.h) or null. */
static int header_shard(const nnb_rk_where *w, json_t *h, nnb_results_header *out)
{
    json_t *s = json_object_get(h, "shard");
    if (!s) return nnb_rk_fail(w, "key header.shard missing");
    if (json_is_null(s)) return 0;
    if (!json_is_string(s)) return nnb_rk_wrong_type(w, "header", "shard", "\"I/N\" or null", s);
    if (nnb_shard_parse(json_string_value(s), &out->shard_i, &out->shard_n))
        return nnb_rk_fail(w, "key header.shard: '%s' is not I/N with 1 <= I <= N", json_string_value(s));
    return 0;
}

/* header.ceilings: the machine, threads, peak and the roof per level */
static int header_ceilings(const nnb_rk_where *w, json_t *c, nnb_results_header *out)
{
    int rc = 0;
    int64_t threads = 0;
    json_t *bw = nnb_rk_obj(&(nnb_rk){w, c, "header.ceilings", "bw_gbs", true}, &rc);
    if (!bw || nnb_rk_str(&(nnb_rk){w, c, "header.ceilings", "machine", true}, out->ceil_machine, sizeof out->ceil_machine) ||
        nnb_rk_int(&(nnb_rk){w, c, "header.ceilings", "threads", true}, &threads))
        return -1;
    json_t *pk = json_object_get(c, "peak_gflops");
    if (pk && !json_is_null(pk) && nnb_rk_num(&(nnb_rk){w, c, "header.ceilings", "peak_gflops", true}, &out->ceil_peak_gflops))
        return -1;
    static const char *const lv[4] = {"L1", "L2", "L3", "DRAM"};
    for (int l = 0; l < 4; l++) {
        json_t *v = json_object_get(bw, lv[l]);
        if (v && !json_is_null(v) && nnb_rk_num(&(nnb_rk){w, bw, "header.ceilings.bw_gbs", lv[l], true}, &out->ceil_bw_gbs[l]))
            return -1;
    }
    out->ceil_threads = threads > 0 && threads < 1 << 20 ? (int)threads : 0;
    out->have_ceilings = true;
    return 0;
}

static int header_scalars(const nnb_rk_where *w, json_t *h, nnb_results_header *out)
{
    int rc = 0;
    json_t *m = nnb_rk_obj(&(nnb_rk){w, h, "header", "machine", true}, &rc);
    json_t *s = m ? nnb_rk_obj(&(nnb_rk){w, h, "header", "software", true}, &rc) : NULL;
    json_t *blas = s ? nnb_rk_obj(&(nnb_rk){w, s, "header.software", "openblas", true}, &rc) : NULL;
    if (!blas) return rc;
    int64_t cores = 0, threads = 0;
    if (nnb_rk_str(&(nnb_rk){w, m, "header.machine", "cpu", true}, out->cpu, sizeof out->cpu) ||
        nnb_rk_str(&(nnb_rk){w, m, "header.machine", "hostname", true}, out->hostname, sizeof out->hostname) ||
        nnb_rk_str(&(nnb_rk){w, m, "header.machine", "os", true}, out->os, sizeof out->os) ||
        nnb_rk_int(&(nnb_rk){w, m, "header.machine", "cores", true}, &cores) ||
        nnb_rk_str(&(nnb_rk){w, s, "header.software", "nnbench", true}, out->nnbench, sizeof out->nnbench) ||
        nnb_rk_str(&(nnb_rk){w, s, "header.software", "git", true}, out->git, sizeof out->git) ||
        nnb_rk_str(&(nnb_rk){w, blas, "header.software.openblas", "core", true}, out->blas_core,
                   sizeof out->blas_core) ||
        nnb_rk_str(&(nnb_rk){w, h, "header", "date", true}, out->date, sizeof out->date) ||
        nnb_rk_bool(&(nnb_rk){w, h, "header", "analytic", true}, &out->analytic))
        return -1;
    json_t *t = json_object_get(h, "threads");
    if (!t) return nnb_rk_fail(w, "key header.threads missing");
    if (!json_is_null(t) && nnb_rk_int(&(nnb_rk){w, h, "header", "threads", true}, &threads)) return -1;
    if (cores < 0 || cores > 1 << 20 || threads < 0 || threads > 1 << 20)
        return nnb_rk_fail(w, "key header.machine.cores or header.threads out of range");
    out->cores = (int)cores;
    out->threads = (int)threads;
    json_t *c = json_object_get(h, "ceilings");
    if (!c) return nnb_rk_fail(w, "key header.ceilings missing");
    if (!json_is_null(c) && !json_is_object(c)) return nnb_rk_wrong_type(w, "header", "ceilings", "an object or null", c);
    return json_is_null(c) ? 0 : header_ceilings(w, c, out);
}

const char *const nnb_header_ident_keys[NNB_HEADER_IDENT_KEYS] = {
    "machine.cpu", "machine.vendor", "machine.isa", "machine.packages", "machine.cores", "machine.pus",
    "machine.numa_nodes", "machine.caches", "machine.os", "software.nnbench", "software.git",
    "software.compiler", "software.cflags", "software.build_type", "software.openblas", "software.papi",
    "software.hwloc", "software.valgrind", "software.onednn"};

/* The identity keys (reader.h) as compact JSON; the cpuset and PUs used. */
static int header_ident(const nnb_rk_where *w, json_t *h, nnb_results_header *out)
{
    for (int i = 0; i < NNB_HEADER_IDENT_KEYS; i++) {
        const char *key = nnb_header_ident_keys[i], *dot = strchr(key, '.');
        char group[16];
        snprintf(group, sizeof group, "%.*s", (int)(dot - key), key);
        json_t *v = json_object_get(json_object_get(h, group), dot + 1);
        out->ident[i] = v ? json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) : strdup("null");
        if (!out->ident[i]) return nnb_rk_fail(w, "out of memory");
    }
    static const char *const where[] = {"cpuset", "pus_used"};
    char *dst[] = {out->cpuset, out->pus_used};
    for (size_t i = 0; i < 2; i++) {
        json_t *v = json_object_get(h, where[i]);
        if (v && !json_is_null(v) &&
            nnb_rk_str(&(nnb_rk){w, h, "header", where[i], true}, dst[i], sizeof out->cpuset))
            return -1;
    }
    return 0;
}

static int read_header(const nnb_rk_where *w, json_t *rec, nnb_results_header *out)
{
    json_t *h = json_object_get(rec, "header");
    if (!h) {
        if (w->line == 1)
            return nnb_rk_fail(w, "no header record: a results file from nnbench --out starts with one");
        return 0;
    }
    if (w->line != 1) return nnb_rk_fail(w, "a second header record (concatenated files? give each file on its own)");
    if (!json_is_object(h)) return nnb_rk_wrong_type(w, "", "header", "an object", h);
    if (header_scalars(w, h, out) || header_argv(w, h, out) || header_shard(w, h, out) || header_ident(w, h, out))
        return -1;
    return 1;
}

/* ---- layer records and the summary ---- */

static const char *intern(nnb_results_file *f, const char *name)
{
    for (size_t i = 0; i < f->nnames; i++)
        if (strcmp(f->names[i], name) == 0) return f->names[i];
    char **v = realloc(f->names, (f->nnames + 1) * sizeof *v);
    if (!v) return NULL;
    f->names = v;
    return (f->names[f->nnames] = strdup(name)) ? f->names[f->nnames++] : NULL;
}

/* The record belongs to the last layer read: same layer, and a kernel that
 * layer has not yet (a layer runs each kernel once). */
static bool same_layer(const nnb_layer_report *last, const nnb_layer_report *r, const char *kernel)
{
    if (!last->nresults || !kernel || memcmp(&last->layer, &r->layer, sizeof r->layer) ||
        strcmp(last->spec, r->spec) || memcmp(&last->analytic, &r->analytic, sizeof r->analytic))
        return false;
    for (size_t i = 0; i < last->nresults; i++)
        if (strcmp(last->results[i].kernel, kernel) == 0) return false;
    return true;
}

static int add_record(const nnb_rk_where *w, nnb_results_file *f, nnb_layer_report *r, nnb_result *x)
{
    nnb_layer_report *last = f->nlayers ? &f->layers[f->nlayers - 1] : NULL;
    if (!last || !same_layer(last, r, x ? x->kernel : NULL)) {
        nnb_layer_report *v = realloc(f->layers, (f->nlayers + 1) * sizeof *v);
        if (!v) return nnb_rk_fail(w, "out of memory");
        f->layers = v;
        last = &f->layers[f->nlayers++];
        *last = *r;
        last->results = NULL;
        last->nresults = 0;
    }
    if (!x) return 0;
    nnb_result *v = realloc(last->results, (last->nresults + 1) * sizeof *v);
    if (!v) return nnb_rk_fail(w, "out of memory");
    last->results = v;
    last->results[last->nresults++] = *x;
    return 0;
}

static int read_layer_record(const nnb_rk_where *w, json_t *rec, nnb_results_file *f)
{
    nnb_layer_report r;
    nnb_result x;
    bool has_kernel = json_object_get(rec, "kernel") != NULL;
    if (nnb_rk_layer_report(w, rec, &r)) return -1;
    if (has_kernel && f->header.analytic) return nnb_rk_fail(w, "a kernel's record in a file whose header says --analytic");
    if (has_kernel && nnb_rk_result(w, rec, &x)) return -1;
    if (has_kernel && !(x.kernel = intern(f, x.kernel))) return nnb_rk_fail(w, "out of memory");
    return add_record(w, f, &r, has_kernel ? &x : NULL);
}

static int read_summary(const nnb_rk_where *w, json_t *rec, nnb_results_file *f)
{
    int rc = 0;
    json_t *s = nnb_rk_obj(&(nnb_rk){w, rec, "", "summary", true}, &rc);
    nnb_results_summary *o = &f->summary;
    if (!s || nnb_rk_str(&(nnb_rk){w, rec, "", "model", true}, o->model, sizeof o->model) ||
        nnb_rk_int(&(nnb_rk){w, s, "summary", "params", true}, &o->params) ||
        nnb_rk_int(&(nnb_rk){w, s, "summary", "macs", true}, &o->macs) ||
        nnb_rk_int(&(nnb_rk){w, s, "summary", "flops", true}, &o->flops) ||
        nnb_rk_int(&(nnb_rk){w, s, "summary", "layers", true}, &o->layers))
        return -1;
    f->have_summary = true;
    return 0;
}

/* One parsed line into f. */
static int read_record(const nnb_rk_where *w, json_t *rec, nnb_results_file *f)
{
    if (!json_is_object(rec)) return nnb_rk_fail(w, "%s, not an object: not an nnbench record", nnb_rk_type_name(rec));
    json_t *schema = json_object_get(rec, "schema");
    if (!schema) return nnb_rk_fail(w, "no \"schema\" key: not an nnbench record");
    if (!json_is_string(schema) || strcmp(json_string_value(schema), "nnbench/1"))
        return nnb_rk_fail(w, "schema is not \"nnbench/1\": not a results file this nnbench reads");
    int h = read_header(w, rec, &f->header);
    if (h) return h < 0 ? -1 : 0;
    if (f->have_summary) return nnb_rk_fail(w, "a record after the model's summary");
    if (json_object_get(rec, "summary")) return read_summary(w, rec, f);
    if (json_object_get(rec, "skipped")) { /* a batch descriptor or an ONNX node nnbench does not run: counted */
        f->skipped++;
        return 0;
    }
    if (json_object_get(rec, "layer")) return read_layer_record(w, rec, f);
    return nnb_rk_fail(w, "neither a layer record, a skipped record nor a model summary");
}

/* One line of the file: its end, its length, then the JSON. */
static int read_line(const nnb_rk_where *w, const char *line, ssize_t n, nnb_results_file *f)
{
    if (n > MAX_LINE_BYTES) return nnb_rk_fail(w, "line longer than %d bytes: not an nnbench record", MAX_LINE_BYTES);
    /* a record cut short (the writer ends every line); other text falls to the JSON error */
    if (line[n - 1] != '\n' && line[0] == '{') return nnb_rk_fail(w, "truncated record (the last line does not end)");
    if (n == 1) return nnb_rk_fail(w, "empty line");
    json_error_t je;
    json_t *rec = json_loadb(line, (size_t)n, JSON_REJECT_DUPLICATES, &je);
    if (!rec) return nnb_rk_fail(w, "not JSON: %s (column %d)", je.text, je.column);
    if (line[n - 1] != '\n') {
        json_decref(rec);
        return nnb_rk_fail(w, "the last line does not end: a truncated file");
    }
    int rc = read_record(w, rec, f);
    json_decref(rec);
    return rc;
}

int nnb_results_read_stream(FILE *in, const char *name, nnb_results_file *out, char *err, size_t len)
{
    memset(out, 0, sizeof *out);
    snprintf(out->path, sizeof out->path, "%s", name);
    nnb_rk_where w = {name, 0, err, len};
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;
    while (rc == 0 && (n = getline(&line, &cap, in)) > 0) {
        w.line++;
        rc = read_line(&w, line, n, out);
    }
    free(line);
    if (rc == 0 && ferror(in)) rc = nnb_rk_fail(&w, "read error");
    if (rc == 0 && w.line == 0) {
        w.line = 1;
        rc = nnb_rk_fail(&w, "empty file: no header record");
    }
    if (rc) nnb_results_free(out);
    return rc;
}

int nnb_results_read(const char *path, nnb_results_file *out, char *err, size_t len)
{
    FILE *in = fopen(path, "r");
    if (!in) {
        memset(out, 0, sizeof *out);
        snprintf(err, len, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    int rc = nnb_results_read_stream(in, path, out, err, len);
    fclose(in);
    return rc;
}

void nnb_results_free(nnb_results_file *f)
{
    for (size_t i = 0; i < f->nlayers; i++) free(f->layers[i].results);
    free(f->layers);
    for (size_t i = 0; i < f->nnames; i++) free(f->names[i]);
    free(f->names);
    for (int i = 0; i < f->header.argc; i++) free(f->header.argv[i]);
    free(f->header.argv);
    for (int i = 0; i < NNB_HEADER_IDENT_KEYS; i++) free(f->header.ident[i]);
    memset(f, 0, sizeof *f);
}
