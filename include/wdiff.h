/* wdiff.h — two weighted trees compared frame by frame: what grew, what
 * shrank, what vanished (goheapflame diff, render --diff).
 *
 * Frames are matched by identity: the path of names from the root
 * (wtree_find() on each child's name), never by labels, so "main.Node
 * ×100" in one core and "main.Node ×300" in the other are the same frame.
 * The result is one tree, the union of both trees' frames:
 *  - its weights (self/total bytes and counts, kind, type kind) are NEW's;
 *    a frame only OLD has keeps OLD's kind and type kind and weighs 0, so
 *    a picture drawn from it is exactly NEW's picture;
 *  - old[node] holds OLD's figures for every frame (zero where OLD has no
 *    such frame).
 * A frame "vanished" when OLD retained bytes through it and NEW retains
 * none. It knows nothing about Go: render/ and the core side both use it.
 */
#ifndef GHF_WDIFF_H
#define GHF_WDIFF_H

#include <stdint.h>
#include "ghf_error.h"
#include "vec.h"
#include "wtree.h"

typedef struct wdiff_side {
    uint64_t self_bytes, self_count, total_bytes, total_count;
} wdiff_side;

typedef struct wdiff {
    wtree t;                  /* union of frames, NEW's weights; finished */
    VEC(wdiff_side) old;      /* OLD's figures, indexed by node id of t */
} wdiff;

/* Build d from two finished trees (neither is changed). Node ids of t equal
 * NEW's for every frame NEW has; OLD-only frames come after them. */
bool wdiff_build(wdiff *d, const wtree *old, const wtree *new_, ghf_err *err);
void wdiff_free(wdiff *d);

/* NEW minus OLD, retained (total) bytes and objects of a frame. */
static inline int64_t wdiff_delta_bytes(const wdiff *d, uint32_t node)
{
    return (int64_t)(d->t.nodes.v[node].total_bytes - d->old.v[node].total_bytes);
}
static inline int64_t wdiff_delta_count(const wdiff *d, uint32_t node)
{
    return (int64_t)(d->t.nodes.v[node].total_count - d->old.v[node].total_count);
}
static inline bool wdiff_vanished_node(const wdiff *d, uint32_t node)
{
    return d->t.nodes.v[node].total_bytes == 0 && d->old.v[node].total_bytes > 0;
}

typedef VEC(uint32_t) wdiff_list;

enum wdiff_dir { WDIFF_GREW = 1, WDIFF_SHRANK = -1 };

/* The growth table: up to n frames with the largest retained growth
 * (WDIFF_GREW: delta bytes > 0) or shrinkage (WDIFF_SHRANK: delta < 0,
 * vanished frames left out: wdiff_vanished() lists them), largest change
 * first (ties: shallower, then lower id). A frame whose change lies
 * entirely in one child (a child with the same delta bytes) is left out
 * for that child, whose path names it, so each row says where the change
 * ends up; and rows never nest: a frame inside a listed frame's subtree is
 * left out (its change is part of that row's). */
bool wdiff_top(const wdiff *d, size_t n, enum wdiff_dir dir, wdiff_list *out, ghf_err *err);

/* Every vanished frame whose parent did not vanish (the top of each
 * vanished subtree), by OLD retained bytes, largest first (ties: lower id). */
bool wdiff_vanished(const wdiff *d, wdiff_list *out, ghf_err *err);

/* Colour weight of a frame's change in [-1, 1]: delta / max(old, new)
 * retained bytes; 0 when unchanged. +1: new frame, -1: vanished. */
double wdiff_ratio(const wdiff *d, uint32_t node);

/* The frames from the root's child down to node, joined by sep, into buf
 * (NUL-terminated, truncated to cap - 1). Returns the full length. */
size_t wdiff_path(const wdiff *d, uint32_t node, const char *sep, char *buf, size_t cap);

#endif
