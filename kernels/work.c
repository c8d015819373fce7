/* The kernels' work models (nnb_kernel.work): the shared pieces. Each
 * kernel's own model sits next to its plan, in its file. */
#include "kernels.h"
#include "ctx.h"
#include "machine/isa.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void nnb_work_start(nnb_work *w, const nnb_analytic *a, double tolerance)
{
    memset(w, 0, sizeof *w);
    w->flops = (double)a->flops;
    w->bytes = (double)a->bytes_min;
    w->tolerance = tolerance;
    /* a struct of S bytes spans at most S/64 + 2 lines; the detected ISA and
     * its once-flag are one line each */
#define SPAN_LINES(s) ((double)((s) / 64 + 2))
    w->call_bytes = 64.0 * (SPAN_LINES(sizeof(nnb_layer)) + SPAN_LINES(sizeof(nnb_kernel_ctx)) + 2.0);
#undef SPAN_LINES
}

void nnb_work_cause(char *why, size_t len, const char *fmt, ...)
{
    size_t n = strlen(why);
    if (n + 3 >= len) return;
    if (n) {
        memcpy(why + n, "; ", 3);
        n += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why + n, len - n, fmt, ap);
    va_end(ap);
}

void nnb_work_bias_folded(nnb_work *w, const nnb_analytic *a)
{
    if (!a->bias_adds) return;
    w->flops -= (double)a->bias_adds;
    nnb_work_cause(w->why, sizeof w->why, "bias folded into the accumulators' start (no bias adds)");
}

void nnb_work_workspace(nnb_work *w, int64_t bytes, const char *what)
{
    if (bytes <= 0) return;
    w->bytes += (double)bytes;
    nnb_work_cause(w->bytes_why, sizeof w->bytes_why, "%s: %.1f KiB written once", what, (double)bytes / 1024.0);
}

void nnb_kernel_work(const nnb_kernel *k, const nnb_layer *l, const nnb_analytic *a, int threads, int isa,
                     nnb_work *w)
{
    if (k && k->work) k->work(l, a, threads, isa, w);
    else nnb_work_start(w, a, NNB_WORK_TOLERANCE_OURS);
}

double nnb_work_sgemm_flops(int64_t m, int64_t n, int64_t k, bool beta_one)
{
    (void)beta_one; /* measured under valgrind (Haswell kernels): alpha*AB added into C either way */
    return 2.0 * (double)m * n * k + 2.0 * (double)m * n;
}

void nnb_work_lanes_cause(nnb_work *w, double computed, double useful, int lanes, int isa, const char *over)
{
    if (computed > useful)
        nnb_work_cause(w->why, sizeof w->why, "lanes past the row end: %+.1f%% (%d-wide %s vectors over %s)",
                       100.0 * (computed / useful - 1.0), lanes, nnb_isa_name((nnb_isa)isa), over);
}

void nnb_work_none(nnb_work *w, const char *why)
{
    w->flops = w->bytes = -1;
    w->why[0] = w->bytes_why[0] = '\0';
    nnb_work_cause(w->why, sizeof w->why, "%s", why);
}

/* OpenBLAS 0.3.21's Haswell sgemm parameters (param.h, x86-64): the core
 * valgrind's CPU gets, and the one Debian's DYNAMIC_ARCH build picks on
 * AVX2 machines */
#define SGEMM_P 320
#define SGEMM_Q 320
#define SGEMM_UNROLL_M 8
#define SGEMM_UNROLL_N 4

static int64_t round_up(int64_t v, int64_t to)
{
    return (v + to - 1) / to * to;
}

/* the first (largest) block of level3.c's loop over a dimension of size
 * v with block b: b from 2b on, else half of it rounded to the unroll */
static int64_t first_block(int64_t v, int64_t b)
{
    if (v >= 2 * b) return b;
    return v > b ? round_up(v / 2, SGEMM_UNROLL_M) : v;
}

int64_t nnb_work_sgemm_pack_bytes(int64_t m, int64_t n, int64_t k)
{
    /* row-major C(m x n) = A(m x k) B(k x n) is column-major C' = B' A':
     * OpenBLAS's M is n, its N is m */
    const int64_t M = n, N = m;
    const int64_t min_l = first_block(k, SGEMM_Q), min_i = first_block(M, SGEMM_P);
    /* A fits one block (l1stride = 0): every B chunk (up to 3 x unroll
     * columns) is packed at the panel's start */
    const int64_t chunk = N >= 3 * SGEMM_UNROLL_N ? 3 * SGEMM_UNROLL_N : (N > SGEMM_UNROLL_N ? SGEMM_UNROLL_N : N);
    const int64_t min_j = M <= SGEMM_P ? chunk : N;
    const int64_t line = 64;
    return round_up(min_l * min_i * (int64_t)sizeof(float), line) + round_up(min_l * min_j * (int64_t)sizeof(float), line);
}

void nnb_work_sgemm_packing(nnb_work *w, int64_t m, int64_t n, int64_t k, int copies)
{
    int64_t bytes = (int64_t)copies * nnb_work_sgemm_pack_bytes(m, n, k);
    w->bytes += (double)bytes;
    nnb_work_cause(w->bytes_why, sizeof w->bytes_why,
                   "OpenBLAS packed A and B blocks (Haswell blocking P = Q = %d, sgemm %lldx%lldx%lld%s): %.1f KiB",
                   SGEMM_P, (long long)m, (long long)n, (long long)k, copies > 1 ? ", one per thread" : "",
                   (double)bytes / 1024.0);
}
