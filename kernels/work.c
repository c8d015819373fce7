/* The kernels' work models (nnb_kernel.work): the shared pieces. Each
 * kernel's own model sits next to its plan, in its file. */
#include "kernels.h"
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
