/* Code generated at run time (oneDNN's JIT kernels) for the valgrind
 * backend: callgrind records its addresses but no object file holds its
 * bytes, so the counted child copies its anonymous executable mappings to a
 * file after the counted run and the parent decodes from that copy. */
#ifndef NNBENCH_COUNTERS_JIT_CODE_H
#define NNBENCH_COUNTERS_JIT_CODE_H

#include <stddef.h>
#include <stdint.h>

/* Child: writes every anonymous, readable, executable mapping of this
 * process up to 8 MiB each (at most 256 MiB in all) to path as {u64 start, u64 bytes, code}
 * records. 0, or -1 when the file cannot be written. */
int nnb_jit_code_dump(const char *path);

typedef struct nnb_jit_code {
    unsigned char *data; /* the file, read whole */
    size_t size;
} nnb_jit_code;

/* Parent: reads the file (a missing file is an empty set). */
void nnb_jit_code_load(nnb_jit_code *j, const char *path);
void nnb_jit_code_free(nnb_jit_code *j);

/* The bytes at run-time address addr (at most 15, an x86 instruction's
 * limit), or NULL where no dumped mapping holds it. */
const unsigned char *nnb_jit_code_at(const nnb_jit_code *j, uint64_t addr, size_t *avail);

#endif
