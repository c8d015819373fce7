/* The ceilings cache file (see cache.h). Format, one item per line:
 *   # comment
 *   key <machine key>      threads N      measured_unix T      measure_s S
 *   binding <cores>
 *   peak <isa> sp_fma sp_mix dp_fma dp_mix fused
 *   bw <level> read triad triad_wa lo_bytes hi_bytes src capacity_bytes
 *   sweep bytes read triad
 *   end */
#include "roofline/cache.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "machine/identity.h"
#include "machine/isa.h"
#include "machine/topo.h"
#include "roofline/file.h"
#include "roofline/measure.h"
#include "util/cache_dir.h"
#include "util/util.h"

int nnb_ceil_cache_path(int threads, char *buf, size_t len)
{
    char dir[4096], key[sizeof((nnb_ceilings *)0)->key];
    if (nnb_cache_dir(dir, sizeof dir) != 0) return -1;
    nnb_ceilings_key(key, sizeof key);
    int w = snprintf(buf, len, "%s/ceilings-%016llx-%dt.txt", dir, (unsigned long long)nnb_fnv1a64(key), threads);
    return (w < 0 || (size_t)w >= len) ? -1 : 0;
}

static void write_ceilings(FILE *f, const nnb_ceilings *c)
{
    fprintf(f, "# nnbench ceilings v1 (GFLOP/s, GB/s, bytes); written by nnbench roofline\n");
    fprintf(f, "key %s\n", c->key);
    fprintf(f, "threads %d\nmeasured_unix %lld\nmeasure_s %.3f\n", c->threads, c->measured_unix, c->measure_s);
    fprintf(f, "binding %s\n", c->binding[0] ? c->binding : "-");
    for (int i = 0; i < NNB_ISA_COUNT; i++) {
        const nnb_peak *p = &c->peak[i];
        fprintf(f, "peak %s %.10g %.10g %.10g %.10g %d\n", nnb_isa_name((nnb_isa)i), p->sp_fma, p->sp_mix,
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
}

static void write_cb(FILE *f, const void *c) { write_ceilings(f, c); }

int nnb_ceil_save(const char *path, const nnb_ceilings *c, char *err, size_t errlen)
{
    return nnb_roof_write_file(path, write_cb, c, err, errlen);
}

/* What a file has shown so far: it is complete only with all of these. */
typedef struct load_state {
    bool got_key, got_end;
    int npeak, nbw;
} load_state;

static bool parse_peak(const char *line, nnb_ceilings *c, load_state *st)
{
    char name[32];
    nnb_peak p;
    int fused;
    if (sscanf(line, "peak %31s %lf %lf %lf %lf %d", name, &p.sp_fma, &p.sp_mix, &p.dp_fma, &p.dp_mix, &fused) != 6)
        return false;
    for (int i = 0; i < NNB_ISA_COUNT; i++)
        if (strcmp(name, nnb_isa_name((nnb_isa)i)) == 0) {
            p.fused = fused != 0;
            c->peak[i] = p;
            st->npeak++;
            return true;
        }
    return false;
}

static bool parse_bw(const char *line, nnb_ceilings *c, load_state *st)
{
    char name[32];
    nnb_bw b;
    long long lo, hi, cap;
    int src;
    if (sscanf(line, "bw %31s %lf %lf %lf %lld %lld %d %lld", name, &b.read_gbs, &b.triad_gbs, &b.triad_wa_gbs,
               &lo, &hi, &src, &cap) != 8 || src < 0 || src > 2)
        return false;
    for (int l = 0; l < NNB_LVL_COUNT; l++)
        if (strcmp(name, nnb_level_name((nnb_level)l)) == 0) {
            b.lo_bytes = lo;
            b.hi_bytes = hi;
            b.src = (nnb_bw_src)src;
            c->bw[l] = b;
            c->cap_bytes[l] = cap;
            st->nbw++;
            return true;
        }
    return false;
}

/* One non-comment line into c; false when malformed. */
static bool parse_line(const char *line, nnb_ceilings *c, load_state *st)
{
    if (strncmp(line, "key ", 4) == 0) {
        snprintf(c->key, sizeof c->key, "%.*s", (int)sizeof c->key - 1, line + 4);
        st->got_key = true;
        return true;
    }
    if (strncmp(line, "binding ", 8) == 0) {
        snprintf(c->binding, sizeof c->binding, "%.*s", (int)sizeof c->binding - 1, line + 8);
        return true;
    }
    if (sscanf(line, "threads %d", &c->threads) == 1) return true;
    if (sscanf(line, "measured_unix %lld", &c->measured_unix) == 1) return true;
    if (sscanf(line, "measure_s %lf", &c->measure_s) == 1) return true;
    if (strncmp(line, "peak ", 5) == 0) return parse_peak(line, c, st);
    if (strncmp(line, "bw ", 3) == 0) return parse_bw(line, c, st);
    if (strncmp(line, "sweep ", 6) == 0) {
        long long b;
        double r, t;
        if (sscanf(line, "sweep %lld %lf %lf", &b, &r, &t) != 3 || c->nsweep >= NNB_SWEEP_MAX) return false;
        c->sweep[c->nsweep++] = (nnb_sweep_pt){b, r, t};
        return true;
    }
    if (strcmp(line, "end") == 0) {
        st->got_end = true;
        return true;
    }
    return false;
}

int nnb_ceil_load(const char *path, nnb_ceilings *c, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT) return 1;
        return nnb_errf(err, errlen, "roofline: cannot read %s: %s", path, strerror(errno));
    }
    memset(c, 0, sizeof *c);
    char line[2048];
    int lineno = 0;
    load_state st = {0};
    while (!st.got_end && fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0] || line[0] == '#') continue;
        if (!parse_line(line, c, &st)) {
            fclose(f);
            return nnb_errf(err, errlen, "roofline: %s:%d: malformed line", path, lineno);
        }
    }
    fclose(f);
    if (!st.got_end || !st.got_key || st.npeak != NNB_ISA_COUNT || st.nbw != NNB_LVL_COUNT || c->threads < 1)
        return nnb_errf(err, errlen, "roofline: %s: incomplete ceilings file", path);
    return 0;
}

/* The cache file for threads, created with its directory. 0 or -1 with err. */
static int cache_file(int threads, bool create_dir, char *path, size_t len, char *err, size_t errlen)
{
    char dir[4096];
    if (nnb_cache_dir(dir, sizeof dir) != 0 || nnb_ceil_cache_path(threads, path, len) != 0)
        return nnb_errf(err, errlen, "roofline: no cache directory (set XDG_CACHE_HOME or HOME to an absolute path)");
    if (create_dir && nnb_mkdir_p(dir) != 0)
        return nnb_errf(err, errlen, "roofline: cannot create %s: %s", dir, strerror(errno));
    return 0;
}

int nnb_ceilings_cached(int threads, nnb_ceilings *c, char *err, size_t errlen)
{
    char path[4096], key[sizeof c->key];
    if (cache_file(threads, false, path, sizeof path, err, errlen) != 0) return -1;
    int r = nnb_ceil_load(path, c, err, errlen);
    if (r != 0) return r;
    nnb_ceilings_key(key, sizeof key);
    if (strcmp(c->key, key) != 0 || c->threads != threads) return 1; /* a hash collision: not ours */
    return 0;
}

/* Writes c to the cache (warning on stderr when it cannot). */
static void cache_store(const nnb_ceilings *c)
{
    char path[4096], werr[512];
    if (cache_file(c->threads, true, path, sizeof path, werr, sizeof werr) != 0 ||
        nnb_ceil_save(path, c, werr, sizeof werr) != 0)
        fprintf(stderr, "nnbench: warning: %s (ceilings not cached)\n", werr);
}

/* A level's read bandwidth may not exceed the level above it's (L1 >= L2
 * >= L3 >= DRAM) by more than the sweep's resolution (10%); N threads'
 * peak may not be below one thread's (when cached). */
bool nnb_ceil_check(const nnb_ceilings *c, char *why, size_t len)
{
    if (len) why[0] = 0;
    const nnb_bw *prev = NULL;
    int prev_l = 0;
    for (int l = 0; l < NNB_LVL_COUNT; l++) {
        const nnb_bw *b = &c->bw[l];
        if (b->src == NNB_BW_NONE || !(b->read_gbs > 0)) continue;
        if (prev && b->read_gbs > 1.10 * prev->read_gbs) {
            snprintf(why, len, "%s read %.1f GB/s faster than %s %.1f GB/s", nnb_level_name((nnb_level)l), b->read_gbs,
                     nnb_level_name((nnb_level)prev_l), prev->read_gbs);
            return false;
        }
        prev = b;
        prev_l = l;
    }
    nnb_ceilings one;
    char e[512];
    if (c->threads > 1 && nnb_ceilings_cached(1, &one, e, sizeof e) == 0)
        for (int i = 0; i < NNB_ISA_COUNT; i++)
            if (c->peak[i].sp_fma > 0 && c->peak[i].sp_fma < 0.9 * one.peak[i].sp_fma) {
                snprintf(why, len, "%s peak %.1f GFLOP/s at %d threads, below 1 thread's %.1f",
                         nnb_isa_name((nnb_isa)i), c->peak[i].sp_fma, c->threads, one.peak[i].sp_fma);
                return false;
            }
    return true;
}

int nnb_ceilings_get(int threads, bool refresh, nnb_ceilings *c, char *err, size_t errlen)
{
    if (threads < 1 || threads > 4096) return nnb_errf(err, errlen, "roofline: bad thread count %d (1..4096)", threads);
    if (!refresh) {
        char lerr[512];
        int r = nnb_ceilings_cached(threads, c, lerr, sizeof lerr);
        if (r == 0) return 0;
        if (r < 0) fprintf(stderr, "nnbench: %s; measuring again\n", lerr);
    }
    nnb_ceil_opts o;
    nnb_ceil_opts_default(&o);
    /* doubtful ceilings (measured while disturbed, inconsistent) are
     * measured once more after a pause, and never cached */
    for (int attempt = 1; attempt <= 2; attempt++) {
        if (nnb_ceilings_measure(threads, &o, c, err, errlen) != 0) return -1;
        if (!c->doubt[0]) nnb_ceil_check(c, c->doubt, sizeof c->doubt);
        if (!c->doubt[0]) {
            cache_store(c);
            return 0;
        }
        fprintf(stderr, "nnbench: roofline ceilings for %d thread%s doubtful: %s; %s\n", threads,
                threads == 1 ? "" : "s", c->doubt, attempt == 1 ? "measuring again" : "not cached");
        if (attempt == 1) sleep(1);
    }
    return 0;
}

int nnb_ceilings_for_run(int threads, nnb_ceilings *c, char *err, size_t errlen)
{
    char lerr[512];
    int cores = nnb_topo_get()->cores;
    if (cores > 0 && threads > cores)
        return nnb_errf(err, errlen, "no roofline ceilings for %d threads on %d cores (more threads than cores: "
                        "they would measure the oversubscription)", threads, cores);
    int r = nnb_ceilings_cached(threads, c, lerr, sizeof lerr);
    if (r == 0 && !nnb_ceil_check(c, c->doubt, sizeof c->doubt))
        fprintf(stderr, "nnbench: roofline ceilings cached for %d thread%s are doubtful: %s (nnbench roofline "
                        "--refresh measures them again)\n", threads, threads == 1 ? "" : "s", c->doubt);
    if (r == 0) return 0;
    if (r < 0) fprintf(stderr, "nnbench: %s\n", lerr);
    char dir[4096];
    if (nnb_cache_dir(dir, sizeof dir) != 0) snprintf(dir, sizeof dir, "(none)");
    fprintf(stderr, "nnbench: no roofline ceilings cached for %d thread%s on this machine: measuring them once "
                    "(10-30 s) into %s; --no-roofline skips this\n", threads, threads == 1 ? "" : "s", dir);
    return nnb_ceilings_get(threads, true, c, err, errlen);
}

int nnb_ceilings_import(const char *file, nnb_ceilings *c, char *err, size_t errlen)
{
    int r = nnb_ceil_load(file, c, err, errlen);
    if (r == 1) return nnb_errf(err, errlen, "roofline: %s: no such file", file);
    if (r != 0) return -1;
    char key[sizeof c->key];
    nnb_ceilings_key(key, sizeof key);
    if (strcmp(c->key, key) != 0) {
        fprintf(stderr, "nnbench: importing ceilings measured on \"%s\" as this machine's\n", c->key);
        nnb_copy_str(c->key, sizeof c->key, key);
    }
    char path[4096];
    if (cache_file(c->threads, true, path, sizeof path, err, errlen) != 0) return -1;
    if (nnb_ceil_save(path, c, err, errlen) != 0) return -1;
    fprintf(stderr, "nnbench: ceilings for %d thread%s cached in %s\n", c->threads, c->threads == 1 ? "" : "s", path);
    return 0;
}
