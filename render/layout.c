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
    o->max_hidden = LAYOUT_DEFAULT_MAX_HIDDEN;
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

/* The children of rectangle `pi` (a real node) with weight, sorted; those
 * at least min_width_px wide at the scale of the view the parent was laid
 * out in come first (*wide of them), the narrow ones after, in order. */
static bool sorted_children(const wtree *t, const layout_opts *o, const layout *l, uint32_t pi,
                            u32vec *kids, u32vec *narrow, size_t *wide, ghf_err *err)
{
    const layout_rect *parent = &l->rects.v[pi];
    uint64_t view = l->rects.v[parent->scale_of].width;
    double px_per_unit = view ? o->width_px / (double)view : 0;
    kids->n = 0;
    narrow->n = 0;
    *wide = 0;
    for (uint32_t c = t->nodes.v[parent->node].first_child; c != WTREE_NONE; c = t->nodes.v[c].next_sibling)
        if (t->nodes.v[c].total_bytes > 0 && !VEC_PUSH(kids, c, err))
            return false;
    if (kids->n == 0)
        return true;
    qsort_r(kids->v, kids->n, sizeof *kids->v, o->sort == LAYOUT_SORT_SIZE ? by_size : by_name, (void *)t);
    for (size_t i = 0; i < kids->n; i++) {
        if ((double)t->nodes.v[kids->v[i]].total_bytes * px_per_unit < o->min_width_px) {
            if (!VEC_PUSH(narrow, kids->v[i], err))
                return false;
        } else {
            kids->v[(*wide)++] = kids->v[i];
        }
    }
    if (narrow->n > 0) /* (memcpy from a NULL vector is undefined even for 0 bytes) */
        memcpy(kids->v + *wide, narrow->v, narrow->n * sizeof *narrow->v);
    return true;
}

/* Append rectangles for nodes ids[0..n) side by side from x, children of
 * rectangle `pi` at `depth`, revealed by `reveal`, laid out at the scale of
 * rectangle `scale_of`. Space is reserved by the caller. */
static bool emit_nodes(const wtree *t, layout *l, const uint32_t *ids, size_t n, uint64_t x, uint32_t pi,
                       uint32_t depth, uint32_t reveal, uint32_t scale_of, ghf_err *err)
{
    for (size_t i = 0; i < n; i++) {
        const wtree_node *nd = &t->nodes.v[ids[i]];
        layout_rect r = {.x = x, .width = nd->total_bytes, .self = nd->self_bytes,
                         .count = nd->total_count, .self_count = nd->self_count, .depth = depth, .node = ids[i], .parent = pi,
                         .kind = nd->kind, .label = nd->name, .name = nd->name,
                         .type_kind = nd->type_kind, .reveal = reveal, .scale_of = scale_of};
        char suffix[96];
        size_t sl = wtree_label_suffix(t, ids[i], suffix, sizeof suffix);
        if (sl > 0) { /* "name ×N": the name copied with its decoration */
            const char *nm = wtree_name(t, ids[i]);
            size_t nl = strlen(nm);
            if (!add_label(l, nm, nl, &r.label, err))
                return false;
            l->labels.n--; /* drop the NUL, append the suffix */
            uint32_t unused;
            if (!add_label(l, suffix, sl, &unused, err))
                return false;
        }
        l->rects.v[l->rects.n++] = r;
        x += nd->total_bytes;
    }
    if (n > 0 && depth > l->max_depth)
        l->max_depth = depth;
    return true;
}

/* Children of rectangle `pi` (a real node): sorted, narrow ones merged.
 * `budget` rectangles may still be added (max_rects or max_hidden left). */
static bool emit_children(const wtree *t, const layout_opts *o, layout *l, uint32_t pi,
                          u32vec *kids, u32vec *narrow, size_t budget, ghf_err *err)
{
    size_t wide;
    if (!sorted_children(t, o, l, pi, kids, narrow, &wide, err))
        return false;
    if (kids->n == 0)
        return true;
    const layout_rect parent = l->rects.v[pi];
    uint64_t wide_w = 0, more_w = 0, more_self = 0, more_count = 0, more_self_count = 0;
    for (size_t i = 0; i < wide; i++)
        wide_w += t->nodes.v[kids->v[i]].total_bytes;
    uint32_t more_n = (uint32_t)(kids->n - wide);
    for (size_t i = wide; i < kids->n; i++) {
        const wtree_node *n = &t->nodes.v[kids->v[i]];
        more_w += n->total_bytes;
        more_self += n->self_bytes;
        more_count += n->total_count;
        more_self_count += n->self_count;
    }
    size_t group = wide + (more_n > 0);
    if (group > budget) {
        if (parent.reveal == LAYOUT_SHOWN)
            l->capped = true;
        else
            l->hidden_capped = true;
        return true;
    }
    if (!VEC_RESERVE(&l->rects, l->rects.n + group, err))
        return false;
    if (!emit_nodes(t, l, kids->v, wide, parent.x, pi, parent.depth + 1, parent.reveal, parent.scale_of, err))
        return false;
    if (more_n > 0) {
        char buf[128];
        int len = snprintf(buf, sizeof buf, "(%" PRIu32 " more: %" PRIu64 " %s)", more_n, more_w,
                           o->count_name ? o->count_name : "bytes");
        if (len < 0 || (size_t)len >= sizeof buf)
            len = (int)strlen(buf);
        uint32_t off;
        if (!add_label(l, buf, (size_t)len, &off, err))
            return false;
        layout_rect r = {.x = parent.x + wide_w, .width = more_w,
                         .self = more_self, .count = more_count, .self_count = more_self_count, .depth = parent.depth + 1,
                         .node = WTREE_NONE, .parent = pi, .kind = WTREE_KIND_MORE, .label = off,
                         .name = off, .merged = more_n, .reveal = parent.reveal, .scale_of = parent.scale_of};
        l->rects.v[l->rects.n++] = r; /* reserved above */
        if (parent.depth + 1 > l->max_depth)
            l->max_depth = parent.depth + 1;
    }
    return true;
}

/* The members of merged rectangle `mi`, collapsed, over its range. */
static bool expand_merged(const wtree *t, const layout_opts *o, layout *l, uint32_t mi, u32vec *kids,
                          u32vec *narrow, size_t budget, ghf_err *err)
{
    const layout_rect m = l->rects.v[mi];
    size_t wide;
    if (!sorted_children(t, o, l, m.parent, kids, narrow, &wide, err))
        return false;
    size_t n = kids->n - wide;
    if (n != m.merged) /* cannot happen: the same selection made m */
        return ghf_fail(err, GHF_EXIT_INTERNAL, "layout: merged frame has %zu members, expected %" PRIu32, n, m.merged);
    if (n > budget) {
        l->hidden_capped = true;
        return true;
    }
    if (!VEC_RESERVE(&l->rects, l->rects.n + n, err))
        return false;
    if (!emit_nodes(t, l, kids->v + wide, n, m.x, m.parent, m.depth, mi, mi, err))
        return false;
    l->rects.v[mi].expanded = true;
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
                      .count = root->total_count, .self_count = root->self_count, .node = WTREE_ROOT, .parent = UINT32_MAX,
                      .kind = root->kind, .label = all, .name = all, .reveal = LAYOUT_SHOWN};
    if (!VEC_PUSH(&out->rects, r0, err))
        goto fail;
    out->nshown = 1;
    if (out->total == 0)
        return true;
    u32vec kids = {0}, narrow = {0};
    /* Breadth-first: the rectangle array itself is the queue. First the
     * picture, then (after nshown) what its merged frames hide. */
    for (size_t i = 0; i < out->rects.n; i++) {
        if (out->rects.v[i].node == WTREE_NONE)
            continue;
        size_t left = out->rects.n < o->max_rects ? o->max_rects - out->rects.n : 0;
        if (!emit_children(t, o, out, (uint32_t)i, &kids, &narrow, left, err))
            goto fail_kids;
    }
    out->nshown = out->rects.n;
    for (size_t i = 0; i < out->rects.n; i++) {
        size_t hidden = out->rects.n - out->nshown;
        size_t left = hidden < o->max_hidden ? o->max_hidden - hidden : 0;
        const layout_rect *r = &out->rects.v[i];
        bool ok = true;
        if (r->kind == WTREE_KIND_MORE && r->node == WTREE_NONE)
            ok = expand_merged(t, o, out, (uint32_t)i, &kids, &narrow, left, err);
        else if (i >= out->nshown)
            ok = emit_children(t, o, out, (uint32_t)i, &kids, &narrow, left, err);
        if (!ok)
            goto fail_kids;
    }
    VEC_FREE(&narrow);
    VEC_FREE(&kids);
    return true;
fail_kids:
    VEC_FREE(&kids);
    VEC_FREE(&narrow);
fail:
    layout_free(out);
    return false;
}
