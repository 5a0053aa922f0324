/* bench_domtree SHAPE N AVG_OUT NROOTS LOCAL_PERCENT — time domtree_build on
 * a synthetic graph (not a test: sizes for measurements, e.g. 10M/20M).
 * bench_domtree file GRAPH — the same on a graph saved as raw arrays:
 *        nnodes, nroots (u32), off (u64 x nnodes+1), dst (u32 x edges),
 *        size (u64 x nnodes); prints a checksum of every output array, so
 *        two builds can be compared on a real heap's graph. (Such files
 *        came from a temporary fwrite of g's arrays after graph_build in
 *        cli_flame.c: 160-270 MB for the 10 M bench cores.)
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
#include "vec.h"

static uint64_t rng_state = 99;
static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double now(void)
{
    return clock_s(CLOCK_MONOTONIC);
}

/* both threads, user + system (the page faults): less moved by other load than wall */
static double cpu_now(void)
{
    return clock_s(CLOCK_PROCESS_CPUTIME_ID);
}

static bool read_all(FILE *f, void *p, size_t size, size_t n)
{
    return fread(p, size, n, f) == n;
}

/* FNV-1a over bytes, folded per array */
static uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    ghf_graph g = {0};
    if (f == NULL || !read_all(f, &g.nnodes, 4, 1) || !read_all(f, &g.nroots, 4, 1)) {
        fprintf(stderr, "cannot read %s\n", path);
        return 1;
    }
    g.off = malloc(((size_t)g.nnodes + 1) * sizeof *g.off);
    if (g.off == NULL || !read_all(f, g.off, 8, (size_t)g.nnodes + 1))
        return 1;
    g.dst = malloc((g.off[g.nnodes] ? g.off[g.nnodes] : 1) * sizeof *g.dst);
    g.size = malloc(((size_t)g.nnodes + 1) * sizeof *g.size);
    if (!g.dst || !g.size || !read_all(f, g.dst, 4, g.off[g.nnodes]) || !read_all(f, g.size, 8, g.nnodes))
        return 1;
    fclose(f);
    domtree d;
    ghf_err err = {0};
    double t0 = now(), c0 = cpu_now();
    if (!domtree_build(&d, &g, DOM_MODE_DOMINATOR, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    double t = now() - t0, c = cpu_now() - c0;
    uint64_t h = 0xcbf29ce484222325ull;
    h = hash_bytes(h, d.idom, (size_t)d.nnodes * sizeof *d.idom);
    h = hash_bytes(h, d.retained, (size_t)d.nnodes * sizeof *d.retained);
    h = hash_bytes(h, d.order, (size_t)d.nreach * sizeof *d.order);
    h = hash_bytes(h, d.shared, (size_t)d.nshared * sizeof *d.shared);
    printf("%s: %u nodes, %llu edges: %.2f s wall, %.2f s cpu, %u reachable, %u shared, total %llu, hash %016llx\n", path,
           g.nnodes, (unsigned long long)g.off[g.nnodes], t, c, d.nreach, d.nshared, (unsigned long long)d.total,
           (unsigned long long)h);
    domtree_free(&d);
    return 0;
}

int main(int argc, char **argv)
{
    ghf_big_arrays_init(); /* big arrays are mappings of their own, as in goheapflame */
    if (argc == 3 && strcmp(argv[1], "file") == 0)
        return run_file(argv[2]);
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
