/* Shared by the descriptor syntaxes (kv.c, batch.c, spec.c): strict numbers
 * and op prefixes. */
#ifndef NNBENCH_SPEC_SYNTAX_H
#define NNBENCH_SPEC_SYNTAX_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#include "ops/op.h"

/* A decimal int64 of exactly n bytes; -1 if it is not one. */
int nnb_spec_parse_i64(const char *s, size_t n, int64_t *out);

/* Refuses s whose first n bytes name no op, listing the ops; returns -1. */
int nnb_spec_unknown_op(const char *s, size_t n, char *err, size_t len);

/* "conv:..." / "deconv:..." before any quote: the op the prefix names, else NULL. */
const nnb_op_info *nnb_spec_prefix_op(const char *s);

/* The driver an unprefixed benchdnn string belongs to (benchdnn's default). */
#define NNB_SPEC_DEFAULT_DRIVER "conv"

/* Starts with a benchdnn field and its value (g2, mb1, ic 3, ...): read as benchdnn. */
bool nnb_spec_looks_benchdnn(const char *s);

#endif
