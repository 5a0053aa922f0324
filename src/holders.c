/* holders.c — every root that holds a shared object (holders.h). */
#include "holders.h"

#include <stdlib.h>
#include <string.h>

void holders_index_free(holders_index *hi)
{
    free(hi->top);
    free(hi->sidx);
    free(hi->node_of);
    free(hi->roff);
    free(hi->rsrc);
    free(hi->seen);
    free(hi->rseen);
    free(hi->queue);
    memset(hi, 0, sizeof *hi);
}

bool holders_index_build(holders_index *hi, const domtree *d, const ghf_graph *g, ghf_err *err)
{
    memset(hi, 0, sizeof *hi);
    uint32_t n = g->nnodes;
    hi->nroots = g->nroots;
    hi->top = malloc(((size_t)n + 1) * sizeof *hi->top);
    hi->sidx = malloc(((size_t)n + 1) * sizeof *hi->sidx);
    hi->rseen = ghf_xcalloc((size_t)g->nroots + 1, sizeof *hi->rseen, err);
    if (hi->top == NULL || hi->sidx == NULL || hi->rseen == NULL)
        goto oom;
    memset(hi->top, 0xff, (size_t)n * sizeof *hi->top);
    memset(hi->sidx, 0xff, (size_t)n * sizeof *hi->sidx);
    /* order lists each reachable node after its dominator */
    for (uint32_t k = 0; k < d->nreach; k++) {
        uint32_t v = d->order[k], p = d->idom[v];
        hi->top[v] = v < g->nroots || p >= n ? v : hi->top[p];
        if (hi->top[v] >= g->nroots)
            hi->sidx[v] = hi->nshared++;
    }
    hi->node_of = malloc(((size_t)hi->nshared + 1) * sizeof *hi->node_of);
    hi->roff = ghf_xcalloc((size_t)hi->nshared + 2, sizeof *hi->roff, err);
    hi->seen = ghf_xcalloc((size_t)hi->nshared + 1, sizeof *hi->seen, err);
    hi->queue = malloc(((size_t)hi->nshared + 1) * sizeof *hi->queue);
    if (hi->node_of == NULL || hi->roff == NULL || hi->seen == NULL || hi->queue == NULL)
        goto oom;
    /* reversed edges into the shared region: count, then fill */
    for (uint32_t u = 0; u < n; u++) {
        if (hi->top[u] == UINT32_MAX)
            continue;
        if (hi->sidx[u] != UINT32_MAX)
            hi->node_of[hi->sidx[u]] = u;
        for (uint64_t e = g->off[u]; e < g->off[u + 1]; e++) {
            uint32_t w = g->dst[e];
            if (w < n && hi->sidx[w] != UINT32_MAX && w != u)
                hi->roff[hi->sidx[w] + 2]++;
        }
    }
    for (uint32_t i = 0; i < hi->nshared; i++)
        hi->roff[i + 2] += hi->roff[i + 1];
    hi->rsrc = malloc((size_t)(hi->roff[hi->nshared + 1] + 1) * sizeof *hi->rsrc);
    if (hi->rsrc == NULL)
        goto oom;
    for (uint32_t u = 0; u < n; u++) {
        if (hi->top[u] == UINT32_MAX)
            continue;
        for (uint64_t e = g->off[u]; e < g->off[u + 1]; e++) {
            uint32_t w = g->dst[e];
            if (w < n && hi->sidx[w] != UINT32_MAX && w != u)
                hi->rsrc[hi->roff[hi->sidx[w] + 1]++] = u;
        }
    }
    return true;
oom:
    holders_index_free(hi);
    return ghf_fail(err, GHF_EXIT_INTERNAL, "out of memory for the holders of shared objects");
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

uint32_t holders_of(holders_index *hi, const uint32_t *nodes, size_t n, uint32_t *out)
{
    uint32_t nout = 0, head = 0, tail = 0, stamp = ++hi->stamp;
    for (size_t i = 0; i < n; i++) {
        uint32_t s = hi->sidx[nodes[i]];
        if (s != UINT32_MAX && hi->seen[s] != stamp) {
            hi->seen[s] = stamp;
            hi->queue[tail++] = s;
        }
    }
    while (head < tail) {
        uint32_t s = hi->queue[head++];
        for (uint64_t e = hi->roff[s]; e < hi->roff[s + 1]; e++) {
            uint32_t u = hi->rsrc[e], t = hi->top[u];
            if (t < hi->nroots) { /* u is r itself or only r reaches it */
                if (hi->rseen[t] != stamp) {
                    hi->rseen[t] = stamp;
                    out[nout++] = t;
                }
            } else if (hi->seen[hi->sidx[u]] != stamp) {
                hi->seen[hi->sidx[u]] = stamp;
                hi->queue[tail++] = hi->sidx[u];
            }
        }
    }
    qsort(out, nout, sizeof *out, cmp_u32);
    return nout;
}
