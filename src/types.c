/* types.c — infer a type name for every heap object (see types.h). */
#include "types.h"

#include <dwarf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heap_types.h"

#define NO_LABEL UINT32_MAX
#define FREE_SLOT (UINT32_MAX - 1) /* a slot with no object: never labelled */
#define MAX_DEPTH 24

enum { K_ARRAY = 17, K_CHAN = 18, K_FUNC = 19, K_IFACE = 20, K_MAP = 21, K_PTR = 22,
       K_SLICE = 23, K_STRING = 24, K_STRUCT = 25, K_UNSAFEPTR = 26 };

typedef struct work {
    uint32_t slot;
    dwx_type_id type;
    uint64_t addr;     /* where the typed value starts (object base + offset) */
    uint64_t count;    /* consecutive values */
} work;

/* A value's walk, flattened: the pointer-ish leaves of a type in the order
 * walk_value visits them, with their offset and nesting depth, so plain
 * structs, arrays and scalars are not re-walked through DWARF per value. */
enum { L_CALL, L_PTR, L_STRING, L_SLICE };
typedef struct leaf {
    uint64_t off;
    dwx_type_id type;      /* the leaf's type as walk_value would see it */
    dwx_type_id elem;      /* L_PTR: pointee; L_SLICE: element */
    uint32_t array_off, cap_off; /* L_SLICE: offsets of array and cap in the slice */
    uint8_t kind;
    uint8_t depth;         /* nesting below the planned type */
} leaf;
#define PLAN_NONE UINT32_MAX  /* too many leaves: walk the slow way */
#define PLAN_MAX_LEAVES 4096
typedef struct plan { uint32_t first, n; } plan;

typedef struct inferer {
    heap *h;
    const go_runtime *rt;
    const dwx *dw;
    obj_types *out;
    /* labels per heap slot while inferring (heap_find_slot needs no
     * slot_obj look-up): NO_LABEL, FREE_SLOT or a label id */
    uint32_t *slab;
    VEC(work) queue;
    ghf_err *err;
    rt_field t_str, t_tflag, t_kind, t_size;
    uint64_t types_base;
    rt_field hchan_buf, hchan_qcount, hchan_dataqsiz, hchan_elemtype;
    /* per DWARF type id: plan index + 1 (0 = not built yet) */
    VEC(uint32_t) plan_of;
    VEC(plan) plans;
    VEC(leaf) leaves;
    /* per DWARF type id: label id + 1 of pretty_label(name, plural) */
    VEC(uint32_t) label_of[2];
    uint32_t string_label; /* id + 1 of "string", 0 until first used */
    size_t plan_start;     /* first leaf of the plan being built */
} inferer;

/* ---- names ---- */

static bool read_name(const go_runtime *rt, uint64_t addr, char *buf, size_t cap)
{
    /* runtime/type.go name: flags byte, uvarint length, bytes */
    uint8_t b[10];
    if (!core_read(rt->core, addr, b, 1))
        return false;
    uint64_t len = 0;
    int shift = 0, i = 1;
    for (; i < 10; i++) {
        if (!core_read_u8(rt->core, addr + i, &b[i]))
            return false;
        len |= (uint64_t)(b[i] & 0x7f) << shift;
        shift += 7;
        if (!(b[i] & 0x80))
            break;
    }
    if (len >= cap)
        len = cap - 1;
    if (!core_read(rt->core, addr + i + 1, buf, len))
        return false;
    buf[len] = '\0';
    return true;
}

bool rtype_name(const go_runtime *rt, uint64_t t, char *buf, size_t cap)
{
    const dwx *dw = rt->dw;
    bool new_abi = rt->minor >= 21;
    rt_field f_str = rt_field_lookup(dw, new_abi ? "internal/abi.Type" : "runtime._type", new_abi ? "Str" : "str");
    rt_field f_tflag = rt_field_lookup(dw, new_abi ? "internal/abi.Type" : "runtime._type", new_abi ? "TFlag" : "tflag");
    uint64_t str, tflag = 0, types;
    if (!rt_read_field(rt, t, f_str, &str) || !rt_read_field(rt, rt->firstmoduledata, rt->md.types, &types))
        return false;
    rt_read_field(rt, t, f_tflag, &tflag);
    if (!read_name(rt, types + (uint64_t)(int64_t)(int32_t)str, buf, cap))
        return false;
    if ((tflag & 2 /* TFlagExtraStar */) && buf[0] == '*')
        memmove(buf, buf + 1, strlen(buf));
    return buf[0] != '\0';
}

static bool intern(inferer *in, const char *s, uint32_t *id)
{
    return strtab_intern(&in->out->names, s, strlen(s), id, in->err);
}

/* ---- labels ---- */

/* Split "K,V" at its top-level comma (types nest <>, [], {}, ()). */
static size_t top_comma(const char *s, size_t n)
{
    int depth = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '<' || c == '[' || c == '{' || c == '(')
            depth++;
        else if (c == '>' || c == ']' || c == '}' || c == ')')
            depth--;
        else if (c == ',' && depth == 0)
            return i;
    }
    return n;
}

/* Name an object the way a Go programmer would: the runtime's synthesized
 * map and channel types become "map[K]V (buckets)", "chan T"; `plural` marks
 * an object holding several values ("[]T"). */
static void pretty_label(const char *raw, bool plural, char *out, size_t cap)
{
    static const struct { const char *prefix, *suffix; } maps[] = {
        {"map<", ""}, {"hash<", ""}, {"table<", " (table)"}, {"*table<", " (directory)"},
        {"bucket<", " (buckets)"}, {"groupReference<", " (groups)"},
    };
    for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++) {
        size_t pl = strlen(maps[i].prefix), n = strlen(raw);
        if (strncmp(raw, maps[i].prefix, pl) == 0 && n > pl && raw[n - 1] == '>') {
            const char *kv = raw + pl;
            size_t kvn = n - pl - 1, c = top_comma(kv, kvn);
            if (c < kvn) {
                snprintf(out, cap, "map[%.*s]%.*s%s", (int)c, kv, (int)(kvn - c - 1), kv + c + 1, maps[i].suffix);
                return;
            }
        }
    }
    if (strncmp(raw, "noalg.map.group[", 16) == 0) {
        snprintf(out, cap, "map%s (groups)", raw + 15);
        return;
    }
    size_t n = strlen(raw);
    if (strncmp(raw, "hchan<", 6) == 0 && n > 7 && raw[n - 1] == '>') {
        snprintf(out, cap, "chan %.*s", (int)(n - 7), raw + 6);
        return;
    }
    snprintf(out, cap, plural ? "[]%s" : "%s", raw[0] ? raw : "?");
}

/* ---- assigning ---- */

static const dwx_type *resolved(const inferer *in, dwx_type_id id)
{
    return dwx_type_get(in->dw, dwx_resolve(in->dw, id));
}

static uint32_t go_kind(const dwx_type *t)
{
    if (t == NULL)
        return 0;
    if (t->go_kind)
        return t->go_kind & 0x1f;
    if (t->tag == DW_TAG_pointer_type)
        return K_PTR;
    if (t->tag == DW_TAG_array_type)
        return K_ARRAY;
    if (t->tag == DW_TAG_structure_type)
        return K_STRUCT;
    if (t->tag == DW_TAG_subroutine_type)
        return K_FUNC;
    return 0;
}

/* Is there an object in this slot (HEAP_NONE: none) still without a label? */
static bool unlabelled(const inferer *in, uint32_t slot)
{
    return slot != HEAP_NONE && in->slab[slot] == NO_LABEL;
}

/* Give the object in slot (at base) the label and, if it has a DWARF type,
 * queue its contents at base + offset. */
/* For --fields: the DWARF type of the slot's values and where they start. */
static void note_dtype(inferer *in, uint32_t slot, dwx_type_id type, uint64_t offset)
{
    if (in->out->dtype != NULL) {
        in->out->dtype[slot] = type;
        in->out->dtype_off[slot] = (uint8_t)(offset < 255 ? offset : 255);
    }
}

static bool assign(inferer *in, uint32_t slot, uint64_t base, const char *label, dwx_type_id type, uint64_t offset,
                   uint64_t count)
{
    if (!unlabelled(in, slot))
        return true;
    uint32_t id;
    if (!intern(in, label, &id))
        return false;
    in->slab[slot] = id;
    if (type == 0)
        return true;
    note_dtype(in, slot, type, offset);
    work w = {slot, type, base + offset, count};
    return VEC_PUSH(&in->queue, w, in->err);
}

/* The slot holding p, with its object's base and where its user data starts
 * (after the malloc header if any). */
static uint32_t find_slot(const inferer *in, uint64_t p, uint64_t *base, uint64_t *user)
{
    uint64_t size, user_off;
    uint32_t slot = heap_find_slot(in->h, p, base, &size, &user_off);
    *user = *base + user_off;
    return slot;
}

/* Grow a per-type-id cache to cover id (new entries 0 = unknown). */
static bool cache_cover(inferer *in, void *vec_, dwx_type_id id)
{
    VEC(uint32_t) *v = vec_;
    if (id < v->n)
        return true;
    if (!VEC_RESERVE(v, (size_t)id + 1, in->err))
        return false;
    memset(v->v + v->n, 0, ((size_t)id + 1 - v->n) * sizeof *v->v);
    v->n = (size_t)id + 1;
    return true;
}

/* Give object obj (at base) the interned label id and, if it has a DWARF
 * type, queue its contents at base + offset. */
static bool assign_id(inferer *in, uint32_t slot, uint64_t base, uint32_t id, dwx_type_id type, uint64_t offset,
                      uint64_t count)
{
    if (!unlabelled(in, slot))
        return true;
    in->slab[slot] = id;
    if (type == 0)
        return true;
    note_dtype(in, slot, type, offset);
    work w = {slot, type, base + offset, count};
    /* its words are read soon (the queue is LIFO): start the cache miss now */
    const uint8_t *v = core_view(in->rt->core, w.addr, 8);
    if (v != NULL)
        __builtin_prefetch(v);
    return VEC_PUSH(&in->queue, w, in->err);
}

/* A pointer to a value of DWARF type elem: type its target object. */
static bool typed_pointer(inferer *in, uint64_t p, dwx_type_id elem, uint64_t count, bool slice)
{
    if (p == 0 || elem == 0)
        return true;
    uint64_t base, size, user_off;
    uint32_t slot = heap_find_slot(in->h, p, &base, &size, &user_off);
    if (!unlabelled(in, slot))
        return true;
    const dwx_type *et = dwx_type_get(in->dw, elem);
    uint64_t ub = base + user_off; /* user_base(), without re-reading the span */
    if (p != ub || et == NULL)
        return true; /* interior pointer: the object's own type is still unknown */
    const dwx_type *rt = resolved(in, elem);
    uint64_t esize = rt ? rt->size : 0;
    uint64_t room = base + size - ub;
    if (esize && count > room / esize) /* not count * esize: a hostile count wraps it */
        count = room / esize;
    /* the label depends only on (elem, slice): format and intern it once */
    if (!cache_cover(in, &in->label_of[slice], elem))
        return false;
    uint32_t *cached = &in->label_of[slice].v[elem];
    if (*cached == 0) {
        char label[512];
        uint32_t id;
        pretty_label(et->name, slice, label, sizeof label);
        if (!intern(in, label, &id))
            return false;
        *cached = id + 1;
    }
    return assign_id(in, slot, base, *cached - 1, elem, ub - base, count ? count : 1);
}

static dwx_type_id field_type(const inferer *in, const dwx_type *t, const char *name, uint64_t *off)
{
    for (uint32_t i = 0; i < t->nfields; i++) {
        const dwx_field *f = &dwx_fields(in->dw)[t->first_field + i];
        if (strcmp(f->name, name) == 0) {
            *off = f->offset;
            return f->type;
        }
    }
    return 0;
}

static bool walk_value(inferer *in, uint64_t addr, dwx_type_id type, int depth);

static bool walk_interface(inferer *in, uint64_t addr, const dwx_type *t)
{
    uint64_t tw, data, off;
    bool eface = field_type(in, t, "_type", &off) != 0;
    if (!core_read_u64(in->rt->core, addr, &tw) || !core_read_u64(in->rt->core, addr + 8, &data) ||
        tw == 0 || data == 0)
        return true;
    if (!eface && !core_read_u64(in->rt->core, tw + 8, &tw)) /* itab.Type */
        return true;
    if (tw == 0)
        return true;
    uint64_t kind = 0, tflag = 0;
    rt_read_field(in->rt, tw, in->t_kind, &kind);
    rt_read_field(in->rt, tw, in->t_tflag, &tflag);
    /* DirectIface: Kind_ bit 5 up to 1.25, TFlag bit 5 from 1.26 (internal/abi/type.go) */
    bool direct = in->rt->minor >= 26 ? (tflag & 0x20) != 0 : (kind & 0x20) != 0;
    dwx_type_id dt = dwx_type_by_runtime_type(in->dw, tw - in->rt->bias);
    if (direct) {
        if (dt != 0)
            return walk_value(in, addr + 8, dt, 1);
        return true;
    }
    uint64_t base, ub;
    uint32_t slot = find_slot(in, data, &base, &ub);
    if (!unlabelled(in, slot) || data != ub)
        return true;
    if (dt != 0)
        return typed_pointer(in, data, dt, 1, false);
    char name[512];
    if (rtype_name(in->rt, tw, name, sizeof name))
        return assign(in, slot, base, name, 0, 0, 1);
    return true;
}

static bool walk_closure(inferer *in, uint64_t p)
{
    uint64_t base, ub;
    uint32_t slot = find_slot(in, p, &base, &ub);
    if (!unlabelled(in, slot) || p != ub)
        return true;
    uint64_t code;
    pcln_func f;
    char label[512];
    if (!core_read_u64(in->rt->core, p, &code) || !pcln_find(in->rt->pcln, code, &f))
        return true;
    snprintf(label, sizeof label, "%s (closure)", f.name);
    return assign(in, slot, base, label, 0, 0, 1);
}

/* Channel buffers: hchan.buf holds dataqsiz values of hchan.elemtype. */
static bool walk_hchan(inferer *in, uint64_t addr)
{
    uint64_t buf, n, et;
    if (!rt_read_field(in->rt, addr, in->hchan_buf, &buf) || !rt_read_field(in->rt, addr, in->hchan_dataqsiz, &n) ||
        !rt_read_field(in->rt, addr, in->hchan_elemtype, &et) || buf == 0 || et == 0 || buf == addr)
        return true;
    dwx_type_id dt = dwx_type_by_runtime_type(in->dw, et - in->rt->bias);
    if (dt != 0)
        return typed_pointer(in, buf, dt, n, true);
    return true;
}

/* Old maps (<= 1.23): hash<K,V>.buckets is an array of 2^B bucket<K,V>. */
static bool walk_hash(inferer *in, uint64_t addr, const dwx_type *t)
{
    uint64_t boff = 0, ooff = 0, bo = 0;
    dwx_type_id bt = field_type(in, t, "buckets", &boff);
    dwx_type_id ot = field_type(in, t, "oldbuckets", &ooff);
    uint8_t b;
    if (bt == 0 || field_type(in, t, "B", &bo) == 0 || !core_read_u8(in->rt->core, addr + bo, &b) || b > 40)
        return true;
    const dwx_type *bp = resolved(in, bt);
    uint64_t p;
    /* 2^B buckets, then (B >= 4) preallocated overflow buckets in the same object */
    if (bp && bp->elem && core_read_u64(in->rt->core, addr + boff, &p) && !typed_pointer(in, p, bp->elem, UINT64_MAX, true))
        return false;
    if (ot && bp && bp->elem && b > 0 && core_read_u64(in->rt->core, addr + ooff, &p) &&
        !typed_pointer(in, p, bp->elem, 1ull << (b - 1), true))
        return false;
    return true;
}

/* The pointee of a pointer-typed field, typedefs followed. */
static dwx_type_id pointee(const inferer *in, dwx_type_id ptr)
{
    const dwx_type *p = resolved(in, ptr);
    return p != NULL && p->tag == DW_TAG_pointer_type ? p->elem : 0;
}

/* Swiss maps (1.24+, internal/runtime/maps): map<K,V>.dirPtr is one group
 * when dirLen == 0, else an array of dirLen *table<K,V> (entries may repeat). */
static bool walk_swiss_map(inferer *in, uint64_t addr, const dwx_type *t)
{
    uint64_t doff = 0, loff = 0, p, len;
    dwx_type_id dt = field_type(in, t, "dirPtr", &doff);
    dwx_type_id ptable = pointee(in, dt);           /* *table<K,V> */
    if (dt == 0 || field_type(in, t, "dirLen", &loff) == 0 || ptable == 0 ||
        !core_read_u64(in->rt->core, addr + doff, &p) || !core_read_u64(in->rt->core, addr + loff, &len) || p == 0)
        return true;
    if (len > 0)
        return len < (1u << 24) ? typed_pointer(in, p, ptable, len, true) : true;
    const dwx_type *table = resolved(in, pointee(in, ptable));
    uint64_t goff;
    const dwx_type *gref = table ? resolved(in, field_type(in, table, "groups", &goff)) : NULL;
    uint64_t doff2;
    dwx_type_id group = gref ? pointee(in, field_type(in, gref, "data", &doff2)) : 0;
    return group ? typed_pointer(in, p, group, 1, false) : true;
}

/* table<K,V>.groups{data, lengthMask}: lengthMask+1 groups. */
static bool walk_swiss_table(inferer *in, uint64_t addr, const dwx_type *t)
{
    uint64_t goff = 0, doff = 0, moff = 0, p, mask;
    const dwx_type *gref = resolved(in, field_type(in, t, "groups", &goff));
    dwx_type_id dt = gref ? field_type(in, gref, "data", &doff) : 0;
    if (dt == 0 || field_type(in, gref, "lengthMask", &moff) == 0 ||
        !core_read_u64(in->rt->core, addr + goff + doff, &p) || !core_read_u64(in->rt->core, addr + goff + moff, &mask) ||
        mask >= (1u << 26))
        return true;
    return typed_pointer(in, p, pointee(in, dt), mask + 1, true);
}

/* A group's or bucket's slots hold garbage unless their control byte says
 * full: Swiss ctrl byte < 0x80; old tophash >= minTopHash (5). */
static bool walk_slots(inferer *in, uint64_t addr, const dwx_type *t, bool swiss, int depth)
{
    const dwx_field *fs = dwx_fields(in->dw);
    uint8_t ctrl[8];
    uint64_t coff;
    if (field_type(in, t, swiss ? "ctrl" : "tophash", &coff) == 0 || !core_read(in->rt->core, addr + coff, ctrl, 8))
        return true;
    for (uint32_t i = 0; i < t->nfields; i++) {
        const dwx_field *f = &fs[t->first_field + i];
        const dwx_type *ft = resolved(in, f->type);
        if (ft == NULL || strcmp(f->name, swiss ? "ctrl" : "tophash") == 0)
            continue;
        if (ft->tag != DW_TAG_array_type || ft->count != 8) { /* overflow pointer */
            if (!walk_value(in, addr + f->offset, f->type, depth + 1))
                return false;
            continue;
        }
        const dwx_type *et = resolved(in, ft->elem);
        for (uint32_t k = 0; et && k < 8; k++) {
            bool full = swiss ? ctrl[k] < 0x80 : ctrl[k] >= 5;
            if (full && !walk_value(in, addr + f->offset + k * et->size, ft->elem, depth + 1))
                return false;
        }
    }
    return true;
}

/* The walk of one value, by its DWARF type (the reference the plans follow). */
static bool walk_value_slow(inferer *in, uint64_t addr, dwx_type_id type, int depth)
{
    if (depth > MAX_DEPTH)
        return true;
    const dwx_type *t = resolved(in, type);
    if (t == NULL)
        return true;
    uint64_t p, off = 0;
    switch (go_kind(t)) {
    case K_PTR:
    case K_MAP:
        if (t->tag != DW_TAG_pointer_type && go_kind(t) == K_MAP) {
            /* a map type is a pointer to its header (hash<K,V> / map<K,V>) */
            return core_read_u64(in->rt->core, addr, &p) ? typed_pointer(in, p, t->elem, 1, false) : true;
        }
        if (!core_read_u64(in->rt->core, addr, &p))
            return true;
        return typed_pointer(in, p, t->elem, 1, false);
    case K_CHAN:
        return core_read_u64(in->rt->core, addr, &p) ? typed_pointer(in, p, t->elem, 1, false) : true;
    case K_FUNC:
        return core_read_u64(in->rt->core, addr, &p) && p ? walk_closure(in, p) : true;
    case K_SLICE: {
        dwx_type_id at = field_type(in, t, "array", &off);
        const dwx_type *pt = resolved(in, at);
        uint64_t cap, coff;
        if (pt == NULL || field_type(in, t, "cap", &coff) == 0 || !core_read_u64(in->rt->core, addr + off, &p) ||
            !core_read_u64(in->rt->core, addr + coff, &cap))
            return true;
        /* The whole backing object: cap can be a stale word when only the
         * slice's data pointer was spilled, and slots past cap are zeroed. */
        (void)cap;
        return typed_pointer(in, p, pt->elem, UINT64_MAX, true);
    }
    case K_STRING: {
        if (!core_read_u64(in->rt->core, addr, &p) || p == 0)
            return true;
        uint64_t base, ub;
        uint32_t slot = find_slot(in, p, &base, &ub);
        return assign(in, slot, base, "string", 0, 0, 1);
    }
    case K_IFACE:
        return walk_interface(in, addr, t);
    case K_ARRAY: {
        const dwx_type *et = resolved(in, t->elem);
        if (et == NULL || et->size == 0)
            return true;
        for (uint64_t i = 0; i < t->count; i++)
            if (!walk_value(in, addr + i * et->size, t->elem, depth + 1))
                return false;
        return true;
    }
    case K_STRUCT:
    default:
        if (t->tag != DW_TAG_structure_type)
            return true;
        if (strncmp(t->name, "hash<", 5) == 0 && !walk_hash(in, addr, t))
            return false;
        if (strncmp(t->name, "hchan<", 6) == 0)
            return walk_hchan(in, addr);
        if (strncmp(t->name, "map<", 4) == 0)
            return walk_swiss_map(in, addr, t);
        if (strncmp(t->name, "table<", 6) == 0)
            return walk_swiss_table(in, addr, t);
        if (strncmp(t->name, "noalg.map.group[", 16) == 0)
            return walk_slots(in, addr, t, true, depth);
        if (strncmp(t->name, "bucket<", 7) == 0)
            return walk_slots(in, addr, t, false, depth);
        for (uint32_t i = 0; i < t->nfields; i++) {
            const dwx_field *f = &dwx_fields(in->dw)[t->first_field + i];
            if (strcmp(t->name, "runtime.hchan") == 0 && strcmp(f->name, "buf") == 0)
                continue;
            if (!walk_value(in, addr + f->offset, f->type, depth + 1))
                return false;
        }
        return true;
    }
}

/* Is t one of the runtime's structs walk_value_slow treats specially? */
static bool special_struct(const dwx_type *t)
{
    return strncmp(t->name, "hash<", 5) == 0 || strncmp(t->name, "hchan<", 6) == 0 ||
           strncmp(t->name, "map<", 4) == 0 || strncmp(t->name, "table<", 6) == 0 ||
           strncmp(t->name, "noalg.map.group[", 16) == 0 || strncmp(t->name, "bucket<", 7) == 0;
}

/* Append the leaves of a value of `type` at off, depth levels down, in
 * walk_value_slow's order. False: more than PLAN_MAX_LEAVES (or no memory). */
static bool flatten(inferer *in, dwx_type_id type, uint64_t off, int depth)
{
    if (depth > MAX_DEPTH)
        return true;
    const dwx_type *t = resolved(in, type);
    if (t == NULL)
        return true;
    if (in->leaves.n - in->plan_start > PLAN_MAX_LEAVES)
        return false;
    leaf l = {.off = off, .type = type, .kind = L_CALL, .depth = (uint8_t)depth};
    uint64_t foff = 0;
    switch (go_kind(t)) {
    case K_PTR:
    case K_MAP:
    case K_CHAN:
        l.kind = L_PTR;
        l.elem = t->elem;
        return VEC_PUSH(&in->leaves, l, in->err);
    case K_STRING:
        l.kind = L_STRING;
        return VEC_PUSH(&in->leaves, l, in->err);
    case K_SLICE: {
        const dwx_type *pt = resolved(in, field_type(in, t, "array", &foff));
        uint64_t coff;
        if (pt == NULL || field_type(in, t, "cap", &coff) == 0 || coff > UINT32_MAX)
            return true; /* the slow walk does nothing with it either */
        if (foff > UINT32_MAX)
            return false;
        l.kind = L_SLICE;
        l.array_off = (uint32_t)foff;
        l.cap_off = (uint32_t)coff;
        l.elem = pt->elem;
        return VEC_PUSH(&in->leaves, l, in->err);
    }
    case K_FUNC:
    case K_IFACE:
        return VEC_PUSH(&in->leaves, l, in->err);
    case K_ARRAY: {
        const dwx_type *et = resolved(in, t->elem);
        if (et == NULL || et->size == 0 || t->count == 0)
            return true;
        size_t start = in->leaves.n;
        if (!flatten(in, t->elem, off, depth + 1))
            return false;
        size_t per = in->leaves.n - start;
        if (per == 0)
            return true; /* no pointers in any element */
        if (t->count > PLAN_MAX_LEAVES || per * t->count > PLAN_MAX_LEAVES)
            return false;
        for (uint64_t i = 1; i < t->count; i++)
            for (size_t k = 0; k < per; k++) {
                leaf c = in->leaves.v[start + k];
                c.off += i * et->size;
                if (!VEC_PUSH(&in->leaves, c, in->err))
                    return false;
            }
        return true;
    }
    default:
        if (t->tag != DW_TAG_structure_type)
            return true;
        if (special_struct(t))
            return VEC_PUSH(&in->leaves, l, in->err);
        for (uint32_t i = 0; i < t->nfields; i++) {
            const dwx_field *f = &dwx_fields(in->dw)[t->first_field + i];
            if (strcmp(t->name, "runtime.hchan") == 0 && strcmp(f->name, "buf") == 0)
                continue;
            if (!flatten(in, f->type, off + f->offset, depth + 1))
                return false;
        }
        return true;
    }
}

/* The plan of type (built on first use), or NULL to walk the slow way. */
static const plan *plan_get(inferer *in, dwx_type_id type, bool *failed)
{
    if (!cache_cover(in, &in->plan_of, type)) {
        *failed = true;
        return NULL;
    }
    uint32_t *slot = &in->plan_of.v[type];
    if (*slot == 0) {
        size_t start = in->leaves.n;
        in->plan_start = start;
        bool ok = flatten(in, type, 0, 0) && in->leaves.n - start <= PLAN_MAX_LEAVES;
        if (!ok) {
            in->leaves.n = start;
            *slot = PLAN_NONE;
        } else {
            plan pl = {(uint32_t)start, (uint32_t)(in->leaves.n - start)};
            if (!VEC_PUSH(&in->plans, pl, in->err)) {
                *failed = true;
                return NULL;
            }
            *slot = (uint32_t)in->plans.n;
        }
    }
    return *slot == PLAN_NONE ? NULL : &in->plans.v[*slot - 1];
}

static bool walk_leaf(inferer *in, uint64_t addr, const leaf *l, int depth)
{
    uint64_t p, cap, base, ub;
    uint32_t slot;
    switch (l->kind) {
    case L_PTR:
        return core_read_u64(in->rt->core, addr, &p) ? typed_pointer(in, p, l->elem, 1, false) : true;
    case L_STRING:
        if (!core_read_u64(in->rt->core, addr, &p) || p == 0)
            return true;
        if (!unlabelled(in, slot = find_slot(in, p, &base, &ub)))
            return true;
        if (in->string_label == 0) { /* interned on first use, as assign would */
            uint32_t id;
            if (!intern(in, "string", &id))
                return false;
            in->string_label = id + 1;
        }
        return assign_id(in, slot, base, in->string_label - 1, 0, 0, 1);
    case L_SLICE:
        if (!core_read_u64(in->rt->core, addr + l->array_off, &p) || !core_read_u64(in->rt->core, addr + l->cap_off, &cap))
            return true;
        return typed_pointer(in, p, l->elem, UINT64_MAX, true);
    default:
        return walk_value_slow(in, addr, l->type, depth);
    }
}


static bool walk_plan(inferer *in, uint64_t addr, plan pl, int depth)
{
    for (uint32_t i = 0; i < pl.n; i++) {
        /* a copy: walking a leaf may build other plans and move the arrays */
        leaf l = in->leaves.v[pl.first + i];
        if (depth + l.depth > MAX_DEPTH)
            continue;
        if (!walk_leaf(in, addr + l.off, &l, depth + l.depth))
            return false;
    }
    return true;
}

/* Walk a value: through its type's plan, or the slow way. */
static bool walk_value(inferer *in, uint64_t addr, dwx_type_id type, int depth)
{
    if (depth > MAX_DEPTH)
        return true;
    bool failed = false;
    const plan *pl = plan_get(in, type, &failed);
    if (failed)
        return false;
    return pl ? walk_plan(in, addr, *pl, depth) : walk_value_slow(in, addr, type, depth);
}

/* ---- seeds ---- */

/* The runtime's own bucket type of an old map ("map.bucket[K]V", made by
 * the compiler without a DWARF link) is DWARF's synthesized "bucket<K,V>". */
static dwx_type_id bucket_type_by_name(const inferer *in, const char *rname)
{
    const char *p = strstr(rname, "map.bucket[");
    if (p == NULL)
        return 0;
    p += 11;
    int depth = 1;
    const char *k = p;
    for (; *p && depth; p++) {
        if (*p == '[')
            depth++;
        else if (*p == ']')
            depth--;
    }
    if (depth != 0)
        return 0;
    char name[600];
    snprintf(name, sizeof name, "bucket<%.*s,%s>", (int)(p - 1 - k), k, p);
    return dwx_type_by_name(in->dw, name);
}

static bool seed_headers(inferer *in)
{
    heap *h = in->h;
    const go_runtime *rt = in->rt;
    if (rt->minor < 22)
        return true;
    char name[512];
    for (uint32_t i = 0; i < h->nobjects; i++) {
        const heap_span *s = &h->spans[h->obj_span[i]];
        if (s->noscan)
            continue;
        uint64_t t = 0, ub = h->obj_addr[i];
        if (s->sizeclass == 0)
            t = s->large_type;
        else if (s->elemsize > rt->min_size_for_malloc_header) {
            core_read_u64(rt->core, h->obj_addr[i], &t);
            ub += rt->malloc_header_size;
        }
        if (t == 0)
            continue;
        uint64_t size = 0;
        rt_read_field(rt, t, in->t_size, &size);
        dwx_type_id dt = dwx_type_by_runtime_type(in->dw, t - rt->bias);
        const dwx_type *d = dwx_type_get(in->dw, dt);
        if (d != NULL && d->name[0])
            snprintf(name, sizeof name, "%s", d->name);
        else if (!rtype_name(rt, t, name, sizeof name))
            continue;
        if (dt == 0 && (dt = bucket_type_by_name(in, name)) != 0)
            snprintf(name, sizeof name, "%s", dwx_type_get(in->dw, dt)->name);
        uint64_t room = h->obj_addr[i] + s->elemsize - ub;
        uint64_t count = size ? room / size : 1;
        char label[520];
        /* a slot holding several values is a slice's (or array's) backing store */
        pretty_label(name, count >= 2, label, sizeof label);
        uint32_t slot = s->first_slot + (uint32_t)((h->obj_addr[i] - s->base) / s->elemsize);
        if (!assign(in, slot, h->obj_addr[i], label, dt, ub - h->obj_addr[i], count ? count : 1))
            return false;
    }
    return true;
}

static bool seed_roots(inferer *in, const roots *r)
{
    uint64_t last = 0;
    for (size_t i = 0; i < r->edges.n; i++) {
        const root_edge *e = &r->edges.v[i];
        if (e->var_type == 0 || e->var_addr == 0 || e->var_addr == last)
            continue;
        last = e->var_addr;
        if (!walk_value(in, e->var_addr, e->var_type, 0))
            return false;
    }
    return true;
}

static bool drain(inferer *in)
{
    while (in->queue.n) {
        work w = in->queue.v[--in->queue.n];
        const dwx_type *t = resolved(in, w.type);
        uint64_t size = t ? t->size : 0;
        uint64_t base = w.addr;
        bool failed = false;
        const plan *pl = plan_get(in, w.type, &failed);
        if (failed)
            return false;
        if (pl == NULL) {
            for (uint64_t k = 0; k < w.count && size; k++)
                if (!walk_value_slow(in, base + k * size, w.type, 0))
                    return false;
            continue;
        }
        plan p = *pl;
        if (p.n == 0)
            continue; /* nothing in these values points anywhere */
        for (uint64_t k = 0; k < w.count && size; k++)
            if (!walk_plan(in, base + k * size, p, 0))
                return false;
    }
    return true;
}

bool types_infer(heap *h, const roots *r, bool want_dtypes, obj_types *out, ghf_err *err)
{
    memset(out, 0, sizeof *out);
    if (want_dtypes) { /* per slot like the labels, moved down at the end */
        size_t n = (h->nslots > h->nobjects ? h->nslots : h->nobjects) + 1;
        out->dtype = calloc(n, sizeof *out->dtype);
        out->dtype_off = calloc(n, 1);
        if (out->dtype == NULL || out->dtype_off == NULL) {
            types_free(out);
            return ghf_fail(err, GHF_EXIT_INTERNAL, "out of memory for object types");
        }
    }
    /* per slot while inferring (objects are numbered in slot order, so
     * object i <= its slot: the labels move down in place at the end) */
    size_t nslab = (h->nslots > h->nobjects ? h->nslots : h->nobjects) + 1;
    uint32_t *slab = malloc(nslab * sizeof *slab);
    if (slab == NULL)
        return ghf_fail(err, GHF_EXIT_INTERNAL, "out of memory for object types");
    for (uint64_t k = 0; k < h->nslots; k++)
        slab[k] = h->slot_obj[k] == HEAP_NONE ? FREE_SLOT : NO_LABEL;
    out->label = slab; /* freed by types_free on failure */
    inferer in = {.h = h, .rt = h->rt, .dw = h->rt->dw, .out = out, .slab = slab, .err = err};
    bool new_abi = in.rt->minor >= 21;
    const char *T = new_abi ? "internal/abi.Type" : "runtime._type";
    in.t_str = rt_field_lookup(in.dw, T, new_abi ? "Str" : "str");
    in.t_tflag = rt_field_lookup(in.dw, T, new_abi ? "TFlag" : "tflag");
    in.t_kind = rt_field_lookup(in.dw, T, new_abi ? "Kind_" : "kind");
    in.t_size = rt_field_lookup(in.dw, T, new_abi ? "Size_" : "size");
    in.hchan_buf = rt_field_lookup(in.dw, "runtime.hchan", "buf");
    in.hchan_dataqsiz = rt_field_lookup(in.dw, "runtime.hchan", "dataqsiz");
    in.hchan_elemtype = rt_field_lookup(in.dw, "runtime.hchan", "elemtype");
    bool ok = seed_headers(&in) && drain(&in) && seed_roots(&in, r) && drain(&in);
    /* Second round: values behind header-typed objects found late. */
    VEC_FREE(&in.queue);
    VEC_FREE(&in.plan_of);
    VEC_FREE(&in.plans);
    VEC_FREE(&in.leaves);
    VEC_FREE(&in.label_of[0]);
    VEC_FREE(&in.label_of[1]);
    if (!ok) {
        types_free(out);
        return false;
    }
    for (uint64_t k = 0; k < h->nslots; k++)
        if (h->slot_obj[k] != HEAP_NONE) {
            slab[h->slot_obj[k]] = slab[k];
            if (out->dtype != NULL) {
                out->dtype[h->slot_obj[k]] = out->dtype[k];
                out->dtype_off[h->slot_obj[k]] = out->dtype_off[k];
            }
        }
    slab[h->nobjects] = NO_LABEL;
    uint32_t *shrunk = realloc(slab, ((size_t)h->nobjects + 1) * sizeof *slab);
    if (shrunk != NULL)
        out->label = shrunk;
    char name[64];
    for (uint32_t i = 0; i < h->nobjects; i++) {
        uint64_t sz = heap_obj_size(h, i);
        if (out->label[i] != NO_LABEL) {
            out->typed_objects++;
            out->typed_bytes += sz;
            continue;
        }
        snprintf(name, sizeof name, "unknown.%llu", (unsigned long long)sz);
        if (!strtab_intern(&out->names, name, strlen(name), &out->label[i], err)) {
            types_free(out);
            return false;
        }
        out->unknown_objects++;
        out->unknown_bytes += sz;
    }
    return true;
}

void types_free(obj_types *t)
{
    free(t->label);
    free(t->dtype);
    free(t->dtype_off);
    strtab_free(&t->names);
    memset(t, 0, sizeof *t);
}

/* ---- field paths (for --fields) ---- */

static size_t append(char *buf, size_t cap, size_t n, const char *s)
{
    size_t l = strlen(s);
    if (n + l + 1 > cap)
        return n;
    memcpy(buf + n, s, l + 1);
    return n + l;
}

bool types_path_in(const dwx *dw, dwx_type_id type, uint64_t off, char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    for (int depth = 0; depth < 16; depth++) {
        const dwx_type *t = dwx_type_get(dw, dwx_resolve(dw, type));
        if (t == NULL)
            break;
        uint32_t kind = t->go_kind & 0x1f;
        if (t->tag == DW_TAG_array_type) {
            const dwx_type *et = dwx_type_get(dw, dwx_resolve(dw, t->elem));
            if (et == NULL || et->size == 0)
                break;
            n = append(buf, cap, n, "[]");
            off %= et->size;
            type = t->elem;
            continue;
        }
        /* slices, strings, interfaces are one value to a Go programmer */
        if (t->tag != DW_TAG_structure_type || kind == K_SLICE || kind == K_STRING || kind == K_IFACE)
            break;
        const dwx_field *fs = dwx_fields(dw), *pick = NULL;
        for (uint32_t i = 0; i < t->nfields; i++) {
            const dwx_field *f = &fs[t->first_field + i];
            const dwx_type *ft = dwx_type_get(dw, dwx_resolve(dw, f->type));
            uint64_t fsz = ft ? ft->size : 0;
            if (f->offset <= off && off < f->offset + fsz)
                pick = f;
        }
        if (pick == NULL)
            break;
        n = append(buf, cap, n, ".");
        n = append(buf, cap, n, pick->name);
        off -= pick->offset;
        type = pick->type;
    }
    return n > 0;
}

bool types_field_path(const obj_types *t, const heap *h, const dwx *dw, uint32_t obj, uint64_t off,
                      char *buf, size_t cap)
{
    buf[0] = '\0';
    dwx_type_id type = t->dtype[obj];
    const dwx_type *dt = dwx_type_get(dw, dwx_resolve(dw, type));
    uint64_t start = t->dtype_off[obj];
    if (dt == NULL || dt->size == 0 || off < start)
        return false;
    off -= start;
    size_t n = 0;
    if (heap_obj_size(h, obj) - start >= 2 * dt->size) /* several values: a backing array */
        n = append(buf, cap, n, "[]");
    char rest[256];
    if (types_path_in(dw, type, off % dt->size, rest, sizeof rest))
        n = append(buf, cap, n, rest);
    return n > 0;
}
