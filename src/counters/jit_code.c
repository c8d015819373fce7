/* Run-time generated code, copied out of the counted child (jit_code.h). */
#include "counters/jit_code.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JIT_DUMP_MAX_BYTES ((uint64_t)256 << 20)
/* JIT engines map code in small pieces; under valgrind its own translation
 * cache is anonymous rwx too, in pieces of 16 MiB and more, left out */
#define JIT_MAPPING_MAX_BYTES ((uint64_t)8 << 20)

int nnb_jit_code_dump(const char *path)
{
    FILE *maps = fopen("/proc/self/maps", "r");
    if (!maps) return -1;
    FILE *out = fopen(path, "wb");
    if (!out) {
        fclose(maps);
        return -1;
    }
    char line[4352];
    uint64_t total = 0;
    int rc = 0;
    while (fgets(line, sizeof line, maps)) {
        unsigned long long s, e;
        char perms[8];
        int pos = 0;
        if (sscanf(line, "%llx-%llx %7s %*s %*s %*s%n", &s, &e, perms, &pos) < 3) continue;
        const char *name = line + pos;
        while (*name == ' ') name++;
        /* generated code: readable, executable, no file (oneDNN's is rwx) */
        if (perms[2] != 'x' || perms[0] != 'r') continue;
        if (*name && *name != '\n' && strncmp(name, "[anon", 5) != 0) continue;
        uint64_t hdr[2] = {s, e - s};
        if (e <= s || hdr[1] > JIT_MAPPING_MAX_BYTES || total + hdr[1] > JIT_DUMP_MAX_BYTES) continue;
        total += hdr[1];
        if (fwrite(hdr, sizeof hdr, 1, out) != 1 || fwrite((const void *)(uintptr_t)s, 1, hdr[1], out) != hdr[1])
            rc = -1;
    }
    fclose(maps);
    if (fclose(out) != 0) rc = -1;
    return rc;
}

void nnb_jit_code_load(nnb_jit_code *j, const char *path)
{
    memset(j, 0, sizeof *j);
    FILE *f = fopen(path, "rb");
    if (!f) return;
    if (fseek(f, 0, SEEK_END) == 0) {
        long n = ftell(f);
        if (n > 0 && fseek(f, 0, SEEK_SET) == 0 && (j->data = malloc((size_t)n)) != NULL) {
            j->size = fread(j->data, 1, (size_t)n, f);
        }
    }
    fclose(f);
}

void nnb_jit_code_free(nnb_jit_code *j)
{
    free(j->data);
    memset(j, 0, sizeof *j);
}

const unsigned char *nnb_jit_code_at(const nnb_jit_code *j, uint64_t addr, size_t *avail)
{
    size_t off = 0;
    while (j->data && off + 16 <= j->size) {
        uint64_t hdr[2];
        memcpy(hdr, j->data + off, sizeof hdr);
        off += sizeof hdr;
        if (hdr[1] > j->size - off) return NULL; /* truncated file */
        if (addr >= hdr[0] && addr - hdr[0] < hdr[1]) {
            uint64_t left = hdr[1] - (addr - hdr[0]);
            *avail = left < 15 ? (size_t)left : 15;
            return j->data + off + (addr - hdr[0]);
        }
        off += (size_t)hdr[1];
    }
    return NULL;
}
