/* Files written whole or not at all: every file nnbench writes goes to a
 * temporary file in the same directory and is renamed over the target only
 * when it was written completely (rename is atomic within a file system).
 * Open temporary files are tracked (util/temps.h) so that a signal handler
 * can remove them before the process dies. */
#ifndef NNBENCH_UTIL_ATOMIC_FILE_H
#define NNBENCH_UTIL_ATOMIC_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct nnb_atomic_file {
    FILE *f;
    char path[4096];
    char tmp[4200];
} nnb_atomic_file;

/* Opens a temporary file beside path. Returns af->f, or NULL with one line
 * in err ("PATH: cannot write: reason"). */
FILE *nnb_atomic_open(nnb_atomic_file *af, const char *path, char *err, size_t len);
/* Flushes, syncs, closes and renames onto the target. 0, or -1 with one
 * line in err (full disk, unwritable directory); the target is then left as
 * it was and the temporary file is removed. */
int nnb_atomic_commit(nnb_atomic_file *af, char *err, size_t len);
/* Closes and removes the temporary file; the target is left as it was. */
void nnb_atomic_abort(nnb_atomic_file *af);

#endif
