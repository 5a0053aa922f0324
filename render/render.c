/* render.c — options, format dispatch and number formatting shared by the
 * back ends. */
#include "render.h"

#include <inttypes.h>
#include <string.h>

void render_human_bytes(uint64_t v, char *out, size_t cap)
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    if (v < 1024) {
        snprintf(out, cap, "%" PRIu64 " B", v);
        return;
    }
    double d = (double)v;
    int u = -1;
    while (d >= 1024 && u < 5) {
        d /= 1024;
        u++;
    }
    snprintf(out, cap, "%.1f %s", d, units[u]);
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
