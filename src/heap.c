/* heap.c — enumerate the Go heap's objects and the pointers between them.
 * See include/heap.h for the contract and the per-version layout summary.
 */
#include "heap.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "heap_types.h"
#include "parallel.h"
#include "progress.h"
#include "vec.h"

struct heap_arena_map {
    uint64_t idx;            /* arena index as the runtime computes it */
    uint64_t ha;             /* address of the runtime.heapArena (0 if unknown) */
    uint32_t *page_span;     /* pages_per_arena entries: span index or HEAP_NONE */
    const uint8_t *bitmap;   /* 1.19-1.21: heapArena.bitmap, viewed in the core */
    struct page_key *keys;   /* pages_per_arena entries: what heap_find needs */
};

/* struct page_key, what heap_find needs of the span holding a page: heap.h */

struct heap_mask_cache {
    htypes types;
};

/* ---- address -> arena -> page -> span ---- */

/* Page and arena sizes are powers of two (go_runtime checks): shift and
 * mask, not divide, on the look-up that every pointer word takes. */
static inline unsigned log2_of(uint64_t pow2)
{
    return (unsigned)__builtin_ctzll(pow2);
}

static uint64_t arena_index(const go_runtime *rt, uint64_t addr)
{
    return (addr - rt->arena_base_offset) >> log2_of(rt->arena_bytes);
}

static inline uint64_t page_in_arena(const go_runtime *rt, uint64_t addr)
{
    return (addr & (rt->arena_bytes - 1)) >> log2_of(rt->page_size);
}

static uint64_t hash_u64(uint64_t a)
{
    a *= 0x9E3779B97F4A7C15ull;
    return a ^ (a >> 29);
}

/* mheap_.arenas[l1][l2] -> *heapArena (runtime/mheap.go): 0 when addr is
 * in no arena the runtime has. */
static uint64_t heap_arena_at(const go_runtime *rt, uint64_t addr)
{
    uint64_t idx = arena_index(rt, addr);
    uint64_t l1 = rt->arena_l1_bits ? idx >> rt->arena_l2_bits : 0;
    uint64_t l2 = idx & ((1ull << rt->arena_l2_bits) - 1);
    uint64_t l2arr, ha;
    if (l1 >> rt->arena_l1_bits != 0 ||
        !core_read_u64(rt->core, rt->mheap + rt->mheap_f.arenas.off + l1 * 8, &l2arr) || l2arr == 0 ||
        !core_read_u64(rt->core, l2arr + l2 * 8, &ha))
        return 0;
    return ha;
}

static struct heap_arena_map *arena_lookup(const heap *h, uint64_t idx)
{
    if (h->arena_cap == 0)
        return NULL;
    for (uint32_t i = (uint32_t)(hash_u64(idx) & (h->arena_cap - 1));; i = (i + 1) & (h->arena_cap - 1)) {
        struct heap_arena_map *a = &h->arenas[i];
        if (a->page_span == NULL)
            return NULL;
        if (a->idx == idx)
            return a;
    }
}

static struct heap_arena_map *arena_add(heap *h, uint64_t idx, ghf_err *err)
{
    struct heap_arena_map *a = arena_lookup(h, idx);
    if (a != NULL)
        return a;
    if ((h->narenas + 1) * 2 > h->arena_cap) {
        uint32_t ncap = h->arena_cap ? h->arena_cap * 2 : 64;
        struct heap_arena_map *na = ghf_xcalloc(ncap, sizeof *na, err);
        if (na == NULL)
            return NULL;
        for (uint32_t i = 0; i < h->arena_cap; i++) {
            if (h->arenas[i].page_span == NULL)
                continue;
            uint32_t j = (uint32_t)(hash_u64(h->arenas[i].idx) & (ncap - 1));
            while (na[j].page_span)
                j = (j + 1) & (ncap - 1);
            na[j] = h->arenas[i];
        }
        free(h->arenas);
        h->arenas = na;
        h->arena_cap = ncap;
    }
    uint32_t j = (uint32_t)(hash_u64(idx) & (h->arena_cap - 1));
    while (h->arenas[j].page_span)
        j = (j + 1) & (h->arena_cap - 1);
    a = &h->arenas[j];
    a->idx = idx;
    a->page_span = malloc(h->rt->pages_per_arena * sizeof *a->page_span);
    if (a->page_span == NULL) {
        ghf_fail(err, GHF_EXIT_INTERNAL, "out of memory for the page table");
        return NULL;
    }
    memset(a->page_span, 0xff, h->rt->pages_per_arena * sizeof *a->page_span);
    h->narenas++;
    a->ha = heap_arena_at(h->rt, idx * h->rt->arena_bytes + h->rt->arena_base_offset);
    return a;
}

static uint32_t find_slow(const heap *h, const heap_span *sp, uint64_t addr, uint64_t *base, uint64_t *size,
                          uint64_t *user_off)
{
    const go_runtime *rt = h->rt;
    if (addr < sp->base || addr >= sp->limit)
        return HEAP_NONE;
    uint64_t slot = (addr - sp->base) / sp->elemsize;
    if (slot >= sp->nelems) /* a limit past the last slot (damaged metadata) */
        return HEAP_NONE;
    *base = sp->base + slot * sp->elemsize;
    *size = sp->elemsize;
    *user_off = rt->minor >= 22 && !sp->noscan && sp->sizeclass != 0 && sp->elemsize > rt->min_size_for_malloc_header
                    ? rt->malloc_header_size : 0;
    return (uint32_t)(sp->first_slot + slot);
}

uint32_t heap_find_slot(const heap *h, uint64_t addr, uint64_t *base, uint64_t *size, uint64_t *user_off)
{
    const go_runtime *rt = h->rt;
    const struct heap_arena_map *a = arena_lookup(h, arena_index(rt, addr));
    if (a == NULL)
        return HEAP_NONE;
    uint64_t page = page_in_arena(rt, addr);
    const struct page_key *k = &a->keys[page];
    if (k->elemsize == 0) {
        if (k->first_slot == HEAP_NONE)
            return HEAP_NONE;
        return find_slow(h, &h->spans[a->page_span[page]], addr, base, size, user_off);
    }
    return heap_key_slot(k, addr, rt->page_size, rt->malloc_header_size, base, size, user_off);
}

void heap_slot_cache_init(heap_slot_cache *c, const heap *h)
{
    const go_runtime *rt = h->rt;
    *c = (heap_slot_cache){.h = h, .amask = rt->arena_bytes - 1, .page_size = rt->page_size,
                           .header_size = rt->malloc_header_size,
                           .page_shift = (unsigned)__builtin_ctzll(rt->page_size),
                           .arena_shift = (unsigned)__builtin_ctzll(rt->arena_bytes)};
}

uint32_t heap_slot_cache_miss(heap_slot_cache *c, uint64_t addr, uint64_t *base, uint64_t *size, uint64_t *user_off)
{
    const heap *h = c->h;
    const go_runtime *rt = h->rt;
    uint64_t idx = arena_index(rt, addr);
    const struct heap_arena_map *a = arena_lookup(h, idx);
    if (a != NULL && a->keys != NULL) {
        size_t i = (addr >> c->arena_shift) & (HEAP_SLOT_CACHE_ARENAS - 1);
        c->arenas[i].lo = idx * rt->arena_bytes + rt->arena_base_offset;
        c->arenas[i].keys = a->keys;
    }
    return heap_find_slot(h, addr, base, size, user_off);
}

const heap_span *heap_span_at(const heap *h, uint64_t addr)
{
    const go_runtime *rt = h->rt;
    const struct heap_arena_map *a = arena_lookup(h, arena_index(rt, addr));
    if (a == NULL)
        return NULL;
    uint32_t si = a->page_span[page_in_arena(rt, addr)];
    return si == HEAP_NONE ? NULL : &h->spans[si];
}

uint32_t heap_find_obj(const heap *h, uint64_t addr, uint64_t *base, uint64_t *size, uint64_t *user_off)
{
    uint32_t slot = heap_find_slot(h, addr, base, size, user_off);
    return slot == HEAP_NONE ? HEAP_NONE : h->slot_obj[slot];
}

static bool build_page_keys(heap *h, ghf_err *err)
{
    const go_runtime *rt = h->rt;
    for (uint32_t j = 0; j < h->arena_cap; j++) {
        struct heap_arena_map *a = &h->arenas[j];
        if (a->page_span == NULL)
            continue;
        a->keys = malloc(rt->pages_per_arena * sizeof *a->keys);
        if (a->keys == NULL)
            return ghf_fail(err, GHF_EXIT_INTERNAL, "out of memory for the page table");
        for (uint64_t p = 0; p < rt->pages_per_arena; p++) {
            struct page_key *k = &a->keys[p];
            memset(k, 0, sizeof *k);
            uint32_t si = a->page_span[p];
            if (si == HEAP_NONE) {
                k->first_slot = HEAP_NONE;
                continue;
            }
            const heap_span *sp = &h->spans[si];
            k->first_slot = sp->first_slot; /* not HEAP_NONE: the slow way if elemsize stays 0 */
            uint64_t page_start = (a->idx * rt->arena_bytes + rt->arena_base_offset) + p * rt->page_size;
            uint64_t base_off = page_start - sp->base, bytes = sp->limit - sp->base;
            if (bytes > (uint64_t)sp->nelems * sp->elemsize) /* no slot past nelems, whatever limit says */
                bytes = (uint64_t)sp->nelems * sp->elemsize;
            /* elemsize 1 (damaged metadata only) would need a div_mul of 2^32 */
            if (sp->elemsize < 2 || sp->elemsize > UINT32_MAX || base_off > UINT32_MAX || bytes >= KEY_HEADER)
                continue;
            k->elemsize = (uint32_t)sp->elemsize;
            k->div_mul = (uint32_t)(UINT32_MAX / k->elemsize + 1);
            k->base_off = (uint32_t)base_off;
            k->bytes = (uint32_t)bytes;
            if (rt->minor >= 22 && !sp->noscan && sp->sizeclass != 0 && sp->elemsize > rt->min_size_for_malloc_header)
                k->bytes |= KEY_HEADER;
        }
    }
    return true;
}

uint32_t heap_find(const heap *h, uint64_t addr)
{
    uint64_t base, size, user_off;
    return heap_find_obj(h, addr, &base, &size, &user_off);
}

/* ---- spans ---- */

static uint64_t buf_field(const uint8_t *buf, rt_field f)
{
    uint64_t v = 0;
    for (int i = f.size - 1; i >= 0; i--)
        v = v << 8 | buf[f.off + i];
    return v;
}

static int cmp_span(const void *a, const void *b)
{
    const heap_span *x = a, *y = b;
    return x->base < y->base ? -1 : x->base > y->base;
}

static bool load_spans(heap *h, ghf_err *err)
{
    const go_runtime *rt = h->rt;
    uint64_t all, nall, capall;
    uint64_t hdr = rt->mheap + rt->mheap_f.allspans.off;
    if (!rt_read_slice(rt, hdr, &all, &nall) || !core_read_u64(rt->core, hdr + 16, &capall))
        return ghf_fail(err, GHF_EXIT_INPUT, "cannot read mheap_.allspans from the core");
    if (nall > capall) {
        damage_note(rt->damage, "mheap_.allspans is longer (%llu) than its capacity (%llu)",
                    (unsigned long long)nall, (unsigned long long)capall);
        nall = capall;
    }
    if (nall > (1ull << 32) || !rt_array_fits(rt, all, nall, 8))
        return ghf_fail(err, GHF_EXIT_INPUT, "mheap_.allspans (length %llu at 0x%llx) does not fit the core",
                        (unsigned long long)nall, (unsigned long long)all);
    if (rt->mspan.size == 0 || rt->mspan.size > 4096)
        return ghf_fail(err, GHF_EXIT_UNSUPPORTED, "unexpected runtime.mspan size %llu",
                        (unsigned long long)rt->mspan.size);
    bool green_tea = false;
    const dwx_type *imb = dwx_type_get(rt->dw, dwx_type_by_name(rt->dw, "runtime.spanInlineMarkBits"));
    if (imb != NULL && imb->size != 0)
        green_tea = true;
    h->green_tea = green_tea;
    h->inline_marks_size = green_tea ? imb->size : 0;

    VEC(heap_span) spans = {0};
    uint8_t buf[4096];
    uint64_t inuse_pages = 0;
    for (uint64_t i = 0; i < nall; i++) {
        uint64_t sp;
        if ((i & 1023) == 0)
            progress_tick("spans", i, nall);
        if (!core_read_u64(rt->core, all + i * 8, &sp) || sp == 0)
            continue;
        if (!core_read(rt->core, sp, buf, rt->mspan.size)) {
            h->unreadable_spans++;
            continue;
        }
        uint64_t state = buf_field(buf, rt->mspan.state);
        if ((int64_t)state != rt->span_inuse) {
            if (state > 2) /* mSpanDead, mSpanInUse, mSpanManual (runtime/mheap.go) */
                h->bad_spans++;
            continue;
        }
        heap_span s = {0};
        s.mspan = sp;
        inuse_pages += buf_field(buf, rt->mspan.npages);
        s.base = buf_field(buf, rt->mspan.start_addr);
        s.npages = buf_field(buf, rt->mspan.npages);
        s.elemsize = buf_field(buf, rt->mspan.elemsize);
        s.limit = buf_field(buf, rt->mspan.limit);
        uint64_t nelems = buf_field(buf, rt->mspan.nelems);
        uint8_t spc = (uint8_t)buf_field(buf, rt->mspan.spanclass);
        s.sizeclass = spc >> 1;
        s.noscan = spc & 1;
        if (rt->mspan.large_type.size)
            s.large_type = buf_field(buf, rt->mspan.large_type);
        uint64_t span_bytes = s.npages * rt->page_size;
        /* A span that does not make sense is skipped and counted, not trusted. */
        if (s.npages == 0 || s.elemsize == 0 || s.base % rt->page_size != 0 || nelems == 0 ||
            span_bytes / rt->page_size != s.npages || s.base + span_bytes < s.base ||
            nelems > span_bytes / 8 || nelems * s.elemsize > span_bytes ||
            s.limit < s.base || s.limit > s.base + span_bytes ||
            /* its pages must be memory of the process: bounds the page tables */
            !core_mapped(rt->core, s.base) || !core_mapped(rt->core, s.base + span_bytes - 1) ||
            /* and inside heap arenas the runtime has (mheap_.arenas) */
            heap_arena_at(rt, s.base) == 0 || heap_arena_at(rt, s.base + span_bytes - 1) == 0) {
            h->bad_spans++;
            continue;
        }
        s.nelems = (uint32_t)nelems;
        s.inline_marks = green_tea && s.elemsize >= 16 && s.elemsize <= rt->min_size_for_malloc_header;
        s.freeindex = buf_field(buf, rt->mspan.freeindex);
        s.alloc_bits = buf_field(buf, rt->mspan.alloc_bits);
        if (!VEC_PUSH(&spans, s, err))
            return false;
        h->inuse_bytes += span_bytes;
    }
    /* The runtime counts the pages of in-use spans as it allocates them
     * (mheap_.pagesInUse, updated after a span is marked in use and before
     * it is freed): fewer in allspans means spans are missing from it. */
    rt_field piu = rt_field_lookup(rt->dw, "runtime.mheap", "pagesInUse");
    uint64_t want_pages;
    if (piu.size == 8 && rt_read_field(rt, rt->mheap, piu, &want_pages) && inuse_pages < want_pages)
        damage_note(rt->damage, "mheap_.allspans lists in-use spans of %llu pages, mheap_.pagesInUse counts %llu",
                    (unsigned long long)inuse_pages, (unsigned long long)want_pages);
    if (spans.n == 0) {
        VEC_FREE(&spans);
        return ghf_fail(err, GHF_EXIT_INPUT, "mheap_.allspans (length %llu at 0x%llx) holds no usable span in use: "
                        "corrupt heap metadata", (unsigned long long)nall, (unsigned long long)all);
    }
    qsort(spans.v, spans.n, sizeof *spans.v, cmp_span);
    h->spans = spans.v;
    h->nspans = (uint32_t)spans.n;
    for (uint32_t i = 0; i + 1 < h->nspans; i++)
        if (h->spans[i].base + h->spans[i].npages * rt->page_size > h->spans[i + 1].base)
            return ghf_fail(err, GHF_EXIT_INPUT, "in-use spans at 0x%llx and 0x%llx overlap: corrupt heap metadata",
                            (unsigned long long)h->spans[i].base, (unsigned long long)h->spans[i + 1].base);
    return true;
}

static bool index_pages(heap *h, ghf_err *err)
{
    const go_runtime *rt = h->rt;
    for (uint32_t i = 0; i < h->nspans; i++) {
        const heap_span *s = &h->spans[i];
        for (uint64_t p = 0; p < s->npages; p++) {
            uint64_t addr = s->base + p * rt->page_size;
            struct heap_arena_map *a = arena_add(h, arena_index(rt, addr), err);
            if (a == NULL)
                return false;
            a->page_span[page_in_arena(rt, addr)] = i;
        }
    }
    return true;
}

/* Allocated: slot index < freeindex, or its bit in allocBits is set
 * (runtime/mbitmap.go isFree; allocBits is the mark bitmap of the last
 * sweep, freeindex the allocation cursor since). Reads span s's bits into
 * bits (false: none readable, only freeindex counts). */
static bool span_alloc_bits(const heap *h, const heap_span *s, uint8_t bits[static 8192])
{
    size_t nbytes = (s->nelems + 7) / 8;
    return s->alloc_bits != 0 && nbytes <= 8192 && core_read(h->rt->core, s->alloc_bits, bits, nbytes);
}

static inline bool slot_allocated(const heap_span *s, uint32_t k, const uint8_t *bits, bool have_bits)
{
    return k < s->freeindex || (have_bits && (bits[k / 8] >> (k % 8) & 1));
}

/* One share of load_objects: spans [lo, hi), counted, then filled. */
typedef struct objects_share {
    heap *h;
    uint32_t lo, hi;
    uint32_t *first_obj;      /* per span: its allocated objects, then the id of its first */
    uint64_t nobjects, alloc_bytes, without_bits;
    bool fill;                /* the second pass */
    bool ticks;               /* draws the progress line (the calling thread's share) */
} objects_share;

static void *count_objects(objects_share *sh)
{
    heap *h = sh->h;
    uint8_t bits[8192];
    for (uint32_t i = sh->lo; i < sh->hi; i++) {
        const heap_span *s = &h->spans[i];
        bool have_bits = span_alloc_bits(h, s, bits);
        sh->without_bits += !have_bits;
        uint32_t n = 0;
        for (uint32_t k = 0; k < s->nelems; k++)
            n += slot_allocated(s, k, bits, have_bits);
        sh->first_obj[i] = n;
        sh->nobjects += n;
        sh->alloc_bytes += n * s->elemsize;
    }
    return NULL;
}

/* Every slot of the share's spans and every object in them is written:
 * the share maps its stretch of each array in one go, so that the kernel
 * clears those pages on this share's core. */
static void *number_objects(objects_share *sh)
{
    heap *h = sh->h;
    uint8_t bits[8192];
    if (sh->lo == sh->hi)
        return NULL;
    uint64_t slot_lo = h->spans[sh->lo].first_slot;
    uint64_t slot_hi = sh->hi < h->nspans ? h->spans[sh->hi].first_slot : h->nslots;
    uint32_t obj = sh->first_obj[sh->lo];
    ghf_prefault(h->slot_obj + slot_lo, (slot_hi - slot_lo) * sizeof *h->slot_obj);
    ghf_prefault(h->obj_addr + obj, sh->nobjects * sizeof *h->obj_addr);
    ghf_prefault(h->obj_span + obj, sh->nobjects * sizeof *h->obj_span);
    for (uint32_t i = sh->lo; i < sh->hi; i++) {
        const heap_span *s = &h->spans[i];
        if ((i & 255) == 0 && sh->ticks)
            progress_tick("objects", i, h->nspans);
        bool have_bits = span_alloc_bits(h, s, bits);
        for (uint32_t k = 0; k < s->nelems; k++) {
            if (!slot_allocated(s, k, bits, have_bits)) {
                h->slot_obj[s->first_slot + k] = HEAP_NONE;
                continue;
            }
            h->slot_obj[s->first_slot + k] = obj;
            h->obj_addr[obj] = s->base + (uint64_t)k * s->elemsize;
            h->obj_span[obj] = i;
            obj++;
        }
    }
    return NULL;
}

static void *objects_run(void *arg)
{
    objects_share *sh = arg;
    return sh->fill ? number_objects(sh) : count_objects(sh);
}

/* Objects are numbered in span order, then slot order: on big heaps two
 * shares of the spans (half of the slots each) count their objects, and
 * once each span's first object id is known, fill their own stretches of
 * the arrays; the numbering is the one a single pass gives. */
static bool load_objects(heap *h, ghf_err *err)
{
    uint64_t nslots = 0;
    for (uint32_t i = 0; i < h->nspans; i++) {
        h->spans[i].first_slot = (uint32_t)nslots;
        nslots += h->spans[i].nelems;
        if (nslots >= UINT32_MAX)
            return ghf_fail(err, GHF_EXIT_UNSUPPORTED, "more than 4 billion heap slots");
    }
    h->nslots = nslots;
    uint32_t *first_obj = malloc(((size_t)h->nspans + 1) * sizeof *first_obj);
    if (first_obj == NULL)
        return ghf_fail(err, GHF_EXIT_INTERNAL, "out of memory for %u heap spans", h->nspans);
    unsigned nsh = nslots >= GHF_PARALLEL_MIN ? ghf_threads() : 1;
    objects_share sh[GHF_MAX_THREADS];
    uint32_t lo = 0;
    for (unsigned t = 0; t < nsh; t++) { /* share t ends where the slots pass (t + 1) / nsh of them */
        uint64_t want = nslots * (t + 1) / nsh;
        uint32_t hi = lo;
        while (hi < h->nspans && (t + 1 == nsh || h->spans[hi].first_slot < want))
            hi++;
        sh[t] = (objects_share){.h = h, .lo = lo, .hi = hi, .first_obj = first_obj, .ticks = t == 0};
        lo = hi;
    }
    ghf_run_shares(objects_run, sh, sizeof sh[0], nsh);
    uint64_t nobjects = 0;
    for (unsigned t = 0; t < nsh; t++) {
        h->alloc_bytes += sh[t].alloc_bytes;
        h->spans_without_allocbits += sh[t].without_bits;
        nobjects += sh[t].nobjects;
    }
    /* nobjects <= nslots < UINT32_MAX */
    h->slot_obj = ghf_big_malloc(nslots, sizeof *h->slot_obj);
    h->obj_addr = ghf_big_malloc(nobjects, sizeof *h->obj_addr);
    h->obj_span = ghf_big_malloc(nobjects, sizeof *h->obj_span);
    if (h->slot_obj == NULL || h->obj_addr == NULL || h->obj_span == NULL) {
        free(first_obj);
        return ghf_fail(err, GHF_EXIT_INTERNAL, "out of memory for %llu heap slots", (unsigned long long)nslots);
    }
    h->nobjects = (uint32_t)nobjects;
    uint32_t next = 0;
    for (uint32_t i = 0; i < h->nspans; i++) { /* counts -> first ids */
        uint32_t n = first_obj[i];
        first_obj[i] = next;
        next += n;
    }
    for (unsigned t = 0; t < nsh; t++)
        sh[t].fill = true;
    ghf_run_shares(objects_run, sh, sizeof sh[0], nsh);
    free(first_obj);
    return true;
}

/* ---- pointer layout ---- */

/* Where a scan reads words: a view of the current span when the core has
 * one in a single piece (words copied with memcpy: views may be unaligned),
 * else core_read per word. Each scanning thread has its own, and its own
 * mask cache, so threads share nothing they write. */
typedef struct scanner {
    heap *h;
    htypes *types;
    uint64_t vbase, vend;     /* [vbase, vend) is viewed at view */
    const uint8_t *view;
    bool nil_too;             /* report pointer words holding nil as well */
} scanner;

static void scanner_span(scanner *sc, const heap_span *s)
{
    uint64_t bytes = s->npages * sc->h->rt->page_size;
    sc->view = core_view(sc->h->rt->core, s->base, bytes);
    sc->vbase = s->base;
    sc->vend = sc->view ? s->base + bytes : s->base;
}

static bool scan_read(const scanner *sc, uint64_t addr, void *dst, size_t n)
{
    if (addr >= sc->vbase && addr < sc->vend && sc->vend - addr >= n) {
        memcpy(dst, sc->view + (addr - sc->vbase), n);
        return true;
    }
    return core_read(sc->h->rt->core, addr, dst, n);
}

static void emit(const scanner *sc, uint64_t obj_base, uint64_t addr, heap_ptr_fn fn, void *ctx)
{
    uint64_t v;
    if (scan_read(sc, addr, &v, 8) && (v != 0 || sc->nil_too))
        fn(ctx, addr - obj_base, v);
}

/* Tile type t's mask over [start, limit) (runtime/mbitmap.go typePointers.next). */
static bool tile_type(scanner *sc, uint64_t t, uint64_t obj_base, uint64_t start, uint64_t limit,
                      heap_ptr_fn fn, void *ctx)
{
    ghf_err err = {0};
    const htype *ty = htypes_get(sc->types, t, &err);
    if (ty == NULL)
        return false;
    if (ty->ptrbytes == 0)
        return true;
    for (uint64_t elem = start; elem < limit; elem += ty->size) {
        for (uint64_t w = 0; w < ty->ptrbytes / 8; w++) {
            uint64_t a = elem + w * 8;
            if (a >= limit)
                break;
            if (htype_ptr(sc->types, ty, w))
                emit(sc, obj_base, a, fn, ctx);
        }
    }
    return true;
}

bool heap_typed_pointers(heap *h, uint64_t type_addr, uint64_t addr, uint64_t limit,
                         heap_ptr_fn fn, void *ctx)
{
    scanner sc = {.h = h, .types = &h->masks->types};
    return tile_type(&sc, type_addr, addr, addr, limit, fn, ctx);
}

static const uint8_t *arena_bitmap(heap *h, uint64_t addr, uint64_t *len)
{
    const go_runtime *rt = h->rt;
    struct heap_arena_map *a = arena_lookup(h, arena_index(rt, addr));
    if (a == NULL || a->ha == 0)
        return NULL;
    uint64_t words = rt->arena_bytes / 8;
    *len = rt->minor == 19 ? words / 4 : words / 8; /* 2 bits or 1 bit per word */
    if (a->bitmap == NULL)
        a->bitmap = core_view(rt->core, a->ha + rt->arena.bitmap.off, *len);
    return a->bitmap;
}

/* Where a small object's pointer bits are, 1.22 on (no malloc header):
 * at the end of its span (runtime/mbitmap.go spanHeapBitsRange), one bit
 * a word, words w0 .. w0 + nw - 1 from the span's base in the bytes
 * [at + first, at + last]. False when that is more than HEAP_BITS_MAX
 * bytes (sizes no valid span has). */
#define HEAP_BITS_MAX 65
typedef struct heap_bits {
    uint64_t at, w0, nw, first, last;
} heap_bits;

static inline bool small_heap_bits(const heap *h, const heap_span *s, uint64_t base, heap_bits *hb)
{
    uint64_t span_bytes = s->npages * h->rt->page_size;
    hb->at = s->base + span_bytes - span_bytes / 64 - (s->inline_marks ? h->inline_marks_size : 0);
    hb->w0 = (base - s->base) / 8;
    hb->nw = s->elemsize / 8;
    hb->first = hb->w0 / 8;
    hb->last = (hb->w0 + hb->nw - 1) / 8;
    return hb->last - hb->first + 1 <= HEAP_BITS_MAX;
}

static bool object_pointers(scanner *sc, uint32_t obj, heap_ptr_fn fn, void *ctx)
{
    heap *h = sc->h;
    const go_runtime *rt = h->rt;
    const heap_span *s = &h->spans[h->obj_span[obj]];
    uint64_t base = h->obj_addr[obj];
    uint64_t end = base + s->elemsize;
    if (s->noscan)
        return true;
    if (base < sc->vbase || base >= sc->vend)
        scanner_span(sc, s);
    if (rt->minor <= 21) {
        uint64_t len;
        const uint8_t *bm = arena_bitmap(h, base, &len);
        if (bm == NULL)
            return false;
        for (uint64_t a = base; a < end; a += 8) {
            uint64_t w = (a % rt->arena_bytes) / 8;
            if (rt->minor == 19) { /* 2-bit: pointer bit low nibble, scan bit high nibble */
                uint8_t b = bm[(w / 4) % len];
                unsigned shift = w & 3;
                if (!(b >> (shift + 4) & 1))
                    break; /* no more pointers in this object (scanobject) */
                if (b >> shift & 1)
                    emit(sc, base, a, fn, ctx);
            } else if (bm[(w / 8) % len] >> (w % 8) & 1) {
                emit(sc, base, a, fn, ctx);
            }
        }
        return true;
    }
    if (s->elemsize <= rt->min_size_for_malloc_header) {
        heap_bits hb;
        uint8_t bits[HEAP_BITS_MAX];
        if (!small_heap_bits(h, s, base, &hb) || !scan_read(sc, hb.at + hb.first, bits, hb.last - hb.first + 1))
            return false;
        for (uint64_t k = 0; k < hb.nw; k++) {
            uint64_t w = hb.w0 + k;
            if (bits[w / 8 - hb.first] >> (w % 8) & 1)
                emit(sc, base, base + k * 8, fn, ctx);
        }
        return true;
    }
    if (s->sizeclass != 0) { /* malloc header: *abi.Type in the slot's first word */
        uint64_t t;
        if (!scan_read(sc, base, &t, 8))
            return false;
        if (t == 0)
            return true; /* being allocated or free: no pointers */
        return tile_type(sc, t, base, base + rt->malloc_header_size, end, fn, ctx);
    }
    if (s->large_type == 0)
        return true; /* delayed zeroing (golang/go#71182): no pointers yet */
    return tile_type(sc, s->large_type, base, base, end, fn, ctx);
}

bool heap_object_pointers(heap *h, uint32_t obj, heap_ptr_fn fn, void *ctx)
{
    scanner sc = {.h = h, .types = &h->masks->types};
    return object_pointers(&sc, obj, fn, ctx);
}

bool heap_object_pointer_bits(heap *h, uint32_t obj, heap_ptr_fn fn, void *ctx)
{
    scanner sc = {.h = h, .types = &h->masks->types, .nil_too = true};
    return object_pointers(&sc, obj, fn, ctx);
}

bool heap_type_pointer_bits(heap *h, uint64_t type_addr, uint64_t addr, uint64_t limit, heap_ptr_fn fn, void *ctx)
{
    scanner sc = {.h = h, .types = &h->masks->types, .nil_too = true};
    return tile_type(&sc, type_addr, addr, addr, limit, fn, ctx);
}

/* ---- edges ---- */

#define SCAN_THREADS 2

/* One thread's share: objects [lo, hi), its edges in its own arrays. */
typedef struct edge_builder {
    heap *h;
    uint32_t lo, hi;
    htypes types;
    VEC(uint32_t) dst;
    VEC(uint32_t) off;
    uint64_t nptr_words, unscannable;
    ghf_err err;
    bool failed;
    heap_slot_cache slots; /* small_object_edges' look-ups */
} edge_builder;

static void add_edge(void *p, uint64_t off, uint64_t value)
{
    edge_builder *b = p;
    b->nptr_words++;
    /* the slot now, its object later (finish_range): keeps the slot_obj
     * cache miss out of this dependent chain */
    uint64_t base, size, user_off;
    uint32_t t = heap_cached_slot(&b->slots, value, &base, &size, &user_off);
    if (t == HEAP_NONE || b->failed)
        return;
    if (!VEC_PUSH(&b->dst, t, &b->err) || !VEC_PUSH(&b->off, (uint32_t)off, &b->err))
        b->failed = true;
}

/* object_pointers with add_edge, for the usual object of 1.22 on: small
 * (no malloc header), its span's heap bits at the span's end, all in the
 * scanner's view. The same words in the same order, without a call per
 * word: the edge scan's cost on pointer-dense heaps was the per-word
 * calls. False (nothing done) for any other object. */
static bool small_object_edges(edge_builder *b, scanner *sc, uint32_t obj)
{
    heap *h = b->h;
    const go_runtime *rt = h->rt;
    const heap_span *s = &h->spans[h->obj_span[obj]];
    if (rt->minor < 22 || s->noscan || s->elemsize == 0 || s->elemsize > rt->min_size_for_malloc_header ||
        s->elemsize % 8 != 0)
        return false;
    uint64_t base = h->obj_addr[obj];
    if (base < sc->vbase || base >= sc->vend)
        scanner_span(sc, s);
    heap_bits hb;
    if (sc->view == NULL || !small_heap_bits(h, s, base, &hb) || base < sc->vbase || sc->vend - base < s->elemsize ||
        hb.at + hb.first < sc->vbase || hb.at + hb.last >= sc->vend)
        return false;
    const uint8_t *bits = sc->view + (hb.at - sc->vbase), *words = sc->view + (base - sc->vbase);
    uint64_t nw = hb.nw;
    for (uint64_t k = 0; k < nw;) {
        uint64_t w = hb.w0 + k;
        unsigned byte = bits[w / 8] >> (w % 8); /* this word's bit and the rest of its byte */
        if (byte == 0) {
            k += 8 - w % 8;
            continue;
        }
        k += (unsigned)__builtin_ctz(byte);
        if (k >= nw)
            break;
        uint64_t v;
        memcpy(&v, words + k * 8, 8);
        if (v != 0) {
            b->nptr_words++;
            uint64_t obase, osize, user_off;
            uint32_t t = heap_cached_slot(&b->slots, v, &obase, &osize, &user_off);
            if (t != HEAP_NONE && !b->failed &&
                (!VEC_PUSH(&b->dst, t, &b->err) || !VEC_PUSH(&b->off, (uint32_t)(k * 8), &b->err)))
                b->failed = true;
        }
        k++;
    }
    return true;
}

static void *scan_range(void *arg)
{
    edge_builder *b = arg;
    heap *h = b->h;
    scanner sc = {.h = h, .types = &b->types};
    heap_slot_cache_init(&b->slots, h);
    /* written in full, this share's stretch mapped by this share's core */
    ghf_prefault(h->edge_off + b->lo, (size_t)(b->hi - b->lo) * sizeof *h->edge_off);
    /* edge_off[i] is relative to this share until the shares are joined */
    for (uint32_t i = b->lo; i < b->hi && !b->failed; i++) {
        if (b->lo == 0 && (i & 4095) == 0) /* the first share's thread speaks for all */
            progress_tick("pointers", i, b->hi);
        h->edge_off[i] = b->dst.n;
        if (!small_object_edges(b, &sc, i) && !object_pointers(&sc, i, add_edge, b))
            b->unscannable++;
    }
    /* Slots to objects, dropping free slots. Independent look-ups in a
     * tight loop: the misses overlap (and are prefetched). */
    uint32_t *dst = b->dst.v, *off = b->off.v;
    const uint32_t *slot_obj = h->slot_obj;
    size_t n = b->failed ? 0 : b->dst.n, w = 0, e = 0;
    for (uint32_t i = b->lo; i < b->hi && !b->failed; i++) {
        size_t end = i + 1 < b->hi ? h->edge_off[i + 1] : n;
        h->edge_off[i] = w;
        for (; e < end; e++) {
            if (e + 16 < n)
                __builtin_prefetch(&slot_obj[dst[e + 16]]);
            uint32_t t = slot_obj[dst[e]];
            if (t == HEAP_NONE)
                continue;
            dst[w] = t;
            off[w] = off[e];
            w++;
        }
    }
    if (!b->failed)
        b->dst.n = b->off.n = w;
    return NULL;
}

/* One share of copy_edges: edges [lo, hi) of a scan share. */
typedef struct copy_share {
    uint32_t *dst, *off;
    const uint32_t *from_dst, *from_off;
    size_t lo, hi;
} copy_share;

static void *copy_run(void *arg)
{
    copy_share *c = arg;
    size_t n = c->hi - c->lo;
    ghf_prefault(c->dst + c->lo, n * sizeof *c->dst);
    ghf_prefault(c->off + c->lo, n * sizeof *c->off);
    memcpy(c->dst + c->lo, c->from_dst + c->lo, n * sizeof *c->dst);
    memcpy(c->off + c->lo, c->from_off + c->lo, n * sizeof *c->off);
    return NULL;
}

/* A later scan share's edges into the joined arrays at dst, off: fresh
 * pages (the kernel clears each on first touch), so on as many threads as
 * the scan had, each mapping and filling its own half. */
static void copy_edges(uint32_t *dst, uint32_t *off, const edge_builder *b, int nthreads)
{
    _Static_assert(SCAN_THREADS <= GHF_MAX_THREADS, "a scan's threads can run shares");
    copy_share c[SCAN_THREADS];
    unsigned n = (unsigned)nthreads;
    for (unsigned t = 0; t < n; t++)
        c[t] = (copy_share){dst, off, b->dst.v, b->off.v, b->dst.n * t / n, b->dst.n * (t + 1) / n};
    ghf_run_shares(copy_run, c, sizeof c[0], n);
}

static bool build_edges(heap *h, ghf_err *err)
{
    h->edge_off = ghf_big_malloc((size_t)h->nobjects + 1, sizeof *h->edge_off);
    if (h->edge_off == NULL)
        return ghf_fail(err, GHF_EXIT_INTERNAL, "out of memory for edges");
    /* arena bitmaps (1.19-1.21) are looked up lazily: do it now, before threads share them */
    if (h->rt->minor <= 21)
        for (uint32_t i = 0; i < h->nspans; i++) {
            uint64_t len;
            arena_bitmap(h, h->spans[i].base, &len);
        }
    /* Small heaps are not worth a thread; large ones split by object count. */
    int nthreads = h->nobjects >= GHF_PARALLEL_MIN && ghf_threads() > 1 ? SCAN_THREADS : 1;
    edge_builder b[SCAN_THREADS];
    memset(b, 0, sizeof b);
    bool ok = true;
    for (int t = 0; t < nthreads; t++) {
        b[t].h = h;
        b[t].lo = (uint32_t)((uint64_t)h->nobjects * t / nthreads);
        b[t].hi = (uint32_t)((uint64_t)h->nobjects * (t + 1) / nthreads);
        if (!htypes_init(&b[t].types, h->rt, err))
            ok = false;
    }
    pthread_t tid[SCAN_THREADS];
    bool started[SCAN_THREADS] = {false};
    for (int t = 1; ok && t < nthreads; t++)
        started[t] = pthread_create(&tid[t], NULL, scan_range, &b[t]) == 0;
    if (ok)
        scan_range(&b[0]);
    for (int t = 1; t < nthreads; t++) {
        if (started[t])
            pthread_join(tid[t], NULL);
        else if (ok)
            scan_range(&b[t]); /* no thread: do its share here */
    }
    /* The heap's pages of the core, mapped by the scan, would sit under
     * the join's arrays (its peak: the first share's grown to all the
     * edges, the later shares' still there); they read back from the page
     * cache when touched. */
    core_release_pages(h->rt->core);
    /* Join the shares in object order: the result does not depend on threads. */
    uint64_t total = 0;
    for (int t = 0; t < nthreads; t++) {
        if (b[t].failed && ok) {
            *err = b[t].err;
            ok = false;
        }
        total += b[t].dst.n;
    }
    /* The first share's arrays become the result, resized where they are
     * (a big block is a mapping of its own: mremap keeps its pages, no
     * copy), and the later shares are copied after them: the fresh memory
     * of the join is the later shares' edges, not all of them. */
    uint32_t *dst = NULL, *off = NULL;
    if (ok) {
        size_t bytes = (total ? total : 1) * sizeof *dst;
        if ((dst = ghf_big_realloc(b[0].dst.v, bytes)) != NULL)
            b[0].dst.v = dst;
        if (dst != NULL && (off = ghf_big_realloc(b[0].off.v, bytes)) != NULL)
            b[0].off.v = off;
        if (dst == NULL || off == NULL)
            ok = ghf_fail(err, GHF_EXIT_INTERNAL, "out of memory for %llu edges", (unsigned long long)total);
        else
            b[0].dst.v = b[0].off.v = NULL; /* h's now */
    }
    uint64_t k = 0;
    for (int t = 0; t < nthreads; t++) {
        if (ok) {
            for (uint32_t i = b[t].lo; i < b[t].hi; i++)
                h->edge_off[i] += k;
            if (t > 0 && b[t].dst.n) /* (share by share: each share's arrays are freed after its copy) */
                copy_edges(dst + k, off + k, &b[t], nthreads);
            k += b[t].dst.n;
            h->nptr_words += b[t].nptr_words;
            h->unscannable_objects += b[t].unscannable;
        }
        VEC_FREE(&b[t].dst);
        VEC_FREE(&b[t].off);
        htypes_free(&b[t].types);
    }
    if (!ok)
        return false;
    h->edge_off[h->nobjects] = total;
    h->edge_dst = dst;
    h->edge_src_off = off;
    h->nedges = total;
    return true;
}

bool heap_build(const go_runtime *rt, heap **out, ghf_err *err)
{
    heap *h = ghf_xcalloc(1, sizeof *h, err);
    if (h == NULL)
        return false;
    h->rt = rt;
    h->masks = ghf_xcalloc(1, sizeof *h->masks, err);
    if (h->masks == NULL || !htypes_init(&h->masks->types, rt, err) ||
        !load_spans(h, err) || !index_pages(h, err) || !load_objects(h, err) || !build_page_keys(h, err)) {
        heap_free(h);
        return false;
    }
    *out = h;
    return true;
}

bool heap_build_edges(heap *h, ghf_err *err)
{
    return h->edge_off != NULL || build_edges(h, err);
}

/* free a big array of the heap's, leaving NULL (heap_free skips it) */
#define DROP(array) (ghf_big_free(array), (array) = NULL)

void heap_drop_edges(heap *h)
{
    DROP(h->edge_off);
    DROP(h->edge_dst);
    DROP(h->edge_src_off);
}

void heap_drop_objects(heap *h)
{
    DROP(h->slot_obj);
    DROP(h->obj_addr);
    DROP(h->obj_span);
}

void heap_free(heap *h)
{
    if (h == NULL)
        return;
    for (uint32_t i = 0; i < h->arena_cap; i++) {
        free(h->arenas[i].page_span);
        free(h->arenas[i].keys);
    }
    free(h->arenas);
    if (h->masks) {
        htypes_free(&h->masks->types);
        free(h->masks);
    }
    free(h->spans);
    free(h->slot_obj);
    free(h->obj_addr);
    free(h->obj_span);
    free(h->edge_off);
    free(h->edge_dst);
    free(h->edge_src_off);
    free(h);
}
