/* The `valgrind` backend: counts on machines without a PMU.
 *
 * The parent re-runs the kernel once in a child process under
 *   valgrind --tool=callgrind --dump-instr=yes --dump-line=no --cache-sim=yes
 *            --simulate-wb=yes --D1=.. --LL=.. [--I1=..] --instr-atstart=no
 *            --callgrind-out-file=DIR/callgrind.out
 *            NNBENCH __count-child --layer SPEC --kernel NAME --threads T --maps DIR/maps
 * (cache geometry from hwloc). The child (cmd/count_child.c) switches
 * instrumentation on with CALLGRIND_START_INSTRUMENTATION right before the
 * single kernel->run() call and off right after it. Instrumentation, unlike
 * CALLGRIND_TOGGLE_COLLECT, is global: the OpenMP worker threads are
 * counted too (collection state is per thread in callgrind). And because
 * nothing is simulated while instrumentation is off, the simulated caches
 * are empty when the kernel starts: a cold run.
 *
 * The parent parses the profile (callgrind.c), reads each executed
 * instruction's bytes from its ELF object (callgrind prints ELF virtual
 * addresses: it subtracts each object's load bias; the child's
 * /proc/self/maps resolves any address that is not one), decodes it with
 * Zydis (x86_flops.c) and weights it by its execution count. */
#include "counters/counters.h"

#include <elf.h>
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "counters/callgrind.h"
#include "counters/count_cache.h"
#include "counters/cg_traffic.h"
#include "counters/jit_code.h"
#include "counters/x86_flops.h"
#include "nnbench/model.h"
#include "spec/spec.h"
#include "machine/blas.h"
#include "machine/topo.h"
#include "util/appendf.h"
#include "util/clock.h"
#include "util/temps.h"
#include "util/util.h"

/* ---------------------------------------------------------------- probe */

static int find_in_path(const char *prog, char *out, size_t len)
{
    const char *path = getenv("PATH");
    if (!path || !*path) path = "/usr/local/bin:/usr/bin:/bin";
    const char *p = path;
    while (*p) {
        const char *colon = strchr(p, ':');
        size_t n = colon ? (size_t)(colon - p) : strlen(p);
        if (n > 0 && n + strlen(prog) + 2 < len) {
            snprintf(out, len, "%.*s/%s", (int)n, p, prog);
            if (access(out, X_OK) == 0) return 0;
        }
        p += n;
        if (*p == ':') p++;
    }
    return -1;
}

static int valgrind_probe(const nnb_layer *l, char *why, size_t len)
{
    (void)l;
    char vg[PATH_MAX];
    /* A child that counts again would start valgrind under valgrind, each
     * level more (a program that is not the nnbench CLI reads the child's
     * arguments as its own): refuse instead of multiplying processes. */
    if (getenv("NNB_COUNT_CHILD")) {
        snprintf(why, len, "a counted child cannot count again: the child must be the nnbench CLI (set NNB_COUNT_EXE)");
        return -1;
    }
    if (find_in_path("valgrind", vg, sizeof vg) != 0) {
        snprintf(why, len, "valgrind not installed (apt-get install valgrind)");
        return -1;
    }
    snprintf(why, len, "callgrind at %s, simulated caches", vg);
    return 0;
}

/* ------------------------------------------------------ ELF and maps */

typedef struct elf_img {
    char *path;
    unsigned char *data;
    size_t size;
    const Elf64_Phdr *ph;
    int phnum;
    bool ok;
} elf_img;

static void elf_open(elf_img *e, const char *path)
{
    memset(e, 0, sizeof *e);
    e->path = strdup(path);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size < (off_t)sizeof(Elf64_Ehdr)) {
        close(fd);
        return;
    }
    void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m == MAP_FAILED) return;
    e->data = m;
    e->size = (size_t)st.st_size;
    const Elf64_Ehdr *eh = m;
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
        eh->e_phoff == 0 || eh->e_phentsize != sizeof(Elf64_Phdr) ||
        eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > e->size)
        return;
    e->ph = (const Elf64_Phdr *)(e->data + eh->e_phoff);
    e->phnum = eh->e_phnum;
    e->ok = true;
}

static void elf_close(elf_img *e)
{
    if (e->data) munmap(e->data, e->size);
    free(e->path);
    memset(e, 0, sizeof *e);
}

/* File offset of ELF virtual address v in an executable segment; -1 if none. */
static int64_t elf_vaddr_offset(const elf_img *e, uint64_t v)
{
    if (!e->ok) return -1;
    for (int i = 0; i < e->phnum; i++) {
        const Elf64_Phdr *p = &e->ph[i];
        if (p->p_type == PT_LOAD && (p->p_flags & PF_X) && v >= p->p_vaddr &&
            v < p->p_vaddr + p->p_filesz && p->p_offset + (v - p->p_vaddr) < e->size)
            return (int64_t)(p->p_offset + (v - p->p_vaddr));
    }
    return -1;
}

typedef struct map_ent {
    uint64_t start, end, off;
    char path[PATH_MAX];
} map_ent;

static map_ent *read_maps(const char *file, size_t *n)
{
    *n = 0;
    FILE *f = fopen(file, "r");
    if (!f) return NULL;
    map_ent *v = NULL;
    size_t cap = 0;
    char line[PATH_MAX + 256];
    while (fgets(line, sizeof line, f)) {
        unsigned long long s, e, o;
        char perms[8];
        int pos = 0;
        if (sscanf(line, "%llx-%llx %7s %llx %*s %*s%n", &s, &e, perms, &o, &pos) < 4) continue;
        if (perms[2] != 'x') continue;
        char *p = line + pos;
        while (*p == ' ') p++;
        p[strcspn(p, "\n")] = '\0';
        if (*p != '/') continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            map_ent *nv = realloc(v, cap * sizeof *nv);
            if (!nv) break;
            v = nv;
        }
        v[*n].start = s;
        v[*n].end = e;
        v[*n].off = o;
        snprintf(v[*n].path, sizeof v[*n].path, "%s", p);
        (*n)++;
    }
    fclose(f);
    return v;
}

/* ---------------------------------------------------------- parent */

typedef struct tally {
    double flops, sp, dp, load, store;
    double unresolved_ir, masked_ir, total_ir;
    double vec_flops[3];   /* 128, 256, 512-bit */
    char unresolved_obj[128];
    uint8_t *flags;        /* per instruction of the profile: NNB_CG_* (cg_traffic.h); NULL: none */
} tally;

/* The traffic classes of instruction in (cg_traffic.h). callgrind 3.19
 * files a guarded access's cache events (and one Ir per lane) on the
 * instruction that follows it (measured: a vmaskmovps loop's misses sit on
 * the next add): that one is flagged too. */
static void flag_instr(const nnb_cg_profile *p, const nnb_cg_instr *in, const nnb_x86_weight *w, bool jit_code,
                       uint8_t *flags)
{
    flags[in - p->instr] |= (uint8_t)((w->stack_mem ? NNB_CG_STACK : 0) | (jit_code ? NNB_CG_JIT : 0) |
                                      (w->may_straddle ? NNB_CG_UNALIGNED : 0) | (w->rep_string ? NNB_CG_REP : 0));
    if (!w->guarded_mem) return;
    const nnb_cg_instr *next = nnb_cg_find_instr(p, in->obj, in->addr + (uint64_t)w->length);
    if (next) flags[next - p->instr] |= NNB_CG_GUARDED;
}

/* What one execution of an instruction adds to the tally, kept per
 * instruction for the correction of guarded accesses' lane Irs below */
typedef struct weighed {
    double flops, sp, dp;
    int vec; /* vec_flops index, -1: scalar */
} weighed;

static void tally_add(tally *t, const weighed *w, double n)
{
    t->flops += n * w->flops;
    t->sp += n * w->sp;
    t->dp += n * w->dp;
    if (w->vec >= 0) t->vec_flops[w->vec] += n * w->flops;
}

/* callgrind 3.19 files one Ir per active lane of a guarded access on the
 * instruction that follows it (flag_instr): an FP instruction there would
 * count its FLOPs once per lane too (measured: oneDNN's sgemm stores C with
 * vmaskmovps, the next vmulps counted 1 + 4 times per execution with 4 lanes
 * active). Where the guarded instruction falls through to it, the follower
 * ran as often as the guarded one did: its excess is taken off. (A follower
 * also reached by a jump would lose those entries' FLOPs; in the code
 * counted here the follower of a masked access is straight-line code.) */
static void untally_guarded_lanes(const nnb_cg_profile *p, int ir, const weighed *per, const double *guard_ir,
                                  tally *t)
{
    for (size_t i = 0; i < p->ninstr; i++) {
        const double n = (double)p->instr[i].cost[ir];
        if (guard_ir[i] > 0 && n > guard_ir[i] && per[i].flops > 0) tally_add(t, &per[i], -(n - guard_ir[i]));
    }
}

static void weigh_profile(const nnb_cg_profile *p, const map_ent *maps, size_t nmaps, const nnb_jit_code *jit,
                          tally *t)
{
    memset(t, 0, sizeof *t);
    int ir = nnb_cg_event(p, "Ir");
    t->flags = calloc(p->ninstr ? p->ninstr : 1, 1);
    weighed *per = calloc(p->ninstr ? p->ninstr : 1, sizeof *per);
    double *guard_ir = calloc(p->ninstr ? p->ninstr : 1, sizeof *guard_ir);
    elf_img *imgs = calloc(p->nobjs ? p->nobjs : 1, sizeof *imgs);
    bool *opened = calloc(p->nobjs ? p->nobjs : 1, sizeof *opened);
    for (size_t i = 0; i < p->ninstr; i++) {
        const nnb_cg_instr *in = &p->instr[i];
        double n = (double)in->cost[ir];
        t->total_ir += n;
        if (n == 0) continue;
        const unsigned char *bytes = NULL;
        size_t avail = 0;
        if (in->obj >= 0 && imgs && opened) {
            elf_img *e = &imgs[in->obj];
            if (!opened[in->obj]) {
                elf_open(e, p->objs[in->obj]);
                opened[in->obj] = true;
            }
            int64_t off = elf_vaddr_offset(e, in->addr);
            if (off < 0) /* not an ELF vaddr: a run-time address? */
                for (size_t m = 0; m < nmaps; m++)
                    if (in->addr >= maps[m].start && in->addr < maps[m].end &&
                        strcmp(maps[m].path, p->objs[in->obj]) == 0) {
                        off = (int64_t)(in->addr - maps[m].start + maps[m].off);
                        break;
                    }
            if (off >= 0 && e->data && (size_t)off < e->size) {
                bytes = e->data + off;
                avail = e->size - (size_t)off;
                if (avail > 15) avail = 15;
            }
        }
        bool jit_code = !bytes;
        if (!bytes) bytes = nnb_jit_code_at(jit, in->addr, &avail); /* generated at run time */
        nnb_x86_weight w;
        if (!bytes || nnb_x86_weigh(bytes, avail, &w) != 0) {
            t->unresolved_ir += n;
            if (!t->unresolved_obj[0])
                snprintf(t->unresolved_obj, sizeof t->unresolved_obj, "%s",
                         in->obj >= 0 && strcmp(p->objs[in->obj], "???") != 0 ? p->objs[in->obj]
                                                                               : "code outside any object");
            continue;
        }
        if (t->flags) flag_instr(p, in, &w, jit_code, t->flags);
        const weighed one = {w.flops, w.flops_sp, w.flops_dp,
                             w.vec_bits == 128 ? 0 : w.vec_bits == 256 ? 1 : w.vec_bits == 512 ? 2 : -1};
        tally_add(t, &one, n);
        if (per) per[i] = one;
        if (w.guarded_mem && guard_ir) {
            const nnb_cg_instr *next = nnb_cg_find_instr(p, in->obj, in->addr + (uint64_t)w.length);
            if (next) guard_ir[next - p->instr] = n;
        }
        t->load += n * w.load_bytes;
        t->store += n * w.store_bytes;
        if (w.masked) t->masked_ir += n;
    }
    if (per && guard_ir) untally_guarded_lanes(p, ir, per, guard_ir, t);
    for (size_t o = 0; imgs && opened && o < p->nobjs; o++)
        if (opened[o]) elf_close(&imgs[o]);
    free(imgs);
    free(opened);
    free(per);
    free(guard_ir);
}

/* The last non-empty line of the child's log that is not a valgrind
 * "==PID==" line: the child's own error message. */
static void last_line_of(const char *file, char *out, size_t len)
{
    out[0] = '\0';
    FILE *f = fopen(file, "r");
    if (!f) return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '=' && line[1] == '=') continue;
        size_t n = strlen(line);
        if (n && len) {
            if (n >= len) n = len - 1;
            memcpy(out, line, n);
            out[n] = '\0';
        }
    }
    fclose(f);
}

static int geom_arg(char *buf, size_t len, const char *opt, nnb_cache_geom g)
{
    if (g.size <= 0 || g.line <= 0 || g.assoc == 0) return -1;
    nnb_cache_geom v = nnb_cache_geom_valgrind(g);
    if (v.size <= 0 || v.line <= 0 || v.assoc <= 0) return -1;
    snprintf(buf, len, "--%s=%lld,%d,%d", opt, (long long)v.size, v.assoc, v.line);
    return 0;
}

/* The files of one counted run, in a private temporary directory. */
typedef struct count_files {
    char dir[PATH_MAX];
    char profile[PATH_MAX + 32], maps[PATH_MAX + 32], maps_jit[PATH_MAX + 40], log[PATH_MAX + 32];
    bool keep;                 /* NNB_KEEP_COUNT_FILES: left for a look */
} count_files;

static int make_count_files(count_files *cf, char *err, size_t len)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(cf->dir, sizeof cf->dir, "%s/nnb-count-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(cf->dir)) {
        snprintf(err, len, "valgrind: cannot create a temporary directory in %s: %s",
                 tmp && *tmp ? tmp : "/tmp", strerror(errno));
        return -1;
    }
    cf->keep = getenv("NNB_KEEP_COUNT_FILES") != NULL;
    snprintf(cf->profile, sizeof cf->profile, "%.4000s/callgrind.out", cf->dir);
    snprintf(cf->maps, sizeof cf->maps, "%.4000s/maps", cf->dir);
    snprintf(cf->maps_jit, sizeof cf->maps_jit, "%.4020s.jit", cf->maps); /* the child's NNB_JIT_SUFFIX copy */
    snprintf(cf->log, sizeof cf->log, "%.4000s/valgrind.log", cf->dir);
    /* a second SIGINT/SIGTERM removes them (util/temps.h): the directory first, its files after */
    const char *paths[] = {cf->dir, cf->profile, cf->maps, cf->maps_jit, cf->log};
    if (!cf->keep)
        for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) nnb_temps_track(paths[i]);
    return 0;
}

static void remove_count_files(const count_files *cf, bool keep)
{
    if (keep) return;
    const char *files[] = {cf->profile, cf->maps, cf->maps_jit, cf->log, cf->dir};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        if (unlink(files[i]) != 0) rmdir(files[i]);
        nnb_temps_untrack(files[i]);
    }
}

/* The nnbench executable the child runs: $NNB_COUNT_EXE, else this one
 * (not a sanitizer build: valgrind cannot run those). */
static int find_exe(char *exe, size_t size, char *err, size_t len)
{
    const char *env_exe = getenv("NNB_COUNT_EXE");
    if (env_exe && *env_exe) {
        snprintf(exe, size, "%s", env_exe);
        return 0;
    }
    ssize_t n = readlink("/proc/self/exe", exe, size - 1);
    if (n <= 0) {
        snprintf(err, len, "cannot find the nnbench executable (/proc/self/exe): %s", strerror(errno));
        return -1;
    }
    exe[n] = '\0';
#if defined(__SANITIZE_ADDRESS__)
    snprintf(err, len,
             "valgrind cannot run an AddressSanitizer build (%s); set NNB_COUNT_EXE to a "
             "non-sanitized nnbench", exe);
    return -1;
#endif
    return 0;
}

/* valgrind's command line: callgrind with hwloc's cache geometry, then the
 * child. The strings it points to live in cl. */
typedef struct child_cmdline {
    const char *args[32];
    char d1[96], ll[96], i1[96], out_arg[PATH_MAX + 64], thr[16];
} child_cmdline;

static void build_cmdline(child_cmdline *cl, const char *vg, const char *exe, const char *spec,
                          const char *kernel, int threads, const count_files *cf, const nnb_cache_geom *last)
{
    memset(cl, 0, sizeof *cl);
    snprintf(cl->out_arg, sizeof cl->out_arg, "--callgrind-out-file=%s", cf->profile);
    snprintf(cl->thr, sizeof cl->thr, "%d", threads);
    /* cache geometry from hwloc, adjusted to what valgrind accepts */
    nnb_cache_geom g;
    const nnb_topo *topo = nnb_topo_get();
    bool have_d1 = nnb_topo_l1d_geom(&g) == 0 && geom_arg(cl->d1, sizeof cl->d1, "D1", g) == 0;
    bool have_ll = last && geom_arg(cl->ll, sizeof cl->ll, "LL", *last) == 0;
    for (int c = 0; c < topo->ncaches; c++)
        if (topo->caches[c].level == 1 && topo->caches[c].type == 'i')
            geom_arg(cl->i1, sizeof cl->i1, "I1", topo->caches[c].geom);
    const char **a = cl->args;
    int na = 0;
    a[na++] = vg;
    a[na++] = "--tool=callgrind";
    a[na++] = "--quiet";
    a[na++] = "--vgdb=no"; /* no gdbserver FIFOs in $TMPDIR: nothing left if the count is killed */
    a[na++] = "--dump-instr=yes";
    a[na++] = "--dump-line=no";
    a[na++] = "--cache-sim=yes";
    a[na++] = "--simulate-wb=yes";
    if (have_d1) a[na++] = cl->d1;
    if (have_ll) a[na++] = cl->ll;
    if (cl->i1[0]) a[na++] = cl->i1;
    a[na++] = "--instr-atstart=no";
    a[na++] = "--smc-check=all-non-file"; /* JIT code (oneDNN) is re-translated when rewritten */
    a[na++] = cl->out_arg;
    a[na++] = exe;
    a[na++] = NNB_COUNT_CHILD_ARG;
    a[na++] = "--layer";
    a[na++] = spec;
    a[na++] = "--kernel";
    a[na++] = kernel;
    a[na++] = "--threads";
    a[na++] = cl->thr;
    a[na++] = "--maps";
    a[na++] = cf->maps;
    a[na] = NULL;
}

/* fork + exec valgrind with output to the log. 0 with *pid set, or -1 with err. */
static int spawn_child(const child_cmdline *cl, const count_files *cf, pid_t *pid, char *err, size_t len)
{
    cpu_set_t allowed; /* read before fork: the child only makes the system call */
    bool have_allowed = nnb_topo_allowed_affinity(&allowed) == 0;
    fflush(stdout);
    fflush(stderr);
    *pid = fork();
    if (*pid < 0) {
        snprintf(err, len, "valgrind: fork failed: %s", strerror(errno));
        return -1;
    }
    if (*pid == 0) {
        int fd = open(cf->log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        /* the parent's thread is bound to one core (the timed runs); the
         * passes run side by side only if each child may use every core
         * the process was given (never more: a Slurm task's cores only) */
        if (have_allowed) sched_setaffinity(0, sizeof allowed, &allowed);
        setenv("OMP_NUM_THREADS", cl->thr, 1);
        setenv("OPENBLAS_NUM_THREADS", cl->thr, 1);
        setenv("OMP_WAIT_POLICY", "PASSIVE", 1); /* valgrind serialises threads: no spinning */
        setenv("GOMP_SPINCOUNT", "0", 1);
        setenv("LD_BIND_NOW", "1", 1); /* symbols bound at start-up, not inside the counted call */
        unsetenv("NNB_COUNT_EXE");
        setenv("NNB_COUNT_CHILD", "1", 1);
        /* an AVX-512 core forced on OpenBLAS (the remedy nnbench itself
         * suggests) dies of SIGILL under valgrind: there OpenBLAS picks its
         * core from the CPU valgrind shows (AVX2 at most) */
        if (nnb_blas_core_is_avx512(getenv("OPENBLAS_CORETYPE"))) unsetenv("OPENBLAS_CORETYPE");
        execv(cl->args[0], (char *const *)cl->args);
        fprintf(stderr, "cannot execute %s: %s\n", cl->args[0], strerror(errno));
        _exit(127);
    }
    nnb_temps_child(*pid, true); /* a second signal kills it before removing its files */
    return 0;
}

/* Waits for a spawned child. 0 when it exited 0, else -1 with the child's
 * last line in err. */
static int wait_child(pid_t pid, const count_files *cf, char *err, size_t len)
{
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            nnb_temps_child(pid, false);
            snprintf(err, len, "valgrind: waitpid: %s", strerror(errno));
            return -1;
        }
    }
    nnb_temps_child(pid, false);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
    char last[400];
    last_line_of(cf->log, last, sizeof last);
    if (WIFEXITED(status))
        snprintf(err, len, "valgrind run failed (exit %d): %s", WEXITSTATUS(status), last[0] ? last : "no output");
    else
        snprintf(err, len, "valgrind run killed by signal %d: %s", WTERMSIG(status), last[0] ? last : "no output");
    return -1;
}

/* The child's profile, checked: it ran the counted kernel and executed
 * instructions. 0, or -1 with err (prof then holds nothing). */
static int read_profile(const count_files *cf, const char *exe, nnb_cg_profile *prof, char *err, size_t len)
{
    /* the child writes the maps file only after the counted run */
    if (access(cf->maps, R_OK) != 0) {
        snprintf(err, len,
                 "valgrind: %.300s exited without running the counted kernel (no maps file); does its "
                 "main() pass '%s' to nnb_count_child_main()?", exe, NNB_COUNT_CHILD_ARG);
        return -1;
    }
    char perr[512];
    if (nnb_cg_parse_file(cf->profile, prof, perr, sizeof perr) != 0) {
        snprintf(err, len, "valgrind: cannot read the callgrind profile: %.400s", perr);
        return -1;
    }
    if (nnb_cg_event(prof, "Ir") < 0 || !prof->has_instr || nnb_cg_total(prof, "Ir", NULL) == 0) {
        snprintf(err, len, "valgrind: the callgrind profile has no executed instructions (Ir) for the kernel");
        nnb_cg_free(prof);
        return -1;
    }
    return 0;
}

/* "48K/12w/64B" for a simulated cache; "?" when the profile does not say. */
static const char *cache_str(const nnb_cg_cache_desc *c, char *buf, size_t len)
{
    if (c->size <= 0) return "?";
    if (c->size >= (1 << 20) && c->size % (1 << 20) == 0)
        snprintf(buf, len, "%lldM/%dw/%dB", (long long)(c->size >> 20), c->assoc, c->line);
    else snprintf(buf, len, "%lldK/%dw/%dB", (long long)(c->size >> 10), c->assoc, c->line);
    return buf;
}

/* The note: what these numbers are and are not. Every part has a bounded
 * length (object names at most 127 bytes), so it fits nnb_counts.note whole. */
static void counts_note(nnb_counts *out, const nnb_cg_profile *prof, const nnb_cg_profile *prof_l2, const tally *t)
{
    char d1[48], l2[48], ll[48];
    size_t off = 0, len = sizeof out->note;
    int threads = out->threads;
    nnb_appendf(out->note, len, &off,
                "callgrind: AVX2/SSE code paths (valgrind has no AVX-512); %d thread%s serialised, one shared "
                "simulated cache per level; cold caches, taken as inclusive; D1 %s",
                threads, threads > 1 ? "s" : "", cache_str(&prof->d1, d1, sizeof d1));
    if (prof_l2)
        nnb_appendf(out->note, len, &off, "; L2 %s (a second pass with the L2 as the last level)",
                    cache_str(&prof_l2->ll, l2, sizeof l2));
    else nnb_appendf(out->note, len, &off, "; no L2 pass (hwloc shows no L2 before the last level)");
    nnb_appendf(out->note, len, &off,
                "; LL %s; L2 and DRAM bytes = misses + dirty write-backs (dirty lines left at the end are "
                "not written back); bytes per level are data, instruction fetches apart (ifetch_*), masked "
                "loads/stores (which callgrind files as fetches) as data; an access straddling two missing lines "
                "counts one", cache_str(&prof->ll, ll, sizeof ll));
    if (t->unresolved_ir > 0)
        nnb_appendf(out->note, len, &off, "; %.3g executed instructions (%.2f%%) not decodable (e.g. in %s)%s",
                    t->unresolved_ir, 100 * t->unresolved_ir / out->instructions, t->unresolved_obj,
                    out->have_flops ? "" : ": FLOPs withheld");
    if (t->masked_ir > 0)
        nnb_appendf(out->note, len, &off, "; %.3g masked FLOP instructions counted at full width", t->masked_ir);
}

/* Counts from the weighed instructions and the simulated caches: prof is
 * the pass with the machine's last level, prof_l2 (NULL: none) the pass
 * with the L2 as the last level. */
static void fill_counts(nnb_counts *out, const nnb_cg_profile *prof, const nnb_cg_profile *prof_l2, const tally *t,
                        int threads)
{
    double ir = (double)nnb_cg_total(prof, "Ir", NULL);
    out->threads = threads;
    out->have_insn = true;
    out->instructions = ir;
    double unresolved_frac = ir > 0 ? t->unresolved_ir / ir : 0;
    out->have_flops = unresolved_frac <= 0.01;
    out->have_fp_split = out->have_flops;
    out->have_core_bytes = out->have_flops;
    if (out->have_flops) {
        out->flops = t->flops;
        out->flops_sp = t->sp;
        out->flops_dp = t->dp;
        out->load_bytes = t->load;
        out->store_bytes = t->store;
    }
    nnb_counts_traffic(out, prof, prof_l2, t->flags);
    counts_note(out, prof, prof_l2, t);
}

/* The spec the child parses: the request's, or formatted from its layer. */
static int child_spec(const nnb_count_request *rq, char *spec, size_t size, char *err, size_t len)
{
    if (!rq->kernel || !rq->layer) {
        snprintf(err, len, "valgrind: no kernel or layer given");
        return -1;
    }
    if (rq->spec && *rq->spec) snprintf(spec, size, "%s", rq->spec);
    else if (nnb_spec_format_kv(rq->layer, spec, size) < 0) {
        snprintf(err, len, "valgrind: cannot format the layer as a spec");
        return -1;
    }
    return 0;
}

/* One callgrind pass over the kernel: its files, command line, child and profile. */
typedef struct cg_pass {
    count_files cf;
    child_cmdline cl;
    pid_t pid;
    bool spawned, have_prof;
    nnb_cg_profile prof;
} cg_pass;

/* Starts the passes (one per cache geometry given) side by side: they are
 * independent, so on a machine with free cores the second costs no wall
 * time. 0, or -1 with err (passes already started are still waited for). */
static int start_passes(cg_pass *p, int npass, const nnb_cache_geom *last, const char *vg, const char *exe,
                        const char *spec, const nnb_count_request *rq, int threads, char *err, size_t len)
{
    for (int i = 0; i < npass; i++) {
        if (make_count_files(&p[i].cf, err, len)) return -1;
        build_cmdline(&p[i].cl, vg, exe, spec, rq->kernel->name, threads, &p[i].cf, &last[i]);
        if (spawn_child(&p[i].cl, &p[i].cf, &p[i].pid, err, len)) return -1;
        p[i].spawned = true;
    }
    return 0;
}

/* Waits for every started pass and reads its profile. 0, or -1 with the first error. */
static int finish_passes(cg_pass *p, int npass, const char *exe, char *err, size_t len)
{
    int rc = 0;
    for (int i = 0; i < npass; i++) {
        char e[512];
        if (!p[i].spawned) continue;
        if (wait_child(p[i].pid, &p[i].cf, e, sizeof e) == 0 && read_profile(&p[i].cf, exe, &p[i].prof, e, sizeof e) == 0)
            p[i].have_prof = true;
        else if (rc == 0) {
            nnb_copy_str(err, len, e);
            rc = -1;
        }
    }
    return rc;
}

/* Weighs the last-level pass's instructions and fills out. */
static void count_from_passes(const cg_pass *ll, const cg_pass *l2, int threads, nnb_counts *out)
{
    size_t nmaps = 0;
    map_ent *maps = read_maps(ll->cf.maps, &nmaps);
    nnb_jit_code jit;
    nnb_jit_code_load(&jit, ll->cf.maps_jit);
    tally t;
    weigh_profile(&ll->prof, maps, nmaps, &jit, &t);
    nnb_jit_code_free(&jit);
    free(maps);
    fill_counts(out, &ll->prof, l2 ? &l2->prof : NULL, &t, threads);
    free(t.flags);
}

/* The identity of this count (count_cache.h): valgrind, each pass's command
 * line without its temporary file names, and what the child runs. 0, or -1
 * when it does not fit in len (then the count is neither reused nor stored). */
static int count_key(char *key, size_t len, const char *vg, const char *exe, const char *spec, const char *kernel,
                     int threads, const nnb_cache_geom *last, int npass)
{
    size_t off = 0;
    key[0] = '\0';
    nnb_appendf(key, len, &off, "valgrind ");
    nnb_count_key_file(key, len, &off, vg);
    for (int i = 0; i < npass; i++) {
        count_files none;
        memset(&none, 0, sizeof none);
        child_cmdline cl;
        build_cmdline(&cl, vg, exe, spec, kernel, threads, &none, &last[i]);
        nnb_appendf(key, len, &off, "|pass %d:", i);
        for (int a = 1; cl.args[a]; a++)
            if (cl.args[a] != cl.out_arg && strcmp(cl.args[a - 1], "--maps") != 0)
                nnb_appendf(key, len, &off, " %s", cl.args[a]);
    }
    return nnb_count_key_runtime(key, len, &off);
}

/* The count from the cache, unless --recount. true when *out holds it. */
static bool reuse_count(const char *key, const nnb_count_request *rq, const char *lname, nnb_counts *out)
{
    if (rq->recount || nnb_count_cache_load(key, out) != 0) return false;
    out->reused = true;
    if (!rq->quiet) {
        char when[32];
        nnb_fmt_utc_minute(out->counted_unix, when, sizeof when);
        fprintf(stderr, "valgrind: %s on %s: counts reused from the count cache (counted %s by this binary with "
                "these libraries and cache geometry; --recount counts again)\n", rq->kernel->name, lname, when);
    }
    return true;
}

static int valgrind_measure(const nnb_count_request *rq, nnb_counts *out, char *err, size_t len)
{
    nnb_counts_init(out, "valgrind");
    char vg[PATH_MAX], exe[PATH_MAX], spec[512];
    if (find_in_path("valgrind", vg, sizeof vg) != 0) {
        snprintf(err, len, "valgrind not installed (apt-get install valgrind)");
        return -1;
    }
    if (find_exe(exe, sizeof exe, err, len) || child_spec(rq, spec, sizeof spec, err, len)) return -1;
    int threads = rq->threads > 0 ? rq->threads : 1;
    /* pass 0: the machine's last level (L1, DRAM, FLOPs); pass 1: the L2 as the last level */
    nnb_cache_geom last[2];
    memset(last, 0, sizeof last);
    nnb_topo_ll_geom(&last[0]); /* unknown (left zero): valgrind picks its own LL */
    int npass = 1 + (nnb_topo_l2_geom(&last[1]) == 0);

    nnb_analytic an;
    char aerr[128];
    double aflops = nnb_model_analyze(rq->layer, &an, aerr, sizeof aerr) == 0 ? (double)an.flops : 0;
    const char *lname = rq->layer->name[0] ? rq->layer->name : spec;
    char key[16384];
    const bool cacheable = count_key(key, sizeof key, vg, exe, spec, rq->kernel->name, threads, last, npass) == 0;
    if (cacheable && reuse_count(key, rq, lname, out)) return 0;
    if (!rq->quiet) {
        fprintf(stderr, "valgrind: counting %s on %s (%d thread%s, %.3g FLOPs) under callgrind, %d cache pass%s side "
                "by side, ~50-100x native time...\n", rq->kernel->name, lname, threads, threads > 1 ? "s" : "", aflops,
                npass, npass > 1 ? "es" : "");
        fflush(stderr);
    }
    double t0 = nnb_now_s();
    cg_pass p[2];
    memset(p, 0, sizeof p);
    char serr[512] = "";
    int rc = start_passes(p, npass, last, vg, exe, spec, rq, threads, serr, sizeof serr);
    if (finish_passes(p, npass, exe, err, len) && rc == 0) rc = -1;
    else if (rc) nnb_copy_str(err, len, serr);
    double elapsed = nnb_now_s() - t0;
    if (rc == 0) count_from_passes(&p[0], npass > 1 ? &p[1] : NULL, threads, out);
    for (int i = 0; i < npass; i++) {
        if (p[i].have_prof) nnb_cg_free(&p[i].prof);
        if (p[i].cf.dir[0]) {
            if (!rq->quiet && p[i].cf.keep) fprintf(stderr, "valgrind: profile kept in %s\n", p[i].cf.dir);
            remove_count_files(&p[i].cf, p[i].cf.keep);
        }
    }
    if (rc) return -1;
    out->counted_unix = (long long)time(NULL);
    if (cacheable) nnb_count_cache_store(key, out);
    if (!rq->quiet) {
        if (out->have_flops)
            fprintf(stderr, "valgrind: done in %.1f s (%.3g instructions, %.3g FLOPs)\n", elapsed, out->instructions,
                    out->flops);
        else
            fprintf(stderr, "valgrind: done in %.1f s (%.3g instructions; FLOPs withheld)\n", elapsed,
                    out->instructions);
    }
    return 0;
}

const nnb_counter_backend nnb_counter_valgrind = {
    .name = "valgrind",
    .desc = "callgrind: executed instructions decoded and weighted, simulated D1, L2 and LL caches",
    .caps = {.hides_avx512 = true, /* valgrind's CPU has no AVX-512 */
             .counts_flops = true, .counts_per_level_bytes = true, .counts_core_bytes = true,
             .serialises_threads = true, .runs_in_child = true},
    .probe = valgrind_probe,
    .measure = valgrind_measure,
};
