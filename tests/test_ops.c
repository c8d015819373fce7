/* The op descriptors (src/ops/): every op's descriptor is complete, names
 * round-trip, out-of-range ops are refused cleanly, and the descriptors
 * alone give the exact shapes, params and MACs pinned in test_model.c. */
#include "nnb_test.h"

#include "nnbench/layer.h"
#include "ops/onnx_rule.h"
#include "ops/op.h"
#include "spec/spec.h"

/* A layer built field by field (no spec syntax), finalized by the op. */
static nnb_layer make(nnb_op op, int64_t c, int64_t h, int64_t k, int64_t r, int64_t stride, int64_t pad)
{
    nnb_layer l;
    char err[256];
    nnb_layer_init(&l, op);
    l.c = c;
    l.h = l.w = h;
    l.k = k;
    l.kh = l.kw = r;
    l.sh = l.sw = stride;
    l.pt = l.pb = l.pl = l.pr = pad;
    if (nnb_layer_finalize(&l, err, sizeof err)) {
        fprintf(stderr, "finalize %s: %s\n", nnb_op_name(op), err);
        nnb_test_failures++;
    }
    return l;
}

static nnb_op_counts counts(const nnb_layer *l)
{
    nnb_op_counts a;
    char err[256];
    memset(&a, 0, sizeof a);
    if (nnb_op_count(l, &a, err, sizeof err)) {
        fprintf(stderr, "count %s: %s\n", nnb_op_name(l->op), err);
        nnb_test_failures++;
    }
    return a;
}

static int64_t elems(const nnb_shape *s)
{
    int64_t n = s->ndim ? 1 : 0;
    for (int i = 0; i < s->ndim; i++) n *= s->dim[i];
    return n;
}

/* one piece of one op's descriptor: a failure names the op and the piece */
static void piece(bool ok, const nnb_op_info *op, const char *what)
{
    nnb_test_checks++;
    if (ok) return;
    nnb_test_failures++;
    fprintf(stderr, "op '%s' (src/ops/, nnbench/op_list.h): descriptor lacks %s\n", op ? op->name : "?", what);
}

static void every_op_has_a_complete_descriptor(void)
{
    size_t np;
    const nnb_preset *all = nnb_presets(&np);
    size_t presets_total = 0;
    for (int i = 0; i < NNB_OP_COUNT; i++) {
        const nnb_op_info *op = nnb_op_get((nnb_op)i);
        CHECK(op != NULL);
        if (!op) continue;
        piece(op->op == (nnb_op)i, op, ".op equal to its line in the op list");
        piece(op->name && op->name[0] && op->kv_name && op->kv_name[0], op, ".name and .kv_name");
        piece(op->flops_rule != NULL, op, ".flops_rule (what its FLOPs figure counts)");
        piece(op->shape && op->count && op->shapes && op->accum_len && op->describe, op,
              ".shape, .count, .shapes, .accum_len and .describe");
        piece(op->tools != NULL, op, ".tools (what ptflops, thop, fvcore report for it)");
        piece(op->src_elem_bytes == 4 || op->src_elem_bytes == 8, op, ".src_elem_bytes (4 or 8)");
        piece((op->kv_fields & NNB_F_COMMON) == NNB_F_COMMON, op, "NNB_F_COMMON in .kv_fields");
        /* an op either takes a bias flag or says why not */
        piece(!!(op->kv_fields & NNB_F_BIAS) != !!op->no_bias, op, "exactly one of NNB_F_BIAS and .no_bias");
        piece(!op->bias_default || (op->kv_fields & NNB_F_BIAS), op, "NNB_F_BIAS (its .bias_default is true)");
        /* a window is all or nothing */
        piece((op->kv_fields & NNB_F_WINDOW) == 0 || (op->kv_fields & NNB_F_WINDOW) == NNB_F_WINDOW, op,
              "a whole window in .kv_fields (NNB_F_WINDOW)");
        piece(!op->ref_ws_bytes || op->ref, op, ".ref (it has .ref_ws_bytes)");
        /* its presets: at least one, each a layer of this op, all in nnbench --list */
        size_t mine = 0;
        for (const nnb_op_preset *p = op->presets; p && p->name; p++, mine++) {
            nnb_layer l;
            char err[256], what[400];
            snprintf(what, sizeof what, "a preset that parses as itself: \"%s\" is %s", p->name,
                     nnb_spec_parse(p->name, &l, err, sizeof err) ? err : nnb_op_name(l.op));
            piece(nnb_spec_parse(p->name, &l, err, sizeof err) == 0 && l.op == op->op && p->desc && p->desc[0], op,
                  what);
            bool listed = false;
            for (size_t j = 0; j < np; j++) listed = listed || all[j].name == p->name;
            piece(listed, op, "presets within nnbench --list (raise NNB_MAX_PRESETS in src/spec/presets.c)");
        }
        piece(mine > 0, op, "a preset (.presets = NNB_PRESETS(...))");
        presets_total += mine;
        /* its ONNX rules are the ones the reader finds for their op types */
        for (const struct nnb_onnx_rule *const *r = op->onnx; r && *r; r++) {
            char what[160];
            snprintf(what, sizeof what, "ONNX rule %s as the one rule of that op type", (*r)->op_type);
            piece(nnb_onnx_rule_find((*r)->op_type) == *r && (*r)->layer != NULL, op, what);
        }
    }
    CHECK(presets_total == np);
    /* every ONNX op type has one rule; every rule is reached */
    size_t nr;
    const nnb_onnx_rule *const *rules = nnb_onnx_rules(&nr);
    for (size_t i = 0; i < nr; i++) {
        nnb_test_checks++;
        if (nnb_onnx_rule_find(rules[i]->op_type) != rules[i]) {
            nnb_test_failures++;
            fprintf(stderr, "ONNX op type %s has two rules (an op's .onnx and src/ops/onnx_table.c)\n",
                    rules[i]->op_type);
        }
    }
    /* a rule that makes layers belongs to the op it makes (its .onnx) */
    for (size_t i = 0; i < nr; i++) {
        bool owned = false;
        for (int j = 0; j < NNB_OP_COUNT; j++)
            for (const struct nnb_onnx_rule *const *r = nnb_op_get((nnb_op)j)->onnx; r && *r; r++)
                owned = owned || *r == rules[i];
        nnb_test_checks++;
        if (!owned && rules[i]->layer) {
            nnb_test_failures++;
            fprintf(stderr, "ONNX op type %s makes nnbench layers: list it in that op's .onnx, not in "
                    "src/ops/onnx_table.c\n", rules[i]->op_type);
        }
    }
    CHECK(nr > 40);
}

static void names_round_trip(void)
{
    for (int i = 0; i < NNB_OP_COUNT; i++) {
        const nnb_op_info *op = nnb_op_get((nnb_op)i);
        nnb_op back = NNB_OP_COUNT;
        CHECK(nnb_op_from_name(nnb_op_name((nnb_op)i), &back) == 0);
        CHECK(back == (nnb_op)i);
        CHECK(nnb_op_find(op->name, strlen(op->name)) == op);
        CHECK(nnb_op_find(op->kv_name, strlen(op->kv_name)) == op);
        if (op->benchdnn_driver) CHECK(nnb_op_by_driver(op->benchdnn_driver) == op);
        /* every name is unique across the table */
        for (int j = 0; j < NNB_OP_COUNT; j++)
            if (j != i) {
                const nnb_op_info *o = nnb_op_get((nnb_op)j);
                CHECK(strcmp(op->name, o->name) != 0 && strcmp(op->kv_name, o->kv_name) != 0);
                CHECK(strcmp(op->name, o->kv_name) != 0);
            }
    }
    CHECK_STR(nnb_op_name(NNB_OP_POOL_MAX), "pool_max");
    CHECK(nnb_op_find("maxpool", 7) == nnb_op_get(NNB_OP_POOL_MAX));
    CHECK(nnb_op_find("conv:c=1", 4) == nnb_op_get(NNB_OP_CONV)); /* n bytes, not terminated */
    CHECK(nnb_op_find("conv", 3) == NULL);
    CHECK(nnb_op_find("residual", 8) == NULL);
    CHECK(nnb_op_by_driver("ip") == NULL);
    char buf[256];
    CHECK_STR(nnb_op_list(NNB_F_G, false, " and ", buf, sizeof buf), "conv and deconv");
    /* every op's key=value name once, in table order, joined by ", " */
    char want[1024] = "";
    size_t o = 0;
    for (int i = 0; i < NNB_OP_COUNT; i++)
        o += (size_t)snprintf(want + o, sizeof want - o, "%s%s", i ? ", " : "", nnb_op_get((nnb_op)i)->kv_name);
    char all[1024];
    CHECK_STR(nnb_op_list(0, true, ", ", all, sizeof all), want);
    CHECK(strncmp(all, "conv, deconv, fc, maxpool, avgpool, bn, lstm, embed, relu", 57) == 0);
}

static void out_of_range_ops_are_refused(void)
{
    CHECK(nnb_op_get(NNB_OP_COUNT) == NULL);
    CHECK(nnb_op_get((nnb_op)-1) == NULL);
    CHECK(nnb_op_get((nnb_op)1000) == NULL);
    CHECK_STR(nnb_op_name(NNB_OP_COUNT), "?");
    nnb_op back;
    CHECK(nnb_op_from_name("?", &back) == -1);

    nnb_layer l = make(NNB_OP_CONV, 4, 5, 4, 3, 1, 1);
    l.op = NNB_OP_COUNT;
    char err[128] = "";
    CHECK(nnb_layer_finalize(&l, err, sizeof err) == -1);
    CHECK_STR(err, "unknown layer op");
    nnb_op_counts a;
    CHECK(nnb_op_count(&l, &a, err, sizeof err) == -1);
    nnb_tool_terms t = {0};
    CHECK(nnb_op_tool_flops(&l, &t, NNB_TOOL_NNBENCH) == -1);
    char buf[64];
    CHECK(nnb_spec_format_kv(&l, buf, sizeof buf) == -1);
    CHECK(nnb_spec_format_benchdnn(&l, buf, sizeof buf) == -1);
    CHECK(nnb_spec_format_human(&l, buf, sizeof buf) == -1);
}

/* test_model.c's numbers, from the descriptors alone */
static void conv_and_deconv_exact(void)
{
    nnb_layer l = make(NNB_OP_CONV, 64, 56, 64, 3, 1, 1); /* the conv3x3 preset */
    CHECK_EQ_I64(l.oh, 56);
    CHECK_EQ_I64(l.ow, 56);
    nnb_op_counts a = counts(&l);
    CHECK_EQ_I64(a.params, 36928);
    CHECK_EQ_I64(a.macs, 115605504);
    CHECK_EQ_I64(a.flops, 2 * 115605504 + 64 * 56 * 56);
    CHECK_EQ_I64(a.macs_valid, (int64_t)64 * 64 * 166 * 166);
    CHECK_EQ_I64(a.workspace_bytes, 576 * 3136 * 4);
    CHECK_EQ_I64(a.bytes_min, (64 * 56 * 56 + 36864 + 64 + 64 * 56 * 56) * 4);
    CHECK_EQ_I64(nnb_op_get(l.op)->accum_len(&l), 576);

    /* seed 001: 100x100x3, 3x3 -> 50x50x10 (stride 2, pad 1): 675,000 MACs */
    l = make(NNB_OP_CONV, 3, 100, 10, 3, 2, 1);
    CHECK_EQ_I64(l.oh, 50);
    CHECK_EQ_I64(counts(&l).macs, 675000);

    /* the deconv4x4s2 preset: input-based MACs, output-based for ptflops/thop */
    l = make(NNB_OP_DECONV, 64, 28, 32, 4, 2, 1);
    CHECK_EQ_I64(l.oh, (28 - 1) * 2 - 2 + 4);
    a = counts(&l);
    CHECK_EQ_I64(a.macs, (int64_t)64 * 28 * 28 * 32 * 16);
    CHECK_EQ_I64(a.macs_deconv_output, (int64_t)32 * 56 * 56 * 64 * 16);
    CHECK_EQ_I64(a.macs_valid, (int64_t)64 * 32 * 110 * 110);
    CHECK_EQ_I64(a.params, 64 * 32 * 16 + 32);
    nnb_tool_terms t = {.flops = (double)a.flops, .macs = (double)a.macs, .macs_valid = (double)a.macs_valid,
                        .macs_deconv_output = (double)a.macs_deconv_output, .bias_adds = (double)a.bias_adds,
                        .src_elems = (double)a.src_elems, .dst_elems = (double)a.dst_elems};
    CHECK_NEAR(nnb_op_tool_flops(&l, &t, NNB_TOOL_PTFLOPS), (double)a.macs_deconv_output + 32 * 56 * 56, 0);
    CHECK_NEAR(nnb_op_tool_flops(&l, &t, NNB_TOOL_THOP), (double)a.macs_deconv_output, 0);
    CHECK_NEAR(nnb_op_tool_flops(&l, &t, NNB_TOOL_FVCORE), (double)a.macs, 0);
    CHECK(nnb_op_tool_flops(&l, &t, NNB_TOOL_SEED001) < 0); /* the seeds have no deconv rule */
    CHECK(nnb_op_tool_flops(&l, &t, NNB_TOOL_COUNT) < 0);
}

static void other_ops_exact(void)
{
    /* seed 004: fc 32x5x5 -> 256: 205,056 params; seed 000: 512x7x7 -> 4096 */
    nnb_layer l = make(NNB_OP_FC, 32, 5, 256, 1, 1, 0);
    CHECK_EQ_I64(counts(&l).params, 205056);
    l = make(NNB_OP_FC, 512, 7, 4096, 1, 1, 0);
    CHECK_EQ_I64(counts(&l).macs, 102760448);
    CHECK_EQ_I64(nnb_op_get(l.op)->accum_len(&l), 512 * 49);

    /* maxpool3x3s2 / avgpool7x7 (stride defaults to the window in the kv form) */
    l = make(NNB_OP_POOL_MAX, 64, 112, 0, 3, 2, 1);
    CHECK_EQ_I64(l.oh, 56);
    CHECK_EQ_I64(l.k, 64); /* k defaults to c */
    CHECK_EQ_I64(counts(&l).flops, (int64_t)64 * 56 * 56 * 9);
    CHECK_EQ_I64(counts(&l).params, 0);
    l = make(NNB_OP_POOL_AVG, 2048, 7, 0, 7, 7, 0);
    CHECK_EQ_I64(counts(&l).flops, (int64_t)2048 * (49 + 1));

    l = make(NNB_OP_BN, 64, 56, 0, 1, 1, 0);
    CHECK_EQ_I64(counts(&l).params, 128);
    /* seed 001 / PyTorch LSTM: (in + u)*4u + 8u; MACs 4u(in + u) per step */
    l = make(NNB_OP_LSTM, 256, 1, 512, 1, 1, 0);
    CHECK_EQ_I64(counts(&l).params, (256 + 512) * 4 * 512 + 8 * 512);
    CHECK_EQ_I64(counts(&l).macs, 4 * 512 * (256 + 512));
    l = make(NNB_OP_EMBED, 30000, 128, 512, 1, 1, 0);
    CHECK_EQ_I64(counts(&l).params, 30000 * 512);
    CHECK_EQ_I64(counts(&l).src_bytes, 128 * 8); /* int64 indices */
    CHECK_EQ_I64(counts(&l).wei_bytes, 128 * 512 * 4); /* only the rows looked up */
}

/* Shapes agree with the element counts for every preset (every op). */
static void shapes_match_counts(void)
{
    size_t np;
    const nnb_preset *ps = nnb_presets(&np);
    bool seen[NNB_OP_COUNT] = {false};
    for (size_t i = 0; i < np; i++) {
        nnb_layer l;
        char err[256];
        CHECK(nnb_spec_parse(ps[i].name, &l, err, sizeof err) == 0);
        const nnb_op_info *op = nnb_op_get(l.op);
        nnb_op_shapes s;
        op->shapes(&l, &s);
        nnb_op_counts a = counts(&l);
        seen[l.op] = true;
        CHECK_EQ_I64(elems(&s.src), a.src_elems);
        CHECK_EQ_I64(elems(&s.wei), a.wei_elems);
        CHECK_EQ_I64(elems(&s.dst), a.dst_elems);
        CHECK(op->accum_len(&l) >= 1);
        char human[160];
        CHECK(op->describe(&l, human, sizeof human) == 0);
        CHECK(strncmp(human, op->kv_name, strlen(op->kv_name)) == 0);
    }
    for (int i = 0; i < NNB_OP_COUNT; i++) piece(seen[i], nnb_op_get((nnb_op)i), "a preset in nnbench --list");
}

/* DESIGN.md: a network's MAC total counts conv, deconv, fc and lstm */
static void network_rules(void)
{
    for (int i = 0; i < NNB_OP_COUNT; i++) {
        nnb_op op = (nnb_op)i;
        bool counted = op == NNB_OP_CONV || op == NNB_OP_DECONV || op == NNB_OP_FC || op == NNB_OP_LSTM;
        CHECK(nnb_op_get(op)->macs_in_total == counted);
    }
    CHECK(nnb_op_get(NNB_OP_CONV)->rf == NNB_RF_WINDOW);
    CHECK(nnb_op_get(NNB_OP_BN)->rf == NNB_RF_IDENTITY);
    CHECK(nnb_op_get(NNB_OP_FC)->rf == NNB_RF_NONE);
}

int main(void)
{
    every_op_has_a_complete_descriptor();
    names_round_trip();
    out_of_range_ops_are_refused();
    conv_and_deconv_exact();
    other_ops_exact();
    shapes_match_counts();
    network_rules();
    return nnb_test_done("test_ops");
}
