/* strtab.c — string interning with an open-addressing hash (FNV-1a). */
#include "strtab.h"

#include <stdlib.h>
#include <string.h>

#include "hash.h"

static uint64_t hash_n(const char *s, size_t n)
{
    return ghf_hash(s, n);
}

static bool grow(strtab *t, ghf_err *err)
{
    size_t ncap = t->cap ? t->cap * 2 : 256;
    uint32_t *nh = ghf_xcalloc(ncap, sizeof *nh, err);
    if (nh == NULL)
        return false;
    for (size_t i = 0; i < t->cap; i++) {
        if (!t->hash[i])
            continue;
        const char *s = strtab_get(t, t->hash[i] - 1);
        size_t j = hash_n(s, strlen(s)) & (ncap - 1);
        while (nh[j])
            j = (j + 1) & (ncap - 1);
        nh[j] = t->hash[i];
    }
    free(t->hash);
    t->hash = nh;
    t->cap = ncap;
    return true;
}

bool strtab_intern(strtab *t, const char *s, size_t len, uint32_t *id, ghf_err *err)
{
    if ((t->off.n + 1) * 2 > t->cap && !grow(t, err))
        return false;
    size_t j = hash_n(s, len) & (t->cap - 1);
    for (; t->hash[j]; j = (j + 1) & (t->cap - 1)) {
        const char *c = strtab_get(t, t->hash[j] - 1);
        if (strncmp(c, s, len) == 0 && c[len] == '\0') {
            *id = t->hash[j] - 1;
            return true;
        }
    }
    if (t->bytes.n + len + 1 >= UINT32_MAX)
        return ghf_fail(err, GHF_EXIT_INTERNAL, "string table exceeds 4 GiB");
    uint32_t off = (uint32_t)t->bytes.n;
    if (!VEC_RESERVE(&t->bytes, t->bytes.n + len + 1, err) || !VEC_PUSH(&t->off, off, err))
        return false;
    memcpy(t->bytes.v + off, s, len);
    t->bytes.v[off + len] = '\0';
    t->bytes.n += len + 1;
    t->hash[j] = (uint32_t)t->off.n;
    *id = (uint32_t)t->off.n - 1;
    return true;
}

uint32_t strtab_find(const strtab *t, const char *s)
{
    if (t->cap == 0)
        return UINT32_MAX;
    size_t len = strlen(s);
    for (size_t j = hash_n(s, len) & (t->cap - 1); t->hash[j]; j = (j + 1) & (t->cap - 1))
        if (strcmp(strtab_get(t, t->hash[j] - 1), s) == 0)
            return t->hash[j] - 1;
    return UINT32_MAX;
}

void strtab_free(strtab *t)
{
    VEC_FREE(&t->bytes);
    VEC_FREE(&t->off);
    free(t->hash);
    memset(t, 0, sizeof *t);
}
