/* dwx_runtime.c — the index of an executable without DWARF (built with
 * -ldflags=-w or "-s -w"): the runtime's layouts for its Go version from
 * the generated table (include/rtlayout.h) and, when the executable keeps
 * one (-w only), the ELF symbol table's objects as untyped globals. The
 * rest of the pipeline asks this index exactly what it asks a DWARF one. */
#include <dwarf.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dwarf_index.h"
#include "dwx_build.h"
#include "rtlayout.h"

bool dwx_has_dwarf(const char *exe_path)
{
    if (elf_version(EV_CURRENT) == EV_NONE)
        return true;
    int fd = open(exe_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return true; /* dwx_open reports it */
    Elf *e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
    size_t shstrndx;
    bool has = e == NULL || elf_kind(e) != ELF_K_ELF || elf_getshdrstrndx(e, &shstrndx) != 0;
    for (Elf_Scn *s = NULL; !has && (s = elf_nextscn(e, s)) != NULL;) {
        GElf_Shdr sh;
        const char *name = gelf_getshdr(s, &sh) ? elf_strptr(e, shstrndx, sh.sh_name) : NULL;
        has = name != NULL && (strcmp(name, ".debug_info") == 0 || strcmp(name, ".zdebug_info") == 0) &&
              sh.sh_type != SHT_NOBITS && sh.sh_size > 0;
    }
    if (e)
        elf_end(e);
    close(fd);
    return has;
}

/* Is row r a direct member of the member at path `parent` ("" = the type)? */
static bool child_of(const rtl_row *r, const char *parent)
{
    size_t n = strlen(parent);
    if (r->path[0] == '\0')
        return false;
    if (n == 0)
        return strchr(r->path, '.') == NULL;
    return strncmp(r->path, parent, n) == 0 && r->path[n] == '.' && strchr(r->path + n + 1, '.') == NULL;
}

/* The struct at `parent` (offset poff in the type) of the rows [rows, +n)
 * of one type: its members' types first, then it with its fields. */
static dwx_type_id build_struct(dwx *d, const rtl_row *rows, uint32_t n, const char *name, const char *parent,
                                uint64_t poff, uint64_t size, ghf_err *err)
{
    dwx_type_id *kids = ghf_xcalloc(n, sizeof *kids, err);
    if (kids == NULL)
        return 0;
    bool ok = true;
    for (uint32_t i = 0; ok && i < n; i++) {
        const rtl_row *r = &rows[i];
        if (!child_of(r, parent))
            continue;
        if (r->leaf)
            kids[i] = dwx_build_type(d, "", DW_TAG_base_type, 0, r->size, err);
        else
            kids[i] = build_struct(d, rows, n, "", r->path, r->off, r->size, err);
        ok = kids[i] != 0;
    }
    dwx_type_id st = ok ? dwx_build_type(d, name, DW_TAG_structure_type, 25 /* abi.Struct */, size, err) : 0;
    for (uint32_t i = 0; st && i < n; i++) {
        if (kids[i] == 0)
            continue;
        const char *field = strrchr(rows[i].path, '.');
        field = field ? field + 1 : rows[i].path;
        if (!dwx_build_field(d, st, field, rows[i].off - poff, kids[i], err))
            st = 0;
    }
    free(kids);
    return st;
}

static bool add_layouts(dwx *d, const rtl_block *b, ghf_err *err)
{
    for (uint32_t i = 0; i < b->nrows;) {
        uint32_t j = i;
        while (j < b->nrows && strcmp(b->rows[j].type, b->rows[i].type) == 0)
            j++;
        uint64_t size = 0;
        for (uint32_t k = i; k < j; k++)
            if (b->rows[k].path[0] == '\0')
                size = b->rows[k].size;
        if (strcmp(b->rows[i].type, "unsafe.Pointer") == 0) {
            if (!dwx_build_type(d, b->rows[i].type, DW_TAG_base_type, 26 /* abi.UnsafePointer */, size, err))
                return false;
        } else if (!build_struct(d, b->rows + i, j - i, b->rows[i].type, "", 0, size, err)) {
            return false;
        }
        i = j;
    }
    for (uint32_t i = 0; i < b->nconsts; i++)
        if (!dwx_build_const(d, b->consts[i].name, b->consts[i].value, err))
            return false;
    return true;
}

/* Every named STT_OBJECT of .symtab (absent under -s). */
static bool add_symbols(dwx *d, const char *exe_path, bool *had, ghf_err *err)
{
    *had = false;
    int fd = open(exe_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ghf_fail(err, GHF_EXIT_INPUT, "cannot open %s", exe_path);
    Elf *e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
    bool ok = e != NULL && elf_kind(e) == ELF_K_ELF;
    if (!ok)
        ghf_fail(err, GHF_EXIT_INPUT, "%s is not an ELF file", exe_path);
    for (Elf_Scn *s = NULL; ok && (s = elf_nextscn(e, s)) != NULL;) {
        GElf_Shdr sh;
        if (gelf_getshdr(s, &sh) == NULL || sh.sh_type != SHT_SYMTAB || sh.sh_entsize == 0)
            continue;
        Elf_Data *data = elf_getdata(s, NULL);
        size_t n = data ? sh.sh_size / sh.sh_entsize : 0;
        *had = n > 0;
        for (size_t i = 0; ok && i < n; i++) {
            GElf_Sym sym;
            const char *name;
            if (gelf_getsym(data, (int)i, &sym) == NULL || GELF_ST_TYPE(sym.st_info) != STT_OBJECT ||
                (name = elf_strptr(e, sh.sh_link, sym.st_name)) == NULL || name[0] == '\0')
                continue;
            ok = dwx_build_global(d, name, sym.st_value, sym.st_size, err);
        }
    }
    if (e)
        elf_end(e);
    close(fd);
    return ok;
}

bool dwx_open_runtime(const char *exe_path, const char *arch, int minor, const dwx_var *extra, size_t nextra,
                      dwx **out, ghf_err *err)
{
    *out = NULL;
    const rtl_block *b = rtl_block_for(arch, minor);
    if (b == NULL)
        return ghf_fail(err, GHF_EXIT_UNSUPPORTED, "%s has no DWARF (built with -ldflags=-w, or stripped) and "
                        "goheapflame has no runtime layouts of Go 1.%d on %s to read it without", exe_path, minor, arch);
    if (elf_version(EV_CURRENT) == EV_NONE)
        return ghf_fail(err, GHF_EXIT_INTERNAL, "libelf: %s", elf_errmsg(-1));
    dwx *d = dwx_build_new(err);
    bool syms = false;
    if (d == NULL)
        return false;
    if (!add_layouts(d, b, err) || !add_symbols(d, exe_path, &syms, err)) {
        dwx_close(d);
        return false;
    }
    for (size_t i = 0; i < nextra; i++)
        if (!dwx_build_global(d, extra[i].name, extra[i].addr, extra[i].size, err)) {
            dwx_close(d);
            return false;
        }
    char what[128];
    snprintf(what, sizeof what, "the Go 1.%d runtime layouts%s", minor,
             syms ? " and the ELF symbol table" : nextra ? " and runtime globals found by their uses" : "");
    if (!dwx_build_finish(d, what, err))
        return false;
    *out = d;
    return true;
}
