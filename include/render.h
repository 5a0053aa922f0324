/* render.h — draw a weighted tree as a flame graph (SVG or PNG).
 *
 * render_svg() writes a self-contained interactive SVG directly (no cairo):
 * click to zoom (ancestors dimmed), reset, regex search (Ctrl-F or the
 * Search button) with the matched share computed from integer weights,
 * ignore-case toggle, tooltips, and zoom/search state kept in the URL hash
 * ("#x=X&d=DEPTH&s=REGEX&i=1"). render_png() draws the same rectangles and
 * colours with cairo. Both lay the tree out with layout_build() and never
 * recurse on tree depth.
 */
#ifndef GHF_RENDER_H
#define GHF_RENDER_H

#include <stdio.h>
#include "color.h"
#include "layout.h"
#include "wdiff.h"
#include "wtree.h"

enum render_format { RENDER_SVG = 0, RENDER_PNG };

typedef struct render_opts {
    layout_opts layout;        /* orient, sort, min width, cap; width_px is set from `width` */
    enum color_scheme colors;  /* COLOR_TYPE */
    enum color_theme theme;    /* THEME_LIGHT */
    const char *title;         /* "Flame Graph" */
    const char *subtitle;      /* NULL: none (e.g. input, Go version, tree mode, totals) */
    const char *count_name;    /* "bytes": unit of the weights */
    bool show_objects;         /* false: tooltips omit the object count (folded input has none;
                                  the count is then shown as "stacks") */
    bool legend;               /* true: draw the colour legend (categories present) */
    int width;                 /* image width in px: 1200 */
    int frame_height;          /* px per row: 16 */
    double font_size;          /* px: 12 */
    int png_height;            /* 0: as tall as needed; else the PNG is this tall (cropped/padded) */
    const wdiff *diff;         /* non-NULL: a differential graph of diff->t (the tree passed in):
                                  widths are NEW's, colours the change (red grew, blue shrank,
                                  grey unchanged; stronger = larger change relative to the
                                  frame), tooltips OLD/NEW/delta bytes and objects, a legend
                                  of those colours, and the vanished frames (weight 0 in NEW)
                                  listed under the graph, largest first */
    const char *old_name, *new_name; /* with diff: what OLD and NEW are, in the vanished
                                        list's heading ("OLD", "NEW" when NULL) */
    int top_rows;              /* PNG only: under the graph, a table of the top_rows largest
                                  frames at the base (weight, share, count); 0: none */
    const char *top_title;     /* its heading: "Largest frames at the base" */
} render_opts;

#define RENDER_DEFAULT_WIDTH 1200
#define RENDER_DEFAULT_FRAME_HEIGHT 16
#define RENDER_DEFAULT_FONT_SIZE 12.0

void render_opts_default(render_opts *o);

bool render_svg(const wtree *t, const render_opts *o, FILE *fp, ghf_err *err);
bool render_png(const wtree *t, const render_opts *o, FILE *fp, ghf_err *err);

/* Dispatch on format. */
bool render_tree(const wtree *t, enum render_format f, const render_opts *o, FILE *fp, ghf_err *err);

/* Fill `out` with "12.3 MiB" style text (exact when below 1 KiB; one
 * decimal rounded half up, as flame.js prints it). */
void render_human_bytes(uint64_t v, char *out, size_t cap);

/* "45.0%": part / whole as a percentage with one decimal, rounded half up
 * ("0.0%" when whole is 0). */
void render_share(uint64_t part, uint64_t whole, char *out, size_t cap);

#endif
