/* graph.c — roots and heap objects as one CSR graph (see graph.h). */
#include "graph.h"

#include <stdlib.h>
#include <string.h>

#include "heap.h"
#include "parallel.h"
#include "roots.h"
#include "vec.h"

/* One share of the object part: objects [lo, hi) and their edges. */
typedef struct obj_share {
    const heap *h;
    ghf_graph *g;
    uint64_t k;      /* root edges before the first object edge */
    uint32_t lo, hi;
} obj_share;

static void *fill_objects(void *arg)
{
    obj_share *sh = arg;
    const heap *h = sh->h;
    ghf_graph *g = sh->g;
    uint32_t nroots = g->nroots;
    if (sh->lo == sh->hi)
        return NULL;
    /* this share's stretch of each array is written in full: map it in one go */
    uint64_t elo = h->edge_off[sh->lo], ehi = h->edge_off[sh->hi];
    ghf_prefault(g->off + nroots + sh->lo, (size_t)(sh->hi - sh->lo) * sizeof *g->off);
    ghf_prefault(g->size + nroots + sh->lo, (size_t)(sh->hi - sh->lo) * sizeof *g->size);
    ghf_prefault(g->dst + sh->k + elo, (size_t)(ehi - elo) * sizeof *g->dst);
    for (uint32_t i = sh->lo; i < sh->hi; i++) {
        g->off[nroots + i] = sh->k + h->edge_off[i];
        g->size[nroots + i] = heap_obj_size(h, i);
    }
    for (uint64_t e = elo; e < ehi; e++)
        g->dst[sh->k + e] = nroots + h->edge_dst[e];
    return NULL;
}

bool graph_build(const heap *h, const roots *r, ghf_graph *g, ghf_err *err)
{
    memset(g, 0, sizeof *g);
    uint64_t nroots = r->list.n, n = nroots + h->nobjects;
    if (n >= UINT32_MAX)
        return ghf_fail(err, GHF_EXIT_UNSUPPORTED, "more than 4 billion graph nodes");
    uint64_t nedges = r->edges.n + h->nedges;
    g->nnodes = (uint32_t)n;
    g->nroots = (uint32_t)nroots;
    g->off = ghf_big_malloc(n + 1, sizeof *g->off);
    g->dst = ghf_big_malloc(nedges, sizeof *g->dst);
    g->size = ghf_big_calloc(n, sizeof *g->size);
    if (g->off == NULL || g->dst == NULL || g->size == NULL) {
        graph_free(g);
        return ghf_fail(err, GHF_EXIT_INTERNAL, "out of memory for a graph of %llu edges", (unsigned long long)nedges);
    }
    /* root edges are sorted by root: their offsets are where each root's begin */
    for (uint64_t v = 0; v < nroots; v++)
        g->off[v] = r->edges.first[v];
    uint64_t k = 0;
    root_edge_iter it;
    root_edge e;
    for (roots_edge_iter_at(r, 0, &it); roots_edge_next(&it, &e); k++)
        g->dst[k] = (uint32_t)(nroots + e.obj);
    /* objects in two shares on large heaps (disjoint ranges of every array) */
    unsigned nsh = h->nobjects >= GHF_PARALLEL_MIN ? ghf_threads() : 1;
    obj_share sh[GHF_MAX_THREADS];
    for (unsigned t = 0; t < nsh; t++)
        sh[t] = (obj_share){h, g, k, (uint32_t)((uint64_t)h->nobjects * t / nsh),
                            (uint32_t)((uint64_t)h->nobjects * (t + 1) / nsh)};
    ghf_run_shares(fill_objects, sh, sizeof sh[0], nsh);
    g->off[n] = k + h->nedges;
    return true;
}

void graph_free(ghf_graph *g)
{
    ghf_big_free(g->off);
    ghf_big_free(g->dst);
    ghf_big_free(g->size);
    memset(g, 0, sizeof *g);
}

bool graph_reachable(const ghf_graph *g, uint8_t *mark, ghf_err *err)
{
    memset(mark, 0, g->nnodes);
    uint32_t *queue = ghf_big_malloc((size_t)g->nnodes + 1, sizeof *queue);
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
    ghf_big_free(queue);
    return true;
}
