/* NumPy .npy files (format 1.0, little-endian float32, C order), so every
 * tensor of a run can be checked in Python: numpy.load(path). */
#ifndef NNBENCH_NPY_H
#define NNBENCH_NPY_H

#include <stddef.h>
#include <stdint.h>

#define NNB_NPY_MAX_DIMS 8

/* Writes data (prod(shape) floats) with the given shape (ndim 0..8). The file
 * appears whole or not at all: it is written to a temporary file in the same
 * directory and renamed over path. Returns 0, or -1 with one line in err. */
int nnb_npy_write(const char *path, const float *data, const int64_t *shape, int ndim, char *err,
                  size_t errlen);

/* Reads a float32 C-order .npy (as written above, or by numpy). On success
 * *data is malloc'ed (free() it), shape[0..*ndim) is set. -1 with err on a
 * missing file, a bad header, another dtype, Fortran order or short data. */
int nnb_npy_read(const char *path, float **data, int64_t *shape, int *ndim, char *err, size_t errlen);

#endif
