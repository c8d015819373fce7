/* `nnbench report [--format table|csv|json] FILE...`: stored runs rendered
 * exactly as the live run rendered them (the records fill the same type
 * and go through the same renderers); several files of one suite (shards)
 * merge into one table (results/merge.h says which files do). */
#include "cmd/cmd_results.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/options.h"
#include "report/html.h"
#include "report/stored.h"
#include "results/merge.h"
#include "results/reader.h"

static void usage(FILE *f)
{
    fputs("usage: nnbench report [--format table|csv|json] [--html OUT.html] FILE.jsonl...\n"
          "Renders results files written by --out as the run printed them; measures nothing.\n"
          "Several files merge into one table when they are one suite: every shard of one run\n"
          "(--shard I/N, merged in shard order), or whole runs, and only when their headers agree\n"
          "on the machine (CPU, ISA, cores, caches, OS) and the software (nnbench build, compiler,\n"
          "OpenBLAS, PAPI, hwloc, valgrind, oneDNN); host, memory and cpuset may differ. Otherwise\n"
          "it refuses, naming the key that differs (nnbench compare takes runs across machines).\n"
          "Where and with what each file was made goes to stderr.\n"
          "  --html OUT.html    also write the run as one self-contained page (header, totals,\n"
          "                     roofline with tooltips, sortable per-layer table); the same page\n"
          "                     a live run's --html wrote\n"
          "Exit status: 0 ok, 2 bad options or a file that is not a results file.\n",
          f);
}

int nnb_results_cmd_bad(const char *cmd, const char *msg, const char *arg)
{
    fprintf(stderr, "nnbench %s: ", cmd);
    fprintf(stderr, msg, arg);
    fputc('\n', stderr);
    return 2;
}

static int bad(const char *msg, const char *arg) { return nnb_results_cmd_bad("report", msg, arg); }

/* --format's value into *fmt; -1 when it is none of them. */
static int parse_format(const char *v, nnb_format *fmt)
{
    static const char *const names[] = {"table", "csv", "json"};
    static const nnb_format fmts[] = {NNB_FMT_TABLE, NNB_FMT_CSV, NNB_FMT_JSON};
    for (size_t i = 0; i < 3; i++)
        if (strcmp(v, names[i]) == 0) {
            *fmt = fmts[i];
            return 0;
        }
    return -1;
}

/* Reads every file (the first bad one ends it). 0 or 2. */
static int read_all(char **paths, size_t n, nnb_results_file *files)
{
    char err[1024];
    for (size_t i = 0; i < n; i++)
        if (nnb_results_read(paths[i], &files[i], err, sizeof err)) {
            for (size_t j = 0; j < i; j++) nnb_results_free(&files[j]);
            return bad("%s", err);
        }
    return 0;
}

int nnb_report_main(int argc, char **argv)
{
    nnb_format fmt = NNB_FMT_TABLE;
    const char *html = NULL;
    char **paths = calloc((size_t)argc, sizeof *paths);
    size_t n = 0;
    if (!paths) return bad("%s", "out of memory");
    int rc = 0;
    for (int i = 1; i < argc && rc == 0; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            free(paths);
            return 0;
        } else if (strcmp(a, "--format") == 0 || strncmp(a, "--format=", 9) == 0) {
            const char *v = a[8] == '=' ? a + 9 : i + 1 < argc ? argv[++i] : "";
            if (parse_format(v, &fmt)) rc = bad("bad --format '%s' (table, csv or json)", v);
        } else if (strcmp(a, "--html") == 0 || strncmp(a, "--html=", 7) == 0) {
            html = a[6] == '=' ? a + 7 : i + 1 < argc ? argv[++i] : "";
            if (!nnb_opt_ends_with(html, ".html")) rc = bad("--html '%s': the file name must end in .html", html);
        } else if (a[0] == '-' && a[1]) {
            rc = bad("unknown option '%s' (see --help)", a);
        } else {
            paths[n++] = argv[i];
        }
    }
    if (rc == 0 && n == 0) rc = bad("%s", "no results file given (see --help)");
    nnb_results_file *files = rc ? NULL : calloc(n, sizeof *files);
    size_t *order = rc ? NULL : calloc(n, sizeof *order);
    if (rc == 0 && (!files || !order)) rc = bad("%s", "out of memory");
    if (rc == 0) rc = read_all(paths, n, files);
    if (rc == 0) {
        char err[1024];
        if (nnb_results_merge_order(files, n, order, err, sizeof err)) rc = bad("%s", err);
        for (size_t i = 0; i < n && rc == 0; i++) nnb_report_file_line(stderr, "nnbench report: ", &files[order[i]]);
        if (rc == 0) nnb_report_stored(stdout, fmt, files, order, n);
        if (rc == 0 && html && nnb_html_report_file(html, files, order, n, NULL, err, sizeof err))
            rc = bad("%s", err);
        for (size_t i = 0; i < n; i++) nnb_results_free(&files[i]);
    }
    free(files);
    free(order);
    free(paths);
    return rc;
}
