/* arch.h — the facts about one CPU architecture that reading a Go core
 * needs, as data: its ELF machine number, how NT_PRSTATUS lays out a
 * thread's registers, which of them are the PC, SP, frame pointer and link
 * register, how Go's frames are laid out (where a call leaves its return
 * address, where the caller's frame pointer is saved), the pclntab's PC
 * quantum, the runtime's address-space constants, and how the Linux kernel
 * lays out the signal frame it pushes when it enters a signal handler
 * (rt_sigframe, ucontext, mcontext). Nothing else in goheapflame assumes an
 * architecture: it asks the description of the core it reads
 * (core_arch(), chosen by the core's e_machine). Described: amd64 (x86-64)
 * and arm64 (aarch64).
 */
#ifndef GHF_ARCH_H
#define GHF_ARCH_H

#include <stdbool.h>
#include <stdint.h>

/* The most NT_PRSTATUS registers (pr_nregs), and the most of those or of
 * the signal frame's (mc_ngregs), of any described architecture. */
#define ARCH_MAX_PR_REGS 34
#define ARCH_MAX_REGS 34

typedef struct arch_desc {
    const char *name;               /* GOARCH: "amd64", "arm64" */
    const char *elf_name;           /* as people say it: "x86-64", "aarch64" */
    uint16_t elf_machine;           /* e_machine: EM_X86_64, EM_AARCH64 */
    uint32_t ptr_size;              /* 8 */
    uint32_t pc_quantum;            /* pclntab minLC: pc-value deltas count in these */

    /* NT_PRSTATUS (struct elf_prstatus): its size, the thread id (pr_pid)
     * and the general registers (pr_reg, pr_nregs words) offsets. */
    uint32_t prstatus_size, prstatus_tid, prstatus_regs;
    int pr_nregs;
    /* core_thread.regs indices; pr_lr is -1 without a link register */
    int pr_pc, pr_sp, pr_fp, pr_lr;
    int pr_ngp;                     /* regs[0..pr_ngp) are the general registers
                                       (candidates for pointers) */

    /* Go's frames (runtime/traceback.go). A call pushes the return address
     * (ret_size bytes, amd64), so a frame's caller SP (fp) = entry SP +
     * ret_size and the return address is at fp - ret_size; or it leaves it
     * in the link register (lr_machine, arm64), which the callee's prologue
     * saves at the bottom of its frame, 0(SP), and a frameless function
     * keeps in the register. A frame that saves the caller's frame pointer
     * keeps it saved_fp_size bytes below the return address (amd64) or
     * below its own SP (arm64), either way just under fp - ret_size: locals
     * end there (varp). Arguments start min_frame_size above fp
     * (sys.MinFrameSize). When the runtime's signal handler injects a call
     * (asyncPreempt, sigpanic) on a link-register machine it pushes the old
     * LR in injected_call_pad bytes of its own. */
    uint32_t ret_size;
    bool lr_machine;
    uint32_t saved_fp_size;
    uint32_t min_frame_size;
    uint32_t injected_call_pad;

    /* runtime/malloc.go arenaBaseOffset (when the DWARF lacks it), and the
     * highest user-space address + 1 a process can map (2^user_va_bits). */
    uint64_t arena_base_offset;
    unsigned user_va_bits;
    uint64_t vsyscall;              /* the legacy vsyscall page above that (0: none) */

    /* Signal delivery: the handler is entered with SP at the kernel's
     * rt_sigframe; the ucontext is sigframe_uc bytes above that SP, its
     * general registers uc_mcontext bytes into the ucontext: mc_ngregs
     * 8-byte words, of which [0, mc_ngp) may hold pointers and mc_pc,
     * mc_sp, mc_fp, mc_lr (-1: none) are the interrupted PC, SP, FP, LR.
     * amd64's frame starts with the return address (the restorer,
     * sa_restorer); arm64's has none (the restorer is only in LR). */
    uint32_t sigframe_uc;
    uint32_t uc_mcontext;
    int mc_ngregs, mc_ngp;
    int mc_pc, mc_sp, mc_fp, mc_lr;

    /* Go functions the kernel enters a signal handler at, and the restorers
     * the runtime installs as sa_restorer (NULL-terminated lists; names of
     * all supported Go versions; arm64 installs none). */
    const char *const *sigtramps;
    const char *const *restorers;
} arch_desc;

/* The description for ELF machine e_machine, or NULL when it is not one
 * goheapflame reads. */
const arch_desc *arch_by_elf_machine(unsigned e_machine);
/* The architecture goheapflame itself runs on (for reading a live process),
 * or NULL when it is none of the described ones. */
const arch_desc *arch_host(void);
/* "x86-64 (amd64) and aarch64 (arm64)": for messages. */
const char *arch_supported(void);

#endif
