/* Fuzz target: an ONNX file (nnb_onnx_load_buffer: protobuf-c, the graph,
 * the shape rules). Properties: no crash or undefined behaviour; a refusal
 * is one line; a file that reads gives layers whose analytic model holds
 * (finalized, no overflow), rows that account for every node, and a share
 * of unmodelled outputs within [0, all]. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_target.h"
#include "net/onnx/onnx.h"
#include "nnbench/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20)) return 0;
    nnb_onnx_model m;
    char err[1024] = "";
    nnb_onnx_options o = {.mb = 2};
    if (nnb_onnx_load_buffer(data, size, &o, &m, err, sizeof err)) {
        FUZZ_REQUIRE(err[0] && !strchr(err, '\n'), "a refusal must be one line: '%s'", err);
        return 0;
    }
    FUZZ_REQUIRE(m.layers.n > 0 && m.nrows >= m.layers.n, "%zu layers from %zu rows", m.layers.n, m.nrows);
    FUZZ_REQUIRE(m.unmodelled_elems >= 0 && m.unmodelled_elems <= m.out_elems, "unmodelled share out of range");
    for (size_t i = 0; i < m.layers.n; i++) {
        nnb_analytic a;
        FUZZ_REQUIRE(nnb_model_analyze(&m.layers.v[i].layer, &a, err, sizeof err) == 0, "layer %zu (%s) refused: %s", i,
                     m.layers.v[i].module, err);
    }
    nnb_onnx_model_free(&m);
    return 0;
}
