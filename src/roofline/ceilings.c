/* Measuring loops for the roofline ceilings (ERT-style): FMA throughput per
 * ISA, and bandwidth over a working-set sweep. Kernels are compiled per ISA
 * with __attribute__((target)) and chosen at run time; they are excluded
 * from sanitizers (they measure the machine, and are trivially in bounds). */
#include "roofline/roofline.h"
#include "machine/topo.h"

#include <immintrin.h>
#include <math.h>
#include <omp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NOSAN __attribute__((no_sanitize("address", "undefined"), noinline))

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ------------------------------------------------------------------ */
/* Peak FLOP/s kernels                                                 */
/* ------------------------------------------------------------------ */

#define REP6(X) X(0) X(1) X(2) X(3) X(4) X(5)
#define REP8(X) REP6(X) X(6) X(7)
#define REP12(X) REP8(X) X(8) X(9) X(10) X(11)

/* One generator, specialised by the macros VT (vector type), SET1, MADD
 * (a*x+y, fused or not), ADD, and the accumulator counts. Returns lane 0 of
 * the sum of all accumulators so nothing is dead. */
#define DECL_A(i) VT a##i = SET1(1.0 + (i) * 1e-3);
#define STEP_A(i) a##i = MADD(a##i, vx, vy);
#define SUM_A(i) s = ADD(s, a##i);
#define DECL_B(i) VT b##i = SET1(2.0 + (i) * 1e-3);
#define STEP_B(i) b##i = ADD(b##i, vy);
#define SUM_B(i) s = ADD(s, b##i);

/* FMA-only: 12 chains. Mix: NF FMA chains + NA ADD chains. */
#define GEN_FMA(NAME)                                                      \
    NOSAN static double NAME(long iters, double x, double y)               \
    {                                                                      \
        VT vx = SET1(x), vy = SET1(y);                                     \
        REP12(DECL_A)                                                      \
        for (long it = 0; it < iters; it++) { REP12(STEP_A) }              \
        VT s = SET1(0.0);                                                  \
        REP12(SUM_A)                                                       \
        return (double)s[0];                                               \
    }
#define GEN_MIX(NAME, REPF, REPA)                                          \
    NOSAN static double NAME(long iters, double x, double y)               \
    {                                                                      \
        VT vx = SET1(x), vy = SET1(y);                                     \
        REPF(DECL_A)                                                       \
        REPA(DECL_B)                                                       \
        for (long it = 0; it < iters; it++) { REPF(STEP_A) REPA(STEP_B) }  \
        VT s = SET1(0.0);                                                  \
        REPF(SUM_A)                                                        \
        REPA(SUM_B)                                                        \
        return (double)s[0];                                               \
    }

#pragma GCC push_options

/* --- scalar and SSE without FMA (mul + add) --- */
#pragma GCC target("sse2")
#define MADD(a, x, y) ADD(MUL(a, x), y)
#define VT __m128
#define SET1(v) _mm_set1_ps((float)(v))
#define MUL _mm_mul_ss
#define ADD _mm_add_ss
GEN_FMA(k_scalar_sp_muladd)
GEN_MIX(k_scalar_sp_muladd_mix, REP8, REP6)
#undef MUL
#undef ADD
#define MUL _mm_mul_ps
#define ADD _mm_add_ps
GEN_FMA(k_sse_sp_muladd)
GEN_MIX(k_sse_sp_muladd_mix, REP8, REP6)
#undef VT
#undef SET1
#undef MUL
#undef ADD
#define VT __m128d
#define SET1(v) _mm_set1_pd((double)(v))
#define MUL _mm_mul_sd
#define ADD _mm_add_sd
GEN_FMA(k_scalar_dp_muladd)
GEN_MIX(k_scalar_dp_muladd_mix, REP8, REP6)
#undef MUL
#undef ADD
#define MUL _mm_mul_pd
#define ADD _mm_add_pd
GEN_FMA(k_sse_dp_muladd)
GEN_MIX(k_sse_dp_muladd_mix, REP8, REP6)
#undef VT
#undef SET1
#undef MUL
#undef ADD
#undef MADD
#pragma GCC pop_options

/* --- scalar and 128-bit with FMA3 --- */
#pragma GCC push_options
#pragma GCC target("avx,fma")
#define VT __m128
#define SET1(v) _mm_set1_ps((float)(v))
#define MADD _mm_fmadd_ss
#define ADD _mm_add_ss
GEN_FMA(k_scalar_sp_fma)
GEN_MIX(k_scalar_sp_mix, REP8, REP6)
#undef MADD
#undef ADD
#define MADD _mm_fmadd_ps
#define ADD _mm_add_ps
GEN_FMA(k_sse_sp_fma)
GEN_MIX(k_sse_sp_mix, REP8, REP6)
#undef VT
#undef SET1
#undef MADD
#undef ADD
#define VT __m128d
#define SET1(v) _mm_set1_pd((double)(v))
#define MADD _mm_fmadd_sd
#define ADD _mm_add_sd
GEN_FMA(k_scalar_dp_fma)
GEN_MIX(k_scalar_dp_mix, REP8, REP6)
#undef MADD
#undef ADD
#define MADD _mm_fmadd_pd
#define ADD _mm_add_pd
GEN_FMA(k_sse_dp_fma)
GEN_MIX(k_sse_dp_mix, REP8, REP6)
#undef VT
#undef SET1
#undef MADD
#undef ADD
#pragma GCC pop_options

/* --- AVX2 + FMA, 256-bit --- */
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#define VT __m256
#define SET1(v) _mm256_set1_ps((float)(v))
#define MADD _mm256_fmadd_ps
#define ADD _mm256_add_ps
GEN_FMA(k_avx2_sp_fma)
GEN_MIX(k_avx2_sp_mix, REP8, REP6)
#undef VT
#undef SET1
#undef MADD
#undef ADD
#define VT __m256d
#define SET1(v) _mm256_set1_pd((double)(v))
#define MADD _mm256_fmadd_pd
#define ADD _mm256_add_pd
GEN_FMA(k_avx2_dp_fma)
GEN_MIX(k_avx2_dp_mix, REP8, REP6)
#undef VT
#undef SET1
#undef MADD
#undef ADD
#pragma GCC pop_options

/* --- AVX-512F, 512-bit (32 registers: 8 + 8 for the mix) --- */
#pragma GCC push_options
#pragma GCC target("avx512f")
#define VT __m512
#define SET1(v) _mm512_set1_ps((float)(v))
#define MADD _mm512_fmadd_ps
#define ADD _mm512_add_ps
GEN_FMA(k_avx512_sp_fma)
GEN_MIX(k_avx512_sp_mix, REP8, REP8)
#undef VT
#undef SET1
#undef MADD
#undef ADD
#define VT __m512d
#define SET1(v) _mm512_set1_pd((double)(v))
#define MADD _mm512_fmadd_pd
#define ADD _mm512_add_pd
GEN_FMA(k_avx512_dp_fma)
GEN_MIX(k_avx512_dp_mix, REP8, REP8)
#undef VT
#undef SET1
#undef MADD
#undef ADD
#pragma GCC pop_options

typedef double (*peak_fn)(long, double, double);

typedef struct peak_kernel {
    peak_fn fn;
    double flops_per_iter;
} peak_kernel;

static bool isa_fused(void) { return (nnb_topo_get()->isa & NNB_ISA_F_FMA) != 0; }

static bool isa_available(nnb_risa isa)
{
    unsigned f = nnb_topo_get()->isa;
    switch (isa) {
    case NNB_RISA_SCALAR:
    case NNB_RISA_SSE: return (f & NNB_ISA_F_SSE2) != 0;
    case NNB_RISA_AVX2: return (f & NNB_ISA_F_AVX2) && (f & NNB_ISA_F_FMA);
    case NNB_RISA_AVX512: return (f & NNB_ISA_F_AVX512F) != 0;
    default: return false;
    }
}

static int peak_lookup(nnb_risa isa, bool dp, bool mix, peak_kernel *k)
{
    if (!isa_available(isa)) return -1;
    bool fused = isa_fused();
    int lanes;
    peak_fn f = NULL;
    switch (isa) {
    case NNB_RISA_SCALAR:
        lanes = 1;
        if (fused) f = dp ? (mix ? k_scalar_dp_mix : k_scalar_dp_fma) : (mix ? k_scalar_sp_mix : k_scalar_sp_fma);
        else f = dp ? (mix ? k_scalar_dp_muladd_mix : k_scalar_dp_muladd)
                    : (mix ? k_scalar_sp_muladd_mix : k_scalar_sp_muladd);
        break;
    case NNB_RISA_SSE:
        lanes = dp ? 2 : 4;
        if (fused) f = dp ? (mix ? k_sse_dp_mix : k_sse_dp_fma) : (mix ? k_sse_sp_mix : k_sse_sp_fma);
        else f = dp ? (mix ? k_sse_dp_muladd_mix : k_sse_dp_muladd) : (mix ? k_sse_sp_muladd_mix : k_sse_sp_muladd);
        break;
    case NNB_RISA_AVX2:
        lanes = dp ? 4 : 8;
        f = dp ? (mix ? k_avx2_dp_mix : k_avx2_dp_fma) : (mix ? k_avx2_sp_mix : k_avx2_sp_fma);
        break;
    case NNB_RISA_AVX512:
        lanes = dp ? 8 : 16;
        f = dp ? (mix ? k_avx512_dp_mix : k_avx512_dp_fma) : (mix ? k_avx512_sp_mix : k_avx512_sp_fma);
        break;
    default: return -1;
    }
    k->fn = f;
    /* FMA-only: 12 chains x 2 flops. Mix: NF FMA chains x 2 + NA ADD chains x 1
     * (mul+add pairs also count 2 flops per chain step). */
    int nf = 12, na = 0;
    if (mix) {
        nf = 8;
        na = isa == NNB_RISA_AVX512 ? 8 : 6;
    }
    k->flops_per_iter = (double)lanes * (2.0 * nf + na);
    return 0;
}

static volatile double g_sink;

/* Runs body(iters) on every thread of a team: calibrates iters (shared)
 * until one run takes about min_time_s, then returns the best of `samples`
 * timed runs (seconds, master's clock between barriers). Must be called by
 * every thread of the team; *iters and *stop are shared. */
#define TEAM_TIMED(best, iters, stop, min_time_s, samples, max_iters, BODY)              \
    do {                                                                                  \
        _Pragma("omp master") *(stop) = 0;                                                \
        _Pragma("omp barrier")                                                            \
        for (;;) {                                                                        \
            double t0_ = 0;                                                               \
            _Pragma("omp barrier") _Pragma("omp master") t0_ = now_s();                   \
            BODY;                                                                         \
            _Pragma("omp barrier") _Pragma("omp master")                                  \
            {                                                                             \
                double dt_ = now_s() - t0_;                                               \
                if (dt_ >= (min_time_s) / 2 || *(iters) >= (max_iters)) {                 \
                    *(stop) = 1;                                                          \
                    if (dt_ < (min_time_s) && *(iters) < (max_iters)) {                   \
                        double f_ = (min_time_s) / (dt_ > 0 ? dt_ : 1e-9);                \
                        *(iters) = (long)((double)*(iters) * f_) + 1;                     \
                    }                                                                     \
                } else {                                                                  \
                    double f_ = dt_ > 0 ? (min_time_s) / dt_ : 16;                        \
                    *(iters) = (long)((double)*(iters) * (f_ > 16 ? 16 : f_ < 2 ? 2 : f_)); \
                }                                                                         \
            }                                                                             \
            _Pragma("omp barrier") if (*(stop)) break;                                    \
        }                                                                                 \
        for (int s_ = 0; s_ < (samples); s_++) {                                          \
            double t0_ = 0;                                                               \
            _Pragma("omp barrier") _Pragma("omp master") t0_ = now_s();                   \
            BODY;                                                                         \
            _Pragma("omp barrier") _Pragma("omp master")                                  \
            {                                                                             \
                double dt_ = now_s() - t0_;                                               \
                if (dt_ < *(best)) *(best) = dt_;                                         \
            }                                                                             \
        }                                                                                 \
        _Pragma("omp barrier")                                                            \
    } while (0)

double nnb_ceil_peak_gflops(nnb_risa isa, bool dp, bool mix, int threads, double min_time_s)
{
    peak_kernel k;
    if (threads < 1 || peak_lookup(isa, dp, mix, &k) != 0) return -1;
    if (min_time_s <= 0) min_time_s = 0.02;
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
        TEAM_TIMED(&best, &iters, &stop, min_time_s, 3, (1L << 40), r += k.fn(iters, x, y));
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
        double t0 = now_s();
        g_sink = scalar_chain(iters, 0.999999, 1e-7);
        dt = now_s() - t0;
        if (dt >= min_time_s || iters > (1L << 40)) break;
        iters *= 2;
    }
    return 2.0 * (double)iters / dt * 1e-9;
}

/* ------------------------------------------------------------------ */
/* Bandwidth kernels                                                   */
/* ------------------------------------------------------------------ */

/* n is a multiple of 128 floats (read) or 16 floats (triad); pointers are
 * 64-byte aligned. Accumulators carry over repetitions and a compiler
 * barrier separates them, so no repetition can be folded away. */
__attribute__((target("avx512f"))) NOSAN static double rd_avx512(const float *p, long n, long reps)
{
    __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    for (long r = 0; r < reps; r++) {
        for (long i = 0; i < n; i += 128) {
            a0 = _mm512_add_ps(a0, _mm512_load_ps(p + i));
            a1 = _mm512_add_ps(a1, _mm512_load_ps(p + i + 16));
            a2 = _mm512_add_ps(a2, _mm512_load_ps(p + i + 32));
            a3 = _mm512_add_ps(a3, _mm512_load_ps(p + i + 48));
            a4 = _mm512_add_ps(a4, _mm512_load_ps(p + i + 64));
            a5 = _mm512_add_ps(a5, _mm512_load_ps(p + i + 80));
            a6 = _mm512_add_ps(a6, _mm512_load_ps(p + i + 96));
            a7 = _mm512_add_ps(a7, _mm512_load_ps(p + i + 112));
        }
        __asm__ volatile("" ::: "memory");
    }
    __m512 s = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)),
                             _mm512_add_ps(_mm512_add_ps(a4, a5), _mm512_add_ps(a6, a7)));
    return (double)s[0];
}

__attribute__((target("avx2"))) NOSAN static double rd_avx2(const float *p, long n, long reps)
{
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    for (long r = 0; r < reps; r++) {
        for (long i = 0; i < n; i += 64) {
            a0 = _mm256_add_ps(a0, _mm256_load_ps(p + i));
            a1 = _mm256_add_ps(a1, _mm256_load_ps(p + i + 8));
            a2 = _mm256_add_ps(a2, _mm256_load_ps(p + i + 16));
            a3 = _mm256_add_ps(a3, _mm256_load_ps(p + i + 24));
            a4 = _mm256_add_ps(a4, _mm256_load_ps(p + i + 32));
            a5 = _mm256_add_ps(a5, _mm256_load_ps(p + i + 40));
            a6 = _mm256_add_ps(a6, _mm256_load_ps(p + i + 48));
            a7 = _mm256_add_ps(a7, _mm256_load_ps(p + i + 56));
        }
        __asm__ volatile("" ::: "memory");
    }
    __m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)),
                             _mm256_add_ps(_mm256_add_ps(a4, a5), _mm256_add_ps(a6, a7)));
    return (double)s[0];
}

NOSAN static double rd_sse2(const float *p, long n, long reps)
{
    __m128 a0 = _mm_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    for (long r = 0; r < reps; r++) {
        for (long i = 0; i < n; i += 32) {
            a0 = _mm_add_ps(a0, _mm_load_ps(p + i));
            a1 = _mm_add_ps(a1, _mm_load_ps(p + i + 4));
            a2 = _mm_add_ps(a2, _mm_load_ps(p + i + 8));
            a3 = _mm_add_ps(a3, _mm_load_ps(p + i + 12));
            a4 = _mm_add_ps(a4, _mm_load_ps(p + i + 16));
            a5 = _mm_add_ps(a5, _mm_load_ps(p + i + 20));
            a6 = _mm_add_ps(a6, _mm_load_ps(p + i + 24));
            a7 = _mm_add_ps(a7, _mm_load_ps(p + i + 28));
        }
        __asm__ volatile("" ::: "memory");
    }
    __m128 s = _mm_add_ps(_mm_add_ps(_mm_add_ps(a0, a1), _mm_add_ps(a2, a3)),
                          _mm_add_ps(_mm_add_ps(a4, a5), _mm_add_ps(a6, a7)));
    return (double)s[0];
}

__attribute__((target("avx512f"))) NOSAN static void triad_avx512(float *a, const float *b, const float *c,
                                                                  long n, long reps)
{
    const __m512 s = _mm512_set1_ps(0.5f);
    for (long r = 0; r < reps; r++) {
        for (long i = 0; i < n; i += 16)
            _mm512_store_ps(a + i, _mm512_fmadd_ps(s, _mm512_load_ps(c + i), _mm512_load_ps(b + i)));
        __asm__ volatile("" ::: "memory");
    }
}

__attribute__((target("avx2,fma"))) NOSAN static void triad_avx2(float *a, const float *b, const float *c,
                                                                 long n, long reps)
{
    const __m256 s = _mm256_set1_ps(0.5f);
    for (long r = 0; r < reps; r++) {
        for (long i = 0; i < n; i += 8)
            _mm256_store_ps(a + i, _mm256_fmadd_ps(s, _mm256_load_ps(c + i), _mm256_load_ps(b + i)));
        __asm__ volatile("" ::: "memory");
    }
}

NOSAN static void triad_sse2(float *a, const float *b, const float *c, long n, long reps)
{
    const __m128 s = _mm_set1_ps(0.5f);
    for (long r = 0; r < reps; r++) {
        for (long i = 0; i < n; i += 4)
            _mm_store_ps(a + i, _mm_add_ps(_mm_load_ps(b + i), _mm_mul_ps(s, _mm_load_ps(c + i))));
        __asm__ volatile("" ::: "memory");
    }
}

typedef double (*rd_fn)(const float *, long, long);
typedef void (*triad_fn)(float *, const float *, const float *, long, long);

static void bw_kernels(rd_fn *rd, triad_fn *tr)
{
    unsigned f = nnb_topo_get()->isa;
    if (f & NNB_ISA_F_AVX512F) {
        *rd = rd_avx512;
        *tr = triad_avx512;
    } else if ((f & NNB_ISA_F_AVX2) && (f & NNB_ISA_F_FMA)) {
        *rd = rd_avx2;
        *tr = triad_avx2;
    } else {
        *rd = rd_sse2;
        *tr = triad_sse2;
    }
}

#define PAD_FLOATS 48 /* 192 bytes between triad arrays: no 4 KiB aliasing */

/* Elements per thread for a total working set. */
static long rd_elems(int64_t bytes, int threads)
{
    long n = (long)(bytes / threads / 4) / 128 * 128;
    return n < 128 ? 128 : n;
}
static long triad_elems(int64_t bytes, int threads)
{
    long n = (long)(bytes / threads / 12) / 16 * 16;
    return n < 16 ? 16 : n;
}

typedef struct sweep_ctx {
    const int64_t *sizes;
    int n;
    double min_time_s;
    int samples;
    double *rd_gbs, *tr_gbs;
    bool do_read, do_triad;
    bool progress;
    const char *what;
    double t_start;
} sweep_ctx;

void nnb_ceil_progress(bool on, const char *fmt, ...);

/* One team for the whole sweep: each thread allocates and first-touches its
 * own buffer once (sized for the largest point), then every point is timed
 * on the prefix it needs. Returns 0 or -1 (allocation failed). */
static int run_sweep(int threads, sweep_ctx *sc)
{
    rd_fn rd;
    triad_fn tr;
    bw_kernels(&rd, &tr);
    int64_t maxb = 0;
    for (int i = 0; i < sc->n; i++)
        if (sc->sizes[i] > maxb) maxb = sc->sizes[i];
    long nmax_rd = rd_elems(maxb, threads), nmax_tr = triad_elems(maxb, threads);
    long per = nmax_rd > 3 * (nmax_tr + PAD_FLOATS) ? nmax_rd : 3 * (nmax_tr + PAD_FLOATS);
    size_t bytes = ((size_t)per * 4 + 63) / 64 * 64;
    int failed = 0, nt = threads;
    long iters = 1;
    int stop = 0;
    double best = 1e300;
    double sink = 0;
#pragma omp parallel num_threads(threads) shared(iters, stop, best, failed, nt) reduction(+ : sink)
    {
        int tid = omp_get_thread_num();
        nnb_topo_bind_self(tid);
#pragma omp master
        nt = omp_get_num_threads();
        float *buf = aligned_alloc(64, bytes);
        if (buf) {
            for (size_t i = 0; i < bytes / 4; i++) buf[i] = (float)(i & 7) * 0.125f;
        } else {
#pragma omp atomic
            failed++;
        }
#pragma omp barrier
        if (!failed && nt == threads) {
            for (int pt = 0; pt < sc->n; pt++) {
                int64_t sz = sc->sizes[pt];
                if (sc->do_read) {
                    long n = rd_elems(sz, threads);
#pragma omp master
                    {
                        iters = 1;
                        best = 1e300;
                    }
                    TEAM_TIMED(&best, &iters, &stop, sc->min_time_s, sc->samples, (1L << 30),
                               sink += rd(buf, n, iters));
#pragma omp master
                    sc->rd_gbs[pt] = (double)n * 4.0 * threads * (double)iters / best * 1e-9;
                }
                if (sc->do_triad) {
                    long n = triad_elems(sz, threads);
                    float *a = buf, *b = buf + n + PAD_FLOATS, *c = buf + 2 * (n + PAD_FLOATS);
#pragma omp master
                    {
                        iters = 1;
                        best = 1e300;
                    }
                    TEAM_TIMED(&best, &iters, &stop, sc->min_time_s, sc->samples, (1L << 30),
                               tr(a, b, c, n, iters));
#pragma omp master
                    sc->tr_gbs[pt] = (double)n * 12.0 * threads * (double)iters / best * 1e-9;
                }
#pragma omp master
                nnb_ceil_progress(sc->progress, "%s: bandwidth sweep %d/%d (%.1f s)", sc->what, pt + 1,
                                  sc->n, now_s() - sc->t_start);
            }
        }
        free(buf);
    }
    g_sink = sink;
    if (nt != threads) return -1;
    return failed ? -1 : 0;
}

double nnb_ceil_bw_gbs(bool triad, int64_t bytes, int threads, double min_time_s)
{
    if (threads < 1 || bytes <= 0) return -1;
    double rd = 0, tr = 0;
    sweep_ctx sc = {.sizes = &bytes, .n = 1, .min_time_s = min_time_s > 0 ? min_time_s : 0.01,
                    .samples = 3, .rd_gbs = &rd, .tr_gbs = &tr, .do_read = !triad, .do_triad = triad,
                    .progress = false, .what = "", .t_start = now_s()};
    if (run_sweep(threads, &sc) != 0) return -1;
    return triad ? tr : rd;
}

/* ------------------------------------------------------------------ */
/* All ceilings for one thread count                                   */
/* ------------------------------------------------------------------ */

void nnb_ceil_analyze_sweep(nnb_ceilings *c);   /* roofline.c */
void nnb_ceil_capacities(int threads, int64_t cap[NNB_LVL_COUNT]);

void nnb_ceil_opts_default(nnb_ceil_opts *o)
{
    memset(o, 0, sizeof *o);
    o->progress = true;
}

int nnb_ceilings_measure(int threads, const nnb_ceil_opts *o, nnb_ceilings *c, char *err, size_t errlen)
{
    nnb_ceil_opts def;
    if (!o) {
        nnb_ceil_opts_default(&def);
        o = &def;
    }
    if (threads < 1 || threads > 4096) {
        snprintf(err, errlen, "roofline: bad thread count %d (1..4096)", threads);
        return -1;
    }
    const nnb_topo *t = nnb_topo_get();
    memset(c, 0, sizeof *c);
    nnb_ceil_machine_key(c->key, sizeof c->key);
    c->threads = threads;
    c->measured_unix = (long long)time(NULL);
    double t0 = now_s();
    if (o->progress) {
        double load = 0;
        FILE *lf = fopen("/proc/loadavg", "r");
        if (lf) {
            if (fscanf(lf, "%lf", &load) != 1) load = 0;
            fclose(lf);
        }
        if (load > 0.75)
            fprintf(stderr, "nnbench: warning: system load %.2f while measuring ceilings: they may come out low "
                            "(measure again with --refresh on an idle machine)\n", load);
    }
    nnb_topo_bind_omp(threads, c->binding, sizeof c->binding);
    char what[32];
    snprintf(what, sizeof what, "roofline %d thread%s", threads, threads > 1 ? "s" : "");

    /* peaks */
    double pt = o->quick ? 0.004 : 0.02;
    int step = 0;
    for (int i = 0; i < NNB_RISA_COUNT; i++) {
        nnb_peak *p = &c->peak[i];
        p->fused = isa_fused() || i >= NNB_RISA_AVX2;
        for (int m = 0; m < 4; m++) {
            bool dp = m >= 2, mix = m & 1;
            nnb_ceil_progress(o->progress, "%s: peak FLOP/s %d/%d (%.1f s)", what, ++step,
                              4 * NNB_RISA_COUNT, now_s() - t0);
            double g = nnb_ceil_peak_gflops((nnb_risa)i, dp, mix, threads, pt);
            if (g < 0) g = 0;
            if (dp) *(mix ? &p->dp_mix : &p->dp_fma) = g;
            else *(mix ? &p->sp_mix : &p->sp_fma) = g;
        }
    }

    /* sweep */
    nnb_ceil_capacities(threads, c->cap_bytes);
    int64_t llc = c->cap_bytes[NNB_LVL_L3] ? c->cap_bytes[NNB_LVL_L3]
                  : c->cap_bytes[NNB_LVL_L2] ? c->cap_bytes[NNB_LVL_L2]
                                             : (int64_t)8 << 20;
    int64_t lo = o->sweep_min > 0 ? o->sweep_min : 8192;
    /* well past the LLC: a victim / non-LRU L3 still serves part of a cyclic
     * sweep a few times its size, so the DRAM ceiling comes from >= 8 x LLC */
    int64_t hi = o->sweep_max > 0 ? o->sweep_max : (16 * llc > ((int64_t)128 << 20) ? 16 * llc : (int64_t)128 << 20);
    if (o->quick && o->sweep_max <= 0) hi = 4 * llc;
    if (t->memory_bytes > 0 && hi > t->memory_bytes / 4) hi = t->memory_bytes / 4;
    if (lo < 4096 * (int64_t)threads) lo = 4096 * (int64_t)threads;
    if (hi < lo) hi = lo;
    int po = o->per_octave > 0 ? o->per_octave : (o->quick ? 1 : 3);
    double octaves = log2((double)hi / (double)lo);
    while (po > 1 && (int)(octaves * po) + 1 > NNB_SWEEP_MAX) po--;
    int n = (int)floor(octaves * po + 1e-9) + 1;
    if (n > NNB_SWEEP_MAX) n = NNB_SWEEP_MAX;
    int64_t sizes[NNB_SWEEP_MAX];
    double rdv[NNB_SWEEP_MAX], trv[NNB_SWEEP_MAX];
    for (int i = 0; i < n; i++) sizes[i] = (int64_t)llround((double)lo * pow(2.0, (double)i / po));
    /* Interference on a shared machine only ever slows a sample down, so the
     * best sample is the estimate (ERT): short samples, several per point,
     * and two passes over the sweep taken apart in time. */
    double rd2[NNB_SWEEP_MAX], tr2[NNB_SWEEP_MAX];
    int passes = o->quick ? 1 : 2;
    for (int pass = 0; pass < passes; pass++) {
        char what2[48];
        snprintf(what2, sizeof what2, "%s%s", what, passes > 1 ? (pass ? " (pass 2)" : " (pass 1)") : "");
        sweep_ctx sc = {.sizes = sizes, .n = n, .min_time_s = o->quick ? 0.002 : 0.005,
                        .samples = o->quick ? 2 : 5, .rd_gbs = pass ? rd2 : rdv, .tr_gbs = pass ? tr2 : trv,
                        .do_read = true, .do_triad = true, .progress = o->progress, .what = what2, .t_start = t0};
        if (run_sweep(threads, &sc) != 0) {
            nnb_ceil_progress(o->progress, NULL);
            snprintf(err, errlen, "roofline: could not allocate %lld bytes per thread for the bandwidth sweep "
                     "(or OpenMP gave fewer than %d threads)", (long long)(hi / threads), threads);
            return -1;
        }
        if (pass)
            for (int i = 0; i < n; i++) {
                if (rd2[i] > rdv[i]) rdv[i] = rd2[i];
                if (tr2[i] > trv[i]) trv[i] = tr2[i];
            }
    }
    c->nsweep = n;
    for (int i = 0; i < n; i++) {
        c->sweep[i].bytes = sizes[i];
        c->sweep[i].read_gbs = rdv[i];
        c->sweep[i].triad_gbs = trv[i];
    }
    nnb_ceil_analyze_sweep(c);
    c->measure_s = now_s() - t0;
    nnb_ceil_progress(o->progress, NULL);
    return 0;
}
