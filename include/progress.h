/* progress.h — what a command is doing, on stderr, while it does it.
 *
 * With progress on, each stage ends with one line giving its own time, the
 * time so far and the resident memory:
 *   goheapflame: read heap objects and pointers   0.31 s  (total 0.52 s)  rss 115 MiB (anon 80, file 35)
 * On a terminal the stage being run is shown while it runs ("reading heap
 * objects ...") and replaced by that line when it ends. The last line says
 * what was written: "goheapflame: wrote ref.svg (1.2 MiB) in 2.31 s".
 * Off, nothing is printed.
 */
#ifndef GHF_PROGRESS_H
#define GHF_PROGRESS_H

#include <stdbool.h>

typedef struct progress {
    bool on;         /* report on stderr */
    bool tty;        /* stderr is a terminal: show the running stage */
    bool pending;    /* a running-stage line is on screen, unfinished */
    double t0, tlast;
} progress;

void progress_init(progress *p, bool on);
/* The stage now starting ("reading heap objects"): shown on a terminal only. */
void progress_begin(progress *p, const char *doing);
/* The stage just finished ("read heap objects"), with its time. */
void progress_done(progress *p, const char *done);
/* The final line: path and its size on disk (nothing for "-", standard output). */
void progress_wrote(progress *p, const char *path);

#endif
