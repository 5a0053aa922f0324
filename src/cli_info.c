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
        "Summarise a Go core: Go version, threads, goroutines by status, heap spans,\n"
        "objects and bytes in use.\n"
        "\n"
        "Options:\n"
        "  --json          one JSON object instead of text\n"
        "  -o, --output F  write to F instead of standard output\n"
        "  --force         accept an executable whose build ID differs from the core's,\n"
        "                  and Go versions outside 1.19-1.27\n"
        "  --no-heap       skip reading heap objects (faster)\n"
        "  -h, --help      this text\n"
        CLI_SOURCE_HELP);
}

typedef struct info_data {
    int64_t goroutines;
    rt_goroutine *gs;
    size_t ngs;
} info_data;

static const char *top_function(const session *s, const rt_goroutine *g)
{
    pcln_func f;
    if (g->pc && pcln_find(s->rt->pcln, g->pc, &f))
        return f.name;
    return "?";
}

static void write_json(FILE *fp, session *s, const info_data *d)
{
    const heap *h = s->heap;
    fprintf(fp, "{\"go_version\":");
    json_write_string(fp, s->rt->version);
    fprintf(fp, ",\"arch\":\"amd64\",\"pie_bias\":%llu,\"threads\":%zu,\"goroutines\":%lld",
            (unsigned long long)s->rt->bias, core_thread_count(s->core), (long long)d->goroutines);
    if (h) {
        fprintf(fp, ",\"heap_spans_in_use\":%u,\"heap_inuse_bytes\":%llu,\"heap_objects\":%u,"
                    "\"heap_alloc_bytes\":%llu",
                h->nspans, (unsigned long long)h->inuse_bytes, h->nobjects, (unsigned long long)h->alloc_bytes);
        fprintf(fp, ",\"heap_warnings\":{\"unreadable_spans\":%llu,\"bad_spans\":%llu,"
                    "\"spans_without_allocbits\":%llu}",
                (unsigned long long)h->unreadable_spans, (unsigned long long)h->bad_spans,
                (unsigned long long)h->spans_without_allocbits);
    }
    char why[256];
    bool partial = session_partial(s, why, sizeof why);
    fprintf(fp, ",\"partial\":%s,\"partial_reason\":", partial ? "true" : "false");
    json_write_string(fp, why);
    fprintf(fp, ",\"goroutine_list\":[");
    int first = 1;
    for (size_t i = 0; i < d->ngs; i++) {
        const rt_goroutine *g = &d->gs[i];
        if (g->status == G_DEAD || g->status == G_IDLE || g->status == G_DEADEXTRA)
            continue;
        char wr[128];
        rt_wait_reason(s->rt, g->waitreason, wr, sizeof wr);
        fprintf(fp, "%s{\"id\":%llu,\"status\":\"%s\",\"wait_reason\":", first ? "" : ",",
                (unsigned long long)g->goid, rt_status_name(g->status));
        json_write_string(fp, g->status == G_WAITING ? wr : "");
        fprintf(fp, ",\"top_function\":");
        json_write_string(fp, top_function(s, g));
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
    fprintf(fp, "Go version:   %s (amd64)\n", s->rt->version);
    fprintf(fp, "PIE bias:     0x%llx\n", (unsigned long long)s->rt->bias);
    fprintf(fp, "Threads:      %zu\n", core_thread_count(s->core));
    fprintf(fp, "Goroutines:   %lld (as runtime.NumGoroutine counts)\n", (long long)d->goroutines);
    size_t by_status[16] = {0};
    for (size_t i = 0; i < d->ngs; i++)
        if (d->gs[i].status < 16)
            by_status[d->gs[i].status]++;
    for (uint32_t st = 0; st < 16; st++)
        if (by_status[st] && st != G_DEAD && st != G_IDLE)
            fprintf(fp, "  %-12s %zu\n", rt_status_name(st), by_status[st]);
    if (h) {
        fprintf(fp, "Heap spans:   %u in use, %llu bytes\n", h->nspans, (unsigned long long)h->inuse_bytes);
        fprintf(fp, "Heap objects: %u allocated, %llu bytes\n", h->nobjects, (unsigned long long)h->alloc_bytes);
        if (h->unreadable_spans + h->bad_spans + h->spans_without_allocbits)
            fprintf(fp, "Warnings:     %llu unreadable spans, %llu inconsistent spans, %llu spans without "
                        "allocation bits\n",
                    (unsigned long long)h->unreadable_spans, (unsigned long long)h->bad_spans,
                    (unsigned long long)h->spans_without_allocbits);
    }
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
    session_opts so = {.force = a.force};
    if (!cli_open_session(&a.src, &s, &so, &err))
        return cli_report(&err);
    if ((!a.no_heap && !session_load_heap(&s, &err)) || !rt_num_goroutine(s.rt, &d.goroutines, &err) ||
        !rt_goroutines(s.rt, &d.gs, &d.ngs, &err) || !outfile_open(&of, a.output, &err))
        goto fail;
    if (a.json)
        write_json(of.fp, &s, &d);
    else
        write_text(of.fp, &s, &d);
    if (!outfile_commit(&of, &err))
        goto fail;
    session_warn_partial(&s);
    free(d.gs);
    session_close(&s);
    return GHF_EXIT_OK;
fail:
    outfile_abort(&of);
    free(d.gs);
    session_close(&s);
    return cli_report(&err);
}
