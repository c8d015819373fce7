/* All ceilings for one thread count (see measure.h): the peak loops
 * (peak.c) per ISA and precision, then the bandwidth sweep (bandwidth.c)
 * analysed into levels (sweep.c), with a progress line on stderr. */
#include "roofline/measure.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "machine/identity.h"
#include "roofline/place.h"
#include "machine/isa.h"
#include "machine/topo.h"
#include "machine/watch.h"
#include "roofline/sweep.h"
#include "util/appendf.h"
#include "util/clock.h"
#include "util/signals.h"
#include "util/util.h"

void nnb_ceil_opts_default(nnb_ceil_opts *o)
{
    memset(o, 0, sizeof *o);
    o->progress = true;
}

void nnb_ceil_capacities(int threads, int64_t cap[NNB_LVL_COUNT])
{
    const nnb_topo *t = nnb_topo_get();
    int used = threads < t->allowed_cores ? threads : t->allowed_cores;
    if (used < 1) used = 1;
    for (int l = 0; l < NNB_LVL_COUNT; l++) cap[l] = 0;
    for (int l = 1; l <= 3; l++) {
        const nnb_cache_level *c = nnb_topo_cache(t, l);
        if (!c || c->geom.size <= 0) continue;
        int inst = (used + c->shared_by - 1) / c->shared_by;
        if (c->count > 0 && inst > c->count) inst = c->count;
        cap[l - 1] = c->geom.size * inst;
    }
}

/* ---- progress line ---- */

/* One progress line on stderr (fmt NULL: the line ends). On a terminal it
 * is rewritten in place; otherwise one line per phase (the text without its
 * numbers), so logs stay short. */
static void progress(bool on, const char *fmt, ...)
{
    static int shown = 0;
    if (!on) return;
    bool tty = isatty(2);
    if (!fmt) {
        if (shown && tty) fputs("\r\033[K", stderr);
        shown = 0;
        return;
    }
    char line[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (tty) {
        fprintf(stderr, "\r\033[K%s", line);
    } else {
        static char last_phase[200];
        char phase[200];
        size_t k = 0;
        for (const char *p = line; *p && k < sizeof phase - 1; p++)
            if (!isdigit((unsigned char)*p) && *p != '.') phase[k++] = *p;
        phase[k] = '\0';
        if (strcmp(phase, last_phase) != 0) {
            fprintf(stderr, "%s\n", line);
            memcpy(last_phase, phase, k + 1);
        }
    }
    fflush(stderr);
    shown = 1;
}

/* What one measurement says about itself while it runs. */
typedef struct run_info {
    bool progress;
    const char *what;        /* "roofline 2 threads (pass 1)" */
    double t0;               /* nnb_now_s() at the start */
    double pass_t0;          /* nnb_now_s() when this sweep pass started */
    int passes_after;        /* sweep passes still to come after this one */
} run_info;

static void sweep_point_done(void *ctx, int done, int total)
{
    const run_info *ri = ctx;
    double now = nnb_now_s(), el = now - ri->t0;
    /* this pass's rate so far, for the rest of it and the passes after it */
    double per_point_s = done > 0 ? (now - ri->pass_t0) / done : 0;
    double left_s = per_point_s * ((total - done) + (double)ri->passes_after * total);
    progress(ri->progress, "%s: bandwidth sweep %d/%d (%.1f s, ~%.0f s left)", ri->what, done, total, el, left_s);
}

/* Ceilings measured on a loaded machine come out low: say so. */
static void warn_if_loaded(void)
{
    double load = 0;
    FILE *lf = fopen("/proc/loadavg", "r");
    if (lf) {
        if (fscanf(lf, "%lf", &load) != 1) load = 0;
        fclose(lf);
    }
    if (load > 0.75)
        fprintf(stderr, "nnbench: warning: system load %.2f while measuring ceilings: they may come out low "
                        "(measure again with --refresh on an idle machine)\n", load);
}

/* ---- the steps ---- */

/* Samples per peak: the best of them is the roof a kernel's median must
 * stay under, so more than the bandwidth points take (3 let a kernel's
 * median land 3% above a roof measured on a busy 2-core VM) */
#define PEAK_SAMPLES 7

static void measure_peaks(int threads, const nnb_ceil_opts *o, const run_info *ri, nnb_ceilings *c)
{
    double min_time_s = o->quick ? 0.004 : 0.02;
    const int samples = o->quick ? 3 : PEAK_SAMPLES;
    int step = 0;
    for (int i = 0; i < NNB_ISA_COUNT; i++) {
        nnb_peak *p = &c->peak[i];
        p->fused = nnb_ceil_fused() || i >= NNB_ISA_AVX2;
        for (int m = 0; m < 4 && !nnb_stop_signal(); m++) {
            bool dp = m >= 2, mix = m & 1;
            progress(ri->progress, "%s: peak FLOP/s %d/%d (%.1f s)", ri->what, ++step, 4 * NNB_ISA_COUNT,
                     nnb_now_s() - ri->t0);
            double g = nnb_ceil_peak_gflops((nnb_isa)i, dp, mix, threads, min_time_s, samples);
            if (g < 0) g = 0;
            if (dp) *(mix ? &p->dp_mix : &p->dp_fma) = g;
            else *(mix ? &p->sp_mix : &p->sp_fma) = g;
        }
    }
}

bool nnb_ceil_peak_recheck(nnb_ceilings *c)
{
    const double before = nnb_ceil_peak(c);
    for (int i = 0; i < NNB_ISA_COUNT; i++) {
        if (!(c->peak[i].sp_fma > 0)) continue;
        /* many short samples (2 ms, 300 of them): a kernel's run of
         * well under a millisecond finds the host's quiet moments, and
         * only as short a sample finds them too (longer samples measured
         * on a busy 2-vCPU VM stayed 15% under a kernel's median) */
        const double g = nnb_ceil_peak_gflops((nnb_isa)i, false, false, c->threads, 0.002, 300);
        if (g > c->peak[i].sp_fma) c->peak[i].sp_fma = g;
    }
    return nnb_ceil_peak(c) > before;
}

/* The sweep's working sets: geometric from lo to hi, per_octave points per
 * doubling (fewer when they would not fit NNB_SWEEP_MAX), and hi itself as
 * the last point, so the sweep reaches the DRAM range it promises
 * (nnb_ceil_sweep_top). Returns the count. */
static int sweep_sizes(int threads, const nnb_ceil_opts *o, const int64_t cap[NNB_LVL_COUNT],
                       int64_t sizes[NNB_SWEEP_MAX], int64_t *hi_out)
{
    int64_t llc = cap[NNB_LVL_L3] ? cap[NNB_LVL_L3] : cap[NNB_LVL_L2] ? cap[NNB_LVL_L2] : (int64_t)8 << 20;
    int64_t lo = o->sweep_min > 0 ? o->sweep_min : 8192;
    int64_t mem = nnb_topo_get()->memory_bytes;
    int64_t hi = o->sweep_max > 0 ? o->sweep_max : o->quick ? 4 * llc : nnb_ceil_sweep_top(llc, mem);
    if (mem > 0 && hi > mem / 4) hi = mem / 4;
    if (lo < 4096 * (int64_t)threads) lo = 4096 * (int64_t)threads;
    if (hi < lo) hi = lo;
    int po = o->per_octave > 0 ? o->per_octave : (o->quick ? 1 : 3);
    double octaves = log2((double)hi / (double)lo);
    while (po > 1 && (int)(octaves * po) + 2 > NNB_SWEEP_MAX) po--;
    int n = (int)floor(octaves * po + 1e-9) + 1;
    if (n > NNB_SWEEP_MAX) n = NNB_SWEEP_MAX;
    for (int i = 0; i < n; i++) sizes[i] = (int64_t)llround((double)lo * pow(2.0, (double)i / po));
    /* the grid's last point short of hi: hi replaces it when within a few
     * percent, else follows it (the DRAM points the analysis trusts start
     * at NNB_DRAM_LLC_FACTOR x LLC, which may be hi itself) */
    if (sizes[n - 1] < hi) {
        if (sizes[n - 1] < hi - hi / 32 && n < NNB_SWEEP_MAX) n++;
        sizes[n - 1] = hi;
    }
    *hi_out = hi;
    return n;
}

/* Interference on a shared machine only ever slows a sample down, so the
 * best sample is the estimate (ERT): short samples, several per point, and
 * two passes over the sweep taken apart in time. */
static int measure_sweep(int threads, const nnb_ceil_opts *o, const run_info *ri, nnb_ceilings *c, char *err,
                         size_t errlen)
{
    int64_t sizes[NNB_SWEEP_MAX], hi;
    int n = sweep_sizes(threads, o, c->cap_bytes, sizes, &hi);
    double rdv[NNB_SWEEP_MAX], trv[NNB_SWEEP_MAX], rd2[NNB_SWEEP_MAX], tr2[NNB_SWEEP_MAX];
    int passes = o->quick ? 1 : 2;
    for (int pass = 0; pass < passes; pass++) {
        char what[48];
        snprintf(what, sizeof what, "%s%s", ri->what, passes > 1 ? (pass ? " (pass 2)" : " (pass 1)") : "");
        run_info pi = {ri->progress, what, ri->t0, nnb_now_s(), passes - 1 - pass};
        nnb_bw_sweep s = {.sizes = sizes, .n = n, .min_time_s = o->quick ? 0.002 : 0.005,
                          .samples = o->quick ? 2 : 5, .do_read = true, .do_triad = true,
                          .read_gbs = pass ? rd2 : rdv, .triad_gbs = pass ? tr2 : trv,
                          .point_done = sweep_point_done, .ctx = &pi};
        if (nnb_stop_signal() || nnb_ceil_bw_sweep(threads, &s) != 0) {
            progress(ri->progress, NULL);
            if (nnb_stop_signal()) return nnb_errf(err, errlen, "%s", NNB_CEIL_STOPPED);
            return nnb_errf(err, errlen, "roofline: could not allocate %lld bytes per thread for the bandwidth sweep "
                            "(or OpenMP gave fewer than %d threads)", (long long)(hi / threads), threads);
        }
        for (int i = 0; pass && i < n; i++) {
            if (rd2[i] > rdv[i]) rdv[i] = rd2[i];
            if (tr2[i] > trv[i]) trv[i] = tr2[i];
        }
    }
    c->nsweep = n;
    for (int i = 0; i < n; i++) c->sweep[i] = (nnb_sweep_pt){sizes[i], rdv[i], trv[i]};
    return 0;
}

int nnb_ceilings_measure(int threads, const nnb_ceil_opts *o, nnb_ceilings *c, char *err, size_t errlen)
{
    nnb_ceil_opts def;
    if (!o) {
        nnb_ceil_opts_default(&def);
        o = &def;
    }
    if (threads < 1 || threads > 4096) return nnb_errf(err, errlen, "roofline: bad thread count %d (1..4096)", threads);
    memset(c, 0, sizeof *c);
    nnb_ceilings_key(c->key, sizeof c->key);
    c->threads = threads;
    c->measured_unix = (long long)time(NULL);
    char what[32];
    snprintf(what, sizeof what, "roofline %d thread%s", threads, threads > 1 ? "s" : "");
    run_info ri = {o->progress, what, nnb_now_s(), 0, 0};
    if (o->progress) warn_if_loaded();
    nnb_topo_bind_omp(threads, c->binding, sizeof c->binding);
    /* the whole measurement watched as one interval: ceilings measured
     * beside other work come out low (issue 24) */
    nnb_watch w;
    nnb_watch_result wr;
    nnb_watch_cpus(&w, threads);
    nnb_watch_begin(&w);
    measure_peaks(threads, o, &ri, c);
    nnb_ceil_capacities(threads, c->cap_bytes);
    if (measure_sweep(threads, o, &ri, c, err, errlen) != 0) return -1;
    nnb_ceil_analyze_sweep(c);
    c->measure_s = nnb_now_s() - ri.t0;
    nnb_watch_end(&w, &wr);
    char why[192];
    if (nnb_watch_disturbed(&wr, c->measure_s, why, sizeof why))
        snprintf(c->doubt, sizeof c->doubt, "measured while disturbed: %s", why);
    progress(o->progress, NULL);
    return 0;
}

