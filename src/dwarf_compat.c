/* dwarf_compat.c — libdwarf behind one interface (see dwarf_compat.h).
 *
 * Two APIs are supported at compile time:
 *   - the 2021 releases (e.g. 20210528, Debian bookworm): no version macro;
 *   - the 0.x / 2.x series (libdwarf.pc, headers in libdwarf-0/): defines
 *     DW_LIBDWARF_VERSION_MAJOR/MINOR.
 * Only the first is compile-tested here; the 0.x branch follows the 0.x
 * headers (dwarf_init_b without `access`, dwarf_finish(dbg),
 * dwarf_next_cu_header_e/dwarf_siblingof_c from 0.9, dwarf_dealloc_loc_head_c,
 * dwarf_get_locdesc_entry_e from 2.0).
 */
#include "dwarf_compat.h"

#include <dwarf.h>
#include <libdwarf.h>

#include <fcntl.h>
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
#  if DW_LIBDWARF_VERSION_MAJOR >= 2
#    define DWC_HAVE_LOCDESC_E 1   /* _d was removed with the 2.0 clean-up */
#  endif
#  define DWC_INIT(fd, dbg, e) dwarf_init_b((fd), DW_GROUPNUMBER_ANY, NULL, NULL, (dbg), (e))
#  define DWC_FINISH(dbg) dwarf_finish(dbg)
#  define DWC_LOC_HEAD_DEALLOC(h) dwarf_dealloc_loc_head_c(h)
#else
#  define DWC_INIT(fd, dbg, e) dwarf_init_b((fd), DW_DLC_READ, DW_GROUPNUMBER_ANY, NULL, NULL, (dbg), (e))
#  define DWC_FINISH(dbg) dwarf_finish((dbg), NULL)
#  define DWC_LOC_HEAD_DEALLOC(h) dwarf_loc_head_c_dealloc(h)
#endif

/* ---------------------------------------------------------------------- */

struct dwc {
    int fd;
    Dwarf_Debug dbg;
    uint16_t cu_version;
    VEC(dwc_loc_entry) loc;   /* scratch for the DIE being visited */
    VEC(dwc_op) ops;
};

/* Turn a libdwarf error into ours and free it. */
static bool dw_fail(dwc *c, Dwarf_Error e, const char *what, uint64_t off, ghf_err *err)
{
    const char *msg = e ? dwarf_errmsg(e) : "unknown error";
    ghf_fail(err, GHF_EXIT_INPUT, "corrupt DWARF: %s at .debug_info offset 0x%llx: %s",
             what, (unsigned long long)off, msg ? msg : "?");
    if (e)
        dwarf_dealloc_error(c->dbg, e);
    return false;
}

bool dwc_open(const char *path, dwc **out, ghf_err *err)
{
    *out = NULL;
    dwc *c = ghf_xcalloc(1, sizeof *c, err);
    if (c == NULL)
        return false;
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
            ghf_fail(err, GHF_EXIT_UNSUPPORTED, "%s has no DWARF (stripped with -w?)", path);
        }
        close(c->fd);
        free(c);
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

/* Decode the subset of DWARF expressions Go emits for variables. Returns
 * false for anything else (the location is then left undecoded). */
static bool decode_expr(dwc *c, Dwarf_Die die, const uint8_t *p, size_t len, ghf_err *err,
                        bool *oom)
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
            Dwarf_Addr addr = 0;
            Dwarf_Error e = NULL;
            ok = read_uleb(&p, end, &idx) &&
                 dwarf_debug_addr_index_to_addr(die, idx, &addr, &e) == DW_DLV_OK;
            if (e)
                dwarf_dealloc_error(c->dbg, e);
            op.atom = DW_OP_addr;
            op.op1 = addr;
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

/* A location list (DWARF 4 .debug_loc or DWARF 5 .debug_loclists). */
static bool decode_loclist(dwc *c, Dwarf_Attribute a, uint64_t off, ghf_err *err, bool *decoded)
{
    Dwarf_Loc_Head_c head = NULL;
    Dwarf_Unsigned count = 0;
    Dwarf_Error e = NULL;
    int r = dwarf_get_loclist_c(a, &head, &count, &e);
    if (r == DW_DLV_NO_ENTRY)
        return true;
    if (r != DW_DLV_OK)
        return dw_fail(c, e, "location list", off, err);
    bool ok = true;
    *decoded = true;
    for (Dwarf_Unsigned i = 0; i < count && ok; i++) {
        Dwarf_Small lle = 0, source = 0;
        Dwarf_Unsigned rawlo = 0, rawhi = 0, nops = 0, exproff = 0, descoff = 0;
        Dwarf_Bool unavailable = 0;
        Dwarf_Addr lo = 0, hi = 0;
        Dwarf_Locdesc_c desc = NULL;
#ifdef DWC_HAVE_LOCDESC_E
        Dwarf_Unsigned lle_bytes = 0;
        r = dwarf_get_locdesc_entry_e(head, i, &lle, &rawlo, &rawhi, &unavailable, &lo, &hi,
                                      &nops, &lle_bytes, &desc, &source, &exproff, &descoff, &e);
#else
        r = dwarf_get_locdesc_entry_d(head, i, &lle, &rawlo, &rawhi, &unavailable, &lo, &hi,
                                      &nops, &desc, &source, &exproff, &descoff, &e);
#endif
        if (r != DW_DLV_OK) {
            ok = dw_fail(c, e, "location list entry", off, err);
            break;
        }
        if (nops == 0 || unavailable)
            continue; /* base-address and end-of-list entries carry no expression */
        if (source == DW_LKIND_expression) {
            lo = 0;
            hi = UINT64_MAX;
        } else if (lo >= hi) {
            continue;
        }
        dwc_loc_entry le = {.lo = lo, .hi = hi, .first_op = (uint32_t)c->ops.n, .nops = 0};
        for (Dwarf_Unsigned j = 0; j < nops; j++) {
            Dwarf_Small atom = 0;
            Dwarf_Unsigned o1 = 0, o2 = 0, o3 = 0, r1 = 0, r2 = 0, r3 = 0, br = 0;
            r = dwarf_get_location_op_value_d(desc, j, &atom, &o1, &o2, &o3, &r1, &r2, &r3, &br, &e);
            if (r != DW_DLV_OK) {
                ok = dw_fail(c, e, "location operation", off, err);
                break;
            }
            /* Operands come back "cooked": DW_OP_addrx is already an address. */
            dwc_op op = {.atom = atom == DW_OP_addrx ? DW_OP_addr : atom, .op1 = o1, .op2 = o2};
            if (!VEC_PUSH(&c->ops, op, err)) {
                ok = false;
                break;
            }
            le.nops++;
        }
        if (ok && !VEC_PUSH(&c->loc, le, err))
            ok = false;
    }
    DWC_LOC_HEAD_DEALLOC(head);
    return ok;
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

static bool decode_location(dwc *c, Dwarf_Die die, Dwarf_Attribute a, Dwarf_Half form,
                            dwc_die *d, ghf_err *err)
{
    d->has_location = true;
    if (!is_block_form(form))
        return decode_loclist(c, a, d->off, err, &d->location_decoded);
    const uint8_t *bytes;
    size_t len;
    Dwarf_Block *blk;
    if (!expr_bytes(c, a, form, d->off, &bytes, &len, &blk, err))
        return false;
    bool oom = false;
    if (len > 0 && decode_expr(c, die, bytes, len, err, &oom)) {
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

static bool ref_attr(dwc *c, Dwarf_Attribute a, uint64_t off, uint64_t *out, ghf_err *err)
{
    Dwarf_Off o = 0;
    Dwarf_Error e = NULL;
    if (dwarf_global_formref(a, &o, &e) != DW_DLV_OK)
        return dw_fail(c, e, "reference", off, err);
    *out = o;
    return true;
}

static bool udata_attr(dwc *c, Dwarf_Attribute a, uint64_t off, uint64_t *out, ghf_err *err)
{
    Dwarf_Unsigned v = 0;
    Dwarf_Error e = NULL;
    if (dwarf_formudata(a, &v, &e) != DW_DLV_OK)
        return dw_fail(c, e, "constant", off, err);
    *out = v;
    return true;
}

static bool sdata_attr(dwc *c, Dwarf_Attribute a, uint64_t off, int64_t *out, ghf_err *err)
{
    Dwarf_Signed v = 0;
    Dwarf_Error e = NULL;
    if (dwarf_formsdata(a, &v, &e) == DW_DLV_OK) {
        *out = v;
        return true;
    }
    if (e)
        dwarf_dealloc_error(c->dbg, e);
    e = NULL;
    uint64_t u;
    if (!udata_attr(c, a, off, &u, err))
        return false;
    *out = (int64_t)u;
    return true;
}

static bool addr_attr(dwc *c, Dwarf_Attribute a, Dwarf_Half form, uint64_t off, uint64_t *out,
                      ghf_err *err)
{
    if (form == DW_FORM_addr || form == DW_FORM_addrx || form == DW_FORM_GNU_addr_index ||
        (form >= DW_FORM_addrx1 && form <= DW_FORM_addrx4)) {
        Dwarf_Addr v = 0;
        Dwarf_Error e = NULL;
        if (dwarf_formaddr(a, &v, &e) != DW_DLV_OK)
            return dw_fail(c, e, "address", off, err);
        *out = v;
        return true;
    }
    return udata_attr(c, a, off, out, err);
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
    switch (at) {
    case DW_AT_name:
    case DW_AT_producer: {
        char *s = NULL;
        if (dwarf_formstring(a, &s, &e) != DW_DLV_OK)
            return dw_fail(c, e, "string", d->off, err);
        if (at == DW_AT_name)
            d->name = s;
        else
            d->producer = s;
        return true;
    }
    case DW_AT_type:
        return ref_attr(c, a, d->off, &d->type_off, err);
    case DW_AT_abstract_origin:
        return ref_attr(c, a, d->off, &d->origin_off, err);
    case 0x2901: /* DW_AT_go_key */
        return ref_attr(c, a, d->off, &d->go_key_off, err);
    case 0x2902: /* DW_AT_go_elem */
        return ref_attr(c, a, d->off, &d->go_elem_off, err);
    case DW_AT_byte_size:
        d->has_byte_size = true;
        return udata_attr(c, a, d->off, &d->byte_size, err);
    case DW_AT_data_member_location:
        if (is_block_form(form))
            return true; /* Go always uses a constant; anything else is not ours */
        d->has_member_off = true;
        return udata_attr(c, a, d->off, &d->member_off, err);
    case DW_AT_count:
        d->has_count = true;
        return udata_attr(c, a, d->off, &d->count, err);
    case DW_AT_upper_bound:
        *has_ub = true;
        return sdata_attr(c, a, d->off, upper_bound, err);
    case DW_AT_low_pc:
        d->has_pc = true;
        return addr_attr(c, a, form, d->off, &d->lowpc, err);
    case DW_AT_high_pc:
        *high_is_offset = !(form == DW_FORM_addr || form == DW_FORM_addrx ||
                            (form >= DW_FORM_addrx1 && form <= DW_FORM_addrx4));
        return addr_attr(c, a, form, d->off, &d->highpc, err);
    case DW_AT_const_value:
        d->has_const = true;
        return sdata_attr(c, a, d->off, &d->const_value, err);
    case 0x2900: /* DW_AT_go_kind */
        if (!udata_attr(c, a, d->off, &u, err))
            return false;
        d->go_kind = (uint32_t)u;
        return true;
    case 0x2903: /* DW_AT_go_embedded_field (DW_FORM_flag) */
        if (form == DW_FORM_flag || form == DW_FORM_flag_present) {
            Dwarf_Bool f = 0;
            if (dwarf_formflag(a, &f, &e) != DW_DLV_OK)
                return dw_fail(c, e, "flag", d->off, err);
            d->go_embedded = f != 0;
            return true;
        }
        if (!udata_attr(c, a, d->off, &u, err))
            return false;
        d->go_embedded = u != 0;
        return true;
    case 0x2904: /* DW_AT_go_runtime_type */
        d->has_go_runtime_type = true;
        return addr_attr(c, a, form, d->off, &d->go_runtime_type, err);
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
        return decode_location(c, die, a, form, d, err);
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
    Dwarf_Error e = NULL;
    Dwarf_Off off = 0;
    Dwarf_Half tag = 0;
    if (dwarf_dieoffset(die, &off, &e) != DW_DLV_OK)
        return dw_fail(c, e, "DIE offset", 0, err);
    d->off = off;
    if (dwarf_tag(die, &tag, &e) != DW_DLV_OK)
        return dw_fail(c, e, "DIE tag", off, err);
    d->tag = tag;
    Dwarf_Half children = 0;
    if (dwarf_die_abbrev_children_flag(die, &children) == DW_DLV_OK)
        d->has_children = children != 0;

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
        if (!read_die(c, cur, &d, err) || !visit(ctx, &d, depth, &descend, err))
            goto fail;
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

bool dwc_walk(dwc *c, dwc_visit_fn visit, void *ctx, ghf_err *err)
{
    for (;;) {
        Dwarf_Die cu = NULL;
        Dwarf_Error e = NULL;
        int r = next_cu(c, &cu, &e);
        if (r == DW_DLV_NO_ENTRY)
            return true;
        if (r != DW_DLV_OK)
            return dw_fail(c, e, "unit header", 0, err);
        if (!walk_unit(c, cu, visit, ctx, err))
            return false;
    }
}
