/* wtree.h — the weighted tree that joins the two halves of goheapflame.
 *
 * src/ builds one from a Go heap (root -> object frames), render/ builds one
 * from a folded-stack file; render/ lays it out and output writers
 * (folded, stap, pprof, json) walk it. It knows nothing about Go cores.
 *
 * Invariants:
 *  - node 0 (WTREE_ROOT) is the synthetic "all" node; it has no name.
 *  - a child always has a larger id than its parent, so totals are computed
 *    by one reverse pass and any walk can be iterative.
 *  - (parent, name) is unique: wtree_child() finds or adds.
 *  - children are kept in insertion order; layout decides display order.
 */
#ifndef GHF_WTREE_H
#define GHF_WTREE_H

#include <stdint.h>
#include "ghf_error.h"
#include "vec.h"

#define WTREE_ROOT 0u
#define WTREE_NONE UINT32_MAX

/* What a frame stands for; a hint for colouring, never needed for layout. */
enum wtree_kind {
    WTREE_KIND_FRAME = 0,       /* plain frame (a type, or a folded-file frame) */
    WTREE_KIND_ROOT_GLOBAL,     /* a global variable (data/bss) */
    WTREE_KIND_ROOT_STACK,      /* a goroutine stack slot */
    WTREE_KIND_ROOT_OTHER,      /* finalizers, specials, registers, ... */
    WTREE_KIND_SHARED,          /* "[shared] a + b": held by several roots */
    WTREE_KIND_MORE,            /* "(N more: X bytes)" produced by pruning */
};

typedef struct wtree_node {
    uint32_t name;         /* offset of a NUL-terminated name in wtree.names */
    uint32_t parent;       /* WTREE_NONE for the root */
    uint32_t first_child;  /* WTREE_NONE if a leaf */
    uint32_t last_child;
    uint32_t next_sibling; /* WTREE_NONE at the end */
    uint32_t kind;         /* enum wtree_kind */
    uint64_t self_bytes;   /* shallow: bytes of this frame itself */
    uint64_t self_count;   /* objects (or samples) of this frame itself */
    uint64_t total_bytes;  /* self + all descendants; valid after wtree_finish */
    uint64_t total_count;
} wtree_node;

typedef struct wtree {
    VEC(wtree_node) nodes;
    VEC(char) names;         /* interned names, NUL-terminated */
    uint32_t *name_hash;     /* open addressing: name offset + 1, 0 = empty */
    size_t name_hash_cap;
    uint64_t *child_hash;    /* open addressing, keyed by (parent, name): hash << 32 | node id + 1;
                                0 = empty */
    size_t child_hash_cap;
    size_t nnames;
} wtree;

bool wtree_init(wtree *t, ghf_err *err);
void wtree_free(wtree *t);

/* Find or add the child of `parent` called name[0..len). */
bool wtree_child(wtree *t, uint32_t parent, const char *name, size_t len,
                 uint32_t *out, ghf_err *err);

/* The same in two steps, for callers that name many nodes alike: intern a
 * name once (wtree_name_id), then find or add children by that id. */
bool wtree_name_id(wtree *t, const char *name, size_t len, uint32_t *out, ghf_err *err);
bool wtree_child_id(wtree *t, uint32_t parent, uint32_t name_id, uint32_t *out, ghf_err *err);

/* Add bytes and a count to a node's own (shallow) weight. */
void wtree_add(wtree *t, uint32_t node, uint64_t bytes, uint64_t count);

/* Give a node another name (e.g. "T" -> "T ×N"). Only after the last
 * wtree_child(): the (parent, name) index is not updated. */
bool wtree_rename(wtree *t, uint32_t node, const char *name, ghf_err *err);

/* Compute total_bytes/total_count bottom-up. Call after the last add. */
void wtree_finish(wtree *t);

static inline const char *wtree_name(const wtree *t, uint32_t node)
{
    return t->names.v + t->nodes.v[node].name;
}

static inline uint32_t wtree_depth(const wtree *t, uint32_t node)
{
    uint32_t d = 0;
    while (t->nodes.v[node].parent != WTREE_NONE) {
        node = t->nodes.v[node].parent;
        d++;
    }
    return d;
}

#endif
