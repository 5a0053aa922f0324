/* output_diff.c — a differential tree (goheapflame diff) as JSON and as the
 * growth table (include/output.h). */
#include "output.h"

#include <inttypes.h>
#include <string.h>

#include "render.h"

/* The path of names from the root frame down to node, as a JSON array:
 * written from a stack of the ancestors (the tree's depth, no recursion). */
static bool json_path(const wdiff *d, uint32_t node, FILE *fp, wdiff_list *up, ghf_err *err)
{
    up->n = 0;
    for (uint32_t v = node; v != WTREE_ROOT; v = d->t.nodes.v[v].parent)
        if (!VEC_PUSH(up, v, err))
            return false;
    fputc('[', fp);
    for (size_t i = up->n; i-- > 0;) {
        output_json_string(fp, wtree_name(&d->t, up->v[i]));
        if (i > 0)
            fputc(',', fp);
    }
    fputc(']', fp);
    return true;
}

static void json_figures(const wdiff *d, uint32_t node, FILE *fp)
{
    const wtree_node *n = &d->t.nodes.v[node];
    const wdiff_side *o = &d->old.v[node];
    fprintf(fp, "\"old_bytes\":%" PRIu64 ",\"new_bytes\":%" PRIu64 ",\"delta_bytes\":%" PRId64
                ",\"old_objects\":%" PRIu64 ",\"new_objects\":%" PRIu64 ",\"delta_objects\":%" PRId64,
            o->total_bytes, n->total_bytes, wdiff_delta_bytes(d, node), o->total_count, n->total_count,
            wdiff_delta_count(d, node));
}

static bool json_rows(const wdiff *d, FILE *fp, const wdiff_list *rows, wdiff_list *up, ghf_err *err)
{
    fputc('[', fp);
    for (size_t i = 0; i < rows->n; i++) {
        fputs(i ? ",\n{\"path\":" : "\n{\"path\":", fp);
        if (!json_path(d, rows->v[i], fp, up, err))
            return false;
        fputc(',', fp);
        json_figures(d, rows->v[i], fp);
        fputc('}', fp);
    }
    fputc(']', fp);
    return true;
}

static void json_side(FILE *fp, const char *key, const char *name, uint64_t bytes, uint64_t objects)
{
    fprintf(fp, "\"%s\":{\"name\":", key);
    output_json_string(fp, name ? name : key);
    fprintf(fp, ",\"total_bytes\":%" PRIu64 ",\"total_objects\":%" PRIu64 "},\n", bytes, objects);
}

bool output_diff_json(const wdiff *d, FILE *fp, const output_diff_opts *o, ghf_err *err)
{
    wdiff_list top = {0}, shrunk = {0}, gone = {0};
    wdiff_list up = {0};
    bool ok = wdiff_top(d, o->top, WDIFF_GREW, &top, err) && wdiff_top(d, o->top, WDIFF_SHRANK, &shrunk, err) &&
              wdiff_vanished(d, &gone, err);
    const wtree_node *root = &d->t.nodes.v[WTREE_ROOT];
    if (ok) {
        fputs("{\"title\":", fp);
        output_json_string(fp, o->title ? o->title : "");
        fputs(",\"unit\":\"bytes\",\n", fp);
        json_side(fp, "old", o->old_name, d->old.v[WTREE_ROOT].total_bytes, d->old.v[WTREE_ROOT].total_count);
        json_side(fp, "new", o->new_name, root->total_bytes, root->total_count);
        fprintf(fp, "\"delta_bytes\":%" PRId64 ",\"delta_objects\":%" PRId64 ",\n\"top\":",
                wdiff_delta_bytes(d, WTREE_ROOT), wdiff_delta_count(d, WTREE_ROOT));
        ok = json_rows(d, fp, &top, &up, err);
    }
    if (ok) {
        fputs(",\n\"shrunk\":", fp);
        ok = json_rows(d, fp, &shrunk, &up, err);
    }
    if (ok) {
        fputs(",\n\"vanished\":", fp);
        ok = json_rows(d, fp, &gone, &up, err);
    }
    if (ok) {
        fputs(",\n\"frames\":[", fp);
        for (uint32_t i = 1; i < d->t.nodes.n && ok; i++) {
            const wtree_node *n = &d->t.nodes.v[i];
            const wdiff_side *s = &d->old.v[i];
            fprintf(fp, "%s{\"id\":%" PRIu32 ",\"parent\":%" PRId64 ",\"name\":", i > 1 ? ",\n" : "\n", i,
                    n->parent == WTREE_ROOT ? (int64_t)-1 : (int64_t)n->parent);
            output_json_string(fp, wtree_name(&d->t, i));
            fprintf(fp, ",\"kind\":\"%s\"", output_kind_name(n->kind));
            const char *tk = output_type_kind_name(n->type_kind);
            if (tk)
                fprintf(fp, ",\"type_kind\":\"%s\"", tk);
            fprintf(fp, ",\"status\":\"%s\",", n->total_bytes == 0 && s->total_bytes > 0 ? "vanished"
                                               : s->total_bytes == 0 && n->total_bytes > 0 ? "new" : "both");
            json_figures(d, i, fp);
            fprintf(fp, ",\"old_self_bytes\":%" PRIu64 ",\"new_self_bytes\":%" PRIu64 "}", s->self_bytes,
                    n->self_bytes);
            ok = !ferror(fp) || output_check(fp, err);
        }
        fputs("]}\n", fp);
    }
    ok = ok && output_check(fp, err);
    VEC_FREE(&top);
    VEC_FREE(&shrunk);
    VEC_FREE(&gone);
    VEC_FREE(&up);
    return ok;
}

/* "+1,234,567" / "−1,234" / "0" */
static void signed_digits(int64_t v, char *buf, size_t cap)
{
    char digits[32];
    wtree_group_digits(v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, digits, sizeof digits);
    snprintf(buf, cap, "%s%s", v > 0 ? "+" : v < 0 ? "-" : "", digits);
}

static void table_row(const wdiff *d, uint32_t node, FILE *fp)
{
    const wtree_node *n = &d->t.nodes.v[node];
    const wdiff_side *o = &d->old.v[node];
    char delta[48], human[32], ob[32], nb[32], oc[32], nc[32], path[4096];
    int64_t db = wdiff_delta_bytes(d, node);
    signed_digits(db, delta, sizeof delta);
    render_human_bytes(db < 0 ? (uint64_t)0 - (uint64_t)db : (uint64_t)db, human, sizeof human);
    wtree_group_digits(o->total_bytes, ob, sizeof ob);
    wtree_group_digits(n->total_bytes, nb, sizeof nb);
    wtree_group_digits(o->total_count, oc, sizeof oc);
    wtree_group_digits(n->total_count, nc, sizeof nc);
    size_t full = wdiff_path(d, node, " > ", path, sizeof path);
    fprintf(fp, "  %14s %11s  %14s -> %-14s %10s -> %-10s %s%s\n", delta, human, ob, nb, oc, nc, path,
            full >= sizeof path ? "..." : "");
}

bool output_diff_table(const wdiff *d, FILE *fp, const output_diff_opts *o, ghf_err *err)
{
    wdiff_list top = {0}, shrunk = {0}, gone = {0};
    bool ok = wdiff_top(d, o->top, WDIFF_GREW, &top, err) && wdiff_top(d, o->top, WDIFF_SHRANK, &shrunk, err) &&
              wdiff_vanished(d, &gone, err);
    if (ok) {
        const wtree_node *root = &d->t.nodes.v[WTREE_ROOT];
        const wdiff_side *oroot = &d->old.v[WTREE_ROOT];
        char oh[32], nh[32], delta[48], dh[32];
        render_human_bytes(oroot->total_bytes, oh, sizeof oh);
        render_human_bytes(root->total_bytes, nh, sizeof nh);
        int64_t db = wdiff_delta_bytes(d, WTREE_ROOT);
        signed_digits(db, delta, sizeof delta);
        render_human_bytes(db < 0 ? (uint64_t)0 - (uint64_t)db : (uint64_t)db, dh, sizeof dh);
        fprintf(fp, "Retained: %s (%s) -> %s (%s): %s bytes (%s%s)\n", oh, o->old_name ? o->old_name : "OLD", nh,
                o->new_name ? o->new_name : "NEW", delta, db < 0 ? "-" : db > 0 ? "+" : "", dh);
        const char *head = "  %14s %11s  %14s    %-14s %10s    %-10s %s\n";
        if (top.n > 0) {
            fprintf(fp, "\nLargest growth (retained bytes; each row is the deepest frame that holds all of one growth):\n");
            fprintf(fp, head, "delta bytes", "", "old bytes", "new bytes", "old objs", "new objs", "root path");
            for (size_t i = 0; i < top.n; i++)
                table_row(d, top.v[i], fp);
        } else {
            fprintf(fp, "\nNothing grew.\n");
        }
        if (shrunk.n > 0) {
            fprintf(fp, "\nLargest shrinkage (frames still present):\n");
            fprintf(fp, head, "delta bytes", "", "old bytes", "new bytes", "old objs", "new objs", "root path");
            for (size_t i = 0; i < shrunk.n; i++)
                table_row(d, shrunk.v[i], fp);
        }
        if (gone.n > 0) {
            fprintf(fp, "\nVanished (retained bytes in OLD, none in NEW):\n");
            fprintf(fp, head, "delta bytes", "", "old bytes", "new bytes", "old objs", "new objs", "root path");
            size_t show = gone.n < o->top ? gone.n : o->top;
            for (size_t i = 0; i < show; i++)
                table_row(d, gone.v[i], fp);
            if (gone.n > show)
                fprintf(fp, "  ... and %zu more (--top N shows more; --json lists them all)\n", gone.n - show);
        }
        ok = output_check(fp, err);
    }
    VEC_FREE(&top);
    VEC_FREE(&shrunk);
    VEC_FREE(&gone);
    return ok;
}
