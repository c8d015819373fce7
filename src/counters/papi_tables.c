/* The papi backend's event tables, one per CPU family (data, as LIKWID's
 * groups are), named as libpfm4 4.13 names them, and the built-in known
 * loops the FLOP events are proved on.
 *
 * Byte events follow LIKWID's groups: L1<->L2 = L1D.REPLACEMENT (fills) +
 * L1D write-backs (L1D_M_EVICT on Skylake-SP, L2_TRANS.L1D_WB on Ice
 * Lake/SPR in LIKWID); L2<->L3 = L2_LINES_IN.ALL + L2_TRANS.L2_WB
 * (Skylake-SP, Ice Lake) or L2_LINES_OUT.NON_SILENT (SPR). libpfm4 4.13 has
 * no L1D write-back event in its skl, icl or spr tables, so L1 bytes are
 * said to be unavailable there rather than counted as fills alone.
 * Cycles and instructions are native events (the architectural
 * UNHALTED_CORE_CYCLES / INSTRUCTION_RETIRED on Intel), never PAPI presets:
 * PAPI 7.0 defines no presets for Ice Lake, SPR or Zen 4. */
#include "counters/papi.h"

#include <immintrin.h>

#define FP(umask, w, p) {"FP_ARITH_INST_RETIRED:" umask, NNB_PAPI_FLOPS, w, p}
#define INTEL_FLOPS                                                                          \
    FP("SCALAR_SINGLE", 1, 's'), FP("SCALAR_DOUBLE", 1, 'd'), FP("128B_PACKED_SINGLE", 4, 's'), \
        FP("128B_PACKED_DOUBLE", 2, 'd'), FP("256B_PACKED_SINGLE", 8, 's'),                   \
        FP("256B_PACKED_DOUBLE", 4, 'd'), FP("512B_PACKED_SINGLE", 16, 's'),                  \
        FP("512B_PACKED_DOUBLE", 8, 'd')
#define INTEL_CORE                                                                \
    {"UNHALTED_CORE_CYCLES", NNB_PAPI_CYCLES, 1, 0}, {"INSTRUCTION_RETIRED", NNB_PAPI_INSNS, 1, 0}, \
        {"L1D:REPLACEMENT", NNB_PAPI_L1_FILL, 0, 0}, {"L2_LINES_IN:ALL", NNB_PAPI_L2_FILL, 0, 0}
/* Every IMC channel libpfm4 knows on this socket: 6 on Skylake-SP/Cascade
 * Lake (skx_unc_imc0..5); icx/spr IMC PMUs arrive in later libpfm4. */
#define INTEL_IMC                                                                                   \
    {"perf_event_uncore", "*_unc_imc[0-9]*::UNC_M_CAS_COUNT", {"RD", "WR", NULL}, 64, true}
#define NO_L1_WB "L1 bytes: libpfm4 4.13 names no L1D write-back event for this core (fills alone would undercount)"

static const nnb_papi_eventset_desc tables[] = {
    {"Intel Skylake/Skylake-SP/Cascade Lake (FP_ARITH_INST_RETIRED)",
     {"skx", "clx", "skl", NULL},
     "perf_event",
     {INTEL_FLOPS, INTEL_CORE, {"L2_TRANS:L2_WB", NNB_PAPI_L2_WB, 0, 0}},
     4, /* FP_ARITH on counters 0-3 only */
     INTEL_IMC,
     NO_L1_WB,
     {{NULL}}},
    {"Intel Ice Lake (FP_ARITH_INST_RETIRED)",
     {"icx", "icl", NULL},
     "perf_event",
     {INTEL_FLOPS, INTEL_CORE, {"L2_TRANS:L2_WB", NNB_PAPI_L2_WB, 0, 0}},
     4,
     INTEL_IMC,
     NO_L1_WB,
     {{NULL}}},
    {"Intel Sapphire Rapids (FP_ARITH_INST_RETIRED)",
     {"spr", NULL},
     "perf_event",
     {INTEL_FLOPS, INTEL_CORE, {"L2_LINES_OUT:NON_SILENT", NNB_PAPI_L2_WB, 0, 0}},
     4,
     INTEL_IMC,
     NO_L1_WB,
     {{NULL}}},
    /* Zen 2..4: one event counting FLOPs (FMA = 2); above 15 per cycle it
     * needs the kernel's MergeEvent support, which the FMA proof checks. */
    {"AMD Zen 2-4 (RETIRED_SSE_AVX_FLOPS)",
     {"amd64_fam17h_zen2", "amd64_fam19h_zen3", "amd64_fam19h_zen4", NULL},
     "perf_event",
     {{"RETIRED_SSE_AVX_FLOPS:ANY", NNB_PAPI_FLOPS, 1, '?'},
      {"CYCLES_NOT_IN_HALT", NNB_PAPI_CYCLES, 1, 0},
      {"RETIRED_INSTRUCTIONS", NNB_PAPI_INSNS, 1, 0}},
     1,
     {NULL, NULL, {NULL}, 0, false},
     "L1/L2 bytes: libpfm4 4.13's Zen tables name no cache write-back events; DRAM bytes: no UMC events",
     {{NULL}}},
};

const nnb_papi_eventset_desc *nnb_papi_tables(size_t *count)
{
    *count = sizeof tables / sizeof tables[0];
    return tables;
}

/* ---- built-in known loops: thread t runs (t + 1) x PROOF_N iterations,
 * so a count that is another thread's (or all threads') shows ---- */

#define PROOF_N 1000000L

__attribute__((target("avx2,fma"), noinline)) static float fma_loop(long n)
{
    __m256 b = _mm256_set1_ps(0.999999f), c = _mm256_set1_ps(1e-7f);
    __m256 a0 = _mm256_set1_ps(1.0f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    for (long i = 0; i < n; i++) {
        a0 = _mm256_fmadd_ps(a0, b, c);
        a1 = _mm256_fmadd_ps(a1, b, c);
        a2 = _mm256_fmadd_ps(a2, b, c);
        a3 = _mm256_fmadd_ps(a3, b, c);
        a4 = _mm256_fmadd_ps(a4, b, c);
        a5 = _mm256_fmadd_ps(a5, b, c);
        a6 = _mm256_fmadd_ps(a6, b, c);
        a7 = _mm256_fmadd_ps(a7, b, c);
    }
    __m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)),
                             _mm256_add_ps(_mm256_add_ps(a4, a5), _mm256_add_ps(a6, a7)));
    float out[8];
    _mm256_storeu_ps(out, s);
    return out[0];
}

__attribute__((noinline)) static double scalar_loop(long n)
{
    double x = 1.0;
    for (long i = 0; i < n; i++) {
        x = x * 0.9999999 + 1e-9; /* mulsd + addsd: no -ffp-contract to FMA without -mfma */
        __asm__ volatile("" : "+x"(x));
    }
    return x;
}

static bool have_fma(void) { return __builtin_cpu_supports("fma") && __builtin_cpu_supports("avx2"); }

static double run_fma(int thread)
{
    long n = (thread + 1) * PROOF_N;
    volatile float sink = fma_loop(n);
    (void)sink;
    return (double)n * 8 * 16 + 7 * 8; /* 8 x 256-bit FMA (16 FLOPs) per iteration + 7 vaddps */
}

static double run_scalar(int thread)
{
    long n = (thread + 1) * PROOF_N;
    volatile double sink = scalar_loop(n);
    (void)sink;
    return (double)n * 2;
}

const nnb_papi_loop nnb_papi_builtin_proofs[3] = {
    {"FMA", have_fma, NULL, run_fma},
    {"scalar", NULL, NULL, run_scalar},
    {NULL, NULL, NULL, NULL},
};
