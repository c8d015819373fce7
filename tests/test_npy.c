/* .npy round trip: header bytes as numpy writes them, contents, shapes of
 * 0..4 dimensions, refusals, and that a failed write leaves nothing behind. */
#include "harness/npy.h"
#include "nnb_test.h"

#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (e->d_name[0] != '.') n++;
    if (d) closedir(d);
    return n;
}

int main(void)
{
    char dir[] = "/tmp/nnb_npy_XXXXXX", path[256], err[512];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/a.npy", dir);

    /* the exact bytes numpy.save writes for np.zeros((2,3,4), np.float32) header */
    int64_t shape[4] = {2, 3, 4, 5};
    float data[120];
    for (int i = 0; i < 120; i++) data[i] = (float)i * 0.5f - 7.0f;
    CHECK(nnb_npy_write(path, data, shape, 3, err, sizeof err) == 0);
    FILE *f = fopen(path, "rb");
    char head[128] = {0};
    CHECK(f && fread(head, 1, 128, f) == 128);
    if (f) fclose(f);
    const char *expect = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3, 4), }";
    CHECK(memcmp(head, "\x93NUMPY\x01\x00", 8) == 0);
    CHECK_EQ_I64((unsigned char)head[8] | (unsigned char)head[9] << 8, 118);
    CHECK(memcmp(head + 10, expect, strlen(expect)) == 0);
    CHECK(head[127] == '\n');
    struct stat st;
    CHECK(stat(path, &st) == 0 && st.st_size == 128 + 24 * 4);

    for (int nd = 0; nd <= 4; nd++) {
        CHECK(nnb_npy_write(path, data, shape, nd, err, sizeof err) == 0);
        float *back = NULL;
        int64_t bs[8];
        int bnd = -1;
        CHECK(nnb_npy_read(path, &back, bs, &bnd, err, sizeof err) == 0);
        CHECK_EQ_I64(bnd, nd);
        int64_t cnt = 1;
        for (int i = 0; i < nd && i < bnd; i++) {
            CHECK_EQ_I64(bs[i], shape[i]);
            cnt *= shape[i];
        }
        CHECK(back && memcmp(back, data, (size_t)cnt * sizeof(float)) == 0);
        free(back);
        /* header always padded to 64 bytes */
        CHECK(stat(path, &st) == 0 && (st.st_size - cnt * 4) % 64 == 0);
    }
    /* 1-d shape keeps the tuple comma: "(5,)" */
    int64_t s1 = 5;
    CHECK(nnb_npy_write(path, data, &s1, 1, err, sizeof err) == 0);
    f = fopen(path, "rb");
    memset(head, 0, sizeof head);
    CHECK(f && fread(head, 1, 127, f) == 127); /* header is 128 bytes */
    if (f) fclose(f);
    CHECK(strstr(head + 10, "'shape': (5,), }") != NULL);

    /* refusals: missing file, bad dims, unwritable directory (nothing left behind) */
    float *p = NULL;
    int64_t bs[8];
    int bnd;
    char missing[300];
    snprintf(missing, sizeof missing, "%s/missing.npy", dir);
    CHECK(nnb_npy_read(missing, &p, bs, &bnd, err, sizeof err) == -1 && p == NULL);
    CHECK(strstr(err, "missing.npy") != NULL);
    CHECK(nnb_npy_write(path, data, shape, 9, err, sizeof err) == -1);
    char sub[300];
    snprintf(sub, sizeof sub, "%s/nodir/x.npy", dir);
    CHECK(nnb_npy_write(sub, data, shape, 2, err, sizeof err) == -1);
    CHECK_EQ_I64(count_entries(dir), 1); /* only a.npy: no temporary files */
    /* not a float32 file */
    f = fopen(missing, "wb");
    if (f) {
        fputs("\x93NUMPY\x01\x00\x36\x00{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }  \n", f);
        fclose(f);
    }
    CHECK(nnb_npy_read(missing, &p, bs, &bnd, err, sizeof err) == -1);

    unlink(missing);
    unlink(path);
    rmdir(dir);
    return nnb_test_done("test_npy");
}
