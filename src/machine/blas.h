/* The BLAS this process runs: OpenBLAS's core (the kernel set its dynamic
 * dispatch chose) against what the CPU supports. nnbench never changes it;
 * it states it in every report and warns, with the remedy, when it is weaker
 * (Debian's 0.3.21 picks Prescott, SSE3, on Intel CPUs it does not know). */
#ifndef NNBENCH_MACHINE_BLAS_H
#define NNBENCH_MACHINE_BLAS_H

#include <stdbool.h>

typedef struct nnb_blas_info {
    char core[64];       /* openblas_get_corename(), e.g. "Haswell" */
    char config[256];    /* openblas_get_config(), version and build flags */
    const char *core_isa;/* the vector level of that core's kernels (isa.h's names); "?" unknown */
    const char *cpu_isa; /* the highest level this CPU runs */
    bool weaker;         /* core_isa below what this CPU runs */
    char remedy[96];     /* e.g. "OPENBLAS_CORETYPE=SkylakeX" when weaker */
    int parallel;        /* openblas_get_parallel(): 0 sequential, 1 pthreads, 2 OpenMP (the
                            library loaded at run time: Debian's alternatives can swap it) */
} nnb_blas_info;

/* Read once per process. */
const nnb_blas_info *nnb_blas_info_get(void);

/* Whether OpenBLAS core name (an OPENBLAS_CORETYPE value) runs AVX-512
 * kernels: valgrind, which has no AVX-512, cannot run them. */
bool nnb_blas_core_is_avx512(const char *core);

/* One line on stderr, once per process, when the core is weaker than the CPU. */
void nnb_blas_warn_if_weaker(void);

#endif
