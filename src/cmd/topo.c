/* `nnbench topo`: the machine as hwloc and the ISA detection see it, as a
 * table or one JSON line. */
#include "cmd/cmd_topo.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "machine/isa.h"
#include "machine/topo.h"
#include "util/json.h"

static void fmt_bytes(char *b, size_t n, int64_t v)
{
    if (v >= ((int64_t)1 << 30)) snprintf(b, n, "%.1f GiB", (double)v / (double)((int64_t)1 << 30));
    else if (v >= (1 << 20) && v % (1 << 20) == 0) snprintf(b, n, "%lld MiB", (long long)(v >> 20));
    else if (v >= 1024 && v % 1024 == 0) snprintf(b, n, "%lld KiB", (long long)(v >> 10));
    else snprintf(b, n, "%lld B", (long long)v);
}

static void print_table(FILE *f, const nnb_topo *t)
{
    char b[32];
    fprintf(f, "host      %s\n", t->hostname);
    fprintf(f, "cpu       %s (%s)\n", t->cpu_model, t->cpu_vendor);
    fprintf(f, "packages  %d   cores %d   PUs %d   NUMA nodes %d\n", t->packages, t->cores, t->pus,
            t->numa_nodes);
    fprintf(f, "allowed   cpuset %s: %d core%s, %d PU%s%s\n", t->cpuset, t->allowed_cores,
            t->allowed_cores == 1 ? "" : "s", t->allowed_pus, t->allowed_pus == 1 ? "" : "s",
            t->restricted ? " (restricted: nnbench runs and binds its threads only there)" : "");
    fmt_bytes(b, sizeof b, t->memory_bytes);
    fprintf(f, "memory    %s", t->memory_bytes > 0 ? b : "unknown");
    if (t->system_memory_bytes > 0 && t->memory_bytes > 0 &&
        (double)t->system_memory_bytes > 1.1 * (double)t->memory_bytes) {
        char s[32];
        fmt_bytes(s, sizeof s, t->system_memory_bytes);
        fprintf(f, " in NUMA nodes (hwloc); %s in the system (sysconf): the kernel lists only part of RAM "
                   "under its NUMA nodes", s);
    }
    fputc('\n', f);
    fprintf(f, "isa       %s\n", nnb_isa_features_str()[0] ? nnb_isa_features_str() : "(none detected)");
    if (!t->from_hwloc) fprintf(f, "note      hwloc topology unavailable: caches unknown\n");
    if (t->ncaches) fprintf(f, "%-6s %-8s %10s %5s %6s %9s %9s\n", "cache", "type", "size", "line",
                            "ways", "instances", "shared_by");
    for (int i = 0; i < t->ncaches; i++) {
        const nnb_cache_level *c = &t->caches[i];
        char ways[16];
        if (c->geom.assoc < 0) snprintf(ways, sizeof ways, "full");
        else if (c->geom.assoc == 0) snprintf(ways, sizeof ways, "?");
        else snprintf(ways, sizeof ways, "%d", c->geom.assoc);
        fmt_bytes(b, sizeof b, c->geom.size);
        fprintf(f, "L%d%-4s %-8s %10s %5d %6s %9d %9d\n", c->level, c->type == 'i' ? "i" : c->type == 'd' ? "d" : "",
                c->type == 'i' ? "instr" : c->type == 'd' ? "data" : "unified", b, c->geom.line, ways,
                c->count, c->shared_by);
    }
}

static const char *cache_type_name(char type)
{
    return type == 'i' ? "instruction" : type == 'd' ? "data" : "unified";
}

static void print_json(FILE *f, const nnb_topo *t)
{
    const struct { const char *key, *val; } strs[] = {
        {"host", t->hostname}, {"cpu_model", t->cpu_model}, {"cpu_vendor", t->cpu_vendor}};
    fprintf(f, "{\"schema\":\"nnbench/1\",\"topo\":{");
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        fprintf(f, "%s\"%s\":", i ? "," : "", strs[i].key);
        nnb_json_str(f, strs[i].val);
    }
    fprintf(f, ",\"from_hwloc\":%s,\"packages\":%d,\"cores\":%d,\"pus\":%d,\"numa_nodes\":%d,"
               "\"memory_bytes\":%lld,\"system_memory_bytes\":%lld,\"isa\":",
            t->from_hwloc ? "true" : "false", t->packages, t->cores, t->pus, t->numa_nodes,
            (long long)t->memory_bytes, (long long)t->system_memory_bytes);
    nnb_json_str(f, nnb_isa_features_str());
    fputs(",\"cpuset\":", f);
    nnb_json_str(f, t->cpuset);
    fprintf(f, ",\"allowed_cores\":%d,\"allowed_pus\":%d", t->allowed_cores, t->allowed_pus);
    fprintf(f, ",\"caches\":[");
    for (int i = 0; i < t->ncaches; i++) {
        const nnb_cache_level *c = &t->caches[i];
        fprintf(f, "%s{\"level\":%d,\"type\":\"%s\",\"size\":%lld,\"line\":%d,\"assoc\":%d,"
                   "\"count\":%d,\"shared_by\":%d}",
                i ? "," : "", c->level, cache_type_name(c->type), (long long)c->geom.size, c->geom.line,
                c->geom.assoc, c->count, c->shared_by);
    }
    fprintf(f, "]}}\n");
}

int nnb_topo_main(int argc, char **argv)
{
    bool json = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = NULL;
        if (strcmp(a, "--format") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "nnbench topo: --format needs a value (table or json)\n");
                return 2;
            }
            val = argv[++i];
        } else if (strncmp(a, "--format=", 9) == 0) {
            val = a + 9;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            printf("usage: nnbench topo [--format table|json]\n");
            return 0;
        } else {
            fprintf(stderr, "nnbench topo: unknown option '%s' (try --help)\n", a);
            return 2;
        }
        if (strcmp(val, "json") == 0) json = true;
        else if (strcmp(val, "table") == 0) json = false;
        else {
            fprintf(stderr, "nnbench topo: bad --format '%s' (table or json)\n", val);
            return 2;
        }
    }
    const nnb_topo *t = nnb_topo_get();
    if (json) print_json(stdout, t);
    else print_table(stdout, t);
    return 0;
}
