/* roots.c — GC roots: globals, goroutine stacks, registers (see roots.h). */
#include "roots.h"

#include <dwarf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gstack.h"
#include "parallel.h"
#include "pcln.h"

/* Find or create the root called name (root ids equal name ids). */
static bool root_get(roots *r, const char *name, uint8_t kind, dwx_type_id type, uint64_t addr,
                     uint32_t *out, ghf_err *err)
{
    if (!strtab_intern(&r->names, name, strlen(name), out, err))
        return false;
    if (*out < r->list.n)
        return true;
    root nr = {.name = *out, .kind = kind, .type = type, .addr = addr};
    return VEC_PUSH(&r->list, nr, err);
}

typedef gstack_frame frame;

/* An edge as found, but for its variable (walker.raw_vars). */
typedef struct raw_edge {
    uint32_t root, obj;
    uint64_t slot;
} raw_edge;

/* A stack object (runtime/stack.go stackObjectRecord: a non-escaping make,
 * &T{...}, composite literal or address-taken local) of the goroutine being
 * walked. As in the runtime (runtime/mgcmark.go scanstack), it is scanned
 * only if a live slot or another scanned stack object points into it: its
 * memory may hold stale pointers from an earlier use of the stack until the
 * code that owns it runs. */
typedef struct stack_obj {
    uint32_t frame;          /* index in walker.frames of the frame it lives in */
    uint64_t base, size;
    uint32_t ptrbytes, gcoff;
    const uint8_t *mask;     /* its GC mask in the mapped core, NULL: read it byte by byte */
    bool scanned;            /* something points into it: all its pointer words are scanned */
    bool live;               /* the frame's pointer map marks some of its words live */
    uint8_t named_by;        /* SOBJ_BY_*: how its root is named */
} stack_obj;
enum { SOBJ_BY_FRAME, SOBJ_BY_OWN_VAR, SOBJ_BY_POINTER, SOBJ_BY_UNPLACED_VAR };

/* A pointer into the goroutine's stack, and where it was found. */
typedef struct stack_ref {
    uint64_t p, slot;
    uint32_t frame;          /* index in walker.frames of the slot's frame */
    uint32_t obj;            /* index in walker.sobjs of the object p points into, or SOBJ_NONE */
    uint32_t seq;            /* order found: the first typed referrer names the object */
} stack_ref;
#define SOBJ_NONE UINT32_MAX

/* A word the pointer maps mark live inside a stack object, and the heap
 * object it points into (found once, when the word was scanned). */
typedef struct live_word {
    uint64_t slot;
    uint32_t obj;
} live_word;

/* A stretch of walker.raw encoded by one walker: its own edges, or those
 * spliced in from the other core's walker (merge_share). Encoding starts
 * afresh every ROOT_EDGE_MARK edges from a segment's start. */
typedef struct raw_seg {
    size_t start;                  /* its first raw edge */
    size_t mark0;                  /* index in raw_marks of its first mark */
    uint32_t image0;               /* added to its edges' var_image: the other walker's
                                      images follow this one's in roots.images */
} raw_seg;
#define RAW_SEGS 3                 /* own, spliced, own again */

typedef struct walker {
    heap *h;
    roots *r;
    const roots_opts *opts;
    ghf_err *err;
    const go_runtime *rt;
    uint64_t gofunc, rodata;
    char prefix[48];       /* "goroutine N: " when splitting, else "" */
    uint64_t stack_lo, stack_hi;   /* the goroutine being walked */
    VEC(frame) frames;             /* its frames that hold stack objects or pointers to them */
    VEC(stack_obj) sobjs;          /* its stack objects */
    VEC(stack_ref) stack_refs;     /* pointers into its stack, to resolve to stack objects */
    VEC(live_word) sobj_live;      /* live pointer-map words inside its stack objects */
    VEC(uint32_t) frame_nobjs;     /* per frame in frames: how many of sobjs live in it */
    size_t frame_sobj0;            /* the frame being scanned has sobjs[frame_sobj0..n), sorted */
    gstack_ctx gs;                 /* how goroutine stacks are walked */
    VEC(uint64_t) interrupted_regs;/* registers of running goroutines' interrupted contexts */
    VEC(raw_edge) raw;             /* the edges as found (edge_push), before sort_edges encodes */
    VEC(uint8_t) raw_vars;         /* them in r->edges; their variables */
    VEC(uint64_t) raw_marks;       /* offset in raw_vars of every ROOT_EDGE_MARK-th edge's
                                      (counted from its segment's start) */
    root_edge raw_prev;            /* the edge pushed last */
    size_t raw_next_mark;          /* the raw edge that starts the next mark */
    raw_seg segs[RAW_SEGS];        /* raw's segments (merge_share), segs[0].start == 0 */
    int nsegs;                     /* 0: one segment, all the walker's own */
    VEC(uint32_t) gstarts;         /* index in raw where each goroutine's edges begin, and
                                      where the last one's end (sort_edges' runs), ascending */
    uint64_t g_addr;               /* the g whose stack is being walked */
    uint32_t *local_root;          /* per DWARF local (index in dwx_locals): id + 1 of its root
                                      "pkg.func.var", 0 = not yet; unused when prefix is set */
    struct fit_memo *fits;         /* sobj_unplaced_var_fits' answers (FIT_MEMO entries), or NULL */
} walker;

/* What sobj_unplaced_var_fits answered for a local and a stack object of
 * this size and GC mask: the same in every goroutine running that code. */
typedef struct fit_memo {
    const void *local;             /* NULL: empty */
    uint64_t size;
    uint32_t ptrbytes, gcoff;
    bool fits;
    dwx_type_id type;
    uint64_t esize, count;
} fit_memo;
#define FIT_MEMO 4096u             /* direct-mapped: a collision only recomputes */

/* ---- the edges' encoding (roots.h root_edges) ----
 *
 * Each edge against the one before it (all zero at a mark):
 *   varint  zigzag(obj - prev.obj) << 2 | mode: 1: the variable (var_addr,
 *           var_type, var_image) is the previous edge's; 2: the same but
 *           var_addr as far before the slot as the previous edge's (an
 *           array of pointers, each element typed as its own value)
 *   varint  zigzag(slot - prev.slot)
 *   mode 0: a flags byte, then what it flags:
 *     1: varint zigzag(slot - var_addr) (else var_addr is 0)
 *     2: varint var_type (else the previous edge's)
 *     4: varint var_image (else the previous edge's)
 * The root is not stored: edges are sorted by root (root_edges.first). */
#define EDGE_CODE_MAX 48 /* 5 + 10 + 1 + 10 + 5 + 5 bytes at most */
#define VAR_SAME 8       /* var_mode: the previous edge's variable */
#define VAR_SAME_OFF 16  /* var_mode: as far before the slot as the previous edge's */

static inline uint64_t zigzag(uint64_t d)
{
    return d << 1 ^ (uint64_t)((int64_t)d >> 63);
}

static inline uint64_t unzigzag(uint64_t u)
{
    return u >> 1 ^ (0 - (u & 1));
}

static inline uint8_t *put_varint(uint8_t *p, uint64_t v)
{
    for (; v >= 0x80; v >>= 7)
        *p++ = (uint8_t)(v | 0x80);
    *p++ = (uint8_t)v;
    return p;
}

static inline const uint8_t *get_varint(const uint8_t *p, uint64_t *v)
{
    uint64_t x = *p & 0x7f;
    for (unsigned s = 7; *p++ & 0x80; s += 7)
        x |= (uint64_t)(*p & 0x7f) << s;
    *v = x;
    return p;
}

/* The variable part of e against prev's, from its flags byte on. */
static uint8_t *var_put(uint8_t *p, const root_edge *e, const root_edge *prev)
{
    uint8_t *flags = p++;
    *flags = (uint8_t)((e->var_addr != 0) | (e->var_type != prev->var_type) << 1 |
                       (e->var_image != prev->var_image) << 2);
    if (*flags & 1)
        p = put_varint(p, zigzag(e->slot - e->var_addr));
    if (*flags & 2)
        p = put_varint(p, e->var_type);
    if (*flags & 4)
        p = put_varint(p, e->var_image);
    return p;
}

/* The variable part into e (whose slot is set), flags byte and all; in
 * walker.raw_vars the byte may be a var_mode instead (e then holds the
 * previous edge's variable, and its slot). */
static const uint8_t *var_get(const uint8_t *p, root_edge *e, uint64_t prev_slot)
{
    uint64_t v;
    uint8_t flags = *p++;
    if (flags & (VAR_SAME | VAR_SAME_OFF)) {
        if (flags & VAR_SAME_OFF)
            e->var_addr = e->slot - (prev_slot - e->var_addr);
        return p;
    }
    e->var_addr = 0;
    if (flags & 1) {
        p = get_varint(p, &v);
        e->var_addr = e->slot - unzigzag(v);
    }
    if (flags & 2) {
        p = get_varint(p, &v);
        e->var_type = (dwx_type_id)v;
    }
    if (flags & 4) {
        p = get_varint(p, &v);
        e->var_image = (uint32_t)v;
    }
    return p;
}

/* How e's variable follows from prev's: VAR_SAME (the same one: a value
 * of several pointers), VAR_SAME_OFF (one as far before e's slot: the
 * elements of an array of pointers, each its own value), else 0 (stored). */
static uint8_t var_mode(const root_edge *e, const root_edge *prev)
{
    if (e->var_type != prev->var_type || e->var_image != prev->var_image)
        return 0;
    if (e->var_addr == prev->var_addr)
        return VAR_SAME;
    return e->slot - e->var_addr == prev->slot - prev->var_addr ? VAR_SAME_OFF : 0;
}

/* e's variable per mode (e->slot set), from prev's. */
static void var_follow(root_edge *e, const root_edge *prev, uint8_t mode)
{
    if (mode == VAR_SAME_OFF)
        e->var_addr = e->slot - (prev->slot - prev->var_addr);
}

static uint8_t *edge_put(uint8_t *p, const root_edge *e, const root_edge *prev)
{
    uint8_t mode = var_mode(e, prev);
    p = put_varint(p, zigzag((uint64_t)e->obj - prev->obj) << 2 | (mode == VAR_SAME) | (mode == VAR_SAME_OFF) << 1);
    p = put_varint(p, zigzag(e->slot - prev->slot));
    return mode ? p : var_put(p, e, prev);
}

static const uint8_t *edge_get(const uint8_t *p, root_edge *e)
{
    uint64_t u, v;
    root_edge prev = *e;
    p = get_varint(p, &u);
    e->obj = (uint32_t)(e->obj + unzigzag(u >> 2));
    p = get_varint(p, &v);
    e->slot += unzigzag(v);
    if ((u & 3) == 0)
        return var_get(p, e, prev.slot);
    var_follow(e, &prev, u & 2 ? VAR_SAME_OFF : VAR_SAME);
    return p;
}

/* Record an edge while walking: its root, object and slot in w->raw (to
 * sort by), its variable in w->raw_vars, encoded against the edge before
 * (one byte, its var_mode, when it follows from that one's): 16 B and
 * ~1 B an edge instead of 32 until sort_edges encodes them in order. */
static bool edge_push(walker *w, const root_edge *e)
{
    if (w->raw.n == w->raw_next_mark) {
        if (!VEC_PUSH(&w->raw_marks, w->raw_vars.n, w->err))
            return false;
        w->raw_prev = (root_edge){0};
        w->raw_next_mark = w->raw.n + ROOT_EDGE_MARK;
    }
    if (!VEC_RESERVE(&w->raw_vars, w->raw_vars.n + EDGE_CODE_MAX, w->err))
        return false;
    uint8_t *p = w->raw_vars.v + w->raw_vars.n;
    uint8_t mode = var_mode(e, &w->raw_prev);
    if (mode)
        *p++ = mode;
    else
        p = var_put(p, e, &w->raw_prev);
    w->raw_vars.n = (size_t)(p - w->raw_vars.v);
    w->raw_prev = *e;
    return VEC_PUSH(&w->raw, ((raw_edge){.root = e->root, .obj = e->obj, .slot = e->slot}), w->err);
}

/* The allocated object the word at slot points into (its value in *v), or
 * HEAP_NONE for an unreadable, nil or non-heap word. */
static uint32_t heap_word(const walker *w, uint64_t slot, uint64_t *v)
{
    if (!core_read_u64(w->rt->core, slot, v) || *v == 0)
        return HEAP_NONE;
    return heap_find(w->h, *v);
}

/* Record an edge from root id to obj, which the word at slot points into,
 * held in a variable of the given type at var_addr (0: unknown). */
static bool root_edge_add(walker *w, uint32_t id, uint64_t slot, uint32_t obj, dwx_type_id type, uint64_t var_addr,
                          uint32_t image)
{
    root_edge e = {.root = id, .obj = obj, .slot = slot, .var_addr = type ? var_addr : 0, .var_type = type,
                   .var_image = type ? image : 0};
    return edge_push(w, &e);
}

/* Record an edge from the root named `name` to obj, which the word at slot
 * points into. */
static bool object_edge(walker *w, uint64_t slot, uint32_t obj, const char *name, uint8_t kind, dwx_type_id type,
                        uint64_t var_addr, uint32_t image)
{
    uint32_t id;
    return root_get(w->r, name, kind, type, slot, &id, w->err) &&
           root_edge_add(w, id, slot, obj, type, var_addr, image);
}

/* If the word at slot points into an allocated object, record an edge
 * from the root named `name`. */
static bool slot_edge(walker *w, uint64_t slot, const char *name, uint8_t kind, dwx_type_id type,
                      uint64_t var_addr, uint32_t image)
{
    uint64_t v;
    uint32_t obj = heap_word(w, slot, &v);
    return obj == HEAP_NONE || object_edge(w, slot, obj, name, kind, type, var_addr, image);
}

/* ---- globals ---- */

/* A word of `sec` ("data", "bss") with no global known at it is named by
 * its offset there, "[bss+0x1a0]": what an executable without symbols
 * (-ldflags="-s -w") gives for the program's own globals. */
static bool scan_section(walker *w, const char *sec, uint64_t start, uint64_t end, uint64_t nbits,
                         uint64_t bytedata)
{
    const go_runtime *rt = w->rt;
    uint64_t words = (end - start) / 8;
    if (nbits > words)
        nbits = words;
    char name[512];
    uint8_t b = 0;
    for (uint64_t i = 0; i < nbits; i++) {
        if (i % 8 == 0 && !core_read_u8(rt->core, bytedata + i / 8, &b))
            return ghf_fail(w->err, GHF_EXIT_INPUT, "cannot read the module's GC mask at 0x%llx",
                            (unsigned long long)(bytedata + i / 8));
        if (!(b >> (i % 8) & 1))
            continue;
        uint64_t slot = start + i * 8;
        uint64_t v;
        if (!core_read_u64(rt->core, slot, &v) || v == 0 || heap_find(w->h, v) == HEAP_NONE)
            continue;
        const dwx_var *var = dwx_global_at(rt->dw, slot - rt->bias);
        dwx_type_id type = 0;
        uint64_t var_addr = 0;
        if (var != NULL) {
            snprintf(name, sizeof name, "%s", var->name);
            type = var->type;
            var_addr = var->addr + rt->bias;
        } else {
            uint64_t off;
            const char *sym = core_symbol_at(rt->core, slot, &off);
            if (sym != NULL)
                snprintf(name, sizeof name, "%s", sym);
            else
                snprintf(name, sizeof name, "[%s+0x%llx]", sec, (unsigned long long)(slot - start));
        }
        if (!slot_edge(w, slot, name, ROOT_GLOBAL, type, var_addr, 0))
            return false;
    }
    return true;
}

static bool scan_globals(walker *w)
{
    const go_runtime *rt = w->rt;
    list_walk lw;
    for (uint64_t md = list_walk_start(&lw, rt->damage, rt->firstmoduledata, rt->md.next.off + 8, "the module list");
         md != 0;) {
        uint64_t data, edata, bss, ebss, dn, db, bn, bb, next = 0;
        if (!rt_read_field(rt, md, rt->md.data, &data) || !rt_read_field(rt, md, rt->md.edata, &edata) ||
            !rt_read_field(rt, md, rt->md.bss, &bss) || !rt_read_field(rt, md, rt->md.ebss, &ebss) ||
            !rt_read_field(rt, md, rt->md.gcdatamask_n, &dn) ||
            !rt_read_field(rt, md, rt->md.gcdatamask_bytes, &db) ||
            !rt_read_field(rt, md, rt->md.gcbssmask_n, &bn) || !rt_read_field(rt, md, rt->md.gcbssmask_bytes, &bb))
            return ghf_fail(w->err, GHF_EXIT_INPUT, "cannot read runtime.firstmoduledata from the core");
        if (edata < data || ebss < bss || edata - data > (1ull << 34) || ebss - bss > (1ull << 34) ||
            (edata > data && (!core_mapped(rt->core, data) || !core_mapped(rt->core, edata - 1))) ||
            (ebss > bss && (!core_mapped(rt->core, bss) || !core_mapped(rt->core, ebss - 1))))
            return ghf_fail(w->err, GHF_EXIT_INPUT, "implausible data/bss bounds in moduledata");
        /* bitvector.n is an int32 count of bits */
        if (!scan_section(w, "data", data, edata, (uint32_t)dn, db) ||
            !scan_section(w, "bss", bss, ebss, (uint32_t)bn, bb))
            return false;
        if (rt->md.next.size)
            rt_read_field(rt, md, rt->md.next, &next);
        md = list_walk_next(&lw, next);
    }
    return true;
}

/* ---- stacks ---- */

static bool name_is(const pcln_func *f, const char *n)
{
    return f->name != NULL && strcmp(f->name, n) == 0;
}

/* A variable the runtime keeps in a frame with no DWARF variable for it:
 * Go 1.26+ emit none for gcBgMarkWorker's `node := &new(gcBgMarkWorkerNodePadded).
 * gcBgMarkWorkerNode` (runtime/mgc.go), which earlier versions name. Known
 * by what the word points to: the node whose gp is this goroutine. */
static bool undescribed_local(walker *w, const frame *f, uint64_t v, char *buf, size_t cap, dwx_type_id *type)
{
    const dwx *dw = w->rt->dw;
    if (!name_is(&f->fn, "runtime.gcBgMarkWorker"))
        return false;
    dwx_type_id ptr = dwx_type_by_name(dw, "*runtime.gcBgMarkWorkerNode");
    const dwx_field *gp = dwx_field_by_name(dw, dwx_type_by_name(dw, "runtime.gcBgMarkWorkerNode"), "gp");
    uint64_t g;
    if (ptr == 0 || gp == NULL || !core_read_u64(w->rt->core, v + gp->offset, &g) || g != w->g_addr)
        return false;
    snprintf(buf, cap, "%s%s.node", w->prefix, f->fn.name);
    *type = ptr;
    return true;
}

/* buf = "<prefix><func>.<var>", cut to cap - 1 bytes as snprintf would:
 * the name of a local, built once per slot or stack object (a hot path). */
static void local_name(char *buf, size_t cap, const char *prefix, const char *func, const char *var)
{
    const char *parts[4] = {prefix, func, ".", var};
    size_t n = 0;
    for (int i = 0; i < 4; i++) {
        size_t len = strlen(parts[i] ? parts[i] : (parts[i] = "(null)")); /* as glibc prints NULL */
        if (len > cap - 1 - n)
            len = cap - 1 - n;
        memcpy(buf + n, parts[i], len);
        n += len;
    }
    buf[n] = '\0';
}

/* The DWARF local or argument of frame f whose value covers slot, and in
 * *var_addr its start (where the value would begin if it were contiguous);
 * NULL if none does. */
static const dwx_local *frame_local_at(const walker *w, const frame *f, uint64_t slot, uint64_t *var_addr)
{
    const go_runtime *rt = w->rt;
    const dwx_func *df = dwx_func_at(rt->dw, f->fn.entry - rt->bias);
    uint64_t lookup_pc = f->pc > f->fn.entry ? f->pc - 1 : f->pc;
    if (df == NULL)
        return NULL;
    /* Go's DWARF CFA is the caller's SP, i.e. our fp (amd64 and arm64). */
    uint64_t value_off = 0;
    const dwx_local *l = dwx_local_at(rt->dw, df, lookup_pc - rt->bias, (int64_t)(slot - f->fp), &value_off);
    if (l != NULL)
        *var_addr = slot - value_off;
    return l;
}

/* The DWARF local or argument of frame f whose value covers slot: its name
 * ("pkg.func.var"), type and start (where the value would begin if it were
 * contiguous). False if none does. *local (may be NULL) receives it. */
static bool frame_local(walker *w, const frame *f, uint64_t slot, char *buf, size_t cap,
                        dwx_type_id *type, uint64_t *var_addr, const dwx_local **local)
{
    *type = 0;
    *var_addr = 0;
    const dwx_local *l = frame_local_at(w, f, slot, var_addr);
    if (l == NULL)
        return false;
    local_name(buf, cap, w->prefix, f->fn.name, l->name);
    *type = l->type;
    if (local)
        *local = l;
    return true;
}

/* A local described by DWARF pieces that do not lie where a contiguous
 * value starting at var_addr would put them (Go 1.19-1.21 keep an `any`'s
 * type word at CFA-24 and its data word at CFA-32): its value at f's pc,
 * assembled from the stack pieces into r->images (pieces in registers or
 * past the type's size stay zero). *image = its offset + 1, or 0 when the
 * value lies contiguously at var_addr (or is too big to be a decomposed
 * value). */
static bool local_image(walker *w, const frame *f, const dwx_local *l, uint64_t var_addr, uint32_t *image)
{
    const go_runtime *rt = w->rt;
    const dwx_type *t = dwx_type_get(rt->dw, dwx_resolve(rt->dw, l->type));
    uint64_t pc = (f->pc > f->fn.entry ? f->pc - 1 : f->pc) - rt->bias, size = t ? t->size : 0;
    const dwx_loc_range *ranges = dwx_loc_ranges(rt->dw) + l->first_range;
    uint8_t buf[GHF_LOCAL_IMAGE_MAX] = {0};
    bool split = false;
    *image = 0;
    if (size == 0 || size > sizeof buf)
        return true;
    for (int pass = 0; pass < 2; pass++) /* is it split? then copy its pieces */
        for (uint32_t j = 0; j < l->nranges; j++) {
            const dwx_loc_range *r = &ranges[j];
            if (pc < r->lo || pc >= r->hi || r->size == 0 || r->value_offset >= size ||
                r->size > size - r->value_offset)
                continue;
            uint64_t at = f->fp + (uint64_t)r->cfa_offset;
            if (pass == 0)
                split |= at != var_addr + r->value_offset;
            else if (!core_read(rt->core, at, buf + r->value_offset, r->size))
                memset(buf + r->value_offset, 0, r->size);
        }
    if (!split)
        return true;
    if (w->r->images.n > UINT32_MAX - sizeof buf)
        return true;
    *image = (uint32_t)w->r->images.n + 1;
    for (uint64_t i = 0; i < size; i++)
        if (!VEC_PUSH(&w->r->images, buf[i], w->err))
            return false;
    return true;
}

/* f's index in w->frames. Frames are scanned one after another, so only
 * the last one stored can be f. */
static bool frame_id(walker *w, const frame *f, uint32_t *id)
{
    const frame *last = w->frames.n ? &w->frames.v[w->frames.n - 1] : NULL;
    if (last == NULL || last->sp != f->sp || last->pc != f->pc)
        if (!VEC_PUSH(&w->frames, *f, w->err))
            return false;
    *id = (uint32_t)(w->frames.n - 1);
    return true;
}

static bool stack_ref_add(walker *w, uint32_t frame_idx, uint64_t slot, uint64_t p)
{
    stack_ref ref = {.p = p, .slot = slot, .frame = frame_idx, .obj = SOBJ_NONE, .seq = (uint32_t)w->stack_refs.n};
    return VEC_PUSH(&w->stack_refs, ref, w->err);
}

/* The stack object among w->sobjs[from..n) (sorted by base) that contains
 * p, or SOBJ_NONE. */
static uint32_t sobj_find_from(const walker *w, size_t from, uint64_t p)
{
    size_t lo = from, hi = w->sobjs.n;
    while (lo < hi) { /* first object with base > p */
        size_t mid = lo + (hi - lo) / 2;
        if (w->sobjs.v[mid].base <= p)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == from)
        return SOBJ_NONE;
    const stack_obj *so = &w->sobjs.v[lo - 1];
    return p - so->base < so->size ? (uint32_t)(lo - 1) : SOBJ_NONE;
}

static bool stack_slot(walker *w, const frame *f, uint64_t slot)
{
    char name[640];
    dwx_type_id type;
    uint64_t v, var_addr;
    if (!core_read_u64(w->rt->core, slot, &v) || v == 0)
        return true;
    if (v >= w->stack_lo && v < w->stack_hi) { /* into the stack: maybe a stack object */
        uint32_t fid;
        return frame_id(w, f, &fid) && stack_ref_add(w, fid, slot, v);
    }
    uint32_t obj = heap_find(w->h, v);
    if (obj == HEAP_NONE)
        return true;
    /* a word of one of the frame's stack objects: the object is the root */
    if (sobj_find_from(w, w->frame_sobj0, slot) != SOBJ_NONE)
        return VEC_PUSH(&w->sobj_live, ((live_word){.slot = slot, .obj = obj}), w->err);
    uint32_t image = 0;
    const dwx_local *l = frame_local_at(w, f, slot, &var_addr);
    if (l == NULL) {
        var_addr = slot;
        type = 0;
        if (!undescribed_local(w, f, v, name, sizeof name, &type))
            snprintf(name, sizeof name, "%s%s+0x%llx", w->prefix, f->fn.name, (unsigned long long)(slot - f->sp));
        return object_edge(w, slot, obj, name, ROOT_STACK, type, var_addr, image); /* word read and found once */
    }
    if (!local_image(w, f, l, var_addr, &image))
        return false;
    /* "pkg.func.var" is the same root in every goroutine running the same
     * code: named and interned once per DWARF local, not once per slot */
    size_t li = (size_t)(l - dwx_locals(w->rt->dw));
    uint32_t id;
    if (w->prefix[0] == '\0' && w->local_root != NULL && w->local_root[li] != 0) {
        id = w->local_root[li] - 1;
    } else {
        local_name(name, sizeof name, w->prefix, f->fn.name, l->name);
        if (!root_get(w->r, name, ROOT_STACK, l->type, slot, &id, w->err))
            return false;
        if (w->prefix[0] == '\0' && w->local_root != NULL)
            w->local_root[li] = id + 1;
    }
    return root_edge_add(w, id, slot, obj, l->type, var_addr, image);
}

/* Read a stackmap bitvector: stackmap{n, nbit int32; bytedata[]} at addr. */
static bool stackmap_bits(const go_runtime *rt, uint64_t addr, int32_t idx, int32_t *nbit, uint64_t *bits)
{
    uint32_t n, nb;
    if (!core_read_u32(rt->core, addr, &n) || !core_read_u32(rt->core, addr + 4, &nb))
        return false;
    if ((int32_t)n <= 0 || idx < 0 || idx >= (int32_t)n || (int32_t)nb < 0 || nb > (1u << 24))
        return false;
    *nbit = (int32_t)nb;
    *bits = addr + 8 + (uint64_t)idx * ((nb + 7) / 8);
    return true;
}

static bool scan_bitvector(walker *w, const frame *f, uint64_t start, int32_t nbit, uint64_t bits)
{
    const uint8_t *view = core_view(w->rt->core, bits, ((size_t)nbit + 7) / 8);
    if (view != NULL) { /* the whole map mapped: no look-up per byte */
        for (int32_t i = 0; i < nbit; i += 8) {
            uint8_t b = view[i / 8];
            for (int32_t j = 0; b != 0 && j < 8 && i + j < nbit; j++, b >>= 1)
                if ((b & 1) && !stack_slot(w, f, start + (uint64_t)(i + j) * 8))
                    return false;
        }
        return true;
    }
    for (int32_t i = 0; i < nbit; i++) {
        uint8_t b;
        if (!core_read_u8(w->rt->core, bits + i / 8, &b))
            return false;
        if (b >> (i % 8) & 1)
            if (!stack_slot(w, f, start + (uint64_t)i * 8))
                return false;
    }
    return true;
}

static bool scan_conservative(walker *w, const frame *f, uint64_t lo, uint64_t hi)
{
    w->r->conservative_frames++;
    for (uint64_t a = lo & ~7ull; a + 8 <= hi; a += 8)
        if (!stack_slot(w, f, a))
            return false;
    return true;
}

static int cmp_sobj_base(const void *a, const void *b)
{
    const stack_obj *x = a, *y = b;
    return x->base < y->base ? -1 : x->base > y->base;
}

/* Sort objs[0..n) by base. They mostly come in order (frames are walked
 * from low addresses up): then there is nothing to do. Only strictly
 * increasing input is left alone, so ties meet qsort as before. */
static void sort_sobjs(stack_obj *objs, size_t n)
{
    size_t i = 1;
    while (i < n && objs[i - 1].base < objs[i].base)
        i++;
    if (i < n)
        qsort(objs, n, sizeof *objs, cmp_sobj_base);
}

/* Record frame f's stack objects (FUNCDATA_StackObjects), sorted by base:
 * scanned whole once something points at them, and the words of them that
 * the pointer maps mark live belong to them, not to roots of their own. */
static bool frame_stack_objects(walker *w, const frame *f)
{
    const go_runtime *rt = w->rt;
    uint32_t off;
    if (!pcln_funcdata(rt->pcln, &f->fn, 2 /* StackObjects */, &off))
        return true;
    uint64_t objs = w->gofunc + off, count;
    if (!core_read_u64(rt->core, objs, &count) || count >= 4096)
        return true;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t rec = objs + 8 + i * 16;
        uint32_t o, sz, ptrbytes, gcoff;
        if (!core_read_u32(rt->core, rec, &o) || !core_read_u32(rt->core, rec + 4, &sz) ||
            !core_read_u32(rt->core, rec + 8, &ptrbytes) || !core_read_u32(rt->core, rec + 12, &gcoff))
            break;
        uint64_t base = (int32_t)o < 0 ? f->varp + (int64_t)(int32_t)o : f->argp + o;
        if (base < f->sp || (int32_t)ptrbytes <= 0)
            continue; /* not in this frame yet, or a GC program (1.19 <0): skip */
        if (ptrbytes > sz || base + sz > f->argp + (f->fn.args > 0 ? (uint64_t)f->fn.args : 0))
            continue; /* corrupt: a stack object lies inside its frame */
        stack_obj so = {.base = base, .size = sz, .ptrbytes = ptrbytes, .gcoff = gcoff};
        if (ptrbytes >= 8)
            so.mask = core_view(rt->core, w->rodata + gcoff, (ptrbytes / 8 + 7) / 8);
        if (!frame_id(w, f, &so.frame) || !VEC_PUSH(&w->sobjs, so, w->err))
            return false;
    }
    sort_sobjs(w->sobjs.v + w->frame_sobj0, w->sobjs.n - w->frame_sobj0);
    return true;
}

/* runtime/mgcmark.go scanframeworker: locals, args, stack objects. */
static bool scan_frame(walker *w, const frame *f, bool conservative)
{
    const go_runtime *rt = w->rt;
    w->frame_sobj0 = w->sobjs.n;
    if (!conservative && !frame_stack_objects(w, f))
        return false;
    uint64_t frame_end = f->argp + (f->fn.args > 0 ? (uint64_t)f->fn.args : 0);
    if (conservative)
        return scan_conservative(w, f, f->sp, frame_end);
    uint64_t target = f->pc;
    int32_t idx = -1;
    if (target != f->fn.entry) {
        target--;
        pcln_pcdata(rt->pcln, &f->fn, 1 /* PCDATA_StackMapIndex */, target, &idx);
    }
    if (idx == -1)
        idx = 0;
    /* runtime/stkframe.go getStackMap: a frame with locals (args) has a
     * locals (args) map that covers this pc, or the runtime throws
     * "missing stackmap". Where this core's cannot be read, the frame is
     * scanned conservatively and counted (reported, never silent). */
    uint32_t off;
    int32_t lbits = 0, abits = 0;
    uint64_t lmap = 0, amap = 0;
    bool lok = f->varp <= f->sp ||
               (pcln_funcdata(rt->pcln, &f->fn, 1 /* LocalsPointerMaps */, &off) &&
                stackmap_bits(rt, w->gofunc + off, idx, &lbits, &lmap) &&
                (uint64_t)lbits <= (f->varp - f->sp) / 8); /* the map covers locals only */
    bool aok = f->fn.args <= 0 || (pcln_funcdata(rt->pcln, &f->fn, 0 /* ArgsPointerMaps */, &off) &&
                                   stackmap_bits(rt, w->gofunc + off, idx, &abits, &amap));
    if (!lok || !aok) {
        w->r->frames_without_maps++;
        return scan_conservative(w, f, f->sp, frame_end);
    }
    if (lbits > 0 && !scan_bitvector(w, f, f->varp - (uint64_t)lbits * 8, lbits, lmap))
        return false;
    if (abits > 0 && !scan_bitvector(w, f, f->argp, abits <= f->fn.args / 8 ? abits : f->fn.args / 8, amap))
        return false;
    return true;
}

/* Unwind one goroutine from its start within its stack (gstack.h). The
 * frame an asyncPreempt or a signal interrupted has no valid stack map:
 * it is scanned conservatively, as the runtime does. Returns false only
 * on an allocation failure; *walk says how the walk ended. */
static bool walk_stack(walker *w, const gstack_start *st, uint64_t lo, uint64_t hi, gstack_walk *walk)
{
    bool conservative_next = st->interrupted;
    gstack_frame f;
    gstack_walk_begin(walk, &w->gs, st->pc, st->sp, st->lr, lo, hi);
    while (gstack_next(walk, &f)) {
        bool preempt = name_is(&f.fn, "runtime.asyncPreempt") || name_is(&f.fn, "runtime.debugCallV2");
        w->r->frames++;
        if (!scan_frame(w, &f, preempt || conservative_next))
            return false;
        conservative_next = preempt; /* the interrupted frame has no valid map either */
    }
    return true;
}

/* A stack that could not be walked to its base: the part not walked,
 * [from, hi), is scanned conservatively as "goroutine N (conservative)"
 * and the loss is recorded (reported by the session, never silent). */
static bool stack_lost(walker *w, const rt_goroutine *g, uint64_t from, const char *why)
{
    char name[64];
    snprintf(name, sizeof name, "goroutine %llu (conservative)", (unsigned long long)g->goid);
    if (from < g->stack_lo || from > g->stack_hi)
        from = g->stack_lo;
    stack_loss l = {.goid = g->goid, .status = g->status, .scanned_bytes = g->stack_hi - from};
    snprintf(l.why, sizeof l.why, "%s", why);
    if (!VEC_PUSH(&w->r->lost, l, w->err))
        return false;
    w->r->unwind_failures++;
    w->r->conservative_frames++;
    for (uint64_t a = from & ~7ull; a + 8 <= g->stack_hi; a += 8) {
        uint64_t v;
        if (core_read_u64(w->rt->core, a, &v) && v != 0 && heap_find(w->h, v) != HEAP_NONE &&
            !slot_edge(w, a, name, ROOT_STACK, 0, 0, 0))
            return false;
    }
    return true;
}

/* ---- stack objects ---- */

static int cmp_live_slot(const void *a, const void *b)
{
    const live_word *x = a, *y = b;
    return x->slot < y->slot ? -1 : x->slot > y->slot;
}

static int cmp_ref_obj(const void *a, const void *b)
{
    const stack_ref *x = a, *y = b;
    if (x->obj != y->obj)
        return x->obj < y->obj ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Is word k of so a pointer per its GC mask (runtime/stack.go stackObjectRecord.gcdata)? */
static bool sobj_mask_bit(const walker *w, const stack_obj *so, uint64_t k)
{
    uint8_t b;
    if (k >= so->ptrbytes / 8)
        return false;
    if (so->mask != NULL)
        return so->mask[k / 8] >> (k % 8) & 1;
    return core_read_u8(w->rt->core, w->rodata + so->gcoff + k / 8, &b) && (b >> (k % 8) & 1);
}

/* Calls fn(w, so, slot, ctx) for each pointer word of so per its GC mask. */
static bool sobj_words(walker *w, const stack_obj *so, bool (*fn)(walker *, const stack_obj *, uint64_t, void *),
                       void *ctx)
{
    for (uint32_t k = 0; k < so->ptrbytes / 8; k++)
        if (sobj_mask_bit(w, so, k) && !fn(w, so, so->base + (uint64_t)k * 8, ctx))
            return false;
    return true;
}

/* A word of a scanned stack object that points into the stack. */
static bool sobj_stack_word(walker *w, const stack_obj *so, uint64_t slot, void *ctx)
{
    (void)ctx;
    uint64_t v;
    if (!core_read_u64(w->rt->core, slot, &v) || v < w->stack_lo || v >= w->stack_hi)
        return true;
    return stack_ref_add(w, so->frame, slot, v);
}

/* How a stack object's root is named and typed. */
typedef struct sobj_root {
    char name[640];
    char also[1024];           /* other variables pointing into it, ", "-separated */
    dwx_type_id type;          /* the type of its values, 0 if unknown */
    uint64_t start, count;     /* count values of type from start (count 0: type is the whole object) */
    uint64_t esize;
    uint32_t root;             /* its root's id + 1 once it has one, 0 before */
} sobj_root;

/* Is name one of the ", "-separated names of list? */
static bool list_has(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; (p = strstr(p, name)) != NULL; p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ','))
            return true;
    return false;
}

/* Do values of type et, tiled over so from its base, have their pointer
 * words exactly where so's GC mask has them? */
static bool sobj_layout_is(const walker *w, const stack_obj *so, dwx_type_id et)
{
    const dwx *dw = w->rt->dw;
    const dwx_type *t = dwx_type_get(dw, dwx_resolve(dw, et));
    if (t == NULL || t->size == 0 || so->size % t->size != 0)
        return false;
    for (uint64_t off = 0; off < so->size; off += 8)
        if (sobj_mask_bit(w, so, off / 8) != dwx_pointer_at(dw, et, off % t->size, NULL))
            return false;
    return true;
}

/* The values a pointer p of type *et into so says so holds: et tiled over
 * so through p. False if et does not fit. */
static bool sobj_typed_by(const walker *w, const stack_obj *so, uint64_t p, dwx_type_id et, sobj_root *sr)
{
    const dwx_type *t = dwx_type_get(w->rt->dw, dwx_resolve(w->rt->dw, et));
    if (t == NULL || t->size == 0 || t->size > so->size)
        return false;
    sr->type = et;
    sr->esize = t->size;
    sr->start = so->base + (p - so->base) % t->size;
    sr->count = (so->base + so->size - sr->start) / t->size;
    return true;
}

/* Name so after its own DWARF variable, or after the first typed variable
 * (refs, in the order found) that points into it, typed by that pointer;
 * the other variables pointing into it go to sr->also. */
static void sobj_name_by_vars(walker *w, stack_obj *so, const stack_ref *refs, size_t nrefs, sobj_root *sr)
{
    const dwx *dw = w->rt->dw;
    /* not memset: the two buffers are 1.6 KiB, and only their first byte matters */
    sr->name[0] = sr->also[0] = '\0';
    sr->type = 0;
    sr->start = sr->count = sr->esize = 0;
    uint64_t var_addr;
    if (frame_local(w, &w->frames.v[so->frame], so->base, sr->name, sizeof sr->name, &sr->type, &var_addr, NULL) &&
        var_addr == so->base) {
        sr->start = so->base; /* an address-taken variable: as declared */
        so->named_by = SOBJ_BY_OWN_VAR;
        return;
    }
    sr->type = 0;
    bool typed = false;
    size_t alen = 0;
    for (size_t i = 0; i < nrefs; i++) {
        char rn[640];
        dwx_type_id rt, et;
        uint64_t ra;
        const stack_ref *ref = &refs[i];
        if (!frame_local(w, &w->frames.v[ref->frame], ref->slot, rn, sizeof rn, &rt, &ra, NULL))
            continue; /* a compiler temporary: no name to give */
        if (!typed && dwx_pointer_at(dw, rt, ref->slot - ra, &et))
            typed = sobj_typed_by(w, so, ref->p, et, sr);
        if (so->named_by != SOBJ_BY_POINTER) {
            snprintf(sr->name, sizeof sr->name, "%s", rn);
            so->named_by = SOBJ_BY_POINTER;
        } else if (strcmp(rn, sr->name) != 0 && !list_has(sr->also, rn)) {
            int n = snprintf(sr->also + alen, sizeof sr->also - alen, "%s%s", alen ? ", " : "", rn);
            if (n > 0 && (size_t)n < sizeof sr->also - alen)
                alen += (size_t)n;
            else
                sr->also[alen] = '\0'; /* full: keep the names that fit */
        }
    }
}

/* Could the frame's DWARF local l, which has no location at the frame's pc
 * (the compiler kept no copy of it: `held := make([]*T, 512)` whose
 * pointer it recomputes from SP), be so or point to so? Its type must lay
 * pointers exactly as so's GC mask: l is so itself, a pointer to one value
 * of so's size, or a slice over it. Sets sr's type on success. */
static bool sobj_unplaced_var_fits_1(walker *w, const stack_obj *so, const dwx_local *l, sobj_root *sr)
{
    const dwx *dw = w->rt->dw;
    const dwx_type *lt = dwx_type_get(dw, dwx_resolve(dw, l->type));
    dwx_type_id et;
    if (lt == NULL)
        return false;
    if (lt->size == so->size && sobj_layout_is(w, so, l->type)) {
        sr->type = l->type;
        sr->count = sr->esize = 0;
        sr->start = so->base;
        return true;
    }
    bool slice = (lt->go_kind & 0x1f) == 23;
    if (!(slice || lt->tag == DW_TAG_pointer_type) || !dwx_pointer_at(dw, l->type, 0, &et) || et == 0)
        return false;
    const dwx_type *t = dwx_type_get(dw, dwx_resolve(dw, et));
    if (t == NULL || t->size == 0 || (!slice && t->size != so->size) || !sobj_layout_is(w, so, et))
        return false;
    sr->type = et;
    sr->esize = t->size;
    sr->start = so->base;
    sr->count = so->size / t->size;
    return true;
}

/* sobj_unplaced_var_fits_1, remembered per (local, object size, GC mask):
 * 20,000 goroutines blocked in the same code ask the same question. */
static bool sobj_unplaced_var_fits(walker *w, const stack_obj *so, const dwx_local *l, sobj_root *sr)
{
    if (w->fits == NULL)
        return sobj_unplaced_var_fits_1(w, so, l, sr);
    uint64_t hkey = (uint64_t)(uintptr_t)l * 0x9e3779b97f4a7c15ull ^ so->size * 0xff51afd7ed558ccdull ^
                    ((uint64_t)so->gcoff << 20 | so->ptrbytes);
    fit_memo *m = &w->fits[(hkey ^ hkey >> 29) % FIT_MEMO];
    if (m->local != l || m->size != so->size || m->ptrbytes != so->ptrbytes || m->gcoff != so->gcoff) {
        sobj_root fit;
        *m = (fit_memo){.local = l, .size = so->size, .ptrbytes = so->ptrbytes, .gcoff = so->gcoff};
        m->fits = sobj_unplaced_var_fits_1(w, so, l, &fit);
        if (m->fits) {
            m->type = fit.type;
            m->esize = fit.esize;
            m->count = fit.count;
        }
    }
    if (m->fits) {
        sr->type = m->type;
        sr->esize = m->esize;
        sr->count = m->count;
        sr->start = so->base;
    }
    return m->fits;
}

/* Has the frame's DWARF local l a stack location at the frame's pc? */
static bool local_placed(const walker *w, const frame *f, const dwx_local *l)
{
    uint64_t pc = (f->pc > f->fn.entry ? f->pc - 1 : f->pc) - w->rt->bias;
    const dwx_loc_range *r = dwx_loc_ranges(w->rt->dw) + l->first_range;
    for (uint32_t j = 0; j < l->nranges; j++)
        if (pc >= r[j].lo && pc < r[j].hi)
            return true;
    return false;
}

/* Name so (not named by variables) after the one local of its frame that
 * has no location there and fits so, when that local fits no other such
 * object of the frame (objs[0..n), so among them). */
static bool sobj_name_by_unplaced_var(walker *w, const stack_obj *so, const stack_obj *objs, size_t n,
                                      sobj_root *sr)
{
    const go_runtime *rt = w->rt;
    const frame *f = &w->frames.v[so->frame];
    const dwx_func *df = dwx_func_at(rt->dw, f->fn.entry - rt->bias);
    if (df == NULL)
        return false;
    const dwx_local *pick = NULL;
    sobj_root fit;
    for (uint32_t i = 0; i < df->nlocals; i++) {
        const dwx_local *l = &dwx_locals(rt->dw)[df->first_local + i];
        if (local_placed(w, f, l) || !sobj_unplaced_var_fits(w, so, l, &fit))
            continue;
        if (pick != NULL)
            return false; /* two locals fit: which one is unknown */
        pick = l;
        sr->type = fit.type; /* (not the 1.6 KiB of names) */
        sr->start = fit.start;
        sr->count = fit.count;
        sr->esize = fit.esize;
    }
    if (pick == NULL)
        return false;
    for (size_t k = 0; w->frame_nobjs.v[so->frame] > 1 && k < n; k++)
        if (&objs[k] != so && objs[k].frame == so->frame && objs[k].named_by == SOBJ_BY_FRAME &&
            sobj_unplaced_var_fits(w, &objs[k], pick, &fit))
            return false; /* it fits another object as well */
    local_name(sr->name, sizeof sr->name, w->prefix, f->fn.name, pick->name);
    sr->also[0] = '\0';
    return true;
}

/* An edge from the stack object's root for a word at slot that points into heap object obj. */
static bool sobj_edge(walker *w, sobj_root *sr, uint64_t slot, uint32_t obj)
{
    uint32_t id;
    size_t before = w->r->list.n;
    if (sr->root != 0) /* named and interned once per object, not per word */
        id = sr->root - 1;
    else if (!root_get(w->r, sr->name, ROOT_STACK, sr->type, slot, &id, w->err))
        return false;
    sr->root = id + 1;
    if (w->r->list.n > before) { /* new: what makes it a stack object's root */
        root *nr = &w->r->list.v[id];
        nr->count = sr->count;
        if (sr->also[0]) {
            if (!strtab_intern(&w->r->notes, sr->also, strlen(sr->also), &nr->also, w->err))
                return false;
            nr->also++;
        }
    }
    /* the value holding the word: seeds the types of what it points to */
    uint64_t va = 0;
    dwx_type_id vt = 0;
    if (sr->type && sr->count == 0) {
        va = sr->start;
        vt = sr->type;
    } else if (sr->type && slot >= sr->start && (slot - sr->start) / sr->esize < sr->count) {
        va = sr->start + (slot - sr->start) / sr->esize * sr->esize;
        vt = sr->type;
    }
    root_edge e = {.root = id, .obj = obj, .slot = slot, .var_addr = va, .var_type = vt};
    return edge_push(w, &e);
}

/* The same for a word of so found by its GC mask. */
static bool sobj_heap_word(walker *w, const stack_obj *so, uint64_t slot, void *ctx)
{
    (void)so;
    uint64_t v;
    uint32_t obj = heap_word(w, slot, &v);
    return obj == HEAP_NONE || sobj_edge(w, ctx, slot, obj);
}

/* The root of stack object so, one per object, never one per word: its
 * pointer words that something reaches become its edges (all of them when
 * a pointer into it was found, as scanstack scans it; else those the
 * pointer maps mark live, live[0..nlive)). */
static bool sobj_root_edges(walker *w, const stack_obj *so, sobj_root *sr, const live_word *live, size_t nlive)
{
    sr->root = 0;
    if (so->named_by == SOBJ_BY_FRAME) {
        const frame *f = &w->frames.v[so->frame];
        snprintf(sr->name, sizeof sr->name, "%s%s stack object +0x%llx (%llu B)", w->prefix, f->fn.name,
                 (unsigned long long)(so->base - f->sp), (unsigned long long)so->size);
        sr->type = 0;
        sr->count = 0;
        sr->also[0] = '\0';
    }
    if (so->scanned)
        return sobj_words(w, so, sobj_heap_word, sr);
    for (size_t i = 0; i < nlive; i++)
        if (!sobj_edge(w, sr, live[i].slot, live[i].obj))
            return false;
    return true;
}

/* Scan the stack objects that live slots point into, transitively
 * (runtime/mgcmark.go scanstack: getPtr / findObject / scanblock), then
 * make each stack object that holds something one root. */
static bool scan_stack_objects(walker *w)
{
    sort_sobjs(w->sobjs.v, w->sobjs.n);
    for (size_t i = 0; i < w->stack_refs.n; i++) { /* grows while scanned objects add refs */
        uint32_t o = sobj_find_from(w, 0, w->stack_refs.v[i].p);
        w->stack_refs.v[i].obj = o;
        if (o == SOBJ_NONE || w->sobjs.v[o].scanned)
            continue;
        w->sobjs.v[o].scanned = true;
        if (!sobj_words(w, &w->sobjs.v[o], sobj_stack_word, NULL))
            return false;
    }
    /* both mostly in order already (sorting is then only a check); their keys are unique */
    size_t k = 1;
    while (k < w->stack_refs.n && cmp_ref_obj(&w->stack_refs.v[k - 1], &w->stack_refs.v[k]) < 0)
        k++;
    if (k < w->stack_refs.n)
        qsort(w->stack_refs.v, w->stack_refs.n, sizeof *w->stack_refs.v, cmp_ref_obj);
    for (k = 1; k < w->sobj_live.n && w->sobj_live.v[k - 1].slot < w->sobj_live.v[k].slot;)
        k++;
    if (k < w->sobj_live.n)
        qsort(w->sobj_live.v, w->sobj_live.n, sizeof *w->sobj_live.v, cmp_live_slot);
    for (size_t i = 0, j = 0; i < w->sobj_live.n; i++) {
        /* as sobj_find_from: the last object with base <= the slot, found
         * by walking both arrays in address order */
        uint64_t p = w->sobj_live.v[i].slot;
        while (j + 1 < w->sobjs.n && w->sobjs.v[j + 1].base <= p)
            j++;
        uint32_t o = j < w->sobjs.n && w->sobjs.v[j].base <= p && p - w->sobjs.v[j].base < w->sobjs.v[j].size
                         ? (uint32_t)j
                         : SOBJ_NONE;
        if (o != SOBJ_NONE)
            w->sobjs.v[o].live = true;
    }
    if (!VEC_RESERVE(&w->frame_nobjs, w->frames.n, w->err))
        return false;
    w->frame_nobjs.n = w->frames.n;
    if (w->frames.n)
        memset(w->frame_nobjs.v, 0, w->frames.n * sizeof *w->frame_nobjs.v);
    for (size_t o = 0; o < w->sobjs.n; o++)
        w->frame_nobjs.v[w->sobjs.v[o].frame]++;
    /* Names by variables first: an object named by none may then take the
     * one local without a location that fits it and no other. */
    sobj_root *srs = malloc((w->sobjs.n ? w->sobjs.n : 1) * sizeof *srs); /* set by sobj_name_by_vars */
    if (srs == NULL)
        return ghf_fail(w->err, GHF_EXIT_INTERNAL, "out of memory for stack objects");
    size_t r = 0;
    for (uint32_t o = 0; o < w->sobjs.n; o++) {
        size_t first = r;
        while (r < w->stack_refs.n && w->stack_refs.v[r].obj == o)
            r++;
        if (w->sobjs.v[o].scanned || w->sobjs.v[o].live)
            sobj_name_by_vars(w, &w->sobjs.v[o], w->stack_refs.v + first, r - first, &srs[o]);
    }
    for (uint32_t o = 0; o < w->sobjs.n; o++) {
        stack_obj *so = &w->sobjs.v[o];
        if ((so->scanned || so->live) && so->named_by == SOBJ_BY_FRAME &&
            sobj_name_by_unplaced_var(w, so, w->sobjs.v, w->sobjs.n, &srs[o]))
            so->named_by = SOBJ_BY_UNPLACED_VAR;
    }
    bool ok = true;
    size_t l = 0;
    for (uint32_t o = 0; ok && o < w->sobjs.n; o++) {
        const stack_obj *so = &w->sobjs.v[o];
        while (l < w->sobj_live.n && w->sobj_live.v[l].slot < so->base)
            l++;
        size_t first = l;
        while (l < w->sobj_live.n && w->sobj_live.v[l].slot - so->base < so->size)
            l++;
        if (so->scanned || so->live)
            ok = sobj_root_edges(w, so, &srs[o], w->sobj_live.v + first, l - first);
    }
    free(srs);
    w->sobjs.n = w->stack_refs.n = w->sobj_live.n = w->frames.n = 0;
    return ok;
}

/* Reads w->raw_vars at any raw edge: where the last read stopped (the
 * sorted order mostly continues a run), else from the mark before it. */
typedef struct raw_cursor {
    const walker *w;
    size_t i;         /* the next raw edge */
    size_t at;        /* its variable's offset in raw_vars */
    root_edge var;    /* the variable of raw edge i - 1, as encoded */
    size_t next;      /* the next edge from i on where encoding starts afresh */
    uint32_t image0;  /* raw_seg.image0 of edge i - 1's segment */
} raw_cursor;

/* The segment holding raw edge i. */
static const raw_seg *raw_seg_of(const walker *w, size_t i)
{
    int s = w->nsegs ? w->nsegs - 1 : 0;
    while (s > 0 && w->segs[s].start > i)
        s--;
    return &w->segs[s];
}

/* Position c at edge i, where encoding starts afresh. */
static void raw_restart(raw_cursor *c, size_t i, size_t mark)
{
    const walker *w = c->w;
    const raw_seg *sg = raw_seg_of(w, i);
    c->i = i;
    c->at = w->raw_marks.v[mark];
    c->next = i;
    c->image0 = sg->image0;
}

static void raw_var(raw_cursor *c, size_t j, root_edge *e)
{
    const walker *w = c->w;
    if (j < c->i || j - c->i >= ROOT_EDGE_MARK) { /* else read on up to j */
        const raw_seg *sg = raw_seg_of(w, j);
        size_t k = (j - sg->start) / ROOT_EDGE_MARK;
        raw_restart(c, sg->start + k * ROOT_EDGE_MARK, sg->mark0 + k);
    }
    for (; c->i <= j; c->i++) {
        if (c->i == c->next) { /* a mark: maybe the start of a segment */
            const raw_seg *sg = raw_seg_of(w, c->i);
            const raw_seg *nx = sg + 1 < w->segs + (w->nsegs ? w->nsegs : 1) ? sg + 1 : NULL;
            c->var = (root_edge){0};
            c->image0 = sg->image0;
            c->next = c->i + ROOT_EDGE_MARK - (c->i - sg->start) % ROOT_EDGE_MARK;
            if (nx != NULL && nx->start < c->next)
                c->next = nx->start;
        }
        uint64_t prev_slot = c->var.slot;
        c->var.slot = w->raw.v[c->i].slot;
        c->at = (size_t)(var_get(w->raw_vars.v + c->at, &c->var, prev_slot) - w->raw_vars.v);
    }
    e->var_addr = c->var.var_addr;
    e->var_type = c->var.var_type;
    e->var_image = c->var.var_image ? c->var.var_image + c->image0 : 0;
}

/* Walk one goroutine's stack: its frames, then its stack objects. */
static bool scan_goroutine(walker *w, const rt_goroutine *g)
{
    w->r->goroutines++;
    if (w->raw.n < UINT32_MAX && !VEC_PUSH(&w->gstarts, (uint32_t)w->raw.n, w->err))
        return false;
    if (w->opts->split_goroutines)
        snprintf(w->prefix, sizeof w->prefix, "goroutine %llu: ", (unsigned long long)g->goid);
    gstack_start st;
    gstack_find_start(&w->gs, g, &st);
    for (int k = 0; k < st.nregs; k++)
        if (!VEC_PUSH(&w->interrupted_regs, st.regs[k], w->err))
            return false;
    w->g_addr = g->addr;
    w->stack_lo = g->stack_lo;
    w->stack_hi = g->stack_hi;
    if (st.problem[0]) /* no trustworthy start: the whole stack, conservatively */
        return stack_lost(w, g, g->stack_lo, st.problem);
    gstack_walk walk;
    if (!walk_stack(w, &st, g->stack_lo, g->stack_hi, &walk) || !scan_stack_objects(w))
        return false;
    return walk.end != GSTACK_LOST || stack_lost(w, g, walk.sp, walk.why);
}

/* Walk the live goroutines of gs[from..to) in order. */
static bool scan_goroutines(walker *w, const rt_goroutine *gs, size_t from, size_t to)
{
    /* a cache only: without it every slot is named and interned */
    w->local_root = calloc(dwx_local_count(w->rt->dw) + 1, sizeof *w->local_root);
    w->fits = calloc(FIT_MEMO, sizeof *w->fits);
    bool ok = true;
    for (size_t i = from; i < to && ok; i++)
        if (gstack_live(&gs[i]))
            ok = scan_goroutine(w, &gs[i]);
    w->stack_lo = w->stack_hi = 0;
    VEC_FREE(&w->sobjs);
    VEC_FREE(&w->stack_refs);
    VEC_FREE(&w->sobj_live);
    VEC_FREE(&w->frame_nobjs);
    VEC_FREE(&w->frames);
    w->prefix[0] = '\0';
    free(w->local_root);
    w->local_root = NULL;
    free(w->fits);
    w->fits = NULL;
    return ok;
}

/* Goroutines are independent: with many of them, the later ones are walked
 * on the other core by a walker of its own (its own roots, names, edges),
 * merged after the first share's in goroutine order, so that root ids,
 * names and edges come out exactly as one walker gives them. */
#ifndef STACK_SHARE_MIN /* (a test build may lower it, -DSTACK_SHARE_MIN=2) */
#define STACK_SHARE_MIN 64 /* live goroutines below which one walker does all */
#endif

typedef struct stack_share {
    walker *w;
    const rt_goroutine *gs;
    size_t from, to;
    bool ok;
} stack_share;

static void *stack_share_run(void *arg)
{
    stack_share *s = arg;
    s->ok = scan_goroutines(s->w, s->gs, s->from, s->to);
    return NULL;
}

/* Where to split gs[0..n) in two: the live goroutines' stack bytes in use
 * (what a walk costs) halved. 0 when there are too few to be worth it. */
static size_t stack_split(const rt_goroutine *gs, size_t n)
{
    uint64_t total = 0, half = 0;
    size_t live = 0;
    for (size_t i = 0; i < n; i++)
        if (gstack_live(&gs[i])) {
            live++;
            total += gs[i].sp > gs[i].stack_lo && gs[i].sp < gs[i].stack_hi ? gs[i].stack_hi - gs[i].sp : 1;
        }
    if (live < STACK_SHARE_MIN)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (gstack_live(&gs[i])) {
            half += gs[i].sp > gs[i].stack_lo && gs[i].sp < gs[i].stack_hi ? gs[i].stack_hi - gs[i].sp : 1;
            if (half >= total / 2)
                return i + 1;
        }
    return n;
}

/* Append what w1 found (its own roots) to w's, as if w had walked on:
 * w1's roots get w's ids (created, in the order w1 created them, where w
 * has none of that name), its images and edges follow w's. */
static bool merge_share(walker *w, walker *w1)
{
    roots *r = w->r, *r1 = w1->r;
    uint32_t *map = malloc((r1->list.n ? r1->list.n : 1) * sizeof *map);
    if (map == NULL)
        return ghf_fail(w->err, GHF_EXIT_INTERNAL, "out of memory merging the goroutines' roots");
    bool ok = true;
    for (size_t k = 0; ok && k < r1->list.n; k++) {
        const root *x = &r1->list.v[k];
        size_t before = r->list.n;
        ok = root_get(r, strtab_get(&r1->names, x->name), x->kind, x->type, x->addr, &map[k], w->err);
        if (ok && r->list.n > before) { /* new here too: as sobj_edge made it */
            root *nr = &r->list.v[map[k]];
            nr->count = x->count;
            if (x->also) {
                const char *also = strtab_get(&r1->notes, x->also - 1);
                ok = strtab_intern(&r->notes, also, strlen(also), &nr->also, w->err);
                nr->also++;
            }
        }
    }
    uint32_t image0 = (uint32_t)r->images.n;
    ok = ok && VEC_RESERVE(&r->images, r->images.n + r1->images.n, w->err);
    if (ok && r1->images.n) {
        memcpy(r->images.v + r->images.n, r1->images.v, r1->images.n);
        r->images.n += r1->images.n;
    }
    /* w1's edges follow w's as they are, with w's root ids: a segment of
     * their own (their encoding starts at w1's marks), then w's own again */
    size_t edge0 = w->raw.n, n1 = w1->raw.n, vars0 = w->raw_vars.n, mark0 = w->raw_marks.n;
    ok = ok && VEC_RESERVE(&w->raw, edge0 + n1, w->err) &&
         VEC_RESERVE(&w->raw_vars, vars0 + w1->raw_vars.n, w->err) &&
         VEC_RESERVE(&w->raw_marks, mark0 + w1->raw_marks.n, w->err);
    if (ok) {
        for (size_t i = 0; i < n1; i++) {
            raw_edge x = w1->raw.v[i];
            x.root = map[x.root];
            w->raw.v[edge0 + i] = x;
        }
        w->raw.n += n1;
        if (w1->raw_vars.n)
            memcpy(w->raw_vars.v + vars0, w1->raw_vars.v, w1->raw_vars.n);
        w->raw_vars.n += w1->raw_vars.n;
        for (size_t k = 0; k < w1->raw_marks.n; k++)
            w->raw_marks.v[mark0 + k] = vars0 + w1->raw_marks.v[k];
        w->raw_marks.n += w1->raw_marks.n;
        int s0 = w->nsegs ? w->nsegs : 1;
        if (s0 + 2 > RAW_SEGS)
            ok = ghf_fail(w->err, GHF_EXIT_INTERNAL, "root edges merged twice");
        else {
            w->segs[s0] = (raw_seg){.start = edge0, .mark0 = mark0, .image0 = image0};
            w->segs[s0 + 1] = (raw_seg){.start = w->raw.n, .mark0 = w->raw_marks.n};
            w->nsegs = s0 + 2;
            w->raw_next_mark = w->raw.n; /* what w pushes next starts afresh */
        }
    }
    free(map);
    for (size_t k = 0; ok && k < w1->gstarts.n; k++)
        ok = edge0 + w1->gstarts.v[k] >= UINT32_MAX ||
             VEC_PUSH(&w->gstarts, (uint32_t)(edge0 + w1->gstarts.v[k]), w->err);
    for (size_t k = 0; ok && k < w1->interrupted_regs.n; k++)
        ok = VEC_PUSH(&w->interrupted_regs, w1->interrupted_regs.v[k], w->err);
    for (size_t k = 0; ok && k < r1->lost.n; k++)
        ok = VEC_PUSH(&r->lost, r1->lost.v[k], w->err);
    r->goroutines += r1->goroutines;
    r->frames += r1->frames;
    r->conservative_frames += r1->conservative_frames;
    r->unwind_failures += r1->unwind_failures;
    r->frames_without_maps += r1->frames_without_maps;
    return ok;
}

static void walker_free_edges(walker *w)
{
    VEC_FREE(&w->interrupted_regs);
    VEC_FREE(&w->gstarts);
    VEC_FREE(&w->raw);
    VEC_FREE(&w->raw_vars);
    VEC_FREE(&w->raw_marks);
}

static bool scan_stacks(walker *w)
{
    rt_goroutine *gs;
    size_t ngs;
    if (!rt_goroutines(w->rt, &gs, &ngs, w->err))
        return false;
    size_t split = ghf_threads() > 1 ? stack_split(gs, ngs) : 0;
    bool ok;
    if (split == 0 || split == ngs) {
        ok = scan_goroutines(w, gs, 0, ngs);
    } else {
        roots r1 = {0};
        ghf_err err1 = {0};
        walker w1 = {.h = w->h, .r = &r1, .opts = w->opts, .err = &err1, .rt = w->rt, .gofunc = w->gofunc,
                     .rodata = w->rodata, .gs = w->gs};
        stack_share shares[2] = {{.w = w, .gs = gs, .from = 0, .to = split},
                                 {.w = &w1, .gs = gs, .from = split, .to = ngs}};
        ghf_run_shares(stack_share_run, shares, sizeof *shares, 2);
        ok = shares[0].ok;
        if (ok && !shares[1].ok)
            ok = ghf_fail(w->err, err1.code, "%s", err1.msg);
        ok = ok && merge_share(w, &w1);
        walker_free_edges(&w1);
        roots_free(&r1);
    }
    if (ok && w->raw.n < UINT32_MAX)
        ok = VEC_PUSH(&w->gstarts, (uint32_t)w->raw.n, w->err);
    free(gs);
    return ok;
}

/* ---- finalizers and cleanups (runtime/mgcmark.go markrootSpans, markroot) ---- */

/* Every pointer word of [addr, addr+n*size) at the given word offsets. */
static bool block_words(walker *w, const char *name, uint64_t addr, uint64_t count, uint64_t size,
                        const uint32_t *offs, size_t noffs)
{
    for (uint64_t i = 0; i < count; i++)
        for (size_t k = 0; k < noffs; k++)
            if (!slot_edge(w, addr + i * size + offs[k], name, ROOT_OTHER, 0, 0, 0))
                return false;
    return true;
}

typedef struct obj_edge_ctx {
    walker *w;
    const char *name;
    bool ok;
} obj_edge_ctx;

static void finalized_ptr(void *p, uint64_t off, uint64_t value)
{
    obj_edge_ctx *c = p;
    uint32_t obj = heap_find(c->w->h, value);
    if (obj == HEAP_NONE || !c->ok)
        return;
    uint32_t id;
    root_edge e = {.obj = obj};
    c->ok = root_get(c->w->r, c->name, ROOT_OTHER, 0, 0, &id, c->w->err);
    e.root = id;
    c->ok = c->ok && edge_push(c->w, &e);
}

/* Specials: a finalizer keeps what its object points to alive (not the
 * object itself) and its function; a cleanup keeps its function and
 * argument; weak handles are not edges. Kind numbers differ per version:
 * read from DWARF (runtime._KindSpecial*). */
static bool scan_specials(walker *w)
{
    const go_runtime *rt = w->rt;
    const dwx *dw = rt->dw;
    int64_t k_fin = -1, k_clean = -1;
    dwx_const(dw, "runtime._KindSpecialFinalizer", &k_fin);
    dwx_const(dw, "runtime._KindSpecialCleanup", &k_clean);
    rt_field s_next = rt_field_lookup(dw, "runtime.special", "next");
    rt_field s_off = rt_field_lookup(dw, "runtime.special", "offset");
    rt_field s_kind = rt_field_lookup(dw, "runtime.special", "kind");
    rt_field f_fn = rt_field_lookup(dw, "runtime.specialfinalizer", "fn");
    /* cleanups: .fn (1.24), .cleanup{call, fn, arg} (1.26+) */
    rt_field c_fn = rt_field_lookup(dw, "runtime.specialCleanup", "fn");
    rt_field c_call = rt_field_lookup(dw, "runtime.specialCleanup", "cleanup.call");
    rt_field c_cfn = rt_field_lookup(dw, "runtime.specialCleanup", "cleanup.fn");
    rt_field c_arg = rt_field_lookup(dw, "runtime.specialCleanup", "cleanup.arg");
    if (!rt->mspan.specials.size || !s_next.size || !s_off.size || !s_kind.size)
        return true;
    heap *h = w->h;
    for (uint32_t i = 0; i < h->nspans; i++) {
        const heap_span *sp = &h->spans[i];
        uint64_t first;
        if (!rt_read_field(rt, sp->mspan, rt->mspan.specials, &first))
            continue;
        list_walk lw;
        for (uint64_t s = list_walk_start(&lw, rt->damage, first, 16, "a span's list of specials"); s != 0;) {
            uint64_t kind, off, next;
            if (!rt_read_field(rt, s, s_kind, &kind) || !rt_read_field(rt, s, s_off, &off) ||
                !rt_read_field(rt, s, s_next, &next)) {
                damage_note(rt->damage, "a special record at 0x%llx cannot be read", (unsigned long long)s);
                break;
            }
            if (off >= sp->npages * rt->page_size) {
                damage_note(rt->damage, "a special record at 0x%llx lies outside its span", (unsigned long long)s);
                break;
            }
            if ((int64_t)kind == k_fin && k_fin >= 0) {
                uint64_t base = sp->base + off / sp->elemsize * sp->elemsize;
                uint32_t obj = heap_find(h, base);
                obj_edge_ctx c = {w, "[finalizers]", true};
                if (obj != HEAP_NONE && !sp->noscan)
                    heap_object_pointers(h, obj, finalized_ptr, &c);
                if (!c.ok || (f_fn.size && !slot_edge(w, s + f_fn.off, "[finalizers]", ROOT_OTHER, 0, 0, 0)))
                    return false;
            } else if ((int64_t)kind == k_clean && k_clean >= 0) {
                rt_field fs[] = {c_fn, c_call, c_cfn, c_arg};
                for (size_t k = 0; k < 4; k++)
                    if (fs[k].size && !slot_edge(w, s + fs[k].off, "[cleanups]", ROOT_OTHER, 0, 0, 0))
                        return false;
            }
            s = list_walk_next(&lw, next);
        }
    }
    return true;
}

/* How many records of elem bytes the array member arr of block type
 * `type` holds: what a block's count may be at most. */
static uint64_t block_capacity(const dwx *dw, const char *type, const dwx_field *arr, uint64_t elem)
{
    const dwx_type *t = dwx_type_get(dw, dwx_type_by_name(dw, type));
    if (t == NULL || elem == 0 || t->size <= arr->offset)
        return 0;
    return (t->size - arr->offset) / elem;
}

/* Queued finalizers (allfin: finblock/finBlock chain) and, 1.26+, queued
 * cleanups (gcCleanups.all: cleanupBlock chain). */
static bool scan_queues(walker *w)
{
    const go_runtime *rt = w->rt;
    const dwx *dw = rt->dw;
    const dwx_var *allfin = dwx_global_by_name(dw, "runtime.allfin");
    const char *fb = dwx_type_by_name(dw, "runtime.finBlock") ? "runtime.finBlock" : "runtime.finblock";
    rt_field b_all = rt_field_lookup(dw, fb, "alllink"), b_cnt = rt_field_lookup(dw, fb, "cnt");
    const dwx_field *b_fin = dwx_field_by_name(dw, dwx_type_by_name(dw, fb), "fin");
    const dwx_type *fin = dwx_type_get(dw, dwx_type_by_name(dw, "runtime.finalizer"));
    if (allfin && b_all.size && b_cnt.size && b_fin && fin && fin->size) {
        uint32_t offs[4];
        size_t n = 0;
        static const char *const ptrs[] = {"fn", "arg", "fint", "ot"}; /* finptrmask */
        for (size_t k = 0; k < 4; k++) {
            rt_field f = rt_field_lookup(dw, "runtime.finalizer", ptrs[k]);
            if (f.size == 8)
                offs[n++] = f.off;
        }
        uint64_t first, cap = block_capacity(dw, fb, b_fin, fin->size);
        if (core_read_u64(rt->core, allfin->addr + rt->bias, &first)) {
            list_walk lw;
            for (uint64_t b = list_walk_start(&lw, rt->damage, first, b_fin->offset + fin->size,
                                              "the finalizer blocks (runtime.allfin)"); b != 0;) {
                uint64_t cnt, next;
                if (!rt_read_field(rt, b, b_cnt, &cnt) || !rt_read_field(rt, b, b_all, &next) || cnt > cap) {
                    damage_note(rt->damage, "a finalizer block at 0x%llx cannot be read or holds more than it can",
                                (unsigned long long)b);
                    break;
                }
                if (!block_words(w, "[queued finalizers]", b + b_fin->offset, cnt, fin->size, offs, n))
                    return false;
                b = list_walk_next(&lw, next);
            }
        }
    }
    const dwx_var *cq = dwx_global_by_name(dw, "runtime.gcCleanups");
    rt_field q_all = rt_field_lookup(dw, "runtime.cleanupQueue", "all");
    rt_field cb_all = rt_field_lookup(dw, "runtime.cleanupBlock", "alllink");
    rt_field cb_n = rt_field_lookup(dw, "runtime.cleanupBlock", "n");
    const dwx_field *cb_arr = dwx_field_by_name(dw, dwx_type_by_name(dw, "runtime.cleanupBlock"), "cleanups");
    const dwx_type *cfn = dwx_type_get(dw, dwx_type_by_name(dw, "runtime.cleanupFn"));
    if (cq && q_all.size && cb_all.size && cb_n.size && cb_arr && cfn && cfn->size) {
        static const uint32_t offs[] = {0, 8, 16}; /* cleanupFnPtrMask 0b111: call, fn, arg */
        uint64_t first, cap = block_capacity(dw, "runtime.cleanupBlock", cb_arr, cfn->size);
        if (rt_read_field(rt, cq->addr + rt->bias, q_all, &first)) {
            list_walk lw;
            for (uint64_t b = list_walk_start(&lw, rt->damage, first, cb_arr->offset + cfn->size,
                                              "the cleanup blocks (runtime.gcCleanups)"); b != 0;) {
                uint64_t n, next;
                if (!rt_read_field(rt, b, cb_n, &n) || !rt_read_field(rt, b, cb_all, &next) || n > cap) {
                    damage_note(rt->damage, "a cleanup block at 0x%llx cannot be read or holds more than it can",
                                (unsigned long long)b);
                    break;
                }
                if (!block_words(w, "[queued cleanups]", b + cb_arr->offset, n, cfn->size, offs, 3))
                    return false;
                b = list_walk_next(&lw, next);
            }
        }
    }
    return true;
}

/* ---- registers ---- */

/* Which of want[0..nwant) the roots found so far reach: mark[o] & 1 for
 * those (BFS over the heap, stopped once all of want are reached; an
 * object outside want may then be left unmarked). */
static uint8_t *reachable_objects(walker *w, const uint32_t *want, size_t nwant)
{
    const heap *h = w->h;
    uint8_t *mark = ghf_big_calloc((size_t)h->nobjects + 1, 1);
    uint32_t *queue = ghf_big_malloc((size_t)h->nobjects + 1, sizeof *queue);
    if (mark == NULL || queue == NULL) {
        ghf_big_free(mark);
        ghf_big_free(queue);
        ghf_fail(w->err, GHF_EXIT_INTERNAL, "out of memory");
        return NULL;
    }
    size_t pending = 0;
    for (size_t i = 0; i < nwant; i++)
        if (!(mark[want[i]] & 2)) {
            mark[want[i]] = 2;
            pending++;
        }
    size_t head = 0, tail = 0;
    for (size_t i = 0; i < w->raw.n && pending > 0; i++) {
        uint32_t o = w->raw.v[i].obj;
        if (!(mark[o] & 1)) {
            pending -= mark[o] >> 1;
            mark[o] |= 1;
            queue[tail++] = o;
        }
    }
    while (head < tail && pending > 0) {
        uint32_t o = queue[head++];
        for (uint64_t e = h->edge_off[o]; e < h->edge_off[o + 1]; e++) {
            uint32_t t = h->edge_dst[e];
            if (!(mark[t] & 1)) {
                pending -= mark[t] >> 1;
                mark[t] |= 1;
                queue[tail++] = t;
            }
        }
    }
    ghf_big_free(queue);
    return mark;
}

/* Thread registers are conservative roots of last resort: a running
 * goroutine's pointer may live only in a register when gcore stopped it,
 * but register words are mostly scratch. So they hold only objects nothing
 * precise reaches, and never blur who holds everything else. */
static bool scan_registers(walker *w)
{
    const go_runtime *rt = w->rt;
    /* Only the runtime's threads: a C thread (cgo, no m) holds no Go
     * pointers the GC would honour. Without the m list, every thread. */
    uint64_t *known = NULL;
    size_t nknown = 0;
    ghf_err ignored = {0};
    bool have_known = rt_thread_ids(rt, &known, &nknown, &ignored);
    size_t nthreads = core_thread_count(rt->core), ngp = (size_t)w->gs.arch->pr_ngp;
    /* the heap objects in the threads' registers, then in those of the
     * contexts signals interrupted */
    VEC(uint32_t) objs = {0};
    bool ok = true;
    for (size_t i = 0; ok && i < nthreads * ngp + w->interrupted_regs.n; i++) {
        if (i < nthreads * ngp && have_known &&
            !rt_thread_known(known, nknown, core_threads(rt->core)[i / ngp].tid))
            continue;
        uint64_t reg = i < nthreads * ngp ? core_threads(rt->core)[i / ngp].regs[i % ngp]
                                          : w->interrupted_regs.v[i - nthreads * ngp];
        uint32_t obj = heap_find(w->h, reg);
        if (obj != HEAP_NONE)
            ok = VEC_PUSH(&objs, obj, w->err);
    }
    free(known);
    uint8_t *mark = ok && objs.n ? reachable_objects(w, objs.v, objs.n) : NULL;
    ok = ok && (objs.n == 0 || mark != NULL);
    for (size_t i = 0; ok && i < objs.n; i++) {
        if (mark[objs.v[i]] & 1)
            continue;
        uint32_t id;
        root_edge e = {.obj = objs.v[i]};
        ok = root_get(w->r, "[thread registers]", ROOT_OTHER, 0, 0, &id, w->err);
        e.root = id;
        ok = ok && edge_push(w, &e);
    }
    VEC_FREE(&objs);
    ghf_big_free(mark);
    return ok;
}

/* Stable merge sort of idx[0..n) by the slot of e[idx[]], tmp[0..n)
 * scratch. A half already in order with the other (one goroutine's frames
 * come in address order) is not merged. */
static void sort_by_slot(const raw_edge *e, uint32_t *idx, uint32_t *tmp, size_t n)
{
    if (n < 16) {
        for (size_t i = 1; i < n; i++) {
            uint32_t x = idx[i];
            size_t j = i;
            for (; j > 0 && e[idx[j - 1]].slot > e[x].slot; j--)
                idx[j] = idx[j - 1];
            idx[j] = x;
        }
        return;
    }
    size_t h = n / 2;
    sort_by_slot(e, idx, tmp, h);
    sort_by_slot(e, idx + h, tmp, n - h);
    if (e[idx[h - 1]].slot <= e[idx[h]].slot)
        return;
    memcpy(tmp, idx, h * sizeof *idx);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        idx[k++] = e[idx[j]].slot < e[tmp[i]].slot ? idx[j++] : tmp[i++];
    while (i < h)
        idx[k++] = tmp[i++];
}

/* An ascending run of one root's edges: one goroutine's stack slots come
 * in address order. */
typedef struct edge_run {
    uint64_t first;
    size_t start, n;
} edge_run;

static int cmp_run(const void *a, const void *b)
{
    const edge_run *x = a, *y = b;
    if (x->first != y->first)
        return x->first < y->first ? -1 : 1;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* Sort idx[0..n) (ascending edge indices) as sort_by_slot would (stably),
 * tmp[0..n) scratch, when it is a few ascending runs whose slot ranges do
 * not overlap: runs end where the slot goes down or at a goroutine's start
 * (gs[0..ngs), ascending edge indices), and goroutine stacks are disjoint.
 * The runs are put in order by their first slot and moved, O(n) instead
 * of merged. False, idx unchanged, when there are many short runs or two
 * overlap. */
static bool sort_by_runs(const raw_edge *e, uint32_t *idx, uint32_t *tmp, size_t n, const uint32_t *gs, size_t ngs)
{
    if (n < 2)
        return true;
    size_t cap = n / 4 + 1, nruns = 0;
    edge_run *runs = malloc(cap * sizeof *runs);
    if (runs == NULL)
        return false;
    size_t lo = 0, hi = ngs; /* b: the first goroutine start after idx[0] */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (gs[mid] <= idx[0])
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t b = lo;
    for (size_t i = 0; i < n; i++) {
        bool brk = i == 0 || e[idx[i]].slot < e[idx[i - 1]].slot;
        if (i > 0 && b < ngs && gs[b] <= idx[i]) {
            brk = true;
            while (b < ngs && gs[b] <= idx[i])
                b++;
        }
        if (!brk)
            continue;
        if (nruns == cap) {
            free(runs);
            return false;
        }
        runs[nruns++] = (edge_run){.first = e[idx[i]].slot, .start = i};
    }
    if (nruns == 1) {
        free(runs);
        return true;
    }
    for (size_t k = 0; k < nruns; k++)
        runs[k].n = (k + 1 < nruns ? runs[k + 1].start : n) - runs[k].start;
    qsort(runs, nruns, sizeof *runs, cmp_run);
    /* in order by first slot, each run must end at or before the next
     * begins (on a tie, come first in the input: stable) */
    for (size_t k = 1; k < nruns; k++) {
        uint64_t last = e[idx[runs[k - 1].start + runs[k - 1].n - 1]].slot;
        if (last > runs[k].first || (last == runs[k].first && runs[k - 1].start > runs[k].start)) {
            free(runs);
            return false;
        }
    }
    size_t at = 0;
    for (size_t k = 0; k < nruns; k++) {
        memcpy(tmp + at, idx + runs[k].start, runs[k].n * sizeof *idx);
        at += runs[k].n;
    }
    memcpy(idx, tmp, n * sizeof *idx);
    free(runs);
    return true;
}

bool roots_edge_next(root_edge_iter *it, root_edge *e)
{
    const root_edges *es = it->es;
    if (it->i >= es->n)
        return false;
    if (it->i % ROOT_EDGE_MARK == 0)
        it->prev = (root_edge){0};
    it->at = (size_t)(edge_get(es->code + it->at, &it->prev) - es->code);
    while (es->first[it->root + 1] <= it->i)
        it->root++;
    it->prev.root = it->root;
    it->i++;
    *e = it->prev;
    return true;
}

void roots_edge_iter_at(const roots *r, size_t i, root_edge_iter *it)
{
    const root_edges *es = &r->edges;
    *it = (root_edge_iter){.es = es};
    if (i >= es->n) {
        it->i = es->n;
        return;
    }
    size_t lo = 0, hi = r->list.n; /* the root: the last id whose first edge is <= i */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (es->first[mid + 1] <= i)
            lo = mid + 1;
        else
            hi = mid;
    }
    it->root = (uint32_t)lo;
    it->i = i - i % ROOT_EDGE_MARK;
    it->at = es->mark[i / ROOT_EDGE_MARK];
    root_edge skip;
    while (it->i < i)
        roots_edge_next(it, &skip);
}

root_edge roots_edge_at(const roots *r, size_t i)
{
    root_edge_iter it;
    root_edge e = {0};
    roots_edge_iter_at(r, i, &it);
    roots_edge_next(&it, &e);
    return e;
}

#ifndef ENCODE_SHARE_MIN /* (a test build may lower it) */
#define ENCODE_SHARE_MIN GHF_PARALLEL_MIN /* edges below which one thread encodes */
#endif

/* Encode the sorted edges idx[from..to) (from at a mark) into code, their
 * marks' offsets (relative to code) into mark. */
typedef struct encode_share {
    const walker *w;
    const uint32_t *idx;
    size_t from, to;
    uint64_t *mark;
    VEC(uint8_t) code;
    ghf_err err;
    bool ok;
} encode_share;

static void *encode_run(void *arg)
{
    encode_share *s = arg;
    const raw_edge *e = s->w->raw.v;
    raw_cursor cur = {.w = s->w};
    root_edge prev = {0};
    s->ok = true;
    for (size_t i = s->from; s->ok && i < s->to; i++) {
        if (i % ROOT_EDGE_MARK == 0) {
            s->mark[i / ROOT_EDGE_MARK] = s->code.n;
            prev = (root_edge){0};
        }
        /* ~3 bytes an edge on a goroutine-heavy heap: grow by a quarter of that */
        s->ok = VEC_RESERVE(&s->code, s->code.n + EDGE_CODE_MAX + (s->to - i) / 4, &s->err);
        if (s->ok) {
            const raw_edge *x = &e[s->idx[i]];
            root_edge y = {.root = x->root, .obj = x->obj, .slot = x->slot};
            raw_var(&cur, s->idx[i], &y);
            s->code.n = (size_t)(edge_put(s->code.v + s->code.n, &y, &prev) - s->code.v);
            prev = y;
        }
    }
    return NULL;
}

/* Sort the edges by (root, slot), keeping the order found among equal
 * keys: a counting sort by root (ids are dense; few roots take most edges)
 * of the edges' indices, then each root's indices by slot; then the edges
 * are encoded into r->edges in that order. */
static bool sort_edges(walker *w, roots *r, const uint32_t *gs, size_t ngs, ghf_err *err)
{
    size_t n = w->raw.n, nroots = r->list.n;
    const raw_edge *e = w->raw.v;
    if (n >= UINT32_MAX)
        return ghf_fail(err, GHF_EXIT_INPUT, "too many root edges (%zu)", n);
    size_t *start = calloc(nroots + 1, sizeof *start);
    uint32_t *idx = ghf_big_malloc(n ? n : 1, sizeof *idx), *tmp = ghf_big_malloc(n ? n : 1, sizeof *tmp);
    root_edges *es = &r->edges;
    es->mark = malloc((n / ROOT_EDGE_MARK + 1) * sizeof *es->mark);
    if (start == NULL || idx == NULL || tmp == NULL || es->mark == NULL) {
        free(start);
        ghf_big_free(idx);
        ghf_big_free(tmp);
        return ghf_fail(err, GHF_EXIT_INTERNAL, "out of memory sorting the root edges");
    }
    for (size_t i = 0; i < n; i++)
        start[e[i].root + 1]++;
    for (size_t k = 0; k < nroots; k++)
        start[k + 1] += start[k];
    for (size_t i = 0; i < n; i++)
        idx[start[e[i].root]++] = (uint32_t)i;
    /* start[k] is now the end of root k's edges */
    for (size_t k = 0, from = 0; k < nroots; from = start[k++])
        if (!sort_by_runs(e, idx + from, tmp, start[k] - from, gs, ngs))
            sort_by_slot(e, idx + from, tmp, start[k] - from);
    ghf_big_free(tmp);
    memmove(start + 1, start, nroots * sizeof *start); /* now where each root's edges begin */
    start[0] = 0;
    es->first = start;
    /* the encoding in two halves at once (split at a mark, where encoding
     * starts afresh), the second appended to the first */
    encode_share sh[2] = {{.w = w, .idx = idx, .to = n, .mark = es->mark}};
    unsigned nsh = n >= ENCODE_SHARE_MIN && ghf_threads() > 1 ? 2 : 1;
    if (nsh == 2) {
        sh[1] = sh[0];
        sh[0].to = sh[1].from = n / 2 - n / 2 % ROOT_EDGE_MARK;
    }
    ghf_run_shares(encode_run, sh, sizeof *sh, nsh);
    ghf_big_free(idx);
    bool ok = sh[0].ok && (nsh == 1 || sh[1].ok);
    if (ok && nsh == 2) {
        ok = VEC_RESERVE(&sh[0].code, sh[0].code.n + sh[1].code.n, err);
        if (ok) {
            memcpy(sh[0].code.v + sh[0].code.n, sh[1].code.v, sh[1].code.n);
            for (size_t m = sh[1].from / ROOT_EDGE_MARK; m * ROOT_EDGE_MARK < n; m++)
                es->mark[m] += sh[0].code.n;
            sh[0].code.n += sh[1].code.n;
        }
    }
    for (unsigned k = 0; k < nsh; k++)
        if (!sh[k].ok)
            ok = ghf_fail(err, sh[k].err.code, "%s", sh[k].err.msg);
    if (nsh == 2)
        VEC_FREE(&sh[1].code);
    if (!ok) {
        VEC_FREE(&sh[0].code);
        return false;
    }
    uint8_t *shrunk = sh[0].code.n ? realloc(sh[0].code.v, sh[0].code.n) : NULL;
    es->code = shrunk ? shrunk : sh[0].code.v;
    es->code_len = sh[0].code.n;
    es->n = n;
    return true;
}

bool roots_collect(heap *h, const roots_opts *opts, roots *r, ghf_err *err)
{
    static const roots_opts defaults = {.registers = true};
    memset(r, 0, sizeof *r);
    walker w = {.h = h, .r = r, .opts = opts ? opts : &defaults, .err = err, .rt = h->rt};
    gstack_ctx_init(&w.gs, w.rt);
    w.gofunc = w.rt->gofunc;
    w.rodata = w.rt->rodata;
    /* The heap's pages, mapped by reading the objects' pointers, would sit
     * under the edges found here (~9 M at 10 M objects on a goroutine-heavy
     * heap): roots reads the stacks, data and bss, and hardly a heap word. */
    core_release_pages(w.rt->core);
    if (!scan_globals(&w) || !scan_stacks(&w) || !scan_specials(&w) || !scan_queues(&w) ||
        (w.opts->registers && !scan_registers(&w))) {
        walker_free_edges(&w);
        roots_free(r);
        return false;
    }
    VEC_FREE(&w.interrupted_regs);
    /* The sort's index and the encoding (~9 M edges at 10 M objects on a
     * goroutine-heavy heap) would sit on top of the core's mapped pages,
     * the peak RSS: those read back from the page cache when touched. */
    core_release_pages(w.rt->core);
    bool sorted = sort_edges(&w, r, w.gstarts.v, w.gstarts.n, err);
    VEC_FREE(&w.gstarts);
    VEC_FREE(&w.raw);
    VEC_FREE(&w.raw_vars);
    VEC_FREE(&w.raw_marks);
    if (!sorted) {
        roots_free(r);
        return false;
    }
    return true;
}

void roots_free(roots *r)
{
    VEC_FREE(&r->list);
    free(r->edges.code);
    free(r->edges.mark);
    free(r->edges.first);
    VEC_FREE(&r->lost);
    VEC_FREE(&r->images);
    strtab_free(&r->names);
    strtab_free(&r->notes);
    memset(r, 0, sizeof *r);
}
