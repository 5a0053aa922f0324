/* gstack.h — where a goroutine's stack walk starts, and the walk itself.
 *
 * A goroutine that is not running left its registers in g.sched (or, in a
 * system call or cgo, g.syscallsp/syscallpc). A running one (_Grunning) has
 * them on its M's thread, found by m.procid (the thread id NT_PRSTATUS
 * carries). That thread may be
 *  - on the goroutine's stack (gcore stopped it there, or a kernel core
 *    caught it in Go code): its registers are the goroutine's;
 *  - in the runtime's signal handler on m.gsignal's stack (a kernel core
 *    taken by a signal, GOTRACEBACK=crash): the interrupted registers are in
 *    the kernel's signal frame, found by unwinding the handler back to the
 *    function the kernel entered it at (arch.h sigtramps), else by the
 *    restorer word at the frame's start, highest on the signal stack first;
 *  - on m.g0's stack (systemstack, mcall): g.sched holds the goroutine's
 *    context again, or m.vdsoSP/vdsoPC in a VDSO call.
 * In the first two cases the innermost frame stopped at an arbitrary
 * instruction: no stack map is valid there and it must be scanned
 * conservatively, with the interrupted registers, as the runtime does for
 * an asynchronously preempted frame.
 *
 * The walk (runtime/traceback.go) steps caller by caller with the pclntab
 * and ends either at the goroutine's base (runtime.goexit, runtime.mstart,
 * runtime.rt0_go or a TopFrame function) or lost, with the reason.
 */
#ifndef GHF_GSTACK_H
#define GHF_GSTACK_H

#include <stdbool.h>
#include <stdint.h>
#include "arch.h"
#include "goruntime.h"

#define GSTACK_MAX_REGS ARCH_MAX_REGS

/* Layout facts and symbols, looked up once per core. */
typedef struct gstack_ctx {
    const go_runtime *rt;
    const arch_desc *arch;
    rt_field g_m, m_procid, m_gsignal, m_g0, m_vdso_sp, m_vdso_pc;
    uint64_t restorers[4];  /* run-time addresses of arch->restorers found */
    int nrestorers;
} gstack_ctx;

void gstack_ctx_init(gstack_ctx *c, const go_runtime *rt);

typedef struct gstack_start {
    uint64_t pc, sp;
    uint64_t lr;            /* link-register machines: the innermost frame's LR, 0 if unknown */
    bool interrupted;       /* innermost frame stopped at an arbitrary pc */
    uint32_t tid;           /* running: its thread (0 if not found) */
    const char *source;     /* "g.sched", "g.syscallsp", "thread registers",
                               "signal frame", "g.sched (system stack)", "m.vdsoSP" */
    uint64_t regs[GSTACK_MAX_REGS];  /* interrupted general registers */
    int nregs;
    char problem[160];      /* why no trustworthy start was found ("" if one was) */
} gstack_start;

/* Where g's walk starts. Never fails: when the registers of a running
 * goroutine cannot be recovered, problem says why and pc/sp are g.sched's
 * (stale: the walk will then most likely be lost). */
void gstack_find_start(const gstack_ctx *c, const rt_goroutine *g, gstack_start *out);

typedef struct gstack_frame {
    uint64_t pc, sp, fp, varp, argp;  /* fp: the caller's SP (the CFA) */
    pcln_func fn;
} gstack_frame;

enum gstack_end { GSTACK_WALKING, GSTACK_BASE, GSTACK_LOST };

typedef struct gstack_walk {
    const gstack_ctx *c;
    uint64_t pc, sp, lo, hi;
    uint64_t lr;            /* the next frame's LR when it is not on the stack, else 0 */
    int n;                  /* frames returned so far */
    enum gstack_end end;
    char why[160];          /* GSTACK_LOST: the reason */
    char base[64];          /* GSTACK_BASE: the base function */
    char last[64];          /* the last frame's function, "" before the first */
} gstack_walk;

/* Walk the stack [lo, hi) from (pc, sp; lr: see gstack_start). gstack_next gives the next frame
 * (innermost first), or false at the end, with w->end saying how it ended
 * and w->sp where (the lowest address not yet accounted for). */
void gstack_walk_begin(gstack_walk *w, const gstack_ctx *c, uint64_t pc, uint64_t sp, uint64_t lr, uint64_t lo,
                       uint64_t hi);
bool gstack_next(gstack_walk *w, gstack_frame *f);

/* A goroutine's stack at a glance, for `info`: its start and how its walk ends. */
typedef struct gstack_summary {
    uint64_t goid;
    uint32_t status;        /* enum g_status */
    gstack_start start;
    int frames;
    bool complete;          /* the walk reached the goroutine's base */
    char top[64], base[64]; /* innermost function, and the base (or the last frame reached) */
    char user[64];          /* innermost function outside the runtime (gstack_runtime_func),
                               "" if every frame walked is the runtime's */
    char program[128];      /* innermost function of the program's own code (gopkg_is_program:
                               not the runtime, not the standard library), "" if none walked */
    char why[160];          /* not complete: why */
} gstack_summary;

void gstack_summarize(const gstack_ctx *c, const rt_goroutine *g, gstack_summary *out);

/* Is `name` the runtime's: package runtime or internal/runtime/..., or a
 * runtime hook linked into another package (sync.runtime_Semacquire,
 * internal/poll.runtime_pollWait)? */
bool gstack_runtime_func(const char *name);

/* Should g's stack be walked at all (it has one, and it is alive)? */
bool gstack_live(const rt_goroutine *g);

#endif
