/* render.c — options, format dispatch and number formatting shared by the
 * back ends. */
#include "render.h"

#include <inttypes.h>
#include <string.h>

/* v / d to one decimal, rounded half up, in integers so that flame.js
 * (human(), pct()) prints the very same digits. */
static uint64_t tenths(uint64_t v, uint64_t d)
{
    return (uint64_t)(((unsigned __int128)v * 10 + d / 2) / d);
}

void render_human_bytes(uint64_t v, char *out, size_t cap)
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    if (v < 1024) {
        snprintf(out, cap, "%" PRIu64 " B", v);
        return;
    }
    int u = 0;
    uint64_t d = 1024;
    while (u < 5 && v / d >= 1024) {
        d *= 1024;
        u++;
    }
    uint64_t t = tenths(v, d);
    snprintf(out, cap, "%" PRIu64 ".%" PRIu64 " %s", t / 10, t % 10, units[u]);
}

void render_share(uint64_t part, uint64_t whole, char *out, size_t cap)
{
    uint64_t t = whole ? (uint64_t)(((unsigned __int128)part * 1000 + whole / 2) / whole) : 0;
    snprintf(out, cap, "%" PRIu64 ".%" PRIu64 "%%", t / 10, t % 10);
}

bool render_tree(const wtree *t, enum render_format f, const render_opts *o, FILE *fp, ghf_err *err)
{
    return f == RENDER_PNG ? render_png(t, o, fp, err) : render_svg(t, o, fp, err);
}

void render_opts_default(render_opts *o)
{
    memset(o, 0, sizeof *o);
    layout_opts_default(&o->layout);
    o->colors = COLOR_TYPE;
    o->theme = THEME_LIGHT;
    o->title = "Flame Graph";
    o->count_name = "bytes";
    o->legend = true;
    o->width = RENDER_DEFAULT_WIDTH;
    o->frame_height = RENDER_DEFAULT_FRAME_HEIGHT;
    o->font_size = RENDER_DEFAULT_FONT_SIZE;
}
