/* SIGINT / SIGTERM stop every long-running mode cleanly, all through this
 * one flag. The first signal only sets it (async-signal-safe); every loop
 * of a long-running mode (the layers of --layer/--batch/--sweep/--model,
 * the kernels of a layer, validate's layers and counts, the steps of a
 * ceilings measurement) polls nnb_stop_signal between kernels, reports the
 * records already complete, removes its temporary files, writes one closing
 * line (nnb_stopped) and exits with 128 + the signal number (130 for
 * SIGINT, 143 for SIGTERM), as shells do. A second signal kills the
 * children and removes the temporaries still tracked (util/temps.h), then
 * ends the process at once with the default action, so a kernel that runs
 * for minutes can still be stopped. */
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
/* The closing line of a stopped mode on stderr, "WHO: stopped by SIGINT
 * after " + the printf text (what was done and reported), after stdout is
 * flushed; returns the exit code (128 + the signal). */
int nnb_stopped(const char *who, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
