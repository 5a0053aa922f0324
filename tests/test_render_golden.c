/* Golden tests for the renderer: fixed inputs under tests/render/ drawn with
 * fixed options and compared with golden/: SVG byte for byte, PNG pixel by
 * pixel with a small tolerance (anti-aliasing may differ between cairo and
 * freetype versions). On a PNG mismatch a diff image (differing pixels in
 * red over a faded copy) is written to the build directory.
 * GHF_BLESS=1 rewrites the goldens instead of comparing.
 * GHF_SOURCE_DIR and GHF_BUILD_DIR are set by tests/meson.build. */
#include <cairo.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "folded.h"
#include "render.h"
#include "wdiff.h"

typedef struct golden_case {
    const char *name;   /* golden/NAME.svg, golden/NAME.png */
    const char *input;  /* tests/render/INPUT.folded */
    void (*tweak)(render_opts *o);
    const char *old_input; /* non-NULL: a differential graph, OLD_INPUT -> INPUT */
} golden_case;

static void t_small(render_opts *o) { o->subtitle = "small.folded: a few Go types"; }
static void t_table(render_opts *o)
{
    t_small(o);
    o->top_rows = 5;
    o->top_title = "Largest roots by retained bytes";
}
static void t_dark(render_opts *o) { t_small(o); o->theme = THEME_DARK; }
static void t_icicle(render_opts *o) { t_small(o); o->layout.orient = LAYOUT_ICICLE; }
static void t_deep(render_opts *o) { o->title = "deep: 80 frames"; }
static void t_wide(render_opts *o) { o->title = "wide, sorted by size"; o->layout.sort = LAYOUT_SORT_SIZE; }
static void t_escape(render_opts *o) { o->title = "<escape> & \"quotes\" 'apos'"; o->subtitle = "ctl\x01 bad\xff"; }
static void t_pruning(render_opts *o) { o->title = "pruning: --minwidth 4"; o->layout.min_width_px = 4; }
static void t_capped(render_opts *o) { o->title = "capped at 40 rectangles"; o->layout.max_rects = 40; }
static void t_cpu(render_opts *o)
{
    o->title = "CPU profile (stackcollapse-perf)";
    o->count_name = "samples";
    o->colors = COLOR_PACKAGE;
}

static void t_diff(render_opts *o)
{
    o->title = "What grew: render --diff";
    o->subtitle = "diff_old.folded \xe2\x86\x92 diff_new.folded";
}
static void t_diff_dark(render_opts *o) { t_diff(o); o->theme = THEME_DARK; }

static const golden_case cases[] = {
    {"small", "small", t_small, NULL},
    {"small_dark", "small", t_dark, NULL},
    {"small_icicle", "small", t_icicle, NULL},
    {"deep", "deep", t_deep, NULL},
    {"wide", "wide", t_wide, NULL},
    {"escape", "escape", t_escape, NULL},
    {"pruning", "pruning", t_pruning, NULL},
    {"capped", "wide", t_capped, NULL},
    {"cpu", "cpu", t_cpu, NULL},
    {"diff", "diff_new", t_diff, "diff_old"},
    {"diff_dark", "diff_new", t_diff_dark, "diff_old"},
    {"small_table", "small", t_table, NULL},
};

static const char *env_dir(const char *var)
{
    const char *d = getenv(var);
    cr_assert_not_null(d, "%s must be set (tests/meson.build does)", var);
    return d;
}

static void load(const char *name, wtree *t)
{
    char in[4096];
    snprintf(in, sizeof in, "%s/tests/render/%s.folded", env_dir("GHF_SOURCE_DIR"), name);
    ghf_err err = {0};
    cr_assert(wtree_init(t, &err));
    cr_assert(folded_load(t, in, NULL, &err), "%s", err.msg);
}

static void render_case(const golden_case *c, enum render_format f, char **data, size_t *len)
{
    wtree t, old;
    wdiff d;
    ghf_err err = {0};
    load(c->input, &t);
    render_opts o;
    render_opts_default(&o);
    c->tweak(&o);
    const wtree *draw = &t;
    if (c->old_input) {
        load(c->old_input, &old);
        cr_assert(wdiff_build(&d, &old, &t, &err), "%s", err.msg);
        o.diff = &d;
        o.old_name = "diff_old.folded";
        o.new_name = "diff_new.folded";
        draw = &d.t;
    }
    FILE *fp = open_memstream(data, len);
    cr_assert_not_null(fp);
    cr_assert(render_tree(draw, f, &o, fp, &err), "%s", err.msg);
    cr_assert_eq(fclose(fp), 0);
    if (c->old_input) {
        wdiff_free(&d);
        wtree_free(&old);
    }
    wtree_free(&t);
}

static bool read_file(const char *path, char **data, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return false;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    *data = malloc((size_t)n + 1);
    *len = fread(*data, 1, (size_t)n, fp);
    fclose(fp);
    return *len == (size_t)n;
}

static void write_file(const char *path, const char *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    cr_assert_not_null(fp, "cannot write %s", path);
    cr_assert_eq(fwrite(data, 1, len, fp), len);
    cr_assert_eq(fclose(fp), 0);
}

static bool blessing(void)
{
    const char *b = getenv("GHF_BLESS");
    return b != NULL && strcmp(b, "1") == 0;
}

static void check_svg(const golden_case *c)
{
    char *got = NULL, *want = NULL;
    size_t glen = 0, wlen = 0;
    render_case(c, RENDER_SVG, &got, &glen);
    char path[4096];
    snprintf(path, sizeof path, "%s/golden/%s.svg", env_dir("GHF_SOURCE_DIR"), c->name);
    if (blessing()) {
        write_file(path, got, glen);
        free(got);
        return;
    }
    cr_assert(read_file(path, &want, &wlen), "missing golden %s (run with GHF_BLESS=1)", path);
    if (glen != wlen || memcmp(got, want, glen) != 0) {
        char out[4096];
        snprintf(out, sizeof out, "%s/golden-%s.got.svg", env_dir("GHF_BUILD_DIR"), c->name);
        write_file(out, got, glen);
        cr_assert_fail("%s differs from %s (got: %s)", c->name, path, out);
    }
    free(got);
    free(want);
}

static cairo_status_t read_mem(void *closure, unsigned char *data, unsigned int len)
{
    struct { const char *p; size_t n; } *m = closure;
    if (len > m->n)
        return CAIRO_STATUS_READ_ERROR;
    memcpy(data, m->p, len);
    m->p += len;
    m->n -= len;
    return CAIRO_STATUS_SUCCESS;
}

/* Channel difference above which a pixel counts as different, and how many
 * such pixels (per mille of the image) are tolerated. */
#define PNG_CHANNEL_TOLERANCE 40
#define PNG_MAX_DIFF_PERMILLE 2

static void check_png(const golden_case *c)
{
    char *got;
    size_t glen;
    render_case(c, RENDER_PNG, &got, &glen);
    char path[4096];
    snprintf(path, sizeof path, "%s/golden/%s.png", env_dir("GHF_SOURCE_DIR"), c->name);
    if (blessing()) {
        write_file(path, got, glen);
        free(got);
        return;
    }
    struct { const char *p; size_t n; } mem = {got, glen};
    cairo_surface_t *g = cairo_image_surface_create_from_png_stream(read_mem, &mem);
    cairo_surface_t *w = cairo_image_surface_create_from_png(path);
    cr_assert_eq(cairo_surface_status(g), CAIRO_STATUS_SUCCESS);
    cr_assert_eq(cairo_surface_status(w), CAIRO_STATUS_SUCCESS, "missing golden %s (run with GHF_BLESS=1)", path);
    int width = cairo_image_surface_get_width(g), height = cairo_image_surface_get_height(g);
    cr_assert_eq(width, cairo_image_surface_get_width(w), "%s: PNG width changed", c->name);
    cr_assert_eq(height, cairo_image_surface_get_height(w), "%s: PNG height changed", c->name);
    cairo_surface_flush(g);
    cairo_surface_flush(w);
    cairo_surface_t *d = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
    unsigned char *gp = cairo_image_surface_get_data(g), *wp = cairo_image_surface_get_data(w),
                  *dp = cairo_image_surface_get_data(d);
    int gs = cairo_image_surface_get_stride(g), ws = cairo_image_surface_get_stride(w),
        ds = cairo_image_surface_get_stride(d);
    long bad = 0;
    for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++) {
            const unsigned char *a = gp + y * gs + x * 4, *b = wp + y * ws + x * 4;
            unsigned char *o = dp + y * ds + x * 4;
            int worst = 0;
            for (int k = 0; k < 3; k++) {
                int diff = abs(a[k] - b[k]);
                if (diff > worst)
                    worst = diff;
            }
            if (worst > PNG_CHANNEL_TOLERANCE) {
                bad++;
                o[0] = 0, o[1] = 0, o[2] = 255; /* BGRx: red */
            } else {
                for (int k = 0; k < 3; k++)
                    o[k] = (unsigned char)(192 + b[k] / 4);
            }
            o[3] = 255;
        }
    cairo_surface_mark_dirty(d);
    long allowed = (long)width * height * PNG_MAX_DIFF_PERMILLE / 1000;
    if (bad > allowed) {
        char out[4096], gotp[4096];
        snprintf(out, sizeof out, "%s/golden-%s.diff.png", env_dir("GHF_BUILD_DIR"), c->name);
        snprintf(gotp, sizeof gotp, "%s/golden-%s.got.png", env_dir("GHF_BUILD_DIR"), c->name);
        cairo_surface_write_to_png(d, out);
        write_file(gotp, got, glen);
        cr_assert_fail("%s: %ld pixels differ (allowed %ld); diff image %s, output %s", c->name, bad,
                       allowed, out, gotp);
    }
    cairo_surface_destroy(d);
    cairo_surface_destroy(g);
    cairo_surface_destroy(w);
    free(got);
}

#define GOLDEN(id, i)                                                                    \
    Test(golden, id##_svg) { cr_assert_str_eq(cases[i].name, #id); check_svg(&cases[i]); } \
    Test(golden, id##_png) { cr_assert_str_eq(cases[i].name, #id); check_png(&cases[i]); }
GOLDEN(small, 0)
GOLDEN(small_dark, 1)
GOLDEN(small_icicle, 2)
GOLDEN(deep, 3)
GOLDEN(wide, 4)
GOLDEN(escape, 5)
GOLDEN(pruning, 6)
GOLDEN(capped, 7)
GOLDEN(cpu, 8)
GOLDEN(diff, 9)
GOLDEN(diff_dark, 10)
GOLDEN(small_table, 11)

Test(golden, every_case_has_a_test)
{
    cr_assert_eq(sizeof cases / sizeof cases[0], 12, "add a GOLDEN(i) line for each new case");
}
