/* heap.h — the Go heap's objects and the pointers between them.
 *
 * heap_build() enumerates every allocated object of every in-use span into
 * flat arrays and records, for each object, the pointer words whose targets
 * are allocated heap objects (edges, in CSR form). Which words are pointers
 * is decided per Go version exactly as the runtime's GC decides it:
 *   1.19       2-bit heap bitmap in each heapArena      (runtime/mbitmap.go)
 *   1.20-1.21  1-bit heapArena bitmap
 *   1.22+      span heap bits (objects <= 512 B), malloc headers (small
 *              objects > 512 B, mask tiled across the object), largeType
 *              (large objects); Green Tea inline mark bits shift the span
 *              heap bits (1.26+); on-demand GC masks are rebuilt (1.24+).
 * Objects are numbered 0..nobjects-1 in address order.
 */
#ifndef GHF_HEAP_H
#define GHF_HEAP_H

#include <stdint.h>
#include "ghf_error.h"
#include "goruntime.h"

#define HEAP_NONE UINT32_MAX

typedef struct heap_span {
    uint64_t base, limit;     /* objects live in [base, limit) */
    uint64_t elemsize;
    uint64_t npages;
    uint64_t mspan;           /* address of the runtime.mspan */
    uint64_t large_type;      /* 1.22+ large objects: *abi.Type, 0 if none */
    uint32_t nelems;
    uint32_t first_slot;      /* index of slot 0 in heap.slot_obj */
    uint8_t sizeclass;
    uint8_t noscan;
    uint8_t inline_marks;     /* Green Tea: last 128 B hold spanInlineMarkBits */
    uint64_t freeindex;       /* allocation cursor (slots below are allocated) */
    uint64_t alloc_bits;      /* address of the span's allocBits */
} heap_span;

typedef struct heap {
    const go_runtime *rt;
    heap_span *spans;         /* in-use spans sorted by base */
    uint32_t nspans;
    uint32_t *slot_obj;       /* per slot of every span: object id or HEAP_NONE */
    uint64_t nslots;
    uint64_t *obj_addr;       /* object base (slot start) */
    uint32_t *obj_span;
    uint32_t nobjects;
    uint64_t alloc_bytes;     /* sum of elemsize over allocated objects */
    uint64_t inuse_bytes;     /* sum of npages*pageSize over in-use spans */
    /* edges: targets of object i are edge_dst[edge_off[i] .. edge_off[i+1]),
     * found at byte offset edge_src_off[k] inside object i. */
    uint64_t *edge_off;
    uint32_t *edge_dst;
    uint32_t *edge_src_off;
    uint64_t nedges;
    uint64_t nptr_words;      /* pointer words examined (including non-heap targets) */
    /* address -> span: one page table per heap arena in use */
    struct heap_arena_map *arenas;
    uint32_t narenas, arena_cap;
    struct heap_mask_cache *masks;
    bool green_tea;
    uint64_t inline_marks_size;
    /* counts of metadata we could not use (reported by `info`, never silent) */
    uint64_t unreadable_spans, bad_spans, spans_without_allocbits, unscannable_objects;
} heap;

/* Objects and the address index; edges come separately (heap_build_edges),
 * so a summary such as `info` does not pay for scanning every pointer. */
bool heap_build(const go_runtime *rt, heap **out, ghf_err *err);
/* Scan every object's pointer words into the edge arrays (once; idempotent). */
bool heap_build_edges(heap *h, ghf_err *err);
void heap_free(heap *h);
/* Free the edge arrays once a copy (the reference graph) has taken their
 * place and nothing will read them again: less memory at the dominator
 * peak. nedges stays; heap_build_edges would scan again. */
void heap_drop_edges(heap *h);
/* Free the per-object and per-slot arrays (obj_addr, obj_span, slot_obj)
 * once nothing will look an object up or ask its address or size again
 * (the graph has the sizes): the counts and spans stay. At the dominator
 * peak of a 10 M-object heap they are 164 MB, and the dominators take
 * their pages instead of fresh ones (vec.h: warm blocks). */
void heap_drop_objects(heap *h);

/* The object containing addr (interior pointers included), or HEAP_NONE. */
uint32_t heap_find(const heap *h, uint64_t addr);
/* The same, also giving (only when found) the object's base, size and the
 * offset of its user data (after a 1.22+ malloc header): saves a caller the
 * obj_addr/obj_span/spans look-ups, a cache miss each. */
uint32_t heap_find_obj(const heap *h, uint64_t addr, uint64_t *base, uint64_t *size, uint64_t *user_off);
/* The slot (index into slot_obj) holding addr, allocated or not, or
 * HEAP_NONE; base, size and user_off as for heap_find_obj. One cache miss
 * less than heap_find_obj for callers that keep per-slot data. */
uint32_t heap_find_slot(const heap *h, uint64_t addr, uint64_t *base, uint64_t *size, uint64_t *user_off);

/* What heap_find needs of the span holding a page, in the page table itself
 * so that a look-up costs one cache miss, not a page entry then a span.
 * elemsize 0: no span (first_slot HEAP_NONE) or sizes that do not fit here
 * (the slow way through page_span and heap_span). */
struct page_key {
    uint32_t first_slot;
    uint32_t elemsize;
    uint32_t base_off;       /* page start - span base */
    uint32_t bytes;          /* limit - base; top bit: objects have a malloc header */
    uint32_t div_mul;        /* 2^32 / elemsize rounded up: slot = off * div_mul >> 32 or one less */
};
#define KEY_HEADER 0x80000000u

/* heap_find_slot's answer from the key of addr's page (elemsize != 0). */
static inline uint32_t heap_key_slot(const struct page_key *k, uint64_t addr, uint64_t page_size,
                                     uint64_t header_size, uint64_t *base, uint64_t *size, uint64_t *user_off)
{
    uint64_t span_base = (addr & ~(page_size - 1)) - k->base_off;
    uint64_t off = addr - span_base;
    if (off >= (k->bytes & ~KEY_HEADER))
        return HEAP_NONE;
    /* the runtime's own divMul (mbitmap.go): off < 2^31 here, so the
     * product overshoots the quotient by at most one */
    uint32_t slot = (uint32_t)((off * k->div_mul) >> 32);
    if ((uint64_t)slot * k->elemsize > off)
        slot--;
    *base = span_base + (uint64_t)slot * k->elemsize;
    *size = k->elemsize;
    *user_off = k->bytes & KEY_HEADER ? header_size : 0;
    return k->first_slot + slot;
}

/* heap_find_slot for a thread that looks up many addresses (the edge scan,
 * the types walk): the page keys of the arenas it met last, by the arena's
 * low index bits, so that a look-up costs no call, no hash look-up of the
 * arena and no runtime constants read through pointers (those were three
 * quarters of heap_find_slot's cost). The runtime lays arenas (64 MiB)
 * side by side from its first hint, so 256 entries hold every arena of a
 * heap up to 16 GiB without two sharing an entry (8 did not hold a 40 M-
 * object heap's 40: most look-ups missed). One per thread: it is written
 * as it goes. */
#define HEAP_SLOT_CACHE_ARENAS 256
typedef struct heap_slot_cache {
    const heap *h;
    struct {
        uint64_t lo;                 /* the arena's first address */
        const struct page_key *keys; /* its pages' keys; NULL: empty */
    } arenas[HEAP_SLOT_CACHE_ARENAS];
    uint64_t amask, page_size, header_size;
    unsigned page_shift, arena_shift;
} heap_slot_cache;

void heap_slot_cache_init(heap_slot_cache *c, const heap *h);
/* heap_cached_slot's way when addr's arena is not cached: remember it, ask heap_find_slot */
uint32_t heap_slot_cache_miss(heap_slot_cache *c, uint64_t addr, uint64_t *base, uint64_t *size, uint64_t *user_off);

/* Where addr's page key is if its arena is cached (the key is not read),
 * else NULL. */
static inline const struct page_key *heap_cached_key(const heap_slot_cache *c, uint64_t addr)
{
    size_t a = (addr >> c->arena_shift) & (HEAP_SLOT_CACHE_ARENAS - 1);
    if (c->arenas[a].keys == NULL || addr - c->arenas[a].lo > c->amask)
        return NULL;
    return &c->arenas[a].keys[(addr & c->amask) >> c->page_shift];
}

/* heap_find_slot's answer, through the cache. */
static inline uint32_t heap_cached_slot(heap_slot_cache *c, uint64_t addr, uint64_t *base, uint64_t *size,
                                        uint64_t *user_off)
{
    const struct page_key *k = heap_cached_key(c, addr);
    if (k != NULL) {
        if (k->elemsize != 0)
            return heap_key_slot(k, addr, c->page_size, c->header_size, base, size, user_off);
        if (k->first_slot == HEAP_NONE)
            return HEAP_NONE;
    }
    return heap_slot_cache_miss(c, addr, base, size, user_off);
}

/* Start the cache miss of the page key heap_cached_slot will read for
 * addr (nothing when addr's arena is not cached). */
static inline void heap_cached_slot_prefetch(const heap_slot_cache *c, uint64_t addr)
{
    const struct page_key *k = heap_cached_key(c, addr);
    if (k != NULL)
        __builtin_prefetch(k);
}

/* The in-use span whose pages hold addr, or NULL: from the page table, not
 * through slot_obj and obj_span (two cache misses fewer than heap_find). */
const heap_span *heap_span_at(const heap *h, uint64_t addr);

static inline uint64_t heap_obj_size(const heap *h, uint32_t obj)
{
    return h->spans[h->obj_span[obj]].elemsize;
}

/* Call fn(ctx, byte_offset, value) for every pointer word of an object in
 * [addr, addr+size) as the GC sees it. Returns false if the metadata could
 * not be read. Used for the heap and reused by root scanning. */
typedef void (*heap_ptr_fn)(void *ctx, uint64_t off, uint64_t value);
bool heap_object_pointers(heap *h, uint32_t obj, heap_ptr_fn fn, void *ctx);

/* Pointer words of `count` contiguous values of runtime type `type_addr`
 * starting at addr (a type's GC mask tiled), as for a typed root. */
bool heap_typed_pointers(heap *h, uint64_t type_addr, uint64_t addr, uint64_t limit,
                         heap_ptr_fn fn, void *ctx);

/* The same two, but every word the GC mask marks as a pointer, nil ones
 * included: an object's pointer bitmap, and a type's mask tiled over
 * [addr, limit), to tell whether an object can hold values of a type. */
bool heap_object_pointer_bits(heap *h, uint32_t obj, heap_ptr_fn fn, void *ctx);
bool heap_type_pointer_bits(heap *h, uint64_t type_addr, uint64_t addr, uint64_t limit, heap_ptr_fn fn, void *ctx);

#endif
