/* core.c — process memory: an ELF core file laid over its executable.
 *
 * The address space is a sorted array of non-overlapping "pieces", each
 * uniform: bytes straight from one mmapped file, or zeros. It is built once
 * at open time from three layers (lowest first):
 *   1. the executable's PT_LOADs, moved by the PIE bias (file bytes, then
 *      zeros for the .bss part);
 *   2. only when the core has no NT_FILE note: the unfilled tails
 *      [p_filesz, p_memsz) of the core's PT_LOADs as zeros, *under* the exe;
 *   3. the core's PT_LOADs: core bytes for [vaddr, vaddr+p_filesz), then for
 *      the tail the executable's bytes where NT_FILE says the executable is
 *      mapped there, zeros elsewhere (other files are not available to us).
 * A higher layer hides everything below it. Bytes a truncated core lacks are
 * "absent": they hide the lower layers but cannot be read.
 */
#include "core.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vec.h"

enum { SRC_ABSENT = 0, SRC_CORE = 1, SRC_EXE = 2, SRC_ZERO = 3 };

typedef struct piece {
    uint64_t start, end;   /* [start, end) */
    const uint8_t *bytes;  /* bytes of `start`; NULL when the piece reads as zeros */
    uint8_t src;           /* SRC_* */
    uint8_t prot;          /* PF_R | PF_W | PF_X of the segment it came from */
} piece;

typedef VEC(piece) piece_vec;

typedef struct exe_load {
    uint64_t vaddr, memsz, filesz, offset; /* link-time; filesz clipped to the file */
    uint32_t flags;
} exe_load;

typedef struct exe_section {
    const char *name;
    uint64_t addr, size, offset;
    uint32_t type;
} exe_section;

typedef struct exe_sym {
    uint64_t addr, size; /* addr biased */
    const char *name;
} exe_sym;

typedef struct id_note {   /* a build-ID note of the executable */
    bool found;
    uint64_t vaddr;        /* link-time address of the whole note record */
    const uint8_t *rec;    /* the note record in the exe file */
    size_t rec_len;
    char id[256];          /* printable form */
} id_note;

struct ghf_core {
    const uint8_t *core_map, *exe_map;
    bool core_in_memory;  /* core_map is anonymous memory (core_open_image), not a file */
    size_t core_size, exe_size;
    char *core_path, *exe_path;
    bool truncated;
    uint64_t missing;      /* bytes of core PT_LOADs past the end of the file */

    piece_vec pieces;      /* the laid-out address space, sorted */
    _Atomic size_t last_hit; /* lookup cache: index into pieces */
    piece_vec core_only;  /* core file bytes only (for the build-ID check), sorted */

    const arch_desc *arch; /* by the core's e_machine */
    VEC(core_thread) threads;
    VEC(core_file_map) files;
    bool have_nt_file;
    const char *exe_mapped_path; /* the NT_FILE path of the executable, or NULL */
    uint64_t pie_bias;     /* 0 for ET_EXEC */
    uint64_t at_entry;     /* AT_ENTRY from NT_AUXV */
    bool have_entry;
    int pid;

    uint16_t exe_type;
    uint64_t exe_entry;
    VEC(exe_load) loads;
    VEC(exe_section) sections;
    VEC(exe_sym) syms;     /* sorted by address (then size) */
    uint32_t *sym_hash;    /* open addressing: index+1 into syms, 0 = empty */
    size_t sym_hash_mask;
    uint64_t *sym_maxend;  /* prefix maximum of syms[i].addr+size, for containment walks */

    id_note go_id, gnu_id;
    char go_version[64];
    char *modules; /* module paths of .go.buildinfo ("main\ndep\n..."), NULL if none */
    char match_how[1024];
};

/* ------------------------------------------------------------------ */
/* small helpers                                                       */

static uint64_t rd64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static uint32_t rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }

static uint64_t page_down(uint64_t a) { return a & ~(uint64_t)0xfff; }

static char *xstrdup(const char *s, ghf_err *err)
{
    size_t n = strlen(s) + 1;
    char *d = ghf_xcalloc(n, 1, err);
    if (d)
        memcpy(d, s, n);
    return d;
}

static bool map_file(const char *path, const char *what, const uint8_t **map, size_t *size, ghf_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ghf_fail(err, GHF_EXIT_INPUT, "cannot open %s %s: %s", what, path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return ghf_fail(err, GHF_EXIT_INPUT, "cannot stat %s %s: %s", what, path, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return ghf_fail(err, GHF_EXIT_INPUT, "%s %s is not a regular file", what, path);
    }
    if (st.st_size == 0) {
        close(fd);
        return ghf_fail(err, GHF_EXIT_INPUT, "%s %s is empty", what, path);
    }
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    int e = errno;
    close(fd);
    if (p == MAP_FAILED)
        return ghf_fail(err, GHF_EXIT_INPUT, "cannot mmap %s %s: %s", what, path, strerror(e));
    *map = p;
    *size = (size_t)st.st_size;
    return true;
}

/* What an ELF file claims to be, judged from its identification bytes and
 * header only (done before libelf sees it, so that libelf only ever gets
 * little-endian ELF64 whose data it never needs to convert in place). */
enum kind { K_NOT_ELF, K_SHORT, K_OTHER_CLASS, K_CORE, K_EXEC, K_OTHER };

static enum kind file_kind(const uint8_t *m, size_t n, uint16_t *machine)
{
    *machine = 0;
    if (n < EI_NIDENT || memcmp(m, ELFMAG, SELFMAG) != 0)
        return K_NOT_ELF;
    if (m[EI_CLASS] != ELFCLASS64 || m[EI_DATA] != ELFDATA2LSB)
        return K_OTHER_CLASS;
    if (n < sizeof(Elf64_Ehdr))
        return K_SHORT;
    Elf64_Ehdr eh;
    memcpy(&eh, m, sizeof eh);
    *machine = eh.e_machine;
    if (eh.e_type == ET_CORE)
        return K_CORE;
    if (eh.e_type == ET_EXEC || eh.e_type == ET_DYN)
        return K_EXEC;
    return K_OTHER;
}

/* ------------------------------------------------------------------ */
/* notes                                                               */

typedef struct note {
    uint32_t type, namesz, descsz;
    const char *name;      /* namesz bytes, not necessarily NUL-terminated */
    const uint8_t *desc;
    size_t off, len;       /* the whole record within the blob */
} note;

/* Next note of a 4-byte aligned note blob. Returns 1 on success, 0 at the
 * end, -1 when the blob is corrupt. */
static int note_next(const uint8_t *p, size_t n, size_t *pos, note *out)
{
    size_t o = *pos;
    if (o >= n || n - o < 12)
        return 0; /* the end (a few stray padding bytes are tolerated) */
    uint32_t namesz = rd32(p + o), descsz = rd32(p + o + 4), type = rd32(p + o + 8);
    size_t name_pad = ((size_t)namesz + 3) & ~(size_t)3;
    size_t desc_pad = ((size_t)descsz + 3) & ~(size_t)3;
    size_t room = n - o - 12;
    if (name_pad > room || desc_pad > room - name_pad) {
        /* the last note may omit its trailing padding */
        if (name_pad > room || descsz > room - name_pad)
            return -1;
        desc_pad = descsz;
    }
    out->type = type;
    out->namesz = namesz;
    out->descsz = descsz;
    out->name = (const char *)p + o + 12;
    out->desc = p + o + 12 + name_pad;
    out->off = o;
    out->len = 12 + name_pad + desc_pad;
    *pos = o + out->len;
    return 1;
}

/* The Go linker pads its note name: namesz 4 for "Go\0\0". */
static bool note_named(const note *nt, const char *name)
{
    size_t l = strlen(name);
    if (nt->namesz < l + 1 || nt->namesz > l + 4 || memcmp(nt->name, name, l) != 0)
        return false;
    for (size_t i = l; i < nt->namesz; i++)
        if (nt->name[i] != '\0')
            return false;
    return true;
}

/* Printable form of a build-ID note: Go IDs are text, GNU IDs hex. */
static void id_text(const uint8_t *desc, size_t n, bool hex, char *out, size_t outsz)
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && o + 3 < outsz; i++) {
        if (hex) {
            o += (size_t)snprintf(out + o, outsz - o, "%02x", desc[i]);
        } else {
            if (desc[i] == 0)
                break;
            out[o++] = (desc[i] >= 0x20 && desc[i] < 0x7f) ? (char)desc[i] : '?';
            out[o] = '\0';
        }
    }
}

#define NT_GO_BUILDID 4

/* Remember the executable's build-ID notes found in one note blob that is
 * mapped at link-time address vaddr. */
static void scan_exe_notes(ghf_core *c, const uint8_t *blob, size_t n, uint64_t vaddr)
{
    size_t pos = 0;
    note nt;
    while (note_next(blob, n, &pos, &nt) == 1) {
        id_note *dst = NULL;
        bool hex = false;
        if (nt.type == NT_GO_BUILDID && note_named(&nt, "Go"))
            dst = &c->go_id;
        else if (nt.type == NT_GNU_BUILD_ID && note_named(&nt, "GNU"))
            dst = &c->gnu_id, hex = true;
        if (dst == NULL || dst->found)
            continue;
        dst->found = true;
        dst->vaddr = vaddr + nt.off;
        dst->rec = blob + nt.off;
        dst->rec_len = nt.len;
        id_text(nt.desc, nt.descsz, hex, dst->id, sizeof dst->id);
    }
}

/* ------------------------------------------------------------------ */
/* the executable                                                      */

static int cmp_sym_addr(const void *a, const void *b)
{
    const exe_sym *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    if (x->size != y->size)
        return x->size < y->size ? -1 : 1;
    return strcmp(x->name, y->name);
}

static uint64_t hash_str(const char *s)
{
    return ghf_hash(s, strlen(s));
}

static bool index_symbols(ghf_core *c, const exe_section *symtab, const exe_section *strtab, ghf_err *err)
{
    if (symtab->size % sizeof(Elf64_Sym) != 0 || strtab->size == 0 ||
        c->exe_map[strtab->offset + strtab->size - 1] != '\0')
        return ghf_fail(err, GHF_EXIT_INPUT, "executable %s has a malformed .symtab", c->exe_path);
    const char *strs = (const char *)c->exe_map + strtab->offset;
    size_t nsym = symtab->size / sizeof(Elf64_Sym);
    if (!VEC_RESERVE(&c->syms, nsym, err))
        return false;
    for (size_t i = 1; i < nsym; i++) {
        Elf64_Sym s;
        memcpy(&s, c->exe_map + symtab->offset + i * sizeof s, sizeof s);
        int type = ELF64_ST_TYPE(s.st_info);
        if ((type != STT_OBJECT && type != STT_FUNC && type != STT_NOTYPE) || s.st_shndx == SHN_UNDEF ||
            s.st_name == 0 || s.st_name >= strtab->size)
            continue;
        uint64_t addr = s.st_shndx == SHN_ABS ? s.st_value : s.st_value + c->pie_bias;
        c->syms.v[c->syms.n++] = (exe_sym){addr, s.st_size, strs + s.st_name};
    }
    if (c->syms.n > 1)
        qsort(c->syms.v, c->syms.n, sizeof *c->syms.v, cmp_sym_addr);

    c->sym_maxend = ghf_xcalloc(c->syms.n, sizeof *c->sym_maxend, err);
    size_t cap = 16;
    while (cap < c->syms.n * 2)
        cap *= 2;
    c->sym_hash = ghf_xcalloc(cap, sizeof *c->sym_hash, err);
    if (c->sym_maxend == NULL || c->sym_hash == NULL)
        return false;
    c->sym_hash_mask = cap - 1;
    uint64_t maxend = 0;
    for (size_t i = 0; i < c->syms.n; i++) {
        const exe_sym *s = &c->syms.v[i];
        uint64_t end = s->addr + s->size < s->addr ? UINT64_MAX : s->addr + s->size;
        if (end > maxend)
            maxend = end;
        c->sym_maxend[i] = maxend;
        /* first definition of a name wins (Go names are unique in practice) */
        size_t h = hash_str(s->name) & c->sym_hash_mask;
        for (;; h = (h + 1) & c->sym_hash_mask) {
            uint32_t e = c->sym_hash[h];
            if (e == 0) {
                c->sym_hash[h] = (uint32_t)i + 1;
                break;
            }
            if (strcmp(c->syms.v[e - 1].name, s->name) == 0) {
                /* prefer typed symbols over STT_NOTYPE markers: keep the first by address */
                break;
            }
        }
    }
    return true;
}

static bool read_exe(ghf_core *c, ghf_err *err)
{
    Elf *e = elf_memory((char *)c->exe_map, c->exe_size);
    if (e == NULL)
        return ghf_fail(err, GHF_EXIT_INPUT, "executable %s: %s", c->exe_path, elf_errmsg(-1));
    bool ok = false;
    GElf_Ehdr eh;
    size_t phnum = 0, shnum = 0, shstrndx = 0;
    if (gelf_getehdr(e, &eh) == NULL || elf_getphdrnum(e, &phnum) != 0) {
        ghf_fail(err, GHF_EXIT_INPUT, "executable %s: bad ELF header: %s", c->exe_path, elf_errmsg(-1));
        goto out;
    }
    c->exe_type = eh.e_type;
    c->exe_entry = eh.e_entry;
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        if (gelf_getphdr(e, (int)i, &ph) == NULL) {
            ghf_fail(err, GHF_EXIT_INPUT, "executable %s: bad program header %zu: %s", c->exe_path, i,
                     elf_errmsg(-1));
            goto out;
        }
        if (ph.p_type == PT_LOAD) {
            exe_load l = {ph.p_vaddr, ph.p_memsz, ph.p_filesz, ph.p_offset, ph.p_flags};
            if (l.filesz > l.memsz)
                l.filesz = l.memsz;
            if (l.offset >= c->exe_size)
                l.filesz = 0;
            else if (l.filesz > c->exe_size - l.offset)
                l.filesz = c->exe_size - l.offset; /* truncated executable: the rest is absent */
            if (l.vaddr + l.memsz < l.vaddr) {
                ghf_fail(err, GHF_EXIT_INPUT, "executable %s: PT_LOAD %zu wraps the address space", c->exe_path, i);
                goto out;
            }
            if (!VEC_PUSH(&c->loads, l, err))
                goto out;
        } else if (ph.p_type == PT_NOTE && ph.p_offset < c->exe_size &&
                   ph.p_filesz <= c->exe_size - ph.p_offset) {
            scan_exe_notes(c, c->exe_map + ph.p_offset, ph.p_filesz, ph.p_vaddr);
        }
    }
    if (c->loads.n == 0) {
        ghf_fail(err, GHF_EXIT_INPUT, "executable %s has no PT_LOAD segments", c->exe_path);
        goto out;
    }

    /* Sections: an index of names and file ranges. A stripped section table
     * is fine; callers get NULL for what is missing. */
    if (elf_getshdrnum(e, &shnum) == 0 && shnum > 0 && elf_getshdrstrndx(e, &shstrndx) == 0) {
        Elf_Scn *scn = NULL;
        while ((scn = elf_nextscn(e, scn)) != NULL) {
            GElf_Shdr sh;
            if (gelf_getshdr(scn, &sh) == NULL)
                continue;
            const char *name = elf_strptr(e, shstrndx, sh.sh_name);
            if (name == NULL)
                continue;
            exe_section s = {name, sh.sh_addr, sh.sh_size, sh.sh_offset, sh.sh_type};
            if (sh.sh_type != SHT_NOBITS &&
                (sh.sh_offset > c->exe_size || sh.sh_size > c->exe_size - sh.sh_offset)) {
                ghf_fail(err, GHF_EXIT_INPUT, "executable %s is truncated: section %s lies past its end",
                         c->exe_path, name);
                goto out;
            }
            if (!VEC_PUSH(&c->sections, s, err))
                goto out;
            if (sh.sh_type == SHT_NOTE && (sh.sh_flags & SHF_ALLOC))
                scan_exe_notes(c, c->exe_map + sh.sh_offset, sh.sh_size, sh.sh_addr);
        }
    }
    ok = true;
out:
    elf_end(e);
    return ok;
}

static const exe_section *find_section(const ghf_core *c, const char *name)
{
    for (size_t i = 0; i < c->sections.n; i++)
        if (strcmp(c->sections.v[i].name, name) == 0)
            return &c->sections.v[i];
    return NULL;
}

/* Read n bytes at a link-time address from the executable file alone. */
static bool exe_read_link(const ghf_core *c, uint64_t vaddr, void *dst, size_t n)
{
    for (size_t i = 0; i < c->loads.n; i++) {
        const exe_load *l = &c->loads.v[i];
        if (vaddr >= l->vaddr && vaddr - l->vaddr <= l->filesz && n <= l->filesz - (vaddr - l->vaddr)) {
            memcpy(dst, c->exe_map + l->offset + (vaddr - l->vaddr), n);
            return true;
        }
    }
    return false;
}

static bool uvarint(const uint8_t *p, size_t n, size_t *pos, uint64_t *out)
{
    uint64_t v = 0;
    for (unsigned shift = 0; *pos < n && shift < 64; shift += 7) {
        uint8_t b = p[(*pos)++];
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = v;
            return true;
        }
    }
    return false;
}

/* A .go.buildinfo image (see debug/buildinfo): 14-byte magic, pointer
 * size, flags; flag 2 = strings inline from offset 32 as uvarint-prefixed
 * data (Go 1.18+), otherwise two pointers to Go string headers. */
static bool buildinfo_magic(const uint8_t *bi, size_t n)
{
    return n >= 32 && memcmp(bi, "\xff Go buildinf:", 14) == 0;
}

/* The inline string at *pos (flag 2 layout); *pos moves past it. */
static bool buildinfo_string(const uint8_t *bi, size_t n, size_t *pos, const uint8_t **s, uint64_t *len)
{
    if (!uvarint(bi, n, pos, len) || *len > n - *pos)
        return false;
    *s = bi + *pos;
    *pos += (size_t)*len;
    return true;
}

/* Go version from a .go.buildinfo image: its first string. */
static bool buildinfo_version(const ghf_core *c, const uint8_t *bi, size_t n, char *out, size_t outsz)
{
    out[0] = '\0';
    if (!buildinfo_magic(bi, n))
        return false;
    uint8_t ptrsize = bi[14], flags = bi[15];
    const uint8_t *s = NULL;
    uint64_t len = 0;
    uint8_t strbuf[128];
    if (flags & 2) {
        size_t pos = 32;
        if (!buildinfo_string(bi, n, &pos, &s, &len))
            return false;
    } else {
        if (ptrsize != 8 || (flags & 1)) /* only little-endian 64-bit */
            return false;
        uint64_t hdr[2];
        if (!exe_read_link(c, rd64(bi + 16), hdr, sizeof hdr) || hdr[1] >= sizeof strbuf ||
            !exe_read_link(c, hdr[0], strbuf, (size_t)hdr[1]))
            return false;
        s = strbuf;
        len = hdr[1];
    }
    if (len == 0 || len >= outsz)
        return false;
    for (uint64_t i = 0; i < len; i++)
        if (s[i] < 0x20 || s[i] >= 0x7f)
            return false;
    memcpy(out, s, (size_t)len);
    out[len] = '\0';
    return true;
}

/* Module paths of a .go.buildinfo image with inline strings (Go 1.18+):
 * after the version comes the module info, a uvarint-prefixed text between
 * two 16-byte sentinels: "path\t<main package>\nmod\t<path>\t<version>...\n
 * dep\t<path>\t...\n". Returns "main module\ndep\n..." (malloc'd), or NULL
 * when there is none (GOPATH builds, old layout, damage). */
static char *buildinfo_modules(const uint8_t *bi, size_t n)
{
    size_t pos = 32;
    const uint8_t *version, *info;
    uint64_t vlen, len;
    if (!buildinfo_magic(bi, n) || !(bi[15] & 2) || !buildinfo_string(bi, n, &pos, &version, &vlen) ||
        !buildinfo_string(bi, n, &pos, &info, &len) || len < 33)
        return NULL;
    const char *text = (const char *)info + 16, *end = text + len - 32;
    char *out = malloc((size_t)len + 1);
    if (out == NULL)
        return NULL;
    size_t o = 0;
    for (const char *line = text; line < end;) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        const char *stop = nl ? nl : end;
        if (stop - line > 4 && (memcmp(line, "mod\t", 4) == 0 || memcmp(line, "dep\t", 4) == 0)) {
            const char *p = line + 4, *tab = memchr(p, '\t', (size_t)(stop - p));
            size_t k = (size_t)((tab ? tab : stop) - p);
            memcpy(out + o, p, k);
            o += k;
            out[o++] = '\n';
        }
        line = stop + 1;
    }
    out[o] = '\0';
    if (o == 0) {
        free(out);
        return NULL;
    }
    return out;
}

/* ------------------------------------------------------------------ */
/* the core: notes                                                     */

#define NT_FILE_TYPE 0x46494c45u

static bool parse_nt_file(ghf_core *c, const note *nt, ghf_err *err)
{
    const uint8_t *d = nt->desc;
    size_t n = nt->descsz;
    if (n < 16)
        return ghf_fail(err, GHF_EXIT_INPUT, "core %s: NT_FILE note is too short", c->core_path);
    uint64_t count = rd64(d), page = rd64(d + 8);
    if (count > (n - 16) / 24)
        return ghf_fail(err, GHF_EXIT_INPUT, "core %s: NT_FILE claims %llu entries in %zu bytes", c->core_path,
                        (unsigned long long)count, n);
    const char *names = (const char *)d + 16 + count * 24, *end = (const char *)d + n;
    if (!VEC_RESERVE(&c->files, count, err))
        return false;
    for (uint64_t i = 0; i < count; i++) {
        const uint8_t *e = d + 16 + i * 24;
        const char *nul = memchr(names, '\0', (size_t)(end - names));
        if (nul == NULL)
            return ghf_fail(err, GHF_EXIT_INPUT, "core %s: NT_FILE path %llu is not terminated", c->core_path,
                            (unsigned long long)i);
        uint64_t pgoff = rd64(e + 16);
        core_file_map f = {rd64(e), rd64(e + 8), 0, names};
        if (page != 0 && pgoff > UINT64_MAX / page)
            return ghf_fail(err, GHF_EXIT_INPUT, "core %s: NT_FILE offset overflows", c->core_path);
        f.file_offset = pgoff * page;
        if (f.end < f.start)
            return ghf_fail(err, GHF_EXIT_INPUT, "core %s: NT_FILE entry %llu ends before it starts",
                            c->core_path, (unsigned long long)i);
        c->files.v[c->files.n++] = f;
        names = nul + 1;
    }
    c->have_nt_file = true;
    return true;
}

static bool parse_core_notes(ghf_core *c, const uint8_t *blob, size_t n, ghf_err *err)
{
    size_t pos = 0;
    note nt;
    int r;
    while ((r = note_next(blob, n, &pos, &nt)) == 1) {
        if (!note_named(&nt, "CORE") && !note_named(&nt, "LINUX"))
            continue; /* e.g. gdb's "GDB" target description */
        if (nt.type == NT_PRSTATUS && note_named(&nt, "CORE")) {
            const arch_desc *a = c->arch;
            if (nt.descsz < a->prstatus_regs + (uint32_t)a->pr_nregs * 8)
                return ghf_fail(err, GHF_EXIT_INPUT, "core %s: NT_PRSTATUS note is %u bytes, too short for %s",
                                c->core_path, nt.descsz, a->elf_name);
            core_thread t = {.tid = rd32(nt.desc + a->prstatus_tid)};
            memcpy(t.regs, nt.desc + a->prstatus_regs, (size_t)a->pr_nregs * 8);
            if (!VEC_PUSH(&c->threads, t, err))
                return false;
        } else if (nt.type == NT_PRPSINFO && nt.descsz >= 28) {
            c->pid = (int)rd32(nt.desc + 24);
        } else if (nt.type == NT_AUXV) {
            for (size_t i = 0; i + 16 <= nt.descsz; i += 16)
                if (rd64(nt.desc + i) == AT_ENTRY) {
                    c->have_entry = true;
                    c->at_entry = rd64(nt.desc + i + 8);
                }
        } else if (nt.type == NT_FILE_TYPE && !c->have_nt_file) {
            if (!parse_nt_file(c, &nt, err))
                return false;
        }
    }
    if (r < 0)
        return ghf_fail(err, GHF_EXIT_INPUT, "core %s: corrupt note at offset %zu of a PT_NOTE segment",
                        c->core_path, pos);
    return true;
}

/* ------------------------------------------------------------------ */
/* the address space                                                   */

static int cmp_piece(const void *a, const void *b)
{
    const piece *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* Sort pieces by address and clip overlaps (the earlier piece wins), so
 * that lookups stay well defined even for a malformed core. */
static void sort_and_clip(piece_vec *v)
{
    if (v->n < 2)
        return;
    qsort(v->v, v->n, sizeof *v->v, cmp_piece);
    size_t w = 0;
    for (size_t i = 0; i < v->n; i++) {
        piece p = v->v[i];
        if (w > 0 && p.start < v->v[w - 1].end) {
            uint64_t cut = v->v[w - 1].end;
            if (cut >= p.end)
                continue;
            if (p.bytes)
                p.bytes += cut - p.start;
            p.start = cut;
        }
        v->v[w++] = p;
    }
    v->n = w;
}

/* Index of the piece containing addr in a sorted array, or SIZE_MAX. */
static size_t piece_find(const piece *v, size_t n, uint64_t addr)
{
    size_t lo = 0, hi = n; /* first piece with start > addr */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid].start <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || addr >= v[lo - 1].end)
        return SIZE_MAX;
    return lo - 1;
}

/* Append the parts of `p` that no piece of the sorted array `upper` covers. */
static bool push_uncovered(const piece *upper, size_t nup, piece p, piece_vec *out, ghf_err *err)
{
    /* first upper piece that ends after p.start */
    size_t lo = 0, hi = nup;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (upper[mid].end <= p.start)
            lo = mid + 1;
        else
            hi = mid;
    }
    uint64_t at = p.start;
    for (size_t i = lo; i < nup && at < p.end; i++) {
        if (upper[i].start > at) {
            uint64_t stop = upper[i].start < p.end ? upper[i].start : p.end;
            piece q = p;
            q.start = at;
            q.end = stop;
            q.bytes = p.bytes ? p.bytes + (at - p.start) : NULL;
            if (!VEC_PUSH(out, q, err))
                return false;
        }
        if (upper[i].end > at)
            at = upper[i].end;
    }
    if (at < p.end) {
        piece q = p;
        q.start = at;
        q.bytes = p.bytes ? p.bytes + (at - p.start) : NULL;
        if (!VEC_PUSH(out, q, err))
            return false;
    }
    return true;
}

/* Pieces for the tail [a, b) of a core PT_LOAD, from NT_FILE. */
static bool core_tail_pieces(ghf_core *c, uint64_t a, uint64_t b, uint8_t prot, piece_vec *out, ghf_err *err)
{
    /* zeros first, then the executable's file bytes painted over them */
    piece_vec exe_parts = {0};
    bool ok = true;
    for (size_t i = 0; ok && i < c->files.n; i++) {
        const core_file_map *f = &c->files.v[i];
        if (c->exe_mapped_path == NULL || strcmp(f->path, c->exe_mapped_path) != 0)
            continue;
        uint64_t s = f->start > a ? f->start : a, e = f->end < b ? f->end : b;
        if (s >= e)
            continue;
        uint64_t off = f->file_offset + (s - f->start);
        if (off >= c->exe_size)
            continue; /* past the end of the file: zeros */
        if (e - s > c->exe_size - off)
            e = s + (c->exe_size - off);
        ok = VEC_PUSH(&exe_parts, ((piece){s, e, c->exe_map + off, SRC_EXE, prot}), err);
    }
    if (ok) {
        sort_and_clip(&exe_parts); /* NT_FILE entries do not overlap, but be safe */
        for (size_t i = 0; ok && i < exe_parts.n; i++)
            ok = VEC_PUSH(out, exe_parts.v[i], err);
        if (ok)
            ok = push_uncovered(exe_parts.v, exe_parts.n, (piece){a, b, NULL, SRC_ZERO, prot}, out, err);
    }
    VEC_FREE(&exe_parts);
    return ok;
}

static bool build_address_space(ghf_core *c, Elf *e, size_t phnum, ghf_err *err)
{
    piece_vec upper = {0}, under = {0}, lower = {0};
    bool ok = false;

    /* the executable in NT_FILE: the file mapped where the process's entry
     * point (AT_ENTRY) is; without AT_ENTRY, the file mapped at the first
     * PT_LOAD of the executable */
    uint64_t probe = c->have_entry ? c->at_entry : page_down(c->loads.v[0].vaddr) + c->pie_bias;
    for (size_t i = 0; i < c->files.n; i++)
        if (probe - c->files.v[i].start < c->files.v[i].end - c->files.v[i].start) {
            c->exe_mapped_path = c->files.v[i].path;
            break;
        }

    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        if (gelf_getphdr(e, (int)i, &ph) == NULL || ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        uint64_t a = ph.p_vaddr, memsz = ph.p_memsz, filesz = ph.p_filesz < memsz ? ph.p_filesz : memsz;
        if (memsz > UINT64_MAX - a)
            memsz = UINT64_MAX - a; /* the vsyscall page ends at 2^64: drop its last byte */
        if (filesz > memsz)
            filesz = memsz;
        uint64_t avail = 0;
        if (ph.p_offset < c->core_size)
            avail = c->core_size - ph.p_offset < filesz ? c->core_size - ph.p_offset : filesz;
        if (avail < filesz) {
            c->truncated = true;
            c->missing += filesz - avail;
        }
        uint8_t prot = (uint8_t)(ph.p_flags & (PF_R | PF_W | PF_X));
        if (avail > 0) {
            piece p = {a, a + avail, c->core_map + ph.p_offset, SRC_CORE, prot};
            if (!VEC_PUSH(&upper, p, err) || !VEC_PUSH(&c->core_only, p, err))
                goto out;
        }
        if (avail < filesz && !VEC_PUSH(&upper, ((piece){a + avail, a + filesz, NULL, SRC_ABSENT, prot}), err))
            goto out;
        if (filesz < memsz) {
            if (c->have_nt_file) {
                if (!core_tail_pieces(c, a + filesz, a + memsz, prot, &upper, err))
                    goto out;
            } else if (!VEC_PUSH(&under, ((piece){a + filesz, a + memsz, NULL, SRC_ZERO, prot}), err)) {
                goto out;
            }
        }
    }
    /* Core PT_LOADs never overlap in a sane core; if they do, the earlier
     * segment wins. */
    sort_and_clip(&upper);
    sort_and_clip(&c->core_only);

    /* lower layers: the executable, and (without NT_FILE) zero tails under it */
    for (size_t i = 0; i < c->loads.n; i++) {
        const exe_load *l = &c->loads.v[i];
        uint64_t a = l->vaddr + c->pie_bias;
        if (a + l->memsz < a)
            continue; /* a bias that wraps: mismatch, reported elsewhere */
        uint8_t prot = (uint8_t)(l->flags & (PF_R | PF_W | PF_X));
        if (l->filesz > 0 && !VEC_PUSH(&lower, ((piece){a, a + l->filesz, c->exe_map + l->offset, SRC_EXE, prot}), err))
            goto out;
        if (l->memsz > l->filesz &&
            !VEC_PUSH(&lower, ((piece){a + l->filesz, a + l->memsz, NULL, SRC_ZERO, prot}), err))
            goto out;
    }
    sort_and_clip(&lower);
    piece_vec visible = {0};
    for (size_t i = 0; i < under.n; i++)
        if (!push_uncovered(lower.v, lower.n, under.v[i], &visible, err)) {
            VEC_FREE(&visible);
            goto out;
        }
    for (size_t i = 0; i < visible.n; i++)
        if (!VEC_PUSH(&lower, visible.v[i], err)) {
            VEC_FREE(&visible);
            goto out;
        }
    VEC_FREE(&visible);
    sort_and_clip(&lower);

    /* final = upper + (lower - upper), without the absent pieces */
    piece_vec all = {0};
    for (size_t i = 0; i < lower.n; i++)
        if (!push_uncovered(upper.v, upper.n, lower.v[i], &all, err)) {
            VEC_FREE(&all);
            goto out;
        }
    for (size_t i = 0; i < upper.n; i++)
        if (upper.v[i].src != SRC_ABSENT && !VEC_PUSH(&all, upper.v[i], err)) {
            VEC_FREE(&all);
            goto out;
        }
    sort_and_clip(&all);
    /* merge neighbours that continue each other, so core_view can span them */
    size_t w = 0;
    for (size_t i = 0; i < all.n; i++) {
        piece p = all.v[i];
        if (w > 0) {
            piece *q = &all.v[w - 1];
            bool contiguous = q->end == p.start && q->prot == p.prot && q->src == p.src &&
                              (p.bytes == NULL ? q->bytes == NULL
                                               : q->bytes != NULL && q->bytes + (q->end - q->start) == p.bytes);
            if (contiguous) {
                q->end = p.end;
                continue;
            }
        }
        all.v[w++] = p;
    }
    all.n = w;
    c->pieces = all;
    ok = true;
out:
    VEC_FREE(&upper);
    VEC_FREE(&under);
    VEC_FREE(&lower);
    return ok;
}

/* The piece holding addr. A one-entry cache of the last hit makes runs of
 * nearby reads (the heap scan) skip the binary search. It is a relaxed
 * atomic so that threads may share a core: any index it holds is valid and
 * is checked before use, so a stale value only costs a search. */
static inline const piece *lookup(const ghf_core *c, uint64_t addr)
{
    ghf_core *mc = (ghf_core *)c; /* the cache is not part of the value */
    size_t i = atomic_load_explicit(&mc->last_hit, memory_order_relaxed);
    if (i < c->pieces.n) {
        const piece *p = &c->pieces.v[i];
        if (addr - p->start < p->end - p->start)
            return p;
    }
    i = piece_find(c->pieces.v, c->pieces.n, addr);
    if (i == SIZE_MAX)
        return NULL;
    atomic_store_explicit(&mc->last_hit, i, memory_order_relaxed);
    return &c->pieces.v[i];
}

bool core_read(const ghf_core *c, uint64_t addr, void *dst, size_t n)
{
    uint8_t *out = dst;
    if (n > UINT64_MAX - addr)
        return false;
    while (n > 0) {
        const piece *p = lookup(c, addr);
        if (p == NULL)
            return false;
        uint64_t take = p->end - addr < n ? p->end - addr : n;
        if (p->bytes)
            memcpy(out, p->bytes + (addr - p->start), (size_t)take);
        else
            memset(out, 0, (size_t)take);
        out += take;
        addr += take;
        n -= (size_t)take;
    }
    return true;
}

bool core_read_u64(const ghf_core *c, uint64_t addr, uint64_t *out)
{
    const piece *p = lookup(c, addr);
    if (p != NULL && p->end - addr >= 8) {
        if (p->bytes)
            memcpy(out, p->bytes + (addr - p->start), 8);
        else
            *out = 0;
        return true;
    }
    return core_read(c, addr, out, 8);
}

bool core_read_u32(const ghf_core *c, uint64_t addr, uint32_t *out)
{
    return core_read(c, addr, out, 4);
}

bool core_read_u8(const ghf_core *c, uint64_t addr, uint8_t *out)
{
    return core_read(c, addr, out, 1);
}

const uint8_t *core_view(const ghf_core *c, uint64_t addr, size_t n)
{
    const piece *p = lookup(c, addr);
    if (p == NULL || p->bytes == NULL || p->end - addr < n)
        return NULL;
    return p->bytes + (addr - p->start);
}

const uint8_t *core_piece(const ghf_core *c, uint64_t addr, uint64_t *start, uint64_t *end)
{
    const piece *p = lookup(c, addr);
    if (p == NULL || p->bytes == NULL)
        return NULL;
    *start = p->start;
    *end = p->end;
    return p->bytes;
}

void core_release_pages(const ghf_core *c)
{
    /* The mapping is private and never written: dropped pages read back
     * from the file if they are touched again. An image in anonymous
     * memory has no file to read them back from: keep it. */
    if (c->core_map != NULL && c->core_size > 0 && !c->core_in_memory)
        madvise((void *)c->core_map, c->core_size, MADV_DONTNEED);
}

bool core_mapped(const ghf_core *c, uint64_t addr)
{
    return lookup(c, addr) != NULL;
}

size_t core_region_count(const ghf_core *c)
{
    return c->pieces.n;
}

bool core_region_at(const ghf_core *c, size_t i, core_region *out)
{
    if (i >= c->pieces.n)
        return false;
    const piece *p = &c->pieces.v[i];
    out->start = p->start;
    out->end = p->end;
    out->source = p->src == SRC_CORE ? CORE_SRC_CORE : p->src == SRC_EXE ? CORE_SRC_EXE : CORE_SRC_ZERO;
    out->prot = p->prot;
    return true;
}

/* Bytes that the core file itself holds (no executable, no zero tails). */
static bool core_file_read(const ghf_core *c, uint64_t addr, void *dst, size_t n)
{
    size_t i = piece_find(c->core_only.v, c->core_only.n, addr);
    if (i == SIZE_MAX)
        return false;
    const piece *p = &c->core_only.v[i];
    if (p->end - addr < n)
        return false;
    memcpy(dst, p->bytes + (addr - p->start), n);
    return true;
}

/* ------------------------------------------------------------------ */
/* executable matches core                                             */

/* The build IDs in the core's own copy of the executable's first page (the
 * kernel keeps that page, gcore dumps all text). The page is found through
 * NT_FILE (the file mapped at AT_ENTRY, at file offset 0) so that a
 * different executable's IDs can still be named; without NT_FILE it is
 * where our executable's first PT_LOAD would be. The page is scanned for
 * note records rather than read at our executable's note address, because
 * another build puts its notes a few bytes elsewhere. */
static void core_ids(const ghf_core *c, char *go, char *gnu, size_t idsz)
{
    go[0] = gnu[0] = '\0';
    uint64_t base = page_down(c->loads.v[0].vaddr) + c->pie_bias;
    if (c->exe_mapped_path != NULL)
        for (size_t i = 0; i < c->files.n; i++)
            if (c->files.v[i].file_offset == 0 && strcmp(c->files.v[i].path, c->exe_mapped_path) == 0) {
                base = c->files.v[i].start;
                break;
            }
    uint8_t page[4096];
    if (!core_file_read(c, base, page, sizeof page) || memcmp(page, ELFMAG, SELFMAG) != 0)
        return;
    for (size_t o = 0; o + 16 <= sizeof page; o += 4) {
        uint32_t namesz = rd32(page + o), descsz = rd32(page + o + 4), type = rd32(page + o + 8);
        if (namesz != 4 || descsz == 0 || descsz > sizeof page - o - 16)
            continue;
        if (type == NT_GO_BUILDID && memcmp(page + o + 12, "Go\0\0", 4) == 0 && !go[0])
            id_text(page + o + 16, descsz, false, go, idsz);
        else if (type == NT_GNU_BUILD_ID && memcmp(page + o + 12, "GNU\0", 4) == 0 && !gnu[0])
            id_text(page + o + 16, descsz, true, gnu, idsz);
    }
}

static bool mismatch(ghf_core *c, bool force, const char *why, ghf_err *err)
{
    char more[700];
    if (strstr(why, "build ID") == NULL && (c->go_id.found || c->gnu_id.found)) {
        /* the core kept no build ID: still name the executable's */
        snprintf(more, sizeof more, "%s; the core keeps no build ID, the executable's is %s", why,
                 c->go_id.found ? c->go_id.id : c->gnu_id.id);
        why = more;
    }
    if (!force)
        return ghf_fail(err, GHF_EXIT_INPUT, "executable %s does not match the core: %s (--force overrides)",
                        c->exe_path, why);
    snprintf(c->match_how, sizeof c->match_how, "MISMATCH accepted by --force: %s", why);
    return true;
}

static bool check_match(ghf_core *c, const core_open_opts *opts, ghf_err *err)
{
    bool force = opts != NULL && opts->force;
    char go[256], gnu[256], why[600];
    const char *how = NULL;

    /* Go-ness first: a build-ID mismatch with --force as the remedy would
     * send the user of /bin/ls on a detour to "not a Go program". */
    if (!c->go_id.found && find_section(c, ".go.buildinfo") == NULL && find_section(c, ".gopclntab") == NULL)
        return ghf_fail(err, GHF_EXIT_UNSUPPORTED, "%s is not a Go program (no Go build ID, .go.buildinfo or "
                        ".gopclntab): goheapflame reads cores of Go programs only", c->exe_path);

    core_ids(c, go, gnu, sizeof go);
    if (go[0] && c->go_id.found) {
        if (strcmp(go, c->go_id.id) != 0) {
            snprintf(why, sizeof why, "core has Go build ID %s, executable has %s", go, c->go_id.id);
            return mismatch(c, force, why, err);
        }
        how = "Go build ID";
    }
    if (gnu[0] && c->gnu_id.found) {
        if (strcmp(gnu, c->gnu_id.id) != 0) {
            snprintf(why, sizeof why, "core has GNU build ID %s, executable has %s", gnu, c->gnu_id.id);
            return mismatch(c, force, why, err);
        }
        how = how ? "Go and GNU build IDs" : "GNU build ID";
    }
    if (how) {
        snprintf(c->match_how, sizeof c->match_how, "%s", how);
        return true;
    }
    if (c->have_entry && (c->exe_type == ET_EXEC ? c->at_entry != c->exe_entry : (c->pie_bias & 0xfff) != 0)) {
        snprintf(why, sizeof why, "the process entry point was 0x%llx, the executable's is 0x%llx%s",
                 (unsigned long long)c->at_entry, (unsigned long long)c->exe_entry,
                 c->exe_type == ET_DYN ? " (not a whole number of pages away)" : "");
        return mismatch(c, force, why, err);
    }

    /* Fallback when the core lacks the ELF header page: the NT_FILE
     * entries of the executable must agree with its PT_LOADs, and the
     * core's .go.buildinfo (never written at run time) must equal the
     * executable's. */
    bool checked = false;
    why[0] = '\0';
    if (c->exe_mapped_path != NULL) {
        checked = true;
        for (size_t i = 0; i < c->files.n && !why[0]; i++) {
            const core_file_map *f = &c->files.v[i];
            if (strcmp(f->path, c->exe_mapped_path) != 0)
                continue;
            /* An entry may be part of a PT_LOAD (ld.so splits RELRO off) or
             * span several (the kernel merges neighbouring VMAs), but each
             * page of it must sit at the file offset its PT_LOAD gives. */
            bool found = true;
            for (uint64_t at = f->start; found && at < f->end;) {
                found = false;
                for (size_t j = 0; j < c->loads.n && !found; j++) {
                    const exe_load *l = &c->loads.v[j];
                    uint64_t seg = page_down(l->vaddr) + c->pie_bias;
                    uint64_t span = (l->memsz + (l->vaddr - page_down(l->vaddr)) + 0xfff) & ~(uint64_t)0xfff;
                    if (at - seg >= span || f->file_offset + (at - f->start) != page_down(l->offset) + (at - seg))
                        continue;
                    found = true;
                    uint64_t stop = seg + span < seg ? UINT64_MAX : seg + span; /* > at: progress */
                    at = stop < f->end ? stop : f->end;
                }
            }
            if (!found)
                snprintf(why, sizeof why, "the core maps %s at 0x%llx-0x%llx from file offset 0x%llx, which no "
                         "PT_LOAD of the executable does", f->path, (unsigned long long)f->start,
                         (unsigned long long)f->end, (unsigned long long)f->file_offset);
        }
    }
    const exe_section *bi = find_section(c, ".go.buildinfo");
    if (!why[0] && bi != NULL && bi->type != SHT_NOBITS && bi->size >= 32 && bi->size <= 4096) {
        uint8_t buf[4096];
        const uint8_t *mine = c->exe_map + bi->offset;
        size_t cmp_len = (mine[15] & 2) ? bi->size : 16; /* old layout holds relocated pointers */
        if (core_file_read(c, bi->addr + c->pie_bias, buf, bi->size)) {
            checked = true;
            if (memcmp(buf, mine, cmp_len) != 0) {
                char v_core[64], v_exe[64];
                buildinfo_version(c, buf, bi->size, v_core, sizeof v_core);
                buildinfo_version(c, mine, bi->size, v_exe, sizeof v_exe);
                snprintf(why, sizeof why, "the core's .go.buildinfo (%s) differs from the executable's (%s)",
                         v_core[0] ? v_core : "?", v_exe[0] ? v_exe : "?");
            }
        }
    }
    if (why[0])
        return mismatch(c, force, why, err);
    snprintf(c->match_how, sizeof c->match_how, "%s",
             checked ? "NT_FILE layout and .go.buildinfo (the core lacks the build-ID notes)"
                     : "unchecked (the core holds no build ID, NT_FILE entry or .go.buildinfo to compare)");
    return true;
}

/* ------------------------------------------------------------------ */
/* open / close                                                        */

static const char *kind_name(enum kind k)
{
    switch (k) {
    case K_NOT_ELF: return "not an ELF file";
    case K_SHORT: return "truncated: shorter than an ELF header";
    case K_OTHER_CLASS: return "not a 64-bit little-endian ELF file";
    case K_CORE: return "an ELF core file";
    case K_EXEC: return "an ELF executable";
    default: return "an ELF file of another type";
    }
}

static bool check_kinds(ghf_core *c, ghf_err *err)
{
    uint16_t cm, em;
    enum kind ck = file_kind(c->core_map, c->core_size, &cm);
    enum kind ek = file_kind(c->exe_map, c->exe_size, &em);
    if (ck == K_EXEC && ek == K_CORE)
        return ghf_fail(err, GHF_EXIT_INPUT,
                        "the arguments are swapped: %s is an ELF executable and %s is a core file (give the core "
                        "first)", c->core_path, c->exe_path);
    if (ck == K_EXEC)
        return ghf_fail(err, GHF_EXIT_INPUT, "%s is an ELF executable, not a core file", c->core_path);
    if (ck != K_CORE)
        return ghf_fail(err, ck == K_OTHER_CLASS ? GHF_EXIT_UNSUPPORTED : GHF_EXIT_INPUT, "core %s is %s",
                        c->core_path, kind_name(ck));
    c->arch = arch_by_elf_machine(cm);
    if (c->arch == NULL)
        return ghf_fail(err, GHF_EXIT_UNSUPPORTED, "core %s is for ELF machine %u; only %s are supported",
                        c->core_path, cm, arch_supported());
    if (ek == K_CORE)
        return ghf_fail(err, GHF_EXIT_INPUT, "%s is a core file, not an executable", c->exe_path);
    if (ek != K_EXEC)
        return ghf_fail(err, ek == K_OTHER_CLASS ? GHF_EXIT_UNSUPPORTED : GHF_EXIT_INPUT, "executable %s is %s",
                        c->exe_path, kind_name(ek));
    const arch_desc *ea = arch_by_elf_machine(em);
    if (ea == NULL)
        return ghf_fail(err, GHF_EXIT_UNSUPPORTED, "executable %s is for ELF machine %u; only %s are supported",
                        c->exe_path, em, arch_supported());
    if (ea != c->arch)
        return ghf_fail(err, GHF_EXIT_INPUT,
                        "executable %s does not match the core: it is an %s (%s) program and core %s is of an %s "
                        "(%s) process", c->exe_path, ea->elf_name, ea->name, c->core_path, c->arch->elf_name,
                        c->arch->name);
    return true;
}

static bool read_core(ghf_core *c, const core_open_opts *opts, ghf_err *err)
{
    Elf *e = elf_memory((char *)c->core_map, c->core_size);
    if (e == NULL)
        return ghf_fail(err, GHF_EXIT_INPUT, "core %s: %s", c->core_path, elf_errmsg(-1));
    bool ok = false;
    size_t phnum = 0;
    /* libelf reports program headers cut off by the end of the file as
     * none at all; name the truncation instead. (file_kind checked the size
     * of the ELF header.) */
    Elf64_Ehdr eh;
    memcpy(&eh, c->core_map, sizeof eh);
    if (eh.e_phnum != PN_XNUM && eh.e_phentsize == sizeof(Elf64_Phdr) &&
        (eh.e_phoff > c->core_size || (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr) > c->core_size - eh.e_phoff)) {
        ghf_fail(err, GHF_EXIT_INPUT, "core %s is truncated: its program headers end at offset %llu but the file has %zu bytes",
                 c->core_path, (unsigned long long)(eh.e_phoff + (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr)),
                 c->core_size);
        goto out;
    }
    if (elf_getphdrnum(e, &phnum) != 0) {
        ghf_fail(err, GHF_EXIT_INPUT, "core %s: %s", c->core_path, elf_errmsg(-1));
        goto out;
    }
    if (phnum > c->core_size / sizeof(Elf64_Phdr)) {
        ghf_fail(err, GHF_EXIT_INPUT, "core %s is truncated: it claims %zu program headers", c->core_path, phnum);
        goto out;
    }
    size_t nnotes = 0;
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        if (gelf_getphdr(e, (int)i, &ph) == NULL) {
            ghf_fail(err, GHF_EXIT_INPUT, "core %s is truncated or corrupt: program header %zu: %s", c->core_path,
                     i, elf_errmsg(-1));
            goto out;
        }
        if (ph.p_type != PT_NOTE)
            continue;
        if (ph.p_offset > c->core_size || ph.p_filesz > c->core_size - ph.p_offset) {
            ghf_fail(err, GHF_EXIT_INPUT,
                     "core %s is truncated: its notes end at offset %llu but the file has %zu bytes", c->core_path,
                     (unsigned long long)(ph.p_offset + ph.p_filesz), c->core_size);
            goto out;
        }
        if (!parse_core_notes(c, c->core_map + ph.p_offset, ph.p_filesz, err))
            goto out;
        nnotes++;
    }
    if (nnotes == 0) {
        ghf_fail(err, GHF_EXIT_INPUT, "core %s has no PT_NOTE segment", c->core_path);
        goto out;
    }
    if (!c->have_entry && c->exe_type == ET_DYN) {
        ghf_fail(err, GHF_EXIT_INPUT,
                 "core %s has no AT_ENTRY in NT_AUXV, so the position-independent executable cannot be placed",
                 c->core_path);
        goto out;
    }
    /* A fixed-address executable has no bias, whatever AT_ENTRY says (a
     * different AT_ENTRY means another executable: check_match reports it). */
    c->pie_bias = c->exe_type == ET_DYN ? c->at_entry - c->exe_entry : 0;
    if (!build_address_space(c, e, phnum, err))
        goto out;
    ok = true;
out:
    elf_end(e);
    return ok;
}

/* Everything after the core's bytes are in c->core_map. */
static bool open_rest(ghf_core *c, const char *exe_path, const core_open_opts *opts, ghf_err *err)
{
    c->exe_path = xstrdup(exe_path, err);
    if (c->exe_path == NULL || !map_file(exe_path, "executable", &c->exe_map, &c->exe_size, err) ||
        !check_kinds(c, err) || !read_exe(c, err) || !read_core(c, opts, err))
        return false;
    const exe_section *symtab = find_section(c, ".symtab"), *strtab = find_section(c, ".strtab");
    if (symtab && strtab && symtab->type == SHT_SYMTAB && !index_symbols(c, symtab, strtab, err))
        return false;
    const exe_section *bi = find_section(c, ".go.buildinfo");
    if (bi && bi->type != SHT_NOBITS) {
        buildinfo_version(c, c->exe_map + bi->offset, bi->size, c->go_version, sizeof c->go_version);
        c->modules = buildinfo_modules(c->exe_map + bi->offset, bi->size);
    }
    return check_match(c, opts, err);
}

bool core_open(const char *core_path, const char *exe_path, const core_open_opts *opts, ghf_core **out,
               ghf_err *err)
{
    *out = NULL;
    if (elf_version(EV_CURRENT) == EV_NONE)
        return ghf_fail(err, GHF_EXIT_INTERNAL, "libelf is unusable: %s", elf_errmsg(-1));
    ghf_core *c = ghf_xcalloc(1, sizeof *c, err);
    if (c == NULL)
        return false;
    c->core_path = xstrdup(core_path, err);
    if (c->core_path == NULL || !map_file(core_path, "core", &c->core_map, &c->core_size, err) ||
        !open_rest(c, exe_path, opts, err)) {
        core_close(c);
        return false;
    }
    *out = c;
    return true;
}

bool core_open_image(uint8_t *image, size_t size, const char *name, const char *exe_path,
                     const core_open_opts *opts, ghf_core **out, ghf_err *err)
{
    *out = NULL;
    ghf_core *c = elf_version(EV_CURRENT) == EV_NONE ? NULL : ghf_xcalloc(1, sizeof *c, err);
    if (c == NULL) {
        munmap(image, size);
        return err->code ? false : ghf_fail(err, GHF_EXIT_INTERNAL, "libelf is unusable: %s", elf_errmsg(-1));
    }
    c->core_map = image;
    c->core_size = size;
    c->core_in_memory = true;
    c->core_path = xstrdup(name, err);
    if (c->core_path == NULL || !open_rest(c, exe_path, opts, err)) {
        core_close(c);
        return false;
    }
    *out = c;
    return true;
}

void core_close(ghf_core *c)
{
    if (c == NULL)
        return;
    if (c->core_map)
        munmap((void *)c->core_map, c->core_size);
    if (c->exe_map)
        munmap((void *)c->exe_map, c->exe_size);
    free(c->modules);
    VEC_FREE(&c->pieces);
    VEC_FREE(&c->core_only);
    VEC_FREE(&c->threads);
    VEC_FREE(&c->files);
    VEC_FREE(&c->loads);
    VEC_FREE(&c->sections);
    VEC_FREE(&c->syms);
    free(c->sym_hash);
    free(c->sym_maxend);
    free(c->core_path);
    free(c->exe_path);
    free(c);
}

/* ------------------------------------------------------------------ */
/* accessors                                                           */

bool core_truncated(const ghf_core *c) { return c->truncated; }
uint64_t core_missing_bytes(const ghf_core *c) { return c->missing; }
uint64_t core_file_size(const ghf_core *c) { return c->core_size; }
const arch_desc *core_arch(const ghf_core *c) { return c->arch; }
size_t core_thread_count(const ghf_core *c) { return c->threads.n; }
const core_thread *core_threads(const ghf_core *c) { return c->threads.v; }
size_t core_file_map_count(const ghf_core *c) { return c->files.n; }
const core_file_map *core_file_maps(const ghf_core *c) { return c->files.v; }
uint64_t core_pie_bias(const ghf_core *c) { return c->pie_bias; }
int core_pid(const ghf_core *c) { return c->pid; }
const char *core_exe_path(const ghf_core *c) { return c->exe_path; }
const char *core_go_build_id(const ghf_core *c) { return c->go_id.found ? c->go_id.id : ""; }
const char *core_gnu_build_id(const ghf_core *c) { return c->gnu_id.found ? c->gnu_id.id : ""; }
const char *core_exe_go_version(const ghf_core *c) { return c->go_version; }
const char *core_exe_modules(const ghf_core *c) { return c->modules ? c->modules : ""; }
const char *core_exe_match(const ghf_core *c) { return c->match_how; }

bool core_symbol(const ghf_core *c, const char *name, uint64_t *addr, uint64_t *size)
{
    if (c->sym_hash == NULL)
        return false;
    for (size_t h = hash_str(name) & c->sym_hash_mask;; h = (h + 1) & c->sym_hash_mask) {
        uint32_t e = c->sym_hash[h];
        if (e == 0)
            return false;
        const exe_sym *s = &c->syms.v[e - 1];
        if (strcmp(s->name, name) == 0) {
            if (addr)
                *addr = s->addr;
            if (size)
                *size = s->size;
            return true;
        }
    }
}

const char *core_symbol_at(const ghf_core *c, uint64_t addr, uint64_t *off)
{
    /* last symbol starting at or before addr */
    size_t lo = 0, hi = c->syms.n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->syms.v[mid].addr <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    /* walk back over symbols that might still contain addr (nested or
     * zero-sized markers); sym_maxend bounds the walk */
    for (size_t i = lo, steps = 0; i > 0 && steps < 64; i--, steps++) {
        const exe_sym *s = &c->syms.v[i - 1];
        if (c->sym_maxend[i - 1] <= addr && !(s->size == 0 && s->addr == addr))
            break;
        if (addr - s->addr < s->size) {
            if (off)
                *off = addr - s->addr;
            return s->name;
        }
    }
    return NULL;
}

const uint8_t *core_exe_section(const ghf_core *c, const char *name, size_t *size, uint64_t *addr)
{
    const exe_section *s = find_section(c, name);
    if (s == NULL || s->type == SHT_NOBITS)
        return NULL;
    if (size)
        *size = s->size;
    if (addr)
        *addr = s->addr + c->pie_bias;
    return c->exe_map + s->offset;
}

bool core_exe_section_range(const ghf_core *c, const char *name, uint64_t *addr, uint64_t *size)
{
    const exe_section *s = find_section(c, name);
    if (s == NULL)
        return false;
    if (addr)
        *addr = s->addr + c->pie_bias;
    if (size)
        *size = s->size;
    return true;
}
