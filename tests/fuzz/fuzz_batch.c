/* Fuzz target: a benchdnn batch file. The input is written to an anonymous
 * in-memory file and read through its /proc/self/fd path, the way a user's
 * file is read. Properties: no crash, hang or undefined behaviour; every
 * layer handed to the callback is finalized and its model does not
 * overflow. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_target.h"
#include "nnbench/model.h"
#include "spec/spec.h"

static int each_layer(const nnb_layer *l, const char *line, void *ctx)
{
    (void)ctx;
    nnb_analytic a;
    char err[512];
    FUZZ_REQUIRE(nnb_model_analyze(l, &a, err, sizeof err) == 0, "batch line '%s' read but the model refused: %s",
                 line, err);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536) return 0;
    int fd = memfd_create("nnb_fuzz_batch", 0);
    if (fd < 0) return 0;
    if (write(fd, data, size) == (ssize_t)size) {
        char path[64], err[1024];
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        nnb_batch_sink sink = {.layer = each_layer};
        (void)nnb_spec_read_batch(path, NULL, &sink, err, sizeof err);
    }
    close(fd);
    return 0;
}
