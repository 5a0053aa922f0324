/* graph.c — roots and heap objects as one CSR graph (see graph.h). */
#include "graph.h"

#include <stdlib.h>
#include <string.h>

#include "heap.h"
#include "roots.h"

bool graph_build(const heap *h, const roots *r, ghf_graph *g, ghf_err *err)
{
    memset(g, 0, sizeof *g);
    uint64_t nroots = r->list.n, n = nroots + h->nobjects;
    if (n >= UINT32_MAX)
        return ghf_fail(err, GHF_EXIT_UNSUPPORTED, "more than 4 billion graph nodes");
    uint64_t nedges = r->edges.n + h->nedges;
    g->nnodes = (uint32_t)n;
    g->nroots = (uint32_t)nroots;
    g->off = malloc((n + 1) * sizeof *g->off);
    g->dst = malloc((nedges ? nedges : 1) * sizeof *g->dst);
    g->size = calloc(n ? n : 1, sizeof *g->size);
    if (g->off == NULL || g->dst == NULL || g->size == NULL) {
        graph_free(g);
        return ghf_fail(err, GHF_EXIT_INTERNAL, "out of memory for a graph of %llu edges", (unsigned long long)nedges);
    }
    /* root edges are sorted by root: one pass fills their offsets */
    uint64_t k = 0;
    for (uint64_t v = 0; v < nroots; v++) {
        g->off[v] = k;
        while (k < r->edges.n && r->edges.v[k].root == v) {
            g->dst[k] = (uint32_t)(nroots + r->edges.v[k].obj);
            k++;
        }
    }
    for (uint32_t i = 0; i < h->nobjects; i++) {
        g->off[nroots + i] = k + h->edge_off[i];
        g->size[nroots + i] = heap_obj_size(h, i);
    }
    g->off[n] = k + h->nedges;
    for (uint64_t e = 0; e < h->nedges; e++)
        g->dst[k + e] = (uint32_t)(nroots + h->edge_dst[e]);
    return true;
}

void graph_free(ghf_graph *g)
{
    free(g->off);
    free(g->dst);
    free(g->size);
    memset(g, 0, sizeof *g);
}

bool graph_reachable(const ghf_graph *g, uint8_t *mark, ghf_err *err)
{
    memset(mark, 0, g->nnodes);
    uint32_t *queue = malloc(((size_t)g->nnodes + 1) * sizeof *queue);
    if (queue == NULL)
        return ghf_fail(err, GHF_EXIT_INTERNAL, "out of memory for reachability");
    size_t head = 0, tail = 0;
    for (uint32_t r = 0; r < g->nroots; r++) {
        mark[r] = 1;
        queue[tail++] = r;
    }
    while (head < tail) {
        uint32_t v = queue[head++];
        for (uint64_t e = g->off[v]; e < g->off[v + 1]; e++) {
            uint32_t w = g->dst[e];
            if (!mark[w]) {
                mark[w] = 1;
                queue[tail++] = w;
            }
        }
    }
    free(queue);
    return true;
}
