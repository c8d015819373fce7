/* Peak FLOP/s loops for the roofline ceilings (ERT-style): independent FMA
 * (or mul+add) chains per ISA, compiled per ISA with #pragma GCC target and
 * chosen at run time from machine/isa.h. Built with -O2 whatever the build
 * type (CMakeLists.txt): a ceiling only means something from optimised
 * loops. */
#include "roofline/measure.h"

#include <immintrin.h>
#include <omp.h>

#include "machine/isa.h"
#include "machine/topo.h"
#include "roofline/team_timed.h"
#include "util/clock.h"

/* One generator, specialised by its arguments VT (vector type), SET1,
 * MADD (a*x+y, fused or not) and ADD, and the accumulator counts. Returns
 * lane 0 of the sum of all accumulators so nothing is dead. */
#define DECL_A(i, VT, SET1, MADD, ADD) VT a##i = SET1(1.0 + (i) * 1e-3);
#define STEP_A(i, VT, SET1, MADD, ADD) a##i = MADD(a##i, vx, vy);
#define SUM_A(i, VT, SET1, MADD, ADD) s = ADD(s, a##i);
#define DECL_B(i, VT, SET1, MADD, ADD) VT b##i = SET1(2.0 + (i) * 1e-3);
#define STEP_B(i, VT, SET1, MADD, ADD) b##i = ADD(b##i, vy);
#define SUM_B(i, VT, SET1, MADD, ADD) s = ADD(s, b##i);

/* FMA-only: 12 chains. Mix: 8 FMA chains + NA ADD chains (REPA). */
#define GEN_FMA(NAME, VT, SET1, MADD, ADD)                                                \
    NOSAN static double NAME(long iters, double x, double y)                              \
    {                                                                                     \
        VT vx = SET1(x), vy = SET1(y);                                                    \
        REP12(DECL_A, VT, SET1, MADD, ADD)                                                \
        for (long it = 0; it < iters; it++) { REP12(STEP_A, VT, SET1, MADD, ADD) }        \
        VT s = SET1(0.0);                                                                 \
        REP12(SUM_A, VT, SET1, MADD, ADD)                                                 \
        return (double)s[0];                                                              \
    }
#define GEN_MIX(NAME, REPA, VT, SET1, MADD, ADD)                                          \
    NOSAN static double NAME(long iters, double x, double y)                              \
    {                                                                                     \
        VT vx = SET1(x), vy = SET1(y);                                                    \
        REP8(DECL_A, VT, SET1, MADD, ADD)                                                 \
        REPA(DECL_B, VT, SET1, MADD, ADD)                                                 \
        for (long it = 0; it < iters; it++) {                                             \
            REP8(STEP_A, VT, SET1, MADD, ADD) REPA(STEP_B, VT, SET1, MADD, ADD)           \
        }                                                                                 \
        VT s = SET1(0.0);                                                                 \
        REP8(SUM_A, VT, SET1, MADD, ADD)                                                  \
        REPA(SUM_B, VT, SET1, MADD, ADD)                                                  \
        return (double)s[0];                                                              \
    }
/* The FMA-only and the mix kernel of one ISA and precision. */
#define GEN_PEAK(FMA_NAME, MIX_NAME, REPA, VT, SET1, MADD, ADD)                           \
    GEN_FMA(FMA_NAME, VT, SET1, MADD, ADD) GEN_MIX(MIX_NAME, REPA, VT, SET1, MADD, ADD)

#define SET1_PS(v) _mm_set1_ps((float)(v))
#define SET1_PD(v) _mm_set1_pd((double)(v))
#define SET1_PS256(v) _mm256_set1_ps((float)(v))
#define SET1_PD256(v) _mm256_set1_pd((double)(v))
#define SET1_PS512(v) _mm512_set1_ps((float)(v))
#define SET1_PD512(v) _mm512_set1_pd((double)(v))
/* a*x+y without FMA: a multiply, then an add */
#define MULADD_SS(a, x, y) _mm_add_ss(_mm_mul_ss(a, x), y)
#define MULADD_PS(a, x, y) _mm_add_ps(_mm_mul_ps(a, x), y)
#define MULADD_SD(a, x, y) _mm_add_sd(_mm_mul_sd(a, x), y)
#define MULADD_PD(a, x, y) _mm_add_pd(_mm_mul_pd(a, x), y)

/* --- scalar and SSE without FMA (mul + add) --- */
#pragma GCC push_options
#pragma GCC target("sse2")
GEN_PEAK(k_scalar_sp_muladd, k_scalar_sp_muladd_mix, REP6, __m128, SET1_PS, MULADD_SS, _mm_add_ss)
GEN_PEAK(k_sse_sp_muladd, k_sse_sp_muladd_mix, REP6, __m128, SET1_PS, MULADD_PS, _mm_add_ps)
GEN_PEAK(k_scalar_dp_muladd, k_scalar_dp_muladd_mix, REP6, __m128d, SET1_PD, MULADD_SD, _mm_add_sd)
GEN_PEAK(k_sse_dp_muladd, k_sse_dp_muladd_mix, REP6, __m128d, SET1_PD, MULADD_PD, _mm_add_pd)
#pragma GCC pop_options

/* --- scalar and 128-bit with FMA3 --- */
#pragma GCC push_options
#pragma GCC target("avx,fma")
GEN_PEAK(k_scalar_sp_fma, k_scalar_sp_mix, REP6, __m128, SET1_PS, _mm_fmadd_ss, _mm_add_ss)
GEN_PEAK(k_sse_sp_fma, k_sse_sp_mix, REP6, __m128, SET1_PS, _mm_fmadd_ps, _mm_add_ps)
GEN_PEAK(k_scalar_dp_fma, k_scalar_dp_mix, REP6, __m128d, SET1_PD, _mm_fmadd_sd, _mm_add_sd)
GEN_PEAK(k_sse_dp_fma, k_sse_dp_mix, REP6, __m128d, SET1_PD, _mm_fmadd_pd, _mm_add_pd)
#pragma GCC pop_options

/* --- AVX2 + FMA, 256-bit --- */
#pragma GCC push_options
#pragma GCC target("avx2,fma")
GEN_PEAK(k_avx2_sp_fma, k_avx2_sp_mix, REP6, __m256, SET1_PS256, _mm256_fmadd_ps, _mm256_add_ps)
GEN_PEAK(k_avx2_dp_fma, k_avx2_dp_mix, REP6, __m256d, SET1_PD256, _mm256_fmadd_pd, _mm256_add_pd)
#pragma GCC pop_options

/* --- AVX-512F, 512-bit (32 registers: 8 + 8 for the mix) --- */
#pragma GCC push_options
#pragma GCC target("avx512f")
GEN_PEAK(k_avx512_sp_fma, k_avx512_sp_mix, REP8, __m512, SET1_PS512, _mm512_fmadd_ps, _mm512_add_ps)
GEN_PEAK(k_avx512_dp_fma, k_avx512_dp_mix, REP8, __m512d, SET1_PD512, _mm512_fmadd_pd, _mm512_add_pd)
#pragma GCC pop_options

typedef double (*peak_fn)(long, double, double);

typedef struct peak_kernel {
    peak_fn fn;
    double flops_per_iter;
} peak_kernel;

bool nnb_ceil_fused(void) { return (nnb_isa_features() & NNB_ISA_F_FMA) != 0; }

/* The kernel and its lanes for one ISA and precision. */
static peak_fn peak_fn_of(nnb_isa isa, bool dp, bool mix, bool fused, int *lanes)
{
    switch (isa) {
    case NNB_ISA_SCALAR:
        *lanes = 1;
        if (fused) return dp ? (mix ? k_scalar_dp_mix : k_scalar_dp_fma) : (mix ? k_scalar_sp_mix : k_scalar_sp_fma);
        return dp ? (mix ? k_scalar_dp_muladd_mix : k_scalar_dp_muladd)
                  : (mix ? k_scalar_sp_muladd_mix : k_scalar_sp_muladd);
    case NNB_ISA_SSE:
        *lanes = dp ? 2 : 4;
        if (fused) return dp ? (mix ? k_sse_dp_mix : k_sse_dp_fma) : (mix ? k_sse_sp_mix : k_sse_sp_fma);
        return dp ? (mix ? k_sse_dp_muladd_mix : k_sse_dp_muladd) : (mix ? k_sse_sp_muladd_mix : k_sse_sp_muladd);
    case NNB_ISA_AVX2:
        *lanes = dp ? 4 : 8;
        return dp ? (mix ? k_avx2_dp_mix : k_avx2_dp_fma) : (mix ? k_avx2_sp_mix : k_avx2_sp_fma);
    case NNB_ISA_AVX512:
        *lanes = dp ? 8 : 16;
        return dp ? (mix ? k_avx512_dp_mix : k_avx512_dp_fma) : (mix ? k_avx512_sp_mix : k_avx512_sp_fma);
    default: return NULL;
    }
}

static int peak_lookup(nnb_isa isa, bool dp, bool mix, peak_kernel *k)
{
    /* every level includes the ones below it */
    if ((unsigned)isa >= NNB_ISA_COUNT || isa > nnb_isa_cpu()) return -1;
    int lanes = 0;
    k->fn = peak_fn_of(isa, dp, mix, nnb_ceil_fused(), &lanes);
    if (!k->fn) return -1;
    /* FMA-only: 12 chains x 2 flops. Mix: NF FMA chains x 2 + NA ADD chains x 1
     * (mul+add pairs also count 2 flops per chain step). */
    int nf = 12, na = 0;
    if (mix) {
        nf = 8;
        na = isa == NNB_ISA_AVX512 ? 8 : 6;
    }
    k->flops_per_iter = (double)lanes * (2.0 * nf + na);
    return 0;
}

static volatile double g_sink;

double nnb_ceil_peak_gflops(nnb_isa isa, bool dp, bool mix, int threads, double min_time_s, int samples)
{
    peak_kernel k;
    if (threads < 1 || peak_lookup(isa, dp, mix, &k) != 0) return -1;
    if (min_time_s <= 0) min_time_s = 0.02;
    if (samples < 1) samples = 3;
    const double x = 0.999999, y = 1e-7;
    long iters = 1024;
    int stop = 0, nt = threads;
    double best = 1e300;
#pragma omp parallel num_threads(threads) shared(iters, stop, best, nt)
    {
        nnb_topo_bind_self(omp_get_thread_num());
#pragma omp master
        nt = omp_get_num_threads();
        double r = 0;
        TEAM_TIMED(&best, &iters, &stop, min_time_s, samples, (1L << 40), r += k.fn(iters, x, y));
        if (r == 12345.678) g_sink = r;
    }
    return (double)nt * (double)iters * k.flops_per_iter / best * 1e-9;
}

/* The scalar loop a peak must beat: one dependent multiply-add chain. */
NOSAN static double scalar_chain(long iters, double x, double y)
{
    double a = 1.0;
    for (long i = 0; i < iters; i++) a = a * x + y;
    return a;
}

double nnb_ceil_scalar_chain_gflops(double min_time_s)
{
    long iters = 1 << 16;
    double dt;
    for (;;) {
        double t0 = nnb_now_s();
        g_sink = scalar_chain(iters, 0.999999, 1e-7);
        dt = nnb_now_s() - t0;
        if (dt >= min_time_s || iters > (1L << 40)) break;
        iters *= 2;
    }
    return 2.0 * (double)iters / dt * 1e-9;
}
