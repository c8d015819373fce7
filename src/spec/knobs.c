/* The knob table (knobs.h). Sources: benchdnn's parser.cpp (global options:
 * parse_bench_settings, attributes: parse_attributes, parse_dt, parse_tag,
 * parse_strides, parse_mb, parse_impl/parse_skip_impl, parse_ctx_init/exe,
 * parse_perf_template, parse_test_pattern_match) and the conv/deconv
 * drivers (--dir, --dt and the older --cfg, --bia-dt, --stag/--wtag/--dtag,
 * --alg). Every knob in tests/data/benchdnn's inputs is here. */
#include "spec/knobs.h"

#include <string.h>
#include <strings.h>

/* "f32" or "f32:f32:f32" (src:wei:dst): every part f32 */
static bool dt_f32(const char *e)
{
    if (!*e) return true;
    for (const char *p = e;;) {
        size_t n = strcspn(p, ":");
        if (n != 3 || strncmp(p, "f32", 3) != 0) return false;
        if (!p[n]) return true;
        p += n + 1;
    }
}

static bool cfg_f32(const char *e) { return !*e || !strcasecmp(e, "f32"); }
static bool bias_dt_ok(const char *e) { return !*e || !strcmp(e, "f32") || !strcmp(e, "undef"); }
static bool empty_only(const char *e) { return !*e; }
static bool fpmath_strict(const char *e) { return !*e || !strcmp(e, "strict"); }
static bool rounding_env(const char *e) { return !*e || !strcmp(e, "environment"); }
static bool acc_f32(const char *e)
{
    return !*e || !strcmp(e, "strict") || !strcmp(e, "relaxed") || !strcmp(e, "any") || !strcmp(e, "f32");
}
static bool alg_not_wino(const char *e)
{
    return !*e || !strcasecmp(e, "auto") || !strcasecmp(e, "direct") || !strcasecmp(e, "convolution_auto") ||
           !strcasecmp(e, "convolution_direct");
}

bool nnb_knob_dir_forward(const char *e, bool *bias)
{
    *bias = !*e || !strcasecmp(e, "FWD_B");
    return *bias || !strcasecmp(e, "FWD_D") || !strcasecmp(e, "FWD_I");
}
static bool dir_forward(const char *e)
{
    bool bias;
    return nnb_knob_dir_forward(e, &bias);
}

#define LAYER(n, w) {n, NNB_KNOB_LAYER, NNB_SKIP_UNSUPPORTED, NULL, false, w}
#define CHECK(n, c, f, w) {n, NNB_KNOB_CHECK, c, f, false, w}
#define HINT(n, w) {n, NNB_KNOB_HINT, NNB_SKIP_UNSUPPORTED, NULL, false, w}

static const nnb_knob g_knobs[] = {
    LAYER("conv", "the driver of unprefixed descriptors"),
    LAYER("deconv", "the driver of unprefixed descriptors"),
    LAYER("mb", "the mini-batch list: each descriptor runs once per entry"),
    LAYER("batch", "a nested batch file, relative to this one"),
    LAYER("reset", "every knob back to its default (the driver stays)"),
    CHECK("dir", NNB_SKIP_BACKWARD, dir_forward,
          "FWD_B runs with bias, FWD_D/FWD_I without; backward directions are not measured (forward only)"),
    CHECK("dt", NNB_SKIP_DATA_TYPE, dt_f32,
          "nnbench measures f32 only (its kernels, bytes and FLOP counts are f32)"),
    CHECK("cfg", NNB_SKIP_DATA_TYPE, cfg_f32,
          "nnbench measures f32 only (its kernels, bytes and FLOP counts are f32)"),
    CHECK("bia-dt", NNB_SKIP_DATA_TYPE, bias_dt_ok, "f32 bias, or undef (no bias); other bias types are not run"),
    CHECK("attr-post-ops", NNB_SKIP_POST_OPS, empty_only,
          "post-ops (eltwise, sum, binary, depthwise) are not run: the layer alone is measured"),
    CHECK("attr-scales", NNB_SKIP_ATTRIBUTE, empty_only, "scaling is not run (no quantized kernels)"),
    CHECK("attr-zero-points", NNB_SKIP_ATTRIBUTE, empty_only, "zero points are not run (no quantized kernels)"),
    CHECK("attr-fpmath", NNB_SKIP_ATTRIBUTE, fpmath_strict,
          "down-converted math (tf32, bf16, f16) is not run: nnbench computes strict f32"),
    CHECK("attr-rounding-mode", NNB_SKIP_ATTRIBUTE, rounding_env, "stochastic rounding is not run"),
    CHECK("attr-acc-mode", NNB_SKIP_ATTRIBUTE, acc_f32, "accumulation below f32 is not run"),
    CHECK("attr-dropout", NNB_SKIP_ATTRIBUTE, empty_only, "a fused dropout is not run"),
    {"alg", NNB_KNOB_CHECK, NNB_SKIP_ALGORITHM, alg_not_wino, true,
     "auto/direct let the library pick (nnbench's kernels pick their own); Winograd executes other FLOPs and "
     "is not run"},
    HINT("stag", "a source memory layout (nnbench's kernels use their own layouts)"),
    HINT("wtag", "a weights memory layout (nnbench's kernels use their own layouts)"),
    HINT("dtag", "a destination memory layout (nnbench's kernels use their own layouts)"),
    HINT("strides", "memory strides (nnbench's tensors are dense)"),
    HINT("allow-enum-tags-only", "a tag-parsing switch"),
    HINT("attr-scratchpad", "scratchpad ownership (library or user): where workspace lives"),
    HINT("attr-deterministic", "deterministic execution (nnbench's kernels are deterministic)"),
    HINT("attr-same-pd-check", "a benchdnn self-check"),
    HINT("mode", "benchdnn's run mode (correctness, performance, ...): nnbench always checks and times"),
    HINT("mode-modifier", "benchdnn's run-mode modifier"),
    HINT("impl", "an implementation filter: nnbench runs --kernels"),
    HINT("skip-impl", "an implementation filter: nnbench runs --kernels"),
    HINT("global-impl", "an implementation filter: nnbench runs --kernels"),
    HINT("global-skip-impl", "an implementation filter: nnbench runs --kernels"),
    HINT("ctx-init", "a threading context: nnbench uses --threads"),
    HINT("ctx-exe", "a threading context: nnbench uses --threads"),
    HINT("num-streams", "streams: nnbench runs one"),
    HINT("stream-kind", "the stream kind"),
    HINT("cpu-isa-hints", "an ISA preference for the JIT (nnbench: NNB_KERNEL_ISA)"),
    HINT("engine", "the engine: nnbench measures this CPU"),
    HINT("memory-kind", "the GPU memory kind"),
    HINT("execution-mode", "direct or graph execution"),
    HINT("match", "benchdnn's problem filter: nnbench runs every descriptor"),
    HINT("check-ref-impl", "benchdnn's check that a reference is not picked"),
    HINT("fast-ref", "benchdnn's reference speed switch (nnbench's reference check is its own)"),
    HINT("mem-check", "benchdnn's memory check"),
    HINT("cold-cache", "benchdnn's cold-cache mode (nnbench: --cold)"),
    HINT("fix-times-per-prb", "repetitions (nnbench: --reps)"),
    HINT("max-ms-per-prb", "time per problem (nnbench: --min-time)"),
    HINT("repeats-per-prb", "repetitions (nnbench: --reps)"),
    HINT("perf-template", "benchdnn's output format"),
    HINT("summary", "benchdnn's summary"),
    HINT("verbose", "benchdnn's verbosity"),
    HINT("canonical", "benchdnn's printing of problems"),
    HINT("start", "benchdnn's first problem index"),
};

_Static_assert(sizeof g_knobs / sizeof g_knobs[0] <= NNB_KNOBS_MAX, "batch.c holds NNB_KNOBS_MAX lists");

const nnb_knob *nnb_knobs(size_t *count)
{
    *count = sizeof g_knobs / sizeof g_knobs[0];
    return g_knobs;
}

const nnb_knob *nnb_knob_find(const char *tok)
{
    if (strncmp(tok, "--", 2) != 0) return NULL;
    const char *name = tok + 2;
    size_t n = strcspn(name, "=");
    for (size_t i = 0; i < sizeof g_knobs / sizeof g_knobs[0]; i++)
        if (strlen(g_knobs[i].name) == n && strncmp(g_knobs[i].name, name, n) == 0) return &g_knobs[i];
    return NULL;
}
