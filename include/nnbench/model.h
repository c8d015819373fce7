/* The analytic model: what a layer must cost, from its descriptor alone.
 * Conventions (DESIGN.md): macs is dense (every output x every tap, padding
 * taps included); flops = 2*macs + one add per output element with bias;
 * transposed convolution is counted input-based (the scatter's multiplies).
 * Other tools' conventions are computed alongside, by name (nnb_conventions). */
#ifndef NNBENCH_MODEL_H
#define NNBENCH_MODEL_H

#include "nnbench/layer.h"

typedef struct nnb_analytic {
    /* tensor sizes, elements (fp32) */
    int64_t src_elems, wei_elems, bias_elems, dst_elems;
    /* trainable parameters: weights + bias (+ gamma/beta for BN) */
    int64_t params;
    /* our convention */
    int64_t macs;
    int64_t flops;
    /* other conventions */
    int64_t macs_valid;          /* benchdnn: only taps that land inside the input */
    int64_t macs_deconv_output;  /* deconv counted over the output (ptflops, thop); = macs otherwise */
    int64_t bias_adds;           /* one per output element when bias is on */
    /* bytes (fp32 = 4 bytes) */
    int64_t src_bytes, wei_bytes, bias_bytes, dst_bytes;
    int64_t bytes_min;           /* read src, wei, bias once; write dst once */
    int64_t bytes_write_allocate;/* bytes_min + dst read for ownership */
    int64_t workspace_bytes;     /* im2col (conv) / col (deconv) buffer for one image and group */
    int64_t bytes_algo_extra;    /* traffic the im2col/col2im algorithm adds: buffer written + read */
    double ai;                   /* flops / bytes_min */
    double ai_write_allocate;    /* flops / bytes_write_allocate */
    /* footprint, torchsummary style (MiB) */
    double input_mb, pass_mb, params_mb, total_mb;
} nnb_analytic;

/* Fills a from a finalized layer. Returns 0, or -1 with one line in err
 * when a count overflows int64. */
int nnb_model_analyze(const nnb_layer *l, nnb_analytic *a, char *err, size_t errlen);

/* ---- named conventions: what other tools and the seeds call FLOPs ---- */
typedef struct nnb_convention {
    const char *name;     /* "nnbench", "benchdnn", "ptflops", ...: the JSON key */
    const char *models;   /* the tool and version whose rules are modelled: "ptflops 0.7.3" */
    const char *what;     /* one line: what it counts */
    /* value the tool reports as its "FLOPs" figure for this layer; -1 when
     * the tool has no rule for the op */
    double (*flops)(const nnb_layer *l, const nnb_analytic *a);
    /* true when the tool's figure is meant as FLOPs (false: MACs called FLOPs) */
    bool counts_flops;
} nnb_convention;

const nnb_convention *nnb_conventions(size_t *count);

/* ---- receptive field over a chain of layers (seed 001, with dilation) ----
 * rf: receptive field of one output element in input pixels; jump: distance
 * in input pixels between adjacent outputs; start: input coordinate of the
 * centre of the first output's field. */
typedef struct nnb_rf {
    int64_t rf_h, rf_w;
    int64_t jump_h, jump_w;
    double start_h, start_w;
} nnb_rf;

void nnb_rf_init(nnb_rf *r);
/* Applies one layer as its op's receptive-field rule says: a window (conv,
 * pooling) grows the field, an element-wise op (bn) leaves it unchanged;
 * returns -1 for ops with no receptive-field meaning (deconv, fc, ...). */
int nnb_rf_apply(nnb_rf *r, const nnb_layer *l);
/* Seed 001's top-down recursion RF_i = (RF_{i+1} - 1) * s_i + k_eff_i, over
 * layers[0..count) (input side first). Same result as chaining nnb_rf_apply. */
int64_t nnb_rf_topdown_h(const nnb_layer *layers, size_t count);

#endif
