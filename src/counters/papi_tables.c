/* The papi backend's event tables, one per CPU family (data, as LIKWID's
 * groups are), named as libpfm4 4.13 names them, and the built-in known
 * loops the FLOP events are proved on (papi_proofs.c).
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
    /* Emerald Rapids (family 6 model 207): libpfm4 >= 4.14 names it "emr"
     * and gives it SPR's event table (upstream lib/pfmlib_intel_spr.c,
     * commit 52632c7 "add Intel EmeraldRapid core PMU support", after
     * v4.13.0: Debian 12's libpfm4 4.13 does not know it) */
    {"Intel Sapphire Rapids/Emerald Rapids (FP_ARITH_INST_RETIRED)",
     {"spr", "emr", NULL},
     "perf_event",
     {INTEL_FLOPS, INTEL_CORE, {"L2_LINES_OUT:NON_SILENT", NNB_PAPI_L2_WB, 0, 0}},
     4,
     INTEL_IMC,
     NO_L1_WB,
     {{NULL}}},
    /* Zen 2..4: one event counting FLOPs (FMA = 2, "MAC_FLOPS" umask) for
     * every width and precision, no SP/DP split; above 15 per cycle it
     * needs the kernel's MergeEvent pairing, which the proof's ten-chain
     * 256/512-bit loops exercise. libpfm4 4.13 (lib/pfmlib_amd64.c) names
     * Zen 4 only for family 25 model 17 (Genoa); Ryzen 7000, Phoenix,
     * Bergamo/Siena get Zen 3's table there (same event, same umask), or
     * no PMU (upstream fix 1befa3d, after 4.13). */
    {"AMD Zen 2-4 (RETIRED_SSE_AVX_FLOPS)",
     {"amd64_fam17h_zen2", "amd64_fam19h_zen3", "amd64_fam19h_zen4", NULL},
     "perf_event",
     {{"RETIRED_SSE_AVX_FLOPS:ANY", NNB_PAPI_FLOPS, 1, '?'},
      {"CYCLES_NOT_IN_HALT", NNB_PAPI_CYCLES, 1, 0},
      {"RETIRED_INSTRUCTIONS", NNB_PAPI_INSNS, 1, 0}},
     1,
     {NULL, NULL, {NULL}, 0, false},
     "L1/L2 bytes: libpfm4's Zen tables name no cache write-back events; DRAM bytes: no UMC events",
     {{NULL}}},
    /* Zen 5 (family 26): upstream libpfm4's amd64_fam1ah_zen5
     * (lib/events/amd64_events_fam1ah_zen5.h, commit e50b6a4, after 4.13)
     * splits RETIRED_SSE_AVX_FLOPS by FLOP_TYPE_* umasks (group 1, one at
     * a time, over ANY op type of group 0), as LIKWID's
     * groups/zen5/FLOPS_SP.txt sums scalar + packed single (its
     * perfmon_zen5_events.txt: umask 0x4F = ANY 0x0F | SCALAR_SINGLE 0x40,
     * 0x6F packed single, 0x8F/0xAF double). Each merged event takes a
     * counter pair (LIKWID's PMC2 + MERGE on PMC3): two FLOP events per set
     * of six counters. */
    {"AMD Zen 5 (RETIRED_SSE_AVX_FLOPS by FLOP_TYPE)",
     {"amd64_fam1ah_zen5", NULL},
     "perf_event",
     {{"RETIRED_SSE_AVX_FLOPS:ANY:FLOP_TYPE_SCALAR_SINGLE", NNB_PAPI_FLOPS, 1, 's'},
      {"RETIRED_SSE_AVX_FLOPS:ANY:FLOP_TYPE_PACKED_SINGLE", NNB_PAPI_FLOPS, 1, 's'},
      {"RETIRED_SSE_AVX_FLOPS:ANY:FLOP_TYPE_SCALAR_DOUBLE", NNB_PAPI_FLOPS, 1, 'd'},
      {"RETIRED_SSE_AVX_FLOPS:ANY:FLOP_TYPE_PACKED_DOUBLE", NNB_PAPI_FLOPS, 1, 'd'},
      {"CYCLES_NOT_IN_HALT", NNB_PAPI_CYCLES, 1, 0},
      {"RETIRED_INSTRUCTIONS", NNB_PAPI_INSNS, 1, 0}},
     2,
     {NULL, NULL, {NULL}, 0, false},
     "L1/L2 bytes: libpfm4's Zen 5 table names no cache write-back events; DRAM bytes: no UMC events",
     {{NULL}}},
};

const nnb_papi_eventset_desc *nnb_papi_tables(size_t *count)
{
    *count = sizeof tables / sizeof tables[0];
    return tables;
}
