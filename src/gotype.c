/* gotype.c — the Go type model: DWARF types and runtime type descriptors
 * behind one gt_id (see gotype.h).
 *
 * DWARF: type n becomes gt n. A typedef keeps its own name and Go kind
 * (`interface {}` is a typedef of runtime.eface carrying DW_AT_go_kind 20,
 * `main.Blob` a typedef of [2048]uint8) and takes its structure from the
 * type it resolves to. Map and channel types give their header, table,
 * directory and bucket/group structs a role and an owner.
 *
 * Descriptors (internal/abi/type.go; runtime/type.go before 1.21): abi.Type
 * is followed by the kind's extra fields — PtrType/SliceType/ChanType.Elem,
 * ArrayType{Elem, Slice, Len}, MapType{Key, Elem, Bucket|Group},
 * StructType{PkgPath, Fields []StructField{Name, Typ, Offset}},
 * InterfaceType{PkgPath, Methods}. They are decoded with a work list (types
 * refer to each other, cyclically), bounded against hostile input.
 */
#include "gotype.h"

#include <dwarf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vec.h"

#define MAX_DESCRIPTORS (1u << 20)  /* decoded descriptor types, against hostile type graphs */
#define MAX_DESC_FIELDS (1u << 16)  /* fields of one struct descriptor */
#define CLOSURE_KEY (1ull << 63)    /* closure keys (entry pcs) share the address hash */
#define KIND_MASK 0x1f
#define DIRECT_IFACE 0x20           /* Kind_ bit (<= 1.25) and TFlag bit (1.26+) */
#define TFLAG_EXTRA_STAR 2

struct gt_model {
    const go_runtime *rt;
    const dwx *dw;
    gt_layout L;
    rt_field t_size, t_kind, t_tflag, t_str;
    uint64_t types_base;
    VEC(gt_type) types;
    VEC(gt_field) fields;
    VEC(char *) strings;      /* names owned by the model */
    VEC(gt_id) pending;       /* descriptor types still to decode */
    VEC(uint64_t) embed;      /* (base << 32 | embedder): structs whose first field embeds base; sorted */
    uint64_t *keys;           /* address (or CLOSURE_KEY|pc) -> id, open addressing */
    gt_id *vals;
    size_t cap, n;
    uint64_t bad;
    gt_id kind_desc[GT_UNSAFEPTR + 1]; /* per kind: its descriptor type (GT_ROLE_TYPE_DESC) */
    gt_id desc_common;        /* abi.Type or runtime._type */
};

static uint64_t hash_addr(uint64_t a)
{
    a *= 0x9E3779B97F4A7C15ull;
    return a ^ (a >> 29);
}

static gt_id map_find(const gt_model *m, uint64_t key)
{
    if (m->cap == 0)
        return 0;
    for (size_t i = hash_addr(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        if (m->keys[i] == key)
            return m->vals[i];
        if (m->keys[i] == 0)
            return 0;
    }
}

static bool map_put(gt_model *m, uint64_t key, gt_id id, ghf_err *err)
{
    if ((m->n + 1) * 2 > m->cap) {
        size_t ncap = m->cap ? m->cap * 2 : 1024;
        uint64_t *nk = ghf_xcalloc(ncap, sizeof *nk, err);
        gt_id *nv = nk ? ghf_xcalloc(ncap, sizeof *nv, err) : NULL;
        if (nv == NULL) {
            free(nk);
            return false;
        }
        for (size_t i = 0; i < m->cap; i++) {
            if (m->keys[i] == 0)
                continue;
            size_t j = hash_addr(m->keys[i]) & (ncap - 1);
            while (nk[j])
                j = (j + 1) & (ncap - 1);
            nk[j] = m->keys[i];
            nv[j] = m->vals[i];
        }
        free(m->keys);
        free(m->vals);
        m->keys = nk;
        m->vals = nv;
        m->cap = ncap;
    }
    size_t i = hash_addr(key) & (m->cap - 1);
    while (m->keys[i] && m->keys[i] != key)
        i = (i + 1) & (m->cap - 1);
    if (m->keys[i] == 0)
        m->n++;
    m->keys[i] = key;
    m->vals[i] = id;
    return true;
}

static bool new_type(gt_model *m, gt_type t, gt_id *id, ghf_err *err)
{
    if (!VEC_PUSH(&m->types, t, err))
        return false;
    *id = (gt_id)(m->types.n - 1);
    return true;
}

static const char *own(gt_model *m, const char *s, size_t n, ghf_err *err)
{
    char *c = malloc(n + 1);
    if (c == NULL) {
        ghf_fail(err, GHF_EXIT_INTERNAL, "out of memory for type names");
        return NULL;
    }
    memcpy(c, s, n);
    c[n] = '\0';
    if (!VEC_PUSH(&m->strings, c, err)) {
        free(c);
        return NULL;
    }
    return c;
}

const gt_layout *gt_layout_of(const gt_model *m) { return &m->L; }

const gt_type *gt_get(const gt_model *m, gt_id id)
{
    return id == 0 || id >= m->types.n ? NULL : &m->types.v[id];
}

const gt_field *gt_field_at(const gt_model *m, const gt_type *t, uint32_t i)
{
    return &m->fields.v[t->first_field + i];
}

gt_id gt_from_dwarf(const gt_model *m, dwx_type_id id)
{
    return id < m->types.n && m->types.v[id].from_dwarf ? id : 0;
}

uint64_t gt_bad_descriptors(const gt_model *m) { return m->bad; }

/* ---- layout ---- */

static uint32_t field_or(const dwx *dw, const char *type, const char *path, uint32_t dflt)
{
    rt_field f = rt_field_lookup(dw, type, path);
    return f.size ? f.off : dflt;
}

static uint64_t size_or(const dwx *dw, const char *type, uint64_t dflt)
{
    const dwx_type *t = dwx_type_get(dw, dwx_type_by_name(dw, type));
    return t && t->size ? t->size : dflt;
}

static void layout_init(gt_model *m)
{
    const dwx *dw = m->dw;
    gt_layout *L = &m->L;
    uint32_t P = (uint32_t)size_or(dw, "unsafe.Pointer", 8);
    L->ptr_size = P;
    bool abi = m->rt->minor >= 21;
    const char *T = abi ? "internal/abi.Type" : "runtime._type";
    L->type_size = (uint32_t)size_or(dw, T, 4 * P + 16);
    L->itab_type = dwx_type_by_name(dw, "internal/abi.ITab") ? field_or(dw, "internal/abi.ITab", "Type", P)
                                                              : field_or(dw, "runtime.itab", "_type", P);
    L->hmap_b = field_or(dw, "runtime.hmap", "B", 9);
    L->hmap_buckets = field_or(dw, "runtime.hmap", "buckets", 16);
    L->hmap_oldbuckets = field_or(dw, "runtime.hmap", "oldbuckets", 16 + P);
    L->hmap_size = size_or(dw, "runtime.hmap", 48);
    const char *SM = "internal/runtime/maps.Map", *TB = "internal/runtime/maps.table";
    L->swiss = dwx_type_by_name(dw, SM) != 0;
    L->smap_dir_ptr = field_or(dw, SM, "dirPtr", 16);
    L->smap_dir_len = field_or(dw, SM, "dirLen", 16 + P);
    L->smap_size = size_or(dw, SM, 48);
    L->table_groups_data = field_or(dw, TB, "groups.data", 8);
    L->table_groups_mask = field_or(dw, TB, "groups.lengthMask", 8 + P);
    L->table_size = size_or(dw, TB, 32);
    L->hchan_buf = field_or(dw, "runtime.hchan", "buf", 2 * P);
    L->hchan_dataqsiz = field_or(dw, "runtime.hchan", "dataqsiz", P);
    L->hchan_elemtype = field_or(dw, "runtime.hchan", "elemtype", 4 * P);
    L->hchan_size = size_or(dw, "runtime.hchan", 96);
    m->t_size = rt_field_lookup(dw, T, abi ? "Size_" : "size");
    m->t_kind = rt_field_lookup(dw, T, abi ? "Kind_" : "kind");
    m->t_tflag = rt_field_lookup(dw, T, abi ? "TFlag" : "tflag");
    m->t_str = rt_field_lookup(dw, T, abi ? "Str" : "str");
    if (!m->t_size.size)
        m->t_size = (rt_field){0, (uint8_t)P};
    if (!m->t_tflag.size)
        m->t_tflag = (rt_field){2 * P + 4, 1};
    if (!m->t_kind.size)
        m->t_kind = (rt_field){2 * P + 7, 1};
    if (!m->t_str.size)
        m->t_str = (rt_field){4 * P + 8, 4};
    L->type_str = (uint32_t)m->t_str.off;
    rt_read_field(m->rt, m->rt->firstmoduledata, m->rt->md.types, &m->types_base);
}

/* ---- DWARF ---- */

static uint32_t dwarf_kind(const dwx_type *t)
{
    if (t->go_kind)
        return t->go_kind & KIND_MASK;
    switch (t->tag) {
    case DW_TAG_pointer_type: return GT_PTR;
    case DW_TAG_array_type: return GT_ARRAY;
    case DW_TAG_structure_type: return GT_STRUCT;
    case DW_TAG_subroutine_type: return GT_FUNC;
    default: return 0;
    }
}

static gt_id dwarf_pointee(const gt_model *m, gt_id ptr)
{
    const gt_type *p = gt_get(m, ptr);
    return p && p->kind == GT_PTR ? p->elem : 0;
}

static const gt_field *field_named(const gt_model *m, gt_id st, const char *name)
{
    const gt_type *t = gt_get(m, st);
    for (uint32_t i = 0; t && i < t->nfields; i++)
        if (strcmp(gt_field_at(m, t, i)->name, name) == 0)
            return gt_field_at(m, t, i);
    return NULL;
}

static void set_role(gt_model *m, gt_id id, uint8_t role, gt_id owner, gt_id group)
{
    gt_type *t = id && id < m->types.n ? &m->types.v[id] : NULL;
    if (t == NULL || t->role != GT_ROLE_NONE)
        return;
    t->role = role;
    t->owner = owner;
    t->group = group;
}

/* The map's and channel's internal structs, from the compiler's DWARF. */
static void dwarf_roles(gt_model *m, gt_id id)
{
    gt_type *t = &m->types.v[id];
    if (t->kind == GT_CHAN) {
        set_role(m, t->hdr, GT_ROLE_CHAN_HEADER, id, 0);
        return;
    }
    gt_id hdr = t->hdr, group = 0;
    if (m->L.swiss) {
        const gt_field *dir = field_named(m, hdr, "dirPtr");
        gt_id ptable = dir ? dwarf_pointee(m, dir->type) : 0;   /* *table<K,V> */
        gt_id table = dwarf_pointee(m, ptable);
        const gt_field *gr = field_named(m, table, "groups");
        const gt_field *data = gr ? field_named(m, gr->type, "data") : NULL;
        group = data ? dwarf_pointee(m, data->type) : 0;
        set_role(m, group, GT_ROLE_MAP_GROUPS, id, group);
        set_role(m, table, GT_ROLE_MAP_TABLE, id, group);
        set_role(m, ptable, GT_ROLE_MAP_DIR, id, group);
        set_role(m, hdr, GT_ROLE_MAP_HEADER, id, group);
        if (ptable && m->types.v[hdr].owner == id)
            m->types.v[hdr].elem = ptable;
    } else {
        const gt_field *b = field_named(m, hdr, "buckets");
        group = b ? dwarf_pointee(m, b->type) : 0;
        set_role(m, group, GT_ROLE_MAP_BUCKETS, id, group);
        set_role(m, hdr, GT_ROLE_MAP_HEADER, id, group);
    }
    m->types.v[id].group = group;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* A struct's layout (size, field names and offsets) as 32 bits: generic
 * code is compiled for GC shapes, so the struct embedding node[K,V] may be
 * one embedding node[go.shape.K,go.shape.V], which has the same layout. */
static uint32_t layout_sig(const gt_model *m, gt_id id)
{
    const gt_type *t = &m->types.v[id];
    uint64_t h = t->size * 0x9E3779B97F4A7C15ull ^ t->nfields;
    for (uint32_t i = 0; i < t->nfields; i++) {
        const gt_field *f = gt_field_at(m, t, i);
        for (const char *c = f->name; *c; c++)
            h = (h ^ (uint8_t)*c) * 0x100000001B3ull;
        h = (h ^ f->offset) * 0x100000001B3ull;
    }
    return (uint32_t)(h ^ h >> 32);
}

gt_id gt_embedder(const gt_model *m, gt_id base, uint64_t room)
{
    if (base < m->types.n && m->types.v[base].from_dwarf)
        base = (gt_id)dwx_resolve(m->dw, base); /* the struct, not a typedef of it */
    const gt_type *b = gt_get(m, base);
    if (b == NULL || m->embed.n == 0 || room < 2 * (b->size > 8 ? b->size : 8))
        return 0;
    uint64_t sig = layout_sig(m, base);
    size_t lo = 0, hi = m->embed.n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (m->embed.v[mid] >> 32 < sig)
            lo = mid + 1;
        else
            hi = mid;
    }
    /* the largest that fits; of equal sizes, one not named after a GC shape */
    gt_id best = 0;
    for (size_t i = lo; i < m->embed.n && m->embed.v[i] >> 32 == sig; i++) {
        gt_id s = (gt_id)(m->embed.v[i] & 0xffffffffu);
        uint64_t sz = m->types.v[s].size, bsz = best ? m->types.v[best].size : 0;
        bool shape = strncmp(m->types.v[s].name, "go.shape.", 9) == 0;
        if (sz <= room && (sz > bsz || (sz == bsz && !shape)))
            best = s;
    }
    return best;
}

/* Go 1.19's sync.entry.p is an unsafe.Pointer that holds an *interface{}
 * (sync/map.go; atomic.Pointer[any] from 1.20 says so itself). */
static bool version_facts(gt_model *m, ghf_err *err)
{
    if (m->rt->minor >= 20)
        return true;
    gt_id entry = gt_from_dwarf(m, dwx_type_by_name(m->dw, "sync.entry"));
    gt_id any = gt_from_dwarf(m, dwx_type_by_name(m->dw, "interface {}"));
    const gt_type *e = gt_get(m, entry);
    if (e == NULL || any == 0 || e->nfields != 1)
        return true;
    gt_id p;
    if (!new_type(m, (gt_type){.name = "*interface {}", .kind = GT_PTR, .size = m->L.ptr_size, .elem = any}, &p,
                  err))
        return false;
    m->fields.v[m->types.v[entry].first_field].type = p;
    return true;
}

static bool from_dwarf(gt_model *m, ghf_err *err)
{
    const dwx *dw = m->dw;
    size_t n = dwx_type_count(dw);
    size_t nf = 0;
    for (size_t i = 1; i <= n; i++) {
        const dwx_type *t = dwx_type_get(dw, (dwx_type_id)i);
        if (t->first_field + t->nfields > nf)
            nf = t->first_field + t->nfields;
    }
    if (!VEC_RESERVE(&m->types, n + 1, err) || !VEC_RESERVE(&m->fields, nf + 1, err))
        return false;
    memset(m->types.v, 0, (n + 1) * sizeof *m->types.v);
    m->types.n = n + 1;
    const dwx_field *df = dwx_fields(dw);
    for (size_t i = 0; i < nf; i++)
        m->fields.v[i] = (gt_field){df[i].name, df[i].offset, df[i].type};
    m->fields.n = nf;
    for (size_t i = 1; i <= n; i++) {
        const dwx_type *t = dwx_type_get(dw, (dwx_type_id)i);
        /* kind, elem and key from the first DIE of the typedef chain that states them */
        uint32_t kind = 0;
        dwx_type_id go_elem = 0, key = 0, id = (dwx_type_id)i;
        const dwx_type *r = t;
        for (int hop = 0; hop < 64 && r; hop++) {
            if (!kind && r->go_kind)
                kind = r->go_kind & KIND_MASK;
            if (!go_elem)
                go_elem = r->go_elem;
            if (!key)
                key = r->key;
            if (r->tag != DW_TAG_typedef || r->elem == 0)
                break;
            id = r->elem;
            r = dwx_type_get(dw, id);
        }
        if (r == NULL)
            continue;
        if (!kind)
            kind = dwarf_kind(r);
        if (kind == GT_PTR && r->tag == DW_TAG_pointer_type && r->elem == 0)
            kind = GT_UNSAFEPTR; /* a pointer to nothing in particular: unsafe.Pointer */
        gt_type g = {.name = t->name, .kind = (uint8_t)kind, .size = r->size, .rtype = 0, .from_dwarf = true};
        if (r->tag == DW_TAG_structure_type) {
            g.first_field = r->first_field;
            g.nfields = r->nfields;
        }
        switch (kind) {
        case GT_PTR:
        case GT_UNSAFEPTR:
            g.elem = r->tag == DW_TAG_pointer_type ? r->elem : 0;
            g.size = m->L.ptr_size;
            break;
        case GT_ARRAY:
            g.elem = r->elem;
            g.len = r->count;
            break;
        case GT_SLICE:
            g.elem = go_elem;
            break;
        case GT_MAP:
        case GT_CHAN:
            g.elem = go_elem;
            g.key = key;
            g.hdr = r->tag == DW_TAG_pointer_type ? dwx_resolve(dw, r->elem) : 0;
            g.size = m->L.ptr_size;
            break;
        case GT_INTERFACE:
            g.has_methods = r->nfields > 0 && strcmp(df[r->first_field].name, "tab") == 0;
            break;
        default:
            break;
        }
        m->types.v[i] = g;
    }
    for (size_t i = 1; i <= n; i++) {
        const dwx_type *t = dwx_type_get(dw, (dwx_type_id)i);
        if (t->tag != DW_TAG_structure_type || t->nfields == 0 || !df[t->first_field].embedded ||
            df[t->first_field].offset != 0)
            continue;
        gt_id base = (gt_id)dwx_resolve(dw, df[t->first_field].type);
        if (base && m->types.v[base].kind == GT_STRUCT && m->types.v[i].size > m->types.v[base].size &&
            !VEC_PUSH(&m->embed, (uint64_t)layout_sig(m, base) << 32 | i, err))
            return false;
    }
    if (m->embed.n) /* none without DWARF (qsort wants a non-NULL base) */
        qsort(m->embed.v, m->embed.n, sizeof *m->embed.v, cmp_u64);
    for (size_t i = 1; i <= n; i++) {
        uint8_t k = m->types.v[i].kind;
        if ((k == GT_MAP || k == GT_CHAN) && m->types.v[i].hdr)
            dwarf_roles(m, (gt_id)i);
    }
    return true;
}

/* ---- descriptors ---- */

static bool rd(const gt_model *m, uint64_t addr, uint64_t *v)
{
    return core_read_u64(m->rt->core, addr, v);
}

/* runtime/type.go name: flags byte, uvarint length, bytes. */
static bool read_name(const gt_model *m, uint64_t addr, char *buf, size_t cap)
{
    uint8_t b;
    uint64_t len = 0;
    int shift = 0, i = 1;
    if (addr == 0 || !core_read_u8(m->rt->core, addr, &b))
        return false;
    for (; i < 10; i++) {
        if (!core_read_u8(m->rt->core, addr + i, &b))
            return false;
        len |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
        if (!(b & 0x80))
            break;
    }
    if (len >= cap)
        len = cap - 1;
    if (!core_read(m->rt->core, addr + i + 1, buf, len))
        return false;
    buf[len] = '\0';
    return true;
}

/* The id for descriptor addr: known, its DWARF twin, or a new placeholder
 * queued for decoding. */
static bool desc_id(gt_model *m, uint64_t addr, gt_id *out, ghf_err *err)
{
    *out = 0;
    if (addr == 0)
        return true;
    gt_id id = map_find(m, addr);
    if (id == 0) {
        id = gt_from_dwarf(m, dwx_type_by_runtime_type(m->dw, addr - m->rt->bias));
        if (id == 0) {
            if (m->types.n - dwx_type_count(m->dw) > MAX_DESCRIPTORS)
                return true;
            if (!new_type(m, (gt_type){.rtype = addr}, &id, err) || !VEC_PUSH(&m->pending, id, err))
                return false;
        }
        if (!map_put(m, addr, id, err))
            return false;
        uint64_t kind = 0, tflag = 0;
        gt_type *t = &m->types.v[id];
        t->rtype = addr;
        if (rt_read_field(m->rt, addr, m->t_kind, &kind) && rt_read_field(m->rt, addr, m->t_tflag, &tflag))
            t->direct_iface = ((m->rt->minor >= 26 ? tflag : kind) & DIRECT_IFACE) != 0;
    }
    *out = id;
    return true;
}

/* A struct with a role that the runtime allocates for map or chan `owner`. */
static bool role_type(gt_model *m, uint8_t role, uint8_t kind, uint64_t size, gt_id owner, gt_id group,
                      gt_id *out, ghf_err *err)
{
    gt_type t = {.kind = kind, .role = role, .size = size, .owner = owner, .group = group};
    return new_type(m, t, out, err);
}

/* An old map's bucket (runtime/map.go bmap): tophash [8]uint8, then 8 keys,
 * 8 elems (pointers to them when stored indirectly: MapType.Flags bits 1
 * and 2, KeySize/ValueSize are the slot sizes) and the overflow pointer. */
static bool old_bucket(gt_model *m, uint64_t a, gt_id key, gt_id elem, uint64_t bucket_rtype, gt_id *out,
                       ghf_err *err)
{
    const gt_layout *L = &m->L;
    uint64_t P = L->ptr_size, at = a + L->type_size + 4 * P;
    uint8_t ks = 0, vs = 0, flags = 0;
    *out = 0;
    if (!core_read_u8(m->rt->core, at, &ks) || !core_read_u8(m->rt->core, at + 1, &vs) ||
        !core_read_u8(m->rt->core, at + 4, &flags))
        return true;
    gt_id slot[2] = {key, elem}, arr[2];
    uint8_t sz[2] = {ks, vs};
    for (int i = 0; i < 2; i++) {
        if (flags & (1u << i)) { /* indirect: the slot holds a pointer */
            gt_id p;
            if (!new_type(m, (gt_type){.kind = GT_PTR, .size = P, .elem = slot[i]}, &p, err))
                return false;
            slot[i] = p;
        }
        if (!new_type(m, (gt_type){.kind = GT_ARRAY, .size = 8u * sz[i], .len = 8, .elem = slot[i]}, &arr[i], err))
            return false;
    }
    gt_id b, ovf;
    if (!new_type(m, (gt_type){.kind = GT_STRUCT, .size = 8 + 8u * ks + 8u * vs + P}, &b, err) ||
        !new_type(m, (gt_type){.kind = GT_PTR, .size = P, .elem = b}, &ovf, err))
        return false;
    gt_field f[3] = {{"keys", 8, arr[0]}, {"elems", 8 + 8u * ks, arr[1]}, {"overflow", 8 + 8u * ks + 8u * vs, ovf}};
    m->types.v[b].first_field = (uint32_t)m->fields.n;
    m->types.v[b].nfields = 3;
    for (int i = 0; i < 3; i++)
        if (!VEC_PUSH(&m->fields, f[i], err))
            return false;
    if (bucket_rtype && map_find(m, bucket_rtype) == 0 && !map_put(m, bucket_rtype, b, err))
        return false;
    *out = b;
    return true;
}

static bool decode(gt_model *m, gt_id id, ghf_err *err)
{
    const gt_layout *L = &m->L;
    uint64_t a = m->types.v[id].rtype, T = L->type_size, P = L->ptr_size;
    uint64_t size = 0, kind = 0, tflag = 0, str = 0, w0 = 0, w1 = 0, w2 = 0;
    if (!rt_read_field(m->rt, a, m->t_size, &size) || !rt_read_field(m->rt, a, m->t_kind, &kind)) {
        m->bad++;
        return true;
    }
    rt_read_field(m->rt, a, m->t_tflag, &tflag);
    kind &= KIND_MASK;
    rd(m, a + T, &w0);
    rd(m, a + T + P, &w1);
    rd(m, a + T + 2 * P, &w2);
    gt_id elem = 0, key = 0, group = 0;
    gt_type t = m->types.v[id];
    t.kind = (uint8_t)kind;
    t.size = size;
    /* the name: Str is a nameOff from the module's types; reflect-made types
     * have a negative one (runtime.reflectOffs): their names are built from
     * their structure by gt_label */
    char name[512];
    if (rt_read_field(m->rt, a, m->t_str, &str) && (int32_t)str > 0 &&
        read_name(m, m->types_base + (uint32_t)str, name, sizeof name) && name[0]) {
        const char *n = name + ((tflag & TFLAG_EXTRA_STAR) && name[0] == '*');
        if ((t.name = own(m, n, strlen(n), err)) == NULL)
            return false;
    }
    switch (kind) {
    case GT_PTR:
    case GT_SLICE:
    case GT_CHAN:
        if (!desc_id(m, w0, &elem, err))
            return false;
        t.elem = elem;
        break;
    case GT_ARRAY:
        if (!desc_id(m, w0, &elem, err))
            return false;
        t.elem = elem;
        t.len = w2;
        break;
    case GT_MAP:
        if (!desc_id(m, w0, &key, err) || !desc_id(m, w1, &elem, err))
            return false;
        /* Swiss maps: MapType.Group is a real struct descriptor. Old maps:
         * reflect's bucketOf makes a fieldless one, so the bucket is built
         * from the key and elem as runtime/map.go lays it out. */
        if (L->swiss ? !desc_id(m, w2, &group, err) : !old_bucket(m, a, key, elem, w2, &group, err))
            return false;
        t.key = key;
        t.elem = elem;
        t.group = group;
        break;
    case GT_INTERFACE: {
        uint64_t nmethods = 0;
        rd(m, a + T + 2 * P, &nmethods);
        t.has_methods = nmethods > 0;
        break;
    }
    case GT_STRUCT: {
        uint64_t fp = w1, nf = w2;
        if (nf > MAX_DESC_FIELDS || !rt_array_fits(m->rt, fp, nf, 3 * P)) {
            m->bad++;
            break;
        }
        size_t first = m->fields.n;
        for (uint64_t i = 0; i < nf; i++) {
            uint64_t fname = 0, ftyp = 0, foff = 0;
            gt_id fid = 0;
            rd(m, fp + i * 3 * P, &fname);
            rd(m, fp + i * 3 * P + P, &ftyp);
            rd(m, fp + i * 3 * P + 2 * P, &foff);
            if (!desc_id(m, ftyp, &fid, err))
                return false;
            const char *fn = "";
            if (read_name(m, fname, name, sizeof name) && (fn = own(m, name, strlen(name), err)) == NULL)
                return false;
            gt_field f = {fn, foff, fid};
            if (!VEC_PUSH(&m->fields, f, err))
                return false;
        }
        t.first_field = (uint32_t)first;
        t.nfields = (uint32_t)(m->fields.n - first);
        break;
    }
    default:
        break;
    }
    m->types.v[id] = t;
    /* a map's and a channel's runtime structs, typed for walking */
    if (kind == GT_CHAN) {
        gt_id hdr;
        if (!role_type(m, GT_ROLE_CHAN_HEADER, GT_STRUCT, L->hchan_size, id, 0, &hdr, err))
            return false;
        m->types.v[id].hdr = hdr;
    } else if (kind == GT_MAP) {
        set_role(m, group, L->swiss ? GT_ROLE_MAP_GROUPS : GT_ROLE_MAP_BUCKETS, id, group);
        gt_id hdr, table = 0, dir = 0;
        if (!role_type(m, GT_ROLE_MAP_HEADER, GT_STRUCT, L->swiss ? L->smap_size : L->hmap_size, id, group, &hdr,
                       err))
            return false;
        if (L->swiss) {
            if (!role_type(m, GT_ROLE_MAP_TABLE, GT_STRUCT, L->table_size, id, group, &table, err) ||
                !role_type(m, GT_ROLE_MAP_DIR, GT_PTR, P, id, group, &dir, err))
                return false;
            m->types.v[dir].elem = table;
            m->types.v[hdr].elem = dir;
        }
        m->types.v[id].hdr = hdr;
    }
    return true;
}

bool gt_from_rtype(gt_model *m, uint64_t rtype, gt_id *out, ghf_err *err)
{
    *out = map_find(m, rtype);
    if (*out || rtype == 0)
        return true;
    if (!desc_id(m, rtype, out, err))
        return false;
    while (m->pending.n)
        if (!decode(m, m->pending.v[--m->pending.n], err))
            return false;
    return true;
}

/* ---- closures ---- */

bool gt_closure(gt_model *m, uint64_t pc, gt_id *out, ghf_err *err)
{
    *out = map_find(m, pc | CLOSURE_KEY);
    if (*out)
        return true;
    pcln_func f;
    if (!pcln_find(m->rt->pcln, pc, &f))
        return true;
    char name[512];
    snprintf(name, sizeof name, "%s (closure)", f.name);
    gt_type t = {.kind = GT_STRUCT, .role = GT_ROLE_CLOSURE, .first_field = (uint32_t)m->fields.n};
    if ((t.name = own(m, name, strlen(name), err)) == NULL)
        return false;
    const dwx_func *df = dwx_func_at(m->dw, f.entry - m->rt->bias);
    const dwx_local *only = NULL;
    uint32_t nvars = 0;
    for (uint32_t i = 0; df && i < df->nlocals; i++) {
        const dwx_local *l = &dwx_locals(m->dw)[df->first_local + i];
        if (l->is_param || l->inlined)
            continue;
        nvars++;
        only = l;
        if (l->closure_offset < 0)
            continue;
        gt_field fl = {l->name, (uint64_t)l->closure_offset, gt_from_dwarf(m, l->type)};
        if (!VEC_PUSH(&m->fields, fl, err))
            return false;
    }
    /* Before 1.23 DWARF gives no offsets; a closure whose function has one
     * variable of its own, that variable captured, holds it right after
     * the code pointer (cmd/compile closure layout {F uintptr; vars...}). */
    if (m->rt->minor < 23 && nvars == 1 && m->fields.n == t.first_field && only->name[0] != '~') {
        gt_field fl = {only->name, m->L.ptr_size, gt_from_dwarf(m, only->type)};
        if (!VEC_PUSH(&m->fields, fl, err))
            return false;
    }
    /* A method value "pkg.T.m-fm" / "pkg.(*T).m-fm" captures its receiver. */
    size_t n = strlen(f.name);
    const char *dot = n > 3 && strcmp(f.name + n - 3, "-fm") == 0 ? strrchr(f.name, '.') : NULL;
    if (m->fields.n == t.first_field && dot != NULL && dot > f.name) {
        char recv[512];
        const char *star = strstr(f.name, ".(*");
        if (star != NULL && star < dot)  /* pkg.(*T).m-fm: *pkg.T */
            snprintf(recv, sizeof recv, "*%.*s.%.*s", (int)(star - f.name), f.name, (int)(dot - star - 4), star + 3);
        else
            snprintf(recv, sizeof recv, "%.*s", (int)(dot - f.name), f.name);
        gt_field fl = {"receiver", m->L.ptr_size, gt_from_dwarf(m, dwx_type_by_name(m->dw, recv))};
        if (fl.type && !VEC_PUSH(&m->fields, fl, err))
            return false;
    }
    t.nfields = (uint32_t)(m->fields.n - t.first_field);
    return new_type(m, t, out, err) && map_put(m, pc | CLOSURE_KEY, *out, err);
}

/* ---- names ---- */

static size_t put(char *buf, size_t cap, size_t n, const char *s)
{
    size_t l = strlen(s);
    if (n + l >= cap)
        l = n + 1 < cap ? cap - n - 1 : 0;
    memcpy(buf + n, s, l);
    buf[n + l] = '\0';
    return n + l;
}

/* Go's spelling of type id, built from its structure when it has no name
 * (types made by reflect), nested at most `depth` levels. */
static size_t type_name(const gt_model *m, gt_id id, char *buf, size_t cap, size_t n, int depth)
{
    const gt_type *t = gt_get(m, id);
    if (t == NULL || depth > 8)
        return put(buf, cap, n, "?");
    if (t->name && t->name[0])
        return put(buf, cap, n, t->name);
    char num[32];
    switch (t->kind) {
    case GT_PTR:
        return type_name(m, t->elem, buf, cap, put(buf, cap, n, "*"), depth + 1);
    case GT_SLICE:
        return type_name(m, t->elem, buf, cap, put(buf, cap, n, "[]"), depth + 1);
    case GT_ARRAY:
        snprintf(num, sizeof num, "[%llu]", (unsigned long long)t->len);
        return type_name(m, t->elem, buf, cap, put(buf, cap, n, num), depth + 1);
    case GT_CHAN:
        return type_name(m, t->elem, buf, cap, put(buf, cap, n, "chan "), depth + 1);
    case GT_MAP:
        n = type_name(m, t->key, buf, cap, put(buf, cap, n, "map["), depth + 1);
        return type_name(m, t->elem, buf, cap, put(buf, cap, n, "]"), depth + 1);
    case GT_INTERFACE:
        return put(buf, cap, n, "interface {}");
    case GT_FUNC:
        return put(buf, cap, n, "func");
    case GT_STRUCT:
        n = put(buf, cap, n, "struct {");
        for (uint32_t i = 0; i < t->nfields; i++) {
            const gt_field *f = gt_field_at(m, t, i);
            n = put(buf, cap, n, i ? "; " : " ");
            n = put(buf, cap, put(buf, cap, n, f->name), " ");
            n = type_name(m, f->type, buf, cap, n, depth + 1);
        }
        return put(buf, cap, n, t->nfields ? " }" : "}");
    default:
        return put(buf, cap, n, "?");
    }
}

void gt_label(const gt_model *m, gt_id id, bool plural, char *buf, size_t cap)
{
    static const char *const suffix[] = {
        [GT_ROLE_MAP_HEADER] = "", [GT_ROLE_MAP_BUCKETS] = " (buckets)", [GT_ROLE_MAP_GROUPS] = " (groups)",
        [GT_ROLE_MAP_TABLE] = " (table)", [GT_ROLE_MAP_DIR] = " (directory)", [GT_ROLE_CHAN_HEADER] = "",
    };
    const gt_type *t = gt_get(m, id);
    buf[0] = '\0';
    if (t != NULL && t->role != GT_ROLE_NONE && t->role != GT_ROLE_CLOSURE && t->owner) {
        size_t n = type_name(m, t->owner, buf, cap, 0, 0);
        put(buf, cap, n, suffix[t->role]);
        return;
    }
    type_name(m, id, buf, cap, put(buf, cap, 0, plural ? "[]" : ""), 0);
}

/* ---- open / close ---- */

/* The runtime's type descriptors as DWARF has them: their common part gets
 * the role GT_ROLE_TYPE_DESC, and each kind its whole descriptor type (the
 * first of these names the program has: reflect's own, then abi's, then
 * the runtime's before 1.21). */
static void descriptor_types(gt_model *m)
{
    static const char *const common[] = {"reflect.rtype", "internal/abi.Type", "runtime._type"};
    static const struct { uint8_t kind; const char *names[5]; } per_kind[] = {
        {GT_ARRAY, {"reflect.arrayType", "internal/abi.ArrayType", "runtime.arraytype"}},
        {GT_CHAN, {"reflect.chanType", "internal/abi.ChanType", "runtime.chantype"}},
        {GT_FUNC, {"reflect.funcType", "internal/abi.FuncType", "runtime.functype"}},
        {GT_INTERFACE, {"reflect.interfaceType", "internal/abi.InterfaceType", "runtime.interfacetype"}},
        {GT_MAP, {"reflect.mapType", "internal/abi.SwissMapType", "internal/abi.MapType", "internal/abi.OldMapType",
                  "runtime.maptype"}},
        {GT_PTR, {"reflect.ptrType", "internal/abi.PtrType", "runtime.ptrtype"}},
        {GT_SLICE, {"reflect.sliceType", "internal/abi.SliceType", "runtime.slicetype"}},
        {GT_STRUCT, {"reflect.structType", "internal/abi.StructType", "runtime.structtype"}},
    };
    for (size_t i = 0; i < sizeof common / sizeof *common; i++) {
        dwx_type_id d = dwx_type_by_name(m->dw, common[i]);
        if (d != 0) {
            if (i > 0 && m->desc_common == 0)
                m->desc_common = gt_from_dwarf(m, d);
            set_role(m, gt_from_dwarf(m, d), GT_ROLE_TYPE_DESC, 0, 0);
            set_role(m, (gt_id)dwx_resolve(m->dw, d), GT_ROLE_TYPE_DESC, 0, 0);
        }
    }

    for (size_t i = 0; i < sizeof per_kind / sizeof *per_kind; i++)
        for (size_t k = 0; k < 5 && per_kind[i].names[k]; k++) {
            gt_id d = gt_from_dwarf(m, dwx_type_by_name(m->dw, per_kind[i].names[k]));
            const gt_type *t = gt_get(m, d);
            if (t != NULL && t->kind == GT_STRUCT && t->size >= m->L.type_size) {
                m->kind_desc[per_kind[i].kind] = d;
                set_role(m, d, GT_ROLE_TYPE_DESC, 0, 0); /* it starts with the common part too */
                set_role(m, (gt_id)dwx_resolve(m->dw, d), GT_ROLE_TYPE_DESC, 0, 0);
                break;
            }
        }
    /* and the typedefs naming them (a pointer's elem may be either DIE) */
    size_t n = dwx_type_count(m->dw);
    for (size_t i = 1; i <= n; i++)
        if (dwx_type_get(m->dw, (dwx_type_id)i)->tag == DW_TAG_typedef &&
            m->types.v[dwx_resolve(m->dw, (dwx_type_id)i)].role == GT_ROLE_TYPE_DESC)
            set_role(m, (gt_id)i, GT_ROLE_TYPE_DESC, 0, 0);
}

gt_id gt_descriptor_common(const gt_model *m)
{
    return m->desc_common;
}

gt_id gt_descriptor_at(const gt_model *m, gt_id base, uint64_t addr)
{
    const gt_type *b = gt_get(m, base);
    uint64_t kind = 0;
    if (b == NULL || b->role != GT_ROLE_TYPE_DESC || !rt_read_field(m->rt, addr, m->t_kind, &kind))
        return base;
    /* the kind byte is the core's: 27-31 name no kind (and lie past kind_desc) */
    if ((kind & KIND_MASK) > GT_UNSAFEPTR)
        return base;
    gt_id whole = m->kind_desc[kind & KIND_MASK];
    return whole ? whole : base;
}

/* Without DWARF, a map's bucket (<= 1.23) or group (1.24+) array known
 * only by its malloc header names the bucket's descriptor, which does not
 * say it belongs to a map: its overflow pointer is an unsafe.Pointer, its
 * empty slots hold garbage. The map type does say it (MapType.Bucket /
 * Group), and the linker lists every unnamed map type in the module's
 * typelinks (reflect.MapOf must find it): decode those first, so each
 * bucket descriptor is the map's bucket, with its role and owner. A
 * bucket of a named map type only (not listed) stays a plain struct. Go
 * 1.27 has no typelinks list. */
#define TYPELINKS_MAX (1u << 20)
static bool typelinks_maps(gt_model *m, ghf_err *err)
{
    uint64_t p, n, kind;
    if (dwx_synthetic(m->dw) == NULL || m->rt->md.typelinks.size == 0 || m->types_base == 0 ||
        !rt_read_slice(m->rt, m->rt->firstmoduledata + m->rt->md.typelinks.off, &p, &n) || n > TYPELINKS_MAX ||
        !rt_array_fits(m->rt, p, n, 4))
        return true;
    for (uint64_t i = 0; i < n; i++) {
        uint32_t off;
        gt_id id;
        if (!core_read_u32(m->rt->core, p + 4 * i, &off) ||
            !rt_read_field(m->rt, m->types_base + off, m->t_kind, &kind) || (kind & KIND_MASK) != GT_MAP)
            continue;
        if (!gt_from_rtype(m, m->types_base + off, &id, err))
            return false;
    }
    return true;
}

bool gt_open(const go_runtime *rt, gt_model **out, ghf_err *err)
{
    gt_model *m = ghf_xcalloc(1, sizeof *m, err);
    if (m == NULL)
        return false;
    m->rt = rt;
    m->dw = rt->dw;
    layout_init(m);
    if (!from_dwarf(m, err) || !version_facts(m, err)) {
        gt_close(m);
        return false;
    }
    descriptor_types(m);
    /* Old maps' bucket types have no DWARF link to their descriptor: take it
     * from the map type's own descriptor (MapType.Bucket), so a bucket array
     * known only by its malloc header finds its DWARF type. */
    size_t n = m->types.n;
    for (size_t i = 1; i < n; i++) {
        gt_type *t = &m->types.v[i];
        const dwx_type *d = dwx_type_get(m->dw, (dwx_type_id)i);
        if (t->kind != GT_MAP || t->group == 0 || d->runtime_type == 0 || d->tag != DW_TAG_typedef)
            continue;
        uint64_t g = 0;
        if (rd(m, d->runtime_type + rt->bias + m->L.type_size + 2 * m->L.ptr_size, &g) && g &&
            map_find(m, g) == 0 && dwx_type_by_runtime_type(m->dw, g - rt->bias) == 0 &&
            !map_put(m, g, m->types.v[i].group, err)) {
            gt_close(m);
            return false;
        }
    }
    if (!typelinks_maps(m, err)) {
        gt_close(m);
        return false;
    }
    *out = m;
    return true;
}

void gt_close(gt_model *m)
{
    if (m == NULL)
        return;
    for (size_t i = 0; i < m->strings.n; i++)
        free(m->strings.v[i]);
    VEC_FREE(&m->strings);
    VEC_FREE(&m->types);
    VEC_FREE(&m->fields);
    VEC_FREE(&m->pending);
    VEC_FREE(&m->embed);
    free(m->keys);
    free(m->vals);
    free(m);
}
