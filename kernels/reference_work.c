/* The reference kernel's work model (reference.c registers it): its plain
 * loops execute the analytic count (conv: every tap, padding included, then
 * one bias add per output), except transposed convolution, whose scatter
 * skips the taps that land outside the output (benchdnn's valid-tap count)
 * and adds the bias once per output. */
#include "kernels.h"

void nnb_work_reference(const nnb_layer *l, const nnb_analytic *a, int threads, int isa, nnb_work *w)
{
    (void)threads;
    (void)isa;
    nnb_work_start(w, a, NNB_WORK_TOLERANCE_OURS);
    if (l->op != NNB_OP_DECONV || a->macs_valid >= a->macs) return;
    w->flops = 2.0 * (double)a->macs_valid + (double)a->bias_adds;
    nnb_work_cause(w->why, sizeof w->why, "scatter skips taps outside the output (valid-tap count)");
}
