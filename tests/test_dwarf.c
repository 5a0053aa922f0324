/* Tests for the DWARF index (include/dwarf_index.h) against ground truth
 * from the Go toolchains and from a test program that prints facts about
 * itself (tests/dwarf/testprog/main.go, built with every installed Go by
 * tests/dwarf/build-testprogs.sh; results cached in the build directory). */
#include <criterion/criterion.h>
#include <dwarf.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <unistd.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "dwarf_index.h"

#define OUTDIR GHF_TEST_BUILDDIR "/dwarf-testprogs"

/* The Go minor versions whose toolchain is installed (all 7 in CI). */
static int versions[16];
static size_t nversions;
#define NVERSIONS nversions

static void build_testprogs(void)
{
    static bool done;
    if (done)
        return;
    int rc = system("sh " GHF_TEST_SRCDIR "/dwarf/build-testprogs.sh " GHF_TEST_SRCDIR
                    "/dwarf/testprog " OUTDIR);
    cr_assert_eq(rc, 0, "building the Go test programs failed (see " OUTDIR "/build-*.log)");
    FILE *f = fopen(OUTDIR "/versions.txt", "r");
    cr_assert_not_null(f);
    int v;
    while (nversions < sizeof versions / sizeof *versions && fscanf(f, "%d", &v) == 1)
        versions[nversions++] = v;
    fclose(f);
    cr_assert_gt(nversions, 0, "no Go toolchain installed under /usr/lib/go-1.NN");
    done = true;
}

/* Every test starts from the built programs and the list of versions. */
TestSuite(dwarf, .init = build_testprogs);

static void path_for(char *buf, size_t n, int v, const char *file)
{
    snprintf(buf, n, OUTDIR "/go1.%d/%s", v, file);
}

static dwx *open_file(int v, const char *file)
{
    build_testprogs();
    char p[512];
    path_for(p, sizeof p, v, file);
    ghf_err err = {0};
    dwx *d = NULL;
    cr_assert(dwx_open(p, &d, &err), "go1.%d: %s", v, err.msg);
    return d;
}

static dwx *open_version(int v)
{
    return open_file(v, "exe");
}

/* A line "KEY... VALUE" of truth.txt whose prefix is `key`. */
static int64_t truth(int v, const char *key)
{
    char p[512], line[512];
    path_for(p, sizeof p, v, "truth.txt");
    FILE *f = fopen(p, "r");
    cr_assert_not_null(f, "%s", p);
    size_t kl = strlen(key);
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, key, kl) == 0 && line[kl] == ' ') {
            fclose(f);
            return strtoll(line + kl + 1, NULL, 10);
        }
    }
    fclose(f);
    cr_assert_fail("go1.%d: no '%s' in truth.txt", v, key);
    return 0;
}

/* `NAME [TYPE] = VALUE` in a Go source file of the toolchain; VALUE is an
 * integer literal or `1 << N`. Returns false if absent. */
static bool src_const(int v, const char *file, const char *name, int64_t *out)
{
    char p[512], line[512];
    snprintf(p, sizeof p, "/usr/lib/go-1.%d/src/%s", v, file);
    FILE *f = fopen(p, "r");
    if (f == NULL)
        return false;
    size_t nl = strlen(name);
    bool found = false;
    while (!found && fgets(line, sizeof line, f)) {
        char *s = line + strspn(line, " \t");
        if (strncmp(s, name, nl) != 0 || (s[nl] != ' ' && s[nl] != '\t'))
            continue;
        char *eq = strchr(s, '=');
        if (eq == NULL)
            continue;
        char *val = eq + 1 + strspn(eq + 1, " \t");
        char *end;
        long long x = strtoll(val, &end, 0);
        if (end == val)
            continue;
        end += strspn(end, " \t");
        if (strncmp(end, "<<", 2) == 0)
            x <<= strtoll(end + 2, NULL, 0);
        *out = x;
        found = true;
    }
    fclose(f);
    return found;
}

static const dwx_type *type_named(const dwx *d, int v, const char *name)
{
    dwx_type_id id = dwx_type_by_name(d, name);
    const dwx_type *t = dwx_type_get(d, id);
    cr_assert_not_null(t, "go1.%d: type %s missing", v, name);
    cr_assert_str_eq(t->name, name);
    return t;
}

static const dwx_type *resolved(const dwx *d, dwx_type_id id)
{
    return dwx_type_get(d, dwx_resolve(d, id));
}

Test(dwarf, version_and_producer)
{
    for (size_t i = 0; i < NVERSIONS; i++) {
        int v = versions[i];
        dwx *d = open_version(v);
        /* DWARF 5 from Go 1.25 (cmd/link), 4 before. */
        cr_expect_eq(dwx_dwarf_version(d), v >= 25 ? 5u : 4u, "go1.%d: DWARF v%u", v, dwx_dwarf_version(d));
        char want[32];
        snprintf(want, sizeof want, "go1.%d", v);
        cr_expect(strstr(dwx_producer(d), want) != NULL, "go1.%d: producer '%s'", v, dwx_producer(d));
        dwx_close(d);
    }
}

Test(dwarf, struct_layout_matches_program)
{
    static const char *outer_fields[] = {"A", "B", "C", "D", "E", "F", "G", "Inner", "H", "I"};
    /* exe-plain has the same DWARF, uncompressed. */
    for (size_t i = 0; i < 2 * NVERSIONS; i++) {
        int v = versions[i % NVERSIONS];
        dwx *d = open_file(v, i < NVERSIONS ? "exe" : "exe-plain");
        const dwx_type *outer = type_named(d, v, "main.Outer");
        cr_expect_eq(outer->tag, DW_TAG_structure_type);
        cr_expect_eq(outer->go_kind, 25u);
        cr_expect_eq((int64_t)outer->size, truth(v, "sizeof main.Outer"), "go1.%d", v);
        cr_expect_eq((int64_t)type_named(d, v, "main.Inner")->size, truth(v, "sizeof main.Inner"));
        cr_expect_eq(outer->nfields, 10u, "go1.%d: %u fields", v, outer->nfields);
        dwx_type_id oid = dwx_type_by_name(d, "main.Outer");
        for (size_t k = 0; k < sizeof outer_fields / sizeof *outer_fields; k++) {
            char key[64];
            snprintf(key, sizeof key, "offsetof main.Outer %s", outer_fields[k]);
            const dwx_field *f = dwx_field_by_name(d, oid, outer_fields[k]);
            cr_assert_not_null(f, "go1.%d: field %s", v, outer_fields[k]);
            cr_expect_eq((int64_t)f->offset, truth(v, key), "go1.%d: %s", v, key);
            cr_expect_eq(f->embedded, strcmp(outer_fields[k], "Inner") == 0, "go1.%d: %s embedded", v, key);
        }
        const dwx_field *y = dwx_field_by_name(d, dwx_type_by_name(d, "main.Inner"), "Y");
        cr_assert_not_null(y);
        cr_expect_eq((int64_t)y->offset, truth(v, "offsetof main.Inner Y"));
        cr_expect_null(dwx_field_by_name(d, oid, "NoSuchField"));

        /* Field types: pointer, slice, map, array, chan. */
        const dwx_type *b = dwx_type_get(d, dwx_field_by_name(d, oid, "B")->type);
        cr_expect_eq(b->tag, DW_TAG_pointer_type);
        cr_expect_eq(b->size, 8u);
        cr_expect_str_eq(resolved(d, b->elem)->name, "main.Inner");
        const dwx_type *ds = resolved(d, dwx_field_by_name(d, oid, "D")->type);
        cr_expect_eq(ds->go_kind, 23u, "go1.%d: slice kind %u", v, ds->go_kind);
        cr_expect_eq(ds->size, 24u);
        cr_expect_str_eq(dwx_type_get(d, ds->go_elem)->name, "int");
        cr_expect_not_null(dwx_field_by_name(d, dwx_resolve(d, dwx_field_by_name(d, oid, "D")->type), "array"));
        const dwx_type *m = dwx_type_get(d, dwx_field_by_name(d, oid, "E")->type);
        cr_expect_eq(m->go_kind, 21u, "go1.%d: map kind %u", v, m->go_kind);
        cr_expect_str_eq(dwx_type_get(d, m->key)->name, "string");
        cr_expect_str_eq(dwx_type_get(d, m->go_elem)->name, "int");
        const dwx_type *g = resolved(d, dwx_field_by_name(d, oid, "G")->type);
        cr_expect_eq(g->tag, DW_TAG_array_type);
        cr_expect_eq(g->count, 3u);
        cr_expect_eq(g->size, 6u);
        cr_expect_str_eq(dwx_type_get(d, g->elem)->name, "uint16");
        const dwx_type *h = dwx_type_get(d, dwx_field_by_name(d, oid, "H")->type);
        cr_expect_eq(h->go_kind, 18u, "go1.%d: chan kind %u", v, h->go_kind);
        /* A named non-struct type. */
        cr_expect_eq(type_named(d, v, "main.Kind")->size, 1u);
        dwx_close(d);
    }
}

/* dwx_pointer_at: the pointer words of main.Outer, as the GC would mark
 * them, and what each points to (stack objects are typed through it). */
Test(dwarf, pointer_words_of_a_struct)
{
    for (size_t i = 0; i < NVERSIONS; i++) {
        int v = versions[i];
        dwx *d = open_version(v);
        dwx_type_id oid = dwx_type_by_name(d, "main.Outer");
        const dwx_type *outer = dwx_type_get(d, oid);
        cr_assert_not_null(outer);
        char key[64];
        uint64_t ptr_words = 0;
        for (uint64_t off = 0; off < outer->size; off += 8)
            ptr_words += dwx_pointer_at(d, oid, off, NULL);
        /* B, C.str, D.array, E, F's two words, H, I */
        cr_expect_eq(ptr_words, 8u, "go1.%d: %llu pointer words", v, (unsigned long long)ptr_words);
        static const struct { const char *field; uint64_t delta; const char *pointee; } want[] = {
            {"B", 0, "main.Inner"}, {"C", 0, "uint8"}, {"D", 0, "int"}, {"E", 0, NULL}, {"F", 0, NULL},
            {"F", 8, NULL}, {"H", 0, NULL}, {"I", 0, NULL},
        };
        for (size_t k = 0; k < sizeof want / sizeof *want; k++) {
            snprintf(key, sizeof key, "offsetof main.Outer %s", want[k].field);
            uint64_t off = (uint64_t)truth(v, key) + want[k].delta;
            dwx_type_id pt = 0;
            cr_expect(dwx_pointer_at(d, oid, off, &pt), "go1.%d: %s+%llu is a pointer", v, want[k].field,
                      (unsigned long long)want[k].delta);
            if (want[k].pointee != NULL)
                cr_expect(pt && strcmp(resolved(d, pt)->name, want[k].pointee) == 0, "go1.%d: %s points to %s", v,
                          want[k].field, want[k].pointee);
        }
        snprintf(key, sizeof key, "offsetof main.Outer D");
        cr_expect_not(dwx_pointer_at(d, oid, (uint64_t)truth(v, key) + 8, NULL), "go1.%d: a slice's len", v);
        cr_expect_not(dwx_pointer_at(d, oid, 4, NULL), "go1.%d: inside a word", v);
        cr_expect_not(dwx_pointer_at(d, 0, 0, NULL));
        dwx_close(d);
    }
}

Test(dwarf, globals_match_go_tool_nm)
{
    for (size_t i = 0; i < NVERSIONS; i++) {
        int v = versions[i];
        dwx *d = open_version(v);
        char p[512], line[1024];
        path_for(p, sizeof p, v, "nm.txt");
        FILE *f = fopen(p, "r");
        cr_assert_not_null(f);
        size_t matched = 0;
        while (fgets(line, sizeof line, f)) {
            unsigned long long addr;
            char kind, name[900];
            if (sscanf(line, "%llx %c %899s", &addr, &kind, name) != 3)
                continue;
            if (kind != 'D' && kind != 'd' && kind != 'B' && kind != 'b')
                continue;
            const dwx_var *g = dwx_global_by_name(d, name);
            if (g == NULL)
                continue;
            cr_expect_eq(g->addr, addr, "go1.%d: %s DWARF %#" PRIx64 " nm %#llx", v, name, g->addr, addr);
            matched++;
        }
        fclose(f);
        cr_expect_geq(matched, 100u, "go1.%d: only %zu globals matched nm", v, matched);

        const dwx_var *o = dwx_global_by_name(d, "main.GlobalOuter");
        cr_assert_not_null(o);
        cr_expect_eq((int64_t)o->addr, truth(v, "addr main.GlobalOuter"));
        cr_expect_eq((int64_t)o->size, truth(v, "sizeof main.Outer"));
        cr_expect_str_eq(dwx_type_get(d, o->type)->name, "main.Outer");
        cr_expect_eq((int64_t)dwx_global_by_name(d, "main.GlobalPtr")->addr, truth(v, "addr main.GlobalPtr"));
        cr_expect_eq(dwx_global_at(d, o->addr + 17), o);
        cr_expect_eq(dwx_global_at(d, o->addr + o->size - 1), o);
        cr_expect_neq(dwx_global_at(d, o->addr + o->size), o);
        cr_expect_not_null(dwx_global_by_name(d, "runtime.mheap_"));
        const dwx_var *gl = dwx_globals(d);
        for (size_t k = 1; k < dwx_global_count(d); k++)
            cr_assert_leq(gl[k - 1].addr, gl[k].addr);
        dwx_close(d);
    }
}

Test(dwarf, runtime_constants)
{
    for (size_t i = 0; i < NVERSIONS; i++) {
        int v = versions[i];
        dwx *d = open_version(v);
        int64_t x, want;
        /* linux/amd64: 8 KiB pages, 64 MiB arenas, arenaBaseOffset 0xffff800000000000. */
        cr_expect(dwx_const(d, "runtime._PageSize", &x) && x == 8192, "go1.%d: _PageSize %" PRId64, v, x);
        cr_expect(dwx_const(d, "runtime.heapArenaBytes", &x) && x == 67108864, "go1.%d", v);
        cr_expect(dwx_const(d, "runtime.arenaBaseOffsetUintptr", &x) && x == -(INT64_C(1) << 47),
                  "go1.%d: arenaBaseOffsetUintptr %" PRId64, v, x);
        cr_expect(dwx_const(d, "runtime.mSpanInUse", &x) && x == 1, "go1.%d", v);
        /* Read from this version's source. */
        cr_assert(src_const(v, "runtime/runtime2.go", "_Gscan", &want));
        cr_expect(dwx_const(d, "runtime._Gscan", &x) && x == want, "go1.%d: _Gscan", v);
        cr_assert(src_const(v, "runtime/mheap.go", "_KindSpecialFinalizer", &want));
        cr_expect(dwx_const(d, "runtime._KindSpecialFinalizer", &x) && x == want,
                  "go1.%d: _KindSpecialFinalizer %" PRId64 " want %" PRId64, v, x, want);
        if (src_const(v, "internal/abi/type.go", "TFlagGCMaskOnDemand", &want))
            cr_expect(dwx_const(d, "internal/abi.TFlagGCMaskOnDemand", &x) && x == want, "go1.%d", v);
        else
            cr_expect_not(dwx_const(d, "internal/abi.TFlagGCMaskOnDemand", &x), "go1.%d", v);
        /* Malloc headers arrived in 1.22: goarch.PtrSize * ptrBits = 512. */
        bool has = dwx_const(d, "runtime.minSizeForMallocHeader", &x);
        cr_expect_eq(has, v >= 22, "go1.%d", v);
        if (has)
            cr_expect_eq(x, 512);
        cr_expect_not(dwx_const(d, "runtime.noSuchConstant", &x));
        dwx_close(d);
    }
}

static void expect_fields(const dwx *d, int v, const char *type, const char *const *names)
{
    dwx_type_id id = dwx_type_by_name(d, type);
    for (; *names; names++)
        cr_expect_not_null(dwx_field_by_name(d, id, *names), "go1.%d: %s.%s missing", v, type, *names);
}

Test(dwarf, runtime_types)
{
    static const char *const mspan[] = {"next", "startAddr", "npages", "nelems", "freeindex", "allocBits",
                                        "gcmarkBits", "spanclass", "state", "elemsize", "limit", NULL};
    static const char *const g[] = {"stack", "atomicstatus", "goid", "sched", "waitreason", "m", NULL};
    static const char *const mheap[] = {"allspans", "arenas", NULL};
    static const char *const abitype[] = {"Size_", "PtrBytes", "TFlag", "Kind_", "GCData", "Str", NULL};
    static const char *const rtype[] = {"size", "ptrdata", "kind", "gcdata", "str", NULL};
    for (size_t i = 0; i < NVERSIONS; i++) {
        int v = versions[i];
        dwx *d = open_version(v);
        const dwx_type *t = type_named(d, v, "runtime.mspan");
        cr_expect(t->size >= 100 && t->size <= 400, "go1.%d: mspan size %" PRIu64, v, t->size);
        t = type_named(d, v, "runtime.g");
        cr_expect(t->size >= 300 && t->size <= 1000, "go1.%d: g size %" PRIu64, v, t->size);
        t = type_named(d, v, "runtime.mheap");
        cr_expect(t->size >= 10000, "go1.%d: mheap size %" PRIu64, v, t->size);
        expect_fields(d, v, "runtime.mspan", mspan);
        expect_fields(d, v, "runtime.g", g);
        expect_fields(d, v, "runtime.mheap", mheap);
        /* allArenas became heapArenas in 1.26 (runtime/mheap.go). */
        expect_fields(d, v, "runtime.mheap",
                      (const char *const[]){v >= 26 ? "heapArenas" : "allArenas", NULL});
        if (v >= 22)
            expect_fields(d, v, "runtime.mspan", (const char *const[]){"largeType", NULL});
        /* The type descriptor: runtime._type up to 1.20, internal/abi.Type after. */
        if (v >= 21)
            expect_fields(d, v, "internal/abi.Type", abitype);
        else
            expect_fields(d, v, "runtime._type", rtype);
        /* Synthesized map and channel types. */
        cr_expect_not_null(dwx_type_get(d, dwx_type_by_name(d, "hchan<int>")), "go1.%d: hchan<int>", v);
        const char *mapimpl = v >= 24 ? "map<string,int>" : "hash<string,int>";
        cr_expect_not_null(dwx_type_get(d, dwx_type_by_name(d, mapimpl)), "go1.%d: %s", v, mapimpl);
        cr_expect_eq(dwx_type_by_name(d, "no.SuchType"), 0u);
        dwx_close(d);
    }
}

Test(dwarf, runtime_type_descriptor_to_dwarf_type)
{
    for (size_t i = 0; i < NVERSIONS; i++) {
        int v = versions[i];
        dwx *d = open_version(v);
        const dwx_type *t = dwx_type_get(d, dwx_type_by_runtime_type(d, (uint64_t)truth(v, "rtype main.Outer")));
        cr_assert_not_null(t, "go1.%d: eface type word of main.Outer not found", v);
        cr_expect_str_eq(t->name, "main.Outer");
        t = dwx_type_get(d, dwx_type_by_runtime_type(d, (uint64_t)truth(v, "rtype *main.Inner")));
        cr_assert_not_null(t, "go1.%d: *main.Inner", v);
        cr_expect_str_eq(t->name, "*main.Inner");
        t = dwx_type_get(d, dwx_type_by_runtime_type(d, (uint64_t)truth(v, "rtype uintptr")));
        cr_assert_not_null(t, "go1.%d: uintptr", v);
        cr_expect_str_eq(t->name, "uintptr");
        t = dwx_type_get(d, dwx_type_by_runtime_type(d, (uint64_t)truth(v, "rtype string")));
        cr_assert_not_null(t, "go1.%d: string", v);
        cr_expect_str_eq(t->name, "string");
        cr_expect_eq(dwx_type_by_runtime_type(d, 1), 0u);
        dwx_close(d);
    }
}

/* SUBQ $N, SP (or ADDQ $-N, SP) in main.frame's prologue. */
static int64_t frame_size(int v)
{
    char p[512], line[1024];
    path_for(p, sizeof p, v, "objdump.txt");
    FILE *f = fopen(p, "r");
    cr_assert_not_null(f);
    int64_t n = -1;
    while (n < 0 && fgets(line, sizeof line, f)) {
        char *s;
        if ((s = strstr(line, "SUBQ $")) && strstr(s, ", SP"))
            n = strtoll(s + 6, NULL, 0);
        else if ((s = strstr(line, "ADDQ $-")) && strstr(s, ", SP"))
            n = strtoll(s + 7, NULL, 0);
    }
    fclose(f);
    cr_assert_gt(n, 0, "go1.%d: no frame size in objdump", v);
    return n;
}

static const dwx_local *local_named(const dwx *d, const dwx_func *f, const char *name)
{
    for (uint32_t i = 0; i < f->nlocals; i++) {
        const dwx_local *l = &dwx_locals(d)[f->first_local + i];
        if (strcmp(l->name, name) == 0 && !l->inlined)
            return l;
    }
    return NULL;
}

Test(dwarf, frame_locals_and_params)
{
    for (size_t i = 0; i < NVERSIONS; i++) {
        int v = versions[i];
        dwx *d = open_version(v);
        const dwx_func *f = dwx_func_by_name(d, "main.frame");
        cr_assert_not_null(f, "go1.%d", v);
        cr_expect_eq(dwx_func_at(d, f->lowpc), f);
        cr_expect_eq(dwx_func_at(d, f->highpc - 1), f);
        cr_expect_neq(dwx_func_at(d, f->highpc), f);
        const dwx_local *p = local_named(d, f, "p"), *n = local_named(d, f, "n");
        cr_assert(p && n && p->is_param && n->is_param, "go1.%d: params p, n", v);
        cr_expect_str_eq(dwx_type_get(d, p->type)->name, "*main.Inner");

        /* Locals live inside the frame: [CFA-16-N, CFA-16) below the return
         * address and saved BP, N from the prologue's SUBQ. */
        int64_t fs = frame_size(v);
        const dwx_local *keep = local_named(d, f, "keep");
        cr_assert_not_null(keep, "go1.%d: local keep", v);
        cr_expect_str_eq(dwx_type_get(d, keep->type)->name, "[]int");
        bool ptr_piece = false;
        for (uint32_t k = 0; k < keep->nranges; k++) {
            const dwx_loc_range *r = &dwx_loc_ranges(d)[keep->first_range + k];
            cr_expect(r->cfa_offset >= -(fs + 16) && r->cfa_offset + r->size <= -16,
                      "go1.%d: keep piece at CFA%+" PRId64 " outside frame of %" PRId64, v, r->cfa_offset, fs);
            cr_expect(r->lo >= f->lowpc && r->hi <= f->highpc);
            if (r->value_offset == 0) {
                ptr_piece = true;
                /* Go 1.27 also describes the slot as a variable "keep.ptr". */
                uint64_t off = 99;
                const dwx_local *l = dwx_local_at(d, f, r->lo, r->cfa_offset + 3, &off);
                cr_assert_not_null(l, "go1.%d", v);
                cr_expect(strncmp(l->name, "keep", 4) == 0, "go1.%d: %s", v, l->name);
                cr_expect_eq(off, 3u);
            }
        }
        cr_expect(ptr_piece, "go1.%d: keep's data pointer never on the stack", v);

        /* The program measured &buf2 - &buf; Go 1.21-1.26 emit an empty
         * location for these address-taken arrays, 1.19 and 1.27 place them. */
        const dwx_local *buf = local_named(d, f, "buf"), *buf2 = local_named(d, f, "buf2");
        cr_assert(buf && buf2, "go1.%d: buf, buf2", v);
        if (v == 19 || v == 27)
            cr_expect(buf->nranges > 0 && buf2->nranges > 0, "go1.%d: buf/buf2 have no stack location", v);
        if (buf->nranges > 0 && buf2->nranges > 0) {
            const dwx_loc_range *r1 = &dwx_loc_ranges(d)[buf->first_range];
            const dwx_loc_range *r2 = &dwx_loc_ranges(d)[buf2->first_range];
            cr_expect_eq(r2->cfa_offset - r1->cfa_offset, truth(v, "frame_delta"), "go1.%d", v);
            cr_expect_eq(r1->size, 32u);
            cr_expect(r1->cfa_offset >= -(fs + 16) && r1->cfa_offset + 32 <= -16, "go1.%d", v);
        }

        /* Parameters spilled to their home slots: x at CFA+0, y at CFA+8. */
        const dwx_func *s = dwx_func_by_name(d, "main.spill");
        cr_assert_not_null(s, "go1.%d", v);
        const dwx_local *x = local_named(d, s, "x"), *y = local_named(d, s, "y");
        cr_assert(x && y && x->is_param && y->is_param);
        cr_assert_gt(x->nranges, 0, "go1.%d: x has no stack location", v);
        cr_assert_gt(y->nranges, 0, "go1.%d: y has no stack location", v);
        const dwx_loc_range *rx = &dwx_loc_ranges(d)[x->first_range];
        const dwx_loc_range *ry = &dwx_loc_ranges(d)[y->first_range];
        cr_expect_eq(rx->cfa_offset, 0);
        cr_expect_eq(ry->cfa_offset, 8);
        cr_expect_eq(dwx_local_at(d, s, rx->lo, 0, NULL), x);
        cr_expect_eq(dwx_local_at(d, s, ry->lo, 8, NULL), y);
        cr_expect_null(dwx_local_at(d, s, s->lowpc > 0 ? s->lowpc - 1 : 0, 0, NULL));

        const dwx_func *fs_ = dwx_funcs(d);
        for (size_t k = 1; k < dwx_func_count(d); k++)
            cr_assert_leq(fs_[k - 1].lowpc, fs_[k].lowpc);
        dwx_close(d);
    }
}

Test(dwarf, generic_function_dictionary_types)
{
    for (size_t i = 0; i < NVERSIONS; i++) {
        int v = versions[i];
        dwx *d = open_version(v);
        /* The shape is named go.shape.int_0 in 1.19, go.shape.int after. */
        const dwx_func *g = NULL;
        for (size_t k = 0; k < dwx_func_count(d) && !g; k++)
            if (strncmp(dwx_funcs(d)[k].name, "main.generic[go.shape.int", 25) == 0)
                g = &dwx_funcs(d)[k];
        cr_assert_not_null(g, "go1.%d: main.generic[go.shape.int...]", v);
        const dwx_local *x = local_named(d, g, "x");
        cr_assert_not_null(x, "go1.%d", v);
        const dwx_type *t = dwx_type_get(d, x->type);
        cr_assert_not_null(t, "go1.%d: x has no type", v);
        cr_expect_eq(t->tag, DW_TAG_typedef, "go1.%d", v);
        cr_expect_str_eq(t->name, ".param0");
        cr_expect_eq(t->go_dict_index, 0, "go1.%d", v);
        cr_expect_eq(dwx_type_get(d, dwx_resolve(d, x->type))->size, 8u);
        cr_expect_eq(type_named(d, v, "main.Outer")->go_dict_index, -1);
        dwx_close(d);
    }
}

Test(dwarf, stripped_binary_is_unsupported)
{
    build_testprogs();
    for (size_t i = 0; i < NVERSIONS; i++) {
        char p[512];
        path_for(p, sizeof p, versions[i], "exe-w");
        ghf_err err = {0};
        dwx *d = NULL;
        cr_expect_not(dwx_open(p, &d, &err));
        cr_expect_null(d);
        cr_expect_eq(err.code, GHF_EXIT_UNSUPPORTED, "go1.%d: code %d %s", versions[i], err.code, err.msg);
        cr_expect(strstr(err.msg, "no DWARF") != NULL, "%s", err.msg);
    }
}

static void write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "%s", path);
    cr_assert_eq(fwrite(data, 1, n, f), n);
    fclose(f);
}

static unsigned char *read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f);
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc(*n);
    cr_assert_eq(fread(b, 1, *n, f), *n);
    fclose(f);
    return b;
}

/* Open must fail cleanly with an input/unsupported error, or succeed. */
static void open_survives(const char *path)
{
    ghf_err err = {0};
    dwx *d = NULL;
    if (dwx_open(path, &d, &err)) {
        dwx_type_by_name(d, "main.Outer");
        dwx_close(d);
    } else {
        cr_expect(err.code == GHF_EXIT_INPUT || err.code == GHF_EXIT_UNSUPPORTED, "%s: code %d %s", path,
                  err.code, err.msg);
        cr_expect_null(d);
    }
}

Test(dwarf, bad_input)
{
    ghf_err err = {0};
    dwx *d = NULL;
    cr_expect_not(dwx_open(GHF_TEST_BUILDDIR "/no-such-file", &d, &err));
    cr_expect_eq(err.code, GHF_EXIT_INPUT);

    char p[512];
    snprintf(p, sizeof p, "%s/dwarf-garbage", GHF_TEST_BUILDDIR);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/dwarf-garbage/text", GHF_TEST_BUILDDIR);
    write_file(p, "this is not an ELF file\n", 24);
    err = (ghf_err){0};
    cr_expect_not(dwx_open(p, &d, &err));
    cr_expect_eq(err.code, GHF_EXIT_INPUT, "%s", err.msg);
    cr_expect(strstr(err.msg, "not an ELF") != NULL, "%s", err.msg);

    write_file(p, "", 0);
    err = (ghf_err){0};
    cr_expect_not(dwx_open(p, &d, &err));
    cr_expect_eq(err.code, GHF_EXIT_INPUT);

    /* Random bytes, with and without an ELF header. */
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    unsigned char buf[65536];
    for (int round = 0; round < 20; round++) {
        for (size_t k = 0; k < sizeof buf; k++) {
            seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
            buf[k] = (unsigned char)seed;
        }
        if (round & 1)
            memcpy(buf, "\x7f" "ELF\x02\x01\x01", 7);
        write_file(p, buf, (size_t)(round + 1) * 3000);
        open_survives(p);
    }
}

Test(dwarf, truncated_and_corrupted_executables, .timeout = 600)
{
    build_testprogs();
    char src[512], p[512];
    path_for(src, sizeof src, 27, "exe");
    size_t n;
    unsigned char *exe = read_file(src, &n);
    snprintf(p, sizeof p, "%s/dwarf-garbage", GHF_TEST_BUILDDIR);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/dwarf-garbage/exe", GHF_TEST_BUILDDIR);
    /* Truncations (section headers sit at the end of a Go ELF file). */
    size_t cuts[] = {16, 64, 4096, n / 2, n - 4096, n - 1};
    for (size_t k = 0; k < sizeof cuts / sizeof *cuts; k++) {
        write_file(p, exe, cuts[k]);
        open_survives(p);
    }
    free(exe);

    /* Bytes flipped inside the uncompressed .debug_* sections, so that the
     * DIE parser itself (not zlib) meets the damage. */
    path_for(src, sizeof src, 27, "exe-plain");
    exe = read_file(src, &n);
    uint64_t lo = UINT64_MAX, hi = 0;
    int fd = open(src, O_RDONLY);
    cr_assert_geq(fd, 0);
    elf_version(EV_CURRENT);
    Elf *e = elf_begin(fd, ELF_C_READ, NULL);
    size_t shstrndx;
    cr_assert(e && elf_getshdrstrndx(e, &shstrndx) == 0);
    for (Elf_Scn *scn = NULL; (scn = elf_nextscn(e, scn)) != NULL;) {
        GElf_Shdr sh;
        gelf_getshdr(scn, &sh);
        const char *name = elf_strptr(e, shstrndx, sh.sh_name);
        if (name && (strcmp(name, ".debug_info") == 0 || strcmp(name, ".debug_loclists") == 0 ||
                     strcmp(name, ".debug_abbrev") == 0 || strcmp(name, ".debug_addr") == 0)) {
            lo = sh.sh_offset < lo ? sh.sh_offset : lo;
            hi = sh.sh_offset + sh.sh_size > hi ? sh.sh_offset + sh.sh_size : hi;
        }
    }
    elf_end(e);
    close(fd);
    cr_assert_lt(lo, hi);
    /* Bytes flipped in that range. */
    uint64_t seed = 12345;
    for (int round = 0; round < 100; round++) {
        unsigned char *copy = malloc(n);
        memcpy(copy, exe, n);
        for (int k = 0; k < 8; k++) {
            seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
            size_t at = lo + (size_t)(seed % (hi - lo));
            copy[at] ^= (unsigned char)(seed >> 32) | 1;
        }
        write_file(p, copy, n);
        free(copy);
        open_survives(p);
    }
    free(exe);
}
