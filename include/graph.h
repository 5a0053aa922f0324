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

#endif
