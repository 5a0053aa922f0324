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
 *
 * Identity and attributes. A frame's identity is its path of names from the
 * root (kind included: a root and a type may share a name only under
 * different parents). Names carry no per-core figures: counts, bytes, the
 * number of types folded into a frame and the kind of value it stands for
 * are attributes of the node, so two trees (two cores, or two folded files)
 * are matched by walking both from WTREE_ROOT with wtree_find() on each
 * child's name, and compared through the attributes (self/total bytes and
 * counts, ntypes). What people read is wtree_label(): the name plus the
 * decoration its attributes call for ("main.Node ×200,000").
 */
#ifndef GHF_WTREE_H
#define GHF_WTREE_H

#include <stdint.h>
#include "ghf_error.h"
#include "vec.h"

#define WTREE_ROOT 0u
#define WTREE_NONE UINT32_MAX
#define WTREE_LIST_MAX 8 /* children found by list walk; more go to the hash */

/* What a frame stands for; a hint for colouring, never needed for layout. */
enum wtree_kind {
    WTREE_KIND_FRAME = 0,       /* plain frame (a type, or a folded-file frame) */
    WTREE_KIND_ROOT_GLOBAL,     /* a global variable (data/bss) */
    WTREE_KIND_ROOT_STACK,      /* a goroutine stack slot */
    WTREE_KIND_ROOT_OTHER,      /* finalizers, specials, registers, ... */
    WTREE_KIND_SHARED,          /* "[shared] a + b": held by several roots */
    WTREE_KIND_MORE,            /* "(N more: X bytes)" produced by pruning */
};

/* What kind of value a frame's own objects are, carried from the Go side
 * (src/frames.c) so that colours never parse labels. WTYPE_NONE: not known
 * (folded input, root frames); the renderer then classifies by name. */
enum wtree_type_kind {
    WTYPE_NONE = 0,
    WTYPE_STRUCT,       /* a struct or other named value type */
    WTYPE_POINTER,      /* *T, unsafe.Pointer */
    WTYPE_SLICE,        /* []T backing arrays, [N]T */
    WTYPE_BYTES,        /* string data, []byte / []uint8, [N]byte */
    WTYPE_MAP,          /* map headers, tables, directories, groups, buckets */
    WTYPE_CLOSURE,      /* a func value's closure object */
    WTYPE_CHAN,         /* a channel (header and buffer) */
    WTYPE_INTERFACE,    /* a boxed interface value */
    WTYPE_SCALAR,       /* int, float64, bool, ... */
    WTYPE_UNKNOWN,      /* the heap has no type for it (unknown.N) */
    WTYPE__COUNT
};

typedef struct wtree_node {
    uint32_t name;         /* offset of a NUL-terminated name in wtree.names */
    uint32_t parent;       /* WTREE_NONE for the root */
    uint32_t first_child;  /* WTREE_NONE if a leaf */
    uint32_t last_child;
    uint32_t next_sibling; /* WTREE_NONE at the end */
    uint32_t kind;         /* enum wtree_kind */
    uint32_t type_kind;    /* enum wtree_type_kind of the frame's own objects */
    uint32_t ntypes;       /* distinct types among the objects in self_count: 1 = only the
                              frame's own; > 1 when pruning folded other types into it;
                              0 = not tracked (folded input) */
    uint64_t self_bytes;   /* shallow: bytes of this frame itself */
    uint64_t self_count;   /* objects (or samples) of this frame itself */
    uint64_t total_bytes;  /* self + all descendants; valid after wtree_finish */
    uint64_t total_count;
} wtree_node;

/* The roots holding a shared frame ("[shared] a + b + more"): the first
 * WTREE_HOLDERS_MAX of them in root order, and how many there are. */
#define WTREE_HOLDERS_MAX 50
typedef struct wtree_holders {
    uint32_t node;    /* a WTREE_KIND_SHARED frame */
    uint32_t names;   /* offset in wtree.names: the names, one per line */
    uint32_t nnames;  /* names listed (<= WTREE_HOLDERS_MAX) */
    uint32_t total;   /* roots holding it: total - nnames are not listed */
} wtree_holders;

typedef struct wtree {
    VEC(wtree_node) nodes;
    VEC(char) names;         /* interned names, NUL-terminated */
    uint32_t *name_hash;     /* open addressing: name offset + 1, 0 = empty */
    size_t name_hash_cap;
    uint64_t *child_hash;    /* open addressing, keyed by (parent, name): hash << 32 | node id + 1;
                                0 = empty. Only children of parents with more than
                                WTREE_LIST_MAX children are in it: the others are found by
                                walking the parent's (short, recently touched) child list */
    size_t child_hash_cap;
    size_t child_hash_n;     /* entries in child_hash */
    VEC(uint8_t) nchildren;  /* per node: children, saturating at WTREE_LIST_MAX + 1 */
    size_t nnames;
    bool finished;           /* wtree_finish has summed the totals (nodes start at 0) */
    bool objects;            /* self_count counts heap objects (not stacks/samples):
                                wtree_label() then shows it */
    VEC(wtree_holders) holders; /* shared frames' holders, by node ascending (src/frames.c) */
} wtree;

bool wtree_init(wtree *t, ghf_err *err);
void wtree_free(wtree *t);

/* Find or add the child of `parent` called name[0..len). */
bool wtree_child(wtree *t, uint32_t parent, const char *name, size_t len,
                 uint32_t *out, ghf_err *err);

/* The same in two steps, for callers that name many nodes alike: intern a
 * name once (wtree_name_id), then find or add children by that id.
 * wtree_name_id touches only the name table and wtree_child_id only the
 * nodes, so one thread may intern names while another adds nodes by id. */
bool wtree_name_id(wtree *t, const char *name, size_t len, uint32_t *out, ghf_err *err);
bool wtree_child_id(wtree *t, uint32_t parent, uint32_t name_id, uint32_t *out, ghf_err *err);

/* Add bytes and a count to a node's own (shallow) weight. */
void wtree_add(wtree *t, uint32_t node, uint64_t bytes, uint64_t count);

/* Give a node another name (e.g. "T" -> "T ×N"). Only after the last
 * wtree_child(): the (parent, name) index is not updated. */
bool wtree_rename(wtree *t, uint32_t node, const char *name, ghf_err *err);

/* The child of `parent` called name[0..len), or WTREE_NONE; adds nothing
 * (for matching one tree's frames in another). */
uint32_t wtree_find(const wtree *t, uint32_t parent, const char *name, size_t len);

/* The decoration wtree_label() puts after a node's name, into buf (always
 * NUL-terminated); returns its length, 0 when the name stands alone. Only
 * trees with `objects` set are decorated:
 *   " ×12,345"                          several objects, all of the frame's type
 *   " [pruned: 2,006 objects of 5 types]"  objects of several types folded in
 *                                          by --max-depth / --min-bytes
 * (a root frame with objects folded into it says "[pruned: N objects of K
 * type(s)]" too: roots have no objects of their own). */
size_t wtree_label_suffix(const wtree *t, uint32_t node, char *buf, size_t cap);

/* Name + decoration, truncated to cap - 1 bytes. Returns the full length. */
size_t wtree_label(const wtree *t, uint32_t node, char *buf, size_t cap);

/* "12,345,678": digits grouped by three, into buf (NUL-terminated). */
size_t wtree_group_digits(uint64_t v, char *buf, size_t cap);

/* Record the holders of a shared frame: names ('\n'-separated, nnames of
 * them) of the first roots and their total. Nodes in ascending order. */
bool wtree_set_holders(wtree *t, uint32_t node, const char *names, uint32_t nnames, uint32_t total, ghf_err *err);
/* The holders recorded for node, or NULL. */
const wtree_holders *wtree_get_holders(const wtree *t, uint32_t node);

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
