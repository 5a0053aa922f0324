/* vec.h — flat growable arrays, the only container for bulk data.
 *
 * Usage:  VEC(uint64_t) addrs = {0};
 *         if (!VEC_PUSH(&addrs, a, err)) return false;
 *         ... addrs.v[i] for i < addrs.n ...
 *         VEC_FREE(&addrs);
 * Growth doubles capacity, so pushes are amortised O(1) and objects of the
 * heap never get one malloc each.
 */
#ifndef GHF_VEC_H
#define GHF_VEC_H

#include <stdlib.h>
#include "ghf_error.h"

#define VEC(T) struct { T *v; size_t n, cap; }

/* Ensure room for `need` elements in total. Evaluates to bool. */
#define VEC_RESERVE(vec, need, err) \
    ((need) <= (vec)->cap || ghf_vec_grow((void **)&(vec)->v, &(vec)->cap, (need), sizeof *(vec)->v, (err)))

#define VEC_PUSH(vec, value, err) \
    (VEC_RESERVE((vec), (vec)->n + 1, (err)) ? ((vec)->v[(vec)->n++] = (value), true) : false)

#define VEC_FREE(vec) (ghf_big_free((vec)->v), (vec)->v = NULL, (vec)->n = (vec)->cap = 0)

bool ghf_vec_grow(void **data, size_t *cap, size_t need, size_t elem, ghf_err *err);

/* Map the pages of [p, p + bytes) now, in one call, for memory that is about
 * to be written in full (a large array just allocated, or the next stretch of
 * a growing one). Fresh pages otherwise fault in one at a time on first
 * write, and on virtual machines such a fault costs several microseconds:
 * at 10 M objects that was a quarter of the run's time in the kernel.
 * Only whole pages inside the range are touched; ranges under 64 KiB and
 * kernels without MADV_POPULATE_WRITE (before Linux 5.14) are left alone.
 * Never populate memory that may stay unwritten: it would count as resident. */
void ghf_prefault(void *p, size_t bytes);

/* Ask for 2 MiB pages on a big array p just returned by malloc, calloc or
 * realloc (4 MiB or more; smaller ones are left alone), before its pages
 * are first touched. One TLB entry then covers 512
 * times more of it, and one page fault (several microseconds on a VM) maps
 * 512 times more. ghf_xcalloc, ghf_xrealloc (so every VEC) and ghf_prefault
 * call it; code that allocates a big array with plain malloc should too.
 * Only the 2 MiB-aligned interior can be huge; a hint, failure is fine (THP
 * off, or an old kernel). Returns p. */
void *ghf_hugepage_hint(void *p, size_t bytes);

/* malloc / calloc for a big flat array (one allocated whole, not grown):
 * the same with ghf_hugepage_hint applied, and sized so that the block's
 * mapping starts and ends on 2 MiB boundaries (vec.c big_request). NULL
 * when out of memory or when n * size overflows. Free with free() or, to
 * let a later big array reuse its pages, ghf_big_free(). */
void *ghf_big_malloc(size_t n, size_t size);
void *ghf_big_calloc(size_t n, size_t size);
/* free() for a big array whose pages a later one may reuse: a block of
 * 4 MiB or more is kept (its pages stay resident) and handed to the next
 * ghf_big_* allocation it fits best, resized without copying; fresh pages
 * cost far more than reused ones on a VM (vec.c "warm blocks"). Kept blocks
 * go back to the kernel at the second ghf_big_stage_begins after their free,
 * or at ghf_big_release. Thread-safe. */
void ghf_big_free(void *p);
/* A stage of the pipeline starts (session_stage): return the blocks kept
 * since before the previous stage started, which nothing took. */
void ghf_big_stage_begins(void);
/* Return every kept block (the pipeline is done with big arrays). */
void ghf_big_release(void);
/* Whether ghf_big_free keeps blocks at all (off at start: plain free;
 * off again returns every kept block). The session turns it on once the
 * core's heap pages are released, since kept blocks add to the resident
 * memory of whatever runs while they wait. */
void ghf_big_keep(bool on);
/* realloc the same way, for growing arrays (ghf_xrealloc, so every VEC): a
 * block that becomes big is copied into a hinted one. NULL when out of
 * memory (p is then left as it was). */
void *ghf_big_realloc(void *p, size_t bytes);

/* Called once at start-up, before big arrays are made: allocations of 4 MiB
 * or more become memory mappings of their own (see vec.c for why). */
void ghf_big_arrays_init(void);

#endif
