#include "util/signals.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/temps.h"

static volatile sig_atomic_t g_stop, g_at_once;

static void on_stop(int sig)
{
    if (g_stop || g_at_once) { /* a second signal, or no graceful stop: now */
        nnb_temps_remove_all();
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    g_stop = sig;
    static const char msg[] = "\nnnbench: stopping after the current kernel (signal again to stop now)\n";
    ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)w;
}

void nnb_signals_install(bool graceful)
{
    g_at_once = !graceful;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int nnb_stop_signal(void) { return g_stop; }

const char *nnb_signal_name(int sig)
{
    return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "signal";
}

int nnb_stopped(const char *who, const char *fmt, ...)
{
    int sig = g_stop;
    fflush(stdout);
    fprintf(stderr, "%s: stopped by %s after ", who, nnb_signal_name(sig));
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return NNB_EXIT_SIGNAL_BASE + sig;
}
