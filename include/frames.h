/* frames.h — from a retention tree to the weighted tree that is drawn.
 *
 * Root frames carry the root's name ("main.cache", "main.worker.buf");
 * object frames carry the object's type ("main.Item", "[]uint8"). Objects
 * held only by several roots hang under "[shared] main.a + main.b" so that
 * nothing is counted twice and nothing vanishes. A chain of objects of the
 * same type (linked lists, trees) collapses into one frame, so output size
 * stays linear in the number of distinct paths, not objects.
 *
 * Frame names are identities only (the type or root name, never a count);
 * each frame's attributes say what it stands for: self_count objects,
 * ntypes distinct types among them (> 1 only when --max-depth/--min-bytes
 * folded other objects into it) and type_kind, the kind of its own type.
 * wtree_label() turns them into "main.Node ×200,000" or
 * "map[int]*main.cacheEntry [pruned: 2,006 objects of 5 types]", so no
 * frame claims objects of other types as copies of its own.
 */
#ifndef GHF_FRAMES_H
#define GHF_FRAMES_H

#include <stdint.h>
#include "domtree.h"
#include "graph.h"
#include "roots.h"
#include "types.h"
#include "wtree.h"

typedef struct frames_opts {
    uint32_t max_depth;    /* frames above this depth fold into their ancestor; 0 = no limit (default) */
    uint64_t min_bytes;    /* objects retaining fewer bytes fold into their parent frame; default 0 */
    const char *focus;     /* POSIX extended regex: keep only subtrees whose frame (name, without
                              counts) matches; NULL = all. Matching nothing fails (GHF_EXIT_USAGE) */
    bool focus_may_match_nothing; /* matching nothing leaves an empty tree instead (diff: the frame
                                     may be in one of the two cores only) */
    bool no_collapse;      /* keep runs of the same type as separate frames (default: collapse) */
    bool fields;           /* append the field path through which the parent holds the object:
                              "[]uint8 .buf", "main.Node .next" (default off) */
} frames_opts;

/* h and the DWARF index are needed only for fields (field paths). */
bool frames_build(const domtree *d, const ghf_graph *g, const heap *h, const roots *r, const obj_types *t,
                  const frames_opts *o, wtree *out, ghf_err *err);

/* --pivot REGEX: the inverted tree. Every reachable object whose type
 * matches is a base frame (its type), its holders above it (its dominator
 * path upwards, runs of one type as one frame, up to its root or
 * "[shared] a + b"); a frame's width is the shallow bytes of the matching
 * objects held through that chain, so a base frame is as wide as all the
 * matching objects. Matching nothing fails (GHF_EXIT_USAGE). */
bool frames_build_pivot(const domtree *d, const ghf_graph *g, const roots *r, const obj_types *t, const char *pattern,
                        wtree *out, ghf_err *err);

#endif
