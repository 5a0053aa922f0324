/* progress.c — stage lines on stderr (progress.h). */
#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "render.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Resident memory in MiB from /proc/self/status: anonymous (our arrays),
 * file-backed (the mmapped core and executable), and the peak of their sum
 * so far (VmHWM): a stage whose line raises the peak is where it was. */
static void rss_mib(double *anon, double *file, double *peak)
{
    *anon = *file = *peak = 0;
    FILE *fp = fopen("/proc/self/status", "r");
    if (fp == NULL)
        return;
    char line[256];
    unsigned long kb;
    while (fgets(line, sizeof line, fp)) {
        if (sscanf(line, "RssAnon: %lu", &kb) == 1)
            *anon = kb / 1024.0;
        else if (sscanf(line, "RssFile: %lu", &kb) == 1)
            *file = kb / 1024.0;
        else if (sscanf(line, "VmHWM: %lu", &kb) == 1)
            *peak = kb / 1024.0;
    }
    fclose(fp);
}

/* The progress whose stage is running, for progress_tick: stages are begun
 * and ended by the main thread, one at a time. */
static progress *active;

void progress_init(progress *p, bool on)
{
    if (active == p)
        active = NULL;
    memset(p, 0, sizeof *p);
    p->pct = -1;
    p->on = on;
    p->tty = on && isatty(STDERR_FILENO);
    p->t0 = p->tlast = now();
    p->every = PROGRESS_PLAIN_EVERY;
    const char *every = getenv("GHF_PROGRESS_EVERY");
    char *end;
    double e = every ? strtod(every, &end) : -1;
    if (every && end != every && *end == '\0' && e >= 0 && e <= 3600)
        p->every = e;
}

/* Take the unfinished running-stage line off the terminal. */
static void clear_pending(progress *p)
{
    if (p->pending)
        fputs("\r\033[K", stderr);
    p->pending = false;
}

void progress_begin(progress *p, const char *doing)
{
    p->doing = doing;
    p->pct = -1;
    p->tshown = now();
    active = p->on ? p : NULL;
    if (!p->tty)
        return;
    clear_pending(p);
    fprintf(stderr, "goheapflame: %s ...", doing);
    fflush(stderr);
    p->pending = true;
}

void progress_tick(const char *what, uint64_t done, uint64_t total)
{
    progress *p = active;
    if (p == NULL || p->doing == NULL || total == 0)
        return;
    int pct = done >= total ? 100 : (int)(done * 100 / total);
    if (pct == p->pct)
        return;
    p->pct = pct;
    if (p->tty) { /* rewrite the running line */
        fprintf(stderr, "\r\033[Kgoheapflame: %s ... %s %d%%", p->doing, what, pct);
        fflush(stderr);
        p->pending = true;
        return;
    }
    double t = now();
    if (t - p->tshown < p->every)
        return;
    fprintf(stderr, "goheapflame: %s: %s %d%%\n", p->doing, what, pct);
    p->tshown = t;
}

void progress_done(progress *p, const char *done)
{
    if (active == p)
        active = NULL;
    if (!p->on)
        return;
    clear_pending(p);
    double t = now(), anon, file, peak;
    rss_mib(&anon, &file, &peak);
    fprintf(stderr, "goheapflame: %-34s %6.2f s  (total %6.2f s)  rss %5.0f MiB (anon %.0f, file %.0f, peak %.0f)\n",
            done, t - p->tlast, t - p->t0, anon + file, anon, file, peak);
    p->tlast = t;
}

void progress_stop(progress *p)
{
    if (active == p)
        active = NULL;
    clear_pending(p);
}

void progress_wrote(progress *p, const char *path)
{
    if (active == p)
        active = NULL;
    if (!p->on || strcmp(path, "-") == 0)
        return;
    clear_pending(p);
    struct stat st;
    char size[32] = "?";
    if (stat(path, &st) == 0)
        render_human_bytes((uint64_t)st.st_size, size, sizeof size);
    fprintf(stderr, "goheapflame: wrote %s (%s) in %.2f s\n", path, size, now() - p->t0);
}
