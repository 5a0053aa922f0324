/* vec.c — growth policy for vec.h arrays. */
#include "vec.h"

#include <malloc.h>
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

void *ghf_big_malloc(size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    size_t bytes = n * size;
    return ghf_hugepage_hint(malloc(bytes != 0 ? big_request(bytes) : 1), bytes);
}

void *ghf_big_calloc(size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    size_t bytes = n * size;
    /* pages of a fresh mapping are zero already, so calloc writes none:
     * the hint comes in time for the first write */
    return ghf_hugepage_hint(calloc(1, bytes != 0 ? big_request(bytes) : 1), bytes);
}

void *ghf_big_realloc(void *p, size_t bytes)
{
    const size_t big = (size_t)4 << 20; /* the mmap threshold, ghf_big_arrays_init */
    size_t had = p != NULL ? malloc_usable_size(p) : 0;
    if (p != NULL && had < big && bytes >= big) {
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
