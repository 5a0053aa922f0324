/* png.c — the same flame graph as svg.c, drawn with cairo into a PNG. */
#include "render.h"

#include <cairo.h>
#include <errno.h>
#include <string.h>

#include "geom.h"

static void set_rgb(cairo_t *cr, rgb c)
{
    cairo_set_source_rgb(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0);
}

typedef struct png_sink {
    FILE *fp;
    int errnum;      /* why the first failed write failed */
} png_sink;

static cairo_status_t write_fp(void *closure, const unsigned char *data, unsigned int len)
{
    png_sink *sink = closure;
    if (fwrite(data, 1, len, sink->fp) == len)
        return CAIRO_STATUS_SUCCESS;
    if (sink->errnum == 0)
        sink->errnum = errno ? errno : EIO;
    return CAIRO_STATUS_WRITE_ERROR;
}

/* Draw s (valid UTF-8) at x,y; anchor 0 = start, 1 = middle, 2 = end. */
static void draw_text(cairo_t *cr, const char *s, double x, double y, int anchor)
{
    if (anchor != 0) {
        cairo_text_extents_t e;
        cairo_text_extents(cr, s, &e);
        x -= anchor == 1 ? e.x_advance / 2 : e.x_advance;
    }
    cairo_move_to(cr, x, y);
    cairo_show_text(cr, s);
}

static bool sanitized(const char *s, text_buf *buf, ghf_err *err)
{
    buf->n = 0;
    return text_sanitize(s, strlen(s), buf, err) && VEC_PUSH(buf, '\0', err);
}

/* The table under the graph: the largest frames at the base with their
 * weight, share of the graph and count, for a picture pasted in a ticket.
 * Columns are right-aligned, as wide as their widest cell. */
static bool draw_table(cairo_t *cr, const wtree *t, const layout *l, const geom *g, const render_opts *o,
                       const color_palette *pal, text_buf *buf, text_buf *fit, ghf_err *err)
{
    double f = o->font_size;
    bool bytes = strcmp(o->count_name, "bytes") == 0;
    char cell[GEOM_TABLE_MAX][3][48];
    double colw[3] = {0, 0, 0};
    for (int i = 0; i < g->table_rows; i++) {
        const wtree_node *n = &t->nodes.v[g->table[i]];
        if (bytes)
            render_human_bytes(n->total_bytes, cell[i][0], sizeof cell[i][0]);
        else
            wtree_group_digits(n->total_bytes, cell[i][0], sizeof cell[i][0]);
        render_share(n->total_bytes, l->total, cell[i][1], sizeof cell[i][1]);
        wtree_group_digits(n->total_count, cell[i][2], sizeof cell[i][2]);
        size_t cl = strlen(cell[i][2]);
        snprintf(cell[i][2] + cl, sizeof cell[i][2] - cl, " %s", o->show_objects ? "objects" : "stacks");
        for (int c = 0; c < 3; c++) {
            double w = text_width(cell[i][c], strlen(cell[i][c]), f);
            colw[c] = w > colw[c] ? w : colw[c];
        }
    }
    double right[3];
    right[2] = g->width - GEOM_XPAD;
    right[1] = right[2] - colw[2] - 2 * f;
    right[0] = right[1] - colw[1] - 2 * f;
    double name_x = GEOM_XPAD + 2.5 * f, name_w = right[0] - colw[0] - 2 * f - name_x;
    set_rgb(cr, pal->text);
    if (!sanitized(o->top_title ? o->top_title : "Largest frames at the base", buf, err))
        return false;
    draw_text(cr, buf->v, GEOM_XPAD, g->table_y, 0);
    for (int i = 0; i < g->table_rows; i++) {
        double y = g->table_y + (i + 1) * (f + 6);
        char rank[16], label[512];
        snprintf(rank, sizeof rank, "%d.", i + 1);
        wtree_label(t, g->table[i], label, sizeof label);
        buf->n = 0;
        if (!text_sanitize(label, strlen(label), buf, err) || !geom_fit_label(buf->v, buf->n, name_w + 6, f, fit, err))
            return false;
        set_rgb(cr, pal->subtle);
        draw_text(cr, rank, GEOM_XPAD + 2 * f, y, 2);
        set_rgb(cr, pal->text);
        draw_text(cr, fit->v, name_x, y, 0);
        for (int c = 0; c < 3; c++)
            draw_text(cr, cell[i][c], right[c], y, 2);
    }
    return true;
}

bool render_png(const wtree *t, const render_opts *o, FILE *fp, ghf_err *err)
{
    render_opts ro, po = *o;
    layout l;
    geom g;
    po.layout.max_hidden = 0; /* a picture cannot expand merged frames */
    if (!geom_prepare(t, &po, &ro, &l, &g, err))
        return false;
    int height = ro.png_height > 0 ? ro.png_height : (int)(g.height + 0.5);
    if (ro.width <= 0 || ro.width > 32767 || height <= 0 || height > 32767) {
        layout_free(&l);
        geom_free(&g);
        return ghf_fail(err, GHF_EXIT_USAGE, "PNG would be %dx%d pixels; cairo allows at most 32767 "
                        "(lower --height, raise --minwidth, or use SVG)", ro.width, height);
    }
    cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, ro.width, height);
    cairo_t *cr = cairo_create(surf);
    color_palette pal = color_theme_palette(ro.theme);
    text_buf buf = {0}, fit = {0}, num = {0};
    bool ok = true;

    cairo_pattern_t *bg = cairo_pattern_create_linear(0, 0, 0, height);
    cairo_pattern_add_color_stop_rgb(bg, 0.05, pal.background.r / 255.0, pal.background.g / 255.0,
                                     pal.background.b / 255.0);
    cairo_pattern_add_color_stop_rgb(bg, 0.95, pal.background2.r / 255.0, pal.background2.g / 255.0,
                                     pal.background2.b / 255.0);
    cairo_set_source(cr, bg);
    cairo_paint(cr);
    cairo_pattern_destroy(bg);

    /* A pinned family; fontconfig falls back to a similar sans if absent. */
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    cairo_set_font_options(cr, fo);
    cairo_font_options_destroy(fo);

    set_rgb(cr, pal.text);
    cairo_set_font_size(cr, g.title_size);
    if (ok && (ok = sanitized(ro.title ? ro.title : "Flame Graph", &buf, err)))
        draw_text(cr, buf.v, ro.width / 2.0, g.title_y, 1);
    cairo_set_font_size(cr, ro.font_size);
    if (ok && ro.subtitle && ro.subtitle[0] && (ok = sanitized(ro.subtitle, &buf, err))) {
        set_rgb(cr, pal.subtle);
        draw_text(cr, buf.v, ro.width / 2.0, g.subtitle_y, 1);
    }
    if (ok && l.capped) {
        set_rgb(cr, pal.subtle);
        char msg[128];
        snprintf(msg, sizeof msg, "(some frames omitted: more than %zu rectangles)", ro.layout.max_rects);
        draw_text(cr, msg, ro.width / 2.0, g.controls_y, 1);
    }

    for (size_t i = 0; ok && i < l.rects.n; i++) {
        const layout_rect *r = &l.rects.v[i];
        double x = geom_x(&g, r->x), w = (double)r->width * g.scale, y = geom_y(&g, &l, r);
        if (y > height)
            continue;
        set_rgb(cr, geom_rect_color(&l, r, &ro));
        cairo_rectangle(cr, x, y, w, g.frame_h - 1);
        cairo_fill(cr);
        buf.n = 0;
        const char *label = layout_label(&l, r);
        if (!(ok = text_sanitize(label, strlen(label), &buf, err)))
            break;
        /* A ticket's picture needs the numbers: bytes and share on every
         * frame wide enough to show them after its whole label. */
        if (!(ok = geom_frame_text(&l, r, ro.diff, ro.count_name, buf.v, buf.n, w, g.font, &num, &fit, err)))
            break;
        if (fit.n == 0)
            continue;
        set_rgb(cr, pal.frame_text);
        cairo_save(cr);
        cairo_rectangle(cr, x, y, w, g.frame_h);
        cairo_clip(cr);
        draw_text(cr, fit.v, x + 3, y + g.frame_h - 4.5, 0);
        cairo_restore(cr);
    }

    /* A differential graph's vanished frames, as in svg.c. */
    for (int i = 0; ok && i <= g.vanished_lines && g.vanished_lines > 0; i++) {
        char line[1536];
        uint32_t node;
        geom_vanished_line(&g, &ro, i, line, sizeof line, &node);
        if (!(ok = sanitized(line, &buf, err)))
            break;
        set_rgb(cr, i == 0 ? pal.subtle : pal.text);
        draw_text(cr, buf.v, GEOM_XPAD, g.vanished_y + i * (ro.font_size + 4), 0);
    }

    /* Legend, laid out exactly as in svg.c. */
    double lx = GEOM_XPAD, ly = g.legend_y;
    for (int i = 0; ok && i < g.nlegend; i++) {
        double w = geom_legend_item_width(g.legend[i].label, ro.font_size);
        if (lx + w > g.width - GEOM_XPAD && lx > GEOM_XPAD) {
            lx = GEOM_XPAD;
            ly += GEOM_LEGEND_SWATCH + 8;
        }
        set_rgb(cr, g.legend[i].color);
        cairo_rectangle(cr, lx, ly, GEOM_LEGEND_SWATCH, GEOM_LEGEND_SWATCH);
        cairo_fill(cr);
        set_rgb(cr, pal.text);
        draw_text(cr, g.legend[i].label, lx + GEOM_LEGEND_SWATCH + 4, ly + GEOM_LEGEND_SWATCH - 1, 0);
        lx += w;
    }

    if (ok && g.table_rows > 0)
        ok = draw_table(cr, t, &l, &g, &ro, &pal, &buf, &fit, err);

    cairo_destroy(cr);
    if (ok) {
        cairo_surface_flush(surf);
        png_sink sink = {fp, 0};
        if (cairo_surface_write_to_png_stream(surf, write_fp, &sink) != CAIRO_STATUS_SUCCESS)
            ok = ghf_fail(err, GHF_EXIT_OUTPUT, "cannot write PNG data: %s",
                          sink.errnum ? strerror(sink.errnum) : "cairo could not encode the image");
    }
    cairo_surface_destroy(surf);
    VEC_FREE(&buf);
    VEC_FREE(&fit);
    VEC_FREE(&num);
    layout_free(&l);
    geom_free(&g);
    return ok;
}
