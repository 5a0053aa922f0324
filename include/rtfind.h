/* rtfind.h — the runtime's globals in an executable with neither DWARF nor
 * an ELF symbol table (-ldflags="-s -w", strip -s), amd64.
 *
 * firstmoduledata is the word in .noptrdata that points at the pclntab
 * (moduledata's first member is pcHeader), checked against the sections
 * its text/data/bss bounds must lie in. Every other global is one of the
 * RIP-relative operands of a runtime function that uses it (found by name
 * in the pclntab: runtime.allgadd for allgs and allglen, procresize for
 * allp, mallocinit for mheap_, newproc1 for sched, mcommoninit for allm,
 * queuefinalizer for allfin, freeSpecial for gcCleanups), and the one
 * whose contents in the core make sense as that global: allgs a slice of
 * gs with stacks, allglen its length, allp a slice of ps numbered 0..n-1,
 * mheap_.allspans a slice of spans, sched.goidgen at least every g's goid,
 * allm a list of ms, allfin the longest list of finalizer blocks.
 * The layouts come from `layouts` (dwx_open_runtime's index of the Go
 * version's runtime structs). Addresses returned are link-time.
 */
#ifndef GHF_RTFIND_H
#define GHF_RTFIND_H

#include <stddef.h>
#include "core.h"
#include "dwarf_index.h"
#include "ghf_error.h"

#define RTFIND_MAX 16

/* Fills out[0..*n) (names are static strings; types 0). Fails with
 * GHF_EXIT_UNSUPPORTED on another architecture than amd64 and with
 * GHF_EXIT_INPUT when firstmoduledata, mheap_, allgs, allglen or allp
 * cannot be found; the others are left out when not found (their roots,
 * or the goroutine count's corrections, are then missing). */
bool rtfind_globals(const ghf_core *core, const dwx *layouts, dwx_var *out, size_t *n, ghf_err *err);

#endif
