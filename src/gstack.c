/* gstack.c — a goroutine's stack: where its walk starts, and the walk (see gstack.h). */
#include "gstack.h"

#include "core.h"
#include "gopkg.h"

#include <stdio.h>
#include <string.h>

#define MAX_FRAMES 100000
#define MAX_HANDLER_FRAMES 256   /* frames between a signal handler's top and sigtramp */
#define MAX_NESTED_SIGNALS 4

void gstack_ctx_init(gstack_ctx *c, const go_runtime *rt)
{
    memset(c, 0, sizeof *c);
    c->rt = rt;
    c->arch = core_arch(rt->core);
    c->g_m = rt_field_lookup(rt->dw, "runtime.g", "m");
    c->m_procid = rt_field_lookup(rt->dw, "runtime.m", "procid");
    c->m_gsignal = rt_field_lookup(rt->dw, "runtime.m", "gsignal");
    c->m_g0 = rt_field_lookup(rt->dw, "runtime.m", "g0");
    c->m_vdso_sp = rt_field_lookup(rt->dw, "runtime.m", "vdsoSP");
    c->m_vdso_pc = rt_field_lookup(rt->dw, "runtime.m", "vdsoPC");
    /* by pclntab name: the symbol table calls these assembly functions "….abi0" */
    for (const char *const *n = c->arch->restorers; *n && c->nrestorers < 4; n++) {
        pcln_func f;
        if (pcln_by_name(rt->pcln, *n, &f))
            c->restorers[c->nrestorers++] = f.entry;
    }
}

static bool in(uint64_t a, uint64_t lo, uint64_t hi)
{
    return a >= lo && a < hi;
}

static bool is_sigtramp(const arch_desc *a, const char *name)
{
    for (const char *const *n = a->sigtramps; name && *n; n++)
        if (strcmp(*n, name) == 0)
            return true;
    return false;
}

static bool is_restorer(const gstack_ctx *c, uint64_t addr)
{
    for (int i = 0; i < c->nrestorers; i++)
        if (c->restorers[i] == addr)
            return true;
    return false;
}

static bool is_base(const pcln_func *f)
{
    static const char *const bases[] = {"runtime.goexit", "runtime.mstart", "runtime.rt0_go"};
    if (f->flag & PCLN_FLAG_TOPFRAME)
        return true;
    for (size_t i = 0; i < sizeof bases / sizeof *bases; i++)
        if (f->name && strcmp(f->name, bases[i]) == 0)
            return true;
    return false;
}

/* The frame of the function at pc whose SP is sp: its caller's SP (fp),
 * locals and arguments (runtime/traceback.go unwinder.resolveInternal). */
static bool frame_at(const gstack_ctx *c, uint64_t pc, uint64_t sp, gstack_frame *f, char *why, size_t cap)
{
    const arch_desc *a = c->arch;
    memset(f, 0, sizeof *f);
    f->pc = pc;
    f->sp = sp;
    if (!pcln_find(c->rt->pcln, pc, &f->fn)) {
        snprintf(why, cap, "pc 0x%llx is not in Go code", (unsigned long long)pc);
        return false;
    }
    int32_t delta = 0;
    if (!pcln_spdelta(c->rt->pcln, &f->fn, pc, &delta) || delta < 0) {
        snprintf(why, cap, "no stack-pointer delta for %s at pc 0x%llx", f->fn.name, (unsigned long long)pc);
        return false;
    }
    f->fp = sp + (uint64_t)delta + a->ret_size;
    f->varp = f->fp - a->ret_size;
    if (f->varp > f->sp)
        f->varp -= a->saved_fp_size;   /* the caller's saved frame pointer */
    f->argp = f->fp + a->min_frame_size;
    return true;
}

/* Where f returns to (runtime/traceback.go resolveInternal, "Derive link
 * register"): the word the call pushed below fp, or on a link-register
 * machine the LR saved at 0(SP), except that a frame which has not made
 * room for one (sp == fp: a frameless function, or one stopped in its
 * prologue) still has it in the register, lr (0 when unknown). */
static bool frame_return(const gstack_ctx *c, const gstack_frame *f, uint64_t lr, uint64_t *ret)
{
    const arch_desc *a = c->arch;
    if (!a->lr_machine)
        return core_read_u64(c->rt->core, f->fp - a->ret_size, ret);
    if (lr != 0 && f->sp == f->fp) {
        *ret = lr;
        return true;
    }
    return core_read_u64(c->rt->core, f->sp, ret);
}

/* runtime/traceback.go isInjectedCall: calls the signal handler fakes. */
static bool injected_call(const pcln_func *f)
{
    return f->kind == PCLN_FID_ASYNCPREEMPT || f->kind == PCLN_FID_SIGPANIC || f->kind == PCLN_FID_DEBUGCALLV2;
}

/* ---- the walk ---- */

void gstack_walk_begin(gstack_walk *w, const gstack_ctx *c, uint64_t pc, uint64_t sp, uint64_t lr, uint64_t lo,
                       uint64_t hi)
{
    memset(w, 0, sizeof *w);
    w->c = c;
    w->pc = pc;
    w->sp = sp;
    w->lr = lr;
    w->lo = lo;
    w->hi = hi;
}

/* dst = src cut to cap - 1 bytes, as snprintf "%s" would: once per frame
 * walked, where snprintf's cost showed. */
static void copy_name(char *dst, size_t cap, const char *src)
{
    if (src == NULL)
        src = "(null)"; /* as glibc prints NULL */
    size_t n = strnlen(src, cap - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static bool lost(gstack_walk *w)
{
    w->end = GSTACK_LOST;
    return false;
}

bool gstack_next(gstack_walk *w, gstack_frame *f)
{
    if (w->end != GSTACK_WALKING)
        return false;
    if (w->why[0]) /* the previous frame could not lead on */
        return lost(w);
    if (w->n >= MAX_FRAMES) {
        snprintf(w->why, sizeof w->why, "more than %d frames", MAX_FRAMES);
        return lost(w);
    }
    if (w->pc == 0) {
        snprintf(w->why, sizeof w->why, "no pc%s%s", w->last[0] ? " above " : "", w->last);
        return lost(w);
    }
    if (!in(w->sp, w->lo, w->hi)) {
        snprintf(w->why, sizeof w->why, "sp 0x%llx is outside the goroutine's stack [0x%llx, 0x%llx)",
                 (unsigned long long)w->sp, (unsigned long long)w->lo, (unsigned long long)w->hi);
        return lost(w);
    }
    if (!frame_at(w->c, w->pc, w->sp, f, w->why, sizeof w->why))
        return lost(w);
    if (is_base(&f->fn)) {
        snprintf(w->base, sizeof w->base, "%s", f->fn.name);
        w->end = GSTACK_BASE;
        return false;
    }
    if (f->fp > w->hi) {
        snprintf(w->why, sizeof w->why, "the frame of %s runs past the stack's end", f->fn.name);
        return lost(w);
    }
    /* This frame is good; whether its caller can be found is the next call's business. */
    const arch_desc *a = w->c->arch;
    uint64_t ret = 0;
    if (!frame_return(w->c, f, w->lr, &ret))
        snprintf(w->why, sizeof w->why, "the return address of %s is unreadable", f->fn.name);
    else if (f->fn.flag & PCLN_FLAG_SPWRITE)
        snprintf(w->why, sizeof w->why, "%s writes its stack pointer: no unwinding past it", f->fn.name);
    w->pc = ret;
    w->sp = f->fp;
    w->lr = 0;
    if (a->injected_call_pad && injected_call(&f->fn) && !w->why[0]) {
        /* the handler saved the interrupted LR at the caller's SP and moved
         * SP below it (sigctxt.pushCall); a frameless caller still needed it */
        uint64_t saved = 0;
        pcln_func caller;
        int32_t delta;
        if (!core_read_u64(w->c->rt->core, w->sp, &saved))
            snprintf(w->why, sizeof w->why, "the LR saved by %s's injected call is unreadable", f->fn.name);
        w->sp += a->injected_call_pad;
        if (pcln_find(w->c->rt->pcln, w->pc, &caller) && pcln_spdelta(w->c->rt->pcln, &caller, w->pc, &delta) &&
            delta == 0)
            w->lr = saved;
    }
    w->n++;
    copy_name(w->last, sizeof w->last, f->fn.name);
    return true;
}

/* ---- the start ---- */

static const core_thread *thread_by_tid(const ghf_core *core, uint64_t tid)
{
    for (size_t t = 0; t < core_thread_count(core); t++)
        if (core_threads(core)[t].tid == tid)
            return &core_threads(core)[t];
    return NULL;
}

/* Stack bounds of the g that field f of the m at m points to. */
static bool m_stack(const gstack_ctx *c, uint64_t m, rt_field f, uint64_t *lo, uint64_t *hi)
{
    const go_runtime *rt = c->rt;
    uint64_t gp;
    *lo = *hi = 0;
    return f.size && rt_read_field(rt, m, f, &gp) && gp != 0 && rt_read_field(rt, gp, rt->g.stack_lo, lo) &&
           rt_read_field(rt, gp, rt->g.stack_hi, hi) && *lo < *hi;
}

static bool read_mcontext(const gstack_ctx *c, uint64_t uc, uint64_t *gregs)
{
    const arch_desc *a = c->arch;
    return a->mc_ngregs <= GSTACK_MAX_REGS &&
           core_read(c->rt->core, uc + a->uc_mcontext, gregs, (size_t)a->mc_ngregs * 8);
}

/* The ucontext of the signal being handled by a thread at (pc, sp, lr) on
 * the signal stack [lo, hi): unwind the handler back to the function the
 * kernel entered it at; the kernel's frame starts at that function's entry SP. */
static bool sigframe_by_unwind(const gstack_ctx *c, uint64_t pc, uint64_t sp, uint64_t lr, uint64_t lo,
                               uint64_t hi, uint64_t *uc)
{
    const arch_desc *a = c->arch;
    char why[160];
    for (int n = 0; n < MAX_HANDLER_FRAMES && in(sp, lo, hi); n++, lr = 0) {
        gstack_frame f;
        if (!frame_at(c, pc, sp, &f, why, sizeof why) || f.fp > hi)
            return false;
        uint64_t entry_sp = f.fp - a->ret_size, ret;
        if (!frame_return(c, &f, lr, &ret))
            return false;
        if (is_sigtramp(a, f.fn.name) || is_restorer(c, ret)) {
            *uc = entry_sp + a->sigframe_uc;
            return true;
        }
        if (f.fn.flag & (PCLN_FLAG_TOPFRAME | PCLN_FLAG_SPWRITE))
            return false;
        pc = ret;
        sp = f.fp;
    }
    return false;
}

/* The same when the handler cannot be unwound (the thread stopped in code
 * without a pclntab entry): the highest restorer word on [lo, hi) whose
 * context lies on one of the goroutine's stacks (g's or its M's g0). The
 * kernel puts the outermost signal frame at the same place below the top
 * of the signal stack each time, so the highest is the live one. */
static bool sigframe_by_restorer(const gstack_ctx *c, uint64_t lo, uint64_t hi, const uint64_t ok[4], uint64_t *uc)
{
    const arch_desc *a = c->arch;
    if (c->nrestorers == 0 || hi - lo > (64u << 20))
        return false;
    for (uint64_t p = (hi & ~7ull) - 8; p >= lo && p + 8 > p; p -= 8) {
        uint64_t v, gregs[GSTACK_MAX_REGS];
        if (!core_read_u64(c->rt->core, p, &v) || !is_restorer(c, v) || !read_mcontext(c, p + a->sigframe_uc, gregs))
            continue;
        uint64_t sp = gregs[a->mc_sp];
        if (in(sp, ok[0], ok[1]) || in(sp, ok[2], ok[3])) {
            *uc = p + a->sigframe_uc;
            return true;
        }
    }
    return false;
}

static void set_regs(gstack_start *s, const uint64_t *r, int n)
{
    s->nregs = n < GSTACK_MAX_REGS ? n : GSTACK_MAX_REGS;
    memcpy(s->regs, r, (size_t)s->nregs * sizeof *r);
}

void gstack_find_start(const gstack_ctx *c, const rt_goroutine *g, gstack_start *s)
{
    const go_runtime *rt = c->rt;
    const arch_desc *a = c->arch;
    memset(s, 0, sizeof *s);
    s->pc = g->pc;
    s->sp = g->sp;
    s->lr = g->lr;
    s->source = g->status == G_SYSCALL ? "g.syscallsp" : "g.sched";
    if (g->status != G_RUNNING)
        return;

    uint64_t m = 0, procid = 0;
    if (!c->g_m.size || !rt_read_field(rt, g->addr, c->g_m, &m) || m == 0) {
        snprintf(s->problem, sizeof s->problem, "it is running but has no M (g.m)");
        return;
    }
    const core_thread *th = NULL;
    if (c->m_procid.size && rt_read_field(rt, m, c->m_procid, &procid))
        th = thread_by_tid(rt->core, procid);
    if (th == NULL) {
        snprintf(s->problem, sizeof s->problem, "its M's thread %llu (m.procid) is not in the core",
                 (unsigned long long)procid);
        return;
    }
    s->tid = th->tid;
    uint64_t pc = th->regs[a->pr_pc], sp = th->regs[a->pr_sp], lr = a->pr_lr >= 0 ? th->regs[a->pr_lr] : 0;
    set_regs(s, th->regs, a->pr_ngp);

    uint64_t sig_lo, sig_hi, g0_lo, g0_hi;
    m_stack(c, m, c->m_gsignal, &sig_lo, &sig_hi);
    m_stack(c, m, c->m_g0, &g0_lo, &g0_hi);
    const uint64_t goroutine_stacks[4] = {g->stack_lo, g->stack_hi, g0_lo, g0_hi};
    bool from_signal = false;
    for (int depth = 0; depth < MAX_NESTED_SIGNALS && in(sp, sig_lo, sig_hi); depth++) {
        uint64_t uc, gregs[GSTACK_MAX_REGS];
        if (!sigframe_by_unwind(c, pc, sp, lr, sig_lo, sig_hi, &uc) &&
            !sigframe_by_restorer(c, sig_lo, sig_hi, goroutine_stacks, &uc)) {
            snprintf(s->problem, sizeof s->problem,
                     "thread %u is in a signal handler, but no signal frame with its context was found "
                     "on its signal stack", th->tid);
            return;
        }
        if (!read_mcontext(c, uc, gregs)) {
            snprintf(s->problem, sizeof s->problem, "thread %u: the signal frame at 0x%llx is unreadable", th->tid,
                     (unsigned long long)uc);
            return;
        }
        pc = gregs[a->mc_pc];
        sp = gregs[a->mc_sp];
        lr = a->mc_lr >= 0 ? gregs[a->mc_lr] : 0;
        set_regs(s, gregs, a->mc_ngp);
        from_signal = true;
    }
    if (in(sp, g->stack_lo, g->stack_hi)) {
        s->pc = pc;
        s->sp = sp;
        s->lr = lr;
        s->interrupted = true;
        s->source = from_signal ? "signal frame" : "thread registers";
        return;
    }
    s->nregs = 0; /* the registers are the system stack's code's, not the goroutine's */
    if (in(sp, g0_lo, g0_hi) || in(sp, sig_lo, sig_hi)) {
        /* On the system stack: a VDSO call records where it left the
         * goroutine's stack; systemstack and mcall save its context in g.sched. */
        uint64_t vsp = 0, vpc = 0;
        if (c->m_vdso_sp.size && rt_read_field(rt, m, c->m_vdso_sp, &vsp) && in(vsp, g->stack_lo, g->stack_hi) &&
            rt_read_field(rt, m, c->m_vdso_pc, &vpc)) {
            s->pc = vpc;
            s->sp = vsp;
            s->lr = 0;
            s->source = "m.vdsoSP";
            return;
        }
        if (in(g->sp, g->stack_lo, g->stack_hi)) {
            s->source = "g.sched (system stack)";
            return;
        }
    }
    snprintf(s->problem, sizeof s->problem, "thread %u's %s has sp 0x%llx, %s", th->tid,
             from_signal ? "interrupted context (signal frame)" : "register set", (unsigned long long)sp,
             in(sp, g0_lo, g0_hi) ? "on the system stack, and g.sched is empty" : "on none of its stacks");
}

/* ---- summary ---- */

bool gstack_live(const rt_goroutine *g)
{
    if (g->status == G_IDLE || g->status == G_DEAD || g->status == G_DEADEXTRA)
        return false;
    return g->stack_hi > g->stack_lo && g->stack_hi - g->stack_lo <= (1ull << 32);
}

bool gstack_runtime_func(const char *name)
{
    return strncmp(name, "runtime.", 8) == 0 || strncmp(name, "internal/runtime/", 17) == 0 ||
           strstr(name, ".runtime_") != NULL;
}

void gstack_summarize(const gstack_ctx *c, const rt_goroutine *g, gstack_summary *out)
{
    memset(out, 0, sizeof *out);
    out->goid = g->goid;
    out->status = g->status;
    gstack_find_start(c, g, &out->start);
    if (out->start.problem[0]) {
        snprintf(out->why, sizeof out->why, "%s", out->start.problem);
        return;
    }
    const char *modules = core_exe_modules(c->rt->core);
    gstack_walk w;
    gstack_frame f;
    gstack_walk_begin(&w, c, out->start.pc, out->start.sp, out->start.lr, g->stack_lo, g->stack_hi);
    while (gstack_next(&w, &f)) {
        if (out->frames++ == 0)
            snprintf(out->top, sizeof out->top, "%s", f.fn.name);
        if (out->user[0] == '\0' && !gstack_runtime_func(f.fn.name))
            snprintf(out->user, sizeof out->user, "%s", f.fn.name);
        if (out->program[0] == '\0' && gopkg_is_program(f.fn.name, modules))
            snprintf(out->program, sizeof out->program, "%s", f.fn.name);
    }
    out->complete = w.end == GSTACK_BASE;
    snprintf(out->base, sizeof out->base, "%s", out->complete ? w.base : w.last);
    if (!out->complete)
        snprintf(out->why, sizeof out->why, "%s", w.why);
}
