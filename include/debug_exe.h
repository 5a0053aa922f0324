/* debug_exe.h — a separate debug executable (--debug-exe FILE), as gdb's
 * separate debug files: the core is laid over EXE as always, and the DWARF
 * index is read from FILE, an unstripped build of the same program.
 *
 * FILE belongs to EXE when their Go build IDs are equal (EXE stripped after
 * the link, by strip or objcopy), or else when the loadable sections whose
 * addresses DWARF and the runtime depend on (.text, .rodata, .gopclntab,
 * .go.buildinfo, .data, .noptrdata) have the same addresses, sizes and
 * bytes in both (`go build -trimpath` with and without -ldflags="-s -w":
 * without -trimpath the -ldflags setting is recorded in .go.buildinfo and
 * every later section moves). FILE's link-time addresses are then EXE's,
 * so the core's PIE bias applies to both.
 */
#ifndef GHF_DEBUG_EXE_H
#define GHF_DEBUG_EXE_H

#include <stdbool.h>
#include "core.h"
#include "ghf_error.h"

/* True when path may serve as c's executable's debug file. A mismatch is
 * GHF_EXIT_INPUT naming both files and what differs; with force it is
 * accepted and the same words go to stderr as a warning. */
bool debug_exe_check(const ghf_core *c, const char *path, bool force, ghf_err *err);

#endif
