/* What a process leaves behind if it dies: temporary files and directories
 * still on disk and child processes still running. Every writer registers
 * them here, so that one async-signal-safe call (from the signal handler of
 * util/signals.h) kills the children and removes the temporaries before
 * the process ends at once. */
#ifndef NNBENCH_UTIL_TEMPS_H
#define NNBENCH_UTIL_TEMPS_H

#include <stdbool.h>
#include <sys/types.h>

/* A temporary path (a file, or a directory that holds only tracked files),
 * removed by nnb_temps_remove_all until untracked. Removal runs newest
 * first: track a directory before the files made in it. A path past the
 * table's 64 slots is not tracked. */
void nnb_temps_track(const char *path);
void nnb_temps_untrack(const char *path);
/* A running child process (at most 8), killed (SIGKILL) by
 * nnb_temps_remove_all before the paths go, so that it cannot write them
 * again; running false forgets it once it was waited for. */
void nnb_temps_child(pid_t pid, bool running);
/* Async-signal-safe: kills the tracked children, then removes every tracked
 * path, newest first (a directory's files before the directory). */
void nnb_temps_remove_all(void);

#endif
