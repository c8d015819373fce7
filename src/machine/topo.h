/* Machine topology through hwloc: cores, hardware threads, caches per level,
 * NUMA nodes and CPU model; and OpenMP thread binding (one thread per
 * core). The ISA is machine/isa.h's. The topology is loaded once per
 * process and kept (thread-safe reads afterwards). Every function works without hwloc data: missing
 * values are 0 / "unknown" and binding then reports that it did nothing. */
#ifndef NNBENCH_TOPO_H
#define NNBENCH_TOPO_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct nnb_cache_geom {
    int64_t size;   /* bytes of one instance */
    int assoc;      /* ways; -1 fully associative; 0 unknown */
    int line;       /* bytes */
} nnb_cache_geom;

typedef struct nnb_cache_level {
    int level;         /* 1, 2, 3, 4 */
    char type;         /* 'd' data, 'u' unified, 'i' instruction */
    nnb_cache_geom geom;
    int count;         /* instances in the machine */
    int shared_by;     /* cores sharing one instance */
} nnb_cache_level;

#define NNB_TOPO_MAX_CACHES 8

typedef struct nnb_topo {
    bool from_hwloc;        /* false: hwloc failed, values are fallbacks */
    char hostname[64];
    char cpu_vendor[32];
    char cpu_model[128];
    int packages, cores, pus, numa_nodes;   /* the whole machine */
    /* What this process may use: its cpuset (cgroup) and affinity (taskset,
     * numactl, Slurm, MPI) at the first call, before anything was bound.
     * cpuset lists the allowed PUs by OS index, as taskset -c takes them. */
    int allowed_cores, allowed_pus;
    bool restricted;        /* the allowed set leaves out part of the machine */
    char cpuset[128];
    int64_t memory_bytes;   /* total RAM hwloc sees (the NUMA nodes') */
    int64_t system_memory_bytes; /* physical pages x page size (sysconf): can exceed
                                    memory_bytes on VMs whose NUMA node lists part of RAM */
    int ncaches;            /* caches[], ordered by level, L1i after L1d */
    nnb_cache_level caches[NNB_TOPO_MAX_CACHES];
} nnb_topo;

/* Loads (first call) and returns the topology; never NULL. */
const nnb_topo *nnb_topo_get(void);

/* Data/unified cache of a level (1, 2, 3...), NULL when there is none. */
const nnb_cache_level *nnb_topo_cache(const nnb_topo *t, int level);
/* Last-level data/unified cache, NULL when hwloc found no cache. */
const nnb_cache_level *nnb_topo_llc(const nnb_topo *t);

/* L1d and last-level geometry for valgrind's --D1=size,assoc,line and
 * --LL=...: 0, or -1 when unknown. valgrind needs power-of-two set counts;
 * nnb_cache_geom_valgrind() turns a geometry into one it accepts (same size
 * and line; associativity raised until the set count is a power of two,
 * or size rounded down when that fails). */
int nnb_topo_l1d_geom(nnb_cache_geom *g);
int nnb_topo_ll_geom(nnb_cache_geom *g);
/* The L2 geometry when a deeper cache level follows it (valgrind's second
 * pass simulates it as the last level); -1 when there is no such L2. */
int nnb_topo_l2_geom(nnb_cache_geom *g);
nnb_cache_geom nnb_cache_geom_valgrind(nnb_cache_geom g);

/* Binds each thread of an OpenMP team of nthreads inside the allowed set,
 * each to one PU: thread i -> allowed core i mod cores, and on it its
 * (i / cores)-th allowed PU, so no core runs two threads while an allowed
 * core is free (hwloc_set_cpubind HWLOC_CPUBIND_THREAD inside an omp
 * parallel region). Call once after omp_set_num_threads(), with the same
 * count. Writes a description such as "cores 0-1" (logical core indexes;
 * "(PUs ...)" by OS index follows where they differ) or why nothing was
 * bound to desc. Returns 0 when every thread was bound, 1 when threads
 * outnumber the allowed PUs (bound round-robin, said in desc), -1 when
 * binding failed or is not supported (threads left unbound, said in desc). */
int nnb_topo_bind_omp(int nthreads, char *desc, size_t desclen);
/* The same for the calling thread only, as OpenMP thread tid: for use
 * inside one's own parallel region. Returns 0 or -1. */
int nnb_topo_bind_self(int tid);
/* The cores (logical indexes) and PUs (OS indexes) that nthreads threads
 * bind to, as hwloc lists ("1", "0-1"); either buffer may be NULL. 0, 1
 * when the two lists differ, -1 without hwloc data. */
int nnb_topo_used(int nthreads, char *cores, size_t cores_len, char *pus, size_t pus_len);
/* The allowed set as a sched_setaffinity mask (for a child process that
 * must not inherit one thread's binding). 0, or -1 when unknown. */
int nnb_topo_allowed_affinity(cpu_set_t *set);

#endif
