/* session.h — one opened core: address space, DWARF, Go runtime, heap.
 * The subcommands all start here so they open and validate inputs alike. */
#ifndef GHF_SESSION_H
#define GHF_SESSION_H

#include <stdio.h>
#include "core.h"
#include "dwarf_index.h"
#include "ghf_error.h"
#include "goruntime.h"
#include "gstack.h"
#include "heap.h"
#include "progress.h"
#include "roots.h"
#include "types.h"

typedef struct session_opts {
    bool force;      /* --force: accept build-ID mismatch and unknown Go versions */
    bool progress;   /* report stages on stderr */
    bool field_paths;/* keep per-object DWARF types for --fields */
    const char *debug_exe; /* --debug-exe: read DWARF from this build of the executable (debug_exe.h) */
} session_opts;

typedef struct session {
    ghf_core *core;
    dwx *dw;
    go_runtime *rt;
    heap *heap;      /* NULL until session_load_heap */
    roots roots;     /* valid after session_load_roots */
    obj_types types; /* valid after session_load_types */
    bool have_roots, have_types;
    gstack_summary *stacks;   /* after session_survey_stacks: one per goroutine given */
    size_t nstacks;
    session_opts opts;
    progress prog;   /* stage lines on stderr (opts.progress) */
} session;

bool session_open(session *s, const char *core_path, const char *exe_path, const session_opts *opts, ghf_err *err);
/* The same for a running process (live.h): pause it, copy its memory, let
 * it go, then open the copy as a core. exe_path NULL means /proc/PID/exe.
 * save_core (or NULL) also writes the copy there as an ELF core file. The
 * pause is reported on stderr. */
bool session_open_pid(session *s, int pid, const char *exe_path, const char *save_core, const session_opts *opts,
                      ghf_err *err);
bool session_load_heap(session *s, ghf_err *err);
/* Each loads what it needs before it (heap before roots before types). */
bool session_load_roots(session *s, const roots_opts *opts, ghf_err *err);
/* Types, and the roots (with opts) if not loaded yet: then the part of the
 * types that needs no roots runs beside the edge scan and roots_collect
 * (types_start). */
bool session_load_types(session *s, const roots_opts *opts, ghf_err *err);
/* Progress lines (progress.h): a stage starting, a stage done. */
void session_stage(session *s, const char *doing);
void session_progress(session *s, const char *done);
/* Walk every goroutine's stack (without scanning it) for `info`: stacks[i]
 * summarises gs[i] (zeroed for goroutines that have no live stack). */
bool session_survey_stacks(session *s, const rt_goroutine *gs, size_t ngs, ghf_err *err);

/* A result is partial when the core is truncated (core_truncated), when
 * heap metadata could not be read or trusted (unreadable or inconsistent
 * spans, spans without allocation bits, objects whose pointers could not be
 * read), when a goroutine's stack could not be walked to its base (after
 * session_load_roots or session_survey_stacks; the rest of that stack is
 * scanned conservatively), when runtime metadata was found damaged and
 * worked around (a circular or overlong list, counts that disagree,
 * goroutines that make no sense: damage.h), or when the result contradicts
 * the core (no goroutine stack walked, no root reaching a non-empty heap).
 * Then why (if not NULL) says so in one phrase. Every command that succeeds
 * on a partial input says so with session_warn_partial(): one line per
 * goroutine not walked ("goheapflame: warning: goroutine N (running): stack
 * not walked to its base: <why>; ...") and one line "goheapflame: warning:
 * <why>; the result is partial" on stderr; `info` also reports "partial" in
 * its output. When a stage fails on a truncated
 * core, the session's error message names the truncation too. */
bool session_partial(const session *s, char *why, size_t cap);
void session_warn_partial(const session *s);
void session_close(session *s);

/* Write s as a JSON string literal (quotes, escapes, control characters). */
void json_write_string(FILE *fp, const char *s);

#endif
