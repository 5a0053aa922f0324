/* color.c — colour by type category, shade from a hash of the name. */
#include "color.h"

#include "wtree.h"

#include <stdio.h>
#include <string.h>

static uint32_t fnv1a(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

static int starts(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

/* Package path of a type or function name: "net/http.Request" -> "net/http",
 * "*main.T" -> "main"; stops at the first '.' after the last '/' that comes
 * before any '[' (generics), so "pkg.F[a/b.T]" stays in "pkg". Length in *n. */
static const char *package_of(const char *name, size_t *n)
{
    while (*name == '*')
        name++;
    const char *end = name + strcspn(name, "[(");
    const char *slash = NULL;
    for (const char *p = name; p < end; p++)
        if (*p == '/')
            slash = p;
    const char *from = slash ? slash + 1 : name;
    const char *dot = memchr(from, '.', (size_t)(end - from));
    *n = dot ? (size_t)(dot - name) : 0;
    return name;
}

static enum color_cat by_package(const char *t);

enum color_cat color_category(const char *name, uint32_t kind, uint32_t type_kind, int is_root)
{
    if (is_root)
        return CAT_ALL;
    switch (kind) {
    case WTREE_KIND_ROOT_GLOBAL: return CAT_ROOT_GLOBAL;
    case WTREE_KIND_ROOT_STACK: return CAT_ROOT_STACK;
    case WTREE_KIND_ROOT_OTHER: return CAT_ROOT_OTHER;
    case WTREE_KIND_SHARED: return CAT_SHARED;
    case WTREE_KIND_MORE: return CAT_MORE;
    default: break;
    }
    /* The kind the Go side carried with the frame decides; the name only
     * picks user / std / runtime for structs and pointers. */
    switch (type_kind) {
    case WTYPE_BYTES: return CAT_BYTES;
    case WTYPE_MAP: return CAT_MAP;
    case WTYPE_SLICE: return CAT_SLICE;
    case WTYPE_CHAN: return CAT_CHAN;
    case WTYPE_CLOSURE: return CAT_CLOSURE;
    case WTYPE_UNKNOWN: return CAT_UNKNOWN;
    case WTYPE_STRUCT:
    case WTYPE_POINTER:
    case WTYPE_INTERFACE:
    case WTYPE_SCALAR: {
        const char *t = name;
        while (*t == '*')
            t++;
        return by_package(t);
    }
    default: break; /* WTYPE_NONE: a folded file's frame; only its name is known */
    }
    if (name[0] == '\0' || starts(name, "unknown") || starts(name, "[unknown"))
        return CAT_UNKNOWN;
    if (starts(name, "[shared]"))
        return CAT_SHARED;
    if (name[0] == '(' && strstr(name, " more: ") != NULL)
        return CAT_MORE;
    const char *t = name;
    while (*t == '*')
        t++;
    if (strcmp(t, "string") == 0 || strcmp(t, "[]uint8") == 0 || strcmp(t, "[]byte") == 0 ||
        strcmp(t, "[]string") == 0)
        return CAT_BYTES;
    if (t[0] == '[' && t[1] >= '0' && t[1] <= '9') {
        const char *r = strchr(t, ']');
        if (r && (strcmp(r + 1, "uint8") == 0 || strcmp(r + 1, "byte") == 0))
            return CAT_BYTES;
    }
    if (starts(t, "map[") || starts(t, "map.") || starts(t, "hash<") || starts(t, "bucket<") ||
        starts(t, "noswiss"))
        return CAT_MAP;
    if (t[0] == '[')
        return CAT_SLICE;
    return by_package(t);
}

/* user / std / runtime from a type or function name's package. */
static enum color_cat by_package(const char *t)
{
    if (starts(t, "runtime.") || starts(t, "runtime/") || starts(t, "internal/") ||
        starts(t, "internal."))
        return CAT_RUNTIME;
    size_t pn;
    const char *pkg = package_of(t, &pn);
    if (pn == 0)
        return CAT_STD; /* builtin: int, func(...), struct {...} */
    if (pn == 4 && memcmp(pkg, "main", 4) == 0)
        return CAT_USER;
    size_t first = strcspn(pkg, "/.");
    /* Module paths start with a domain ("github.com/..."); std never does. */
    const char *firstdot = memchr(pkg, '.', pn);
    const char *firstslash = memchr(pkg, '/', pn);
    if (firstdot && firstslash && firstdot < firstslash)
        return CAT_USER;
    (void)first;
    if (firstslash == NULL) {
        /* One-element package: std has a fixed set of roots; anything else
         * (e.g. "mypkg.T" from a GOPATH/module-local package) is user code. */
        static const char *const std_roots[] = {
            "archive", "bufio", "builtin", "bytes", "cmp", "compress", "container", "context",
            "crypto", "database", "debug", "embed", "encoding", "errors", "expvar", "flag", "fmt",
            "go", "hash", "html", "image", "io", "iter", "log", "maps", "math", "mime", "net",
            "os", "path", "plugin", "reflect", "regexp", "slices", "sort", "strconv", "strings",
            "structs", "sync", "syscall", "testing", "text", "time", "unicode", "unique", "unsafe",
            "weak", "vendor", "error", "any", "type", "go.shape", "struct", "func", "interface"};
        for (size_t i = 0; i < sizeof std_roots / sizeof std_roots[0]; i++)
            if (strlen(std_roots[i]) == pn && memcmp(std_roots[i], pkg, pn) == 0)
                return CAT_STD;
        return CAT_USER;
    }
    return CAT_STD; /* "net/http", "encoding/json", ... */
}

const char *color_category_label(enum color_cat c)
{
    static const char *const names[CAT__COUNT] = {
        "user types", "standard library", "runtime internals", "[]byte / string", "maps",
        "slices / arrays", "closures", "channels", "unknown", "global roots", "stack roots", "other roots", "shared",
        "merged (N more)", "all"};
    return c < CAT__COUNT ? names[c] : "?";
}

/* Base hue (degrees), saturation and lightness (percent) per category. */
static const struct { int h, s, l; } base[CAT__COUNT] = {
    [CAT_USER] = {18, 85, 60},
    [CAT_STD] = {45, 80, 58},
    [CAT_RUNTIME] = {210, 25, 66},
    [CAT_BYTES] = {110, 50, 55},
    [CAT_MAP] = {275, 45, 68},
    [CAT_SLICE] = {175, 50, 52},
    [CAT_CLOSURE] = {80, 45, 58},
    [CAT_CHAN] = {300, 35, 72},
    [CAT_UNKNOWN] = {0, 0, 70},
    [CAT_ROOT_GLOBAL] = {225, 60, 68},
    [CAT_ROOT_STACK] = {195, 60, 62},
    [CAT_ROOT_OTHER] = {330, 50, 70},
    [CAT_SHARED] = {30, 30, 55},
    [CAT_MORE] = {0, 0, 82},
    [CAT_ALL] = {0, 0, 78},
};

/* HSL with integer-ish inputs -> RGB, using only + - * / (deterministic). */
static rgb hsl(int h, int s, int l)
{
    h = ((h % 360) + 360) % 360;
    double S = s / 100.0, L = l / 100.0;
    double c = (1.0 - (2 * L - 1 < 0 ? -(2 * L - 1) : 2 * L - 1)) * S;
    double hp = h / 60.0;
    int seg = (int)hp;
    double f = hp - 2 * (seg / 2); /* hp mod 2 */
    double x = c * (1.0 - (f - 1 < 0 ? 1 - f : f - 1));
    double r = 0, g = 0, b = 0;
    switch (seg) {
    case 0: r = c; g = x; break;
    case 1: r = x; g = c; break;
    case 2: g = c; b = x; break;
    case 3: g = x; b = c; break;
    case 4: r = x; b = c; break;
    default: r = c; b = x; break;
    }
    double m = L - c / 2;
    rgb o = {(uint8_t)((r + m) * 255 + 0.5), (uint8_t)((g + m) * 255 + 0.5), (uint8_t)((b + m) * 255 + 0.5)};
    return o;
}

static rgb shade(int h, int s, int l, uint32_t hash, int spread_h, int spread_l, enum color_theme th)
{
    int dh = spread_h ? (int)(hash % (uint32_t)(2 * spread_h + 1)) - spread_h : 0;
    int dl = spread_l ? (int)((hash >> 12) % (uint32_t)(2 * spread_l + 1)) - spread_l : 0;
    int ds = (int)((hash >> 20) % 11) - 5;
    int L = l + dl, S = s ? s + ds : 0;
    if (th == THEME_DARK) {
        L = L - 22;
        S = S ? S - 10 : 0;
    }
    return hsl(h + dh, S < 0 ? 0 : S, L < 5 ? 5 : L);
}

rgb color_frame(const char *name, uint32_t kind, uint32_t type_kind, int is_root, enum color_scheme s,
                enum color_theme th)
{
    size_t n = strlen(name);
    uint32_t hash = fnv1a(name, n);
    enum color_cat c = color_category(name, kind, type_kind, is_root);
    if (s == COLOR_MONO)
        return shade(0, 0, 72, hash, 0, 10, th);
    if (s == COLOR_PACKAGE && c != CAT_ALL && c != CAT_MORE && kind == 0) {
        size_t pn;
        const char *pkg = package_of(name, &pn);
        uint32_t ph = fnv1a(pkg, pn ? pn : n);
        return shade((int)(ph % 360), 60, 65, ph >> 9, 0, 4, th);
    }
    int sh = (c == CAT_UNKNOWN || c == CAT_MORE || c == CAT_ALL) ? 0 : 12;
    return shade(base[c].h, base[c].s, base[c].l, hash, sh, c == CAT_ALL || c == CAT_MORE ? 0 : 8, th);
}

rgb color_diff(double ratio, enum color_theme th)
{
    if (ratio == 0)
        return shade(0, 0, 82, 0, 0, 0, th);
    double a = ratio < 0 ? -ratio : ratio;
    if (a > 1)
        a = 1;
    a = 2 * a / (1 + a);                     /* concave: a third of a frame already shows */
    int strength = (int)(20 + 80 * a + 0.5); /* 20..100: a change is never mistaken for none */
    return shade(ratio > 0 ? 0 : 218, 30 + strength / 2, 88 - strength * 36 / 100, 0, 0, 0, th);
}

rgb color_category_base(enum color_cat c, enum color_scheme s, enum color_theme th)
{
    if (c >= CAT__COUNT)
        c = CAT_UNKNOWN;
    if (s == COLOR_MONO)
        return shade(0, 0, 72, 0, 0, 0, th);
    return shade(base[c].h, base[c].s, base[c].l, 0, 0, 0, th);
}

color_palette color_theme_palette(enum color_theme th)
{
    if (th == THEME_DARK)
        return (color_palette){.background = {0x1e, 0x1f, 0x24}, .background2 = {0x2a, 0x2c, 0x33},
                               .text = {0xe6, 0xe6, 0xe6}, .frame_text = {0xf4, 0xf4, 0xf4},
                               .subtle = {0xa0, 0xa4, 0xac}, .highlight = {0xe0, 0x40, 0xe0},
                               .dimmed_text = {0x90, 0x90, 0x90}};
    return (color_palette){.background = {0xee, 0xee, 0xee}, .background2 = {0xee, 0xee, 0xb0},
                           .text = {0x00, 0x00, 0x00}, .frame_text = {0x00, 0x00, 0x00},
                           .subtle = {0x50, 0x50, 0x50}, .highlight = {0xe6, 0x00, 0xe6},
                           .dimmed_text = {0x60, 0x60, 0x60}};
}

void color_hex(rgb c, char buf[8])
{
    snprintf(buf, 8, "#%02x%02x%02x", c.r, c.g, c.b);
}
