/* types.h — a Go type name for every heap object.
 *
 * Most precise source first (runtime/mbitmap.go, golang/debug gocore/type.go):
 *  1. malloc headers and span.largeType (1.22+): the allocation's own type;
 *  2. the types of roots, propagated through pointers, slices, strings,
 *     interfaces (eface and iface: the type word, or the itab's, names the
 *     dynamic type; a pointer-shaped value sits in the data word, any other
 *     is boxed), map buckets and groups, channel buffers and closures
 *     (named after their function; captured variables typed from DWARF);
 *  3. without DWARF (roots untyped): interface values in untyped roots and
 *     untyped objects, two words {descriptor of the module (checked field
 *     by field, name printable) or an itab naming one, pointer to the start
 *     of an object}; the object gets the dynamic type (a pointer-shaped
 *     one's pointee) only when it holds pointers and its pointer bitmap is
 *     exactly the type's GC mask (one value, or an array filling it); then
 *     2. from there, repeated while it types something; and the
 *     runtime's own structs held by its globals found without symbols:
 *     allgs' gs, allp's ps, allm's ms and those slices' arrays (labels);
 *  4. otherwise "unknown.<size>", counted.
 * Types come from the Go type model (gotype.h): DWARF, or the runtime's
 * type descriptors for types DWARF lacks.
 * An object two walks reach can get two claims (a string and a []byte on
 * one buffer, two tenants of a tiny block, a stale pointer): which one
 * names it never depends on the order the walk met them in, so that the
 * labels are a function of the heap alone, on one thread or two. A claim
 * is inert when it queues nothing to walk (no type, or one without
 * pointers); between inert claims the label first by name wins. In the
 * roots' walk every rival claim is also walked, and the rival that wins
 * is fixed by rule: one that queues work over an inert one, then the
 * larger count, the label by name, the type. Malloc headers' and the
 * runtime's own labels are never taken.
 * Types label objects only: reachability comes from the GC's pointer bits.
 */
#ifndef GHF_TYPES_H
#define GHF_TYPES_H

#include <stdint.h>
#include "gotype.h"
#include "heap.h"
#include "roots.h"
#include "strtab.h"

typedef struct obj_types {
    uint32_t *label;          /* per object: id in names */
    gt_id *dtype;             /* per object, with want_dtypes (else NULL): type of its values, 0 if unknown */
    uint8_t *dtype_off;       /* per object, with want_dtypes: where its first value starts (8 after a malloc header) */
    strtab names;
    uint64_t typed_objects, typed_bytes, unknown_objects, unknown_bytes;
    uint64_t bad_descriptors; /* runtime type descriptors that could not be decoded (reported) */
    gt_model *model;          /* the Go type model the labels came from (owned) */
} obj_types;

/* want_dtypes: also keep each object's DWARF type (dtype, dtype_off) for
 * field paths; 5 bytes per heap slot, so only when --fields asks. */
bool types_infer(heap *h, const roots *r, bool want_dtypes, obj_types *out, ghf_err *err);
void types_free(obj_types *t);

/* types_infer in two steps, so that the first can run beside the edge scan
 * and roots_collect: types_start does what needs only the heap's objects
 * (the types that malloc headers and span.largeType state, 1.22+, and all
 * they reach: most of the work on heaps of maps and slices); types_finish
 * waits for it and adds what the roots reach, then the rest as
 * types_infer. The labels are the same as types_infer's, byte for byte:
 * the first step always runs first and alone on its data. With background
 * (and a heap of GHF_PARALLEL_MIN objects, ghf_threads() > 1, and objects
 * that state their type in at least 1/64 of the heap's bytes) the first
 * step runs on a thread (which draws no progress); until types_finish or
 * types_cancel the caller may read the heap and the core, and build the
 * heap's edges (heap_build_edges: arrays the first step never reads), but
 * must not change the heap otherwise. The job is freed by types_finish or
 * types_cancel. */
typedef struct types_job types_job;
bool types_start(heap *h, bool want_dtypes, bool background, types_job **job, ghf_err *err);
bool types_finish(types_job *job, const roots *r, obj_types *out, ghf_err *err);
void types_cancel(types_job *job);

static inline const char *types_label(const obj_types *t, uint32_t obj)
{
    return strtab_get(&t->names, t->label[obj]);
}

/* The field path (".buf", "[].next") of byte `off` inside a value of
 * DWARF type `type`, or inside object obj (for --fields). False if unknown. */
bool types_path_in(const dwx *dw, dwx_type_id type, uint64_t off, char *buf, size_t cap);
bool types_field_path(const obj_types *t, const heap *h, const dwx *dw, uint32_t obj, uint64_t off,
                      char *buf, size_t cap);

#endif
