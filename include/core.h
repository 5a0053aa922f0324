/* core.h — process memory: an ELF core file laid over its executable.
 *
 * This module knows ELF and Linux core notes, nothing about Go. It mmaps
 * both files, lays the executable's PT_LOAD segments under the core's (a
 * kernel core keeps only the first page of text and no rodata; gcore omits
 * rodata and zero-fills PROT_NONE reservations), and answers "what bytes are
 * at this address?" with every read bounds-checked.
 *
 * Addresses are run-time (biased) addresses everywhere. core_pie_bias() is
 * added to link-time addresses (symbols, DWARF) by this module's symbol and
 * section look-ups; callers of the DWARF index add it themselves.
 */
#ifndef GHF_CORE_H
#define GHF_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "arch.h"
#include "ghf_error.h"

typedef struct ghf_core ghf_core;

typedef struct core_open_opts {
    bool force;  /* accept an executable whose build ID differs from the core's */
} core_open_opts;

/* One thread from NT_PRSTATUS: regs[0..core_arch()->pr_nregs) in its
 * pr_reg order (arch.h names the PC, SP, FP and LR among them). */
typedef struct core_thread {
    uint32_t tid;
    uint64_t regs[ARCH_MAX_PR_REGS];
} core_thread;

/* One NT_FILE entry. */
typedef struct core_file_map {
    uint64_t start, end, file_offset;  /* file_offset in bytes */
    const char *path;
} core_file_map;

/* Open and validate. Errors: GHF_EXIT_INPUT for unreadable/empty/not ELF/
 * not a core/swapped arguments/truncated notes/exe mismatch (build IDs read
 * from the core's own copy of the executable's first page; see core.c);
 * GHF_EXIT_UNSUPPORTED for an architecture arch.h does not describe or
 * another ELF class; GHF_EXIT_INPUT for an executable of another
 * architecture than the core's. A core whose
 * PT_LOADs run past the end of the file opens, with core_truncated() set. */
bool core_open(const char *core_path, const char *exe_path, const core_open_opts *opts,
               ghf_core **out, ghf_err *err);
/* The same for a core image already in memory (live.h builds one from a
 * running process): image is an mmapped region that the core owns from
 * this call on, success or not (core_close unmaps it). name is what
 * messages call it. */
bool core_open_image(uint8_t *image, size_t size, const char *name, const char *exe_path,
                     const core_open_opts *opts, ghf_core **out, ghf_err *err);
void core_close(ghf_core *c);

/* ---- the address space ---- */

/* Copy n bytes at addr. False when any byte is absent (unmapped, or cut off
 * by a truncated core); dst may then be partly written. Bytes in
 * [p_filesz, p_memsz) of a core segment read from the executable where
 * NT_FILE maps it there and as zero otherwise; file holes and PROT_NONE
 * reservations read as zero. Cheap: a per-thread one-entry cache of the last
 * segment, then a binary search. Safe to call from several threads. */
bool core_read(const ghf_core *c, uint64_t addr, void *dst, size_t n);
bool core_read_u64(const ghf_core *c, uint64_t addr, uint64_t *out);
bool core_read_u32(const ghf_core *c, uint64_t addr, uint32_t *out);
bool core_read_u8(const ghf_core *c, uint64_t addr, uint8_t *out);

/* A pointer straight into an mmapped file for [addr, addr+n), or NULL when
 * that range is not wholly file-backed by one segment (then use core_read):
 * zero-filled ranges also give NULL. Valid until core_close. This is the
 * fast path for scanning the heap. The pointer is NOT necessarily aligned
 * (gcore stores segments at odd file offsets): load words with memcpy. */
const uint8_t *core_view(const ghf_core *c, uint64_t addr, size_t n);
/* The piece of mapped bytes holding addr: its bytes (those of *start) and
 * [*start, *end), for a caller that views many addresses and checks its own
 * last piece before asking again (core_view(addr, n) is its bytes + addr -
 * start when addr + n <= end); NULL where core_view would give none. */
const uint8_t *core_piece(const ghf_core *c, uint64_t addr, uint64_t *start, uint64_t *end);

/* True when addr is inside some mapping (core or executable). A gcore turns
 * PROT_NONE reservations into readable zeros, so this proves little. */
bool core_mapped(const ghf_core *c, uint64_t addr);

/* Give the core file's resident pages back to the kernel (a hint: reads
 * still work and fault the pages in again). Called once the stages that
 * read heap memory are done, so they do not count in the later peak. */
void core_release_pages(const ghf_core *c);

/* The laid-out address space as sorted, non-overlapping regions, each
 * wholly from one source. For `info`, debugging and tests. */
enum core_source { CORE_SRC_CORE, CORE_SRC_EXE, CORE_SRC_ZERO };
typedef struct core_region {
    uint64_t start, end;       /* [start, end) */
    enum core_source source;   /* core file bytes, executable file bytes, or zeros */
    unsigned prot;             /* PF_R (4) | PF_W (2) | PF_X (1) of the segment */
} core_region;
size_t core_region_count(const ghf_core *c);
bool core_region_at(const ghf_core *c, size_t i, core_region *out);

/* True when a core PT_LOAD claims bytes past the end of the file; those
 * bytes are absent (reads fail) and open succeeded anyway. */
bool core_truncated(const ghf_core *c);
/* How many bytes the core's PT_LOADs claim beyond the end of the file
 * (0 unless truncated), and the core file's size. */
uint64_t core_missing_bytes(const ghf_core *c);
uint64_t core_file_size(const ghf_core *c);

/* ---- process facts from the notes ---- */
/* The core's architecture (its e_machine; the executable's is the same). */
const arch_desc *core_arch(const ghf_core *c);
size_t core_thread_count(const ghf_core *c);
const core_thread *core_threads(const ghf_core *c);
size_t core_file_map_count(const ghf_core *c);
const core_file_map *core_file_maps(const ghf_core *c);
uint64_t core_pie_bias(const ghf_core *c);      /* AT_ENTRY - e_entry */
int core_pid(const ghf_core *c);                /* from NT_PRPSINFO, 0 if absent */

/* ---- the executable ---- */

/* ELF .symtab look-up by exact name; *addr is biased. False if absent. */
bool core_symbol(const ghf_core *c, const char *name, uint64_t *addr, uint64_t *size);
/* The symbol (STT_OBJECT/STT_FUNC) containing addr, or NULL; *off = addr - start. */
const char *core_symbol_at(const ghf_core *c, uint64_t addr, uint64_t *off);
/* Raw bytes of an executable section as stored in the file (compressed
 * .debug_* stay compressed); NULL if absent or SHT_NOBITS; *addr is biased. */
const uint8_t *core_exe_section(const ghf_core *c, const char *name, size_t *size, uint64_t *addr);
/* Biased address and size of any section, SHT_NOBITS (.bss) included. */
bool core_exe_section_range(const ghf_core *c, const char *name, uint64_t *addr, uint64_t *size);
const char *core_exe_path(const ghf_core *c);
/* Go build ID (from the executable), "" if none; GNU build ID hex, "" if none. */
const char *core_go_build_id(const ghf_core *c);
const char *core_gnu_build_id(const ghf_core *c);
/* Go version from .go.buildinfo of the executable ("go1.27.3"), "" if none. */
const char *core_exe_go_version(const ghf_core *c);
/* Module paths from .go.buildinfo, the main module first, then its
 * dependencies, each ending in '\n' ("ghffixtures\ngolang.org/x/sys\n");
 * "" if the executable records none. */
const char *core_exe_modules(const ghf_core *c);
/* How core_open established that the executable matches the core, e.g.
 * "Go and GNU build IDs", or "MISMATCH accepted by --force: ...". */
const char *core_exe_match(const ghf_core *c);

#endif
