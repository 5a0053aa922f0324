/* domtree.c — dominator tree / first-path tree of a ghf_graph (include/domtree.h).
 *
 * Dominators: semidominators by Lengauer–Tarjan, the balanced
 * ("sophisticated") variant (path compression and linking by subtree
 * size), then idoms by semi-NCA, or by Lengauer-Tarjan's buckets where
 * semi-NCA's walk would be long; over DFS numbers in which 0 is the
 * virtual super-root. Every step that the textbook writes
 * recursively (DFS, compress) runs on an explicit stack, so a
 * 10-million-node chain is just a long loop.
 */
#include "domtree.h"

#include <stdlib.h>
#include <string.h>
#include "vec.h"

#include "parallel.h"

#define NONE UINT32_MAX

/* Shares a pass over graph g splits into: 1 below GHF_PARALLEL_MIN nodes. */
static unsigned dom_shares(const ghf_graph *g)
{
    return g->nnodes >= GHF_PARALLEL_MIN ? ghf_threads() : 1;
}

/* One share of the edge check: the first edge in [lo, hi) pointing past
 * the nodes, or hi. */
typedef struct check_share {
    const ghf_graph *g;
    uint64_t lo, hi, bad;
} check_share;

static void *check_edges(void *arg)
{
    check_share *sh = arg;
    sh->bad = sh->hi;
    for (uint64_t e = sh->lo; e < sh->hi; e++)
        if (sh->g->dst[e] >= sh->g->nnodes) {
            sh->bad = e;
            break;
        }
    return NULL;
}

/* Also, when leaf is not NULL: bit v of leaf[] set for every node v
 * without out-edges (a bitmap small enough to stay in cache, so that the
 * DFS need not read a leaf's offsets). */
static bool check_graph(const ghf_graph *g, uint64_t *leaf, ghf_err *err)
{
    if (g->nnodes >= DOM_MAX_NODES)
        return ghf_fail(err, GHF_EXIT_INTERNAL, "graph has %u nodes, more than the dominator tree can number", g->nnodes);
    if (g->nroots > g->nnodes)
        return ghf_fail(err, GHF_EXIT_INTERNAL, "graph has %u roots but only %u nodes", g->nroots, g->nnodes);
    if (g->nnodes == 0)
        return true;
    if (g->off[0] != 0)
        return ghf_fail(err, GHF_EXIT_INTERNAL, "graph edge offsets do not start at 0");
    uint64_t word = 0;
    for (uint32_t v = 0; v < g->nnodes; v++) {
        if (g->off[v + 1] < g->off[v])
            return ghf_fail(err, GHF_EXIT_INTERNAL, "graph edge offsets decrease at node %u", v);
        word |= (uint64_t)(g->off[v + 1] == g->off[v]) << (v & 63);
        if ((v & 63) == 63 || v + 1 == g->nnodes) {
            if (leaf != NULL)
                leaf[v >> 6] = word;
            word = 0;
        }
    }
    uint64_t nedges = g->off[g->nnodes];
    unsigned nsh = dom_shares(g);
    check_share sh[GHF_MAX_THREADS];
    for (unsigned t = 0; t < nsh; t++)
        sh[t] = (check_share){g, nedges * t / nsh, nedges * (t + 1) / nsh, 0};
    ghf_run_shares(check_edges, sh, sizeof sh[0], nsh);
    for (unsigned t = 0; t < nsh; t++) /* the first bad edge, as one thread would find it */
        if (sh[t].bad < sh[t].hi)
            return ghf_fail(err, GHF_EXIT_INTERNAL, "graph edge %llu points at node %u of %u",
                            (unsigned long long)sh[t].bad, g->dst[sh[t].bad], g->nnodes);
    return true;
}

static bool alloc_output(domtree *d, const ghf_graph *g, enum dom_mode mode, ghf_err *err)
{
    memset(d, 0, sizeof *d);
    d->nnodes = g->nnodes;
    d->idom = ghf_big_malloc(g->nnodes, sizeof *d->idom);
    /* one more than nnodes: build_dominator borrows it for two arrays of
     * nnodes + 1 numbers (accumulate_retained writes every entry after) */
    d->retained = ghf_big_calloc((size_t)g->nnodes + 1, sizeof *d->retained);
    d->order = ghf_big_malloc(g->nnodes, sizeof *d->order);
    if (d->idom == NULL || d->retained == NULL || d->order == NULL) {
        domtree_free(d);
        return ghf_fail(err, GHF_EXIT_INTERNAL, "out of memory for a dominator tree of %u nodes", g->nnodes);
    }
    if (mode == DOM_MODE_FIRST_PATH) /* the dominator mode writes all of idom at its end */
        for (uint32_t v = 0; v < g->nnodes; v++)
            d->idom[v] = DOM_UNREACHABLE;
    return true;
}

/* Retained sizes: own size, then every node adds its total to its parent,
 * children before parents (reverse of `order`). */
static void accumulate_retained(domtree *d, const ghf_graph *g)
{
    uint64_t total = 0;
    /* node order: sequential (the sum does not depend on the order) */
    for (uint32_t v = 0; v < g->nnodes; v++) {
        uint64_t own = d->idom[v] == DOM_UNREACHABLE ? 0 : g->size[v];
        d->retained[v] = own;
        total += own;
    }
    d->total = total;
    /* order is a DFS: prefetch a later node's entries (random in memory) */
    for (uint32_t i = d->nreach; i-- > 0;) {
        if (i >= 16) {
            __builtin_prefetch(&d->idom[d->order[i - 16]]);
            __builtin_prefetch(&d->retained[d->order[i - 16]], 1);
        }
        uint32_t v = d->order[i];
        uint32_t p = d->idom[v];
        if (p != DOM_SUPER)
            d->retained[p] += d->retained[v];
    }
}

static bool build_first_path(domtree *d, const ghf_graph *g)
{
    uint32_t tail = 0;
    for (uint32_t r = 0; r < g->nroots; r++) {
        d->idom[r] = DOM_SUPER;
        d->order[tail++] = r;
    }
    for (uint32_t head = 0; head < tail; head++) {
        uint32_t v = d->order[head];
        for (uint64_t e = g->off[v]; e < g->off[v + 1]; e++) {
            uint32_t x = g->dst[e];
            if (d->idom[x] == DOM_UNREACHABLE) {
                d->idom[x] = v;
                d->order[tail++] = x;
            }
        }
    }
    d->nreach = tail;
    return true;
}

/* Per-vertex state of Lengauer–Tarjan, packed so that one cache miss
 * brings all of it: on big graphs the run time is memory latency. */
typedef struct lt_rec {
    uint32_t anc;    /* linked forest, path-compressed; NONE = no ancestor */
    uint32_t label;  /* vertex of minimum semi on the compressed path */
    uint32_t lsemi;  /* semi[label], cached */
    uint32_t head;   /* first vertex waiting in this vertex's bucket, or NONE; semi-NCA: the idom */
    uint32_t size;   /* balanced linking: size of the subtree */
    uint32_t child;  /* balanced linking: next subtree root; s->n = none */
} lt_rec;

/* Working arrays of Lengauer–Tarjan, indexed by DFS number (0 = super-root).
 * None is an allocation of its own: every fresh page costs its first touch
 * (a page fault that clears it; ~1.6 ms per MB on a VM), so the arrays of
 * one phase reuse the pages of the last one's (see build_dominator). */
typedef struct lt {
    uint32_t n;          /* LT vertices (the DFS's, less the trivial leaves), super-root included */
    uint32_t ndfs;       /* DFS-numbered vertices, super-root included */
    uint32_t *num;       /* node -> DFS number, 0 = not reached; then LT number (not for leaves) */
    uint64_t *pos;       /* node -> predecessors counted, then its block's end, then start;
                            LT_TRIVIAL for a trivial leaf */
    uint32_t *vert;      /* DFS number -> node (vert[0] unused); then LT number -> node */
    uint32_t *parent;    /* DFS-tree parent, by DFS number; then by LT number */
    lt_rec *rec;         /* n + 1: rec[n] is the empty child (size 0, lsemi 0) */
    uint32_t *idom;      /* semidominators, then idoms (the bucket links while a vertex waits) */
    uint32_t *stack;     /* DFS stack of nodes */
    uint64_t *cursor;    /* DFS stack: next edge to follow; then DFS number -> LT number */
    uint32_t *rsrc;      /* predecessors of 1, 2, .. n-1 in blocks; LT_FIRST marks a block's first */
    const uint64_t *leaf; /* bit per node: no out-edges (check_graph) */
    uint64_t nrsrc;
    void *work;          /* the block that num, pos, cursor, then rec and idom live in */
} lt;

#define LT_FIRST (1u << 31) /* free bit: DFS numbers are below DOM_MAX_NODES */
#define LT_DEFER (1u << 31) /* in idom[]: idom(w) = idom(this), known at the end */
#define LT_TRIVIAL UINT64_MAX /* in pos[]: a trivial leaf, left out of LT */

static void lt_free(lt *s)
{
    ghf_big_free(s->work);
    ghf_big_free(s->rsrc);
    memset(s, 0, sizeof *s);
}

/* Preorder numbering from the super-root: roots in order, edges in order. */
static void lt_dfs(lt *s, const ghf_graph *g)
{
    uint32_t n = 1;
    s->vert[0] = NONE;
    s->parent[0] = 0;
    for (uint32_t r = 0; r < g->nroots; r++) {
        if (s->num[r] != 0)
            continue;
        s->num[r] = n;
        s->vert[n] = r;
        s->parent[n] = 0;
        n++;
        uint32_t sp = 0;
        s->stack[sp] = r;
        s->cursor[sp] = g->off[r];
        sp++;
        while (sp > 0) {
            uint32_t v = s->stack[sp - 1];
            if (s->cursor[sp - 1] == g->off[v + 1]) {
                sp--;
                continue;
            }
            uint32_t x = g->dst[s->cursor[sp - 1]++];
            if (s->num[x] != 0)
                continue;
            s->vert[n] = x;
            s->parent[n] = s->num[v];
            s->num[x] = n++;
            if (s->leaf[x >> 6] >> (x & 63) & 1) /* its offsets unread, never on the stack */
                continue;
            s->stack[sp] = x;
            s->cursor[sp] = g->off[x];
            sp++;
        }
    }
    s->ndfs = n;
}

/* pos[x] = edges into x, from every node (the unreachable ones' edges are
 * taken off once the DFS has found them), plus the super-root's edges.
 * It reads only the graph: on two threads it runs beside the DFS, long
 * done before it, so it clears pos itself (where pos's pages are fresh,
 * the kernel clears them on this core, not on the DFS's before it starts). */
static void lt_count(lt *s, const ghf_graph *g)
{
    memset(s->pos, 0, ((size_t)g->nnodes + 1) * sizeof *s->pos);
    uint64_t end = g->nnodes ? g->off[g->nnodes] : 0;
    for (uint64_t e = 0; e < end; e++) {
        if (e + 16 < end)
            __builtin_prefetch(&s->pos[g->dst[e + 16]], 1);
        s->pos[g->dst[e]]++;
    }
    for (uint32_t r = 0; r < g->nroots; r++)
        s->pos[r]++;
}

typedef struct dfs_share {
    lt *s;
    const ghf_graph *g;
    bool count;       /* this share counts predecessors; the other numbers */
} dfs_share;

static void *dfs_run(void *arg)
{
    dfs_share *sh = arg;
    if (sh->count)
        lt_count(sh->s, sh->g);
    else
        lt_dfs(sh->s, sh->g);
    return NULL;
}

/* Trivial leaves: a node without out-edges and with one predecessor (its
 * DFS parent) is dominated by that parent and lies inside no other node's
 * paths, so Lengauer-Tarjan runs on the graph without them (the DFS of
 * that graph is this one's, leaves left out): in heaps most objects are
 * such leaves (54 % of the `mixed` bench heap's nodes, 75 % of `maps`).
 * They get LT numbers in DFS order too (the preorder of the rest),
 * and their idom is written here.
 *
 * Predecessor lists in LT numbers, counting-sort style: blocks in DFS
 * order, each filled through its node's pos[] (so the fill needs no DFS
 * number of an edge's target, and counting needed none either: it ran
 * beside the DFS, whose random reads of num[] had also carried the
 * counter updates). Each block's first entry is marked with LT_FIRST
 * where the blocks are laid out, in order (rsrc is made before its size
 * is known, sized for every edge, zero: only the pages written count;
 * the fill ORs the sources in), so
 * the main loop, which takes the blocks from the last, needs no offsets:
 * the loop's own arrays take pos's pages.
 * The fill is one thread: two shares of the sources writing the shared
 * counters need atomic decrements, and a locked read-modify-write per edge
 * stalls on its cache miss instead of overlapping it with the next ones;
 * measured 1.2-1.7 s slower at 10 M. Two shares with their own counters
 * (filling each block from both ends) or each scanning every edge for half
 * of the targets were slower on two cores too (false sharing of the
 * blocks' cache lines; twice the random reads).
 * Also writes d->order (the DFS preorder), the trivial leaves' and the
 * unreachable nodes' d->idom. */
static bool lt_reverse(lt *s, domtree *d, const ghf_graph *g, ghf_err *err)
{
    uint32_t ndfs = s->ndfs;
    /* edges from nodes the DFS did not reach are no one's predecessors */
    for (uint32_t v = 0; v < g->nnodes; v++)
        if (s->num[v] == 0) {
            d->idom[v] = DOM_UNREACHABLE;
            for (uint64_t e = g->off[v]; e < g->off[v + 1]; e++)
                s->pos[g->dst[e]]--;
        }
    /* In DFS order: the preorder out, trivial leaves' idom out, LT numbers
     * (k) for the rest (num[v], and vert and parent compacted in place:
     * k <= i), inclusive prefix: pos[v] = end of v's block. The cursor
     * array, free since the DFS, maps DFS numbers to LT numbers. */
    uint32_t *ltk = (uint32_t *)s->cursor;
    uint32_t k = 1;
    uint64_t total = 0, bound = (g->nnodes ? g->off[g->nnodes] : 0) + g->nroots; /* >= total */
    s->rsrc = ghf_big_calloc(bound, sizeof *s->rsrc);
    if (s->rsrc == NULL)
        return ghf_fail(err, GHF_EXIT_INTERNAL, "out of memory for %llu reverse edges", (unsigned long long)bound);
    ltk[0] = 0;
    for (uint32_t i = 1; i < ndfs; i++) {
        if (i + 16 < ndfs) { /* the leaf bitmap stays in cache */
            uint32_t x = s->vert[i + 16];
            __builtin_prefetch(&s->pos[x], 1);
            __builtin_prefetch(s->leaf[x >> 6] >> (x & 63) & 1 ? (void *)&d->idom[x] : (void *)&s->num[x], 1);
        }
        uint32_t v = s->vert[i], p = s->parent[i];
        d->order[i - 1] = v; /* preorder: an idom is a DFS ancestor, so it comes first */
        bool leaf = s->leaf[v >> 6] >> (v & 63) & 1;
        if (leaf && s->pos[v] == 1) {
            d->idom[v] = p == 0 ? DOM_SUPER : d->order[p - 1];
            s->pos[v] = LT_TRIVIAL;
            continue; /* no one's parent: ltk[i] is never read */
        }
        s->rsrc[total] = LT_FIRST;
        total += s->pos[v];
        s->pos[v] = total;
        if (!leaf) /* a source of edges; a leaf's num is only tested for 0 */
            s->num[v] = k;
        ltk[i] = k;
        s->vert[k] = v;
        s->parent[k] = ltk[p];
        k++;
    }
    s->n = k;
    s->nrsrc = total;
    /* the super-root's entries are 0: nothing to OR in */
    for (uint32_t r = 0; r < g->nroots; r++)
        if (s->pos[r] != LT_TRIVIAL)
            --s->pos[r];
    return true;
}

/* The predecessor lists' fill (see lt_reverse), in node order, not DFS
 * order: sequential reads of off/dst/num (sources have edges, so they are
 * not trivial and num is their LT number). */
static void lt_fill(lt *s, const ghf_graph *g)
{
    uint64_t total = s->nrsrc;
    uint64_t end = g->nnodes ? g->off[g->nnodes] : 0;
    for (uint32_t v = 0; v < g->nnodes; v++) {
        uint32_t i = s->num[v];
        if (i == 0)
            continue;
        for (uint64_t e = g->off[v]; e < g->off[v + 1]; e++) {
            /* dst is read in order, pos and rsrc at random: pos 16 edges
             * ahead, then (pos there by now) the rsrc entry 8 ahead */
            if (e + 16 < end) {
                __builtin_prefetch(&s->pos[g->dst[e + 16]], 1);
                uint64_t at = s->pos[g->dst[e + 8]];
                __builtin_prefetch(&s->rsrc[at - 1 < total ? at - 1 : 0], 1);
            }
            uint64_t *px = &s->pos[g->dst[e]];
            if (*px != LT_TRIVIAL) /* the line is fetched for the write anyway */
                s->rsrc[--*px] |= i;
        }
    }
    /* now pos[v] = start of v's block; every vertex but the super-root has
     * a predecessor (its DFS parent), so no block is empty */
}

/* Beside the fill (one thread), the other maps what rec and idom will
 * need past the pages cursor, num and pos took: the kernel clears fresh
 * pages on first touch, and lt_init_records would otherwise take those
 * touches on the one thread. */
typedef struct fill_share {
    lt *s;
    const ghf_graph *g;
    size_t from, to; /* bytes of s->work to map; from == to: this share fills */
} fill_share;

static void *fill_run(void *arg)
{
    fill_share *sh = arg;
    if (sh->from == sh->to)
        lt_fill(sh->s, sh->g);
    else
        ghf_prefault((char *)sh->s->work + sh->from, sh->to - sh->from);
    return NULL;
}

/* Compress the path from v up to the child of its tree's root: every
 * vertex on it then points at that root and carries the minimum label of
 * the path above it. Iterative: the stack grows down from the end of
 * rsrc, over the predecessor entries already read. Every vertex on the
 * path has been linked, so it is one of the vertices w.. n-1 whose blocks
 * (at least one entry each) the main loop has taken from that end. */
static inline void lt_compress(lt *s, uint32_t v)
{
    lt_rec *rec = s->rec;
    uint32_t *stack = s->rsrc + s->nrsrc;
    uint32_t sp = 0, x = v;
    while (rec[rec[x].anc].anc != NONE) {
        *(stack - ++sp) = x;
        x = rec[x].anc;
    }
    while (sp > 0) {
        lt_rec *y = &rec[*(stack - sp--)];
        const lt_rec *a = &rec[y->anc];
        if (a->lsemi < y->lsemi) {
            y->label = a->label;
            y->lsemi = a->lsemi;
        }
        y->anc = a->anc;
    }
}

/* EVAL of Lengauer–Tarjan's balanced version: the vertex of minimum semi
 * on the path from v to the root of its linked tree (and that semi). */
static inline uint32_t lt_eval(lt *s, uint32_t v, uint32_t *min_semi)
{
    lt_rec *rec = s->rec;
    if (rec[v].anc == NONE) {
        *min_semi = rec[v].lsemi;
        return rec[v].label;
    }
    if (rec[rec[v].anc].anc != NONE)
        lt_compress(s, v);
    const lt_rec *a = &rec[rec[v].anc];
    if (a->lsemi >= rec[v].lsemi) {
        *min_semi = rec[v].lsemi;
        return rec[v].label;
    }
    *min_semi = a->lsemi;
    return a->label;
}

/* LINK(v, w) of the balanced version: w's tree joins v's, rebalanced by
 * subtree sizes so that paths stay O(log n) long before any compression.
 * (Simple linking made the DFS tree's one 10-million-vertex path of the
 * `dense` heap into forest paths that every eval walked: 7.5 random cache
 * misses per eval.) */
static inline void lt_link(lt *s, uint32_t v, uint32_t w)
{
    lt_rec *rec = s->rec;
    uint32_t none = s->n, x = w;
    uint32_t wsemi = rec[w].lsemi, wlabel = rec[w].label;
    while (wsemi < rec[rec[x].child].lsemi) {
        uint32_t c = rec[x].child;
        if (rec[x].size + rec[rec[c].child].size >= 2 * rec[c].size) {
            rec[c].anc = x;
            rec[x].child = rec[c].child;
        } else {
            rec[c].size = rec[x].size;
            rec[x].anc = c;
            x = c;
        }
    }
    rec[x].label = wlabel;
    rec[x].lsemi = wsemi;
    rec[v].size += rec[w].size;
    if (rec[v].size < 2 * rec[w].size) {
        uint32_t t = rec[v].child;
        rec[v].child = x;
        x = t;
    }
    while (x != none) {
        rec[x].anc = v;
        x = rec[x].child;
    }
}

/* Steps the nearest-common-ancestor pass may take per vertex (on top of
 * a fixed allowance) before it gives up for Lengauer-Tarjan's buckets;
 * tests lower it to make every graph take that way. */
static uint64_t nca_budget_per_vertex = 8;

void domtree_set_nca_budget(uint64_t per_vertex)
{
    nca_budget_per_vertex = per_vertex;
}

/* Semidominators, Lengauer-Tarjan's way: w from the last DFS number up,
 * semi(w) the least eval over its predecessors, then w linked to its
 * parent (balanced linking and path compression, O(E α(E, N))). semi(w)
 * is left in idom[w]. */
static void lt_semidominators(lt *s)
{
    uint32_t n = s->n;
    uint32_t *idom = s->idom;
    lt_rec *rec = s->rec;
    uint64_t e = s->nrsrc, pf = e; /* blocks are taken from the last: w = n-1 first */
    for (uint32_t w = n - 1; w >= 1; w--) {
        /* what a later step reads at random: the predecessors up to 16
         * entries ahead, each once, and the parent's record */
        for (; pf > 0 && pf + 16 > e; pf--)
            __builtin_prefetch(&rec[s->rsrc[pf - 1] & ~LT_FIRST]);
        if (w > 8)
            __builtin_prefetch(&rec[s->parent[w - 8]]);
        uint32_t sw = w, v;
        do {
            v = s->rsrc[--e];
            uint32_t u = v & ~LT_FIRST, su = u; /* unlinked (u <= w): semi(u) = u */
            if (u > w)
                lt_eval(s, u, &su);
            if (su < sw)
                sw = su;
        } while (!(v & LT_FIRST));
        rec[w].lsemi = sw;
        idom[w] = sw;
        lt_link(s, s->parent[w], w);
    }
}

/* Semi-NCA (Georgiadis): in preorder, idom(w) is the nearest common
 * ancestor of parent(w) and semi(w) in the dominator tree built so far:
 * the first of parent(w)'s dominators numbered at most semi(w). The
 * answers go to rec[w].head (idom[] still holds the semis, in case the
 * walk gives up). Usually a step or two per vertex; but a long list whose
 * items are also held by a second root makes every item walk the list's
 * dominator chain (quadratic), so past a budget of steps it stops and
 * returns false. */
static bool nca_idoms(lt *s)
{
    uint32_t n = s->n;
    const uint32_t *semi = s->idom;
    lt_rec *rec = s->rec;
    uint64_t steps = 0, budget = nca_budget_per_vertex * n + (nca_budget_per_vertex ? 1u << 20 : 0);
    rec[0].head = 0;
    for (uint32_t w = 1; w < n; w++) {
        if (w + 16 < n)
            __builtin_prefetch(&rec[s->parent[w + 16]]);
        uint32_t x = s->parent[w], sw = semi[w];
        while (x > sw) {
            x = rec[x].head;
            if (++steps > budget)
                return false;
        }
        rec[w].head = x;
    }
    return true;
}

/* Every vertex alone in the forest, its semi its own number; rec[n] is
 * the empty child (size 0, lsemi 0). */
static void lt_init_records(lt *s)
{
    uint32_t n = s->n;
    for (uint32_t i = 0; i < n; i++)
        s->rec[i] = (lt_rec){.anc = NONE, .label = i, .lsemi = i, .head = NONE, .size = 1, .child = n};
    s->rec[n] = (lt_rec){.anc = NONE, .label = n, .lsemi = 0, .head = NONE, .size = 0, .child = n};
    s->idom[0] = 0;
}

/* Lengauer-Tarjan's second half, when the NCA walk gave up: the links of
 * lt_semidominators replayed, each record as it was then (an unlinked
 * vertex's semi reads as its own number: eval compares with the root of a
 * tree, which is not linked yet), and each vertex put in its
 * semidominator's bucket and answered when that is linked to its parent.
 * A vertex waits in the bucket until its idom is known, so bucket links
 * live in the idom array itself and the heads in the records (the
 * vertices of p's bucket have semi p, so the semi itself need not be
 * kept; an idom known only as "that of u" is u | LT_DEFER until the last
 * pass). */
static void lt_buckets(lt *s)
{
    uint32_t n = s->n;
    uint32_t *idom = s->idom;
    lt_rec *rec = s->rec;
    lt_init_records(s);
    for (uint32_t w = n - 1; w >= 1; w--) {
        if (w > 8)
            __builtin_prefetch(&rec[s->parent[w - 8]]);
        uint32_t sw = idom[w]; /* semi(w); idom[] below w still holds semis */
        rec[w].lsemi = sw;
        idom[w] = rec[sw].head; /* bucket link until idom(w) is known */
        rec[sw].head = w;
        uint32_t p = s->parent[w];
        lt_link(s, p, w);
        for (uint32_t b = rec[p].head; b != NONE;) {
            uint32_t next = idom[b], su;
            uint32_t u = lt_eval(s, b, &su);
            idom[b] = su < p ? u | LT_DEFER : p; /* semi(b) = p */
            b = next;
        }
        rec[p].head = NONE;
    }
    for (uint32_t w = 1; w < n; w++)
        if (idom[w] & LT_DEFER)
            idom[w] = idom[idom[w] & ~LT_DEFER];
}

/* Immediate dominators by LT number into s->idom: semidominators as
 * Lengauer-Tarjan finds them, then semi-NCA, which needs no buckets
 * (on the `dense` bench heap the buckets were a third of the time: its
 * many vertices with semidominators near the root wait in few buckets,
 * each answered by an eval that walks the forest). Where semi-NCA's walk
 * would be long, Lengauer-Tarjan's buckets finish instead. Both give the
 * one dominator tree. */
static void lt_dominators(lt *s)
{
    uint32_t n = s->n;
    lt_rec *rec = s->rec;
    lt_init_records(s);
    lt_semidominators(s);
    if (!nca_idoms(s)) {
        lt_buckets(s);
        return;
    }
    for (uint32_t w = 1; w < n; w++)
        s->idom[w] = rec[w].head;
}

/* One share of the translation from LT numbers back to nodes: numbers
 * [lo, hi). (d->order, the trivial leaves' and the unreachable nodes'
 * idom were written by lt_reverse.) */
typedef struct relabel_share {
    domtree *d;
    const lt *s;
    uint32_t lo, hi;
} relabel_share;

static void *relabel_run(void *arg)
{
    relabel_share *sh = arg;
    domtree *d = sh->d;
    const lt *s = sh->s;
    for (uint32_t i = sh->lo; i < sh->hi; i++) {
        if (i + 16 < sh->hi) { /* both at random */
            __builtin_prefetch(&d->idom[s->vert[i + 16]], 1);
            __builtin_prefetch(&s->vert[s->idom[i + 16]]);
        }
        d->idom[s->vert[i]] = s->idom[i] == 0 ? DOM_SUPER : s->vert[s->idom[i]];
    }
    return NULL;
}

/* d->idom of the LT vertices; on two threads in halves (disjoint entries). */
static void relabel(domtree *d, const lt *s, const ghf_graph *g)
{
    unsigned nsh = dom_shares(g);
    relabel_share sh[GHF_MAX_THREADS];
    for (unsigned t = 0; t < nsh; t++)
        sh[t] = (relabel_share){d, s, 1 + (uint32_t)((uint64_t)(s->n - 1) * t / nsh),
                                1 + (uint32_t)((uint64_t)(s->n - 1) * (t + 1) / nsh)};
    ghf_run_shares(relabel_run, sh, sizeof sh[0], nsh);
    d->nreach = s->ndfs - 1;
}

/* Where the per-vertex arrays live, so that few pages are fresh:
 *  - vert and parent: in d->retained (nnodes + 1 entries of 8 bytes, not
 *    written before accumulate_retained);
 *  - the DFS stack: in d->order (written by lt_reverse after the DFS);
 *    the compress stack: in the end of rsrc (see lt_compress);
 *  - one block `work` holds cursor, num and pos while the DFS and the
 *    predecessor lists need them (20 bytes a vertex), then rec and idom
 *    over the same pages (28 bytes an LT vertex, idom right after rec:
 *    with trivial leaves left out, both fit in pages cursor and num took).
 *    It is not made zero, and the DFS's arrays come first, in the pages
 *    most likely kept from an earlier stage's block (a block grown from a
 *    kept one is fresh past it): cursor needs no clearing, num is cleared
 *    before the DFS, pos by the counting share beside it.
 * That makes 28 fresh bytes per vertex instead of 56, at the same peak. */
static bool build_dominator(domtree *d, const ghf_graph *g, const uint64_t *leaf, void **spare, ghf_err *err)
{
    lt s = {.leaf = leaf};
    size_t cap = (size_t)g->nnodes + 1; /* DFS numbers: s.n <= cap */
    size_t rec_bytes = (cap + 1) * sizeof *s.rec, work_bytes = rec_bytes + cap * sizeof *s.idom;
    bool ok = false;
    _Static_assert(sizeof(lt_rec) >= 20 && sizeof(lt_rec) % 4 == 0, "pos, cursor and num fit where rec goes");
    s.work = ghf_big_malloc(work_bytes, 1);
    if (s.work == NULL) {
        ghf_fail(err, GHF_EXIT_INTERNAL, "out of memory for a dominator tree of %u nodes", g->nnodes);
        goto out;
    }
    s.cursor = s.work;                               /* 8 bytes a vertex */
    s.num = (uint32_t *)(s.cursor + cap);            /* 4, cleared here */
    s.pos = (uint64_t *)((char *)s.num + ((cap * sizeof *s.num + 7) & ~(size_t)7)); /* 8, by lt_count */
    size_t dfs_bytes = (size_t)((char *)(s.pos + cap) - (char *)s.work);
    memset(s.num, 0, cap * sizeof *s.num);
    s.vert = (uint32_t *)d->retained;
    s.parent = s.vert + cap;
    /* d->order is written after the DFS: until then it is the stack
     * (the DFS depth is at most nnodes) */
    s.stack = d->order;
    dfs_share sh[2] = {{&s, g, false}, {&s, g, true}};
    if (dom_shares(g) > 1) {
        ghf_run_shares(dfs_run, sh, sizeof sh[0], 2);
    } else {
        lt_count(&s, g);
        lt_dfs(&s, g);
    }
    if (!lt_reverse(&s, d, g, err))
        goto out;
    size_t rec_to_idom = (s.n + 1) * sizeof *s.rec + s.n * sizeof *s.idom;
    fill_share fill[2] = {{&s, g, 0, 0}, {&s, g, dfs_bytes, rec_to_idom}};
    if (dom_shares(g) > 1 && rec_to_idom > dfs_bytes)
        ghf_run_shares(fill_run, fill, sizeof fill[0], 2);
    else
        lt_fill(&s, g);
    s.cursor = NULL; /* its pages: rec's, below */
    s.num = NULL; /* DFS numbers and offsets are not needed past here */
    s.pos = NULL;
    s.rec = s.work;                                  /* s.n + 1 <= cap + 1 entries */
    s.idom = (uint32_t *)(s.rec + s.n + 1);          /* right after: pages the DFS arrays took */
    lt_dominators(&s);
    relabel(d, &s, g);
    ok = true;
    *spare = s.work; /* compute_shared's top[] takes its pages */
    s.work = NULL;
out:
    lt_free(&s); /* the rest is borrowed from d */
    return ok;
}

/* Which roots reach each shared node; see the header for the method.
 * spare: NULL, or room for nnodes numbers that are not fresh pages (the
 * caller frees it). */
static bool compute_shared(domtree *d, const ghf_graph *g, uint32_t *spare, ghf_err *err)
{
    enum { CAP = DOM_SHARE_K + 1 };
    const uint32_t TOP_SELF = 1u << 31; /* check_graph keeps nnodes below this */
    bool ok = false;
    uint32_t ntop = 0, nshared = 0;
    uint32_t *top = spare != NULL ? spare : ghf_big_malloc(g->nnodes, sizeof *top);
    uint64_t *coff = NULL;
    uint32_t *cdst = NULL, *setv = NULL, *queue = NULL;
    uint8_t *setn = NULL;
    uint64_t *is_top = NULL;
    if (top == NULL) {
        ghf_fail(err, GHF_EXIT_INTERNAL, "out of memory for shared-root analysis");
        goto out;
    }
    /* top[v] = compact index of the super-root's child above v, with
     * TOP_SELF set when v is that child. is_top is the same fact as a
     * bitmap: small enough to stay in cache when scanning every edge. */
    is_top = ghf_xcalloc(((size_t)g->nnodes + 63) / 64 + 1, sizeof *is_top, err);
    if (is_top == NULL)
        goto out;
    for (uint32_t i = 0; i < d->nreach; i++) {
        uint32_t v = d->order[i];
        if (d->idom[v] == DOM_SUPER) {
            is_top[v >> 6] |= 1ull << (v & 63);
            top[v] = ntop++ | TOP_SELF;
            nshared += v >= g->nroots;
        } else {
            top[v] = top[d->idom[v]] & ~TOP_SELF;
        }
    }
    if (nshared == 0) {
        ok = true;
        goto out;
    }
    /* Contracted graph: top(w) -> x for every edge w -> x into another top.
     * (An edge can only enter a different top's subtree at the top itself,
     * because idom(x) dominates every predecessor of x.) Nodes in id order:
     * sequential reads of off, dst and top[w]. */
    coff = ghf_xcalloc((size_t)ntop + 1, sizeof *coff, err);
    if (coff == NULL)
        goto out;
    for (uint32_t w = 0; w < g->nnodes; w++) {
        if (d->idom[w] == DOM_UNREACHABLE)
            continue;
        uint32_t tw = top[w] & ~TOP_SELF;
        for (uint64_t e = g->off[w]; e < g->off[w + 1]; e++) {
            uint32_t x = g->dst[e];
            if (!(is_top[x >> 6] >> (x & 63) & 1))
                continue;
            uint32_t tx = top[x];
            if ((tx & ~TOP_SELF) != tw)
                coff[tw]++;
        }
    }
    for (uint32_t t = 1; t < ntop; t++)
        coff[t] += coff[t - 1];
    coff[ntop] = ntop ? coff[ntop - 1] : 0;
    cdst = ghf_big_malloc(coff[ntop], sizeof *cdst);
    setv = ghf_big_malloc((size_t)ntop * CAP, sizeof *setv);
    setn = ghf_xcalloc(ntop, 1, err);
    queue = ghf_big_malloc(ntop, sizeof *queue);
    if (cdst == NULL || setv == NULL || setn == NULL || queue == NULL) {
        ghf_fail(err, GHF_EXIT_INTERNAL, "out of memory for shared-root analysis");
        goto out;
    }
    for (uint32_t w = 0; w < g->nnodes; w++) {
        if (d->idom[w] == DOM_UNREACHABLE)
            continue;
        uint32_t tw = top[w] & ~TOP_SELF;
        for (uint64_t e = g->off[w]; e < g->off[w + 1]; e++) {
            uint32_t x = g->dst[e];
            if (!(is_top[x >> 6] >> (x & 63) & 1))
                continue;
            uint32_t tx = top[x] & ~TOP_SELF;
            if (tx != tw)
                cdst[--coff[tw]] = tx;
        }
    }
    /* One BFS per root in root order. A node already holding CAP smaller
     * roots is not expanded: everything below it holds them too. */
    for (uint32_t r = 0; r < g->nroots; r++) {
        uint32_t t0 = top[r] & ~TOP_SELF;
        if (setn[t0] == CAP)
            continue;
        setv[(size_t)t0 * CAP + setn[t0]++] = r;
        uint32_t head = 0, tail = 0;
        queue[tail++] = t0;
        while (head < tail) {
            uint32_t t = queue[head++];
            for (uint64_t e = coff[t]; e < coff[t + 1]; e++) {
                uint32_t y = cdst[e];
                if (setn[y] == CAP || (setn[y] > 0 && setv[(size_t)y * CAP + setn[y] - 1] == r))
                    continue;
                setv[(size_t)y * CAP + setn[y]++] = r;
                queue[tail++] = y;
            }
        }
    }
    d->shared = ghf_big_malloc(nshared, sizeof *d->shared);
    if (d->shared == NULL) {
        ghf_fail(err, GHF_EXIT_INTERNAL, "out of memory for shared-root analysis");
        goto out;
    }
    for (uint32_t v = g->nroots; v < g->nnodes; v++) {
        if (d->idom[v] != DOM_SUPER)
            continue;
        dom_shared *sh = &d->shared[d->nshared++];
        memset(sh, 0, sizeof *sh);
        sh->node = v;
        uint32_t t = top[v] & ~TOP_SELF;
        sh->nroots = setn[t];
        for (uint32_t k = 0; k < DOM_SHARE_K && k < sh->nroots; k++)
            sh->roots[k] = setv[(size_t)t * CAP + k];
    }
    /* A rank index so that domtree_shared costs one cache line, not a
     * binary search (it is asked for every shared node, in DFS order).
     * Optional: without memory for it, the search is used. */
    size_t nwords = ((size_t)g->nnodes + 63) / 64;
    d->shared_index = ghf_big_calloc(nwords ? nwords * 2 : 2, sizeof *d->shared_index);
    if (d->shared_index != NULL) {
        for (uint32_t i = 0; i < d->nshared; i++)
            d->shared_index[(d->shared[i].node / 64) * 2] |= 1ull << (d->shared[i].node % 64);
        uint64_t before = 0;
        for (size_t w = 0; w < nwords; w++) {
            d->shared_index[w * 2 + 1] = before;
            before += (uint64_t)__builtin_popcountll(d->shared_index[w * 2]);
        }
    }
    ok = true;
out:
    if (top != spare)
        ghf_big_free(top);
    ghf_big_free(is_top);
    ghf_big_free(coff);
    ghf_big_free(cdst);
    ghf_big_free(setv);
    ghf_big_free(setn);
    ghf_big_free(queue);
    return ok;
}

/* The two jobs that follow the dominators read idom and order and write
 * disjoint parts of d: on two threads they run side by side. */
typedef struct finish_share {
    domtree *d;
    const ghf_graph *g;
    ghf_err *err;
    uint32_t *spare;  /* for compute_shared */
    bool shared;      /* compute_shared; else accumulate_retained */
    bool ok;
} finish_share;

static void *finish_run(void *arg)
{
    finish_share *sh = arg;
    if (sh->shared)
        sh->ok = compute_shared(sh->d, sh->g, sh->spare, sh->err);
    else
        accumulate_retained(sh->d, sh->g);
    return NULL;
}

bool domtree_build(domtree *d, const ghf_graph *g, enum dom_mode mode, ghf_err *err)
{
    memset(d, 0, sizeof *d);
    uint64_t *leaf = NULL; /* for the DFS of the dominator mode */
    if (mode == DOM_MODE_DOMINATOR && g->nnodes < DOM_MAX_NODES && /* else check_graph refuses it */
        (leaf = ghf_xcalloc(((size_t)g->nnodes + 63) / 64 + 1, sizeof *leaf, err)) == NULL)
        return false;
    if (!check_graph(g, leaf, err) || !alloc_output(d, g, mode, err)) {
        ghf_big_free(leaf);
        return false;
    }
    bool ok;
    void *spare = NULL; /* build_dominator's scratch block, for compute_shared */
    if (mode == DOM_MODE_FIRST_PATH) {
        ok = build_first_path(d, g);
        if (ok)
            accumulate_retained(d, g);
    } else if ((ok = build_dominator(d, g, leaf, &spare, err))) {
        finish_share sh[2] = {{d, g, err, spare, true, false}, {d, g, err, NULL, false, true}};
        if (dom_shares(g) > 1) {
            ghf_run_shares(finish_run, sh, sizeof sh[0], 2);
        } else {
            finish_run(&sh[0]);
            if (sh[0].ok)
                finish_run(&sh[1]);
        }
        ok = sh[0].ok;
    }
    ghf_big_free(spare);
    ghf_big_free(leaf);
    if (!ok) {
        domtree_free(d);
        return false;
    }
    return true;
}

void domtree_free(domtree *d)
{
    ghf_big_free(d->idom);
    ghf_big_free(d->retained);
    ghf_big_free(d->order);
    ghf_big_free(d->shared);
    ghf_big_free(d->shared_index);
    memset(d, 0, sizeof *d);
}

const dom_shared *domtree_shared(const domtree *d, uint32_t v)
{
    if (d->shared_index != NULL) {
        if (v >= d->nnodes)
            return NULL;
        const uint64_t *e = &d->shared_index[(v / 64) * 2];
        uint64_t bit = 1ull << (v % 64);
        if (!(e[0] & bit))
            return NULL;
        return &d->shared[e[1] + (uint64_t)__builtin_popcountll(e[0] & (bit - 1))];
    }
    uint32_t lo = 0, hi = d->nshared;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (d->shared[mid].node < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < d->nshared && d->shared[lo].node == v ? &d->shared[lo] : NULL;
}
