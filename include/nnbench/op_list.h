/* Every op nnbench knows, one line each, in table order: X(ENUM, symbol)
 * makes NNB_OP_<ENUM> (the nnb_op enum, layer.h) and the descriptor
 * table entry &nnb_op_<symbol> (src/ops/op.c). An op is its descriptor
 * file, src/ops/<family>.c, which defines `const nnb_op_info
 * nnb_op_<symbol>` with everything about the op beside it (keys, shape,
 * counts, tools' rules, reference loops, presets, ONNX rules), plus its
 * line here; tests/test_ops.c and tests/test_op_sources.c name whatever
 * else a new op lacks (a descriptor piece, the schema's and the README's
 * lists). */
#ifndef NNBENCH_OP_LIST_H
#define NNBENCH_OP_LIST_H

#define NNB_OP_LIST(X)                                                                                          \
    X(CONV, conv)                 /* 2-D convolution, incl. grouped/depthwise/dilated */                        \
    X(DECONV, deconv)             /* transposed convolution (PyTorch ConvTranspose2d) */                        \
    X(FC, fc)                     /* fully connected over the flattened c*h*w input */                          \
    X(POOL_MAX, pool_max)                                                                                       \
    X(POOL_AVG, pool_avg)                                                                                       \
    X(BN, bn)                     /* batch norm, inference form */                                              \
    X(LSTM, lstm)                 /* one LSTM layer: c = input size, k = hidden, h = time steps */              \
    X(EMBED, embed)               /* embedding: c = vocabulary, k = dim, h = tokens per sample */               \
    X(RELU, relu)                 /* the ops around them in networks (ops/act.c, add.c, ...) */                 \
    X(RELU6, relu6)                                                                                             \
    X(ADD, add)                                                                                                 \
    X(CONCAT, concat)                                                                                           \
    X(FLATTEN, flatten)                                                                                         \
    X(DROPOUT, dropout)                                                                                         \
    X(POOL_ADAPTIVE_AVG, pool_adaptive_avg)                                                                     \
    X(POOL_ADAPTIVE_MAX, pool_adaptive_max)

#endif
