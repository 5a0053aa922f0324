/* progress.h — what a command is doing, on stderr, while it does it.
 *
 * With progress on, each stage ends with one line giving its own time, the
 * time so far, the resident memory and its peak so far:
 *   goheapflame: read heap objects and pointers   0.31 s  (total 0.52 s)  rss 115 MiB (anon 80, file 35, peak 131)
 * On a terminal the stage being run is shown while it runs ("reading heap
 * objects ...") and replaced by that line when it ends. Where its work is
 * countable, the stage says how far it is: on a terminal the running line
 * is rewritten ("reading heap objects ... spans 42%"), otherwise a plain
 * line is printed at most every PROGRESS_PLAIN_EVERY seconds of a long
 * stage ("goheapflame: reading heap objects: spans 42%"; GHF_PROGRESS_EVERY=S
 * in the environment sets that interval, 0 for every change of percentage). The last line says
 * what was written: "goheapflame: wrote ref.svg (1.2 MiB) in 2.31 s".
 * Off, nothing is printed.
 */
#ifndef GHF_PROGRESS_H
#define GHF_PROGRESS_H

#include <stdbool.h>

#include <stdint.h>

#define PROGRESS_PLAIN_EVERY 2.0 /* seconds between plain percentage lines */

typedef struct progress {
    bool on;         /* report on stderr */
    bool tty;        /* stderr is a terminal: show the running stage */
    bool pending;    /* a running-stage line is on screen, unfinished */
    double t0, tlast;
    const char *doing; /* the running stage, for progress_tick */
    int pct;           /* the percentage last shown, -1 none */
    double tshown;     /* when a plain percentage line was last printed */
    double every;      /* seconds between plain percentage lines */
} progress;

void progress_init(progress *p, bool on);
/* The stage now starting ("reading heap objects"): shown on a terminal only. */
void progress_begin(progress *p, const char *doing);
/* How far the running stage's countable work is: `what` (a literal:
 * "spans", "objects", "pointers", "objects typed") done of total. Cheap
 * when nothing changes (callers may call it every few thousand items), a
 * no-op when progress is off or no stage runs. Not thread-safe: call it
 * from one thread (a parallel loop: its first share's thread). */
void progress_tick(const char *what, uint64_t done, uint64_t total);

/* The stage just finished ("read heap objects"), with its time. */
void progress_done(progress *p, const char *done);
/* No stage runs any more (the owner is going away): ticks are ignored. */
void progress_stop(progress *p);
/* The final line: path and its size on disk (nothing for "-", standard output). */
void progress_wrote(progress *p, const char *path);

#endif
