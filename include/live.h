/* live.h — a running process as a core, taken without gdb.
 *
 * live_snapshot() stops every thread of a process with ptrace
 * (PTRACE_SEIZE + PTRACE_INTERRUPT, threads that appear meanwhile
 * included), reads their registers, copies the memory a kernel core would
 * hold (private and anonymous mappings, pages the process has touched, the
 * first page of each mapped ELF file for its build IDs) with
 * process_vm_readv, lets the process go, and only then returns. The copy is
 * a standard ELF core image (ET_CORE: NT_PRSTATUS per thread, NT_PRPSINFO,
 * NT_AUXV, NT_FILE, one PT_LOAD per mapping, untouched pages left as holes)
 * in memory, which core_open_image() reads exactly like a core from disk:
 * this module is the "live process" memory source beside the file-backed
 * one.
 *
 * The process is paused only while its memory is copied: the pause is
 * proportional to the bytes copied, not to the analysis.
 */
#ifndef GHF_LIVE_H
#define GHF_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ghf_error.h"

typedef struct live_stats {
    double pause_s;          /* from the first thread stopped to the last one let go */
    uint64_t copied_bytes;   /* bytes read from the process */
    uint64_t image_bytes;    /* apparent size of the core image */
    unsigned threads;
} live_stats;

/* Snapshot process pid. exe_path is the executable used for the analysis
 * (checked to be a 64-bit Go program of goheapflame's own architecture,
 * arch_host(), before the process is
 * stopped). On success *image (mmapped, *size bytes) holds the core image;
 * hand it to core_open_image, which owns it from then on. Errors, with the process left running:
 * GHF_EXIT_INPUT for no such process, no permission (ptrace_scope, another
 * tracer), a process that exits while attached; GHF_EXIT_UNSUPPORTED for a
 * 32-bit, other-architecture or non-Go process. */
bool live_snapshot(int pid, const char *exe_path, uint8_t **image, size_t *size, live_stats *st, ghf_err *err);

/* Write a core image to path as a sparse file (zero pages as holes), all
 * or nothing. */
bool live_save_core(const uint8_t *image, size_t size, const char *path, ghf_err *err);

#endif
