/* The valgrind backend's child: one counted kernel run. Instrumentation
 * (CALLGRIND_START/STOP_INSTRUMENTATION) is switched on only around the
 * kernel call, so nothing else is counted and the simulated caches start
 * empty (see counters/valgrind.c). */
#include "cmd/count_child.h"

#include <errno.h>
#include <limits.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <valgrind/callgrind.h>
#include <valgrind/valgrind.h>

#include "counters/counters.h"
#include "counters/jit_code.h"
#include "machine/evict.h"
#include "nnbench/kernel.h"
#include "spec/spec.h"
#include "util/atomic_file.h"
#include "util/util.h"

typedef struct child_args {
    const char *spec, *kernel, *maps;
    long threads;
    unsigned long long seed;
} child_args;

/* 0, or 2 with one line on stderr. */
static int child_fail(const char *fmt, const char *arg)
{
    fprintf(stderr, "nnbench %s: ", NNB_COUNT_CHILD_ARG);
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    return 2;
}

static int parse_child_args(int argc, char **argv, child_args *a)
{
    *a = (child_args){.threads = 1, .seed = 1};
    int i = 1;
    if (i < argc && strcmp(argv[i], NNB_COUNT_CHILD_ARG) == 0) i++;
    for (; i < argc; i += 2) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        char *end;
        if (!v) return child_fail("option %s needs a value", o);
        if (strcmp(o, "--layer") == 0) a->spec = v;
        else if (strcmp(o, "--kernel") == 0) a->kernel = v;
        else if (strcmp(o, "--maps") == 0) a->maps = v;
        else if (strcmp(o, "--threads") == 0) {
            errno = 0;
            a->threads = strtol(v, &end, 10);
            if (errno || *end || a->threads < 1 || a->threads > 4096) return child_fail("bad --threads '%s'", v);
        } else if (strcmp(o, "--seed") == 0) {
            errno = 0;
            a->seed = strtoull(v, &end, 10);
            if (errno || *end) return child_fail("bad --seed '%s'", v);
        } else {
            return child_fail("unknown option '%s'", o);
        }
    }
    if (!a->spec || !a->kernel) return child_fail("%s", "--layer and --kernel are required");
    return 0;
}

/* The one call that is counted; noinline so it is a single frame between
 * the client requests. */
__attribute__((noinline)) static void counted_run(const nnb_kernel *k, const nnb_layer *l,
                                                  const nnb_tensors *t, void *ws)
{
    CALLGRIND_START_INSTRUMENTATION;
    k->run(l, t, ws);
    CALLGRIND_STOP_INSTRUMENTATION;
}

/* /proc/self/maps -> path, whole or not at all (the parent takes the file
 * as the sign that the counted run happened). */
static int copy_maps(const char *path, char *err, size_t len)
{
    FILE *in = fopen("/proc/self/maps", "r");
    if (!in) return snprintf(err, len, "%s: cannot write: %s", path, strerror(errno)), -1;
    nnb_atomic_file af;
    FILE *out = nnb_atomic_open(&af, path, err, len);
    if (!out) {
        fclose(in);
        return -1;
    }
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) fwrite(buf, 1, n, out);
    fclose(in);
    return nnb_atomic_commit(&af, err, len);
}

/* Tensors and workspace for k on l, then the counted run. 0 or 2. */
static int count_once(const nnb_kernel *k, const nnb_layer *l, const child_args *a, char *err, size_t len)
{
    int threads = (int)a->threads;
    omp_set_num_threads(threads);
    nnb_tensors t;
    if (nnb_tensors_alloc(&t, l, err, len) != 0) return child_fail("%s", err);
    nnb_tensors_fill(&t, l, NNB_FILL_INT, a->seed);
    int64_t wsb = k->workspace_bytes ? k->workspace_bytes(l, threads) : 0;
    void *ws = NULL;
    if (wsb > 0 && !(ws = nnb_alloc((size_t)wsb))) {
        fprintf(stderr, "nnbench %s: cannot allocate %lld workspace bytes\n", NNB_COUNT_CHILD_ARG, (long long)wsb);
        nnb_tensors_free(&t);
        return 2;
    }
    /* start the OpenMP team outside the counted region */
#pragma omp parallel num_threads(threads)
    {
        __asm__ volatile("" ::: "memory");
    }
    /* Under callgrind the simulated caches are already empty (nothing is
     * simulated before instrumentation starts), so there is nothing to
     * evict (and hwloc's topology probe would not work under valgrind);
     * natively the buffer makes the run cold. */
    nnb_kernel_prepare(k, l, &t, ws); /* not counted: outside the timed region too */
    if (!RUNNING_ON_VALGRIND) nnb_evict_caches();
    if (k->timed) k->timed(l, &t, ws, true); /* the run as timed: no layout reorders */
    /* No uncounted warm-up run: under valgrind it would cost as much as the
     * count (each FMA lane is emulated in software). The first call's lazy
     * symbol binding is done at start-up instead (the parent sets
     * LD_BIND_NOW); what a warm-up removed beyond that was measured as
     * 0-0.1% of the DRAM bytes (conv:c=16,h=20,k=24,r=3,pad=1: im2col_gemm
     * +384 B of 440 KB, direct_oc and onednn equal). */
    counted_run(k, l, &t, ws);
    if (k->timed) k->timed(l, &t, ws, false);

    int rc = 0;
    if (a->maps) { /* run-time generated code (oneDNN): its bytes for the parent */
        char jit[PATH_MAX + 8];
        snprintf(jit, sizeof jit, "%s.jit", a->maps);
        if (nnb_jit_code_dump(jit) != 0) {
            nnb_errf(err, len, "%.200s: cannot write: %s", jit, strerror(errno));
            rc = child_fail("%s", err);
        }
    }
    if (!rc && a->maps && copy_maps(a->maps, err, len) != 0) rc = child_fail("%s", err);
    nnb_free(ws);
    nnb_tensors_free(&t);
    return rc;
}

int nnb_count_child_main(int argc, char **argv)
{
    child_args a;
    int rc = parse_child_args(argc, argv, &a);
    if (rc) return rc;
    nnb_layer l;
    char err[256];
    if (nnb_spec_parse(a.spec, &l, err, sizeof err) != 0) return child_fail("%s", err);
    const nnb_kernel *k = nnb_kernel_find(a.kernel);
    if (!k) return child_fail("unknown kernel '%s'", a.kernel);
    if (!k->supports(&l)) return child_fail("kernel '%s' does not support this layer", a.kernel);
    return count_once(k, &l, &a, err, sizeof err);
}
