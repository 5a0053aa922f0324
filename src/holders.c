/* holders.c — every root that holds a shared object (holders.h). */
#include "holders.h"
#include "vec.h"

#include <stdlib.h>
#include <string.h>

void holders_index_free(holders_index *hi)
{
    ghf_big_free(hi->top);
    ghf_big_free(hi->roff);
    ghf_big_free(hi->rsrc);
    ghf_big_free(hi->seen);
    ghf_big_free(hi->rseen);
    ghf_big_free(hi->queue);
    memset(hi, 0, sizeof *hi);
}

/* The index in d->shared of shared object w, or UINT32_MAX. */
static uint32_t shared_index(const domtree *d, uint32_t w)
{
    const dom_shared *sh = domtree_shared(d, w);
    return sh != NULL ? (uint32_t)(sh - d->shared) : UINT32_MAX;
}

bool holders_index_build(holders_index *hi, const domtree *d, const ghf_graph *g, ghf_err *err)
{
    memset(hi, 0, sizeof *hi);
    uint32_t n = g->nnodes, ns = d->nshared;
    hi->d = d;
    hi->nroots = g->nroots;
    hi->top = ghf_big_malloc((size_t)n + 1, sizeof *hi->top);
    hi->roff = ghf_xcalloc((size_t)ns + 2, sizeof *hi->roff, err);
    hi->seen = ghf_xcalloc((size_t)ns + 1, sizeof *hi->seen, err);
    hi->rseen = ghf_xcalloc((size_t)g->nroots + 1, sizeof *hi->rseen, err);
    hi->queue = ghf_big_malloc((size_t)ns + 1, sizeof *hi->queue);
    if (hi->top == NULL || hi->roff == NULL || hi->seen == NULL || hi->rseen == NULL || hi->queue == NULL)
        goto oom;
    memset(hi->top, 0xff, (size_t)n * sizeof *hi->top);
    /* order lists each reachable node after its dominator */
    for (uint32_t k = 0; k < d->nreach; k++) {
        uint32_t v = d->order[k], p = d->idom[v];
        hi->top[v] = v < g->nroots || p >= n ? v : hi->top[p];
    }
    /* edges into a shared object from outside what it dominates: count,
     * then fill (roff[i + 2] counts, then roff[i + 1] is the fill point) */
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t u = 0; u < n; u++) {
            uint32_t t = hi->top[u];
            if (t == UINT32_MAX)
                continue;
            for (uint64_t e = g->off[u]; e < g->off[u + 1]; e++) {
                uint32_t w = g->dst[e], i;
                if (w >= n || w == t || (i = shared_index(d, w)) == UINT32_MAX)
                    continue;
                if (pass == 0)
                    hi->roff[i + 2]++;
                else
                    hi->rsrc[hi->roff[i + 1]++] = t;
            }
        }
        if (pass == 0) {
            for (uint32_t i = 0; i < ns; i++)
                hi->roff[i + 2] += hi->roff[i + 1];
            hi->rsrc = ghf_big_malloc((size_t)hi->roff[ns + 1] + 1, sizeof *hi->rsrc);
            if (hi->rsrc == NULL)
                goto oom;
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
    for (size_t k = 0; k < n; k++) {
        uint32_t i = shared_index(hi->d, nodes[k]);
        if (i != UINT32_MAX && hi->seen[i] != stamp) {
            hi->seen[i] = stamp;
            hi->queue[tail++] = i;
        }
    }
    while (head < tail) {
        uint32_t i = hi->queue[head++];
        for (uint64_t e = hi->roff[i]; e < hi->roff[i + 1]; e++) {
            uint32_t t = hi->rsrc[e], j;
            if (t < hi->nroots) {
                if (hi->rseen[t] != stamp) {
                    hi->rseen[t] = stamp;
                    out[nout++] = t;
                }
            } else if ((j = shared_index(hi->d, t)) != UINT32_MAX && hi->seen[j] != stamp) {
                hi->seen[j] = stamp;
                hi->queue[tail++] = j;
            }
        }
    }
    qsort(out, nout, sizeof *out, cmp_u32);
    return nout;
}
