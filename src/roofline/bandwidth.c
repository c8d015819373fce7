/* Bandwidth loops for the roofline ceilings (ERT-style): a read-only sum
 * and a triad a = b + s*c over a working-set sweep, with the widest vector
 * loads this CPU has (machine/isa.h). One generator per loop, specialised
 * per ISA by macros, like the peak loops (peak.c). Built with -O2 whatever
 * the build type (CMakeLists.txt). */
#include "roofline/measure.h"

#include <immintrin.h>
#include <omp.h>
#include <stdlib.h>

#include "machine/isa.h"
#include "machine/topo.h"
#include "roofline/team_timed.h"
#include "util/signals.h"

/* n is a multiple of 8 x LANES floats (read) or 16 floats (triad); pointers
 * are 64-byte aligned. Accumulators carry over repetitions and a compiler
 * barrier separates them, so no repetition can be folded away.
 * Specialised by the ISA's target, vector type VT, LANES, and its ZERO,
 * SET1, LOAD, STORE, ADD and TRIAD(s, c, b) = b + s*c (fused where the ISA
 * has FMA). */
#define RD_DECL(k, VT, LANES, ZERO, LOAD, ADD) VT a##k = ZERO();
#define RD_STEP(k, VT, LANES, ZERO, LOAD, ADD) a##k = ADD(a##k, LOAD(p + i + (k) * LANES));
#define GEN_READ(NAME, TARGET, VT, LANES, ZERO, LOAD, ADD)                                   \
    __attribute__((target(TARGET))) NOSAN static double NAME(const float *p, long n, long reps) \
    {                                                                                        \
        REP8(RD_DECL, VT, LANES, ZERO, LOAD, ADD)                                            \
        for (long r = 0; r < reps; r++) {                                                    \
            for (long i = 0; i < n; i += 8 * LANES) { REP8(RD_STEP, VT, LANES, ZERO, LOAD, ADD) } \
            __asm__ volatile("" ::: "memory");                                               \
        }                                                                                    \
        VT s = ADD(ADD(ADD(a0, a1), ADD(a2, a3)), ADD(ADD(a4, a5), ADD(a6, a7)));            \
        return (double)s[0];                                                                 \
    }
#define GEN_TRIAD(NAME, TARGET, VT, LANES, SET1, LOAD, STORE, TRIAD)                         \
    __attribute__((target(TARGET))) NOSAN static void NAME(float *a, const float *b, const float *c, \
                                                           long n, long reps)                \
    {                                                                                        \
        const VT s = SET1(0.5f);                                                             \
        for (long r = 0; r < reps; r++) {                                                    \
            for (long i = 0; i < n; i += LANES) STORE(a + i, TRIAD(s, LOAD(c + i), LOAD(b + i))); \
            __asm__ volatile("" ::: "memory");                                               \
        }                                                                                    \
    }

/* SSE2, 128-bit: the x86-64 baseline, mul + add */
#define TRIAD_SSE2(s, c, b) _mm_add_ps(b, _mm_mul_ps(s, c))
GEN_READ(rd_sse2, "sse2", __m128, 4, _mm_setzero_ps, _mm_load_ps, _mm_add_ps)
GEN_TRIAD(triad_sse2, "sse2", __m128, 4, _mm_set1_ps, _mm_load_ps, _mm_store_ps, TRIAD_SSE2)
/* AVX2 + FMA, 256-bit */
GEN_READ(rd_avx2, "avx2", __m256, 8, _mm256_setzero_ps, _mm256_load_ps, _mm256_add_ps)
GEN_TRIAD(triad_avx2, "avx2,fma", __m256, 8, _mm256_set1_ps, _mm256_load_ps, _mm256_store_ps, _mm256_fmadd_ps)
/* AVX-512F, 512-bit */
GEN_READ(rd_avx512, "avx512f", __m512, 16, _mm512_setzero_ps, _mm512_load_ps, _mm512_add_ps)
GEN_TRIAD(triad_avx512, "avx512f", __m512, 16, _mm512_set1_ps, _mm512_load_ps, _mm512_store_ps, _mm512_fmadd_ps)

typedef double (*rd_fn)(const float *, long, long);
typedef void (*triad_fn)(float *, const float *, const float *, long, long);

static void bw_kernels(rd_fn *rd, triad_fn *tr)
{
    switch (nnb_isa_cpu()) {
    case NNB_ISA_AVX512:
        *rd = rd_avx512;
        *tr = triad_avx512;
        break;
    case NNB_ISA_AVX2:
        *rd = rd_avx2;
        *tr = triad_avx2;
        break;
    default:
        *rd = rd_sse2;
        *tr = triad_sse2;
    }
}

#define PAD_FLOATS 48 /* 192 bytes between triad arrays: no 4 KiB aliasing */

/* Elements per thread for a total working set: whole unrolled steps of the
 * widest loop (128 floats read, 16 floats triad). */
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

/* Bytes of one thread's buffer: the largest point's read array, or its
 * three padded triad arrays. */
static size_t buffer_bytes(const nnb_bw_sweep *s, int threads)
{
    int64_t maxb = 0;
    for (int i = 0; i < s->n; i++)
        if (s->sizes[i] > maxb) maxb = s->sizes[i];
    long nmax_rd = rd_elems(maxb, threads), nmax_tr = triad_elems(maxb, threads);
    long per = nmax_rd > 3 * (nmax_tr + PAD_FLOATS) ? nmax_rd : 3 * (nmax_tr + PAD_FLOATS);
    return ((size_t)per * 4 + 63) / 64 * 64;
}

/* State the team shares while timing one point. */
typedef struct team_clock {
    long iters;
    int stop;
    double best;
    int quit; /* SIGINT/SIGTERM (util/signals.h): the team leaves between points */
} team_clock;

/* Every thread of the team times every point on the prefix of its own
 * buffer that the point needs. Returns this thread's sink. */
static double time_points(const nnb_bw_sweep *s, int threads, float *buf, team_clock *tc)
{
    rd_fn rd;
    triad_fn tr;
    bw_kernels(&rd, &tr);
    double sink = 0;
    for (int pt = 0; pt < s->n; pt++) {
#pragma omp master
        tc->quit = nnb_stop_signal();
#pragma omp barrier
        if (tc->quit) break; /* every thread reads the same value: the team leaves together */
        int64_t sz = s->sizes[pt];
        if (s->do_read) {
            long n = rd_elems(sz, threads);
#pragma omp master
            {
                tc->iters = 1;
                tc->best = 1e300;
            }
            TEAM_TIMED(&tc->best, &tc->iters, &tc->stop, s->min_time_s, s->samples, (1L << 30),
                       sink += rd(buf, n, tc->iters));
#pragma omp master
            s->read_gbs[pt] = (double)n * 4.0 * threads * (double)tc->iters / tc->best * 1e-9;
        }
        if (s->do_triad) {
            long n = triad_elems(sz, threads);
            float *a = buf, *b = buf + n + PAD_FLOATS, *c = buf + 2 * (n + PAD_FLOATS);
#pragma omp master
            {
                tc->iters = 1;
                tc->best = 1e300;
            }
            TEAM_TIMED(&tc->best, &tc->iters, &tc->stop, s->min_time_s, s->samples, (1L << 30),
                       tr(a, b, c, n, tc->iters));
#pragma omp master
            s->triad_gbs[pt] = (double)n * 12.0 * threads * (double)tc->iters / tc->best * 1e-9;
        }
#pragma omp master
        if (s->point_done) s->point_done(s->ctx, pt + 1, s->n);
    }
    return sink;
}

static volatile double g_sink;

/* One team for the whole sweep: each thread allocates and first-touches its
 * own buffer once (sized for the largest point), then every point is timed
 * on the prefix it needs. */
int nnb_ceil_bw_sweep(int threads, const nnb_bw_sweep *s)
{
    size_t bytes = buffer_bytes(s, threads);
    int failed = 0, nt = threads;
    team_clock tc = {1, 0, 1e300, 0};
    double sink = 0;
#pragma omp parallel num_threads(threads) shared(tc, failed, nt) reduction(+ : sink)
    {
        nnb_topo_bind_self(omp_get_thread_num());
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
        if (!failed && nt == threads) sink += time_points(s, threads, buf, &tc);
        free(buf);
    }
    g_sink = sink;
    if (nt != threads) return -1;
    return failed || tc.quit ? -1 : 0;
}

double nnb_ceil_bw_gbs(bool triad, int64_t bytes, int threads, double min_time_s)
{
    if (threads < 1 || bytes <= 0) return -1;
    double rd = 0, tr = 0;
    nnb_bw_sweep s = {.sizes = &bytes, .n = 1, .min_time_s = min_time_s > 0 ? min_time_s : 0.01,
                      .samples = 3, .do_read = !triad, .do_triad = triad, .read_gbs = &rd, .triad_gbs = &tr};
    if (nnb_ceil_bw_sweep(threads, &s) != 0) return -1;
    return triad ? tr : rd;
}
