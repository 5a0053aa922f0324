/* output.h — writers that turn a finished wtree (wtree_finish called) into
 * files other tools read: folded stacks, SystemTap-style backtraces (.bt),
 * pprof profiles (.pb.gz) and JSON.
 *
 * Every writer walks the tree depth-first in child order, iteratively, so
 * output is deterministic and tree depth never touches the C stack. The
 * synthetic root (WTREE_ROOT) is not a frame; it must carry no self weight
 * (folded, stap and pprof would have no frame to hang it on; they ignore it).
 * A writer fails with GHF_EXIT_OUTPUT when fp reports a write error, and
 * leaves closing/renaming fp to the caller (see outfile.h).
 *
 * Frame escaping, folded: the convention of render/folded.h, so that
 * `goheapflame render` reads our folded output back exactly:
 *   `\` is written `\\`, `;` is written `\;` (so `;` only ever separates
 *   frames). Control characters (bytes < 0x20 and 0x7f, e.g. newlines)
 *   become `?`; an empty name is written `-` (as stackcollapse scripts do).
 * .bt frames: the same, plus what stackcollapse-stap.pl would otherwise eat:
 *   the ':' of " : " is written `\:` (the script cuts a frame up to " : "), a
 *   leading blank `\ ` (it strips leading blanks), '%' as "%%" (it uses each
 *   stack as a printf format), and a "+0x0" suffix when the escaped name
 *   contains '+' or is only digits/blanks (it strips from the last '+', and
 *   would read such a line as a count). So `stackcollapse-stap.pl out.bt`
 *   yields the folded output's lines (sorted) for every name without " : "
 *   or a leading blank.
 */
#ifndef GHF_OUTPUT_H
#define GHF_OUTPUT_H

#include <stdio.h>
#include "ghf_error.h"
#include "wdiff.h"
#include "wtree.h"

/* Which weight the one-number formats (folded, stap) write per stack. */
enum output_weight {
    OUTPUT_WEIGHT_BYTES = 0,    /* self_bytes (default) */
    OUTPUT_WEIGHT_COUNT,        /* self_count: objects */
};

/* Options; a zeroed struct (or a NULL pointer) means the defaults. */
typedef struct output_opts {
    const char *title;          /* json "title", pprof comment; default NULL: none */
    enum output_weight weight;  /* folded and stap only; default OUTPUT_WEIGHT_BYTES */
    const char *binary;         /* pprof mapping: the executable's path; default NULL: none */
    const char *build_id;       /* pprof mapping: its build ID; default NULL: none */
    const wdiff_side *old;      /* folded only: a differential tree's OLD figures (wdiff.old,
                                   indexed by node): each line then carries two weights,
                                   `frame;frame OLD NEW`, as difffolded.pl writes them */
} output_opts;

/* `frame;frame;... N` per node with nonzero weight, root frame first; the
 * numbers sum to the tree's total. With o->old, `frame;... OLD NEW` per
 * node with either weight nonzero. */
bool output_folded(const wtree *t, FILE *fp, const output_opts *o, ghf_err *err);

/* SystemTap-style backtraces, the format the seed tool wrote: per node with
 * nonzero weight, one frame per line leaf first (indented by a space), then
 * a tab-indented count line, then a blank line. */
bool output_stap(const wtree *t, FILE *fp, const output_opts *o, ghf_err *err);

/* profile.proto, gzip-compressed. Sample types objects/count and
 * retained_space/bytes (default retained_space); one Mapping (the binary and
 * build ID of o, marked as symbolized); one Function + Location per distinct
 * frame name (names kept raw, except "" which becomes "-"; no system name, so
 * pprof's demangling heuristics keep them whole); one Sample per node with
 * nonzero self weight, its locations leaf first. Since names are identities
 * (no counts), distinct frames are distinct functions in pprof. */
bool output_pprof(const wtree *t, FILE *fp, const output_opts *o, ghf_err *err);

/* {"title":..,"unit":"bytes","tree":NODE}, NODE = {"name",["label"],
 * ["type_kind"],["types"],"kind","self_bytes","total_bytes","self_count",
 * "total_count","children":[NODE..]}. "name" is the frame's identity (no
 * counts); "label" (only when it differs from the name) is what the picture
 * shows (wtree_label()); "type_kind" (struct, pointer, slice, bytes, map,
 * closure, chan, interface, scalar, unknown) and "types" (distinct types
 * among self_count) when known. The root is {"name":"all","kind":"all",...}. Names are UTF-8; invalid
 * bytes become U+FFFD. */
bool output_json(const wtree *t, FILE *fp, const output_opts *o, ghf_err *err);

/* A differential tree (goheapflame diff) as JSON:
 *   {"title", "unit":"bytes", "old":{"name","total_bytes","total_objects"}, "new":{...},
 *    "delta_bytes", "delta_objects",
 *    "top":[ROW..]       the growth table (wdiff_top(WDIFF_GREW), up to `top` rows),
 *    "shrunk":[ROW..]    the frames that shrank most (wdiff_top(WDIFF_SHRANK), up to `top`),
 *    "vanished":[ROW..]  every vanished subtree's top frame (wdiff_vanished()),
 *    "frames":[FRAME..]} every frame in node order (a parent before its children),
 * ROW = {"path":[names from the root frame], "old_bytes","new_bytes","delta_bytes",
 *        "old_objects","new_objects","delta_objects"} (retained figures),
 * FRAME = {"id","parent" (-1: a root frame),"name","kind",["type_kind"],"status"
 *          ("both", "new" only in NEW, "vanished" only in OLD),"old_bytes","new_bytes",
 *          "delta_bytes","old_objects","new_objects","delta_objects","old_self_bytes",
 *          "new_self_bytes"}. */
typedef struct output_diff_opts {
    const char *title;
    const char *old_name, *new_name; /* what OLD and NEW are (file names) */
    unsigned top;                    /* rows of the growth table */
} output_diff_opts;
bool output_diff_json(const wdiff *d, FILE *fp, const output_diff_opts *o, ghf_err *err);

/* The growth table as text: the totals, up to o->top rows of growth
 * (retained bytes and objects before and after, the root path), up to
 * o->top of shrinkage, then up to o->top vanished frames (with how many
 * more there are). */
bool output_diff_table(const wdiff *d, FILE *fp, const output_diff_opts *o, ghf_err *err);

/* --- helpers shared by the writers (src/output_common.c) --- */

/* Escape a frame name into out, which must hold 2 * strlen(name) + 1 bytes:
 * '\\' and ';' get a backslash (the folded convention of render/folded.h);
 * with stap, also the ':' of " : " and a leading blank, which
 * stackcollapse-stap.pl would otherwise eat. Returns the length written. */
size_t output_escape_frame(const char *name, char *out, bool stap);

/* Depth-first walk in child order: visit(node, depth, true) on the way down,
 * visit(node, depth, false) on the way up; the root has depth 0. Stops and
 * returns false when visit does. */
typedef bool (*output_visit_fn)(const wtree *t, uint32_t node, uint32_t depth, bool enter, void *ctx);
bool output_walk(const wtree *t, output_visit_fn visit, void *ctx);

/* s as a JSON string (quoted; invalid UTF-8 becomes U+FFFD). */
void output_json_string(FILE *fp, const char *s);

/* "json kind name" of a wtree kind / type kind (NULL: none). */
const char *output_kind_name(uint32_t kind);
const char *output_type_kind_name(uint32_t type_kind);

/* Fail with GHF_EXIT_OUTPUT if fp has seen a write error (after fflush). */
bool output_check(FILE *fp, ghf_err *err);

/* The weight o selects for node (self bytes or self count). */
uint64_t output_self_weight(const wtree *t, uint32_t node, const output_opts *o);

#endif
