/* types.h — a Go type name for every heap object.
 *
 * Most precise source first (runtime/mbitmap.go, golang/debug gocore/type.go):
 *  1. malloc headers and span.largeType (1.22+): the allocation's own type;
 *  2. DWARF types of roots, propagated through pointers, slices, strings,
 *     interfaces (the type word names the dynamic type), map buckets and
 *     groups, channel buffers and closures (named after their function);
 *  3. otherwise "unknown.<size>", counted.
 * Types label objects only: reachability comes from the GC's pointer bits.
 */
#ifndef GHF_TYPES_H
#define GHF_TYPES_H

#include <stdint.h>
#include "heap.h"
#include "roots.h"
#include "strtab.h"

typedef struct obj_types {
    uint32_t *label;          /* per object: id in names */
    strtab names;
    uint64_t typed_objects, typed_bytes, unknown_objects, unknown_bytes;
} obj_types;

bool types_infer(heap *h, const roots *r, obj_types *out, ghf_err *err);
void types_free(obj_types *t);

static inline const char *types_label(const obj_types *t, uint32_t obj)
{
    return strtab_get(&t->names, t->label[obj]);
}

/* The name of a runtime type descriptor at run-time address t ("*main.T"
 * becomes "main.T" when the descriptor has TFlagExtraStar). */
bool rtype_name(const go_runtime *rt, uint64_t t, char *buf, size_t cap);

#endif
