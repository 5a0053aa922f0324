/* textwidth.c — label widths from a DejaVu Sans advance table. */
#include "textwidth.h"

#include <stdint.h>

/* DejaVu Sans advances for ' '..'~' in 1/1000 em (from cairo_text_extents at
 * size 1000; regenerate the same way if the font is ever changed). */
const unsigned short text_ascii_widths[95] = {
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337,
    636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531,
    1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787,
    603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500,
    500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612,
    635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
};

static unsigned char_units(unsigned char c)
{
    if (c >= 32 && c < 127)
        return text_ascii_widths[c - 32];
    return TEXT_OTHER_WIDTH;
}

/* Units of the code point starting at s[i]; continuation bytes count 0. */
static unsigned units_at(const char *s, size_t i)
{
    unsigned char c = (unsigned char)s[i];
    if ((c & 0xC0) == 0x80)
        return 0;
    return char_units(c);
}

double text_width(const char *s, size_t n, double size)
{
    uint64_t u = 0;
    for (size_t i = 0; i < n; i++)
        u += units_at(s, i);
    return (double)u * size / 1000.0;
}

size_t text_fit_tail(const char *s, size_t n, double size, double max_px, bool *dots)
{
    *dots = false;
    uint64_t limit = max_px <= 0 ? 0 : (uint64_t)(max_px * 1000.0 / size);
    uint64_t all = 0;
    for (size_t i = 0; i < n; i++)
        all += units_at(s, i);
    if (all <= limit)
        return n;
    uint64_t dot2 = 2 * char_units('.');
    if (limit <= dot2)
        return 0;
    uint64_t used = dot2;
    size_t start = n, chars = 0;
    /* Walk back one code point at a time, keeping whole code points. */
    for (size_t i = n; i-- > 0;) {
        if (((unsigned char)s[i] & 0xC0) == 0x80)
            continue;
        uint64_t w = char_units((unsigned char)s[i]);
        if (used + w > limit)
            break;
        used += w;
        start = i;
        chars++;
    }
    if (chars < 3) /* "..x" tells nothing; like flamegraph.pl, show 3+ characters or none */
        return 0;
    *dots = true;
    return n - start;
}

/* Units of s[a..b), whole code points. */
static uint64_t units_range(const char *s, size_t a, size_t b)
{
    uint64_t u = 0;
    for (size_t i = a; i < b; i++)
        u += units_at(s, i);
    return u;
}

static size_t code_points(const char *s, size_t a, size_t b)
{
    size_t k = 0;
    for (size_t i = a; i < b; i++)
        k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

text_fit text_fit_label(const char *s, size_t n, double size, double max_px)
{
    text_fit r = {0, n, false, false};
    uint64_t limit = max_px <= 0 ? 0 : (uint64_t)(max_px * 1000.0 / size);
    if (units_range(s, 0, n) <= limit)
        return r;
    uint64_t ell = TEXT_OTHER_WIDTH; /* U+2026 */
    /* Drop the package path element by element: "…main.Session ×2,000",
     * "…Session ×2,000". The cut points are after '.' and '/' outside the
     * decoration (which has neither). */
    size_t last = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '.' && s[i] != '/')
            continue;
        last = i + 1;
        if (last < n && ell + units_range(s, last, n) <= limit && code_points(s, last, n) >= 3)
            return (text_fit){last, n - last, true, false};
    }
    /* Even the last element does not fit: its head and a trailing "…". */
    uint64_t used = ell;
    size_t end = last;
    for (size_t i = last; i < n; i++) {
        if (((unsigned char)s[i] & 0xC0) == 0x80)
            continue;
        size_t j = i + 1;
        while (j < n && ((unsigned char)s[j] & 0xC0) == 0x80)
            j++;
        uint64_t w = units_range(s, i, j);
        if (used + w > limit)
            break;
        used += w;
        end = j;
    }
    if (code_points(s, last, end) < 3) /* like flamegraph.pl: 3+ characters or none */
        return (text_fit){0, 0, false, false};
    return (text_fit){last, end - last, false, true};
}

static bool put(text_buf *out, const char *b, size_t n, ghf_err *err)
{
    if (!VEC_RESERVE(out, out->n + n, err))
        return false;
    for (size_t i = 0; i < n; i++)
        out->v[out->n++] = b[i];
    return true;
}

bool text_sanitize(const char *s, size_t n, text_buf *out, ghf_err *err)
{
    static const char repl[] = "\xEF\xBF\xBD";
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned c = p[i];
        size_t len = 0;
        uint32_t cp = 0;
        if (c < 0x80) {
            len = 1;
            cp = c;
        } else if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            cp = c & 0x07;
        }
        bool ok = len > 0 && i + len <= n;
        for (size_t k = 1; ok && k < len; k++) {
            if ((p[i + k] & 0xC0) != 0x80)
                ok = false;
            else
                cp = cp << 6 | (p[i + k] & 0x3F);
        }
        /* Reject overlongs, surrogates, > U+10FFFF, and controls XML forbids
         * or that would garble a label. */
        if (ok && ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
                   (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF))
            ok = false;
        if (ok && (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)))
            ok = false;
        if (!ok) {
            if (!put(out, repl, 3, err))
                return false;
            i++;
            continue;
        }
        if (!put(out, s + i, len, err))
            return false;
        i += len;
    }
    return true;
}
