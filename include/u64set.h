/* u64set.h — a set of non-zero 64-bit keys: open addressing, grown (and
 * rehashed) at half full. For facts that are rare but must be looked up
 * by a pair packed into one word (node << 32 | label, slot << 32 | code). */
#ifndef GHF_U64SET_H
#define GHF_U64SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ghf_error.h"

typedef struct u64set {
    uint64_t *slot; /* 0 = empty */
    size_t n, cap;
} u64set;

/* Add key (not 0); *fresh: it was not in the set yet. False: out of memory. */
bool u64set_add(u64set *s, uint64_t key, bool *fresh, ghf_err *err);
void u64set_free(u64set *s);

#endif
