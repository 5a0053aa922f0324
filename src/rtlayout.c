/* rtlayout.c — the catalogue of runtime layouts goheapflame looks up, and
 * its dump from DWARF (see include/rtlayout.h). */
#include "rtlayout.h"

#include <stdlib.h>
#include <string.h>

#include "goruntime.h"
#include "vec.h"

/* Every struct member looked up by name in goruntime.c, gstack.c, heap.c,
 * heap_types.c, gotype.c and roots.c (historical names side by side), and
 * the types whose size or presence they ask for (path ""). A new look-up
 * there needs a line here and scripts/gen-rtlayout.sh run again. */
static const char *const catalogue[][2] = {
    {"runtime.mspan", ""}, {"runtime.mspan", "startAddr"}, {"runtime.mspan", "npages"},
    {"runtime.mspan", "freeindex"}, {"runtime.mspan", "nelems"}, {"runtime.mspan", "allocBits"},
    {"runtime.mspan", "spanclass"}, {"runtime.mspan", "state"}, {"runtime.mspan", "elemsize"},
    {"runtime.mspan", "limit"}, {"runtime.mspan", "largeType"}, {"runtime.mspan", "specials"},
    {"runtime.mheap", "allspans"}, {"runtime.mheap", "arenas"}, {"runtime.mheap", "pagesInUse"},
    {"runtime.heapArena", "bitmap"}, {"runtime.heapArena", "heapArenaPtrScalar.bitmap"},
    {"runtime.g", "stack.lo"}, {"runtime.g", "stack.hi"}, {"runtime.g", "sched.sp"},
    {"runtime.g", "sched.pc"}, {"runtime.g", "sched.bp"}, {"runtime.g", "sched.lr"},
    {"runtime.g", "syscallsp"}, {"runtime.g", "syscallpc"}, {"runtime.g", "syscallbp"},
    {"runtime.g", "atomicstatus"}, {"runtime.g", "goid"}, {"runtime.g", "waitreason"},
    {"runtime.g", "startpc"}, {"runtime.g", "m"},
    {"runtime.m", "procid"}, {"runtime.m", "alllink"}, {"runtime.m", "isextra"}, {"runtime.m", "gsignal"},
    {"runtime.m", "g0"}, {"runtime.m", "vdsoSP"}, {"runtime.m", "vdsoPC"},
    {"runtime.schedt", "gFree.n"}, {"runtime.schedt", "gFree.stack.size"},
    {"runtime.schedt", "gFree.noStack.size"}, {"runtime.schedt", "ngsys"},
    {"runtime.p", "gFree.n"}, {"runtime.p", "gFree.size"},
    {"runtime.moduledata", "text"}, {"runtime.moduledata", "data"}, {"runtime.moduledata", "edata"},
    {"runtime.moduledata", "bss"}, {"runtime.moduledata", "ebss"}, {"runtime.moduledata", "types"},
    {"runtime.moduledata", "rodata"}, {"runtime.moduledata", "gofunc"},
    {"runtime.moduledata", "gcdatamask.n"}, {"runtime.moduledata", "gcdatamask.bytedata"},
    {"runtime.moduledata", "gcbssmask.n"}, {"runtime.moduledata", "gcbssmask.bytedata"},
    {"runtime.moduledata", "next"}, {"runtime.moduledata", "pcHeader"}, {"runtime.moduledata", "pclntable"},
    {"runtime.moduledata", "typelinks"},
    {"runtime.spanInlineMarkBits", ""},
    {"internal/abi.Type", ""}, {"internal/abi.Type", "Size_"}, {"internal/abi.Type", "PtrBytes"},
    {"internal/abi.Type", "TFlag"}, {"internal/abi.Type", "Kind_"}, {"internal/abi.Type", "GCData"},
    {"internal/abi.Type", "Str"},
    {"runtime._type", ""}, {"runtime._type", "size"}, {"runtime._type", "ptrdata"}, {"runtime._type", "tflag"},
    {"runtime._type", "kind"}, {"runtime._type", "gcdata"}, {"runtime._type", "str"},
    {"internal/abi.ArrayType", "Elem"}, {"internal/abi.ArrayType", "Len"},
    {"internal/abi.StructType", "Fields"},
    {"internal/abi.StructField", ""}, {"internal/abi.StructField", "Typ"}, {"internal/abi.StructField", "Offset"},
    {"internal/abi.ITab", "Type"}, {"runtime.itab", "_type"},
    {"runtime.hmap", ""}, {"runtime.hmap", "B"}, {"runtime.hmap", "buckets"}, {"runtime.hmap", "oldbuckets"},
    {"internal/runtime/maps.Map", ""}, {"internal/runtime/maps.Map", "dirPtr"},
    {"internal/runtime/maps.Map", "dirLen"},
    {"internal/runtime/maps.table", ""}, {"internal/runtime/maps.table", "groups.data"},
    {"internal/runtime/maps.table", "groups.lengthMask"},
    {"runtime.hchan", ""}, {"runtime.hchan", "buf"}, {"runtime.hchan", "dataqsiz"},
    {"runtime.hchan", "elemtype"},
    {"runtime.special", "next"}, {"runtime.special", "offset"}, {"runtime.special", "kind"},
    {"runtime.specialfinalizer", "fn"}, {"runtime.specialCleanup", "fn"},
    {"runtime.specialCleanup", "cleanup.call"}, {"runtime.specialCleanup", "cleanup.fn"},
    {"runtime.specialCleanup", "cleanup.arg"},
    {"runtime.finBlock", ""}, {"runtime.finBlock", "alllink"}, {"runtime.finBlock", "cnt"},
    {"runtime.finBlock", "fin"},
    {"runtime.finblock", ""}, {"runtime.finblock", "alllink"}, {"runtime.finblock", "cnt"},
    {"runtime.finblock", "fin"},
    {"runtime.finalizer", ""}, {"runtime.finalizer", "fn"}, {"runtime.finalizer", "arg"},
    {"runtime.finalizer", "fint"}, {"runtime.finalizer", "ot"},
    {"runtime.cleanupQueue", "all"},
    {"runtime.cleanupBlock", ""}, {"runtime.cleanupBlock", "alllink"}, {"runtime.cleanupBlock", "n"},
    {"runtime.cleanupBlock", "cleanups"}, {"runtime.cleanupFn", ""},
    {"runtime.gcBgMarkWorkerNode", "gp"},
    {"unsafe.Pointer", ""},
};

static const char *const constants[] = {
    "runtime._PageSize", "runtime.pageSize", "runtime.heapArenaBytes", "runtime.arenaBaseOffsetUintptr",
    "runtime.arenaBaseOffset", "runtime.arenaL1Bits", "runtime.arenaL2Bits", "runtime.mSpanInUse",
    "runtime.minSizeForMallocHeader", "runtime.mallocHeaderSize", "internal/abi.TFlagGCMaskOnDemand",
    "runtime._KindSpecialFinalizer", "runtime._KindSpecialCleanup",
};

const rtl_block *rtl_block_for(const char *arch, int minor)
{
    for (uint32_t i = 0; i < rtl_nblocks; i++)
        if (rtl_blocks[i].minor == minor && strcmp(rtl_blocks[i].arch, arch) == 0)
            return &rtl_blocks[i];
    return NULL;
}

/* Rows whose paths this dump owns; types are the catalogue's. */
typedef VEC(rtl_row) row_vec;

static int cmp_row(const void *a, const void *b)
{
    const rtl_row *x = a, *y = b;
    int c = strcmp(x->type, y->type);
    return c ? c : strcmp(x->path, y->path);
}

static bool add_row(row_vec *rows, rtl_row r, ghf_err *err)
{
    for (size_t i = 0; i < rows->n; i++)
        if (strcmp(rows->v[i].type, r.type) == 0 && strcmp(rows->v[i].path, r.path) == 0) {
            free((char *)r.path);
            return true;
        }
    return VEC_PUSH(rows, r, err);
}

static char *dup_n(const char *s, size_t n, ghf_err *err)
{
    char *p = ghf_xcalloc(1, n + 1, err);
    if (p != NULL)
        memcpy(p, s, n);
    return p;
}

/* The rows one catalogue entry gives: the member path's prefixes (members
 * holding the next part) and the member itself. */
static bool entry_rows(const dwx *d, const char *type, const char *path, row_vec *rows, ghf_err *err)
{
    dwx_type_id id = dwx_type_by_name(d, type);
    const dwx_type *t = dwx_type_get(d, dwx_resolve(d, id));
    if (t == NULL)
        return true;
    char *none = dup_n("", 0, err);
    if (none == NULL || !add_row(rows, (rtl_row){type, none, 0, (uint32_t)t->size, false}, err))
        return false;
    if (path[0] == '\0')
        return true;
    rt_field leaf = rt_field_lookup(d, type, path);
    if (leaf.size == 0)
        return true;
    uint64_t off = 0;
    for (const char *p = path; *p;) {
        size_t n = strcspn(p, ".");
        char part[64];
        if (n >= sizeof part)
            return true;
        memcpy(part, p, n);
        part[n] = '\0';
        const dwx_field *f = dwx_field_by_name(d, id, part);
        if (f == NULL)
            return true;
        off += f->offset;
        id = f->type;
        if (p[n] == '\0')
            break;
        const dwx_type *ft = dwx_type_get(d, dwx_resolve(d, id));
        char *pre = dup_n(path, (size_t)(p + n - path), err);
        if (pre == NULL ||
            !add_row(rows, (rtl_row){type, pre, (uint32_t)off, ft ? (uint32_t)ft->size : 0, false}, err))
            return false;
        p += n + 1;
    }
    char *full = dup_n(path, strlen(path), err);
    return full != NULL && add_row(rows, (rtl_row){type, full, leaf.off, leaf.size, true}, err);
}

static void print_row(FILE *out, const rtl_row *r, bool as_c)
{
    if (as_c)
        fprintf(out, "    {\"%s\", \"%s\", %u, %u, %s},\n", r->type, r->path, r->off, r->size,
                r->leaf ? "true" : "false");
    else
        fprintf(out, "row %s %s %u %u %s\n", r->type, r->path[0] ? r->path : "-", r->off, r->size,
                r->leaf ? "leaf" : "member");
}

static void print_const(FILE *out, const rtl_const *c, bool as_c)
{
    if (as_c)
        fprintf(out, "    {\"%s\", %lld},\n", c->name, (long long)c->value);
    else
        fprintf(out, "const %s %lld\n", c->name, (long long)c->value);
}

bool rtl_dump_dwarf(const dwx *d, const char *arch, int minor, const char *version, bool as_c, FILE *out, ghf_err *err)
{
    row_vec rows = {0};
    bool ok = true;
    for (size_t i = 0; ok && i < sizeof catalogue / sizeof *catalogue; i++)
        ok = entry_rows(d, catalogue[i][0], catalogue[i][1], &rows, err);
    if (ok) {
        qsort(rows.v, rows.n, sizeof *rows.v, cmp_row);
        if (as_c)
            fprintf(out, "/* %s %s */\nstatic const rtl_row rows_%s_1_%d[] = {\n", arch, version, arch, minor);
        for (size_t i = 0; i < rows.n; i++)
            print_row(out, &rows.v[i], as_c);
        if (as_c)
            fprintf(out, "};\nstatic const rtl_const consts_%s_1_%d[] = {\n", arch, minor);
        for (size_t i = 0; i < sizeof constants / sizeof *constants; i++) {
            rtl_const c = {constants[i], 0};
            if (dwx_const(d, c.name, &c.value))
                print_const(out, &c, as_c);
        }
        if (as_c)
            fprintf(out, "};\n");
    }
    for (size_t i = 0; i < rows.n; i++)
        free((char *)rows.v[i].path);
    VEC_FREE(&rows);
    return ok;
}

void rtl_dump_block(const rtl_block *b, FILE *out)
{
    for (uint32_t i = 0; i < b->nrows; i++)
        print_row(out, &b->rows[i], false);
    for (uint32_t i = 0; i < b->nconsts; i++)
        print_const(out, &b->consts[i], false);
}
