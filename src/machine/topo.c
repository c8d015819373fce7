/* hwloc topology and OpenMP thread binding (see topo.h). */
#include "machine/topo.h"
#include "util/util.h"

#include <hwloc.h>
#include <hwloc/glibc-sched.h>
#include <omp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static hwloc_topology_t g_hw;      /* NULL when hwloc failed */
static nnb_topo g_topo;
/* The process's allowed PUs (cgroup cpuset and affinity at load), and per
 * allowed core (logical order) its allowed PUs: what binding hands out. */
static hwloc_bitmap_t g_allowed;
static hwloc_bitmap_t *g_core_pus;
static int g_ncores;
static cpu_set_t g_allowed_affinity; /* g_allowed for sched_setaffinity after fork */
static bool g_have_affinity;
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

/* The cores this process may run on: the machine's allowed set (cgroup
 * cpuset) within the process's affinity (taskset, numactl, Slurm, an MPI
 * launcher), read once before any thread is bound. Every core with at least
 * one allowed PU counts, with those PUs only. */
static void load_allowed(hwloc_topology_t hw, nnb_topo *t)
{
    g_allowed = hwloc_bitmap_dup(hwloc_topology_get_allowed_cpuset(hw));
    hwloc_bitmap_t bound = hwloc_bitmap_alloc();
    if (g_allowed && bound && hwloc_get_cpubind(hw, bound, HWLOC_CPUBIND_PROCESS) == 0 &&
        hwloc_bitmap_intersects(g_allowed, bound))
        hwloc_bitmap_and(g_allowed, g_allowed, bound);
    hwloc_bitmap_free(bound);
    if (!g_allowed) return;
    int n = hwloc_get_nbobjs_by_type(hw, HWLOC_OBJ_CORE);
    g_core_pus = calloc(n > 0 ? (size_t)n : 1, sizeof *g_core_pus);
    for (int i = 0; g_core_pus && i < n; i++) {
        hwloc_obj_t c = hwloc_get_obj_by_type(hw, HWLOC_OBJ_CORE, (unsigned)i);
        if (!c || !c->cpuset || !hwloc_bitmap_intersects(c->cpuset, g_allowed)) continue;
        hwloc_bitmap_t pus = hwloc_bitmap_alloc();
        if (!pus) continue;
        hwloc_bitmap_and(pus, c->cpuset, g_allowed);
        g_core_pus[g_ncores++] = pus;
    }
    t->allowed_cores = g_ncores;
    t->allowed_pus = hwloc_bitmap_weight(g_allowed);
    t->restricted = !hwloc_bitmap_isequal(g_allowed, hwloc_topology_get_topology_cpuset(hw));
    hwloc_bitmap_list_snprintf(t->cpuset, sizeof t->cpuset, g_allowed);
    CPU_ZERO(&g_allowed_affinity);
    g_have_affinity = hwloc_cpuset_to_glibc_sched_affinity(hw, g_allowed, &g_allowed_affinity,
                                                          sizeof g_allowed_affinity) == 0;
}

/* Without hwloc: the affinity mask alone, every PU taken as a core. */
static void fallback_allowed(nnb_topo *t)
{
    cpu_set_t s;
    if (sched_getaffinity(0, sizeof s, &s) != 0) return;
    g_allowed_affinity = s;
    g_have_affinity = true;
    t->allowed_cores = t->allowed_pus = CPU_COUNT(&s);
    size_t off = 0;
    for (int c = 0; c < CPU_SETSIZE && off + 12 < sizeof t->cpuset; c++)
        if (CPU_ISSET(c, &s)) off += (size_t)snprintf(t->cpuset + off, sizeof t->cpuset - off, "%s%d", off ? "," : "", c);
    t->restricted = t->allowed_pus < t->pus;
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
    load_allowed(hw, t);
    if (t->allowed_cores <= 0) { /* the set names no core hwloc knows: take the machine */
        t->allowed_cores = t->cores;
        t->allowed_pus = t->pus;
    }
    return;

fallback:
    cpuinfo_model(t->cpu_model, sizeof t->cpu_model);
    {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        t->cores = t->pus = n > 0 ? (int)n : 1;
        t->packages = t->numa_nodes = 1;
    }
    fallback_allowed(t);
    if (t->allowed_cores <= 0) t->allowed_cores = t->allowed_pus = t->cores;
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

int nnb_topo_allowed_affinity(cpu_set_t *set)
{
    nnb_topo_get();
    if (!g_have_affinity) return -1;
    *set = g_allowed_affinity;
    return 0;
}

/* Thread tid's PU (OS index): allowed core tid mod cores, and on it the
 * (tid / cores)-th allowed PU, so a core's second PU is taken only once
 * every allowed core has a thread; -1 without hwloc data. */
static int thread_pu(int tid)
{
    if (!g_hw || g_ncores <= 0 || tid < 0) return -1;
    const hwloc_bitmap_t pus = g_core_pus[tid % g_ncores];
    int k = (tid / g_ncores) % hwloc_bitmap_weight(pus);
    int pu = hwloc_bitmap_first(pus);
    while (k-- > 0) pu = hwloc_bitmap_next(pus, pu);
    return pu;
}

int nnb_topo_bind_self(int tid)
{
    nnb_topo_get();
    int pu = thread_pu(tid);
    if (pu < 0) return -1;
    hwloc_bitmap_t set = hwloc_bitmap_alloc();
    if (!set) return -1;
    hwloc_bitmap_only(set, (unsigned)pu);
    int rc = hwloc_set_cpubind(g_hw, set, HWLOC_CPUBIND_THREAD) == 0 ? 0 : -1;
    hwloc_bitmap_free(set);
    return rc;
}

int nnb_topo_used(int nthreads, char *cores, size_t cores_len, char *pus, size_t pus_len)
{
    nnb_topo_get();
    if (!g_hw || g_ncores <= 0 || nthreads < 1) return -1;
    /* cores by logical index (as lstopo and lscpu number them), PUs by OS
     * index (as taskset, Slurm and /proc number them) */
    hwloc_bitmap_t cs = hwloc_bitmap_alloc(), ps = hwloc_bitmap_alloc();
    for (int i = 0; cs && ps && i < nthreads; i++) {
        int pu = thread_pu(i);
        hwloc_obj_t o = hwloc_get_pu_obj_by_os_index(g_hw, (unsigned)pu);
        hwloc_obj_t core = o ? hwloc_get_ancestor_obj_by_type(g_hw, HWLOC_OBJ_CORE, o) : NULL;
        hwloc_bitmap_set(ps, (unsigned)pu);
        if (core) hwloc_bitmap_set(cs, core->logical_index);
    }
    if (cores) hwloc_bitmap_list_snprintf(cores, cores_len, cs);
    if (pus) hwloc_bitmap_list_snprintf(pus, pus_len, ps);
    int ncores = hwloc_bitmap_weight(cs);
    bool same = hwloc_bitmap_isequal(cs, ps);
    hwloc_bitmap_free(cs);
    hwloc_bitmap_free(ps);
    return ncores < 0 ? -1 : (same ? 0 : 1);
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
    if (!g_hw || g_ncores <= 0) {
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
    char cl[128] = "", pl[128] = "";
    int differ = nnb_topo_used(nthreads, cl, sizeof cl, pl, sizeof pl);
    int used = nthreads < g_ncores ? nthreads : g_ncores;
    bool over = nthreads > t->allowed_pus, smt = nthreads > g_ncores && !over;
    snprintf(desc, desclen, "core%s %s%s%s%s%s", used > 1 ? "s" : "", cl, differ ? " (PUs " : "", differ ? pl : "",
             differ ? ")" : "",
             over ? " (oversubscribed: more threads than allowed PUs)" : smt ? " (SMT)" : "");
    return over ? 1 : 0;
}
