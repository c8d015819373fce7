#include "roofline/file.h"

#include "util/atomic_file.h"
#include "util/util.h"

int nnb_roof_write_file(const char *path, void (*fill)(FILE *f, const void *ctx), const void *ctx, char *err,
                        size_t errlen)
{
    nnb_atomic_file af;
    char why[512];
    FILE *f = nnb_atomic_open(&af, path, why, sizeof why);
    if (f) {
        fill(f, ctx);
        if (nnb_atomic_commit(&af, why, sizeof why) == 0) return 0;
    }
    return nnb_errf(err, errlen, "roofline: %s", why);
}
