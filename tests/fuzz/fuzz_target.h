/* libFuzzer entry point shared by the fuzz targets and their replay driver
 * (replay.c), which runs the committed corpus under ctest without libFuzzer. */
#ifndef NNB_FUZZ_TARGET_H
#define NNB_FUZZ_TARGET_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A property the target checks failed: print and abort, so the fuzzer
 * keeps the input and the replay test fails. */
#define FUZZ_REQUIRE(cond, ...)                                                                              \
    do {                                                                                                     \
        if (!(cond)) {                                                                                       \
            fprintf(stderr, "fuzz property failed: %s: ", #cond);                                            \
            fprintf(stderr, __VA_ARGS__);                                                                    \
            fputc('\n', stderr);                                                                             \
            abort();                                                                                         \
        }                                                                                                    \
    } while (0)

#endif
