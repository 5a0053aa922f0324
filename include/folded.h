/* folded.h — read and write folded stacks ("a;b;c 123" per line).
 *
 * Format (the one flamegraph.pl and the stackcollapse-* family use):
 *   FRAME;FRAME;...;FRAME<spaces or tabs>COUNT
 * one stack per line, root first. COUNT is a non-negative decimal integer
 * (bytes for goheapflame's own output, samples for CPU profiles); it is added
 * to the last frame's shallow weight, and the line adds 1 to that frame's
 * count. Frames may contain spaces. Blank lines are skipped; a trailing "\r"
 * is ignored. Identical stacks on several lines add up.
 *
 * Escape convention (shared with every folded writer in goheapflame):
 *   "\;" is a literal ';' inside a frame, "\\" a literal backslash.
 *   A backslash before any other byte is kept as is (so "C:\dir" survives),
 *   and a frame can therefore not end in a single backslash unless escaped.
 * Writers must escape ';' and '\' with folded_write_frame(); they must not
 * write newlines or NUL inside a frame (readers reject NUL; a newline ends
 * the line).
 *
 * Errors (GHF_EXIT_INPUT) name the file and line: a line without a count,
 * a count that is not an integer or overflows 64 bits, an empty frame
 * ("a;;b", a leading or trailing ';'), a NUL byte.
 */
#ifndef GHF_FOLDED_H
#define GHF_FOLDED_H

#include <stdbool.h>
#include <stdio.h>
#include "wtree.h"

typedef struct folded_opts {
    bool reverse; /* flamegraph.pl --reverse: leaf first (stacks reversed) */
} folded_opts;

/* Add the stacks in buf[0..len) to t (already initialised). `what` names
 * the input in error messages. Calls wtree_finish() on success. Inputs of
 * 4 MiB and more are parsed by two threads (one splits lines, the other
 * builds the tree in input order: the same tree and the same first error;
 * GHF_THREADS=1 keeps it to one). */
bool folded_parse(wtree *t, const char *buf, size_t len, const char *what,
                  const folded_opts *o, ghf_err *err);

/* Read a file (mmap; "-" reads standard input) with folded_parse(). */
bool folded_load(wtree *t, const char *path, const folded_opts *o, ghf_err *err);

/* Write one frame name with ';' and '\' escaped. Returns false on a
 * write error (check ferror for details). */
bool folded_write_frame(FILE *fp, const char *name);

#endif
