/* `nnbench roofline`: measures (or loads from the cache) the ceilings for
 * one thread and for all cores, prints them as a table or JSON, and draws
 * the last of them. */
#include "cmd/cmd_roofline.h"
#include "cmd/options.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/topo.h"
#include "roofline/cache.h"
#include "roofline/measure.h"
#include "roofline/plot.h"
#include "util/signals.h"

typedef struct roofline_args {
    int threads;             /* 0: 1 thread and all cores */
    bool refresh, json, quick, help;
    const char *plot, *csv;  /* NULL: none */
    const char *import;      /* --import FILE: a ceilings file stored as this machine's */
} roofline_args;

static void roofline_usage(FILE *f)
{
    /* the same text on every machine (the README quotes it): the cache
     * directory by its rule, not this user's path */
    fputs("usage: nnbench roofline [--threads N] [--refresh] [--quick] [--format table|json]\n"
          "                        [--plot FILE.svg] [--csv FILE.csv] [--import FILE]\n"
          "  Measures (or loads from $XDG_CACHE_HOME/nnbench, else ~/.cache/nnbench, keyed by\n"
          "  this machine's identity) peak FLOP/s and bandwidth per memory level.\n"
          "  --threads N       ceilings for N threads (default: 1 thread and every allowed core)\n"
          "  --refresh         measure again, replacing the cached ceilings\n"
          "  --quick           reduced sweep, not cached (a smoke test, not a ceiling)\n"
          "  --format F        table (default) or json\n"
          "  --plot FILE.svg   draw the ceilings (an empty roofline)\n"
          "  --csv FILE.csv    the ceilings as CSV: one row per peak (ISA, precision, FMA or\n"
          "                    FMA+ADD) and per memory level (read, triad), with the ridge AI\n"
          "  --import FILE     store a ceilings file (e.g. results/ceilings-*.txt) as this\n"
          "                    machine's, for its thread count\n",
          f);
}

/* If argv[*i] is one of the options that take a value ("--opt V" or
 * "--opt=V"), returns that option's name and sets *val (advancing *i past a
 * separate value); else returns argv[*i]. NULL: the value is missing or
 * empty (said on stderr). */
static const char *option_value(int argc, char **argv, int *i, const char **val)
{
    static const char *const with_value[] = {"--threads", "--plot", "--csv", "--format", "--import"};
    const char *a = argv[*i];
    *val = NULL;
    for (size_t k = 0; k < sizeof with_value / sizeof with_value[0]; k++) {
        size_t len = strlen(with_value[k]);
        if (strncmp(a, with_value[k], len) != 0 || (a[len] != '\0' && a[len] != '=')) continue;
        if (a[len] == '=') *val = a + len + 1;
        else if (*i + 1 < argc) *val = argv[++*i];
        else {
            fprintf(stderr, "nnbench roofline: %s needs a value\n", with_value[k]);
            return NULL;
        }
        if (!**val) {
            fprintf(stderr, "nnbench roofline: %s needs a non-empty value\n", with_value[k]);
            return NULL;
        }
        return with_value[k];
    }
    return a;
}

/* 0, or 2 (bad options, said on stderr). */
static int parse_args(int argc, char **argv, roofline_args *r)
{
    memset(r, 0, sizeof *r);
    for (int i = 1; i < argc; i++) {
        const char *val;
        const char *a = option_value(argc, argv, &i, &val);
        if (!a) return 2;
        char err[256] = "";
        long t;
        if (strcmp(a, "--threads") == 0) {
            if (nnb_opt_int("--threads", val, 1, 4096, &t, err, sizeof err)) {
                fprintf(stderr, "nnbench roofline: %s\n", err);
                return 2;
            }
            r->threads = (int)t;
            if (nnb_opt_threads_fit("--threads ", r->threads, err, sizeof err)) {
                fprintf(stderr, "nnbench roofline: %s\n", err);
                return 2;
            }
        } else if (strcmp(a, "--plot") == 0 || strcmp(a, "--csv") == 0) {
            bool plot = a[2] == 'p';
            if (nnb_opt_path(a, val, err, sizeof err) || !nnb_opt_ends_with(val, plot ? ".svg" : ".csv")) {
                fprintf(stderr, "nnbench roofline: %s\n", err[0] ? err : plot ? "--plot needs a FILE.svg"
                                                                              : "--csv needs a FILE.csv");
                return 2;
            }
            *(plot ? &r->plot : &r->csv) = val;
        } else if (strcmp(a, "--import") == 0) {
            if (nnb_opt_path(a, val, err, sizeof err)) {
                fprintf(stderr, "nnbench roofline: %s\n", err);
                return 2;
            }
            r->import = val;
        } else if (strcmp(a, "--format") == 0) {
            if (strcmp(val, "json") != 0 && strcmp(val, "table") != 0) {
                fprintf(stderr, "nnbench roofline: bad --format '%s' (table or json)\n", val);
                return 2;
            }
            r->json = strcmp(val, "json") == 0;
        } else if (strcmp(a, "--refresh") == 0) {
            r->refresh = true;
        } else if (strcmp(a, "--quick") == 0) {
            r->quick = true;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            r->help = true;
            return 0;
        } else {
            fprintf(stderr, "nnbench roofline: unknown option '%s' (try --help)\n", argv[i]);
            return 2;
        }
    }
    return 0;
}

/* Ceilings for one thread count: --quick measures a reduced set and does
 * not cache it; otherwise from the cache, or measured and cached. */
static int ceilings_for(const roofline_args *r, int threads, nnb_ceilings *c, char *err, size_t errlen)
{
    if (!r->quick) return nnb_ceilings_get(threads, r->refresh, c, err, errlen);
    nnb_ceil_opts o;
    nnb_ceil_opts_default(&o);
    o.quick = true;
    return nnb_ceilings_measure(threads, &o, c, err, errlen);
}

/* The picture and the CSV of the last thread count (all cores). */
static int write_files(const roofline_args *r, const nnb_ceilings *pc)
{
    char err[512];
    if (r->plot) {
        char title[96];
        snprintf(title, sizeof title, "Roofline, %d thread%s", pc->threads, pc->threads == 1 ? "" : "s");
        if (nnb_roofline_svg(r->plot, pc, NULL, 0, title, err, sizeof err) != 0) {
            fprintf(stderr, "nnbench %s\n", err);
            return 2;
        }
    }
    if (r->csv && nnb_roofline_csv(r->csv, pc, NULL, 0, err, sizeof err) != 0) {
        fprintf(stderr, "nnbench %s\n", err);
        return 2;
    }
    return 0;
}

int nnb_roofline_main(int argc, char **argv)
{
    roofline_args r;
    int rc = parse_args(argc, argv, &r);
    if (rc != 0) return rc;
    if (r.help) {
        roofline_usage(stdout);
        return 0;
    }
    char eerr[512];
    if (nnb_env_check(eerr, sizeof eerr)) {
        fprintf(stderr, "nnbench roofline: %s\n", eerr);
        return 2;
    }
    nnb_signals_install(true); /* a stopped measurement leaves no partial cache, SVG or CSV */
    if (r.import) {
        nnb_ceilings *c = malloc(sizeof *c);
        char err[512];
        if (!c || nnb_ceilings_import(r.import, c, err, sizeof err) != 0) {
            fprintf(stderr, "nnbench %s\n", c ? err : "roofline: out of memory");
            free(c);
            return 2;
        }
        free(c);
        return 0;
    }
    int counts[2], nc = 0;
    if (r.threads) counts[nc++] = r.threads;
    else {
        counts[nc++] = 1;
        if (nnb_topo_get()->allowed_cores > 1) counts[nc++] = nnb_topo_get()->allowed_cores;
    }
    nnb_ceilings *cs = calloc((size_t)nc, sizeof *cs);
    if (!cs) {
        fprintf(stderr, "nnbench roofline: out of memory\n");
        return 1;
    }
    for (int k = 0; k < nc; k++) {
        char err[512];
        if (ceilings_for(&r, counts[k], &cs[k], err, sizeof err) != 0) {
            free(cs);
            if (nnb_stop_signal()) /* the thread counts measured before are printed */
                return nnb_stopped("nnbench roofline", "%d of %d thread count%s (nothing cached for the one stopped; "
                                   "no --plot/--csv written)", k, nc, nc == 1 ? "" : "s");
            fprintf(stderr, "nnbench %s\n", err);
            return 1;
        }
        if (r.json) nnb_roofline_json_write(stdout, &cs[k], NULL, 0);
        else {
            if (k) putchar('\n');
            nnb_ceilings_print(stdout, &cs[k]);
        }
    }
    if (nnb_stop_signal()) rc = nnb_stopped("nnbench roofline", "%d of %d thread count%s (no --plot/--csv written)", nc,
                                            nc, nc == 1 ? "" : "s");
    else rc = write_files(&r, &cs[nc - 1]);
    free(cs);
    return rc;
}
