/* rtfind.h — the runtime's globals in an executable with neither DWARF nor
 * an ELF symbol table (-ldflags="-s -w", strip -s), amd64 and arm64.
 *
 * firstmoduledata is the word in .go.module (1.26+), .noptrdata or .data
 * that points at the pclntab
 * (moduledata's first member is pcHeader), checked against the sections
 * its text/data/bss bounds must lie in. Every other global is one of the
 * addresses a runtime function uses (RIP-relative operands on amd64,
 * ADRP + ADD/LDR/STR pairs on arm64; the function found by name
 * in the pclntab: runtime.allgadd for allgs and allglen, procresize for
 * allp, mallocinit for mheap_, newproc1 for sched, mcommoninit for allm,
 * queuefinalizer for allfin, waitReason.String for waitReasonStrings
 * and its length), and the one
 * whose contents in the core make sense as that global: allgs a slice of
 * gs with stacks, allglen its length, allp a slice of ps numbered 0..n-1,
 * mheap_.allspans a slice of spans, sched.goidgen at least every g's goid,
 * allm a list of ms, allfin the list of finalizer blocks holding the most
 * queued finalizers (none when no block holds one: then it has no roots),
 * waitReasonStrings "" then short strings. Not found: gcCleanups, iscgo,
 * reflectOffs (README).
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
 * GHF_EXIT_UNSUPPORTED on another architecture than amd64/arm64 and with
 * GHF_EXIT_INPUT when firstmoduledata, mheap_, allgs, allglen or allp
 * cannot be found; the others are left out when not found (their roots,
 * or the goroutine count's corrections, are then missing). */
bool rtfind_globals(const ghf_core *core, const dwx *layouts, dwx_var *out, size_t *n, ghf_err *err);

#endif
