/* pcln.c — the Go pclntab reader (see include/pcln.h).
 *
 * Table layout (runtime/symtab.go pcHeader, cmd/link/internal/ld/pcln.go):
 *   pcHeader {magic u32, pad u8 u8, minLC u8, ptrSize u8, nfunc int,
 *             nfiles uint, textStart uintptr (0 from 1.26), funcnameOffset,
 *             cuOffset, filetabOffset, pctabOffset, pclnOffset uintptr}
 *   funcnametab, cutab ([]u32), filetab, pctab, then "pclntable": the
 *   functab {entryoff, funcoff u32}[nfunc+1] followed by the _func records
 *   (funcoff is relative to pclntable), each followed by u32 pcdata[npcdata]
 *   and u32 funcdata[nfuncdata].
 * Every offset is checked once in pcln_open; pc-value tables are checked as
 * they are decoded.
 */
#include "pcln.h"

#include <stdlib.h>
#include <string.h>

#define PCLN_HEADER_SIZE 72u   /* 8 + 8 pointer-sized words */
#define FTAB_ENTRY_SIZE 8u

enum region { R_FUNCNAME, R_CU, R_FILE, R_PCTAB, R_PCLN, R_COUNT };

struct pcln {
    const uint8_t *tab;
    size_t len;
    uint32_t nfunc;
    uint64_t text_start;
    int go_minor;
    uint32_t quantum;                   /* minLC: pc-value deltas count in these */
    size_t off[R_COUNT], size[R_COUNT]; /* each region's place in tab */
    const uint8_t *ftab;                /* tab + off[R_PCLN] */
    /* _func field offsets for this layout */
    uint32_t func_fixed;                /* bytes before pcdata[] */
    uint32_t funcid_at;                 /* funcID; flag follows, nfuncdata at func_fixed-1 */
    uint8_t kind_of_raw[256];           /* raw abi.FuncID -> pcln_funcid */
};

/* ---- little-endian reads from already bounds-checked places ---- */

static inline uint32_t rd32(const uint8_t *b)
{
    uint32_t v;
    memcpy(&v, b, 4);
    return v; /* amd64/arm64 hosts are little-endian, as are the tables */
}

static inline uint64_t rd64(const uint8_t *b)
{
    uint64_t v;
    memcpy(&v, b, 8);
    return v;
}

static inline uint32_t ftab_entry(const pcln *p, uint32_t i) { return rd32(p->ftab + (size_t)i * 8); }
static inline uint32_t ftab_funcoff(const pcln *p, uint32_t i) { return rd32(p->ftab + (size_t)i * 8 + 4); }
static inline const uint8_t *func_rec(const pcln *p, uint32_t rec) { return p->tab + p->off[R_PCLN] + rec; }

/* ---- abi.FuncID numbering per version (internal/abi/symtab.go) ---- */

/* Go 1.19-1.21: runtime/symtab.go funcID_* (1.19), internal/abi FuncID (1.21). */
static const uint8_t fids_119[] = {
    PCLN_FID_NORMAL, PCLN_FID_ABORT, PCLN_FID_ASMCGOCALL, PCLN_FID_ASYNCPREEMPT,
    PCLN_FID_CGOCALLBACK, PCLN_FID_DEBUGCALLV2, PCLN_FID_GCBGMARKWORKER, PCLN_FID_GOEXIT,
    PCLN_FID_GOGO, PCLN_FID_GOPANIC, PCLN_FID_HANDLEASYNCEVENT, PCLN_FID_MCALL,
    PCLN_FID_MORESTACK, PCLN_FID_MSTART, PCLN_FID_PANICWRAP, PCLN_FID_RT0_GO,
    PCLN_FID_RUNFINQ, PCLN_FID_RUNTIME_MAIN, PCLN_FID_SIGPANIC, PCLN_FID_SYSTEMSTACK,
    PCLN_FID_SYSTEMSTACK_SWITCH, PCLN_FID_WRAPPER,
};
/* Go 1.22-1.24: FuncID_corostart inserted after cgocallback. */
static const uint8_t fids_122[] = {
    PCLN_FID_NORMAL, PCLN_FID_ABORT, PCLN_FID_ASMCGOCALL, PCLN_FID_ASYNCPREEMPT,
    PCLN_FID_CGOCALLBACK, PCLN_FID_COROSTART, PCLN_FID_DEBUGCALLV2, PCLN_FID_GCBGMARKWORKER,
    PCLN_FID_GOEXIT, PCLN_FID_GOGO, PCLN_FID_GOPANIC, PCLN_FID_HANDLEASYNCEVENT,
    PCLN_FID_MCALL, PCLN_FID_MORESTACK, PCLN_FID_MSTART, PCLN_FID_PANICWRAP,
    PCLN_FID_RT0_GO, PCLN_FID_RUNFINQ, PCLN_FID_RUNTIME_MAIN, PCLN_FID_SIGPANIC,
    PCLN_FID_SYSTEMSTACK, PCLN_FID_SYSTEMSTACK_SWITCH, PCLN_FID_WRAPPER,
};
/* Go 1.26-1.27: runfinq gone, runFinalizers and runCleanups after runtime_main. */
static const uint8_t fids_126[] = {
    PCLN_FID_NORMAL, PCLN_FID_ABORT, PCLN_FID_ASMCGOCALL, PCLN_FID_ASYNCPREEMPT,
    PCLN_FID_CGOCALLBACK, PCLN_FID_COROSTART, PCLN_FID_DEBUGCALLV2, PCLN_FID_GCBGMARKWORKER,
    PCLN_FID_GOEXIT, PCLN_FID_GOGO, PCLN_FID_GOPANIC, PCLN_FID_HANDLEASYNCEVENT,
    PCLN_FID_MCALL, PCLN_FID_MORESTACK, PCLN_FID_MSTART, PCLN_FID_PANICWRAP,
    PCLN_FID_RT0_GO, PCLN_FID_RUNTIME_MAIN, PCLN_FID_RUNFINALIZERS, PCLN_FID_RUNCLEANUPS,
    PCLN_FID_SIGPANIC, PCLN_FID_SYSTEMSTACK, PCLN_FID_SYSTEMSTACK_SWITCH, PCLN_FID_WRAPPER,
};

static void set_fid_table(pcln *p, const uint8_t *t, size_t n)
{
    memset(p->kind_of_raw, PCLN_FID_UNKNOWN, sizeof p->kind_of_raw);
    for (size_t i = 0; i < n; i++)
        p->kind_of_raw[i] = t[i];
}

/* ---- open ---- */

static bool check_regions(pcln *p, const uint64_t hoff[R_COUNT], ghf_err *err)
{
    static const char *const names[R_COUNT] = {"funcnametab", "cutab", "filetab", "pctab", "pclntable"};
    for (int r = 0; r < R_COUNT; r++) {
        if (hoff[r] < PCLN_HEADER_SIZE || hoff[r] > p->len)
            return ghf_fail(err, GHF_EXIT_INPUT,
                            "corrupt pclntab: %s offset %#llx outside the %zu-byte table",
                            names[r], (unsigned long long)hoff[r], p->len);
    }
    /* The linker writes the regions in this order; each ends where the next begins. */
    for (int r = 0; r < R_COUNT; r++) {
        uint64_t end = r + 1 < R_COUNT ? hoff[r + 1] : p->len;
        if (end < hoff[r])
            return ghf_fail(err, GHF_EXIT_INPUT, "corrupt pclntab: %s offset %#llx lies after %s",
                            names[r], (unsigned long long)hoff[r], names[r + 1]);
        p->off[r] = (size_t)hoff[r];
        p->size[r] = (size_t)(end - hoff[r]);
    }
    /* Names and file names are read as C strings: the regions must end in NUL. */
    if (p->size[R_FUNCNAME] == 0 || p->tab[p->off[R_FUNCNAME] + p->size[R_FUNCNAME] - 1] != 0)
        return ghf_fail(err, GHF_EXIT_INPUT, "corrupt pclntab: funcnametab is empty or not NUL-terminated");
    if (p->size[R_FILE] != 0 && p->tab[p->off[R_FILE] + p->size[R_FILE] - 1] != 0)
        return ghf_fail(err, GHF_EXIT_INPUT, "corrupt pclntab: filetab is not NUL-terminated");
    return true;
}

/* Checks every functab entry and _func record so that lookups need no checks. */
static bool check_funcs(pcln *p, uint32_t *sigpanic_raw, ghf_err *err)
{
    size_t pclnsz = p->size[R_PCLN];
    const uint8_t *pcln_base = p->tab + p->off[R_PCLN];
    for (uint32_t i = 0; i < p->nfunc; i++) {
        uint32_t entry = ftab_entry(p, i), next = ftab_entry(p, i + 1);
        if (next < entry)
            return ghf_fail(err, GHF_EXIT_INPUT,
                            "corrupt pclntab: function table not sorted at entry %u (%#x > %#x)",
                            i, entry, next);
        uint32_t rec = ftab_funcoff(p, i);
        if ((uint64_t)rec + p->func_fixed > pclnsz)
            return ghf_fail(err, GHF_EXIT_INPUT,
                            "corrupt pclntab: function %u record at %#x outside pclntable (%zu bytes)",
                            i, rec, pclnsz);
        const uint8_t *f = pcln_base + rec;
        if (rd32(f) != entry)
            return ghf_fail(err, GHF_EXIT_INPUT,
                            "corrupt pclntab: function %u entry %#x disagrees with its table entry %#x",
                            i, rd32(f), entry);
        uint32_t nameoff = rd32(f + 4);
        if (nameoff >= p->size[R_FUNCNAME])
            return ghf_fail(err, GHF_EXIT_INPUT,
                            "corrupt pclntab: function %u name offset %#x outside funcnametab", i, nameoff);
        uint64_t npcdata = rd32(f + 28), nfuncdata = f[p->func_fixed - 1];
        if ((uint64_t)rec + p->func_fixed + (npcdata + nfuncdata) * 4 > pclnsz)
            return ghf_fail(err, GHF_EXIT_INPUT,
                            "corrupt pclntab: function %u has %llu pcdata and %llu funcdata past the table",
                            i, (unsigned long long)npcdata, (unsigned long long)nfuncdata);
        uint8_t raw = f[p->funcid_at];
        if (raw != 0 && *sigpanic_raw == 0 &&
            strcmp((const char *)p->tab + p->off[R_FUNCNAME] + nameoff, "runtime.sigpanic") == 0)
            *sigpanic_raw = raw;
    }
    return true;
}

bool pcln_open(const uint8_t *tab, size_t len, uint64_t text_start, pcln **out, ghf_err *err)
{
    *out = NULL;
    if (tab == NULL || len < PCLN_HEADER_SIZE)
        return ghf_fail(err, GHF_EXIT_INPUT, "pclntab too short (%zu bytes, header needs %u)", len,
                        PCLN_HEADER_SIZE);
    uint32_t magic = rd32(tab);
    if (magic != 0xfffffff0u && magic != 0xfffffff1u)
        return ghf_fail(err, GHF_EXIT_UNSUPPORTED,
                        "pclntab magic %#x is not Go 1.18+ (0xfffffff0) or 1.20+ (0xfffffff1)", magic);
    if (tab[4] != 0 || tab[5] != 0)
        return ghf_fail(err, GHF_EXIT_INPUT, "corrupt pclntab header: padding bytes are %u,%u", tab[4], tab[5]);
    /* minLC is Go's PCQuantum: 1 (x86), 2 (s390x) or 4 (every other GOARCH) */
    if ((tab[6] != 1 && tab[6] != 2 && tab[6] != 4) || tab[7] != 8)
        return ghf_fail(err, GHF_EXIT_UNSUPPORTED,
                        "pclntab for minLC %u, pointer size %u: only 64-bit tables are supported", tab[6], tab[7]);

    pcln *p = ghf_xcalloc(1, sizeof *p, err);
    if (p == NULL)
        return false;
    p->tab = tab;
    p->len = len;
    p->quantum = tab[6];
    uint64_t nfunc = rd64(tab + 8);
    uint64_t hdr_text = rd64(tab + 24);
    uint64_t hoff[R_COUNT];
    for (int r = 0; r < R_COUNT; r++)
        hoff[r] = rd64(tab + 32 + 8 * r);
    if (!check_regions(p, hoff, err))
        goto fail;

    /* _func: entryoff nameoff args deferreturn pcsp pcfile pcln npcdata cuOffset
     * [startLine, 1.20+] funcID flag pad nfuncdata (runtime2.go). */
    p->funcid_at = magic == 0xfffffff0u ? 36 : 40;
    p->func_fixed = p->funcid_at + 4;

    size_t pclnsz = p->size[R_PCLN];
    if (nfunc == 0 || nfunc >= pclnsz / FTAB_ENTRY_SIZE) { /* nfunc+1 entries must fit */
        ghf_fail(err, GHF_EXIT_INPUT, "corrupt pclntab: %llu functions cannot fit in a %zu-byte pclntable",
                 (unsigned long long)nfunc, pclnsz);
        goto fail;
    }
    p->nfunc = (uint32_t)nfunc;
    p->ftab = tab + p->off[R_PCLN];

    uint32_t sigpanic_raw = 0;
    if (!check_funcs(p, &sigpanic_raw, err))
        goto fail;

    /* Which FuncID numbering: runtime.sigpanic's raw ID tells them apart
     * (18 up to 1.21, 19 in 1.22-1.25, 20 from 1.26). Without it, guess
     * from the header. */
    bool is118 = magic == 0xfffffff0u;
    if (sigpanic_raw == 20 || (sigpanic_raw == 0 && !is118 && hdr_text == 0)) {
        set_fid_table(p, fids_126, sizeof fids_126);
        p->go_minor = 26;
    } else if (sigpanic_raw == 19 || (sigpanic_raw == 0 && !is118)) {
        set_fid_table(p, fids_122, sizeof fids_122);
        p->go_minor = 22;
    } else {
        set_fid_table(p, fids_119, sizeof fids_119);
        p->go_minor = is118 ? 18 : 20;
    }

    p->text_start = text_start != 0 ? text_start : hdr_text;
    if (p->text_start == 0) {
        ghf_fail(err, GHF_EXIT_INPUT,
                 "pclntab has no text start (Go 1.26+ does not record it): the module's text address is needed");
        goto fail;
    }
    if (p->text_start + ftab_entry(p, p->nfunc) < p->text_start) {
        ghf_fail(err, GHF_EXIT_INPUT, "pclntab text range overflows the address space");
        goto fail;
    }
    *out = p;
    return true;
fail:
    free(p);
    return false;
}

void pcln_close(pcln *p) { free(p); }
uint32_t pcln_nfunc(const pcln *p) { return p->nfunc; }
uint32_t pcln_pc_quantum(const pcln *p) { return p->quantum; }
uint64_t pcln_text_start(const pcln *p) { return p->text_start; }
int pcln_go_minor(const pcln *p) { return p->go_minor; }

/* ---- functions ---- */

static void fill_func(const pcln *p, uint32_t i, pcln_func *out)
{
    uint32_t rec = ftab_funcoff(p, i);
    const uint8_t *f = func_rec(p, rec);
    out->index = i;
    out->rec = rec;
    out->entry = p->text_start + ftab_entry(p, i);
    out->end = p->text_start + ftab_entry(p, i + 1);
    out->name = (const char *)p->tab + p->off[R_FUNCNAME] + rd32(f + 4);
    out->args = (int32_t)rd32(f + 8);
    out->npcdata = rd32(f + 28);
    out->funcid = f[p->funcid_at];
    out->kind = p->kind_of_raw[out->funcid];
    out->flag = f[p->funcid_at + 1];
    out->nfuncdata = f[p->func_fixed - 1];
}

bool pcln_func_at(const pcln *p, uint32_t i, pcln_func *out)
{
    if (i >= p->nfunc)
        return false;
    fill_func(p, i, out);
    return true;
}

bool pcln_find(const pcln *p, uint64_t pc, pcln_func *out)
{
    if (pc < p->text_start || pc - p->text_start >= ftab_entry(p, p->nfunc))
        return false;
    uint32_t off = (uint32_t)(pc - p->text_start);
    if (off < ftab_entry(p, 0))
        return false;
    /* Largest i with entry[i] <= off; entry[0] <= off < entry[nfunc]. */
    uint32_t lo = 0, hi = p->nfunc; /* answer in [lo, hi) */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (ftab_entry(p, mid) <= off)
            lo = mid;
        else
            hi = mid;
    }
    fill_func(p, lo, out);
    return true;
}

bool pcln_by_name(const pcln *p, const char *name, pcln_func *out)
{
    const char *names = (const char *)p->tab + p->off[R_FUNCNAME];
    for (uint32_t i = 0; i < p->nfunc; i++) {
        if (strcmp(names + rd32(func_rec(p, ftab_funcoff(p, i)) + 4), name) == 0) {
            fill_func(p, i, out);
            return true;
        }
    }
    return false;
}

/* ---- pc-value tables ---- */

/* A uvarint of at most 32 bits; false if it runs past end or overflows. */
static inline bool read_uvarint(const uint8_t **pp, const uint8_t *end, uint32_t *out)
{
    const uint8_t *q = *pp;
    uint32_t v = 0;
    for (unsigned shift = 0; shift < 35; shift += 7) {
        if (q >= end)
            return false;
        uint8_t b = *q++;
        if (shift == 28 && (b & 0x70) != 0)
            return false; /* bits beyond 32 */
        v |= (uint32_t)(b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
            *pp = q;
            *out = v;
            return true;
        }
    }
    return false;
}

typedef enum { PV_VALUE, PV_NONE, PV_CORRUPT } pv_result;

/* The runtime's pcvalue: the value covering targetpc in the table at pctab
 * offset `off` (value starts at -1; each step is a zig-zag value delta and
 * a pc delta; a zero value delta after the first step ends the table).
 * Every iteration consumes at least two bytes, so the loop is bounded by
 * the table size. */
static pv_result pcvalue(const pcln *p, const pcln_func *f, uint32_t off, uint64_t targetpc, int32_t *out)
{
    if (off == 0)
        return PV_NONE;
    if (off >= p->size[R_PCTAB])
        return PV_CORRUPT;
    const uint8_t *q = p->tab + p->off[R_PCTAB] + off;
    const uint8_t *end = p->tab + p->off[R_PCTAB] + p->size[R_PCTAB];
    uint64_t pc = f->entry;
    uint32_t val = (uint32_t)-1;
    for (;;) {
        uint32_t uvdelta, pcdelta;
        if (!read_uvarint(&q, end, &uvdelta))
            return PV_CORRUPT;
        if (uvdelta == 0 && pc != f->entry) /* as the runtime's step(): "first" means pc == entry */
            return PV_NONE; /* the table ended before targetpc */
        val += (uint32_t)(-(int32_t)(uvdelta & 1)) ^ (uvdelta >> 1);
        if (!read_uvarint(&q, end, &pcdelta))
            return PV_CORRUPT;
        pc += (uint64_t)pcdelta * p->quantum;
        if (targetpc < pc) {
            *out = (int32_t)val;
            return PV_VALUE;
        }
    }
}

static inline bool pc_in(const pcln_func *f, uint64_t pc) { return pc >= f->entry && pc < f->end; }

bool pcln_spdelta(const pcln *p, const pcln_func *f, uint64_t pc, int32_t *out)
{
    if (!pc_in(f, pc))
        return false;
    return pcvalue(p, f, rd32(func_rec(p, f->rec) + 16), pc, out) == PV_VALUE;
}

bool pcln_max_spdelta(const pcln *p, const pcln_func *f, int32_t *out)
{
    uint32_t off = rd32(func_rec(p, f->rec) + 16);
    if (off == 0 || off >= p->size[R_PCTAB])
        return false;
    const uint8_t *q = p->tab + p->off[R_PCTAB] + off;
    const uint8_t *end = p->tab + p->off[R_PCTAB] + p->size[R_PCTAB];
    uint32_t val = (uint32_t)-1;
    int32_t most = 0;
    uint64_t pc = f->entry;
    for (;;) {
        uint32_t uvdelta, pcdelta;
        if (!read_uvarint(&q, end, &uvdelta))
            return false;
        if (uvdelta == 0 && pc != f->entry)
            break;
        val += (uint32_t)(-(int32_t)(uvdelta & 1)) ^ (uvdelta >> 1);
        if (!read_uvarint(&q, end, &pcdelta))
            return false;
        pc += (uint64_t)pcdelta * p->quantum;
        if ((int32_t)val > most)
            most = (int32_t)val;
    }
    *out = most;
    return true;
}

bool pcln_pcdata(const pcln *p, const pcln_func *f, uint32_t table, uint64_t pc, int32_t *out)
{
    if (!pc_in(f, pc))
        return false;
    if (table >= f->npcdata) {
        *out = -1;
        return true;
    }
    uint32_t off = rd32(func_rec(p, f->rec) + p->func_fixed + table * 4);
    switch (pcvalue(p, f, off, pc, out)) {
    case PV_VALUE: return true;
    case PV_NONE:
        if (off != 0)
            return false; /* a table that does not cover pc */
        *out = -1;
        return true;
    default: return false;
    }
}

bool pcln_funcdata(const pcln *p, const pcln_func *f, uint32_t i, uint32_t *off)
{
    if (i >= f->nfuncdata)
        return false;
    uint32_t v = rd32(func_rec(p, f->rec) + p->func_fixed + (f->npcdata + i) * 4);
    if (v == 0xffffffffu)
        return false;
    *off = v;
    return true;
}

bool pcln_line(const pcln *p, const pcln_func *f, uint64_t pc, const char **file, int32_t *line)
{
    if (!pc_in(f, pc))
        return false;
    const uint8_t *rec = func_rec(p, f->rec);
    int32_t fileno, ln;
    if (pcvalue(p, f, rd32(rec + 20), pc, &fileno) != PV_VALUE ||
        pcvalue(p, f, rd32(rec + 24), pc, &ln) != PV_VALUE || fileno < 0 || ln < 0)
        return false;
    /* funcfile: cutab[cuOffset + fileno] is an offset into filetab. */
    uint64_t cu = (uint64_t)rd32(rec + 32) + (uint64_t)fileno;
    if (cu >= p->size[R_CU] / 4)
        return false;
    uint32_t fileoff = rd32(p->tab + p->off[R_CU] + cu * 4);
    if (fileoff == 0xffffffffu || fileoff >= p->size[R_FILE])
        return false;
    *file = (const char *)p->tab + p->off[R_FILE] + fileoff;
    *line = ln;
    return true;
}
