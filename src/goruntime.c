/* goruntime.c — find the Go runtime's state and struct layouts in a core.
 *
 * Everything version-dependent is looked up in DWARF by name; where a
 * member was renamed between versions, the alternatives are listed side by
 * side (newest first) so the history stays readable in one place.
 */
#include "goruntime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dwarf.h>

/* ---- DWARF layout look-ups ---- */

static bool is_struct(const dwx_type *t)
{
    return t != NULL && t->tag == DW_TAG_structure_type;
}

/* Enter wrapper structs (atomic.Uint32{_ noCopy; value uint32},
 * mSpanStateBox{s atomic.Uint8}) down to their first sized scalar. */
static bool descend_scalar(const dwx *dw, dwx_type_id id, uint64_t *off, uint64_t *size)
{
    for (int guard = 0; guard < 8; guard++) {
        const dwx_type *t = dwx_type_get(dw, dwx_resolve(dw, id));
        if (t == NULL)
            return false;
        if (!is_struct(t)) {
            *size = t->size;
            return true;
        }
        const dwx_field *fs = dwx_fields(dw);
        const dwx_field *pick = NULL;
        for (uint32_t i = 0; i < t->nfields; i++) {
            const dwx_type *ft = dwx_type_get(dw, dwx_resolve(dw, fs[t->first_field + i].type));
            if (ft != NULL && ft->size != 0) {
                pick = &fs[t->first_field + i];
                break;
            }
        }
        if (pick == NULL)
            return false;
        *off += pick->offset;
        id = pick->type;
    }
    return false;
}

rt_field rt_field_lookup(const dwx *dw, const char *type, const char *path)
{
    rt_field none = {0, 0};
    dwx_type_id id = dwx_type_by_name(dw, type);
    if (id == 0)
        return none;
    uint64_t off = 0;
    char part[64];
    const char *p = path;
    while (*p) {
        size_t n = strcspn(p, ".");
        if (n == 0 || n >= sizeof part)
            return none;
        memcpy(part, p, n);
        part[n] = '\0';
        const dwx_field *f = dwx_field_by_name(dw, id, part);
        if (f == NULL)
            return none;
        off += f->offset;
        id = f->type;
        p += n + (p[n] == '.');
    }
    uint64_t size = 0;
    if (!descend_scalar(dw, id, &off, &size))
        return none;
    if (size != 1 && size != 2 && size != 4 && size != 8)
        size = 8 < size ? 8 : size; /* a pointer-sized prefix is what callers read */
    if (off > UINT32_MAX)
        return none;
    return (rt_field){(uint32_t)off, (uint8_t)size};
}

/* The first of several historical names that exists. */
static rt_field field_any(const dwx *dw, const char *type, const char *const *paths)
{
    for (; *paths; paths++) {
        rt_field f = rt_field_lookup(dw, type, *paths);
        if (f.size)
            return f;
    }
    return (rt_field){0, 0};
}
#define FIELD(dw, type, ...) field_any((dw), (type), (const char *const[]){__VA_ARGS__, NULL})

static uint64_t type_size(const dwx *dw, const char *name)
{
    const dwx_type *t = dwx_type_get(dw, dwx_type_by_name(dw, name));
    return t ? t->size : 0;
}

static int64_t const_or(const dwx *dw, const char *const *names, int64_t dflt)
{
    int64_t v;
    for (; *names; names++)
        if (dwx_const(dw, *names, &v))
            return v;
    return dflt;
}
#define CONST(dw, dflt, ...) const_or((dw), (const char *const[]){__VA_ARGS__, NULL}, (dflt))

/* ---- reading ---- */

bool rt_read_u64(const go_runtime *rt, uint64_t addr, uint64_t *out)
{
    return core_read_u64(rt->core, addr, out);
}

bool rt_read_field(const go_runtime *rt, uint64_t addr, rt_field f, uint64_t *out)
{
    uint8_t b[8] = {0};
    uint64_t at;
    if (f.size == 0 || !damage_add(addr, f.off, &at) || !core_read(rt->core, at, b, f.size))
        return false;
    uint64_t v = 0;
    for (int i = f.size - 1; i >= 0; i--)
        v = v << 8 | b[i];
    *out = v;
    return true;
}

bool rt_read_slice(const go_runtime *rt, uint64_t addr, uint64_t *ptr, uint64_t *len)
{
    return addr <= UINT64_MAX - 16 && core_read_u64(rt->core, addr, ptr) && core_read_u64(rt->core, addr + 8, len);
}

bool rt_read_gostring(const go_runtime *rt, uint64_t addr, char *buf, size_t cap)
{
    uint64_t p, n;
    buf[0] = '\0';
    if (!rt_read_slice(rt, addr, &p, &n))
        return false;
    if (n >= cap)
        n = cap - 1;
    if (n && !core_read(rt->core, p, buf, n))
        return false;
    buf[n] = '\0';
    return true;
}

/* ---- opening ---- */

static bool global_addr(const go_runtime *rt, const char *name, uint64_t *out, ghf_err *err)
{
    const dwx_var *v = dwx_global_by_name(rt->dw, name);
    if (v != NULL) {
        *out = v->addr + rt->bias;
        return true;
    }
    uint64_t size;
    if (core_symbol(rt->core, name, out, &size))
        return true;
    return ghf_fail(err, GHF_EXIT_INPUT, "executable has no %s: not a Go program?", name);
}

/* "go1.22.3", "devel go1.23-abc...", "go1.21rc2 X:..." : printable, from a Go
 * toolchain (runtime.buildVersion) */
static bool plausible_version(const char *v)
{
    if (strncmp(v, "go", 2) != 0 && strncmp(v, "devel", 5) != 0)
        return false;
    for (const char *p = v; *p; p++)
        if (*p < 0x20 || *p > 0x7e)
            return false;
    return true;
}

static bool parse_version(go_runtime *rt, const rt_open_opts *opts, ghf_err *err)
{
    uint64_t addr;
    if (global_addr(rt, "runtime.buildVersion", &addr, err))
        rt_read_gostring(rt, addr, rt->version, sizeof rt->version);
    /* An executable that does not match the core (--force) points at other
     * bytes: take only what looks like a version, else .go.buildinfo's. */
    if (!plausible_version(rt->version))
        rt->version[0] = '\0';
    if (rt->version[0] == '\0')
        snprintf(rt->version, sizeof rt->version, "%s", core_exe_go_version(rt->core));
    if (rt->version[0] == '\0')
        return ghf_fail(err, GHF_EXIT_INPUT, "cannot find the Go version (runtime.buildVersion): not a Go program?");
    int major = 0, minor = 0;
    if (sscanf(rt->version, "go%d.%d", &major, &minor) != 2 && !opts->force)
        return ghf_fail(err, GHF_EXIT_UNSUPPORTED, "unrecognised Go version \"%s\" (supported: go1.%d to go1.%d; --force to try anyway)",
                        rt->version, GO_MIN_MINOR, GO_MAX_MINOR);
    rt->minor = minor;
    if ((major != 1 || minor < GO_MIN_MINOR || minor > GO_MAX_MINOR) && !opts->force)
        return ghf_fail(err, GHF_EXIT_UNSUPPORTED, "core is from %s; supported are go1.%d to go1.%d (--force to try anyway)",
                        rt->version, GO_MIN_MINOR, GO_MAX_MINOR);
    if (rt->minor < GO_MIN_MINOR)
        rt->minor = GO_MIN_MINOR;
    if (rt->minor > GO_MAX_MINOR)
        rt->minor = GO_MAX_MINOR;
    return true;
}

static void load_layouts(go_runtime *rt)
{
    const dwx *dw = rt->dw;
    rt->page_size = (uint64_t)CONST(dw, 8192, "runtime._PageSize", "runtime.pageSize");
    rt->arena_bytes = (uint64_t)CONST(dw, 64 << 20, "runtime.heapArenaBytes");
    rt->pages_per_arena = rt->arena_bytes / rt->page_size;
    rt->arena_base_offset = (uint64_t)CONST(dw, (int64_t)core_arch(rt->core)->arena_base_offset,
                                            "runtime.arenaBaseOffsetUintptr", "runtime.arenaBaseOffset");
    rt->arena_l1_bits = (uint32_t)CONST(dw, 0, "runtime.arenaL1Bits");
    rt->arena_l2_bits = (uint32_t)CONST(dw, 22, "runtime.arenaL2Bits");
    rt->span_inuse = CONST(dw, 1, "runtime.mSpanInUse");
    rt->min_size_for_malloc_header = (uint64_t)CONST(dw, 512, "runtime.minSizeForMallocHeader");
    rt->malloc_header_size = (uint64_t)CONST(dw, 8, "runtime.mallocHeaderSize");

    const char *S = "runtime.mspan";
    rt->mspan.size = type_size(dw, S);
    rt->mspan.start_addr = FIELD(dw, S, "startAddr");
    rt->mspan.npages = FIELD(dw, S, "npages");
    rt->mspan.freeindex = FIELD(dw, S, "freeindex");
    rt->mspan.nelems = FIELD(dw, S, "nelems");
    rt->mspan.alloc_bits = FIELD(dw, S, "allocBits");
    rt->mspan.spanclass = FIELD(dw, S, "spanclass");
    rt->mspan.state = FIELD(dw, S, "state");
    rt->mspan.elemsize = FIELD(dw, S, "elemsize");
    rt->mspan.limit = FIELD(dw, S, "limit");
    rt->mspan.large_type = FIELD(dw, S, "largeType");
    rt->mspan.specials = FIELD(dw, S, "specials");

    rt->mheap_f.allspans = FIELD(dw, "runtime.mheap", "allspans");
    rt->mheap_f.arenas = FIELD(dw, "runtime.mheap", "arenas");

    const char *A = "runtime.heapArena";
    rt->arena.bitmap = FIELD(dw, A, "bitmap", "heapArenaPtrScalar.bitmap");

    const char *G = "runtime.g";
    rt->g.stack_lo = FIELD(dw, G, "stack.lo");
    rt->g.stack_hi = FIELD(dw, G, "stack.hi");
    rt->g.sched_sp = FIELD(dw, G, "sched.sp");
    rt->g.sched_pc = FIELD(dw, G, "sched.pc");
    rt->g.sched_bp = FIELD(dw, G, "sched.bp");
    rt->g.sched_lr = FIELD(dw, G, "sched.lr");
    rt->g.syscallsp = FIELD(dw, G, "syscallsp");
    rt->g.syscallpc = FIELD(dw, G, "syscallpc");
    rt->g.syscallbp = FIELD(dw, G, "syscallbp");
    rt->g.status = FIELD(dw, G, "atomicstatus");
    rt->g.goid = FIELD(dw, G, "goid");
    rt->g.waitreason = FIELD(dw, G, "waitreason");
    rt->g.startpc = FIELD(dw, G, "startpc");


    const char *M = "runtime.moduledata";
    rt->md.text = FIELD(dw, M, "text");
    rt->md.data = FIELD(dw, M, "data");
    rt->md.edata = FIELD(dw, M, "edata");
    rt->md.bss = FIELD(dw, M, "bss");
    rt->md.ebss = FIELD(dw, M, "ebss");
    rt->md.types = FIELD(dw, M, "types");
    rt->md.rodata = FIELD(dw, M, "rodata");
    rt->md.gofunc = FIELD(dw, M, "gofunc");
    rt->md.gcdatamask_n = FIELD(dw, M, "gcdatamask.n");
    rt->md.gcdatamask_bytes = FIELD(dw, M, "gcdatamask.bytedata");
    rt->md.gcbssmask_n = FIELD(dw, M, "gcbssmask.n");
    rt->md.gcbssmask_bytes = FIELD(dw, M, "gcbssmask.bytedata");
    rt->md.next = FIELD(dw, M, "next");
    rt->md.pcheader = FIELD(dw, M, "pcHeader");
    rt->md.pclntable = FIELD(dw, M, "pclntable");
    rt->md.typelinks = FIELD(dw, M, "typelinks"); /* 1.19-1.26 */
}

/* Fields without which nothing works: a missing one means DWARF we do not
 * understand, which is better reported than guessed around. */
static bool check_layouts(const go_runtime *rt, ghf_err *err)
{
    static const struct { const char *name; size_t off; } req[] = {
#define R(f) {#f, offsetof(go_runtime, f)}
        R(mspan.start_addr), R(mspan.npages), R(mspan.freeindex), R(mspan.nelems),
        R(mspan.alloc_bits), R(mspan.spanclass), R(mspan.state), R(mspan.elemsize),
        R(mspan.limit), R(mheap_f.allspans), R(mheap_f.arenas),
        R(g.stack_lo), R(g.stack_hi), R(g.sched_sp), R(g.sched_pc), R(g.status), R(g.goid),
        R(md.text), R(md.data), R(md.edata), R(md.bss), R(md.ebss), R(md.types),
        R(md.gcdatamask_n), R(md.gcdatamask_bytes), R(md.gcbssmask_n), R(md.gcbssmask_bytes),
#undef R
    };
    /* constants a damaged DWARF could make absurd (shifts and divisions use them) */
    if (rt->page_size < 4096 || rt->page_size > (1u << 20) || (rt->page_size & (rt->page_size - 1)) ||
        rt->arena_bytes < rt->page_size || rt->arena_bytes > (1ull << 40) || (rt->arena_bytes & (rt->arena_bytes - 1)) ||
        rt->arena_l1_bits > 24 || rt->arena_l2_bits > 30 || rt->min_size_for_malloc_header > (1u << 20) ||
        rt->malloc_header_size > 64)
        return ghf_fail(err, GHF_EXIT_INPUT, "%s: implausible runtime constants in the executable's DWARF "
                        "(page size %llu, arena size %llu)", rt->version, (unsigned long long)rt->page_size,
                        (unsigned long long)rt->arena_bytes);
    for (size_t i = 0; i < sizeof req / sizeof req[0]; i++) {
        const rt_field *f = (const rt_field *)((const char *)rt + req[i].off);
        if (f->size == 0)
            return ghf_fail(err, GHF_EXIT_UNSUPPORTED,
                            "%s: the executable's DWARF lacks runtime field %s", rt->version, req[i].name);
    }
    return true;
}

static bool open_pcln(go_runtime *rt, ghf_err *err)
{
    uint64_t text = 0;
    rt_read_field(rt, rt->firstmoduledata, rt->md.text, &text);
    size_t len = 0;
    uint64_t addr = 0;
    const uint8_t *tab = core_exe_section(rt->core, ".gopclntab", &len, &addr);
    if (tab == NULL) {
        /* Fall back to the table's run-time location: moduledata.pcHeader to
         * the end of moduledata.pclntable (both in the executable's rodata). */
        uint64_t hdr = 0, ptab = 0, plen = 0;
        if (!rt_read_field(rt, rt->firstmoduledata, rt->md.pcheader, &hdr) ||
            !rt_read_slice(rt, rt->firstmoduledata + rt->md.pclntable.off, &ptab, &plen) ||
            ptab < hdr || ptab - hdr > (1ull << 32) || plen > (1ull << 32))
            return ghf_fail(err, GHF_EXIT_INPUT, "cannot find the pclntab (no .gopclntab section, no moduledata.pcHeader)");
        len = ptab + plen - hdr;
        tab = core_view(rt->core, hdr, len);
        if (tab == NULL)
            return ghf_fail(err, GHF_EXIT_INPUT, "the pclntab at 0x%llx is not readable", (unsigned long long)hdr);
    }
    if (!pcln_open(tab, len, text, &rt->pcln, err))
        return false;
    const arch_desc *a = core_arch(rt->core);
    if (pcln_pc_quantum(rt->pcln) != a->pc_quantum)
        return ghf_fail(err, GHF_EXIT_INPUT, "the pclntab counts pc in units of %u bytes, not %s's %u",
                        pcln_pc_quantum(rt->pcln), a->name, a->pc_quantum);
    return true;
}

/* A process's memory ends at 2^user_va_bits (arch.h; amd64's vsyscall page
 * aside): a core segment claiming more is a damaged program header. Its
 * zero fill reads as memory, so say so rather than trust what lies in it. */
static void check_address_space(go_runtime *rt)
{
    const arch_desc *a = core_arch(rt->core);
    size_t n = core_region_count(rt->core);
    for (size_t i = 0; i < n; i++) {
        core_region r;
        if (core_region_at(rt->core, i, &r) && r.end > (1ull << a->user_va_bits) &&
            (a->vsyscall == 0 || r.start < a->vsyscall)) {
            damage_note(rt->damage, "a core segment claims memory 0x%llx-0x%llx, beyond a process's address space",
                        (unsigned long long)r.start, (unsigned long long)r.end);
            return;
        }
    }
}

/* firstmoduledata's data and bss bounds lie in the executable's .data and
 * .bss, and its GC masks cover them a bit per word (runtime/symtab.go
 * moduledataverify1, progToPointerMask): otherwise globals would vanish
 * from the roots without a word. */
static void check_moduledata(go_runtime *rt)
{
    static const struct { const char *sec; size_t lo, hi, n; } parts[] = {
        {".data", offsetof(go_runtime, md.data), offsetof(go_runtime, md.edata), offsetof(go_runtime, md.gcdatamask_n)},
        {".bss", offsetof(go_runtime, md.bss), offsetof(go_runtime, md.ebss), offsetof(go_runtime, md.gcbssmask_n)},
    };
    for (size_t i = 0; i < 2; i++) {
        uint64_t sa, ss, lo, hi, n;
        if (!core_exe_section_range(rt->core, parts[i].sec, &sa, &ss))
            continue;
        const rt_field *flo = (const rt_field *)((const char *)rt + parts[i].lo);
        const rt_field *fhi = (const rt_field *)((const char *)rt + parts[i].hi);
        const rt_field *fn = (const rt_field *)((const char *)rt + parts[i].n);
        if (!rt_read_field(rt, rt->firstmoduledata, *flo, &lo) || !rt_read_field(rt, rt->firstmoduledata, *fhi, &hi) ||
            !rt_read_field(rt, rt->firstmoduledata, *fn, &n) || lo > hi || lo < sa || hi - sa > ss ||
            (uint32_t)n != (hi - lo) / 8) {
            damage_note(rt->damage, "runtime.firstmoduledata does not describe the executable's %s section",
                        parts[i].sec);
            return;
        }
    }
}

static bool in_section(const go_runtime *rt, const char *sec, uint64_t addr)
{
    uint64_t sa, ss;
    return core_exe_section_range(rt->core, sec, &sa, &ss) && addr >= sa && addr - sa < ss;
}

/* One base address of firstmoduledata that the stack scan adds offsets
 * from the pclntab to: a flipped bit in it sends every frame's pointer map
 * into unrelated bytes. The linker defines a symbol at the same address, so
 * the value must equal it (or, in an executable without symbols, lie in
 * one of the sections the linker puts it in). A damaged value is noted and
 * the symbol used instead. */
static uint64_t checked_base(go_runtime *rt, rt_field f, const char *const secs[], const char *const syms[],
                             const char *what)
{
    uint64_t v = 0, sym = 0;
    bool have = rt_read_field(rt, rt->firstmoduledata, f, &v), known = false;
    for (size_t i = 0; syms[i] && !known; i++)
        known = core_symbol(rt->core, syms[i], &sym, NULL);
    if (have && known && v == sym)
        return v;
    for (size_t i = 0; have && !known && secs[i]; i++)
        if (in_section(rt, secs[i], v))
            return v;
    damage_note(rt->damage, "runtime.firstmoduledata.%s is 0x%llx, not %s", what, (unsigned long long)v,
                known ? syms[0] : secs[0]);
    return known ? sym : 0;
}

static void check_moduledata_bases(go_runtime *rt)
{
    /* gofunc is go:func.* (1.26+: inside .gopclntab; before: in .rodata) */
    static const char *const gofunc_secs[] = {".rodata", ".gopclntab", NULL};
    static const char *const gofunc_syms[] = {"go:func.*", "go.func.*", NULL};
    static const char *const rodata_secs[] = {".rodata", NULL};
    static const char *const rodata_syms[] = {"runtime.rodata", NULL};
    rt->gofunc = checked_base(rt, rt->md.gofunc, gofunc_secs, gofunc_syms, "gofunc");
    rt->rodata = checked_base(rt, rt->md.rodata, rodata_secs, rodata_syms, "rodata");
}

bool rt_open(ghf_core *core, const dwx *dw, const rt_open_opts *opts, go_runtime **out, ghf_err *err)
{
    static const rt_open_opts defaults = {0};
    if (opts == NULL)
        opts = &defaults;
    go_runtime *rt = ghf_xcalloc(1, sizeof *rt, err);
    if (rt == NULL)
        return false;
    rt->core = core;
    rt->dw = dw;
    rt->bias = core_pie_bias(core);
    rt->damage = ghf_xcalloc(1, sizeof *rt->damage, err);
    if (rt->damage == NULL)
        goto fail;
    damage_init(rt->damage, core);
    check_address_space(rt);
    if (!parse_version(rt, opts, err))
        goto fail;
    load_layouts(rt);
    if (!check_layouts(rt, err))
        goto fail;
    if (!global_addr(rt, "runtime.mheap_", &rt->mheap, err) ||
        !global_addr(rt, "runtime.allgs", &rt->allgs, err) ||
        !global_addr(rt, "runtime.allglen", &rt->allglen, err) ||
        !global_addr(rt, "runtime.allp", &rt->allp, err) ||
        !global_addr(rt, "runtime.sched", &rt->sched, err) ||
        !global_addr(rt, "runtime.firstmoduledata", &rt->firstmoduledata, err))
        goto fail;
    if (!open_pcln(rt, err))
        goto fail;
    check_moduledata(rt);
    check_moduledata_bases(rt);
    *out = rt;
    return true;
fail:
    rt_close(rt);
    return false;
}

void rt_close(go_runtime *rt)
{
    if (rt == NULL)
        return;
    if (rt->pcln)
        pcln_close(rt->pcln);
    free(rt->damage);
    free(rt);
}

bool rt_array_fits(const go_runtime *rt, uint64_t addr, uint64_t n, uint64_t elem)
{
    return damage_array_fits(rt->damage, addr, n, elem);
}

/* ---- goroutines ---- */

const char *rt_status_name(uint32_t s)
{
    static const char *const names[] = {"idle", "runnable", "running", "syscall", "waiting",
                                        "moribund", "dead", "enqueue", "copystack", "preempted",
                                        "leaked", "deadextra"};
    return s < sizeof names / sizeof names[0] ? names[s] : "unknown";
}

bool rt_allgs(const go_runtime *rt, uint64_t *array, uint64_t *n, ghf_err *err)
{
    uint64_t allgs, len, cap, allglen;
    if (!rt_read_slice(rt, rt->allgs, &allgs, &len) || !core_read_u64(rt->core, rt->allgs + 16, &cap) ||
        !core_read_u64(rt->core, rt->allglen, &allglen))
        return ghf_fail(err, GHF_EXIT_INPUT, "cannot read runtime.allgs from the core");
    if (allglen != len || len > cap)
        damage_note(rt->damage, "runtime.allglen (%llu) does not match runtime.allgs (length %llu, capacity %llu)",
                    (unsigned long long)allglen, (unsigned long long)len, (unsigned long long)cap);
    uint64_t count = allglen < len ? allglen : len;
    /* Bound by what the core can hold before allocating. */
    if (count > (1u << 26) || !rt_array_fits(rt, allgs, count, 8))
        return ghf_fail(err, GHF_EXIT_INPUT, "runtime.allgs (%llu goroutines at 0x%llx) does not fit the core",
                        (unsigned long long)count, (unsigned long long)allgs);
    if (count == 0)
        damage_note(rt->damage, "runtime.allgs lists no goroutine");
    *array = allgs;
    *n = count;
    return true;
}

bool rt_goroutines(const go_runtime *rt, rt_goroutine **out, size_t *n, ghf_err *err)
{
    uint64_t allgs, allglen;
    *out = NULL;
    *n = 0;
    if (!rt_allgs(rt, &allgs, &allglen, err))
        return false;
    /* Grown as gs are found, not sized by allglen: zero-filled memory (a
     * gcore's reservations) can make a hostile allglen look plausible. */
    rt_goroutine *gs = NULL;
    size_t k = 0, cap = 0;
    uint64_t bad = 0, first_bad = 0;
    for (uint64_t i = 0; i < allglen; i++) {
        uint64_t gp, v;
        if (!core_read_u64(rt->core, allgs + i * 8, &gp) || gp == 0)
            continue;
        if (k == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            rt_goroutine *ngs = ghf_xrealloc(gs, ncap, sizeof *gs, err);
            if (ngs == NULL) {
                free(gs);
                return false;
            }
            gs = ngs;
            cap = ncap;
        }
        rt_goroutine *g = &gs[k];
        memset(g, 0, sizeof *g);
        g->addr = gp;
        /* allgadd adds a g already _Gdead: _Gidle, or no status, is damage */
        if (!rt_read_field(rt, gp, rt->g.status, &v) || (v & ~(uint64_t)G_SCAN) == G_IDLE ||
            (v & ~(uint64_t)G_SCAN) > G_DEADEXTRA) {
            if (bad++ == 0)
                first_bad = gp;
            continue;
        }
        g->status = (uint32_t)v & ~(uint32_t)G_SCAN;
        rt_read_field(rt, gp, rt->g.goid, &g->goid);
        if (rt_read_field(rt, gp, rt->g.waitreason, &v))
            g->waitreason = (uint8_t)v;
        rt_read_field(rt, gp, rt->g.stack_lo, &g->stack_lo);
        rt_read_field(rt, gp, rt->g.stack_hi, &g->stack_hi);
        rt_read_field(rt, gp, rt->g.startpc, &g->startpc);
        if (g->status == G_SYSCALL) {
            rt_read_field(rt, gp, rt->g.syscallpc, &g->pc);
            rt_read_field(rt, gp, rt->g.syscallsp, &g->sp);
            rt_read_field(rt, gp, rt->g.syscallbp, &g->bp);
        } else {
            rt_read_field(rt, gp, rt->g.sched_pc, &g->pc);
            rt_read_field(rt, gp, rt->g.sched_sp, &g->sp);
            rt_read_field(rt, gp, rt->g.sched_bp, &g->bp);
            rt_read_field(rt, gp, rt->g.sched_lr, &g->lr);
        }
        /* a live g has a stack (runtime/stack.go: at most 1 GB by default) */
        if (g->status != G_DEAD && g->status != G_DEADEXTRA &&
            (g->stack_hi <= g->stack_lo || g->stack_hi - g->stack_lo > (1ull << 32))) {
            if (bad++ == 0)
                first_bad = gp;
            continue;
        }
        k++;
    }
    if (bad)
        damage_note(rt->damage, "%llu goroutine%s in runtime.allgs (the first at 0x%llx) cannot be read or make no sense",
                    (unsigned long long)bad, bad == 1 ? "" : "s", (unsigned long long)first_bad);
    *out = gs;
    *n = k;
    return true;
}

bool rt_num_goroutine(const go_runtime *rt, int64_t *out, ghf_err *err)
{
    const dwx *dw = rt->dw;
    uint64_t allgs, allglen, v;
    if (!rt_allgs(rt, &allgs, &allglen, err))
        return false;
    int64_t n = (int64_t)allglen; /* at most 2^26: the int32 counts below cannot overflow it */
    /* runtime/proc.go gcount: allglen - free gs (global + per-P) - system gs.
     * 1.26 split sched.gFree into stack/noStack lists counted by .size. */
    const char *S = "runtime.schedt";
    rt_field f;
    if ((f = rt_field_lookup(dw, S, "gFree.n")).size && rt_read_field(rt, rt->sched, f, &v))
        n -= (int32_t)v;
    if ((f = rt_field_lookup(dw, S, "gFree.stack.size")).size && rt_read_field(rt, rt->sched, f, &v))
        n -= (int32_t)v;
    if ((f = rt_field_lookup(dw, S, "gFree.noStack.size")).size && rt_read_field(rt, rt->sched, f, &v))
        n -= (int32_t)v;
    if ((f = rt_field_lookup(dw, S, "ngsys")).size && rt_read_field(rt, rt->sched, f, &v))
        n -= (int32_t)v;
    rt_field pfree = FIELD(dw, "runtime.p", "gFree.n", "gFree.size");
    uint64_t allp, nallp;
    if (pfree.size && rt_read_slice(rt, rt->allp, &allp, &nallp) && nallp < 1u << 20 &&
        rt_array_fits(rt, allp, nallp, 8)) {
        for (uint64_t i = 0; i < nallp; i++) {
            uint64_t pp;
            if (core_read_u64(rt->core, allp + 8 * i, &pp) && pp && rt_read_field(rt, pp, pfree, &v))
                n -= (int32_t)v;
        }
    }
    if (n < 1 || n > (int64_t)allglen) {
        damage_note(rt->damage, "the runtime's goroutine counts (runtime.sched, runtime.allp) disagree with "
                    "runtime.allgs (%llu goroutines)", (unsigned long long)allglen);
        n = n < 1 ? 1 : (int64_t)allglen;
    }
    *out = n;
    return true;
}

bool rt_wait_reason(const go_runtime *rt, uint8_t w, char *buf, size_t cap)
{
    buf[0] = '\0';
    const dwx_var *v = dwx_global_by_name(rt->dw, "runtime.waitReasonStrings");
    if (v == NULL || (uint64_t)w * 16 + 16 > v->size)
        return false;
    return rt_read_gostring(rt, v->addr + rt->bias + (uint64_t)w * 16, buf, cap);
}

/* ---- threads and cgo ------------------------------------------------------ */

bool rt_is_cgo(const go_runtime *rt)
{
    ghf_err ignored = {0};
    uint64_t addr;
    uint8_t b;
    return global_addr(rt, "runtime.iscgo", &addr, &ignored) && core_read_u8(rt->core, addr, &b) && b != 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* procid of every m on runtime.allm; only the extra ms (m.isextra) when
 * `extra_only`. */
static bool m_thread_ids(const go_runtime *rt, bool extra_only, uint64_t **out, size_t *n, ghf_err *err)
{
    *out = NULL;
    *n = 0;
    rt_field procid = rt_field_lookup(rt->dw, "runtime.m", "procid");
    rt_field alllink = rt_field_lookup(rt->dw, "runtime.m", "alllink");
    rt_field isextra = rt_field_lookup(rt->dw, "runtime.m", "isextra");
    uint64_t allm, mp;
    if (!global_addr(rt, "runtime.allm", &allm, err))
        return false;
    if (procid.size == 0 || alllink.size != 8 || !rt_read_u64(rt, allm, &mp))
        return ghf_fail(err, GHF_EXIT_INPUT, "cannot read runtime.allm (the runtime's threads) from the core");
    uint64_t *ids = NULL;
    size_t k = 0, cap = 0;
    /* Bounded: a cycle in a damaged list must not hang us. */
    for (unsigned i = 0; mp != 0 && i < (1u << 20); i++) {
        uint64_t id;
        if (!rt_read_field(rt, mp, procid, &id))
            break;
        uint64_t extra = 0;
        if (extra_only && !rt_read_field(rt, mp, isextra, &extra))
            extra = 0;
        if (id != 0 && (!extra_only || extra != 0)) {
            if (k == cap) {
                size_t ncap = cap ? cap * 2 : 16;
                uint64_t *nids = ghf_xrealloc(ids, ncap, sizeof *ids, err);
                if (nids == NULL) {
                    free(ids);
                    return false;
                }
                ids = nids;
                cap = ncap;
            }
            ids[k++] = id;
        }
        if (!rt_read_field(rt, mp, alllink, &mp))
            break;
    }
    if (k > 1)
        qsort(ids, k, sizeof *ids, cmp_u64);
    *out = ids;
    *n = k;
    return true;
}

bool rt_thread_ids(const go_runtime *rt, uint64_t **out, size_t *n, ghf_err *err)
{
    return m_thread_ids(rt, false, out, n, err);
}

bool rt_extra_thread_ids(const go_runtime *rt, uint64_t **out, size_t *n, ghf_err *err)
{
    *out = NULL;
    *n = 0;
    if (rt_field_lookup(rt->dw, "runtime.m", "isextra").size == 0)
        return ghf_fail(err, GHF_EXIT_UNSUPPORTED, "this Go version's m has no isextra field");
    return m_thread_ids(rt, true, out, n, err);
}

bool rt_thread_known(const uint64_t *ids, size_t n, uint64_t tid)
{
    return n > 0 && bsearch(&tid, ids, n, sizeof *ids, cmp_u64) != NULL; /* bsearch wants a non-NULL base */
}
