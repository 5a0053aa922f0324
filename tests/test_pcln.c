/* Tests for the pclntab reader (include/pcln.h) against each toolchain's own
 * ground truth: tests/pcln/build-testprogs.sh builds tests/pcln/testprog with
 * every supported Go and records `go tool nm`, `go tool objdump`, the
 * compiler's -S listing and what the program's runtime says about itself.
 * GHF_PCLN_FIXTURES points at that directory. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "pcln.h"

static const int versions[] = {19, 21, 22, 23, 24, 26, 27};
#define NVERSIONS (sizeof versions / sizeof versions[0])

/* ---- helpers: files, ELF sections, nm ---- */

static const char *fixtures(void)
{
    const char *d = getenv("GHF_PCLN_FIXTURES");
    cr_assert(d != NULL, "GHF_PCLN_FIXTURES is not set (run through meson test)");
    return d;
}

static char *path_of(int v, const char *file)
{
    char *s;
    cr_assert(asprintf(&s, "%s/go1.%d/%s", fixtures(), v, file) > 0);
    return s;
}

typedef struct {
    uint8_t *bytes;
    size_t len;
    uint64_t addr;
    char name[64];
} section;

/* Copies section `want` (or the first whose name ends in "gopclntab" if want
 * is NULL) of an ELF file into an exact-size heap buffer, so that ASan sees
 * any read past its end. */
static bool read_section(const char *file, const char *want, section *out)
{
    memset(out, 0, sizeof *out);
    elf_version(EV_CURRENT);
    int fd = open(file, O_RDONLY);
    cr_assert(fd >= 0, "cannot open %s", file);
    Elf *e = elf_begin(fd, ELF_C_READ, NULL);
    cr_assert(e != NULL);
    size_t shstrndx;
    cr_assert(elf_getshdrstrndx(e, &shstrndx) == 0);
    bool found = false;
    for (Elf_Scn *s = NULL; (s = elf_nextscn(e, s)) != NULL;) {
        GElf_Shdr sh;
        gelf_getshdr(s, &sh);
        const char *n = elf_strptr(e, shstrndx, sh.sh_name);
        size_t nl = strlen(n);
        bool match = want ? strcmp(n, want) == 0 : (nl >= 9 && strcmp(n + nl - 9, "gopclntab") == 0);
        if (!match)
            continue;
        Elf_Data *d = elf_getdata(s, NULL);
        cr_assert(d != NULL && d->d_size == sh.sh_size);
        out->bytes = malloc(d->d_size);
        memcpy(out->bytes, d->d_buf, d->d_size);
        out->len = d->d_size;
        out->addr = sh.sh_addr;
        snprintf(out->name, sizeof out->name, "%s", n);
        found = true;
        break;
    }
    elf_end(e);
    close(fd);
    return found;
}

typedef struct {
    uint64_t addr, size;
    char type;
    char *name;
} nmsym;

typedef struct {
    nmsym *v;
    size_t n;
} nmtab;

/* `go tool nm -size -sort address` lines: "addr size type name" (names may hold spaces). */
static nmtab read_nm(const char *file)
{
    FILE *f = fopen(file, "r");
    cr_assert(f != NULL, "cannot open %s", file);
    nmtab t = {0};
    size_t cap = 0;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    while ((len = getline(&line, &lcap, f)) > 0) {
        if (line[len - 1] == '\n')
            line[--len] = 0;
        unsigned long long a, s;
        char ty;
        int pos = 0;
        if (sscanf(line, " %llx %llu %c %n", &a, &s, &ty, &pos) != 3 || pos == 0)
            continue; /* e.g. "0 0 _ go.go" has no hex problem but U symbols have no address */
        if (t.n == cap) {
            cap = cap ? cap * 2 : 1024;
            t.v = realloc(t.v, cap * sizeof *t.v);
        }
        t.v[t.n++] = (nmsym){a, s, ty, strdup(line + pos)};
    }
    free(line);
    fclose(f);
    cr_assert(t.n > 100, "%s has only %zu symbols", file, t.n);
    return t;
}

static void free_nm(nmtab *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->v[i].name);
    free(t->v);
}

static const nmsym *nm_by_name(const nmtab *t, const char *name)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->v[i].name, name) == 0)
            return &t->v[i];
    return NULL;
}

static bool is_text(char ty) { return ty == 'T' || ty == 't'; }

/* nm and the function name table spell a few generated names differently:
 * "[5]T" vs "[...]T" in array equality functions, "." vs "·" before a
 * numeric suffix. True if `fn` (pclntab) and `sym` (nm) are the same name. */
static bool same_name(const char *fn, const char *sym)
{
    while (*fn && *sym) {
        if (strncmp(fn, "[...]", 5) == 0 && sym[0] == '[') {
            const char *q = sym + 1;
            while (*q >= '0' && *q <= '9')
                q++;
            if (*q == ']' && q > sym + 1) {
                fn += 5;
                sym = q + 1;
                continue;
            }
        }
        if (strncmp(fn, "\xc2\xb7", 2) == 0 && *sym == '.') {
            fn += 2;
            sym++;
            continue;
        }
        if (*fn++ != *sym++)
            return false;
    }
    return *fn == *sym;
}

/* Go 1.19's symbol table names assembly (ABI0) functions "f.abi0"; the
 * function name table and later versions' nm say "f". */
static const char *go_name(const char *sym)
{
    static char buf[1024];
    size_t n = strlen(sym);
    if (n > 5 && n < sizeof buf && strcmp(sym + n - 5, ".abi0") == 0) {
        memcpy(buf, sym, n - 5);
        buf[n - 5] = 0;
        return buf;
    }
    return sym;
}

/* Opens version v's test program table with runtime.text from nm. */
static pcln *open_prog(int v, section *sec, nmtab *nm)
{
    char *exe = path_of(v, "prog"), *nmf = path_of(v, "nm.txt");
    cr_assert(read_section(exe, ".gopclntab", sec), "go1.%d: no .gopclntab in %s", v, exe);
    *nm = read_nm(nmf);
    const nmsym *text = nm_by_name(nm, "runtime.text");
    cr_assert(text != NULL);
    pcln *p;
    ghf_err err = {0};
    cr_assert(pcln_open(sec->bytes, sec->len, text->addr, &p, &err), "go1.%d: %s", v, err.msg);
    free(exe);
    free(nmf);
    return p;
}

/* ---- header, versions, text start ---- */

Test(pcln, header_and_text_start_per_version)
{
    for (size_t k = 0; k < NVERSIONS; k++) {
        int v = versions[k];
        section sec;
        nmtab nm;
        pcln *p = open_prog(v, &sec, &nm);
        const nmsym *text = nm_by_name(&nm, "runtime.text");
        int want_gen = v <= 19 ? 18 : v <= 21 ? 20 : v <= 25 ? 22 : 26;
        cr_expect_eq(pcln_go_minor(p), want_gen, "go1.%d: layout %d, want %d", v, pcln_go_minor(p), want_gen);
        cr_expect_eq(pcln_text_start(p), text->addr);
        pcln_close(p);

        /* Without a caller text start: 1.19-1.24 record it, 1.26+ do not. */
        ghf_err err = {0};
        bool ok = pcln_open(sec.bytes, sec.len, 0, &p, &err);
        if (v < 26) {
            cr_assert(ok, "go1.%d: %s", v, err.msg);
            cr_expect_eq(pcln_text_start(p), text->addr, "go1.%d: header textStart", v);
            pcln_close(p);
        } else {
            cr_expect(!ok, "go1.%d opened without a text start", v);
            cr_expect_eq(err.code, GHF_EXIT_INPUT);
            cr_expect(strstr(err.msg, "text") != NULL, "%s", err.msg);
        }
        free_nm(&nm);
        free(sec.bytes);
    }
}

/* ---- every function against go tool nm ---- */

Test(pcln, every_function_matches_go_tool_nm)
{
    for (size_t k = 0; k < NVERSIONS; k++) {
        int v = versions[k];
        section sec;
        nmtab nm;
        pcln *p = open_prog(v, &sec, &nm);
        /* nm -> pcln: every sized text symbol is a function entry with that name. */
        size_t checked = 0;
        for (size_t i = 0; i < nm.n; i++) {
            const nmsym *s = &nm.v[i];
            if (!is_text(s->type) || s->size == 0)
                continue;
            pcln_func f, g;
            cr_assert(pcln_find(p, s->addr, &f), "go1.%d: %s at %#llx not found", v, s->name,
                      (unsigned long long)s->addr);
            cr_expect_eq(f.entry, s->addr, "go1.%d: %s entry %#llx, want %#llx", v, s->name,
                         (unsigned long long)f.entry, (unsigned long long)s->addr);
            cr_expect(same_name(f.name, go_name(s->name)), "go1.%d at %#llx: %s, nm says %s", v,
                      (unsigned long long)s->addr, f.name, s->name);
            cr_assert(pcln_find(p, s->addr + s->size - 1, &g));
            cr_expect_eq(g.index, f.index, "go1.%d: last byte of %s is in %s", v, s->name, g.name);
            cr_expect_geq(f.end, s->addr + s->size, "go1.%d: %s ends early", v, s->name);
            checked++;
        }
        /* pcln -> nm: every function has a text symbol at its entry with its name. */
        size_t j = 0;
        for (uint32_t i = 0; i < pcln_nfunc(p); i++) {
            pcln_func f;
            cr_assert(pcln_func_at(p, i, &f));
            while (j < nm.n && (nm.v[j].addr < f.entry || !is_text(nm.v[j].type)))
                j++;
            bool found = false;
            for (size_t q = j; q < nm.n && nm.v[q].addr == f.entry; q++)
                found |= is_text(nm.v[q].type) && same_name(f.name, go_name(nm.v[q].name));
            cr_expect(found, "go1.%d: function %s at %#llx has no nm symbol", v, f.name,
                      (unsigned long long)f.entry);
        }
        cr_expect_geq(checked, pcln_nfunc(p) - 5, "go1.%d: only %zu of %u functions checked", v, checked,
                      pcln_nfunc(p));
        /* Outside the text. */
        pcln_func f;
        cr_expect(!pcln_find(p, pcln_text_start(p) - 1, &f));
        pcln_func last;
        cr_assert(pcln_func_at(p, pcln_nfunc(p) - 1, &last));
        cr_expect(!pcln_find(p, last.end, &f));
        cr_expect(!pcln_find(p, 0, &f));
        cr_expect(!pcln_find(p, UINT64_MAX, &f));
        pcln_close(p);
        free_nm(&nm);
        free(sec.bytes);
    }
}

/* ---- the program's runtime: FuncForPC entries and FileLine ---- */

Test(pcln, entries_and_lines_match_the_programs_runtime)
{
    for (size_t k = 0; k < NVERSIONS; k++) {
        int v = versions[k];
        section sec;
        nmtab nm;
        pcln *p = open_prog(v, &sec, &nm);
        char *outf = path_of(v, "out.txt");
        FILE *in = fopen(outf, "r");
        cr_assert(in != NULL);
        char line[1024];
        int nfunc = 0, npc = 0, nmain = 0;
        while (fgets(line, sizeof line, in)) {
            char name[512], file[512];
            unsigned long long pc, entry;
            int ln;
            pcln_func f;
            if (sscanf(line, "func %511s %llx", name, &entry) == 2) {
                cr_assert(pcln_find(p, entry, &f), "go1.%d: %s", v, name);
                cr_expect_eq(f.entry, entry, "go1.%d: %s", v, name);
                cr_expect_str_eq(f.name, name, "go1.%d", v);
                nfunc++;
            } else if (sscanf(line, "pc %llx %511s %llx %511s %d", &pc, name, &entry, file, &ln) == 5) {
                cr_assert(pcln_find(p, pc, &f), "go1.%d: pc %#llx", v, pc);
                /* FuncForPC names the innermost inlined function but gives the outer entry. */
                cr_expect_eq(f.entry, entry, "go1.%d: pc %#llx in %s", v, pc, f.name);
                const char *gotfile;
                int32_t gotline;
                cr_assert(pcln_line(p, &f, pc, &gotfile, &gotline), "go1.%d: no line at %#llx", v, pc);
                cr_expect_str_eq(gotfile, file, "go1.%d pc %#llx", v, pc);
                cr_expect_eq(gotline, ln, "go1.%d pc %#llx: line %d, want %d", v, pc, gotline, ln);
                /* A return address inside a Go function is a safe point with a
                 * stack map. (Inlined frames report the inline mark's pc instead.) */
                if (strncmp(f.name, "main.", 5) == 0 && strcmp(f.name, name) == 0) {
                    int32_t idx, sp;
                    cr_assert(pcln_pcdata(p, &f, PCLN_PCDATA_STACKMAPINDEX, pc - 1, &idx));
                    cr_expect_geq(idx, 0, "go1.%d: %s has no stack map at the call before %#llx", v, f.name, pc);
                    cr_assert(pcln_spdelta(p, &f, pc, &sp));
                    cr_expect_gt(sp, 0);
                    nmain++;
                }
                npc++;
            }
        }
        fclose(in);
        cr_expect_eq(nfunc, 11, "go1.%d: %d func lines", v, nfunc);
        cr_expect_geq(npc, 7, "go1.%d: %d pc lines", v, npc);
        cr_expect_geq(nmain, 4);
        free(outf);
        pcln_close(p);
        free_nm(&nm);
        free(sec.bytes);
    }
}

/* ---- the compiler's -S listing: args, frame size, funcdata ---- */

Test(pcln, frames_and_funcdata_match_the_compiler_listing)
{
    for (size_t k = 0; k < NVERSIONS; k++) {
        int v = versions[k];
        section sec;
        nmtab nm;
        pcln *p = open_prog(v, &sec, &nm);
        char *sf = path_of(v, "S.txt");
        FILE *in = fopen(sf, "r");
        cr_assert(in != NULL);
        char line[4096];
        pcln_func cur;
        bool have = false;
        unsigned seen = 0; /* FUNCDATA slots listed for cur */
        int checked = 0, stkobj = 0;
#define FINISH_FUNC()                                                                           \
    do {                                                                                        \
        if (have) {                                                                             \
            for (uint32_t slot = 0; slot < 8; slot++) {                                         \
                uint32_t off;                                                                   \
                if (slot == PCLN_FUNCDATA_INLTREE)                                              \
                    continue; /* added after the -S listing is printed */                       \
                bool got = pcln_funcdata(p, &cur, slot, &off);                                  \
                cr_expect_eq(got, (seen >> slot) & 1, "go1.%d: %s funcdata %u present=%d", v,   \
                             cur.name, slot, got);                                              \
            }                                                                                   \
            stkobj += (seen >> PCLN_FUNCDATA_STACKOBJECTS) & 1;                                 \
        }                                                                                       \
        have = false;                                                                           \
        seen = 0;                                                                               \
    } while (0)
        while (fgets(line, sizeof line, in)) {
            char name[512];
            unsigned args, locals;
            const char *st = strstr(line, " STEXT ");
            if (st != NULL && strncmp(line, "main.", 5) == 0 && sscanf(line, "%511s", name) == 1) {
                FINISH_FUNC();
                const char *a = strstr(st, " args="), *l = strstr(st, " locals=");
                cr_assert(a && l);
                sscanf(a, " args=%x", &args);
                sscanf(l, " locals=%x", &locals);
                if (!pcln_by_name(p, name, &cur))
                    continue; /* dropped by the linker's dead-code pass */
                cr_expect_eq((unsigned)cur.args, args, "go1.%d: %s args %d, want %u", v, name, cur.args, args);
                int32_t maxsp, sp0;
                cr_assert(pcln_max_spdelta(p, &cur, &maxsp), "go1.%d: %s", v, name);
                cr_expect_eq((unsigned)maxsp, locals, "go1.%d: %s frame %d, want %u", v, name, maxsp, locals);
                cr_assert(pcln_spdelta(p, &cur, cur.entry, &sp0));
                cr_expect_eq(sp0, 0, "go1.%d: %s spdelta at entry", v, name);
                cr_expect_eq(cur.kind, PCLN_FID_NORMAL);
                cr_expect_eq(cur.flag & PCLN_FLAG_ASM, 0);
                have = true;
                checked++;
            } else if (st != NULL) {
                FINISH_FUNC();
            } else if (have) {
                const char *fd = strstr(line, "FUNCDATA\t$");
                unsigned slot;
                if (fd && sscanf(fd, "FUNCDATA\t$%u", &slot) == 1 && slot < 8)
                    seen |= 1u << slot;
            }
        }
        FINISH_FUNC();
#undef FINISH_FUNC
        fclose(in);
        cr_expect_geq(checked, 9, "go1.%d: only %d main functions checked", v, checked);
        cr_expect_geq(stkobj, 1, "go1.%d: no function with stack objects checked", v);
        free(sf);
        pcln_close(p);
        free_nm(&nm);
        free(sec.bytes);
    }
}

/* ---- go tool objdump: spdelta through the prologue ---- */

Test(pcln, prologue_spdelta_matches_objdump)
{
    for (size_t k = 0; k < NVERSIONS; k++) {
        int v = versions[k];
        section sec;
        nmtab nm;
        pcln *p = open_prog(v, &sec, &nm);
        char *df = path_of(v, "objdump.txt");
        FILE *in = fopen(df, "r");
        cr_assert(in != NULL);
        char line[1024];
        pcln_func f;
        enum { NONE, WALK, AFTER, DONE } state = NONE;
        int32_t delta = 0;
        int checked = 0;
        while (fgets(line, sizeof line, in)) {
            if (strncmp(line, "TEXT ", 5) == 0) {
                state = NONE;
                continue;
            }
            unsigned long long pc;
            char loc[256], hex[64], insn[256];
            if (sscanf(line, " %255s %llx %63s %255[^\n]", loc, &pc, hex, insn) != 4)
                continue;
            if (state == NONE) {
                cr_assert(pcln_find(p, pc, &f));
                cr_assert_eq(f.entry, pc, "go1.%d: objdump function at %#llx", v, pc);
                state = WALK;
                delta = 0;
            }
            if (state == WALK || state == AFTER) {
                int32_t sp;
                cr_assert(pcln_spdelta(p, &f, pc, &sp), "go1.%d: %s at %#llx", v, f.name, pc);
                cr_expect_eq(sp, delta, "go1.%d: %s spdelta at %#llx is %d, objdump says %d (%s)", v, f.name, pc,
                             sp, delta, insn);
                if (state == AFTER) {
                    checked++;
                    state = DONE;
                    continue;
                }
                unsigned n;
                if (strncmp(insn, "PUSHQ BP", 8) == 0)
                    delta += 8;
                else if (sscanf(insn, "SUBQ $0x%x, SP", &n) == 1) {
                    delta += (int32_t)n;
                    state = AFTER;
                } else if (strncmp(insn, "RET", 3) == 0 || strncmp(insn, "JMP", 3) == 0)
                    state = DONE; /* frameless function */
            }
        }
        fclose(in);
        cr_expect_geq(checked, 8, "go1.%d: only %d prologues checked", v, checked);
        free(df);
        pcln_close(p);
        free_nm(&nm);
        free(sec.bytes);
    }
}

/* ---- funcid and flags (set by the linker from the runtime's asm TEXT flags) ---- */

Test(pcln, runtime_funcids_and_flags)
{
    static const struct { const char *name; int kind; int flags; } want[] = {
        {"runtime.goexit", PCLN_FID_GOEXIT, PCLN_FLAG_TOPFRAME | PCLN_FLAG_ASM},   /* asm_amd64.s: TOPFRAME */
        {"runtime.rt0_go", PCLN_FID_RT0_GO, PCLN_FLAG_TOPFRAME | PCLN_FLAG_ASM},
        {"runtime.mstart", PCLN_FID_MSTART, PCLN_FLAG_TOPFRAME | PCLN_FLAG_ASM},
        {"runtime.systemstack", PCLN_FID_SYSTEMSTACK, PCLN_FLAG_ASM},
        {"runtime.morestack", PCLN_FID_MORESTACK, PCLN_FLAG_ASM},
        {"runtime.mcall", PCLN_FID_MCALL, PCLN_FLAG_ASM},
        {"runtime.gogo", PCLN_FID_GOGO, PCLN_FLAG_ASM},
        {"runtime.asyncPreempt", PCLN_FID_ASYNCPREEMPT, PCLN_FLAG_ASM},
        {"runtime.sigpanic", PCLN_FID_SIGPANIC, 0},
        {"runtime.main", PCLN_FID_RUNTIME_MAIN, 0},
        {"runtime.gopanic", PCLN_FID_GOPANIC, 0},
        {"runtime.gcBgMarkWorker", PCLN_FID_GCBGMARKWORKER, 0},
        {"main.main", PCLN_FID_NORMAL, 0},
    };
    for (size_t k = 0; k < NVERSIONS; k++) {
        int v = versions[k];
        section sec;
        nmtab nm;
        pcln *p = open_prog(v, &sec, &nm);
        for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
            pcln_func f;
            cr_assert(pcln_by_name(p, want[i].name, &f), "go1.%d: no %s", v, want[i].name);
            cr_expect_eq(f.kind, want[i].kind, "go1.%d: %s kind %d (raw %d), want %d", v, f.name, f.kind, f.funcid,
                         want[i].kind);
            cr_expect_eq(f.flag & (PCLN_FLAG_TOPFRAME | PCLN_FLAG_ASM), want[i].flags, "go1.%d: %s flag %#x", v,
                         f.name, f.flag);
        }
        /* The finalizer goroutine's function was renamed in 1.26. */
        pcln_func f;
        const char *fin = v >= 26 ? "runtime.runFinalizers" : "runtime.runfinq";
        cr_assert(pcln_by_name(p, fin, &f), "go1.%d: no %s", v, fin);
        cr_expect_eq(f.kind, v >= 26 ? PCLN_FID_RUNFINALIZERS : PCLN_FID_RUNFINQ, "go1.%d", v);
        /* systemstack_switch is assembly that pretends to be a frame (SPWRITE is not set). */
        cr_assert(pcln_by_name(p, "runtime.systemstack_switch", &f));
        cr_expect_eq(f.kind, PCLN_FID_SYSTEMSTACK_SWITCH, "go1.%d", v);
        pcln_close(p);
        free_nm(&nm);
        free(sec.bytes);
    }
}

/* ---- PIE: the section name and the link-time text start ---- */

Test(pcln, pie_binaries)
{
    static const struct { int v; const char *sect; } pies[] = {
        {24, ".data.rel.ro.gopclntab"}, /* textStart needs a relocation, so the section is writable */
        {27, ".gopclntab"},
    };
    for (size_t k = 0; k < 2; k++) {
        int v = pies[k].v;
        char *exe = path_of(v, "prog.pie"), *nmf = path_of(v, "nm.pie.txt");
        section sec;
        cr_assert(read_section(exe, NULL, &sec), "go1.%d: no pclntab section", v);
        cr_expect_str_eq(sec.name, pies[k].sect, "go1.%d", v);
        nmtab nm = read_nm(nmf);
        const nmsym *text = nm_by_name(&nm, "runtime.text");
        const nmsym *pclntab = nm_by_name(&nm, "runtime.pclntab");
        cr_assert(text && pclntab);
        cr_expect_eq(pclntab->addr, sec.addr, "go1.%d: runtime.pclntab is not the section start", v);
        /* A run-time text start with some PIE bias moves every entry by the bias. */
        const uint64_t bias = 0x7f0000000000ull;
        pcln *p;
        ghf_err err = {0};
        cr_assert(pcln_open(sec.bytes, sec.len, text->addr + bias, &p, &err), "go1.%d: %s", v, err.msg);
        size_t checked = 0;
        for (size_t i = 0; i < nm.n; i++) {
            if (!is_text(nm.v[i].type) || nm.v[i].size == 0)
                continue;
            pcln_func f;
            cr_assert(pcln_find(p, nm.v[i].addr + bias, &f));
            cr_expect_eq(f.entry, nm.v[i].addr + bias);
            cr_expect(same_name(f.name, go_name(nm.v[i].name)), "%s vs %s", f.name, nm.v[i].name);
            checked++;
        }
        cr_expect_gt(checked, 1000);
        pcln_close(p);
        free_nm(&nm);
        free(sec.bytes);
        free(exe);
        free(nmf);
    }
}

/* ---- corrupt and truncated tables ---- */

/* Uses everything a stack walk would on a table that opened. */
static void exercise(const pcln *p)
{
    for (uint32_t i = 0; i < pcln_nfunc(p); i++) {
        pcln_func f, g;
        if (!pcln_func_at(p, i, &f))
            continue;
        (void)pcln_find(p, f.entry, &g);
        uint64_t pcs[3] = {f.entry, f.entry + (f.end - f.entry) / 2, f.end ? f.end - 1 : 0};
        for (int k = 0; k < 3; k++) {
            int32_t x;
            const char *file;
            uint32_t off;
            (void)pcln_spdelta(p, &f, pcs[k], &x);
            (void)pcln_pcdata(p, &f, PCLN_PCDATA_STACKMAPINDEX, pcs[k], &x);
            (void)pcln_pcdata(p, &f, PCLN_PCDATA_UNSAFEPOINT, pcs[k], &x);
            if (pcln_line(p, &f, pcs[k], &file, &x))
                (void)strlen(file);
            (void)pcln_funcdata(p, &f, PCLN_FUNCDATA_LOCALSPOINTERMAPS, &off);
        }
        (void)pcln_max_spdelta(p, &f, &(int32_t){0});
        (void)strlen(f.name);
    }
}

static int open_copy(const uint8_t *bytes, size_t len, uint64_t text, ghf_err *err)
{
    uint8_t *copy = malloc(len ? len : 1);
    memcpy(copy, bytes, len);
    pcln *p;
    int rc = 0;
    if (pcln_open(copy, len, text, &p, err)) {
        exercise(p);
        pcln_close(p);
    } else {
        cr_assert(err->code == GHF_EXIT_INPUT || err->code == GHF_EXIT_UNSUPPORTED, "code %d: %s", err->code,
                  err->msg);
        cr_assert(err->msg[0] != 0);
        rc = err->code;
    }
    free(copy);
    return rc;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

Test(pcln, truncated_tables_fail_cleanly, .timeout = 600)
{
    static const int vs[] = {19, 24, 27};
    for (size_t k = 0; k < 3; k++) {
        section sec;
        nmtab nm;
        pcln *p = open_prog(vs[k], &sec, &nm);
        uint64_t text = pcln_text_start(p);
        pcln_close(p);
        /* Every cut inside the header, the name tables or the function table
         * must be caught; later cuts may only lose function records or (1.26+)
         * the funcdata and findfunctab stored after them. */
        uint64_t nfunc, pclnoff;
        memcpy(&nfunc, sec.bytes + 8, 8);
        memcpy(&pclnoff, sec.bytes + 64, 8);
        uint64_t ftab_end = pclnoff + (nfunc + 1) * 8;
        int tries = 0, accepted_late = 0;
        for (size_t cut = 0; cut < sec.len; cut += cut < 256 ? 1 : sec.len / 300 + 1, tries++) {
            ghf_err err = {0};
            bool rejected = open_copy(sec.bytes, cut, text, &err) != 0;
            if (cut < ftab_end)
                cr_expect(rejected, "go1.%d: table cut at %zu of %zu accepted", vs[k], cut, sec.len);
            else
                accepted_late += !rejected;
        }
        cr_log_info("go1.%d: %d cuts, %d accepted after the function table", vs[k], tries, accepted_late);
        free_nm(&nm);
        free(sec.bytes);
    }
}

Test(pcln, random_byte_flips_never_crash, .timeout = 600)
{
    static const int vs[] = {19, 24, 27};
    rng = 0x9e3779b97f4a7c15ull;
    for (size_t k = 0; k < 3; k++) {
        section sec;
        nmtab nm;
        pcln *p = open_prog(vs[k], &sec, &nm);
        uint64_t text = pcln_text_start(p);
        pcln_close(p);
        uint8_t *buf = malloc(sec.len);
        int rejected = 0;
        for (int iter = 0; iter < 400; iter++) {
            memcpy(buf, sec.bytes, sec.len);
            int nflips = 1 + (int)(next_rand() % 16);
            for (int j = 0; j < nflips; j++) {
                /* Half the flips land in the header and function table, where they matter most. */
                size_t span = (next_rand() & 1) ? sec.len : (sec.len < 65536 ? sec.len : 65536);
                buf[next_rand() % span] ^= (uint8_t)(1u << (next_rand() % 8));
            }
            ghf_err err = {0};
            rejected += open_copy(buf, sec.len, text, &err) != 0;
        }
        cr_expect_gt(rejected, 0, "go1.%d: no flip was detected", vs[k]);
        free(buf);
        free_nm(&nm);
        free(sec.bytes);
    }
}

static void put32(uint8_t *b, uint32_t v) { memcpy(b, &v, 4); }
static void put64(uint8_t *b, uint64_t v) { memcpy(b, &v, 8); }
static uint32_t get32(const uint8_t *b) { uint32_t v; memcpy(&v, b, 4); return v; }
static uint64_t get64(const uint8_t *b) { uint64_t v; memcpy(&v, b, 8); return v; }

static void expect_rejected(const uint8_t *b, size_t len, uint64_t text, int code, const char *needle)
{
    ghf_err err = {0};
    pcln *p;
    cr_expect(!pcln_open(b, len, text, &p, &err), "corrupt table accepted (want '%s')", needle);
    cr_expect_eq(err.code, code, "%s", err.msg);
    cr_expect(strstr(err.msg, needle) != NULL, "message '%s' lacks '%s'", err.msg, needle);
}

Test(pcln, targeted_corruptions_are_named)
{
    for (size_t k = 0; k < NVERSIONS; k++) {
        int v = versions[k];
        section sec;
        nmtab nm;
        pcln *p = open_prog(v, &sec, &nm);
        uint64_t text = pcln_text_start(p);
        pcln_close(p);
        uint8_t *b = malloc(sec.len);
        size_t pclnoff = get64(sec.bytes + 64);
        uint32_t funcoff = get32(sec.bytes + pclnoff + 4);

#define RESET() memcpy(b, sec.bytes, sec.len)
        RESET(); put32(b, 0xfffffffb);                 expect_rejected(b, sec.len, text, GHF_EXIT_UNSUPPORTED, "magic");
        RESET(); b[7] = 4;                             expect_rejected(b, sec.len, text, GHF_EXIT_UNSUPPORTED, "pointer size");
        RESET(); b[4] = 1;                             expect_rejected(b, sec.len, text, GHF_EXIT_INPUT, "padding");
        RESET(); put64(b + 8, 1ull << 40);             expect_rejected(b, sec.len, text, GHF_EXIT_INPUT, "functions cannot fit");
        RESET(); put64(b + 32, sec.len + 1);           expect_rejected(b, sec.len, text, GHF_EXIT_INPUT, "funcnametab offset");
        RESET(); put64(b + 40, 8);                     expect_rejected(b, sec.len, text, GHF_EXIT_INPUT, "cutab offset");
        RESET(); put64(b + 48, get64(b + 56) + 1);     expect_rejected(b, sec.len, text, GHF_EXIT_INPUT, "lies after");
        RESET(); put32(b + pclnoff + 4, (uint32_t)sec.len); expect_rejected(b, sec.len, text, GHF_EXIT_INPUT, "outside pclntable");
        RESET(); put32(b + pclnoff + 8, 0xfffffff0);   expect_rejected(b, sec.len, text, GHF_EXIT_INPUT, "not sorted");
        RESET(); put32(b + pclnoff + funcoff, 7);      expect_rejected(b, sec.len, text, GHF_EXIT_INPUT, "disagrees");
        RESET(); put32(b + pclnoff + funcoff + 4, 0x7fffffff); expect_rejected(b, sec.len, text, GHF_EXIT_INPUT, "name offset");
        RESET(); put32(b + pclnoff + funcoff + 28, 0x40000000); expect_rejected(b, sec.len, text, GHF_EXIT_INPUT, "pcdata");
        RESET(); b[get64(b + 40) - 1] = 'x';           expect_rejected(b, sec.len, text, GHF_EXIT_INPUT, "NUL");
        expect_rejected(sec.bytes, 40, text, GHF_EXIT_INPUT, "too short");

        /* A pc-value table that runs off the end of pctab as an endless varint. */
        RESET();
        ghf_err err = {0};
        cr_assert(pcln_open(b, sec.len, text, &p, &err), "%s", err.msg);
        pcln_func f;
        cr_assert(pcln_by_name(p, "main.bigFrame", &f));
        int32_t sp;
        cr_assert(pcln_spdelta(p, &f, f.entry + 1, &sp));
        pcln_close(p);
        size_t pct = get64(b + 56), pctend = get64(b + 64);
        uint32_t rec = f.rec;
        put32(b + pclnoff + rec + 16, (uint32_t)(pctend - pct - 3)); /* pcsp: the last 3 bytes of pctab */
        memset(b + pctend - 3, 0xff, 3);
        cr_assert(pcln_open(b, sec.len, text, &p, &err), "%s", err.msg);
        cr_assert(pcln_by_name(p, "main.bigFrame", &f));
        cr_expect(!pcln_spdelta(p, &f, f.entry + 1, &sp), "go1.%d: unterminated varint decoded", v);
        cr_expect(!pcln_max_spdelta(p, &f, &sp));
        pcln_close(p);
#undef RESET
        free(b);
        free_nm(&nm);
        free(sec.bytes);
    }
}

/* ---- the stripped go command against the toolchain's debug/gosym ---- */

Test(pcln, go_command_matches_debug_gosym, .timeout = 300)
{
    for (size_t k = 0; k < NVERSIONS; k++) {
        int v = versions[k];
        char exe[64];
        snprintf(exe, sizeof exe, "/usr/lib/go-1.%d/bin/go", v);
        section sec;
        cr_assert(read_section(exe, NULL, &sec), "%s: no pclntab section", exe);
        char *gf = path_of(v, "gocmd.txt");
        FILE *in = fopen(gf, "r");
        cr_assert(in != NULL);
        unsigned long long text;
        cr_assert(fscanf(in, "text %llx\n", &text) == 1);
        pcln *p;
        ghf_err err = {0};
        cr_assert(pcln_open(sec.bytes, sec.len, text, &p, &err), "go1.%d: %s", v, err.msg);
        char *line = NULL;
        size_t cap = 0;
        ssize_t len;
        uint32_t i = 0, lines = 0;
        while ((len = getline(&line, &cap, in)) > 0) {
            if (line[len - 1] == '\n')
                line[--len] = 0;
            unsigned long long entry, end;
            int ln, pos = 0;
            char file[1024];
            cr_assert(sscanf(line, "f %llx %llx %d %1023s %n", &entry, &end, &ln, file, &pos) == 4 && pos > 0,
                      "bad line %s", line);
            pcln_func f;
            cr_assert(pcln_func_at(p, i, &f), "go1.%d: gosym has more than %u functions", v, i);
            cr_expect_eq(f.entry, entry, "go1.%d: function %u", v, i);
            cr_expect_eq(f.end, end, "go1.%d: function %u", v, i);
            cr_expect_str_eq(f.name, line + pos, "go1.%d: function %u", v, i);
            const char *gotfile;
            int32_t gotline;
            if (ln > 0) { /* gosym says -1 and "?" for functions without tables */
                cr_expect(pcln_line(p, &f, f.entry, &gotfile, &gotline), "go1.%d: %s", v, f.name);
                cr_expect_str_eq(gotfile, file, "go1.%d: %s", v, f.name);
                cr_expect_eq(gotline, ln, "go1.%d: %s", v, f.name);
                lines++;
            } else {
                cr_expect(!pcln_line(p, &f, f.entry, &gotfile, &gotline), "go1.%d: %s", v, f.name);
            }
            i++;
        }
        cr_expect_eq(i, pcln_nfunc(p), "go1.%d: gosym lists %u functions, we %u", v, i, pcln_nfunc(p));
        cr_expect_gt(lines, i * 9 / 10);
        free(line);
        fclose(in);
        free(gf);
        pcln_close(p);
        free(sec.bytes);
    }
}

/* ---- big binary: the distribution's go command (stripped) ---- */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

Test(pcln, go_command_every_function_and_timing, .timeout = 300)
{
    for (size_t k = 0; k < NVERSIONS; k++) {
        int v = versions[k];
        char exe[64];
        snprintf(exe, sizeof exe, "/usr/lib/go-1.%d/bin/go", v);
        section sec, text;
        cr_assert(read_section(exe, NULL, &sec), "%s: no pclntab section", exe);
        cr_assert(read_section(exe, ".text", &text));
        free(text.bytes);
        pcln *p;
        ghf_err err = {0};
        double t0 = now();
        cr_assert(pcln_open(sec.bytes, sec.len, text.addr, &p, &err), "go1.%d: %s", v, err.msg);
        double t_open = now() - t0;
        uint32_t n = pcln_nfunc(p);
        size_t lines = 0, pcsp = 0;
        for (uint32_t i = 0; i < n; i++) {
            pcln_func f, g;
            cr_assert(pcln_func_at(p, i, &f));
            cr_expect(f.name[0] != 0);
            cr_assert(pcln_find(p, f.entry, &g));
            /* Several functions can share an entry (zero-size symbols): find gives the last. */
            cr_expect_eq(g.entry, f.entry);
            if (f.end > f.entry) {
                cr_assert(pcln_find(p, f.end - 1, &g));
                cr_expect_eq(g.index, i, "go1.%d: %s", v, f.name);
                int32_t sp, ln;
                const char *file;
                /* cgo's C trampolines have no pcsp table. */
                if (pcln_spdelta(p, &f, f.entry, &sp)) {
                    cr_expect_eq(sp, 0, "go1.%d: %s spdelta at entry", v, f.name);
                    pcsp++;
                }
                lines += pcln_line(p, &f, f.entry, &file, &ln);
            }
        }
        cr_expect_gt(lines, n * 9 / 10, "go1.%d: lines for only %zu of %u functions", v, lines, n);
        cr_expect_gt(pcsp, n * 9 / 10, "go1.%d: pcsp for only %zu of %u functions", v, pcsp, n);
        /* Random pcs over the whole text. */
        pcln_func last;
        cr_assert(pcln_func_at(p, n - 1, &last));
        uint64_t lo = pcln_text_start(p), span = last.end - lo;
        const int N = 1000000;
        uint64_t sum = 0;
        t0 = now();
        for (int i = 0; i < N; i++) {
            pcln_func f;
            if (pcln_find(p, lo + next_rand() % span, &f))
                sum += f.index;
        }
        double t_find = (now() - t0) / N;
        /* spdelta at random pcs: the per-frame cost of unwinding. */
        const int M = 200000;
        t0 = now();
        for (int i = 0; i < M; i++) {
            pcln_func f;
            int32_t sp;
            uint64_t pc = lo + next_rand() % span;
            if (pcln_find(p, pc, &f))
                sum += pcln_spdelta(p, &f, pc, &sp);
        }
        double t_frame = (now() - t0) / M;
        cr_log_info("go1.%d %s: %zu-byte table, %u functions: open %.2f ms, find %.0f ns, find+spdelta %.0f ns (%llu)",
                    v, sec.name, sec.len, n, t_open * 1e3, t_find * 1e9, t_frame * 1e9, (unsigned long long)sum);
        fprintf(stderr, "go1.%d go command: %zu-byte table, %u functions: open %.2f ms, find %.0f ns, "
                        "find+spdelta %.0f ns\n",
                v, sec.len, n, t_open * 1e3, t_find * 1e9, t_frame * 1e9);
        cr_expect_lt(t_open, 0.5, "open took %.3f s", t_open);
        cr_expect_lt(t_find, 5e-6, "find took %.0f ns", t_find * 1e9);
        pcln_close(p);
        free(sec.bytes);
    }
}
