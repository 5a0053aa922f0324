/* dwarf_compat.c — libdwarf behind one interface (see dwarf_compat.h).
 *
 * Two APIs are supported at compile time:
 *   - the 2021 releases (e.g. 20210528, Debian bookworm): no version macro;
 *   - the 0.x / 2.x series (libdwarf.pc, headers in libdwarf-0/): defines
 *     DW_LIBDWARF_VERSION_MAJOR/MINOR.
 * Only the first is compile-tested here; the 0.x branch follows the 0.x
 * headers (dwarf_init_b without `access`, dwarf_finish(dbg),
 * dwarf_next_cu_header_e/dwarf_siblingof_c from 0.9, dwarf_dealloc_loc_head_c,
 * dwarf_dealloc_die).
 *
 * Location lists are parsed here from the raw .debug_loc / .debug_loclists
 * bytes (read and decompressed with libelf) instead of through
 * dwarf_get_loclist_c: libdwarf 20210528 reads out of bounds on a corrupt
 * .debug_loclists entry (observed SEGV) and leaks on its error path, and the
 * formats are small.
 */
#include "dwarf_compat.h"

#include <dwarf.h>
#include <libdwarf.h>

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vec.h"

/* ---- the API differences, as macros ---------------------------------- */

#ifdef DW_LIBDWARF_VERSION_MAJOR
#  define DWC_API_0X 1
#  if DW_LIBDWARF_VERSION_MAJOR > 0 || DW_LIBDWARF_VERSION_MINOR >= 9
#    define DWC_HAVE_CU_HEADER_E 1 /* dwarf_next_cu_header_e returns the CU DIE; dwarf_siblingof_c */
#  endif
#  define DWC_INIT(fd, dbg, e) dwarf_init_b((fd), DW_GROUPNUMBER_ANY, NULL, NULL, (dbg), (e))
#  define DWC_FINISH(dbg) dwarf_finish(dbg)
#else
#  define DWC_INIT(fd, dbg, e) dwarf_init_b((fd), DW_DLC_READ, DW_GROUPNUMBER_ANY, NULL, NULL, (dbg), (e))
#  define DWC_FINISH(dbg) dwarf_finish((dbg), NULL)
#endif

/* ---------------------------------------------------------------------- */

/* A raw (decompressed) section, read with libelf. */
typedef struct raw_sect {
    const uint8_t *p;
    size_t n;
} raw_sect;

struct dwc {
    int fd;
    const char *path;
    Dwarf_Debug dbg;
    Elf *elf;                    /* owns the raw sections' bytes */
    raw_sect sec_loc, sec_loclists, sec_addr; /* .debug_loc (v4), .debug_loclists, .debug_addr (v5) */
    raw_sect sec_info;           /* .debug_info: read only past a unit libdwarf cannot open */
    uint16_t cu_version;
    uint64_t cu_abbrev_off, unit_off, next_unit_off; /* of the unit being walked */
    bool visit_failed;           /* the walk stopped in the visitor, not in the DWARF */
    uint64_t cu_lowpc, cu_addr_base, cu_loclists_base; /* of the unit being walked */
    VEC(dwc_loc_entry) loc;   /* scratch for the DIE being visited */
    VEC(dwc_op) ops;
};

/* Turn a libdwarf error into ours and free it. */
static bool dw_fail(dwc *c, Dwarf_Error e, const char *what, uint64_t off, ghf_err *err)
{
    const char *msg = e ? dwarf_errmsg(e) : "unknown error";
    if (msg == NULL)
        msg = "?";
    int len = (int)strlen(msg); /* libdwarf's messages end in ". " */
    while (len > 0 && (msg[len - 1] == ' ' || msg[len - 1] == '.'))
        len--;
    ghf_fail(err, GHF_EXIT_INPUT, "corrupt DWARF: %s at .debug_info offset 0x%llx: %.*s",
             what, (unsigned long long)off, len, msg);
    if (e)
        dwarf_dealloc_error(c->dbg, e);
    return false;
}

/* Section `want`, decompressed if SHF_COMPRESSED; left empty if absent. */
static bool load_section(dwc *c, const char *want, raw_sect *r, ghf_err *err)
{
    size_t shstrndx;
    if (elf_getshdrstrndx(c->elf, &shstrndx) != 0)
        return ghf_fail(err, GHF_EXIT_INPUT, "%s: cannot read ELF sections: %s", c->path, elf_errmsg(-1));
    for (Elf_Scn *s = NULL; (s = elf_nextscn(c->elf, s)) != NULL;) {
        GElf_Shdr sh;
        if (gelf_getshdr(s, &sh) == NULL || sh.sh_type == SHT_NOBITS)
            continue;
        const char *name = elf_strptr(c->elf, shstrndx, sh.sh_name);
        if (name == NULL || strcmp(name, want) != 0)
            continue;
        if ((sh.sh_flags & SHF_COMPRESSED) && elf_compress(s, 0, 0) < 0)
            return ghf_fail(err, GHF_EXIT_INPUT, "%s: cannot decompress %s: %s", c->path, name, elf_errmsg(-1));
        Elf_Data *d = elf_getdata(s, NULL);
        if (d == NULL || (d->d_size > 0 && d->d_buf == NULL))
            return ghf_fail(err, GHF_EXIT_INPUT, "%s: cannot read %s: %s", c->path, name, elf_errmsg(-1));
        r->p = d->d_buf;
        r->n = d->d_size;
        return true;
    }
    return true;
}

/* The sections location lists need (.debug_info only if a unit is damaged). */
static bool load_raw_sections(dwc *c, const char *path, ghf_err *err)
{
    if (elf_version(EV_CURRENT) == EV_NONE)
        return ghf_fail(err, GHF_EXIT_INTERNAL, "libelf: %s", elf_errmsg(-1));
    c->elf = elf_begin(c->fd, ELF_C_READ_MMAP, NULL);
    if (c->elf == NULL || elf_kind(c->elf) != ELF_K_ELF)
        return ghf_fail(err, GHF_EXIT_INPUT, "%s: cannot read ELF sections: %s", path, elf_errmsg(-1));
    return load_section(c, ".debug_loc", &c->sec_loc, err) &&
           load_section(c, ".debug_loclists", &c->sec_loclists, err) &&
           load_section(c, ".debug_addr", &c->sec_addr, err);
}

bool dwc_open(const char *path, dwc **out, ghf_err *err)
{
    *out = NULL;
    dwc *c = ghf_xcalloc(1, sizeof *c, err);
    if (c == NULL)
        return false;
    c->path = path;
    c->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (c->fd < 0) {
        free(c);
        return ghf_fail(err, GHF_EXIT_INPUT, "cannot open %s", path);
    }
    /* Without this flag libdwarf records every allocation in a hash table so
     * that dwarf_finish can free leftovers; we free everything ourselves and
     * the bookkeeping costs a large share of the walk. */
    dwarf_set_de_alloc_flag(0);
    Dwarf_Error e = NULL;
    int r = DWC_INIT(c->fd, &c->dbg, &e);
    if (r != DW_DLV_OK) {
        if (r == DW_DLV_ERROR) {
            ghf_fail(err, GHF_EXIT_INPUT, "%s: libdwarf cannot read its DWARF: %s", path,
                     e ? dwarf_errmsg(e) : "?");
            if (e)
                dwarf_dealloc_error(NULL, e);
        } else {
            ghf_fail(err, GHF_EXIT_UNSUPPORTED, "%s has no DWARF (built with -ldflags=-w, or stripped)", path);
        }
        close(c->fd);
        free(c);
        return false;
    }
    if (!load_raw_sections(c, path, err)) {
        dwc_close(c);
        return false;
    }
    *out = c;
    return true;
}

void dwc_close(dwc *c)
{
    if (c == NULL)
        return;
    if (c->dbg)
        DWC_FINISH(c->dbg);
    if (c->elf)
        elf_end(c->elf);
    close(c->fd);
    VEC_FREE(&c->loc);
    VEC_FREE(&c->ops);
    free(c);
}

/* ---- location expressions --------------------------------------------- */

static bool read_uleb(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
    uint64_t r = 0;
    unsigned shift = 0;
    while (*p < end) {
        uint8_t b = *(*p)++;
        if (shift < 64)
            r |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
        if (!(b & 0x80)) {
            *v = r;
            return true;
        }
    }
    return false;
}

static bool read_sleb(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
    uint64_t r = 0;
    unsigned shift = 0;
    while (*p < end) {
        uint8_t b = *(*p)++;
        if (shift < 64)
            r |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
        if (!(b & 0x80)) {
            if (shift < 64 && (b & 0x40))
                r |= ~(uint64_t)0 << shift;
            *v = r;
            return true;
        }
    }
    return false;
}

static bool read_fixed(const uint8_t **p, const uint8_t *end, unsigned n, bool sign, uint64_t *v)
{
    if ((size_t)(end - *p) < n)
        return false;
    uint64_t r = 0;
    for (unsigned i = 0; i < n; i++)
        r |= (uint64_t)(*p)[i] << (8 * i);
    if (sign && n < 8 && (r >> (8 * n - 1)) & 1)
        r |= ~(uint64_t)0 << (8 * n);
    *p += n;
    *v = r;
    return true;
}

static bool debug_addr(const dwc *c, uint64_t idx, uint64_t *out);

/* Decode the subset of DWARF expressions Go emits for variables. Returns
 * false for anything else (the location is then left undecoded). */
static bool decode_expr(dwc *c, const uint8_t *p, size_t len, ghf_err *err, bool *oom)
{
    const uint8_t *end = p + len;
    while (p < end) {
        dwc_op op = {.atom = *p++};
        uint8_t a = op.atom;
        bool ok = true;
        if (a == DW_OP_addr) {
            ok = read_fixed(&p, end, 8, false, &op.op1);
        } else if (a == DW_OP_addrx) {
            uint64_t idx;
            ok = read_uleb(&p, end, &idx) && debug_addr(c, idx, &op.op1);
            op.atom = DW_OP_addr;
        } else if (a >= DW_OP_const1u && a <= DW_OP_const8s) {
            static const unsigned sz[] = {1, 1, 2, 2, 4, 4, 8, 8};
            unsigned k = a - DW_OP_const1u;
            ok = read_fixed(&p, end, sz[k], k & 1, &op.op1);
        } else if (a == DW_OP_constu || a == DW_OP_plus_uconst || a == DW_OP_piece ||
                   a == DW_OP_regx) {
            ok = read_uleb(&p, end, &op.op1);
        } else if (a == DW_OP_consts || a == DW_OP_fbreg || (a >= DW_OP_breg0 && a <= DW_OP_breg31)) {
            ok = read_sleb(&p, end, &op.op1);
        } else if (a == DW_OP_bregx) {
            ok = read_uleb(&p, end, &op.op1) && read_sleb(&p, end, &op.op2);
        } else if (a == DW_OP_call_frame_cfa || a == DW_OP_plus || a == DW_OP_minus ||
                   a == DW_OP_stack_value || (a >= DW_OP_lit0 && a <= DW_OP_lit31) ||
                   (a >= DW_OP_reg0 && a <= DW_OP_reg31)) {
            /* no operands */
        } else {
            return false;
        }
        if (!ok)
            return false;
        if (!VEC_PUSH(&c->ops, op, err)) {
            *oom = true;
            return false;
        }
    }
    return true;
}

/* A section offset: DW_FORM_sec_offset (which dwarf_formudata refuses) or a
 * constant in DWARF before 4. */
static bool offset_attr(dwc *c, Dwarf_Attribute a, uint64_t off, uint64_t *out, ghf_err *err)
{
    Dwarf_Unsigned v = 0;
    Dwarf_Error e = NULL;
    if (dwarf_formudata(a, &v, &e) == DW_DLV_OK) {
        *out = v;
        return true;
    }
    if (e)
        dwarf_dealloc_error(c->dbg, e);
    e = NULL;
    Dwarf_Off o = 0;
    if (dwarf_global_formref(a, &o, &e) != DW_DLV_OK)
        return dw_fail(c, e, "section offset", off, err);
    *out = o;
    return true;
}

/* .debug_addr entry `idx` of the current unit. */
static bool debug_addr(const dwc *c, uint64_t idx, uint64_t *out)
{
    uint64_t at = c->cu_addr_base + idx * 8;
    if (idx > c->sec_addr.n / 8 || at > c->sec_addr.n || c->sec_addr.n - at < 8)
        return false;
    const uint8_t *p = c->sec_addr.p + at;
    return read_fixed(&p, p + 8, 8, false, out);
}

static bool push_entry(dwc *c, uint64_t lo, uint64_t hi, const uint8_t *expr, size_t len,
                       ghf_err *err, bool *oom)
{
    if (lo >= hi || len == 0)
        return true; /* empty range or optimized away */
    size_t first = c->ops.n;
    if (!decode_expr(c, expr, len, err, oom)) {
        c->ops.n = first; /* an expression we do not model: leave this range out */
        return !*oom;
    }
    dwc_loc_entry le = {lo, hi, (uint32_t)first, (uint32_t)(c->ops.n - first)};
    if (!VEC_PUSH(&c->loc, le, err))
        *oom = true;
    return !*oom;
}

/* Walk one location list. Everything is bounds-checked against its section. */
static bool parse_loclist(dwc *c, uint64_t off, ghf_err *err, bool *oom)
{
    const raw_sect *sec = c->cu_version >= 5 ? &c->sec_loclists : &c->sec_loc;
    if (off >= sec->n)
        return false;
    const uint8_t *p = sec->p + off, *end = sec->p + sec->n;
    uint64_t base = c->cu_lowpc;
    for (;;) {
        uint64_t a, b, len;
        if (c->cu_version < 5) {
            /* DWARF 4: (begin, end) pairs relative to the base; (~0, x) sets
             * the base; (0, 0) ends the list. */
            if (!read_fixed(&p, end, 8, false, &a) || !read_fixed(&p, end, 8, false, &b))
                return false;
            if (a == 0 && b == 0)
                return true;
            if (a == UINT64_MAX) {
                base = b;
                continue;
            }
            if (!read_fixed(&p, end, 2, false, &len) || (uint64_t)(end - p) < len)
                return false;
            if (!push_entry(c, base + a, base + b, p, len, err, oom))
                return false;
            p += len;
            continue;
        }
        if (p >= end)
            return false;
        uint8_t kind = *p++;
        uint64_t lo, hi;
        switch (kind) {
        case DW_LLE_end_of_list:
            return true;
        case DW_LLE_base_addressx:
            if (!read_uleb(&p, end, &a) || !debug_addr(c, a, &base))
                return false;
            continue;
        case DW_LLE_base_address:
            if (!read_fixed(&p, end, 8, false, &base))
                return false;
            continue;
        case DW_LLE_startx_endx:
            if (!read_uleb(&p, end, &a) || !read_uleb(&p, end, &b) || !debug_addr(c, a, &lo) ||
                !debug_addr(c, b, &hi))
                return false;
            break;
        case DW_LLE_startx_length:
            if (!read_uleb(&p, end, &a) || !read_uleb(&p, end, &b) || !debug_addr(c, a, &lo))
                return false;
            hi = lo + b;
            break;
        case DW_LLE_offset_pair:
            if (!read_uleb(&p, end, &a) || !read_uleb(&p, end, &b))
                return false;
            lo = base + a;
            hi = base + b;
            break;
        case DW_LLE_default_location:
            lo = 0;
            hi = UINT64_MAX;
            break;
        case DW_LLE_start_end:
            if (!read_fixed(&p, end, 8, false, &lo) || !read_fixed(&p, end, 8, false, &hi))
                return false;
            break;
        case DW_LLE_start_length:
            if (!read_fixed(&p, end, 8, false, &lo) || !read_uleb(&p, end, &b))
                return false;
            hi = lo + b;
            break;
        default:
            return false;
        }
        if (!read_uleb(&p, end, &len) || (uint64_t)(end - p) < len)
            return false;
        if (!push_entry(c, lo, hi, p, len, err, oom))
            return false;
        p += len;
    }
}

/* A location list: DW_FORM_sec_offset (or data4/8 before DWARF 4) into
 * .debug_loc/.debug_loclists, or DW_FORM_loclistx through the unit's offsets
 * table at DW_AT_loclists_base. */
static bool decode_loclist(dwc *c, Dwarf_Attribute a, Dwarf_Half form, uint64_t off, ghf_err *err,
                           bool *decoded)
{
    uint64_t v;
    if (!offset_attr(c, a, off, &v, err))
        return false;
    uint64_t list = v;
    if (form == DW_FORM_loclistx) {
        uint64_t at = c->cu_loclists_base + v * 4; /* 32-bit DWARF offsets */
        const uint8_t *p = c->sec_loclists.p + at;
        if (v > c->sec_loclists.n / 4 || at > c->sec_loclists.n ||
            !read_fixed(&p, c->sec_loclists.p + c->sec_loclists.n, 4, false, &list))
            return ghf_fail(err, GHF_EXIT_INPUT, "corrupt DWARF: location list index %llu out of range at "
                            ".debug_info offset 0x%llx", (unsigned long long)v, (unsigned long long)off);
        list += c->cu_loclists_base;
    }
    bool oom = false;
    if (!parse_loclist(c, list, err, &oom)) {
        if (oom)
            return false;
        return ghf_fail(err, GHF_EXIT_INPUT, "corrupt DWARF: bad location list at %s offset 0x%llx "
                        "(.debug_info offset 0x%llx)", c->cu_version >= 5 ? ".debug_loclists" : ".debug_loc",
                        (unsigned long long)list, (unsigned long long)off);
    }
    *decoded = true;
    return true;
}

/* Raw bytes of an exprloc/block attribute. */
static bool expr_bytes(dwc *c, Dwarf_Attribute a, Dwarf_Half form, uint64_t off,
                       const uint8_t **bytes, size_t *len, Dwarf_Block **blk, ghf_err *err)
{
    Dwarf_Error e = NULL;
    *blk = NULL;
    if (form == DW_FORM_exprloc) {
        Dwarf_Unsigned n = 0;
        Dwarf_Ptr p = NULL;
        if (dwarf_formexprloc(a, &n, &p, &e) != DW_DLV_OK)
            return dw_fail(c, e, "expression", off, err);
        *bytes = p;
        *len = n;
        return true;
    }
    if (dwarf_formblock(a, blk, &e) != DW_DLV_OK)
        return dw_fail(c, e, "block", off, err);
    *bytes = (*blk)->bl_data;
    *len = (*blk)->bl_len;
    return true;
}

static bool is_block_form(Dwarf_Half f)
{
    return f == DW_FORM_exprloc || f == DW_FORM_block1 || f == DW_FORM_block2 ||
           f == DW_FORM_block4 || f == DW_FORM_block;
}

static bool decode_location(dwc *c, Dwarf_Attribute a, Dwarf_Half form, dwc_die *d, ghf_err *err)
{
    d->has_location = true;
    if (!is_block_form(form))
        return decode_loclist(c, a, form, d->off, err, &d->location_decoded);
    const uint8_t *bytes;
    size_t len;
    Dwarf_Block *blk;
    if (!expr_bytes(c, a, form, d->off, &bytes, &len, &blk, err))
        return false;
    bool oom = false;
    if (len > 0 && decode_expr(c, bytes, len, err, &oom)) {
        dwc_loc_entry le = {.lo = 0, .hi = UINT64_MAX, .first_op = 0, .nops = (uint32_t)c->ops.n};
        if (!VEC_PUSH(&c->loc, le, err))
            oom = true;
        d->location_decoded = true;
    } else if (len == 0) {
        d->location_decoded = true; /* an empty expression: optimized away */
    }
    if (blk)
        dwarf_dealloc(c->dbg, blk, DW_DLA_BLOCK);
    return !oom;
}

/* ---- one DIE ------------------------------------------------------------ */

/* Form classes (DWARF 5 section 7.5.5). An attribute in a form outside the
 * class this module reads it as (a C VLA's DW_AT_upper_bound as a reference
 * or an expression, a 128-bit DW_AT_const_value) has no value here: it is
 * skipped, never an error. */
static bool is_addr_form(Dwarf_Half f)
{
    return f == DW_FORM_addr || f == DW_FORM_addrx || f == DW_FORM_GNU_addr_index ||
           (f >= DW_FORM_addrx1 && f <= DW_FORM_addrx4);
}

static bool is_const_form(Dwarf_Half f)
{
    return f == DW_FORM_data1 || f == DW_FORM_data2 || f == DW_FORM_data4 || f == DW_FORM_data8 ||
           f == DW_FORM_sdata || f == DW_FORM_udata || f == DW_FORM_implicit_const;
}

static bool is_ref_form(Dwarf_Half f)
{
    return (f >= DW_FORM_ref1 && f <= DW_FORM_ref_udata) || f == DW_FORM_ref_addr ||
           f == DW_FORM_ref_sup4 || f == DW_FORM_ref_sup8 || f == DW_FORM_GNU_ref_alt;
}

static bool is_string_form(Dwarf_Half f)
{
    return f == DW_FORM_string || f == DW_FORM_strp || f == DW_FORM_line_strp || f == DW_FORM_strx ||
           (f >= DW_FORM_strx1 && f <= DW_FORM_strx4) || f == DW_FORM_GNU_str_index ||
           f == DW_FORM_strp_sup || f == DW_FORM_GNU_strp_alt;
}

static bool ref_attr(dwc *c, Dwarf_Attribute a, Dwarf_Half form, uint64_t off, uint64_t *out, ghf_err *err)
{
    if (!is_ref_form(form))
        return true; /* DW_FORM_ref_sig8 (type units) and the like: not indexed */
    Dwarf_Off o = 0;
    Dwarf_Error e = NULL;
    if (dwarf_global_formref(a, &o, &e) != DW_DLV_OK)
        return dw_fail(c, e, "reference", off, err);
    *out = o;
    return true;
}

/* The value of DW_FORM_implicit_const, which lives in the abbreviation, not
 * in .debug_info: from the DIE's abbreviation entry for attribute `at`. */
static bool implicit_const(dwc *c, Dwarf_Die die, Dwarf_Half at, uint64_t off, int64_t *out, ghf_err *err)
{
    Dwarf_Off abbrev_off = 0;
    Dwarf_Unsigned count = 0, len = 0, nattr = 0;
    Dwarf_Abbrev ab = NULL;
    Dwarf_Error e = NULL;
    if (dwarf_die_abbrev_global_offset(die, &abbrev_off, &count, &e) != DW_DLV_OK ||
        dwarf_get_abbrev(c->dbg, abbrev_off, &ab, &len, &nattr, &e) != DW_DLV_OK)
        return dw_fail(c, e, "abbreviation of an implicit constant", off, err);
    bool found = false;
    for (Dwarf_Unsigned i = 0; i < nattr && !found; i++) {
        Dwarf_Unsigned attr = 0, form = 0;
        Dwarf_Signed value = 0;
        Dwarf_Off entry_off = 0;
        if (dwarf_get_abbrev_entry_b(ab, i, 1, &attr, &form, &value, &entry_off, &e) != DW_DLV_OK) {
            dwarf_dealloc(c->dbg, ab, DW_DLA_ABBREV);
            return dw_fail(c, e, "abbreviation entry", off, err);
        }
        if (attr == at && form == DW_FORM_implicit_const) {
            *out = value;
            found = true;
        }
    }
    dwarf_dealloc(c->dbg, ab, DW_DLA_ABBREV);
    if (!found)
        return ghf_fail(err, GHF_EXIT_INPUT, "corrupt DWARF: implicit constant missing from its abbreviation "
                        "at .debug_info offset 0x%llx", (unsigned long long)off);
    return true;
}

/* A constant-class attribute, read by its form: dwarf_formudata for data1..8
 * and udata (zero-extended, as gcc writes unsigned bounds such as 199 in one
 * byte), dwarf_formsdata for sdata, the abbreviation for implicit_const (both
 * signed). *has is false for any other form (data16 included: no 64-bit
 * value). `is_signed` only documents what the caller stores. */
static bool const_attr(dwc *c, Dwarf_Die die, Dwarf_Attribute a, Dwarf_Half at, Dwarf_Half form, bool is_signed,
                       uint64_t off, uint64_t *out, bool *has, ghf_err *err)
{
    Dwarf_Error e = NULL;
    *has = false;
    if (!is_const_form(form))
        return true;
    if (form == DW_FORM_implicit_const) {
        int64_t v = 0;
        if (!implicit_const(c, die, at, off, &v, err))
            return false;
        *out = (uint64_t)v;
    } else if (form == DW_FORM_sdata) {
        Dwarf_Signed v = 0;
        if (dwarf_formsdata(a, &v, &e) != DW_DLV_OK)
            return dw_fail(c, e, "constant", off, err);
        *out = (uint64_t)v;
    } else {
        Dwarf_Unsigned v = 0;
        if (dwarf_formudata(a, &v, &e) != DW_DLV_OK)
            return dw_fail(c, e, "constant", off, err);
        *out = v;
    }
    *has = true;
    return true;
}

/* An address (DW_FORM_addr, addrx*: dwarf_formaddr) or, for DW_AT_high_pc,
 * a constant offset from low_pc. */
static bool addr_attr(dwc *c, Dwarf_Die die, Dwarf_Attribute a, Dwarf_Half at, Dwarf_Half form, uint64_t off,
                      uint64_t *out, bool *has, ghf_err *err)
{
    if (!is_addr_form(form))
        return const_attr(c, die, a, at, form, false, off, out, has, err);
    Dwarf_Addr v = 0;
    Dwarf_Error e = NULL;
    if (dwarf_formaddr(a, &v, &e) != DW_DLV_OK)
        return dw_fail(c, e, "address", off, err);
    *out = v;
    *has = true;
    return true;
}

static bool string_attr(dwc *c, Dwarf_Attribute a, Dwarf_Half form, uint64_t off, const char **out, ghf_err *err)
{
    if (!is_string_form(form))
        return true;
    char *s = NULL;
    Dwarf_Error e = NULL;
    if (dwarf_formstring(a, &s, &e) != DW_DLV_OK)
        return dw_fail(c, e, "string", off, err);
    *out = s;
    return true;
}

static bool read_attr(dwc *c, Dwarf_Die die, Dwarf_Attribute a, dwc_die *d, bool *high_is_offset,
                      int64_t *upper_bound, bool *has_ub, ghf_err *err)
{
    Dwarf_Half at = 0, form = 0;
    Dwarf_Error e = NULL;
    if (dwarf_whatattr(a, &at, &e) != DW_DLV_OK)
        return dw_fail(c, e, "attribute", d->off, err);
    if (dwarf_whatform(a, &form, &e) != DW_DLV_OK)
        return dw_fail(c, e, "attribute form", d->off, err);
    uint64_t u;
    bool has = false;
    switch (at) {
    case DW_AT_name:
        return string_attr(c, a, form, d->off, &d->name, err);
    case DW_AT_producer:
        return string_attr(c, a, form, d->off, &d->producer, err);
    case DW_AT_type:
        return ref_attr(c, a, form, d->off, &d->type_off, err);
    case DW_AT_abstract_origin:
        return ref_attr(c, a, form, d->off, &d->origin_off, err);
    case 0x2901: /* DW_AT_go_key */
        return ref_attr(c, a, form, d->off, &d->go_key_off, err);
    case 0x2902: /* DW_AT_go_elem */
        return ref_attr(c, a, form, d->off, &d->go_elem_off, err);
    case DW_AT_byte_size:
        return const_attr(c, die, a, at, form, false, d->off, &d->byte_size, &d->has_byte_size, err);
    case DW_AT_data_member_location:
        /* Go always uses a constant; an expression (C++ virtual bases) is not ours */
        return const_attr(c, die, a, at, form, false, d->off, &d->member_off, &d->has_member_off, err);
    case DW_AT_count:
        return const_attr(c, die, a, at, form, false, d->off, &d->count, &d->has_count, err);
    case DW_AT_upper_bound:
        return const_attr(c, die, a, at, form, true, d->off, (uint64_t *)upper_bound, has_ub, err);
    case DW_AT_low_pc:
        return addr_attr(c, die, a, at, form, d->off, &d->lowpc, &d->has_pc, err);
    case DW_AT_high_pc:
        *high_is_offset = !is_addr_form(form);
        return addr_attr(c, die, a, at, form, d->off, &d->highpc, &has, err);
    case DW_AT_const_value:
        return const_attr(c, die, a, at, form, true, d->off, (uint64_t *)&d->const_value, &d->has_const, err);
    case 0x2900: /* DW_AT_go_kind */
        if (!const_attr(c, die, a, at, form, false, d->off, &u, &has, err))
            return false;
        d->go_kind = has ? (uint32_t)u : 0;
        return true;
    case 0x2903: /* DW_AT_go_embedded_field (DW_FORM_flag) */
        if (form == DW_FORM_flag || form == DW_FORM_flag_present) {
            Dwarf_Bool f = 0;
            if (dwarf_formflag(a, &f, &e) != DW_DLV_OK)
                return dw_fail(c, e, "flag", d->off, err);
            d->go_embedded = f != 0;
            return true;
        }
        if (!const_attr(c, die, a, at, form, false, d->off, &u, &has, err))
            return false;
        d->go_embedded = has && u != 0;
        return true;
    case 0x2906: /* DW_AT_go_dict_index */
        return const_attr(c, die, a, at, form, false, d->off, &d->go_dict_index, &d->has_dict_index, err);
    case 0x2907: /* DW_AT_go_closure_offset */
        return const_attr(c, die, a, at, form, false, d->off, &d->go_closure_offset, &d->has_closure_offset, err);
    case 0x2904: /* DW_AT_go_runtime_type */
        return addr_attr(c, die, a, at, form, d->off, &d->go_runtime_type, &d->has_go_runtime_type, err);
    case DW_AT_inline:
        d->is_abstract = true;
        return true;
    case DW_AT_frame_base:
        if (is_block_form(form)) {
            const uint8_t *b;
            size_t len;
            Dwarf_Block *blk;
            if (!expr_bytes(c, a, form, d->off, &b, &len, &blk, err))
                return false;
            d->frame_base_is_cfa = len == 1 && b[0] == DW_OP_call_frame_cfa;
            if (blk)
                dwarf_dealloc(c->dbg, blk, DW_DLA_BLOCK);
        }
        return true;
    case DW_AT_location:
        return decode_location(c, a, form, d, err);
    case DW_AT_addr_base:
        return offset_attr(c, a, d->off, &c->cu_addr_base, err);
    case DW_AT_loclists_base:
        return offset_attr(c, a, d->off, &c->cu_loclists_base, err);
    default:
        return true;
    }
}

static bool read_die(dwc *c, Dwarf_Die die, dwc_die *d, ghf_err *err)
{
    memset(d, 0, sizeof *d);
    c->loc.n = 0;
    c->ops.n = 0;
    d->cu_version = c->cu_version;
    d->cu_abbrev_off = c->cu_abbrev_off;
    Dwarf_Error e = NULL;
    Dwarf_Off off = 0;
    Dwarf_Half tag = 0;
    if (dwarf_dieoffset(die, &off, &e) != DW_DLV_OK)
        return dw_fail(c, e, "DIE offset", 0, err);
    d->off = off;
    if (dwarf_tag(die, &tag, &e) != DW_DLV_OK)
        return dw_fail(c, e, "DIE tag", off, err);
    d->tag = tag;
    /* Only the out-parameter is used: the 2021 API returns DW_DLV_OK, the 0.x
     * documentation says it returns the flag itself. */
    Dwarf_Half children = 0;
    (void)dwarf_die_abbrev_children_flag(die, &children);
    d->has_children = children != 0;

    /* Scopes: only their children matter to the index, and they are a fifth
     * of a Go binary's DIEs. */
    if (tag == DW_TAG_lexical_block || tag == DW_TAG_inlined_subroutine)
        return true;

    Dwarf_Attribute *list = NULL;
    Dwarf_Signed n = 0;
    int r = dwarf_attrlist(die, &list, &n, &e);
    if (r == DW_DLV_ERROR)
        return dw_fail(c, e, "attribute list", off, err);
    bool ok = true, high_is_offset = false, has_ub = false;
    int64_t ub = 0;
    if (r == DW_DLV_OK) {
        for (Dwarf_Signed i = 0; i < n; i++) {
            if (ok)
                ok = read_attr(c, die, list[i], d, &high_is_offset, &ub, &has_ub, err);
            dwarf_dealloc_attribute(list[i]);
        }
        dwarf_dealloc(c->dbg, list, DW_DLA_LIST);
    }
    if (!ok)
        return false;
    if (high_is_offset)
        d->highpc += d->lowpc;
    if (tag == DW_TAG_compile_unit && d->has_pc)
        c->cu_lowpc = d->lowpc; /* the initial base of the unit's location lists */
    if (!d->has_count && has_ub && ub >= -1) {
        d->has_count = true;
        d->count = (uint64_t)(ub + 1);
    }
    d->nloc = c->loc.n;
    d->loc = c->loc.v;
    d->ops = c->ops.v;
    return true;
}

/* ---- the walk ----------------------------------------------------------- */

static int next_cu(dwc *c, Dwarf_Die *cu, Dwarf_Error *e)
{
    Dwarf_Unsigned len = 0, typeoff = 0, next = 0;
    Dwarf_Half ver = 0, asize = 0, lsize = 0, xsize = 0, cutype = 0;
    Dwarf_Off abbrev = 0;
    Dwarf_Sig8 sig;
    *cu = NULL;
#ifdef DWC_HAVE_CU_HEADER_E
    int r = dwarf_next_cu_header_e(c->dbg, 1, cu, &len, &ver, &abbrev, &asize, &lsize, &xsize,
                                   &sig, &typeoff, &next, &cutype, e);
#else
    int r = dwarf_next_cu_header_d(c->dbg, 1, &len, &ver, &abbrev, &asize, &lsize, &xsize,
                                   &sig, &typeoff, &next, &cutype, e);
    if (r == DW_DLV_OK)
        r = dwarf_siblingof_b(c->dbg, NULL, 1, cu, e);
#endif
    c->cu_version = ver;
    c->cu_abbrev_off = abbrev;
    c->unit_off = c->next_unit_off;
    if (r == DW_DLV_OK)
        c->next_unit_off = next;
    return r;
}

static int sibling(dwc *c, Dwarf_Die die, Dwarf_Die *out, Dwarf_Error *e)
{
#ifdef DWC_HAVE_CU_HEADER_E
    (void)c;
    return dwarf_siblingof_c(die, out, e);
#else
    return dwarf_siblingof_b(c->dbg, die, 1, out, e);
#endif
}

static bool walk_unit(dwc *c, Dwarf_Die root, dwc_visit_fn visit, void *ctx, ghf_err *err)
{
    Dwarf_Die stack[DWC_MAX_DEPTH + 1];
    unsigned depth = 0;
    Dwarf_Die cur = root;
    dwc_die d;
    for (;;) {
        bool descend = true;
        if (!read_die(c, cur, &d, err))
            goto fail;
        if (!visit(ctx, &d, depth, &descend, err)) {
            c->visit_failed = true;
            goto fail;
        }
        if (descend && d.has_children && depth < DWC_MAX_DEPTH) {
            Dwarf_Die child = NULL;
            Dwarf_Error e = NULL;
            int r = dwarf_child(cur, &child, &e);
            if (r == DW_DLV_ERROR) {
                dw_fail(c, e, "child DIE", d.off, err);
                goto fail;
            }
            if (r == DW_DLV_OK) {
                stack[depth++] = cur;
                cur = child;
                continue;
            }
        }
        /* Next sibling; climb while a level is exhausted. */
        for (;;) {
            if (depth == 0) {
                dwarf_dealloc_die(cur);
                return true;
            }
            Dwarf_Die sib = NULL;
            Dwarf_Error e = NULL;
            int r = sibling(c, cur, &sib, &e);
            if (r == DW_DLV_ERROR) {
                dw_fail(c, e, "sibling DIE", d.off, err);
                goto fail;
            }
            dwarf_dealloc_die(cur);
            if (r == DW_DLV_OK) {
                cur = sib;
                break;
            }
            cur = stack[--depth];
        }
    }
fail:
    dwarf_dealloc_die(cur);
    while (depth > 0)
        dwarf_dealloc_die(stack[--depth]);
    return false;
}

/* Best effort, before the full read: the name and producer of a unit's root
 * DIE, so that damage found later in the unit can be blamed on it. Each is
 * looked up alone (gcc and clang put them first), and errors are ignored. */
static void unit_strings(dwc *c, Dwarf_Die root, dwc_unit *u)
{
    static const Dwarf_Half which[2] = {DW_AT_producer, DW_AT_name};
    for (int i = 0; i < 2; i++) {
        Dwarf_Attribute a = NULL;
        Dwarf_Error e = NULL;
        Dwarf_Half form = 0;
        char *str = NULL;
        if (dwarf_attr(root, which[i], &a, &e) != DW_DLV_OK) {
            if (e)
                dwarf_dealloc_error(c->dbg, e);
            continue;
        }
        if (dwarf_whatform(a, &form, &e) == DW_DLV_OK && is_string_form(form) &&
            dwarf_formstring(a, &str, &e) == DW_DLV_OK) {
            if (i == 0)
                u->producer = str;
            else
                u->name = str;
        }
        if (e)
            dwarf_dealloc_error(c->dbg, e);
        dwarf_dealloc_attribute(a);
    }
}

/* The header of the unit at `off` in the raw .debug_info (DWARF 2-5, 32- and
 * 64-bit): where its root DIE and the next unit start, its abbreviation
 * table. For the units libdwarf cannot reach. */
static bool raw_unit(const raw_sect *s, uint64_t off, dwc_unit *u, uint64_t *next)
{
    const uint8_t *p = s->p + off, *end = s->p + s->n;
    uint64_t len, v, type = 1;
    unsigned offsz = 4;
    if (off >= s->n || !read_fixed(&p, end, 4, false, &len))
        return false;
    if (len == 0xffffffff) {
        offsz = 8;
        if (!read_fixed(&p, end, 8, false, &len))
            return false;
    } else if (len >= 0xfffffff0) {
        return false;
    }
    if (len > (uint64_t)(end - p) || len < 2)
        return false;
    *next = (uint64_t)(p - s->p) + len;
    end = p + len;
    if (!read_fixed(&p, end, 2, false, &v))
        return false;
    u->off = off;
    u->version = (uint16_t)v;
    if (v >= 5 && !(read_fixed(&p, end, 1, false, &type) && read_fixed(&p, end, 1, false, &v)))
        return false;
    if (!read_fixed(&p, end, offsz, false, &u->abbrev_off))
        return false;
    if (u->version < 5 && !read_fixed(&p, end, 1, false, &v))
        return false;
    if (u->version >= 5 && type != DW_UT_compile && type != DW_UT_partial)
        p += type == DW_UT_type || type == DW_UT_split_type ? 8 + offsz : 8;
    u->die_off = (uint64_t)(p - s->p);
    return p <= end;
}

/* libdwarf could not open the unit at c->next_unit_off (an unknown form in
 * its abbreviations, for one) and, as it builds its unit list in order,
 * cannot open any unit after it either. Each is handed to `damaged`, the
 * later ones as unreached, from the unit headers in the raw .debug_info. */
static bool skip_rest(dwc *c, dwc_damage_fn damaged, void *ctx, const ghf_err *damage, ghf_err *err)
{
    *err = *damage;
    if (damaged == NULL)
        return false;
    if (c->sec_info.p == NULL && !load_section(c, ".debug_info", &c->sec_info, err))
        return false;
    uint64_t first = c->next_unit_off, next;
    for (uint64_t off = first; off < c->sec_info.n; off = next) {
        dwc_unit u = {.unreached = off != first};
        if (!raw_unit(&c->sec_info, off, &u, &next)) {
            *err = (ghf_err){0};
            return ghf_fail(err, GHF_EXIT_INPUT, "corrupt DWARF: bad unit header at .debug_info offset 0x%llx "
                            "(after the unreadable unit at 0x%llx: %s)", (unsigned long long)off,
                            (unsigned long long)first, damage->msg);
        }
        *err = (ghf_err){0};
        if (!u.unreached)
            *err = *damage;
        else
            ghf_fail(err, GHF_EXIT_INPUT, "corrupt DWARF: the unit at .debug_info offset 0x%llx cannot be read past "
                     "the unreadable unit at 0x%llx", (unsigned long long)off, (unsigned long long)first);
        if (!damaged(ctx, &u, err))
            return false;
    }
    *err = (ghf_err){0};
    return true;
}

bool dwc_walk(dwc *c, dwc_visit_fn visit, dwc_damage_fn damaged, void *ctx, ghf_err *err)
{
    for (;;) {
        Dwarf_Die cu = NULL;
        Dwarf_Error e = NULL;
        int r = next_cu(c, &cu, &e);
        if (r == DW_DLV_NO_ENTRY)
            return true;
        if (r != DW_DLV_OK) {
            ghf_err damage = {0};
            dw_fail(c, e, "unit", c->next_unit_off, &damage);
            return skip_rest(c, damaged, ctx, &damage, err);
        }
        /* Defaults when the unit has no DW_AT_addr_base / DW_AT_loclists_base:
         * just past the section headers (DWARF 5, 32-bit format). */
        c->cu_lowpc = 0;
        c->cu_addr_base = 8;
        c->cu_loclists_base = 12;
        c->visit_failed = false;
        dwc_unit u = {.off = c->unit_off, .abbrev_off = c->cu_abbrev_off, .version = c->cu_version};
        Dwarf_Off die_off = 0;
        if (dwarf_dieoffset(cu, &die_off, &e) == DW_DLV_OK)
            u.die_off = die_off;
        else if (e)
            dwarf_dealloc_error(c->dbg, e);
        unit_strings(c, cu, &u);
        if (walk_unit(c, cu, visit, ctx, err))
            continue;
        /* Damage inside the unit: the caller decides whether to go on. */
        if (c->visit_failed || damaged == NULL || !damaged(ctx, &u, err))
            return false;
        *err = (ghf_err){0};
    }
}
