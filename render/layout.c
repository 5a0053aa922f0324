/* layout.c — breadth-first flame layout with per-parent pruning. */
#include "layout.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void layout_opts_default(layout_opts *o)
{
    memset(o, 0, sizeof *o);
    o->orient = LAYOUT_FLAME;
    o->sort = LAYOUT_SORT_NAME;
    o->width_px = LAYOUT_DEFAULT_WIDTH_PX;
    o->min_width_px = LAYOUT_DEFAULT_MIN_WIDTH_PX;
    o->max_rects = LAYOUT_DEFAULT_MAX_RECTS;
    o->count_name = "bytes";
}

void layout_free(layout *l)
{
    VEC_FREE(&l->rects);
    VEC_FREE(&l->labels);
    memset(l, 0, sizeof *l);
}

static int by_name(const void *a, const void *b, void *ctx)
{
    const wtree *t = ctx;
    return strcmp(wtree_name(t, *(const uint32_t *)a), wtree_name(t, *(const uint32_t *)b));
}

static int by_size(const void *a, const void *b, void *ctx)
{
    const wtree *t = ctx;
    uint64_t wa = t->nodes.v[*(const uint32_t *)a].total_bytes;
    uint64_t wb = t->nodes.v[*(const uint32_t *)b].total_bytes;
    if (wa != wb)
        return wa > wb ? -1 : 1;
    return by_name(a, b, ctx);
}

static bool add_label(layout *l, const char *s, size_t n, uint32_t *off, ghf_err *err)
{
    if (l->labels.n + n + 1 > UINT32_MAX)
        return ghf_fail(err, GHF_EXIT_INTERNAL, "layout labels exceed 4 GiB");
    if (!VEC_RESERVE(&l->labels, l->labels.n + n + 1, err))
        return false;
    *off = (uint32_t)l->labels.n;
    memcpy(l->labels.v + l->labels.n, s, n);
    l->labels.v[l->labels.n + n] = '\0';
    l->labels.n += n + 1;
    return true;
}

typedef VEC(uint32_t) u32vec;

/* Children of rectangle `pi` (a real node): sorted, narrow ones merged. */
static bool emit_children(const wtree *t, const layout_opts *o, layout *l, uint32_t pi,
                          u32vec *kids, double px_per_unit, ghf_err *err)
{
    const layout_rect parent = l->rects.v[pi];
    kids->n = 0;
    for (uint32_t c = t->nodes.v[parent.node].first_child; c != WTREE_NONE; c = t->nodes.v[c].next_sibling)
        if (t->nodes.v[c].total_bytes > 0 && !VEC_PUSH(kids, c, err))
            return false;
    if (kids->n == 0)
        return true;
    qsort_r(kids->v, kids->n, sizeof *kids->v, o->sort == LAYOUT_SORT_SIZE ? by_size : by_name, (void *)t);

    size_t wide = 0;
    uint64_t more_w = 0, more_self = 0, more_count = 0;
    uint32_t more_n = 0;
    for (size_t i = 0; i < kids->n; i++) {
        const wtree_node *n = &t->nodes.v[kids->v[i]];
        if ((double)n->total_bytes * px_per_unit < o->min_width_px) {
            more_w += n->total_bytes;
            more_self += n->self_bytes;
            more_count += n->total_count;
            more_n++;
        } else {
            kids->v[wide++] = kids->v[i];
        }
    }
    size_t group = wide + (more_n > 0);
    if (l->rects.n + group > o->max_rects) {
        l->capped = true;
        return true;
    }
    if (!VEC_RESERVE(&l->rects, l->rects.n + group, err))
        return false;
    uint64_t x = parent.x;
    for (size_t i = 0; i < wide; i++) {
        const wtree_node *n = &t->nodes.v[kids->v[i]];
        layout_rect r = {.x = x, .width = n->total_bytes, .self = n->self_bytes,
                         .count = n->total_count, .depth = parent.depth + 1,
                         .node = kids->v[i], .parent = pi, .kind = n->kind, .label = n->name,
                         .name = n->name, .type_kind = n->type_kind};
        char suffix[96];
        size_t sl = wtree_label_suffix(t, kids->v[i], suffix, sizeof suffix);
        if (sl > 0) { /* "name ×N": the name copied with its decoration */
            const char *nm = wtree_name(t, kids->v[i]);
            size_t nl = strlen(nm);
            if (!add_label(l, nm, nl, &r.label, err))
                return false;
            l->labels.n--; /* drop the NUL, append the suffix */
            uint32_t unused;
            if (!add_label(l, suffix, sl, &unused, err))
                return false;
        }
        l->rects.v[l->rects.n++] = r;
        x += n->total_bytes;
    }
    if (more_n > 0) {
        char buf[128];
        int len = snprintf(buf, sizeof buf, "(%" PRIu32 " more: %" PRIu64 " %s)", more_n, more_w,
                           o->count_name ? o->count_name : "bytes");
        if (len < 0 || (size_t)len >= sizeof buf)
            len = (int)strlen(buf);
        uint32_t off;
        if (!add_label(l, buf, (size_t)len, &off, err))
            return false;
        layout_rect r = {.x = x, .width = more_w, .self = more_self, .count = more_count,
                         .depth = parent.depth + 1, .node = WTREE_NONE, .parent = pi,
                         .kind = WTREE_KIND_MORE, .label = off, .name = off, .merged = more_n};
        l->rects.v[l->rects.n++] = r; /* reserved above */
    }
    if (parent.depth + 1 > l->max_depth)
        l->max_depth = parent.depth + 1;
    return true;
}

bool layout_build(const wtree *t, const layout_opts *o, layout *out, ghf_err *err)
{
    memset(out, 0, sizeof *out);
    out->orient = o->orient;
    /* Labels of real nodes are the tree's own names: copy the name table so
     * rect.label is an offset into one buffer for every rectangle. */
    if (!VEC_RESERVE(&out->labels, t->names.n + 4, err))
        return false;
    memcpy(out->labels.v, t->names.v, t->names.n);
    out->labels.n = t->names.n;
    uint32_t all;
    if (!add_label(out, "all", 3, &all, err))
        goto fail;
    const wtree_node *root = &t->nodes.v[WTREE_ROOT];
    out->total = root->total_bytes;
    layout_rect r0 = {.x = 0, .width = root->total_bytes, .self = root->self_bytes,
                      .count = root->total_count, .node = WTREE_ROOT, .parent = UINT32_MAX,
                      .kind = root->kind, .label = all, .name = all};
    if (!VEC_PUSH(&out->rects, r0, err))
        goto fail;
    if (out->total == 0)
        return true;
    double px_per_unit = o->width_px / (double)out->total;
    u32vec kids = {0};
    /* Breadth-first: the rectangle array itself is the queue. */
    for (size_t i = 0; i < out->rects.n; i++) {
        if (out->rects.v[i].node == WTREE_NONE)
            continue;
        if (!emit_children(t, o, out, (uint32_t)i, &kids, px_per_unit, err)) {
            VEC_FREE(&kids);
            goto fail;
        }
    }
    VEC_FREE(&kids);
    return true;
fail:
    layout_free(out);
    return false;
}
