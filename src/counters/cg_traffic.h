/* Traffic between cache levels from a callgrind profile, split by what
 * moved: data (the roofline's bytes) and instruction fetches, and of the
 * data, the lines the runtime touched outside the kernel's algorithm.
 *
 * Two facts of callgrind 3.19's simulator that the split corrects or names:
 *  - guarded accesses (AVX2 masked loads/stores, xsave/xrstor: VEX makes
 *    them per-lane guarded loads/stores) are simulated as instruction
 *    fetches of their data address: their I1mr/ILmr are data misses;
 *  - an access straddling two lines that both miss counts one miss, so an
 *    unaligned access can hide a line (unaligned_lines: the misses such
 *    accesses took, the most lines that can be hidden). */
#ifndef NNB_CG_TRAFFIC_H
#define NNB_CG_TRAFFIC_H

#include <stdint.h>

#include "counters/callgrind.h"

/* per-instruction classes, from decoding it (x86_flops.h) */
enum {
    NNB_CG_GUARDED = 1,   /* guarded memory access (see above) */
    NNB_CG_STACK = 2,     /* addressed from rsp */
    NNB_CG_JIT = 4,       /* code generated at run time (oneDNN) */
    NNB_CG_UNALIGNED = 8, /* a vector memory operand that may straddle lines */
    NNB_CG_REP = 16,      /* a REP string instruction: its count is steps, not runs */
};

typedef struct nnb_cg_traffic {
    double data_bytes;       /* data misses + dirty write-backs, guarded accesses included */
    double ifetch_bytes;     /* instruction fetch misses */
    double runtime_bytes;    /* part of data_bytes: lines missed by the runtime (dynamic
                                linker, OpenMP, libc outside mem*, C++ runtime, oneDNN's
                                dispatch around its JIT code), stack frames and
                                set-up code that ran once in the call */
    double unaligned_bytes;  /* data misses taken by accesses that may straddle two lines */
    double writeback_bytes;  /* part of data_bytes: dirty lines written back (last level only) */
    char runtime_why[256];   /* runtime_bytes by cause, e.g. "OpenMP runtime 1.2 KB, stack 0.4 KB" */
} nnb_cg_traffic;

/* The traffic below level `l1` (true: I1/D1 misses x the D1 line, no
 * write-backs simulated there) or the last level (ILmr, DLmr, DLmw and the
 * dirty write-backs x the LL line) of profile p. flags[i] classifies
 * instruction i of flags_prof (NULL: every instruction plain); p's
 * instructions are matched to flags_prof's by object path and address, so
 * one decoding serves both cache passes. */
void nnb_cg_traffic_of(const nnb_cg_profile *p, const nnb_cg_profile *flags_prof, const uint8_t *flags, bool l1,
                       nnb_cg_traffic *t);

struct nnb_counts;
/* Fills out's per-level data and fetch bytes, runtime and unaligned bytes
 * from the last-level pass ll (L1, DRAM) and the L2 pass l2 (NULL: none);
 * flags classify ll's instructions. */
void nnb_counts_traffic(struct nnb_counts *out, const nnb_cg_profile *ll, const nnb_cg_profile *l2,
                        const uint8_t *flags);

#endif
