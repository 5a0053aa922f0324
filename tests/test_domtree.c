/* Tests for the retention tree (include/domtree.h): dominators checked
 * against a brute-force definition (remove a node, is v still reachable?),
 * shared-root sets against per-root reachability, first-path against BFS
 * distances, and big inputs for stack safety and speed. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "domtree.h"
#include "holders.h"

static uint64_t rng_state;
static uint64_t rnd(void) /* splitmix64: seeded, deterministic */
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

typedef struct edge { uint32_t a, b; } edge;

/* Build a CSR graph from an edge list (edges kept in list order per source). */
static void make_graph(ghf_graph *g, uint32_t n, uint32_t nroots, const edge *es, size_t ne)
{
    g->nnodes = n;
    g->nroots = nroots;
    g->off = calloc((size_t)n + 1, sizeof *g->off);
    g->dst = malloc((ne ? ne : 1) * sizeof *g->dst);
    g->size = calloc(n ? n : 1, sizeof *g->size);
    for (size_t i = 0; i < ne; i++)
        g->off[es[i].a + 1]++;
    for (uint32_t v = 0; v < n; v++)
        g->off[v + 1] += g->off[v];
    uint64_t *fill = malloc(((size_t)n + 1) * sizeof *fill);
    memcpy(fill, g->off, ((size_t)n + 1) * sizeof *fill);
    for (size_t i = 0; i < ne; i++)
        g->dst[fill[es[i].a]++] = es[i].b;
    free(fill);
}

static void free_graph(ghf_graph *g)
{
    free(g->off);
    free(g->dst);
    free(g->size);
}

/* Nodes reachable from `roots` (a bitmask) in a graph of <= 32 nodes,
 * never entering `removed` (UINT32_MAX for none). */
static uint32_t reach_mask(const ghf_graph *g, uint32_t roots, uint32_t removed)
{
    uint32_t seen = 0, stack[64];
    int sp = 0;
    for (uint32_t r = 0; r < g->nnodes; r++)
        if ((roots >> r & 1) && r != removed) {
            seen |= 1u << r;
            stack[sp++] = r;
        }
    while (sp > 0) {
        uint32_t v = stack[--sp];
        for (uint64_t e = g->off[v]; e < g->off[v + 1]; e++) {
            uint32_t x = g->dst[e];
            if (x == removed || (seen >> x & 1))
                continue;
            seen |= 1u << x;
            stack[sp++] = x;
        }
    }
    return seen;
}

static void random_small_graph(ghf_graph *g, uint32_t max_nodes, uint32_t max_roots)
{
    uint32_t n = 1 + (uint32_t)(rnd() % max_nodes);
    uint32_t nroots = (uint32_t)(rnd() % ((n < max_roots ? n : max_roots) + 1));
    uint32_t ne = (uint32_t)(rnd() % (3 * n + 1));
    edge es[128];
    for (uint32_t i = 0; i < ne; i++) {
        es[i].a = (uint32_t)(rnd() % n);
        /* mostly forward edges into heap nodes, some back edges, self loops
         * and edges into roots */
        es[i].b = (uint32_t)(rnd() % n);
    }
    make_graph(g, n, nroots, es, ne);
    for (uint32_t v = nroots; v < n; v++)
        g->size[v] = 1 + rnd() % 1000;
}

static void check_against_brute_force(const ghf_graph *g, const domtree *d, int iter)
{
    uint32_t n = g->nnodes;
    uint32_t allroots = g->nroots == 32 ? UINT32_MAX : (1u << g->nroots) - 1;
    uint32_t reach = reach_mask(g, allroots, UINT32_MAX);
    uint32_t dom[32] = {0}; /* dom[v] = strict dominators of v */
    for (uint32_t x = 0; x < n; x++) {
        if (!(reach >> x & 1))
            continue;
        uint32_t without = reach_mask(g, allroots, x);
        for (uint32_t v = 0; v < n; v++)
            if (v != x && (reach >> v & 1) && !(without >> v & 1))
                dom[v] |= 1u << x;
    }
    uint32_t nreach = 0;
    uint64_t total = 0;
    for (uint32_t v = 0; v < n; v++) {
        if (!(reach >> v & 1)) {
            cr_assert_eq(d->idom[v], DOM_UNREACHABLE, "iter %d: node %u unreachable", iter, v);
            cr_assert_eq(d->retained[v], 0);
            cr_assert_null(domtree_shared(d, v));
            continue;
        }
        nreach++;
        total += g->size[v];
        uint32_t want = DOM_SUPER;
        int depth = __builtin_popcount(dom[v]);
        for (uint32_t x = 0; x < n; x++)
            if ((dom[v] >> x & 1) && __builtin_popcount(dom[x]) == depth - 1)
                want = x;
        cr_assert_eq(d->idom[v], want, "iter %d: idom(%u) = %u, brute force says %u", iter, v,
                     d->idom[v], want);
        uint64_t ret = g->size[v];
        for (uint32_t u = 0; u < n; u++)
            if (dom[u] >> v & 1)
                ret += g->size[u];
        cr_assert_eq(d->retained[v], ret, "iter %d: retained(%u)", iter, v);
        /* shared-root record */
        const dom_shared *sh = domtree_shared(d, v);
        if (want != DOM_SUPER || v < g->nroots) {
            cr_assert_null(sh, "iter %d: node %u is not shared", iter, v);
            continue;
        }
        cr_assert_not_null(sh, "iter %d: node %u is shared", iter, v);
        uint32_t count = 0, listed[DOM_SHARE_K];
        for (uint32_t r = 0; r < g->nroots; r++)
            if (reach_mask(g, 1u << r, UINT32_MAX) >> v & 1) {
                if (count < DOM_SHARE_K)
                    listed[count] = r;
                count++;
            }
        cr_assert_geq(count, 2, "a node only the super-root dominates has two roots");
        cr_assert_eq(sh->nroots, count > DOM_SHARE_K ? DOM_SHARE_K + 1 : count,
                     "iter %d: node %u reached by %u roots, recorded %u", iter, v, count, sh->nroots);
        for (uint32_t k = 0; k < DOM_SHARE_K && k < count; k++)
            cr_assert_eq(sh->roots[k], listed[k], "iter %d: node %u root #%u", iter, v, k);
    }
    cr_assert_eq(d->nreach, nreach);
    cr_assert_eq(d->total, total);
    /* order: each reachable node once, after its parent */
    uint32_t pos[32];
    memset(pos, 0xff, sizeof pos);
    for (uint32_t i = 0; i < d->nreach; i++) {
        uint32_t v = d->order[i];
        cr_assert_eq(pos[v], UINT32_MAX);
        pos[v] = i;
        if (d->idom[v] != DOM_SUPER)
            cr_assert_lt(pos[d->idom[v]], i);
    }
}

Test(domtree, matches_brute_force_on_random_graphs)
{
    rng_state = 12345;
    ghf_err err = {0};
    int shared_seen = 0, saturated_seen = 0;
    for (int iter = 0; iter < 6000; iter++) {
        ghf_graph g;
        /* small graphs with few roots, then more roots to exercise the
         * saturating root count */
        random_small_graph(&g, iter < 3000 ? 12 : 20, iter < 3000 ? 3 : 9);
        domtree d;
        /* semi-NCA, then (budget 0) Lengauer-Tarjan's buckets */
        domtree_set_nca_budget(0);
        cr_assert(domtree_build(&d, &g, DOM_MODE_DOMINATOR, &err), "%s", err.msg);
        check_against_brute_force(&g, &d, iter);
        domtree_free(&d);
        domtree_set_nca_budget(8);
        cr_assert(domtree_build(&d, &g, DOM_MODE_DOMINATOR, &err), "%s", err.msg);
        check_against_brute_force(&g, &d, iter);
        shared_seen += d.nshared > 0;
        for (uint32_t i = 0; i < d.nshared; i++)
            saturated_seen += d.shared[i].nroots > DOM_SHARE_K;
        domtree_free(&d);
        free_graph(&g);
    }
    /* the generator must actually produce the interesting cases */
    cr_assert_gt(shared_seen, 100);
    cr_assert_gt(saturated_seen, 10);
}

/* The leaves Lengauer-Tarjan leaves out (no out-edges, one predecessor
 * edge) and the ones it must not: a leaf with a duplicated edge, one whose
 * second predecessor is garbage (trivial once that edge is taken off), one
 * with two reachable predecessors (its idom is their meeting point), a
 * root without edges, and a root that is also some node's target. */
Test(domtree, leaves_with_one_or_more_predecessors)
{
    /* roots 0, 1, 2; 0 -> a(3) -> {4, 5, 5, 6, 7}; 3 -> 8 -> 7; garbage 9 -> 6;
     * 2 -> 10 -> 2 (root 2 also a target); 8 -> 11, 10 -> 11 (two roots) */
    const edge es[] = {{0, 3}, {3, 4}, {3, 5}, {3, 5}, {3, 6}, {3, 7}, {3, 8}, {8, 7},
                       {9, 6}, {2, 10}, {10, 2}, {8, 11}, {10, 11}};
    ghf_graph g;
    make_graph(&g, 12, 3, es, sizeof es / sizeof es[0]);
    for (uint32_t v = 3; v < 12; v++)
        g.size[v] = 10 + v;
    ghf_err err = {0};
    domtree d;
    cr_assert(domtree_build(&d, &g, DOM_MODE_DOMINATOR, &err), "%s", err.msg);
    check_against_brute_force(&g, &d, 0);
    cr_assert_eq(d.idom[4], 3);  /* trivial leaf */
    cr_assert_eq(d.idom[5], 3);  /* duplicated edge */
    cr_assert_eq(d.idom[6], 3);  /* second predecessor is garbage */
    cr_assert_eq(d.idom[7], 3);  /* two predecessors, 3 and 8 */
    cr_assert_eq(d.idom[1], DOM_SUPER); /* root without edges */
    cr_assert_eq(d.idom[9], DOM_UNREACHABLE);
    cr_assert_eq(d.idom[11], DOM_SUPER); /* from roots 0 and 2 */
    /* preorder: roots in order, edges in order, leaves included */
    const uint32_t want[] = {0, 3, 4, 5, 6, 7, 8, 11, 1, 2, 10};
    cr_assert_eq(d.nreach, sizeof want / sizeof want[0]);
    for (uint32_t i = 0; i < d.nreach; i++)
        cr_assert_eq(d.order[i], want[i], "order[%u] = %u, want %u", i, d.order[i], want[i]);
    domtree_free(&d);
    free_graph(&g);
}

/* Reference dominators from the data-flow definition, on bitsets:
 * Dom(root) = {super-root, root} (the super-root is every root's only
 * predecessor that counts: it dominates everything), Dom(v) = {v} ∪ the
 * intersection of Dom(p) over v's reachable predecessors, iterated to the
 * fixed point. idom(v) = the strict dominator with the largest set.
 * Nothing shared with domtree.c; quadratic memory, for a few thousand nodes. */
static void reference_idom(const ghf_graph *g, uint32_t *want)
{
    uint32_t n = g->nnodes;
    size_t words = ((size_t)n + 1 + 63) / 64; /* bit n = the super-root */
    uint64_t *dom = malloc((size_t)n * words * sizeof *dom);
    uint8_t *reach = calloc(n ? n : 1, 1);
    uint32_t *stack = malloc((n ? n : 1) * sizeof *stack), sp = 0;
    uint64_t *pred_off = calloc((size_t)n + 1, sizeof *pred_off);
    uint32_t *pred = malloc((g->off[n] ? g->off[n] : 1) * sizeof *pred);
    uint64_t *tmp = malloc(words * sizeof *tmp);
    cr_assert(dom && reach && stack && pred_off && pred && tmp);
    for (uint32_t r = 0; r < g->nroots; r++)
        if (!reach[r]) {
            reach[r] = 1;
            stack[sp++] = r;
        }
    while (sp > 0) {
        uint32_t v = stack[--sp];
        for (uint64_t e = g->off[v]; e < g->off[v + 1]; e++)
            if (!reach[g->dst[e]]) {
                reach[g->dst[e]] = 1;
                stack[sp++] = g->dst[e];
            }
    }
    for (uint64_t e = 0; e < g->off[n]; e++)
        pred_off[g->dst[e] + 1]++;
    for (uint32_t v = 0; v < n; v++)
        pred_off[v + 1] += pred_off[v];
    for (uint32_t v = n; v-- > 0;) /* each block filled from its end, ending at its start */
        for (uint64_t e = g->off[v]; e < g->off[v + 1]; e++)
            pred[--pred_off[g->dst[e] + 1]] = v;
    for (uint32_t v = 0; v < n; v++) /* pred_off[v + 1] is v's start now: shift */
        pred_off[v] = pred_off[v + 1];
    pred_off[n] = g->off[n];
    for (uint32_t v = 0; v < n; v++) {
        uint64_t *d = &dom[(size_t)v * words];
        memset(d, v < g->nroots ? 0 : 0xff, words * sizeof *d);
        if (v < g->nroots) {
            d[n / 64] |= 1ull << (n % 64);
            d[v / 64] |= 1ull << (v % 64);
        }
    }
    for (bool changed = true; changed;) {
        changed = false;
        for (uint32_t v = g->nroots; v < n; v++) {
            if (!reach[v])
                continue;
            memset(tmp, 0xff, words * sizeof *tmp);
            for (uint64_t e = pred_off[v]; e < pred_off[v + 1]; e++)
                if (reach[pred[e]])
                    for (size_t k = 0; k < words; k++)
                        tmp[k] &= dom[(size_t)pred[e] * words + k];
            tmp[v / 64] |= 1ull << (v % 64);
            if (memcmp(tmp, &dom[(size_t)v * words], words * sizeof *tmp) != 0) {
                memcpy(&dom[(size_t)v * words], tmp, words * sizeof *tmp);
                changed = true;
            }
        }
    }
    for (uint32_t v = 0; v < n; v++) {
        want[v] = DOM_UNREACHABLE;
        if (!reach[v])
            continue;
        const uint64_t *d = &dom[(size_t)v * words];
        uint32_t best = DOM_SUPER, best_size = 0;
        for (uint32_t x = 0; x < n; x++) {
            if (x == v || !(d[x / 64] >> (x % 64) & 1))
                continue;
            uint32_t size = 0;
            for (size_t k = 0; k < words; k++)
                size += (uint32_t)__builtin_popcountll(dom[(size_t)x * words + k]);
            if (size > best_size) {
                best = x;
                best_size = size;
            }
        }
        want[v] = best;
    }
    free(dom);
    free(reach);
    free(stack);
    free(pred_off);
    free(pred);
    free(tmp);
}

/* idom, retained (subtree sums of the reference tree), nreach and order
 * (each node after its parent) against reference_idom. */
static void check_against_reference(const ghf_graph *g, const domtree *d, const char *what, int iter)
{
    uint32_t n = g->nnodes, nreach = 0;
    uint32_t *want = malloc((n ? n : 1) * sizeof *want), *pos = malloc((n ? n : 1) * sizeof *pos);
    uint64_t *ret = calloc(n ? n : 1, sizeof *ret);
    cr_assert(want && pos && ret);
    reference_idom(g, want);
    for (uint32_t v = 0; v < n; v++) {
        cr_assert_eq(d->idom[v], want[v], "%s %d: idom(%u) = %u, the data-flow definition says %u", what, iter, v,
                     d->idom[v], want[v]);
        nreach += want[v] != DOM_UNREACHABLE;
    }
    cr_assert_eq(d->nreach, nreach, "%s %d: reachable nodes", what, iter);
    for (uint32_t v = 0; v < n; v++)
        if (want[v] != DOM_UNREACHABLE)
            for (uint32_t u = v; u != DOM_SUPER; u = want[u])
                ret[u] += g->size[v];
    for (uint32_t v = 0; v < n; v++)
        cr_assert_eq(d->retained[v], ret[v], "%s %d: retained(%u)", what, iter, v);
    memset(pos, 0xff, (n ? n : 1) * sizeof *pos);
    for (uint32_t i = 0; i < d->nreach; i++) {
        uint32_t v = d->order[i];
        cr_assert_lt(v, n);
        cr_assert_eq(pos[v], UINT32_MAX, "%s %d: node %u twice in order", what, iter, v);
        pos[v] = i;
        if (d->idom[v] != DOM_SUPER)
            cr_assert_lt(pos[d->idom[v]], i, "%s %d: node %u before its parent", what, iter, v);
    }
    free(want);
    free(pos);
    free(ret);
}

/* Bigger graphs than the brute force can take, in the shapes where the
 * linking of Lengauer–Tarjan matters: random graphs with unreachable parts,
 * long chains (the DFS follows the first edge, so its tree is one long
 * path, as on the `dense` bench heap) with random back and cross edges,
 * and a binary tree whose leaves point back up. */
Test(domtree, matches_data_flow_definition_on_bigger_graphs, .timeout = 120)
{
    rng_state = 4242;
    ghf_err err = {0};
    for (int iter = 0; iter < 90; iter++) {
        int shape = iter % 3;
        uint32_t n = 200 + (uint32_t)(rnd() % 1800), nroots = 1 + (uint32_t)(rnd() % 6);
        uint32_t extra = (uint32_t)(rnd() % 3); /* random edges per node */
        edge *es = malloc(((size_t)n * 4 + 8) * sizeof *es);
        size_t ne = 0;
        for (uint32_t v = 0; v < n; v++) {
            if (shape == 0) { /* random; nodes no edge enters stay unreachable */
                for (uint32_t k = 0; k < 1 + extra; k++)
                    if (rnd() % 4 != 0)
                        es[ne++] = (edge){v, (uint32_t)(rnd() % n)};
            } else if (shape == 1) { /* a chain through every node first */
                if (v + 1 < n && !(v + 1 < nroots))
                    es[ne++] = (edge){v, v + 1};
                for (uint32_t k = 0; k < extra; k++) {
                    uint32_t x = (uint32_t)(rnd() % n);
                    if (rnd() % 2) /* mostly backwards: towards the chain's start */
                        x = v > 0 ? (uint32_t)(rnd() % v) : 0;
                    es[ne++] = (edge){v, x};
                }
            } else { /* binary tree, each leaf back to a random inner node */
                if (2 * (uint64_t)v + 1 < n)
                    es[ne++] = (edge){v, 2 * v + 1};
                if (2 * (uint64_t)v + 2 < n)
                    es[ne++] = (edge){v, 2 * v + 2};
                if (2 * (uint64_t)v + 1 >= n || rnd() % 8 == 0)
                    es[ne++] = (edge){v, (uint32_t)(rnd() % (v + 1))};
            }
        }
        ghf_graph g;
        make_graph(&g, n, nroots, es, ne);
        free(es);
        for (uint32_t v = nroots; v < n; v++)
            g.size[v] = 8 + rnd() % 512;
        domtree d;
        static const char *names[] = {"random", "chain", "tree"};
        domtree_set_nca_budget(0); /* Lengauer-Tarjan's buckets, then semi-NCA */
        cr_assert(domtree_build(&d, &g, DOM_MODE_DOMINATOR, &err), "%s", err.msg);
        check_against_reference(&g, &d, names[shape], iter);
        domtree_free(&d);
        domtree_set_nca_budget(8);
        cr_assert(domtree_build(&d, &g, DOM_MODE_DOMINATOR, &err), "%s", err.msg);
        check_against_reference(&g, &d, names[shape], iter);
        if (shape == 0)
            cr_assert_lt(d.nreach, n, "random %d: some nodes should be unreachable", iter);
        domtree_free(&d);
        free_graph(&g);
    }
}

/* holders_of (holders.h) against per-root reachability: for every shared
 * node, and for pairs of them, exactly the roots that reach one, ascending,
 * also the ones the tree does not name (more than DOM_SHARE_K). Graphs as
 * graph_build makes them: no edge into a root. */
Test(holders, every_root_that_reaches_a_shared_node)
{
    rng_state = 777;
    ghf_err err = {0};
    int saturated = 0, pairs = 0;
    for (int iter = 0; iter < 4000; iter++) {
        ghf_graph g;
        random_small_graph(&g, 24, 10);
        for (uint64_t e = 0; e < g.off[g.nnodes]; e++) /* redirect edges into roots */
            if (g.dst[e] < g.nroots)
                g.dst[e] = g.nroots + (uint32_t)(rnd() % (g.nnodes - g.nroots + (g.nnodes == g.nroots)));
        if (g.nnodes == g.nroots) {
            free_graph(&g);
            continue;
        }
        domtree d;
        cr_assert(domtree_build(&d, &g, DOM_MODE_DOMINATOR, &err), "%s", err.msg);
        holders_index hi;
        cr_assert(holders_index_build(&hi, &d, &g, &err), "%s", err.msg);
        uint32_t by_root[32]; /* nodes each root reaches */
        for (uint32_t r = 0; r < g.nroots; r++)
            by_root[r] = reach_mask(&g, 1u << r, UINT32_MAX);
        for (uint32_t i = 0; i < d.nshared; i++)
            for (uint32_t j = i; j < d.nshared && j < i + 2; j++) {
                uint32_t nodes[2] = {d.shared[i].node, d.shared[j].node}, out[32], want[32], nw = 0;
                uint32_t n = j == i ? 1 : 2;
                for (uint32_t r = 0; r < g.nroots; r++)
                    if ((by_root[r] >> nodes[0] & 1) || (n == 2 && (by_root[r] >> nodes[1] & 1)))
                        want[nw++] = r;
                uint32_t got = holders_of(&hi, nodes, n, out);
                cr_assert_eq(got, nw, "iter %d: shared node %u: %u holders, want %u", iter, nodes[0], got, nw);
                for (uint32_t k = 0; k < nw; k++)
                    cr_assert_eq(out[k], want[k], "iter %d: holder %u is %u, want %u", iter, k, out[k], want[k]);
                saturated += n == 1 && nw > DOM_SHARE_K;
                pairs += n == 2;
            }
        holders_index_free(&hi);
        domtree_free(&d);
        free_graph(&g);
    }
    cr_assert_gt(saturated, 20); /* the cases the tree does not name in full */
    cr_assert_gt(pairs, 20);
}

Test(domtree, first_path_is_a_bfs_tree_in_root_order)
{
    rng_state = 777;
    ghf_err err = {0};
    for (int iter = 0; iter < 3000; iter++) {
        ghf_graph g;
        random_small_graph(&g, 16, 4);
        domtree d;
        cr_assert(domtree_build(&d, &g, DOM_MODE_FIRST_PATH, &err), "%s", err.msg);
        uint32_t n = g.nnodes;
        /* reference BFS distances from the super-root (roots at 0) */
        int dist[32];
        for (uint32_t v = 0; v < n; v++)
            dist[v] = v < g.nroots ? 0 : -1;
        for (int lvl = 0; lvl < 32; lvl++)
            for (uint32_t v = 0; v < n; v++)
                if (dist[v] == lvl)
                    for (uint64_t e = g.off[v]; e < g.off[v + 1]; e++)
                        if (dist[g.dst[e]] < 0)
                            dist[g.dst[e]] = lvl + 1;
        uint64_t sub[32] = {0};
        for (uint32_t v = 0; v < n; v++) {
            if (dist[v] < 0) {
                cr_assert_eq(d.idom[v], DOM_UNREACHABLE);
                continue;
            }
            if (v < g.nroots) {
                cr_assert_eq(d.idom[v], DOM_SUPER);
                continue;
            }
            uint32_t p = d.idom[v];
            cr_assert_lt(p, n);
            cr_assert_eq(dist[p], dist[v] - 1, "iter %d: parent of %u not one level up", iter, v);
            bool edge_found = false;
            for (uint64_t e = g.off[p]; e < g.off[p + 1]; e++)
                edge_found |= g.dst[e] == v;
            cr_assert(edge_found, "iter %d: parent %u does not point at %u", iter, p, v);
        }
        /* first-come: the parent is the earliest node of the previous level
         * in BFS order that points at v */
        uint32_t pos[32];
        for (uint32_t i = 0; i < d.nreach; i++)
            pos[d.order[i]] = i;
        for (uint32_t v = g.nroots; v < n; v++) {
            if (dist[v] <= 0)
                continue;
            for (uint32_t u = 0; u < n; u++)
                if (dist[u] == dist[v] - 1 && pos[u] < pos[d.idom[v]])
                    for (uint64_t e = g.off[u]; e < g.off[u + 1]; e++)
                        cr_assert_neq(g.dst[e], v, "iter %d: %u reached %u earlier", iter, u, v);
        }
        /* retained = subtree sums of the parent relation */
        for (uint32_t v = 0; v < n; v++)
            if (dist[v] >= 0)
                for (uint32_t u = v; u != DOM_SUPER; u = d.idom[u])
                    sub[u] += g.size[v];
        for (uint32_t v = 0; v < n; v++)
            cr_assert_eq(d.retained[v], dist[v] >= 0 ? sub[v] : 0);
        cr_assert_eq(d.nshared, 0);
        domtree_free(&d);
        free_graph(&g);
    }
}

Test(domtree, rejects_malformed_graph)
{
    uint64_t off[3] = {0, 1, 1};
    uint32_t dst[1] = {7};
    uint64_t size[2] = {0, 8};
    ghf_graph g = {.nnodes = 2, .nroots = 1, .off = off, .dst = dst, .size = size};
    domtree d;
    ghf_err err = {0};
    cr_assert_not(domtree_build(&d, &g, DOM_MODE_DOMINATOR, &err));
    cr_assert_eq(err.code, GHF_EXIT_INTERNAL);
    cr_assert(strstr(err.msg, "points at node 7") != NULL, "%s", err.msg);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One root -> a chain of n-1 objects: depth n for any recursive walk. */
Test(domtree, ten_million_chain_does_not_recurse, .timeout = 100)
{
    uint32_t n = 10 * 1000 * 1000;
    ghf_graph g = {.nnodes = n, .nroots = 1};
    g.off = malloc(((size_t)n + 1) * sizeof *g.off);
    g.dst = malloc((size_t)n * sizeof *g.dst);
    g.size = malloc((size_t)n * sizeof *g.size);
    cr_assert(g.off && g.dst && g.size);
    for (uint32_t v = 0; v < n; v++) {
        g.off[v] = v;
        g.dst[v] = v + 1;
        g.size[v] = v == 0 ? 0 : 16;
    }
    g.off[n] = n - 1; /* the last node has no edge */
    for (enum dom_mode m = DOM_MODE_DOMINATOR; m <= DOM_MODE_FIRST_PATH; m++) {
        domtree d;
        ghf_err err = {0};
        double t0 = now();
        cr_assert(domtree_build(&d, &g, m, &err), "%s", err.msg);
        fprintf(stderr, "domtree: chain of %u nodes, %s: %.2f s\n", n,
                m == DOM_MODE_DOMINATOR ? "dominator" : "first-path", now() - t0);
        cr_assert_eq(d.idom[0], DOM_SUPER);
        cr_assert_eq(d.idom[n - 1], n - 2);
        cr_assert_eq(d.retained[0], (uint64_t)(n - 1) * 16);
        cr_assert_eq(d.retained[n / 2], (uint64_t)(n - n / 2) * 16);
        domtree_free(&d);
    }
    free_graph(&g);
}

/* Random graph: a spanning backbone so most nodes are reachable, plus random
 * edges (cycles, cross edges). Checked by sums and by the dominator
 * property on a sample: removing idom(v) must disconnect v. */
static void random_big(uint32_t n, uint32_t avg_out, uint32_t nroots, const char *what)
{
    rng_state = 99;
    uint64_t ne = (uint64_t)n * avg_out;
    ghf_graph g = {.nnodes = n, .nroots = nroots};
    g.off = malloc(((size_t)n + 1) * sizeof *g.off);
    g.dst = malloc((size_t)ne * sizeof *g.dst);
    g.size = malloc((size_t)n * sizeof *g.size);
    cr_assert(g.off && g.dst && g.size);
    uint64_t e = 0;
    for (uint32_t v = 0; v < n; v++) {
        g.off[v] = e;
        g.size[v] = v < nroots ? 0 : 8 + (rnd() % 64) * 8;
        for (uint32_t k = 0; k < avg_out; k++) {
            uint64_t x = rnd();
            /* first edge: towards a later node nearby (a backbone); the rest
             * anywhere */
            g.dst[e++] = k == 0 ? (uint32_t)((v + 1 + x % 8) % n) : (uint32_t)(x % n);
        }
    }
    g.off[n] = e;
    ghf_err err = {0};
    domtree d;
    double t0 = now();
    cr_assert(domtree_build(&d, &g, DOM_MODE_DOMINATOR, &err), "%s", err.msg);
    double t1 = now();
    fprintf(stderr, "domtree: %s (%u nodes, %llu edges), dominator: %.2f s, %u reachable, %u shared\n",
            what, n, (unsigned long long)ne, t1 - t0, d.nreach, d.nshared);
    uint64_t sum = 0;
    for (uint32_t r = 0; r < nroots; r++)
        sum += d.retained[r];
    for (uint32_t i = 0; i < d.nshared; i++)
        sum += d.retained[d.shared[i].node];
    cr_assert_eq(sum, d.total, "roots and shared nodes partition the reachable bytes");
    /* Spot-check 20 nodes: without idom(v), v must be unreachable. */
    uint8_t *seen = malloc(n);
    uint32_t *stack = malloc((size_t)n * sizeof *stack);
    for (int s = 0; s < 20; s++) {
        uint32_t v = d.order[rnd() % d.nreach];
        uint32_t cut = d.idom[v];
        if (cut == DOM_SUPER)
            continue;
        memset(seen, 0, n);
        uint32_t sp = 0;
        for (uint32_t r = 0; r < nroots; r++)
            if (r != cut) {
                seen[r] = 1;
                stack[sp++] = r;
            }
        seen[cut] = 1;
        while (sp > 0) {
            uint32_t x = stack[--sp];
            for (uint64_t k = g.off[x]; k < g.off[x + 1]; k++)
                if (!seen[g.dst[k]]) {
                    seen[g.dst[k]] = 1;
                    stack[sp++] = g.dst[k];
                }
        }
        cr_assert_not(seen[v] && v != cut, "node %u reachable without its idom %u", v, cut);
    }
    free(seen);
    free(stack);
    domtree_free(&d);
    t0 = now();
    cr_assert(domtree_build(&d, &g, DOM_MODE_FIRST_PATH, &err), "%s", err.msg);
    fprintf(stderr, "domtree: %s, first-path: %.2f s\n", what, now() - t0);
    domtree_free(&d);
    free_graph(&g);
}

Test(domtree, one_million_random_graph, .timeout = 100)
{
    random_big(1000 * 1000, 3, 50, "random 1M");
}

/* The two-thread reverse-edge fill (graphs of >= GHF_PARALLEL_MIN nodes)
 * must give exactly what one thread gives: same order, parents, retained
 * sizes and shared-root records. */
Test(domtree, threads_give_the_single_thread_result, .timeout = 100)
{
    rng_state = 7;
    uint32_t n = 600000, nroots = 40;
    ghf_graph g = {.nnodes = n, .nroots = nroots};
    g.off = malloc(((size_t)n + 1) * sizeof *g.off);
    g.dst = malloc((size_t)n * 3 * sizeof *g.dst);
    g.size = malloc((size_t)n * sizeof *g.size);
    cr_assert(g.off && g.dst && g.size);
    uint64_t e = 0;
    for (uint32_t v = 0; v < n; v++) {
        g.off[v] = e;
        g.size[v] = v < nroots ? 0 : 16 + (rnd() % 32) * 8;
        uint32_t k = v < nroots ? 3 : (uint32_t)(rnd() % 4); /* 0-3 out-edges */
        for (uint32_t j = 0; j < k; j++)
            g.dst[e++] = j == 0 ? (uint32_t)((v + 1 + rnd() % 4) % n) : (uint32_t)(rnd() % n);
    }
    g.off[n] = e;
    domtree one, two;
    ghf_err err = {0};
    cr_assert_eq(setenv("GHF_THREADS", "1", 1), 0);
    cr_assert(domtree_build(&one, &g, DOM_MODE_DOMINATOR, &err), "%s", err.msg);
    cr_assert_eq(setenv("GHF_THREADS", "2", 1), 0);
    cr_assert(domtree_build(&two, &g, DOM_MODE_DOMINATOR, &err), "%s", err.msg);
    unsetenv("GHF_THREADS");
    cr_assert_gt(one.nshared, 0, "the graph should have shared nodes");
    cr_assert_eq(one.nreach, two.nreach);
    cr_assert_eq(one.total, two.total);
    cr_assert_eq(memcmp(one.idom, two.idom, (size_t)n * sizeof *one.idom), 0, "idom differs");
    cr_assert_eq(memcmp(one.order, two.order, (size_t)one.nreach * sizeof *one.order), 0, "order differs");
    cr_assert_eq(memcmp(one.retained, two.retained, (size_t)n * sizeof *one.retained), 0, "retained differs");
    cr_assert_eq(one.nshared, two.nshared);
    cr_assert_eq(memcmp(one.shared, two.shared, (size_t)one.nshared * sizeof *one.shared), 0, "shared differs");
    domtree_free(&one);
    domtree_free(&two);
    free_graph(&g);
}

/* root 0 -> list a_1 -> ... -> a_m, each a_k -> item b_k; root 1 -> one slice
 * -> every b_k. Each b_k is shared by both roots. A nearest-common-ancestor
 * walk (semi-NCA) would take m^2/2 steps here; Lengauer–Tarjan must not. */
Test(domtree, long_list_with_items_also_in_a_slice, .timeout = 60)
{
    uint32_t m = 300000, n = 2 + m + 1 + m; /* roots, list, slice, items */
    uint32_t slice = 2 + m;
    ghf_graph g = {.nnodes = n, .nroots = 2};
    g.off = calloc((size_t)n + 1, sizeof *g.off);
    g.dst = malloc((size_t)4 * m * sizeof *g.dst);
    g.size = calloc(n, sizeof *g.size);
    uint64_t e = 0;
    for (uint32_t v = 0; v < n; v++) {
        g.off[v] = e;
        if (v == 0)
            g.dst[e++] = 2;
        else if (v == 1)
            g.dst[e++] = slice;
        else if (v < slice) { /* list node a_k, k = v - 2 */
            if (v + 1 < slice)
                g.dst[e++] = v + 1;
            g.dst[e++] = slice + 1 + (v - 2);
            g.size[v] = 16;
        } else if (v == slice) {
            for (uint32_t k = 0; k < m; k++)
                g.dst[e++] = slice + 1 + k;
            g.size[v] = (uint64_t)m * 8;
        } else {
            g.size[v] = 32;
        }
    }
    g.off[n] = e;
    domtree d;
    ghf_err err = {0};
    double t0 = now();
    cr_assert(domtree_build(&d, &g, DOM_MODE_DOMINATOR, &err), "%s", err.msg);
    fprintf(stderr, "domtree: list of %u items also held by a slice: %.2f s\n", m, now() - t0);
    cr_assert_eq(d.nshared, m);
    for (uint32_t k = 0; k < m; k += 997) {
        uint32_t b = slice + 1 + k;
        cr_assert_eq(d.idom[b], DOM_SUPER);
        const dom_shared *sh = domtree_shared(&d, b);
        cr_assert_not_null(sh);
        cr_assert_eq(sh->nroots, 2);
        cr_assert_eq(sh->roots[0], 0);
        cr_assert_eq(sh->roots[1], 1);
    }
    cr_assert_eq(d.retained[0], (uint64_t)m * 16);
    cr_assert_eq(d.retained[1], (uint64_t)m * 8);
    cr_assert_eq(d.idom[2 + m - 1], 2 + m - 2);
    domtree_free(&d);
    free_graph(&g);
}

/* Predecessors are counted over every edge beside the DFS (two threads at
 * >= GHF_PARALLEL_MIN nodes), then the edges of nodes the DFS did not reach
 * are taken off. Here half the nodes are garbage pointing into a chain
 * (root 0 -> 1 -> 2 -> ... -> m, each k also back to k - 1): idom(k) is
 * k - 1 whatever the garbage does, and the garbage stays unreachable with
 * nothing retained. Counting the garbage's edges would leave blocks of
 * predecessors with slots never filled. */
Test(domtree, garbage_pointing_into_a_chain, .timeout = 100)
{
    uint32_t m = 150000, n = 1 + m + m; /* root, chain 1..m, garbage m+1..2m */
    ghf_graph g = {.nnodes = n, .nroots = 1};
    g.off = malloc(((size_t)n + 1) * sizeof *g.off);
    g.dst = malloc((size_t)n * 2 * sizeof *g.dst);
    g.size = calloc(n, sizeof *g.size);
    cr_assert(g.off && g.dst && g.size);
    uint64_t e = 0;
    for (uint32_t v = 0; v < n; v++) {
        g.off[v] = e;
        if (v == 0) {
            g.dst[e++] = 1;
        } else if (v <= m) {
            g.size[v] = 8 * (v % 5 + 1);
            if (v < m)
                g.dst[e++] = v + 1;
            if (v > 1)
                g.dst[e++] = v - 1;
        } else {
            g.size[v] = 1000;
            g.dst[e++] = v - m;                                  /* chain node k = v - m */
            g.dst[e++] = 1 + (uint32_t)((uint64_t)v * 7919 % m); /* and another one */
        }
    }
    g.off[n] = e;
    for (int threads = 1; threads <= 2; threads++) {
        cr_assert_eq(setenv("GHF_THREADS", threads == 1 ? "1" : "2", 1), 0);
        domtree d;
        ghf_err err = {0};
        cr_assert(domtree_build(&d, &g, DOM_MODE_DOMINATOR, &err), "%s", err.msg);
        cr_assert_eq(d.nreach, m + 1, "threads %d", threads);
        cr_assert_eq(d.idom[0], DOM_SUPER);
        cr_assert_eq(d.idom[1], 0);
        uint64_t below = 0;
        for (uint32_t k = m; k >= 1; k--) {
            below += g.size[k];
            cr_assert_eq(d.retained[k], below, "threads %d: retained of chain node %u", threads, k);
            cr_assert_eq(d.order[k], k, "threads %d: order[%u]", threads, k);
            if (k > 1)
                cr_assert_eq(d.idom[k], k - 1, "threads %d: idom of chain node %u", threads, k);
        }
        cr_assert_eq(d.total, below);
        cr_assert_eq(d.retained[0], below);
        for (uint32_t v = m + 1; v < n; v++) {
            cr_assert_eq(d.idom[v], DOM_UNREACHABLE, "threads %d: garbage %u", threads, v);
            cr_assert_eq(d.retained[v], 0);
        }
        domtree_free(&d);
    }
    unsetenv("GHF_THREADS");
    free_graph(&g);
}
