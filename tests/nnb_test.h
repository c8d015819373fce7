/* Minimal assertion helpers for ctest executables: each failed check
 * prints file:line and the values, and the test exits 1 at the end. */
#ifndef NNB_TEST_H
#define NNB_TEST_H

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static int nnb_test_failures = 0;
static int nnb_test_checks = 0;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        nnb_test_checks++;                                                           \
        if (!(cond)) {                                                               \
            nnb_test_failures++;                                                     \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                            \
    } while (0)

#define CHECK_EQ_I64(a, b)                                                               \
    do {                                                                                 \
        int64_t va_ = (int64_t)(a), vb_ = (int64_t)(b);                                  \
        nnb_test_checks++;                                                               \
        if (va_ != vb_) {                                                                \
            nnb_test_failures++;                                                         \
            fprintf(stderr, "%s:%d: %s == %s failed: %" PRId64 " != %" PRId64 "\n",      \
                    __FILE__, __LINE__, #a, #b, va_, vb_);                               \
        }                                                                                \
    } while (0)

#define CHECK_NEAR(a, b, tol)                                                                  \
    do {                                                                                       \
        double va_ = (double)(a), vb_ = (double)(b), vt_ = (double)(tol);                      \
        nnb_test_checks++;                                                                     \
        if (!(fabs(va_ - vb_) <= vt_)) {                                                       \
            nnb_test_failures++;                                                               \
            fprintf(stderr, "%s:%d: |%s - %s| <= %s failed: %.17g vs %.17g\n", __FILE__,      \
                    __LINE__, #a, #b, #tol, va_, vb_);                                         \
        }                                                                                      \
    } while (0)

#define CHECK_STR(a, b)                                                                       \
    do {                                                                                      \
        const char *va_ = (a), *vb_ = (b);                                                    \
        nnb_test_checks++;                                                                    \
        if (strcmp(va_, vb_) != 0) {                                                          \
            nnb_test_failures++;                                                              \
            fprintf(stderr, "%s:%d: %s == %s failed: \"%s\" != \"%s\"\n", __FILE__, __LINE__, \
                    #a, #b, va_, vb_);                                                        \
        }                                                                                     \
    } while (0)

/* Runs one named test case; a case with failures names itself on stderr,
 * so main() reads as the list of cases. */
static inline void nnb_test_run(const char *name, void (*fn)(void))
{
    int before = nnb_test_failures;
    fn();
    if (nnb_test_failures != before) fprintf(stderr, "%s: %d failed\n", name, nnb_test_failures - before);
}
#define NNB_RUN(fn) nnb_test_run(#fn, fn)

/* Ends main(): prints a summary line and returns the exit code. */
static inline int nnb_test_done(const char *name)
{
    printf("%s: %d checks, %d failed\n", name, nnb_test_checks, nnb_test_failures);
    return nnb_test_failures ? 1 : 0;
}

#endif
