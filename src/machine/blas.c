/* OpenBLAS's chosen core against the CPU (blas.h). */
#include "machine/blas.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "machine/isa.h"
#include "util/util.h"

char *openblas_get_corename(void);
char *openblas_get_config(void);
int openblas_get_parallel(void);

/* The vector level of OpenBLAS's sgemm kernels for each core name of its
 * dynamic dispatch (0.3.x); cores with AVX but no FMA count as SSE here. */
static nnb_isa core_level(const char *core)
{
    static const char *const avx512[] = {"SkylakeX", "Cooperlake", "SapphireRapids"};
    static const char *const avx2[] = {"Haswell", "Zen", "Excavator"};
    static const char *const sse[] = {"Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom",
                                      "Sandybridge", "Bulldozer", "Piledriver", "Steamroller", "Barcelona",
                                      "Opteron", "Opteron_SSE3", "Bobcat", "Nano", "Katmai", "Coppermine",
                                      "Northwood", "Banias", "Athlon"};
    for (size_t i = 0; i < sizeof avx512 / sizeof avx512[0]; i++)
        if (strcasecmp(core, avx512[i]) == 0) return NNB_ISA_AVX512;
    for (size_t i = 0; i < sizeof avx2 / sizeof avx2[0]; i++)
        if (strcasecmp(core, avx2[i]) == 0) return NNB_ISA_AVX2;
    for (size_t i = 0; i < sizeof sse / sizeof sse[0]; i++)
        if (strcasecmp(core, sse[i]) == 0) return NNB_ISA_SSE;
    return NNB_ISA_COUNT;
}

bool nnb_blas_core_is_avx512(const char *core)
{
    return core && core_level(core) == NNB_ISA_AVX512;
}

const nnb_blas_info *nnb_blas_info_get(void)
{
    static nnb_blas_info info;
    static bool done;
    if (done) return &info;
    done = true;
    nnb_copy_str(info.core, sizeof info.core, openblas_get_corename());
    nnb_copy_str(info.config, sizeof info.config, openblas_get_config());
    info.parallel = openblas_get_parallel();
    size_t n = strlen(info.config); /* the config string ends in a space */
    while (n && info.config[n - 1] == ' ') info.config[--n] = '\0';
    nnb_isa core = core_level(info.core), cpu = nnb_isa_cpu();
    info.core_isa = core == NNB_ISA_COUNT ? "?" : nnb_isa_name(core);
    info.cpu_isa = nnb_isa_name(cpu);
    info.weaker = core != NNB_ISA_COUNT && core < cpu;
    if (info.weaker)
        snprintf(info.remedy, sizeof info.remedy, "OPENBLAS_CORETYPE=%s",
                 cpu >= NNB_ISA_AVX512 ? "SkylakeX" : cpu >= NNB_ISA_AVX2 ? "Haswell" : "Nehalem");
    return &info;
}

void nnb_blas_warn_if_weaker(void)
{
    static bool warned;
    const nnb_blas_info *b = nnb_blas_info_get();
    if (!b->weaker || warned) return;
    warned = true;
    fprintf(stderr,
            "nnbench: warning: OpenBLAS runs its %s kernels (%s) on a CPU with %s: OpenBLAS-based kernels are "
            "slower than they could be; run with %s (nnbench leaves the BLAS as it is)\n",
            b->core, b->core_isa, b->cpu_isa, b->remedy);
}
