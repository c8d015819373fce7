/* SIGINT / SIGTERM stop a run cleanly. The first signal only sets a flag
 * (async-signal-safe); the run polls it between kernels and layers, reports
 * the records already complete, removes its temporary files and exits with
 * 128 + the signal number (130 for SIGINT, 143 for SIGTERM), as shells do.
 * A second signal removes the temporary files still open
 * (nnb_atomic_remove_all) and ends the process at once with the default
 * action, so a kernel that runs for minutes can still be stopped. */
#ifndef NNBENCH_UTIL_SIGNALS_H
#define NNBENCH_UTIL_SIGNALS_H

#include <stdbool.h>

/* A stopped run exits with this + the signal number. */
#define NNB_EXIT_SIGNAL_BASE 128

/* Installs the handlers for SIGINT and SIGTERM (SA_RESTART: system calls in
 * progress go on). Call once, before anything long starts. graceful: the
 * first signal sets the flag (the caller polls nnb_stop_signal); else every
 * signal removes the temporary files and ends the process at once (for
 * commands with nothing to report early, e.g. a ceilings measurement). */
void nnb_signals_install(bool graceful);
/* 0, or the number of the first stop signal received. */
int nnb_stop_signal(void);
/* "SIGINT", "SIGTERM" or "signal" */
const char *nnb_signal_name(int sig);

#endif
