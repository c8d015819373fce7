/* Channel-blocked activations, oneDNN's nChw16c / nChw8c: for each image,
 * ceil(C / block) blocks of H x W pixels of `block` consecutive channels
 * (the channels past C are zero). A vector then holds one pixel of `block`
 * channels, so depthwise and pooling work per pixel with no shuffles.
 *
 * A kernel that works in these layouts is timed the way the onednn kernel
 * is (kernel.h: timed): the bracket's opening call (untimed) puts the NCHW
 * input into its layout; inside the bracket run reads and writes the
 * blocked buffers only, and the closing call puts the output back into
 * NCHW; outside the bracket (the check, tests, --time-prepare)
 * run does both reorders itself, so a caller that knows prepare + run
 * always gets NCHW (prepare only readies the weights and the state).
 * The state lives in the first NNB_CB_HEADER_BYTES of the kernel's
 * workspace, so nothing is static. */
#ifndef NNBENCH_KERNELS_BLOCKED_H
#define NNBENCH_KERNELS_BLOCKED_H

#include <stdbool.h>
#include <stdint.h>

#define NNB_CB_HEADER_BYTES 64

typedef struct nnb_cb_state {
    bool in_bracket; /* between timed(.., true) and timed(.., false) */
} nnb_cb_state;

/* A blocked kernel's two sides of the bracket: the NCHW tensors and the
 * blocked buffers in its workspace that stand for them (src_cb NULL: the
 * run reads the NCHW src in place; dst_cb NULL: it writes the NCHW dst). */
typedef struct nnb_cb_io {
    nnb_cb_state *state;
    const float *src;
    float *src_cb;
    int64_t c, src_hw;
    float *dst, *dst_cb;
    int64_t k, dst_hw;
    int64_t n;
    int block;
} nnb_cb_io;

/* The kernel's timed(): opening puts src into src_cb, closing puts dst_cb
 * into dst; the state records which side of the bracket run is on. */
void nnb_cb_bracket(const nnb_cb_io *io, bool begin);
/* prepare's part: run starts outside the bracket */
void nnb_cb_outside(nnb_cb_state *s);
/* run's part, before its work and after it: outside the bracket it does
 * the bracket's reorders itself (so prepare + run always means NCHW) */
void nnb_cb_run_begin(const nnb_cb_io *io);
void nnb_cb_run_end(const nnb_cb_io *io);

/* floats of n images of c channels and hw pixels, channel-blocked by block */
int64_t nnb_cb_floats(int64_t n, int64_t c, int64_t hw, int block);

/* NCHW -> channel-blocked (the padding channels are written as zeros) */
void nnb_cb_from_nchw(float *cb, const float *nchw, int64_t n, int64_t c, int64_t hw, int block);
/* channel-blocked -> NCHW (the padding channels are dropped) */
void nnb_cb_to_nchw(float *nchw, const float *cb, int64_t n, int64_t c, int64_t hw, int block);

#endif
