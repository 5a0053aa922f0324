/* geom.c — page geometry shared by svg.c and png.c. */
#include "geom.h"

#include <stdio.h>
#include <string.h>

rgb geom_rect_color(const layout *l, const layout_rect *r, const render_opts *o)
{
    return color_frame(l->labels.v + r->name, r->kind, r->type_kind, r->parent == UINT32_MAX, o->colors, o->theme);
}

bool geom_fit_label(const char *name, size_t n, double width_px, double font, text_buf *out, ghf_err *err)
{
    text_fit f = text_fit_label(name, n, font, width_px - 6.0);
    out->n = 0;
    if (f.len == 0) {
        if (!VEC_PUSH(out, '\0', err))
            return false;
        out->n = 0;
        return true;
    }
    if (!VEC_RESERVE(out, f.len + 7, err))
        return false;
    if (f.lead) {
        memcpy(out->v, "\xe2\x80\xa6", 3);
        out->n = 3;
    }
    memcpy(out->v + out->n, name + f.start, f.len);
    out->n += f.len;
    if (f.trail) {
        memcpy(out->v + out->n, "\xe2\x80\xa6", 3);
        out->n += 3;
    }
    out->v[out->n] = '\0';
    return true;
}

bool geom_frame_text(const layout *l, const layout_rect *r, const char *unit, const char *label, size_t n,
                     double width_px, double font, text_buf *scratch, text_buf *out, ghf_err *err)
{
    char num[96], w[48], share[24];
    if (strcmp(unit, "bytes") == 0)
        render_human_bytes(r->width, w, sizeof w);
    else
        snprintf(w, sizeof w, "%llu %s", (unsigned long long)r->width, unit);
    render_share(r->width, l->total, share, sizeof share);
    int nn = snprintf(num, sizeof num, " \xc2\xb7 %s, %s", w, share);
    if (r->parent == UINT32_MAX || nn <= 0 || (size_t)nn >= sizeof num ||
        text_width(label, n, font) + text_width(num, (size_t)nn, font) > width_px - 6.0)
        return geom_fit_label(label, n, width_px, font, out, err);
    scratch->n = 0;
    if (!VEC_RESERVE(scratch, n + (size_t)nn, err))
        return false;
    memcpy(scratch->v, label, n);
    memcpy(scratch->v + n, num, (size_t)nn);
    scratch->n = n + (size_t)nn;
    return geom_fit_label(scratch->v, scratch->n, width_px, font, out, err);
}

double geom_legend_item_width(enum color_cat c, double font)
{
    const char *s = color_category_label(c);
    return GEOM_LEGEND_SWATCH + 4 + text_width(s, strlen(s), font) + 16;
}

/* The n largest children of the root (by total, ties by name), largest
 * first, into out; returns how many. */
static int top_children(const wtree *t, int n, uint32_t *out)
{
    int k = 0;
    for (uint32_t c = t->nodes.v[WTREE_ROOT].first_child; c != WTREE_NONE; c = t->nodes.v[c].next_sibling) {
        uint64_t w = t->nodes.v[c].total_bytes;
        if (w == 0)
            continue;
        int at = k < n ? k++ : n; /* insertion into the sorted prefix */
        while (at > 0) {
            const wtree_node *p = &t->nodes.v[out[at - 1]];
            if (p->total_bytes > w || (p->total_bytes == w && strcmp(wtree_name(t, out[at - 1]), wtree_name(t, c)) < 0))
                break;
            if (at < n)
                out[at] = out[at - 1];
            at--;
        }
        if (at < n)
            out[at] = c;
    }
    return k;
}

void geom_compute(const wtree *t, const layout *l, const render_opts *o, geom *g)
{
    memset(g, 0, sizeof *g);
    g->width = o->width;
    g->font = o->font_size;
    g->frame_h = o->frame_height;
    g->scale = l->total ? (g->width - 2 * GEOM_XPAD) / (double)l->total : 0;
    g->title_size = GEOM_TITLE_SIZE * (o->font_size > RENDER_DEFAULT_FONT_SIZE ? o->font_size / RENDER_DEFAULT_FONT_SIZE : 1);
    g->title_y = g->title_size + 7;
    double y = g->title_y;
    if (o->subtitle && o->subtitle[0]) {
        g->subtitle_y = y + o->font_size + 6;
        y = g->subtitle_y;
    }
    g->controls_y = y + o->font_size + 8;
    g->frames_top = g->controls_y + 8;
    double frames_bottom = g->frames_top + (double)(l->max_depth + 1) * g->frame_h;
    g->details_y = frames_bottom + o->font_size + 6;
    y = g->details_y;
    if (o->legend && o->colors == COLOR_TYPE) {
        bool seen[CAT__COUNT] = {0};
        for (size_t i = 0; i < l->rects.n; i++) {
            const layout_rect *r = &l->rects.v[i];
            seen[color_category(l->labels.v + r->name, r->kind, r->type_kind, r->parent == UINT32_MAX)] = true;
        }
        for (int c = 0; c < CAT__COUNT; c++)
            if (seen[c] && c != CAT_ALL)
                g->cats[g->ncats++] = (enum color_cat)c;
        if (g->ncats > 0) {
            /* Rows of legend items, wrapping at the page width. */
            double x = GEOM_XPAD;
            int rows = 1;
            for (int i = 0; i < g->ncats; i++) {
                double w = geom_legend_item_width(g->cats[i], o->font_size);
                if (x + w > g->width - GEOM_XPAD && x > GEOM_XPAD) {
                    rows++;
                    x = GEOM_XPAD;
                }
                x += w;
            }
            g->legend_y = y + 10;
            y = g->legend_y + rows * (GEOM_LEGEND_SWATCH + 8);
        }
    }
    if (o->top_rows > 0) {
        int n = o->top_rows < GEOM_TABLE_MAX ? o->top_rows : GEOM_TABLE_MAX;
        g->table_rows = top_children(t, n, g->table);
        if (g->table_rows > 0) {
            g->table_y = y + 10 + o->font_size;
            y = g->table_y + g->table_rows * (o->font_size + 6) + 4;
        }
    }
    g->height = y + 10;
}

bool geom_prepare(const wtree *t, const render_opts *o, render_opts *ro, layout *l, geom *g, ghf_err *err)
{
    *ro = *o;
    ro->layout.width_px = o->width - 2 * GEOM_XPAD;
    if (ro->count_name == NULL)
        ro->count_name = "bytes";
    ro->layout.count_name = ro->count_name;
    if (!layout_build(t, &ro->layout, l, err))
        return false;
    geom_compute(t, l, ro, g);
    return true;
}
