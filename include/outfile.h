/* outfile.h — write an output file all-or-nothing.
 *
 * outfile_open() creates a temporary file beside the destination (or uses
 * stdout for "-"); outfile_commit() flushes and renames it into place;
 * outfile_abort() removes it. So a failed run never leaves a partial file.
 * SIGINT, SIGTERM and SIGHUP while a temporary file exists remove it, then
 * end the process by that signal (handlers are installed on first use;
 * a signal ignored at start stays ignored).
 * A destination that exists and is not a regular file (a FIFO, /dev/null,
 * /dev/full, a terminal) is written directly, never replaced; a directory
 * is refused.
 */
#ifndef GHF_OUTFILE_H
#define GHF_OUTFILE_H

#include <stdio.h>
#include "ghf_error.h"

typedef struct outfile {
    FILE *fp;          /* write here */
    char *final_path;  /* NULL for stdout */
    char *tmp_path;
    char *device_path; /* written directly: an existing non-regular file */
} outfile;

bool outfile_open(outfile *of, const char *path, ghf_err *err);
bool outfile_commit(outfile *of, ghf_err *err);
void outfile_abort(outfile *of);

#endif
