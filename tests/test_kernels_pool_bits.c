/* The pool kernel's max against the reference bit for bit where test_kernels'
 * `==` cannot see it: inputs full of +0 and -0 ties (the reference keeps the
 * first tap, row-major, that attains the max, so the sign of a zero maximum
 * depends on the tap order) and NaN (the reference's `v > acc` never takes
 * one; a window of NaN alone gives -inf). Every ISA path (C, AVX2, the CPU's
 * best), 1 and 2 threads, shapes through every micro-kernel form: stride 1,
 * 2 (paired taps, lone taps, 2x2 and 3x3 unrolled), gathers, dilation,
 * padding, ceil_mode, rows narrower than a vector, a row wider than a
 * column block, a window taller than the ring (the row path), the
 * channel-blocked path (nChw16c, nChw8c: partial blocks, several images,
 * bands of rows, ring column blocks), run outside the timed bracket and
 * inside it (prepare, timed(true), run, timed(false)). */
#include "nnbench/kernel.h"
#include "nnbench/layer.h"
#include "nnbench/tensor.h"
#include "machine/isa.h"
#include "nnb_test.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static int64_t images = 1; /* the batch of the next check */
static int64_t zeros_pos, zeros_neg, nan_windows; /* the reference's outputs: proof the ties occur */

/* NaN (either sign) nan_eighths of the time, else mostly signed zeros and
 * a few negatives: ties everywhere */
static void fill(float *x, int64_t n, int nan_eighths)
{
    static const float pool[] = {0.0f, -0.0f, 0.0f, -0.0f, -1.0f, -0.5f};
    for (int64_t i = 0; i < n; i++)
        x[i] = (int)(rnd() % 8) < nan_eighths ? (rnd() % 2 ? NAN : -NAN) : pool[rnd() % 6];
}

/* prepare and run on a workspace of garbage; bracket: inside the timed
 * bracket (kernel.h: timed), as the harness times it */
static void run(const nnb_kernel *k, const nnb_layer *l, const nnb_tensors *t, bool bracket)
{
    for (int64_t i = 0; i < t->dst_elems; i++) t->dst[i] = 12345.0f; /* a forgotten output shows */
    const int64_t ws_bytes = k->workspace_bytes(l, omp_get_max_threads());
    void *ws = ws_bytes > 0 ? nnb_alloc((size_t)ws_bytes) : NULL;
    if (ws) memset(ws, 0xa5, (size_t)ws_bytes);
    nnb_kernel_prepare(k, l, t, ws);
    if (bracket && k->timed) k->timed(l, t, ws, true);
    k->run(l, t, ws);
    if (bracket && k->timed) k->timed(l, t, ws, false);
    nnb_free(ws);
}

/* c h w, kh kw, sh sw, pt pl pb pr, dh dw, ceil, NaN share */
static void check(int64_t c, int64_t h, int64_t w, int64_t kh, int64_t kw, int64_t sh, int64_t sw, int64_t pt,
                  int64_t pl, int64_t pb, int64_t pr, int64_t dh, int64_t dw, bool ceil, int nan_eighths)
{
    nnb_layer l;
    memset(&l, 0, sizeof l);
    nnb_layer_init(&l, NNB_OP_POOL_MAX);
    l.n = images; l.c = l.k = c; l.h = h; l.w = w; l.kh = kh; l.kw = kw; l.sh = sh; l.sw = sw;
    l.pt = pt; l.pl = pl; l.pb = pb; l.pr = pr; l.dh = dh; l.dw = dw; l.ceil_mode = ceil;
    char err[256];
    nnb_tensors t;
    if (nnb_layer_finalize(&l, err, sizeof err) != 0 || nnb_tensors_alloc(&t, &l, err, sizeof err) != 0) {
        fprintf(stderr, "FAIL: %s\n", err);
        CHECK(0);
        return;
    }
    fill(t.src, t.src_elems, nan_eighths);
    size_t nk;
    const nnb_kernel *ref = nnb_kernels(&nk)[0], *pool = nnb_kernel_find("pool");
    run(ref, &l, &t, false);
    float *want = malloc((size_t)t.dst_elems * sizeof(float));
    memcpy(want, t.dst, (size_t)t.dst_elems * sizeof(float));
    for (int64_t i = 0; i < t.dst_elems; i++) {
        zeros_pos += want[i] == 0.0f && !signbit(want[i]);
        zeros_neg += want[i] == 0.0f && signbit(want[i]);
        nan_windows += isinf(want[i]) != 0;
    }
    const nnb_isa caps[] = {NNB_ISA_SCALAR, NNB_ISA_AVX2, NNB_ISA_COUNT};
    for (int ci = 0; ci < 3; ci++)
        for (int threads = 1; threads <= 2; threads++) {
            const bool bracket = threads == 2; /* both ways on every ISA */
            nnb_isa_set_cap(caps[ci]);
            omp_set_num_threads(threads);
            run(pool, &l, &t, bracket);
            int64_t bad = -1;
            for (int64_t i = 0; i < t.dst_elems && bad < 0; i++)
                if (memcmp(&t.dst[i], &want[i], sizeof(float)) != 0) bad = i;
            nnb_test_checks++;
            if (bad >= 0) {
                nnb_test_failures++;
                uint32_t g, r;
                memcpy(&g, &t.dst[bad], 4);
                memcpy(&r, &want[bad], 4);
                fprintf(stderr, "FAIL cap %d, %d threads, %lldx%lld k%lldx%lld s%lldx%lld d%lldx%lld: dst[%lld] bits %08x, "
                        "reference %08x\n", (int)caps[ci], threads, (long long)h, (long long)w, (long long)kh,
                        (long long)kw, (long long)sh, (long long)sw, (long long)dh, (long long)dw, (long long)bad, g, r);
            }
        }
    nnb_isa_set_cap(NNB_ISA_COUNT);
    free(want);
    nnb_tensors_free(&t);
}

int main(void)
{
    check(3, 40, 40, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, false, 2);    /* ResNet 3x3 s2 p1 */
    check(2, 55, 55, 3, 3, 2, 2, 0, 0, 0, 0, 1, 1, false, 2);    /* AlexNet, no padding */
    check(4, 13, 13, 3, 3, 2, 2, 0, 0, 0, 0, 1, 1, true, 2);     /* ceil, 6 outputs a row */
    check(3, 28, 28, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, true, 2);     /* GoogLeNet 3x3 s1 */
    check(2, 14, 14, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, true, 6);  /* 2x2 s2, windows of NaN alone */
    check(2, 20, 70, 2, 3, 3, 3, 1, 1, 1, 1, 1, 1, false, 2);    /* stride 3: gathers */
    check(2, 11, 75, 3, 3, 2, 2, 1, 1, 1, 1, 2, 2, false, 2);    /* dilated, lone taps */
    check(1, 9, 40, 4, 5, 2, 2, 2, 2, 2, 2, 1, 1, false, 2);     /* even window, wide pads */
    check(1, 5, 3005, 3, 3, 1, 2, 1, 1, 1, 1, 1, 1, false, 2);   /* 1503 outputs: two column blocks */
    check(1, 90, 20, 5, 2, 1, 1, 0, 0, 0, 0, 20, 1, false, 2);   /* 81 rows tall: the row path */
    check(2, 7, 7, 7, 7, 1, 1, 0, 0, 0, 0, 1, 1, false, 2);      /* global */
    /* channel-blocked (nChw16c on AVX-512, nChw8c on AVX2): every shape
     * above; here channels past one block (the last partial), several
     * images, bands of rows at 2 threads (one block: bands split it),
     * column blocks of the H-row ring (3x3: 32 outputs a block on AVX-512),
     * windows taller than the ring (a 5-row window: ring 8), dilation */
    check(20, 13, 13, 3, 3, 2, 2, 0, 0, 0, 0, 1, 1, true, 2);
    check(2, 64, 64, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, false, 2);
    check(3, 11, 30, 3, 3, 2, 2, 1, 1, 1, 1, 2, 2, false, 2);
    check(17, 9, 150, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, false, 2);
    check(5, 12, 12, 5, 3, 1, 2, 2, 1, 2, 1, 1, 1, true, 2);
    images = 3;
    check(19, 15, 15, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, true, 2);
    check(9, 7, 7, 7, 7, 1, 1, 0, 0, 0, 0, 1, 1, false, 4);
    images = 1;
    printf("reference outputs: %lld +0, %lld -0, %lld -inf (NaN windows)\n", (long long)zeros_pos,
           (long long)zeros_neg, (long long)nan_windows);
    CHECK(zeros_pos > 100 && zeros_neg > 100 && nan_windows > 0);
    return nnb_test_done("test_kernels_pool_bits");
}
