/* holders.h — every root that holds a shared object.
 *
 * An object only the super-root dominates ("[shared] a + b + more") is
 * reached by several roots; the dominator tree names the first
 * DOM_SHARE_K of them (domtree.h). This finds all of them, for the
 * tooltips and JSON of a shared frame that says "+ more".
 *
 * Why it is cheap: call top(v) the child of the super-root above v in the
 * dominator tree (a root, or a shared node). A node whose top is root r is
 * reached only through r, and so is every node that points to it. So the
 * roots reaching a shared node s are the tops of the root-dominated nodes
 * with an edge into the part of the graph whose tops are shared nodes
 * (the "shared region") from which s can be reached: a backward search
 * from s inside the shared region, over the reversed edges into that
 * region only (one pass over the edges builds them). As in every graph
 * graph_build makes, no edge may point at a root.
 */
#ifndef GHF_HOLDERS_H
#define GHF_HOLDERS_H

#include <stdint.h>
#include "domtree.h"
#include "graph.h"

typedef struct holders_index {
    uint32_t nroots;
    uint32_t *top;      /* per node: its top (root id or shared node), UINT32_MAX unreachable */
    uint32_t *sidx;     /* per node: dense index in the shared region, UINT32_MAX outside */
    uint32_t nshared;   /* nodes in the shared region */
    uint32_t *node_of;  /* per dense index: the node */
    uint64_t *roff;     /* nshared + 1: reversed edges of dense index i at rsrc[roff[i] .. roff[i+1]) */
    uint32_t *rsrc;     /* the nodes pointing at it */
    uint32_t *seen;     /* per dense index: the search that last visited it */
    uint32_t *rseen;    /* per root: the search that last found it */
    uint32_t *queue;    /* nshared */
    uint32_t stamp;
} holders_index;

/* Build the index (dominator mode trees only: d->shared is set). */
bool holders_index_build(holders_index *hi, const domtree *d, const ghf_graph *g, ghf_err *err);
void holders_index_free(holders_index *hi);

/* The roots that reach any of the shared nodes nodes[0..n), ascending, into
 * out (room for nroots entries); returns how many. */
uint32_t holders_of(holders_index *hi, const uint32_t *nodes, size_t n, uint32_t *out);

#endif
