/* heap_types.h — pointer masks of runtime type descriptors (*abi.Type),
 * decoded once per type and cached. See src/heap_types.c. */
#ifndef GHF_HEAP_TYPES_H
#define GHF_HEAP_TYPES_H

#include <stdint.h>
#include "goruntime.h"
#include "vec.h"

typedef struct htype {
    uint64_t addr;        /* run-time address of the type descriptor; 0 = empty slot */
    uint64_t size;        /* Size_ */
    uint64_t ptrbytes;    /* PtrBytes: the mask covers ptrbytes/8 words */
    uint64_t mask_off;    /* bit i of bits[mask_off..] = word i is a pointer */
    bool ok;              /* false: the descriptor could not be read */
} htype;

typedef struct htypes {
    const go_runtime *rt;
    rt_field size, ptrbytes, tflag, kind, gcdata;        /* abi.Type / runtime._type */
    rt_field arr_elem, arr_len, st_fields, sf_typ, sf_off; /* for on-demand rebuilds */
    uint64_t sf_size;
    uint8_t ondemand_flag;   /* TFlagGCMaskOnDemand (1.24+), 0 before */
    htype *slots;
    size_t nslots, count;
    VEC(uint8_t) bits;
    uint64_t failed;         /* descriptors that could not be decoded */
} htypes;

bool htypes_init(htypes *ht, const go_runtime *rt, ghf_err *err);
void htypes_free(htypes *ht);
/* The decoded type at t, or NULL (t == 0, unreadable, or out of memory: check err->code). */
const htype *htypes_get(htypes *ht, uint64_t t, ghf_err *err);

static inline bool htype_ptr(const htypes *ht, const htype *t, uint64_t word)
{
    return word < t->ptrbytes / 8 && (ht->bits.v[t->mask_off + word / 8] >> (word % 8) & 1);
}

#endif
