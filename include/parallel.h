/* parallel.h — the few places that split work over both cores.
 *
 * goheapflame runs on small machines (2 cores is the design point), so
 * parallelism is coarse: a stage splits its work into a fixed number of
 * shares, runs them at once and joins. Every threaded path gives results
 * byte-identical to running the shares one after another; GHF_THREADS=1 in
 * the environment forces that sequential path (tests compare the two).
 */
#ifndef GHF_PARALLEL_H
#define GHF_PARALLEL_H

#include <stddef.h>

/* Inputs smaller than this (objects, graph nodes, input lines) are not worth
 * a thread. */
#define GHF_PARALLEL_MIN 200000u

/* At most this many shares are run at once. */
#define GHF_MAX_THREADS 2u

/* Threads to use: GHF_THREADS from the environment if set (1 .. GHF_MAX_THREADS),
 * otherwise min(online CPUs, GHF_MAX_THREADS). */
unsigned ghf_threads(void);

/* Run fn on each of the n shares (share i at (char *)shares + i * size) at
 * the same time, the first on the calling thread, and wait for all. When a
 * thread cannot be started its share runs on the calling thread afterwards,
 * so every share always runs exactly once. */
void ghf_run_shares(void *(*fn)(void *share), void *shares, size_t size, unsigned n);

#endif
