/* roots.h — the GC roots of a Go heap, named for people.
 *
 * Mirrors the runtime's mark phase (runtime/mgcmark.go markroot):
 *  - globals: pointer words of data/bss per the module's gcdatamask/gcbssmask,
 *    each attributed to the DWARF global that contains it ("main.cache");
 *  - goroutine stacks: every live goroutine unwound with the pclntab (from
 *    where gstack.h says: a running goroutine's thread or signal frame), slots
 *    chosen by the precise locals/args pointer maps, named "pkg.func.var"
 *    from DWARF (fallback "pkg.func+0xOFF" for a word no variable covers);
 *    each stack object (runtime/stack.go stackObjectRecord: a non-escaping
 *    make, &T{...}, composite literal or address-taken variable) that a
 *    live slot reaches is one root, not one per word: its own DWARF
 *    variable if it has one, else the first typed variable (in unwind
 *    order) that points into it, typed by that pointer ("main.main.held":
 *    [512]*main.blob; the others that point at it listed in `also`), else
 *    "pkg.func stack object +0xOFF (N B)";
 *    asyncPreempt frames and the frame they interrupted are scanned
 *    conservatively, as the runtime does, and so is the frame a signal or
 *    gcore interrupted; so is a frame whose pointer maps cannot be read
 *    (counted in frames_without_maps); a stack that cannot be walked to its
 *    base is scanned conservatively from where the walk was lost as
 *    "goroutine N (conservative)" and recorded in roots.lost;
 *    a word no DWARF variable covers is named after the runtime variable
 *    it is where Go's DWARF omits one (gcBgMarkWorker's node, Go 1.26+);
 *  - finalizer and cleanup specials ("[finalizers]": what a finalized
 *    object points to, and the function; "[cleanups]"), queued finalizers
 *    and (1.26+) queued cleanups;
 *  - thread registers, conservatively, as roots of last resort: only for
 *    objects nothing precise reaches (a running goroutine's pointer may live
 *    only in a register when gcore stopped it).
 * Roots with the same name are one root (goroutines running the same code
 * merge) unless split_goroutines asks for one per goroutine.
 */
#ifndef GHF_ROOTS_H
#define GHF_ROOTS_H

#include <stdint.h>
#include "heap.h"
#include "strtab.h"
#include "vec.h"

enum root_kind { ROOT_GLOBAL = 1, ROOT_STACK, ROOT_OTHER };

typedef struct root {
    uint32_t name;          /* id in roots.names */
    uint8_t kind;           /* enum root_kind */
    dwx_type_id type;       /* declared DWARF type of the variable, 0 if unknown */
    uint64_t count;         /* > 0: the root is an array of count values of type (a stack
                               object typed by a pointer into it); 0: one value of type */
    uint32_t also;          /* id + 1 in roots.notes of the other variables that point into
                               this stack object ("main.f.a, main.f.b"), 0 if none */
    uint64_t addr;          /* address of the first slot seen */
} root;

/* One edge from a root to a heap object, as read back (roots_edge_next,
 * roots_edge_at): the edges are kept encoded, see root_edges. */
typedef struct root_edge {
    uint32_t root;
    uint32_t obj;
    uint64_t slot;          /* address of the pointer word */
    uint64_t var_addr;      /* start of the variable holding the slot, 0 if unknown */
    dwx_type_id var_type;   /* its DWARF type, 0 if unknown */
    uint32_t var_image;     /* offset + 1 in roots.images of the variable's value when DWARF
                               places its pieces apart (not contiguous at var_addr), else 0 */
} root_edge;

/* The root edges, sorted by (root, slot), stored as deltas from the edge
 * before: a goroutine-heavy heap has ~9 M of them at 10 M objects, and as
 * 32-byte records they were a quarter of the peak RSS. Neighbours share a
 * root and a variable and point at objects allocated together, so an edge
 * takes 2-4 bytes. Read them in order with roots_edge_next, or one by
 * index with roots_edge_at (decodes from the nearest mark). */
#define ROOT_EDGE_MARK 32   /* a mark every this many edges */
typedef struct root_edges {
    size_t n;               /* how many edges */
    uint8_t *code;          /* the encoding (roots.c edge_put) */
    size_t code_len;
    uint64_t *mark;         /* code offset of edge k * ROOT_EDGE_MARK, where decoding starts afresh */
    size_t *first;          /* per root id: index of its first edge; first[roots.list.n] == n */
} root_edges;

/* Reads edges in order from an index on. */
typedef struct root_edge_iter {
    const root_edges *es;
    size_t i;               /* index of the next edge */
    size_t at;              /* its offset in es->code */
    uint32_t root;          /* its root (the next edge's root is at least this) */
    root_edge prev;         /* the edge before it, what it is encoded against */
} root_edge_iter;

/* The biggest value assembled from DWARF pieces: the compiler splits only
 * small values (an interface, a string, a slice, a small struct). */
#define GHF_LOCAL_IMAGE_MAX 64

/* A goroutine whose stack could not be walked to its base (gstack.h): the
 * part not walked was scanned conservatively as "goroutine N (conservative)". */
typedef struct stack_loss {
    uint64_t goid;
    uint32_t status;        /* enum g_status */
    uint64_t scanned_bytes; /* stack bytes scanned conservatively */
    char why[160];
} stack_loss;

typedef struct roots {
    VEC(root) list;
    root_edges edges;       /* sorted by (root, slot) */
    strtab names;           /* root names; root id == name id */
    strtab notes;           /* root.also lists */
    /* what could not be walked precisely (reported, never silent):
     * conservative_frames counts every frame scanned conservatively, those
     * the runtime scans so too (an interrupted frame, asyncPreempt) and
     * those of the two failures: frames_without_maps (a frame whose pointer
     * maps could not be read) and unwind_failures (== lost.n) */
    uint64_t goroutines, frames, conservative_frames, unwind_failures, frames_without_maps;
    VEC(stack_loss) lost;   /* one per goroutine not walked to its base */
    VEC(uint8_t) images;    /* values of variables split into DWARF pieces (root_edge.var_image) */
} roots;

typedef struct roots_opts {
    bool split_goroutines;  /* "goroutine 12: main.worker.buf" instead of merging */
    bool registers;         /* thread registers as conservative roots (default on) */
} roots_opts;

bool roots_collect(heap *h, const roots_opts *opts, roots *out, ghf_err *err);
void roots_free(roots *r);

/* Start reading r's edges at index i (<= r->edges.n; the first edge of
 * root id is r->edges.first[id]). */
void roots_edge_iter_at(const roots *r, size_t i, root_edge_iter *it);
/* The next edge into *e; false after the last. */
bool roots_edge_next(root_edge_iter *it, root_edge *e);
/* Edge i (< r->edges.n). */
root_edge roots_edge_at(const roots *r, size_t i);

static inline const char *root_name(const roots *r, uint32_t id)
{
    return strtab_get(&r->names, r->list.v[id].name);
}

#endif
