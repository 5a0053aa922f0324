/* gotype.h — one model of the Go types of a program, from two sources.
 *
 * Every consumer that needs to know what a Go value looks like (the type
 * inferer, --fields, roots) asks this model, never DWARF or the runtime's
 * type descriptors directly:
 *  - DWARF, where the executable describes the type (named struct fields,
 *    typedef names, the compiler's map and channel internals);
 *  - the runtime's own type descriptors (abi.Type / runtime._type: kind,
 *    size, elem, array length, struct fields with their names, map key,
 *    elem and bucket/group types), for types DWARF lacks: those that reach
 *    the heap only through an interface's type word or a malloc header,
 *    types made by reflect (StructOf, MapOf, ...), and (later) stripped
 *    executables.
 * A type is identified by a gt_id. DWARF type n has gt_id n (so a DWARF
 * type id is a valid gt_id); descriptor-only types get ids above.
 *
 * Kinds are abi.Kind values; behaviour is chosen by kind and role, never by
 * the spelling of a name. Pointer size and descriptor layouts are data (the
 * model's `layout`), read from DWARF when it has them and defaulted from
 * the pointer size otherwise.
 *
 * Lifetime: pointers returned stay valid until the next gt_from_rtype /
 * gt_closure call (the arrays may grow); ids stay valid until gt_close.
 */
#ifndef GHF_GOTYPE_H
#define GHF_GOTYPE_H

#include <stdbool.h>
#include <stdint.h>
#include "goruntime.h"

typedef uint32_t gt_id; /* 0 = unknown type */

enum gt_kind { /* internal/abi.Kind */
    GT_BOOL = 1, GT_INT, GT_INT8, GT_INT16, GT_INT32, GT_INT64, GT_UINT, GT_UINT8, GT_UINT16, GT_UINT32,
    GT_UINT64, GT_UINTPTR, GT_FLOAT32, GT_FLOAT64, GT_COMPLEX64, GT_COMPLEX128, GT_ARRAY, GT_CHAN,
    GT_FUNC, GT_INTERFACE, GT_MAP, GT_PTR, GT_SLICE, GT_STRING, GT_STRUCT, GT_UNSAFEPTR,
};

/* What the runtime does with a struct beyond its fields. Set from the map
 * and channel types that own these structs, never from their names. */
enum gt_role {
    GT_ROLE_NONE = 0,
    GT_ROLE_MAP_HEADER,   /* runtime.hmap (<= 1.23) or maps.Map (1.24+) of map type `owner` */
    GT_ROLE_MAP_BUCKETS,  /* an old map's bucket: control bytes (tophash) at offset 0 */
    GT_ROLE_MAP_GROUPS,   /* a Swiss map's group: 8-byte control word at offset 0 */
    GT_ROLE_MAP_TABLE,    /* maps.table */
    GT_ROLE_MAP_DIR,      /* *maps.table: element of a Swiss map's directory */
    GT_ROLE_CHAN_HEADER,  /* runtime.hchan of chan type `owner` */
    GT_ROLE_CLOSURE,      /* a closure object: {fn, captured variables} */
    GT_ROLE_TYPE_DESC,    /* a type descriptor's common part (abi.Type, reflect.rtype,
                             runtime._type): the first part of its kind's descriptor */
};

typedef struct gt_field {
    const char *name;
    uint64_t offset;
    gt_id type;
} gt_field;

typedef struct gt_type {
    const char *name;      /* Go spelling ("main.T", "[]int", "map[string]int"); "" if unknown */
    uint8_t kind;          /* enum gt_kind, 0 if unknown */
    uint8_t role;          /* enum gt_role */
    bool direct_iface;     /* an interface stores the value itself in its data word */
    bool has_methods;      /* an interface type with methods (iface: itab) rather than eface */
    uint64_t size;
    uint64_t len;          /* array length */
    gt_id elem;            /* ptr: pointee; array, slice, chan: element; map: value */
    gt_id key;             /* map key */
    gt_id hdr;             /* map, chan: the struct a value points to (role *_HEADER) */
    gt_id group;           /* map: bucket/group type; map header, table, dir: the same */
    gt_id owner;           /* role types: the map or chan type they belong to */
    uint32_t first_field, nfields;
    uint64_t rtype;        /* run-time address of its descriptor, 0 if not known */
    bool from_dwarf;
} gt_type;

/* Offsets of the runtime structures the walkers read: data, from DWARF
 * where present, else the defaults for the pointer size. */
typedef struct gt_layout {
    uint32_t ptr_size;
    uint32_t type_size;                      /* sizeof(abi.Type) */
    uint32_t type_str;                       /* abi.Type.Str / _type.str (an int32 nameOff) */
    uint32_t itab_type;                      /* ITab.Type / itab._type */
    uint32_t hmap_b, hmap_buckets, hmap_oldbuckets;          /* <= 1.23 (and noswiss) */
    uint32_t smap_dir_ptr, smap_dir_len, table_groups_data, table_groups_mask; /* 1.24+ */
    bool swiss;
    uint32_t hchan_buf, hchan_dataqsiz, hchan_elemtype;
    uint64_t hmap_size, smap_size, table_size, hchan_size;
} gt_layout;

typedef struct gt_model gt_model;

bool gt_open(const go_runtime *rt, gt_model **out, ghf_err *err);
void gt_close(gt_model *m);

const gt_layout *gt_layout_of(const gt_model *m);
const gt_type *gt_get(const gt_model *m, gt_id id);          /* NULL for 0 / out of range */
const gt_field *gt_field_at(const gt_model *m, const gt_type *t, uint32_t i);
/* The model's type for a DWARF type (typedef names kept, structure followed). */
gt_id gt_from_dwarf(const gt_model *m, dwx_type_id id);
/* The type whose descriptor is at run-time address rtype: its DWARF twin if
 * DWARF has one, else decoded from the descriptor. 0 if unreadable.
 * Fails (false) only when out of memory. */
bool gt_from_rtype(gt_model *m, uint64_t rtype, gt_id *out, ghf_err *err);
/* The closure object type of the function whose entry is at pc (captured
 * variables from DWARF's DW_AT_go_closure_offset, Go 1.23+). */
bool gt_closure(gt_model *m, uint64_t pc, gt_id *out, ghf_err *err);
/* Go code downcasts a pointer to a struct embedded first in bigger ones
 * (sync.HashTrieMap's *node is an *entry or an *indirect): for an object of
 * `room` bytes, at least twice base's size, reached through a *base, the
 * largest DWARF struct embedding base at offset 0 that fits; 0 if none. */
gt_id gt_embedder(const gt_model *m, gt_id base, uint64_t room);
/* The whole descriptor at addr of a type descriptor reached as a `base`
 * (role GT_ROLE_TYPE_DESC): its kind's descriptor type (abi.StructType,
 * reflect.mapType, ...) chosen by the Kind read at addr; base when the
 * kind has none or cannot be read. reflect builds such descriptors on the
 * heap (StructOf, MapOf, PointerTo, ...). */
gt_id gt_descriptor_at(const gt_model *m, gt_id base, uint64_t addr);
/* The descriptors' common part (abi.Type, runtime._type before 1.21);
 * 0 if DWARF lacks it. */
gt_id gt_descriptor_common(const gt_model *m);
/* A person's name for an object holding one value (or, plural, several
 * values) of type t: "main.T", "[]main.T", "map[K]V (groups)", "chan T". */
void gt_label(const gt_model *m, gt_id t, bool plural, char *buf, size_t cap);
/* Counters, reported by `info`: descriptors that could not be decoded. */
uint64_t gt_bad_descriptors(const gt_model *m);

#endif
