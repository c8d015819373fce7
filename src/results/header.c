/* The header record: what ran where (header.h). Versions are the ones this
 * process runs (OpenBLAS, oneDNN, hwloc's, valgrind's on PATH) or, where a
 * library has no run-time query without side effects, the headers it was
 * built against (PAPI). */
#include "results/header.h"

#include <papi.h>
#include <hwloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#ifdef NNB_HAVE_ONEDNN
#include <oneapi/dnnl/dnnl.h>
#endif

#include "machine/blas.h"
#include "machine/isa.h"
#include "machine/topo.h"
#include "nnb_build_info.h"
#include "util/json.h"
#include "roofline/place.h"

static void key_str(FILE *f, const char *key, const char *val)
{
    fprintf(f, "\"%s\":", key);
    if (val) nnb_json_str(f, val);
    else fputs("null", f);
}

/* The CPU's feature flags ("flags" on x86, "Features" on Arm) as a JSON array. */
static void cpu_flags(FILE *f)
{
    fputs("\"flags\":[", f);
    FILE *in = fopen("/proc/cpuinfo", "r");
    char line[8192];
    bool first = true;
    while (in && fgets(line, sizeof line, in)) {
        if (strncmp(line, "flags", 5) && strncmp(line, "Features", 8)) continue;
        char *colon = strchr(line, ':'), *save = NULL;
        if (!colon) continue;
        for (char *t = strtok_r(colon + 1, " \t\n", &save); t; t = strtok_r(NULL, " \t\n", &save)) {
            fputs(first ? "" : ",", f);
            nnb_json_str(f, t);
            first = false;
        }
        break;
    }
    if (in) fclose(in);
    fputc(']', f);
}

static void machine(FILE *f)
{
    const nnb_topo *t = nnb_topo_get();
    fputs("\"machine\":{", f);
    key_str(f, "cpu", t->cpu_model);
    fputc(',', f);
    key_str(f, "vendor", t->cpu_vendor);
    fputc(',', f);
    cpu_flags(f);
    fputc(',', f);
    key_str(f, "isa", nnb_isa_name(nnb_isa_cpu()));
    fprintf(f, ",\"packages\":%d,\"cores\":%d,\"pus\":%d,\"numa_nodes\":%d,\"caches\":[", t->packages, t->cores,
            t->pus, t->numa_nodes);
    for (int i = 0; i < t->ncaches; i++) {
        const nnb_cache_level *c = &t->caches[i];
        fprintf(f, "%s{\"level\":%d,\"type\":\"%c\",\"size_bytes\":%lld,\"line_bytes\":%d,\"assoc\":%d,"
                   "\"count\":%d,\"shared_by\":%d}",
                i ? "," : "", c->level, c->type, (long long)c->geom.size, c->geom.line, c->geom.assoc, c->count,
                c->shared_by);
    }
    fprintf(f, "],\"memory_bytes\":%lld,", (long long)(t->system_memory_bytes > 0 ? t->system_memory_bytes
                                                                                  : t->memory_bytes));
    struct utsname u;
    char os[4 * sizeof u.release];
    if (uname(&u) == 0) snprintf(os, sizeof os, "%s %s %s", u.sysname, u.release, u.machine);
    else snprintf(os, sizeof os, "unknown");
    key_str(f, "os", os);
    fputc(',', f);
    key_str(f, "hostname", t->hostname);
    fputc('}', f);
}

/* "valgrind-3.19.0" from the valgrind on PATH; NULL when there is none. */
static const char *valgrind_version(char *buf, size_t len)
{
    FILE *p = popen("valgrind --version 2>/dev/null", "r");
    if (!p) return NULL;
    bool got = fgets(buf, (int)len, p) != NULL;
    int rc = pclose(p);
    if (!got || rc != 0) return NULL;
    buf[strcspn(buf, "\r\n")] = 0;
    return buf[0] ? buf : NULL;
}

/* "0.3.21" from OpenBLAS's config string "OpenBLAS 0.3.21 DYNAMIC_ARCH ...". */
static void openblas(FILE *f)
{
    const nnb_blas_info *b = nnb_blas_info_get();
    char version[32] = "unknown";
    if (strncmp(b->config, "OpenBLAS ", 9) == 0) {
        size_t n = strcspn(b->config + 9, " ");
        if (n && n < sizeof version) {
            memcpy(version, b->config + 9, n);
            version[n] = 0;
        }
    }
    fputs("\"openblas\":{", f);
    key_str(f, "version", version);
    fputc(',', f);
    key_str(f, "core", b->core);
    fputc(',', f);
    key_str(f, "config", b->config);
    fputc('}', f);
}

static void software(FILE *f)
{
    char buf[128];
    fputs("\"software\":{", f);
    key_str(f, "nnbench", NNB_VERSION);
    fputc(',', f);
    key_str(f, "git", NNB_BUILD_GIT);
    fputc(',', f);
    key_str(f, "compiler", NNB_BUILD_COMPILER);
    fputc(',', f);
    key_str(f, "cflags", NNB_BUILD_CFLAGS);
    fputc(',', f);
    key_str(f, "build_type", NNB_BUILD_TYPE);
    fputc(',', f);
    openblas(f);
    snprintf(buf, sizeof buf, "%d.%d.%d.%d", PAPI_VERSION_MAJOR(PAPI_VERSION), PAPI_VERSION_MINOR(PAPI_VERSION),
             PAPI_VERSION_REVISION(PAPI_VERSION), PAPI_VERSION_INCREMENT(PAPI_VERSION));
    fputc(',', f);
    key_str(f, "papi", buf);
    unsigned hv = hwloc_get_api_version();
    snprintf(buf, sizeof buf, "%u.%u.%u", hv >> 16, (hv >> 8) & 0xff, hv & 0xff);
    fputc(',', f);
    key_str(f, "hwloc", buf);
    fputc(',', f);
    key_str(f, "valgrind", valgrind_version(buf, sizeof buf));
    const char *onednn = NULL;
#ifdef NNB_HAVE_ONEDNN
    const dnnl_version_t *v = dnnl_version();
    snprintf(buf, sizeof buf, "%d.%d.%d%s%s", v->major, v->minor, v->patch, v->hash ? " " : "",
             v->hash ? v->hash : "");
    onednn = buf;
#endif
    fputc(',', f);
    key_str(f, "onednn", onednn);
    fputc('}', f);
}

static void ceilings(FILE *f, const nnb_ceilings *c)
{
    fputs("\"ceilings\":", f);
    if (!c) {
        fputs("null", f);
        return;
    }
    fputc('{', f);
    key_str(f, "machine", c->key);
    fprintf(f, ",\"threads\":%d,\"measured_unix\":%lld,\"peak_gflops\":", c->threads, c->measured_unix);
    nnb_json_num(f, nnb_ceil_peak(c));
    fputs(",\"bw_gbs\":{", f);
    for (int l = 0; l < NNB_LVL_COUNT; l++) {
        fprintf(f, "%s\"%s\":", l ? "," : "", nnb_level_name((nnb_level)l));
        nnb_json_num(f, nnb_ceil_bw(c, (nnb_level)l));
    }
    fputs("}}", f);
}

/* Where the run may and did run: "cpuset" (the PUs the process was given,
 * OS indexes as taskset and Slurm name them), "cores_used" (logical core
 * indexes) and "pus_used" (OS indexes) of its threads; null when nothing
 * ran or nothing was bound. */
static void binding(FILE *f, const nnb_header_info *h)
{
    char cores[128], pus[128];
    bool known = h->threads > 0 && h->bound && nnb_topo_used(h->threads, cores, sizeof cores, pus, sizeof pus) >= 0;
    key_str(f, "cpuset", nnb_topo_get()->cpuset);
    fputc(',', f);
    key_str(f, "cores_used", known ? cores : NULL);
    fputc(',', f);
    key_str(f, "pus_used", known ? pus : NULL);
    fputc(',', f);
}

void nnb_header_write(FILE *f, const nnb_header_info *h)
{
    fputs("{\"schema\":\"nnbench/1\",\"header\":{", f);
    machine(f);
    fputc(',', f);
    software(f);
    char date[32];
    time_t now = time(NULL);
    struct tm tm;
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
    fputc(',', f);
    key_str(f, "date", date);
    fputs(",\"argv\":[", f);
    for (int i = 0; i < h->argc; i++) {
        fputs(i ? "," : "", f);
        nnb_json_str(f, h->argv[i]);
    }
    fputs("],\"threads\":", f);
    if (h->threads > 0) fprintf(f, "%d", h->threads);
    else fputs("null", f);
    fprintf(f, ",\"analytic\":%s,", h->analytic ? "true" : "false");
    binding(f, h);
    ceilings(f, h->ceilings);
    fputs(",\"shard\":", f);
    if (h->shard_n > 0) fprintf(f, "\"%d/%d\"", h->shard_i, h->shard_n);
    else fputs("null", f);
    fputs("}}\n", f);
}
