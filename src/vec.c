/* vec.c — growth policy for vec.h arrays. */
#include "vec.h"

#include <malloc.h>
#include <stdint.h>
#include <sys/mman.h>

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

void *ghf_big_malloc(size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    size_t bytes = n * size;
    return ghf_hugepage_hint(malloc(bytes != 0 ? bytes : 1), bytes);
}

void *ghf_big_calloc(size_t n, size_t size)
{
    /* pages of a fresh mapping are zero already, so calloc writes none:
     * the hint comes in time for the first write */
    return ghf_hugepage_hint(calloc(n ? n : 1, size ? size : 1), n * size);
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
    return p;
}
