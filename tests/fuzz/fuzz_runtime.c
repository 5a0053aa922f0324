/* fuzz_runtime.c — runtime discovery, heap, roots, types and the retention
 * tree (src/goruntime.c, heap*.c, roots.c, types.c, graph.c, domtree.c,
 * frames.c) on a real core with mutations, the executable fixed.
 *
 * A Go core is tens of megabytes (mostly holes), too big to be a fuzz input.
 * The input is instead a list of patches applied to the fixture core held in
 * a memfd (undone after each run):
 *   record := SEL:u8 OFF:u32le LEN:u8 BYTES[LEN%16+1]
 * SEL%5 picks where OFF points (modulo that area's size):
 *   0 the headers and notes (before the first segment's data)
 *   1 a runtime global: OFF%N picks one of runtime.mheap_, allgs, allglen,
 *     allp, sched, firstmoduledata, allm, buildVersion, gcController, work;
 *     OFF>>8 the byte inside it
 *   2 any segment data of the core
 *   3 the Go heap arenas (from 0xc000000000; randomised since 1.26, below the
 *     shared libraries at 0x7f...)
 *   4 truncate the file at OFF (a cut core); the bytes are ignored
 */
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core.h"
#include "domtree.h"
#include "dwarf_index.h"
#include "frames.h"
#include "fuzz_util.h"
#include "goruntime.h"
#include "graph.h"
#include "heap.h"
#include "roots.h"
#include "types.h"
#include "wtree.h"

typedef struct span { uint64_t off, len; } span;

static int fd = -1;
static const uint8_t *orig;      /* the fixture core, mmapped read-only */
static uint64_t orig_size, head_len;
static span segs[4096], heap_segs[1024], globals[64];
static size_t nsegs, nheap, nglobals;
static uint64_t seg_total, heap_total;
static const char *exe;
static dwx *dw;

static void must(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_runtime: setup failed: %s\n", what);
        exit(1);
    }
}

/* File offset of run-time address a in the fixture core, or UINT64_MAX. */
static uint64_t file_off(uint64_t a)
{
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)orig;
    for (int i = 0; i < eh->e_phnum; i++) {
        const Elf64_Phdr *ph = (const Elf64_Phdr *)(orig + eh->e_phoff + (size_t)i * eh->e_phentsize);
        if (ph->p_type == PT_LOAD && a >= ph->p_vaddr && a < ph->p_vaddr + ph->p_filesz)
            return ph->p_offset + (a - ph->p_vaddr);
    }
    return UINT64_MAX;
}

static void add_global(const ghf_core *c, const char *name)
{
    uint64_t a, s;
    if (!core_symbol(c, name, &a, &s) || s == 0)
        return;
    uint64_t o = file_off(a);
    if (o != UINT64_MAX && nglobals < 64)
        globals[nglobals++] = (span){o, s};
}

static void setup(void)
{
    const char *core = fuzz_fixture("core");
    exe = fuzz_fixture("exe");
    int ofd = open(core, O_RDONLY);
    struct stat st;
    must(ofd >= 0 && fstat(ofd, &st) == 0, core);
    orig_size = (uint64_t)st.st_size;
    orig = mmap(NULL, orig_size, PROT_READ, MAP_PRIVATE, ofd, 0);
    must(orig != MAP_FAILED, "mmap");
    close(ofd);
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)orig;
    head_len = orig_size;
    for (int i = 0; i < eh->e_phnum; i++) {
        const Elf64_Phdr *ph = (const Elf64_Phdr *)(orig + eh->e_phoff + (size_t)i * eh->e_phentsize);
        if (ph->p_type != PT_LOAD || ph->p_filesz == 0)
            continue;
        if (ph->p_offset < head_len)
            head_len = ph->p_offset;
        if (nsegs < 4096) {
            segs[nsegs++] = (span){ph->p_offset, ph->p_filesz};
            seg_total += ph->p_filesz;
        }
        if (ph->p_vaddr >= 0xc000000000ull && ph->p_vaddr < 0x7f0000000000ull && nheap < 1024) {
            heap_segs[nheap++] = (span){ph->p_offset, ph->p_filesz};
            heap_total += ph->p_filesz;
        }
    }
    /* The memfd starts as a sparse copy of the core. */
    fd = fuzz_memfd("fuzz-runtime-core");
    must(ftruncate(fd, (off_t)orig_size) == 0, "ftruncate");
    for (size_t i = 0; i < nsegs; i++)
        must(pwrite(fd, orig + segs[i].off, segs[i].len, (off_t)segs[i].off) == (ssize_t)segs[i].len, "pwrite");
    must(pwrite(fd, orig, head_len, 0) == (ssize_t)head_len, "pwrite head");

    ghf_err err = {0};
    ghf_core *c;
    core_open_opts co = {.force = true};
    must(core_open(core, exe, &co, &c, &err), err.msg);
    static const char *names[] = {"runtime.mheap_", "runtime.allgs", "runtime.allglen", "runtime.allp",
                                  "runtime.sched", "runtime.firstmoduledata", "runtime.allm",
                                  "runtime.buildVersion", "runtime.gcController", "runtime.work"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        add_global(c, names[i]);
    core_close(c);
    must(nglobals > 0 && nsegs > 0, "no globals or segments");
    must(dwx_open(exe, &dw, &err), err.msg);
}

static uint64_t pick(const span *s, size_t n, uint64_t total, uint64_t x)
{
    x %= total;
    for (size_t i = 0; i < n; i++) {
        if (x < s[i].len)
            return s[i].off + x;
        x -= s[i].len;
    }
    return 0;
}

typedef struct undo { uint64_t off; uint8_t len; } undo;

static void run(const char *path)
{
    ghf_err err = {0};
    ghf_core *c = NULL;
    core_open_opts co = {.force = true};
    if (!core_open(path, exe, &co, &c, &err))
        return;
    go_runtime *rt = NULL;
    rt_open_opts ro = {.force = true};
    heap *h = NULL;
    roots r;
    bool have_roots = false;
    obj_types t;
    bool have_types = false;
    ghf_graph g = {0};
    domtree d = {0};
    if (!rt_open(c, dw, &ro, &rt, &err) || !heap_build(rt, &h, &err) || !heap_build_edges(h, &err))
        goto out;
    roots_opts rop = {.registers = true};
    if (!roots_collect(h, &rop, &r, &err))
        goto out;
    have_roots = true;
    if (!types_infer(h, &r, true, &t, &err))
        goto out;
    have_types = true;
    if (!graph_build(h, &r, &g, &err) || !domtree_build(&d, &g, DOM_MODE_DOMINATOR, &err))
        goto out;
    frames_opts fo = {.fields = true};
    wtree w;
    if (frames_build(&d, &g, h, &r, &t, &fo, &w, &err))
        wtree_free(&w);
out:
    if (err.code != 0 && strchr(err.msg, '\n'))
        __builtin_trap();
    domtree_free(&d);
    graph_free(&g);
    if (have_types)
        types_free(&t);
    if (have_roots)
        roots_free(&r);
    heap_free(h);
    rt_close(rt);
    core_close(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fd < 0)
        setup();
    undo undos[256];
    size_t nundo = 0;
    uint64_t cut = orig_size;
    size_t p = 0;
    while (p + 6 <= size && nundo < 256) {
        uint8_t sel = data[p] % 5;
        uint32_t off;
        memcpy(&off, data + p + 1, 4);
        size_t len = (size_t)(data[p + 5] % 16) + 1;
        p += 6;
        if (sel == 4) {
            if (off % orig_size < cut)
                cut = off % orig_size;
            continue;
        }
        if (p + len > size)
            len = size - p;
        if (len == 0)
            break;
        uint64_t at;
        if (sel == 0)
            at = off % head_len;
        else if (sel == 1) {
            const span *g = &globals[off % nglobals];
            at = g->off + ((off >> 8) % g->len);
        } else if (sel == 2 || nheap == 0)
            at = pick(segs, nsegs, seg_total, off);
        else
            at = pick(heap_segs, nheap, heap_total, off);
        if (at + len > orig_size)
            len = (size_t)(orig_size - at);
        if (pwrite(fd, data + p, len, (off_t)at) != (ssize_t)len)
            abort();
        undos[nundo++] = (undo){at, (uint8_t)len};
        p += len;
    }
    if (cut < orig_size && ftruncate(fd, (off_t)cut) != 0)
        abort();

    char path[64];
    run(fuzz_fd_path(fd, path, sizeof path));

    /* Undo: patches (from the original bytes), then the cut. */
    for (size_t i = 0; i < nundo; i++)
        if (undos[i].off < cut &&
            pwrite(fd, orig + undos[i].off, undos[i].len, (off_t)undos[i].off) != (ssize_t)undos[i].len)
            abort();
    if (cut < orig_size) {
        if (ftruncate(fd, (off_t)orig_size) != 0)
            abort();
        if (cut < head_len && pwrite(fd, orig + cut, head_len - cut, (off_t)cut) != (ssize_t)(head_len - cut))
            abort();
        for (size_t i = 0; i < nsegs; i++) {
            uint64_t s = segs[i].off, e = segs[i].off + segs[i].len;
            if (e <= cut)
                continue;
            if (s < cut)
                s = cut;
            if (pwrite(fd, orig + s, e - s, (off_t)s) != (ssize_t)(e - s))
                abort();
        }
    }
    return 0;
}
