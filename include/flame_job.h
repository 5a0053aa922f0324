/* flame_job.h — the flame pipeline shared by `goheapflame flame` and
 * `goheapflame diff`: their options, and one core turned into the frame
 * tree (session -> heap -> roots -> types -> graph -> retention -> frames).
 */
#ifndef GHF_FLAME_JOB_H
#define GHF_FLAME_JOB_H

#include <stdio.h>
#include "cli.h"
#include "domtree.h"
#include "frames.h"
#include "render.h"
#include "roots.h"
#include "session.h"

enum out_format { FMT_NONE, FMT_SVG, FMT_PNG, FMT_FOLDED, FMT_STAP, FMT_PPROF, FMT_JSON };

typedef struct flame_args {
    cli_source src;          /* flame: CORE EXE or --pid; diff: NEW.core EXE */
    const char *output, *focus, *title;
    const char *pivot;       /* flame --pivot REGEX: the inverted tree (frames_build_pivot) */
    enum out_format format;
    enum dom_mode tree;
    roots_opts roots;
    frames_opts frames;
    render_opts render;
    bool force, progress;
    bool diff;               /* parsed as `diff`: */
    const char *old_core;    /*   OLD.core */
    const char *old_exe;     /*   --old-exe: OLD's executable (default: EXE) */
    unsigned top;            /*   --top N rows of the growth table (default 20; 0: none) */
    bool json;               /*   --json: the table as JSON */
} flame_args;

/* Parse flame's (diff = false) or diff's (diff = true) command line.
 * Returns -1 to go on, or an exit code (help printed, or a usage error
 * reported on stderr). */
int flame_parse(int argc, char **argv, flame_args *a, bool diff);

/* What a picture's subtitle says about one core. */
typedef struct flame_summary {
    char go_version[64];
    uint64_t reachable;      /* bytes the retention tree holds */
    uint64_t unreachable;    /* the heap's allocated bytes that nothing reaches */
    uint32_t objects;        /* reachable objects */
} flame_summary;

/* Open the core of src and build its frame tree into *w (initialised here;
 * the caller frees it). *s stays open (the caller closes it, also on
 * failure); partial-result warnings are the caller's to print. */
bool flame_build(const flame_args *a, const cli_source *src, session *s, wtree *w, flame_summary *sum,
                 ghf_err *err);

/* Every active filter (--pivot, --focus, --max-depth, --min-bytes), named,
 * for a subtitle; with --focus also the share shown (shown of total bytes);
 * with --pivot the objects it matched (shown_objects), their bytes and share. */
void flame_filters_subtitle(const flame_args *a, uint64_t shown, uint64_t shown_objects, uint64_t total, char *out,
                            size_t cap);

/* When src's heap was taken, "2026-12-06 02:37:26 UTC": the core file's
 * time (the kernel and gcore write it at dump time; a copy that kept its
 * time says the same), or now for a live process (--pid). False when the
 * core cannot be stat'ed. */
bool flame_core_time(const cli_source *src, char *out, size_t cap);

/* The file name without its directory. */
const char *flame_basename(const char *path);

int cmd_diff(int argc, char **argv);

#endif
