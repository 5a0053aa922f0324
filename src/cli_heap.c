/* cli_heap.c — `objects`, `histogram` and `roots`: the heap as tables. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "graph.h"
#include "outfile.h"
#include "session.h"

static void common_options(FILE *fp)
{
    fprintf(fp,
        "Options:\n"
        "  --json          JSON instead of text\n"
        "  -o, --output F  write to F instead of standard output (no partial file on failure)\n"
        "  --force         accept an executable whose build ID differs from the core's,\n"
        "                  and Go versions outside 1.19-1.27\n"
        "  -h, --help      this text\n"
        CLI_SOURCE_HELP CLI_PROGRESS_HELP);
}

static void objects_usage(FILE *fp)
{
    fprintf(fp, "Usage: goheapflame objects [OPTIONS] CORE EXE\n"
                "       goheapflame objects [OPTIONS] --pid PID [EXE]\n\n"
                "List every allocated heap object: address, size, pointers to other objects, type.\n\n");
    common_options(fp);
    fprintf(fp, "  --edges         also list the address of every object each one points to\n");
}

static void histogram_usage(FILE *fp)
{
    fprintf(fp, "Usage: goheapflame histogram [OPTIONS] CORE EXE\n"
                "       goheapflame histogram [OPTIONS] --pid PID [EXE]\n\n"
                "Objects and bytes per type, largest first (every allocated object, reachable or not).\n\n");
    common_options(fp);
}

static void roots_usage(FILE *fp)
{
    fprintf(fp, "Usage: goheapflame roots [OPTIONS] CORE EXE\n"
                "       goheapflame roots [OPTIONS] --pid PID [EXE]\n\n"
                "List the GC roots that hold heap objects: kind, name, declared type, and the bytes\n"
                "of the distinct objects each references directly. A stack object is one root, typed\n"
                "[N]T when a pointer into it says it holds N values of T; `also` names the other\n"
                "variables pointing into it.\n\n");
    common_options(fp);
}

typedef void (*table_fn)(FILE *fp, session *s, const cli_core_args *a);

/* Open the session, load types, write through an outfile: shared plumbing. */
static int run_table(int argc, char **argv, void (*usage)(FILE *), table_fn write)
{
    cli_core_args a;
    int rc = cli_parse_core_args(argc, argv, &a, usage);
    if (rc >= 0)
        return rc;
    ghf_err err = {0};
    session s;
    outfile of = {0};
    session_opts so = {.force = a.force, .progress = a.progress};
    if (!cli_open_session(&a.src, &s, &so, &err))
        return cli_report(&err);
    if (!session_load_types(&s, NULL, &err) || !outfile_open(&of, a.output, &err))
        goto fail;
    write(of.fp, &s, &a);
    if (!outfile_commit(&of, &err))
        goto fail;
    progress_wrote(&s.prog, a.output);
    session_warn_partial(&s);
    session_close(&s);
    return GHF_EXIT_OK;
fail:
    outfile_abort(&of);
    session_close(&s);
    return cli_report(&err);
}

static void write_targets(FILE *fp, const heap *h, uint32_t i, bool json)
{
    for (uint64_t e = h->edge_off[i]; e < h->edge_off[i + 1]; e++)
        fprintf(fp, json ? "%s\"0x%llx\"" : "%s0x%llx", e == h->edge_off[i] ? "" : json ? "," : " ",
                (unsigned long long)h->obj_addr[h->edge_dst[e]]);
}

static void write_objects(FILE *fp, session *s, const cli_core_args *a)
{
    const heap *h = s->heap;
    bool json = a->json;
    /* reachable from a root, as the GC's mark would find it */
    ghf_graph g;
    ghf_err err = {0};
    uint8_t *mark = NULL;
    if (graph_build(h, &s->roots, &g, &err)) {
        mark = malloc((size_t)g.nnodes + 1);
        if (mark != NULL && !graph_reachable(&g, mark, &err)) {
            free(mark);
            mark = NULL;
        }
    }
    uint32_t nroots = g.nroots;
    if (json)
        fputc('[', fp);
    else
        fprintf(fp, "%-18s %10s %8s %9s  %s\n", "address", "size", "pointers", "reachable", "type");
    for (uint32_t i = 0; i < h->nobjects; i++) {
        uint64_t nptr = h->edge_off[i + 1] - h->edge_off[i];
        if (json) {
            fprintf(fp, "%s{\"address\":\"0x%llx\",\"size\":%llu,\"pointers\":%llu,\"reachable\":%s,\"type\":",
                    i ? "," : "", (unsigned long long)h->obj_addr[i], (unsigned long long)heap_obj_size(h, i),
                    (unsigned long long)nptr, mark && mark[nroots + i] ? "true" : "false");
            json_write_string(fp, types_label(&s->types, i));
            if (a->edges) {
                fputs(",\"targets\":[", fp);
                write_targets(fp, h, i, true);
                fputc(']', fp);
            }
            fputs("}\n", fp);
        } else {
            fprintf(fp, "0x%016llx %10llu %8llu %9s  %s", (unsigned long long)h->obj_addr[i],
                    (unsigned long long)heap_obj_size(h, i), (unsigned long long)nptr,
                    mark && mark[nroots + i] ? "yes" : "no", types_label(&s->types, i));
            if (a->edges) {
                fputs(" ->", fp);
                if (nptr)
                    fputc(' ', fp);
                write_targets(fp, h, i, false);
            }
            fputc('\n', fp);
        }
    }
    if (json)
        fputs("]\n", fp);
    free(mark);
    graph_free(&g);
}

typedef struct hist_row {
    uint32_t label;
    uint64_t objects, bytes;
    const char *name;
} hist_row;

/* Largest first; equal sizes by name (a label's id is the order the
 * types walk met it in, which a shared walk does not fix). */
static int cmp_hist(const void *a, const void *b)
{
    const hist_row *x = a, *y = b;
    if (x->bytes != y->bytes)
        return x->bytes > y->bytes ? -1 : 1;
    return strcmp(x->name, y->name);
}

static void write_histogram(FILE *fp, session *s, const cli_core_args *a)
{
    bool json = a->json;
    const heap *h = s->heap;
    uint32_t nl = strtab_count(&s->types.names);
    hist_row *rows = calloc(nl ? nl : 1, sizeof *rows);
    if (rows == NULL)
        return;
    for (uint32_t i = 0; i < nl; i++) {
        rows[i].label = i;
        rows[i].name = strtab_get(&s->types.names, i);
    }
    for (uint32_t i = 0; i < h->nobjects; i++) {
        rows[s->types.label[i]].objects++;
        rows[s->types.label[i]].bytes += heap_obj_size(h, i);
    }
    qsort(rows, nl, sizeof *rows, cmp_hist);
    if (json)
        fprintf(fp, "{\"typed_bytes\":%llu,\"unknown_bytes\":%llu,\"types\":[",
                (unsigned long long)s->types.typed_bytes, (unsigned long long)s->types.unknown_bytes);
    else
        fprintf(fp, "%12s %14s  %s\n", "objects", "bytes", "type");
    bool first = true;
    for (uint32_t i = 0; i < nl; i++) {
        if (rows[i].objects == 0)
            continue;
        const char *name = strtab_get(&s->types.names, rows[i].label);
        if (json) {
            fprintf(fp, "%s{\"type\":", first ? "" : ",");
            json_write_string(fp, name);
            fprintf(fp, ",\"objects\":%llu,\"bytes\":%llu}", (unsigned long long)rows[i].objects,
                    (unsigned long long)rows[i].bytes);
        } else {
            fprintf(fp, "%12llu %14llu  %s\n", (unsigned long long)rows[i].objects,
                    (unsigned long long)rows[i].bytes, name);
        }
        first = false;
    }
    if (json)
        fputs("]}\n", fp);
    else
        fprintf(fp, "typed: %llu bytes, unknown type: %llu bytes\n", (unsigned long long)s->types.typed_bytes,
                (unsigned long long)s->types.unknown_bytes);
    free(rows);
}

static const char *kind_name(uint8_t k)
{
    return k == ROOT_GLOBAL ? "global" : k == ROOT_STACK ? "stack" : "other";
}

static void write_roots(FILE *fp, session *s, const cli_core_args *a)
{
    bool json = a->json;
    const roots *r = &s->roots;
    const heap *h = s->heap;
    if (json)
        fputc('[', fp);
    else
        fprintf(fp, "%-7s %14s  %-50s %s\n", "kind", "direct bytes", "name", "type");
    /* seen[obj] == root id + 1: counted for this root already */
    uint32_t *seen = calloc((size_t)h->nobjects + 1, sizeof *seen);
    if (seen == NULL)
        return;
    root_edge_iter it;
    roots_edge_iter_at(r, 0, &it);
    for (uint32_t id = 0; id < r->list.n; id++) {
        uint64_t bytes = 0;
        root_edge re;
        for (size_t e = r->edges.first[id]; e < r->edges.first[id + 1] && roots_edge_next(&it, &re); e++) {
            uint32_t o = re.obj; /* edges are sorted by root: this root's, in order */
            if (seen[o] != id + 1) {
                seen[o] = id + 1;
                bytes += heap_obj_size(h, o);
            }
        }
        const root *rt = &r->list.v[id];
        const dwx_type *t = dwx_type_get(s->dw, rt->type);
        char tn[600];
        /* a stack object typed by a pointer into it: count values of the pointee */
        if (rt->count > 1)
            snprintf(tn, sizeof tn, "[%llu]%s", (unsigned long long)rt->count, t && t->name[0] ? t->name : "?");
        else
            snprintf(tn, sizeof tn, "%s", t && t->name[0] ? t->name : "");
        const char *also = rt->also ? strtab_get(&r->notes, rt->also - 1) : NULL;
        if (json) {
            fprintf(fp, "%s{\"kind\":\"%s\",\"name\":", id ? "," : "", kind_name(rt->kind));
            json_write_string(fp, root_name(r, id));
            fprintf(fp, ",\"type\":");
            json_write_string(fp, tn);
            if (also != NULL) {
                fprintf(fp, ",\"also\":");
                json_write_string(fp, also);
            }
            fprintf(fp, ",\"direct_bytes\":%llu}\n", (unsigned long long)bytes);
        } else {
            fprintf(fp, "%-7s %14llu  %-50s %s%s%s%s\n", kind_name(rt->kind), (unsigned long long)bytes,
                    root_name(r, id), tn, also ? " (also " : "", also ? also : "", also ? ")" : "");
        }
    }
    if (json)
        fputs("]\n", fp);
    free(seen);
}

int cmd_objects(int argc, char **argv) { return run_table(argc, argv, objects_usage, write_objects); }
int cmd_histogram(int argc, char **argv) { return run_table(argc, argv, histogram_usage, write_histogram); }
int cmd_roots(int argc, char **argv) { return run_table(argc, argv, roots_usage, write_roots); }
