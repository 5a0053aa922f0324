/* types.c — infer a type name for every heap object (see types.h).
 *
 * One value walker: a type's value is flattened once into a plan of leaves
 * (pointers, strings, slices, interfaces, funcs, the runtime's map and
 * channel structs, long arrays), and every value of that type is walked by
 * its plan. Types come from the Go type model (gotype.h), which dispatches
 * on kinds and roles, never on the spelling of a type's name.
 */
#include "types.h"
#include "u64set.h"
#include "parallel.h"
#include "progress.h"

#include <dwarf.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NO_LABEL UINT32_MAX
#define FREE_SLOT (UINT32_MAX - 1) /* a slot with no object: never labelled */
#define INERT 0x40000000u          /* in a slot's label while inferring: an inert claim's (see assign_claim) */
#define MAX_DEPTH 24
#define PLAN_MAX_LEAVES 4096       /* longer arrays become one L_ARRAY leaf */
#define TINY_BLOCK 16              /* runtime/malloc.go maxTinySize */
#define PREFETCH_AHEAD 4           /* values of an array whose targets are prefetched ahead */
#define MIN_TOPHASH 5              /* old maps: tophash below this is an empty slot (runtime/map.go) */

/* Queued work: count values of a type from addr. A walk of a pointer-dense
 * heap queues millions at a time (dense 10M: 3 M, stacks: nearly every
 * object), and each MiB of fresh queue costs ~1.6 ms of page faults, so
 * the usual case is one word: the type id in the top 16 bits, the address
 * (8-aligned, below 2^48) with count - 1 (< 8) in its low 3 bits. Other
 * work queues WIDE in that word and itself on the `wide` stack, in the
 * same LIFO order. */
typedef struct work {
    uint64_t addr;     /* where the typed value starts (object base + offset) */
    uint64_t count;    /* consecutive values */
    gt_id type;
} work;
#define WIDE 0xffffull
#define ADDR_BITS 48
#define PACKED_MAX_COUNT 8

/* up to L_FUNC: leaves that read their words in place (walk_plan's view) */
enum { L_PTR, L_STRING, L_SLICE, L_IFACE, L_FUNC, L_ROLE, L_SLOTS, L_ARRAY };
typedef struct leaf {
    uint64_t off;
    gt_id type;            /* L_ROLE, L_SLOTS, L_IFACE: the type at off; L_ARRAY: the element */
    gt_id elem;            /* L_PTR: pointee; L_SLICE: element */
    uint64_t n, stride;    /* L_ARRAY: elements and their size */
    uint8_t kind;
    uint8_t depth;         /* nesting below the planned type */
    bool inert_target;     /* L_STRING, or L_PTR/L_SLICE to values without pointers: its claim may be inert */
} leaf;
typedef struct plan {
    uint32_t first, n;
    uint64_t words_end;    /* end of the words its leaves read in place (pointer, string, slice, iface, func) */
    bool words_only;       /* every leaf is one pointer word (L_PTR, L_STRING, L_SLICE): walk_words */
    uint8_t max_depth;     /* the deepest leaf's depth */
} plan;

/* An interface's first word (type or itab) and the dynamic type it names. */
#define IFACE_MEMO 1024
typedef struct iface_memo {
    uint64_t word;
    gt_id dyn;
    bool itab;
} iface_memo;

/* gt_embedder's answer for a struct type and the room after a pointer to it */
#define EMBED_MEMO 256
typedef struct embed_memo {
    uint64_t room;
    gt_id base, sub; /* base 0: empty */
} embed_memo;

/* typed_target's answer for a pointer to the start of an object: the
 * type, count and label it queues, for a pointee type (and slice or not)
 * and the room in the object; the same every time (see typed_target). */
#define TARGET_MEMO 512
typedef struct target_memo {
    uint64_t room;
    uint64_t count; /* values queued */
    gt_id elem;     /* the pointee type asked about; 0: empty */
    gt_id to;       /* the type queued */
    uint32_t id;    /* the label */
    bool slice;
    bool inert;     /* `to` holds no pointers: the claim is inert */
    uint32_t code[2]; /* the roots' drain: its claim's code for a slot without / with a malloc header; 0 not yet */
} target_memo;

typedef struct inferer {
    heap *h;
    const go_runtime *rt;
    gt_model *gm;
    const gt_layout *L;
    obj_types *out;
    /* labels per heap slot while inferring (heap_find_slot needs no
     * slot_obj look-up): NO_LABEL, FREE_SLOT or a label id */
    uint32_t *slab;
    /* per heap slot, one bit: labelled or free. The walk asks "labelled
     * yet?" once per pointer it follows; 1 bit per slot stays in the cache
     * where the 4-byte labels (40 MB at 10 M objects) cost a miss each,
     * and slab is then only written (stores do not stall the walk). */
    uint64_t *done;
    uint32_t ntyped; /* objects labelled so far, for the progress line */
    bool quiet;      /* on types_start's thread: no progress line (the main thread's stage owns it) */
    VEC(uint64_t) queue;        /* packed work, or WIDE (see struct work) */
    VEC(work) wide;
    ghf_err *err;
    VEC(uint32_t) plan_of;      /* per type: plan index + 1 (0 = not built yet) */
    VEC(plan) plans;
    VEC(leaf) leaves;
    VEC(uint32_t) label_of[2];  /* per type: label id + 1 for one value / several */
    VEC(uint32_t) ptrs_of;      /* per type: 0 not known yet, 1 no pointers, 2 pointers */
    uint32_t string_label;      /* id + 1 of "string", 0 until first used */
    uint32_t string_code;       /* in the roots' drain: the "string" claim's code, 0 not yet looked up */
    gt_id desc_common;          /* abi.Type / runtime._type */
    /* while a root variable split into DWARF pieces is walked: its value,
     * read in place of [image_at, image_at + image_len) */
    const uint8_t *image;
    uint64_t image_at, image_len;
    VEC(int32_t) reflect_names; /* Str (negative: runtime.reflectOffs ids) of the heap's type descriptors */
    iface_memo memo[IFACE_MEMO]; /* direct-mapped, by the first word */
    embed_memo embeds[EMBED_MEMO]; /* direct-mapped, by type and room */
    uint64_t types_lo, types_hi; /* without DWARF: where the module's type descriptors may lie */
    /* the core's piece of mapped bytes last viewed (view()): [vlo, vhi) at vbytes */
    uint64_t vlo, vhi;
    const uint8_t *vbytes;
    /* drain's last type popped, its size and plan */
    gt_id last_type;
    uint64_t last_size;
    plan last_plan;
    target_memo tmemo[TARGET_MEMO]; /* direct-mapped, by type, slice and room */
    heap_slot_cache slots; /* find_target's look-ups */
    /* the roots' drain (drain_roots): its state while it runs; while a
     * round of it is frozen, a value this thread set aside (it needs what
     * only one thread may build) and the values set aside */
    struct drain_state *drain;
    bool blocked;
    VEC(work) deferred;
    size_t split_min;      /* the stack's length that splits it (SPLIT_MIN; tests lower it) */
    uint32_t split_objects; /* the heap's objects it needs to split (GHF_PARALLEL_MIN; tests lower it) */
    bool split_report;     /* tests: say on stderr how it split */
} inferer;

/* core_view(core, addr, n) through the last piece viewed: the walk views
 * every value it reads and every object it queues, nearly all in the few
 * pieces that hold the heap, and the core's own look-up was a tenth of
 * the stage's instructions on pointer-dense heaps. */
static const uint8_t *view_slow(inferer *in, uint64_t addr, uint64_t n)
{
    uint64_t lo, hi;
    const uint8_t *b = core_piece(in->rt->core, addr, &lo, &hi);
    if (b == NULL)
        return NULL;
    in->vlo = lo;
    in->vhi = hi;
    in->vbytes = b;
    return hi - addr >= n ? b + (addr - lo) : NULL;
}

static inline const uint8_t *view(inferer *in, uint64_t addr, uint64_t n)
{
    if (addr - in->vlo < in->vhi - in->vlo)
        return in->vhi - addr >= n ? in->vbytes + (addr - in->vlo) : NULL;
    return view_slow(in, addr, n);
}

/* Start the cache miss on the word at addr, if the core maps it. */
static inline void prefetch_word(inferer *in, uint64_t addr)
{
    const uint8_t *v = view(in, addr, 8);
    if (v != NULL)
        __builtin_prefetch(v);
}

static bool grow_cover_slow(inferer *in, void *vec_, gt_id id)
{
    VEC(uint32_t) *v = vec_;
    if (!VEC_RESERVE(v, (size_t)id + 1, in->err))
        return false;
    memset(v->v + v->n, 0, ((size_t)id + 1 - v->n) * sizeof *v->v);
    v->n = (size_t)id + 1;
    return true;
}

/* Make a per-type array cover id (new entries 0). Inline: it is asked
 * once per object labelled and per value walked. */
static inline bool grow_cover(inferer *in, void *vec_, gt_id id)
{
    VEC(uint32_t) *v = vec_;
    return id < v->n || grow_cover_slow(in, vec_, id);
}

static inline bool frozen(const inferer *in);

/* The label id of string s, interned if new (not while a round of the
 * roots' drain is frozen: the value is set aside, *id 0, no claim made). */
static bool intern(inferer *in, const char *s, uint32_t *id)
{
    if (frozen(in)) {
        in->blocked = true;
        *id = 0;
        return true;
    }
    return strtab_intern(&in->out->names, s, strlen(s), id, in->err);
}

/* The label id of an object holding one (or several) values of type t. */
static bool label_of(inferer *in, gt_id t, bool plural, uint32_t *id)
{
    if (frozen(in) && (t >= in->label_of[plural].n || in->label_of[plural].v[t] == 0)) {
        in->blocked = true; /* interning is one thread's (see intern) */
        *id = 0;
        return true;
    }
    if (!grow_cover(in, &in->label_of[plural], t))
        return false;
    uint32_t *cached = &in->label_of[plural].v[t];
    if (*cached == 0) {
        char label[600];
        gt_label(in->gm, t, plural, label, sizeof label);
        if (!intern(in, label, id))
            return false;
        *cached = *id + 1;
    }
    *id = *cached - 1;
    return true;
}

/* Does a value of type t hold pointers (an unknown type: no)? A claim
 * of a type without them queues nothing: it is inert (see assign_claim). */
static bool type_has_pointers(const gt_model *gm, gt_id t, int depth)
{
    const gt_type *g = gt_get(gm, t);
    if (g == NULL)
        return false;
    if (depth > MAX_DEPTH)
        return true; /* as if: its claims stay first-come */
    switch (g->kind) {
    case GT_PTR:
    case GT_MAP:
    case GT_CHAN:
    case GT_STRING:
    case GT_SLICE:
    case GT_INTERFACE:
    case GT_FUNC:
    case GT_UNSAFEPTR:
        return true;
    case GT_ARRAY:
        return g->len != 0 && type_has_pointers(gm, g->elem, depth + 1);
    case GT_STRUCT:
        if (g->role != GT_ROLE_NONE) /* the runtime's map and channel structs: walked by role */
            return true;
        for (uint32_t i = 0; i < g->nfields; i++)
            if (type_has_pointers(gm, gt_field_at(gm, g, i)->type, depth + 1))
                return true;
        return false;
    default:
        return false;
    }
}

/* type_has_pointers, remembered per type (not while a round of the
 * roots' drain is frozen: then it is worked out again, from the model) */
static bool has_pointers(inferer *in, gt_id t)
{
    if (t < in->ptrs_of.n && in->ptrs_of.v[t] != 0)
        return in->ptrs_of.v[t] == 2;
    bool has = type_has_pointers(in->gm, t, 0);
    if (!frozen(in) && grow_cover(in, &in->ptrs_of, t))
        in->ptrs_of.v[t] = has ? 2 : 1;
    return has;
}

/* ---- assigning ---- */

static bool unlabelled(const inferer *in, uint32_t slot)
{
    return slot != HEAP_NONE && !(in->done[slot >> 6] >> (slot & 63) & 1);
}

/* ---- the roots' drain: claims (the drain itself: drain_roots) ----
 *
 * While the roots' drain runs, a slot it labels holds the code of its
 * claim (CLAIM_CODE | index in `claims`: label, type, offset and count,
 * all that labelling it decides) instead of a label, written by compare-
 * and-swap, and a later claim on the slot is compared with it, not
 * skipped. Rival claims are settled so that no order of claims can change
 * the outcome (claim_in_drain): each rival queues its values once, so the
 * values walked are the closure of every claim made, and the slot keeps
 * the rival that wins by a fixed rule (claim_wins). That lets two threads
 * share the drain and still give the one-thread labels, byte for byte. */
#define CLAIM_CODE 0x80000000u
/* The stack's length that splits the drain between two threads, and the
 * longest stack it splits (half of it is copied: a heap of goroutine
 * stacks queues nearly every object at once, and is left to one thread). */
#define SPLIT_MIN 256
#define SPLIT_MAX (1u << 20)
typedef struct claim {
    uint64_t offset, count;
    gt_id type;
    uint32_t label;
    bool inert;            /* then offset 0, count 1, type 0: an inert claim is its label alone */
} claim;
typedef struct drain_state {
    const uint64_t *snap;  /* the done bits when it began: slots it never labels */
    size_t nwords;
    VEC(claim) claims;     /* code index -> claim; grows only while not frozen */
    uint32_t *hash;        /* open addressing over claims: index + 1, 0 empty */
    size_t hcap;
    /* rival claims whose values are queued: slot << 32 | code; rare, so one lock */
    pthread_mutex_t lock;
    u64set rivals;
    bool frozen;           /* two threads walk: nothing may be built, decoded or interned */
    unsigned rounds;
    uint64_t helper_typed; /* objects the second thread labelled first */
} drain_state;

static inline bool frozen(const inferer *in)
{
    return in->drain != NULL && in->drain->frozen;
}

/* A slot the roots' drain may label or must compare: not labelled before it began. */
static inline bool drain_candidate(const inferer *in, uint32_t slot)
{
    return slot != HEAP_NONE && !(in->drain->snap[slot >> 6] >> (slot & 63) & 1);
}

/* May the walk claim slot (or, in the roots' drain, compare its claim)? */
static inline bool may_claim(const inferer *in, uint32_t slot)
{
    return in->drain != NULL ? drain_candidate(in, slot) : unlabelled(in, slot);
}

static inline size_t claim_hash(const claim *c)
{
    uint64_t h = (c->offset * 0x9E3779B97F4A7C15ull) ^ (c->count * 0xC2B2AE3D27D4EB4Full) ^
                 ((uint64_t)c->type << 32 | c->label) ^ c->inert;
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ull;
    return (size_t)(h ^ h >> 32);
}

/* The code of claim c in *code: found, or (not frozen) added; when
 * frozen and it is new, 0, and the value being walked is set aside.
 * False: out of memory. */
static bool claim_code(inferer *in, const claim *c, uint32_t *code)
{
    drain_state *ds = in->drain;
    *code = 0;
    for (size_t i = claim_hash(c) & (ds->hcap - 1);; i = (i + 1) & (ds->hcap - 1)) {
        uint32_t k = ds->hash[i];
        if (k == 0)
            break;
        const claim *o = &ds->claims.v[k - 1];
        if (o->label == c->label && o->type == c->type && o->offset == c->offset && o->count == c->count &&
            o->inert == c->inert) {
            *code = CLAIM_CODE | (k - 1);
            return true;
        }
    }
    if (ds->frozen) {
        in->blocked = true;
        return true;
    }
    if (ds->claims.n >= CLAIM_CODE - 1)
        return ghf_fail(in->err, GHF_EXIT_INTERNAL, "too many distinct type claims");
    if ((ds->claims.n + 1) * 2 > ds->hcap) { /* at most half full */
        size_t cap = ds->hcap * 2;
        uint32_t *h = calloc(cap, sizeof *h);
        if (h == NULL)
            return ghf_fail(in->err, GHF_EXIT_INTERNAL, "out of memory for the type claims");
        for (size_t k = 0; k < ds->claims.n; k++) {
            size_t i = claim_hash(&ds->claims.v[k]) & (cap - 1);
            while (h[i] != 0)
                i = (i + 1) & (cap - 1);
            h[i] = (uint32_t)k + 1;
        }
        free(ds->hash);
        ds->hash = h;
        ds->hcap = cap;
    }
    if (!VEC_PUSH(&ds->claims, *c, in->err))
        return false;
    size_t i = claim_hash(c) & (ds->hcap - 1);
    while (ds->hash[i] != 0)
        i = (i + 1) & (ds->hcap - 1);
    ds->hash[i] = (uint32_t)ds->claims.n;
    *code = CLAIM_CODE | (uint32_t)(ds->claims.n - 1);
    return true;
}

static bool queue_values(inferer *in, uint64_t addr, gt_id type, uint64_t count);

/* Does label a come before label b (by name)? Decides between inert claims. */
static inline bool label_before(const inferer *in, uint32_t a, uint32_t b)
{
    return strcmp(strtab_get(&in->out->names, a), strtab_get(&in->out->names, b)) < 0;
}

/* A stable key for type t: its DWARF id (DWARF's order), else its
 * descriptor's address; not the model's id of a decoded type, which is
 * the order types were decoded in. */
static uint64_t type_key(const inferer *in, gt_id t)
{
    const gt_type *g = gt_get(in->gm, t);
    if (g == NULL)
        return 0;
    return g->from_dwarf ? t : 1ull << 63 | g->rtype;
}

/* Does claim a win a slot from rival b, whatever came first? A claim
 * that queues work beats an inert one; between inert claims, the label
 * first by name; else the larger count (a map's whole bucket array
 * against a pointer to its first bucket), then the label first by name,
 * then the type's stable key, then the smaller offset. */
static bool claim_wins(const inferer *in, const claim *a, const claim *b)
{
    if (a->inert != b->inert)
        return !a->inert;
    if (a->inert || a->count == b->count) {
        if (a->label != b->label)
            return label_before(in, a->label, b->label);
        if (a->inert)
            return false;
    } else {
        return a->count > b->count;
    }
    uint64_t ka = type_key(in, a->type), kb = type_key(in, b->type);
    if (ka != kb)
        return ka < kb;
    if (a->offset != b->offset)
        return a->offset < b->offset;
    return a->type < b->type; /* two decoded types of one descriptor: not met */
}

/* Claim slot (not labelled before the drain) with code: label it and
 * queue its values if it is the first claim. A rival claim (another
 * code) queues its own values too, once, unless it is inert (the code
 * the slot holds has had its values queued: it was the first, or a rival
 * that queued them); then the slot takes whichever wins by claim_wins
 * (compare-and-swap until it holds). Each thread's claims and queueing
 * are thus the same in any order, and so is every slot's final code. */
static bool claim_in_drain(inferer *in, uint32_t slot, uint64_t base, uint32_t code, gt_id type, uint64_t offset,
                         uint64_t count)
{
    uint32_t old = __atomic_load_n(&in->slab[slot], __ATOMIC_RELAXED);
    if (old == NO_LABEL &&
        __atomic_compare_exchange_n(&in->slab[slot], &old, code, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
        __atomic_fetch_or(&in->done[slot >> 6], 1ull << (slot & 63), __ATOMIC_RELAXED);
        in->ntyped++;
        if ((in->ntyped & 4095) == 0 && !in->quiet)
            progress_tick("objects typed", in->ntyped, in->h->nobjects);
        return type == 0 || queue_values(in, base + offset, type, count);
    }
    if (old == code) /* (old is a code: the slot was NO_LABEL when the drain began) */
        return true;
    const claim *now = &in->drain->claims.v[code & ~CLAIM_CODE];
    if (!now->inert) {
        bool fresh, ok;
        pthread_mutex_lock(&in->drain->lock);
        ok = u64set_add(&in->drain->rivals, (uint64_t)slot << 32 | old, &fresh, in->err) &&
             u64set_add(&in->drain->rivals, (uint64_t)slot << 32 | code, &fresh, in->err);
        pthread_mutex_unlock(&in->drain->lock);
        if (!ok)
            return false;
        if (fresh && type != 0 && !queue_values(in, base + offset, type, count))
            return false;
    }
    while (old != code && claim_wins(in, now, &in->drain->claims.v[old & ~CLAIM_CODE]))
        if (__atomic_compare_exchange_n(&in->slab[slot], &old, code, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
            break;
    return true;
}

/* An inert claim with label id on a slot labelled before the roots'
 * drain began: it takes the slot from an inert claim later by name, as
 * inert_min does. */
static bool inert_min_in_drain(inferer *in, uint32_t slot, uint32_t id)
{
    uint32_t old = __atomic_load_n(&in->slab[slot], __ATOMIC_RELAXED);
    while (old != FREE_SLOT && (old & INERT) && !(old & CLAIM_CODE) && (old & ~INERT) != id &&
           label_before(in, id, old & ~INERT))
        if (__atomic_compare_exchange_n(&in->slab[slot], &old, id | INERT, false, __ATOMIC_RELAXED,
                                        __ATOMIC_RELAXED))
            break;
    return true;
}

/* assign_claim while the roots' drain runs */
static bool assign_in_drain(inferer *in, uint32_t slot, uint64_t base, uint32_t id, gt_id type, uint64_t offset,
                           uint64_t count, bool inert)
{
    if (slot == HEAP_NONE || (in->blocked && in->drain->frozen)) /* blocked: id may be a stand-in */
        return true;
    if (!drain_candidate(in, slot))
        return !inert || inert_min_in_drain(in, slot, id);
    /* an inert claim is its label alone: its type, offset and count queue nothing */
    claim c = inert ? (claim){0, 1, 0, id, true} : (claim){offset, count, type, id, false};
    uint32_t code;
    if (!claim_code(in, &c, &code))
        return false;
    return code == 0 || claim_in_drain(in, slot, base, code, c.type, offset, count); /* 0: set aside */
}

/* For --fields: the type of the slot's values and where they start. */
static void note_dtype(inferer *in, uint32_t slot, gt_id type, uint64_t offset)
{
    if (in->out->dtype != NULL) {
        in->out->dtype[slot] = type;
        in->out->dtype_off[slot] = (uint8_t)(offset < 255 ? offset : 255);
    }
}

/* The one-thread walk's inert claim with label id on a labelled slot:
 * it takes the slot from an inert claim later by name. */
static void inert_min(inferer *in, uint32_t slot, uint32_t id, gt_id type, uint64_t offset)
{
    uint32_t old = in->slab[slot];
    if (old == FREE_SLOT || !(old & INERT) || (old & ~INERT) == id || !label_before(in, id, old & ~INERT))
        return;
    in->slab[slot] = id | INERT;
    if (in->out->dtype != NULL) {
        in->out->dtype[slot] = type;
        in->out->dtype_off[slot] = (uint8_t)(type == 0 ? 0 : offset < 255 ? offset : 255);
    }
}

/* Give the object in slot (at base) label id and, if it has a type, queue
 * its contents: count values from base + offset. The first claim on a
 * slot wins, but for inert ones: a claim is inert when it queues nothing
 * (no type, or a type without pointers), and between inert claims the
 * label first by name wins, whichever came first. Which claim comes first
 * is the walk's order; so only claims that queue work are left to it,
 * and a heap whose only rival claims are inert (a string and a []byte on
 * the same bytes, two tenants of a tiny block) gets the same labels in
 * any order. (The roots' drain settles all rival claims: claim_in_drain.) */
static bool assign_claim(inferer *in, uint32_t slot, uint64_t base, uint32_t id, gt_id type, uint64_t offset,
                         uint64_t count, bool inert)
{
    if (in->drain != NULL)
        return assign_in_drain(in, slot, base, id, type, offset, count, inert);
    if (slot == HEAP_NONE)
        return true;
    if (!unlabelled(in, slot)) {
        if (inert)
            inert_min(in, slot, id, type, offset);
        return true;
    }
    if (id & (INERT | CLAIM_CODE))
        return ghf_fail(in->err, GHF_EXIT_INTERNAL, "too many type labels");
    in->slab[slot] = inert ? id | INERT : id;
    in->done[slot >> 6] |= 1ull << (slot & 63);
    in->ntyped++;
    if ((in->ntyped & 4095) == 0 && !in->quiet)
        progress_tick("objects typed", in->ntyped, in->h->nobjects);
    if (type == 0)
        return true;
    note_dtype(in, slot, type, offset);
    return inert || queue_values(in, base + offset, type, count);
}

/* assign_claim, inert when type holds no pointers */
static bool assign_id(inferer *in, uint32_t slot, uint64_t base, uint32_t id, gt_id type, uint64_t offset,
                      uint64_t count)
{
    return assign_claim(in, slot, base, id, type, offset, count, type == 0 || !has_pointers(in, type));
}

/* Queue count values of type from addr (an object just labelled). */
static bool queue_values(inferer *in, uint64_t addr, gt_id type, uint64_t count)
{
    uint32_t planned = type < in->plan_of.n ? in->plan_of.v[type] : 0;
    if (planned != 0 && in->plans.v[planned - 1].n == 0)
        return true; /* nothing in its values points anywhere: no work, no prefetch */
    uint64_t packed = WIDE << ADDR_BITS;
    if (type < WIDE && addr >> ADDR_BITS == 0 && addr % 8 == 0 && count - 1 < PACKED_MAX_COUNT)
        packed = (uint64_t)type << ADDR_BITS | addr | (count - 1);
    else if (!VEC_PUSH(&in->wide, ((work){addr, count, type}), in->err))
        return false;
    prefetch_word(in, addr); /* its words are read soon (the queue is LIFO) */
    return VEC_PUSH(&in->queue, packed, in->err);
}

/* The address of queued work (packed word q), 0 for WIDE. */
static inline uint64_t queued_addr(uint64_t q)
{
    return q >> ADDR_BITS == WIDE ? 0 : q & ((1ull << ADDR_BITS) - 8);
}

/* Pop the last work queued. */
static inline work pop_work(inferer *in)
{
    uint64_t q = in->queue.v[--in->queue.n];
    if (q >> ADDR_BITS == WIDE)
        return in->wide.v[--in->wide.n];
    return (work){queued_addr(q), (q & 7) + 1, (gt_id)(q >> ADDR_BITS)};
}

/* Is the 16-byte object holding p a tiny block (runtime/malloc.go: the
 * tiny allocator packs pointer-free values of < 16 bytes into one 16-byte
 * noscan object; pointers to all but the first are interior)? */
static bool tiny_block(const inferer *in, uint64_t p)
{
    const heap_span *s = heap_span_at(in->h, p); /* callers know p's slot holds an object */
    return s != NULL && s->noscan;
}

/* gt_embedder, memoized: it resolves and searches per call, and every
 * struct pointer to an untyped object asks (the model's embedders are
 * fixed when it opens, so an answer never changes). */
static gt_id embedder(inferer *in, gt_id base, uint64_t room)
{
    embed_memo *e = &in->embeds[(base * 31u ^ (uint32_t)(room >> 3)) & (EMBED_MEMO - 1)];
    if (e->base != base || e->room != room)
        *e = (embed_memo){.room = room, .base = base, .sub = gt_embedder(in->gm, base, room)};
    return e->sub;
}

/* Where a pointer word's target lies: heap_find_slot's answer, taken
 * ahead of use by walk_words for several words at once. */
typedef struct target {
    uint32_t slot; /* HEAP_NONE: not in the heap */
    uint64_t base, size, user_off;
} target;

/* May p's claim on a target of a pointer to elem be inert? (Then a
 * labelled target is not skipped: inert claims are compared.) The
 * claim's type holds elem (itself, an array of it, a struct embedding
 * it): no pointers in that unless none in elem; or it is a tiny block's
 * label, of no type. */
static inline bool maybe_inert(inferer *in, gt_id elem, uint64_t p, const target *tg)
{
    return (tg->size == TINY_BLOCK && p != tg->base + tg->user_off) || !has_pointers(in, elem);
}

/* heap_find_slot through the inferer's slot cache */
static inline void find_target(inferer *in, uint64_t p, target *t)
{
    if (p == 0) { /* nil, whatever a damaged core says lies at address 0 */
        t->slot = HEAP_NONE;
        return;
    }
    t->slot = heap_cached_slot(&in->slots, p, &t->base, &t->size, &t->user_off);
}

static inline bool typed_target(inferer *in, uint64_t p, const target *tg, gt_id elem, uint64_t count, bool slice);

/* A pointer to count values of type elem (a slice's backing array when
 * `slice`): type its target object, if p is where that object's data starts. */
static bool typed_pointer(inferer *in, uint64_t p, gt_id elem, uint64_t count, bool slice)
{
    if (p == 0 || elem == 0)
        return true;
    target tg;
    find_target(in, p, &tg);
    return typed_target(in, p, &tg, elem, count, slice);
}

/* typed_target past its memo (memo: p is eligible, m its entry) */
static bool typed_target_slow(inferer *in, uint64_t p, const target *tg, gt_id elem, uint64_t count, bool slice,
                              bool memo, target_memo *m)
{
    uint32_t slot = tg->slot;
    uint64_t base = tg->base, size = tg->size, user_off = tg->user_off;
    uint64_t ub = base + user_off;
    const gt_type *et = gt_get(in->gm, elem);
    if (et == NULL)
        return true;
    if (p != ub) { /* interior pointer: the object's own type is still unknown, */
        if (size != TINY_BLOCK || !tiny_block(in, p))
            return true;
        uint32_t id; /* unless it is a tiny block: values of up to 15 bytes packed together */
        return label_of(in, elem, slice, &id) && assign_id(in, slot, base, id, 0, 0, 1);
    }
    uint64_t esize = et->size, room = base + size - ub;
    gt_id asked = elem;
    bool asked_slice = slice;
    if (!slice && et->role == GT_ROLE_TYPE_DESC) { /* a type descriptor reflect made: its kind's whole one */
        memo = false;
        gt_id whole = gt_descriptor_at(in->gm, elem, p);
        const gt_type *wt = gt_get(in->gm, whole);
        uint32_t str;
        if (core_read_u32(in->rt->core, p + in->L->type_str, &str) && (int32_t)str < 0 &&
            !VEC_PUSH(&in->reflect_names, (int32_t)str, in->err))
            return false;
        if (wt != NULL && wt->size <= room) {
            elem = whole;
            et = wt;
            esize = wt->size;
        }
    } else if (!slice && et->kind == GT_STRUCT) { /* the object may be a struct embedding *p's type */
        gt_id sub = embedder(in, elem, room);
        if (sub) {
            elem = sub;
            et = gt_get(in->gm, sub);
            esize = et->size;
        }
    }
    /* A *T to the start of an object with room for several T is a pointer
     * to an array's first element (&a[0], runtime.allgptr): size classes
     * never round one value up to twice its size. Not for structs: a
     * *base struct often points at a bigger struct embedding it (abi.Type). */
    if (!slice && count == 1 && esize >= 8 && room / esize >= 2 && et->kind != GT_STRUCT) {
        count = room / esize;
        slice = true;
    }
    if (esize && count > room / esize) /* not count * esize: a hostile count wraps it */
        count = room / esize;
    uint32_t id;
    if (!label_of(in, elem, slice, &id))
        return false;
    if (memo)
        *m = (target_memo){.room = room, .count = count ? count : 1, .elem = asked, .to = elem, .id = id,
                           .slice = asked_slice, .inert = !has_pointers(in, elem)};
    return assign_id(in, slot, base, id, elem, ub - base, count ? count : 1);
}

/* typed_target's memo entry for a pointer p to elem (a slice's when
 * `slice`) at target tg, and whether it answers for it (*hit). What
 * follows depends on p only for type descriptors (and their reflect
 * names) and interior pointers; else on elem, slice, count and the room
 * after p, through the model and label_of, whose answers never change:
 * the memo gives the same label, type and count. The callers' counts are
 * 1 for a pointer and UINT64_MAX for a slice. *eligible: p may use it.
 * (Forced inline: on the per-pointer path a call cost 1-3 % of the walk's
 * instructions.) */
static inline __attribute__((always_inline)) target_memo *target_memo_at(inferer *in, uint64_t p, const target *tg, gt_id elem, uint64_t count,
                                          bool slice, bool *eligible, bool *hit)
{
    uint64_t room = tg->size - tg->user_off;
    *eligible = p == tg->base + tg->user_off && count == (slice ? UINT64_MAX : 1);
    target_memo *m = &in->tmemo[(elem * 0x9E3779B1u ^ (uint32_t)(room >> 3) ^ slice) & (TARGET_MEMO - 1)];
    *hit = *eligible && m->elem == elem && m->slice == slice && m->room == room;
    return m;
}

/* typed_target while the roots' drain runs: the memo's claim by its code;
 * past the memo, the slow way, which frozen threads leave to one thread
 * (but for an interior pointer into an object that is no tiny block:
 * that claims nothing). */
static bool typed_target_in_drain(inferer *in, uint64_t p, const target *tg, gt_id elem, uint64_t count, bool slice)
{
    bool candidate = drain_candidate(in, tg->slot), memo, hit;
    if (!candidate && !maybe_inert(in, elem, p, tg))
        return true;
    target_memo *m = target_memo_at(in, p, tg, elem, count, slice, &memo, &hit);
    if (hit) {
        if (!candidate)
            return !m->inert || inert_min_in_drain(in, tg->slot, m->id);
        uint32_t *code = &m->code[tg->user_off != 0];
        if (*code == 0) {
            claim c = m->inert ? (claim){0, 1, 0, m->id, true} : (claim){tg->user_off, m->count, m->to, m->id, false};
            if (!claim_code(in, &c, code))
                return false;
            if (*code == 0) /* set aside */
                return true;
        }
        return claim_in_drain(in, tg->slot, tg->base, *code, m->inert ? 0 : m->to, tg->user_off, m->count);
    }
    if (in->drain->frozen) {
        if (p == tg->base + tg->user_off || tg->size == TINY_BLOCK)
            in->blocked = true;
        return true;
    }
    return typed_target_slow(in, p, tg, elem, count, slice, memo, m);
}

/* typed_pointer with p's target already found (p != 0) */
static inline bool typed_target(inferer *in, uint64_t p, const target *tg, gt_id elem, uint64_t count, bool slice)
{
    if (elem == 0 || tg->slot == HEAP_NONE)
        return true;
    if (in->drain != NULL)
        return typed_target_in_drain(in, p, tg, elem, count, slice);
    if (!unlabelled(in, tg->slot) && !maybe_inert(in, elem, p, tg))
        return true;
    bool memo, hit;
    target_memo *m = target_memo_at(in, p, tg, elem, count, slice, &memo, &hit);
    if (hit)
        return assign_claim(in, tg->slot, tg->base, m->id, m->to, tg->user_off, m->count, m->inert);
    return typed_target_slow(in, p, tg, elem, count, slice, memo, m);
}

/* ---- plans ---- */

static bool flatten(inferer *in, gt_id type, uint64_t off, int depth);

static bool push_leaf(inferer *in, uint8_t kind, uint64_t off, gt_id type, gt_id elem, int depth)
{
    leaf l = {.off = off, .type = type, .elem = elem, .kind = kind, .depth = (uint8_t)depth};
    l.inert_target = kind == L_STRING || ((kind == L_PTR || kind == L_SLICE) && !has_pointers(in, elem));
    return VEC_PUSH(&in->leaves, l, in->err);
}

/* The fields of struct t at off, but those at offsets skip[0] and skip[1]. */
static bool flatten_fields(inferer *in, const gt_type *t, uint64_t off, int depth, uint64_t skip0, uint64_t skip1)
{
    gt_id sync_ptr = 0; /* sync/atomic.Pointer[T]: `_ [0]*T` states what its unsafe.Pointer holds */
    for (uint32_t i = 0; i < t->nfields; i++) {
        const gt_field *f = gt_field_at(in->gm, t, i);
        if (f->offset == skip0 || f->offset == skip1)
            continue;
        const gt_type *ft = gt_get(in->gm, f->type);
        if (ft == NULL)
            continue;
        if (ft->kind == GT_ARRAY && ft->len == 0) {
            const gt_type *et = gt_get(in->gm, ft->elem);
            sync_ptr = et && et->kind == GT_PTR ? et->elem : 0;
            continue;
        }
        if (ft->kind == GT_UNSAFEPTR && sync_ptr) {
            if (!push_leaf(in, L_PTR, off + f->offset, f->type, sync_ptr, depth + 1))
                return false;
            continue;
        }
        if (!flatten(in, f->type, off + f->offset, depth + 1))
            return false;
    }
    return true;
}

/* Append the leaves of a value of `type` at off, depth levels down. */
static bool flatten(inferer *in, gt_id type, uint64_t off, int depth)
{
    if (depth > MAX_DEPTH)
        return true;
    const gt_type *t = gt_get(in->gm, type);
    if (t == NULL)
        return true;
    switch (t->kind) {
    case GT_PTR:
        return push_leaf(in, L_PTR, off, type, t->elem, depth);
    case GT_MAP:
    case GT_CHAN: /* a pointer to its runtime header */
        return push_leaf(in, L_PTR, off, type, t->hdr, depth);
    case GT_STRING:
        return push_leaf(in, L_STRING, off, type, 0, depth);
    case GT_SLICE:
        return push_leaf(in, L_SLICE, off, type, t->elem, depth);
    case GT_INTERFACE:
        return push_leaf(in, L_IFACE, off, type, 0, depth);
    case GT_FUNC:
        return push_leaf(in, L_FUNC, off, type, 0, depth);
    case GT_ARRAY: {
        const gt_type *et = gt_get(in->gm, t->elem);
        if (et == NULL || et->size == 0 || t->len == 0)
            return true;
        size_t start = in->leaves.n;
        if (!flatten(in, t->elem, off, depth + 1))
            return false;
        size_t per = in->leaves.n - start;
        if (per == 0)
            return true; /* no pointers in any element */
        if (t->len > PLAN_MAX_LEAVES || per * t->len > PLAN_MAX_LEAVES) {
            in->leaves.n = start; /* too long to unroll: walk element by element */
            leaf l = {.off = off, .type = t->elem, .n = t->len, .stride = et->size, .kind = L_ARRAY,
                      .depth = (uint8_t)depth};
            return VEC_PUSH(&in->leaves, l, in->err);
        }
        for (uint64_t i = 1; i < t->len; i++)
            for (size_t k = 0; k < per; k++) {
                leaf c = in->leaves.v[start + k];
                c.off += i * et->size;
                if (!VEC_PUSH(&in->leaves, c, in->err))
                    return false;
            }
        return true;
    }
    case GT_STRUCT:
        switch (t->role) {
        case GT_ROLE_MAP_BUCKETS:
        case GT_ROLE_MAP_GROUPS:
            return push_leaf(in, L_SLOTS, off, type, 0, depth);
        /* The role types the arrays with their real counts, and their
         * pointer fields are left out: DWARF types them too (a Swiss map's
         * dirPtr as **table, which a small map points at its one group
         * with; an old map's buckets as *bucket, the array's first), and
         * a second claim, on the same object, would be a rival. */
        case GT_ROLE_MAP_HEADER:
            return push_leaf(in, L_ROLE, off, type, 0, depth) &&
                   (in->L->swiss ? flatten_fields(in, t, off, depth, in->L->smap_dir_ptr, UINT64_MAX)
                                 : flatten_fields(in, t, off, depth, in->L->hmap_buckets, in->L->hmap_oldbuckets));
        case GT_ROLE_MAP_TABLE:
            return push_leaf(in, L_ROLE, off, type, 0, depth) &&
                   flatten_fields(in, t, off, depth, in->L->table_groups_data, UINT64_MAX);
        case GT_ROLE_CHAN_HEADER:
            return push_leaf(in, L_ROLE, off, type, 0, depth) &&
                   flatten_fields(in, t, off, depth, in->L->hchan_buf, UINT64_MAX);
        default:
            return flatten_fields(in, t, off, depth, UINT64_MAX, UINT64_MAX);
        }
    default:
        return true;
    }
}

/* The plan of type (built on first use). */
static bool plan_get(inferer *in, gt_id type, plan *out)
{
    if (frozen(in) && (type >= in->plan_of.n || in->plan_of.v[type] == 0)) {
        in->blocked = true; /* a plan to build: one thread's work */
        *out = (plan){0};
        return true;
    }
    if (!grow_cover(in, &in->plan_of, type))
        return false;
    uint32_t *slot = &in->plan_of.v[type];
    if (*slot == 0) {
        size_t start = in->leaves.n;
        if (!flatten(in, type, 0, 0))
            return false;
        plan pl = {(uint32_t)start, (uint32_t)(in->leaves.n - start), 0, true, 0};
        for (size_t i = start; i < in->leaves.n; i++) {
            const leaf *l = &in->leaves.v[i];
            pl.words_only &= l->kind <= L_SLICE;
            if (l->depth > pl.max_depth)
                pl.max_depth = l->depth;
            /* rd reads 8 bytes; an interface's second word is ptr_size on */
            uint64_t end = l->off + (l->kind == L_IFACE ? in->L->ptr_size : 0) + 8;
            if (l->kind <= L_FUNC && end > pl.words_end)
                pl.words_end = end;
        }
        if (!VEC_PUSH(&in->plans, pl, in->err))
            return false;
        in->plan_of.v[type] = (uint32_t)in->plans.n;
    }
    *out = in->plans.v[in->plan_of.v[type] - 1];
    return true;
}

/* ---- walking ---- */

static bool walk_value(inferer *in, uint64_t addr, gt_id type, int depth);

static bool rd(const inferer *in, uint64_t addr, uint64_t *v)
{
    if (__builtin_expect(in->image_len != 0, 0) && addr - in->image_at < in->image_len) {
        if (in->image_len - (addr - in->image_at) < 8)
            return false;
        memcpy(v, in->image + (addr - in->image_at), 8);
        return true;
    }
    return core_read_u64(in->rt->core, addr, v);
}

/* The dynamic type named by an interface's first word (an itab when the
 * interface has methods), 0 if unknown. The first time a word is seen its
 * descriptor is typed (reflect makes some on the heap) and looked up in the
 * model; after that the memo answers: typing the descriptor again would do
 * nothing, and the heap look-up and model search per interface value were
 * a third of the types stage's look-ups on heaps full of `any`. Not while a
 * split local's assembled image is read: the itab could lie in it. */
static bool dynamic_type(inferer *in, uint64_t word, bool itab, gt_id *dyn)
{
    iface_memo *e = &in->memo[(word >> 3 ^ word >> 13) & (IFACE_MEMO - 1)];
    bool memo = in->image_len == 0;
    if (memo && e->word == word && e->itab == itab && e->dyn != 0) {
        *dyn = e->dyn;
        return true;
    }
    uint64_t tw = word;
    *dyn = 0;
    if (frozen(in)) { /* decoding a type: one thread's work */
        in->blocked = true;
        return true;
    }
    if (itab && !rd(in, word + in->L->itab_type, &tw))
        return true;
    /* a descriptor reflect made lives on the heap */
    if (in->desc_common && !typed_pointer(in, tw, in->desc_common, 1, false))
        return false;
    if (!gt_from_rtype(in->gm, tw, dyn, in->err))
        return false;
    if (memo && *dyn != 0)
        *e = (iface_memo){.word = word, .dyn = *dyn, .itab = itab};
    return true;
}

/* The word at addr: from `at` (addr's bytes in a view of the core that
 * walk_plan took for the whole value) when there is one, else read. */
static inline bool rd_at(const inferer *in, const uint8_t *at, uint64_t addr, uint64_t *v)
{
    if (at != NULL) {
        memcpy(v, at, 8);
        return true;
    }
    return rd(in, addr, v);
}

/* eface {type, data} or iface {itab, data}: the dynamic type decides. */
static bool walk_interface(inferer *in, uint64_t addr, const uint8_t *at, gt_id itype, int depth)
{
    const gt_type *it = gt_get(in->gm, itype);
    uint64_t word, data, P = in->L->ptr_size;
    if (it == NULL || !rd_at(in, at, addr, &word) || word == 0 || !rd_at(in, at ? at + P : NULL, addr + P, &data))
        return true;
    gt_id dyn;
    if (!dynamic_type(in, word, it->has_methods, &dyn))
        return false;
    const gt_type *dt = gt_get(in->gm, dyn);
    if (dt == NULL)
        return true;
    if (dt->direct_iface) /* pointer-shaped: the data word is the value */
        return walk_value(in, addr + in->L->ptr_size, dyn, depth + 1);
    return typed_pointer(in, data, dyn, 1, false);
}

/* A func value points to a closure object {fn, captured variables...}. */
static bool walk_func(inferer *in, uint64_t p)
{
    uint64_t base, size, user_off, code;
    if (p == 0)
        return true;
    uint32_t slot = heap_find_slot(in->h, p, &base, &size, &user_off);
    if (!may_claim(in, slot) || p != base + user_off || !rd(in, p, &code))
        return true;
    if (frozen(in)) { /* decoding a closure's type: one thread's work */
        in->blocked = true;
        return true;
    }
    gt_id ct;
    uint32_t id;
    if (!gt_closure(in->gm, code, &ct, in->err))
        return false;
    if (ct == 0 || !label_of(in, ct, false, &id))
        return ct == 0;
    return assign_claim(in, slot, base, id, ct, user_off, 1, false); /* first-come: closures are not compared */
}

/* The runtime's map and channel structs (runtime/map.go, internal/runtime/
 * maps, runtime/chan.go): their arrays, typed with their real lengths. */
static bool walk_role(inferer *in, uint64_t addr, gt_id type)
{
    gt_type tc = *gt_get(in->gm, type); /* a copy: typing may decode new types */
    const gt_type *t = &tc;
    const gt_layout *L = in->L;
    uint64_t p = 0, n = 0, et = 0;
    uint8_t b;
    switch (t->role) {
    case GT_ROLE_MAP_HEADER:
        if (L->swiss) {
            if (!rd(in, addr + L->smap_dir_ptr, &p) || !rd(in, addr + L->smap_dir_len, &n) || p == 0)
                return true;
            if (n == 0) /* a small map: one group */
                return typed_pointer(in, p, t->group, 1, false);
            return n < (1u << 24) ? typed_pointer(in, p, t->elem, n, true) : true;
        }
        if (!core_read_u8(in->rt->core, addr + L->hmap_b, &b) || b > 40)
            return true;
        /* 2^B buckets, then (B >= 4) preallocated overflow buckets in the same
         * object; the same for oldbuckets while the map grows (2^(B-1) and
         * theirs, which its overflow chains still use): the whole object */
        if (rd(in, addr + L->hmap_buckets, &p) && !typed_pointer(in, p, t->group, UINT64_MAX, true))
            return false;
        if (b > 0 && rd(in, addr + L->hmap_oldbuckets, &p) && !typed_pointer(in, p, t->group, UINT64_MAX, true))
            return false;
        return true;
    case GT_ROLE_MAP_TABLE:
        if (!rd(in, addr + L->table_groups_data, &p) || !rd(in, addr + L->table_groups_mask, &n) || n >= (1u << 26))
            return true;
        return typed_pointer(in, p, t->group, n + 1, true);
    case GT_ROLE_CHAN_HEADER: {
        if (!rd(in, addr + L->hchan_buf, &p) || !rd(in, addr + L->hchan_dataqsiz, &n) ||
            !rd(in, addr + L->hchan_elemtype, &et) || p == 0 || et == 0 || n == 0)
            return true;
        gt_id elem;
        if (frozen(in)) { /* decoding a type: one thread's work */
            in->blocked = true;
            return true;
        }
        if (!gt_from_rtype(in->gm, et, &elem, in->err))
            return false;
        return typed_pointer(in, p, elem, n, true);
    }
    default:
        return true;
    }
}

/* The bytes of the words that plan pl reads in place from a value at addr,
 * in one view of the core instead of a look-up per word; NULL when the
 * core does not map them in one piece (rd then reads each) or while a
 * split local's image stands in for the core. */
static const uint8_t *plan_view(inferer *in, uint64_t addr, plan pl)
{
    return in->image_len == 0 && pl.words_end ? view(in, addr, pl.words_end) : NULL;
}

/* The pointer word of leaf l that the prefetches look up, from a value's
 * bytes in place: the word itself, or an interface's data word. */
static inline bool leaf_word(const inferer *in, const uint8_t *view, const leaf *l, uint64_t *p)
{
    if (l->kind == L_PTR || l->kind == L_STRING || l->kind == L_SLICE)
        memcpy(p, view + l->off, 8);
    else if (l->kind == L_IFACE)
        memcpy(p, view + l->off + in->L->ptr_size, 8); /* the data word */
    else
        return false;
    return true;
}

/* Start the cache misses that walking a value by plan pl will wait for,
 * one after the other: the labels of the heap slots its words point to (a
 * random place in a big array for each). Callers do this for several
 * values before they walk them, so the misses overlap. view: the value's
 * bytes in place (plan_view), or NULL (nothing to start). */
static void prefetch_targets_in(inferer *in, const uint8_t *view, plan pl)
{
    uint64_t p;
    target tg;
    for (uint32_t i = 0; view != NULL && i < pl.n; i++) {
        if (!leaf_word(in, view, &in->leaves.v[pl.first + i], &p))
            continue;
        find_target(in, p, &tg);
        if (tg.slot != HEAP_NONE) {
            __builtin_prefetch(&in->done[tg.slot >> 6]);
            __builtin_prefetch(&in->slab[tg.slot], 1); /* written if it is not labelled yet */
        }
    }
}

/* prefetch_targets_in for the value at addr */
static void prefetch_targets(inferer *in, uint64_t addr, plan pl)
{
    prefetch_targets_in(in, plan_view(in, addr, pl), pl);
}

/* Before prefetch_targets: the misses on the page keys its look-ups
 * read (the first of the two dependent misses each pointer word costs),
 * for a value whose bytes are in view (or NULL). */
static void prefetch_keys(inferer *in, const uint8_t *view, plan pl)
{
    uint64_t p;
    for (uint32_t i = 0; view != NULL && i < pl.n; i++)
        if (leaf_word(in, view, &in->leaves.v[pl.first + i], &p))
            heap_cached_slot_prefetch(&in->slots, p);
}

/* A bucket's or group's slots hold garbage unless their control byte says
 * full: Swiss ctrl byte < 0x80; old tophash >= minTopHash. The control
 * bytes are at offset 0; each other array of 8 holds one entry per slot. */
static bool walk_slots(inferer *in, uint64_t addr, gt_id type, int depth)
{
    uint8_t ctrl[8];
    const gt_type *t = gt_get(in->gm, type);
    if (t == NULL || !core_read(in->rt->core, addr, ctrl, 8))
        return true;
    bool swiss = t->role == GT_ROLE_MAP_GROUPS;
    uint32_t nf = t->nfields;
    /* walking may decode new types and move the model's arrays: look up by id each time */
    for (uint32_t i = 0; i < nf; i++) {
        gt_field f = *gt_field_at(in->gm, gt_get(in->gm, type), i);
        const gt_type *ft = gt_get(in->gm, f.type);
        if (ft == NULL || f.offset == 0)
            continue;
        if (ft->kind != GT_ARRAY || ft->len != 8) { /* the overflow pointer */
            if (!walk_value(in, addr + f.offset, f.type, depth + 1))
                return false;
            continue;
        }
        gt_id elem = ft->elem;
        const gt_type *et = gt_get(in->gm, elem);
        uint64_t esize = et ? et->size : 0;
        plan pl = {0};
        if (esize && !plan_get(in, elem, &pl))
            return false;
        for (uint32_t k = 0; esize && pl.n && k < 8; k++)
            if (swiss ? ctrl[k] < 0x80 : ctrl[k] >= MIN_TOPHASH)
                prefetch_targets(in, addr + f.offset + k * esize, pl);
        for (uint32_t k = 0; esize && k < 8; k++) {
            bool full = swiss ? ctrl[k] < 0x80 : ctrl[k] >= MIN_TOPHASH;
            if (full && !walk_value(in, addr + f.offset + k * esize, elem, depth + 1))
                return false;
        }
    }
    return true;
}

/* A string's bytes: label their object "string" (never walked). */
static bool string_target(inferer *in, const target *tg)
{
    if (tg->slot == HEAP_NONE) /* labelled or not: its claim is inert */
        return true;
    if (in->string_label == 0) {
        uint32_t id;
        if (!intern(in, "string", &id))
            return false;
        if (frozen(in)) /* set aside: interning is one thread's */
            return true;
        in->string_label = id + 1;
    }
    if (in->drain != NULL && drain_candidate(in, tg->slot)) { /* its code, looked up once */
        if (in->string_code == 0) {
            claim c = {0, 1, 0, in->string_label - 1, true};
            if (!claim_code(in, &c, &in->string_code))
                return false;
            if (in->string_code == 0) /* set aside */
                return true;
        }
        return claim_in_drain(in, tg->slot, tg->base, in->string_code, 0, 0, 1);
    }
    return assign_claim(in, tg->slot, tg->base, in->string_label - 1, 0, 0, 1, true);
}

/* A one-word leaf (L_PTR, L_SLICE, L_STRING) holding p (not 0), whose
 * target tg is found: what walk_leaf and walk_words do with it. */
static bool follow_word(inferer *in, const leaf *l, uint64_t p, const target *tg)
{
    switch (l->kind) {
    case L_PTR:
        return typed_target(in, p, tg, l->elem, 1, false);
    case L_SLICE:
        return typed_target(in, p, tg, l->elem, UINT64_MAX, true);
    default: /* L_STRING */
        return string_target(in, tg);
    }
}

/* One leaf of a value at addr; `at`: addr's bytes in place, or NULL. */
static bool walk_leaf(inferer *in, uint64_t addr, const uint8_t *at, const leaf *l, int depth)
{
    uint64_t p;
    target tg;
    switch (l->kind) {
    case L_PTR:
    case L_SLICE:
    case L_STRING:
        if (!rd_at(in, at, addr, &p) || p == 0)
            return true;
        find_target(in, p, &tg);
        return follow_word(in, l, p, &tg);
    case L_IFACE:
        return walk_interface(in, addr, at, l->type, depth);
    case L_FUNC:
        return rd_at(in, at, addr, &p) ? walk_func(in, p) : true;
    case L_ROLE:
        return walk_role(in, addr, l->type);
    case L_SLOTS:
        return walk_slots(in, addr, l->type, depth);
    case L_ARRAY:
        for (uint64_t i = 0; i < l->n; i++)
            if (!walk_value(in, addr + i * l->stride, l->type, depth + 1))
                return false;
        return true;
    default:
        return true;
    }
}

/* A value whose leaves are all single pointer words, in view: the words'
 * targets are all looked up before any is followed, so their page-table
 * look-ups and labelled-yet bits are fetched side by side, not each after
 * the last one's work (pointer-dense heaps wait on little else). Only pure
 * look-ups move ahead (the heap does not change while types are inferred);
 * the words are followed in order, as walk_leaf would. Following one
 * builds no plan, so the plan's leaves stay where they are. */
#define BATCH 8

static bool walk_words(inferer *in, const uint8_t *view, plan pl)
{
    for (uint32_t i = 0; i < pl.n; i += BATCH) {
        uint32_t m = pl.n - i < BATCH ? pl.n - i : BATCH;
        const leaf *ls = &in->leaves.v[pl.first + i];
        uint64_t ps[BATCH];
        target tgs[BATCH];
        for (uint32_t k = 0; k < m; k++) {
            memcpy(&ps[k], view + ls[k].off, 8);
            find_target(in, ps[k], &tgs[k]);
            if (tgs[k].slot != HEAP_NONE)
                __builtin_prefetch(&in->done[tgs[k].slot >> 6]);
        }
        /* (most targets of a dense heap are labelled by then; a labelled
         * one is skipped unless the claim may be inert, or the roots' drain
         * compares) */
        for (uint32_t k = 0; k < m; k++)
            if (ps[k] != 0 && tgs[k].slot != HEAP_NONE &&
                (may_claim(in, tgs[k].slot) || ls[k].inert_target ||
                 (tgs[k].size == TINY_BLOCK && ps[k] != tgs[k].base + tgs[k].user_off)) &&
                !follow_word(in, &ls[k], ps[k], &tgs[k]))
                return false;
    }
    return true;
}

/* walk_plan with the value's bytes in place already taken (plan_view) */
static bool walk_plan_in(inferer *in, uint64_t addr, const uint8_t *view, plan pl, int depth)
{
    if (view != NULL && pl.words_only && depth + pl.max_depth <= MAX_DEPTH)
        return walk_words(in, view, pl);
    for (uint32_t i = 0; i < pl.n; i++) {
        /* a copy: walking a leaf may build other plans and move the arrays */
        leaf l = in->leaves.v[pl.first + i];
        if (depth + l.depth > MAX_DEPTH)
            continue;
        if (!walk_leaf(in, addr + l.off, view && l.kind <= L_FUNC ? view + l.off : NULL, &l, depth + l.depth))
            return false;
    }
    return true;
}

static bool walk_plan(inferer *in, uint64_t addr, plan pl, int depth)
{
    return walk_plan_in(in, addr, plan_view(in, addr, pl), pl, depth);
}

static bool walk_value(inferer *in, uint64_t addr, gt_id type, int depth)
{
    plan pl;
    if (depth > MAX_DEPTH)
        return true;
    return plan_get(in, type, &pl) && walk_plan(in, addr, pl, depth);
}

/* ---- seeds ---- */

/* 1.22+: the malloc header or span.largeType names the allocation's type. */
static bool seed_headers(inferer *in)
{
    heap *h = in->h;
    const go_runtime *rt = in->rt;
    if (rt->minor < 22)
        return true;
    /* span by span, slot by slot: the objects in their order (heap_build
     * numbers them so), without a look at those of spans where none can
     * state a type (pointer-free, small without malloc headers) */
    for (uint32_t si = 0; si < h->nspans; si++) {
        const heap_span *s = &h->spans[si];
        if (s->noscan || (s->sizeclass == 0 ? s->large_type == 0 : s->elemsize <= rt->min_size_for_malloc_header))
            continue;
        for (uint32_t k = 0; k < s->nelems; k++) {
            uint32_t slot = s->first_slot + k;
            if (h->slot_obj[slot] == HEAP_NONE)
                continue;
            uint64_t addr = s->base + (uint64_t)k * s->elemsize, t = 0, ub = addr;
            if (s->sizeclass == 0)
                t = s->large_type;
            else {
                core_read_u64(rt->core, addr, &t);
                ub += rt->malloc_header_size;
            }
            gt_id g;
            if (t == 0)
                continue;
            if (!gt_from_rtype(in->gm, t, &g, in->err))
                return false;
            const gt_type *gt = gt_get(in->gm, g);
            if (gt == NULL)
                continue;
            uint64_t room = addr + s->elemsize - ub;
            uint64_t count = gt->size ? room / gt->size : 1;
            uint32_t id;
            /* a slot holding several values is a slice's (or array's) backing store */
            if (!label_of(in, g, count >= 2, &id))
                return false;
            /* the allocation's own type: never taken by an inert claim */
            if (!assign_claim(in, slot, addr, id, g, ub - addr, count ? count : 1, false))
                return false;
        }
    }
    return true;
}

/* Roots: each variable's value, walked from its DWARF type (a DWARF type
 * id is a gt_id). A root that holds `count` values of type T at addr is
 * seeded the same way by any caller: walk_value per value. */
static bool seed_roots(inferer *in, const roots *r)
{
    uint64_t last = 0;
    root_edge_iter it;
    root_edge re;
    for (roots_edge_iter_at(r, 0, &it); roots_edge_next(&it, &re);) {
        const root_edge *e = &re;
        if (e->var_type == 0 || e->var_addr == 0 || e->var_addr == last)
            continue;
        last = e->var_addr;
        gt_id t = gt_from_dwarf(in->gm, e->var_type);
        const gt_type *gt = gt_get(in->gm, t);
        if (e->var_image && gt && gt->size <= GHF_LOCAL_IMAGE_MAX &&
            e->var_image - 1 <= r->images.n - gt->size) { /* its pieces, where they are */
            in->image = r->images.v + e->var_image - 1;
            in->image_at = e->var_addr;
            in->image_len = gt->size;
        }
        bool ok = walk_value(in, e->var_addr, t, 0);
        in->image_len = 0;
        if (!ok)
            return false;
    }
    return true;
}

/* Work taken off the stack at once (see drain). */
#define POP_BATCH 16
typedef struct popped {
    work w;
    plan p;
    uint64_t size;       /* of one value */
    const uint8_t *view; /* the first value's bytes in place (plan_view), or NULL */
} popped;

/* Set w aside: a frozen round of the roots' drain met something in it
 * that only one thread may build (see drain_roots). */
static bool set_aside(inferer *in, work w)
{
    in->blocked = false;
    return VEC_PUSH(&in->deferred, w, in->err);
}

/* Pop up to POP_BATCH pieces of work that have something to walk. */
static bool pop_batch(inferer *in, popped *b, uint32_t *nb)
{
    *nb = 0;
    while (*nb < POP_BATCH && in->queue.n) {
        work w = pop_work(in);
        if (w.type != in->last_type || w.type == 0) { /* a type's size and plan never change once built */
            const gt_type *t = gt_get(in->gm, w.type);
            in->last_size = t ? t->size : 0;
            if (!plan_get(in, w.type, &in->last_plan))
                return false;
            if (in->blocked) { /* frozen, and its plan is not built */
                in->last_type = 0;
                if (!set_aside(in, w))
                    return false;
                continue;
            }
            in->last_type = w.type;
        }
        if (in->last_plan.n != 0) /* else nothing in these values points anywhere */
            b[(*nb)++] = (popped){w, in->last_plan, in->last_size, plan_view(in, w.addr, in->last_plan)};
    }
    return true;
}

/* Walk the stack's work until it is empty, or (drain_roots' one-thread
 * steps) until it holds `limit` entries. The walk waits on memory:
 * a value's words, then its targets' page keys, then their labelled-yet
 * bits and labels, each a miss that needs the one before. One value at a
 * time (a stack pops what it has just pushed, so nothing is known ahead)
 * paid them in turn; so work is popped in batches, and each of the three
 * misses is started for the whole batch before the next, so that a
 * batch's misses overlap. The values are then walked in the order they
 * were popped; what they queue is popped by the next batches. The order
 * is a fixed function of the heap (no thread, no timing in it), which
 * makes the labels one too; the roots' drain (drain_roots), which two
 * threads may share, settles its claims so that the order does not matter. */
static bool drain_to(inferer *in, size_t limit)
{
    popped b[POP_BATCH];
    uint32_t nb;
    while (in->queue.n && in->queue.n < limit) {
        if (!pop_batch(in, b, &nb))
            return false;
        /* the next batch, if these queue nothing: its words' misses now */
        for (uint32_t i = 0; i < POP_BATCH && i < in->queue.n; i++) {
            uint64_t ahead = queued_addr(in->queue.v[in->queue.n - 1 - i]);
            if (ahead != 0)
                prefetch_word(in, ahead);
        }
        for (uint32_t i = 0; i < nb; i++)
            prefetch_keys(in, b[i].view, b[i].p);
        for (uint32_t i = 0; i < nb; i++)
            prefetch_targets_in(in, b[i].view, b[i].p);
        for (uint32_t i = 0; i < nb; i++) {
            uint64_t size = b[i].size, addr = b[i].w.addr;
            uint64_t count = size ? b[i].w.count : 1;
            /* the values of an array: PREFETCH_AHEAD ahead (the first's are started above) */
            for (uint64_t k = 1; count > 1 && k < count && k < PREFETCH_AHEAD; k++)
                prefetch_targets(in, addr + k * size, b[i].p);
            for (uint64_t k = 0; k < count; k++) {
                if (k + PREFETCH_AHEAD < count)
                    prefetch_targets(in, addr + (k + PREFETCH_AHEAD) * size, b[i].p);
                const uint8_t *v = k == 0 ? b[i].view : plan_view(in, addr + k * size, b[i].p);
                if (!walk_plan_in(in, addr + k * size, v, b[i].p, 0))
                    return false;
                if (in->blocked) { /* frozen: this value and the rest wait for one thread */
                    if (!set_aside(in, (work){addr + k * size, size ? count - k : b[i].w.count, b[i].w.type}))
                        return false;
                    break;
                }
            }
        }
    }
    return true;
}

static bool drain(inferer *in)
{
    return drain_to(in, SIZE_MAX);
}

/* ---- the roots' drain, on one thread or two ----
 *
 * On a pointer-dense heap nearly all of the types' time is the roots'
 * drain, and it waits on memory: two threads take twice the misses at a
 * time. Which claim reaches an object first then depends on timing; so
 * this drain settles claims in a way no order changes (claim_in_drain):
 * the values walked are the closure of every claim made on a slot, and a
 * slot's label the claim that wins by a fixed rule. It is run the same
 * way on one thread, so the labels do not depend on the thread count.
 *
 * Two threads share it in rounds. In a frozen round each drains half of
 * the stack, reading the model, plans, labels and claim codes but
 * changing none of them; a value that needs one built (a plan, a decoded
 * type, a label, a claim never made) is set aside. Then this thread walks
 * the values set aside, building what they need, and drains the stack
 * until it is long enough to split again. Types and labels are thus made
 * in an order that timing may change: a label's id is not a fact of the
 * heap (the histogram orders equal rows by name, not id). */

/* Frozen rounds at most; the rest is one thread's. */
#define SPLIT_ROUNDS_MAX 64

/* May the drain split its stack between two threads? */
static bool split_pays(const inferer *in)
{
    return in->h->nobjects >= in->split_objects && ghf_threads() > 1;
}

typedef struct drain_helper {
    inferer in;
    ghf_err err;
    bool ok;
} drain_helper;

static void *helper_run(void *arg)
{
    drain_helper *hp = arg;
    hp->ok = drain(&hp->in);
    return NULL;
}

static void helper_free(drain_helper *hp)
{
    VEC_FREE(&hp->in.queue);
    VEC_FREE(&hp->in.wide);
    VEC_FREE(&hp->in.deferred);
    VEC_FREE(&hp->in.reflect_names);
}

/* A frozen round: the helper drains the stack's lower half (with the
 * wide work its entries stand for), this thread the upper; what either
 * set aside ends in in->deferred. False: an error (in->err). */
static bool frozen_round(inferer *in, drain_helper *hp)
{
    size_t nstack = in->queue.n, half = nstack / 2, nwide = 0;
    for (size_t i = 0; i < half; i++)
        nwide += in->queue.v[i] >> ADDR_BITS == WIDE;
    /* a copy of the walker: its caches and memos its own, the model,
     * plans, labels and claims shared (read only while frozen) */
    hp->in = *in;
    memset(&hp->in.queue, 0, sizeof hp->in.queue);
    memset(&hp->in.wide, 0, sizeof hp->in.wide);
    memset(&hp->in.deferred, 0, sizeof hp->in.deferred);
    memset(&hp->in.reflect_names, 0, sizeof hp->in.reflect_names);
    memset(&hp->err, 0, sizeof hp->err);
    hp->in.err = &hp->err;
    hp->in.quiet = true;
    hp->in.ntyped = 0;
    hp->in.blocked = false;
    bool ok = VEC_RESERVE(&hp->in.queue, half + 1, in->err) && VEC_RESERVE(&hp->in.wide, nwide + 1, in->err);
    if (ok) {
        memcpy(hp->in.queue.v, in->queue.v, half * sizeof *in->queue.v);
        hp->in.queue.n = half;
        memcpy(hp->in.wide.v, in->wide.v, nwide * sizeof *in->wide.v);
        hp->in.wide.n = nwide;
        memmove(in->queue.v, in->queue.v + half, (nstack - half) * sizeof *in->queue.v);
        in->queue.n = nstack - half;
        memmove(in->wide.v, in->wide.v + nwide, (in->wide.n - nwide) * sizeof *in->wide.v);
        in->wide.n -= nwide;
        in->drain->frozen = true;
        pthread_t t;
        bool threaded = pthread_create(&t, NULL, helper_run, hp) == 0;
        bool mine = drain(in);
        if (threaded)
            pthread_join(t, NULL);
        else
            helper_run(hp);
        in->drain->frozen = false;
        in->blocked = false;
        in->ntyped += hp->in.ntyped;
        in->drain->helper_typed += hp->in.ntyped;
        ok = mine && hp->ok;
        if (mine && !hp->ok)
            *in->err = hp->err;
        for (size_t i = 0; ok && i < hp->in.deferred.n; i++)
            ok = VEC_PUSH(&in->deferred, hp->in.deferred.v[i], in->err);
        for (size_t i = 0; ok && i < hp->in.reflect_names.n; i++)
            ok = VEC_PUSH(&in->reflect_names, hp->in.reflect_names.v[i], in->err);
    }
    helper_free(hp);
    return ok;
}

/* The values set aside, walked on this thread (it may build, decode and
 * intern now). */
static bool walk_set_aside(inferer *in)
{
    for (size_t i = 0; i < in->deferred.n; i++) {
        work w = in->deferred.v[i];
        const gt_type *t = gt_get(in->gm, w.type);
        uint64_t size = t ? t->size : 0, count = size ? w.count : 1;
        plan pl;
        if (!plan_get(in, w.type, &pl))
            return false;
        for (uint64_t k = 0; pl.n != 0 && k < count; k++)
            if (!walk_plan(in, w.addr + k * size, pl, 0))
                return false;
    }
    in->deferred.n = 0;
    return true;
}

/* Before the first round: the plans of the types on the stack and of
 * those the target memo queues, and the claims the memo and the string
 * label make (at either offset an object's values start at), so that
 * the first frozen round does not set aside every value for want of
 * them. (A claim added and never made costs nothing.) */
static bool drain_prepare(inferer *in)
{
    plan pl;
    for (size_t i = 0; i < in->queue.n; i++)
        if (in->queue.v[i] >> ADDR_BITS != WIDE && !plan_get(in, (gt_id)(in->queue.v[i] >> ADDR_BITS), &pl))
            return false;
    for (size_t i = 0; i < in->wide.n; i++)
        if (!plan_get(in, in->wide.v[i].type, &pl))
            return false;
    uint64_t offsets[2] = {0, in->slots.header_size};
    uint32_t code;
    for (size_t k = 0; k < TARGET_MEMO; k++) {
        const target_memo *m = &in->tmemo[k];
        if (m->elem == 0)
            continue;
        if (!plan_get(in, m->to, &pl))
            return false;
        for (int o = 0; o < 2; o++) {
            claim c = m->inert ? (claim){0, 1, 0, m->id, true} : (claim){offsets[o], m->count, m->to, m->id, false};
            if (!claim_code(in, &c, &code))
                return false;
        }
    }
    claim str = {0, 1, 0, in->string_label - 1, true};
    return in->string_label == 0 || claim_code(in, &str, &code);
}

/* The roots' drain (see above): the stack's work, with its claims
 * settled by claim_in_drain, on two threads in rounds where that pays. */
static bool drain_roots(inferer *in)
{
    const heap *h = in->h;
    size_t nslab = (h->nslots > h->nobjects ? h->nslots : h->nobjects) + 1, nwords = nslab / 64 + 1;
    drain_state ds = {.nwords = nwords, .hcap = 64};
    uint64_t *snap = malloc(nwords * sizeof *snap);
    drain_helper *hp = calloc(1, sizeof *hp);
    ds.hash = calloc(ds.hcap, sizeof *ds.hash);
    bool ok = snap != NULL && hp != NULL && ds.hash != NULL && pthread_mutex_init(&ds.lock, NULL) == 0;
    if (!ok) {
        free(snap);
        free(hp);
        free(ds.hash);
        return ghf_fail(in->err, GHF_EXIT_INTERNAL, "out of memory for the roots' drain");
    }
    memcpy(snap, in->done, nwords * sizeof *snap);
    ds.snap = snap;
    in->drain = &ds;
    bool split = split_pays(in);
    ok = !split || drain_prepare(in);
    while (ok) {
        if (split && in->queue.n > SPLIT_MAX)
            split = false; /* for good: see SPLIT_MAX */
        if (split && in->queue.n >= in->split_min && ds.rounds < SPLIT_ROUNDS_MAX) {
            ds.rounds++;
            if (!(ok = frozen_round(in, hp)))
                break;
        }
        if (in->deferred.n == 0 && in->queue.n == 0)
            break;
        ok = walk_set_aside(in) && drain_to(in, split && ds.rounds < SPLIT_ROUNDS_MAX ? in->split_min : SIZE_MAX);
    }
    in->drain = NULL;
    in->string_code = 0;
    if (in->split_report)
        fprintf(stderr, "goheapflame: types: roots' drain: frozen rounds %u, objects labelled by the second thread %llu\n",
                ds.rounds, (unsigned long long)ds.helper_typed);
    /* the codes of the slots it labelled become their labels (an inert
     * claim's marked so, for the walks after: see assign_claim) and, for
     * --fields, the winning claim's type */
    for (size_t w = 0; ok && w < nwords; w++)
        for (uint64_t bits = in->done[w] & ~snap[w]; bits; bits &= bits - 1) {
            size_t slot = w * 64 + (size_t)__builtin_ctzll(bits);
            const claim *c = &ds.claims.v[in->slab[slot] & ~CLAIM_CODE];
            in->slab[slot] = c->inert ? c->label | INERT : c->label;
            if (!c->inert)
                note_dtype(in, (uint32_t)slot, c->type, c->offset);
        }
    pthread_mutex_destroy(&ds.lock);
    free(hp);
    free(snap);
    free(ds.hash);
    u64set_free(&ds.rivals);
    VEC_FREE(&ds.claims);
    return ok;
}

/* ---- reflect's run-time types (runtime.reflectOffs) ---- */

#define MAP_ENTRIES_MAX (1u << 16) /* reflectOffs entries read, against hostile maps */

typedef struct offs_entry { int32_t key; uint64_t value; } offs_entry;
typedef VEC(offs_entry) offs_vec;

/* The full slots of the group or bucket at addr (group type g of a map
 * keyed by int32 with pointer-sized values stored in place): an old
 * bucket has tophash [8], keys [8]K, values [8]V, overflow (*next); a
 * Swiss group a control word and slots [8]{key, elem}. */
static bool group_entries(inferer *in, uint64_t addr, gt_id g, offs_vec *out, uint64_t *next)
{
    const gt_type *t = gt_get(in->gm, g);
    uint8_t ctrl[8];
    uint64_t koff = 0, voff = 0, kstride = 0, vstride = 0;
    *next = 0;
    if (t == NULL || !core_read(in->rt->core, addr, ctrl, 8))
        return true;
    bool swiss = t->role == GT_ROLE_MAP_GROUPS;
    for (uint32_t i = 0; i < t->nfields; i++) {
        const gt_field *f = gt_field_at(in->gm, t, i);
        const gt_type *ft = gt_get(in->gm, f->type), *et = ft ? gt_get(in->gm, ft->elem) : NULL;
        if (f->offset == 0 || ft == NULL)
            continue;
        if (ft->kind == GT_PTR) {
            rd(in, addr + f->offset, next);
        } else if (ft->kind == GT_ARRAY && ft->len == 8 && et != NULL) {
            if (swiss && et->nfields == 2) {
                koff = f->offset + gt_field_at(in->gm, et, 0)->offset;
                voff = f->offset + gt_field_at(in->gm, et, 1)->offset;
                kstride = vstride = et->size;
            } else if (kstride == 0) {
                koff = f->offset;
                kstride = et->size;
            } else {
                voff = f->offset;
                vstride = et->size;
            }
        }
    }
    for (uint32_t k = 0; vstride && k < 8 && out->n < MAP_ENTRIES_MAX; k++) {
        uint32_t key;
        offs_entry e;
        if ((swiss ? ctrl[k] < 0x80 : ctrl[k] >= MIN_TOPHASH) && core_read_u32(in->rt->core, addr + koff + k * kstride, &key) &&
            rd(in, addr + voff + k * vstride, &e.value)) {
            e.key = (int32_t)key;
            if (!VEC_PUSH(out, e, in->err))
                return false;
        }
    }
    return true;
}

/* The entries of the map (of type mt) whose header is at hdr: an old
 * map's buckets (and oldbuckets while it grows) with their overflow
 * chains; a Swiss map's one group, or its directory's tables' groups. */
static bool map_entries(inferer *in, uint64_t hdr, gt_id mt, offs_vec *out)
{
    const gt_layout *L = in->L;
    const gt_type *t = gt_get(in->gm, mt), *gt = t ? gt_get(in->gm, t->group) : NULL;
    uint64_t gsize = gt ? gt->size : 0, p = 0, n = 0, next;
    gt_id g = t ? t->group : 0;
    if (hdr == 0 || gsize == 0)
        return true;
    if (!L->swiss) {
        uint8_t b;
        if (!core_read_u8(in->rt->core, hdr + L->hmap_b, &b) || b > 16)
            return true;
        for (int old = 0; old < 2; old++) {
            uint64_t nb = old ? (b ? 1ull << (b - 1) : 0) : 1ull << b;
            if (!rd(in, hdr + (old ? L->hmap_oldbuckets : L->hmap_buckets), &p) || p == 0)
                continue;
            for (uint64_t i = 0; i < nb && out->n < MAP_ENTRIES_MAX; i++)
                for (uint64_t at = p + i * gsize, hops = 0; at != 0 && hops < MAP_ENTRIES_MAX; at = next, hops++)
                    if (!group_entries(in, at, g, out, &next))
                        return false;
        }
        return true;
    }
    if (!rd(in, hdr + L->smap_dir_ptr, &p) || !rd(in, hdr + L->smap_dir_len, &n) || p == 0)
        return true;
    if (n == 0) /* a small map: one group */
        return group_entries(in, p, g, out, &next);
    for (uint64_t j = 0; j < n && j < MAP_ENTRIES_MAX && out->n < MAP_ENTRIES_MAX; j++) {
        uint64_t table, data, mask;
        if (!rd(in, p + j * L->ptr_size, &table) || !rd(in, table + L->table_groups_data, &data) ||
            !rd(in, table + L->table_groups_mask, &mask) || mask >= MAP_ENTRIES_MAX)
            continue;
        for (uint64_t i = 0; i <= mask; i++)
            if (!group_entries(in, data + i * gsize, g, out, &next))
                return false;
    }
    return true;
}

static int cmp_offs_key(const void *a, const void *b)
{
    int32_t x = ((const offs_entry *)a)->key, y = ((const offs_entry *)b)->key;
    return x < y ? -1 : x > y;
}

/* The heap object starting at p, if nothing has typed it yet. */
static uint32_t untyped_object_at(const inferer *in, uint64_t p, uint64_t *base)
{
    uint64_t size, user_off;
    uint32_t slot = p ? heap_find_slot(in->h, p, base, &size, &user_off) : HEAP_NONE;
    return unlabelled(in, slot) && *base + user_off == p ? slot : HEAP_NONE;
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return x < y ? -1 : x > y;
}

/* What only runtime.reflectOffs reaches, through unsafe.Pointers: the
 * names of the type descriptors reflect made (StructOf, MapOf, ...; and
 * those descriptors where it registers them too). reflect registers each
 * under a negative id (addReflectOff), and a descriptor's Str is the id of
 * its name (resolveReflectName): the entry whose id is the Str of a
 * descriptor on the heap is that descriptor's name, the byte array
 * reflect.newName made. Called when everything else has been walked. */
static bool seed_reflect_offs(inferer *in)
{
    const dwx *dw = in->rt->dw;
    const dwx_var *v = dwx_global_by_name(dw, "runtime.reflectOffs");
    const dwx_field *f = v ? dwx_field_by_name(dw, v->type, "m") : NULL;
    gt_id u8 = gt_from_dwarf(in->gm, dwx_type_by_name(dw, "uint8"));
    uint64_t hdr;
    if (f == NULL || in->desc_common == 0 || u8 == 0 || !rd(in, v->addr + in->rt->bias + f->offset, &hdr))
        return true;
    offs_vec es = {0};
    bool ok = map_entries(in, hdr, gt_from_dwarf(in->gm, f->type), &es);
    if (ok && es.n > 1)
        qsort(es.v, es.n, sizeof *es.v, cmp_offs_key);
    /* registered descriptors: their Str is another entry's id */
    for (size_t i = 0; ok && i < es.n; i++) {
        uint32_t str;
        offs_entry key;
        if (heap_find(in->h, es.v[i].value) == HEAP_NONE ||
            !core_read_u32(in->rt->core, es.v[i].value + in->L->type_str, &str) || (int32_t)str >= 0)
            continue;
        key.key = (int32_t)str;
        const offs_entry *name = bsearch(&key, es.v, es.n, sizeof *es.v, cmp_offs_key);
        if (name != NULL && name->value != es.v[i].value)
            ok = typed_pointer(in, es.v[i].value, in->desc_common, 1, false) && drain(in);
    }
    if (in->reflect_names.n > 1)
        qsort(in->reflect_names.v, in->reflect_names.n, sizeof *in->reflect_names.v, cmp_i32);
    uint32_t name_label;
    ok = ok && label_of(in, u8, true, &name_label);
    for (size_t i = 0; ok && i < es.n; i++) {
        uint32_t slot;
        uint64_t base;
        if (in->reflect_names.n > 0 && bsearch(&es.v[i].key, in->reflect_names.v, in->reflect_names.n, sizeof *in->reflect_names.v, cmp_i32) &&
            (slot = untyped_object_at(in, es.v[i].value, &base)) != HEAP_NONE)
            ok = assign_id(in, slot, base, name_label, 0, 0, 1);
    }
    VEC_FREE(&es);
    return ok;
}

/* ---- without DWARF: the runtime's own structures ---- */

/* Label the object starting at p `name` (no type to walk: the runtime's
 * layouts are offsets, not descriptors) when it has room for `size`
 * bytes: the runtime allocated it as that struct (new(g), new(m),
 * new(p)) or as that slice's backing array. */
static bool runtime_object(inferer *in, uint64_t p, const char *name, uint64_t size)
{
    uint64_t base, osize, user_off;
    uint32_t slot = p ? heap_find_slot(in->h, p, &base, &osize, &user_off) : HEAP_NONE, id;
    if (!unlabelled(in, slot) || p != base + user_off || osize - user_off < size)
        return true;
    return intern(in, name, &id) && assign_claim(in, slot, base, id, 0, 0, 1, false); /* the runtime's own: kept */
}

/* The slice at global `at` of pointers to runtime structs `elem`: its
 * backing array and each element up to its capacity. */
static bool runtime_slice(inferer *in, uint64_t at, const char *elem, const char *array)
{
    const dwx_type *t = dwx_type_get(in->rt->dw, dwx_type_by_name(in->rt->dw, elem));
    uint64_t p, n;
    /* to its capacity: procresize shrinks allp to [:nprocs] and the array
     * keeps the other ps alive (the GC scans the whole object) */
    if (t == NULL || t->size == 0 || at == 0 || !rt_read_slice(in->rt, at, &p, &n) || !rd(in, at + 16, &n) ||
        n == 0 || n > (1u << 24))
        return true;
    if (!runtime_object(in, p, array, n * 8))
        return false;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t e;
        if (rd(in, p + 8 * i, &e) && !runtime_object(in, e, elem, t->size))
            return false;
    }
    return true;
}

/* Without DWARF the runtime's globals are found by their uses (rtfind.c)
 * but untyped: what they hold is still known from what the runtime puts
 * there. allgs holds every g (new(g) in malg), allp every p (new(p) in
 * procresize), allm links every m (new(m) in allocm) through m.alllink.
 * On 1.19-1.21 nothing else types them (no malloc headers). */
static bool seed_runtime(inferer *in)
{
    const dwx *dw = in->rt->dw;
    if (!runtime_slice(in, in->rt->allgs, "runtime.g", "[]*runtime.g") ||
        !runtime_slice(in, in->rt->allp, "runtime.p", "[]*runtime.p"))
        return false;
    const dwx_var *v = dwx_global_by_name(dw, "runtime.allm");
    const dwx_type *mt = dwx_type_get(dw, dwx_type_by_name(dw, "runtime.m"));
    rt_field link = rt_field_lookup(dw, "runtime.m", "alllink");
    uint64_t m = 0;
    if (v == NULL || mt == NULL || link.size == 0 || !rd(in, v->addr + in->rt->bias, &m))
        return true;
    for (uint32_t hops = 0; m != 0 && hops < (1u << 16); hops++) {
        if (!runtime_object(in, m, "runtime.m", mt->size))
            return false;
        if (!rt_read_field(in->rt, m, link, &m))
            break;
    }
    return true;
}

/* ---- without DWARF: interface words (include/types.h) ---- */

/* Is the word at `a` the address of one of the module's type descriptors
 * (abi.Type, the same layout in 1.19-1.27: size, ptrdata, hash, tflag,
 * align, fieldAlign, kind, equal, gcdata, str, ptrToThis)? Checked field
 * by field, and its name (str, a nameOff into the types section: flags
 * byte, varint length, bytes) must be printable, before the model reads
 * it: a stray word must not become a type. */
static bool module_descriptor(const inferer *in, uint64_t a)
{
    uint8_t d[48], nm[3];
    if (a % 8 != 0 || a < in->types_lo || a >= in->types_hi || !core_read(in->rt->core, a, d, sizeof d))
        return false;
    uint64_t size, ptrbytes, gcdata;
    int32_t str;
    memcpy(&size, d, 8);
    memcpy(&ptrbytes, d + 8, 8);
    memcpy(&gcdata, d + 32, 8);
    memcpy(&str, d + in->L->type_str, 4);
    uint8_t align = d[21], falign = d[22], kind = d[23] & 31;
    if (size > (1ull << 40) || ptrbytes > size || ptrbytes % 8 != 0 || kind == 0 || kind > 26 ||
        (align & (align - 1)) || align == 0 || align > 8 || (falign & (falign - 1)) || falign == 0 || falign > 8 ||
        (ptrbytes != 0 && (gcdata == 0 || heap_find(in->h, gcdata) != HEAP_NONE)) || str <= 0 ||
        (uint64_t)str >= in->types_hi - in->types_lo ||
        !core_read(in->rt->core, in->types_lo + (uint64_t)str, nm, sizeof nm))
        return false;
    uint64_t len = nm[1] & 0x7f, at = 2; /* varint length (names are short: one or two bytes) */
    if (nm[1] & 0x80) {
        len |= (uint64_t)(nm[2] & 0x7f) << 7;
        at = 3;
    }
    char name[64];
    size_t n = len < sizeof name ? (size_t)len : sizeof name;
    if (len == 0 || len > 4096 || !core_read(in->rt->core, in->types_lo + (uint64_t)str + at, name, n))
        return false;
    for (size_t i = 0; i < n; i++)
        if (name[i] < 0x20 || name[i] > 0x7e)
            return false;
    return true;
}

/* The offsets of an object's (or a type's) pointer words, the first cap of
 * them (at most 512); full says there were more. */
typedef struct word_set {
    uint64_t off[512];
    size_t n, cap;
    bool full;
} word_set;

static void collect(void *ctx, uint64_t off, uint64_t value)
{
    word_set *w = ctx;
    (void)value;
    if (w->n < w->cap)
        w->off[w->n++] = off;
    else
        w->full = true;
}

/* Is the object at p (the start of its data) a value of type t, or an
 * array of them filling it, as the GC sees it: t fits, and the object's
 * pointer bitmap, which must have a pointer, is exactly t's GC mask
 * (tiled)? Pointer-free objects are never typed so. */
static bool mask_agrees(inferer *in, uint64_t p, gt_id t)
{
    const gt_type *gt = gt_get(in->gm, t);
    uint64_t base, size, user_off;
    uint32_t obj = heap_find_obj(in->h, p, &base, &size, &user_off);
    if (gt == NULL || gt->rtype == 0 || obj == HEAP_NONE || p != base + user_off || gt->size == 0 ||
        gt->size > size - user_off)
        return false;
    /* a pointer-free object agrees with every pointer-free type: too weak */
    word_set have = {.cap = 256};
    if (!heap_object_pointer_bits(in->h, obj, collect, &have) || have.full || have.n == 0)
        return false;
    uint64_t room = size - user_off;
    for (int whole = 0; whole < 2; whole++) {
        word_set want = {.cap = 256};
        uint64_t end = whole ? p + room / gt->size * gt->size : p + gt->size;
        if (!heap_type_pointer_bits(in->h, gt->rtype, p, end, collect, &want) || want.full ||
            want.n != have.n)
            continue;
        size_t k = 0;
        while (k < have.n && have.off[k] == want.off[k] + user_off) /* both in address order */
            k++;
        if (k == have.n)
            return true;
    }
    return false;
}

/* If the two words at a are an interface value {type or itab, data}
 * whose data word points at the start of an untyped object, type that
 * object with the dynamic type (a pointer-shaped one's pointee), where
 * the object's GC bits agree. */
static bool iface_pair(inferer *in, uint64_t a)
{
    uint64_t w0, data, tw;
    if (!rd(in, a, &w0) || !rd(in, a + 8, &data) || w0 == 0 || data == 0 ||
        heap_find(in->h, w0) != HEAP_NONE || heap_find(in->h, data) == HEAP_NONE)
        return true;
    bool itab = !module_descriptor(in, w0);
    if (itab && (!rd(in, w0 + in->L->itab_type, &tw) || !module_descriptor(in, tw)))
        return true;
    uint64_t base, size, user_off;
    if (!unlabelled(in, heap_find_slot(in->h, data, &base, &size, &user_off)) || data != base + user_off)
        return true;
    gt_id dyn;
    if (!dynamic_type(in, w0, itab, &dyn))
        return false;
    const gt_type *dt = gt_get(in->gm, dyn);
    if (dt == NULL)
        return true;
    gt_id t = dyn;
    if (dt->direct_iface) { /* the data word is the value: a pointer to its elem */
        if (dt->kind != GT_PTR)
            return true;
        t = dt->elem;
    }
    return !mask_agrees(in, data, t) || typed_pointer(in, data, t, 1, false);
}

/* Untyped roots (no DWARF): each pointer word that is an interface's data word. */
static bool seed_iface_roots(inferer *in, const roots *r)
{
    root_edge_iter it;
    root_edge re;
    for (roots_edge_iter_at(r, 0, &it); roots_edge_next(&it, &re);) {
        const root_edge *e = &re;
        if (e->var_type == 0 && e->slot >= 8 && e->slot % 8 == 0 && !iface_pair(in, e->slot - 8))
            return false;
    }
    return true;
}


/* Objects still untyped: their interface values. *more: something was typed. */
static bool seed_iface_heap(inferer *in, bool *more)
{
    heap *h = in->h;
    size_t before = in->queue.n;
    uint64_t labelled = 0;
    for (uint32_t i = 0; i < h->nobjects; i++) {
        const heap_span *s = &h->spans[h->obj_span[i]];
        uint32_t slot = s->first_slot + (uint32_t)((h->obj_addr[i] - s->base) / s->elemsize);
        if (s->noscan || !unlabelled(in, slot))
            continue;
        word_set w = {.cap = 512}; /* beyond that, interface words are not looked at */
        if (!heap_object_pointers(h, i, collect, &w))
            continue;
        for (size_t k = 0; k < w.n; k++) {
            uint32_t before_slot;
            uint64_t a = h->obj_addr[i] + w.off[k], data, base, size, user_off;
            if (w.off[k] < 8 || !rd(in, a, &data) ||
                (before_slot = heap_find_slot(h, data, &base, &size, &user_off)) == HEAP_NONE ||
                !unlabelled(in, before_slot))
                continue;
            if (!iface_pair(in, a - 8))
                return false;
            labelled += !unlabelled(in, before_slot);
        }
    }
    *more = labelled > 0 || in->queue.n > before;
    return true;
}

/* The share of heap bytes DWARF would type from roots is lost without
 * it; interface values in untyped roots and objects still name their
 * dynamic types. Repeated while it types something new (what it types is
 * walked by the descriptors, which may type more). */
static bool seed_ifaces(inferer *in, const roots *r)
{
    if (dwx_synthetic(in->rt->dw) == NULL)
        return true;
    if (!seed_runtime(in))
        return false;
    uint64_t types = 0, a, n;
    static const char *const secs[] = {".go.type", ".rodata", ".data.rel.ro"};
    if (!rt_read_field(in->rt, in->rt->firstmoduledata, in->rt->md.types, &types))
        return true;
    for (size_t i = 0; i < 3 && in->types_hi == 0; i++)
        if (core_exe_section_range(in->rt->core, secs[i], &a, &n) && types >= a && types < a + n) {
            in->types_lo = types;
            in->types_hi = a + n;
        }
    if (in->types_hi == 0)
        return true;
    if (!seed_iface_roots(in, r) || !drain(in))
        return false;
    bool more = true;
    for (int round = 0; more && round < 8; round++)
        if (!seed_iface_heap(in, &more) || !drain(in))
            return false;
    return true;
}

/* ---- the two steps (types_start, types_finish) ---- */

struct types_job {
    heap *h;
    bool want_dtypes;
    obj_types out;
    inferer in;
    uint64_t *done;       /* in.done, owned here */
    bool ok;              /* the first step succeeded */
    bool threaded;        /* the first step runs on `thread` */
    bool pending;         /* the first step is left to types_finish */
    bool quiet;           /* the first step draws no progress (set before its thread starts) */
    pthread_t thread;
    ghf_err err;          /* the first step's error */
};

static void infer_free(inferer *in)
{
    VEC_FREE(&in->queue);
    VEC_FREE(&in->wide);
    VEC_FREE(&in->reflect_names);
    VEC_FREE(&in->deferred);
    VEC_FREE(&in->ptrs_of);
    VEC_FREE(&in->plan_of);
    VEC_FREE(&in->plans);
    VEC_FREE(&in->leaves);
    VEC_FREE(&in->label_of[0]);
    VEC_FREE(&in->label_of[1]);
}

/* The first step: the labels' arrays, the type model, and what only the
 * heap's objects state (malloc headers, largeType) with all it reaches. */
static bool infer_heap_part(types_job *j)
{
    heap *h = j->h;
    obj_types *out = &j->out;
    ghf_err *err = &j->err;
    size_t nslab = (h->nslots > h->nobjects ? h->nslots : h->nobjects) + 1;
    if (j->want_dtypes) { /* per slot like the labels, moved down at the end */
        out->dtype = ghf_big_calloc(nslab, sizeof *out->dtype);
        out->dtype_off = calloc(nslab, 1);
        if (out->dtype == NULL || out->dtype_off == NULL)
            return ghf_fail(err, GHF_EXIT_INTERNAL, "out of memory for object types");
    }
    /* per slot while inferring (objects are numbered in slot order, so
     * object i <= its slot: the labels move down in place at the end) */
    uint32_t *slab = ghf_big_malloc(nslab, sizeof *slab);
    if (slab == NULL)
        return ghf_fail(err, GHF_EXIT_INTERNAL, "out of memory for object types");
    out->label = slab; /* freed by types_free on failure */
    uint64_t *done = j->done = calloc(nslab / 64 + 1, sizeof *done);
    if (done == NULL)
        return ghf_fail(err, GHF_EXIT_INTERNAL, "out of memory for object types");
    for (uint64_t k = 0; k < h->nslots; k++) {
        bool free_slot = h->slot_obj[k] == HEAP_NONE;
        slab[k] = free_slot ? FREE_SLOT : NO_LABEL;
        done[k >> 6] |= (uint64_t)free_slot << (k & 63);
    }
    if (!gt_open(h->rt, &out->model, err))
        return false;
    j->in = (inferer){.h = h, .rt = h->rt, .gm = out->model, .L = gt_layout_of(out->model), .out = out,
                      .slab = slab, .done = done, .err = err, .quiet = j->quiet,
                      .desc_common = gt_descriptor_common(out->model)};
    heap_slot_cache_init(&j->in.slots, h);
    return seed_headers(&j->in) && drain(&j->in);
}

static void *heap_part_thread(void *arg)
{
    types_job *j = arg;
    j->ok = infer_heap_part(j);
    return NULL;
}

/* Does the first step have work worth a thread? Its seeds are the objects
 * that state their type (1.22+: large objects with a largeType, small ones
 * with a malloc header); where their spans hold under 1/64 of the heap's
 * bytes (dense and stacks bench shapes: 0.1-0.2 %; mixed 11 %, maps 67 %)
 * it labels next to nothing, and its arrays would only add to the roots'
 * peak (stacks 10M: +17 MiB). Span capacity stands for the bytes in use. */
static bool heap_part_pays(const heap *h)
{
    if (h->rt->minor < 22)
        return false;
    uint64_t bytes = 0;
    for (uint32_t i = 0; i < h->nspans; i++) {
        const heap_span *sp = &h->spans[i];
        if (!sp->noscan && (sp->sizeclass == 0 ? sp->large_type != 0 : sp->elemsize > h->rt->min_size_for_malloc_header))
            bytes += sp->limit - sp->base;
    }
    return bytes >= h->alloc_bytes / 64;
}

bool types_start(heap *h, bool want_dtypes, bool background, types_job **job, ghf_err *err)
{
    types_job *j = ghf_xcalloc(1, sizeof *j, err);
    *job = j;
    if (j == NULL)
        return false;
    j->h = h;
    j->want_dtypes = want_dtypes;
    j->quiet = background && h->nobjects >= GHF_PARALLEL_MIN && ghf_threads() > 1 && heap_part_pays(h);
    j->threaded = j->quiet && pthread_create(&j->thread, NULL, heap_part_thread, j) == 0;
    if (!j->threaded)
        j->quiet = false;
    j->pending = !j->threaded; /* then types_finish runs it: no memory of ours beside the roots' */
    return true;
}

/* Wait for the first step (or run it); true when it succeeded (else err is its error). */
static bool join(types_job *j, ghf_err *err)
{
    if (j->threaded) {
        pthread_join(j->thread, NULL);
        j->threaded = false;
    } else if (j->pending) {
        j->pending = false;
        j->ok = infer_heap_part(j);
    }
    if (!j->ok && err != NULL)
        *err = j->err;
    return j->ok;
}

void types_cancel(types_job *j)
{
    if (j == NULL)
        return;
    j->pending = false;
    join(j, NULL);
    infer_free(&j->in);
    free(j->done);
    types_free(&j->out);
    free(j);
}

bool types_finish(types_job *j, const roots *r, obj_types *out, ghf_err *err)
{
    memset(out, 0, sizeof *out);
    if (!join(j, err)) {
        types_cancel(j);
        return false;
    }
    heap *h = j->h;
    inferer *in = &j->in;
    in->err = err;
    in->quiet = false;
    /* the roots' drain may be split (drain_roots); GHF_TYPES_SHARE_MIN,
     * for tests, splits it at that stack length on any heap and says how */
    in->split_min = SPLIT_MIN;
    in->split_objects = GHF_PARALLEL_MIN;
    const char *split_min = getenv("GHF_TYPES_SHARE_MIN");
    if (split_min != NULL && atoi(split_min) >= 2) {
        in->split_min = (size_t)atoi(split_min);
        in->split_objects = 0;
        in->split_report = true;
    }
    bool ok = seed_roots(in, r) && drain_roots(in) && seed_reflect_offs(in) && drain(in) && seed_ifaces(in, r);
    *out = j->out; /* the arrays move to the caller */
    uint32_t *slab = out->label;
    memset(&j->out, 0, sizeof j->out);
    infer_free(in);
    free(j->done);
    free(j);
    if (!ok) {
        types_free(out);
        return false;
    }
    out->bad_descriptors = gt_bad_descriptors(out->model);
    for (uint64_t k = 0; k < h->nslots; k++)
        if (h->slot_obj[k] != HEAP_NONE) {
            slab[h->slot_obj[k]] = slab[k] == NO_LABEL ? NO_LABEL : slab[k] & ~INERT;
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

bool types_infer(heap *h, const roots *r, bool want_dtypes, obj_types *out, ghf_err *err)
{
    types_job *j;
    memset(out, 0, sizeof *out);
    return types_start(h, want_dtypes, false, &j, err) && types_finish(j, r, out, err);
}

void types_free(obj_types *t)
{
    free(t->label);
    free(t->dtype);
    free(t->dtype_off);
    strtab_free(&t->names);
    gt_close(t->model);
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
        if (t->tag != DW_TAG_structure_type || kind == GT_SLICE || kind == GT_STRING || kind == GT_INTERFACE)
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
    gt_id type = gt_from_dwarf(t->model, t->dtype[obj]); /* field paths come from DWARF */
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
