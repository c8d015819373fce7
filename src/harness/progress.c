/* Progress on stderr (see progress.h). The time left is the elapsed time
 * scaled by the weight still to do: a step's weight is what the caller
 * expects its cost to be proportional to (FLOPs for counting under
 * valgrind, kernels x minimum time for timing). */
#include "harness/progress.h"

#include <string.h>
#include <unistd.h>

#include "util/clock.h"

enum { BAR_WIDTH = 24 };

double nnb_progress_eta_s(double elapsed_s, double work_done, double work_total, double s_per_work)
{
    double left = work_total - work_done;
    if (left <= 0) return 0;
    if (work_done > 0 && elapsed_s > 0) return elapsed_s / work_done * left;
    return s_per_work > 0 ? s_per_work * left : -1;
}

void nnb_progress_begin(nnb_progress *p, FILE *f, const char *what, size_t n, double work_total)
{
    memset(p, 0, sizeof *p);
    p->f = f;
    p->tty = isatty(fileno(f));
    p->what = what;
    p->n = n;
    p->unit_steps = !(work_total > 0);
    p->work_total = p->unit_steps ? (double)n : work_total;
    p->t0_s = nnb_now_s();
}

static void fmt_left(double s, char *buf, size_t len)
{
    if (s < 0) snprintf(buf, len, "time left unknown yet");
    else if (s < 90) snprintf(buf, len, "about %.0f s left", s < 1 ? 1.0 : s);
    else if (s < 5400) snprintf(buf, len, "about %.0f min left", s / 60);
    else snprintf(buf, len, "about %.1f h left", s / 3600);
}

void nnb_progress_step(nnb_progress *p, const char *label, double work)
{
    double now = nnb_now_s();
    p->i++;
    p->step_t0_s = now;
    p->step_work = p->unit_steps ? 1 : work;
    char left[48];
    fmt_left(nnb_progress_eta_s(now - p->t0_s, p->work_done, p->work_total, p->s_per_work), left, sizeof left);
    if (!p->tty) {
        fprintf(p->f, "nnbench: %s %zu/%zu %s (%s)\n", p->what, p->i, p->n, label ? label : "", left);
        return;
    }
    char bar[BAR_WIDTH + 1];
    size_t full = p->n ? (p->i - 1) * BAR_WIDTH / p->n : 0;
    for (size_t k = 0; k < BAR_WIDTH; k++) bar[k] = k < full ? '#' : '.';
    bar[BAR_WIDTH] = 0;
    fprintf(p->f, "\r[%s] %s %zu/%zu %-28.28s %-24s", bar, p->what, p->i, p->n, label ? label : "", left);
    fflush(p->f);
    p->drawn = true;
}

void nnb_progress_done(nnb_progress *p)
{
    p->work_done += p->step_work;
    p->step_work = 0;
}

void nnb_progress_end(nnb_progress *p)
{
    if (p->tty && p->drawn) fprintf(p->f, "\r%100s\r", "");
    fprintf(p->f, "nnbench: %zu %s%s in %.1f s\n", p->i, p->what, p->i == 1 ? "" : "s", nnb_now_s() - p->t0_s);
    fflush(p->f);
}
