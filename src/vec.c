/* vec.c — growth policy for vec.h arrays. */
#include "vec.h"

#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25 /* Linux 6.1 (asm-generic/mman-common.h); glibc 2.36 lacks the name */
#endif

bool ghf_vec_grow(void **data, size_t *cap, size_t need, size_t elem, ghf_err *err)
{
    size_t c = *cap ? *cap : 16;
    while (c < need)
        c *= 2;
    void *p = ghf_xrealloc(*data, c, elem, err); /* big ones get 2 MiB pages there */
    if (p == NULL)
        return false;
    *data = p;
    *cap = c;
    return true;
}

/* 2 MiB pages cover a big array whole only if its mapping starts on a
 * 2 MiB boundary and ends on one. glibc maps a block of `bytes` as
 * round_up(bytes + its 16-byte header, 4 KiB), and Linux (6.7 on) places an
 * anonymous mapping whose length is a multiple of 2 MiB on a 2 MiB
 * boundary. So ask for a multiple of 2 MiB less the header (32 bytes covers
 * its rounding): otherwise the first and last 2 MiB of each array fault
 * 4 KiB at a time, 512 faults each (mixed 10M: 7,000 of 47,000 faults).
 * Where either assumption fails the array is as before, never wrong. */
static size_t big_request(size_t bytes)
{
    const size_t huge = (size_t)2 << 20, header = 32;
    if (bytes < 2 * huge || bytes > SIZE_MAX - 2 * huge)
        return bytes;
    return ((bytes + header + huge - 1) & ~(huge - 1)) - header;
}

/* ---- warm blocks ----
 * On a VM the first touch of fresh memory is dear (the kernel zeroes each
 * page and the host may have to find it one: 0.1-5 s per GB here, against
 * 0.02 s to clear memory already ours), and a 10 M-object run used to map
 * 1.0-1.9 GB of big arrays for a peak of 0.7-1.1 GB: each stage freed its
 * arrays and the next one mapped new ones. So a big block given to
 * ghf_big_free is kept, and the next big allocation takes the best fitting
 * one (mremap shrinks or grows it; only a grown tail is fresh). Blocks not
 * taken again before the stage after next starts are returned to the
 * kernel (ghf_big_stage_begins), so they hold memory for one stage at most.
 * The blocks are glibc's own: free() on a block handed out stays correct. */
#define WARM_SLOTS 32
#define WARM_MIN ((size_t)4 << 20) /* the mmap threshold (ghf_big_arrays_init) */

static struct warm_block {
    void *p;
    size_t usable;
    unsigned stage; /* ghf_big_stage_begins' count when it was freed */
} warm[WARM_SLOTS];
static unsigned warm_count, warm_stage;
static bool warm_on;
static pthread_mutex_t warm_lock = PTHREAD_MUTEX_INITIALIZER;

void ghf_big_free(void *p)
{
    if (p == NULL)
        return;
    size_t usable = malloc_usable_size(p);
    if (usable < WARM_MIN || !__atomic_load_n(&warm_on, __ATOMIC_RELAXED)) {
        free(p);
        return;
    }
    void *drop = NULL;
    pthread_mutex_lock(&warm_lock);
    unsigned at = warm_count;
    if (warm_count < WARM_SLOTS) {
        warm_count++;
    } else { /* full: p takes the smallest kept block's place if it is bigger */
        at = 0;
        for (unsigned i = 1; i < warm_count; i++)
            if (warm[i].usable < warm[at].usable)
                at = i;
        drop = warm[at].usable < usable ? warm[at].p : p;
    }
    if (drop != p)
        warm[at] = (struct warm_block){p, usable, warm_stage};
    pthread_mutex_unlock(&warm_lock);
    free(drop);
}

/* Which of two kept blocks of sizes a and b better serves a request of
 * `want` bytes: the smaller of those that hold it, else the bigger. */
static bool serves_better(size_t a, size_t b, size_t want)
{
    if ((a >= want) != (b >= want))
        return a >= want;
    return a >= want ? a < b : a > b;
}

/* A kept block resized to `bytes` (a big_request size), or NULL. */
static void *warm_take(size_t bytes)
{
    if (bytes < WARM_MIN)
        return NULL;
    pthread_mutex_lock(&warm_lock);
    void *p = NULL;
    if (warm_count > 0) {
        unsigned best = 0;
        for (unsigned i = 1; i < warm_count; i++)
            if (serves_better(warm[i].usable, warm[best].usable, bytes))
                best = i;
        p = warm[best].p;
        warm[best] = warm[--warm_count];
    }
    pthread_mutex_unlock(&warm_lock);
    if (p == NULL)
        return NULL;
    void *q = realloc(p, bytes); /* a mapping of its own: mremap, no copy */
    if (q == NULL)
        free(p);
    return q;
}

/* Return the kept blocks freed before stage `before` (all: every one). */
static void drop_kept(unsigned before)
{
    void *drop[WARM_SLOTS];
    unsigned ndrop = 0;
    pthread_mutex_lock(&warm_lock);
    for (unsigned i = 0; i < warm_count;)
        if (warm[i].stage < before) {
            drop[ndrop++] = warm[i].p;
            warm[i] = warm[--warm_count];
        } else {
            i++;
        }
    pthread_mutex_unlock(&warm_lock);
    for (unsigned i = 0; i < ndrop; i++)
        free(drop[i]);
}

void ghf_big_stage_begins(void)
{
    pthread_mutex_lock(&warm_lock);
    unsigned ended = warm_stage++;
    pthread_mutex_unlock(&warm_lock);
    drop_kept(ended); /* those freed before the stage that just ended */
}

void ghf_big_release(void)
{
    drop_kept(UINT_MAX);
}

void ghf_big_keep(bool on)
{
    __atomic_store_n(&warm_on, on, __ATOMIC_RELAXED);
    if (!on)
        ghf_big_release();
}

void *ghf_big_malloc(size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    size_t bytes = n * size;
    void *p = warm_take(big_request(bytes));
    if (p != NULL)
        return p;
    return ghf_hugepage_hint(malloc(bytes != 0 ? big_request(bytes) : 1), bytes);
}

void *ghf_big_calloc(size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    size_t bytes = n * size;
    void *p = warm_take(big_request(bytes));
    if (p != NULL) /* clearing memory already ours costs ~0.02 s per GB */
        return memset(p, 0, bytes);
    /* pages of a fresh mapping are zero already, so calloc writes none:
     * the hint comes in time for the first write */
    return ghf_hugepage_hint(calloc(1, bytes != 0 ? big_request(bytes) : 1), bytes);
}

void *ghf_big_realloc(void *p, size_t bytes)
{
    if (p == NULL)
        return ghf_big_malloc(1, bytes);
    size_t had = malloc_usable_size(p);
    if (had < WARM_MIN && bytes >= WARM_MIN) {
        /* A block moving out of glibc's heap into a mapping of its own:
         * realloc would copy it into the new mapping before the hint, in
         * 4 KiB faults (5,000 of mixed 10M's faults); copy it ourselves into
         * a block with the hint. */
        void *q = ghf_big_malloc(1, bytes);
        if (q != NULL) {
            memcpy(q, p, had);
            free(p);
        }
        return q;
    }
    return ghf_hugepage_hint(realloc(p, bytes != 0 ? big_request(bytes) : 1), bytes);
}

void ghf_big_arrays_init(void)
{
    /* glibc raises its mmap threshold after each free of a mapped block, up
     * to 32 MiB, and then serves big arrays from its heap: realloc copies
     * them (into pages no hint reached), and free keeps their pages. A fixed
     * threshold keeps every big array a mapping of its own, which realloc
     * moves with mremap and free returns to the kernel. */
    (void)mallopt(M_MMAP_THRESHOLD, 4 << 20);
}

void ghf_prefault(void *p, size_t bytes)
{
#ifdef MADV_POPULATE_WRITE
    if (p == NULL || bytes < ((size_t)64 << 10))
        return;
    uintptr_t lo = ((uintptr_t)p + 4095) & ~(uintptr_t)4095;
    uintptr_t hi = ((uintptr_t)p + bytes) & ~(uintptr_t)4095;
    if (hi > lo)
        (void)madvise((void *)lo, hi - lo, MADV_POPULATE_WRITE); /* a hint: failure changes nothing */
#else
    (void)p, (void)bytes;
#endif
}

void *ghf_hugepage_hint(void *p, size_t bytes)
{
    const uintptr_t huge = (uintptr_t)2 << 20, page = 4096;
    if (p == NULL || bytes < 2 * huge) /* a smaller one would gain at most one huge page */
        return p;
    /* The whole block to its last page, not just its 2 MiB-aligned interior
     * (the kernel maps huge pages only there anyway): marking part of a
     * mapping splits it, and glibc's realloc then cannot mremap the block;
     * it copies it instead, into pages that fault one by one. A block of
     * 4 MiB or more is a mapping of its own (ghf_big_arrays_init), and its
     * usable size reaches the mapping's end. */
    size_t usable = malloc_usable_size(p);
    uintptr_t lo = (uintptr_t)p & ~(page - 1);
    uintptr_t hi = ((uintptr_t)p + (usable > bytes ? usable : bytes) + page - 1) & ~(page - 1);
    (void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
    /* glibc wrote the block's header before the hint, so the first 2 MiB
     * already has a 4 KiB page, and the kernel would fault the rest of that
     * 2 MiB in 4 KiB pages too: make it one 2 MiB page now (Linux 6.1 on;
     * a hint, failure is fine). */
    uintptr_t first = (uintptr_t)p & ~(huge - 1);
    if (first >= lo && first + huge <= hi)
        (void)madvise((void *)first, huge, MADV_COLLAPSE);
    return p;
}
