/* roots.c — GC roots: globals, goroutine stacks, registers (see roots.h). */
#include "roots.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcln.h"

#define MAX_FRAMES 100000

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

typedef struct frame {
    uint64_t pc, sp, fp, varp, argp;
    pcln_func fn;
} frame;

/* A stack object (an address-taken local) of the goroutine being walked.
 * As in the runtime (runtime/mgcmark.go scanstack), it is scanned only if a
 * live slot or another scanned stack object points into it: its memory may
 * hold stale pointers from an earlier use of the stack until the code that
 * owns it runs. */
typedef struct stack_obj {
    frame f;                 /* the frame it lives in, for naming its slots */
    uint64_t base, size;
    uint32_t ptrbytes, gcoff;
    bool scanned;
} stack_obj;

typedef struct walker {
    heap *h;
    roots *r;
    const roots_opts *opts;
    ghf_err *err;
    const go_runtime *rt;
    uint64_t gofunc, rodata;
    char prefix[48];       /* "goroutine N: " when splitting, else "" */
    uint64_t stack_lo, stack_hi;   /* the goroutine being walked */
    VEC(stack_obj) sobjs;          /* its stack objects */
    VEC(uint64_t) stack_ptrs;      /* pointers into its stack, to resolve to stack objects */
} walker;

/* If the word at slot points into an allocated object, record an edge
 * from the root named `name`. */
static bool slot_edge(walker *w, uint64_t slot, const char *name, uint8_t kind, dwx_type_id type,
                      uint64_t var_addr)
{
    uint64_t v;
    if (!core_read_u64(w->rt->core, slot, &v) || v == 0)
        return true;
    uint32_t obj = heap_find(w->h, v);
    if (obj == HEAP_NONE)
        return true;
    uint32_t id;
    if (!root_get(w->r, name, kind, type, slot, &id, w->err))
        return false;
    root_edge e = {.root = id, .obj = obj, .slot = slot, .var_addr = type ? var_addr : 0, .var_type = type};
    return VEC_PUSH(&w->r->edges, e, w->err);
}

/* ---- globals ---- */

static bool scan_section(walker *w, uint64_t start, uint64_t end, uint64_t nbits, uint64_t bytedata)
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
                snprintf(name, sizeof name, "%s+0x%llx", start == 0 ? "?" : "global",
                         (unsigned long long)(slot - start));
        }
        if (!slot_edge(w, slot, name, ROOT_GLOBAL, type, var_addr))
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
        if (!scan_section(w, data, edata, (uint32_t)dn, db) || !scan_section(w, bss, ebss, (uint32_t)bn, bb))
            return false;
        if (rt->md.next.size)
            rt_read_field(rt, md, rt->md.next, &next);
        md = list_walk_next(&lw, next);
    }
    return true;
}

/* ---- stacks ---- */

static void frame_slot_name(walker *w, const frame *f, uint64_t slot, char *buf, size_t cap,
                            dwx_type_id *type, uint64_t *var_addr)
{
    const go_runtime *rt = w->rt;
    *type = 0;
    *var_addr = 0;
    const dwx_func *df = dwx_func_at(rt->dw, f->fn.entry - rt->bias);
    uint64_t lookup_pc = f->pc > f->fn.entry ? f->pc - 1 : f->pc;
    if (df != NULL) {
        /* On amd64 the CFA is the caller's SP, i.e. our fp. */
        uint64_t value_off = 0;
        const dwx_local *l = dwx_local_at(rt->dw, df, lookup_pc - rt->bias, (int64_t)(slot - f->fp), &value_off);
        if (l != NULL) {
            snprintf(buf, cap, "%s%s.%s", w->prefix, f->fn.name, l->name);
            *type = l->type;
            *var_addr = slot - value_off;
            return;
        }
    }
    snprintf(buf, cap, "%s%s+0x%llx", w->prefix, f->fn.name, (unsigned long long)(slot - f->sp));
}

static bool stack_slot(walker *w, const frame *f, uint64_t slot)
{
    char name[640];
    dwx_type_id type;
    uint64_t v, var_addr;
    if (!core_read_u64(w->rt->core, slot, &v) || v == 0)
        return true;
    if (v >= w->stack_lo && v < w->stack_hi) /* into the stack: maybe a stack object */
        return VEC_PUSH(&w->stack_ptrs, v, w->err);
    if (heap_find(w->h, v) == HEAP_NONE)
        return true;
    frame_slot_name(w, f, slot, name, sizeof name, &type, &var_addr);
    return slot_edge(w, slot, name, ROOT_STACK, type, var_addr);
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

/* runtime/mgcmark.go scanframeworker: locals, args, stack objects. */
static bool scan_frame(walker *w, const frame *f, bool conservative)
{
    const go_runtime *rt = w->rt;
    if (conservative)
        return scan_conservative(w, f, f->sp, f->fp + (f->fn.args > 0 ? (uint64_t)f->fn.args : 0));
    uint64_t target = f->pc;
    int32_t idx = -1;
    if (target != f->fn.entry) {
        target--;
        pcln_pcdata(rt->pcln, &f->fn, 1 /* PCDATA_StackMapIndex */, target, &idx);
    }
    if (idx == -1)
        idx = 0;
    uint32_t off;
    int32_t nbit;
    uint64_t bits;
    if (f->varp > f->sp && pcln_funcdata(rt->pcln, &f->fn, 1 /* LocalsPointerMaps */, &off) &&
        stackmap_bits(rt, w->gofunc + off, idx, &nbit, &bits) && nbit > 0 &&
        (uint64_t)nbit <= (f->varp - f->sp) / 8) /* the map covers locals only */
        if (!scan_bitvector(w, f, f->varp - (uint64_t)nbit * 8, nbit, bits))
            return false;
    if (f->fn.args > 0 && pcln_funcdata(rt->pcln, &f->fn, 0 /* ArgsPointerMaps */, &off) &&
        stackmap_bits(rt, w->gofunc + off, idx, &nbit, &bits) && nbit > 0)
        if (!scan_bitvector(w, f, f->argp, nbit <= f->fn.args / 8 ? nbit : f->fn.args / 8, bits))
            return false;
    /* Stack objects: recorded now, scanned once something points at them. */
    if (pcln_funcdata(rt->pcln, &f->fn, 2 /* StackObjects */, &off)) {
        uint64_t objs = w->gofunc + off, count;
        if (core_read_u64(rt->core, objs, &count) && count < 4096) {
            for (uint64_t i = 0; i < count; i++) {
                uint64_t rec = objs + 8 + i * 16;
                uint32_t o, sz, ptrbytes, gcoff;
                if (!core_read_u32(rt->core, rec, &o) || !core_read_u32(rt->core, rec + 4, &sz) ||
                    !core_read_u32(rt->core, rec + 8, &ptrbytes) || !core_read_u32(rt->core, rec + 12, &gcoff))
                    break;
                uint64_t base = (int32_t)o < 0 ? f->varp + (int64_t)(int32_t)o : f->argp + o;
                if (base < f->sp || (int32_t)ptrbytes <= 0)
                    continue; /* not in this frame yet, or a GC program (1.19 <0): skip */
                if (ptrbytes > sz || base + sz > f->fp + (f->fn.args > 0 ? (uint64_t)f->fn.args : 0))
                    continue; /* corrupt: a stack object lies inside its frame */
                stack_obj so = {.f = *f, .base = base, .size = sz, .ptrbytes = ptrbytes, .gcoff = gcoff};
                if (!VEC_PUSH(&w->sobjs, so, w->err))
                    return false;
            }
        }
    }
    return true;
}

static bool name_is(const pcln_func *f, const char *n)
{
    return f->name != NULL && strcmp(f->name, n) == 0;
}

/* Unwind one goroutine from (pc, sp) within [lo, hi) (runtime/traceback.go). */
static bool walk_stack(walker *w, uint64_t pc, uint64_t sp, uint64_t lo, uint64_t hi)
{
    const go_runtime *rt = w->rt;
    bool conservative_next = false;
    for (int n = 0; n < MAX_FRAMES; n++) {
        frame f = {.pc = pc, .sp = sp};
        if (pc == 0 || sp < lo || sp >= hi || !pcln_find(rt->pcln, pc, &f.fn)) {
            if (pc != 0)
                w->r->unwind_failures++;
            return true;
        }
        if (name_is(&f.fn, "runtime.goexit") || name_is(&f.fn, "runtime.mstart") ||
            name_is(&f.fn, "runtime.rt0_go") || (f.fn.flag & 1 /* TopFrame */))
            return true;
        int32_t delta = 0;
        if (!pcln_spdelta(rt->pcln, &f.fn, pc, &delta) || delta < 0) {
            w->r->unwind_failures++;
            return true;
        }
        f.fp = sp + (uint64_t)delta + 8; /* + return address (amd64) */
        f.varp = f.fp - 8;
        if (f.varp > f.sp)
            f.varp -= 8;                 /* saved frame pointer */
        f.argp = f.fp;
        if (f.fp > hi) { /* a frame past the stack's end: corrupt, do not scan it */
            w->r->unwind_failures++;
            return true;
        }
        bool preempt = name_is(&f.fn, "runtime.asyncPreempt") || name_is(&f.fn, "runtime.debugCallV2");
        w->r->frames++;
        if (!scan_frame(w, &f, preempt || conservative_next))
            return false;
        conservative_next = preempt; /* the interrupted frame has no valid map either */
        uint64_t ret;
        if (f.fp > hi || !core_read_u64(rt->core, f.fp - 8, &ret)) {
            w->r->unwind_failures++;
            return true;
        }
        if (f.fn.flag & 2 /* SPWrite */)
            return true;
        pc = ret;
        sp = f.fp;
    }
    w->r->unwind_failures++;
    return true;
}

/* Scan the stack objects that live slots point into, transitively
 * (runtime/mgcmark.go scanstack: getPtr / findObject / scanblock). */
static bool scan_stack_objects(walker *w)
{
    const go_runtime *rt = w->rt;
    while (w->stack_ptrs.n) {
        uint64_t p = w->stack_ptrs.v[--w->stack_ptrs.n];
        for (size_t i = 0; i < w->sobjs.n; i++) {
            stack_obj *so = &w->sobjs.v[i];
            if (so->scanned || p < so->base || p >= so->base + so->size)
                continue;
            so->scanned = true;
            frame f = so->f;
            for (uint32_t k = 0; k < so->ptrbytes / 8; k++) {
                uint8_t b;
                if (!core_read_u8(rt->core, w->rodata + so->gcoff + k / 8, &b))
                    break;
                if ((b >> (k % 8) & 1) && !stack_slot(w, &f, so->base + (uint64_t)k * 8))
                    return false;
            }
            break;
        }
    }
    w->sobjs.n = 0;
    return true;
}

static bool scan_stacks(walker *w)
{
    rt_goroutine *gs;
    size_t ngs;
    const go_runtime *rt = w->rt;
    if (!rt_goroutines(rt, &gs, &ngs, w->err))
        return false;
    bool ok = true;
    for (size_t i = 0; i < ngs && ok; i++) {
        const rt_goroutine *g = &gs[i];
        if (g->status == G_IDLE || g->status == G_DEAD || g->status == G_DEADEXTRA)
            continue;
        if (g->stack_hi <= g->stack_lo || g->stack_hi - g->stack_lo > (1ull << 32))
            continue;
        w->r->goroutines++;
        if (w->opts->split_goroutines)
            snprintf(w->prefix, sizeof w->prefix, "goroutine %llu: ", (unsigned long long)g->goid);
        uint64_t pc = g->pc, sp = g->sp;
        if (g->status == G_RUNNING) {
            /* Its registers are on a thread; the one whose SP is inside this stack. */
            for (size_t t = 0; t < core_thread_count(rt->core); t++) {
                const core_thread *th = &core_threads(rt->core)[t];
                if (th->regs[CORE_REG_RSP] >= g->stack_lo && th->regs[CORE_REG_RSP] < g->stack_hi) {
                    pc = th->regs[CORE_REG_RIP];
                    sp = th->regs[CORE_REG_RSP];
                }
            }
        }
        w->stack_lo = g->stack_lo;
        w->stack_hi = g->stack_hi;
        ok = walk_stack(w, pc, sp, g->stack_lo, g->stack_hi) && scan_stack_objects(w);
    }
    w->stack_lo = w->stack_hi = 0;
    VEC_FREE(&w->sobjs);
    VEC_FREE(&w->stack_ptrs);
    w->prefix[0] = '\0';
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
            if (!slot_edge(w, addr + i * size + offs[k], name, ROOT_OTHER, 0, 0))
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
    c->ok = c->ok && VEC_PUSH(&c->w->r->edges, e, c->w->err);
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
                if (!c.ok || (f_fn.size && !slot_edge(w, s + f_fn.off, "[finalizers]", ROOT_OTHER, 0, 0)))
                    return false;
            } else if ((int64_t)kind == k_clean && k_clean >= 0) {
                rt_field fs[] = {c_fn, c_call, c_cfn, c_arg};
                for (size_t k = 0; k < 4; k++)
                    if (fs[k].size && !slot_edge(w, s + fs[k].off, "[cleanups]", ROOT_OTHER, 0, 0))
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

/* Mark the objects reachable from the roots found so far (BFS over the heap). */
static uint8_t *reachable_objects(walker *w)
{
    const heap *h = w->h;
    uint8_t *mark = calloc((size_t)h->nobjects + 1, 1);
    uint32_t *queue = malloc(((size_t)h->nobjects + 1) * sizeof *queue);
    if (mark == NULL || queue == NULL) {
        free(mark);
        free(queue);
        ghf_fail(w->err, GHF_EXIT_INTERNAL, "out of memory");
        return NULL;
    }
    size_t head = 0, tail = 0;
    for (size_t i = 0; i < w->r->edges.n; i++) {
        uint32_t o = w->r->edges.v[i].obj;
        if (!mark[o]) {
            mark[o] = 1;
            queue[tail++] = o;
        }
    }
    while (head < tail) {
        uint32_t o = queue[head++];
        for (uint64_t e = h->edge_off[o]; e < h->edge_off[o + 1]; e++) {
            uint32_t t = h->edge_dst[e];
            if (!mark[t]) {
                mark[t] = 1;
                queue[tail++] = t;
            }
        }
    }
    free(queue);
    return mark;
}

/* Thread registers are conservative roots of last resort: a running
 * goroutine's pointer may live only in a register when gcore stopped it,
 * but register words are mostly scratch. So they hold only objects nothing
 * precise reaches, and never blur who holds everything else. */
static bool scan_registers(walker *w)
{
    const go_runtime *rt = w->rt;
    uint8_t *mark = reachable_objects(w);
    if (mark == NULL)
        return false;
    bool ok = true;
    for (size_t t = 0; ok && t < core_thread_count(rt->core); t++) {
        const core_thread *th = &core_threads(rt->core)[t];
        for (int k = 0; ok && k < 16; k++) {
            uint32_t obj = heap_find(w->h, th->regs[k]);
            if (obj == HEAP_NONE || mark[obj])
                continue;
            uint32_t id;
            root_edge e = {.obj = obj};
            ok = root_get(w->r, "[thread registers]", ROOT_OTHER, 0, 0, &id, w->err);
            e.root = id;
            ok = ok && VEC_PUSH(&w->r->edges, e, w->err);
        }
    }
    free(mark);
    return ok;
}

static int cmp_edge(const void *a, const void *b)
{
    const root_edge *x = a, *y = b;
    if (x->root != y->root)
        return x->root < y->root ? -1 : 1;
    return x->slot < y->slot ? -1 : x->slot > y->slot;
}

bool roots_collect(heap *h, const roots_opts *opts, roots *r, ghf_err *err)
{
    static const roots_opts defaults = {.registers = true};
    memset(r, 0, sizeof *r);
    walker w = {.h = h, .r = r, .opts = opts ? opts : &defaults, .err = err, .rt = h->rt};
    rt_read_field(w.rt, w.rt->firstmoduledata, w.rt->md.gofunc, &w.gofunc);
    rt_read_field(w.rt, w.rt->firstmoduledata, w.rt->md.rodata, &w.rodata);
    if (!scan_globals(&w) || !scan_stacks(&w) || !scan_specials(&w) || !scan_queues(&w) ||
        (w.opts->registers && !scan_registers(&w))) {
        roots_free(r);
        return false;
    }
    if (r->edges.n)
        qsort(r->edges.v, r->edges.n, sizeof *r->edges.v, cmp_edge);
    return true;
}

void roots_free(roots *r)
{
    VEC_FREE(&r->list);
    VEC_FREE(&r->edges);
    strtab_free(&r->names);
    memset(r, 0, sizeof *r);
}
