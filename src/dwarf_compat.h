/* dwarf_compat.h — the only door to libdwarf.
 *
 * libdwarf changed its API between the 2021 releases (Debian bookworm ships
 * 20210528) and the 0.x/2.x series (Debian trixie, Ubuntu 24.04): dwarf_init_b
 * lost its access argument, dwarf_finish its error argument, CU iteration
 * became dwarf_next_cu_header_e + dwarf_siblingof_c, and so on. This module
 * hides both behind one small interface: open a file, walk every DIE of
 * .debug_info once (iteratively, depth-first, in offset order) and hand each
 * DIE to a visitor with the attributes Go emits already decoded (except for
 * DW_TAG_lexical_block and DW_TAG_inlined_subroutine, whose attributes are
 * skipped: only their children are of use).
 *
 * Strings handed out (name, producer) point into libdwarf's section buffers:
 * they are valid until dwc_close(); copy what must live longer.
 */
#ifndef GHF_DWARF_COMPAT_H
#define GHF_DWARF_COMPAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ghf_error.h"

typedef struct dwc dwc;

/* One DWARF expression operation, operands already decoded (DW_OP_addrx is
 * turned into DW_OP_addr with the address from .debug_addr). */
typedef struct dwc_op {
    uint8_t atom;          /* DW_OP_* */
    uint64_t op1, op2;     /* signed operands are stored as two's complement */
} dwc_op;

/* One entry of a location list, or the single entry of a location expression
 * (lo = 0, hi = UINT64_MAX). pcs are link-time addresses. */
typedef struct dwc_loc_entry {
    uint64_t lo, hi;
    uint32_t first_op, nops;   /* into dwc_die.ops */
} dwc_loc_entry;

typedef struct dwc_die {
    uint64_t off;              /* global .debug_info offset */
    uint32_t tag;              /* DW_TAG_* */
    uint16_t cu_version;       /* DWARF version of the enclosing unit */
    uint64_t cu_abbrev_off;    /* .debug_abbrev offset of the enclosing unit's table */
    bool has_children;
    const char *name;          /* DW_AT_name, NULL if absent */
    const char *producer;      /* DW_AT_producer (compile units), NULL if absent */
    uint64_t type_off;         /* DW_AT_type target, 0 if absent */
    uint64_t origin_off;       /* DW_AT_abstract_origin target, 0 if absent */
    uint64_t go_key_off;       /* DW_AT_go_key target */
    uint64_t go_elem_off;      /* DW_AT_go_elem target */
    uint64_t byte_size;        bool has_byte_size;
    uint64_t member_off;       bool has_member_off;   /* DW_AT_data_member_location (constant form) */
    uint64_t count;            bool has_count;        /* DW_AT_count, or DW_AT_upper_bound + 1 */
    uint64_t lowpc, highpc;    bool has_pc;           /* [lowpc, highpc), highpc made absolute */
    int64_t const_value;       bool has_const;
    uint64_t go_runtime_type;  bool has_go_runtime_type; /* raw DW_AT_go_runtime_type value */
    uint32_t go_kind;          /* DW_AT_go_kind, 0 if absent */
    uint64_t go_dict_index;    bool has_dict_index;   /* DW_AT_go_dict_index */
    uint64_t go_closure_offset; bool has_closure_offset; /* DW_AT_go_closure_offset (1.23+) */
    bool go_embedded;          /* DW_AT_go_embedded_field */
    bool is_abstract;          /* DW_AT_inline present: an abstract (inlinable) function */
    bool frame_base_is_cfa;    /* DW_AT_frame_base is exactly DW_OP_call_frame_cfa */
    bool has_location;         /* DW_AT_location present */
    bool location_decoded;     /* ... and every entry decoded into loc/ops */
    size_t nloc;               /* location entries, valid only during the visit */
    const dwc_loc_entry *loc;
    const dwc_op *ops;
} dwc_die;

/* Called once per DIE in .debug_info order; depth 0 is a compile unit.
 * Set *descend = false to skip the DIE's children. Return false (with err
 * set) to stop the walk. */
typedef bool (*dwc_visit_fn)(void *ctx, const dwc_die *die, unsigned depth,
                             bool *descend, ghf_err *err);

/* A compile unit, for a report of damage inside it. */
typedef struct dwc_unit {
    uint64_t off;              /* .debug_info offset of its header */
    uint64_t die_off;          /* of its root DIE */
    uint64_t abbrev_off;       /* of its abbreviation table in .debug_abbrev */
    uint16_t version;
    const char *name, *producer; /* of its root DIE; NULL where unreadable */
    bool unreached;            /* not opened: it lies after a unit libdwarf could not
                                  open, and libdwarf cannot read past such a unit */
} dwc_unit;

/* Called when a unit's DWARF cannot be read (a bad form, a damaged
 * abbreviation, a bad location list, ...; *err says what). Return true to
 * skip the rest of the unit and walk on, false to stop the walk with *err. */
typedef bool (*dwc_damage_fn)(void *ctx, const dwc_unit *u, ghf_err *err);

/* Open the DWARF of an ELF file that is known to have .debug_info.
 * Compressed (SHF_COMPRESSED zlib) sections are decompressed by libdwarf. */
bool dwc_open(const char *path, dwc **out, ghf_err *err);
/* Walk all DIEs of all units of .debug_info. DIEs nested deeper than
 * DWC_MAX_DEPTH are skipped (Go nests at most a few levels). Every form gcc
 * and clang emit for DWARF 4 and 5 is read; an attribute of interest in a
 * form outside the class read (a C VLA bound given by an expression, a
 * 128-bit constant) is treated as absent. Damage inside a unit goes to
 * `damaged` (NULL: every damage stops the walk); a failing visitor always
 * stops it. */
bool dwc_walk(dwc *c, dwc_visit_fn visit, dwc_damage_fn damaged, void *ctx, ghf_err *err);
void dwc_close(dwc *c);

enum { DWC_MAX_DEPTH = 64 };

#endif
