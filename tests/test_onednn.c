/* The onednn kernel beyond what test_kernels checks for every registered
 * kernel (both fills, its random and nasty shapes, 1 and 2 threads):
 *  - a grid of layer features (groups, depthwise, dilation, asymmetric
 *    padding, strides, deconv output padding, fc, pooling ceil_mode and
 *    count_include_pad): each is either refused by oneDNN (reported as a
 *    skip, with the layer) or exact against the reference on the integer fill;
 *  - the timed bracket: run inside it may leave dst in oneDNN's layout, the
 *    closing call puts the reference's NCHW result in dst;
 *  - the implementation name is known after prepare;
 *  - --threads governs oneDNN: after running at 1 thread the process has one
 *    thread, at 2 threads two (OpenMP creates its team on first use).
 * Without oneDNN in the build the test is skipped (77) with the reason. */
#include "nnbench/kernel.h"
#include "nnbench/tensor.h"
#include "nnb_test.h"

#include <dirent.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#ifndef NNB_HAVE_ONEDNN
int main(void)
{
    printf("test_onednn: skipped: built without oneDNN%s\n", nnb_kernel_unavailable("onednn"));
    return 77;
}
#else

static int refused, checked;

static void describe(const nnb_layer *l, char *buf, size_t len)
{
    snprintf(buf, len, "%s n%lld c%lld %lldx%lld k%lld %lldx%lld s%lld p%lld,%lld,%lld,%lld d%lld g%lld op%lld "
             "ceil%d cip%d", nnb_op_name(l->op), (long long)l->n, (long long)l->c, (long long)l->h,
             (long long)l->w, (long long)l->k, (long long)l->kh, (long long)l->kw, (long long)l->sh,
             (long long)l->pt, (long long)l->pl, (long long)l->pb, (long long)l->pr, (long long)l->dh,
             (long long)l->groups, (long long)l->oph, l->ceil_mode, l->count_include_pad);
}

/* reference vs onednn on the integer fill (exact), optionally through the
 * timed bracket */
static void check_exact(nnb_layer *l, bool bracket)
{
    char err[256], desc[256];
    if (nnb_layer_finalize(l, err, sizeof err) != 0) return;
    describe(l, desc, sizeof desc);
    const nnb_kernel *ref = nnb_kernel_find("reference"), *k = nnb_kernel_find("onednn");
    if (!k->supports(l)) {
        refused++;
        printf("skip: onednn does not support %s\n", desc);
        return;
    }
    nnb_tensors t;
    if (nnb_tensors_alloc(&t, l, err, sizeof err) != 0) {
        CHECK(0);
        return;
    }
    nnb_tensors_fill(&t, l, NNB_FILL_INT, 7);
    size_t bytes = (size_t)t.dst_elems * sizeof(float);
    float *want = malloc(bytes);
    ref->run(l, &t, NULL);
    memcpy(want, t.dst, bytes);
    memset(t.dst, 0xff, bytes); /* NaN: an output not written shows */
    k->prepare(l, &t, NULL);
    CHECK(k->impl && k->impl(l)[0] != '\0');
    if (bracket) k->timed(l, &t, NULL, true);
    k->run(l, &t, NULL);
    k->run(l, &t, NULL); /* repeated, as the timing loop does */
    if (bracket) k->timed(l, &t, NULL, false);
    checked++;
    nnb_test_checks++;
    if (memcmp(t.dst, want, bytes) != 0) {
        nnb_test_failures++;
        fprintf(stderr, "FAIL onednn (%s, %s) on %s\n", k->impl(l), bracket ? "bracket" : "plain", desc);
    }
    free(want);
    nnb_tensors_free(&t);
}

static nnb_layer conv(nnb_op op, int64_t c, int64_t k, int64_t hw, int64_t r, int64_t s, int64_t d, int64_t g)
{
    nnb_layer l;
    memset(&l, 0, sizeof l);
    nnb_layer_init(&l, op);
    l.c = c; l.k = k; l.h = hw; l.w = hw + 3; l.kh = l.kw = r; l.sh = l.sw = s; l.dh = l.dw = d; l.groups = g;
    l.pt = l.pl = r / 2; l.pb = l.pr = r / 2;
    return l;
}

static void grid(void)
{
    const int64_t groups[] = {1, 2, 16}; /* dense, grouped, depthwise (c = 16) */
    for (int gi = 0; gi < 3; gi++)
        for (int64_t s = 1; s <= 2; s++)
            for (int64_t d = 1; d <= 2; d++) {
                nnb_layer l = conv(NNB_OP_CONV, 16, 16, 9, 3, s, d, groups[gi]);
                check_exact(&l, (s + d) % 2 == 0);
                l = conv(NNB_OP_CONV, 16, 16, 9, 3, s, d, groups[gi]);
                l.pt = 0; l.pb = 2; l.pl = 1; l.pr = 0; l.n = 2; /* asymmetric (TF SAME) */
                check_exact(&l, true);
                l = conv(NNB_OP_DECONV, 16, 8 * groups[gi] / (gi == 2 ? 8 : 1), 5, 4, 2 * s, d, groups[gi]);
                l.pt = l.pl = l.pb = l.pr = 1;
                l.oph = l.opw = s == 2 ? 1 : 0; /* output padding < stride */
                check_exact(&l, d == 2);
            }
    nnb_layer fc = conv(NNB_OP_FC, 7, 10, 3, 1, 1, 1, 1);
    fc.n = 3; fc.pt = fc.pl = fc.pb = fc.pr = 0;
    check_exact(&fc, true);
    for (int op = 0; op < 2; op++)
        for (int ceil = 0; ceil < 2; ceil++)
            for (int cip = 0; cip < 2; cip++) {
                nnb_layer p = conv(op ? NNB_OP_POOL_AVG : NNB_OP_POOL_MAX, 5, 5, 8, 3, 2, 1, 1);
                p.ceil_mode = ceil; p.count_include_pad = cip; p.bias = false;
                check_exact(&p, cip);
            }
}

static int process_threads(void)
{
    DIR *d = opendir("/proc/self/task");
    int n = 0;
    if (!d) return -1;
    for (struct dirent *e; (e = readdir(d));)
        if (e->d_name[0] != '.') n++;
    closedir(d);
    return n;
}

/* oneDNN's OpenMP runtime uses the team the harness asks for; OpenMP
 * creates worker threads on first use and keeps them, so this runs first. */
static void threads_governed(void)
{
    omp_set_num_threads(1); /* the first-touch fill is parallel too */
    nnb_layer l = conv(NNB_OP_CONV, 32, 32, 28, 3, 1, 1, 1);
    char err[256];
    CHECK(nnb_layer_finalize(&l, err, sizeof err) == 0);
    const nnb_kernel *k = nnb_kernel_find("onednn");
    nnb_tensors t;
    CHECK(nnb_tensors_alloc(&t, &l, err, sizeof err) == 0);
    nnb_tensors_fill(&t, &l, NNB_FILL_INT, 3);
    int before = process_threads();
    k->prepare(&l, &t, NULL);
    k->run(&l, &t, NULL);
    CHECK_EQ_I64(process_threads(), before);
    omp_set_num_threads(2);
    k->prepare(&l, &t, NULL);
    k->run(&l, &t, NULL);
    CHECK_EQ_I64(process_threads(), before + 1);
    printf("threads: %d at --threads 1, %d at --threads 2\n", before, process_threads());
    nnb_tensors_free(&t);
}

/* Pooling windows wholly in the padding (2 window rows 2 apart on a 1-high
 * input padded by 1: the output row's taps land on rows -1 and 1, neither
 * inside; PyTorch takes the layer, padding being at most half the window):
 * the reference gives -inf there, oneDNN -FLT_MAX; onednn refuses the layer
 * instead of answering differently. (Average pooling has no dilation, and
 * its padding is at most half the window: never empty.) Windows each with a
 * tap inside are still taken. */
static void empty_window_refused(void)
{
    char err[256];
    nnb_layer l = conv(NNB_OP_POOL_MAX, 3, 3, 1, 3, 1, 1, 1);
    l.kh = 2; l.dh = 2; l.pt = l.pb = 1;
    CHECK(nnb_layer_finalize(&l, err, sizeof err) == 0);
    CHECK_EQ_I64(l.oh, 1);
    CHECK(!nnb_kernel_find("onednn")->supports(&l));
    l = conv(NNB_OP_POOL_MAX, 3, 3, 8, 3, 2, 1, 1);
    CHECK(nnb_layer_finalize(&l, err, sizeof err) == 0);
    CHECK(nnb_kernel_find("onednn")->supports(&l));
}

int main(void)
{
    CHECK(nnb_kernel_find("onednn") != NULL);
    threads_governed();
    grid();
    NNB_RUN(empty_window_refused);
    printf("test_onednn: %d layers exact, %d refused by oneDNN (skipped)\n", checked, refused);
    CHECK(checked >= 30);
    return nnb_test_done("test_onednn");
}
#endif
