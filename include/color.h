/* color.h — deterministic frame colours.
 *
 * A frame's colour depends only on its identity name (never the decorated
 * label), its wtree kind and type kind, the scheme and the theme: the same
 * type gets the same colour in every graph, run and machine (FNV-1a of the
 * name picks the shade; no floating-point library calls, no randomness).
 * The type kind carried from the Go side (enum wtree_type_kind) decides the
 * category; only frames without one (folded input) are classified by name.
 * Categories (for --colors=type, the default):
 *   user       main.X, example.com/pkg.X  (module paths: first element has a dot, or "main")
 *   std        standard-library packages (net/http.Request, sync.Mutex), builtins (int, func)
 *   runtime    runtime.X, internal/..., runtime/... and pointers to them
 *   bytes      []uint8, []byte, string, [N]uint8
 *   map        map[K]V, map.group*, map.bucket*, hash<...>, map buckets
 *   slice      other []X and [N]X
 *   closure    closure objects (func values)
 *   chan       channels
 *   unknown    unknown.N, [unknown], an empty name
 *   roots      global / stack / other root kinds, [shared], (N more) and "all"
 * --colors=package colours by package (same package = same colour);
 * --colors=mono uses greys.
 */
#ifndef GHF_COLOR_H
#define GHF_COLOR_H

#include <stdint.h>

typedef struct rgb {
    uint8_t r, g, b;
} rgb;

enum color_scheme { COLOR_TYPE = 0, COLOR_PACKAGE, COLOR_MONO };
enum color_theme { THEME_LIGHT = 0, THEME_DARK };

enum color_cat {
    CAT_USER = 0,
    CAT_STD,
    CAT_RUNTIME,
    CAT_BYTES,
    CAT_MAP,
    CAT_SLICE,
    CAT_CLOSURE,
    CAT_CHAN,
    CAT_UNKNOWN,
    CAT_ROOT_GLOBAL,
    CAT_ROOT_STACK,
    CAT_ROOT_OTHER,
    CAT_SHARED,
    CAT_MORE,
    CAT_ALL,
    CAT__COUNT
};

/* Category of a frame (kind = enum wtree_kind, type_kind = enum
 * wtree_type_kind; is_root = the "all" frame). */
enum color_cat color_category(const char *name, uint32_t kind, uint32_t type_kind, int is_root);
const char *color_category_label(enum color_cat c);

/* Fill colour of a frame. */
rgb color_frame(const char *name, uint32_t kind, uint32_t type_kind, int is_root, enum color_scheme s,
                enum color_theme th);
/* Fill colour of a frame of a differential graph: ratio in [-1, 1] is
 * its change relative to the frame (wdiff_ratio()); 0 is grey, > 0 red,
 * < 0 blue, stronger the larger |ratio| (any change at least a pale tint). */
rgb color_diff(double ratio, enum color_theme th);

/* Representative colour of a category (for the legend). */
rgb color_category_base(enum color_cat c, enum color_scheme s, enum color_theme th);

/* Theme colours for everything that is not a frame. */
typedef struct color_palette {
    rgb background, background2; /* vertical gradient top -> bottom */
    rgb text, frame_text, subtle, highlight, dimmed_text;
} color_palette;
color_palette color_theme_palette(enum color_theme th);

/* "#rrggbb" into buf[8]. */
void color_hex(rgb c, char buf[8]);

#endif
