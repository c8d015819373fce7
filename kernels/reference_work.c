/* The reference kernel's work model (reference.c registers it): its plain
 * loops execute the analytic count (conv: every tap, padding included, then
 * one bias add per output), except where the compiler's vectorised
 * convolution rows compute lanes past the row end (below), and transposed
 * convolution, whose scatter skips the taps that land outside the output
 * (benchdnn's valid-tap count) and adds the bias once per output. */
#include "kernels.h"
#include "machine/isa.h"

#include <stdio.h>

/* Lanes one vectorised column loop of ref_conv executes over an n-wide
 * output row (the tap loop row[ox] += x[ox*sw] * w, and the bias loop).
 * reference.c is built -O3 for the baseline x86-64 ISA (SSE2, whatever ISA
 * the run picks for the other kernels); GCC 12 vectorises both loops, for
 * any stride (a strided row is gathered by shuffles), into 4-wide mulps /
 * addps, then vectorises the epilogue once more as a 2-float vector held in
 * an xmm register (movq loads, mulps/addps on all 4 lanes: the two upper
 * lanes are zeros, but the instruction counts 4), then one scalar element
 * when the remainder is odd (objdump -d of reference.c.o; a 1-wide row
 * stays scalar). Another compiler vectorises its own way: this model is
 * GCC's on x86-64, the compiler CMake builds the project with here. */
static int64_t ref_row_lanes(int64_t n)
{
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
    const int64_t rem = n % 4;
    return n / 4 * 4 + (rem >= 2 ? 4 : 0) + rem % 2;
#else
    return n;
#endif
}

void nnb_work_reference(const nnb_layer *l, const nnb_analytic *a, int threads, int isa, nnb_work *w)
{
    (void)threads;
    (void)isa; /* reference.c is built for the baseline ISA: every run takes the same path */
    nnb_work_start(w, a, NNB_WORK_TOLERANCE_OURS);
    if (l->op == NNB_OP_CONV && l->ow > 0) {
        /* both column loops (taps and bias) walk whole output rows: the
         * analytic count is a multiple of ow */
        const int64_t lanes = ref_row_lanes(l->ow);
        w->flops = (double)a->flops / (double)l->ow * (double)lanes;
        char over[96];
        snprintf(over, sizeof over, "%lld-wide output rows, a 2-float epilogue in 4-lane registers", (long long)l->ow);
        nnb_work_lanes_cause(w, (double)lanes, (double)l->ow, 4, NNB_ISA_SSE, over);
        return;
    }
    if (l->op != NNB_OP_DECONV || a->macs_valid >= a->macs) return;
    w->flops = 2.0 * (double)a->macs_valid + (double)a->bias_adds;
    nnb_work_cause(w->why, sizeof w->why, "scatter skips taps outside the output (valid-tap count)");
}
