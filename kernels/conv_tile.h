/* The register-blocked convolution micro-kernel shared by the direct-style
 * kernels (direct, grouped). One call computes a tile of kb output channels x
 * ncols consecutive output columns of one output row, reducing over nc input
 * channels and every window tap, with the kb x ncols accumulators held in
 * vector registers. The input is a padded, stride-phase-split plane per
 * channel (nnb_pack_padded), so a tap is one unaligned vector load per
 * LANES columns. Weights are either packed [c][tap][kb] (the kb broadcasts
 * of a tap adjacent) or read in place from the PyTorch layout [kb][c][tap]
 * (wjs = floats between filters): kb sequential streams, no packing pass,
 * which matters where each weight is used only a few dozen times (ResNet's
 * 7x7 and 14x14 layers). Implemented in direct.c for AVX-512, AVX2/FMA and
 * portable C, chosen at run time (valgrind hides AVX-512). */
#ifndef NNBENCH_CONV_TILE_H
#define NNBENCH_CONV_TILE_H

#include <stdbool.h>
#include <stdint.h>

typedef struct nnb_tile {
    const float *in;       /* packed input: channel 0, tile row origin, column ox0 */
    int64_t cstride;       /* floats between packed channels */
    int64_t nc;            /* input channels reduced over */
    const int64_t *tapoff; /* per tap: offset from `in` (nnb_pack_tap_off) */
    int64_t ntaps;
    const float *w;        /* weights: packed [nc][ntaps][kb] when wjs == 0, else
                              filter j's (c, tap) at w[j*wjs + c*ntaps + tap] */
    int64_t wjs;           /* 0: packed; else floats between filters (nc*ntaps in PyTorch's layout) */
    const float *bias;     /* kb values, or NULL */
    float *out;            /* output: channel 0 of the block, row, column ox0 */
    int64_t ostride;       /* floats between output channels */
    int kb;                /* output channels, 1..kb_max */
    int ncols;             /* output columns, 1..lanes*vw_max */
    bool exact;            /* compute no lane past ncols even where a narrow
                              tail costs more instructions than one masked
                              vector (AVX2: 4-wide + scalar lanes); set where
                              the tail is rare (once per flattened plane) */
} nnb_tile;

typedef struct nnb_tile_isa {
    const char *name;      /* "avx512", "avx2", "c" */
    int lanes;             /* floats per vector */
    int kb_max, vw_max;    /* largest tile: kb_max channels x vw_max vectors */
    void (*run)(const nnb_tile *t);
} nnb_tile_isa;

/* Vector ISA level the hand-vectorised kernels may use: what the CPU runs
 * (checked at run time), capped by the environment variable NNB_KERNEL_ISA
 * ("avx512", "avx2" or "c") so tests can exercise every path on one machine. */
enum { NNB_ISA_C = 0, NNB_ISA_AVX2 = 1, NNB_ISA_AVX512 = 2 };
int nnb_isa_level(void);

/* The fastest micro-kernel for nnb_isa_level(). */
const nnb_tile_isa *nnb_tile_isa_best(void);

/* dst[c][tap][j] = wei[j][c][tap] for j < kb: packs kb filters of one block
 * (filter j starts at wei + j*nc*ntaps, PyTorch layout). */
void nnb_tile_pack_weights(const float *wei, int kb, int64_t nc, int64_t ntaps, float *dst);

#endif
