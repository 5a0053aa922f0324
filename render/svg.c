/* svg.c — interactive SVG flame graph, written directly as text.
 *
 * Every string from the input passes text_sanitize() (valid UTF-8, no
 * control characters) and xml_escape(), so the output is always valid XML.
 * The script and style are render/flame.js and render/flame.css, embedded
 * at build time (render/embed.py -> flame_assets.h).
 */
#include <errno.h>
#include "render.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "geom.h"
#include "render/flame_assets.h"

/* Frames drawn as SVG elements, by the writer and by flame.js: Chromium
 * takes about a second per 4,000 frames to load (a 200,000-frame file
 * took a minute). */
#define SVG_STATIC_MAX 4000

static bool text_append(text_buf *out, const char *s, size_t n, ghf_err *err)
{
    if (!VEC_RESERVE(out, out->n + n, err))
        return false;
    memcpy(out->v + out->n, s, n);
    out->n += n;
    return true;
}

static void xml_escape(FILE *fp, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '&': fputs("&amp;", fp); break;
        case '<': fputs("&lt;", fp); break;
        case '>': fputs("&gt;", fp); break;
        case '"': fputs("&quot;", fp); break;
        case '\'': fputs("&apos;", fp); break;
        default: putc(s[i], fp); break;
        }
    }
}

/* Sanitize then escape a caller- or input-supplied string. */
static bool xml_text(FILE *fp, const char *s, text_buf *buf, ghf_err *err)
{
    buf->n = 0;
    if (!text_sanitize(s, strlen(s), buf, err))
        return false;
    xml_escape(fp, buf->v, buf->n);
    return true;
}

static void css_color(FILE *fp, const char *var, rgb c)
{
    char hex[8];
    color_hex(c, hex);
    fprintf(fp, "%s:%s;", var, hex);
}

static void write_header(FILE *fp, const layout *l, const geom *g, const render_opts *o)
{
    fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
                "<svg version=\"1.1\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%.0f\" "
                "viewBox=\"0 0 %d %.0f\"",
            o->width, g->height, o->width, g->height);
    fprintf(fp, " data-total=\"%" PRIu64 "\" data-xpad=\"%.0f\" data-fw=\"%.2f\" data-font=\"%.2f\""
                " data-objects=\"%d\" data-orient=\"%s\" data-cw=\"",
            l->total, GEOM_XPAD, o->width - 2 * GEOM_XPAD, o->font_size, o->show_objects ? 1 : 0,
            l->orient == LAYOUT_FLAME ? "flame" : "icicle");
    for (int i = 0; i < 95; i++)
        fprintf(fp, "%s%u", i ? "," : "", text_ascii_widths[i]);
    fprintf(fp, "\" data-cwo=\"%d\" data-ft=\"%.1f\" data-fh=\"%.1f\" data-md=\"%" PRIu32 "\" data-max=\"%d\">\n",
            TEXT_OTHER_WIDTH, g->frames_top, g->frame_h, l->max_depth, SVG_STATIC_MAX);
}

static bool write_unit_attr(FILE *fp, const render_opts *o, text_buf *buf, ghf_err *err)
{
    fputs("<desc id=\"unit\">", fp);
    if (!xml_text(fp, o->count_name ? o->count_name : "bytes", buf, err))
        return false;
    fputs("</desc>\n", fp);
    return true;
}

static void write_style(FILE *fp, const render_opts *o)
{
    color_palette p = color_theme_palette(o->theme);
    fputs("<style type=\"text/css\"><![CDATA[\n:root{", fp);
    css_color(fp, "--bg", p.background);
    css_color(fp, "--bg2", p.background2);
    css_color(fp, "--fg", p.text);
    css_color(fp, "--ft", p.frame_text);
    css_color(fp, "--sub", p.subtle);
    css_color(fp, "--hl", p.highlight);
    fputs("}\n", fp);
    fputs(flame_css, fp);
    fputs("]]></style>\n<script type=\"text/ecmascript\"><![CDATA[\n", fp);
    fputs(flame_js, fp);
    fputs("]]></script>\n", fp);
}

/* A shared frame's holders for its tooltip, appended to out (valid UTF-8,
 * the names sanitized): "\nheld by N roots:\n  a\n  b" and "\n  and M
 * more" past the ones listed; nothing for other frames. */
static bool holders_tip(const wtree *t, uint32_t node, text_buf *out, ghf_err *err)
{
    const wtree_holders *h = node != WTREE_NONE ? wtree_get_holders(t, node) : NULL;
    if (h == NULL)
        return true;
    char line[64], num[32];
    wtree_group_digits(h->total, num, sizeof num);
    int n = snprintf(line, sizeof line, "\nheld by %s roots:", num);
    bool ok = text_append(out, line, (size_t)n, err);
    const char *p = t->names.v + h->names;
    for (uint32_t i = 0; ok && i < h->nnames; i++) {
        size_t len = strcspn(p, "\n");
        ok = text_append(out, "\n  ", 3, err) && text_sanitize(p, len, out, err);
        p += len + (p[len] == '\n');
    }
    if (ok && h->total > h->nnames) {
        wtree_group_digits(h->total - h->nnames, num, sizeof num);
        n = snprintf(line, sizeof line, "\n  and %s more", num);
        ok = text_append(out, line, (size_t)n, err);
    }
    return ok;
}

static bool write_frame(FILE *fp, const wtree *t, const layout *l, const layout_rect *r, const geom *g,
                        const render_opts *o, const text_buf *unitbuf, text_buf *name, ghf_err *err)
{
    const char *label = layout_label(l, r);
    name->n = 0;
    if (!text_sanitize(label, strlen(label), name, err))
        return false;
    double x = geom_x(g, r->x), w = (double)r->width * g->scale, y = geom_y(g, l, r);
    char hex[8];
    color_hex(geom_rect_color(l, r, o), hex);
    char tb[32], sb[32];
    render_human_bytes(r->width, tb, sizeof tb);
    render_human_bytes(r->self, sb, sizeof sb);
    const char *unit = o->count_name ? o->count_name : "bytes";
    bool bytes = strcmp(unit, "bytes") == 0;
    double share = l->total ? 100.0 * (double)r->width / (double)l->total : 0;

    fputs("<g class=\"f\"", fp);
    fputs("><title>", fp);
    xml_escape(fp, name->v, name->n);
    /* Tooltip: full name; retained (total) weight with its share of the
     * heap and of the parent; shallow weight; the frame's own count (its
     * "×N") apart from the count retained under it. A differential graph's
     * frame gives OLD, NEW and the change instead. */
    const layout_rect *parent = r->parent != UINT32_MAX ? &l->rects.v[r->parent] : NULL;
    char of_parent[48] = "";
    if (parent != NULL && parent->width > 0)
        snprintf(of_parent, sizeof of_parent, ", %.2f%% of parent", 100.0 * (double)r->width / (double)parent->width);
    char tg[32], sg[32], cg[32], og[32];
    wtree_group_digits(r->width, tg, sizeof tg);
    wtree_group_digits(r->self, sg, sizeof sg);
    wtree_group_digits(r->count, cg, sizeof cg);
    wtree_group_digits(r->self_count, og, sizeof og);
    bool diff = o->diff && r->node != WTREE_NONE;
    if (diff) {
        char tip[512];
        geom_diff_tooltip(o->diff, r->node, unit, tip, sizeof tip);
        fputs("\n", fp);
        xml_escape(fp, tip, strlen(tip));
    } else if (bytes)
        fprintf(fp, "\nretained: %s bytes (%s), %.2f%% of all%s\nshallow: %s bytes (%s)", tg, tb, share,
                of_parent, sg, sb);
    else {
        fputs("\n", fp);
        xml_escape(fp, unitbuf->v, unitbuf->n);
        fprintf(fp, ": %s total, %.2f%% of all%s; %s self", tg, share, of_parent, sg);
    }
    if (!diff && o->show_objects)
        fprintf(fp, "\nown objects: %s; retained objects: %s", og, cg);
    else if (!diff)
        fprintf(fp, "\nstacks: %s", cg);
    if (r->kind == WTREE_KIND_MORE)
        fprintf(fp, "\n%" PRIu32 " frames merged%s", r->merged,
                r->expanded ? "; click to expand" : "; not kept (over the limit of collapsed frames)");
    if (!diff) {
        text_buf held = {0};
        bool hok = holders_tip(t, r->node, &held, err);
        xml_escape(fp, held.v, held.n);
        VEC_FREE(&held);
        if (!hok)
            return false;
    }
    fprintf(fp, "</title><rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\" fill=\"%s\"/>", x, y, w,
            g->frame_h - 1, hex);
    text_buf fit = {0}, scratch = {0};
    bool ok = geom_frame_text(l, r, o->diff, unit, name->v, name->n, w, g->font, &scratch, &fit, err);
    VEC_FREE(&scratch);
    if (!ok) {
        VEC_FREE(&fit);
        return false;
    }
    fprintf(fp, "<text x=\"%.2f\" y=\"%.1f\">", x + 3, y + g->frame_h - 4.5);
    xml_escape(fp, fit.v, fit.n);
    VEC_FREE(&fit);
    fputs("</text></g>\n", fp);
    return !ferror(fp) || ghf_fail(err, GHF_EXIT_OUTPUT, "cannot write the SVG: %s", strerror(errno ? errno : EIO));
}

/* A differential graph's vanished frames, each line's tooltip its figures. */
static bool write_vanished(FILE *fp, const geom *g, const render_opts *o, text_buf *buf, ghf_err *err)
{
    if (g->vanished_lines == 0)
        return true;
    fputs("<g id=\"vanished\">\n", fp);
    for (int i = 0; i <= g->vanished_lines; i++) {
        char line[1536], tip[512] = "";
        uint32_t node;
        geom_vanished_line(g, o, i, line, sizeof line, &node);
        fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\"%s>", GEOM_XPAD, g->vanished_y + i * (o->font_size + 4),
                i == 0 ? " style=\"fill:var(--sub)\"" : "");
        if (!xml_text(fp, line, buf, err))
            return false;
        if (node != WTREE_NONE) {
            geom_diff_tooltip(o->diff, node, o->count_name, tip, sizeof tip);
            fputs("<title>", fp);
            if (!xml_text(fp, line, buf, err))
                return false;
            fputs("\n", fp);
            xml_escape(fp, tip, strlen(tip));
            fputs("</title>", fp);
        }
        fputs("</text>\n", fp);
    }
    fputs("</g>\n", fp);
    return true;
}

/* JSON string body of sanitized UTF-8 s: '<', '>' and '&' as \u escapes,
 * so the text is also inert inside the CDATA section that holds it. */
static void json_str(FILE *fp, const char *s, size_t n)
{
    putc('"', fp);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            fprintf(fp, "\\%c", c);
        else if (c == '<' || c == '>' || c == '&' || c < 0x20)
            fprintf(fp, "\\u%04x", c);
        else
            putc(c, fp);
    }
    putc('"', fp);
}

/* Field `k` of rectangle r as the data block carries it. */
static uint64_t data_field(const layout_rect *r, int k)
{
    switch (k) {
    case 'x': return r->x;
    case 'w': return r->width;
    case 'd': return r->depth;
    case 's': return r->self;
    case 'c': return r->count;
    case 'o': return r->self_count;
    case 'p': return r->parent == UINT32_MAX ? 0 : (uint64_t)r->parent + 1; /* 0: none */
    case 'r': return r->reveal == LAYOUT_SHOWN ? 0 : (uint64_t)r->reveal + 1;
    case 'm': return r->kind == WTREE_KIND_MORE ? (r->expanded ? 2 : 1) : 0;
    case 'n': return r->merged;
    default: return 0;
    }
}

/* Every rectangle, shown and collapsed, as columns of one JSON object that
 * flame.js draws from (only what is visible at the current zoom becomes
 * DOM, so a graph of 200,000 rectangles stays quick). Dense columns hold a
 * value per rectangle; the mostly-zero ones (r, m, n) list "index, value"
 * pairs of the others; colours are indices into the palette K. */
static bool write_data(FILE *fp, const wtree *t, const layout *l, const render_opts *o, text_buf *buf, ghf_err *err)
{
    const char *dense = o->show_objects ? "xwdscop" : "xwdscp";
    fputs("<script type=\"application/json\" id=\"ghf-data\"><![CDATA[{", fp);
    for (const char *k = dense; *k; k++) {
        fprintf(fp, "%s\"%c\":[", k != dense ? "," : "", *k);
        for (size_t i = 0; i < l->rects.n; i++)
            fprintf(fp, i ? ",%" PRIu64 : "%" PRIu64, data_field(&l->rects.v[i], *k));
        putc(']', fp);
    }
    for (const char *k = "rmn"; *k; k++) {
        fprintf(fp, ",\"%c\":[", *k);
        bool first = true;
        for (size_t i = 0; i < l->rects.n; i++) {
            uint64_t v = data_field(&l->rects.v[i], *k);
            if (v == 0)
                continue;
            fprintf(fp, "%s%zu,%" PRIu64, first ? "" : ",", i, v);
            first = false;
        }
        putc(']', fp);
    }
    /* Palette: colour -> index + 1 in an open-addressing table. */
    size_t cap = 64;
    while (cap < 2 * l->rects.n)
        cap *= 2;
    uint32_t *slot = calloc(cap, sizeof *slot);
    uint32_t *index = malloc(l->rects.n * sizeof *index);
    VEC(uint32_t) pal = {0};
    bool ok = slot != NULL && index != NULL;
    if (!ok)
        ghf_fail(err, GHF_EXIT_INTERNAL, "out of memory for the SVG palette");
    for (size_t i = 0; ok && i < l->rects.n; i++) {
        rgb c = geom_rect_color(l, &l->rects.v[i], o);
        uint32_t key = (uint32_t)c.r << 16 | (uint32_t)c.g << 8 | c.b;
        size_t h = (key * 2654435761u) & (cap - 1);
        while (slot[h] != 0 && pal.v[slot[h] - 1] != key)
            h = (h + 1) & (cap - 1);
        if (slot[h] == 0) {
            ok = VEC_PUSH(&pal, key, err);
            slot[h] = (uint32_t)pal.n;
        }
        index[i] = slot[h] - 1;
    }
    if (ok) {
        fputs(",\"K\":[", fp);
        for (size_t j = 0; j < pal.n; j++)
            fprintf(fp, "%s\"#%06x\"", j ? "," : "", pal.v[j]);
        fputs("],\"k\":[", fp);
        for (size_t i = 0; i < l->rects.n; i++)
            fprintf(fp, i ? ",%u" : "%u", index[i]);
        fputs("],\"t\":[", fp);
    }
    free(slot);
    free(index);
    VEC_FREE(&pal);
    for (size_t i = 0; ok && i < l->rects.n; i++) {
        const char *label = layout_label(l, &l->rects.v[i]);
        buf->n = 0;
        if (!text_sanitize(label, strlen(label), buf, err))
            return false;
        if (i)
            putc(',', fp);
        json_str(fp, buf->v, buf->n);
    }
    if (ok && !o->diff) { /* shared frames' holders: "index, tooltip lines" pairs */
        fputs("],\"H\":[", fp);
        bool first = true;
        for (size_t i = 0; i < l->rects.n; i++) {
            buf->n = 0;
            if (!holders_tip(t, l->rects.v[i].node, buf, err))
                return false;
            if (buf->n == 0)
                continue;
            fprintf(fp, "%s%zu,", first ? "" : ",", i);
            json_str(fp, buf->v, buf->n);
            first = false;
        }
    }
    if (ok && o->diff) { /* a differential graph: each frame's OLD/NEW/delta tooltip lines ("": none) */
        fputs("],\"T\":[", fp);
        for (size_t i = 0; i < l->rects.n; i++) {
            char tip[512] = "";
            if (l->rects.v[i].node != WTREE_NONE)
                geom_diff_tooltip(o->diff, l->rects.v[i].node, o->count_name, tip, sizeof tip);
            if (i)
                putc(',', fp);
            json_str(fp, tip, strlen(tip));
        }
        fputs("],\"D\":[", fp); /* and the change in bytes, for the numbers on frames */
        for (size_t i = 0; i < l->rects.n; i++) {
            uint32_t node = l->rects.v[i].node;
            fprintf(fp, i ? ",%" PRId64 : "%" PRId64, node != WTREE_NONE ? wdiff_delta_bytes(o->diff, node) : 0);
        }
    }
    if (ok)
        fputs("]}]]></script>\n", fp);
    return ok;
}

static void write_legend(FILE *fp, const geom *g, const render_opts *o)
{
    if (g->nlegend == 0)
        return;
    fputs("<g id=\"legend\">\n", fp);
    double x = GEOM_XPAD, y = g->legend_y;
    for (int i = 0; i < g->nlegend; i++) {
        double w = geom_legend_item_width(g->legend[i].label, o->font_size);
        if (x + w > g->width - GEOM_XPAD && x > GEOM_XPAD) {
            x = GEOM_XPAD;
            y += GEOM_LEGEND_SWATCH + 8;
        }
        char hex[8];
        color_hex(g->legend[i].color, hex);
        fprintf(fp, "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.0f\" height=\"%.0f\" fill=\"%s\"/>"
                    "<text x=\"%.2f\" y=\"%.1f\">",
                x, y, GEOM_LEGEND_SWATCH, GEOM_LEGEND_SWATCH, hex, x + GEOM_LEGEND_SWATCH + 4,
                y + GEOM_LEGEND_SWATCH - 1);
        const char *s = g->legend[i].label;
        xml_escape(fp, s, strlen(s));
        fputs("</text>\n", fp);
        x += w;
    }
    fputs("</g>\n", fp);
}

bool render_svg(const wtree *t, const render_opts *o, FILE *fp, ghf_err *err)
{
    render_opts ro, so = *o;
    layout l;
    geom g;
    so.top_rows = 0; /* the table is for the PNG; the SVG has its tooltips */
    if (!geom_prepare(t, &so, &ro, &l, &g, err))
        return false;
    text_buf buf = {0}, unitbuf = {0};
    bool ok = text_sanitize(ro.count_name, strlen(ro.count_name), &unitbuf, err);

    write_header(fp, &l, &g, &ro);
    ok = ok && write_unit_attr(fp, &ro, &buf, err);
    write_style(fp, &ro);
    color_palette pal = color_theme_palette(ro.theme);
    char bg1[8], bg2[8];
    color_hex(pal.background, bg1);
    color_hex(pal.background2, bg2);
    fprintf(fp, "<defs><linearGradient id=\"bgg\" y1=\"0\" y2=\"1\" x1=\"0\" x2=\"0\">"
                "<stop stop-color=\"%s\" offset=\"5%%\"/><stop stop-color=\"%s\" offset=\"95%%\"/>"
                "</linearGradient></defs>\n"
                "<rect class=\"bg\" x=\"0\" y=\"0\" width=\"%d\" height=\"%.0f\" fill=\"url(#bgg)\"/>\n",
            bg1, bg2, ro.width, g.height);
    fprintf(fp, "<text id=\"title\" x=\"%.1f\" y=\"%.1f\"", ro.width / 2.0, g.title_y);
    if (g.title_size != GEOM_TITLE_SIZE)
        fprintf(fp, " style=\"font-size:%.1fpx\"", g.title_size);
    fputs(">", fp);
    ok = ok && xml_text(fp, ro.title ? ro.title : "Flame Graph", &buf, err);
    fputs("</text>\n", fp);
    if (ok && ro.subtitle && ro.subtitle[0]) {
        fprintf(fp, "<text id=\"subtitle\" x=\"%.1f\" y=\"%.1f\">", ro.width / 2.0, g.subtitle_y);
        ok = xml_text(fp, ro.subtitle, &buf, err);
        fputs("</text>\n", fp);
    }
    fprintf(fp, "<text id=\"unzoom\" class=\"btn hide\" x=\"%.1f\" y=\"%.1f\">Reset Zoom</text>\n"
                "<text id=\"search\" class=\"btn\" x=\"%.1f\" y=\"%.1f\">Search</text>\n"
                "<text id=\"ignorecase\" class=\"btn\" x=\"%.1f\" y=\"%.1f\">ic</text>\n"
                "<text id=\"details\" x=\"%.1f\" y=\"%.1f\"> </text>\n"
                "<text id=\"matched\" x=\"%.1f\" y=\"%.1f\"> </text>\n",
            GEOM_XPAD, g.controls_y, ro.width - GEOM_XPAD - 110, g.controls_y, ro.width - GEOM_XPAD - 16,
            g.controls_y, GEOM_XPAD, g.details_y, ro.width - GEOM_XPAD, g.details_y);
    /* The search box (Ctrl-F or Search): searches as one types. */
    fprintf(fp, "<foreignObject id=\"searchbox\" class=\"hide\" x=\"%.1f\" y=\"%.1f\" width=\"%d\" height=\"%.0f\">"
                "<input xmlns=\"http://www.w3.org/1999/xhtml\" id=\"q\" type=\"text\" spellcheck=\"false\" "
                "placeholder=\"regular expression\" aria-label=\"Search (regular expression)\"/></foreignObject>\n",
            ro.width - GEOM_XPAD - 330, g.controls_y - ro.font_size - 4, 210, ro.font_size + 8);
    /* The note under the title: frames the layout left out (capped), and
     * frames flame.js does not draw in the current view (too many). */
    fprintf(fp, "<text id=\"capped\" x=\"%.1f\" y=\"%.1f\">", ro.width / 2.0, g.controls_y);
    if (l.capped)
        fprintf(fp, "(some frames omitted: more than %zu rectangles)", ro.layout.max_rects);
    fputs("<tspan id=\"narrow\"> </tspan></text>\n", fp);
    /* The picture without script (an <img>, a viewer): the shown frames,
     * all of them when there are few, else the first SVG_STATIC_MAX at
     * least 1 px wide (breadth first, so a frame's parent is drawn too).
     * flame.js replaces them with its own drawing of the same view. */
    fputs("<g id=\"frames\">\n", fp);
    double static_min = l.nshown > SVG_STATIC_MAX ? 1.0 : 0.0;
    for (size_t i = 0, nstatic = 0; ok && i < l.nshown && nstatic < SVG_STATIC_MAX; i++) {
        if ((double)l.rects.v[i].width * g.scale < static_min)
            continue;
        ok = write_frame(fp, t, &l, &l.rects.v[i], &g, &ro, &unitbuf, &buf, err);
        nstatic++;
    }
    fputs("</g>\n", fp);
    ok = ok && write_vanished(fp, &g, &ro, &buf, err);
    ok = ok && write_data(fp, t, &l, &ro, &buf, err);
    write_legend(fp, &g, &ro);
    fputs("</svg>\n", fp);
    if (ok && ferror(fp))
        ok = ghf_fail(err, GHF_EXIT_OUTPUT, "cannot write the SVG: %s", strerror(errno ? errno : EIO));
    VEC_FREE(&buf);
    VEC_FREE(&unitbuf);
    layout_free(&l);
    geom_free(&g);
    return ok;
}
