/* The roofline data as files (see plot.h): the picture (svg.c), CSV and
 * JSON of the same ceilings and points, and the ceilings table. */
#include "roofline/plot.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "util/json.h"
#include "roofline/file.h"
#include "roofline/place.h"
#include "util/util.h"

/* ---- whole-or-nothing files ---- */

typedef struct out_ctx {
    const nnb_ceilings *c;
    const nnb_roof_point *pts;
    size_t n;
    const char *title;
    const nnb_roof_plot_opts *opts; /* SVG: how (NULL: the defaults) */
} out_ctx;

typedef void (*writer_fn)(FILE *f, const void *o);

/* Writes through fn to path ("-": stdout), whole or not at all. */
static int write_file(const char *path, writer_fn fn, const out_ctx *o, char *err, size_t errlen)
{
    if (!path || !*path) return nnb_errf(err, errlen, "roofline: empty output path");
    if (strcmp(path, "-") != 0) return nnb_roof_write_file(path, fn, o, err, errlen);
    fn(stdout, o);
    fflush(stdout);
    return ferror(stdout) ? -1 : 0;
}

/* ---- SVG ---- */

static void svg_cb(FILE *f, const void *ctx)
{
    const out_ctx *o = ctx;
    if (o->opts) nnb_roofline_svg_write_opts(f, o->c, o->pts, o->n, o->opts);
    else nnb_roofline_svg_write(f, o->c, o->pts, o->n, o->title);
}

int nnb_roofline_svg(const char *path, const nnb_ceilings *c, const nnb_roof_point *pts, size_t n,
                     const char *title, char *err, size_t errlen)
{
    out_ctx o = {c, pts, n, title, NULL};
    return write_file(path, svg_cb, &o, err, errlen);
}

int nnb_roofline_svg_opts(const char *path, const nnb_ceilings *c, const nnb_roof_point *pts, size_t n,
                          const nnb_roof_plot_opts *opts, char *err, size_t errlen)
{
    out_ctx o = {c, pts, n, opts->title, opts};
    return write_file(path, svg_cb, &o, err, errlen);
}

/* ---- values of one ceiling, as CSV and JSON name them ---- */

enum { NPEAK_VALUES = 4 };
static const char *const peak_keys[NPEAK_VALUES] = {"sp_fma", "sp_fma_add", "dp_fma", "dp_fma_add"};

static void peak_values(const nnb_peak *p, double v[NPEAK_VALUES])
{
    v[0] = p->sp_fma;
    v[1] = p->sp_mix;
    v[2] = p->dp_fma;
    v[3] = p->dp_mix;
}

enum { NBW_VALUES = 3 };
static const char *const bw_keys[NBW_VALUES] = {"read", "triad", "triad_wa"};

static void bw_values(const nnb_bw *b, double v[NBW_VALUES])
{
    v[0] = b->read_gbs;
    v[1] = b->triad_gbs;
    v[2] = b->triad_wa_gbs;
}

/* ---- CSV ---- */

static void csv_str(FILE *f, const char *s)
{
    fputc('"', f);
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        size_t n = nnb_utf8_len(p);
        if (n == 0 || (n == 1 && *p < 0x20)) {
            fputc(n == 0 ? '?' : ' ', f);
            p++;
        } else {
            if (*p == '"') fputc('"', f);
            fwrite(p, 1, n, f);
            p += n;
        }
    }
    fputc('"', f);
}

/* An empty field for 0 and non-finite values. */
static void csv_num(FILE *f, double v)
{
    if (isfinite(v) && v != 0) fprintf(f, "%.6g", v);
}

static void csv_ceilings(FILE *f, const nnb_ceilings *c)
{
    double peak = nnb_ceil_peak(c);
    for (int i = 0; i < NNB_ISA_COUNT; i++) {
        double v[NPEAK_VALUES];
        peak_values(&c->peak[i], v);
        for (int j = 0; j < NPEAK_VALUES; j++) {
            if (!(v[j] > 0)) continue;
            fprintf(f, "compute,%s_%s,%d,,,", nnb_isa_name((nnb_isa)i), peak_keys[j], c->threads);
            csv_num(f, v[j]);
            fprintf(f, ",,,,,\n");
        }
    }
    for (int l = 0; l < NNB_LVL_COUNT; l++) {
        double v[NBW_VALUES];
        bw_values(&c->bw[l], v);
        for (int j = 0; j < NBW_VALUES; j++) {
            if (!(v[j] > 0)) continue;
            fprintf(f, "memory,%s_%s,%d,,,,", nnb_level_name((nnb_level)l), bw_keys[j], c->threads);
            csv_num(f, v[j]);
            fputc(',', f);
            csv_num(f, peak > 0 ? peak / v[j] : 0);
            fprintf(f, ",,,\n");
        }
    }
}

static void csv_cb(FILE *f, const void *ctx)
{
    const out_ctx *o = ctx;
    const nnb_ceilings *c = o->c;
    fprintf(f, "kind,name,threads,ai,ai_measured,gflops,gbs,ridge_ai,bound,attainable_gflops,efficiency\n");
    csv_ceilings(f, c);
    for (size_t i = 0; i < o->n; i++) {
        const nnb_roof_point *p = &o->pts[i];
        fprintf(f, "point,");
        csv_str(f, p->label ? p->label : "");
        fprintf(f, ",%d,", c->threads);
        csv_num(f, p->ai);
        fputc(',', f);
        csv_num(f, p->ai_measured);
        fputc(',', f);
        csv_num(f, p->gflops);
        nnb_roof_place pl;
        if (nnb_roofline_place(c, p->ai, p->gflops, &pl) == 0)
            fprintf(f, ",%.6g,%.6g,%s,%.6g,%.6g\n", pl.bw_gbs, pl.ridge_ai, pl.bound, pl.attainable_gflops,
                    pl.efficiency);
        else
            fprintf(f, ",,,,,\n");
    }
}

int nnb_roofline_csv(const char *path, const nnb_ceilings *c, const nnb_roof_point *pts, size_t n, char *err,
                     size_t errlen)
{
    out_ctx o = {c, pts, n, NULL, NULL};
    return write_file(path, csv_cb, &o, err, errlen);
}

/* ---- JSON ---- */

/* ,"key":number (suffix appended to the key) */
static void json_key_num(FILE *f, const char *key, const char *suffix, double v)
{
    fprintf(f, ",\"%s%s\":", key, suffix);
    nnb_json_num(f, v);
}

static void json_peaks(FILE *f, const nnb_ceilings *c)
{
    fprintf(f, ",\"peaks\":[");
    bool first = true;
    for (int i = 0; i < NNB_ISA_COUNT; i++) {
        const nnb_peak *p = &c->peak[i];
        if (!(p->sp_fma > 0 || p->dp_fma > 0)) continue;
        fprintf(f, "%s{\"isa\":\"%s\",\"fused\":%s", first ? "" : ",", nnb_isa_name((nnb_isa)i),
                p->fused ? "true" : "false");
        double v[NPEAK_VALUES];
        peak_values(p, v);
        for (int j = 0; j < NPEAK_VALUES; j++) json_key_num(f, peak_keys[j], "", v[j]);
        fputc('}', f);
        first = false;
    }
    fputc(']', f);
}

static void json_bandwidth(FILE *f, const nnb_ceilings *c)
{
    fprintf(f, ",\"bandwidth\":[");
    for (int l = 0; l < NNB_LVL_COUNT; l++) {
        const nnb_bw *b = &c->bw[l];
        fprintf(f, "%s{\"level\":\"%s\"", l ? "," : "", nnb_level_name((nnb_level)l));
        json_key_num(f, "roof", "_gbs", nnb_ceil_bw(c, (nnb_level)l));
        double v[NBW_VALUES];
        bw_values(b, v);
        for (int j = 0; j < NBW_VALUES; j++) json_key_num(f, bw_keys[j], "_gbs", v[j]);
        fprintf(f, ",\"lo_bytes\":%lld,\"hi_bytes\":%lld,\"capacity_bytes\":%lld,\"source\":\"%s\"}",
                (long long)b->lo_bytes, (long long)b->hi_bytes, (long long)c->cap_bytes[l],
                nnb_bw_src_name(b->src));
    }
    fputc(']', f);
}

static void json_sweep(FILE *f, const nnb_ceilings *c)
{
    fprintf(f, ",\"sweep\":[");
    for (int i = 0; i < c->nsweep; i++) {
        fprintf(f, "%s[%lld,", i ? "," : "", (long long)c->sweep[i].bytes);
        nnb_json_num(f, c->sweep[i].read_gbs);
        fputc(',', f);
        nnb_json_num(f, c->sweep[i].triad_gbs);
        fputc(']', f);
    }
    fputc(']', f);
}

static void json_points(FILE *f, const nnb_ceilings *c, const nnb_roof_point *pts, size_t n)
{
    fprintf(f, ",\"points\":[");
    for (size_t i = 0; i < n; i++) {
        const nnb_roof_point *p = &pts[i];
        fprintf(f, "%s{\"label\":", i ? "," : "");
        nnb_json_str(f, p->label);
        json_key_num(f, "ai", "", p->ai);
        /* no measured AI: null, not a number */
        json_key_num(f, "ai_measured", "", p->ai_measured > 0 ? p->ai_measured : NAN);
        json_key_num(f, "ai_l1", "", p->ai_l1 > 0 ? p->ai_l1 : NAN);
        json_key_num(f, "ai_l2", "", p->ai_l2 > 0 ? p->ai_l2 : NAN);
        json_key_num(f, "gflops", "", p->gflops);
        nnb_roof_place pl;
        if (nnb_roofline_place(c, p->ai, p->gflops, &pl) == 0) {
            fprintf(f, ",\"bound\":\"%s\"", pl.bound);
            json_key_num(f, "attainable_gflops", "", pl.attainable_gflops);
            json_key_num(f, "efficiency", "", pl.efficiency);
        }
        fputc('}', f);
    }
    fputc(']', f);
}

void nnb_roofline_json_write(FILE *f, const nnb_ceilings *c, const nnb_roof_point *pts, size_t n)
{
    fprintf(f, "{\"schema\":\"nnbench/1\",\"roofline\":{\"machine\":");
    nnb_json_str(f, c->key);
    fprintf(f, ",\"threads\":%d,\"binding\":", c->threads);
    nnb_json_str(f, c->binding);
    fprintf(f, ",\"measured_unix\":%lld", c->measured_unix);
    json_key_num(f, "measure_s", "", c->measure_s);
    json_key_num(f, "peak_gflops", "", nnb_ceil_peak(c));
    json_peaks(f, c);
    json_bandwidth(f, c);
    fprintf(f, ",\"bytes_counted\":{\"read\":\"bytes loaded\",\"triad\":\"12 B/elem: b,c read + a written\","
               "\"triad_wa\":\"16 B/elem: + read-for-ownership of a\"}");
    json_sweep(f, c);
    json_points(f, c, pts, n);
    fprintf(f, "}}\n");
}

static void json_cb(FILE *f, const void *ctx)
{
    const out_ctx *o = ctx;
    nnb_roofline_json_write(f, o->c, o->pts, o->n);
}

int nnb_roofline_json(const char *path, const nnb_ceilings *c, const nnb_roof_point *pts, size_t n, char *err,
                      size_t errlen)
{
    out_ctx o = {c, pts, n, NULL, NULL};
    return write_file(path, json_cb, &o, err, errlen);
}

/* ---- table ---- */

static void fmt_size(char *b, size_t n, int64_t v)
{
    if (v >= (int64_t)1 << 30) snprintf(b, n, "%.1fG", (double)v / (1 << 30));
    else if (v >= 1 << 20) snprintf(b, n, "%.1fM", (double)v / (1 << 20));
    else snprintf(b, n, "%.0fK", (double)v / 1024);
}

void nnb_ceilings_print(FILE *f, const nnb_ceilings *c)
{
    fprintf(f, "ceilings for %d thread%s on %s\n", c->threads, c->threads == 1 ? "" : "s", c->key);
    if (c->binding[0]) fprintf(f, "binding: %s; measured in %.1f s\n", c->binding, c->measure_s);
    fprintf(f, "%-8s %-8s %12s %12s %12s %12s   (GFLOP/s)\n", "isa", "op", "sp FMA", "sp FMA+ADD", "dp FMA",
            "dp FMA+ADD");
    for (int i = 0; i < NNB_ISA_COUNT; i++) {
        const nnb_peak *p = &c->peak[i];
        if (!(p->sp_fma > 0)) {
            fprintf(f, "%-8s %-8s %12s\n", nnb_isa_name((nnb_isa)i), "-", "unavailable");
            continue;
        }
        fprintf(f, "%-8s %-8s %12.1f %12.1f %12.1f %12.1f\n", nnb_isa_name((nnb_isa)i),
                p->fused ? "fma" : "mul+add", p->sp_fma, p->sp_mix, p->dp_fma, p->dp_mix);
    }
    fprintf(f, "%-6s %10s %10s %10s %10s %10s  %-17s %s\n", "level", "roof GB/s", "read", "triad", "triad+WA",
            "capacity", "working set", "from");
    for (int l = 0; l < NNB_LVL_COUNT; l++) {
        const nnb_bw *b = &c->bw[l];
        char cap[16] = "-", lo[16] = "-", hi[16] = "-", ws[40];
        if (c->cap_bytes[l] > 0) fmt_size(cap, sizeof cap, c->cap_bytes[l]);
        if (b->lo_bytes > 0) fmt_size(lo, sizeof lo, b->lo_bytes);
        if (b->hi_bytes > 0) fmt_size(hi, sizeof hi, b->hi_bytes);
        snprintf(ws, sizeof ws, "%s..%s", lo, hi);
        fprintf(f, "%-6s %10.1f %10.1f %10.1f %10.1f %10s  %-17s %s\n", nnb_level_name((nnb_level)l),
                nnb_ceil_bw(c, (nnb_level)l), b->read_gbs, b->triad_gbs, b->triad_wa_gbs, cap, ws,
                nnb_bw_src_name(b->src));
    }
    fprintf(f, "bytes counted: read = loaded; triad = 12 B/elem (b, c read, a written); triad+WA = 16 B/elem\n");
    double peak = nnb_ceil_peak(c), bd = nnb_ceil_bw(c, NNB_LVL_DRAM);
    if (peak > 0 && bd > 0)
        fprintf(f, "roof: peak %.1f GFLOP/s (best sp FMA); ridge AI vs DRAM %.2f FLOP/byte\n", peak, peak / bd);
}
