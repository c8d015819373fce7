/* Option and environment values, read exactly or refused: every helper
 * returns 0 with the value, or -1 with one line in err naming the bad part
 * (the caller prints it and exits 2). */
#ifndef NNBENCH_CMD_OPTIONS_H
#define NNBENCH_CMD_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A decimal integer in lo..hi: no sign games, blanks, suffix or overflow. */
int nnb_opt_int(const char *what, const char *s, long lo, long hi, long *out, char *err, size_t len);
/* A finite decimal number of seconds in lo..hi ("nan", "inf", hex refused). */
int nnb_opt_seconds(const char *what, const char *s, double lo, double hi, double *out, char *err, size_t len);
/* A byte count: digits with an optional binary suffix K, M, G, T (also KiB,
 * MiB, GiB, TiB, and B for bytes); > 0 and at most 2^60. */
int nnb_opt_bytes(const char *what, const char *s, int64_t *out, char *err, size_t len);
/* A file or directory name given as an option value: non-empty, shorter
 * than 4000 bytes, no control characters. */
int nnb_opt_path(const char *what, const char *s, char *err, size_t len);

/* A thread count the process's cpuset can hold: at most one thread per
 * allowed PU (machine/topo.h: one per core first). `what` names where the
 * count came from ("--threads ", "OMP_NUM_THREADS="). 0, or -1 with one line
 * naming the set. */
int nnb_opt_threads_fit(const char *what, int threads, char *err, size_t len);

/* Whether s ends in suffix (a file name's extension). */
bool nnb_opt_ends_with(const char *s, const char *suffix);

struct nnb_options;
/* Sets the run command's option `name` (its long name, without "--") from
 * its value v, or refuses v: 0, or -1 with one line in err. A layer
 * source (--layer, --batch, --model) given twice is refused too. */
int nnb_cli_option_value(struct nnb_options *o, const char *name, const char *v, char *err, size_t len);

/* The environment variables nnbench (and the OpenMP / OpenBLAS libraries it
 * runs) read: NNB_KERNEL_ISA, NNB_VALGRIND_BUDGET, OMP_NUM_THREADS,
 * OPENBLAS_NUM_THREADS, GOTO_NUM_THREADS, OMP_THREAD_LIMIT. Unset is fine;
 * a value nnbench cannot read exactly is refused (0, or -1 with one line). */
int nnb_env_check(char *err, size_t len);

#endif
