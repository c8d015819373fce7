/* Shared by the tests that count under valgrind: whether they can, here. */
#ifndef NNB_VALGRIND_TEST_H
#define NNB_VALGRIND_TEST_H

#include <stdlib.h>

#include "counters/counters.h"
#include "nnbench/model.h"
#include "nnb_test.h"
#include "spec/spec.h"

/* spec -> a finalized layer and its model; a failure counts and returns -1 */
static inline int nnb_test_layer(const char *spec, nnb_layer *l, nnb_analytic *a)
{
    char err[256];
    if (nnb_spec_parse(spec, l, err, sizeof err) != 0 || nnb_model_analyze(l, a, err, sizeof err) != 0) {
        fprintf(stderr, "%s: %s\n", spec, err);
        nnb_test_failures++;
        return -1;
    }
    return 0;
}

/* true when the valgrind backend can count, with NNB_COUNT_EXE naming the
 * nnbench CLI (the child it runs; this test binary would run the tests
 * again); else prints why `what` is skipped (valgrind missing, an ASan
 * build) or fails (no CLI named: ctest sets NNBENCH) and returns false */
static inline bool nnb_test_valgrind_ready(const char *what)
{
    char why[256];
    if (nnb_counter_valgrind.probe(NULL, why, sizeof why) != 0) {
        printf("%s: skipped (%s)\n", what, why);
        return false;
    }
    const char *exe = getenv("NNB_COUNT_EXE");
#if defined(__SANITIZE_ADDRESS__)
    if (!exe || !*exe) {
        printf("%s: skipped (AddressSanitizer build; set NNB_COUNT_EXE to a non-sanitized nnbench)\n", what);
        return false;
    }
#endif
    if (!exe || !*exe) {
        const char *cli = getenv("NNBENCH");
        if (!cli || !*cli) {
            fprintf(stderr, "%s: neither NNB_COUNT_EXE nor NNBENCH is set\n", what);
            nnb_test_failures++;
            return false;
        }
        setenv("NNB_COUNT_EXE", cli, 1);
    }
    return true;
}

#endif
