/* Fuzz target: one layer descriptor (any syntax nnb_spec_parse reads).
 * Properties: no crash or undefined behaviour; a descriptor that parses
 * gives a finalized layer whose analytic model does not overflow; its
 * canonical key=value form parses back to the same layer; its benchdnn form
 * (conv/deconv) parses back to the same shape and MACs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_target.h"
#include "nnbench/model.h"
#include "spec/spec.h"

static void same_layer(const nnb_layer *a, const nnb_layer *b, const char *form, const char *text)
{
    FUZZ_REQUIRE(a->op == b->op && a->n == b->n && a->c == b->c && a->h == b->h && a->w == b->w && a->k == b->k &&
                     a->kh == b->kh && a->kw == b->kw && a->sh == b->sh && a->sw == b->sw && a->oh == b->oh &&
                     a->ow == b->ow && a->groups == b->groups && a->dh == b->dh && a->dw == b->dw,
                 "%s form '%s' reads as another layer", form, text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096) return 0;
    char *s = malloc(size + 1);
    if (!s) return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    nnb_layer l;
    char err[512];
    if (nnb_spec_parse(s, &l, err, sizeof err) == 0) {
        FUZZ_REQUIRE(strlen(err) < sizeof err, "error text");
        nnb_analytic a;
        FUZZ_REQUIRE(nnb_model_analyze(&l, &a, err, sizeof err) == 0, "'%s' parsed but the model refused: %s", s, err);
        char kv[1024];
        if (nnb_spec_format_kv(&l, kv, sizeof kv) == 0) {
            nnb_layer back;
            FUZZ_REQUIRE(nnb_spec_parse(kv, &back, err, sizeof err) == 0, "kv form '%s' of '%s' refused: %s", kv, s,
                         err);
            same_layer(&l, &back, "kv", kv);
            FUZZ_REQUIRE(l.pt == back.pt && l.pl == back.pl && l.pb == back.pb && l.pr == back.pr &&
                             l.bias == back.bias && l.oph == back.oph && l.opw == back.opw,
                         "kv form '%s' of '%s' changes padding or bias", kv, s);
        }
        char bd[1024];
        if (nnb_spec_format_benchdnn(&l, bd, sizeof bd) == 0) {
            nnb_layer back;
            nnb_analytic ab;
            FUZZ_REQUIRE(nnb_spec_parse(bd, &back, err, sizeof err) == 0, "benchdnn form '%s' of '%s' refused: %s",
                         bd, s, err);
            same_layer(&l, &back, "benchdnn", bd);
            FUZZ_REQUIRE(nnb_model_analyze(&back, &ab, err, sizeof err) == 0 && ab.macs == a.macs,
                         "benchdnn form '%s' of '%s' changes the MACs", bd, s);
        }
    }
    free(s);
    return 0;
}
