/* vec.c — growth policy for vec.h arrays. */
#include "vec.h"

#include <stdint.h>
#include <sys/mman.h>

bool ghf_vec_grow(void **data, size_t *cap, size_t need, size_t elem, ghf_err *err)
{
    size_t c = *cap ? *cap : 16;
    while (c < need)
        c *= 2;
    void *p = ghf_xrealloc(*data, c, elem, err);
    if (p == NULL)
        return false;
    *data = p;
    *cap = c;
    return true;
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
    const uintptr_t huge = (uintptr_t)2 << 20;
    uintptr_t lo = ((uintptr_t)p + huge - 1) & ~(huge - 1), hi = ((uintptr_t)p + bytes) & ~(huge - 1);
    if (p != NULL && hi > lo)
        (void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
    return p;
}
