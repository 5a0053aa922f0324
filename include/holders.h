/* holders.h — every root that holds a shared object.
 *
 * An object only the super-root dominates ("[shared] a + b + more") is
 * reached by several roots; the dominator tree names the first
 * DOM_SHARE_K of them (domtree.h). This finds all of them, for the
 * tooltips and JSON of a shared frame that says "+ more".
 *
 * Why it is cheap: call top(v) the child of the super-root above v in the
 * dominator tree (a root, or a shared object). The roots reaching v are
 * the roots reaching top(v) (every path to v passes top(v), and top(v)
 * reaches v). And every edge into the part of the graph a shared object s
 * dominates, from outside it, points at s itself. So the roots holding s
 * are the tops of its predecessors u outside that part: a root, or another
 * shared object whose holders are s's too. That is a graph on the shared
 * objects alone (one pass over the edges builds its reversed edges), and
 * the holders of s a backward search in it.
 *
 * As in every graph graph_build makes, no edge may point at a root.
 */
#ifndef GHF_HOLDERS_H
#define GHF_HOLDERS_H

#include <stdint.h>
#include "domtree.h"
#include "graph.h"

typedef struct holders_index {
    const domtree *d;
    uint32_t nroots;
    uint32_t *top;      /* per node: its top (root id or shared node), UINT32_MAX unreachable */
    uint64_t *roff;     /* d->nshared + 1: the tops pointing at shared object i are */
    uint32_t *rsrc;     /* rsrc[roff[i] .. roff[i+1]) (i: index in d->shared) */
    uint32_t *seen;     /* per shared object: the search that last visited it */
    uint32_t *rseen;    /* per root: the search that last found it */
    uint32_t *queue;    /* d->nshared */
    uint32_t stamp;
} holders_index;

/* Build the index (dominator mode trees only: d->shared is set). d and g
 * must outlive it. */
bool holders_index_build(holders_index *hi, const domtree *d, const ghf_graph *g, ghf_err *err);
void holders_index_free(holders_index *hi);

/* The roots that reach any of the shared objects nodes[0..n), ascending,
 * into out (room for nroots entries); returns how many. */
uint32_t holders_of(holders_index *hi, const uint32_t *nodes, size_t n, uint32_t *out);

#endif
