/* cli_info.c — `goheapflame info`: what is in this core, at a glance. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "outfile.h"
#include "session.h"

static void info_usage(FILE *fp)
{
    fprintf(fp,
        "Usage: goheapflame info [OPTIONS] CORE EXE\n"
        "       goheapflame info [OPTIONS] --pid PID [EXE]\n"
        "\n"
        "Summarise a Go core: Go version, threads (and the C threads the runtime does\n"
        "not know, in a cgo program), whether it uses cgo (its C heap is not in the\n"
        "graph), goroutines (user ones, as runtime.NumGoroutine counts, and the\n"
        "runtime's) by status, heap spans, objects and bytes in use. Each user goroutine\n"
        "is listed with where it is in the program: the innermost function of the\n"
        "program's own code (not the runtime, not the standard library; main module and\n"
        "dependencies from the executable's build info), then the first function outside\n"
        "the runtime when that is another one (\"main.worker (in time.Sleep)\"), and its\n"
        "wait reason (up to 50; --json lists all). Running\n"
        "goroutines are listed with their thread and where their stack walk starts and\n"
        "ends; so is any goroutine whose stack cannot be walked to its base (the\n"
        "result is then partial).\n"
        "\n"
        "Options:\n"
        "  --json          one JSON object instead of text\n"
        "  -o, --output F  write to F instead of standard output\n"
        "  --force         accept an executable whose build ID differs from the core's,\n"
        "                  and Go versions outside 1.19-1.27\n"
        "  --no-heap       skip reading heap objects (faster)\n"
        "  -h, --help      this text\n"
        CLI_SOURCE_HELP CLI_PROGRESS_HELP);
}

typedef struct info_data {
    int64_t goroutines;
    rt_goroutine *gs;
    size_t ngs;
    /* cgo: threads without an m (C pthreads), whether runtime/cgo is linked */
    uint64_t *c_tids, *extra_tids;
    size_t n_c_tids, n_extra_tids;
    bool have_thread_ids, have_extra_ids, cgo;
} info_data;

/* The core's threads the runtime has no m for: C threads of a cgo program. */
static bool find_c_threads(session *s, info_data *d, ghf_err *err)
{
    uint64_t *known;
    size_t nknown;
    ghf_err ignored = {0};
    d->cgo = rt_is_cgo(s->rt);
    if (!rt_thread_ids(s->rt, &known, &nknown, &ignored))
        return true; /* no m list: no split of the threads */
    d->have_thread_ids = true;
    size_t n = core_thread_count(s->core);
    d->c_tids = ghf_xcalloc(n ? n : 1, sizeof *d->c_tids, err);
    if (d->c_tids == NULL) {
        free(known);
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t tid = core_threads(s->core)[i].tid;
        if (!rt_thread_known(known, nknown, tid))
            d->c_tids[d->n_c_tids++] = tid;
    }
    free(known);
    /* C threads on a borrowed (extra) m: a cgo callback, or a signal handler */
    d->have_extra_ids = rt_extra_thread_ids(s->rt, &d->extra_tids, &d->n_extra_tids, &ignored);
    size_t k = 0; /* an idle extra m may keep the id of a thread gone since */
    for (size_t j = 0; j < d->n_extra_tids; j++)
        for (size_t i = 0; i < n; i++)
            if (core_threads(s->core)[i].tid == d->extra_tids[j]) {
                d->extra_tids[k++] = d->extra_tids[j];
                break;
            }
    d->n_extra_tids = k;
    return true;
}

static const char *top_function(const session *s, const rt_goroutine *g)
{
    pcln_func f;
    if (g->pc && pcln_find(s->rt->pcln, g->pc, &f))
        return f.name;
    return "?";
}

/* A goroutine the runtime started for itself, which runtime.NumGoroutine
 * does not count (runtime/traceback.go isSystemGoroutine: started in a
 * runtime.* function other than runtime.main, corostart and
 * handleAsyncEvent; the finalizer and cleanup goroutines count as the
 * runtime's unless they are running user code, which the core does not
 * say cheaply). */
static bool runtime_goroutine(const session *s, const rt_goroutine *g)
{
    pcln_func f;
    if (!g->startpc || !pcln_find(s->rt->pcln, g->startpc, &f))
        return false;
    return strncmp(f.name, "runtime.", 8) == 0 && strcmp(f.name, "runtime.main") != 0 &&
           strcmp(f.name, "runtime.corostart") != 0 && strcmp(f.name, "runtime.handleAsyncEvent") != 0;
}

static bool live_goroutine(const rt_goroutine *g)
{
    return g->status != G_DEAD && g->status != G_IDLE && g->status != G_DEADEXTRA;
}

/* The first function outside the runtime on g's stack ("" if none). */
static const char *user_function(const session *s, size_t i)
{
    return i < s->nstacks ? s->stacks[i].user : "";
}

/* The innermost function of the program's own code on g's stack (not the
 * runtime, not the standard library: gopkg_is_program), "" if none. */
static const char *program_function(const session *s, size_t i)
{
    return i < s->nstacks ? s->stacks[i].program : "";
}

/* "stack":{...}: where the goroutine's walk starts and how it ends. */
static void json_stack(FILE *fp, const gstack_summary *st)
{
    fprintf(fp, ",\"stack\":{\"from\":");
    json_write_string(fp, st->start.source ? st->start.source : "");
    fprintf(fp, ",\"thread\":%u,\"frames\":%d,\"complete\":%s,\"top\":", st->start.tid, st->frames,
            st->complete ? "true" : "false");
    json_write_string(fp, st->top);
    fprintf(fp, ",\"base\":");
    json_write_string(fp, st->base);
    fprintf(fp, ",\"problem\":");
    json_write_string(fp, st->why);
    fputc('}', fp);
}

/* One line per goroutine that is running or whose stack is not walked to its base. */
static void text_stacks(FILE *fp, const session *s)
{
    for (size_t i = 0; i < s->nstacks; i++) {
        const gstack_summary *st = &s->stacks[i];
        if (st->start.source == NULL || (st->status != G_RUNNING && st->complete))
            continue; /* no live stack, or an unremarkable one */
        fprintf(fp, "  goroutine %llu %s", (unsigned long long)st->goid, rt_status_name(st->status));
        if (st->start.tid)
            fprintf(fp, " on thread %u", st->start.tid);
        if (st->complete)
            fprintf(fp, ": %s .. %s, %d frames (from the %s)\n", st->top, st->base, st->frames, st->start.source);
        else if (st->frames)
            fprintf(fp, ": stack NOT walked to its base, lost after %s: %s\n", st->base, st->why);
        else
            fprintf(fp, ": stack NOT walked to its base: %s\n", st->why);
    }
}

/* The user goroutines, one line each: where they are in the program (the
 * innermost function of the program's own code, so a worker asleep in
 * time.Sleep shows the worker; then, in parentheses, the first function
 * outside the runtime when that is another one, e.g. the standard library's
 * time.Sleep), their status and wait reason. At most INFO_MAX_LISTED;
 * --json lists all. */
#define INFO_MAX_LISTED 50
static void text_user_goroutines(FILE *fp, const session *s, const info_data *d, size_t user)
{
    if (user == 0)
        return;
    fprintf(fp, "User goroutines (where in the program, status):\n");
    size_t shown = 0;
    for (size_t i = 0; i < d->ngs && shown < INFO_MAX_LISTED; i++) {
        const rt_goroutine *g = &d->gs[i];
        if (!live_goroutine(g) || runtime_goroutine(s, g))
            continue;
        const char *fn = user_function(s, i), *prog = program_function(s, i);
        char where[256], wr[128] = "";
        if (prog[0] && strcmp(prog, fn) != 0)
            snprintf(where, sizeof where, "%s (in %s)", prog, fn);
        else
            snprintf(where, sizeof where, "%s", prog[0] ? prog : fn[0] ? fn : "(only runtime frames)");
        if (g->status == G_WAITING)
            rt_wait_reason(s->rt, g->waitreason, wr, sizeof wr);
        fprintf(fp, "  goroutine %-6llu %-40s %s%s%s\n", (unsigned long long)g->goid, where,
                rt_status_name(g->status), wr[0] ? ": " : "", wr);
        shown++;
    }
    if (user > shown)
        fprintf(fp, "  ... and %zu more (info --json lists every goroutine)\n", user - shown);
}

static void write_json(FILE *fp, session *s, const info_data *d)
{
    const heap *h = s->heap;
    fprintf(fp, "{\"go_version\":");
    json_write_string(fp, s->rt->version);
    fprintf(fp, ",\"arch\":\"%s\",\"pie_bias\":%llu,\"threads\":%zu,\"goroutines\":%lld",
            core_arch(s->core)->name, (unsigned long long)s->rt->bias, core_thread_count(s->core), (long long)d->goroutines);
    size_t live = 0, user = 0;
    for (size_t i = 0; i < d->ngs; i++)
        if (live_goroutine(&d->gs[i])) {
            live++;
            user += !runtime_goroutine(s, &d->gs[i]);
        }
    fprintf(fp, ",\"goroutines_live\":%zu,\"goroutines_user\":%zu,\"goroutines_runtime\":%zu", live, user,
            live - user);
    fprintf(fp, ",\"cgo\":%s", d->cgo ? "true" : "false");
    if (d->have_thread_ids) {
        fprintf(fp, ",\"threads_without_m\":[");
        for (size_t i = 0; i < d->n_c_tids; i++)
            fprintf(fp, "%s%llu", i ? "," : "", (unsigned long long)d->c_tids[i]);
        fputc(']', fp);
    }
    if (d->have_extra_ids) {
        fprintf(fp, ",\"threads_extra_m\":[");
        for (size_t i = 0; i < d->n_extra_tids; i++)
            fprintf(fp, "%s%llu", i ? "," : "", (unsigned long long)d->extra_tids[i]);
        fputc(']', fp);
    }
    if (h) {
        fprintf(fp, ",\"heap_spans_in_use\":%u,\"heap_inuse_bytes\":%llu,\"heap_objects\":%u,"
                    "\"heap_alloc_bytes\":%llu",
                h->nspans, (unsigned long long)h->inuse_bytes, h->nobjects, (unsigned long long)h->alloc_bytes);
        fprintf(fp, ",\"heap_warnings\":{\"unreadable_spans\":%llu,\"bad_spans\":%llu,"
                    "\"spans_without_allocbits\":%llu,\"unscannable_objects\":%llu}",
                (unsigned long long)h->unreadable_spans, (unsigned long long)h->bad_spans,
                (unsigned long long)h->spans_without_allocbits, (unsigned long long)h->unscannable_objects);
    }
    if (s->have_roots) {
        const roots *r = &s->roots;
        fprintf(fp, ",\"stacks\":{\"goroutines\":%llu,\"frames\":%llu,\"conservative_frames\":%llu,"
                    "\"unwind_failures\":%llu,\"frames_without_maps\":%llu}",
                (unsigned long long)r->goroutines, (unsigned long long)r->frames,
                (unsigned long long)r->conservative_frames, (unsigned long long)r->unwind_failures,
                (unsigned long long)r->frames_without_maps);
    }
    /* Where the runtime's globals were found: the DWARF, the symbol table,
     * or (-s -w) their uses (include/rtfind.h); run-time addresses. */
    static const char *const globals[] = {"runtime.firstmoduledata", "runtime.mheap_", "runtime.allgs",
                                          "runtime.allglen", "runtime.allp", "runtime.sched", "runtime.allm",
                                          "runtime.allfin", "runtime.waitReasonStrings"};
    fprintf(fp, ",\"runtime_index\":");
    json_write_string(fp, dwx_synthetic(s->dw) ? dwx_synthetic(s->dw) : "DWARF");
    fprintf(fp, ",\"runtime_globals\":{");
    int any = 0;
    for (size_t i = 0; i < sizeof globals / sizeof globals[0]; i++) {
        const dwx_var *v = dwx_global_by_name(s->dw, globals[i]);
        uint64_t addr;
        if (v != NULL)
            addr = v->addr + s->rt->bias;
        else if (!core_symbol(s->core, globals[i], &addr, NULL))
            continue;
        fprintf(fp, "%s\"%s\":\"0x%llx\"", any++ ? "," : "", globals[i], (unsigned long long)addr);
    }
    fputc('}', fp);
    char why[256];
    bool partial = session_partial(s, why, sizeof why);
    fprintf(fp, ",\"partial\":%s,\"partial_reason\":", partial ? "true" : "false");
    json_write_string(fp, why);
    fprintf(fp, ",\"goroutine_list\":[");
    int first = 1;
    for (size_t i = 0; i < d->ngs; i++) {
        const rt_goroutine *g = &d->gs[i];
        if (!live_goroutine(g))
            continue;
        char wr[128];
        rt_wait_reason(s->rt, g->waitreason, wr, sizeof wr);
        fprintf(fp, "%s{\"id\":%llu,\"status\":\"%s\",\"wait_reason\":", first ? "" : ",",
                (unsigned long long)g->goid, rt_status_name(g->status));
        json_write_string(fp, g->status == G_WAITING ? wr : "");
        fprintf(fp, ",\"user\":%s,\"top_function\":", runtime_goroutine(s, g) ? "false" : "true");
        json_write_string(fp, i < s->nstacks && s->stacks[i].top[0] ? s->stacks[i].top : top_function(s, g));
        fprintf(fp, ",\"function\":");
        json_write_string(fp, user_function(s, i));
        fprintf(fp, ",\"program_function\":");
        json_write_string(fp, program_function(s, i));
        if (i < s->nstacks)
            json_stack(fp, &s->stacks[i]);
        fputc('}', fp);
        first = 0;
    }
    fprintf(fp, "]}\n");
}

static void write_text(FILE *fp, session *s, const info_data *d)
{
    const heap *h = s->heap;
    char why[256];
    if (session_partial(s, why, sizeof why))
        fprintf(fp, "Partial:      yes: %s\n", why);
    fprintf(fp, "Go version:   %s (%s)\n", s->rt->version, core_arch(s->core)->name);
    fprintf(fp, "PIE bias:     0x%llx\n", (unsigned long long)s->rt->bias);
    fprintf(fp, "Threads:      %zu\n", core_thread_count(s->core));
    if (d->n_c_tids > 0) {
        fprintf(fp, "  without m    %zu (C threads the Go runtime does not know; not roots): tid", d->n_c_tids);
        for (size_t i = 0; i < d->n_c_tids && i < 8; i++)
            fprintf(fp, " %llu", (unsigned long long)d->c_tids[i]);
        fprintf(fp, "%s\n", d->n_c_tids > 8 ? " ..." : "");
    }
    if (d->n_extra_tids > 0) {
        fprintf(fp, "  extra m      %zu (C threads on an m borrowed for a callback or signal): tid", d->n_extra_tids);
        for (size_t i = 0; i < d->n_extra_tids && i < 8; i++)
            fprintf(fp, " %llu", (unsigned long long)d->extra_tids[i]);
        fprintf(fp, "%s\n", d->n_extra_tids > 8 ? " ..." : "");
    }
    if (d->cgo)
        fprintf(fp, "cgo:          yes (runtime/cgo linked): C-heap (malloc) memory is not in the graph\n");
    /* One count of live goroutines, split as runtime.NumGoroutine splits
     * them (user) from the runtime's own, and per status. */
    size_t live = 0, user = 0, by_status[16][2] = {{0}};
    for (size_t i = 0; i < d->ngs; i++) {
        const rt_goroutine *g = &d->gs[i];
        if (!live_goroutine(g) || g->status >= 16)
            continue;
        bool u = !runtime_goroutine(s, g);
        live++;
        user += u;
        by_status[g->status][u]++;
    }
    fprintf(fp, "Goroutines:   %zu: %zu user, %zu of the runtime\n", live, user, live - user);
    if ((int64_t)user != d->goroutines)
        fprintf(fp, "  (runtime.NumGoroutine says %lld: a finalizer or cleanup goroutine running user code counts "
                    "there as a user goroutine)\n", (long long)d->goroutines);
    for (uint32_t st = 0; st < 16; st++)
        if (by_status[st][0] + by_status[st][1])
            fprintf(fp, "  %-12s %zu (%zu user, %zu runtime)\n", rt_status_name(st), by_status[st][0] + by_status[st][1],
                    by_status[st][1], by_status[st][0]);
    text_user_goroutines(fp, s, d, user);
    text_stacks(fp, s);
    if (h) {
        fprintf(fp, "Heap spans:   %u in use, %llu bytes\n", h->nspans, (unsigned long long)h->inuse_bytes);
        fprintf(fp, "Heap objects: %u allocated, %llu bytes\n", h->nobjects, (unsigned long long)h->alloc_bytes);
        if (h->unreadable_spans + h->bad_spans + h->spans_without_allocbits + h->unscannable_objects)
            fprintf(fp, "Warnings:     %llu unreadable spans, %llu inconsistent spans, %llu spans without "
                        "allocation bits, %llu objects whose pointer masks could not be read\n",
                    (unsigned long long)h->unreadable_spans, (unsigned long long)h->bad_spans,
                    (unsigned long long)h->spans_without_allocbits, (unsigned long long)h->unscannable_objects);
    }
    if (s->have_roots)
        fprintf(fp, "Stacks:       %llu goroutines, %llu frames walked (%llu scanned conservatively, "
                    "%llu of them for want of a pointer map), %llu unwinds stopped early\n",
                (unsigned long long)s->roots.goroutines, (unsigned long long)s->roots.frames,
                (unsigned long long)s->roots.conservative_frames, (unsigned long long)s->roots.frames_without_maps,
                (unsigned long long)s->roots.unwind_failures);
}

int cmd_info(int argc, char **argv)
{
    cli_core_args a;
    int rc = cli_parse_core_args(argc, argv, &a, info_usage);
    if (rc >= 0)
        return rc;
    ghf_err err = {0};
    session s;
    info_data d = {0};
    outfile of = {0};
    session_opts so = {.force = a.force, .progress = a.progress};
    if (!cli_open_session(&a.src, &s, &so, &err))
        return cli_report(&err);
    /* roots too: the stack-walk counters are reported here (needs the edges: slower than objects alone) */
    if ((!a.no_heap && (!session_load_heap(&s, &err) || !session_load_roots(&s, NULL, &err))) ||
        !rt_num_goroutine(s.rt, &d.goroutines, &err) ||
        !rt_goroutines(s.rt, &d.gs, &d.ngs, &err) || !find_c_threads(&s, &d, &err) ||
        !session_survey_stacks(&s, d.gs, d.ngs, &err) || !outfile_open(&of, a.output, &err))
        goto fail;
    if (a.json)
        write_json(of.fp, &s, &d);
    else
        write_text(of.fp, &s, &d);
    if (!outfile_commit(&of, &err))
        goto fail;
    progress_wrote(&s.prog, a.output);
    session_warn_partial(&s);
    free(d.gs);
    free(d.c_tids);
    free(d.extra_tids);
    session_close(&s);
    return GHF_EXIT_OK;
fail:
    outfile_abort(&of);
    free(d.gs);
    free(d.c_tids);
    free(d.extra_tids);
    session_close(&s);
    return cli_report(&err);
}
