/* dwarf_index.h — the executable's DWARF, indexed once for O(1) look-ups.
 *
 * Built with libdwarf (src/dwarf_compat.h hides the 20210528 vs 0.x API
 * differences). Go compresses .debug_* with SHF_COMPRESSED zlib; DWARF 4 up
 * to Go 1.24, 5 after. All addresses here are LINK-TIME addresses: add
 * core_pie_bias() to get run-time addresses.
 *
 * Lifetime: every pointer returned lives until dwx_close().
 */
#ifndef GHF_DWARF_INDEX_H
#define GHF_DWARF_INDEX_H

#include <stddef.h>
#include <stdint.h>
#include "ghf_error.h"

typedef struct dwx dwx;
typedef uint32_t dwx_type_id; /* 0 = no type */

typedef struct dwx_type {
    const char *name;        /* DW_AT_name, "" if anonymous */
    uint32_t tag;            /* DW_TAG_* (base, pointer, structure, array, typedef, subroutine, ...) */
    uint32_t go_kind;        /* DW_AT_go_kind (abi.Kind: 25 struct, 23 slice, 24 string, 20 interface, 21 map, 18 chan, 19 func, 22 ptr, 17 array, 26 unsafe.Pointer), 0 if absent */
    uint64_t size;           /* DW_AT_byte_size, 0 if unknown */
    dwx_type_id elem;        /* pointee, array element, typedef target, or DW_AT_go_elem */
    dwx_type_id key;         /* DW_AT_go_key (maps) */
    uint64_t count;          /* array length (subrange count) */
    uint64_t runtime_type;   /* DW_AT_go_runtime_type (link-time address), 0 if none */
    uint32_t first_field;    /* struct members: dwx_fields(d)[first_field .. +nfields) */
    uint32_t nfields;
} dwx_type;

typedef struct dwx_field {
    const char *name;
    uint64_t offset;         /* DW_AT_data_member_location */
    dwx_type_id type;
    bool embedded;           /* DW_AT_go_embedded_field */
} dwx_field;

typedef struct dwx_var {       /* a global variable */
    const char *name;        /* full import path: "main.cache", "net/http.DefaultClient" */
    uint64_t addr;           /* link-time DW_OP_addr */
    uint64_t size;           /* size of its type */
    dwx_type_id type;
} dwx_var;

typedef struct dwx_loc_range { /* where a local lives for pc in [lo, hi) */
    uint64_t lo, hi;         /* link-time pcs; lo=0, hi=UINT64_MAX for "always" */
    int64_t cfa_offset;      /* value lives at CFA + cfa_offset (first piece) */
} dwx_loc_range;

typedef struct dwx_local {
    const char *name;
    dwx_type_id type;
    bool is_param;
    uint32_t first_range, nranges; /* into the index's range table; only stack (CFA-relative) pieces */
} dwx_local;

typedef struct dwx_func {
    const char *name;        /* "main.worker", "main.main.func1" */
    uint64_t lowpc, highpc;  /* link-time [lowpc, highpc) */
    uint32_t first_local, nlocals;
} dwx_func;

/* Errors: GHF_EXIT_UNSUPPORTED "executable has no DWARF (stripped with -w?)". */
bool dwx_open(const char *exe_path, dwx **out, ghf_err *err);
void dwx_close(dwx *d);

dwx_type_id dwx_type_by_name(const dwx *d, const char *name);
dwx_type_id dwx_type_by_runtime_type(const dwx *d, uint64_t link_addr);
const dwx_type *dwx_type_get(const dwx *d, dwx_type_id id);  /* NULL for 0 / out of range */
/* Follow typedefs to the underlying type (returns id itself if not a typedef). */
dwx_type_id dwx_resolve(const dwx *d, dwx_type_id id);
const dwx_field *dwx_fields(const dwx *d);
/* Member `name` of a struct (typedefs followed); NULL if absent. */
const dwx_field *dwx_member(const dwx *d, dwx_type_id struct_type, const char *name);

/* DW_TAG_constant by full name, e.g. "runtime.heapArenaBytes". */
bool dwx_const(const dwx *d, const char *name, int64_t *value);

size_t dwx_global_count(const dwx *d);
const dwx_var *dwx_globals(const dwx *d);                 /* sorted by addr */
const dwx_var *dwx_global_by_name(const dwx *d, const char *name);
const dwx_var *dwx_global_at(const dwx *d, uint64_t link_addr); /* containing addr, or NULL */

const dwx_func *dwx_func_at(const dwx *d, uint64_t link_pc);   /* NULL if none */
const dwx_local *dwx_locals(const dwx *d);
const dwx_loc_range *dwx_loc_ranges(const dwx *d);
/* The local/param of f that occupies stack slot CFA+cfa_offset at pc; NULL if none. */
const dwx_local *dwx_local_at(const dwx *d, const dwx_func *f, uint64_t link_pc, int64_t cfa_offset);

#endif
