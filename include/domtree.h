/* domtree.h — the retention tree of a reference graph (include/graph.h).
 *
 * Two ways to give every reachable node one parent, both over the virtual
 * super-root that points at every root (nodes 0 .. nroots-1):
 *
 *  DOM_MODE_DOMINATOR  parent = immediate dominator: the nearest node that
 *                      every path from the super-root to v passes through.
 *                      Retained size of v = the bytes that would be freed if
 *                      v were gone. Lengauer–Tarjan with path compression
 *                      and balanced linking (O(E α(E, N))), all loops
 *                      iterative.
 *  DOM_MODE_FIRST_PATH parent = breadth-first spanning tree from the roots in
 *                      root order; each object is credited to the first
 *                      root/path that reaches it (the seed tool's semantics).
 *
 * On graphs of at least GHF_PARALLEL_MIN nodes the dominator mode uses two
 * threads where its parts allow (predecessor counts beside the DFS; the
 * shared-root records beside the retained sizes); the result is the same
 * with GHF_THREADS=1.
 *
 * Both modes fill the same arrays. Nothing recurses; memory is a handful of
 * flat arrays of nnodes (or edge count) entries: dominator mode peaks near
 * 28 bytes per node + 4 per edge on top of the graph and the output (whose
 * arrays it uses as scratch before it fills them).
 *
 * Shared objects (dominator mode only): a non-root node whose idom is
 * DOM_SUPER is held by several roots and by nothing smaller. For each such
 * node we record the DOM_SHARE_K lowest-numbered roots that reach it and
 * whether more roots reach it (`nroots` is exact up to DOM_SHARE_K + 1 and
 * saturates there: DOM_SHARE_K + 1 means "more than DOM_SHARE_K").
 * Computed on the graph contracted to the super-root's children, one pruned
 * BFS per root in root order: each node is expanded at most DOM_SHARE_K + 1
 * times, so the cost is O(K * E) rather than O(roots * E).
 */
#ifndef GHF_DOMTREE_H
#define GHF_DOMTREE_H

#include <stdint.h>
#include "ghf_error.h"
#include "graph.h"

#define DOM_UNREACHABLE UINT32_MAX       /* idom of a node no root reaches */
#define DOM_SUPER (UINT32_MAX - 1)       /* idom of a root, or of a node only the super-root dominates */
#define DOM_SHARE_K 3                    /* roots named per shared node */
#define DOM_MAX_NODES (1u << 31)         /* larger graphs are refused */

enum dom_mode {
    DOM_MODE_DOMINATOR = 0,
    DOM_MODE_FIRST_PATH,
};

typedef struct dom_shared {
    uint32_t node;                  /* a non-root node with idom == DOM_SUPER */
    uint32_t nroots;                /* distinct roots reaching it, saturating at DOM_SHARE_K + 1 */
    uint32_t roots[DOM_SHARE_K];    /* the lowest-numbered min(nroots, K) of them, ascending */
} dom_shared;

typedef struct domtree {
    uint32_t nnodes;
    uint32_t nreach;      /* reachable nodes (roots included) */
    uint32_t *idom;       /* nnodes: parent node id, DOM_SUPER or DOM_UNREACHABLE */
    uint64_t *retained;   /* nnodes: own size + sizes of everything below; 0 if unreachable */
    uint32_t *order;      /* nreach reachable nodes, each after its parent: DFS preorder
                             (dominator mode) or BFS order (first-path mode) */
    dom_shared *shared;   /* nshared entries sorted by node; dominator mode only */
    uint32_t nshared;
    uint64_t *shared_index; /* per 64 nodes: {bitmap of shared nodes, entries before}; may be NULL */
    uint64_t total;       /* sum of sizes of reachable nodes = sum of retained over roots */
} domtree;

/* Build the tree. g must be well-formed (off monotonic, dst < nnodes,
 * nroots <= nnodes); checked, failing with GHF_EXIT_INTERNAL otherwise. */
bool domtree_build(domtree *d, const ghf_graph *g, enum dom_mode mode, ghf_err *err);
/* For tests: the steps per vertex the semi-NCA walk may take before the
 * dominators are finished with Lengauer-Tarjan's buckets instead (default
 * 8; 0 takes the buckets always). The answer is the same either way. */
void domtree_set_nca_budget(uint64_t per_vertex);
void domtree_free(domtree *d);

/* The shared-roots record of node v, or NULL if v is not a shared node. */
const dom_shared *domtree_shared(const domtree *d, uint32_t v);

#endif
