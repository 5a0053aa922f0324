/* geom.h — page geometry shared by the SVG and PNG back ends (private to
 * render/), so both draw the same rectangles at the same place. */
#ifndef GHF_RENDER_GEOM_H
#define GHF_RENDER_GEOM_H

#include "color.h"
#include "layout.h"
#include "render.h"

#define GEOM_XPAD 10.0
#define GEOM_TITLE_SIZE 17.0
#define GEOM_LEGEND_SWATCH 12.0
#define GEOM_TABLE_MAX 20

typedef struct geom {
    double width, height;
    double frames_top;      /* y of the top row */
    double frame_h;
    double scale;           /* px per weight unit */
    double title_y, subtitle_y, controls_y, details_y, legend_y;
    double table_y;         /* heading baseline of the top table; rows follow */
    int table_rows;         /* rows of the top table (0: none) */
    uint32_t table[GEOM_TABLE_MAX]; /* its frames: wtree nodes, largest first */
    double title_size;      /* GEOM_TITLE_SIZE, grown with a font larger than the default */
    double font;
    int nlegend;            /* legend entries: colour categories in order, or a diff's colours */
    struct geom_legend_item {
        const char *label;
        rgb color;
    } legend[CAT__COUNT];
    /* A differential graph (render_opts.diff): its vanished frames, listed
     * under the graph in GEOM_VANISHED_ROWS lines at most after a heading
     * (the last line says how many more there are). */
    wdiff_list vanished;
    double vanished_y;      /* baseline of the heading */
    int vanished_lines;     /* lines after the heading */
} geom;

#define GEOM_VANISHED_ROWS 8

/* Geometry for a finished layout of tree t (the vanished list already in g). */
void geom_compute(const wtree *t, const layout *l, const render_opts *o, geom *g);

/* What both back ends do first: complete the options (drawable width, unit)
 * into *ro, lay the tree out into *l and compute *g. On success the caller
 * frees *l with layout_free() and *g with geom_free(). */
bool geom_prepare(const wtree *t, const render_opts *o, render_opts *ro, layout *l, geom *g, ghf_err *err);
void geom_free(geom *g);

/* Text of the vanished list's line i (0 = the heading) into buf; *node is
 * the frame it names (WTREE_NONE for the heading and "... N more"). */
void geom_vanished_line(const geom *g, const render_opts *o, int i, char *buf, size_t cap, uint32_t *node);

static inline double geom_x(const geom *g, uint64_t x) { return GEOM_XPAD + (double)x * g->scale; }
static inline double geom_y(const geom *g, const layout *l, const layout_rect *r)
{
    return g->frames_top + (double)layout_row(l, r) * g->frame_h;
}

/* Colour of one rectangle. */
rgb geom_rect_color(const layout *l, const layout_rect *r, const render_opts *o);

/* Fitted label of a rectangle (text_fit_label()) into out, NUL-terminated
 * (out->n excludes the NUL); empty when nothing fits. `name` must be
 * sanitized UTF-8. */
bool geom_fit_label(const char *name, size_t n, double width_px, double font, text_buf *out, ghf_err *err);

/* What a frame shows (into out, NUL-terminated, out->n excluding it):
 * its label, with " · 12.3 MiB, 45.0%" (weight, share of the whole graph;
 * in a differential graph, diff non-NULL, the change: " · +1.2 MiB")
 * after it when the whole label and the numbers fit in width_px, fitted
 * with geom_fit_label(). The root shows no numbers. `label` must be
 * sanitized UTF-8; `scratch` is a work buffer. flame.js (frameText) does
 * the same. */
bool geom_frame_text(const layout *l, const layout_rect *r, const wdiff *diff, const char *unit, const char *label,
                     size_t n, double width_px, double font, text_buf *scratch, text_buf *out, ghf_err *err);

/* Legend entry width in px. */
double geom_legend_item_width(const char *label, double font);

/* Tooltip lines of a differential graph's frame (after its name), unit
 * the weights' (render_opts.count_name):
 * "old: N bytes (H), N objects\nnew: ...\ndelta: +N bytes (+H), +P%, +N objects"
 * (objects only for trees of heap objects). */
void geom_diff_tooltip(const wdiff *d, uint32_t node, const char *unit, char *buf, size_t cap);

#endif
