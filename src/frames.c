/* frames.c — retention tree -> weighted tree of named frames (frames.h). */
#include "frames.h"

#include "hash.h"
#include "heap.h"
#include "holders.h"
#include "u64set.h"
#include "parallel.h"
#include "vec.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t root_kind_to_wtree(uint8_t k)
{
    return k == ROOT_GLOBAL ? WTREE_KIND_ROOT_GLOBAL : k == ROOT_STACK ? WTREE_KIND_ROOT_STACK : WTREE_KIND_ROOT_OTHER;
}

static bool child(wtree *w, uint32_t parent, const char *name, uint32_t kind, uint32_t *out, ghf_err *err)
{
    if (!wtree_child(w, parent, name, strlen(name), out, err))
        return false;
    w->nodes.v[*out].kind = kind;
    return true;
}

/* "[shared] main.a + main.b + 3 more" for a node only the super-root dominates. */
static void shared_label(const dom_shared *sh, const roots *r, char *buf, size_t cap)
{
    size_t n = (size_t)snprintf(buf, cap, "[shared]");
    uint32_t named = sh->nroots < DOM_SHARE_K ? sh->nroots : DOM_SHARE_K;
    for (uint32_t i = 0; i < named && n < cap; i++)
        n += (size_t)snprintf(buf + n, cap - n, "%s %s", i ? " +" : "", root_name(r, sh->roots[i]));
    if (sh->nroots > DOM_SHARE_K && n < cap)
        snprintf(buf + n, cap - n, " + more");
}

/* The kind of value a type label names, in the vocabulary types.c labels
 * objects with (Go type syntax plus the runtime's map and closure objects).
 * Decided once per distinct label. */
static uint32_t type_kind_of(const char *t)
{
    size_t n = strlen(t);
    static const char *const map_parts[] = {" (table)", " (directory)", " (buckets)", " (groups)"};
    if (strncmp(t, "unknown.", 8) == 0 || strcmp(t, "?") == 0)
        return WTYPE_UNKNOWN;
    if (n > 10 && strcmp(t + n - 10, " (closure)") == 0)
        return WTYPE_CLOSURE;
    for (size_t i = 0; i < sizeof map_parts / sizeof map_parts[0]; i++) {
        size_t k = strlen(map_parts[i]);
        if (n > k && strcmp(t + n - k, map_parts[i]) == 0)
            return WTYPE_MAP;
    }
    if (strncmp(t, "map[", 4) == 0)
        return WTYPE_MAP;
    if (strncmp(t, "chan ", 5) == 0 || strncmp(t, "<-chan ", 7) == 0)
        return WTYPE_CHAN;
    if (strcmp(t, "string") == 0 || strcmp(t, "[]uint8") == 0 || strcmp(t, "[]byte") == 0)
        return WTYPE_BYTES;
    if (t[0] == '[') {
        const char *r = strchr(t, ']');
        if (r && r > t + 1 && (strcmp(r + 1, "uint8") == 0 || strcmp(r + 1, "byte") == 0))
            return WTYPE_BYTES;
        return WTYPE_SLICE;
    }
    if (t[0] == '*' || strcmp(t, "unsafe.Pointer") == 0)
        return WTYPE_POINTER;
    if (strncmp(t, "interface {", 11) == 0 || strcmp(t, "error") == 0 || strcmp(t, "any") == 0)
        return WTYPE_INTERFACE;
    if (strncmp(t, "func(", 5) == 0)
        return WTYPE_CLOSURE;
    static const char *const scalars[] = {"bool", "int", "int8", "int16", "int32", "int64", "uint", "uint8",
                                          "uint16", "uint32", "uint64", "uintptr", "float32", "float64",
                                          "complex64", "complex128"};
    for (size_t i = 0; i < sizeof scalars / sizeof scalars[0]; i++)
        if (strcmp(t, scalars[i]) == 0)
            return WTYPE_SCALAR;
    return WTYPE_STRUCT;
}

/* Which types each frame stands for: the first object's type label per
 * frame, and a set of (frame, other label) pairs for objects of other
 * types that pruning folds in, so ntypes counts them without parsing. */
typedef struct type_census {
    uint32_t *first;  /* per wtree node: first type label + 1, 0 = none yet */
    size_t nfirst;
    u64set others;    /* frame << 32 | label, + 1 */
} type_census;

static bool census_add(type_census *c, wtree *w, uint32_t node, uint32_t label, ghf_err *err)
{
    if (node >= c->nfirst) {
        size_t want = c->nfirst ? c->nfirst : 1024;
        while (want <= node)
            want *= 2;
        uint32_t *nf = realloc(c->first, want * sizeof *nf);
        if (nf == NULL)
            return ghf_fail(err, GHF_EXIT_INTERNAL, "out of memory for frames");
        memset(nf + c->nfirst, 0, (want - c->nfirst) * sizeof *nf);
        c->first = nf;
        c->nfirst = want;
    }
    wtree_node *x = &w->nodes.v[node];
    if (c->first[node] == 0) {
        c->first[node] = label + 1;
        x->ntypes = 1;
        return true;
    }
    if (c->first[node] == label + 1)
        return true;
    bool fresh;
    if (!u64set_add(&c->others, ((uint64_t)node << 32 | label) + 1, &fresh, err))
        return false;
    x->ntypes += fresh;
    return true;
}

/* Keep only subtrees whose frame matches re, plus the paths down to them. */
static bool focus_tree(wtree *w, const char *pattern, bool may_match_nothing, ghf_err *err)
{
    regex_t re;
    if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
        return ghf_fail(err, GHF_EXIT_USAGE, "--focus: invalid regular expression '%s'", pattern);
    size_t n = w->nodes.n;
    uint8_t *keep = ghf_big_calloc(n, 1); /* 1 = inside a matching subtree, 2 = on a path to one */
    if (keep == NULL) {
        regfree(&re);
        return ghf_fail(err, GHF_EXIT_INTERNAL, "out of memory");
    }
    size_t matched = 0;
    for (size_t i = 1; i < n; i++) { /* parents precede children */
        uint32_t p = w->nodes.v[i].parent;
        if (keep[p] == 1 || regexec(&re, wtree_name(w, (uint32_t)i), 0, NULL, 0) == 0) {
            keep[i] = 1;
            matched += keep[p] != 1;
        }
    }
    if (matched == 0 && !may_match_nothing) {
        regfree(&re);
        ghf_big_free(keep);
        return ghf_fail(err, GHF_EXIT_USAGE, "--focus '%s' matches no frame: nothing to draw", pattern);
    }
    for (size_t i = n; i-- > 1;)
        if (keep[i]) {
            uint32_t p = w->nodes.v[i].parent;
            if (p != WTREE_ROOT && !keep[p])
                keep[p] = 2;
        }
    for (size_t i = 1; i < n; i++)
        if (keep[i] != 1) { /* not inside a match: its own bytes are not shown */
            w->nodes.v[i].self_bytes = 0;
            w->nodes.v[i].self_count = 0;
        }
    regfree(&re);
    ghf_big_free(keep);
    return true;
}

#define VIA_NONE UINT64_MAX
#define VIA_ROOT (1ull << 63)

/* For --fields: how each object's dominator holds it, from one pass over the
 * edges (O(E)): the byte offset inside the parent object, or VIA_ROOT | the
 * index of the root edge. Objects whose dominator holds them only through
 * other objects get VIA_NONE. */
static uint64_t *parent_links(const domtree *d, const ghf_graph *g, const heap *h, const roots *r, ghf_err *err)
{
    uint64_t *via = ghf_big_malloc((size_t)g->nnodes + 1, sizeof *via);
    if (via == NULL) {
        ghf_fail(err, GHF_EXIT_INTERNAL, "out of memory for field paths");
        return NULL;
    }
    memset(via, 0xff, ((size_t)g->nnodes + 1) * sizeof *via);
    root_edge_iter it;
    root_edge re;
    roots_edge_iter_at(r, 0, &it);
    for (size_t e = 0; roots_edge_next(&it, &re); e++) {
        uint32_t v = g->nroots + re.obj;
        if (d->idom[v] == re.root && via[v] == VIA_NONE)
            via[v] = VIA_ROOT | e;
    }
    for (uint32_t i = 0; i < h->nobjects; i++)
        for (uint64_t e = h->edge_off[i]; e < h->edge_off[i + 1]; e++) {
            uint32_t v = g->nroots + h->edge_dst[e];
            if (d->idom[v] == g->nroots + i && via[v] == VIA_NONE)
                via[v] = h->edge_src_off[e];
        }
    return via;
}

static void field_label(const heap *h, const roots *r, const obj_types *t, uint64_t via, uint32_t parent_obj,
                        const char *type, char *out, size_t cap)
{
    char path[256] = "";
    const dwx *dw = h->rt->dw;
    if (via != VIA_NONE && (via & VIA_ROOT)) {
        root_edge e = roots_edge_at(r, via & ~VIA_ROOT);
        if (e.var_type && e.slot >= e.var_addr)
            types_path_in(dw, e.var_type, e.slot - e.var_addr, path, sizeof path);
    } else if (via != VIA_NONE) {
        types_field_path(t, h, dw, parent_obj, via, path, sizeof path);
    }
    snprintf(out, cap, path[0] ? "%s %s" : "%s", type, path);
}

/* A shared node and the [shared] frame it hangs under. */
typedef struct shared_pair {
    uint32_t frame, node;
} shared_pair;

static int cmp_pair(const void *a, const void *b)
{
    const shared_pair *x = a, *y = b;
    return x->frame != y->frame ? (x->frame < y->frame ? -1 : 1) : x->node < y->node ? -1 : x->node > y->node;
}

/* Every [shared] frame's holders (wtree_set_holders): the roots named in its
 * label when that is all of them, else every root reaching one of its
 * objects (holders.h; the index is built only when some frame says "more",
 * unless the caller has built it already: prebuilt, or NULL). */
static bool attach_holders(const domtree *d, const ghf_graph *g, const roots *r, shared_pair *pairs, size_t n,
                           holders_index *prebuilt, wtree *w, ghf_err *err)
{
    if (n > 1) /* pairs is NULL when no frame is shared */
        qsort(pairs, n, sizeof *pairs, cmp_pair);
    holders_index hi = {0};
    bool have_index = false, ok = true;
    if (prebuilt != NULL) {
        hi = *prebuilt;
        memset(prebuilt, 0, sizeof *prebuilt);
        have_index = true;
    }
    uint32_t *found = malloc(((size_t)g->nroots + 1) * sizeof *found);
    uint32_t *nodes = ghf_big_malloc(n + 1, sizeof *nodes);
    VEC(char) text = {0};
    if (found == NULL || nodes == NULL)
        ok = ghf_fail(err, GHF_EXIT_INTERNAL, "out of memory for the holders of shared frames");
    for (size_t i = 0, j; ok && i < n; i = j) {
        bool more = false;
        for (j = i; j < n && pairs[j].frame == pairs[i].frame; j++) {
            const dom_shared *sh = domtree_shared(d, pairs[j].node);
            more |= sh == NULL || sh->nroots > DOM_SHARE_K;
            nodes[j - i] = pairs[j].node;
        }
        uint32_t nf = 0;
        if (!more) { /* the label names them all (equal labels: equal roots) */
            const dom_shared *sh = domtree_shared(d, pairs[i].node);
            for (uint32_t k = 0; k < sh->nroots; k++)
                found[nf++] = sh->roots[k];
        } else {
            if (!have_index && !(have_index = holders_index_build(&hi, d, g, err))) {
                ok = false;
                break;
            }
            nf = holders_of(&hi, nodes, j - i, found);
        }
        uint32_t listed = nf < WTREE_HOLDERS_MAX ? nf : WTREE_HOLDERS_MAX;
        text.n = 0;
        for (uint32_t k = 0; ok && k < listed; k++) {
            const char *name = root_name(r, found[k]);
            size_t len = strlen(name);
            ok = VEC_RESERVE(&text, text.n + len + 2, err);
            if (ok) {
                if (k)
                    text.v[text.n++] = '\n';
                memcpy(text.v + text.n, name, len);
                text.n += len;
            }
        }
        ok = ok && VEC_PUSH(&text, '\0', err) && wtree_set_holders(w, pairs[i].frame, text.v, listed, nf, err);
    }
    if (have_index)
        holders_index_free(&hi);
    ghf_big_free(found);
    ghf_big_free(nodes);
    VEC_FREE(&text);
    return ok;
}

typedef VEC(shared_pair) shared_vec;

/* The [shared] frames met lately, by the roots their label names: a heap
 * may have 500,000 shared objects under a few labels, and making the label
 * (snprintf of root names) and finding its frame by name cost more than the
 * rest of such an object's step. */
#define SHARED_MEMO 64
typedef struct shared_memo {
    dom_shared key;    /* nroots and roots[] (node unused) */
    uint32_t frame;    /* its [shared] frame; 0 = empty slot */
} shared_memo;

static uint32_t shared_memo_slot(const dom_shared *sh)
{
    uint32_t h = sh->nroots;
    for (uint32_t k = 0; k < DOM_SHARE_K && k < sh->nroots; k++)
        h = (h ^ sh->roots[k]) * 0x9E3779B1u;
    return (h >> 16) % SHARED_MEMO;
}

/* Equal labels (shared_label): the same count and the same named roots. */
static bool same_roots(const dom_shared *a, const dom_shared *b)
{
    if (a->nroots != b->nroots)
        return false;
    for (uint32_t k = 0; k < DOM_SHARE_K && k < a->nroots; k++)
        if (a->roots[k] != b->roots[k])
            return false;
    return true;
}

/* frames_build's two jobs: the walk over the tree that makes the frames
 * and, when some [shared] frame will need it, the holders index. They read
 * only d and g in common, so on two threads they run side by side. */
typedef struct frames_job {
    const domtree *d;
    const ghf_graph *g;
    const heap *h;
    const roots *r;
    const obj_types *t;
    const frames_opts *o;
    wtree *w;
    shared_vec *shared;   /* walk: every shared node and its frame */
    holders_index *hi;    /* the index job's output */
    ghf_err *err;
    bool index;           /* this one builds the index; else it walks */
    bool ok;
} frames_job;

/* Does some shared node have more holders than its record names? Then
 * attach_holders needs the index (every shared node gets a frame). */
static bool needs_holders_index(const domtree *d)
{
    for (uint32_t i = 0; i < d->nshared; i++)
        if (d->shared[i].nroots > DOM_SHARE_K)
            return true;
    return false;
}

static bool frames_walk(const domtree *d, const ghf_graph *g, const heap *h, const roots *r, const obj_types *t,
                        const frames_opts *o, wtree *w, shared_vec *sharedp, ghf_err *err)
{
    uint32_t *wnode = ghf_big_malloc((size_t)g->nnodes + 1, sizeof *wnode);
    VEC(uint32_t) depth = {0};
    if (wnode == NULL)
        return ghf_fail(err, GHF_EXIT_INTERNAL, "out of memory for frames");
    /* per type label id: wtree name id + 1 (labels are interned, so equal
     * ids are equal names) */
    VEC(uint32_t) name_of = {0};
    VEC(uint8_t) kind_of = {0}; /* per type label: enum wtree_type_kind + 1, 0 = not yet */
    type_census census = {0};
    shared_vec shared = *sharedp;
    char label[1200], flabel[1200];
    shared_memo memo[SHARED_MEMO] = {0};
    uint64_t *via = NULL; /* --fields: labels are per edge, so the slow path by name */
    if (o->fields && (via = parent_links(d, g, h, r, err)) == NULL) {
        ghf_big_free(wnode);
        return false;
    }
    bool ok = VEC_PUSH(&depth, 0u, err) && VEC_RESERVE(&name_of, t->names.off.n + 1, err) &&
              VEC_RESERVE(&kind_of, t->names.off.n + 1, err);
    if (ok) {
        memset(name_of.v, 0, (t->names.off.n + 1) * sizeof *name_of.v);
        name_of.n = t->names.off.n + 1;
        memset(kind_of.v, 0, t->names.off.n + 1);
        kind_of.n = t->names.off.n + 1;
    }
    for (uint32_t k = 0; ok && k < d->nreach; k++) {
        /* order is a DFS of the heap: the per-node arrays are read at random,
         * so ask for a later node's entries now */
        if (k + 16 < d->nreach) {
            uint32_t ahead = d->order[k + 16];
            __builtin_prefetch(&g->size[ahead]);
            __builtin_prefetch(&d->idom[ahead]);
            if (ahead >= g->nroots)
                __builtin_prefetch(&t->label[ahead - g->nroots]);
        }
        if (k + 8 < d->nreach) { /* its idom was fetched 8 steps ago: now the parent's entries */
            uint32_t pa = d->idom[d->order[k + 8]];
            if (pa < g->nnodes) {
                __builtin_prefetch(&wnode[pa]);
                if (pa >= g->nroots)
                    __builtin_prefetch(&t->label[pa - g->nroots]);
            }
        }
        uint32_t v = d->order[k];
        uint32_t pw, id;
        if (v < g->nroots) {
            ok = child(w, WTREE_ROOT, root_name(r, v), root_kind_to_wtree(r->list.v[v].kind), &id, err);
            if (ok) {
                wnode[v] = id;
                while (ok && depth.n <= id)
                    ok = VEC_PUSH(&depth, 1u, err);
            }
            continue;
        }
        uint32_t obj = v - g->nroots;
        uint32_t tl = t->label[obj];
        uint32_t p = d->idom[v];
        bool run = false;
        if (via != NULL)
            field_label(h, r, t, via[v], p >= g->nroots && p < g->nnodes ? p - g->nroots : 0, types_label(t, obj),
                        flabel, sizeof flabel);
        if (p == DOM_SUPER) {
            const dom_shared *sh = domtree_shared(d, v);
            shared_memo *m = sh != NULL ? &memo[shared_memo_slot(sh)] : NULL;
            if (m != NULL && m->frame != 0 && same_roots(&m->key, sh)) {
                pw = m->frame; /* the same label: the frame child() would find */
            } else {
                if (sh != NULL)
                    shared_label(sh, r, label, sizeof label);
                else
                    snprintf(label, sizeof label, "[shared]");
                ok = child(w, WTREE_ROOT, label, WTREE_KIND_SHARED, &pw, err);
                if (ok && m != NULL)
                    *m = (shared_memo){*sh, pw};
            }
            shared_pair sp = {pw, v};
            ok = ok && VEC_PUSH(&shared, sp, err);
            while (ok && depth.n <= pw)
                ok = VEC_PUSH(&depth, 1u, err);
        } else {
            pw = wnode[p];
            run = !o->no_collapse && p >= g->nroots &&
                  (via != NULL ? strcmp(wtree_name(w, pw), flabel) == 0 : t->label[p - g->nroots] == tl);
        }
        if (!ok)
            break;
        if (run || (o->max_depth && depth.v[pw] >= o->max_depth) ||
            (o->min_bytes && d->retained[v] < o->min_bytes && pw != WTREE_ROOT)) {
            id = pw; /* fold into the parent frame: widths still add up */
        } else if (via != NULL) {
            ok = child(w, pw, flabel, WTREE_KIND_FRAME, &id, err);
            while (ok && depth.n <= id)
                ok = VEC_PUSH(&depth, depth.v[pw] + 1, err);
        } else {
            if (tl < name_of.n && name_of.v[tl] == 0) {
                const char *type = types_label(t, obj);
                uint32_t nm;
                ok = wtree_name_id(w, type, strlen(type), &nm, err);
                name_of.v[tl] = nm + 1;
            }
            if (ok && tl < name_of.n) {
                ok = wtree_child_id(w, pw, name_of.v[tl] - 1, &id, err);
                if (ok)
                    w->nodes.v[id].kind = WTREE_KIND_FRAME;
            } else if (ok) {
                ok = child(w, pw, types_label(t, obj), WTREE_KIND_FRAME, &id, err);
            }
            while (ok && depth.n <= id)
                ok = VEC_PUSH(&depth, depth.v[pw] + 1, err);
        }
        if (!ok)
            break;
        wnode[v] = id;
        wtree_add(w, id, g->size[v], 1);
        ok = census_add(&census, w, id, tl, err);
        if (ok && w->nodes.v[id].kind == WTREE_KIND_FRAME && w->nodes.v[id].type_kind == WTYPE_NONE) {
            /* a frame's own type is its first object's */
            uint8_t tk = tl < kind_of.n ? kind_of.v[tl] : 0;
            if (tk == 0) {
                tk = (uint8_t)(type_kind_of(types_label(t, obj)) + 1);
                if (tl < kind_of.n)
                    kind_of.v[tl] = tk;
            }
            w->nodes.v[id].type_kind = tk - 1u;
        }
    }
    ghf_big_free(wnode);
    ghf_big_free(census.first);
    u64set_free(&census.others);
    VEC_FREE(&kind_of);
    ghf_big_free(via);
    VEC_FREE(&depth);
    VEC_FREE(&name_of);
    *sharedp = shared;
    return ok;
}

static void *frames_job_run(void *arg)
{
    frames_job *j = arg;
    if (j->index)
        j->ok = holders_index_build(j->hi, j->d, j->g, j->err);
    else
        j->ok = frames_walk(j->d, j->g, j->h, j->r, j->t, j->o, j->w, j->shared, j->err);
    return NULL;
}

bool frames_build(const domtree *d, const ghf_graph *g, const heap *h, const roots *r, const obj_types *t,
                  const frames_opts *o, wtree *w, ghf_err *err)
{
    static const frames_opts defaults = {0};
    if (o == NULL)
        o = &defaults;
    if (!wtree_init(w, err))
        return false;
    w->objects = true;
    shared_vec shared = {0};
    holders_index hi = {0};
    ghf_err ierr = {0};
    frames_job jobs[2] = {
        {d, g, h, r, t, o, w, &shared, NULL, err, false, false},
        {d, g, h, r, t, o, w, NULL, &hi, &ierr, true, false},
    };
    bool early = g->nnodes >= GHF_PARALLEL_MIN && ghf_threads() > 1 && needs_holders_index(d);
    ghf_run_shares(frames_job_run, jobs, sizeof jobs[0], early ? 2 : 1);
    bool ok = jobs[0].ok;
    if (ok && early && !jobs[1].ok) { /* the error attach_holders would have met */
        *err = ierr;
        ok = false;
    }
    ok = ok && attach_holders(d, g, r, shared.v, shared.n, early ? &hi : NULL, w, err);
    holders_index_free(&hi);
    VEC_FREE(&shared);
    if (ok && o->focus)
        ok = focus_tree(w, o->focus, o->focus_may_match_nothing, err);
    if (!ok) {
        wtree_free(w);
        return false;
    }
    wtree_finish(w);
    return true;
}

/* --pivot: the inverted tree. Each ancestor chain (dominator path upwards,
 * runs of one name collapsed) is hash-consed into a sequence id, so every
 * node's chain costs O(1) and each distinct chain of a matching object is
 * walked once, whatever the heap's depth (a 100,000-node list is one
 * two-frame chain). */
typedef struct pv_seq {
    uint32_t head;  /* wtree name id */
    uint32_t kind;  /* enum wtree_kind of that frame */
    uint32_t tail;  /* sequence id, 0 = end */
    uint32_t memo;  /* wtree node of this chain from the base + 1, 0 = not built */
    uint32_t top;   /* with memo: the wtree node of the chain's last frame (root or [shared]) */
} pv_seq;

typedef struct pv_set {
    VEC(pv_seq) seq;   /* seq.v[0] is the empty chain */
    uint32_t *slots;   /* open addressing: seq id, 0 = empty */
    size_t cap;
} pv_set;

static bool pv_cons(pv_set *s, uint32_t head, uint32_t kind, uint32_t tail, uint32_t *out, ghf_err *err)
{
    if (tail != 0 && s->seq.v[tail].head == head) { /* a run of one name: one frame */
        *out = tail;
        return true;
    }
    if ((s->seq.n + 1) * 2 > s->cap) {
        size_t ncap = s->cap ? s->cap * 2 : 4096;
        uint32_t *ns = ghf_xcalloc(ncap, sizeof *ns, err);
        if (ns == NULL)
            return false;
        for (size_t i = 0; i < s->cap; i++)
            if (s->slots[i] != 0) {
                uint64_t key = (uint64_t)s->seq.v[s->slots[i]].head << 32 | s->seq.v[s->slots[i]].tail;
                size_t j = ghf_hash((const char *)&key, sizeof key) & (ncap - 1);
                while (ns[j] != 0)
                    j = (j + 1) & (ncap - 1);
                ns[j] = s->slots[i];
            }
        ghf_big_free(s->slots);
        s->slots = ns;
        s->cap = ncap;
    }
    uint64_t key = (uint64_t)head << 32 | tail;
    size_t j = ghf_hash((const char *)&key, sizeof key) & (s->cap - 1);
    for (; s->slots[j] != 0; j = (j + 1) & (s->cap - 1))
        if (s->seq.v[s->slots[j]].head == head && s->seq.v[s->slots[j]].tail == tail) {
            *out = s->slots[j];
            return true;
        }
    pv_seq x = {head, kind, tail, 0, 0};
    if (!VEC_PUSH(&s->seq, x, err))
        return false;
    *out = s->slots[j] = (uint32_t)(s->seq.n - 1);
    return true;
}

bool frames_build_pivot(const domtree *d, const ghf_graph *g, const roots *r, const obj_types *t, const char *pattern,
                        wtree *w, ghf_err *err)
{
    regex_t re;
    if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
        return ghf_fail(err, GHF_EXIT_USAGE, "--pivot: invalid regular expression '%s'", pattern);
    if (!wtree_init(w, err)) {
        regfree(&re);
        return false;
    }
    w->objects = false; /* counts sit at the top frames: no "×N" on the base */
    size_t nl = t->names.off.n + 1;
    uint32_t *seqid = ghf_big_calloc((size_t)g->nnodes + 1, sizeof *seqid);
    uint32_t *name_of = calloc(nl, sizeof *name_of); /* per type label: wtree name id + 1 */
    uint8_t *hit = calloc(nl, 1);                     /* per type label: 0 unknown, 1 no, 2 matches */
    uint32_t *top = ghf_big_malloc((size_t)g->nnodes + 1, sizeof *top); /* per node: its root or shared node */
    VEC(uint32_t) walk = {0};
    VEC(shared_pair) shared = {0}; /* the [shared] frames on matching chains and their shared nodes */
    pv_set s = {0};
    pv_seq nil = {0};
    bool ok = seqid && name_of && hit && top && VEC_PUSH(&s.seq, nil, err);
    if (!seqid || !name_of || !hit || !top)
        ghf_fail(err, GHF_EXIT_INTERNAL, "out of memory for --pivot");
    char label[1200];
    size_t matched = 0;
    for (uint32_t k = 0; ok && k < d->nreach; k++) {
        uint32_t v = d->order[k], nm, tail = 0;
        if (v < g->nroots) {
            const char *n = root_name(r, v);
            ok = wtree_name_id(w, n, strlen(n), &nm, err) && pv_cons(&s, nm, root_kind_to_wtree(r->list.v[v].kind), 0,
                                                                    &seqid[v], err);
            top[v] = v;
            continue;
        }
        uint32_t tl = t->label[v - g->nroots], p = d->idom[v];
        top[v] = p < g->nnodes ? top[p] : v;
        if (p == DOM_SUPER) { /* held by several roots: "[shared] a + b" above it */
            const dom_shared *sh = domtree_shared(d, v);
            if (sh != NULL)
                shared_label(sh, r, label, sizeof label);
            else
                snprintf(label, sizeof label, "[shared]");
            ok = wtree_name_id(w, label, strlen(label), &nm, err) && pv_cons(&s, nm, WTREE_KIND_SHARED, 0, &tail, err);
        } else if (p < g->nnodes) {
            tail = seqid[p];
        }
        if (ok && tl < nl && name_of[tl] == 0) {
            const char *type = types_label(t, v - g->nroots);
            ok = wtree_name_id(w, type, strlen(type), &nm, err);
            name_of[tl] = nm + 1;
        }
        ok = ok && tl < nl && pv_cons(&s, name_of[tl] - 1, WTREE_KIND_FRAME, tail, &seqid[v], err);
        if (!ok)
            break;
        if (hit[tl] == 0)
            hit[tl] = regexec(&re, types_label(t, v - g->nroots), 0, NULL, 0) == 0 ? 2 : 1;
        if (hit[tl] != 2)
            continue;
        /* a matching object: its chain from the base up, built once */
        uint32_t sq = seqid[v];
        if (s.seq.v[sq].memo == 0) {
            walk.n = 0;
            for (uint32_t x = sq; ok && x != 0; x = s.seq.v[x].tail) /* base first, root last */
                ok = VEC_PUSH(&walk, x, err);
            uint32_t node = WTREE_ROOT;
            for (size_t i = 0; ok && i < walk.n; i++) {
                const pv_seq *q = &s.seq.v[walk.v[i]];
                ok = wtree_child_id(w, node, q->head, &node, err);
                if (ok && w->nodes.v[node].kind == WTREE_KIND_FRAME && w->nodes.v[node].type_kind == WTYPE_NONE) {
                    w->nodes.v[node].kind = q->kind;
                    if (q->kind == WTREE_KIND_FRAME)
                        w->nodes.v[node].type_kind = type_kind_of(wtree_name(w, node));
                }
            }
            if (!ok)
                break;
            s.seq.v[sq].memo = node + 1;
            s.seq.v[sq].top = node;
        }
        if (top[v] >= g->nroots) { /* held by several roots: its [shared] frame names them all */
            shared_pair sp = {s.seq.v[sq].top, top[v]};
            if (!(ok = VEC_PUSH(&shared, sp, err)))
                break;
        }
        wtree_add(w, s.seq.v[sq].memo - 1, g->size[v], 1);
        matched++;
    }
    regfree(&re);
    ghf_big_free(seqid);
    ghf_big_free(name_of);
    ghf_big_free(hit);
    ghf_big_free(top);
    ghf_big_free(s.slots);
    VEC_FREE(&s.seq);
    VEC_FREE(&walk);
    ok = ok && attach_holders(d, g, r, shared.v, shared.n, NULL, w, err);
    VEC_FREE(&shared);
    if (ok && matched == 0)
        ok = ghf_fail(err, GHF_EXIT_USAGE, "--pivot '%s' matches no reachable object: nothing to draw", pattern);
    if (!ok) {
        wtree_free(w);
        return false;
    }
    wtree_finish(w);
    return true;
}
