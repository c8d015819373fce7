/* The cache eviction before a counted run leaves no dirty line behind: a
 * small layer-shaped kernel (read x 64 KiB, update y 16 KiB) counted under
 * callgrind's cache simulator (LL 1 MiB, write-backs simulated), after the
 * prepare wrote x and y and machine/evict.c swept a 4 MiB buffer, must
 * miss exactly its own footprint (80 KiB: 1280 lines) and write back
 * nothing. The old write sweep (kept here as the counter-example) leaves
 * 1 MiB of dirty lines that the kernel's misses write back: the same count
 * must then see them, or the test could not fail. */
#include "machine/evict.h"
#include "counters/callgrind.h"
#include "nnb_valgrind_test.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define X_BYTES (64 << 10)
#define Y_BYTES (16 << 10)
#define LL_BYTES (1 << 20)

__attribute__((noinline)) void nnb_evict_test_kernel(const float *x, float *y)
{
    for (int i = 0; i < X_BYTES / 4; i++) y[i % (Y_BYTES / 4)] += x[i];
}

static int child(const char *mode)
{
    float *x = aligned_alloc(64, X_BYTES), *y = aligned_alloc(64, Y_BYTES);
    if (!x || !y) return 1;
    for (int i = 0; i < X_BYTES / 4; i++) x[i] = (float)i; /* the prepare: dirty lines of the layer */
    memset(y, 0, Y_BYTES);
    nnb_evict e;
    if (nnb_evict_init(&e, 4 * LL_BYTES) != 0) return 1;
    if (strcmp(mode, "write") == 0) /* the old sweep */
        for (int64_t i = 0; i < e.bytes; i += 64) e.buf[i] = (char)(e.buf[i] + 1);
    else
        nnb_evict_touch(&e);
    nnb_evict_test_kernel(x, y);
    nnb_evict_free(&e);
    free(x);
    free(y);
    return 0;
}

/* the kernel's LL misses and dirty write-backs, in lines */
static int count(const char *mode, double *miss_lines, double *wb_lines)
{
    char dir[] = "/tmp/nnb-evict-XXXXXX", out[64], log[64], exe[64];
    if (!mkdtemp(dir)) return -1;
    snprintf(out, sizeof out, "--callgrind-out-file=%s/cg.out", dir);
    snprintf(log, sizeof log, "--log-file=%s/vg.log", dir);
    snprintf(exe, sizeof exe, "/proc/%d/exe", (int)getpid());
    pid_t pid = fork();
    if (pid == 0) {
        execlp("valgrind", "valgrind", "--tool=callgrind", "--cache-sim=yes", "--simulate-wb=yes",
               "--LL=1048576,16,64", "--D1=32768,8,64", "--I1=32768,8,64", "--collect-atstart=no",
               "--toggle-collect=nnb_evict_test_kernel", out, log, exe, "child", mode, (char *)NULL);
        _exit(127);
    }
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) return -1;
    char path[96], err[256];
    snprintf(path, sizeof path, "%s/cg.out", dir);
    nnb_cg_profile p;
    if (nnb_cg_parse_file(path, &p, err, sizeof err) != 0) return -1;
    bool f1, f2, f3, f4;
    *miss_lines = (double)(nnb_cg_total(&p, "DLmr", &f1) + nnb_cg_total(&p, "DLmw", &f2));
    /* --simulate-wb: misses that evicted a dirty line, by the missing access */
    *wb_lines = (double)(nnb_cg_total(&p, "DLdmr", &f3) + nnb_cg_total(&p, "DLdmw", &f4));
    nnb_cg_free(&p);
    snprintf(path, sizeof path, "rm -rf %s", dir);
    if (system(path) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return f1 && f2 && f3 && f4 ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "child") == 0) return child(argv[2]);
    if (!nnb_test_valgrind_ready("test_evict_clean")) return nnb_test_failures ? 1 : 77;
#if defined(__SANITIZE_ADDRESS__)
    printf("test_evict_clean: skipped (AddressSanitizer build: valgrind cannot run it)\n");
    return 77;
#endif
    double miss, wb, miss_old, wb_old, footprint = (X_BYTES + Y_BYTES) / 64.0;
    CHECK(count("read", &miss, &wb) == 0);
    CHECK(count("write", &miss_old, &wb_old) == 0);
    printf("after the read-only sweep: %.0f lines missed, %.0f written back (footprint %.0f lines)\n", miss, wb,
           footprint);
    printf("after the old write sweep: %.0f lines missed, %.0f written back\n", miss_old, wb_old);
    CHECK(miss == footprint);
    CHECK(wb == 0);
    CHECK(wb_old > 0); /* the counter-example is seen: the check can fail */
    return nnb_test_done("test_evict_clean");
}
