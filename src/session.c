/* session.c — open and validate a core + executable pair, stage by stage. */
#include "session.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>

#include "debug_exe.h"
#include "live.h"
#include "rtfind.h"
#include "vec.h"

void session_stage(session *s, const char *doing)
{
    ghf_big_stage_begins(); /* big blocks the last stage freed stay for this one to reuse */
    progress_begin(&s->prog, doing);
}

void session_progress(session *s, const char *done)
{
    progress_done(&s->prog, done);
}

static void human(uint64_t v, char *buf, size_t cap)
{
    static const char *const unit[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    double d = (double)v;
    while (d >= 1024 && u < 4) {
        d /= 1024;
        u++;
    }
    if (u == 0)
        snprintf(buf, cap, "%llu byte%s", (unsigned long long)v, v == 1 ? "" : "s");
    else
        snprintf(buf, cap, "%.1f %s", d, unit[u]);
}

static void truncation(const ghf_core *c, char *buf, size_t cap)
{
    char miss[32];
    human(core_missing_bytes(c), miss, sizeof miss);
    snprintf(buf, cap, "the core is truncated (%s of its memory is missing past its end at %llu bytes)", miss,
             (unsigned long long)core_file_size(c));
}

/* A stage failed: on a truncated core, say so in the message. */
static bool fail_noted(const session *s, ghf_err *err)
{
    if (s->core && strncmp(core_exe_match(s->core), "MISMATCH", 8) == 0 && err->code != 0 &&
        strstr(err->msg, "does not match") == NULL) { /* --force took a mismatch: it may be the cause */
        size_t n = strlen(err->msg);
        snprintf(err->msg + n, sizeof err->msg - n, " (the executable does not match the core: --force)");
    }
    if (s->core && core_truncated(s->core) && err->code != 0 && strstr(err->msg, "truncated") == NULL) {
        char t[160];
        truncation(s->core, t, sizeof t);
        size_t n = strlen(err->msg);
        snprintf(err->msg + n, sizeof err->msg - n, "; %s", t);
    }
    return false;
}

/* Goroutines whose stacks could not be walked to their base, per the roots
 * (which scanned them) or else the survey. */
static size_t stacks_lost(const session *s)
{
    if (s->have_roots)
        return s->roots.lost.n;
    size_t n = 0;
    for (size_t i = 0; i < s->nstacks; i++)
        n += s->stacks[i].why[0] != '\0';
    return n;
}

bool session_survey_stacks(session *s, const rt_goroutine *gs, size_t ngs, ghf_err *err)
{
    free(s->stacks);
    s->nstacks = 0;
    s->stacks = ngs ? ghf_xrealloc(NULL, ngs, sizeof *s->stacks, err) : NULL;
    if (ngs && s->stacks == NULL)
        return false;
    gstack_ctx c;
    gstack_ctx_init(&c, s->rt);
    for (size_t i = 0; i < ngs; i++) {
        memset(&s->stacks[i], 0, sizeof s->stacks[i]);
        if (gstack_live(&gs[i]))
            gstack_summarize(&c, &gs[i], &s->stacks[i]);
    }
    s->nstacks = ngs;
    return true;
}

static void warn_lost(uint64_t goid, uint32_t status, const char *why, uint64_t bytes)
{
    fprintf(stderr, "goheapflame: warning: goroutine %llu (%s): stack not walked to its base: %s; ",
            (unsigned long long)goid, rt_status_name(status), why);
    if (bytes)
        fprintf(stderr, "%llu bytes of it scanned conservatively as \"goroutine %llu (conservative)\"\n",
                (unsigned long long)bytes, (unsigned long long)goid);
    else
        fprintf(stderr, "its stack is scanned conservatively\n");
}

bool session_partial(const session *s, char *why, size_t cap)
{
    char buf[256];
    if (why == NULL) {
        why = buf;
        cap = sizeof buf;
    }
    why[0] = '\0';
    if (s->core && core_truncated(s->core)) {
        truncation(s->core, why, cap);
        return true;
    }
    size_t lost = stacks_lost(s);
    if (lost) {
        snprintf(why, cap, "%zu goroutine stack%s could not be walked to %s base (scanned conservatively)",
                 lost, lost == 1 ? "" : "s", lost == 1 ? "its" : "their");
        return true;
    }
    const heap *h = s->heap;
    if (h && h->unreadable_spans + h->bad_spans + h->spans_without_allocbits + h->unscannable_objects) {
        snprintf(why, cap, "heap metadata could not be read: %llu unreadable spans, %llu inconsistent spans, "
                 "%llu spans without allocation bits, %llu objects whose pointers could not be read",
                 (unsigned long long)h->unreadable_spans, (unsigned long long)h->bad_spans,
                 (unsigned long long)h->spans_without_allocbits, (unsigned long long)h->unscannable_objects);
        return true;
    }
    if (s->rt && s->rt->damage->count) {
        snprintf(why, cap, "runtime metadata is damaged: %s%s", s->rt->damage->first,
                 s->rt->damage->count > 1 ? " (and more)" : "");
        return true;
    }
    /* Results the core contradicts: a Go program has a goroutine, and its
     * heap is reached from roots. */
    if (s->have_roots && s->roots.goroutines == 0) {
        snprintf(why, cap, "no goroutine's stack could be read");
        return true;
    }
    if (s->have_roots && h && h->nobjects > 0 && s->roots.edges.n == 0) {
        snprintf(why, cap, "no GC root points into the heap");
        return true;
    }
    return false;
}

void session_warn_partial(const session *s)
{
    if (s->have_roots)
        for (size_t i = 0; i < s->roots.lost.n; i++) {
            const stack_loss *l = &s->roots.lost.v[i];
            warn_lost(l->goid, l->status, l->why, l->scanned_bytes);
        }
    else
        for (size_t i = 0; i < s->nstacks; i++)
            if (s->stacks[i].why[0])
                warn_lost(s->stacks[i].goid, s->stacks[i].status, s->stacks[i].why, 0);
    /* everything else that makes the result less than exact, as one line.
     * Frames scanned conservatively by design, as the runtime does (the
     * frame a signal, gcore or asyncPreempt interrupted), are counted in
     * `info`, not warned about: every crash core has one. Frames scanned so
     * because their pointer maps could not be read are warned about, and
     * so are stacks not walked to their base (above, and as partial). */
    char why[256], line[1024] = "";
    size_t n = 0;
    if (s->core && strncmp(core_exe_match(s->core), "MISMATCH", 8) == 0) /* --force took it */
        n += (size_t)snprintf(line + n, sizeof line - n, "%sthe executable does not match the core (%s)",
                              n ? "; " : "", core_exe_match(s->core));
    uint64_t unmapped = s->have_roots ? s->roots.frames_without_maps : 0;
    if (unmapped && n < sizeof line)
        n += (size_t)snprintf(line + n, sizeof line - n,
                              "%s%llu stack frame%s without a readable pointer map scanned conservatively "
                              "(a stale word in %s may keep an object alive)",
                              n ? "; " : "", (unsigned long long)unmapped, unmapped == 1 ? "" : "s",
                              unmapped == 1 ? "it" : "them");
    if (n < sizeof line && session_partial(s, why, sizeof why))
        n += (size_t)snprintf(line + n, sizeof line - n, "%s%s; the result is partial", n ? "; " : "", why);
    if (n)
        fprintf(stderr, "goheapflame: warning: %s\n", line);
}

/* After the core is open: is it Go, its DWARF, its runtime. */
static bool open_go(session *s, const char *exe_path, ghf_err *err)
{
    session_progress(s, "read core and executable");
    size_t pclntab_len;
    uint64_t pclntab_addr;
    if (core_go_build_id(s->core)[0] == '\0' && core_exe_go_version(s->core)[0] == '\0' &&
        core_exe_section(s->core, ".gopclntab", &pclntab_len, &pclntab_addr) == NULL) {
        ghf_fail(err, GHF_EXIT_UNSUPPORTED, "%s is not a Go program (no Go build ID, .go.buildinfo or .gopclntab): "
                 "goheapflame reads cores of Go programs only", exe_path);
        goto fail;
    }
    /* --debug-exe: the DWARF comes from another build of the same program,
     * whose addresses are the executable's (checked here) */
    const char *dwarf_path = exe_path;
    if (s->opts.debug_exe != NULL) {
        if (!debug_exe_check(s->core, s->opts.debug_exe, s->opts.force, err))
            goto fail;
        dwarf_path = s->opts.debug_exe;
    }
    session_stage(s, "indexing DWARF");
    if (dwx_has_dwarf(dwarf_path)) {
        if (!dwx_open(dwarf_path, &s->dw, err))
            goto fail;
    } else {
        /* -ldflags=-w or "-s -w": the runtime's layouts as data for the
         * version .go.buildinfo names (include/rtlayout.h). */
        int minor = 0;
        if (sscanf(core_exe_go_version(s->core), "go1.%d", &minor) != 1) {
            ghf_fail(err, GHF_EXIT_UNSUPPORTED, "%s has no DWARF (built with -ldflags=-w, or stripped) and no Go "
                     "version in .go.buildinfo", dwarf_path);
            goto fail;
        }
        if (!dwx_open_runtime(dwarf_path, core_arch(s->core)->name, minor, NULL, 0, &s->dw, err))
            goto fail;
        /* "-s -w": no symbols either; the runtime's globals are found by
         * the code that uses them (include/rtfind.h), the program's own
         * are named by section and offset (roots.c). */
        if (dwx_global_count(s->dw) == 0) {
            dwx_var found[RTFIND_MAX];
            size_t nfound;
            bool ok = rtfind_globals(s->core, s->dw, found, &nfound, err);
            dwx_close(s->dw);
            s->dw = NULL;
            if (!ok) {
                size_t n = strlen(err->msg);
                snprintf(err->msg + n, sizeof err->msg - n, " (%s has neither DWARF nor an ELF symbol table: "
                         "--debug-exe FILE takes them from an unstripped build)", dwarf_path);
                goto fail;
            }
            if (!dwx_open_runtime(dwarf_path, core_arch(s->core)->name, minor, found, nfound, &s->dw, err))
                goto fail;
        }
    }
    /* Damaged units of other compilers (cgo's C) were skipped: say so. */
    for (size_t i = 0; i < dwx_warning_count(s->dw); i++)
        fprintf(stderr, "goheapflame: warning: %s\n", dwx_warning(s->dw, i));
    session_progress(s, "indexed DWARF");
    session_stage(s, "finding Go runtime state");
    rt_open_opts ro = {.force = s->opts.force};
    if (!rt_open(s->core, s->dw, &ro, &s->rt, err))
        goto fail;
    session_progress(s, "found Go runtime state");
    return true;
fail:
    fail_noted(s, err);
    session_close(s);
    return false;
}

bool session_open(session *s, const char *core_path, const char *exe_path, const session_opts *opts, ghf_err *err)
{
    memset(s, 0, sizeof *s);
    if (opts)
        s->opts = *opts;
    progress_init(&s->prog, s->opts.progress);
    session_stage(s, "reading core and executable");
    core_open_opts co = {.force = s->opts.force};
    return core_open(core_path, exe_path, &co, &s->core, err) && open_go(s, exe_path, err);
}

bool session_open_pid(session *s, int pid, const char *exe_path, const char *save_core, const session_opts *opts,
                      ghf_err *err)
{
    memset(s, 0, sizeof *s);
    if (opts)
        s->opts = *opts;
    progress_init(&s->prog, s->opts.progress);
    session_stage(s, "pausing and copying the process");
    char exe_buf[64], name[64], copied[32];
    if (exe_path == NULL) {
        snprintf(exe_buf, sizeof exe_buf, "/proc/%d/exe", pid);
        exe_path = exe_buf;
    }
    uint8_t *image;
    size_t size;
    live_stats st;
    if (!live_snapshot(pid, exe_path, &image, &size, &st, err))
        return false;
    human(st.copied_bytes, copied, sizeof copied);
    fprintf(stderr, "goheapflame: paused process %d for %.2f s (%u threads), copied %s\n", pid, st.pause_s,
            st.threads, copied);
    if (save_core != NULL && !live_save_core(image, size, save_core, err)) {
        munmap(image, size);
        return false;
    }
    snprintf(name, sizeof name, "snapshot of process %d", pid);
    session_progress(s, "copied the process");
    core_open_opts co = {.force = s->opts.force};
    return core_open_image(image, size, name, exe_path, &co, &s->core, err) && open_go(s, exe_path, err);
}

bool session_load_heap(session *s, ghf_err *err)
{
    if (s->heap != NULL)
        return true;
    session_stage(s, "reading heap objects");
    if (!heap_build(s->rt, &s->heap, err))
        return fail_noted(s, err);
    session_progress(s, "read heap objects");
    return true;
}

/* With job (types to follow): types_start's first step runs on a thread
 * of its own while the pointers are read and the roots found (it needs
 * neither: only the heap's objects and the core). */
static bool load_roots(session *s, const roots_opts *opts, types_job **job, ghf_err *err)
{
    if (!session_load_heap(s, err))
        return false;
    session_stage(s, "reading pointers and finding roots");
    if (job != NULL && !types_start(s->heap, s->opts.field_paths, true, job, err))
        return fail_noted(s, err);
    if (!heap_build_edges(s->heap, err)) {
        if (job != NULL)
            types_cancel(*job);
        return false;
    }
    if (!roots_collect(s->heap, opts, &s->roots, err)) {
        if (job != NULL)
            types_cancel(*job);
        return fail_noted(s, err);
    }
    s->have_roots = true;
    session_progress(s, "read pointers, found roots");
    return true;
}

bool session_load_roots(session *s, const roots_opts *opts, ghf_err *err)
{
    return s->have_roots || load_roots(s, opts, NULL, err);
}

bool session_load_types(session *s, const roots_opts *opts, ghf_err *err)
{
    if (s->have_types)
        return true;
    types_job *job = NULL;
    if (!s->have_roots && !load_roots(s, opts, &job, err))
        return false;
    if (job == NULL && !types_start(s->heap, s->opts.field_paths, false, &job, err))
        return fail_noted(s, err);
    session_stage(s, "inferring types");
    if (!types_finish(job, &s->roots, &s->types, err))
        return fail_noted(s, err);
    s->have_types = true;
    /* the later stages work on the arrays built so far, not on heap memory */
    core_release_pages(s->core);
    /* Until now the core's heap pages, mapped while pointers and types are
     * read, made the peak; from here on a big array a stage frees can be
     * kept for the next one without adding to it. */
    ghf_big_keep(true);
    session_progress(s, "inferred types");
    return true;
}

void session_close(session *s)
{
    progress_stop(&s->prog);
    if (s->have_types)
        types_free(&s->types);
    if (s->have_roots)
        roots_free(&s->roots);
    free(s->stacks);
    heap_free(s->heap);
    rt_close(s->rt);
    if (s->dw)
        dwx_close(s->dw);
    if (s->core)
        core_close(s->core);
    ghf_big_keep(false);
    memset(s, 0, sizeof *s);
}

void json_write_string(FILE *fp, const char *str)
{
    fputc('"', fp);
    for (const unsigned char *p = (const unsigned char *)str; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", fp); break;
        case '\\': fputs("\\\\", fp); break;
        case '\n': fputs("\\n", fp); break;
        case '\t': fputs("\\t", fp); break;
        default:
            if (*p < 0x20)
                fprintf(fp, "\\u%04x", *p);
            else
                fputc(*p, fp);
        }
    }
    fputc('"', fp);
}
