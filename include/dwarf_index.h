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
    uint64_t size;           /* DW_AT_byte_size, 0 if unknown (pointers, which Go emits without
                                one, get 8: only 64-bit targets are supported) */
    dwx_type_id elem;        /* DW_AT_type: pointee, array element, typedef target (for a map or
                                chan: the pointer to hash<K,V>/hchan<T>); DW_AT_go_elem if the DIE
                                has no DW_AT_type (slices) */
    dwx_type_id go_elem;     /* DW_AT_go_elem (slice/map/chan element), 0 if absent */
    dwx_type_id key;         /* DW_AT_go_key (maps) */
    uint64_t count;          /* array length (subrange count) */
    uint64_t runtime_type;   /* DW_AT_go_runtime_type as a link-time address, 0 if none (the
                                attribute is an offset into the section holding the type
                                descriptors, .rodata or .go.type; converted here; Go 1.19 stores
                                a few builtins, e.g. uintptr, as absolute addresses, kept as is) */
    uint64_t die_off;        /* .debug_info offset of the DIE */
    int32_t go_dict_index;   /* DW_AT_go_dict_index: a generic function's ".paramN" typedef is the
                                type at this index of its dictionary; -1 if absent */
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

/* Where (part of) a local lives for pc in [lo, hi): bytes
 * [value_offset, value_offset+size) of the value are at CFA + cfa_offset.
 * A location made of DW_OP_piece pieces gives one range per piece that is on
 * the stack; pieces in registers are not recorded (stack roots only need
 * memory), so a local whose value is all in registers has no range there.
 * Stack means DW_OP_call_frame_cfa [+ const] or DW_OP_fbreg (when the
 * function's frame base is DW_OP_call_frame_cfa, as Go always emits);
 * register-relative (DW_OP_bregN) and computed values are skipped.
 * Observed: Go 1.21-1.26 emit an empty location for address-taken locals
 * (nranges 0); Go 1.27 also emits decomposed pieces as their own locals
 * ("s.ptr", "s.len") next to the whole variable. */
typedef struct dwx_loc_range {
    uint64_t lo, hi;         /* link-time pcs; lo=0, hi=UINT64_MAX for "always" */
    int64_t cfa_offset;
    uint32_t value_offset;   /* byte offset of this piece inside the value */
    uint32_t size;           /* piece size (the type size for a whole-value location; 0 if unknown) */
} dwx_loc_range;

/* Locals of lexical blocks and of inlined calls are flattened into their
 * physical function (they share its frame); names and types of abstract
 * origins are resolved. */
typedef struct dwx_local {
    const char *name;
    dwx_type_id type;
    bool is_param;
    bool inlined;            /* belongs to an inlined call (DW_TAG_inlined_subroutine) */
    int32_t closure_offset;  /* DW_AT_go_closure_offset (Go 1.23+): a captured variable's offset in
                                the closure object; -1 if absent */
    uint32_t first_range, nranges; /* into the index's range table; only stack (CFA-relative) pieces */
} dwx_local;

typedef struct dwx_func {
    const char *name;        /* "main.worker", "main.main.func1" */
    uint64_t lowpc, highpc;  /* link-time [lowpc, highpc) */
    uint32_t first_local, nlocals;
} dwx_func;

/* Errors: GHF_EXIT_INPUT if the file is unreadable, not ELF or its DWARF is
 * corrupt; GHF_EXIT_UNSUPPORTED "... has no DWARF (stripped with -w?)". */
bool dwx_open(const char *exe_path, dwx **out, ghf_err *err);
void dwx_close(dwx *d);

/* Only the Go compiler's compile units (DW_AT_producer "Go cmd/compile ...")
 * are indexed. Units of other producers (the C of a cgo program: gcc's DWARF 5
 * or 4, clang's) are not: nothing in them is used. Damage inside such a unit
 * (a bad form, a damaged abbreviation) skips it with a warning; damage inside
 * a Go unit is an error. */

/* An executable without DWARF gets an index built from the runtime's
 * layouts as data (include/rtlayout.h) and the ELF symbol table instead:
 * see dwx_open_runtime. */
bool dwx_has_dwarf(const char *exe_path);
/* For Go 1.<minor> on GOARCH arch ("amd64", "arm64"): the runtime structs and constants goheapflame reads
 * (rtlayout.h's catalogue), and every object of the ELF symbol table as an
 * untyped global. No functions, locals or program types: frames are named
 * from the pclntab, and objects typed from the runtime's type descriptors.
 * GHF_EXIT_UNSUPPORTED if the table has no layouts for that version.
 * extra[0..nextra) are more untyped globals (name, link-time addr, size):
 * the runtime's, found without symbols (include/rtfind.h). */
bool dwx_open_runtime(const char *exe_path, const char *arch, int minor, const dwx_var *extra, size_t nextra,
                      dwx **out, ghf_err *err);
/* NULL for an index of DWARF; else what it was built from ("the Go 1.22
 * runtime layouts and the ELF symbol table"). */
const char *dwx_synthetic(const dwx *d);

/* Highest DWARF version among the Go units (4 up to Go 1.24, 5 after). */
unsigned dwx_dwarf_version(const dwx *d);
/* DW_AT_producer of the first Go unit, e.g. "Go cmd/compile go1.27.3; regabi"; "" if none. */
const char *dwx_producer(const dwx *d);
/* Compile units of other producers (C, assembly), skipped: > 0 for a program
 * that links its own C code (cgo with external linking). */
unsigned dwx_other_units(const dwx *d);
/* Warnings (one line each, no "goheapflame: warning:" prefix) about damaged
 * units that were skipped. */
size_t dwx_warning_count(const dwx *d);
const char *dwx_warning(const dwx *d, size_t i);

size_t dwx_type_count(const dwx *d);                  /* ids are 1 .. count */
/* When a name has several DIEs (a named struct is both a DW_TAG_structure_type
 * and a DW_TAG_typedef of it), the non-typedef wins. */
dwx_type_id dwx_type_by_name(const dwx *d, const char *name);
dwx_type_id dwx_type_by_offset(const dwx *d, uint64_t die_off);
dwx_type_id dwx_type_by_runtime_type(const dwx *d, uint64_t link_addr);
const dwx_type *dwx_type_get(const dwx *d, dwx_type_id id);  /* NULL for 0 / out of range */
/* Follow typedefs to the underlying type (returns id itself if not a typedef). */
dwx_type_id dwx_resolve(const dwx *d, dwx_type_id id);
const dwx_field *dwx_fields(const dwx *d);
/* Member `name` of a struct (typedefs followed); NULL if absent. (Not called
 * dwx_field: that is the member type's name.) */
const dwx_field *dwx_field_by_name(const dwx *d, dwx_type_id struct_type, const char *name);

/* Does a pointer word start at byte `off` of a value of `type` (through
 * structs, arrays and typedefs: a slice's array word, a string's data, an
 * interface's two words, maps, channels, funcs, unsafe.Pointer)? *pointee
 * (may be NULL) receives what it points to, 0 if untyped: for a slice's
 * array word, the element type. */
bool dwx_pointer_at(const dwx *d, dwx_type_id type, uint64_t off, dwx_type_id *pointee);

/* DW_TAG_constant by full name, e.g. "runtime.heapArenaBytes". */
bool dwx_const(const dwx *d, const char *name, int64_t *value);

size_t dwx_global_count(const dwx *d);
const dwx_var *dwx_globals(const dwx *d);                 /* sorted by addr */
const dwx_var *dwx_global_by_name(const dwx *d, const char *name);
const dwx_var *dwx_global_at(const dwx *d, uint64_t link_addr); /* containing addr, or NULL */

size_t dwx_func_count(const dwx *d);
const dwx_func *dwx_funcs(const dwx *d);                  /* sorted by lowpc */
const dwx_func *dwx_func_at(const dwx *d, uint64_t link_pc);   /* NULL if none */
const dwx_func *dwx_func_by_name(const dwx *d, const char *name);
const dwx_local *dwx_locals(const dwx *d);
size_t dwx_local_count(const dwx *d);                    /* dwx_locals()[0..count) */
const dwx_loc_range *dwx_loc_ranges(const dwx *d);
/* The local/param of f whose stack piece covers byte CFA+cfa_offset at pc;
 * NULL if none. *value_offset (may be NULL) receives the byte offset of that
 * stack byte inside the local's value. Scans f's locals only; if several
 * cover the byte (see above), the first in DWARF order wins. */
const dwx_local *dwx_local_at(const dwx *d, const dwx_func *f, uint64_t link_pc,
                              int64_t cfa_offset, uint64_t *value_offset);

#endif
