/* error.c — the ghf_err convention (see include/ghf_error.h). */
#include "ghf_error.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "vec.h"

bool ghf_fail(ghf_err *err, int code, const char *fmt, ...)
{
    if (err == NULL || err->code != 0)
        return false; /* keep the first, most specific message */
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return false;
}

void *ghf_xcalloc(size_t n, size_t size, ghf_err *err)
{
    void *p = ghf_big_calloc(n, size);
    if (p == NULL)
        ghf_fail(err, GHF_EXIT_INTERNAL, "out of memory allocating %zu x %zu bytes", n, size);
    return p;
}

void *ghf_xrealloc(void *p, size_t n, size_t size, ghf_err *err)
{
    if (size != 0 && n > SIZE_MAX / size) {
        ghf_fail(err, GHF_EXIT_INTERNAL, "allocation of %zu x %zu bytes overflows", n, size);
        return NULL;
    }
    size_t bytes = n * size;
    void *q = ghf_big_realloc(p, bytes);
    if (q == NULL)
        ghf_fail(err, GHF_EXIT_INTERNAL, "out of memory allocating %zu x %zu bytes", n, size);
    return q;
}
