/* arch.c — per-architecture facts for stack walking (see arch.h). */
#include "arch.h"

#include "core.h"

static const char *const amd64_sigtramps[] = {"runtime.sigtramp", "runtime.cgoSigtramp", NULL};
/* runtime/os_linux.go setsig: sa_restorer = sigreturn__sigaction (1.21+),
 * sigreturn (1.19, 1.20). */
static const char *const amd64_restorers[] = {"runtime.sigreturn__sigaction", "runtime.sigreturn", NULL};

/* Linux x86-64: arch/x86/include/asm/sigframe.h struct rt_sigframe
 * {char *pretcode; struct ucontext uc; struct siginfo info;}; ucontext
 * {uc_flags 8, uc_link 8, uc_stack 24, uc_mcontext} (glibc sys/ucontext.h,
 * runtime/defs_linux_amd64.go ucontext); mcontext gregs[23] in the order
 * R8..R15 RDI RSI RBP RBX RDX RAX RCX RSP RIP EFL CSGSFS ERR TRAPNO OLDMASK
 * CR2 (glibc REG_*; runtime sigcontext r8..rip). */
static const arch_desc amd64 = {
    .name = "amd64",
    .pr_pc = CORE_REG_RIP,
    .pr_sp = CORE_REG_RSP,
    .pr_fp = CORE_REG_RBP,
    .pr_ngp = 16, /* r15 r14 r13 r12 rbp rbx r11 r10 r9 r8 rax rcx rdx rsi rdi orig_rax */
    .ret_size = 8,
    .saved_fp_size = 8,
    .sigframe_uc = 8,
    .uc_mcontext = 40,
    .mc_ngregs = 23,
    .mc_ngp = 16, /* r8 .. rcx, rsp */
    .mc_pc = 16,  /* REG_RIP */
    .mc_sp = 15,  /* REG_RSP */
    .mc_fp = 10,  /* REG_RBP */
    .sigtramps = amd64_sigtramps,
    .restorers = amd64_restorers,
};

const arch_desc *arch_current(void)
{
    return &amd64;
}
