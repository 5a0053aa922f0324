/* layout.h — weighted tree -> rectangles of a flame graph (pure; no I/O).
 *
 * Positions are integers in weight units (bytes, samples), so a parent's
 * children (including a merged "(N more: X bytes)" frame) always add up
 * exactly to the parent's total minus its own shallow weight, the gap left
 * at the right of the children as in flamegraph.pl. Back ends scale x and
 * width by (drawable width / root width).
 *
 * Rectangles come in breadth-first order: a parent precedes its children,
 * and each parent's children are emitted all together or not at all, so
 * the rectangle cap never leaves a hole inside a parent.
 *
 * Collapsed frames. The first `nshown` rectangles are the picture. After
 * them, up to max_hidden more rectangles keep what the merged frames hide:
 * the members of a merged frame M (reveal = M's index) laid side by side
 * over M's range at M's depth, and their descendants, laid out and merged
 * again as if the view were zoomed on M (scale = width_px / M's width), so
 * a viewer can expand M in place. A merged frame among them is expanded in
 * turn while the budget lasts. Members precede their descendants, each
 * group is emitted whole or not at all, and `expanded` on M says whether
 * its members are there.
 */
#ifndef GHF_LAYOUT_H
#define GHF_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>
#include "textwidth.h"
#include "wtree.h"

enum layout_orient { LAYOUT_FLAME = 0, LAYOUT_ICICLE = 1 };
enum layout_sort { LAYOUT_SORT_NAME = 0, LAYOUT_SORT_SIZE = 1 };

typedef struct layout_opts {
    enum layout_orient orient; /* LAYOUT_FLAME: roots at the bottom (default) */
    enum layout_sort sort;     /* LAYOUT_SORT_NAME (default): towers keep their place;
                                  LAYOUT_SORT_SIZE: largest first (left-heavy), ties by name */
    double width_px;           /* drawable width the min width refers to; default 1180 */
    double min_width_px;       /* frames narrower than this are merged; default 0.1 */
    size_t max_rects;          /* cap on shown rectangles; default 200000 */
    size_t max_hidden;         /* cap on collapsed rectangles kept for merged frames;
                                  default LAYOUT_DEFAULT_MAX_HIDDEN, 0: none */
    const char *count_name;    /* unit in "(N more: X bytes)"; default "bytes" */
} layout_opts;

#define LAYOUT_DEFAULT_WIDTH_PX 1180.0
#define LAYOUT_DEFAULT_MIN_WIDTH_PX 0.1
#define LAYOUT_DEFAULT_MAX_RECTS 200000
#define LAYOUT_DEFAULT_MAX_HIDDEN 20000

void layout_opts_default(layout_opts *o);

typedef struct layout_rect {
    uint64_t x;          /* left edge, weight units from the root's left edge */
    uint64_t width;      /* = total weight of the frame */
    uint64_t self;       /* shallow weight (for a merged frame: sum of the merged) */
    uint64_t count;      /* objects / samples (total, like width) */
    uint64_t self_count; /* the frame's own objects / samples (the "×N" of its label) */
    uint32_t depth;      /* 0 = the root ("all") */
    uint32_t node;       /* wtree node, WTREE_NONE for a merged frame */
    uint32_t parent;     /* index of the parent rectangle; UINT32_MAX for the root */
    uint32_t kind;       /* enum wtree_kind (WTREE_KIND_MORE for merged) */
    uint32_t label;      /* offset of the NUL-terminated label (wtree_label()) in layout.labels */
    uint32_t name;       /* offset of the frame's identity name (wtree_name()) in layout.labels */
    uint32_t type_kind;  /* enum wtree_type_kind */
    uint32_t merged;     /* number of frames merged (WTREE_KIND_MORE only) */
    uint32_t reveal;     /* LAYOUT_SHOWN, or the index of the merged rectangle whose
                            expansion shows this one (inherited by descendants) */
    uint32_t scale_of;   /* index of the rectangle whose width is the view width when
                            this one was laid out: 0 (the root) for shown rectangles */
    bool expanded;       /* merged: its members follow among the collapsed rectangles */
} layout_rect;

#define LAYOUT_SHOWN UINT32_MAX

typedef struct layout {
    VEC(layout_rect) rects;
    size_t nshown;         /* rects[0..nshown) are shown; the rest are collapsed */
    text_buf labels;       /* NUL-terminated labels ("all" for the root) */
    uint64_t total;        /* root width */
    uint32_t max_depth;    /* deepest rectangle, collapsed ones included */
    bool capped;           /* some children were left out by max_rects */
    bool hidden_capped;    /* some merged frames were left unexpanded by max_hidden */
    enum layout_orient orient;
} layout;

/* t must be finished (wtree_finish). An empty tree gives one root rectangle
 * of width 0. */
bool layout_build(const wtree *t, const layout_opts *o, layout *out, ghf_err *err);
void layout_free(layout *l);

static inline const char *layout_label(const layout *l, const layout_rect *r)
{
    return l->labels.v + r->label;
}

/* Row from the top of the frame area (0 = top row). */
static inline uint32_t layout_row(const layout *l, const layout_rect *r)
{
    return l->orient == LAYOUT_FLAME ? l->max_depth - r->depth : r->depth;
}

#endif
