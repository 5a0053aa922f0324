/* Unit tests for the address space (include/core.h), against ground truth.
 *
 * tests/make-core-fixtures.sh builds tests/coreprog with go1.19 and go1.27
 * (and as a PIE), runs it, and takes kernel cores (SIGABRT, GOTRACEBACK=crash)
 * and gdb gcores of it. The program printed the addresses and values of its
 * globals, a rodata string's address, a function's address and its pid; the
 * script added the thread IDs from /proc, `go tool nm` addresses and the
 * toolchain's version (truth.txt). Every fact below is checked against that.
 */
#include <criterion/criterion.h>
#include <elf.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core.h"

static const char *fixture_root(void)
{
    static char root[2048];
    if (root[0])
        return root;
    const char *dir = getenv("GHF_CORE_FIXTURES"), *script = getenv("GHF_CORE_FIXTURE_SCRIPT");
    cr_assert(dir && script, "GHF_CORE_FIXTURES and GHF_CORE_FIXTURE_SCRIPT must be set (run via meson test)");
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "'%s' '%s' >/dev/null 2>'%s.log'", script, dir, dir);
    cr_assert_eq(system(cmd), 0, "%s failed; see %s.log", script, dir);
    snprintf(root, sizeof root, "%s", dir);
    return root;
}

typedef struct fixture {
    const char *name;
    bool pie, kernel, no_hdr_page; /* no_hdr_page: coredump_filter 0x23 dropped the ELF header page */
} fixture;

static const fixture fixtures[] = {
    {"go1.19-kernel", false, true, false},
    {"go1.27-kernel", false, true, false},
    {"go1.27-pie-kernel", true, true, false},
    {"go1.27-kernel-noelfhdr", false, true, true},
    {"go1.19-gcore", false, false, false},
    {"go1.27-pie-gcore", true, false, false},
};
enum { NFIX = sizeof fixtures / sizeof fixtures[0] };

static void fixture_path(const char *name, const char *file, char *out, size_t n)
{
    snprintf(out, n, "%s/%s/%s", fixture_root(), name, file);
}

/* A value from truth.txt ("key=value"), as a string. */
static const char *truth_str(const char *name, const char *key)
{
    static char val[1024];
    char path[4096], line[2048];
    fixture_path(name, "truth.txt", path, sizeof path);
    FILE *f = fopen(path, "r");
    cr_assert(f, "cannot open %s", path);
    size_t kl = strlen(key);
    bool found = false;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, key, kl) == 0 && line[kl] == '=') {
            snprintf(val, sizeof val, "%s", line + kl + 1);
            val[strcspn(val, "\n")] = '\0';
            found = true;
            break;
        }
    }
    fclose(f);
    cr_assert(found, "%s: no %s in truth.txt", name, key);
    return val;
}

static uint64_t truth_u64(const char *name, const char *key)
{
    return strtoull(truth_str(name, key), NULL, 0);
}

static ghf_core *open_fixture(const char *core_of, const char *exe_of, bool force, ghf_err *err)
{
    char core[4096], exe[4096];
    fixture_path(core_of, "core", core, sizeof core);
    fixture_path(exe_of, "exe", exe, sizeof exe);
    core_open_opts o = {.force = force};
    ghf_core *c = NULL;
    if (!core_open(core, exe, &o, &c, err))
        return NULL;
    return c;
}

static ghf_core *open_ok(const char *name)
{
    ghf_err err = {0};
    ghf_core *c = open_fixture(name, name, false, &err);
    cr_assert(c != NULL, "%s: %s", name, err.msg);
    return c;
}

static bool region_of(const ghf_core *c, uint64_t addr, core_region *r)
{
    for (size_t i = 0; i < core_region_count(c); i++) {
        cr_assert(core_region_at(c, i, r));
        if (addr >= r->start && addr < r->end)
            return true;
    }
    return false;
}

Test(core, globals_and_heap_read_as_the_program_printed)
{
    for (int i = 0; i < NFIX; i++) {
        const char *n = fixtures[i].name;
        ghf_core *c = open_ok(n);
        cr_expect_not(core_truncated(c), "%s", n);
        uint64_t v = 0;
        cr_assert(core_read_u64(c, truth_u64(n, "gInit_addr"), &v), "%s", n);
        cr_expect_eq(v, truth_u64(n, "gInit_val"), "%s: gInit %#" PRIx64, n, v);
        cr_assert(core_read_u64(c, truth_u64(n, "gBss_addr"), &v), "%s", n);
        cr_expect_eq(v, truth_u64(n, "gBss_val"), "%s: gBss", n);
        cr_expect_eq(v, truth_u64(n, "pid") * 7 + 3, "%s: gBss vs pid", n);
        cr_assert(core_read_u64(c, truth_u64(n, "gPtr_addr"), &v), "%s", n);
        uint64_t heap = truth_u64(n, "gPtr_val");
        cr_expect_eq(v, heap, "%s: gPtr", n);
        /* the heap object, through the slow and the fast path */
        cr_assert(core_read_u64(c, heap + 24, &v), "%s", n);
        cr_expect_eq(v, truth_u64(n, "heap_word3"), "%s", n);
        const uint8_t *p = core_view(c, heap, 32);
        cr_assert(p != NULL, "%s: heap not viewable", n);
        memcpy(&v, p + 24, 8);
        cr_expect_eq(v, 0xdeadbeefcafeull, "%s", n);
        uint32_t w32;
        uint8_t w8;
        cr_assert(core_read_u32(c, heap + 24, &w32) && core_read_u8(c, heap + 29, &w8));
        cr_expect_eq(w32, 0xbeefcafeu);
        cr_expect_eq(w8, 0xde);
        core_close(c);
    }
}

Test(core, rodata_comes_from_the_executable)
{
    for (int i = 0; i < NFIX; i++) {
        const char *n = fixtures[i].name;
        ghf_core *c = open_ok(n);
        uint64_t addr = truth_u64(n, "marker_addr"), len = truth_u64(n, "marker_len");
        char want[256], got[256] = {0};
        snprintf(want, sizeof want, "%s", truth_str(n, "marker"));
        cr_assert_eq(len, strlen(want));
        cr_assert(core_read(c, addr, got, len), "%s: marker unreadable", n);
        cr_expect_str_eq(got, want, "%s", n);
        core_region r;
        cr_assert(region_of(c, addr, &r));
        /* neither kernel cores (p_filesz 0) nor gcore (segment omitted) hold rodata */
        cr_expect_eq(r.source, CORE_SRC_EXE, "%s: rodata source %d", n, r.source);
        cr_expect_eq(r.prot, 4u /* PF_R */, "%s", n);
        const uint8_t *view = core_view(c, addr, len);
        cr_assert(view != NULL, "%s", n);
        cr_expect(memcmp(view, want, len) == 0);

        /* text: a kernel core keeps only the ELF header page, gcore all of it */
        uint64_t fn = truth_u64(n, "func_addr");
        cr_assert(region_of(c, fn, &r));
        cr_expect_eq(r.source, fixtures[i].kernel ? CORE_SRC_EXE : CORE_SRC_CORE, "%s: text source", n);
        uint64_t base = fn - truth_u64(n, "nm_markerFunc") + 0x400000; /* Go links text at 0x400000 */
        cr_assert(region_of(c, base, &r));
        cr_expect_eq(r.source, fixtures[i].no_hdr_page ? CORE_SRC_EXE : CORE_SRC_CORE, "%s: ELF header page", n);
        uint8_t magic[4];
        cr_assert(core_read(c, base, magic, 4));
        cr_expect(memcmp(magic, "\177ELF", 4) == 0);
        core_close(c);
    }
}

Test(core, threads_pid_and_bias)
{
    for (int i = 0; i < NFIX; i++) {
        const char *n = fixtures[i].name;
        ghf_core *c = open_ok(n);
        cr_expect_eq(core_pid(c), (int)truth_u64(n, "pid"), "%s", n);
        /* the thread IDs /proc/PID/task listed right before the dump */
        char tids[1024];
        snprintf(tids, sizeof tids, "%s", truth_str(n, "tids"));
        size_t want = 0;
        for (char *tok = strtok(tids, ","); tok; tok = strtok(NULL, ",")) {
            want++;
            bool found = false;
            for (size_t t = 0; t < core_thread_count(c); t++)
                found |= core_threads(c)[t].tid == (uint32_t)strtoul(tok, NULL, 10);
            cr_expect(found, "%s: thread %s missing", n, tok);
        }
        cr_expect_eq(core_thread_count(c), want, "%s: %zu threads, /proc had %zu", n, core_thread_count(c), want);
        for (size_t t = 0; t < core_thread_count(c); t++) {
            const core_thread *th = &core_threads(c)[t];
            cr_expect(core_mapped(c, th->regs[core_arch(c)->pr_sp]), "%s: tid %u rsp %#" PRIx64 " unmapped", n, th->tid,
                      th->regs[core_arch(c)->pr_sp]);
            cr_expect(core_mapped(c, th->regs[core_arch(c)->pr_pc]), "%s: tid %u rip unmapped", n, th->tid);
        }
        uint64_t bias = truth_u64(n, "func_addr") - truth_u64(n, "nm_markerFunc");
        if (!fixtures[i].pie)
            cr_expect_eq(bias, 0, "%s: ground truth says non-PIE bias is 0", n);
        cr_expect_eq(core_pie_bias(c), bias, "%s: bias %#" PRIx64 " want %#" PRIx64, n, core_pie_bias(c), bias);
        cr_expect_eq(truth_u64(n, "gInit_addr"), truth_u64(n, "nm_gInit") + bias, "%s", n);

        /* NT_FILE names the executable's mappings */
        bool exe_seen = false;
        for (size_t f = 0; f < core_file_map_count(c); f++) {
            const core_file_map *m = &core_file_maps(c)[f];
            cr_expect(m->end > m->start);
            if (m->file_offset == 0 && m->start == bias + 0x400000)
                exe_seen = strstr(m->path, "/exe") != NULL;
        }
        cr_expect(exe_seen, "%s: NT_FILE lacks the executable", n);
        core_close(c);
    }
}

Test(core, symbols_and_version_match_the_toolchain)
{
    for (int i = 0; i < NFIX; i++) {
        const char *n = fixtures[i].name;
        ghf_core *c = open_ok(n);
        uint64_t bias = core_pie_bias(c), addr = 0, size = 0;
        cr_assert(core_symbol(c, "runtime.mheap_", &addr, &size), "%s", n);
        cr_expect_eq(addr, truth_u64(n, "nm_mheap") + bias, "%s: mheap_ %#" PRIx64, n, addr);
        cr_expect_gt(size, 1000);
        cr_assert(core_symbol(c, "main.gInit", &addr, &size));
        cr_expect_eq(addr, truth_u64(n, "gInit_addr"));
        cr_expect_eq(size, 8);
        cr_expect_not(core_symbol(c, "main.noSuchSymbol", &addr, &size));
        uint64_t off = 99;
        const char *s = core_symbol_at(c, truth_u64(n, "gInit_addr") + 3, &off);
        cr_assert(s != NULL, "%s", n);
        cr_expect_str_eq(s, "main.gInit");
        cr_expect_eq(off, 3);
        s = core_symbol_at(c, truth_u64(n, "func_addr"), &off);
        cr_assert(s != NULL);
        cr_expect_str_eq(s, "main.markerFunc");
        cr_expect_eq(off, 0);
        cr_expect_null(core_symbol_at(c, 0x10, &off));

        cr_expect_str_eq(core_exe_go_version(c), truth_str(n, "toolchain"), "%s", n);
        cr_expect_str_eq(core_exe_go_version(c), truth_str(n, "go_version"), "%s", n);
        cr_expect_neq(core_go_build_id(c)[0], '\0', "%s: no Go build ID", n);
        cr_expect(strstr(core_exe_match(c), fixtures[i].no_hdr_page ? "NT_FILE layout and .go.buildinfo" : "build ID"),
                  "%s: matched by %s", n, core_exe_match(c));

        size_t sz = 0;
        const uint8_t *pcln = core_exe_section(c, ".gopclntab", &sz, &addr);
        cr_assert(pcln != NULL && sz > 1000, "%s", n);
        uint8_t head[8];
        cr_assert(core_read(c, addr, head, 8), "%s: .gopclntab not in the address space", n);
        cr_expect(memcmp(head, pcln, 8) == 0);
        cr_expect_null(core_exe_section(c, ".bss", &sz, &addr), "NOBITS has no bytes");
        cr_assert(core_exe_section_range(c, ".bss", &addr, &size));
        cr_expect(size > 0 && core_mapped(c, addr));
        cr_expect_null(core_exe_section(c, ".no.such", &sz, &addr));
        core_close(c);
    }
}

Test(core, absent_is_not_zero)
{
    for (int i = 0; i < NFIX; i++) {
        const char *n = fixtures[i].name;
        ghf_core *c = open_ok(n);
        uint64_t v = 7;
        uint8_t buf[64];
        cr_expect_not(core_read_u64(c, 0x1000, &v), "%s: page 0x1000 is not mapped", n);
        cr_expect_not(core_mapped(c, 0));
        cr_expect_null(core_view(c, 0x1000, 8));
        cr_expect_not(core_read(c, UINT64_MAX - 3, buf, 8), "wrapping read");
        /* reads across the end of a region into a hole fail; zero regions read as zeros */
        size_t zero_regions = 0;
        for (size_t r = 0; r < core_region_count(c); r++) {
            core_region a, b;
            cr_assert(core_region_at(c, r, &a));
            cr_expect_lt(a.start, a.end);
            if (r + 1 < core_region_count(c)) {
                cr_assert(core_region_at(c, r + 1, &b));
                cr_expect_leq(a.end, b.start, "%s: regions overlap", n);
                if (b.start > a.end) {
                    cr_expect(core_read(c, a.end - 8, buf, 8));
                    cr_expect_not(core_read(c, a.end - 8, buf, 16), "%s: read across a hole", n);
                    cr_expect_null(core_view(c, a.end - 8, 16));
                } else {
                    cr_expect(core_read(c, a.end - 8, buf, 16), "%s: adjacent regions", n);
                }
            }
            if (a.source == CORE_SRC_ZERO && a.end - a.start >= 64) {
                zero_regions++;
                memset(buf, 0xa5, sizeof buf);
                cr_expect(core_read(c, a.start, buf, 64));
                for (int k = 0; k < 64; k++)
                    cr_expect_eq(buf[k], 0);
                cr_expect_null(core_view(c, a.start, 8), "zeros are not file-backed");
                cr_expect(core_read_u64(c, a.end - 8, &v) && v == 0);
            }
        }
        /* kernel cores: PROT_NONE reservations and the exe's .bss tail;
         * gcore: the exe's .bss tail under nothing is still zero-filled by the core */
        if (fixtures[i].kernel)
            cr_expect_gt(zero_regions, 0, "%s: no zero regions", n);
        core_close(c);
    }
}

/* ---- bad input ---- */

static char tmpdir[2200];

static const char *tmp_file(const char *name)
{
    static char path[4096];
    if (!tmpdir[0]) {
        snprintf(tmpdir, sizeof tmpdir, "%s/tmp-%d", fixture_root(), (int)getpid());
        mkdir(tmpdir, 0755);
    }
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return path;
}

static void write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    cr_assert(f);
    cr_assert_eq(fwrite(data, 1, n, f), n);
    fclose(f);
}

static ghf_err open_paths(const char *core, const char *exe, bool force, ghf_core **out)
{
    ghf_err err = {0};
    core_open_opts o = {.force = force};
    ghf_core *c = NULL;
    bool ok = core_open(core, exe, &o, &c, &err);
    cr_assert_eq(ok, c != NULL);
    cr_assert(ok || (err.code != 0 && err.msg[0]));
    if (out)
        *out = c;
    else
        core_close(c);
    return err;
}

Test(core_bad, empty_missing_and_not_elf)
{
    char exe[4096], core[4096];
    fixture_path("go1.27-kernel", "exe", exe, sizeof exe);
    fixture_path("go1.27-kernel", "core", core, sizeof core);
    const char *empty = tmp_file("empty");
    write_file(empty, "", 0);
    ghf_err e = open_paths(empty, exe, false, NULL);
    cr_expect_eq(e.code, GHF_EXIT_INPUT);
    cr_expect(strstr(e.msg, "empty") != NULL, "%s", e.msg);

    e = open_paths(core, empty, false, NULL);
    cr_expect_eq(e.code, GHF_EXIT_INPUT);
    cr_expect(strstr(e.msg, "empty") != NULL, "%s", e.msg);

    e = open_paths(tmp_file("does-not-exist"), exe, false, NULL);
    cr_expect_eq(e.code, GHF_EXIT_INPUT);

    const char *text = tmp_file("text");
    write_file(text, "hello, this is not ELF\n", 23);
    e = open_paths(text, exe, false, NULL);
    cr_expect_eq(e.code, GHF_EXIT_INPUT);
    cr_expect(strstr(e.msg, "not an ELF file") != NULL, "%s", e.msg);
    e = open_paths(core, text, false, NULL);
    cr_expect_eq(e.code, GHF_EXIT_INPUT);
    cr_expect(strstr(e.msg, "not an ELF file") != NULL, "%s", e.msg);
}

Test(core_bad, executable_given_as_core_and_swapped)
{
    char exe[4096], core[4096];
    fixture_path("go1.27-kernel", "exe", exe, sizeof exe);
    fixture_path("go1.27-kernel", "core", core, sizeof core);
    ghf_err e = open_paths(exe, exe, false, NULL);
    cr_expect_eq(e.code, GHF_EXIT_INPUT);
    cr_expect(strstr(e.msg, "is an ELF executable, not a core file") != NULL, "%s", e.msg);
    e = open_paths(exe, core, false, NULL);
    cr_expect_eq(e.code, GHF_EXIT_INPUT);
    cr_expect(strstr(e.msg, "swapped") != NULL, "%s", e.msg);
    e = open_paths(core, core, false, NULL);
    cr_expect_eq(e.code, GHF_EXIT_INPUT);
    cr_expect(strstr(e.msg, "not an executable") != NULL, "%s", e.msg);
}

Test(core_bad, other_architecture_and_class)
{
    char exe[4096];
    fixture_path("go1.27-kernel", "exe", exe, sizeof exe);
    Elf64_Ehdr eh = {0};
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_CORE;
    eh.e_machine = EM_AARCH64;
    eh.e_version = EV_CURRENT;
    eh.e_ehsize = sizeof eh;
    const char *arm = tmp_file("arm64-core");
    write_file(arm, &eh, sizeof eh);
    /* an aarch64 core is read, but not with an x86-64 executable */
    ghf_err e = open_paths(arm, exe, false, NULL);
    cr_expect_eq(e.code, GHF_EXIT_INPUT, "%d %s", e.code, e.msg);
    cr_expect(strstr(e.msg, "does not match the core") != NULL && strstr(e.msg, "x86-64") != NULL &&
              strstr(e.msg, "aarch64") != NULL, "%s", e.msg);

    eh.e_machine = EM_RISCV; /* described by no arch.h entry */
    const char *riscv = tmp_file("riscv-core");
    write_file(riscv, &eh, sizeof eh);
    e = open_paths(riscv, exe, false, NULL);
    cr_expect_eq(e.code, GHF_EXIT_UNSUPPORTED, "%d %s", e.code, e.msg);
    cr_expect(strstr(e.msg, "x86-64") != NULL && strstr(e.msg, "aarch64") != NULL, "%s", e.msg);
    eh.e_machine = EM_AARCH64;

    eh.e_ident[EI_CLASS] = ELFCLASS32;
    const char *c32 = tmp_file("elf32-core");
    write_file(c32, &eh, sizeof eh);
    e = open_paths(c32, exe, false, NULL);
    cr_expect_eq(e.code, GHF_EXIT_UNSUPPORTED, "%d %s", e.code, e.msg);
}

/* A sparse copy of a fixture core cut to `len` bytes. */
static const char *truncated_copy(const char *name, off_t len)
{
    char core[4096], cmd[16384];
    fixture_path(name, "core", core, sizeof core);
    const char *dst = tmp_file("truncated");
    snprintf(cmd, sizeof cmd, "cp --sparse=always '%s' '%s'", core, dst);
    cr_assert_eq(system(cmd), 0);
    cr_assert_eq(truncate(dst, len), 0);
    return dst;
}

static void core_layout(const char *name, Elf64_Phdr *note, Elf64_Phdr *data_seg, uint64_t data_addr)
{
    char core[4096];
    fixture_path(name, "core", core, sizeof core);
    int fd = open(core, O_RDONLY);
    cr_assert(fd >= 0);
    Elf64_Ehdr eh;
    cr_assert_eq(pread(fd, &eh, sizeof eh, 0), (ssize_t)sizeof eh);
    for (int i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        cr_assert_eq(pread(fd, &ph, sizeof ph, (off_t)(eh.e_phoff + (uint64_t)i * sizeof ph)), (ssize_t)sizeof ph);
        if (ph.p_type == PT_NOTE)
            *note = ph;
        if (ph.p_type == PT_LOAD && data_addr >= ph.p_vaddr && data_addr < ph.p_vaddr + ph.p_filesz)
            *data_seg = ph;
    }
    close(fd);
}

Test(core_bad, truncated_cores_never_crash)
{
    char exe[4096];
    for (int fi = 0; fi < NFIX; fi++) {
        const char *n = fixtures[fi].name;
        fixture_path(n, "exe", exe, sizeof exe);
        Elf64_Phdr note = {0}, data = {0};
        uint64_t heap = truth_u64(n, "gPtr_val"), gInit = truth_u64(n, "gInit_addr");
        core_layout(n, &note, &data, heap);
        Elf64_Phdr dseg = {0};
        core_layout(n, &note, &dseg, gInit);
        cr_assert(dseg.p_filesz > 0, "%s: .data not in the core", n);
        uint64_t gInit_off = dseg.p_offset + (gInit - dseg.p_vaddr);
        cr_assert(note.p_filesz > 0 && data.p_filesz > 0, "%s", n);
        off_t cuts[] = {
            4, 63, 64 + 56 + 3,                                  /* header, program headers */
            (off_t)(note.p_offset + 10), (off_t)(note.p_offset + note.p_filesz / 2), /* notes */
            (off_t)(data.p_offset + (heap - data.p_vaddr) + 16), /* inside the heap object */
            (off_t)(data.p_offset + data.p_filesz - 100),        /* inside segment data */
        };
        for (size_t k = 0; k < sizeof cuts / sizeof cuts[0]; k++) {
            const char *t = truncated_copy(n, cuts[k]);
            ghf_core *c = NULL;
            ghf_err e = open_paths(t, exe, false, &c);
            bool notes_cut = (uint64_t)cuts[k] < note.p_offset + note.p_filesz;
            if (notes_cut) {
                cr_expect_null(c, "%s cut at %jd: notes are cut, open must fail", n, (intmax_t)cuts[k]);
                cr_expect_eq(e.code, GHF_EXIT_INPUT, "%s cut at %jd: %s", n, (intmax_t)cuts[k], e.msg);
            } else {
                cr_assert(c != NULL, "%s cut at %jd: %s", n, (intmax_t)cuts[k], e.msg);
                cr_expect(core_truncated(c), "%s cut at %jd", n, (intmax_t)cuts[k]);
                uint64_t v, heap_off = data.p_offset + (heap - data.p_vaddr);
                if ((uint64_t)cuts[k] >= heap_off + 32) {
                    cr_expect(core_read_u64(c, heap + 24, &v) && v == 0xdeadbeefcafeull, "%s", n);
                    cr_expect_not_null(core_view(c, heap, 32));
                } else {
                    /* the heap object's word 3 lies past the cut: absent, not zero */
                    cr_expect_not(core_read_u64(c, heap + 24, &v), "%s cut at %jd", n, (intmax_t)cuts[k]);
                    cr_expect_null(core_view(c, heap, 32));
                    cr_expect(core_read_u64(c, heap, &v), "%s: bytes before the cut", n);
                }
                /* exactly at the cut: the last byte reads, the next is absent */
                uint64_t at = data.p_vaddr + ((uint64_t)cuts[k] - data.p_offset);
                uint8_t b;
                cr_expect(core_read_u8(c, at - 1, &b), "%s", n);
                cr_expect_not(core_read_u8(c, at, &b), "%s: byte past the cut", n);
                cr_expect_not(core_mapped(c, at));
                /* the exe still supplies rodata */
                char m[8];
                cr_expect(core_read(c, truth_u64(n, "marker_addr"), m, 8));
                if (gInit_off < (uint64_t)cuts[k])
                    cr_expect(core_read_u64(c, gInit, &v) && v == truth_u64(n, "gInit_val"), "%s", n);
                else
                    cr_expect_not(core_read_u64(c, gInit, &v), "%s: .data lies past the cut", n);
                core_close(c);
            }
            unlink(t);
        }
    }
}

Test(core_bad, corrupt_note_is_rejected)
{
    const char *n = "go1.27-kernel";
    char exe[4096];
    fixture_path(n, "exe", exe, sizeof exe);
    Elf64_Phdr note = {0}, data = {0};
    core_layout(n, &note, &data, truth_u64(n, "gPtr_val"));
    const char *t = truncated_copy(n, (off_t)(data.p_offset + data.p_filesz)); /* a full copy of what we need */
    int fd = open(t, O_RDWR);
    cr_assert(fd >= 0);
    uint32_t huge = 0x7ffffff0;
    cr_assert_eq(pwrite(fd, &huge, 4, (off_t)note.p_offset + 4), 4); /* first note's descsz */
    close(fd);
    ghf_err e = open_paths(t, exe, false, NULL);
    cr_expect_eq(e.code, GHF_EXIT_INPUT, "%s", e.msg);
    cr_expect(strstr(e.msg, "corrupt note") != NULL, "%s", e.msg);
    unlink(t);
}

static void expect_mismatch(const char *core_of, const char *exe_of, bool core_has_id)
{
    ghf_core *a = open_ok(core_of), *b = open_ok(exe_of);
    char id_core[256], id_exe[256];
    snprintf(id_core, sizeof id_core, "%s", core_go_build_id(a));
    snprintf(id_exe, sizeof id_exe, "%s", core_go_build_id(b));
    core_close(a);
    core_close(b);
    cr_assert_str_neq(id_core, id_exe);

    ghf_err err = {0};
    ghf_core *c = open_fixture(core_of, exe_of, false, &err);
    cr_expect_null(c, "%s core with %s exe accepted", core_of, exe_of);
    cr_expect_eq(err.code, GHF_EXIT_INPUT);
    if (core_has_id)
        cr_expect(strstr(err.msg, id_core) != NULL, "message lacks the core's ID %s: %s", id_core, err.msg);
    cr_expect(strstr(err.msg, id_exe) != NULL, "message lacks the exe's ID %s: %s", id_exe, err.msg);
    core_close(c);

    ghf_err err2 = {0};
    c = open_fixture(core_of, exe_of, true, &err2);
    cr_assert(c != NULL, "--force refused: %s", err2.msg);
    cr_expect(strncmp(core_exe_match(c), "MISMATCH", 8) == 0, "%s", core_exe_match(c));
    uint64_t v;
    cr_expect(core_read_u64(c, truth_u64(core_of, "gPtr_val") + 24, &v) && v == 0xdeadbeefcafeull);
    core_close(c);
}

Test(core_bad, mismatched_executable)
{
    expect_mismatch("go1.27-kernel", "go1.19-kernel", true);     /* same program, other toolchain */
    expect_mismatch("go1.19-kernel", "go1.27-kernel", true);
    expect_mismatch("go1.27-kernel", "go1.27-pie-kernel", true); /* another build (PIE) */
    expect_mismatch("go1.27-pie-gcore", "go1.27-kernel", true);
    expect_mismatch("go1.19-gcore", "go1.27-pie-gcore", true);
    /* no ELF header page in the core: the fallback checks catch it */
    expect_mismatch("go1.27-kernel-noelfhdr", "go1.19-kernel", false);
    expect_mismatch("go1.27-kernel-noelfhdr", "go1.27-pie-kernel", false);
}

Test(core, a_reproduced_build_matches)
{
    /* go builds are reproducible: the gcore fixture's exe is the same build
     * as the kernel fixture's, so either opens the other's core */
    ghf_err err = {0};
    ghf_core *c = open_fixture("go1.27-pie-kernel", "go1.27-pie-gcore", false, &err);
    cr_assert(c != NULL, "%s", err.msg);
    cr_expect(strstr(core_exe_match(c), "build ID") != NULL);
    core_close(c);
}

/* Random damage to the headers and notes of a real core: open fails with
 * exit code 3 or 4 and a message, or succeeds and every read stays inside
 * the files (ASan/UBSan builds check that). Fixed seed: reproducible. */
Test(core_bad, damaged_headers_and_notes_never_crash)
{
    const char *n = "go1.27-kernel";
    char exe[4096];
    fixture_path(n, "exe", exe, sizeof exe);
    Elf64_Phdr note = {0}, data = {0};
    core_layout(n, &note, &data, truth_u64(n, "gPtr_val"));
    const char *t = truncated_copy(n, (off_t)(data.p_offset + data.p_filesz));
    size_t span = note.p_offset + note.p_filesz;
    uint8_t *orig = malloc(span);
    cr_assert(orig);
    int fd = open(t, O_RDWR);
    cr_assert(fd >= 0);
    cr_assert_eq(pread(fd, orig, span, 0), (ssize_t)span);
    unsigned seed = 12345;
    size_t opened = 0, failed = 0;
    Elf64_Ehdr eh;
    memcpy(&eh, orig, sizeof eh);
    size_t hdrs = eh.e_phoff + (size_t)eh.e_phnum * sizeof(Elf64_Phdr); /* ELF and program headers */
    cr_assert_lt(hdrs, span);
    for (int iter = 0; iter < 2000; iter++) {
        /* a few damaged bytes or words, often in length fields */
        int k = 1 + (int)(rand_r(&seed) % 4);
        size_t offs[4];
        for (int j = 0; j < k; j++) {
            size_t off = (size_t)rand_r(&seed) % (rand_r(&seed) % 2 ? hdrs : span - 8);
            offs[j] = off;
            uint64_t junk = ((uint64_t)rand_r(&seed) << 33) ^ (uint64_t)rand_r(&seed);
            if (rand_r(&seed) % 3 == 0)
                junk = UINT64_MAX - (uint64_t)(rand_r(&seed) % 16);
            size_t len = 1 + (size_t)(rand_r(&seed) % 8);
            cr_assert_eq(pwrite(fd, &junk, len, (off_t)off), (ssize_t)len);
        }
        ghf_core *c = NULL;
        ghf_err e = open_paths(t, exe, false, &c);
        if (c) {
            opened++;
            uint64_t v;
            uint8_t buf[64];
            core_read_u64(c, truth_u64(n, "gPtr_val"), &v);
            core_read(c, truth_u64(n, "marker_addr"), buf, sizeof buf);
            for (size_t r = 0; r < core_region_count(c); r += 7) {
                core_region reg;
                core_region_at(c, r, &reg);
                core_read(c, reg.end - 16, buf, 16);
                core_view(c, reg.start, 16);
            }
            for (size_t th = 0; th < core_thread_count(c); th++)
                core_read_u64(c, core_threads(c)[th].regs[core_arch(c)->pr_sp], &v);
            core_close(c);
        } else {
            failed++;
            cr_expect(e.code == GHF_EXIT_INPUT || e.code == GHF_EXIT_UNSUPPORTED, "iter %d: code %d %s", iter,
                      e.code, e.msg);
        }
        for (int j = 0; j < k; j++) /* restore */
            cr_assert_eq(pwrite(fd, orig + offs[j], 8, (off_t)offs[j]), 8);
    }
    cr_log_info("damaged cores: %zu opened, %zu refused", opened, failed);
    cr_expect_gt(failed, 0);
    close(fd);
    free(orig);
    unlink(t);
}

/* The same for the executable: its ELF, program and section headers and
 * notes (all in the first page of a Go binary), and .go.buildinfo. */
Test(core_bad, damaged_executable_never_crashes)
{
    const char *n = "go1.27-kernel";
    char exe[4096], core[4096], cmd[16384];
    fixture_path(n, "exe", exe, sizeof exe);
    fixture_path(n, "core", core, sizeof core);
    const char *t = tmp_file("damaged-exe");
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", exe, t);
    cr_assert_eq(system(cmd), 0);
    ghf_core *good = open_ok(n);
    size_t bi_size = 0;
    uint64_t bi_addr = 0;
    cr_assert(core_exe_section(good, ".go.buildinfo", &bi_size, &bi_addr));
    core_close(good);
    /* .go.buildinfo's file offset: non-PIE, so address - segment base + offset */
    int fd = open(t, O_RDWR);
    cr_assert(fd >= 0);
    Elf64_Ehdr eh;
    cr_assert_eq(pread(fd, &eh, sizeof eh, 0), (ssize_t)sizeof eh);
    uint64_t bi_off = 0;
    for (int i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        cr_assert_eq(pread(fd, &ph, sizeof ph, (off_t)(eh.e_phoff + (uint64_t)i * sizeof ph)), (ssize_t)sizeof ph);
        if (ph.p_type == PT_LOAD && bi_addr >= ph.p_vaddr && bi_addr < ph.p_vaddr + ph.p_filesz)
            bi_off = ph.p_offset + (bi_addr - ph.p_vaddr);
    }
    cr_assert_gt(bi_off, 0);
    uint8_t first[4096], bi[256];
    cr_assert_eq(pread(fd, first, sizeof first, 0), (ssize_t)sizeof first);
    cr_assert_eq(pread(fd, bi, sizeof bi, (off_t)bi_off), (ssize_t)sizeof bi);
    unsigned seed = 777;
    size_t opened = 0, failed = 0;
    for (int iter = 0; iter < 300; iter++) {
        bool in_bi = rand_r(&seed) % 4 == 0;
        size_t off = in_bi ? bi_off + (size_t)rand_r(&seed) % 64 : (size_t)rand_r(&seed) % (sizeof first - 8);
        uint64_t junk = rand_r(&seed) % 2 ? UINT64_MAX - (uint64_t)(rand_r(&seed) % 300)
                                          : ((uint64_t)rand_r(&seed) << 31) ^ (uint64_t)rand_r(&seed);
        size_t len = 1 + (size_t)(rand_r(&seed) % 8);
        cr_assert_eq(pwrite(fd, &junk, len, (off_t)off), (ssize_t)len);
        ghf_core *c = NULL;
        ghf_err e = open_paths(core, t, false, &c);
        if (c) {
            opened++;
            uint64_t a, s;
            core_symbol(c, "runtime.mheap_", &a, &s);
            core_symbol_at(c, truth_u64(n, "gInit_addr"), &s);
            (void)core_exe_go_version(c);
            core_close(c);
        } else {
            failed++;
            cr_expect(e.code == GHF_EXIT_INPUT || e.code == GHF_EXIT_UNSUPPORTED, "iter %d: %s", iter, e.msg);
        }
        if (in_bi)
            cr_assert_eq(pwrite(fd, bi, sizeof bi, (off_t)bi_off), (ssize_t)sizeof bi);
        else
            cr_assert_eq(pwrite(fd, first, sizeof first, 0), (ssize_t)sizeof first);
    }
    cr_log_info("damaged executables: %zu opened, %zu refused", opened, failed);
    cr_expect_gt(failed, 0);
    close(fd);
    unlink(t);
}
