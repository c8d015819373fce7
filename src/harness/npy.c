/* .npy writer and reader (NumPy format 1.0): magic, version, a little-endian
 * uint16 header length, a Python dict literal padded with spaces to a
 * 64-byte boundary and ended by '\n', then the raw little-endian float32s.
 * Written through util/atomic_file: whole or not at all. */
#include "harness/npy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/atomic_file.h"

static int fail(char *err, size_t len, const char *what, const char *path)
{
    if (err && len) snprintf(err, len, "%s: %s%s%s", path, what, errno ? ": " : "", errno ? strerror(errno) : "");
    return -1;
}

static int is_little_endian(void)
{
    const uint16_t one = 1;
    return *(const uint8_t *)&one == 1;
}

int nnb_npy_write(const char *path, const float *data, const int64_t *shape, int ndim, char *err,
                  size_t errlen)
{
    errno = 0;
    if (ndim < 0 || ndim > NNB_NPY_MAX_DIMS) return fail(err, errlen, "bad number of dimensions", path);
    if (!is_little_endian()) return fail(err, errlen, "big-endian hosts are not supported", path);
    char dict[512];
    int n = snprintf(dict, sizeof dict, "{'descr': '<f4', 'fortran_order': False, 'shape': (");
    uint64_t count = 1;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] < 0) return fail(err, errlen, "negative dimension", path);
        n += snprintf(dict + n, sizeof dict - (size_t)n, "%lld,%s", (long long)shape[i],
                      i + 1 < ndim ? " " : "");
        if (shape[i] && count > SIZE_MAX / sizeof(float) / (uint64_t)shape[i])
            return fail(err, errlen, "array too large", path);
        count *= (uint64_t)shape[i];
    }
    if (ndim > 1) n--; /* "(2, 3,)" -> "(2, 3)"; a 1-d shape keeps its comma: "(5,)" */
    n += snprintf(dict + n, sizeof dict - (size_t)n, "), }");
    /* total header (10 fixed bytes + dict + padding + '\n') is a multiple of 64 */
    size_t total = 10 + (size_t)n + 1, padded = (total + 63) / 64 * 64;
    char header[640];
    memcpy(header, "\x93NUMPY\x01\x00", 8);
    size_t hlen = padded - 10;
    header[8] = (char)(hlen & 0xff);
    header[9] = (char)(hlen >> 8);
    memcpy(header + 10, dict, (size_t)n);
    memset(header + 10 + n, ' ', padded - total);
    header[padded - 1] = '\n';

    nnb_atomic_file af;
    FILE *f = nnb_atomic_open(&af, path, err, errlen);
    if (!f) return -1;
    bool ok = fwrite(header, 1, padded, f) == padded;
    if (ok && count) ok = fwrite(data, sizeof(float), (size_t)count, f) == count;
    if (!ok) {
        int e = errno;
        nnb_atomic_abort(&af);
        errno = e;
        return fail(err, errlen, "write failed", path);
    }
    return nnb_atomic_commit(&af, err, errlen);
}

int nnb_npy_read(const char *path, float **data, int64_t *shape, int *ndim, char *err, size_t errlen)
{
    errno = 0;
    *data = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) return fail(err, errlen, "cannot open", path);
    unsigned char pre[10];
    char dict[65536];
    if (fread(pre, 1, 10, f) != 10 || memcmp(pre, "\x93NUMPY", 6) != 0 || pre[6] != 1) {
        fclose(f);
        errno = 0;
        return fail(err, errlen, "not a version 1 .npy file", path);
    }
    size_t hlen = (size_t)pre[8] | (size_t)pre[9] << 8;
    if (fread(dict, 1, hlen, f) != hlen) {
        fclose(f);
        errno = 0;
        return fail(err, errlen, "truncated header", path);
    }
    dict[hlen] = '\0';
    errno = 0;
    if (!strstr(dict, "'descr': '<f4'") || !strstr(dict, "'fortran_order': False")) {
        fclose(f);
        return fail(err, errlen, "not little-endian float32 in C order", path);
    }
    const char *s = strstr(dict, "'shape': (");
    if (!s) {
        fclose(f);
        return fail(err, errlen, "no shape in header", path);
    }
    s += strlen("'shape': (");
    int nd = 0;
    uint64_t count = 1;
    while (*s && *s != ')') {
        char *end;
        long long v = strtoll(s, &end, 10);
        if (end == s || v < 0 || nd == NNB_NPY_MAX_DIMS) {
            fclose(f);
            return fail(err, errlen, "bad shape in header", path);
        }
        shape[nd++] = v;
        if (v && count > SIZE_MAX / sizeof(float) / (uint64_t)v) {
            fclose(f);
            return fail(err, errlen, "array too large", path);
        }
        count *= (uint64_t)v;
        s = end;
        while (*s == ',' || *s == ' ') s++;
    }
    *ndim = nd;
    float *buf = malloc(count ? (size_t)count * sizeof(float) : 1);
    if (!buf || fread(buf, sizeof(float), (size_t)count, f) != count) {
        free(buf);
        fclose(f);
        errno = 0;
        return fail(err, errlen, "short data", path);
    }
    fclose(f);
    *data = buf;
    return 0;
}
