/* Roofline and topology: plateau detection on synthetic sweeps (with noise),
 * placement math on synthetic ceilings, the ceilings cache round-trip, SVG /
 * CSV / JSON output (well-formedness, escaping, whole-or-nothing), ceiling
 * sanity on this machine (quick), topology and the CLI's refusals.
 *
 *   test_roofline              run the tests
 *   test_roofline --svg FILE   only write a synthetic roofline to FILE (and
 *                              FILE.json); tests/test_roofline_svg.py parses it */
#include "nnb_test.h"
#include "cmd/cmd_roofline.h"
#include "cmd/cmd_topo.h"
#include "machine/identity.h"
#include "machine/isa.h"
#include "machine/topo.h"
#include "roofline/roofline.h"
#include "roofline/sweep.h"
#include "util/cache_dir.h"
#include "util/util.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char g_tmp[256];

/* deterministic noise in [-amp, amp] */
static uint64_t g_rng = 0x9E3779B97F4A7C15ull;
static double noise(double amp)
{
    g_rng = g_rng * 6364136223846793005ull + 1442695040888963407ull;
    double u = (double)(g_rng >> 11) / 9007199254740992.0; /* [0,1) */
    return (2 * u - 1) * amp;
}

/* A sweep like a real machine's: L1 48K @500, L2 1M @200, L3 32M @100,
 * DRAM @40, smooth transitions over about a doubling past each capacity. */
static const double TRUE_BW[4] = {500, 200, 100, 40};
static const int64_t CAPS[4] = {48 << 10, 1 << 20, 32 << 20, 0};

static double synth_bw(double bytes)
{
    double lg = log2(bytes);
    double v = log(TRUE_BW[0]);
    for (int l = 0; l < 3; l++) {
        double edge = log2((double)CAPS[l]) + 0.4;      /* drop just past capacity */
        double s = 1.0 / (1.0 + exp(-(lg - edge) * 5)); /* ~1 octave wide */
        v += s * (log(TRUE_BW[l + 1]) - log(TRUE_BW[l]));
    }
    return exp(v);
}

static int make_sweep(int64_t *b, double *g, double amp, int per_octave)
{
    int n = 0;
    for (double x = 8192; x <= 256.0 * (1 << 20) + 1 && n < NNB_SWEEP_MAX; x *= pow(2.0, 1.0 / per_octave)) {
        b[n] = (int64_t)llround(x);
        g[n] = synth_bw(x) * (1 + noise(amp));
        n++;
    }
    return n;
}

static void test_plateaus(void)
{
    int64_t b[NNB_SWEEP_MAX];
    double g[NNB_SWEEP_MAX];
    for (int trial = 0; trial < 3; trial++) {
        double amp = trial == 0 ? 0.0 : 0.05;
        int n = make_sweep(b, g, amp, 3);
        if (trial == 2) {
            /* one interference outlier inside the L3 plateau */
            for (int i = 0; i < n; i++)
                if (b[i] > (4 << 20)) {
                    g[i] *= 0.5;
                    break;
                }
        }
        nnb_plateau p[16];
        int lv[16];
        int np = nnb_plateaus_detect(b, g, n, 0.12, 2, p, 16);
        CHECK(np >= 4);
        if (np < 4) {
            fprintf(stderr, "trial %d: %d plateaus\n", trial, np);
            continue;
        }
        nnb_plateaus_assign(b, p, np, CAPS, lv);
        int found[4] = {-1, -1, -1, -1};
        for (int i = 0; i < np; i++)
            if (lv[i] >= 0) found[lv[i]] = i;
        for (int l = 0; l < 4; l++) {
            CHECK(found[l] >= 0);
            if (found[l] < 0) continue;
            const nnb_plateau *q = &p[found[l]];
            CHECK_NEAR(q->gbs / TRUE_BW[l], 1.0, 0.06);
            /* the plateau sits inside its level */
            if (l < 3) CHECK(b[q->first] <= CAPS[l]);
            if (l > 0) CHECK(b[q->last] > CAPS[l - 1]);
            CHECK(q->last - q->first + 1 >= 3);
        }
    }
    /* bad input */
    int64_t bb[3] = {100, 50, 200};
    double gg[3] = {1, 1, 1};
    nnb_plateau p[4];
    CHECK_EQ_I64(nnb_plateaus_detect(bb, gg, 3, 0.1, 2, p, 4), -1);
    int64_t bc[3] = {100, 200, 300};
    double gz[3] = {1, 0, 1};
    CHECK_EQ_I64(nnb_plateaus_detect(bc, gz, 3, 0.1, 2, p, 4), -1);
    CHECK_EQ_I64(nnb_plateaus_detect(bc, gg, 3, 0.0, 2, p, 4), -1);
    CHECK_EQ_I64(nnb_plateaus_detect(bc, gg, 0, 0.1, 2, p, 4), 0);
    /* flat line: one plateau spanning everything */
    double flat[3] = {10, 10.5, 9.8};
    CHECK_EQ_I64(nnb_plateaus_detect(bc, flat, 3, 0.1, 2, p, 4), 1);
    CHECK_EQ_I64(p[0].first, 0);
    CHECK_EQ_I64(p[0].last, 2);
    CHECK_NEAR(p[0].gbs, 10, 1e-12);
}

/* The DRAM end of the sweep (nnb_ceil_sweep_top): past the DRAM range's
 * start (NNB_DRAM_LLC_FACTOR x LLC) whatever the LLC, bounded by the cap
 * otherwise, never past a quarter of the memory; the analysis takes its
 * DRAM points from where the sweep is sure to reach. */
static void test_sweep_top(void)
{
    const int64_t mib = (int64_t)1 << 20;
    const int64_t llcs[] = {0, 1 * mib, 8 * mib, 32 * mib, 100 * mib, 260 * mib, 640 * mib};
    for (size_t i = 0; i < sizeof llcs / sizeof llcs[0]; i++) {
        int64_t llc = llcs[i], top = nnb_ceil_sweep_top(llc, 0);
        CHECK(top >= NNB_DRAM_LLC_FACTOR * llc);
        CHECK(top >= NNB_DRAM_SWEEP_MIN_BYTES);
        int64_t want = NNB_DRAM_SWEEP_LLC_FACTOR * llc;
        if (want > NNB_DRAM_SWEEP_CAP_BYTES) want = NNB_DRAM_SWEEP_CAP_BYTES;
        if (want < NNB_DRAM_LLC_FACTOR * llc) want = NNB_DRAM_LLC_FACTOR * llc;
        if (want < NNB_DRAM_SWEEP_MIN_BYTES) want = NNB_DRAM_SWEEP_MIN_BYTES;
        CHECK_EQ_I64(top, want);
        /* a quarter of the memory bounds it */
        CHECK_EQ_I64(nnb_ceil_sweep_top(llc, 256 * mib), 64 * mib);
    }
    CHECK_EQ_I64(nnb_ceil_sweep_top(32 * mib, 0), 256 * mib);  /* 8 x LLC */
    CHECK_EQ_I64(nnb_ceil_sweep_top(260 * mib, 0), 1040 * mib); /* the cap, raised to 4 x LLC */
    CHECK_EQ_I64(nnb_ceil_sweep_top(200 * mib, 0), NNB_DRAM_SWEEP_CAP_BYTES); /* 8 x LLC capped */

    /* a sweep that ends at the top names its last points DRAM */
    nnb_ceilings c;
    memset(&c, 0, sizeof c);
    c.cap_bytes[NNB_LVL_L1] = 48 << 10;
    c.cap_bytes[NNB_LVL_L2] = 2 * mib;
    c.cap_bytes[NNB_LVL_L3] = 260 * mib;
    const int64_t top = nnb_ceil_sweep_top(c.cap_bytes[NNB_LVL_L3], 0);
    for (int64_t b = 8192; b < top && c.nsweep < NNB_SWEEP_MAX - 1; b *= 2) {
        double g = b <= c.cap_bytes[0] ? 400 : b <= c.cap_bytes[1] ? 160 : b <= 100 * mib ? 30 : 9;
        c.sweep[c.nsweep++] = (nnb_sweep_pt){b, g, g * 0.9};
    }
    c.sweep[c.nsweep++] = (nnb_sweep_pt){top, 9.5, 8.5};
    nnb_ceil_analyze_sweep(&c);
    CHECK_NEAR(c.bw[NNB_LVL_DRAM].read_gbs, 9.5, 1e-12); /* the best point at or past 4 x LLC */
    CHECK(c.bw[NNB_LVL_DRAM].read_gbs < c.bw[NNB_LVL_L3].read_gbs);
}

static void synth_ceilings(nnb_ceilings *c)
{
    memset(c, 0, sizeof *c);
    nnb_ceilings_key(c->key, sizeof c->key);
    c->threads = 1;
    c->measured_unix = 1234567890;
    c->measure_s = 12.5;
    snprintf(c->binding, sizeof c->binding, "core 0");
    c->peak[NNB_ISA_SCALAR] = (nnb_peak){6.25, 9.5, 6.25, 9.5, true};
    c->peak[NNB_ISA_SSE] = (nnb_peak){25, 37.5, 12.5, 18.75, true};
    c->peak[NNB_ISA_AVX2] = (nnb_peak){50, 75, 25, 37.5, true};
    c->peak[NNB_ISA_AVX512] = (nnb_peak){100, 150, 50, 75, true};
    double bw[4] = {100, 50, 25, 10};
    int64_t cap[4] = {48 << 10, 1 << 20, 32 << 20, 0};
    for (int l = 0; l < 4; l++) {
        c->bw[l] = (nnb_bw){bw[l] * 0.9, bw[l], bw[l] * 16 / 12, cap[l] / 8 + 1, cap[l] / 2 + 1, NNB_BW_PLATEAU};
        c->cap_bytes[l] = cap[l];
    }
    c->nsweep = 3;
    c->sweep[0] = (nnb_sweep_pt){8192, 90, 100};
    c->sweep[1] = (nnb_sweep_pt){1 << 20, 45, 50};
    c->sweep[2] = (nnb_sweep_pt){1 << 28, 9, 10};
}

static void test_place(void)
{
    nnb_ceilings c;
    synth_ceilings(&c);
    CHECK_NEAR(nnb_ceil_peak(&c), 100, 0);
    CHECK_NEAR(nnb_ceil_bw(&c, NNB_LVL_DRAM), 10, 0);
    nnb_roof_place p;
    CHECK_EQ_I64(nnb_roofline_place(&c, 2.0, 10.0, &p), 0);
    CHECK_STR(p.bound, "memory:DRAM");
    CHECK_NEAR(p.attainable_gflops, 20, 1e-12);
    CHECK_NEAR(p.efficiency, 0.5, 1e-12);
    CHECK_NEAR(p.ridge_ai, 10, 1e-12);
    CHECK_NEAR(p.peak_gflops, 100, 0);
    CHECK_NEAR(p.bw_gbs, 10, 0);
    CHECK_EQ_I64(nnb_roofline_place(&c, 20.0, 80.0, &p), 0);
    CHECK_STR(p.bound, "compute");
    CHECK_NEAR(p.attainable_gflops, 100, 1e-12);
    CHECK_NEAR(p.efficiency, 0.8, 1e-12);
    /* exactly at the ridge: attainable = peak, compute */
    CHECK_EQ_I64(nnb_roofline_place(&c, 10.0, 100.0, &p), 0);
    CHECK_STR(p.bound, "compute");
    CHECK_NEAR(p.efficiency, 1.0, 1e-12);
    /* working set in L1 (100 GB/s): ridge 1 */
    CHECK_EQ_I64(nnb_roofline_place_ws(&c, 0.5, 25.0, 16 << 10, &p), 0);
    CHECK_STR(p.bound, "memory:L1");
    CHECK_NEAR(p.attainable_gflops, 50, 1e-12);
    CHECK_NEAR(p.efficiency, 0.5, 1e-12);
    CHECK_EQ_I64(nnb_roofline_place_ws(&c, 1.0, 25.0, 512 << 10, &p), 0);
    CHECK_STR(p.bound, "memory:L2");
    CHECK_NEAR(p.attainable_gflops, 50, 1e-12);
    CHECK_EQ_I64(nnb_roofline_place_ws(&c, 1.0, 5.0, 8 << 20, &p), 0);
    CHECK_STR(p.bound, "memory:L3");
    CHECK_NEAR(p.attainable_gflops, 25, 1e-12);
    CHECK_NEAR(p.efficiency, 0.2, 1e-12);
    CHECK_EQ_I64(nnb_roofline_place_ws(&c, 1.0, 5.0, (int64_t)1 << 30, &p), 0);
    CHECK_STR(p.bound, "memory:DRAM");
    CHECK_EQ_I64(nnb_ceil_level_for(&c, 48 << 10), NNB_LVL_L1);
    CHECK_EQ_I64(nnb_ceil_level_for(&c, (48 << 10) + 1), NNB_LVL_L2);
    CHECK_EQ_I64(nnb_ceil_level_for(&c, 0), NNB_LVL_DRAM);
    /* not attained yet: efficiency 0 */
    CHECK_EQ_I64(nnb_roofline_place(&c, 1.0, 0.0, &p), 0);
    CHECK_NEAR(p.efficiency, 0, 0);
    /* bad input */
    CHECK_EQ_I64(nnb_roofline_place(&c, 0.0, 1.0, &p), -1);
    CHECK_EQ_I64(nnb_roofline_place(&c, -1.0, 1.0, &p), -1);
    CHECK_EQ_I64(nnb_roofline_place(&c, NAN, 1.0, &p), -1);
    CHECK_EQ_I64(nnb_roofline_place(&c, INFINITY, 1.0, &p), -1);
    nnb_ceilings empty;
    memset(&empty, 0, sizeof empty);
    CHECK_EQ_I64(nnb_roofline_place(&empty, 1.0, 1.0, &p), -1);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
        free(s);
        s = NULL;
    }
    if (s) s[n] = '\0';
    fclose(f);
    return s;
}

static void test_cache(void)
{
    nnb_ceilings c, d;
    synth_ceilings(&c);
    char path[512], err[512];
    snprintf(path, sizeof path, "%s/ceil.txt", g_tmp);
    CHECK_EQ_I64(nnb_ceil_save(path, &c, err, sizeof err), 0);
    CHECK_EQ_I64(nnb_ceil_load(path, &d, err, sizeof err), 0);
    CHECK_STR(d.key, c.key);
    CHECK_STR(d.binding, c.binding);
    CHECK_EQ_I64(d.threads, 1);
    CHECK_EQ_I64(d.measured_unix, 1234567890);
    CHECK_NEAR(d.measure_s, 12.5, 1e-9);
    for (int i = 0; i < NNB_ISA_COUNT; i++) {
        CHECK_NEAR(d.peak[i].sp_fma, c.peak[i].sp_fma, 1e-9);
        CHECK_NEAR(d.peak[i].sp_mix, c.peak[i].sp_mix, 1e-9);
        CHECK_NEAR(d.peak[i].dp_fma, c.peak[i].dp_fma, 1e-9);
        CHECK_NEAR(d.peak[i].dp_mix, c.peak[i].dp_mix, 1e-9);
        CHECK(d.peak[i].fused == c.peak[i].fused);
    }
    for (int l = 0; l < NNB_LVL_COUNT; l++) {
        CHECK_NEAR(d.bw[l].read_gbs, c.bw[l].read_gbs, 1e-4);
        CHECK_NEAR(d.bw[l].triad_gbs, c.bw[l].triad_gbs, 1e-4);
        CHECK_NEAR(d.bw[l].triad_wa_gbs, c.bw[l].triad_wa_gbs, 1e-4);
        CHECK_EQ_I64(d.bw[l].lo_bytes, c.bw[l].lo_bytes);
        CHECK_EQ_I64(d.bw[l].hi_bytes, c.bw[l].hi_bytes);
        CHECK_EQ_I64(d.bw[l].src, c.bw[l].src);
        CHECK_EQ_I64(d.cap_bytes[l], c.cap_bytes[l]);
    }
    CHECK_EQ_I64(d.nsweep, 3);
    CHECK_EQ_I64(d.sweep[2].bytes, 1 << 28);
    CHECK_NEAR(d.sweep[1].read_gbs, 45, 1e-9);
    /* no temp file left behind */
    char tmpf[600];
    snprintf(tmpf, sizeof tmpf, "%s.tmp.%ld", path, (long)getpid());
    CHECK(access(tmpf, F_OK) != 0);

    /* absent, malformed, truncated */
    char p2[512];
    snprintf(p2, sizeof p2, "%s/nothing.txt", g_tmp);
    CHECK_EQ_I64(nnb_ceil_load(p2, &d, err, sizeof err), 1);
    FILE *f = fopen(p2, "w");
    fprintf(f, "key x\nthreads 1\npeak avx9000 1 2 3 4 1\nend\n");
    fclose(f);
    err[0] = '\0';
    CHECK_EQ_I64(nnb_ceil_load(p2, &d, err, sizeof err), -1);
    CHECK(strstr(err, ":3: malformed") != NULL);
    char *text = slurp(path);
    CHECK(text != NULL);
    if (text) {
        char *end = strstr(text, "\nend\n");
        if (end) end[1] = '\0'; /* cut the end marker: a torn file */
        f = fopen(p2, "w");
        fputs(text, f);
        fclose(f);
        free(text);
        CHECK_EQ_I64(nnb_ceil_load(p2, &d, err, sizeof err), -1);
        CHECK(strstr(err, "incomplete") != NULL);
    }
    /* unwritable destination: error, nothing written */
    char p3[600];
    snprintf(p3, sizeof p3, "%s/no/such/dir/c.txt", g_tmp);
    CHECK_EQ_I64(nnb_ceil_save(p3, &c, err, sizeof err), -1);
    CHECK(strstr(err, "cannot write") != NULL);

    /* the cache lives under $XDG_CACHE_HOME/nnbench (else ~/.cache/nnbench),
     * one file per machine identity (hash in the name, key inside) and
     * thread count; nnb_ceilings_get reuses a file whose key matches (no
     * measuring: the synthetic timestamp comes back) */
    char dir[600], expect[700], cp[900], home[600];
    nnb_copy_str(home, sizeof home, getenv("HOME") ? getenv("HOME") : "");
    setenv("XDG_CACHE_HOME", "relative/dir", 1); /* not absolute: ignored (XDG spec) */
    setenv("HOME", g_tmp, 1);
    CHECK_EQ_I64(nnb_cache_dir(dir, sizeof dir), 0);
    snprintf(expect, sizeof expect, "%s/.cache/nnbench", g_tmp);
    CHECK_STR(dir, expect);
    setenv("XDG_CACHE_HOME", g_tmp, 1);
    CHECK_EQ_I64(nnb_cache_dir(dir, sizeof dir), 0);
    snprintf(expect, sizeof expect, "%s/nnbench", g_tmp);
    CHECK_STR(dir, expect);
    CHECK_EQ_I64(nnb_ceil_cache_path(1, cp, sizeof cp), 0);
    CHECK(strncmp(cp, expect, strlen(expect)) == 0);
    CHECK(strstr(cp, "/ceilings-") != NULL && strstr(cp, "-1t.txt") != NULL);
    CHECK_EQ_I64(strlen(cp), strlen(expect) + strlen("/ceilings-") + 16 + strlen("-1t.txt")); /* 16 hex digits */
    /* the whole identity is in the key: host, CPU, caches, memory, OS */
    CHECK(strstr(c.key, "|caches L1") != NULL && strstr(c.key, "|memory ") != NULL && strstr(c.key, "|os ") != NULL);
    CHECK_EQ_I64(nnb_ceilings_cached(1, &d, err, sizeof err), 1); /* nothing cached yet */
    mkdir(expect, 0700);
    CHECK_EQ_I64(nnb_ceil_save(cp, &c, err, sizeof err), 0);
    memset(&d, 0, sizeof d);
    CHECK_EQ_I64(nnb_ceilings_get(1, false, &d, err, sizeof err), 0);
    CHECK_EQ_I64(d.measured_unix, 1234567890);
    CHECK_NEAR(nnb_ceil_peak(&d), 100, 1e-9);
    CHECK_EQ_I64(nnb_ceilings_get(0, false, &d, err, sizeof err), -1);
    /* a file at this name whose key is another machine's is not ours */
    nnb_ceilings other = c;
    snprintf(other.key, sizeof other.key, "another|machine");
    CHECK_EQ_I64(nnb_ceil_save(cp, &other, err, sizeof err), 0);
    CHECK_EQ_I64(nnb_ceilings_cached(1, &d, err, sizeof err), 1);
    /* import: another machine's file stored as this machine's */
    char imp[700];
    snprintf(imp, sizeof imp, "%s/import.txt", g_tmp);
    other.measured_unix = 42;
    CHECK_EQ_I64(nnb_ceil_save(imp, &other, err, sizeof err), 0);
    CHECK_EQ_I64(nnb_ceilings_import(imp, &d, err, sizeof err), 0);
    CHECK_EQ_I64(nnb_ceilings_cached(1, &d, err, sizeof err), 0);
    CHECK_EQ_I64(d.measured_unix, 42);
    CHECK_STR(d.key, c.key);
    unsetenv("XDG_CACHE_HOME");
    setenv("HOME", home, 1);
}

/* Minimal XML well-formedness: balanced tags, quoted attributes, entities
 * only &amp; &lt; &gt; &quot; &apos;, comments and the declaration. */
static int xml_check(const char *s, char *why, size_t wl)
{
    char stack[64][32];
    int depth = 0, roots = 0;
    const char *p = s;
    if (strncmp(p, "<?xml", 5) != 0) return snprintf(why, wl, "no declaration"), -1;
    p = strstr(p, "?>");
    if (!p) return snprintf(why, wl, "bad declaration"), -1;
    p += 2;
    while (*p) {
        if (*p == '<') {
            if (strncmp(p, "<!--", 4) == 0) {
                const char *e = strstr(p + 4, "-->");
                if (!e) return snprintf(why, wl, "open comment"), -1;
                for (const char *q = p + 4; q < e; q++)
                    if (q[0] == '-' && q[1] == '-') return snprintf(why, wl, "-- in comment"), -1;
                p = e + 3;
                continue;
            }
            bool close = p[1] == '/';
            const char *nm = p + (close ? 2 : 1);
            size_t nl = strcspn(nm, " \t\n/>");
            if (nl == 0 || nl >= 32) return snprintf(why, wl, "bad tag name"), -1;
            const char *q = nm + nl;
            /* attributes */
            bool selfc = false;
            while (*q && *q != '>') {
                if (*q == '"' ) {
                    const char *e = strchr(q + 1, '"');
                    if (!e) return snprintf(why, wl, "open attribute"), -1;
                    for (const char *r = q + 1; r < e; r++)
                        if (*r == '<') return snprintf(why, wl, "< in attribute"), -1;
                    q = e + 1;
                    continue;
                }
                if (*q == '/' && q[1] == '>') selfc = true;
                q++;
            }
            if (!*q) return snprintf(why, wl, "open tag"), -1;
            if (close) {
                if (depth == 0 || strncmp(stack[depth - 1], nm, nl) != 0 || stack[depth - 1][nl])
                    return snprintf(why, wl, "mismatched </%.*s>", (int)nl, nm), -1;
                depth--;
            } else if (!selfc) {
                if (depth == 0) roots++;
                if (depth >= 64) return snprintf(why, wl, "too deep"), -1;
                memcpy(stack[depth], nm, nl);
                stack[depth][nl] = '\0';
                depth++;
            } else if (depth == 0) {
                roots++;
            }
            p = q + 1;
        } else if (*p == '&') {
            static const char *ents[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
            bool ok = false;
            for (int i = 0; i < 5; i++)
                if (strncmp(p, ents[i], strlen(ents[i])) == 0) ok = true;
            if (!ok) return snprintf(why, wl, "bare &"), -1;
            p++;
        } else if (*p == '>' ) {
            return snprintf(why, wl, "bare >"), -1;
        } else {
            if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t' && *p != '\r')
                return snprintf(why, wl, "control character"), -1;
            p++;
        }
    }
    if (depth) return snprintf(why, wl, "unclosed <%s>", stack[depth - 1]), -1;
    if (roots != 1) return snprintf(why, wl, "%d root elements", roots), -1;
    return 0;
}

static const nnb_roof_point PTS[] = {
    {.label = "direct <conv3x3> & \"friends\" 'q'", .ai = 12.5, .ai_measured = 9.0, .gflops = 60.0, .ai_l1 = 3.0,
     .ai_l2 = 6.0, .gflops_lo = 50.0, .gflops_hi = 66.0}, /* AI at L1, L2 too; spread */
    {.label = "im2col_gemm", .ai = 3.2, .gflops = 30.0},
    {.label = "bad\x01label \xff\xfe", .ai = 0.8, .ai_measured = 1.1, .gflops = 5.0},
    {.label = "-- comment breaker --", .ai = 0.0, .gflops = 5.0}, /* not drawn: ai 0 */
    {.label = "reference", .ai = 0.25, .gflops = NAN},            /* not drawn: gflops NaN */
};
#define NPTS (sizeof PTS / sizeof PTS[0])

static int write_svg(const char *path)
{
    nnb_ceilings c;
    synth_ceilings(&c);
    char err[512];
    char jpath[600];
    snprintf(jpath, sizeof jpath, "%s.json", path);
    if (nnb_roofline_svg(path, &c, PTS, NPTS, "conv3x3 <test> & co", err, sizeof err) != 0 ||
        nnb_roofline_json(jpath, &c, PTS, NPTS, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    return 0;
}

static void test_svg(void)
{
    char path[512], err[512];
    snprintf(path, sizeof path, "%s/roof.svg", g_tmp);
    CHECK_EQ_I64(write_svg(path), 0);
    char *s = slurp(path);
    CHECK(s != NULL);
    if (s) {
        char why[128] = "";
        int r = xml_check(s, why, sizeof why);
        if (r) fprintf(stderr, "svg not well-formed: %s\n", why);
        CHECK_EQ_I64(r, 0);
        CHECK(strstr(s, "<svg xmlns=\"http://www.w3.org/2000/svg\"") != NULL);
        CHECK(strstr(s, "direct &lt;conv3x3&gt; &amp; &quot;friends&quot; &apos;q&apos;") != NULL);
        CHECK(strstr(s, "<conv3x3>") == NULL);
        CHECK(strstr(s, "\xff") == NULL);
        CHECK(strstr(s, "not drawn") != NULL);
        CHECK(strstr(s, "L1 100.0 GB/s") != NULL);
        CHECK(strstr(s, "DRAM 10.0 GB/s") != NULL);
        CHECK(strstr(s, "avx512 FMA 100.0 GFLOP/s") != NULL);
        CHECK(strstr(s, "FMA+ADD 150.0") != NULL);
        CHECK(strstr(s, ">10.00<") != NULL); /* DRAM ridge point label */
        CHECK(strstr(s, "</svg>\n") != NULL);
        free(s);
    }
    /* the xml checker can fail */
    char why[128];
    CHECK(xml_check("<?xml version=\"1.0\"?><svg><g></svg>", why, sizeof why) != 0);
    CHECK(xml_check("<?xml version=\"1.0\"?><svg>a & b</svg>", why, sizeof why) != 0);
    CHECK(xml_check("<?xml version=\"1.0\"?><svg><!-- a -- b --></svg>", why, sizeof why) != 0);

    /* CSV and JSON */
    nnb_ceilings c;
    synth_ceilings(&c);
    snprintf(path, sizeof path, "%s/roof.csv", g_tmp);
    CHECK_EQ_I64(nnb_roofline_csv(path, &c, PTS, NPTS, err, sizeof err), 0);
    s = slurp(path);
    CHECK(s != NULL);
    if (s) {
        CHECK(strncmp(s, "kind,name,threads,ai,ai_measured,gflops,gbs,ridge_ai,bound,attainable_gflops,efficiency\n",
                      88) == 0);
        CHECK(strstr(s, "\"direct <conv3x3> & \"\"friends\"\" 'q'\"") != NULL);
        CHECK(strstr(s, "memory,DRAM_triad,1,,,,10,10,,,") != NULL);
        CHECK(strstr(s, "compute,avx512_sp_fma,1,,,100,,,,,") != NULL);
        /* im2col_gemm at AI 3.2 vs DRAM 10 GB/s: 32 attainable, 30 attained */
        CHECK(strstr(s, "\"im2col_gemm\",1,3.2,,30,10,10,memory:DRAM,32,0.9375") != NULL);
        free(s);
    }
    snprintf(path, sizeof path, "%s/roof.json", g_tmp);
    CHECK_EQ_I64(nnb_roofline_json(path, &c, PTS, NPTS, err, sizeof err), 0);
    s = slurp(path);
    if (s) {
        CHECK(strstr(s, "\"bound\":\"compute\"") != NULL);
        CHECK(strstr(s, "\"label\":\"direct <conv3x3> & \\\"friends\\\" 'q'\"") != NULL);
        CHECK(strstr(s, "\"gflops\":null") != NULL);
        free(s);
    }
    /* whole or nothing: unwritable path fails with a message */
    snprintf(path, sizeof path, "%s/missing/dir/x.svg", g_tmp);
    err[0] = '\0';
    CHECK_EQ_I64(nnb_roofline_svg(path, &c, PTS, NPTS, "t", err, sizeof err), -1);
    CHECK(strstr(err, "cannot write") != NULL);
}

static void test_sanity(void)
{
    /* the measured peak beats a plain scalar loop, and wider ISAs beat scalar */
    double chain = nnb_ceil_scalar_chain_gflops(0.01);
    double best = 0, scalar = 0;
    for (int i = 0; i < NNB_ISA_COUNT; i++) {
        double g = nnb_ceil_peak_gflops((nnb_isa)i, false, false, 1, 0.005, 3);
        if (i == NNB_ISA_SCALAR) scalar = g;
        if (g > best) best = g;
    }
    printf("scalar chain %.2f GFLOP/s, scalar FMA peak %.2f, best peak %.2f\n", chain, scalar, best);
    CHECK(chain > 0);
    CHECK(scalar > chain);
    CHECK(best > 2 * chain);
    CHECK(best >= scalar);
    CHECK(nnb_ceil_peak_gflops(NNB_ISA_COUNT, false, false, 1, 0.005, 3) < 0);

    /* DRAM bandwidth below L1's */
    const nnb_topo *t = nnb_topo_get();
    const nnb_cache_level *llc = nnb_topo_llc(t);
    int64_t big = llc ? 4 * llc->geom.size : (int64_t)64 << 20;
    if (big < ((int64_t)64 << 20)) big = (int64_t)64 << 20;
    if (big > ((int64_t)256 << 20)) big = (int64_t)256 << 20;
    double l1 = nnb_ceil_bw_gbs(false, 16 << 10, 1, 0.005);
    double dram = nnb_ceil_bw_gbs(false, big, 1, 0.005);
    double l1t = nnb_ceil_bw_gbs(true, 16 << 10, 1, 0.005);
    double dramt = nnb_ceil_bw_gbs(true, big, 1, 0.005);
    printf("read: 16 KiB %.1f GB/s, %lld MiB %.1f GB/s; triad %.1f / %.1f GB/s\n", l1, (long long)(big >> 20),
           dram, l1t, dramt);
    CHECK(l1 > 0 && dram > 0 && l1t > 0 && dramt > 0);
    CHECK(dram < l1);
    CHECK(dramt < l1t);

    /* the whole pipeline, reduced: fills every field */
    nnb_ceil_opts o;
    nnb_ceil_opts_default(&o);
    o.quick = true;
    o.progress = false;
    o.sweep_max = 3 << 20; /* off the doubling grid: the sweep still ends there */
    nnb_ceilings c;
    char err[256];
    int threads = t->allowed_cores > 1 ? 2 : 1;
    CHECK_EQ_I64(nnb_ceilings_measure(threads, &o, &c, err, sizeof err), 0);
    CHECK_EQ_I64(c.threads, threads);
    CHECK(c.nsweep >= 5);
    CHECK_EQ_I64(c.sweep[c.nsweep - 1].bytes, o.sweep_max);
    CHECK(nnb_ceil_peak(&c) > 0);
    CHECK(nnb_ceil_bw(&c, NNB_LVL_L1) > 0);
    CHECK(c.binding[0] != '\0');
    CHECK(c.measure_s < 20);
    CHECK_EQ_I64(nnb_ceilings_measure(0, &o, &c, err, sizeof err), -1);
}

static void test_topo(void)
{
    const nnb_topo *t = nnb_topo_get();
    CHECK(t->cores >= 1);
    CHECK(t->pus >= t->cores);
    CHECK(t->hostname[0] != '\0');
    CHECK(nnb_isa_features() & NNB_ISA_F_SSE2);
    CHECK(t->system_memory_bytes > 0);
    /* hwloc's NUMA memory is part of the system's (a VM may list less) */
    if (t->from_hwloc)
        CHECK(t->memory_bytes > 0 && (double)t->memory_bytes <= 1.05 * (double)t->system_memory_bytes);
    if (t->from_hwloc && t->ncaches > 0) {
        nnb_cache_geom g;
        CHECK_EQ_I64(nnb_topo_l1d_geom(&g), 0);
        CHECK(g.size >= 4096 && g.line >= 16);
        CHECK_EQ_I64(nnb_topo_ll_geom(&g), 0);
        CHECK(g.size >= 4096);
    }
    nnb_cache_geom a = {48 << 10, 12, 64}, b = nnb_cache_geom_valgrind(a);
    CHECK_EQ_I64(b.size, a.size);
    CHECK_EQ_I64(b.assoc, 12);
    nnb_cache_geom c12 = {12 << 20, 16, 64}, d = nnb_cache_geom_valgrind(c12);
    CHECK_EQ_I64(d.size, 12 << 20);
    CHECK_EQ_I64(d.line, 64);
    int64_t sets = d.size / ((int64_t)d.line * d.assoc);
    CHECK(sets > 0 && (sets & (sets - 1)) == 0 && sets * d.line * d.assoc == d.size);
    nnb_cache_geom odd = {1000000, 7, 48}, e = nnb_cache_geom_valgrind(odd);
    sets = e.size / ((int64_t)e.line * e.assoc);
    CHECK(sets > 0 && (sets & (sets - 1)) == 0 && sets * e.line * e.assoc == e.size);
    CHECK_EQ_I64(e.line, 64);

    /* binding stays inside the allowed set (run this under taskset -c 1 to see it) */
    CHECK(t->allowed_cores >= 1 && t->allowed_cores <= t->cores);
    CHECK(t->allowed_pus >= t->allowed_cores && t->allowed_pus <= t->pus);
    CHECK(t->cpuset[0] != '\0');
    cpu_set_t allowed, now;
    CHECK_EQ_I64(nnb_topo_allowed_affinity(&allowed), 0);
    CHECK_EQ_I64(CPU_COUNT(&allowed), t->allowed_pus);
    char desc[128] = "", cores[64] = "", pus[64] = "", want[160];
    int r = nnb_topo_bind_omp(1, desc, sizeof desc);
    printf("cpuset %s (%d of %d cores); bind 1 thread: %d \"%s\"\n", t->cpuset, t->allowed_cores, t->cores, r, desc);
    CHECK(r == 0 || (r == -1 && strncmp(desc, "unbound", 7) == 0));
    if (r == 0) {
        /* the calling thread is OpenMP thread 0: bound to one allowed PU */
        CHECK(nnb_topo_used(1, cores, sizeof cores, pus, sizeof pus) >= 0);
        CHECK_EQ_I64(sched_getaffinity(0, sizeof now, &now), 0);
        CHECK_EQ_I64(CPU_COUNT(&now), 1);
        CHECK(CPU_ISSET(atoi(pus), &now) && CPU_ISSET(atoi(pus), &allowed));
        snprintf(want, sizeof want, "core %s", cores);
        CHECK(strncmp(desc, want, strlen(want)) == 0);
    }
    r = nnb_topo_bind_omp(t->allowed_cores, desc, sizeof desc);
    printf("bind %d threads: %d \"%s\"\n", t->allowed_cores, r, desc);
    if (r == 0) {
        /* one thread per allowed core, each core once */
        char cores2[64];
        CHECK(nnb_topo_used(t->allowed_cores, cores2, sizeof cores2, NULL, 0) >= 0);
        snprintf(want, sizeof want, "core%s %s", t->allowed_cores > 1 ? "s" : "", cores2);
        CHECK(strncmp(desc, want, strlen(want)) == 0);
        CHECK(strstr(desc, "SMT") == NULL && strstr(desc, "oversubscribed") == NULL);
    }
    CHECK_EQ_I64(nnb_topo_bind_omp(0, desc, sizeof desc), -1);

    /* ceilings are keyed by the machine and the cpuset: core 1's are not cores 0-1's */
    char mk[1024], ck[1100], tail[160];
    nnb_machine_key(mk, sizeof mk);
    nnb_ceilings_key(ck, sizeof ck);
    snprintf(tail, sizeof tail, "|cpuset %s", t->cpuset);
    CHECK(strncmp(ck, mk, strlen(mk)) == 0 && strcmp(ck + strlen(mk), tail) == 0);
}

static void test_cli(void)
{
    char *a1[] = {"roofline", "--bogus", NULL};
    CHECK_EQ_I64(nnb_roofline_main(2, a1), 2);
    char *a2[] = {"roofline", "--threads", "0", NULL};
    CHECK_EQ_I64(nnb_roofline_main(3, a2), 2);
    char *a3[] = {"roofline", "--threads", "2x", NULL};
    CHECK_EQ_I64(nnb_roofline_main(3, a3), 2);
    char *a4[] = {"roofline", "--format", "xml", NULL};
    CHECK_EQ_I64(nnb_roofline_main(3, a4), 2);
    char *a5[] = {"roofline", "--plot", NULL};
    CHECK_EQ_I64(nnb_roofline_main(2, a5), 2);
    char *t1[] = {"topo", "--format", "yaml", NULL};
    CHECK_EQ_I64(nnb_topo_main(3, t1), 2);
    char *t2[] = {"topo", "-x", NULL};
    CHECK_EQ_I64(nnb_topo_main(2, t2), 2);
    char *t3[] = {"topo", "--format=json", NULL};
    CHECK_EQ_I64(nnb_topo_main(2, t3), 0);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--svg") == 0) return write_svg(argv[2]);
    if (argc != 1) {
        fprintf(stderr, "usage: test_roofline [--svg FILE]\n");
        return 2;
    }
    snprintf(g_tmp, sizeof g_tmp, "/tmp/nnb_test_roofline.XXXXXX");
    if (!mkdtemp(g_tmp)) {
        perror("mkdtemp");
        return 1;
    }
    double t0 = (double)clock() / CLOCKS_PER_SEC;
    test_plateaus();
    test_sweep_top();
    test_place();
    test_cache();
    test_svg();
    test_topo();
    test_cli();
    test_sanity();
    printf("cpu time %.1f s\n", (double)clock() / CLOCKS_PER_SEC - t0);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_tmp);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", g_tmp);
    return nnb_test_done("test_roofline");
}
