#include "cmd/options.h"

#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cmd/cli.h"
#include "counters/counters.h"
#include "machine/blas.h"
#include "machine/isa.h"
#include "machine/topo.h"
#include "nnbench/kernel.h"
#include "util/util.h"

/* Option values echoed in messages are cut short: one line stays one line. */
#define SHOW "%.60s"

static bool all_digits(const char *s)
{
    if (!*s) return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s)) return false;
    return true;
}

int nnb_opt_int(const char *what, const char *s, long lo, long hi, long *out, char *err, size_t len)
{
    const char *digits = s[0] == '-' ? s + 1 : s;
    errno = 0;
    char *end;
    long v = all_digits(digits) ? strtol(s, &end, 10) : 0;
    if (!all_digits(digits) || errno || v < lo || v > hi)
        return nnb_errf(err, len, "%s needs an integer in %ld..%ld, got '" SHOW "'", what, lo, hi, s);
    *out = v;
    return 0;
}

/* digits, one optional point, optional e-exponent: no sign, nan, inf, hex */
static bool parse_real(const char *s, double lo, double hi, double *out)
{
    if (!isdigit((unsigned char)s[0]) || strspn(s, "0123456789.eE+-") != strlen(s)) return false;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || !isfinite(v) || v < lo || v > hi) return false;
    *out = v;
    return true;
}

int nnb_opt_seconds(const char *what, const char *s, double lo, double hi, double *out, char *err, size_t len)
{
    if (parse_real(s, lo, hi, out)) return 0;
    return nnb_errf(err, len, "%s needs seconds in %g..%g, got '" SHOW "'", what, lo, hi, s);
}

int nnb_opt_bytes(const char *what, const char *s, int64_t *out, char *err, size_t len)
{
    static const struct { const char *suffix; int shift; } units[] = {
        {"", 0},   {"B", 0},   {"K", 10},   {"KiB", 10}, {"M", 20},
        {"MiB", 20}, {"G", 30}, {"GiB", 30}, {"T", 40},  {"TiB", 40},
    };
    size_t nd = strspn(s, "0123456789");
    for (size_t i = 0; nd > 0 && nd <= 18 && i < sizeof units / sizeof units[0]; i++) {
        if (strcmp(s + nd, units[i].suffix) != 0) continue;
        int64_t v = strtoll(s, NULL, 10); /* <= 18 digits: no overflow */
        if (v <= 0 || v > ((int64_t)1 << (60 - units[i].shift))) break;
        *out = v << units[i].shift;
        return 0;
    }
    return nnb_errf(err, len, "%s needs a byte count > 0 such as 512M or 8G (suffix K, M, G, T), got '" SHOW "'",
                    what, s);
}

int nnb_opt_path(const char *what, const char *s, char *err, size_t len)
{
    if (!*s) return nnb_errf(err, len, "%s needs a file name, got ''", what);
    if (strlen(s) >= 4000) return nnb_errf(err, len, "%s: file name of %zu bytes is too long", what, strlen(s));
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return nnb_errf(err, len, "%s: file name holds a control character (byte %d)", what, (int)(p - s));
    return 0;
}

int nnb_opt_threads_fit(const char *what, int threads, char *err, size_t len)
{
    const nnb_topo *t = nnb_topo_get();
    if (threads <= t->allowed_pus) return 0;
    /* oversubscribed threads time each other: refused, never done quietly */
    return nnb_errf(err, len,
                    "%s%d: this process may run on %d core%s (%d PU%s), cpuset %s%s; give at most %d thread%s "
                    "(or run it where more cores are allowed)",
                    what, threads, t->allowed_cores, t->allowed_cores == 1 ? "" : "s", t->allowed_pus,
                    t->allowed_pus == 1 ? "" : "s", t->cpuset,
                    t->restricted ? " (restricted by taskset, a cgroup or the batch system)" : "", t->allowed_pus,
                    t->allowed_pus == 1 ? "" : "s");
}

bool nnb_opt_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* --layer, --batch, --model: one source, given once, not empty */
static int set_source(const char **slot, const char *name, const char *v, char *err, size_t len)
{
    if (*slot) return nnb_errf(err, len, "--%s given twice ('" SHOW "' and '" SHOW "')", name, *slot, v);
    if (!*v) return nnb_errf(err, len, "--%s needs a value, got ''", name);
    *slot = v;
    return 0;
}

static int set_format(nnb_format *f, const char *v, char *err, size_t len)
{
    if (!strcmp(v, "table")) *f = NNB_FMT_TABLE;
    else if (!strcmp(v, "csv")) *f = NNB_FMT_CSV;
    else if (!strcmp(v, "json")) *f = NNB_FMT_JSON;
    else return nnb_errf(err, len, "unknown --format '" SHOW "' (table, csv, json)", v);
    return 0;
}

/* --threads, --reps, --min-time, --max-mem */
static int set_number(nnb_options *o, const char *name, const char *v, char *err, size_t len)
{
    nnb_measure_opts *m = &o->run.measure;
    long n;
    if (!strcmp(name, "threads")) {
        if (nnb_opt_int("--threads", v, 1, 4096, &n, err, len)) return -1;
        o->run.threads = (int)n;
    } else if (!strcmp(name, "reps")) {
        if (nnb_opt_int("--reps", v, 1, 1000000, &n, err, len)) return -1;
        m->min_reps = (int)n;
        if (m->max_reps < n) m->max_reps = (int)n;
        if (n == 1) m->min_time_s = 0;
        o->timing_set = true;
    } else if (!strcmp(name, "min-time")) {
        o->timing_set = true;
        return nnb_opt_seconds("--min-time", v, 0, 3600, &m->min_time_s, err, len);
    } else {
        return nnb_opt_bytes("--max-mem", v, &o->run.max_mem_bytes, err, len);
    }
    return 0;
}

/* --plot-kernels best|all, --color-by op|bound */
static int set_plot_style(nnb_options *o, const char *name, const char *v, char *err, size_t len)
{
    bool kernels = !strcmp(name, "plot-kernels");
    const char *a = kernels ? "best" : "op", *b = kernels ? "all" : "bound";
    if (strcmp(v, a) && strcmp(v, b)) return nnb_errf(err, len, "--%s '" SHOW "': give %s or %s", name, v, a, b);
    if (kernels) o->observe.plot_all_kernels = !strcmp(v, b);
    else o->observe.plot_by_bound = !strcmp(v, b);
    return 0;
}

int nnb_cli_option_value(nnb_options *o, const char *name, const char *v, char *err, size_t len)
{
    if (!strcmp(name, "layer")) return set_source(&o->layer_spec, name, v, err, len);
    if (!strcmp(name, "batch")) {
        /* a directory would read as a bare "read error"; a pipe (/dev/stdin) is fine */
        struct stat st;
        if (*v && stat(v, &st) == 0 && S_ISDIR(st.st_mode))
            return nnb_errf(err, len, "--batch " SHOW ": is a directory, not a batch file", v);
        return set_source(&o->batch_file, name, v, err, len);
    }
    if (!strcmp(name, "model")) return set_source(&o->model_name, name, v, err, len);
    if (!strcmp(name, "input")) {
        if (o->ninputs == sizeof o->inputs / sizeof o->inputs[0]) return nnb_errf(err, len, "--input given more than 8 times");
        return nnb_onnx_input_parse(v, &o->inputs[o->ninputs++], err, len);
    }
    if (!strcmp(name, "format")) return set_format(&o->format, v, err, len);
    if (!strcmp(name, "kernels")) {
        if (!*v) return nnb_errf(err, len, "--kernels needs a kernel list (see --list-kernels), got ''");
        /* names checked here, before ceilings are measured or layers run */
        char buf[512];
        nnb_copy_str(buf, sizeof buf, v);
        char *save = NULL;
        for (char *tok = strtok_r(buf, ",", &save); tok && strcmp(v, "all") && strcmp(v, "fast");
             tok = strtok_r(NULL, ",", &save))
            if (!nnb_kernel_find(tok))
                return nnb_errf(err, len, "unknown kernel '" SHOW "'%s (see --list-kernels)", tok,
                                nnb_kernel_unavailable(tok));
        o->run.kernels = v;
        return 0;
    }
    if (!strcmp(name, "counters")) {
        if (strcmp(v, "auto") != 0 && !nnb_counter_find(v))
            return nnb_errf(err, len, "unknown --counters '" SHOW "' (auto, papi, valgrind, none)", v);
        o->observe.counters = v;
        return 0;
    }
    if (!strcmp(name, "plot-kernels") || !strcmp(name, "color-by")) return set_plot_style(o, name, v, err, len);
    const char **path = !strcmp(name, "dump") ? &o->run.dump_dir : !strcmp(name, "plot") ? &o->observe.plot_file
                      : !strcmp(name, "out")  ? &o->out_file : !strcmp(name, "html") ? &o->html_file : NULL;
    if (!path) return set_number(o, name, v, err, len);
    char what[16];
    snprintf(what, sizeof what, "--%s", name);
    if (nnb_opt_path(what, v, err, len)) return -1;
    if (path == &o->observe.plot_file && !nnb_opt_ends_with(v, ".svg") && !nnb_opt_ends_with(v, ".csv") && !nnb_opt_ends_with(v, ".json"))
        return nnb_errf(err, len, "--plot '" SHOW "': the file name must end in .svg, .csv or .json", v);
    if (path == &o->html_file && !nnb_opt_ends_with(v, ".html") && !nnb_opt_ends_with(v, ".htm"))
        return nnb_errf(err, len, "--html '" SHOW "': the file name must end in .html", v);
    *path = v;
    return 0;
}

/* A thread count 1..4096; OMP_NUM_THREADS may be a comma list of them, one
 * per nesting level. */
static int check_threads(const char *name, const char *v, bool list, char *err, size_t len)
{
    const char *p = v;
    long t;
    char one[16];
    for (;;) {
        size_t n = list ? strcspn(p, ",") : strlen(p);
        if (n == 0 || n >= sizeof one) break;
        memcpy(one, p, n);
        one[n] = '\0';
        if (nnb_opt_int(name, one, 1, 4096, &t, NULL, 0)) break;
        if (!p[n]) return 0;
        p += n + 1;
    }
    return nnb_errf(err, len,
                    "%s='" SHOW "' is not a thread count (an integer 1..4096%s): fix or unset it "
                    "(nnbench takes its threads from --threads, else OMP_NUM_THREADS, else all cores)",
                    name, v, list ? ", or a comma list of them" : "");
}

/* OpenBLAS silently runs its own choice when it does not know the core asked for. */
static int check_coretype(const char *v, char *err, size_t len)
{
    const char *core = nnb_blas_info_get()->core;
    if (strcasecmp(v, core) == 0) return 0;
    return nnb_errf(err, len,
                    "OPENBLAS_CORETYPE='" SHOW "' is not the core OpenBLAS runs (it chose %s): "
                    "name a core this OpenBLAS knows (e.g. Haswell, SkylakeX, Zen) or unset it",
                    v, core);
}

int nnb_env_check(char *err, size_t len)
{
    if (nnb_isa_check_env(err, len)) return -1;
    const char *v = getenv("NNB_VALGRIND_BUDGET");
    double budget;
    if (v && !parse_real(v, 1, 1e18, &budget))
        return nnb_errf(err, len, "NNB_VALGRIND_BUDGET='" SHOW "' is not a FLOP count (a number 1..1e18, e.g. 2e9)",
                        v);
    static const char *const thread_vars[] = {"OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS",
                                              "OMP_THREAD_LIMIT"};
    for (size_t i = 0; i < sizeof thread_vars / sizeof thread_vars[0]; i++)
        if ((v = getenv(thread_vars[i])) && check_threads(thread_vars[i], v, i == 0, err, len)) return -1;
    if ((v = getenv("OPENBLAS_CORETYPE")) && check_coretype(v, err, len)) return -1;
    return 0;
}
