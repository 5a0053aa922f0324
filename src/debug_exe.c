/* debug_exe.c — does a debug executable belong to the core's executable? */
#include "debug_exe.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The sections compared when the Go build IDs differ: code, the data DWARF
 * locations point into, and the tables the runtime reads. */
static const char *const compared[] = {".text", ".rodata", ".gopclntab", ".go.buildinfo", ".noptrdata", ".data"};

typedef struct dbg_sec {
    bool found, nobits;
    uint64_t addr, size;
    const uint8_t *bytes;
} dbg_sec;

#define NT_GO_BUILDID 4

/* The Go build ID of a .note.go.buildid section's bytes, or "". */
static void go_build_id(const uint8_t *p, size_t n, char *out, size_t cap)
{
    out[0] = '\0';
    if (n < 16)
        return;
    uint32_t namesz, descsz, type;
    memcpy(&namesz, p, 4);
    memcpy(&descsz, p + 4, 4);
    memcpy(&type, p + 8, 4);
    size_t desc = 12 + (((size_t)namesz + 3) & ~(size_t)3);
    if (type != NT_GO_BUILDID || namesz != 4 || memcmp(p + 12, "Go\0\0", 4) != 0 || desc > n || descsz > n - desc)
        return;
    size_t len = descsz < cap - 1 ? descsz : cap - 1;
    memcpy(out, p + desc, len);
    out[len] = '\0';
}

/* Why path and c's executable differ in one compared section, or "". */
static void compare(const ghf_core *c, const char *name, const dbg_sec *d, char *why, size_t cap)
{
    uint64_t addr = 0, size = 0, bias = core_pie_bias(c);
    bool have = core_exe_section_range(c, name, &addr, &size);
    why[0] = '\0';
    if (!have && !d->found)
        return;
    if (have != d->found) {
        snprintf(why, cap, "%s is only in %s", name, have ? "the executable" : "the debug executable");
        return;
    }
    addr -= bias;
    if (addr != d->addr || size != d->size) {
        snprintf(why, cap, "%s is at 0x%llx (%llu bytes) in the executable and at 0x%llx (%llu bytes) in the debug "
                 "executable", name, (unsigned long long)addr, (unsigned long long)size,
                 (unsigned long long)d->addr, (unsigned long long)d->size);
        return;
    }
    size_t n = 0;
    const uint8_t *mine = core_exe_section(c, name, &n, NULL);
    if (d->nobits || mine == NULL || d->bytes == NULL)
        return;
    if (n != d->size || memcmp(mine, d->bytes, n) != 0)
        snprintf(why, cap, "%s has other contents (same address 0x%llx and size)", name, (unsigned long long)addr);
}

bool debug_exe_check(const ghf_core *c, const char *path, bool force, ghf_err *err)
{
    if (elf_version(EV_CURRENT) == EV_NONE)
        return ghf_fail(err, GHF_EXIT_INTERNAL, "libelf: %s", elf_errmsg(-1));
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ghf_fail(err, GHF_EXIT_INPUT, "cannot open debug executable %s", path);
    Elf *e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
    bool ok = false;
    size_t shstrndx;
    GElf_Ehdr eh;
    dbg_sec secs[sizeof compared / sizeof *compared] = {{0}};
    char id[256] = "", why[512] = "";
    if (e == NULL || elf_kind(e) != ELF_K_ELF || gelf_getehdr(e, &eh) == NULL ||
        (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)) {
        ghf_fail(err, GHF_EXIT_INPUT, "debug executable %s is not an ELF executable", path);
        goto out;
    }
    if (elf_getshdrstrndx(e, &shstrndx) != 0) {
        ghf_fail(err, GHF_EXIT_INPUT, "debug executable %s: corrupt ELF section headers: %s", path, elf_errmsg(-1));
        goto out;
    }
    for (Elf_Scn *s = NULL; (s = elf_nextscn(e, s)) != NULL;) {
        GElf_Shdr sh;
        const char *name;
        if (gelf_getshdr(s, &sh) == NULL || (name = elf_strptr(e, shstrndx, sh.sh_name)) == NULL)
            continue;
        Elf_Data *data = sh.sh_type == SHT_NOBITS ? NULL : elf_rawdata(s, NULL);
        if (sh.sh_type != SHT_NOBITS && (data == NULL || data->d_size != sh.sh_size)) {
            ghf_fail(err, GHF_EXIT_INPUT, "debug executable %s is truncated: section %s lies past its end", path,
                     name);
            goto out;
        }
        if (strcmp(name, ".note.go.buildid") == 0)
            go_build_id(data->d_buf, data->d_size, id, sizeof id);
        for (size_t i = 0; i < sizeof compared / sizeof *compared; i++)
            if (strcmp(name, compared[i]) == 0)
                secs[i] = (dbg_sec){true, sh.sh_type == SHT_NOBITS, sh.sh_addr, sh.sh_size,
                                    data ? data->d_buf : NULL};
    }
    const char *exe_id = core_go_build_id(c);
    if (exe_id[0] && strcmp(id, exe_id) == 0) {
        ok = true;
        goto out;
    }
    for (size_t i = 0; i < sizeof compared / sizeof *compared && !why[0]; i++)
        compare(c, compared[i], &secs[i], why, sizeof why);
    if (!why[0] && !secs[0].found)
        snprintf(why, sizeof why, "neither has a .text section");
    if (!why[0]) {
        ok = true;
        goto out;
    }
    if (force) {
        fprintf(stderr, "goheapflame: warning: debug executable %s does not match executable %s (%s); --force uses "
                "it anyway\n", path, core_exe_path(c), why);
        ok = true;
    } else
        ghf_fail(err, GHF_EXIT_INPUT, "debug executable %s does not match executable %s: %s (--force to use it "
                 "anyway)", path, core_exe_path(c), why);
out:
    if (e)
        elf_end(e);
    close(fd);
    return ok;
}
