/* hwloc topology and OpenMP thread binding (see topo.h). */
#include "machine/topo.h"
#include "util/util.h"

#include <hwloc.h>
#include <omp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static hwloc_topology_t g_hw;      /* NULL when hwloc failed */
static nnb_topo g_topo;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

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

int nnb_topo_l2_geom(nnb_cache_geom *g)
{
    const nnb_topo *t = nnb_topo_get();
    const nnb_cache_level *l2 = nnb_topo_cache(t, 2), *llc = nnb_topo_llc(t);
    if (!l2 || l2 == llc) return -1; /* no L2, or the L2 is the last level */
    return geom_ok(l2, g);
}

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
