/* cli_path.c — `goheapflame path`: why is this object alive?
 *
 *   goheapflame path CORE EXE (--type REGEX | --addr 0x...) [--max N] [--json]
 *
 * For each matching reachable object (the ones retaining the most first):
 * its dominator path (the chain of objects each of which alone keeps it
 * alive, up to its root or "[shared] a + b") and the shortest reference path
 * from a GC root (breadth-first over the graph from every root, in root
 * order; flat arrays, no recursion), each hop named by the field of the
 * holder it goes through where DWARF says (".sess", "[].next").
 * Exit 1 when nothing matches.
 */
#include <getopt.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "domtree.h"
#include "graph.h"
#include "outfile.h"
#include "render.h"
#include "session.h"

#define PATH_DEFAULT_MAX 3

static void path_usage(FILE *fp)
{
    fprintf(fp,
        "Usage: goheapflame path [OPTIONS] CORE EXE (--type REGEX | --addr ADDR)\n"
        "       goheapflame path [OPTIONS] --pid PID [EXE] (--type REGEX | --addr ADDR)\n"
        "\n"
        "Why is this alive: for each matching heap object, its dominator path (the objects\n"
        "each of which alone keeps it alive, down to its GC root) and the shortest path of\n"
        "references from a GC root to it, with the field of each holder where DWARF names it.\n"
        "Exit status 1 when no reachable object matches.\n"
        "\n"
        "Options:\n"
        "  --type REGEX    objects whose type matches REGEX (POSIX extended), those that\n"
        "                  retain the most first\n"
        "  --addr ADDR     the object containing address ADDR (hex 0x... or decimal)\n"
        "  --max N         at most N objects (default 3)\n"
        "  --json          JSON instead of text\n"
        "  -o, --output F  write to F instead of standard output (no partial file on failure)\n"
        "  --force         accept an executable whose build ID differs from the core's,\n"
        "                  and Go versions outside 1.19-1.27\n"
        "  -h, --help      this text\n"
        CLI_SOURCE_HELP CLI_PROGRESS_HELP);
}

typedef struct path_ctx {
    session *s;
    const ghf_graph *g;
    const domtree *d;
    FILE *fp;
    bool json;
} path_ctx;

/* The field of node u through which it points at node v (".sess", "[]"),
 * into buf; "" when DWARF does not say or u does not point at v directly. */
static void hop_field(const path_ctx *c, uint32_t u, uint32_t v, char *buf, size_t cap)
{
    const heap *h = c->s->heap;
    const roots *r = &c->s->roots;
    uint32_t nroots = c->g->nroots;
    buf[0] = '\0';
    if (u >= c->g->nnodes || v < nroots)
        return;
    uint32_t vo = v - nroots;
    if (u < nroots) {
        root_edge_iter it;
        root_edge re;
        for (roots_edge_iter_at(r, r->edges.first[u], &it); it.i < r->edges.first[u + 1] && roots_edge_next(&it, &re);)
            if (re.obj == vo) { /* u's edges only: they are sorted by root */
                if (re.var_type && re.slot >= re.var_addr)
                    types_path_in(h->rt->dw, re.var_type, re.slot - re.var_addr, buf, cap);
                return;
            }
        return;
    }
    uint32_t uo = u - nroots;
    for (uint64_t e = h->edge_off[uo]; e < h->edge_off[uo + 1]; e++)
        if (h->edge_dst[e] == vo) {
            types_field_path(&c->s->types, h, h->rt->dw, uo, h->edge_src_off[e], buf, cap);
            return;
        }
}

static const char *root_kind_name(uint8_t k)
{
    return k == ROOT_GLOBAL ? "global" : k == ROOT_STACK ? "stack" : "other";
}

/* One element of a path: root or object, with the field its holder uses. */
static void write_step(const path_ctx *c, uint32_t prev, uint32_t v, bool first)
{
    char field[256] = "";
    if (prev != DOM_SUPER)
        hop_field(c, prev, v, field, sizeof field);
    uint32_t nroots = c->g->nroots;
    const heap *h = c->s->heap;
    if (c->json) {
        fputs(first ? "{" : ",{", c->fp);
        if (v < nroots) {
            fprintf(c->fp, "\"kind\":\"root\",\"root_kind\":\"%s\",\"name\":",
                    root_kind_name(c->s->roots.list.v[v].kind));
            json_write_string(c->fp, root_name(&c->s->roots, v));
        } else {
            uint32_t o = v - nroots;
            fprintf(c->fp, "\"kind\":\"object\",\"address\":\"0x%llx\",\"size\":%llu,\"type\":",
                    (unsigned long long)h->obj_addr[o], (unsigned long long)heap_obj_size(h, o));
            json_write_string(c->fp, types_label(&c->s->types, o));
        }
        fputs(",\"field\":", c->fp);
        if (field[0])
            json_write_string(c->fp, field);
        else
            fputs("null", c->fp);
        fputc('}', c->fp);
        return;
    }
    fprintf(c->fp, "    %s", first ? "" : "-> ");
    if (field[0])
        fprintf(c->fp, "%s ", field);
    if (v < nroots)
        fprintf(c->fp, "%s (%s root)\n", root_name(&c->s->roots, v), root_kind_name(c->s->roots.list.v[v].kind));
    else
        fprintf(c->fp, "%s @ 0x%llx\n", types_label(&c->s->types, v - nroots),
                (unsigned long long)h->obj_addr[v - nroots]);
}

/* Nodes from the top (root side) to v along parent links, into buf
 * (reversed in place); returns how many. */
static size_t chain(const uint32_t *parent, uint32_t v, uint32_t *buf, size_t cap)
{
    size_t n = 0;
    while (v < DOM_SUPER && n < cap) {
        buf[n++] = v;
        v = parent[v];
    }
    for (size_t i = 0; i < n / 2; i++) {
        uint32_t t = buf[i];
        buf[i] = buf[n - 1 - i];
        buf[n - 1 - i] = t;
    }
    return n;
}

static void write_object(const path_ctx *c, uint32_t v, const uint32_t *pred, uint32_t *buf, size_t cap, bool first)
{
    const heap *h = c->s->heap;
    uint32_t o = v - c->g->nroots;
    size_t nd = chain(c->d->idom, v, buf, cap);
    const dom_shared *sh = c->d->idom[buf[0]] == DOM_SUPER && buf[0] >= c->g->nroots ? domtree_shared(c->d, buf[0])
                                                                                      : NULL;
    bool shared = buf[0] >= c->g->nroots;
    if (c->json) {
        fprintf(c->fp, "%s{\"address\":\"0x%llx\",\"size\":%llu,\"retained\":%llu,\"type\":", first ? "" : ",\n",
                (unsigned long long)h->obj_addr[o], (unsigned long long)heap_obj_size(h, o),
                (unsigned long long)c->d->retained[v]);
        json_write_string(c->fp, types_label(&c->s->types, o));
        fputs(",\"shared_by\":", c->fp);
        if (shared) {
            fputc('[', c->fp);
            uint32_t named = sh ? (sh->nroots < DOM_SHARE_K ? sh->nroots : DOM_SHARE_K) : 0;
            for (uint32_t i = 0; i < named; i++) {
                if (i)
                    fputc(',', c->fp);
                json_write_string(c->fp, root_name(&c->s->roots, sh->roots[i]));
            }
            fprintf(c->fp, "],\"shared_more\":%s", sh && sh->nroots > DOM_SHARE_K ? "true" : "false");
        } else {
            fputs("null", c->fp);
        }
        fputs(",\"dominator_path\":[", c->fp);
        for (size_t i = 0; i < nd; i++)
            write_step(c, i ? buf[i - 1] : DOM_SUPER, buf[i], i == 0);
        fputs("],\"shortest_path\":[", c->fp);
        size_t ns = chain(pred, v, buf, cap);
        for (size_t i = 0; i < ns; i++)
            write_step(c, i ? buf[i - 1] : DOM_SUPER, buf[i], i == 0);
        fputs("]}", c->fp);
        return;
    }
    char size[32], ret[32];
    render_human_bytes(heap_obj_size(h, o), size, sizeof size);
    render_human_bytes(c->d->retained[v], ret, sizeof ret);
    fprintf(c->fp, "%s0x%llx %s (%s; retains %s)\n", first ? "" : "\n", (unsigned long long)h->obj_addr[o],
            types_label(&c->s->types, o), size, ret);
    fputs("  dominator path (each one alone keeps it alive):\n", c->fp);
    if (shared) {
        fputs("    [shared] held by several roots:", c->fp);
        uint32_t named = sh ? (sh->nroots < DOM_SHARE_K ? sh->nroots : DOM_SHARE_K) : 0;
        for (uint32_t i = 0; i < named; i++)
            fprintf(c->fp, "%s %s", i ? " +" : "", root_name(&c->s->roots, sh->roots[i]));
        fputs(sh && sh->nroots > DOM_SHARE_K ? " + more\n" : "\n", c->fp);
    }
    for (size_t i = 0; i < nd; i++)
        write_step(c, i ? buf[i - 1] : DOM_SUPER, buf[i], i == 0 && !shared);
    size_t ns = chain(pred, v, buf, cap);
    fprintf(c->fp, "  shortest path from a GC root (%zu reference%s):\n", ns - 1, ns == 2 ? "" : "s");
    for (size_t i = 0; i < ns; i++)
        write_step(c, i ? buf[i - 1] : DOM_SUPER, buf[i], i == 0);
}

/* Breadth-first from every root in root order: pred[v] = the node through
 * which v was first reached (DOM_SUPER for roots, DOM_UNREACHABLE if none). */
static uint32_t *bfs_preds(const ghf_graph *g, ghf_err *err)
{
    uint32_t *pred = malloc(((size_t)g->nnodes + 1) * sizeof *pred);
    uint32_t *queue = malloc(((size_t)g->nnodes + 1) * sizeof *queue);
    if (pred == NULL || queue == NULL) {
        free(pred);
        free(queue);
        ghf_fail(err, GHF_EXIT_INTERNAL, "out of memory for the shortest paths");
        return NULL;
    }
    memset(pred, 0xff, ((size_t)g->nnodes + 1) * sizeof *pred); /* DOM_UNREACHABLE */
    size_t head = 0, tail = 0;
    for (uint32_t r = 0; r < g->nroots; r++) {
        pred[r] = DOM_SUPER;
        queue[tail++] = r;
    }
    while (head < tail) {
        uint32_t u = queue[head++];
        for (uint64_t e = g->off[u]; e < g->off[u + 1]; e++) {
            uint32_t v = g->dst[e];
            if (pred[v] == DOM_UNREACHABLE) {
                pred[v] = u;
                queue[tail++] = v;
            }
        }
    }
    free(queue);
    return pred;
}

typedef struct pick {
    uint32_t node;
    uint64_t retained;
} pick;

static int cmp_pick(const void *a, const void *b)
{
    const pick *x = a, *y = b;
    if (x->retained != y->retained)
        return x->retained > y->retained ? -1 : 1;
    return x->node < y->node ? -1 : x->node > y->node;
}

int cmd_path(int argc, char **argv)
{
    enum { O_TYPE = 256, O_ADDR, O_MAX, O_JSON, O_FORCE, O_PROGRESS, O_NOPROGRESS };
    static const struct option longopts[] = {
        {"type", required_argument, NULL, O_TYPE}, {"addr", required_argument, NULL, O_ADDR},
        {"max", required_argument, NULL, O_MAX}, {"json", no_argument, NULL, O_JSON},
        {"output", required_argument, NULL, 'o'}, {"force", no_argument, NULL, O_FORCE},
        {"progress", no_argument, NULL, O_PROGRESS}, {"no-progress", no_argument, NULL, O_NOPROGRESS},
        {"help", no_argument, NULL, 'h'}, CLI_SOURCE_LONGOPTS, {NULL, 0, NULL, 0},
    };
    cli_source src = {0};
    const char *type_re = NULL, *output = "-";
    unsigned long long addr = 0, max = PATH_DEFAULT_MAX;
    bool have_addr = false, json = false, force = false, prog = false;
    int c, li = 0;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:h", longopts, &li)) != -1) {
        switch (c) {
        case O_TYPE: type_re = optarg; break;
        case O_ADDR:
            if (!cli_parse_u64(optarg, &addr))
                goto bad;
            have_addr = true;
            break;
        case O_MAX:
            if (!cli_parse_u64(optarg, &max) || max == 0 || max > 1000000)
                goto bad;
            break;
        case O_JSON: json = true; break;
        case 'o': output = optarg; break;
        case O_FORCE: force = true; break;
        case O_PROGRESS: prog = true; break;
        case O_NOPROGRESS: prog = false; break;
        case 'h': path_usage(stdout); return GHF_EXIT_OK;
        case CLI_O_PID: case CLI_O_EXE: case CLI_O_SAVE_CORE:
            if (!cli_source_option(&src, c, optarg))
                return GHF_EXIT_USAGE;
            break;
        default: return cli_bad_option_in("path", c, argv, longopts);
        }
    }
    if ((type_re == NULL) == !have_addr) {
        fprintf(stderr, "goheapflame: path needs one of --type REGEX or --addr ADDR (see goheapflame path --help)\n");
        return GHF_EXIT_USAGE;
    }
    int rc = cli_source_args(&src, "path", argc, argv, optind);
    if (rc >= 0)
        return rc;
    regex_t re;
    if (type_re != NULL && regcomp(&re, type_re, REG_EXTENDED | REG_NOSUB) != 0) {
        fprintf(stderr, "goheapflame: path: invalid regular expression '%s'\n", type_re);
        return GHF_EXIT_USAGE;
    }
    ghf_err err = {0};
    session s;
    outfile of = {0};
    ghf_graph g = {0};
    domtree d = {0};
    uint32_t *pred = NULL, *buf = NULL;
    pick *picks = NULL;
    size_t npicks = 0, nmatch = 0;
    roots_opts ro = {.registers = true};
    session_opts so = {.force = force, .progress = prog, .field_paths = true};
    rc = GHF_EXIT_OK;
    if (!cli_open_session(&src, &s, &so, &err)) {
        if (type_re != NULL)
            regfree(&re);
        return cli_report(&err);
    }
    if (!session_load_types(&s, &ro, &err) ||
        (session_stage(&s, "building the reference graph"), !graph_build(s.heap, &s.roots, &g, &err)))
        goto fail;
    session_progress(&s, "built the reference graph");
    session_stage(&s, "computing dominators and shortest paths");
    if (!domtree_build(&d, &g, DOM_MODE_DOMINATOR, &err) || (pred = bfs_preds(&g, &err)) == NULL)
        goto fail;
    session_progress(&s, "computed dominators and shortest paths");
    /* the matches, reachable ones only: garbage has no path */
    if (have_addr) {
        uint32_t o = heap_find(s.heap, addr);
        if (o == HEAP_NONE) {
            fprintf(stderr, "goheapflame: path: no allocated heap object at 0x%llx\n", addr);
            rc = 1;
            goto out;
        }
        if (d.idom[g.nroots + o] == DOM_UNREACHABLE) {
            fprintf(stderr, "goheapflame: path: the object at 0x%llx (%s) is not reachable from any root: garbage\n",
                    (unsigned long long)s.heap->obj_addr[o], types_label(&s.types, o));
            rc = 1;
            goto out;
        }
        picks = malloc(sizeof *picks);
        if (picks == NULL) {
            ghf_fail(&err, GHF_EXIT_INTERNAL, "out of memory");
            goto fail;
        }
        picks[npicks++] = (pick){g.nroots + o, d.retained[g.nroots + o]};
        nmatch = 1;
    } else {
        /* one regexec per distinct type label */
        size_t nl = s.types.names.off.n;
        uint8_t *hit = calloc(nl + 1, 1); /* 0 unknown, 1 no, 2 yes */
        picks = malloc(((size_t)s.heap->nobjects + 1) * sizeof *picks);
        if (hit == NULL || picks == NULL) {
            free(hit);
            ghf_fail(&err, GHF_EXIT_INTERNAL, "out of memory");
            goto fail;
        }
        for (uint32_t o = 0; o < s.heap->nobjects; o++) {
            uint32_t v = g.nroots + o, l = s.types.label[o];
            if (d.idom[v] == DOM_UNREACHABLE || l > nl)
                continue;
            if (hit[l] == 0)
                hit[l] = regexec(&re, types_label(&s.types, o), 0, NULL, 0) == 0 ? 2 : 1;
            if (hit[l] == 2)
                picks[npicks++] = (pick){v, d.retained[v]};
        }
        free(hit);
        nmatch = npicks;
        if (npicks == 0) {
            fprintf(stderr, "goheapflame: path: no reachable object's type matches '%s'\n", type_re);
            rc = 1;
            goto out;
        }
        qsort(picks, npicks, sizeof *picks, cmp_pick);
        if (npicks > max)
            npicks = max;
    }
    size_t cap = (size_t)g.nnodes + 1;
    if ((buf = malloc(cap * sizeof *buf)) == NULL) {
        ghf_fail(&err, GHF_EXIT_INTERNAL, "out of memory");
        goto fail;
    }
    if (!outfile_open(&of, output, &err))
        goto fail;
    path_ctx ctx = {.s = &s, .g = &g, .d = &d, .fp = of.fp, .json = json};
    if (json)
        fprintf(of.fp, "{\"matched\":%zu,\"objects\":[", nmatch);
    else if (nmatch > npicks)
        fprintf(of.fp, "%zu objects match; the %zu that retain the most (--max N shows more):\n\n", nmatch, npicks);
    for (size_t i = 0; i < npicks; i++)
        write_object(&ctx, picks[i].node, pred, buf, cap, i == 0);
    if (json)
        fputs("]}\n", of.fp);
    if (!outfile_commit(&of, &err))
        goto fail;
    progress_wrote(&s.prog, output);
    session_warn_partial(&s);
out:
    if (type_re != NULL)
        regfree(&re);
    free(picks);
    free(buf);
    free(pred);
    domtree_free(&d);
    graph_free(&g);
    session_close(&s);
    return rc;
fail:
    outfile_abort(&of);
    rc = cli_report(&err);
    goto out;
bad:
    fprintf(stderr, "goheapflame: invalid value '%s' for --%s (see goheapflame path --help)\n", optarg,
            longopts[li].name);
    return GHF_EXIT_USAGE;
}
