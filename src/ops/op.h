/* One descriptor per op: everything a stage needs to know about an op lives
 * in its family's file (conv.c: conv + deconv, fc.c, pool.c, bn.c, lstm.c,
 * embed.c) and is reached through nnb_op_get(). No other stage switches on
 * the op; it asks the descriptor (as benchdnn keeps one folder per
 * primitive): its keys, shape, counts, other tools' rules, reference loops,
 * presets and ONNX rules. op.c is only the table, made from the op list
 * (nnbench/op_list.h). */
#ifndef NNBENCH_OP_H
#define NNBENCH_OP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nnbench/layer.h"
#include "nnbench/tensor.h"

/* A named layer of an op (nnbench --list, --layer NAME): its key=value
 * form, parsed like any --layer, and one line saying what it is. */
typedef struct nnb_op_preset {
    const char *name;
    const char *spec;
    const char *desc;
} nnb_op_preset;

struct nnb_onnx_rule; /* ops/onnx_rule.h */

/* Layer fields a key=value key sets (two keys setting one field conflict),
 * and, in a descriptor's kv_fields, the fields its canonical key=value form
 * carries. */
enum {
    NNB_F_N = 1u << 0, NNB_F_C = 1u << 1, NNB_F_H = 1u << 2, NNB_F_W = 1u << 3, NNB_F_K = 1u << 4,
    NNB_F_KH = 1u << 5, NNB_F_KW = 1u << 6, NNB_F_SH = 1u << 7, NNB_F_SW = 1u << 8, NNB_F_PT = 1u << 9,
    NNB_F_PB = 1u << 10, NNB_F_PL = 1u << 11, NNB_F_PR = 1u << 12, NNB_F_DH = 1u << 13, NNB_F_DW = 1u << 14,
    NNB_F_G = 1u << 15, NNB_F_BIAS = 1u << 16, NNB_F_OPH = 1u << 17, NNB_F_OPW = 1u << 18,
    NNB_F_CEIL = 1u << 19, NNB_F_INCL = 1u << 20, NNB_F_NAME = 1u << 21,
    NNB_F_OH = 1u << 22, NNB_F_OW = 1u << 23, /* a given output size (adaptive pooling) */
    /* every op: batch, input channels, height, name */
    NNB_F_COMMON = NNB_F_N | NNB_F_C | NNB_F_H | NNB_F_NAME,
    /* a sliding window: kernel, stride, padding, dilation */
    NNB_F_WINDOW = NNB_F_KH | NNB_F_KW | NNB_F_SH | NNB_F_SW | NNB_F_PT | NNB_F_PB | NNB_F_PL | NNB_F_PR |
                   NNB_F_DH | NNB_F_DW,
};

/* Every integer count of one layer, checked against int64 overflow. The
 * analytic model (model.c) adds the ratios and the footprint in MiB. */
typedef struct nnb_op_counts {
    int64_t src_elems, wei_elems, bias_elems, dst_elems;
    int64_t wei_read_elems;     /* weights one pass must read (embedding: looked-up rows only) */
    int64_t params;             /* weights + bias */
    int64_t macs;               /* dense, padding taps included; deconv input-based */
    int64_t flops;
    int64_t macs_valid;         /* benchdnn: only taps that land inside the input */
    int64_t macs_deconv_output; /* counted over the output (ptflops, thop); = macs otherwise */
    int64_t bias_adds;
    int64_t src_bytes, wei_bytes, bias_bytes, dst_bytes;
    int64_t bytes_min, bytes_write_allocate;
    int64_t workspace_bytes;    /* im2col / col buffer for one image and group */
    int64_t bytes_algo_extra;   /* that buffer written and read once per image and group */
} nnb_op_counts;

/* Other tools' FLOPs conventions (model.c names them, with the tool version
 * each models). Each op says what each tool reports for it, as the tool's
 * source computes it (cited at each rule); -1 where no rule is modelled. */
typedef enum {
    NNB_TOOL_NNBENCH = 0, NNB_TOOL_TORCH, NNB_TOOL_BENCHDNN, NNB_TOOL_FVCORE, NNB_TOOL_PTFLOPS,
    NNB_TOOL_THOP, NNB_TOOL_SEED000, NNB_TOOL_SEED001, NNB_TOOL_SEED003, NNB_TOOL_COUNT
} nnb_tool;

/* The counts the tools' rules combine. */
typedef struct nnb_tool_terms {
    double flops, macs, macs_valid, macs_deconv_output, bias_adds, src_elems, dst_elems;
} nnb_tool_terms;

/* How a layer moves a receptive field along a chain (seed 001). */
typedef enum {
    NNB_RF_NONE = 0,  /* no receptive-field meaning: the chain stops */
    NNB_RF_WINDOW,    /* kernel, stride, padding and dilation apply */
    NNB_RF_IDENTITY,  /* element-wise: the field passes unchanged */
} nnb_rf_rule;

/* Tensor shapes as written by --dump (.npy); ndim 0 = no such tensor. */
typedef struct nnb_shape {
    int ndim;
    int64_t dim[4];
} nnb_shape;

typedef struct nnb_op_shapes {
    nnb_shape src, wei, dst;
} nnb_op_shapes;

typedef struct nnb_op_info {
    nnb_op op;
    const char *name;    /* canonical: JSON/CSV "op", error messages ("pool_max") */
    const char *kv_name; /* key=value prefix and human form ("maxpool"); both names parse */
    const char *torch_class; /* the PyTorch module class (report/summary*.c); NULL: none */

    /* ---- key=value: keys and defaults ---- */
    unsigned kv_fields;      /* NNB_F_*: what the canonical form writes; window keys need NNB_F_KH */
    bool bias_default;       /* nnb_layer_init's bias flag */
    const char *k_required;  /* "output channels k=": refusal text when k= is missing; NULL: optional */
    const char *no_bias;     /* refusal text when bias= is given to an op without one */
    bool stride_is_window;   /* stride defaults to the window (PyTorch pooling) */
    bool same_pad;           /* pad=same (TensorFlow SAME) is defined */

    /* ---- shape ---- */
    bool k_is_c;             /* output channels = input channels; k defaults to c */
    /* op-specific checks after the common ones (layer.c); derives oh/ow */
    int (*shape)(nnb_layer *l, char *err, size_t len);

    /* ---- counts (checked; nnb_op_count adds bytes and params) ---- */
    int64_t src_elem_bytes;  /* 4 (fp32); 8 for int64 indices */
    /* fills elements, MACs and FLOPs; -1 with one line in err on overflow */
    int (*count)(const nnb_layer *l, nnb_op_counts *a, char *err, size_t len);
    /* what each tool reports; v[] arrives filled with -1 (nnbench: flops) */
    void (*tools)(const nnb_layer *l, const nnb_tool_terms *t, double v[NNB_TOOL_COUNT]);
    const char *flops_rule;      /* what the FLOPs figure counts */
    const char *flops_rule_bias; /* the same with bias adds; NULL: flops_rule */
    bool valid_taps;         /* dense MACs include padding taps: benchdnn's valid-tap count differs */
    bool transposed;         /* MACs input-based (scatter): the output-based count differs */
    bool macs_in_total;      /* MACs count toward a network's MAC total (DESIGN.md) */

    /* ---- tensors ---- */
    void (*shapes)(const nnb_layer *l, nnb_op_shapes *s);
    /* terms one output element sums (an upper bound, bias excluded): sets the
     * exact integer fill range and the real-fill error bound */
    int64_t (*accum_len)(const nnb_layer *l);
    int fill_src_range;      /* fixed integer |src| bound; 0: derived from accum_len */
    bool selects;            /* the output selects an input (max): exact in any order */

    /* ---- other views ---- */
    const char *benchdnn_driver; /* benchdnn's conv driver can express it: "conv", "deconv"; else NULL */
    nnb_rf_rule rf;
    /* one human line: "conv 1x64x56x56 -> 1x64x56x56, 3x3 s1 p1 +bias" */
    int (*describe)(const nnb_layer *l, char *buf, size_t len);

    /* ---- the oracle: the reference kernel (kernels/reference.c) runs it and
     * every other kernel is checked against it ---- */
    /* naive loops straight from the op's definition (PyTorch's), every
     * feature, fp32 sums in the obvious order; NULL: no kernel runs the op */
    void (*ref)(const nnb_layer *l, const nnb_tensors *t, void *ws);
    int64_t (*ref_ws_bytes)(const nnb_layer *l); /* ref's workspace; NULL: none */

    /* ---- presets (nnbench --list, in table order), ended by {0}: at least one ---- */
    const nnb_op_preset *presets;

    /* ---- the ONNX op types this op computes exactly (ops/onnx_rule.h;
     * their code sits in ops/onnx_<family>.c or the op's own file), ended
     * by NULL; ONNX ops with no nnbench layer are in ops/onnx_table.c ---- */
    const struct nnb_onnx_rule *const *onnx;
} nnb_op_info;

/* the lists above, written in a descriptor */
#define NNB_PRESETS(...) ((const nnb_op_preset[]){__VA_ARGS__, {0}})
#define NNB_ONNX(...) ((const struct nnb_onnx_rule *const[]){__VA_ARGS__, NULL})

/* The descriptor of op, or NULL when op is not one (out of range). */
const nnb_op_info *nnb_op_get(nnb_op op);
/* By canonical or key=value name (n bytes of s, not terminated); NULL if none. */
const nnb_op_info *nnb_op_find(const char *s, size_t n);
/* The op a benchdnn driver name ("conv", "deconv") describes; NULL if none. */
const nnb_op_info *nnb_op_by_driver(const char *driver);
/* The ops whose canonical form has every field in mask (0: all ops), joined
 * by ", " and last_sep before the last ("conv and deconv"); kv_names when kv.
 * Returns buf. */
const char *nnb_op_list(unsigned mask, bool kv, const char *last_sep, char *buf, size_t len);

/* Every integer count of a finalized layer: the op's count, then params and
 * bytes, all checked. -1 with one line in err on overflow. */
int nnb_op_count(const nnb_layer *l, nnb_op_counts *a, char *err, size_t len);
/* What tool reports as its FLOPs figure for this layer; -1: no rule. */
double nnb_op_tool_flops(const nnb_layer *l, const nnb_tool_terms *t, nnb_tool tool);

#endif
