/* u64set.c — a set of non-zero 64-bit keys (include/u64set.h). */
#include "u64set.h"

#include "vec.h"

static inline size_t slot_of(uint64_t key, size_t cap)
{
    return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 32) & (cap - 1);
}

bool u64set_add(u64set *s, uint64_t key, bool *fresh, ghf_err *err)
{
    *fresh = false;
    if ((s->n + 1) * 2 > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 1024;
        uint64_t *t = ghf_big_calloc(cap, sizeof *t);
        if (t == NULL)
            return ghf_fail(err, GHF_EXIT_INTERNAL, "out of memory for a set of %zu keys", s->n + 1);
        for (size_t i = 0; i < s->cap; i++)
            if (s->slot[i] != 0) {
                size_t j = slot_of(s->slot[i], cap);
                while (t[j] != 0)
                    j = (j + 1) & (cap - 1);
                t[j] = s->slot[i];
            }
        ghf_big_free(s->slot);
        s->slot = t;
        s->cap = cap;
    }
    size_t j = slot_of(key, s->cap);
    for (; s->slot[j] != 0; j = (j + 1) & (s->cap - 1))
        if (s->slot[j] == key)
            return true;
    s->slot[j] = key;
    s->n++;
    *fresh = true;
    return true;
}

void u64set_free(u64set *s)
{
    ghf_big_free(s->slot);
    s->slot = NULL;
    s->n = s->cap = 0;
}
