/* Every op of the table (nnb_op_list) is present wherever a list of ops is
 * kept by hand: the schema's layer.op enum (docs/schema.json), its prose
 * (docs/schema.md), the README's two lists (presets, key=value ops), a
 * preset, and the reference kernel. A failure names the op and the piece
 * that lacks it, so adding an op says what else to write. */
#include <ctype.h>
#include <stdlib.h>

#include "nnbench/kernel.h"
#include "nnb_test.h"
#include "ops/onnx_rule.h"
#include "ops/op.h"
#include "spec/spec.h"

static char *slurp(const char *rel)
{
    const char *root = getenv("NNB_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", root ? root : ".", rel);
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) n = 0;
    if (s) s[n] = 0;
    fclose(f);
    return s;
}

static int missing = 0;
static void need(bool ok, const nnb_op_info *op, const char *piece)
{
    nnb_test_checks++;
    if (ok) return;
    nnb_test_failures++;
    missing++;
    fprintf(stderr, "op '%s' (key=value '%s'): missing from %s\n", op->name, op->kv_name, piece);
}

/* `quoted` (with the quotes given) occurs in text between from and to */
static bool has_between(const char *text, const char *from, const char *to, const char *quoted)
{
    const char *a = text ? strstr(text, from) : NULL;
    if (!a) return false;
    const char *b = strstr(a, to);
    const char *hit = strstr(a, quoted);
    return hit && (!b || hit < b);
}

/* word is one of the words (split at spaces, newlines and backticks)
 * after from, up to the first `to` after it */
static bool has_word(const char *text, const char *from, const char *to, const char *word)
{
    const char *a = text ? strstr(text, from) : NULL;
    if (!a) return false;
    a += strlen(from);
    const char *b = strstr(a, to);
    size_t n = strlen(word);
    for (const char *p = a; b && p < b; p++) {
        bool start = p == a || strchr(" \n`", p[-1]);
        if (start && strncmp(p, word, n) == 0 && strchr(" \n`", p[n])) return true;
    }
    return false;
}

static void every_op_everywhere(void)
{
    char *schema = slurp("docs/schema.json"), *md = slurp("docs/schema.md"), *readme = slurp("README.md");
    CHECK(schema && md && readme);
    size_t np;
    const nnb_preset *ps = nnb_presets(&np);
    const nnb_kernel *ref = nnb_kernel_find("reference");
    for (int i = 0; i < NNB_OP_COUNT; i++) {
        const nnb_op_info *op = nnb_op_get((nnb_op)i);
        char q[64];
        snprintf(q, sizeof q, "\"%s\"", op->name);
        need(has_between(schema, "\"op\": {\"enum\": [", "]", q), op, "docs/schema.json layer.op enum");
        snprintf(q, sizeof q, "`%s`", op->name);
        need(has_between(md, "| `op` | string |", "\n", q), op, "docs/schema.md's `op` row");
        need(has_word(readme, "- `op:key=value,...` with op one of `", "`\n", op->kv_name), op,
             "README.md's key=value op list (## Describing layers)");
        /* a preset of the op, named in the README's preset list; the
         * reference kernel (the oracle) runs it wherever any kernel does */
        bool preset = false, listed = false, any = false, ref_runs = false;
        size_t nk;
        const nnb_kernel *const *ks = nnb_kernels(&nk);
        for (size_t p = 0; p < np; p++) {
            nnb_layer l;
            char err[256];
            if (nnb_spec_parse(ps[p].name, &l, err, sizeof err) || l.op != op->op) continue;
            preset = true;
            snprintf(q, sizeof q, "`%s`", ps[p].name);
            listed = listed || has_between(readme, "- a preset (`nnbench --list`)", "- a oneDNN", q);
            for (size_t k = 0; k < nk; k++) any = any || ks[k]->supports(&l);
            ref_runs = ref_runs || (ref && ref->supports(&l));
        }
        need(preset, op, "the presets (its descriptor's .presets)");
        need(!preset || listed, op, "README.md's preset list (## Describing layers)");
        need(!any || ref_runs, op, "the reference kernel (its descriptor's .ref), which checks the others");
    }
    free(schema);
    free(md);
    free(readme);
}

/* every ONNX op type with a rule is named in the README's ONNX section */
static void every_onnx_rule_in_readme(void)
{
    char *readme = slurp("README.md");
    size_t n;
    const nnb_onnx_rule *const *rules = nnb_onnx_rules(&n);
    CHECK(readme && n > 0);
    for (size_t i = 0; i < n; i++) {
        nnb_test_checks++;
        const char *op = rules[i]->op_type;
        const char *a = readme ? strstr(readme, "## Your own network (ONNX)") : NULL, *b = a ? strstr(a + 3, "\n## ") : NULL;
        bool found = false;
        for (const char *p = a; p && (!b || p < b) && (p = strstr(p, op)) && (!b || p < b); p++)
            if (!isalnum((unsigned char)p[-1]) && !isalnum((unsigned char)p[strlen(op)])) found = true;
        if (!found) {
            nnb_test_failures++;
            missing++;
            fprintf(stderr, "ONNX op '%s' (an op's .onnx or src/ops/onnx_table.c): missing from README.md's \"Your own network (ONNX)\"\n", op);
        }
    }
    free(readme);
}

int main(void)
{
    nnb_test_run("every op everywhere", every_op_everywhere);
    nnb_test_run("every ONNX rule in the README", every_onnx_rule_in_readme);
    if (missing) fprintf(stderr, "%d pieces missing (see above)\n", missing);
    return nnb_test_done("test_op_sources");
}
