/* textwidth.h — text width without a font engine, for fitting labels.
 *
 * Widths come from a table of DejaVu Sans advance widths (ASCII; other
 * code points count as 0.62 em), so the SVG writer, the PNG writer and the
 * script in flame.js (which carries the same table) agree on which label
 * fits, and the output does not depend on the fonts of the machine that
 * generated it. Input must be valid UTF-8 (see text_sanitize()).
 */
#ifndef GHF_TEXTWIDTH_H
#define GHF_TEXTWIDTH_H

#include <stddef.h>
#include "ghf_error.h"
#include "vec.h"

/* Advance width of s[0..n) in pixels at font size `size` (px). */
double text_width(const char *s, size_t n, double size);

/* Fit s[0..n) into max_px: returns the number of bytes of s to show as a
 * suffix (the tail of a type name is the informative part), with *dots set
 * when ".." must be drawn before it. Returns 0 (and no dots) when fewer
 * than 3 characters of the name would fit after the "..". */
size_t text_fit_tail(const char *s, size_t n, double size, double max_px, bool *dots);

/* What of a label to draw: s[start..start+len), with "…" (U+2026) before
 * it (lead) or after it (trail). Fitting keeps what identifies a frame:
 * the package path is elided from the start element by element, so the
 * type's last element and the count stay ("…Session ×2,000",
 * "…stuckWorker.batch"); when even the last element does not fit, its head
 * with a trailing "…"; nothing when fewer than 3 characters would show.
 * flame.js (fitLabel) does the same with the same widths. */
typedef struct text_fit {
    size_t start, len;
    bool lead, trail;
} text_fit;
text_fit text_fit_label(const char *s, size_t n, double size, double max_px);

/* A growable byte string (named so it can be passed between modules). */
typedef VEC(char) text_buf;

/* Append s[0..n) to out as valid UTF-8 with no control characters:
 * invalid UTF-8 and C0/C1 controls become U+FFFD. Not NUL-terminated. */
bool text_sanitize(const char *s, size_t n, text_buf *out, ghf_err *err);

/* The table itself (units per 1000 em, code points 32..126), exported so
 * the SVG writer can hand it to the script. */
extern const unsigned short text_ascii_widths[95];
#define TEXT_OTHER_WIDTH 620

#endif
