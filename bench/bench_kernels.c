/* bench_kernels: kernel performance, side by side, in one run.
 *   (a) im2col_gemm vs a bare cblas_sgemm of the same M, N, K (conv3x3, conv1x1)
 *   (b) direct (and direct_oc) on conv3x3 at one thread vs this core's FMA peak, measured here
 *       with an FMA loop (enough independent accumulators to hide the latency)
 *   (c) every kernel's GFLOP/s on each layer, at 1 thread and at all threads
 * Times are medians (nnb_measure: warm-up, >= 5 reps and >= 0.2 s).
 * GFLOP/s = analytic flops (model.c) / median time.
 * Usage: bench_kernels [--threads N] [--json] [--only a|b|c] [LAYER...]
 *   LAYER: any --layer descriptor (preset, benchdnn string, key=value);
 *   default: the presets. --json prints one JSON object per (layer, kernel,
 *   threads) line for bench_torch.py instead of the tables. */
#include "nnbench/kernel.h"
#include "nnbench/measure.h"
#include "nnbench/model.h"
#include "spec/spec.h"
#include "nnbench/tensor.h"
#include "ctx.h"
#include "machine/isa.h"

#include <cblas.h>
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *default_layers[] = {"conv3x3", "conv1x1", "conv7x7s2", "conv5x5", "dilated3x3",
                                       "dwconv3x3", "groupconv3x3", "deconv4x4s2", "fc", "maxpool3x3s2"};

static void set_threads(int t)
{
    omp_set_num_threads(t);
    openblas_set_num_threads(t);
}

/* ---- one kernel on one layer ---- */
typedef struct run_ctx {
    const nnb_kernel *k;
    const nnb_layer *l;
    nnb_tensors *t;
    void *ws;
} run_ctx;

static void run_fn(void *p)
{
    run_ctx *c = p;
    c->k->run(c->l, c->t, c->ws);
}

/* median seconds of kernel k on l at the current thread count; -1 if unsupported */
static double time_kernel(const nnb_kernel *k, const nnb_layer *l, nnb_tensors *t, int threads)
{
    if (!k->supports(l)) return -1;
    int64_t wsb = k->workspace_bytes(l, threads);
    void *ws = wsb > 0 ? nnb_alloc((size_t)wsb) : NULL;
    if (wsb > 0 && !ws) return -1;
    nnb_kernel_prepare(k, l, t, ws); /* untimed, as in the harness */
    run_ctx c = {k, l, t, ws};
    nnb_measure_opts o;
    nnb_measure_defaults(&o);
    nnb_timing tm;
    int rc = nnb_measure(run_fn, &c, &o, &tm);
    nnb_free(ws);
    return rc == 0 ? tm.median_s : -1;
}

static int parse_layer(const char *s, nnb_layer *l, nnb_analytic *a)
{
    char err[256];
    if (nnb_spec_parse(s, l, err, sizeof err) != 0 || nnb_model_analyze(l, a, err, sizeof err) != 0) {
        fprintf(stderr, "bench_kernels: %s: %s\n", s, err);
        return -1;
    }
    return 0;
}

/* ---- (a) im2col_gemm vs bare sgemm ---- */
typedef struct gemm_ctx {
    int m, n, k;
    float *a, *b, *c;
} gemm_ctx;

static void gemm_fn(void *p)
{
    gemm_ctx *g = p;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, g->m, g->n, g->k, 1.0f, g->a, g->k, g->b,
                g->n, 1.0f, g->c, g->n);
}

static void bench_vs_sgemm(int maxt)
{
    const char *names[] = {"conv3x3", "conv1x1"};
    const nnb_kernel *k = nnb_kernel_find("im2col_gemm");
    printf("(a) im2col_gemm vs bare cblas_sgemm with the same M, N, K (GFLOP/s, medians)\n");
    printf("%-10s %7s %5s %5s %7s %12s %12s %7s\n", "layer", "threads", "M", "N", "K", "im2col_gemm",
           "sgemm", "ratio");
    for (int i = 0; i < 2; i++) {
        nnb_layer l;
        nnb_analytic an;
        char err[256];
        if (parse_layer(names[i], &l, &an)) continue;
        nnb_tensors t;
        if (nnb_tensors_alloc(&t, &l, err, sizeof err)) continue;
        nnb_tensors_fill(&t, &l, NNB_FILL_REAL, 1);
        gemm_ctx g = {(int)l.k, (int)(l.oh * l.ow), (int)(l.c * l.kh * l.kw), NULL, NULL, NULL};
        g.a = nnb_alloc((size_t)g.m * g.k * 4);
        g.b = nnb_alloc((size_t)g.k * g.n * 4);
        g.c = nnb_alloc((size_t)g.m * g.n * 4);
        for (int64_t j = 0; j < (int64_t)g.m * g.k; j++) g.a[j] = t.wei[j % t.wei_elems];
        for (int64_t j = 0; j < (int64_t)g.k * g.n; j++) g.b[j] = (float)(j % 7) * 0.25f;
        for (int64_t j = 0; j < (int64_t)g.m * g.n; j++) g.c[j] = 0;
        int tc[2] = {1, maxt};
        for (int ti = 0; ti < (maxt > 1 ? 2 : 1); ti++) {
            set_threads(tc[ti]);
            double tk = time_kernel(k, &l, &t, tc[ti]);
            nnb_measure_opts o;
            nnb_measure_defaults(&o);
            nnb_timing tm;
            nnb_measure(gemm_fn, &g, &o, &tm);
            double gf = 2.0 * g.m * g.n * g.k;
            printf("%-10s %7d %5d %5d %7d %12.1f %12.1f %6.0f%%\n", names[i], tc[ti], g.m, g.n, g.k,
                   gf / tk * 1e-9, gf / tm.median_s * 1e-9, 100.0 * tm.median_s / tk);
        }
        nnb_free(g.a);
        nnb_free(g.b);
        nnb_free(g.c);
        nnb_tensors_free(&t);
    }
    printf("    ratio = im2col_gemm GFLOP/s / sgemm GFLOP/s (target >= 85%%); GFLOP/s here count\n"
           "    2*M*N*K for both (bias adds excluded)\n\n");
}

/* ---- (b) FMA peak vs direct ---- */
#define FMA_ACC 12 /* 2 FMA pipes x 4-cycle latency = 8 in flight; 12 for slack */

__attribute__((target("avx512f"), noinline)) static double fma_loop512(int64_t iters)
{
    __m512 acc[FMA_ACC], x = _mm512_set1_ps(0.999999f), y = _mm512_set1_ps(1e-7f);
    for (int i = 0; i < FMA_ACC; i++) acc[i] = _mm512_set1_ps((float)i);
    for (int64_t it = 0; it < iters; it++)
        for (int i = 0; i < FMA_ACC; i++) acc[i] = _mm512_fmadd_ps(acc[i], x, y);
    float s = 0;
    for (int i = 0; i < FMA_ACC; i++) s += _mm512_reduce_add_ps(acc[i]);
    return s;
}

__attribute__((target("avx2,fma"), noinline)) static double fma_loop256(int64_t iters)
{
    __m256 acc[FMA_ACC], x = _mm256_set1_ps(0.999999f), y = _mm256_set1_ps(1e-7f);
    for (int i = 0; i < FMA_ACC; i++) acc[i] = _mm256_set1_ps((float)i);
    for (int64_t it = 0; it < iters; it++)
        for (int i = 0; i < FMA_ACC; i++) acc[i] = _mm256_fmadd_ps(acc[i], x, y);
    float s = 0, v[8];
    for (int i = 0; i < FMA_ACC; i++) {
        _mm256_storeu_ps(v, acc[i]);
        for (int j = 0; j < 8; j++) s += v[j];
    }
    return s;
}

static volatile double sink;
typedef struct fma_ctx { int lanes; int64_t iters; } fma_ctx;
static void fma_fn(void *p)
{
    fma_ctx *f = p;
    sink = f->lanes == 16 ? fma_loop512(f->iters) : fma_loop256(f->iters);
}

static double fma_peak(int lanes)
{
    fma_ctx f = {lanes, 2000000};
    nnb_measure_opts o;
    nnb_measure_defaults(&o);
    nnb_timing tm;
    nnb_measure(fma_fn, &f, &o, &tm);
    return (double)f.iters * FMA_ACC * lanes * 2 / tm.median_s * 1e-9;
}

static void bench_vs_peak(void)
{
    nnb_isa level = nnb_isa_kernels();
    set_threads(1);
    double p512 = level >= NNB_ISA_AVX512 ? fma_peak(16) : 0, p256 = level >= NNB_ISA_AVX2 ? fma_peak(8) : 0;
    double peak = p512 > p256 ? p512 : p256;
    nnb_layer l;
    nnb_analytic an;
    char err[256];
    if (parse_layer("conv3x3", &l, &an)) return;
    nnb_tensors t;
    if (nnb_tensors_alloc(&t, &l, err, sizeof err)) return;
    nnb_tensors_fill(&t, &l, NNB_FILL_REAL, 1);
    double td = time_kernel(nnb_kernel_find("direct"), &l, &t, 1);
    double to = time_kernel(nnb_kernel_find("direct_oc"), &l, &t, 1);
    double gf = (double)an.flops / td * 1e-9, go = (double)an.flops / to * 1e-9;
    printf("(b) direct on conv3x3, 1 thread, vs measured single-core FMA peak (%s micro-kernel)\n",
           nnb_kernel_ctx_get()->name);
    char s512[32], s256[32]; /* a level this CPU (or NNB_KERNEL_ISA) does not run is n/a, not 0 */
    snprintf(s512, sizeof s512, p512 > 0 ? "%.1f GFLOP/s" : "n/a", p512);
    snprintf(s256, sizeof s256, p256 > 0 ? "%.1f GFLOP/s" : "n/a", p256);
    printf("    FMA peak: AVX-512 %s, AVX2 %s (%d independent FMA chains)\n", s512, s256, FMA_ACC);
    printf("    direct:    %.1f GFLOP/s = %.0f%% of peak (target >= 60%%)\n", gf, 100 * gf / peak);
    printf("    direct_oc: %.1f GFLOP/s = %.0f%% of peak (its weight packing untimed)\n\n", go, 100 * go / peak);
    nnb_tensors_free(&t);
}

/* ---- (c) every kernel on every layer ---- */
static void bench_all(const char **layers, int nl, int maxt, bool json)
{
    size_t nk;
    const nnb_kernel *const *ks = nnb_kernels(&nk);
    if (!json) {
        printf("(c) GFLOP/s (analytic flops / median time), 1 thread and %d threads\n", maxt);
        printf("%-14s %-18s %10s %10s %10s %10s\n", "layer", "kernel", "ms@1", "GF/s@1", "ms@all", "GF/s@all");
    }
    for (int i = 0; i < nl; i++) {
        nnb_layer l;
        nnb_analytic an;
        char err[256];
        if (parse_layer(layers[i], &l, &an)) continue;
        nnb_tensors t;
        if (nnb_tensors_alloc(&t, &l, err, sizeof err)) {
            fprintf(stderr, "bench_kernels: %s\n", err);
            continue;
        }
        nnb_tensors_fill(&t, &l, NNB_FILL_REAL, 1);
        for (size_t ki = 1; ki < nk; ki++) { /* the reference is not a contender */
            if (!ks[ki]->supports(&l)) continue;
            double s[2] = {-1, -1};
            int tc[2] = {1, maxt};
            for (int ti = 0; ti < 2; ti++) {
                set_threads(tc[ti]);
                s[ti] = time_kernel(ks[ki], &l, &t, tc[ti]);
                if (json && s[ti] > 0)
                    printf("{\"layer\":\"%s\",\"kernel\":\"%s\",\"threads\":%d,\"median_s\":%.9g,"
                           "\"gflops\":%.4g,\"flops\":%lld}\n",
                           layers[i], ks[ki]->name, tc[ti], s[ti], (double)an.flops / s[ti] * 1e-9,
                           (long long)an.flops);
            }
            if (!json)
                printf("%-14s %-18s %10.3f %10.1f %10.3f %10.1f\n", layers[i], ks[ki]->name, s[0] * 1e3,
                       (double)an.flops / s[0] * 1e-9, s[1] * 1e3, (double)an.flops / s[1] * 1e-9);
            fflush(stdout);
        }
        nnb_tensors_free(&t);
    }
}

int main(int argc, char **argv)
{
    int maxt = omp_get_max_threads();
    bool json = false;
    const char *only = NULL;
    const char **layers = malloc(sizeof(char *) * (size_t)(argc + 10));
    int nl = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) json = true;
        else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) maxt = atoi(argv[++i]);
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) only = argv[++i];
        else if (argv[i][0] == '-') {
            fprintf(stderr, "usage: bench_kernels [--threads N] [--json] [--only a|b|c] [LAYER...]\n");
            return 2;
        } else layers[nl++] = argv[i];
    }
    if (maxt < 1) maxt = 1;
    if (nl == 0)
        for (size_t i = 0; i < sizeof default_layers / sizeof *default_layers; i++) layers[nl++] = default_layers[i];
    if (!json) {
        printf("bench_kernels: %d threads max, OPENBLAS_CORETYPE=%s, micro-kernel %s\n\n", maxt,
               getenv("OPENBLAS_CORETYPE") ? getenv("OPENBLAS_CORETYPE") : "(auto)", nnb_kernel_ctx_get()->name);
        if (!only || strchr(only, 'a')) bench_vs_sgemm(maxt);
        if (!only || strchr(only, 'b')) bench_vs_peak();
    }
    if (json || !only || strchr(only, 'c')) bench_all(layers, nl, maxt, json);
    free(layers);
    return 0;
}
