/* graph.h — the heap's reference graph in flat arrays (CSR).
 *
 * Nodes 0 .. nroots-1 are roots, nroots .. nnodes-1 are heap objects.
 * Out-edges of node v are dst[off[v] .. off[v+1]). A virtual super-root
 * (not stored) points at every root. Node sizes are the bytes each node
 * owns itself (roots own 0).
 */
#ifndef GHF_GRAPH_H
#define GHF_GRAPH_H

#include <stdint.h>
#include "ghf_error.h"

typedef struct ghf_graph {
    uint32_t nnodes;
    uint32_t nroots;
    uint64_t *off;      /* nnodes + 1 entries */
    uint32_t *dst;      /* off[nnodes] entries */
    uint64_t *size;     /* nnodes entries: shallow bytes */
} ghf_graph;

struct heap;
struct roots;

/* Nodes: roots first (root id = node id), then heap object i = node nroots + i.
 * Root edges come from roots.edges, object edges from the heap's CSR. */
bool graph_build(const struct heap *h, const struct roots *r, ghf_graph *g, ghf_err *err);
void graph_free(ghf_graph *g);

/* mark[v] = 1 for every node some root reaches (roots included), else 0.
 * Breadth-first with an explicit queue: no recursion. */
bool graph_reachable(const ghf_graph *g, uint8_t *mark, ghf_err *err);

#endif
