/* geom.c — page geometry shared by svg.c and png.c. */
#include "geom.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

rgb geom_rect_color(const layout *l, const layout_rect *r, const render_opts *o)
{
    if (o->diff)
        return color_diff(r->node == WTREE_NONE ? 0 : wdiff_ratio(o->diff, r->node), o->theme);
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

bool geom_frame_text(const layout *l, const layout_rect *r, const wdiff *diff, const char *unit, const char *label,
                     size_t n, double width_px, double font, text_buf *scratch, text_buf *out, ghf_err *err)
{
    char num[96], w[48], share[24];
    int nn;
    if (diff && r->node != WTREE_NONE) { /* the change, not the share */
        int64_t delta = wdiff_delta_bytes(diff, r->node);
        render_human_bytes(delta < 0 ? (uint64_t)0 - (uint64_t)delta : (uint64_t)delta, w, sizeof w);
        nn = snprintf(num, sizeof num, " \xc2\xb7 %s%s", delta > 0 ? "+" : delta < 0 ? "\xe2\x88\x92" : "\xc2\xb1", w);
    } else {
        if (strcmp(unit, "bytes") == 0)
            render_human_bytes(r->width, w, sizeof w);
        else
            snprintf(w, sizeof w, "%llu %s", (unsigned long long)r->width, unit);
        render_share(r->width, l->total, share, sizeof share);
        nn = snprintf(num, sizeof num, " \xc2\xb7 %s, %s", w, share);
    }
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

double geom_legend_item_width(const char *label, double font)
{
    return GEOM_LEGEND_SWATCH + 4 + text_width(label, strlen(label), font) + 16;
}

/* "1,234 bytes (1.2 KiB)": an exact figure, and its human form for bytes. */
static void figure(uint64_t v, const char *sign, const char *unit, char *buf, size_t cap)
{
    char digits[32], human[32];
    wtree_group_digits(v, digits, sizeof digits);
    if (strcmp(unit, "bytes") == 0) {
        render_human_bytes(v, human, sizeof human);
        snprintf(buf, cap, "%s%s bytes (%s%s)", sign, digits, sign, human);
    } else {
        snprintf(buf, cap, "%s%s %s", sign, digits, unit);
    }
}

void geom_diff_tooltip(const wdiff *d, uint32_t node, const char *unit, char *buf, size_t cap)
{
    const wtree_node *n = &d->t.nodes.v[node];
    const wdiff_side *o = &d->old.v[node];
    const char *minus = "\xe2\x88\x92"; /* U+2212 */
    char ob[96], nb[96], db[96], oc[32], nc[32], dc[32];
    int64_t delta = wdiff_delta_bytes(d, node), dcount = wdiff_delta_count(d, node);
    figure(o->total_bytes, "", unit, ob, sizeof ob);
    figure(n->total_bytes, "", unit, nb, sizeof nb);
    figure(delta < 0 ? (uint64_t)0 - (uint64_t)delta : (uint64_t)delta, delta > 0 ? "+" : delta < 0 ? minus : "",
           unit, db, sizeof db);
    char pct[48] = "";
    if (o->total_bytes > 0 && delta != 0)
        snprintf(pct, sizeof pct, ", %+.1f%%", 100.0 * (double)delta / (double)o->total_bytes);
    else if (o->total_bytes == 0 && n->total_bytes > 0)
        snprintf(pct, sizeof pct, ", new");
    else if (n->total_bytes == 0 && o->total_bytes > 0)
        snprintf(pct, sizeof pct, ", vanished");
    if (!d->t.objects) { /* folded input: a count is lines, not objects */
        snprintf(buf, cap, "old: %s\nnew: %s\ndelta: %s%s", ob, nb, db, pct);
        return;
    }
    wtree_group_digits(o->total_count, oc, sizeof oc);
    wtree_group_digits(n->total_count, nc, sizeof nc);
    wtree_group_digits(dcount < 0 ? (uint64_t)0 - (uint64_t)dcount : (uint64_t)dcount, dc, sizeof dc);
    snprintf(buf, cap, "old: %s, %s objects\nnew: %s, %s objects\ndelta: %s%s, %s%s objects", ob, oc, nb, nc, db, pct,
             dcount > 0 ? "+" : dcount < 0 ? minus : "", dc);
}

void geom_vanished_line(const geom *g, const render_opts *o, int i, char *buf, size_t cap, uint32_t *node)
{
    *node = WTREE_NONE;
    const char *oldn = o->old_name ? o->old_name : "OLD", *newn = o->new_name ? o->new_name : "NEW";
    size_t n = g->vanished.n;
    if (i == 0) {
        snprintf(buf, cap, "Vanished: %zu frame%s retained bytes in %s and none in %s (not drawn above), largest first:",
                 n, n == 1 ? "" : "s", oldn, newn);
        return;
    }
    size_t k = (size_t)i - 1;
    if (i == g->vanished_lines && n > (size_t)g->vanished_lines) {
        snprintf(buf, cap, "\xe2\x80\xa6 and %zu more (goheapflame diff --json lists them all)",
                 n - (size_t)g->vanished_lines + 1);
        return;
    }
    *node = g->vanished.v[k];
    const wdiff_side *s = &o->diff->old.v[*node];
    char human[64], count[48] = "", path[1024];
    const char *unit = o->count_name ? o->count_name : "bytes";
    if (strcmp(unit, "bytes") == 0)
        render_human_bytes(s->total_bytes, human, sizeof human);
    else
        snprintf(human, sizeof human, "%" PRIu64 " %s", s->total_bytes, unit);
    if (o->diff->t.objects) {
        char digits[32];
        wtree_group_digits(s->total_count, digits, sizeof digits);
        snprintf(count, sizeof count, "  (%s objects)", digits);
    }
    wdiff_path(o->diff, *node, " \xe2\x96\xb8 ", path, sizeof path); /* U+25B8 */
    snprintf(buf, cap, "\xe2\x88\x92%s  %s%s", human, path, count);
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
    wdiff_list vanished = g->vanished; /* computed by geom_prepare */
    memset(g, 0, sizeof *g);
    g->vanished = vanished;
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
    if (o->diff && g->vanished.n > 0) {
        g->vanished_lines = g->vanished.n > GEOM_VANISHED_ROWS ? GEOM_VANISHED_ROWS : (int)g->vanished.n;
        g->vanished_y = y + o->font_size + 8;
        y = g->vanished_y + g->vanished_lines * (o->font_size + 4);
    }
    if (o->legend && o->diff) {
        static const struct { const char *label; double ratio; } keys[] = {
            {"grew a lot, or new", 1}, {"grew a little", 0.1}, {"unchanged", 0},
            {"shrank a little", -0.1}, {"shrank a lot", -1}};
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            g->legend[g->nlegend++] = (struct geom_legend_item){keys[k].label, color_diff(keys[k].ratio, o->theme)};
    } else if (o->legend && o->colors == COLOR_TYPE) {
        bool seen[CAT__COUNT] = {0};
        for (size_t i = 0; i < l->rects.n; i++) {
            const layout_rect *r = &l->rects.v[i];
            seen[color_category(l->labels.v + r->name, r->kind, r->type_kind, r->parent == UINT32_MAX)] = true;
        }
        for (int c = 0; c < CAT__COUNT; c++)
            if (seen[c] && c != CAT_ALL)
                g->legend[g->nlegend++] = (struct geom_legend_item){
                    color_category_label((enum color_cat)c), color_category_base((enum color_cat)c, o->colors, o->theme)};
    }
    if (g->nlegend > 0) { /* rows of legend items, wrapping at the page width */
        double x = GEOM_XPAD;
        int rows = 1;
        for (int i = 0; i < g->nlegend; i++) {
            double w = geom_legend_item_width(g->legend[i].label, o->font_size);
            if (x + w > g->width - GEOM_XPAD && x > GEOM_XPAD) {
                rows++;
                x = GEOM_XPAD;
            }
            x += w;
        }
        g->legend_y = y + 10;
        y = g->legend_y + rows * (GEOM_LEGEND_SWATCH + 8);
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
    memset(g, 0, sizeof *g);
    if (!layout_build(t, &ro->layout, l, err))
        return false;
    if (ro->diff && !wdiff_vanished(ro->diff, &g->vanished, err)) {
        layout_free(l);
        return false;
    }
    geom_compute(t, l, ro, g);
    return true;
}

void geom_free(geom *g)
{
    VEC_FREE(&g->vanished);
}
