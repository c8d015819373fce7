/* The one ISA vocabulary of nnbench (topology, roofline ceilings and
 * kernels all speak it), detected once per process. */
#ifndef NNBENCH_MACHINE_ISA_H
#define NNBENCH_MACHINE_ISA_H

#include <stddef.h>

/* Vector ISA levels, each including the ones below it. AVX2 means
 * AVX2 + FMA; AVX512 means AVX-512F (with the AVX2 level). */
typedef enum {
    NNB_ISA_SCALAR = 0,
    NNB_ISA_SSE,
    NNB_ISA_AVX2,
    NNB_ISA_AVX512,
    NNB_ISA_COUNT
} nnb_isa;

/* Feature bits this build can use and this CPU + OS support. */
enum {
    NNB_ISA_F_SSE2 = 1u << 0,
    NNB_ISA_F_AVX = 1u << 1,
    NNB_ISA_F_FMA = 1u << 2,
    NNB_ISA_F_AVX2 = 1u << 3,
    NNB_ISA_F_AVX512F = 1u << 4,
    NNB_ISA_F_AVX512VL = 1u << 5,
    NNB_ISA_F_AVX512BW = 1u << 6,
    NNB_ISA_F_AVX512DQ = 1u << 7
};

/* "scalar", "sse", "avx2", "avx512" */
const char *nnb_isa_name(nnb_isa i);

/* NNB_ISA_F_* bits of this CPU, and their names ("sse2 avx fma ..."). */
unsigned nnb_isa_features(void);
const char *nnb_isa_features_str(void);

/* The highest level this CPU runs (valgrind's CPU hides AVX-512). */
nnb_isa nnb_isa_cpu(void);

/* The level the hand-vectorised kernels use: nnb_isa_cpu() capped by the
 * environment variable NNB_KERNEL_ISA ("avx512", "avx2", "sse" or "c"),
 * read once, or by nnb_isa_set_cap(). */
nnb_isa nnb_isa_kernels(void);
/* Caps nnb_isa_kernels() from now on (tests and benchmarks exercise every
 * path on one machine); NNB_ISA_COUNT lifts the cap. */
void nnb_isa_set_cap(nnb_isa cap);

/* 0 when NNB_KERNEL_ISA is unset or valid; -1 with one line in err when it
 * holds anything else (the CLI refuses to run, exit 2). */
int nnb_isa_check_env(char *err, size_t len);

#endif
