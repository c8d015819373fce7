/* Whole-or-nothing files of the roofline stage (the ceilings cache, the
 * picture and its data), written through util/atomic_file. */
#ifndef NNBENCH_ROOFLINE_FILE_H
#define NNBENCH_ROOFLINE_FILE_H

#include <stddef.h>
#include <stdio.h>

/* Writes path through fill(f, ctx): whole, or not at all. 0, or -1 with
 * "roofline: PATH: cannot write: reason" in err. */
int nnb_roof_write_file(const char *path, void (*fill)(FILE *f, const void *ctx), const void *ctx, char *err,
                        size_t errlen);

#endif
