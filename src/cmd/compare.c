/* `nnbench compare [--fail-on-slower] A B`: two stored runs per layer and
 * kernel, across builds and machines (report/stored.h says how pairs are
 * made and when a change is marked). */
#include "cmd/cmd_results.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cmd/options.h"
#include "report/html.h"
#include "report/stored.h"
#include "results/reader.h"

static void usage(FILE *f)
{
    fputs("usage: nnbench compare [--fail-on-slower] [--html OUT.html] A.jsonl B.jsonl\n"
          "Pairs the kernel records of two results files (written by --out) by layer spec,\n"
          "kernel and threads (a network's layers are labelled by module name), and prints per\n"
          "pair the median time of both with its quartile spread (±), the ratio B/A and the\n"
          "change called: slower or faster only where a Mann-Whitney test over the stored\n"
          "repetitions gives p < 0.01 AND B/A is beyond the minimum effect (the run-to-run\n"
          "variation of an unchanged binary, or twice the pair's spread). A pair where either\n"
          "run was marked disturbed is never called: it is named instead. Two runs of one\n"
          "network are compared by their totals too. Both headers are printed first.\n"
          "  --fail-on-slower   exit 1 when a change is called slower\n"
          "  --html OUT.html    also write one page: both runs on one roofline, an arrow per layer\n"
          "                     from A to B coloured by the change, and the table of ratios\n"
          "Exit status: 0 ok (a comparison is a report), 1 slower with --fail-on-slower,\n"
          "2 bad options or a file that is not a results file.\n",
          f);
}

static int bad(const char *msg, const char *arg) { return nnb_results_cmd_bad("compare", msg, arg); }

int nnb_compare_main(int argc, char **argv)
{
    const char *path[2];
    int n = 0;
    bool fail_on_slower = false;
    const char *html = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(argv[i], "--fail-on-slower") == 0) fail_on_slower = true;
        else if (strcmp(argv[i], "--html") == 0) {
            html = i + 1 < argc ? argv[++i] : "";
            if (!nnb_opt_ends_with(html, ".html")) return bad("--html '%s': the file name must end in .html", html);
        }
        else if (argv[i][0] == '-' && argv[i][1]) return bad("unknown option '%s' (see --help)", argv[i]);
        else if (n == 2) return bad("one file too many: '%s' (compare takes two, see --help)", argv[i]);
        else path[n++] = argv[i];
    }
    if (n < 2) return bad("%s", "give two results files, A and B (see --help)");
    nnb_results_file f[2];
    char err[1024];
    for (int i = 0; i < 2; i++)
        if (nnb_results_read(path[i], &f[i], err, sizeof err)) {
            if (i) nnb_results_free(&f[0]);
            return bad("%s", err);
        }
    int rc = 0;
    for (int i = 0; i < 2 && rc == 0; i++)
        if (f[i].header.analytic) rc = bad("%s was run with --analytic: no times to compare", path[i]);
    if (rc == 0 && html && nnb_html_compare_file(html, &f[0], &f[1], err, sizeof err)) rc = bad("%s", err);
    if (rc == 0 && nnb_report_compare(stdout, &f[0], &f[1]) && fail_on_slower) rc = 1;
    nnb_results_free(&f[0]);
    nnb_results_free(&f[1]);
    return rc;
}
