/* wdiff.c — two weighted trees matched by frame identity (include/wdiff.h). */
#include "wdiff.h"

#include <stdlib.h>
#include <string.h>

void wdiff_free(wdiff *d)
{
    wtree_free(&d->t);
    VEC_FREE(&d->old);
}

/* Copy the frame `src_node` of src (whose parent is already mapped to
 * `parent` in d->t) into d->t; *out is the node in d->t. */
static bool copy_frame(wdiff *d, const wtree *src, uint32_t src_node, uint32_t parent, uint32_t *out,
                       ghf_err *err)
{
    const char *name = wtree_name(src, src_node);
    size_t had = d->t.nodes.n;
    if (!wtree_child(&d->t, parent, name, strlen(name), out, err))
        return false;
    if (d->t.nodes.n > had) { /* a frame the other tree did not have: take its kind */
        const wtree_node *s = &src->nodes.v[src_node];
        wtree_node *n = &d->t.nodes.v[*out];
        n->kind = s->kind;
        n->type_kind = s->type_kind;
        n->ntypes = s->ntypes;
        wdiff_side zero = {0};
        if (!VEC_PUSH(&d->old, zero, err))
            return false;
    }
    return true;
}

bool wdiff_build(wdiff *d, const wtree *old, const wtree *new_, ghf_err *err)
{
    memset(d, 0, sizeof *d);
    uint32_t *map = NULL;
    wdiff_side zero = {0};
    if (!wtree_init(&d->t, err) || !VEC_PUSH(&d->old, zero, err))
        goto fail;
    d->t.objects = new_->objects || old->objects;
    /* NEW first, in id order (a parent precedes its children): the copy
     * keeps NEW's node ids. */
    for (uint32_t i = 1; i < new_->nodes.n; i++) {
        uint32_t id;
        if (!copy_frame(d, new_, i, new_->nodes.v[i].parent, &id, err))
            goto fail;
        if (id != i) {
            ghf_fail(err, GHF_EXIT_INTERNAL, "diff: frame %u of the new tree is not unique", i);
            goto fail;
        }
        const wtree_node *s = &new_->nodes.v[i];
        wtree_add(&d->t, id, s->self_bytes, s->self_count);
        d->t.nodes.v[id].ntypes = s->ntypes;
    }
    /* OLD: find each frame in the union by its parent's match and its name. */
    map = ghf_xcalloc(old->nodes.n ? old->nodes.n : 1, sizeof *map, err);
    if (map == NULL)
        goto fail;
    map[0] = WTREE_ROOT;
    for (uint32_t i = 1; i < old->nodes.n; i++)
        if (!copy_frame(d, old, i, map[old->nodes.v[i].parent], &map[i], err))
            goto fail;
    for (uint32_t i = 0; i < old->nodes.n; i++) {
        const wtree_node *s = &old->nodes.v[i];
        wdiff_side *o = &d->old.v[map[i]];
        o->self_bytes += s->self_bytes; /* (parent, name) is unique in old: one match each */
        o->self_count += s->self_count;
        o->total_bytes += s->total_bytes;
        o->total_count += s->total_count;
    }
    free(map);
    wtree_finish(&d->t);
    return true;
fail:
    free(map);
    wdiff_free(d);
    return false;
}

double wdiff_ratio(const wdiff *d, uint32_t node)
{
    uint64_t n = d->t.nodes.v[node].total_bytes, o = d->old.v[node].total_bytes;
    uint64_t big = n > o ? n : o;
    if (big == 0 || n == o)
        return 0;
    return n > o ? (double)(n - o) / (double)big : -(double)(o - n) / (double)big;
}

typedef struct rank_ctx {
    const wdiff *d;
    bool by_old;        /* rank by OLD's retained bytes, else by the change */
    int sign;           /* the change's sign: larger |change| first */
    uint32_t *depth;    /* of every node, so that ties cost O(1) however deep the tree */
} rank_ctx;

static int by_change(const void *a, const void *b, void *vctx);

/* Rank list by c (depths computed here: parents precede children). */
static bool rank(rank_ctx *c, wdiff_list *list, ghf_err *err)
{
    c->depth = ghf_xcalloc(c->d->t.nodes.n, sizeof *c->depth, err);
    if (c->depth == NULL)
        return false;
    for (uint32_t i = 1; i < c->d->t.nodes.n; i++)
        c->depth[i] = c->depth[c->d->t.nodes.v[i].parent] + 1;
    if (list->n > 1) /* (qsort of an empty, NULL list is undefined) */
        qsort_r(list->v, list->n, sizeof *list->v, by_change, c);
    free(c->depth);
    return true;
}

static int by_change(const void *a, const void *b, void *vctx)
{
    const rank_ctx *c = vctx;
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    int64_t wx = c->by_old ? (int64_t)c->d->old.v[x].total_bytes : c->sign * wdiff_delta_bytes(c->d, x);
    int64_t wy = c->by_old ? (int64_t)c->d->old.v[y].total_bytes : c->sign * wdiff_delta_bytes(c->d, y);
    if (wx != wy)
        return wx > wy ? -1 : 1;
    uint32_t dx = c->depth[x], dy = c->depth[y];
    if (dx != dy)
        return dx < dy ? -1 : 1;
    return x < y ? -1 : x > y;
}

bool wdiff_top(const wdiff *d, size_t n, enum wdiff_dir dir, wdiff_list *out, ghf_err *err)
{
    out->n = 0;
    const wtree_node *nd = d->t.nodes.v;
    for (uint32_t i = 1; i < d->t.nodes.n; i++) {
        int64_t delta = wdiff_delta_bytes(d, i);
        if (delta == 0 || (delta > 0) != (dir == WDIFF_GREW) || wdiff_vanished_node(d, i))
            continue;
        bool passed_on = false; /* all of it grew in one child: that child's row says more */
        for (uint32_t c = nd[i].first_child; c != WTREE_NONE && !passed_on; c = nd[c].next_sibling)
            passed_on = wdiff_delta_bytes(d, c) == delta;
        if (!passed_on && !VEC_PUSH(out, i, err))
            return false;
    }
    rank_ctx c = {d, false, dir == WDIFF_GREW ? 1 : -1, NULL};
    if (!rank(&c, out, err))
        return false;
    /* Rows never nest: a frame inside a listed frame's subtree is part of
     * that row. Subtrees are preorder intervals [pre, end). */
    uint32_t *pre = ghf_xcalloc(2 * (size_t)d->t.nodes.n, sizeof *pre, err);
    if (pre == NULL)
        return false;
    uint32_t *end = pre + d->t.nodes.n, next = 0, v = WTREE_ROOT;
    for (;;) { /* iterative depth-first walk */
        pre[v] = next++;
        if (nd[v].first_child != WTREE_NONE) {
            v = nd[v].first_child;
            continue;
        }
        while (v != WTREE_ROOT && nd[v].next_sibling == WTREE_NONE) {
            end[v] = next;
            v = nd[v].parent;
        }
        end[v] = next;
        if (v == WTREE_ROOT)
            break;
        v = nd[v].next_sibling;
    }
    size_t kept = 0;
    for (size_t i = 0; i < out->n && kept < n; i++) {
        uint32_t x = out->v[i];
        bool inside = false;
        for (size_t k = 0; k < kept && !inside; k++)
            inside = pre[out->v[k]] < pre[x] && pre[x] < end[out->v[k]];
        if (!inside)
            out->v[kept++] = x;
    }
    out->n = kept;
    free(pre);
    return true;
}

bool wdiff_vanished(const wdiff *d, wdiff_list *out, ghf_err *err)
{
    out->n = 0;
    for (uint32_t i = 1; i < d->t.nodes.n; i++)
        if (wdiff_vanished_node(d, i) &&
            (d->t.nodes.v[i].parent == WTREE_ROOT || !wdiff_vanished_node(d, d->t.nodes.v[i].parent)) &&
            !VEC_PUSH(out, i, err))
            return false;
    rank_ctx c = {d, true, 1, NULL};
    return rank(&c, out, err);
}

size_t wdiff_path(const wdiff *d, uint32_t node, const char *sep, char *buf, size_t cap)
{
    /* Two walks up the tree: the length, then the names written from the
     * end backwards (only the bytes that fit in buf). */
    size_t seplen = strlen(sep), total = 0;
    for (uint32_t v = node; v != WTREE_ROOT && v != WTREE_NONE; v = d->t.nodes.v[v].parent)
        total += strlen(wtree_name(&d->t, v)) + (d->t.nodes.v[v].parent != WTREE_ROOT ? seplen : 0);
    if (cap == 0)
        return total;
    size_t end = total;
    for (uint32_t v = node; v != WTREE_ROOT && v != WTREE_NONE; v = d->t.nodes.v[v].parent) {
        const char *name = wtree_name(&d->t, v);
        size_t len = strlen(name), at = end - len;
        for (size_t j = 0; j < len; j++)
            if (at + j + 1 < cap)
                buf[at + j] = name[j];
        end = at;
        if (d->t.nodes.v[v].parent != WTREE_ROOT) {
            end -= seplen;
            for (size_t j = 0; j < seplen; j++)
                if (end + j + 1 < cap)
                    buf[end + j] = sep[j];
        }
    }
    buf[total < cap ? total : cap - 1] = '\0';
    return total;
}
