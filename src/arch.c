/* arch.c — per-architecture facts (see arch.h). */
#include "arch.h"

#include <elf.h>
#include <stddef.h>

/* runtime/os_linux.go setsig: sa_restorer = sigreturn__sigaction (1.21+),
 * sigreturn (1.19, 1.20), on 386 and amd64 only. */
static const char *const go_sigtramps[] = {"runtime.sigtramp", "runtime.cgoSigtramp", NULL};
static const char *const amd64_restorers[] = {"runtime.sigreturn__sigaction", "runtime.sigreturn", NULL};
static const char *const no_restorers[] = {NULL};

/* x86-64. NT_PRSTATUS: struct elf_prstatus, 336 bytes, pr_pid at 32,
 * pr_reg = struct user_regs_struct (27 words: r15 r14 r13 r12 rbp rbx r11
 * r10 r9 r8 rax rcx rdx rsi rdi orig_rax rip cs eflags rsp ss fs_base
 * gs_base ds es fs gs) at 112.
 * Signals: arch/x86/include/asm/sigframe.h struct rt_sigframe {char
 * *pretcode; struct ucontext uc; struct siginfo info;}; ucontext {uc_flags
 * 8, uc_link 8, uc_stack 24, uc_mcontext} (glibc sys/ucontext.h,
 * runtime/defs_linux_amd64.go ucontext); mcontext gregs[23] in the order
 * R8..R15 RDI RSI RBP RBX RDX RAX RCX RSP RIP EFL CSGSFS ERR TRAPNO OLDMASK
 * CR2 (glibc REG_*; runtime sigcontext r8..rip). */
static const arch_desc amd64 = {
    .name = "amd64",
    .elf_name = "x86-64",
    .elf_machine = EM_X86_64,
    .ptr_size = 8,
    .pc_quantum = 1,
    .prstatus_size = 336,
    .prstatus_tid = 32,
    .prstatus_regs = 112,
    .pr_nregs = 27,
    .pr_pc = 16, /* rip */
    .pr_sp = 19, /* rsp */
    .pr_fp = 4,  /* rbp */
    .pr_lr = -1,
    .pr_ngp = 16, /* r15 .. orig_rax */
    .ret_size = 8,
    .lr_machine = false,
    .saved_fp_size = 8,
    .min_frame_size = 0,
    .injected_call_pad = 0,
    .arena_base_offset = 0xffff800000000000ull, /* runtime/malloc.go: amd64 only */
    .user_va_bits = 47,
    .vsyscall = 0xffffffffff600000ull,
    .sigframe_uc = 8,
    .uc_mcontext = 40,
    .mc_ngregs = 23,
    .mc_ngp = 16, /* r8 .. rcx, rsp */
    .mc_pc = 16,  /* REG_RIP */
    .mc_sp = 15,  /* REG_RSP */
    .mc_fp = 10,  /* REG_RBP */
    .mc_lr = -1,
    .sigtramps = go_sigtramps,
    .restorers = amd64_restorers,
};

/* aarch64. NT_PRSTATUS: struct elf_prstatus, 392 bytes, pr_pid at 32,
 * pr_reg = struct user_pt_regs (34 words: x0..x30, sp, pc, pstate) at 112
 * (arch/arm64/include/uapi/asm/ptrace.h; x29 is the frame pointer, x30 the
 * link register; Go keeps g in x28).
 * Go's frames (cmd/internal/obj/arm64 preprocess, runtime/traceback.go
 * usesLR): the prologue stores LR at 0(SP) of the new frame and the
 * caller's FP at -8(SP); fp = sp + spdelta; sys.MinFrameSize = 8, so
 * arguments start at fp + 8. sigctxt.pushCall makes 16 bytes of room for
 * the LR it saves.
 * Signals: arch/arm64/kernel/signal.c struct rt_sigframe {struct siginfo
 * info (128); struct ucontext uc;} at the handler's SP; ucontext {uc_flags
 * 8, uc_link 8, uc_stack 24, uc_sigmask 8, 120 bytes to a 1024-bit sigset,
 * uc_mcontext (16-aligned: 176)}; sigcontext {fault_address 8, regs[31], sp,
 * pc, pstate} (runtime/defs_linux_arm64.go; qemu-user builds the same
 * target_rt_sigframe). */
static const arch_desc arm64 = {
    .name = "arm64",
    .elf_name = "aarch64",
    .elf_machine = EM_AARCH64,
    .ptr_size = 8,
    .pc_quantum = 4,
    .prstatus_size = 392,
    .prstatus_tid = 32,
    .prstatus_regs = 112,
    .pr_nregs = 34,
    .pr_pc = 32,
    .pr_sp = 31,
    .pr_fp = 29,
    .pr_lr = 30,
    .pr_ngp = 31, /* x0 .. x30 */
    .ret_size = 0,
    .lr_machine = true,
    .saved_fp_size = 8,
    .min_frame_size = 8,
    .injected_call_pad = 16,
    .arena_base_offset = 0,
    .user_va_bits = 48,
    .sigframe_uc = 128,
    .uc_mcontext = 176 + 8, /* past fault_address: regs[0] */
    .mc_ngregs = 34,
    .mc_ngp = 31,
    .mc_pc = 32,
    .mc_sp = 31,
    .mc_fp = 29,
    .mc_lr = 30,
    .sigtramps = go_sigtramps,
    .restorers = no_restorers,
};

const arch_desc *arch_by_elf_machine(unsigned e_machine)
{
    if (e_machine == amd64.elf_machine)
        return &amd64;
    if (e_machine == arm64.elf_machine)
        return &arm64;
    return NULL;
}

const arch_desc *arch_host(void)
{
#if defined(__x86_64__)
    return &amd64;
#elif defined(__aarch64__)
    return &arm64;
#else
    return NULL;
#endif
}

const char *arch_supported(void)
{
    return "x86-64 (amd64) and aarch64 (arm64)";
}
