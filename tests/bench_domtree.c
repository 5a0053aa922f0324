/* bench_domtree SHAPE N AVG_OUT NROOTS LOCAL_PERCENT — time domtree_build on
 * a synthetic graph (not a test: sizes for measurements, e.g. 10M/20M).
 *  band: each node's first edge goes to a node just after it (a backbone,
 *        so most nodes are reachable); other edges go nearby with
 *        probability LOCAL_PERCENT, else anywhere (uniformly random: the
 *        worst case for caches, and most nodes end up shared).
 *  tree: node v points at 2v+1 and 2v+2 (a binary tree over all nodes, the
 *        roots at the top); AVG_OUT-2 more edges per node go nearby with
 *        probability LOCAL_PERCENT go to a grandchild, else anywhere:
 *        heap-like, most objects have one owner. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "domtree.h"

static uint64_t rng_state = 99;
static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc != 6 || (strcmp(argv[1], "band") != 0 && strcmp(argv[1], "tree") != 0)) {
        fprintf(stderr, "usage: bench_domtree band|tree N AVG_OUT NROOTS LOCAL_PERCENT\n");
        return 2;
    }
    bool tree = strcmp(argv[1], "tree") == 0;
    uint32_t n = (uint32_t)strtoul(argv[2], NULL, 10), deg = (uint32_t)strtoul(argv[3], NULL, 10);
    uint32_t nroots = (uint32_t)strtoul(argv[4], NULL, 10), local = (uint32_t)strtoul(argv[5], NULL, 10);
    ghf_graph g = {.nnodes = n, .nroots = nroots};
    g.off = malloc(((size_t)n + 1) * sizeof *g.off);
    g.dst = malloc((size_t)n * deg * sizeof *g.dst);
    g.size = malloc((size_t)n * sizeof *g.size);
    if (!g.off || !g.dst || !g.size || nroots > n)
        return 1;
    uint64_t e = 0;
    for (uint32_t v = 0; v < n; v++) {
        g.off[v] = e;
        g.size[v] = v < nroots ? 0 : 16;
        for (uint32_t k = 0; k < deg; k++) {
            uint64_t x = rnd();
            if (tree && k < 2) { /* tree edges */
                uint64_t c = 2 * (uint64_t)v + 1 + k;
                if (c < n)
                    g.dst[e++] = (uint32_t)c;
                continue;
            }
            bool near = (!tree && k == 0) || (x % 100) < local;
            if (!near)
                g.dst[e++] = (uint32_t)((x >> 8) % n);
            else if (!tree)
                g.dst[e++] = (uint32_t)((v + 1 + (x >> 8) % 64) % n);
            else if (4 * (uint64_t)v + 3 + (x >> 8) % 4 < n) /* a grandchild */
                g.dst[e++] = (uint32_t)(4 * (uint64_t)v + 3 + (x >> 8) % 4);
        }
    }
    g.off[n] = e;
    for (enum dom_mode m = DOM_MODE_DOMINATOR; m <= DOM_MODE_FIRST_PATH; m++) {
        domtree d;
        ghf_err err = {0};
        double t0 = now();
        if (!domtree_build(&d, &g, m, &err)) {
            fprintf(stderr, "%s\n", err.msg);
            return 1;
        }
        printf("%s: %u nodes, %llu edges, %u%% local: %.2f s wall, %u reachable, %u shared\n",
               m == DOM_MODE_DOMINATOR ? "dominator" : "first-path", n, (unsigned long long)e, local,
               now() - t0, d.nreach, d.nshared);
        domtree_free(&d);
    }
    return 0;
}
