/* The papi backend's built-in proof loops (src/counters/papi_proofs.c)
 * execute exactly the FLOPs they claim, whatever the compiler did:
 *  1. disassembly (objdump of this binary, which links them): each loop's
 *     body holds NNB_PAPI_PROOF_CHAINS FMAs of its width and precision
 *     into as many distinct registers, closed by one backward branch; a
 *     compiler that merged chains fails here;
 *  2. valgrind: each loop of up to 256 bits runs under callgrind in a child
 *     (this binary, re-executed), and its executed FLOPs, decoded by the
 *     valgrind counter's own weights (x86_flops.c, Zydis), must equal
 *     nnb_papi_proof_flops() exactly, SP and DP apart, for two iteration
 *     counts (so no fixed extra FLOPs hide either). Valgrind 3.19 has no
 *     AVX-512: the 512-bit loops are checked by (1) only. */
#include "counters/callgrind.h"
#include "counters/papi.h"
#include "counters/x86_flops.h"
#include "nnb_valgrind_test.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static bool contains(const char *s, const char *a) { return strstr(s, a) != NULL; }

/* ---- 1. disassembly ---- */

static void check_disassembly(const nnb_papi_proof_kernel *k)
{
    char cmd[512], line[512];
    snprintf(cmd, sizeof cmd, "objdump -d --no-show-raw-insn /proc/%d/exe", (int)getpid());
    FILE *p = popen(cmd, "r");
    CHECK(p != NULL);
    if (!p) return;
    char head[128], fma[32], reg[8], regs[32][16];
    snprintf(head, sizeof head, "<%s>:", k->symbol);
    snprintf(fma, sizeof fma, "vfmadd213%s%s", k->vec_bits ? "p" : "s", k->prec == 's' ? "s" : "d");
    snprintf(reg, sizeof reg, "%%%s", k->vec_bits == 512 ? "zmm" : k->vec_bits == 256 ? "ymm" : "xmm");
    bool in = false, found = false;
    int nfma = 0, ndistinct = 0, nback = 0;
    while (fgets(line, sizeof line, p)) {
        if (contains(line, head)) in = found = true;
        else if (in && line[0] != ' ') in = false; /* the next symbol or a blank line */
        if (!in) continue;
        char *m = strstr(line, fma);
        if (m && contains(m, reg)) {
            nfma++;
            char *dst = strrchr(m, '%'); /* AT&T: the destination is last */
            char name[16] = "";
            sscanf(dst, "%15[%a-z0-9]", name);
            bool seen = false;
            for (int i = 0; i < ndistinct; i++) seen |= strcmp(regs[i], name) == 0;
            if (!seen && ndistinct < 32) snprintf(regs[ndistinct++], sizeof regs[0], "%s", name);
        }
        if (contains(line, "\tjne ") || contains(line, "\tjnz ")) nback++;
    }
    pclose(p);
    CHECK(found);
    if (nfma != NNB_PAPI_PROOF_CHAINS || ndistinct != NNB_PAPI_PROOF_CHAINS || nback != 1)
        fprintf(stderr, "%s (%s): %d %s on %s, %d distinct accumulators, %d loop branches; want %d, %d, 1\n",
                k->name, k->symbol, nfma, fma, reg, ndistinct, nback, NNB_PAPI_PROOF_CHAINS, NNB_PAPI_PROOF_CHAINS);
    CHECK(nfma == NNB_PAPI_PROOF_CHAINS);
    CHECK(ndistinct == NNB_PAPI_PROOF_CHAINS);
    CHECK(nback == 1);
}

/* ---- 2. valgrind ---- */

static int run_child(int which, long n)
{
    _Alignas(64) unsigned char out[NNB_PAPI_PROOF_CHAINS * 64];
    nnb_papi_proof_kernels[which].run(n, out);
    return 0;
}

/* FLOPs callgrind saw executed in k's function (its instructions' bytes
 * read from this process: the same binary, so the same code) */
static int count_under_valgrind(int which, long n, double *flops, double *sp, double *dp)
{
    const nnb_papi_proof_kernel *k = &nnb_papi_proof_kernels[which];
    char dir[] = "/tmp/nnb-proofs-XXXXXX", out[64], log[64], exe[64], arg_i[16], arg_n[32];
    if (!mkdtemp(dir)) return -1;
    snprintf(out, sizeof out, "--callgrind-out-file=%s/cg.out", dir);
    snprintf(log, sizeof log, "--log-file=%s/vg.log", dir);
    snprintf(exe, sizeof exe, "/proc/%d/exe", (int)getpid());
    snprintf(arg_i, sizeof arg_i, "%d", which);
    snprintf(arg_n, sizeof arg_n, "%ld", n);
    pid_t pid = fork();
    if (pid == 0) {
        execlp("valgrind", "valgrind", "--tool=callgrind", "--dump-instr=yes", out, log, exe, "proof-child", arg_i,
               arg_n, (char *)NULL);
        _exit(127);
    }
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fprintf(stderr, "%s: valgrind child failed (status %d), see %s/vg.log\n", k->name, st, dir);
        return -1;
    }
    char path[96], err[256];
    snprintf(path, sizeof path, "%s/cg.out", dir);
    nnb_cg_profile prof;
    if (nnb_cg_parse_file(path, &prof, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    int ir = nnb_cg_event(&prof, "Ir");
    uint64_t entry = UINT64_MAX;
    for (size_t i = 0; i < prof.ninstr; i++) {
        const nnb_cg_instr *in = &prof.instr[i];
        if (in->fn >= 0 && strcmp(prof.fns[in->fn].name, k->symbol) == 0 && in->addr < entry) entry = in->addr;
    }
    *flops = *sp = *dp = 0;
    int rc = entry == UINT64_MAX ? -1 : 0;
    /* callgrind prints ELF addresses; this process has the same code at entry + bias */
    uintptr_t bias = (uintptr_t)k->run - (uintptr_t)entry;
    for (size_t i = 0; rc == 0 && i < prof.ninstr; i++) {
        const nnb_cg_instr *in = &prof.instr[i];
        if (in->fn < 0 || strcmp(prof.fns[in->fn].name, k->symbol) != 0) continue;
        nnb_x86_weight w;
        if (nnb_x86_weigh((const uint8_t *)(uintptr_t)(in->addr + bias), 15, &w) != 0) rc = -1;
        double runs = (double)in->cost[ir];
        *flops += runs * w.flops, *sp += runs * w.flops_sp, *dp += runs * w.flops_dp;
    }
    nnb_cg_free(&prof);
    snprintf(path, sizeof path, "rm -rf %s", dir);
    if (system(path) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return rc;
}

static void check_valgrind(int which)
{
    const nnb_papi_proof_kernel *k = &nnb_papi_proof_kernels[which];
    static const long ns[] = {1000, 3000};
    for (int j = 0; j < 2; j++) {
        double f, sp, dp, want = nnb_papi_proof_flops(k, ns[j]);
        int rc = count_under_valgrind(which, ns[j], &f, &sp, &dp);
        CHECK(rc == 0);
        if (rc != 0) return;
        printf("%-11s n=%ld: valgrind counts %.0f FLOPs (SP %.0f, DP %.0f), claimed %.0f\n", k->name, ns[j], f, sp,
               dp, want);
        CHECK(f == want);
        CHECK(k->prec == 's' ? sp == want && dp == 0 : dp == want && sp == 0);
    }
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "proof-child") == 0) return run_child(atoi(argv[2]), atol(argv[3]));
    for (int i = 0; i < NNB_PAPI_NPROOF_KERNELS; i++) check_disassembly(&nnb_papi_proof_kernels[i]);
    /* the claim's arithmetic: chains x 2 x lanes per iteration */
    CHECK(nnb_papi_proof_flops(&nnb_papi_proof_kernels[4], 1) == NNB_PAPI_PROOF_CHAINS * 16.0);
#if defined(__SANITIZE_ADDRESS__)
    printf("valgrind counts: skipped (AddressSanitizer build: valgrind cannot run it)\n");
#else
    char why[256];
    if (nnb_counter_valgrind.probe(NULL, why, sizeof why) != 0) {
        printf("valgrind counts: skipped (%s)\n", why);
    } else {
        for (int i = 0; i < NNB_PAPI_NPROOF_KERNELS; i++) {
            const nnb_papi_proof_kernel *k = &nnb_papi_proof_kernels[i];
            if (k->vec_bits == 512) {
                printf("%-11s: valgrind count skipped (valgrind has no AVX-512; disassembly checked)\n", k->name);
                continue;
            }
            if (!k->available()) {
                printf("%-11s: skipped (this CPU has no FMA)\n", k->name);
                continue;
            }
            check_valgrind(i);
        }
    }
#endif
    return nnb_test_done("test_papi_proofs");
}
