/* vec.c — growth policy for vec.h arrays. */
#include "vec.h"

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
