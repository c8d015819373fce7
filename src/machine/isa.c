#include "machine/isa.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static unsigned g_features;
static char g_features_str[128];
static nnb_isa g_cpu;
static nnb_isa g_cap = NNB_ISA_COUNT; /* from NNB_KERNEL_ISA, or set_cap */

static const char *const g_names[NNB_ISA_COUNT] = {"scalar", "sse", "avx2", "avx512"};

const char *nnb_isa_name(nnb_isa i) { return i >= 0 && i < NNB_ISA_COUNT ? g_names[i] : "?"; }

/* NNB_KERNEL_ISA value -> level; -1 if not a level name */
static int parse_cap(const char *s)
{
    if (strcmp(s, "c") == 0 || strcmp(s, "scalar") == 0) return NNB_ISA_SCALAR;
    if (strcmp(s, "sse") == 0) return NNB_ISA_SSE;
    if (strcmp(s, "avx2") == 0) return NNB_ISA_AVX2;
    if (strcmp(s, "avx512") == 0) return NNB_ISA_AVX512;
    return -1;
}

static void detect(void)
{
    static const struct { unsigned bit; const char *name; } names[] = {
        {NNB_ISA_F_SSE2, "sse2"},         {NNB_ISA_F_AVX, "avx"},
        {NNB_ISA_F_FMA, "fma"},           {NNB_ISA_F_AVX2, "avx2"},
        {NNB_ISA_F_AVX512F, "avx512f"},   {NNB_ISA_F_AVX512VL, "avx512vl"},
        {NNB_ISA_F_AVX512BW, "avx512bw"}, {NNB_ISA_F_AVX512DQ, "avx512dq"},
    };
    __builtin_cpu_init();
    unsigned f = 0;
    if (__builtin_cpu_supports("sse2")) f |= NNB_ISA_F_SSE2;
    if (__builtin_cpu_supports("avx")) f |= NNB_ISA_F_AVX;
    if (__builtin_cpu_supports("fma")) f |= NNB_ISA_F_FMA;
    if (__builtin_cpu_supports("avx2")) f |= NNB_ISA_F_AVX2;
    if (__builtin_cpu_supports("avx512f")) f |= NNB_ISA_F_AVX512F;
    if (__builtin_cpu_supports("avx512vl")) f |= NNB_ISA_F_AVX512VL;
    if (__builtin_cpu_supports("avx512bw")) f |= NNB_ISA_F_AVX512BW;
    if (__builtin_cpu_supports("avx512dq")) f |= NNB_ISA_F_AVX512DQ;
    g_features = f;
    size_t off = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!(f & names[i].bit)) continue;
        int w = snprintf(g_features_str + off, sizeof g_features_str - off, "%s%s", off ? " " : "",
                         names[i].name);
        if (w < 0 || (size_t)w >= sizeof g_features_str - off) break;
        off += (size_t)w;
    }
    g_cpu = NNB_ISA_SCALAR;
    if (f & NNB_ISA_F_SSE2) g_cpu = NNB_ISA_SSE;
    if ((f & NNB_ISA_F_AVX2) && (f & NNB_ISA_F_FMA)) g_cpu = NNB_ISA_AVX2;
    if (g_cpu == NNB_ISA_AVX2 && (f & NNB_ISA_F_AVX512F)) g_cpu = NNB_ISA_AVX512;
    const char *cap = getenv("NNB_KERNEL_ISA");
    int c = cap ? parse_cap(cap) : -1;
    if (c >= 0) g_cap = (nnb_isa)c;
}

unsigned nnb_isa_features(void)
{
    pthread_once(&g_once, detect);
    return g_features;
}

const char *nnb_isa_features_str(void)
{
    pthread_once(&g_once, detect);
    return g_features_str;
}

nnb_isa nnb_isa_cpu(void)
{
    pthread_once(&g_once, detect);
    return g_cpu;
}

nnb_isa nnb_isa_kernels(void)
{
    pthread_once(&g_once, detect);
    return g_cap < g_cpu ? g_cap : g_cpu;
}

void nnb_isa_set_cap(nnb_isa cap)
{
    pthread_once(&g_once, detect);
    g_cap = cap;
}

int nnb_isa_check_env(char *err, size_t len)
{
    const char *cap = getenv("NNB_KERNEL_ISA");
    if (!cap || parse_cap(cap) >= 0) return 0;
    return nnb_errf(err, len, "NNB_KERNEL_ISA=%.40s: expected avx512, avx2, sse or c", cap);
}
