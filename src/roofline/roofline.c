/* Roofline: plateau detection, placement, the ceilings cache and the
 * `nnbench roofline` command. Measuring loops: ceilings.c; picture:
 * roofline_svg.c. */
#include "roofline/roofline.h"
#include "machine/topo.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *nnb_risa_name(nnb_risa i)
{
    static const char *n[] = {"scalar", "sse", "avx2", "avx512"};
    return (unsigned)i < NNB_RISA_COUNT ? n[i] : "?";
}

const char *nnb_level_name(nnb_level l)
{
    static const char *n[] = {"L1", "L2", "L3", "DRAM"};
    return (unsigned)l < NNB_LVL_COUNT ? n[l] : "?";
}

void nnb_ceil_progress(bool on, const char *fmt, ...)
{
    static int shown = 0;
    if (!on) return;
    bool tty = isatty(2);
    if (!fmt) { /* end of the progress line */
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
        /* not a terminal: one line per phase (the text without its numbers) */
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

void nnb_ceil_machine_key(char *buf, size_t len)
{
    const nnb_topo *t = nnb_topo_get();
    if (snprintf(buf, len, "%s|%s|cores %d|%s", t->hostname, t->cpu_model, t->cores, t->isa_str) >= (int)len)
        buf[len - 1] = '\0'; /* a truncated key is still a key */
    /* the key is one line of the cache file */
    for (char *p = buf; *p; p++)
        if (*p == '\n' || *p == '\r') *p = ' ';
}

void nnb_ceil_capacities(int threads, int64_t cap[NNB_LVL_COUNT])
{
    const nnb_topo *t = nnb_topo_get();
    int used = threads < t->cores ? threads : t->cores;
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

/* ---- plateaus ---- */

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median_of(const double *v, int first, int last)
{
    int n = last - first + 1;
    double tmp[NNB_SWEEP_MAX * 2];
    double *w = n <= (int)(sizeof tmp / sizeof tmp[0]) ? tmp : malloc(sizeof(double) * (size_t)n);
    if (!w) return v[first];
    memcpy(w, v + first, sizeof(double) * (size_t)n);
    qsort(w, (size_t)n, sizeof(double), cmp_dbl);
    double m = n % 2 ? w[n / 2] : 0.5 * (w[n / 2 - 1] + w[n / 2]);
    if (w != tmp) free(w);
    return m;
}

int nnb_plateaus_detect(const int64_t *bytes, const double *gbs, int n, double rel_tol, int min_pts,
                        nnb_plateau *out, int max_out)
{
    if (!bytes || !gbs || n < 0 || !(rel_tol > 0) || min_pts < 1 || (max_out > 0 && !out)) return -1;
    for (int i = 0; i < n; i++) {
        if (!(gbs[i] > 0) || !isfinite(gbs[i]) || bytes[i] <= 0) return -1;
        if (i && bytes[i] <= bytes[i - 1]) return -1;
    }
    double *lg = malloc(sizeof(double) * (size_t)(n ? n : 1));
    nnb_plateau *seg = malloc(sizeof(nnb_plateau) * (size_t)(n ? n : 1));
    if (!lg || !seg) {
        free(lg);
        free(seg);
        return -1;
    }
    const double tol = log1p(rel_tol);
    for (int i = 0; i < n; i++) lg[i] = log(gbs[i]);
    /* 1. greedy segmentation: a point joins the run while it stays within
     *    tol of the run's median (in log space) */
    int ns = 0, start = 0;
    for (int i = 1; i <= n; i++) {
        if (i < n && fabs(lg[i] - median_of(lg, start, i - 1)) <= tol) continue;
        if (n) seg[ns++] = (nnb_plateau){start, i - 1, 0};
        start = i;
    }
    /* 2. keep runs of at least min_pts; merge a run into the previous kept
     *    one when their medians agree (an outlier split them) */
    int np = 0;
    for (int s = 0; s < ns; s++) {
        if (seg[s].last - seg[s].first + 1 < min_pts) continue;
        double m = median_of(lg, seg[s].first, seg[s].last);
        if (np && fabs(m - seg[np - 1].gbs) <= tol) {
            /* the points between them were outliers: span the whole range */
            seg[np - 1].last = seg[s].last;
            seg[np - 1].gbs = median_of(lg, seg[np - 1].first, seg[np - 1].last);
            continue;
        }
        seg[np] = seg[s];
        seg[np].gbs = m;
        np++;
    }
    int w = 0;
    for (int i = 0; i < np && w < max_out; i++) {
        out[w] = seg[i];
        out[w].gbs = exp(seg[i].gbs);
        w++;
    }
    free(lg);
    free(seg);
    return w;
}

void nnb_plateaus_assign(const int64_t *bytes, const nnb_plateau *p, int np,
                         const int64_t cap[NNB_LVL_COUNT], int *level_of)
{
    int owner[NNB_LVL_COUNT];
    for (int l = 0; l < NNB_LVL_COUNT; l++) owner[l] = -1;
    for (int i = 0; i < np; i++) {
        double mid = sqrt((double)bytes[p[i].first] * (double)bytes[p[i].last]);
        int lvl = NNB_LVL_DRAM;
        for (int l = 0; l < NNB_LVL_DRAM; l++) {
            if (cap[l] > 0 && mid <= (double)cap[l]) {
                lvl = l;
                break;
            }
        }
        level_of[i] = lvl;
        int o = owner[lvl];
        if (o < 0) {
            owner[lvl] = i;
        } else if (p[i].last - p[i].first > p[o].last - p[o].first) {
            level_of[o] = -1;
            owner[lvl] = i;
        } else {
            level_of[i] = -1;
        }
    }
}

/* Fills c->bw from c->sweep: plateaus first, else the best point over the
 * sizes that sit safely inside a level (2 x previous capacity .. capacity / 2;
 * DRAM: from 8 x the last cache). */
void nnb_ceil_analyze_sweep(nnb_ceilings *c)
{
    int n = c->nsweep;
    int64_t bytes[NNB_SWEEP_MAX];
    double rd[NNB_SWEEP_MAX], tr[NNB_SWEEP_MAX];
    for (int i = 0; i < n; i++) {
        bytes[i] = c->sweep[i].bytes;
        rd[i] = c->sweep[i].read_gbs > 0 ? c->sweep[i].read_gbs : 1e-9;
        tr[i] = c->sweep[i].triad_gbs > 0 ? c->sweep[i].triad_gbs : 1e-9;
    }
    for (int l = 0; l < NNB_LVL_COUNT; l++) memset(&c->bw[l], 0, sizeof c->bw[l]);
    for (int k = 0; k < 2; k++) {
        const double *v = k ? tr : rd;
        nnb_plateau p[NNB_SWEEP_MAX];
        int lv[NNB_SWEEP_MAX];
        int np = nnb_plateaus_detect(bytes, v, n, 0.12, 2, p, NNB_SWEEP_MAX);
        if (np < 0) np = 0;
        nnb_plateaus_assign(bytes, p, np, c->cap_bytes, lv);
        for (int i = 0; i < np; i++) {
            if (lv[i] < 0) continue;
            nnb_bw *b = &c->bw[lv[i]];
            /* the ceiling is the best point of the plateau (ERT): on a shared
             * machine interference only ever lowers a point */
            /* ... taken over the plateau's points that sit safely inside the
             * level (past 2x the previous capacity, under half its own; DRAM:
             * past 8x the last cache) when there are any, so a point of a
             * transition (partly still cached) cannot become the ceiling */
            int64_t prevcap = 0;
            for (int l = 0; l < lv[i]; l++)
                if (c->cap_bytes[l] > 0) prevcap = c->cap_bytes[l];
            int64_t slo = lv[i] == NNB_LVL_DRAM ? 8 * prevcap : 2 * prevcap;
            int64_t shi = lv[i] == NNB_LVL_DRAM ? INT64_MAX : c->cap_bytes[lv[i]] / 2;
            double best_safe = 0, best;
            for (int j = p[i].first; j <= p[i].last; j++) {
                if (bytes[j] >= slo && bytes[j] <= shi && v[j] > best_safe) best_safe = v[j];
            }
            /* no point safely inside: the plateau's median, not its best */
            best = best_safe > 0 ? best_safe : p[i].gbs;
            if (k) b->triad_gbs = best;
            else {
                b->read_gbs = best;
                b->lo_bytes = bytes[p[i].first];
                b->hi_bytes = bytes[p[i].last];
                b->src = NNB_BW_PLATEAU;
            }
        }
        /* levels without a plateau: median over the level's inner range */
        int64_t prev = 0;
        for (int l = 0; l < NNB_LVL_COUNT; l++) {
            double cur = k ? c->bw[l].triad_gbs : c->bw[l].read_gbs;
            int64_t cap = c->cap_bytes[l];
            if (l < NNB_LVL_DRAM && cap <= 0) continue;
            int64_t lo = prev ? 2 * prev : 0, hi = l == NNB_LVL_DRAM ? INT64_MAX : cap / 2;
            if (l == NNB_LVL_DRAM) lo = prev ? 8 * prev : 0;
            if (cap > 0) prev = cap;
            if (cur > 0) continue;
            double vals[NNB_SWEEP_MAX];
            int m = 0, first = -1, last = -1;
            for (int i = 0; i < n; i++) {
                if (bytes[i] >= lo && bytes[i] <= hi && v[i] > 1e-6) {
                    vals[m++] = v[i];
                    if (first < 0) first = i;
                    last = i;
                }
            }
            if (!m) continue;
            double med = vals[0];
            for (int j = 1; j < m; j++)
                if (vals[j] > med) med = vals[j];
            nnb_bw *b = &c->bw[l];
            if (k) b->triad_gbs = med;
            else {
                b->read_gbs = med;
                b->lo_bytes = bytes[first];
                b->hi_bytes = bytes[last];
                b->src = NNB_BW_RANGE;
            }
        }
    }
    for (int l = 0; l < NNB_LVL_COUNT; l++) {
        c->bw[l].triad_wa_gbs = c->bw[l].triad_gbs * 16.0 / 12.0;
        if (c->bw[l].src == NNB_BW_NONE && c->bw[l].triad_gbs > 0) c->bw[l].src = NNB_BW_RANGE;
    }
}

/* ---- placement ---- */

double nnb_ceil_peak(const nnb_ceilings *c)
{
    double best = 0;
    for (int i = 0; i < NNB_RISA_COUNT; i++)
        if (c->peak[i].sp_fma > best) best = c->peak[i].sp_fma;
    return best;
}

double nnb_ceil_bw(const nnb_ceilings *c, nnb_level l)
{
    if ((unsigned)l >= NNB_LVL_COUNT) return 0;
    double r = c->bw[l].read_gbs, t = c->bw[l].triad_gbs;
    return r > t ? r : t;
}

nnb_level nnb_ceil_level_for(const nnb_ceilings *c, int64_t ws_bytes)
{
    if (ws_bytes <= 0) return NNB_LVL_DRAM;
    for (int l = 0; l < NNB_LVL_DRAM; l++)
        if (c->cap_bytes[l] > 0 && ws_bytes <= c->cap_bytes[l] && nnb_ceil_bw(c, (nnb_level)l) > 0)
            return (nnb_level)l;
    return NNB_LVL_DRAM;
}

int nnb_roofline_place_ws(const nnb_ceilings *c, double ai, double gflops, int64_t ws_bytes,
                          nnb_roof_place *out)
{
    if (!c || !out || !(ai > 0) || !isfinite(ai) || !isfinite(gflops)) return -1;
    double peak = nnb_ceil_peak(c);
    nnb_level l = nnb_ceil_level_for(c, ws_bytes);
    double bw = nnb_ceil_bw(c, l);
    if (!(peak > 0) || !(bw > 0)) return -1;
    memset(out, 0, sizeof *out);
    out->level = l;
    out->peak_gflops = peak;
    out->bw_gbs = bw;
    out->ridge_ai = peak / bw;
    double mem = ai * bw;
    if (mem < peak) {
        out->attainable_gflops = mem;
        snprintf(out->bound, sizeof out->bound, "memory:%s", nnb_level_name(l));
    } else {
        out->attainable_gflops = peak;
        snprintf(out->bound, sizeof out->bound, "compute");
    }
    out->efficiency = gflops > 0 ? gflops / out->attainable_gflops : 0;
    return 0;
}

int nnb_roofline_place(const nnb_ceilings *c, double ai, double gflops, nnb_roof_place *out)
{
    return nnb_roofline_place_ws(c, ai, gflops, 0, out);
}

/* ---- cache file ---- */

const char *nnb_results_dir(void)
{
    const char *e = getenv("NNB_RESULTS_DIR");
    if (e && *e) return e;
#ifdef NNB_RESULTS_DIR_DEFAULT
    return NNB_RESULTS_DIR_DEFAULT;
#else
    /* CMake compiles with absolute paths: <src>/src/roofline.c -> <src>/results */
    static char dir[4096];
    if (!dir[0]) {
        const char *f = __FILE__;
        const char *tail = strstr(f, "/src/roofline.c");
        if (f[0] == '/' && tail && (size_t)(tail - f) + 9 < sizeof dir)
            snprintf(dir, sizeof dir, "%.*s/results", (int)(tail - f), f);
        else
            snprintf(dir, sizeof dir, "results");
    }
    return dir;
#endif
}

int nnb_ceil_cache_path(const char *dir, int threads, char *buf, size_t len)
{
    const nnb_topo *t = nnb_topo_get();
    char host[64];
    size_t k = 0;
    for (const char *p = t->hostname; *p && k < sizeof host - 1; p++)
        host[k++] = (isalnum((unsigned char)*p) || *p == '-' || *p == '.' || *p == '_') ? *p : '_';
    host[k] = '\0';
    int w = snprintf(buf, len, "%s/ceilings-%s-%dt.txt", dir, k ? host : "host", threads);
    return (w < 0 || (size_t)w >= len) ? -1 : 0;
}

int nnb_ceil_save(const char *path, const nnb_ceilings *c, char *err, size_t errlen)
{
    char tmp[4200];
    if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp) {
        snprintf(err, errlen, "roofline: cache path too long: %s", path);
        return -1;
    }
    FILE *f = fopen(tmp, "w");
    if (!f) {
        snprintf(err, errlen, "roofline: cannot write %s: %s", tmp, strerror(errno));
        return -1;
    }
    fprintf(f, "# nnbench ceilings v1 (GFLOP/s, GB/s, bytes); written by nnbench roofline\n");
    fprintf(f, "key %s\n", c->key);
    fprintf(f, "threads %d\nmeasured_unix %lld\nmeasure_s %.3f\n", c->threads, c->measured_unix, c->measure_s);
    fprintf(f, "binding %s\n", c->binding[0] ? c->binding : "-");
    for (int i = 0; i < NNB_RISA_COUNT; i++) {
        const nnb_peak *p = &c->peak[i];
        fprintf(f, "peak %s %.10g %.10g %.10g %.10g %d\n", nnb_risa_name((nnb_risa)i), p->sp_fma, p->sp_mix,
                p->dp_fma, p->dp_mix, p->fused ? 1 : 0);
    }
    for (int l = 0; l < NNB_LVL_COUNT; l++) {
        const nnb_bw *b = &c->bw[l];
        fprintf(f, "bw %s %.10g %.10g %.10g %lld %lld %d %lld\n", nnb_level_name((nnb_level)l), b->read_gbs,
                b->triad_gbs, b->triad_wa_gbs, (long long)b->lo_bytes, (long long)b->hi_bytes, (int)b->src,
                (long long)c->cap_bytes[l]);
    }
    for (int i = 0; i < c->nsweep; i++)
        fprintf(f, "sweep %lld %.10g %.10g\n", (long long)c->sweep[i].bytes, c->sweep[i].read_gbs,
                c->sweep[i].triad_gbs);
    fprintf(f, "end\n");
    int bad = ferror(f);
    if (fclose(f) != 0) bad = 1;
    if (bad || rename(tmp, path) != 0) {
        snprintf(err, errlen, "roofline: cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

int nnb_ceil_load(const char *path, nnb_ceilings *c, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT) return 1;
        snprintf(err, errlen, "roofline: cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    memset(c, 0, sizeof *c);
    char line[1024];
    int lineno = 0, got_end = 0, got_key = 0, npeak = 0, nbw = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0] || line[0] == '#') continue;
        char name[32];
        int ok = 1;
        if (strncmp(line, "key ", 4) == 0) {
            snprintf(c->key, sizeof c->key, "%.*s", (int)sizeof c->key - 1, line + 4);
            got_key = 1;
        } else if (strncmp(line, "binding ", 8) == 0) {
            snprintf(c->binding, sizeof c->binding, "%.*s", (int)sizeof c->binding - 1, line + 8);
        } else if (sscanf(line, "threads %d", &c->threads) == 1) {
        } else if (sscanf(line, "measured_unix %lld", &c->measured_unix) == 1) {
        } else if (sscanf(line, "measure_s %lf", &c->measure_s) == 1) {
        } else if (strncmp(line, "peak ", 5) == 0) {
            nnb_peak p;
            int fu;
            ok = sscanf(line, "peak %31s %lf %lf %lf %lf %d", name, &p.sp_fma, &p.sp_mix, &p.dp_fma, &p.dp_mix,
                        &fu) == 6;
            int i = 0;
            while (ok && i < NNB_RISA_COUNT && strcmp(name, nnb_risa_name((nnb_risa)i)) != 0) i++;
            if (ok && i < NNB_RISA_COUNT) {
                p.fused = fu != 0;
                c->peak[i] = p;
                npeak++;
            } else ok = 0;
        } else if (strncmp(line, "bw ", 3) == 0) {
            nnb_bw b;
            long long lo, hi, cap;
            int src;
            ok = sscanf(line, "bw %31s %lf %lf %lf %lld %lld %d %lld", name, &b.read_gbs, &b.triad_gbs,
                        &b.triad_wa_gbs, &lo, &hi, &src, &cap) == 8;
            int l = 0;
            while (ok && l < NNB_LVL_COUNT && strcmp(name, nnb_level_name((nnb_level)l)) != 0) l++;
            if (ok && l < NNB_LVL_COUNT && src >= 0 && src <= 2) {
                b.lo_bytes = lo;
                b.hi_bytes = hi;
                b.src = (nnb_bw_src)src;
                c->bw[l] = b;
                c->cap_bytes[l] = cap;
                nbw++;
            } else ok = 0;
        } else if (strncmp(line, "sweep ", 6) == 0) {
            long long b;
            double r, t;
            ok = sscanf(line, "sweep %lld %lf %lf", &b, &r, &t) == 3 && c->nsweep < NNB_SWEEP_MAX;
            if (ok) c->sweep[c->nsweep++] = (nnb_sweep_pt){b, r, t};
        } else if (strcmp(line, "end") == 0) {
            got_end = 1;
            break;
        } else {
            ok = 0;
        }
        if (!ok) {
            snprintf(err, errlen, "roofline: %s:%d: malformed line", path, lineno);
            fclose(f);
            return -1;
        }
    }
    fclose(f);
    if (!got_end || !got_key || npeak != NNB_RISA_COUNT || nbw != NNB_LVL_COUNT || c->threads < 1) {
        snprintf(err, errlen, "roofline: %s: incomplete ceilings file", path);
        return -1;
    }
    return 0;
}

static int mkdir_p(const char *dir)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", dir) >= (int)sizeof buf) return -1;
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST) return -1;
        *p = '/';
    }
    if (mkdir(buf, 0777) != 0 && errno != EEXIST) return -1;
    return 0;
}

int nnb_ceilings_get(int threads, bool refresh, nnb_ceilings *c, char *err, size_t errlen)
{
    if (threads < 1 || threads > 4096) {
        snprintf(err, errlen, "roofline: bad thread count %d (1..4096)", threads);
        return -1;
    }
    const char *dir = nnb_results_dir();
    char path[4096];
    if (nnb_ceil_cache_path(dir, threads, path, sizeof path) != 0) {
        snprintf(err, errlen, "roofline: results directory path too long");
        return -1;
    }
    if (!refresh) {
        char key[sizeof c->key], lerr[256];
        nnb_ceil_machine_key(key, sizeof key);
        int r = nnb_ceil_load(path, c, lerr, sizeof lerr);
        if (r == 0 && strcmp(c->key, key) == 0 && c->threads == threads) return 0;
        if (r < 0) fprintf(stderr, "nnbench: %s; measuring again\n", lerr);
    }
    nnb_ceil_opts o;
    nnb_ceil_opts_default(&o);
    if (nnb_ceilings_measure(threads, &o, c, err, errlen) != 0) return -1;
    char werr[512];
    if (mkdir_p(dir) != 0) fprintf(stderr, "nnbench: warning: cannot create %s: %s (ceilings not cached)\n", dir,
                                   strerror(errno));
    else if (nnb_ceil_save(path, c, werr, sizeof werr) != 0)
        fprintf(stderr, "nnbench: warning: %s (ceilings not cached)\n", werr);
    return 0;
}

/* ---- `nnbench roofline` ---- */

static void roofline_usage(FILE *f)
{
    fprintf(f, "usage: nnbench roofline [--threads N] [--refresh] [--plot FILE.svg] [--csv FILE]\n"
               "                        [--format table|json] [--quick]\n"
               "  Measures (or loads from %s) peak FLOP/s and bandwidth per memory level.\n"
               "  Without --threads: 1 thread and all cores. --refresh measures again;\n"
               "  --quick: reduced sweep, not cached (a smoke test, not a ceiling).\n",
            nnb_results_dir());
}

int nnb_roofline_main(int argc, char **argv)
{
    int threads = 0;
    bool refresh = false, json = false, quick = false;
    const char *plot = NULL, *csv = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = NULL;
        const char *opts_with_val[] = {"--threads", "--plot", "--csv", "--format"};
        for (size_t k = 0; k < sizeof opts_with_val / sizeof opts_with_val[0]; k++) {
            size_t L = strlen(opts_with_val[k]);
            if (strncmp(a, opts_with_val[k], L) == 0 && (a[L] == '\0' || a[L] == '=')) {
                if (a[L] == '=') val = a + L + 1;
                else if (i + 1 < argc) val = argv[++i];
                else {
                    fprintf(stderr, "nnbench roofline: %s needs a value\n", opts_with_val[k]);
                    return 2;
                }
                if (!*val) {
                    fprintf(stderr, "nnbench roofline: %s needs a non-empty value\n", opts_with_val[k]);
                    return 2;
                }
                a = opts_with_val[k];
                break;
            }
        }
        if (strcmp(a, "--threads") == 0) {
            char *end;
            errno = 0;
            long t = strtol(val, &end, 10);
            if (errno || *end || t < 1 || t > 4096) {
                fprintf(stderr, "nnbench roofline: bad --threads '%s' (an integer 1..4096)\n", val);
                return 2;
            }
            threads = (int)t;
        } else if (strcmp(a, "--plot") == 0) {
            plot = val;
        } else if (strcmp(a, "--csv") == 0) {
            csv = val;
        } else if (strcmp(a, "--format") == 0) {
            if (strcmp(val, "json") == 0) json = true;
            else if (strcmp(val, "table") == 0) json = false;
            else {
                fprintf(stderr, "nnbench roofline: bad --format '%s' (table or json)\n", val);
                return 2;
            }
        } else if (strcmp(a, "--refresh") == 0) {
            refresh = true;
        } else if (strcmp(a, "--quick") == 0) {
            quick = true;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            roofline_usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "nnbench roofline: unknown option '%s' (try --help)\n", argv[i]);
            return 2;
        }
    }
    const nnb_topo *t = nnb_topo_get();
    int counts[2], nc = 0;
    if (threads) counts[nc++] = threads;
    else {
        counts[nc++] = 1;
        if (t->cores > 1) counts[nc++] = t->cores;
    }
    nnb_ceilings *cs = calloc((size_t)nc, sizeof *cs);
    if (!cs) {
        fprintf(stderr, "nnbench roofline: out of memory\n");
        return 1;
    }
    char err[512];
    int rc = 0;
    for (int k = 0; k < nc && rc == 0; k++) {
        int r;
        if (quick) {
            nnb_ceil_opts o;
            nnb_ceil_opts_default(&o);
            o.quick = true;
            r = nnb_ceilings_measure(counts[k], &o, &cs[k], err, sizeof err);
        } else {
            r = nnb_ceilings_get(counts[k], refresh, &cs[k], err, sizeof err);
        }
        if (r != 0) {
            fprintf(stderr, "nnbench %s\n", err);
            rc = 1;
            break;
        }
        if (json) nnb_roofline_json_write(stdout, &cs[k], NULL, 0);
        else {
            if (k) putchar('\n');
            nnb_ceilings_print(stdout, &cs[k]);
        }
    }
    const nnb_ceilings *pc = &cs[nc - 1]; /* the picture: the last (all cores) */
    if (rc == 0 && plot) {
        char title[96];
        snprintf(title, sizeof title, "Roofline, %d thread%s", pc->threads, pc->threads == 1 ? "" : "s");
        if (nnb_roofline_svg(plot, pc, NULL, 0, title, err, sizeof err) != 0) {
            fprintf(stderr, "nnbench %s\n", err);
            rc = 2;
        }
    }
    if (rc == 0 && csv && nnb_roofline_csv(csv, pc, NULL, 0, err, sizeof err) != 0) {
        fprintf(stderr, "nnbench %s\n", err);
        rc = 2;
    }
    free(cs);
    return rc;
}
