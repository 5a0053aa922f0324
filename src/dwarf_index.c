/* dwarf_index.c — one pass over the executable's DWARF into flat arrays and
 * hash tables (see include/dwarf_index.h).
 *
 * The walk (dwarf_compat.c) hands us every DIE in .debug_info order, so
 * types arrive sorted by DIE offset and a reference is resolved by binary
 * search once the walk is over. Names are copied into an arena so that the
 * libdwarf handle (and its decompressed sections) can be closed right after
 * indexing.
 */
#include "dwarf_index.h"

#include <dwarf.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include <unistd.h>

#include "dwarf_compat.h"
#include "dwx_build.h"
#include "vec.h"

/* ---- string arena: blocks that never move ------------------------------ */

typedef struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    char data[];
} arena_block;

static const char *arena_strdup(arena_block **head, const char *s, ghf_err *err)
{
    size_t n = strlen(s) + 1;
    arena_block *b = *head;
    if (b == NULL || b->cap - b->used < n) {
        size_t cap = n > (1u << 20) ? n : (1u << 20);
        arena_block *nb = ghf_xcalloc(1, sizeof *nb + cap, err);
        if (nb == NULL)
            return NULL;
        nb->cap = cap;
        nb->next = b;
        *head = b = nb;
    }
    char *p = b->data + b->used;
    memcpy(p, s, n);
    b->used += n;
    return p;
}

/* ---- open-addressing hash tables of array indices ----------------------- */

typedef struct htab {
    uint32_t *slot;   /* index + 1; 0 = empty */
    size_t mask;
} htab;

static uint64_t hash_str(const char *s)
{
    return ghf_hash(s, strlen(s));
}

static uint64_t hash_u64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return x;
}

static bool ht_init(htab *t, size_t n, ghf_err *err)
{
    size_t cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    t->slot = ghf_xcalloc(cap, sizeof *t->slot, err);
    t->mask = cap - 1;
    return t->slot != NULL;
}

/* ---- the index ----------------------------------------------------------- */

typedef struct dwx_const_entry {
    const char *name;
    int64_t value;
} dwx_const_entry;

typedef struct type_refs { uint64_t elem, go_elem, key; } type_refs;
typedef struct local_refs { uint64_t type_off, origin_off; } local_refs;
typedef struct origin { uint64_t off; const char *name; uint64_t type_off; } origin;

enum kind { K_OTHER, K_CU, K_TYPE, K_FUNC, K_BLOCK, K_INLINED, K_ABSTRACT };

/* A unit whose root DIE could not be read far enough to tell who produced it:
 * judged once every unit has been seen (see unit_damaged). */
typedef struct unknown_unit {
    uint64_t abbrev_off, off;
    const char *name;
    bool unreached;
    ghf_err damage;
} unknown_unit;

struct dwx {
    VEC(dwx_type) types;          /* [0] is the "no type" placeholder */
    VEC(dwx_field) fields;
    VEC(dwx_var) globals;
    VEC(dwx_const_entry) consts;
    VEC(dwx_func) funcs;
    VEC(dwx_local) locals;
    VEC(dwx_loc_range) ranges;
    htab type_by_name, type_by_rt, global_by_name, const_by_name, func_by_name;
    arena_block *arena;
    unsigned dwarf_version;
    const char *producer;
    VEC(const char *) warnings;   /* damaged units that were skipped, in the arena */
    unsigned go_units, other_units;
    uint64_t types_sect_addr, types_sect_size; /* base of DW_AT_go_runtime_type offsets */
    const char *synthetic;        /* not from DWARF: what it was built from (dwx_build.h) */

    /* build-time only */
    VEC(type_refs) type_refs;
    VEC(uint64_t) field_type_off, global_type_off, func_origin_off;
    VEC(local_refs) local_refs;
    VEC(origin) origins;
    VEC(uint64_t) go_abbrev_offs; /* abbreviation tables of the Go units */
    VEC(unknown_unit) unknown_units;
    enum kind kind[DWC_MAX_DEPTH + 1];
    uint32_t cur_type;            /* type whose children are being visited */
    bool cur_func_cfa;            /* frame base of the current function is the CFA */
};

static const char *keep(dwx *d, const char *s, ghf_err *err)
{
    return s ? arena_strdup(&d->arena, s, err) : "";
}

static bool is_type_tag(uint32_t tag)
{
    switch (tag) {
    case DW_TAG_base_type: case DW_TAG_pointer_type: case DW_TAG_structure_type:
    case DW_TAG_array_type: case DW_TAG_typedef: case DW_TAG_subroutine_type:
    case DW_TAG_unspecified_type: case DW_TAG_union_type: case DW_TAG_enumeration_type:
    case DW_TAG_const_type: case DW_TAG_volatile_type:
        return true;
    default:
        return false;
    }
}

/* ---- location expressions to stack pieces -------------------------------- */

enum vkind { V_NONE, V_CFA, V_CONST, V_OTHER };
typedef struct val { enum vkind k; int64_t v; } val;

/* Evaluate one location entry and append a range per stack piece. */
static bool add_ranges(dwx *d, const dwc_die *die, const dwc_loc_entry *le, ghf_err *err)
{
    val st[8];
    unsigned sp = 0;
    uint32_t value_off = 0;
    bool pieces = false;
    for (uint32_t i = 0; i < le->nops; i++) {
        const dwc_op *op = &die->ops[le->first_op + i];
        uint8_t a = op->atom;
        val x = {V_OTHER, 0};
        if (a == DW_OP_piece) {
            pieces = true;
            if (sp == 1 && st[0].k == V_CFA && op->op1 <= UINT32_MAX) {
                dwx_loc_range r = {le->lo, le->hi, st[0].v, value_off, (uint32_t)op->op1};
                if (!VEC_PUSH(&d->ranges, r, err))
                    return false;
            }
            value_off += (uint32_t)op->op1;
            sp = 0;
            continue;
        }
        if (a == DW_OP_call_frame_cfa) {
            x = (val){V_CFA, 0};
        } else if (a == DW_OP_fbreg) {
            x = d->cur_func_cfa ? (val){V_CFA, (int64_t)op->op1} : (val){V_OTHER, 0};
        } else if (a == DW_OP_consts || a == DW_OP_constu ||
                   (a >= DW_OP_const1u && a <= DW_OP_const8s)) {
            x = (val){V_CONST, (int64_t)op->op1};
        } else if (a >= DW_OP_lit0 && a <= DW_OP_lit31) {
            x = (val){V_CONST, a - DW_OP_lit0};
        } else if (a == DW_OP_plus_uconst) {
            if (sp > 0 && st[sp - 1].k == V_CFA)
                st[sp - 1].v += (int64_t)op->op1;
            else if (sp > 0)
                st[sp - 1].k = V_OTHER;
            continue;
        } else if (a == DW_OP_plus || a == DW_OP_minus) {
            if (sp < 2) {
                sp = 0;
                x = (val){V_OTHER, 0};
            } else {
                val r = st[--sp], l = st[--sp];
                if (l.k == V_CFA && r.k == V_CONST)
                    x = (val){V_CFA, a == DW_OP_plus ? l.v + r.v : l.v - r.v};
                else if (a == DW_OP_plus && l.k == V_CONST && r.k == V_CFA)
                    x = (val){V_CFA, l.v + r.v};
                else if (l.k == V_CONST && r.k == V_CONST)
                    x = (val){V_CONST, a == DW_OP_plus ? l.v + r.v : l.v - r.v};
            }
        } else if (a == DW_OP_stack_value) {
            if (sp > 0)
                st[sp - 1].k = V_OTHER; /* the value itself, not its location */
            continue;
        }
        /* registers, addresses and anything else: not a stack location */
        if (sp == sizeof st / sizeof st[0])
            return true;
        st[sp++] = x;
    }
    if (!pieces && sp == 1 && st[0].k == V_CFA) {
        dwx_loc_range r = {le->lo, le->hi, st[0].v, 0, 0}; /* size = type size, set later */
        if (!VEC_PUSH(&d->ranges, r, err))
            return false;
    }
    return true;
}

/* ---- the visitor ------------------------------------------------------------ */

static bool add_type(dwx *d, const dwc_die *die, ghf_err *err)
{
    dwx_type t = {
        .name = keep(d, die->name, err),
        .tag = die->tag,
        .go_kind = die->go_kind,
        /* Go gives pointers no DW_AT_byte_size; only 64-bit targets are supported. */
        .size = die->has_byte_size ? die->byte_size : die->tag == DW_TAG_pointer_type ? 8 : 0,
        .runtime_type = die->has_go_runtime_type ? die->go_runtime_type : 0,
        .die_off = die->off,
        .go_dict_index = die->has_dict_index ? (int32_t)die->go_dict_index : -1,
        .first_field = (uint32_t)d->fields.n,
    };
    type_refs r = {die->type_off ? die->type_off : die->go_elem_off, die->go_elem_off, die->go_key_off};
    if (t.name == NULL)
        return false;
    if (d->types.n > 0 && die->off <= d->types.v[d->types.n - 1].die_off)
        return ghf_fail(err, GHF_EXIT_INPUT, "corrupt DWARF: type DIE offsets not increasing at 0x%llx",
                        (unsigned long long)die->off);
    if (!VEC_PUSH(&d->types, t, err) || !VEC_PUSH(&d->type_refs, r, err))
        return false;
    d->cur_type = (uint32_t)(d->types.n - 1);
    return true;
}

static bool add_local(dwx *d, const dwc_die *die, bool inlined, ghf_err *err)
{
    if (d->funcs.n == 0)
        return true;
    dwx_func *f = &d->funcs.v[d->funcs.n - 1];
    dwx_local l = {
        .name = die->name ? keep(d, die->name, err) : NULL,
        .is_param = die->tag == DW_TAG_formal_parameter,
        .inlined = inlined,
        .closure_offset = die->has_closure_offset && die->go_closure_offset < INT32_MAX
                              ? (int32_t)die->go_closure_offset : -1,
        .first_range = (uint32_t)d->ranges.n,
    };
    if (die->name && l.name == NULL)
        return false;
    if (die->location_decoded)
        for (size_t i = 0; i < die->nloc; i++)
            if (!add_ranges(d, die, &die->loc[i], err))
                return false;
    l.nranges = (uint32_t)(d->ranges.n - l.first_range);
    local_refs r = {die->type_off, die->origin_off};
    if (!VEC_PUSH(&d->locals, l, err) || !VEC_PUSH(&d->local_refs, r, err))
        return false;
    f->nlocals++;
    return true;
}

static bool add_origin(dwx *d, const dwc_die *die, ghf_err *err)
{
    if (die->name == NULL)
        return true;
    origin o = {die->off, keep(d, die->name, err), die->type_off};
    return o.name != NULL && VEC_PUSH(&d->origins, o, err);
}

static bool add_global(dwx *d, const dwc_die *die, ghf_err *err)
{
    /* A package-level variable: one DW_OP_addr. */
    if (!die->location_decoded || die->nloc != 1 || die->loc[0].nops != 1 ||
        die->ops[die->loc[0].first_op].atom != DW_OP_addr || die->name == NULL)
        return true;
    dwx_var v = {.name = keep(d, die->name, err), .addr = die->ops[die->loc[0].first_op].op1};
    return v.name != NULL && VEC_PUSH(&d->globals, v, err) &&
           VEC_PUSH(&d->global_type_off, die->type_off, err);
}

static bool is_go_producer(const char *producer)
{
    return producer != NULL && strncmp(producer, "Go cmd/compile", 14) == 0;
}

static bool warn(dwx *d, ghf_err *err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool warn(dwx *d, ghf_err *err, const char *fmt, ...)
{
    char buf[sizeof err->msg + 256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    const char *w = keep(d, buf, err);
    return w != NULL && VEC_PUSH(&d->warnings, w, err);
}

static bool warn_unit(dwx *d, const char *producer, const char *name, uint64_t off, const ghf_err *damage,
                      ghf_err *err)
{
    return warn(d, err, "skipped the compile unit at .debug_info offset 0x%llx (%s%s%s%s): %s; goheapflame reads "
                "only the Go compiler's units", (unsigned long long)off, name ? "\"" : "", name ? name : "",
                name ? "\", " : "",
                producer ? producer : "producer unreadable; not a Go unit: its abbreviation table is not the Go units'",
                damage->msg);
}

/* Damage inside a unit (dwc_damage_fn). A Go unit's is an error, as before;
 * a unit another compiler made (cgo's C) is only reported. A unit whose
 * producer cannot be read is judged after the walk by its abbreviation
 * table: the Go linker writes one table that all its units share. */
static bool unit_damaged(void *ctx, const dwc_unit *u, ghf_err *err)
{
    dwx *d = ctx;
    ghf_err damage = *err;
    *err = (ghf_err){0};
    if (is_go_producer(u->producer)) {
        *err = damage;
        return false;
    }
    if (u->producer == NULL) {
        unknown_unit uu = {u->abbrev_off, u->off, u->name ? keep(d, u->name, err) : NULL, u->unreached, damage};
        return (u->name == NULL || uu.name != NULL) && VEC_PUSH(&d->unknown_units, uu, err);
    }
    d->other_units++;
    return warn_unit(d, u->producer, u->name, u->off, &damage, err);
}

/* The units whose producer was unreadable: a Go unit's damage (its table is
 * the Go units' table, or no Go unit could be read at all) is an error. The
 * units libdwarf could not reach past a damaged one are summed up in one
 * warning. */
static bool judge_unknown_units(dwx *d, ghf_err *err)
{
    unsigned unreached = 0;
    for (size_t i = 0; i < d->unknown_units.n; i++) {
        const unknown_unit *u = &d->unknown_units.v[i];
        bool go = d->go_units == 0;
        for (size_t j = 0; j < d->go_abbrev_offs.n && !go; j++)
            go = d->go_abbrev_offs.v[j] == u->abbrev_off;
        if (go) {
            *err = u->damage;
            return false;
        }
        d->other_units++;
        if (u->unreached)
            unreached++;
        else if (!warn_unit(d, NULL, u->name, u->off, &u->damage, err))
            return false;
    }
    if (unreached > 0 && !warn(d, err, "skipped the %u compile unit%s after it, which libdwarf cannot read past it "
                               "(none is a Go unit: none uses the Go units' abbreviation table)",
                               unreached, unreached == 1 ? "" : "s"))
        return false;
    return true;
}

static bool visit(void *ctx, const dwc_die *die, unsigned depth, bool *descend, ghf_err *err)
{
    dwx *d = ctx;
    enum kind parent = depth > 0 ? d->kind[depth - 1] : K_OTHER;
    enum kind k = K_OTHER;
    *descend = false;

    if (depth == 0) {
        /* Only the Go compiler's units are indexed: a C unit (cgo) holds
         * nothing the tool uses. */
        if (!is_go_producer(die->producer)) {
            d->other_units++;
            d->kind[0] = K_OTHER;
            return true;
        }
        d->go_units++;
        if (die->cu_version > d->dwarf_version)
            d->dwarf_version = die->cu_version;
        if (d->producer == NULL && !(d->producer = keep(d, die->producer, err)))
            return false;
        if ((d->go_abbrev_offs.n == 0 || d->go_abbrev_offs.v[d->go_abbrev_offs.n - 1] != die->cu_abbrev_off) &&
            !VEC_PUSH(&d->go_abbrev_offs, die->cu_abbrev_off, err))
            return false;
        k = K_CU;
    } else if (parent == K_CU) {
        if (is_type_tag(die->tag)) {
            if (!add_type(d, die, err))
                return false;
            k = K_TYPE;
        } else if (die->tag == DW_TAG_variable) {
            if (!add_global(d, die, err))
                return false;
        } else if (die->tag == DW_TAG_constant) {
            if (die->has_const && die->name) {
                dwx_const_entry c = {keep(d, die->name, err), die->const_value};
                if (c.name == NULL || !VEC_PUSH(&d->consts, c, err))
                    return false;
            }
        } else if (die->tag == DW_TAG_subprogram) {
            if (!add_origin(d, die, err))
                return false;
            if (die->has_pc && !die->is_abstract) {
                dwx_func f = {.name = die->name ? keep(d, die->name, err) : NULL,
                              .lowpc = die->lowpc, .highpc = die->highpc,
                              .first_local = (uint32_t)d->locals.n};
                if ((die->name && f.name == NULL) || !VEC_PUSH(&d->funcs, f, err) ||
                    !VEC_PUSH(&d->func_origin_off, die->origin_off, err))
                    return false;
                d->cur_func_cfa = die->frame_base_is_cfa;
                k = K_FUNC;
            } else {
                k = K_ABSTRACT;
            }
        }
    } else if (parent == K_TYPE) {
        dwx_type *t = &d->types.v[d->cur_type];
        if (die->tag == DW_TAG_member && t->tag == DW_TAG_structure_type) {
            dwx_field f = {.name = keep(d, die->name, err), .offset = die->member_off,
                           .embedded = die->go_embedded};
            if (f.name == NULL || !VEC_PUSH(&d->fields, f, err) ||
                !VEC_PUSH(&d->field_type_off, die->type_off, err))
                return false;
            t->nfields++;
        } else if (die->tag == DW_TAG_subrange_type && die->has_count) {
            t->count = die->count;
        }
    } else if ((parent == K_FUNC || parent == K_BLOCK || parent == K_INLINED || parent == K_ABSTRACT) &&
               is_type_tag(die->tag)) {
        /* Generic functions declare their dictionary-typed parameters' types
         * (".paramN" typedefs with DW_AT_go_dict_index) inside themselves. */
        if (!add_type(d, die, err))
            return false;
        k = K_TYPE;
    } else if (parent == K_FUNC || parent == K_BLOCK || parent == K_INLINED) {
        bool inl = parent == K_INLINED;
        if (die->tag == DW_TAG_formal_parameter || die->tag == DW_TAG_variable) {
            if (!add_local(d, die, inl, err))
                return false;
        } else if (die->tag == DW_TAG_lexical_block) {
            k = inl ? K_INLINED : K_BLOCK;
        } else if (die->tag == DW_TAG_inlined_subroutine) {
            k = K_INLINED;
        }
    } else if (parent == K_ABSTRACT) {
        if (die->tag == DW_TAG_formal_parameter || die->tag == DW_TAG_variable) {
            if (!add_origin(d, die, err))
                return false;
        } else if (die->tag == DW_TAG_lexical_block) {
            k = K_ABSTRACT;
        }
    }
    d->kind[depth] = k;
    *descend = k != K_OTHER;
    return true;
}

/* ---- finishing: resolve references, sort, hash ------------------------------ */

dwx_type_id dwx_type_by_offset(const dwx *d, uint64_t off)
{
    size_t lo = 1, hi = d->types.n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->types.v[mid].die_off < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < d->types.n && d->types.v[lo].die_off == off ? (dwx_type_id)lo : 0;
}

static const origin *find_origin(const dwx *d, uint64_t off)
{
    size_t lo = 0, hi = d->origins.n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->origins.v[mid].off < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < d->origins.n && d->origins.v[lo].off == off ? &d->origins.v[lo] : NULL;
}

static uint64_t type_size(const dwx *d, dwx_type_id id)
{
    const dwx_type *t = dwx_type_get(d, dwx_resolve(d, id));
    return t ? t->size : 0;
}

static int cmp_func(const void *a, const void *b)
{
    const dwx_func *x = a, *y = b;
    return x->lowpc < y->lowpc ? -1 : x->lowpc > y->lowpc;
}

static int cmp_var(const void *a, const void *b)
{
    const dwx_var *x = a, *y = b;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

typedef const char *(*name_fn)(const dwx *d, size_t i);
static const char *type_name(const dwx *d, size_t i) { return d->types.v[i].name; }
static const char *global_name(const dwx *d, size_t i) { return d->globals.v[i].name; }
static const char *const_name(const dwx *d, size_t i) { return d->consts.v[i].name; }
static const char *func_name(const dwx *d, size_t i) { return d->funcs.v[i].name; }

static bool ht_build_names(const dwx *d, htab *t, size_t first, size_t n, name_fn name,
                           bool prefer_non_typedef, ghf_err *err)
{
    if (!ht_init(t, n, err))
        return false;
    for (size_t i = first; i < n; i++) {
        const char *s = name(d, i);
        if (s[0] == '\0')
            continue;
        for (size_t h = hash_str(s);; h++) {
            uint32_t *slot = &t->slot[h & t->mask];
            if (*slot == 0) {
                *slot = (uint32_t)i + 1;
                break;
            }
            if (strcmp(name(d, *slot - 1), s) == 0) {
                if (prefer_non_typedef && d->types.v[*slot - 1].tag == DW_TAG_typedef &&
                    d->types.v[i].tag != DW_TAG_typedef)
                    *slot = (uint32_t)i + 1;
                break; /* otherwise the first one wins */
            }
        }
    }
    return true;
}

static size_t ht_find_name(const dwx *d, const htab *t, name_fn name, const char *s)
{
    if (t->slot == NULL || s == NULL)
        return SIZE_MAX;
    for (size_t h = hash_str(s);; h++) {
        uint32_t v = t->slot[h & t->mask];
        if (v == 0)
            return SIZE_MAX;
        if (strcmp(name(d, v - 1), s) == 0)
            return v - 1;
    }
}

static bool finish(dwx *d, ghf_err *err)
{
    /* Types: references and runtime type addresses. */
    for (size_t i = 1; i < d->types.n; i++) {
        dwx_type *t = &d->types.v[i];
        const type_refs *r = &d->type_refs.v[i];
        t->elem = r->elem ? dwx_type_by_offset(d, r->elem) : 0;
        t->go_elem = r->go_elem ? dwx_type_by_offset(d, r->go_elem) : 0;
        t->key = r->key ? dwx_type_by_offset(d, r->key) : 0;
        /* DW_AT_go_runtime_type is an offset into the types' section, except
         * in old linkers for a few builtins that store the absolute address. */
        uint64_t rt = t->runtime_type;
        if (rt != 0 && !(rt >= d->types_sect_addr && rt < d->types_sect_addr + d->types_sect_size))
            t->runtime_type = rt + d->types_sect_addr;
    }
    for (size_t i = 0; i < d->fields.n; i++)
        d->fields.v[i].type = dwx_type_by_offset(d, d->field_type_off.v[i]);
    for (size_t i = 0; i < d->globals.n; i++) {
        d->globals.v[i].type = dwx_type_by_offset(d, d->global_type_off.v[i]);
        if (d->globals.v[i].type != 0) /* untyped (symbol table) globals keep their symbol's size */
            d->globals.v[i].size = type_size(d, d->globals.v[i].type);
    }
    /* Functions and locals: names and types through abstract origins. */
    for (size_t i = 0; i < d->funcs.n; i++) {
        dwx_func *f = &d->funcs.v[i];
        if (f->name == NULL) {
            const origin *o = find_origin(d, d->func_origin_off.v[i]);
            f->name = o ? o->name : "";
        }
    }
    for (size_t i = 0; i < d->locals.n; i++) {
        dwx_local *l = &d->locals.v[i];
        uint64_t toff = d->local_refs.v[i].type_off;
        const origin *o = d->local_refs.v[i].origin_off ? find_origin(d, d->local_refs.v[i].origin_off) : NULL;
        if (l->name == NULL)
            l->name = o ? o->name : "";
        if (toff == 0 && o)
            toff = o->type_off;
        l->type = dwx_type_by_offset(d, toff);
        uint64_t sz = type_size(d, l->type);
        for (uint32_t j = 0; j < l->nranges; j++) {
            dwx_loc_range *r = &d->ranges.v[l->first_range + j];
            if (r->size == 0 && sz <= UINT32_MAX)
                r->size = (uint32_t)sz;
        }
    }
    /* an index without DWARF has no functions (qsort wants a non-NULL base) */
    if (d->funcs.n)
        qsort(d->funcs.v, d->funcs.n, sizeof *d->funcs.v, cmp_func);
    if (d->globals.n)
        qsort(d->globals.v, d->globals.n, sizeof *d->globals.v, cmp_var);

    if (!ht_build_names(d, &d->type_by_name, 1, d->types.n, type_name, true, err) ||
        !ht_build_names(d, &d->global_by_name, 0, d->globals.n, global_name, false, err) ||
        !ht_build_names(d, &d->const_by_name, 0, d->consts.n, const_name, false, err) ||
        !ht_build_names(d, &d->func_by_name, 0, d->funcs.n, func_name, false, err) ||
        !ht_init(&d->type_by_rt, d->types.n, err))
        return false;
    for (size_t i = 1; i < d->types.n; i++) {
        uint64_t rt = d->types.v[i].runtime_type;
        if (rt == 0)
            continue;
        for (size_t h = hash_u64(rt);; h++) {
            uint32_t *slot = &d->type_by_rt.slot[h & d->type_by_rt.mask];
            if (*slot == 0)
                *slot = (uint32_t)i + 1;
            if (d->types.v[*slot - 1].runtime_type == rt)
                break;
        }
    }
    VEC_FREE(&d->type_refs);
    VEC_FREE(&d->field_type_off);
    VEC_FREE(&d->global_type_off);
    VEC_FREE(&d->func_origin_off);
    VEC_FREE(&d->local_refs);
    VEC_FREE(&d->origins);
    VEC_FREE(&d->go_abbrev_offs);
    VEC_FREE(&d->unknown_units);
    return true;
}

/* ---- ELF checks with libelf --------------------------------------------------- */

/* Not ELF: input error. No .debug_info: unsupported (stripped). Also finds the
 * section the type descriptors live in (.go.type from Go 1.26, .rodata before). */
static bool check_elf(const char *path, dwx *d, ghf_err *err)
{
    if (elf_version(EV_CURRENT) == EV_NONE)
        return ghf_fail(err, GHF_EXIT_INTERNAL, "libelf: %s", elf_errmsg(-1));
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ghf_fail(err, GHF_EXIT_INPUT, "cannot open %s", path);
    Elf *e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
    bool ok = false, has_info = false;
    size_t shstrndx;
    uint64_t rodata = 0, rodata_size = 0, gotype = 0, gotype_size = 0;
    if (e == NULL || elf_kind(e) != ELF_K_ELF) {
        ghf_fail(err, GHF_EXIT_INPUT, "%s is not an ELF file", path);
        goto out;
    }
    if (elf_getshdrstrndx(e, &shstrndx) != 0) {
        ghf_fail(err, GHF_EXIT_INPUT, "%s: corrupt ELF section headers: %s", path, elf_errmsg(-1));
        goto out;
    }
    for (Elf_Scn *s = NULL; (s = elf_nextscn(e, s)) != NULL;) {
        GElf_Shdr sh;
        if (gelf_getshdr(s, &sh) == NULL)
            continue;
        const char *name = elf_strptr(e, shstrndx, sh.sh_name);
        if (name == NULL)
            continue;
        if ((strcmp(name, ".debug_info") == 0 || strcmp(name, ".zdebug_info") == 0) &&
            sh.sh_type != SHT_NOBITS && sh.sh_size > 0)
            has_info = true;
        else if (strcmp(name, ".rodata") == 0)
            rodata = sh.sh_addr, rodata_size = sh.sh_size;
        else if (strcmp(name, ".go.type") == 0)
            gotype = sh.sh_addr, gotype_size = sh.sh_size;
    }
    if (!has_info) {
        ghf_fail(err, GHF_EXIT_UNSUPPORTED,
                 "%s has no DWARF (built with -ldflags=-w, or stripped); goheapflame needs the executable's DWARF", path);
        goto out;
    }
    d->types_sect_addr = gotype ? gotype : rodata;
    d->types_sect_size = gotype ? gotype_size : rodata_size;
    ok = true;
out:
    if (e)
        elf_end(e);
    close(fd);
    return ok;
}

/* ---- public API ------------------------------------------------------------------ */

bool dwx_open(const char *exe_path, dwx **out, ghf_err *err)
{
    *out = NULL;
    dwx *d = ghf_xcalloc(1, sizeof *d, err);
    if (d == NULL)
        return false;
    dwc *c = NULL;
    dwx_type none = {.name = ""};
    bool ok = check_elf(exe_path, d, err) && VEC_PUSH(&d->types, none, err) &&
              VEC_PUSH(&d->type_refs, (type_refs){0}, err) && dwc_open(exe_path, &c, err) &&
              dwc_walk(c, visit, unit_damaged, d, err) && judge_unknown_units(d, err);
    dwc_close(c);
    if (ok && d->types.n <= 1 && d->funcs.n == 0)
        ok = ghf_fail(err, GHF_EXIT_UNSUPPORTED, "%s has no usable DWARF (no types or functions)", exe_path);
    if (ok)
        ok = finish(d, err);
    if (!ok) {
        dwx_close(d);
        return false;
    }
    if (d->producer == NULL)
        d->producer = "";
    *out = d;
    return true;
}

/* ---- building from another source (dwx_build.h) ------------------------------- */

dwx *dwx_build_new(ghf_err *err)
{
    dwx *d = ghf_xcalloc(1, sizeof *d, err);
    dwx_type none = {.name = ""};
    if (d != NULL && (!VEC_PUSH(&d->types, none, err) || !VEC_PUSH(&d->type_refs, (type_refs){0}, err))) {
        dwx_close(d);
        return NULL;
    }
    return d;
}

dwx_type_id dwx_build_type(dwx *d, const char *name, uint32_t tag, uint32_t go_kind, uint64_t size, ghf_err *err)
{
    dwx_type t = {.name = keep(d, name, err), .tag = tag, .go_kind = go_kind, .size = size,
                  .die_off = d->types.n, .go_dict_index = -1, .first_field = (uint32_t)d->fields.n};
    if (t.name == NULL || !VEC_PUSH(&d->types, t, err) || !VEC_PUSH(&d->type_refs, (type_refs){0}, err))
        return 0;
    return (dwx_type_id)(d->types.n - 1);
}

bool dwx_build_field(dwx *d, dwx_type_id st, const char *name, uint64_t offset, dwx_type_id type, ghf_err *err)
{
    dwx_type *t = &d->types.v[st];
    if (t->first_field + t->nfields != d->fields.n)
        return ghf_fail(err, GHF_EXIT_INTERNAL, "dwx_build_field: fields of %s not contiguous", t->name);
    dwx_field f = {.name = keep(d, name, err), .offset = offset};
    if (f.name == NULL || !VEC_PUSH(&d->fields, f, err) ||
        !VEC_PUSH(&d->field_type_off, d->types.v[type].die_off, err))
        return false;
    t->nfields++;
    return true;
}

bool dwx_build_const(dwx *d, const char *name, int64_t value, ghf_err *err)
{
    dwx_const_entry c = {keep(d, name, err), value};
    return c.name != NULL && VEC_PUSH(&d->consts, c, err);
}

bool dwx_build_global(dwx *d, const char *name, uint64_t addr, uint64_t size, ghf_err *err)
{
    dwx_var v = {.name = keep(d, name, err), .addr = addr, .size = size};
    return v.name != NULL && VEC_PUSH(&d->globals, v, err) && VEC_PUSH(&d->global_type_off, 0, err);
}

bool dwx_build_finish(dwx *d, const char *what, ghf_err *err)
{
    d->producer = "";
    if ((d->synthetic = keep(d, what, err)) == NULL || !finish(d, err)) {
        dwx_close(d);
        return false;
    }
    return true;
}

const char *dwx_synthetic(const dwx *d) { return d->synthetic; }

void dwx_close(dwx *d)
{
    if (d == NULL)
        return;
    VEC_FREE(&d->types);
    VEC_FREE(&d->fields);
    VEC_FREE(&d->globals);
    VEC_FREE(&d->consts);
    VEC_FREE(&d->funcs);
    VEC_FREE(&d->locals);
    VEC_FREE(&d->ranges);
    VEC_FREE(&d->type_refs);
    VEC_FREE(&d->field_type_off);
    VEC_FREE(&d->global_type_off);
    VEC_FREE(&d->func_origin_off);
    VEC_FREE(&d->local_refs);
    VEC_FREE(&d->origins);
    VEC_FREE(&d->go_abbrev_offs);
    VEC_FREE(&d->unknown_units);
    VEC_FREE(&d->warnings);
    free(d->type_by_name.slot);
    free(d->type_by_rt.slot);
    free(d->global_by_name.slot);
    free(d->const_by_name.slot);
    free(d->func_by_name.slot);
    for (arena_block *b = d->arena, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(d);
}

unsigned dwx_dwarf_version(const dwx *d) { return d->dwarf_version; }
unsigned dwx_other_units(const dwx *d) { return d->other_units; }
size_t dwx_warning_count(const dwx *d) { return d->warnings.n; }
const char *dwx_warning(const dwx *d, size_t i) { return i < d->warnings.n ? d->warnings.v[i] : NULL; }
const char *dwx_producer(const dwx *d) { return d->producer; }
size_t dwx_type_count(const dwx *d) { return d->types.n - 1; }

dwx_type_id dwx_type_by_name(const dwx *d, const char *name)
{
    size_t i = ht_find_name(d, &d->type_by_name, type_name, name);
    return i == SIZE_MAX ? 0 : (dwx_type_id)i;
}

dwx_type_id dwx_type_by_runtime_type(const dwx *d, uint64_t link_addr)
{
    if (link_addr == 0 || d->type_by_rt.slot == NULL)
        return 0;
    for (size_t h = hash_u64(link_addr);; h++) {
        uint32_t v = d->type_by_rt.slot[h & d->type_by_rt.mask];
        if (v == 0)
            return 0;
        if (d->types.v[v - 1].runtime_type == link_addr)
            return v - 1;
    }
}

const dwx_type *dwx_type_get(const dwx *d, dwx_type_id id)
{
    return id == 0 || id >= d->types.n ? NULL : &d->types.v[id];
}

dwx_type_id dwx_resolve(const dwx *d, dwx_type_id id)
{
    /* Bounded: a typedef cycle in corrupt input must not hang us. */
    for (int n = 0; n < 64; n++) {
        const dwx_type *t = dwx_type_get(d, id);
        if (t == NULL || t->tag != DW_TAG_typedef || t->elem == 0)
            return id;
        id = t->elem;
    }
    return id;
}

const dwx_field *dwx_fields(const dwx *d) { return d->fields.v; }

bool dwx_pointer_at(const dwx *d, dwx_type_id type, uint64_t off, dwx_type_id *pointee)
{
    if (pointee != NULL)
        *pointee = 0;
    for (int depth = 0; depth < 32; depth++) { /* bounded: corrupt DWARF may nest anything */
        const dwx_type *t = dwx_type_get(d, dwx_resolve(d, type));
        if (t == NULL)
            return false;
        uint32_t kind = t->go_kind & 0x1f;
        if (t->tag == DW_TAG_pointer_type || kind == 18 /* chan */ || kind == 19 /* func */ ||
            kind == 21 /* map */ || kind == 22 /* ptr */ || kind == 26 /* unsafe.Pointer */) {
            if (off != 0)
                return false;
            if (pointee != NULL && t->tag == DW_TAG_pointer_type && kind != 26)
                *pointee = t->elem;
            return true;
        }
        if (t->tag == DW_TAG_array_type) {
            const dwx_type *et = dwx_type_get(d, dwx_resolve(d, t->elem));
            if (et == NULL || et->size == 0 || off >= t->size)
                return false;
            off %= et->size;
            type = t->elem;
            continue;
        }
        if (t->tag != DW_TAG_structure_type)
            return false;
        const dwx_field *pick = NULL;
        for (uint32_t i = 0; i < t->nfields; i++) {
            const dwx_field *f = &d->fields.v[t->first_field + i];
            const dwx_type *ft = dwx_type_get(d, dwx_resolve(d, f->type));
            if (ft != NULL && f->offset <= off && off - f->offset < ft->size)
                pick = f;
        }
        if (pick == NULL)
            return false;
        off -= pick->offset;
        type = pick->type;
    }
    return false;
}

const dwx_field *dwx_field_by_name(const dwx *d, dwx_type_id struct_type, const char *name)
{
    const dwx_type *t = dwx_type_get(d, dwx_resolve(d, struct_type));
    if (t == NULL || name == NULL)
        return NULL;
    for (uint32_t i = 0; i < t->nfields; i++)
        if (strcmp(d->fields.v[t->first_field + i].name, name) == 0)
            return &d->fields.v[t->first_field + i];
    return NULL;
}

bool dwx_const(const dwx *d, const char *name, int64_t *value)
{
    size_t i = ht_find_name(d, &d->const_by_name, const_name, name);
    if (i == SIZE_MAX)
        return false;
    *value = d->consts.v[i].value;
    return true;
}

size_t dwx_global_count(const dwx *d) { return d->globals.n; }
const dwx_var *dwx_globals(const dwx *d) { return d->globals.v; }

const dwx_var *dwx_global_by_name(const dwx *d, const char *name)
{
    size_t i = ht_find_name(d, &d->global_by_name, global_name, name);
    return i == SIZE_MAX ? NULL : &d->globals.v[i];
}

const dwx_var *dwx_global_at(const dwx *d, uint64_t a)
{
    size_t lo = 0, hi = d->globals.n; /* first global with addr > a */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->globals.v[mid].addr <= a)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    const dwx_var *v = &d->globals.v[lo - 1];
    uint64_t size = v->size ? v->size : 1;
    return a - v->addr < size ? v : NULL;
}

size_t dwx_func_count(const dwx *d) { return d->funcs.n; }
const dwx_func *dwx_funcs(const dwx *d) { return d->funcs.v; }

const dwx_func *dwx_func_at(const dwx *d, uint64_t pc)
{
    size_t lo = 0, hi = d->funcs.n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->funcs.v[mid].lowpc <= pc)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    const dwx_func *f = &d->funcs.v[lo - 1];
    return pc < f->highpc ? f : NULL;
}

const dwx_func *dwx_func_by_name(const dwx *d, const char *name)
{
    size_t i = ht_find_name(d, &d->func_by_name, func_name, name);
    return i == SIZE_MAX ? NULL : &d->funcs.v[i];
}

const dwx_local *dwx_locals(const dwx *d) { return d->locals.v; }
size_t dwx_local_count(const dwx *d) { return d->locals.n; }
const dwx_loc_range *dwx_loc_ranges(const dwx *d) { return d->ranges.v; }

const dwx_local *dwx_local_at(const dwx *d, const dwx_func *f, uint64_t pc, int64_t cfa_offset,
                              uint64_t *value_offset)
{
    if (f == NULL)
        return NULL;
    /* Go 1.27 also emits the parts of a split variable as variables of their
     * own ("keep.ptr" beside "keep"): the whole variable is the better name,
     * so a dotted part only wins when nothing else covers the slot. */
    const dwx_local *best = NULL;
    uint64_t best_off = 0;
    for (uint32_t i = 0; i < f->nlocals; i++) {
        const dwx_local *l = &d->locals.v[f->first_local + i];
        for (uint32_t j = 0; j < l->nranges; j++) {
            const dwx_loc_range *r = &d->ranges.v[l->first_range + j];
            if (pc < r->lo || pc >= r->hi || cfa_offset < r->cfa_offset)
                continue;
            uint64_t delta = (uint64_t)(cfa_offset - r->cfa_offset);
            if (delta < (r->size ? r->size : 1)) {
                if (best == NULL || (strchr(best->name, '.') && !strchr(l->name, '.'))) {
                    best = l;
                    best_off = r->value_offset + delta;
                }
                break;
            }
        }
        if (best != NULL && !strchr(best->name, '.'))
            break;
    }
    if (best != NULL && value_offset)
        *value_offset = best_off;
    return best;
}
