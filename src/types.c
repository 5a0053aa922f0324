/* types.c — infer a type name for every heap object (see types.h). */
#include "types.h"

#include <dwarf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heap_types.h"

#define NO_LABEL UINT32_MAX
#define MAX_DEPTH 24

enum { K_ARRAY = 17, K_CHAN = 18, K_FUNC = 19, K_IFACE = 20, K_MAP = 21, K_PTR = 22,
       K_SLICE = 23, K_STRING = 24, K_STRUCT = 25, K_UNSAFEPTR = 26 };

typedef struct work {
    uint32_t obj;
    dwx_type_id type;
    uint64_t offset;   /* where the typed value starts inside the object */
    uint64_t count;    /* consecutive values */
} work;

typedef struct inferer {
    heap *h;
    const go_runtime *rt;
    const dwx *dw;
    obj_types *out;
    VEC(work) queue;
    ghf_err *err;
    rt_field t_str, t_tflag, t_kind, t_size;
    uint64_t types_base;
    rt_field hchan_buf, hchan_qcount, hchan_dataqsiz, hchan_elemtype;
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

/* Give object obj the label and, if it has a DWARF type, queue its contents. */
static bool assign(inferer *in, uint32_t obj, const char *label, dwx_type_id type, uint64_t offset, uint64_t count)
{
    if (obj == HEAP_NONE || in->out->label[obj] != NO_LABEL)
        return true;
    uint32_t id;
    if (!intern(in, label, &id))
        return false;
    in->out->label[obj] = id;
    if (type == 0)
        return true;
    work w = {obj, type, offset, count};
    return VEC_PUSH(&in->queue, w, in->err);
}

/* Where user data starts in an object: after the malloc header if any. */
static uint64_t user_base(const inferer *in, uint32_t obj)
{
    const heap_span *s = &in->h->spans[in->h->obj_span[obj]];
    uint64_t base = in->h->obj_addr[obj];
    if (in->rt->minor >= 22 && !s->noscan && s->sizeclass != 0 && s->elemsize > in->rt->min_size_for_malloc_header)
        return base + in->rt->malloc_header_size;
    return base;
}

/* A pointer to a value of DWARF type elem: type its target object. */
static bool typed_pointer(inferer *in, uint64_t p, dwx_type_id elem, uint64_t count, bool slice)
{
    if (p == 0 || elem == 0)
        return true;
    uint32_t obj = heap_find(in->h, p);
    if (obj == HEAP_NONE || in->out->label[obj] != NO_LABEL)
        return true;
    const dwx_type *et = dwx_type_get(in->dw, elem);
    uint64_t ub = user_base(in, obj);
    if (p != ub || et == NULL)
        return true; /* interior pointer: the object's own type is still unknown */
    uint64_t esize = resolved(in, elem) ? resolved(in, elem)->size : 0;
    uint64_t room = in->h->obj_addr[obj] + heap_obj_size(in->h, obj) - ub;
    if (esize && count > room / esize) /* not count * esize: a hostile count wraps it */
        count = room / esize;
    char label[512];
    pretty_label(et->name, slice, label, sizeof label);
    return assign(in, obj, label, elem, ub - in->h->obj_addr[obj], count ? count : 1);
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
    uint32_t obj = heap_find(in->h, data);
    if (obj == HEAP_NONE || in->out->label[obj] != NO_LABEL || data != user_base(in, obj))
        return true;
    if (dt != 0)
        return typed_pointer(in, data, dt, 1, false);
    char name[512];
    if (rtype_name(in->rt, tw, name, sizeof name))
        return assign(in, obj, name, 0, 0, 1);
    return true;
}

static bool walk_closure(inferer *in, uint64_t p)
{
    uint32_t obj = heap_find(in->h, p);
    if (obj == HEAP_NONE || in->out->label[obj] != NO_LABEL || p != user_base(in, obj))
        return true;
    uint64_t code;
    pcln_func f;
    char label[512];
    if (!core_read_u64(in->rt->core, p, &code) || !pcln_find(in->rt->pcln, code, &f))
        return true;
    snprintf(label, sizeof label, "%s (closure)", f.name);
    return assign(in, obj, label, 0, 0, 1);
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

static bool walk_value(inferer *in, uint64_t addr, dwx_type_id type, int depth)
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
        uint32_t obj = heap_find(in->h, p);
        return assign(in, obj, "string", 0, 0, 1);
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
        if (!assign(in, i, label, dt, ub - h->obj_addr[i], count ? count : 1))
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
        uint64_t base = in->h->obj_addr[w.obj] + w.offset;
        for (uint64_t k = 0; k < w.count && size; k++)
            if (!walk_value(in, base + k * size, w.type, 0))
                return false;
    }
    return true;
}

bool types_infer(heap *h, const roots *r, obj_types *out, ghf_err *err)
{
    memset(out, 0, sizeof *out);
    out->label = malloc(((size_t)h->nobjects + 1) * sizeof *out->label);
    if (out->label == NULL)
        return ghf_fail(err, GHF_EXIT_INTERNAL, "out of memory for object types");
    memset(out->label, 0xff, ((size_t)h->nobjects + 1) * sizeof *out->label);
    inferer in = {.h = h, .rt = h->rt, .dw = h->rt->dw, .out = out, .err = err};
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
    if (!ok) {
        types_free(out);
        return false;
    }
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
    strtab_free(&t->names);
    memset(t, 0, sizeof *t);
}
