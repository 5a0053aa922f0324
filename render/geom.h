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
    int ncats;
    enum color_cat cats[CAT__COUNT]; /* legend entries, in category order */
} geom;

/* Geometry for a finished layout of tree t. */
void geom_compute(const wtree *t, const layout *l, const render_opts *o, geom *g);

/* What both back ends do first: complete the options (drawable width, unit)
 * into *ro, lay the tree out into *l and compute *g. On success the caller
 * frees *l with layout_free(). */
bool geom_prepare(const wtree *t, const render_opts *o, render_opts *ro, layout *l, geom *g, ghf_err *err);

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
 * its label, with " · 12.3 MiB, 45.0%" (weight, share of the whole graph)
 * after it when the whole label and the numbers fit in width_px, fitted
 * with geom_fit_label(). The root shows no numbers. `label` must be
 * sanitized UTF-8; `scratch` is a work buffer. flame.js (frameText) does
 * the same. */
bool geom_frame_text(const layout *l, const layout_rect *r, const char *unit, const char *label, size_t n,
                     double width_px, double font, text_buf *scratch, text_buf *out, ghf_err *err);

/* Legend entry width in px. */
double geom_legend_item_width(enum color_cat c, double font);

#endif
