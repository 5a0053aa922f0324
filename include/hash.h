/* hash.h — the one string hash of the hash tables (FNV-1a, 64-bit), with a
 * final fold so low bits, which the tables mask with, mix the high ones. */
#ifndef GHF_HASH_H
#define GHF_HASH_H

#include <stddef.h>
#include <stdint.h>

static inline uint64_t ghf_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h ^ (h >> 29);
}

#endif
