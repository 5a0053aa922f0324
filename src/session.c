/* session.c — open and validate a core + executable pair, stage by stage. */
#include "session.h"

#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Resident memory in MiB from /proc/self/status: anonymous (our arrays) and
 * file-backed (the mmapped core and executable), for the progress lines. */
static void rss_mib(double *anon, double *file)
{
    *anon = *file = 0;
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
    }
    fclose(fp);
}

void session_progress(const session *s, const char *what)
{
    if (!s->opts.progress)
        return;
    double anon, file;
    rss_mib(&anon, &file);
    fprintf(stderr, "goheapflame: %-34s %6.2fs  rss %5.0f MiB (anon %.0f, file %.0f)\n", what, now() - s->t0,
            anon + file, anon, file);
}

bool session_open(session *s, const char *core_path, const char *exe_path, const session_opts *opts, ghf_err *err)
{
    memset(s, 0, sizeof *s);
    if (opts)
        s->opts = *opts;
    s->t0 = now();
    core_open_opts co = {.force = s->opts.force};
    if (!core_open(core_path, exe_path, &co, &s->core, err))
        return false;
    session_progress(s, "read core and executable");
    if (!dwx_open(exe_path, &s->dw, err))
        goto fail;
    session_progress(s, "indexed DWARF");
    rt_open_opts ro = {.force = s->opts.force};
    if (!rt_open(s->core, s->dw, &ro, &s->rt, err))
        goto fail;
    session_progress(s, "found Go runtime state");
    return true;
fail:
    session_close(s);
    return false;
}

bool session_load_heap(session *s, ghf_err *err)
{
    if (s->heap != NULL)
        return true;
    if (!heap_build(s->rt, &s->heap, err))
        return false;
    session_progress(s, "read heap objects and pointers");
    return true;
}

bool session_load_roots(session *s, const roots_opts *opts, ghf_err *err)
{
    if (s->have_roots)
        return true;
    if (!session_load_heap(s, err) || !heap_build_edges(s->heap, err) ||
        !roots_collect(s->heap, opts, &s->roots, err))
        return false;
    s->have_roots = true;
    session_progress(s, "found roots");
    return true;
}

bool session_load_types(session *s, ghf_err *err)
{
    if (s->have_types)
        return true;
    if (!session_load_roots(s, NULL, err) || !types_infer(s->heap, &s->roots, s->opts.field_paths, &s->types, err))
        return false;
    s->have_types = true;
    /* the later stages work on the arrays built so far, not on heap memory */
    core_release_pages(s->core);
    session_progress(s, "inferred types");
    return true;
}

void session_close(session *s)
{
    if (s->have_types)
        types_free(&s->types);
    if (s->have_roots)
        roots_free(&s->roots);
    heap_free(s->heap);
    rt_close(s->rt);
    if (s->dw)
        dwx_close(s->dw);
    if (s->core)
        core_close(s->core);
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
