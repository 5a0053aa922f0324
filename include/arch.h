/* arch.h — the facts about one CPU architecture that stack walking needs,
 * as data: which NT_PRSTATUS registers are the PC, SP and frame pointer,
 * how a call leaves its return address, and how the Linux kernel lays out
 * the signal frame it pushes when it enters a signal handler (rt_sigframe,
 * ucontext, mcontext). Code that walks stacks reads these instead of
 * hard-coding one architecture; amd64 is the only one described so far.
 */
#ifndef GHF_ARCH_H
#define GHF_ARCH_H

#include <stdint.h>

typedef struct arch_desc {
    const char *name;               /* GOARCH: "amd64" */

    /* core_thread.regs (NT_PRSTATUS pr_reg) indices */
    int pr_pc, pr_sp, pr_fp;
    int pr_ngp;                     /* regs[0..pr_ngp) are the general registers
                                       (candidates for pointers) */

    /* Calls: the return address is pushed on the stack, ret_size bytes, so a
     * frame's caller SP (fp) = entry SP + ret_size; a frame that saves the
     * caller's frame pointer keeps it just below the return address. */
    uint32_t ret_size;
    uint32_t saved_fp_size;

    /* Signal delivery: the handler is entered with SP at the kernel's
     * rt_sigframe, whose first word is the return address (the restorer,
     * sa_restorer); the ucontext is sigframe_uc bytes above that SP, its
     * mcontext uc_mcontext bytes into the ucontext; mcontext starts with
     * mc_ngregs 8-byte general registers, of which [0, mc_ngp) may hold
     * pointers and mc_pc, mc_sp, mc_fp are the interrupted PC, SP, FP. */
    uint32_t sigframe_uc;
    uint32_t uc_mcontext;
    int mc_ngregs, mc_ngp;
    int mc_pc, mc_sp, mc_fp;

    /* Go functions the kernel enters a signal handler at, and the restorers
     * the runtime installs as sa_restorer (NULL-terminated lists; names of
     * all supported Go versions). */
    const char *const *sigtramps;
    const char *const *restorers;
} arch_desc;

/* The architecture of goheapflame's cores (amd64; core_open refuses others). */
const arch_desc *arch_current(void);

#endif
