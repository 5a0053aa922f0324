/* strtab.h — interned strings: each distinct string stored once, named by
 * a dense id (0, 1, 2, ... in order of first appearance). */
#ifndef GHF_STRTAB_H
#define GHF_STRTAB_H

#include <stdint.h>
#include "ghf_error.h"
#include "vec.h"

typedef struct strtab {
    VEC(char) bytes;       /* NUL-terminated strings back to back */
    VEC(uint32_t) off;     /* id -> offset in bytes */
    uint32_t *hash;        /* open addressing: id + 1, 0 = empty */
    size_t cap;
} strtab;

/* The id of s[0..len), adding it if new. */
bool strtab_intern(strtab *t, const char *s, size_t len, uint32_t *id, ghf_err *err);
/* The id of s, or UINT32_MAX if absent. */
uint32_t strtab_find(const strtab *t, const char *s);
void strtab_free(strtab *t);

static inline const char *strtab_get(const strtab *t, uint32_t id)
{
    return t->bytes.v + t->off.v[id];
}

static inline uint32_t strtab_count(const strtab *t)
{
    return (uint32_t)t->off.n;
}

#endif
