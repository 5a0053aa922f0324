/* rtfind.c — the runtime's globals without symbols (include/rtfind.h). */
#include "rtfind.h"

#include <stdlib.h>
#include <string.h>

#include "goruntime.h"
#include "pcln.h"

typedef struct finder {
    const ghf_core *core;
    const dwx *dw;
    uint64_t bias;
    uint64_t lo, hi;       /* run-time range of the module's data and bss (all four sections) */
    pcln *pcln;
    const uint8_t *text;   /* .text as stored in the executable */
    uint64_t text_addr;
    size_t text_len;
    bool arm64;            /* else amd64 */
} finder;

#define MAX_CAND 512

static bool u64(const finder *f, uint64_t a, uint64_t *v) { return core_read_u64(f->core, a, v); }

static bool field(const finder *f, uint64_t base, rt_field fl, uint64_t *v)
{
    uint8_t b[8] = {0};
    if (fl.size == 0 || !core_read(f->core, base + fl.off, b, fl.size))
        return false;
    *v = 0;
    for (int i = fl.size - 1; i >= 0; i--)
        *v = *v << 8 | b[i];
    return true;
}

/* ---- candidates: RIP-relative operands of a function ---- */

/* amd64 instructions with a ModRM memory operand that the compiler uses
 * on globals (mov, lea, cmp, test, xchg, arithmetic, movzx, cmpxchg,
 * xadd); each byte of the code is tried as an opcode, so prefixes need no
 * decoding, and a stray match only adds a candidate the checks reject.
 * Returns the immediate's size after the displacement, -1 if not one. */
static int rip_opcode(const uint8_t *p, size_t avail, size_t *modrm_at)
{
    if (avail < 2)
        return -1;
    if (p[0] == 0x0f) {
        static const uint8_t two[] = {0xb6, 0xb7, 0xbe, 0xbf, 0xb1, 0xc1, 0xaf};
        for (size_t i = 0; i < sizeof two; i++)
            if (p[1] == two[i]) {
                *modrm_at = 2;
                return 0;
            }
        return -1;
    }
    *modrm_at = 1;
    switch (p[0]) {
    case 0x8b: case 0x89: case 0x8d: case 0x39: case 0x3b: case 0x85: case 0x87: case 0x01: case 0x03:
    case 0x29: case 0x2b: case 0x31: case 0x33: case 0x09: case 0x0b: case 0x21: case 0x23: case 0x63:
    case 0xff: case 0x88: case 0x8a: case 0x38: case 0x3a: case 0x84: case 0x86:
        return 0;
    case 0x83: case 0x80: case 0xc6:
        return 1;
    case 0xc7: case 0x81:
        return 4;
    default:
        return -1;
    }
}

static void add_target(const finder *f, uint64_t t, uint64_t *out, size_t *n, size_t cap)
{
    if (t < f->lo || t >= f->hi)
        return;
    for (size_t k = 0; k < *n; k++)
        if (out[k] == t)
            return;
    if (*n < cap)
        out[(*n)++] = t;
}

/* arm64: ADRP Xd, page followed by ADD Xd', Xd, #imm12 or a load/store
 * [Xd, #imm12 << size] (how the Go linker addresses a global). */
static void arm64_targets(const finder *f, const uint8_t *code, uint64_t entry, size_t len, uint64_t *out,
                          size_t *n, size_t cap)
{
    for (size_t i = 0; i + 8 <= len; i += 4) {
        uint32_t a, b;
        memcpy(&a, code + i, 4);
        memcpy(&b, code + i + 4, 4);
        if ((a & 0x9f000000u) != 0x90000000u)
            continue;
        uint32_t rd = a & 31;
        int64_t imm = (int64_t)(((a >> 5) & 0x7ffff) << 2 | ((a >> 29) & 3));
        if (imm & (1 << 20))
            imm -= 1 << 21;
        uint64_t page = ((entry + i) & ~(uint64_t)0xfff) + (uint64_t)(imm * 4096);
        uint32_t imm12 = (b >> 10) & 0xfff, rn = (b >> 5) & 31;
        if ((b & 0xffc00000u) == 0x91000000u && rn == rd) /* add x, x, #imm12 */
            add_target(f, page + imm12, out, n, cap);
        else if ((b & 0x3b000000u) == 0x39000000u && !(b & (1u << 26)) && rn == rd) /* ldr/str unsigned offset */
            add_target(f, page + ((uint64_t)imm12 << (b >> 30)), out, n, cap);
    }
}

/* The distinct run-time addresses inside [lo, hi) that function `name`
 * refers to (RIP-relatively on amd64, ADRP pairs on arm64), in order of
 * appearance. */
static size_t targets(const finder *f, const char *name, uint64_t *out, size_t cap)
{
    pcln_func fn;
    if (!pcln_by_name(f->pcln, name, &fn) || fn.entry < f->text_addr || fn.end < fn.entry ||
        fn.end - f->text_addr > f->text_len)
        return 0;
    const uint8_t *code = f->text + (fn.entry - f->text_addr);
    size_t len = (size_t)(fn.end - fn.entry), n = 0;
    if (f->arm64) {
        arm64_targets(f, code, fn.entry, len, out, &n, cap);
        return n;
    }
    for (size_t i = 0; i < len; i++) {
        size_t m;
        int imm = rip_opcode(code + i, len - i, &m);
        if (imm < 0 || i + m + 5 + (size_t)imm > len || (code[i + m] & 0xc7) != 0x05)
            continue;
        int32_t disp;
        memcpy(&disp, code + i + m + 1, 4);
        add_target(f, fn.entry + i + m + 5 + (uint64_t)imm + (uint64_t)(int64_t)disp, out, &n, cap);
    }
    return n;
}

/* ---- what each global must look like in the core ---- */

/* A g in allgs: allgadd adds gs already _Gdead; a live one has a stack. */
static int g_plausible(const finder *f, uint64_t gp)
{
    uint64_t st, lo, hi;
    if (gp == 0 || !field(f, gp, rt_field_lookup(f->dw, "runtime.g", "atomicstatus"), &st))
        return -1;
    st &= ~(uint64_t)G_SCAN;
    if (st == G_IDLE || st > G_DEADEXTRA)
        return -1;
    if (st == G_DEAD || st == G_DEADEXTRA)
        return 0;
    if (!field(f, gp, rt_field_lookup(f->dw, "runtime.g", "stack.lo"), &lo) ||
        !field(f, gp, rt_field_lookup(f->dw, "runtime.g", "stack.hi"), &hi) || lo == 0 || hi <= lo ||
        hi - lo > (1ull << 32) || !core_mapped(f->core, lo))
        return -1;
    return 1;
}

static bool slice_at(const finder *f, uint64_t a, uint64_t *p, uint64_t *len, uint64_t maxlen)
{
    uint64_t cap;
    return u64(f, a, p) && u64(f, a + 8, len) && u64(f, a + 16, &cap) && *p != 0 && *len > 0 &&
           *len <= cap && cap <= maxlen && core_mapped(f->core, *p) && core_mapped(f->core, *p + 8 * *len - 1);
}

/* allgs: a slice of gs, at least one of them live; *maxgoid their largest goid. */
static bool is_allgs(const finder *f, uint64_t a, uint64_t *len, uint64_t *maxgoid)
{
    uint64_t p;
    if (!slice_at(f, a, &p, len, 1u << 26))
        return false;
    rt_field goid = rt_field_lookup(f->dw, "runtime.g", "goid");
    int live = 0;
    *maxgoid = 0;
    for (uint64_t i = 0; i < *len; i++) {
        uint64_t gp, id;
        int k;
        if (!u64(f, p + 8 * i, &gp) || (k = g_plausible(f, gp)) < 0)
            return false;
        live += k;
        if (field(f, gp, goid, &id) && id > *maxgoid)
            *maxgoid = id;
    }
    return live > 0;
}

/* allp: a slice of ps whose p.id (their first member) count 0, 1, ... */
static bool is_allp(const finder *f, uint64_t a, uint64_t *len)
{
    uint64_t p;
    if (!slice_at(f, a, &p, len, 1u << 20))
        return false;
    for (uint64_t i = 0; i < *len; i++) {
        uint64_t pp;
        uint32_t id;
        if (!u64(f, p + 8 * i, &pp) || pp == 0 || !core_read_u32(f->core, pp, &id) || id != i)
            return false;
    }
    return true;
}

/* mheap_: allspans a slice of spans, each in use with pages at a page
 * boundary or freed (all zero), and the arena index set. */
static bool is_mheap(const finder *f, uint64_t a)
{
    rt_field as = rt_field_lookup(f->dw, "runtime.mheap", "allspans");
    rt_field ar = rt_field_lookup(f->dw, "runtime.mheap", "arenas");
    rt_field start = rt_field_lookup(f->dw, "runtime.mspan", "startAddr");
    rt_field np = rt_field_lookup(f->dw, "runtime.mspan", "npages");
    uint64_t p, len, arenas, used = 0;
    if (as.size == 0 || !slice_at(f, a + as.off, &p, &len, 1u << 26) || !field(f, a, ar, &arenas) || arenas == 0)
        return false;
    for (uint64_t i = 0; i < len && i < 64; i++) {
        uint64_t s, sa, n;
        if (!u64(f, p + 8 * i, &s) || s == 0 || !field(f, s, start, &sa) || !field(f, s, np, &n) ||
            (sa == 0) != (n == 0) || sa % 8192 != 0 || n > (1ull << 32))
            return false;
        used += n != 0;
    }
    return used > 0;
}

/* allm: a nil-terminated list of ms, each with a g0. */
static bool is_allm(const finder *f, uint64_t a)
{
    rt_field link = rt_field_lookup(f->dw, "runtime.m", "alllink");
    rt_field g0 = rt_field_lookup(f->dw, "runtime.m", "g0");
    uint64_t mp, g;
    if (!u64(f, a, &mp) || mp == 0)
        return false;
    for (unsigned i = 0; mp != 0; i++) {
        if (i > 100000 || !field(f, mp, g0, &g) || g == 0 || !field(f, mp, link, &mp))
            return false;
    }
    return true;
}

/* How many queued finalizers the list of finalizer blocks from the word
 * at a holds, -1 if it is not one. A block (runtime/mfinal.go) is
 * persistentalloc'd outside the executable's image, holds at most what
 * fits in it, and each of its cnt records has an argument and a funcval
 * whose code is in .text. A list of empty blocks counts 0: it holds no
 * roots, and a stray word can look like one. */
static long fin_chain(const finder *f, uint64_t a)
{
    const char *fb = dwx_type_by_name(f->dw, "runtime.finBlock") ? "runtime.finBlock" : "runtime.finblock";
    rt_field link = rt_field_lookup(f->dw, fb, "alllink"), cnt = rt_field_lookup(f->dw, fb, "cnt");
    const dwx_field *arr = dwx_field_by_name(f->dw, dwx_type_by_name(f->dw, fb), "fin");
    const dwx_type *bt = dwx_type_get(f->dw, dwx_type_by_name(f->dw, fb));
    const dwx_type *ft = dwx_type_get(f->dw, dwx_type_by_name(f->dw, "runtime.finalizer"));
    rt_field fn = rt_field_lookup(f->dw, "runtime.finalizer", "fn");
    rt_field arg = rt_field_lookup(f->dw, "runtime.finalizer", "arg");
    uint64_t b, c;
    if (link.size == 0 || cnt.size == 0 || arr == NULL || bt == NULL || ft == NULL || ft->size == 0 ||
        bt->size <= arr->offset || !u64(f, a, &b))
        return -1;
    uint64_t cap = (bt->size - arr->offset) / ft->size;
    long n = 0, queued = 0;
    for (; b != 0; n++) {
        uint64_t next;
        if (n > 1000000 || b % 8 != 0 || (b >= f->text_addr && b < f->hi) || !field(f, b, cnt, &c) || c > cap ||
            !field(f, b, link, &next))
            return -1;
        for (uint64_t i = 0; i < c; i++) {
            uint64_t vfn, varg, rec = b + arr->offset + i * ft->size;
            uint64_t code;
            if (!field(f, rec, fn, &vfn) || !field(f, rec, arg, &varg) || vfn == 0 || varg == 0 ||
                !u64(f, vfn, &code) || code < f->text_addr || code - f->text_addr >= f->text_len)
                return -1;
        }
        queued += (long)c;
        b = next;
    }
    return queued;
}

/* waitReasonStrings: waitReason.String begins with its bounds check
 * (`cmp $len, %al`; arm64 `cmp wN, #len`); entry 0 is "" (waitReasonZero), the others short
 * strings. *count receives len. */
static uint64_t find_wait_reasons(const finder *f, uint64_t *count)
{
    pcln_func fn;
    uint64_t c[MAX_CAND];
    size_t k = targets(f, "runtime.waitReason.String", c, MAX_CAND);
    if (k == 0 || !pcln_by_name(f->pcln, "runtime.waitReason.String", &fn) || fn.end - fn.entry < 2)
        return 0;
    const uint8_t *code = f->text + (fn.entry - f->text_addr);
    *count = 0;
    if (!f->arm64 && code[0] == 0x3c) /* cmp $len, %al */
        *count = code[1];
    for (size_t i = 0; f->arm64 && *count == 0 && i + 4 <= 32 && i + 4 <= fn.end - fn.entry; i += 4) {
        uint32_t ins; /* cmp wN, #len (subs wzr, wN, #imm12) */
        memcpy(&ins, code + i, 4);
        if ((ins & 0xffc0001fu) == 0x7100001fu)
            *count = (ins >> 10) & 0xfff;
    }
    if (*count < 2 || *count > 255)
        return 0;
    for (size_t i = 0; i < k; i++) {
        bool ok = true;
        for (uint64_t w = 0; ok && w < *count; w++) {
            uint64_t p, len;
            ok = u64(f, c[i] + 16 * w, &p) && u64(f, c[i] + 16 * w + 8, &len) &&
                 (w == 0 ? len == 0 : len > 0 && len < 128 && core_mapped(f->core, p));
        }
        if (ok)
            return c[i];
    }
    return 0;
}

/* ---- firstmoduledata ---- */

static bool in_sec(const ghf_core *c, const char *sec, uint64_t v)
{
    uint64_t a, s;
    return core_exe_section_range(c, sec, &a, &s) && v >= a && v - a <= s;
}

static bool find_moduledata(finder *f, uint64_t *md, ghf_err *err)
{
    size_t tlen;
    uint64_t tab;
    if (core_exe_section(f->core, ".gopclntab", &tlen, &tab) == NULL &&
        core_exe_section(f->core, ".data.rel.ro.gopclntab", &tlen, &tab) == NULL)
        return ghf_fail(err, GHF_EXIT_INPUT, "the executable has no .gopclntab section to find "
                        "runtime.firstmoduledata by");
    rt_field text = rt_field_lookup(f->dw, "runtime.moduledata", "text");
    rt_field data = rt_field_lookup(f->dw, "runtime.moduledata", "data");
    rt_field bss = rt_field_lookup(f->dw, "runtime.moduledata", "bss");
    rt_field ebss = rt_field_lookup(f->dw, "runtime.moduledata", "ebss");
    /* 1.26+ give the module data its own section */
    static const char *const secs[] = {".go.module", ".noptrdata", ".data"};
    for (size_t s = 0; s < 3; s++) {
        uint64_t a, size;
        if (!core_exe_section_range(f->core, secs[s], &a, &size))
            continue;
        for (uint64_t off = 0; off + 8 <= size; off += 8) {
            uint64_t v, t, d, b, eb;
            if (!u64(f, a + off, &v) || v != tab)
                continue;
            if (field(f, a + off, text, &t) && in_sec(f->core, ".text", t) && field(f, a + off, data, &d) &&
                in_sec(f->core, ".data", d) && field(f, a + off, bss, &b) && in_sec(f->core, ".bss", b) &&
                field(f, a + off, ebss, &eb) && in_sec(f->core, ".bss", eb) && b <= eb) {
                *md = a + off;
                return true;
            }
        }
    }
    return ghf_fail(err, GHF_EXIT_INPUT, "cannot find runtime.firstmoduledata: no word in .go.module, "
                    ".noptrdata or .data points at the pclntab with a module's text, data and bss bounds after it");
}

static bool open_finder(finder *f, uint64_t md, ghf_err *err)
{
    uint64_t text;
    size_t tlen;
    uint64_t tab;
    const uint8_t *bytes = core_exe_section(f->core, ".gopclntab", &tlen, &tab);
    if (bytes == NULL)
        bytes = core_exe_section(f->core, ".data.rel.ro.gopclntab", &tlen, &tab);
    if (!field(f, md, rt_field_lookup(f->dw, "runtime.moduledata", "text"), &text) ||
        !pcln_open(bytes, tlen, text, &f->pcln, err))
        return false;
    f->text = core_exe_section(f->core, ".text", &f->text_len, &f->text_addr);
    if (f->text == NULL)
        return ghf_fail(err, GHF_EXIT_INPUT, "the executable has no .text section");
    static const char *const secs[] = {".noptrdata", ".data", ".bss", ".noptrbss"};
    f->lo = UINT64_MAX;
    f->hi = 0;
    for (size_t i = 0; i < 4; i++) {
        uint64_t a, s;
        if (!core_exe_section_range(f->core, secs[i], &a, &s))
            continue;
        f->lo = a < f->lo ? a : f->lo;
        f->hi = a + s > f->hi ? a + s : f->hi;
    }
    return f->lo < f->hi || ghf_fail(err, GHF_EXIT_INPUT, "the executable has no data or bss sections");
}

/* ---- the search ---- */

static void add(finder *f, dwx_var *out, size_t *n, const char *name, uint64_t addr, const char *type,
                uint64_t dflt)
{
    const dwx_type *t = type ? dwx_type_get(f->dw, dwx_type_by_name(f->dw, type)) : NULL;
    out[(*n)++] = (dwx_var){.name = name, .addr = addr - f->bias, .size = t && t->size ? t->size : dflt};
}

static bool not_found(const char *name, const char *fn, ghf_err *err)
{
    return ghf_fail(err, GHF_EXIT_INPUT, "cannot find %s in an executable without symbols: none of the "
                    "addresses %s refers to holds one in the core", name, fn);
}

bool rtfind_globals(const ghf_core *core, const dwx *layouts, dwx_var *out, size_t *n, ghf_err *err)
{
    *n = 0;
    bool arm64 = strcmp(core_arch(core)->name, "arm64") == 0;
    if (!arm64 && strcmp(core_arch(core)->name, "amd64") != 0)
        return ghf_fail(err, GHF_EXIT_UNSUPPORTED, "finding the Go runtime's globals in an executable with neither "
                        "DWARF nor symbols is done on amd64 and arm64 only, not %s: give an unstripped build with "
                        "--debug-exe FILE", core_arch(core)->name);
    finder f = {.core = core, .dw = layouts, .bias = core_pie_bias(core), .arm64 = arm64};
    uint64_t md = 0, c[MAX_CAND];
    size_t k;
    bool ok = false;
    if (!find_moduledata(&f, &md, err) || !open_finder(&f, md, err))
        goto out;
    add(&f, out, n, "runtime.firstmoduledata", md, "runtime.moduledata", 8);

    /* allgs and allglen (allgadd appends to one and stores the other) */
    uint64_t allgs = 0, glen = 0, maxgoid = 0, allglen = 0;
    k = targets(&f, "runtime.allgadd", c, MAX_CAND);
    for (size_t i = 0; i < k && !allgs; i++)
        for (uint64_t back = 0; back <= 16 && !allgs; back += 8)
            if (c[i] >= f.lo + back && is_allgs(&f, c[i] - back, &glen, &maxgoid))
                allgs = c[i] - back;
    for (size_t i = 0; i < k && allgs && !allglen; i++) {
        uint64_t v;
        if ((c[i] < allgs || c[i] >= allgs + 24) && u64(&f, c[i], &v) && v == glen)
            allglen = c[i];
    }
    if (!allgs || !allglen) {
        not_found(allgs ? "runtime.allglen" : "runtime.allgs", "runtime.allgadd", err);
        goto out;
    }
    add(&f, out, n, "runtime.allgs", allgs, NULL, 24);
    add(&f, out, n, "runtime.allglen", allglen, NULL, 8);

    uint64_t allp = 0, np = 0;
    k = targets(&f, "runtime.procresize", c, MAX_CAND);
    for (size_t i = 0; i < k && !allp; i++)
        if (is_allp(&f, c[i], &np))
            allp = c[i];
    if (!allp) {
        not_found("runtime.allp", "runtime.procresize", err);
        goto out;
    }
    add(&f, out, n, "runtime.allp", allp, NULL, 24);

    uint64_t mheap = 0;
    k = targets(&f, "runtime.mallocinit", c, MAX_CAND);
    for (size_t i = 0; i < k && !mheap; i++)
        if (is_mheap(&f, c[i]))
            mheap = c[i];
    if (!mheap) {
        not_found("runtime.mheap_", "runtime.mallocinit", err);
        goto out;
    }
    add(&f, out, n, "runtime.mheap_", mheap, "runtime.mheap", 8);

    /* sched: goidgen, its first member, hands out goids in batches of 16
     * per P (and one per cgo extra M): at least the largest goid, not far
     * above it. Optional: only the goroutine count's corrections use it. */
    k = targets(&f, "runtime.newproc1", c, MAX_CAND);
    bool sched = false;
    for (int pass = 0; pass < 2 && !sched; pass++) /* a batch boundary first (no cgo extra M) */
        for (size_t i = 0; i < k && !sched; i++) {
            uint64_t v;
            if (u64(&f, c[i], &v) && v > 0 && v >= maxgoid && v - maxgoid <= 16 * (np + 1) + 1024 &&
                (pass == 1 || v % 16 == 0)) {
                add(&f, out, n, "runtime.sched", c[i], "runtime.schedt", 8);
                sched = true;
            }
        }
    k = targets(&f, "runtime.mcommoninit", c, MAX_CAND);
    for (size_t i = 0; i < k; i++)
        if (is_allm(&f, c[i])) {
            add(&f, out, n, "runtime.allm", c[i], NULL, 8);
            break;
        }
    /* allfin links every finalizer block ever made: the list with the
     * most queued finalizers (finq's is part of it) */
    k = targets(&f, "runtime.queuefinalizer", c, MAX_CAND);
    long best = -1;
    uint64_t allfin = 0;
    for (size_t i = 0; i < k; i++) {
        long len = fin_chain(&f, c[i]);
        if (len > best) {
            best = len;
            allfin = c[i];
        }
    }
    if (best > 0)
        add(&f, out, n, "runtime.allfin", allfin, NULL, 8);
    uint64_t nwait = 0, wait = find_wait_reasons(&f, &nwait);
    if (wait)
        add(&f, out, n, "runtime.waitReasonStrings", wait, NULL, 16 * nwait);
    ok = true;
out:
    if (f.pcln)
        pcln_close(f.pcln);
    return ok;
}
