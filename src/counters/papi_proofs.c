/* The papi backend's built-in known loops: one per width the kernels use
 * (scalar, 128, 256, 512 bits) and per precision (SP, DP), each a block of
 * NNB_PAPI_PROOF_CHAINS independent FMA chains written in inline asm, so no
 * compiler can merge the chains, drop iterations or add FLOPs of its own
 * (a C loop of eight identical accumulators compiled to one FMA per
 * iteration at -O3: issue 23). Each iteration retires exactly
 * CHAINS FMAs + dec + jnz; a loop of n iterations executes exactly
 * n x CHAINS x 2 x lanes FLOPs (the set-up loads and the final stores are
 * moves). tests/test_papi_proofs.c counts every loop under the valgrind
 * counter (512-bit ones: valgrind has no AVX-512, so their instruction
 * stream is checked by disassembly instead) and checks the chains.
 *
 * Ten chains: FMA latency 4 x 2 FMA pipes (Intel Skylake-SP..Emerald
 * Rapids, AMD Zen 2..5) needs 8 in flight; 10 keeps the pipes full, so the
 * FLOP rate is high enough to exercise AMD's merged FLOP counter (> 15
 * FLOPs/cycle needs the kernel's MergeEvent pairing on Zen 2-4). */
#include "counters/papi.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "machine/topo.h"

/* start values (distinct per chain), then b and c of a = a * b + c: the
 * chains converge to c / (1 - b) = 0.1 with no denormal or overflow */
static const float start_s[NNB_PAPI_PROOF_CHAINS + 2] = {1.0f,    1.0625f, 1.125f,  1.1875f, 1.25f,    1.3125f,
                                                         1.375f,  1.4375f, 1.5f,    1.5625f, 0.999999f, 1e-7f};
static const double start_d[NNB_PAPI_PROOF_CHAINS + 2] = {1.0,   1.0625, 1.125,  1.1875, 1.25,     1.3125,
                                                          1.375, 1.4375, 1.5,    1.5625, 0.9999999, 1e-9};

/* One asm block per loop. LD loads chain k's start (element k) into
 * register k, b into reg 14 and c into reg 15; the body is CHAINS
 * `FMA213 c, b, a_k` (a_k = b * a_k + c); ST stores each chain (64 bytes
 * apart). E = element bytes as a string prefix of the offsets. */
#define LD1(mov, r, k, off) mov " " off "(%[s]), %%" r k "\n\t"
#define ST1(mov, r, k, off) mov " %%" r k ", " off "(%[o])\n\t"
#define F1(fma, r, k) fma " %%" r "15, %%" r "14, %%" r k "\n\t"
#define BODY(fma, r)                                                                                  \
    F1(fma, r, "0") F1(fma, r, "1") F1(fma, r, "2") F1(fma, r, "3") F1(fma, r, "4") F1(fma, r, "5")     \
    F1(fma, r, "6") F1(fma, r, "7") F1(fma, r, "8") F1(fma, r, "9")
#define STORES(mov, r)                                                                                       \
    ST1(mov, r, "0", "0") ST1(mov, r, "1", "64") ST1(mov, r, "2", "128") ST1(mov, r, "3", "192")            \
    ST1(mov, r, "4", "256") ST1(mov, r, "5", "320") ST1(mov, r, "6", "384") ST1(mov, r, "7", "448")         \
    ST1(mov, r, "8", "512") ST1(mov, r, "9", "576")
#define LOADS_S(mov, r)                                                                                      \
    LD1(mov, r, "0", "0") LD1(mov, r, "1", "4") LD1(mov, r, "2", "8") LD1(mov, r, "3", "12")                \
    LD1(mov, r, "4", "16") LD1(mov, r, "5", "20") LD1(mov, r, "6", "24") LD1(mov, r, "7", "28")             \
    LD1(mov, r, "8", "32") LD1(mov, r, "9", "36") LD1(mov, r, "14", "40") LD1(mov, r, "15", "44")
#define LOADS_D(mov, r)                                                                                      \
    LD1(mov, r, "0", "0") LD1(mov, r, "1", "8") LD1(mov, r, "2", "16") LD1(mov, r, "3", "24")               \
    LD1(mov, r, "4", "32") LD1(mov, r, "5", "40") LD1(mov, r, "6", "48") LD1(mov, r, "7", "56")             \
    LD1(mov, r, "8", "64") LD1(mov, r, "9", "72") LD1(mov, r, "14", "80") LD1(mov, r, "15", "88")
#define CLOBBERS                                                                                              \
    "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", \
        "xmm13", "xmm14", "xmm15", "memory", "cc"

/* n >= 1 iterations; out: CHAINS x 64 bytes */
#define PROOF_LOOP(NAME, TARGET, LOADS, ST, FMA, R, START)                                     \
    __attribute__((target(TARGET), noinline)) void NAME(long n, void *out)                    \
    {                                                                                          \
        __asm__ volatile(LOADS "1:\n\t" BODY(FMA, R) "dec %[n]\n\t"                            \
                               "jnz 1b\n\t" STORES(ST, R) "vzeroupper\n\t"                     \
                         : [n] "+r"(n)                                                         \
                         : [s] "r"(START), [o] "r"(out)                                        \
                         : CLOBBERS);                                                          \
    }

/* not static: tests/test_papi_proofs.c finds them by symbol in objdump's
 * disassembly and in callgrind's profile */
void nnb_proof_fma_ss(long n, void *out);
void nnb_proof_fma_sd(long n, void *out);
void nnb_proof_fma_128s(long n, void *out);
void nnb_proof_fma_128d(long n, void *out);
void nnb_proof_fma_256s(long n, void *out);
void nnb_proof_fma_256d(long n, void *out);
void nnb_proof_fma_512s(long n, void *out);
void nnb_proof_fma_512d(long n, void *out);

PROOF_LOOP(nnb_proof_fma_ss, "avx2,fma", LOADS_S("vmovss", "xmm"), "vmovss", "vfmadd213ss", "xmm", start_s)
PROOF_LOOP(nnb_proof_fma_sd, "avx2,fma", LOADS_D("vmovsd", "xmm"), "vmovsd", "vfmadd213sd", "xmm", start_d)
PROOF_LOOP(nnb_proof_fma_128s, "avx2,fma", LOADS_S("vbroadcastss", "xmm"), "vmovups", "vfmadd213ps", "xmm", start_s)
PROOF_LOOP(nnb_proof_fma_128d, "avx2,fma", LOADS_D("vmovddup", "xmm"), "vmovupd", "vfmadd213pd", "xmm", start_d)
PROOF_LOOP(nnb_proof_fma_256s, "avx2,fma", LOADS_S("vbroadcastss", "ymm"), "vmovups", "vfmadd213ps", "ymm", start_s)
PROOF_LOOP(nnb_proof_fma_256d, "avx2,fma", LOADS_D("vbroadcastsd", "ymm"), "vmovupd", "vfmadd213pd", "ymm", start_d)
PROOF_LOOP(nnb_proof_fma_512s, "avx512f", LOADS_S("vbroadcastss", "zmm"), "vmovups", "vfmadd213ps", "zmm", start_s)
PROOF_LOOP(nnb_proof_fma_512d, "avx512f", LOADS_D("vbroadcastsd", "zmm"), "vmovupd", "vfmadd213pd", "zmm", start_d)

static bool have_fma(void) { return __builtin_cpu_supports("fma") && __builtin_cpu_supports("avx2"); }
static bool have_avx512(void) { return have_fma() && __builtin_cpu_supports("avx512f"); }

const nnb_papi_proof_kernel nnb_papi_proof_kernels[NNB_PAPI_NPROOF_KERNELS] = {
    {"scalar SP", "nnb_proof_fma_ss", nnb_proof_fma_ss, have_fma, 's', 0, 1},
    {"scalar DP", "nnb_proof_fma_sd", nnb_proof_fma_sd, have_fma, 'd', 0, 1},
    {"128-bit SP", "nnb_proof_fma_128s", nnb_proof_fma_128s, have_fma, 's', 128, 4},
    {"128-bit DP", "nnb_proof_fma_128d", nnb_proof_fma_128d, have_fma, 'd', 128, 2},
    {"256-bit SP", "nnb_proof_fma_256s", nnb_proof_fma_256s, have_fma, 's', 256, 8},
    {"256-bit DP", "nnb_proof_fma_256d", nnb_proof_fma_256d, have_fma, 'd', 256, 4},
    {"512-bit SP", "nnb_proof_fma_512s", nnb_proof_fma_512s, have_avx512, 's', 512, 16},
    {"512-bit DP", "nnb_proof_fma_512d", nnb_proof_fma_512d, have_avx512, 'd', 512, 8},
};

double nnb_papi_proof_flops(const nnb_papi_proof_kernel *k, long n)
{
    return (double)n * NNB_PAPI_PROOF_CHAINS * 2.0 * k->lanes;
}

/* ---- as nnb_papi_loops: thread t runs (t + 1) x PROOF_N iterations, so a
 * count that is another thread's (or all threads') shows ---- */

#define PROOF_N 200000L

static void run_kernel(int which, int thread, nnb_papi_executed *ex)
{
    const nnb_papi_proof_kernel *k = &nnb_papi_proof_kernels[which];
    long n = (thread + 1) * PROOF_N;
    _Alignas(64) unsigned char out[NNB_PAPI_PROOF_CHAINS * 64];
    k->run(n, out);
    ex->flops = nnb_papi_proof_flops(k, n);
    ex->flops_sp = k->prec == 's' ? ex->flops : 0;
    ex->flops_dp = k->prec == 'd' ? ex->flops : 0;
    /* CHAINS FMAs + dec + jnz per iteration; the set-up, stores and the
     * call are under 64 instructions */
    ex->insns_min = (double)n * (NNB_PAPI_PROOF_CHAINS + 2);
    ex->insns_max = ex->insns_min + 64;
    ex->fma_insns = (double)n * NNB_PAPI_PROOF_CHAINS;
}

#define RUNNER(i)                                                                        \
    static void run_##i(int thread, nnb_papi_executed *ex) { run_kernel(i, thread, ex); } \
    static bool avail_##i(void) { return nnb_papi_proof_kernels[i].available(); }
RUNNER(0)
RUNNER(1)
RUNNER(2)
RUNNER(3)
RUNNER(4)
RUNNER(5)
RUNNER(6)
RUNNER(7)

/* ---- cache events: streams over lines in no cache ----
 * Thread t reads (or writes one word of) every line of its own buffer of
 * (t + 1) x 4 x the L2 size, flushed beforehand: every line comes from
 * memory once, into L1 and L2 (fills = lines, the prefetchers' few lines
 * past the end aside), and a written line leaves L1 and L2 dirty (all but
 * what still fits in the L2 at the end: write-backs >= 0.75 x lines). No
 * floating point: FLOP events must read 0 here. */

static unsigned char *stream_buf[NNB_PAPI_PROOF_THREADS];
static int64_t stream_bytes[NNB_PAPI_PROOF_THREADS];

static void stream_prepare(void)
{
    const nnb_cache_level *l2 = nnb_topo_cache(nnb_topo_get(), 2);
    int64_t base = 4 * (l2 && l2->geom.size > 0 ? l2->geom.size : (int64_t)2 << 20);
    for (int t = 0; t < NNB_PAPI_PROOF_THREADS; t++) {
        if (!stream_buf[t]) {
            stream_bytes[t] = (t + 1) * base;
            stream_buf[t] = aligned_alloc(64, (size_t)stream_bytes[t]);
            if (!stream_buf[t]) stream_bytes[t] = 0;
            else memset(stream_buf[t], 1, (size_t)stream_bytes[t]);
        }
        for (int64_t i = 0; i < stream_bytes[t]; i += 64) __builtin_ia32_clflush(stream_buf[t] + i);
    }
    __builtin_ia32_mfence();
}

static void stream_run(int thread, nnb_papi_executed *ex, bool writes)
{
    volatile uint64_t *p = (volatile uint64_t *)stream_buf[thread];
    uint64_t sum = 0;
    for (int64_t i = 0; i < stream_bytes[thread] / 8; i += 8) {
        if (writes) p[i] = (uint64_t)i;
        else sum += p[i];
    }
    __asm__ volatile("" : : "r"(sum));
    ex->lines = (double)(stream_bytes[thread] / 64);
    ex->writes = writes;
}

static void read_stream(int thread, nnb_papi_executed *ex) { stream_run(thread, ex, false); }
static void write_stream(int thread, nnb_papi_executed *ex) { stream_run(thread, ex, true); }

const nnb_papi_loop nnb_papi_builtin_proofs[NNB_PAPI_MAX_PROOFS] = {
    {"scalar SP FMA", avail_0, NULL, run_0}, {"scalar DP FMA", avail_1, NULL, run_1},
    {"128-bit SP FMA", avail_2, NULL, run_2}, {"128-bit DP FMA", avail_3, NULL, run_3},
    {"256-bit SP FMA", avail_4, NULL, run_4}, {"256-bit DP FMA", avail_5, NULL, run_5},
    {"512-bit SP FMA", avail_6, NULL, run_6}, {"512-bit DP FMA", avail_7, NULL, run_7},
    {"read stream", NULL, stream_prepare, read_stream}, {"write stream", NULL, stream_prepare, write_stream},
    {NULL, NULL, NULL, NULL},
};
