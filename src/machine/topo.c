/* hwloc topology, ISA flags and OpenMP thread binding (see topo.h). */
#include "machine/topo.h"
#include "util/util.h"

#include <hwloc.h>
#include <omp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static hwloc_topology_t g_hw;      /* NULL when hwloc failed */
static nnb_topo g_topo;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;


static unsigned detect_isa(char *s, size_t len)
{
    unsigned f = 0;
    __builtin_cpu_init();
    if (__builtin_cpu_supports("sse2")) f |= NNB_ISA_F_SSE2;
    if (__builtin_cpu_supports("avx")) f |= NNB_ISA_F_AVX;
    if (__builtin_cpu_supports("fma")) f |= NNB_ISA_F_FMA;
    if (__builtin_cpu_supports("avx2")) f |= NNB_ISA_F_AVX2;
    if (__builtin_cpu_supports("avx512f")) f |= NNB_ISA_F_AVX512F;
    if (__builtin_cpu_supports("avx512vl")) f |= NNB_ISA_F_AVX512VL;
    if (__builtin_cpu_supports("avx512bw")) f |= NNB_ISA_F_AVX512BW;
    if (__builtin_cpu_supports("avx512dq")) f |= NNB_ISA_F_AVX512DQ;
    static const struct { unsigned bit; const char *name; } names[] = {
        {NNB_ISA_F_SSE2, "sse2"},         {NNB_ISA_F_AVX, "avx"},
        {NNB_ISA_F_FMA, "fma"},           {NNB_ISA_F_AVX2, "avx2"},
        {NNB_ISA_F_AVX512F, "avx512f"},   {NNB_ISA_F_AVX512VL, "avx512vl"},
        {NNB_ISA_F_AVX512BW, "avx512bw"}, {NNB_ISA_F_AVX512DQ, "avx512dq"},
    };
    size_t off = 0;
    s[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!(f & names[i].bit)) continue;
        int w = snprintf(s + off, len - off, "%s%s", off ? " " : "", names[i].name);
        if (w < 0 || (size_t)w >= len - off) break;
        off += (size_t)w;
    }
    return f;
}

/* CPU model from /proc/cpuinfo when hwloc has none. */
static void cpuinfo_model(char *model, size_t len)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "model name", 10) == 0) {
            char *c = strchr(line, ':');
            if (c) {
                c++;
                while (*c == ' ' || *c == '\t') c++;
                c[strcspn(c, "\n")] = '\0';
                nnb_copy_str(model, len, c);
            }
            break;
        }
    }
    fclose(f);
}

static void load_topo(void)
{
    nnb_topo *t = &g_topo;
    memset(t, 0, sizeof *t);
    if (gethostname(t->hostname, sizeof t->hostname) != 0) nnb_copy_str(t->hostname, sizeof t->hostname, "unknown");
    t->hostname[sizeof t->hostname - 1] = '\0';
    t->system_memory_bytes = nnb_phys_memory_bytes();
    nnb_copy_str(t->cpu_model, sizeof t->cpu_model, "unknown");
    nnb_copy_str(t->cpu_vendor, sizeof t->cpu_vendor, "unknown");
    t->isa = detect_isa(t->isa_str, sizeof t->isa_str);

    hwloc_topology_t hw;
    if (hwloc_topology_init(&hw) != 0) goto fallback;
    hwloc_topology_set_icache_types_filter(hw, HWLOC_TYPE_FILTER_KEEP_ALL);
    if (hwloc_topology_load(hw) != 0) {
        hwloc_topology_destroy(hw);
        goto fallback;
    }
    g_hw = hw;
    t->from_hwloc = true;
    t->packages = hwloc_get_nbobjs_by_type(hw, HWLOC_OBJ_PACKAGE);
    t->cores = hwloc_get_nbobjs_by_type(hw, HWLOC_OBJ_CORE);
    t->pus = hwloc_get_nbobjs_by_type(hw, HWLOC_OBJ_PU);
    t->numa_nodes = hwloc_get_nbobjs_by_type(hw, HWLOC_OBJ_NUMANODE);
    hwloc_obj_t root = hwloc_get_root_obj(hw);
    t->memory_bytes = root ? (int64_t)root->total_memory : 0;
    hwloc_obj_t pkg = hwloc_get_obj_by_type(hw, HWLOC_OBJ_PACKAGE, 0);
    const char *m = pkg ? hwloc_obj_get_info_by_name(pkg, "CPUModel") : NULL;
    if (!m && root) m = hwloc_obj_get_info_by_name(root, "CPUModel");
    if (m && *m) nnb_copy_str(t->cpu_model, sizeof t->cpu_model, m);
    else cpuinfo_model(t->cpu_model, sizeof t->cpu_model);
    const char *v = pkg ? hwloc_obj_get_info_by_name(pkg, "CPUVendor") : NULL;
    if (v && *v) nnb_copy_str(t->cpu_vendor, sizeof t->cpu_vendor, v);

    static const hwloc_obj_type_t types[] = {HWLOC_OBJ_L1CACHE, HWLOC_OBJ_L1ICACHE,
                                             HWLOC_OBJ_L2CACHE, HWLOC_OBJ_L3CACHE,
                                             HWLOC_OBJ_L4CACHE, HWLOC_OBJ_L5CACHE};
    for (size_t i = 0; i < sizeof types / sizeof types[0] && t->ncaches < NNB_TOPO_MAX_CACHES; i++) {
        int n = hwloc_get_nbobjs_by_type(hw, types[i]);
        if (n <= 0) continue;
        hwloc_obj_t o = hwloc_get_obj_by_type(hw, types[i], 0);
        if (!o || !o->attr) continue;
        nnb_cache_level *c = &t->caches[t->ncaches++];
        c->level = (int)o->attr->cache.depth;
        c->type = o->attr->cache.type == HWLOC_OBJ_CACHE_INSTRUCTION ? 'i'
                  : o->attr->cache.type == HWLOC_OBJ_CACHE_DATA       ? 'd'
                                                                       : 'u';
        c->geom.size = (int64_t)o->attr->cache.size;
        c->geom.line = (int)o->attr->cache.linesize;
        c->geom.assoc = o->attr->cache.associativity;
        c->count = n;
        int sh = hwloc_get_nbobjs_inside_cpuset_by_type(hw, o->cpuset, HWLOC_OBJ_CORE);
        c->shared_by = sh > 0 ? sh : 1;
    }
    if (t->numa_nodes <= 0) t->numa_nodes = 1;
    if (t->packages <= 0) t->packages = 1;
    if (t->cores <= 0) t->cores = t->pus > 0 ? t->pus : 1;
    if (t->pus <= 0) t->pus = t->cores;
    return;

fallback:
    cpuinfo_model(t->cpu_model, sizeof t->cpu_model);
    {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        t->cores = t->pus = n > 0 ? (int)n : 1;
        t->packages = t->numa_nodes = 1;
    }
}

const nnb_topo *nnb_topo_get(void)
{
    pthread_once(&g_once, load_topo);
    return &g_topo;
}

const nnb_cache_level *nnb_topo_cache(const nnb_topo *t, int level)
{
    for (int i = 0; i < t->ncaches; i++)
        if (t->caches[i].level == level && t->caches[i].type != 'i') return &t->caches[i];
    return NULL;
}

const nnb_cache_level *nnb_topo_llc(const nnb_topo *t)
{
    const nnb_cache_level *best = NULL;
    for (int i = 0; i < t->ncaches; i++)
        if (t->caches[i].type != 'i' && (!best || t->caches[i].level > best->level)) best = &t->caches[i];
    return best;
}

static int geom_ok(const nnb_cache_level *c, nnb_cache_geom *g)
{
    if (!c || c->geom.size <= 0 || c->geom.line <= 0) return -1;
    *g = c->geom;
    return 0;
}

int nnb_topo_l1d_geom(nnb_cache_geom *g) { return geom_ok(nnb_topo_cache(nnb_topo_get(), 1), g); }
int nnb_topo_ll_geom(nnb_cache_geom *g) { return geom_ok(nnb_topo_llc(nnb_topo_get()), g); }

static bool is_pow2(int64_t x) { return x > 0 && (x & (x - 1)) == 0; }

nnb_cache_geom nnb_cache_geom_valgrind(nnb_cache_geom g)
{
    if (!is_pow2(g.line)) g.line = 64;
    if (g.size < g.line) g.size = g.line;
    if (g.assoc <= 0) g.assoc = (int)(g.size / g.line); /* fully associative / unknown */
    if (g.assoc <= 0) g.assoc = 1;
    for (int a = g.assoc; a <= 4 * g.assoc + 64; a++) {
        if (g.size % ((int64_t)g.line * a) == 0 && is_pow2(g.size / ((int64_t)g.line * a))) {
            g.assoc = a;
            return g;
        }
    }
    /* keep assoc, round the set count down to a power of two */
    int64_t sets = g.size / ((int64_t)g.line * g.assoc);
    int64_t p = 1;
    while (p * 2 <= sets) p *= 2;
    g.size = p * g.line * g.assoc;
    return g;
}

/* ---- binding ---- */

int nnb_topo_bind_self(int tid)
{
    const nnb_topo *t = nnb_topo_get();
    if (!g_hw || t->cores <= 0 || tid < 0) return -1;
    hwloc_obj_t core = hwloc_get_obj_by_type(g_hw, HWLOC_OBJ_CORE, (unsigned)(tid % t->cores));
    if (!core || !core->cpuset) return -1;
    return hwloc_set_cpubind(g_hw, core->cpuset, HWLOC_CPUBIND_THREAD) == 0 ? 0 : -1;
}

int nnb_topo_bind_omp(int nthreads, char *desc, size_t desclen)
{
    const nnb_topo *t = nnb_topo_get();
    char tmp[256];
    if (!desc || desclen == 0) {
        desc = tmp;
        desclen = sizeof tmp;
    }
    if (nthreads < 1) {
        snprintf(desc, desclen, "unbound (bad thread count %d)", nthreads);
        return -1;
    }
    if (!g_hw) {
        snprintf(desc, desclen, "unbound (hwloc topology unavailable)");
        return -1;
    }
    int failed = 0;
#pragma omp parallel num_threads(nthreads) reduction(+ : failed)
    {
        if (nnb_topo_bind_self(omp_get_thread_num()) != 0) failed++;
    }
    if (failed) {
        snprintf(desc, desclen, "unbound (hwloc_set_cpubind failed for %d of %d threads)", failed, nthreads);
        return -1;
    }
    /* describe the cores by logical index, and their PUs by OS index */
    hwloc_bitmap_t cores = hwloc_bitmap_alloc(), pus = hwloc_bitmap_alloc();
    int used = nthreads < t->cores ? nthreads : t->cores;
    for (int i = 0; i < used; i++) {
        hwloc_obj_t c = hwloc_get_obj_by_type(g_hw, HWLOC_OBJ_CORE, (unsigned)i);
        if (!c) continue;
        hwloc_bitmap_set(cores, (unsigned)i);
        hwloc_bitmap_or(pus, pus, c->cpuset);
    }
    char cl[128] = "", pl[128] = "";
    hwloc_bitmap_list_snprintf(cl, sizeof cl, cores);
    hwloc_bitmap_list_snprintf(pl, sizeof pl, pus);
    bool same = hwloc_bitmap_isequal(cores, pus);
    hwloc_bitmap_free(cores);
    hwloc_bitmap_free(pus);
    int over = nthreads > t->cores;
    snprintf(desc, desclen, "core%s %s%s%s%s%s", used > 1 ? "s" : "", cl, same ? "" : " (PUs ",
             same ? "" : pl, same ? "" : ")",
             over ? " (oversubscribed: more threads than cores)" : "");
    return over ? 1 : 0;
}

/* ---- printing ---- */

static void fmt_bytes(char *b, size_t n, int64_t v)
{
    if (v >= ((int64_t)1 << 30)) snprintf(b, n, "%.1f GiB", (double)v / (double)((int64_t)1 << 30));
    else if (v >= (1 << 20) && v % (1 << 20) == 0) snprintf(b, n, "%lld MiB", (long long)(v >> 20));
    else if (v >= 1024 && v % 1024 == 0) snprintf(b, n, "%lld KiB", (long long)(v >> 10));
    else snprintf(b, n, "%lld B", (long long)v);
}

void nnb_topo_print(FILE *f, const nnb_topo *t)
{
    char b[32];
    fprintf(f, "host      %s\n", t->hostname);
    fprintf(f, "cpu       %s (%s)\n", t->cpu_model, t->cpu_vendor);
    fprintf(f, "packages  %d   cores %d   PUs %d   NUMA nodes %d\n", t->packages, t->cores, t->pus,
            t->numa_nodes);
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
    fprintf(f, "isa       %s\n", t->isa_str[0] ? t->isa_str : "(none detected)");
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

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\') fprintf(f, "\\%c", ch);
        else if (ch < 0x20) fprintf(f, "\\u%04x", ch);
        else fputc(ch, f);
    }
    fputc('"', f);
}

void nnb_topo_print_json(FILE *f, const nnb_topo *t)
{
    fprintf(f, "{\"schema\":\"nnbench/1\",\"topo\":{\"host\":");
    json_str(f, t->hostname);
    fprintf(f, ",\"cpu_model\":");
    json_str(f, t->cpu_model);
    fprintf(f, ",\"cpu_vendor\":");
    json_str(f, t->cpu_vendor);
    fprintf(f, ",\"from_hwloc\":%s,\"packages\":%d,\"cores\":%d,\"pus\":%d,\"numa_nodes\":%d,"
               "\"memory_bytes\":%lld,\"system_memory_bytes\":%lld,\"isa\":",
            t->from_hwloc ? "true" : "false", t->packages, t->cores, t->pus, t->numa_nodes,
            (long long)t->memory_bytes, (long long)t->system_memory_bytes);
    json_str(f, t->isa_str);
    fprintf(f, ",\"caches\":[");
    for (int i = 0; i < t->ncaches; i++) {
        const nnb_cache_level *c = &t->caches[i];
        fprintf(f, "%s{\"level\":%d,\"type\":\"%s\",\"size\":%lld,\"line\":%d,\"assoc\":%d,"
                   "\"count\":%d,\"shared_by\":%d}",
                i ? "," : "", c->level,
                c->type == 'i' ? "instruction" : c->type == 'd' ? "data" : "unified",
                (long long)c->geom.size, c->geom.line, c->geom.assoc, c->count, c->shared_by);
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
    if (json) nnb_topo_print_json(stdout, t);
    else nnb_topo_print(stdout, t);
    return 0;
}
