/* goruntime.h — what the bytes of a core mean to the Go runtime.
 *
 * Given the address space (core.h) and the DWARF index (dwarf_index.h),
 * find the runtime's state — version, mheap_, allgs, allp, sched,
 * firstmoduledata — and the layouts of the runtime structs of this exact
 * Go version. Offsets and constants come from DWARF; the few facts DWARF
 * does not state are explicit version branches naming their source file.
 */
#ifndef GHF_GORUNTIME_H
#define GHF_GORUNTIME_H

#include <stdint.h>
#include "core.h"
#include "damage.h"
#include "dwarf_index.h"
#include "ghf_error.h"
#include "pcln.h"

#define GO_MIN_MINOR 19
#define GO_MAX_MINOR 27

/* A struct member located by a DWARF path such as "sched.sp". */
typedef struct rt_field {
    uint32_t off;
    uint8_t size;     /* 1, 2, 4 or 8; 0 = absent in this version */
} rt_field;

enum g_status {      /* runtime/runtime2.go _G* */
    G_IDLE = 0, G_RUNNABLE = 1, G_RUNNING = 2, G_SYSCALL = 3, G_WAITING = 4,
    G_DEAD = 6, G_COPYSTACK = 8, G_PREEMPTED = 9, G_LEAKED = 10, G_DEADEXTRA = 11,
    G_SCAN = 0x1000,
};

typedef struct go_runtime {
    ghf_core *core;          /* borrowed */
    const dwx *dw;           /* borrowed */
    pcln *pcln;              /* owned */
    damage_log *damage;      /* owned: damaged metadata worked around (damage.h) */
    uint64_t bias;           /* PIE bias: run-time = link-time + bias */
    char version[64];        /* "go1.27.3" */
    int minor;               /* 27 */

    /* run-time addresses of runtime globals */
    uint64_t mheap, allgs, allglen, allp, sched, firstmoduledata;

    /* constants (DWARF, with the runtime's defaults where absent) */
    uint64_t page_size, arena_bytes, pages_per_arena, arena_base_offset;
    uint32_t arena_l1_bits, arena_l2_bits;
    uint64_t min_size_for_malloc_header, malloc_header_size;
    int64_t span_inuse;

    struct { uint64_t size; rt_field start_addr, npages, freeindex, nelems, alloc_bits, spanclass,
             state, elemsize, limit, large_type, specials; } mspan;
    struct { rt_field allspans, arenas; } mheap_f;
    struct { rt_field bitmap; } arena;     /* 1.19-1.21 heap bitmap (1.22 noallocheaders too) */
    struct { rt_field stack_lo, stack_hi, sched_sp, sched_pc, sched_bp, sched_lr,
             syscallsp, syscallpc, syscallbp, status, goid, waitreason, startpc; } g;
    struct { rt_field text, data, edata, bss, ebss, types, rodata, gofunc, gcdatamask_n,
             gcdatamask_bytes, gcbssmask_n, gcbssmask_bytes, next, pcheader, pclntable, typelinks; } md;

    /* firstmoduledata's gofunc (base of funcdata: stack maps, stack object
     * records) and rodata (base of their GC masks), checked against the
     * executable's sections; a damaged value is noted and replaced by the
     * linker's symbol (0 if the executable has none). */
    uint64_t gofunc, rodata;
} go_runtime;

typedef struct rt_open_opts {
    bool force;              /* accept Go versions outside 1.19-1.27 */
} rt_open_opts;

bool rt_open(ghf_core *core, const dwx *dw, const rt_open_opts *opts, go_runtime **out, ghf_err *err);
void rt_close(go_runtime *rt);

/* Locate member `path` ("sched.sp") of struct type `type` ("runtime.g").
 * Wrappers such as atomic.Uint32 or mSpanStateBox are entered down to their
 * first sized scalar, so "atomicstatus" works whether it is uint32 or
 * atomic.Uint32. Absent members give size 0. */
rt_field rt_field_lookup(const dwx *dw, const char *type, const char *path);

/* Read a little-endian scalar field of the struct at addr. */
bool rt_read_field(const go_runtime *rt, uint64_t addr, rt_field f, uint64_t *out);
bool rt_read_u64(const go_runtime *rt, uint64_t addr, uint64_t *out);
/* Read a Go string header at addr into buf (truncated, NUL-terminated). */
bool rt_read_gostring(const go_runtime *rt, uint64_t addr, char *buf, size_t cap);
/* Can an array of n elements of elem bytes at addr be in this core? Its
 * size must not overflow, both ends must be mapped and it must not exceed
 * the address space the core describes. Check counts read from the core
 * with this before looping or allocating by them. */
bool rt_array_fits(const go_runtime *rt, uint64_t addr, uint64_t n, uint64_t elem);
/* Read a slice header {ptr, len, cap}. */
bool rt_read_slice(const go_runtime *rt, uint64_t addr, uint64_t *ptr, uint64_t *len);

/* Goroutine-level facts used by `info` and stack scanning. */
typedef struct rt_goroutine {
    uint64_t addr;           /* the g */
    uint64_t goid;
    uint32_t status;         /* without the _Gscan bit */
    uint8_t waitreason;
    uint64_t pc, sp, bp;     /* where its stack walk starts (sched, or syscall) */
    uint64_t lr;             /* link-register machines: sched.lr (0 in a syscall, as
                                the runtime's traceback takes it) */
    uint64_t stack_lo, stack_hi;
    uint64_t startpc;
} rt_goroutine;

/* The allgs array and how many entries to read, checked: allglen must
 * equal len(allgs) <= cap(allgs) (runtime/proc.go allgadd) and the array
 * fit in the core; a mismatch is noted as damage and the smaller count
 * used, a count the core cannot hold is an error. */
bool rt_allgs(const go_runtime *rt, uint64_t *array, uint64_t *n, ghf_err *err);
/* Every g in allgs[:allglen] (dead ones included; callers filter). A g
 * that cannot be read, has no valid status, or is live without a stack is
 * noted as damage (and not returned). */
bool rt_goroutines(const go_runtime *rt, rt_goroutine **out, size_t *n, ghf_err *err);
/* The count runtime.NumGoroutine() would return (runtime/proc.go gcount). */
bool rt_num_goroutine(const go_runtime *rt, int64_t *out, ghf_err *err);
const char *rt_status_name(uint32_t status);
/* runtime.waitReasonStrings[w], or "" */
bool rt_wait_reason(const go_runtime *rt, uint8_t w, char *buf, size_t cap);

/* runtime.iscgo: the program links runtime/cgo (its own C code, or cgo
 * through the standard library). Its C heap (malloc) is outside Go's. */
bool rt_is_cgo(const go_runtime *rt);
/* The kernel thread ids (m.procid) of every m on runtime.allm, sorted: the
 * threads the runtime knows. A core's other threads are C threads (a cgo
 * program's pthreads) with no m. Caller frees *out. */
bool rt_thread_ids(const go_runtime *rt, uint64_t **out, size_t *n, ghf_err *err);
/* The same for the extra ms only (m.isextra, Go 1.21+; fails before): the
 * ms a C thread borrows to call into Go or to run a signal handler (as when
 * SIGABRT lands on it). Those threads too were made by C. */
bool rt_extra_thread_ids(const go_runtime *rt, uint64_t **out, size_t *n, ghf_err *err);
/* Is tid in ids (as rt_thread_ids returns them)? */
bool rt_thread_known(const uint64_t *ids, size_t n, uint64_t tid);

#endif
