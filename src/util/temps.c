#include "util/temps.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"

/* A signal handler may only unlink, rmdir and kill: it must not walk freed
 * memory, so the tables are static and a slot is published with a
 * volatile flag after its text is written. */
#define TEMPS_MAX 64
static char g_path[TEMPS_MAX][4200];
static volatile sig_atomic_t g_used[TEMPS_MAX];
static volatile sig_atomic_t g_order[TEMPS_MAX]; /* registration order, for newest first */
static volatile sig_atomic_t g_next = 1;
#define CHILDREN_MAX 8
static volatile pid_t g_child[CHILDREN_MAX];

void nnb_temps_track(const char *path)
{
    for (int i = 0; i < TEMPS_MAX; i++)
        if (!g_used[i]) {
            nnb_copy_str(g_path[i], sizeof g_path[i], path);
            g_order[i] = g_next++;
            g_used[i] = 1;
            return;
        }
}

void nnb_temps_untrack(const char *path)
{
    for (int i = 0; i < TEMPS_MAX; i++)
        if (g_used[i] && strcmp(g_path[i], path) == 0) {
            g_used[i] = 0;
            return;
        }
}

void nnb_temps_child(pid_t pid, bool running)
{
    for (int i = 0; i < CHILDREN_MAX; i++)
        if (running ? g_child[i] == 0 : g_child[i] == pid) {
            g_child[i] = running ? pid : 0;
            return;
        }
}

void nnb_temps_remove_all(void)
{
    for (int i = 0; i < CHILDREN_MAX; i++)
        if (g_child[i] > 0) kill(g_child[i], SIGKILL);
    for (;;) { /* newest first: a directory's files go before it */
        int newest = -1;
        for (int i = 0; i < TEMPS_MAX; i++)
            if (g_used[i] && (newest < 0 || g_order[i] > g_order[newest])) newest = i;
        if (newest < 0) return;
        if (unlink(g_path[newest]) != 0) rmdir(g_path[newest]);
        g_used[newest] = 0;
    }
}
