/* output_folded.c — `frame;frame;... N` lines (include/output.h). */
#include "output.h"

#include <inttypes.h>
#include <string.h>

typedef struct folded_ctx {
    FILE *fp;
    const output_opts *o;
    VEC(char) path;        /* escaped frames of the current node, ';'-joined */
    VEC(size_t) marks;     /* path length before each frame on the path */
    ghf_err *err;
} folded_ctx;

static bool folded_visit(const wtree *t, uint32_t node, uint32_t depth, bool enter, void *vctx)
{
    folded_ctx *c = vctx;
    if (node == WTREE_ROOT)
        return true;
    if (!enter) {
        c->path.n = c->marks.v[--c->marks.n];
        return true;
    }
    const char *name = wtree_name(t, node);
    size_t len = strlen(name);
    if (!VEC_PUSH(&c->marks, c->path.n, c->err) ||
        !VEC_RESERVE(&c->path, c->path.n + 2 * len + 2, c->err))
        return false;
    if (depth > 1)
        c->path.v[c->path.n++] = ';';
    c->path.n += output_escape_frame(name, c->path.v + c->path.n, false);
    uint64_t w = output_self_weight(t, node, c->o);
    if (c->o != NULL && c->o->old != NULL) { /* differential: OLD NEW */
        const wdiff_side *old = &c->o->old[node];
        uint64_t ow = c->o->weight == OUTPUT_WEIGHT_COUNT ? old->self_count : old->self_bytes;
        if (ow != 0 || w != 0) {
            fwrite(c->path.v, 1, c->path.n, c->fp);
            fprintf(c->fp, " %" PRIu64 " %" PRIu64 "\n", ow, w);
        }
    } else if (w != 0) {
        fwrite(c->path.v, 1, c->path.n, c->fp);
        fprintf(c->fp, " %" PRIu64 "\n", w);
    }
    return !ferror(c->fp) || output_check(c->fp, c->err);
}

bool output_folded(const wtree *t, FILE *fp, const output_opts *o, ghf_err *err)
{
    folded_ctx c = {.fp = fp, .o = o, .err = err};
    bool ok = output_walk(t, folded_visit, &c) && output_check(fp, err);
    VEC_FREE(&c.path);
    VEC_FREE(&c.marks);
    return ok;
}
