#!/usr/bin/env python3
"""Check the fixture cores made by scripts/gen-cores.sh against the design.

    check_fixtures.py FIXTURE_SRC_DIR        (reads $GHF_FIXTURES)

For every version directory $GHF_FIXTURES/go1.NN[-gcore|-arm64]/ and every
fixture under FIXTURE_SRC_DIR:
  * core is an ELF64 core (e_type ET_CORE) of the directory's architecture
    (x86-64; aarch64 for -arm64, made by qemu-user), made of the process
    whose pid truth.json reports (NT_PRPSINFO), and that process mapped this
    very exe (NT_FILE; qemu writes no NT_FILE, so there the core's copy of
    the exe's .go.buildinfo must equal the exe's);
  * exe is an ELF executable whose Go build info says it was built by the
    version of the directory, from package ghffixtures/<fixture>;
  * truth.json matches the fixture's design, written out again below
    independently of the Go code: every root's objects, sizes rounded to the
    allocator's classes by this file's own obj_size(), counts, goroutines,
    stack-root function names; the figures the fixture measured (live heap
    growth while building a root) lie within the design's bounds, and
    MemStats agree with the sum of the roots.
Nothing passes silently: no GHF_FIXTURES, no version directory, a missing
fixture, or (with CI=true) a missing supported version is a failure.
Ends with the line "N passed, N failed".
"""
import bisect
import json
import mmap
import os
import re
import shutil
import struct
import subprocess
import sys

SUPPORTED = [19, 21, 22, 23, 24, 26, 27]
NEWEST = 27
ET_CORE, PT_NOTE = 4, 4
EM = {"amd64": 62, "arm64": 183}  # e_machine: EM_X86_64, EM_AARCH64
NT_PRPSINFO, NT_FILE = 3, 0x46494C45

# ---------------------------------------------------------------- allocator

SIZE_CLASSES = [8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224,
                240, 256, 288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896,
                1024, 1152, 1280, 1408, 1536, 1792, 2048, 2304, 2688, 3072, 3200, 3456,
                4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728, 10240, 10880,
                12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576, 27264,
                28672, 32768]


def obj_size(minor, size, pointers):
    """Bytes the Go 1.<minor> allocator spends on one object (amd64)."""
    assert pointers or size >= 16, "tiny allocations are accounted as 16-byte blocks"
    max_small = 32768
    if minor >= 22:  # malloc header for pointerful 513..32760-byte objects
        max_small = 32768 - 8
        if pointers and 512 < size <= max_small:
            size += 8
    if size > max_small:
        return -(-size // 8192) * 8192
    return next(c for c in SIZE_CLASSES if size <= c)


# ------------------------------------------------------------------ design
# Each root: name, kind, Go type, [(raw size, count, has pointers)], and
# optional extras. ("tiny", n) stands for n 16-byte tiny-allocator blocks.

def R(name, typ, objs, kind="global", **kw):
    return dict(name=name, kind=kind, type=typ, objs=objs, **kw)


# example: one *main.Limits held by four globals (more than a [shared] frame's name lists)
LIMITS = ["main.apiLimits", "main.adminLimits", "main.uploadLimits", "main.searchLimits"]

DESIGN = {
    "basic": dict(goroutines=1, roots=[
        R("main.gMapCache", "map[int]*main.cacheEntry", [(32, 1000, True), (1024, 1000, False)],
          overhead_max=256 << 10),
        R("main.gRecords", "[]main.record", [(8000, 1, True), (48, 500, False), (256, 500, False)]),
        R("main.gListHead", "*main.listNode", [(32, 100000, True)]),
        R("main.gMapMany", "map[int64]*main.manyItem", [(16, 50000, False)], overhead_max=6 << 20),
        R("main.gSharedA", "*main.sharedBlob", [(2048, 1, False)], shared_with=["main.gSharedB"]),
        R("main.gSharedB", "*main.sharedBlob", [(2048, 1, False)], shared_with=["main.gSharedA"],
          measured_with="main.gSharedA"),
        R("main.gCycleHead", "*main.cycleNode", [(48, 3, True)]),
        R("main.gUnsafeHolder", "*main.unsafeHolder", [(16, 1, True), (1024, 1, False)]),
    ], counts=dict(map_cache_entries=1000, records=500, list_nodes=100000,
                   map_many_entries=50000, cycle_nodes=3),
        garbage=(9472, 8)),
    "stacks": dict(goroutines=8, roots=[
        R("stackHeldPtrs", "[]*main.stackItem", [(65536, 1, True), (64, 8192, False)], kind="stack",
          func="main.stackHolderBlock", go_func="main.stackHolderBlock",
          block_func="main.stackHolderBlock", frames_above=0, overhead_max=4096),
        R("stackArrayPtrs", "[64]*main.stackItem", [(64, 64, False)], kind="stack",
          func="main.stackHolderBlock", go_func="main.stackHolderBlock",
          block_func="main.stackHolderBlock", frames_above=0, measured_with="stackHeldPtrs"),
        R("deepHeldPtrs", "[]*main.deepItem", [(8000, 1, True), (32, 1000, False)], kind="stack",
          func="main.deepRootHolder", go_func="main.deepRootHolder",
          block_func="main.deepLevel10", frames_above=10, overhead_max=4096),
    ], counts=dict(stack_held_ptrs=8192, stack_array_ptrs=64, deep_held_ptrs=1000,
                   idle_goroutines=5)),
    "running": dict(goroutines=3, roots=[
        R("head", "*main.chunk", [(1 << 20, 64, True)], kind="stack", func="main.work",
          go_func="main.work", block_func="main.crunch", frames_above=1, overhead_max=16384),
    ], counts=dict(chunks=64, depth=3000)),
    # stackobj: named_from is the first Go version whose DWARF describes the
    # variable (Go 1.19-1.23 emit none for `held` on amd64, whose pointer the
    # compiler recomputes from SP; no version emits one for `box`), and
    # named_from_arm64 the same for GOARCH=arm64 where it differs (1.21+
    # describe `held` there); without one the root is
    # "main.stackObjHolder stack object +0xOFF (N B)".
    "stackobj": dict(goroutines=2, roots=[
        R("held", "[]*main.heldItem", [(4096, 512, False)], kind="stack", func="main.stackObjHolder",
          go_func="main.stackObjHolder", block_func="main.litDown", frames_above=1, overhead_max=4096,
          stack_object="[512]*main.heldItem", stack_object_size=4096, named_from=24, named_from_arm64=21,
          held_type="main.heldItem"),
        R("box", "*main.ptrBox", [(1024, 32, False)], kind="stack", func="main.stackObjHolder",
          go_func="main.stackObjHolder", block_func="main.litDown", frames_above=1, measured_with="held",
          stack_object="main.ptrBox", stack_object_size=264, named_from=None, held_type="main.boxItem"),
        R("p", "*[8]*main.litItem", [(32768, 8, False)], kind="stack", func="main.litDown",
          go_func="main.stackObjHolder", block_func="main.litDown", frames_above=0, measured_with="held",
          stack_object="[8]*main.litItem", stack_object_size=64, named_from=19, also_vars=["q"], held_type="main.litItem"),
        R("ring", "[64]*main.ringItem", [(4096, 64, False)], kind="stack", func="main.stackObjHolder",
          go_func="main.stackObjHolder", block_func="main.litDown", frames_above=1, measured_with="held",
          stack_object="[64]*main.ringItem", stack_object_size=512, named_from=19, held_type="main.ringItem"),
    ], counts=dict(held_items=512, box_items=32, lit_items=8, ring_items=64)),
    "shapes": dict(goroutines=1, roots=[
        R("main.gAnyPtr", "interface {}", [(48, 1, False)]),
        R("main.gAnyValue", "interface {}", [(512, 1, False)]),
        R("main.gMixedAny", "[]interface {}", [(80, 1, True), (48, 1, False), (24, 1, True),
                                                (4096, 1, False), (256, 1, False), (8, 1, True),
                                                (16, 1, True), (100, 1, False)]),
        R("main.gClosure", "func() int", [(32, 1, True), (2000, 1, True), (32, 250, False)]),
        R("main.gChanQueue", "chan *main.queueItem", [(96, 100, False)], overhead_max=2048),
        R("main.gBigNoPtr", "[]uint8", [(1 << 20, 1, False)]),
        R("main.gBigPtrs", "[]*main.bigItem", [(65536, 1, True), (32, 8192, False)]),
        R("main.gTinyStrings", "[]string", [(160000, 1, True), ("tiny", 5000)], tolerance=32),
        R("main.gMidPtrArray", "*[100]*main.midItem", [(800, 1, True), (48, 100, False)]),
        R("main.gFinalized", "*main.finHolder", [(48, 1, True), (4096, 1, False)], finalizer=True),
    ], counts=dict(mixed_any_elements=5, closure_items=250, chan_queued=100,
                   big_ptrs_elements=8192, tiny_strings=10000, mid_array_elements=100)),
    "ifaces": dict(goroutines=2, roots=[
        R("main.gErr", "error", [(32, 1, False)]),
        R("main.gErrValue", "error", [(24, 1, True), (64, 1, False)]),
        R("main.gHolder", "*main.ifaceHolder", [(40, 1, True), (48, 1, False), (32, 1, False)]),
        R("main.gIfaceArray", "[2]interface {}", [(64, 1, False), (128, 1, False)]),
        R("main.gShapes", "[]main.shape", [(32, 1, True), (48, 1, False), (32, 1, False)]),
        R("main.gMapAny", "map[string]interface {}", [(48, 16, False)], overhead_max=8 << 10),
        R("main.gMapKeyAny", "map[interface {}]int", [(32, 8, False)], overhead_max=8 << 10),
        R("main.gChanAny", "chan interface {}", [(64, 10, False)], overhead_max=2048),
        R("main.gClosureAny", "func() int64", [(24, 1, True), (80, 1, False)]),
        R("main.gCtx", "context.Context", [(48, 3, True), (96, 3, False)]),
        R("main.gSyncMap", "*sync.Map", [(112, 8, False)], overhead_max=8 << 10),
        R("main.gReader", "io.Reader", [(88, 1, True), (4096, 1, False), (40, 1, True), (1024, 1, False)]),
        R("main.gReflect", "interface {}", [(16, 1, True), (48, 1, False)], overhead_max=16 << 10),
        R("main.gReflectMap", "interface {}", [(64, 4, False)], overhead_max=16 << 10),
        R("main.gGeneric", "interface {}", [(16, 1, True), (48, 1, False)]),
        R("heldAny", "interface {}", [(112, 1, False)], kind="stack", func="main.ifaceLocalHolder",
          go_func="main.ifaceLocalHolder", block_func="main.ifaceLocalHolder", frames_above=0,
          overhead_max=4096),
    ], counts=dict()),
    "example": dict(goroutines=2, roots=[
        R("main.sessionCache", "map[string]*main.Session",
          [(56, 2000, True), (16, 2000, False), (4096, 2000, False), (32, 200, True),
           (2048, 200, False)], overhead_max=512 << 10),
        R("main.requestQueue", "[]*main.Request", [(8192, 1, True), (40, 800, True),
                                                   (6144, 800, False)]),
        R("batch", "[]*main.Request", [(512, 1, True), (40, 64, True), (6144, 64, False)],
          kind="stack", func="main.stuckWorker", go_func="main.stuckWorker",
          block_func="main.stuckWorker", frames_above=0, overhead_max=4096),
        *[R(n, "*main.Limits", [(8192, 1, False)],
            shared_with=[o for o in LIMITS if o != n], measured_with=None if n == LIMITS[0] else LIMITS[0])
          for n in LIMITS],
    ], counts=dict(sessions=2000, users=200, queued_requests=800, worker_batch=64)),
    # Built with cgo three ways (tests/fixtures/cgo/variants); each goroutine
    # blocks inside a C call, one frame below main._Cfunc_cgo_block_forever.
    # Overheads: the g and the M the C call takes; the map's table.
    "cgo": dict(goroutines=3, roots=[
        R("cgoHeldSlice", "[]*main.cgoSliceItem", [(32768, 1, True), (64, 4096, False)], kind="stack",
          func="main.cgoSliceHolder", go_func="main.cgoSliceHolder",
          block_func="main._Cfunc_cgo_block_forever", frames_above=1, overhead_max=16 << 10),
        R("cgoHeldMap", "map[int]*main.cgoMapItem", [(256, 1000, False)], kind="stack",
          func="main.cgoMapHolder", go_func="main.cgoMapHolder",
          block_func="main._Cfunc_cgo_block_forever", frames_above=1, overhead_max=96 << 10),
    ], counts=dict(cgo_slice_items=4096, cgo_map_items=1000, c_threads=1, c_heap_bytes=1 << 20)),
}
REPORT_MAX = 64 << 10  # the fixture's own bookkeeping live at ReadMemStats time


def design_objects(minor, root):
    out = []
    for o in root["objs"]:
        if o[0] == "tiny":
            out.append((16, o[1], False))
        else:
            out.append((obj_size(minor, o[0], o[2]), o[1], o[2]))
    return out


# ------------------------------------------------------------------- ELF

class Bad(Exception):
    pass


def read_elf_header(data, what):
    if len(data) < 64 or data[:4] != b"\x7fELF":
        raise Bad(f"{what} is not an ELF file")
    if data[4] != 2 or data[5] != 1:
        raise Bad(f"{what} is not ELF64 little-endian")
    e_type, e_machine = struct.unpack_from("<HH", data, 16)
    e_phoff, = struct.unpack_from("<Q", data, 32)
    e_phentsize, e_phnum = struct.unpack_from("<HH", data, 54)
    return e_type, e_machine, e_phoff, e_phentsize, e_phnum


def core_notes(path, arch="amd64"):
    """Yield (type, desc) of every note in the core's PT_NOTE segments."""
    with open(path, "rb") as f:
        head = f.read(64)
        e_type, e_machine, phoff, phentsize, phnum = read_elf_header(head, path)
        if e_type != ET_CORE:
            raise Bad(f"{path}: e_type {e_type}, not ET_CORE")
        if e_machine != EM[arch]:
            raise Bad(f"{path}: e_machine {e_machine}, not {arch}'s {EM[arch]}")
        f.seek(phoff)
        phdrs = f.read(phentsize * phnum)
        for i in range(phnum):
            p_type, _, p_offset, _, _, p_filesz = struct.unpack_from("<IIQQQQ", phdrs, i * phentsize)
            if p_type != PT_NOTE:
                continue
            f.seek(p_offset)
            buf = f.read(p_filesz)
            off = 0
            while off + 12 <= len(buf):
                namesz, descsz, ntype = struct.unpack_from("<III", buf, off)
                off += 12 + ((namesz + 3) & ~3)
                yield ntype, buf[off:off + descsz]
                off += (descsz + 3) & ~3


class CoreMem:
    """Read process memory out of a core's PT_LOAD segments."""

    def __init__(self, path):
        self.f = open(path, "rb")
        self.m = mmap.mmap(self.f.fileno(), 0, access=mmap.ACCESS_READ)
        _, _, phoff, phentsize, phnum = read_elf_header(self.m[:64], path)
        segs = []
        for i in range(phnum):
            p_type, _, p_offset, p_vaddr, _, p_filesz = struct.unpack_from(
                "<IIQQQQ", self.m, phoff + i * phentsize)
            if p_type == 1 and p_filesz > 0:  # PT_LOAD
                segs.append((p_vaddr, p_filesz, p_offset))
        segs.sort()
        self.segs = segs
        self.starts = [s[0] for s in segs]

    def read(self, addr, n):
        i = bisect.bisect_right(self.starts, addr) - 1
        if i < 0:
            raise Bad(f"address {addr:#x} not in the core")
        va, size, off = self.segs[i]
        if addr + n > va + size:
            raise Bad(f"address {addr:#x} not in the core")
        return self.m[off + addr - va:off + addr - va + n]

    def word(self, addr):
        return struct.unpack("<Q", self.read(addr, 8))[0]

    def close(self):
        self.m.close()
        self.f.close()


def check_core_memory(c, label, core, truth, fx):
    """The core holds what truth.json says: each global's variable holds its
    target, and the shapes the tests rely on are really there."""
    try:
        mem = CoreMem(core)
    except (Bad, ValueError, struct.error) as e:
        c.check(f"{label}: core memory readable", False, str(e))
        return
    try:
        roots = {r["name"]: r for r in truth.get("roots", [])}
        for r in roots.values():
            if r.get("kind") == "global":
                off = 8 if r.get("interface") or r["type"].startswith("interface") else 0
                c.check(f"{label}: core: {r['name']} holds its target",
                        mem.word(r["addr"] + off) == r["target"],
                        f"{mem.word(r['addr'] + off):#x} vs {r['target']:#x}")
        if fx == "basic":
            n, node, seen = 0, roots["main.gListHead"]["target"], True
            while node and n <= 100000:
                seen = seen and mem.word(node + 8) == n  # listNode.Seq
                node = mem.word(node)
                n += 1
            c.check(f"{label}: core: gListHead list has 100000 nodes, Seq 0..99999",
                    n == 100000 and seen, f"{n} nodes")
            head = roots["main.gCycleHead"]["target"]
            a = mem.word(head)
            b = mem.word(a)
            c.check(f"{label}: core: gCycleHead is a 3-ring", len({head, a, b}) == 3 and mem.word(b) == head)
            uh = roots["main.gUnsafeHolder"]["target"]
            c.check(f"{label}: core: unsafe.Pointer target starts with 'U'",
                    mem.read(mem.word(uh + 8), 1) == b"U")
        if fx == "shapes":
            arr = roots["main.gMidPtrArray"]["target"]
            ptrs = [mem.word(arr + 8 * i) for i in range(100)]
            c.check(f"{label}: core: gMidPtrArray has 100 distinct items with Index 0..99",
                    len(set(ptrs)) == 100 and all(p and mem.word(p) == i for i, p in enumerate(ptrs)))
        if fx == "stacks":
            arr = roots["stackHeldPtrs"]["target"]
            ptrs = [mem.word(arr + 8 * i) for i in range(8192)]
            c.check(f"{label}: core: stackHeldPtrs array holds 8192 distinct items",
                    len(set(ptrs)) == 8192 and all(p and mem.word(p) == i for i, p in enumerate(ptrs)))
    except Bad as e:
        c.check(f"{label}: core memory readable", False, str(e))
    finally:
        mem.close()


def nt_file_paths(desc):
    count, _page = struct.unpack_from("<QQ", desc, 0)
    names = desc[16 + 24 * count:].split(b"\0")
    return [n.decode(errors="replace") for n in names[:count]]


# ELF program headers of a core or executable: (phoff, table bytes, [dict per header]).
def phdrs(path):
    with open(path, 'rb') as f:
        eh = f.read(64)
        phoff, = struct.unpack_from('<Q', eh, 32)
        phentsize, phnum = struct.unpack_from('<HH', eh, 54)
        f.seek(phoff)
        raw = f.read(phentsize * phnum)
    out = []
    for i in range(phnum):
        t, flags, off, va, pa, fsz, msz, al = struct.unpack_from('<IIQQQQQQ', raw, i * phentsize)
        out.append(dict(type=t, off=off, vaddr=va, filesz=fsz, memsz=msz))
    return phoff, phentsize * phnum, out


def file_off(path, addr):
    """File offset of a virtual address in a core or (non-PIE) executable."""
    for p in phdrs(path)[2]:
        if p['type'] == 1 and p['vaddr'] <= addr < p['vaddr'] + p['filesz']:
            return p['off'] + addr - p['vaddr']
    raise KeyError(f'{addr:#x} is not file-backed in {path}')


def elf_symbols(path, names):
    """{name: st_value} for the wanted symbols in the exe's .symtab."""
    with open(path, "rb") as f:
        data = f.read()
    shoff, = struct.unpack_from("<Q", data, 40)
    shentsize, shnum = struct.unpack_from("<HH", data, 58)
    secs = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    out = {}
    for sh in secs:
        if sh[1] != 2:  # SHT_SYMTAB
            continue
        strtab = secs[sh[6]]
        str_off = strtab[4]
        for off in range(sh[4], sh[4] + sh[5], 24):
            st_name, = struct.unpack_from("<I", data, off)
            st_value, = struct.unpack_from("<Q", data, off + 8)
            end = data.index(b"\0", str_off + st_name)
            name = data[str_off + st_name:end].decode(errors="replace")
            if name in names:
                out[name] = st_value
    return out


def elf_section(path, name):
    """(sh_addr, bytes) of the exe's section `name`."""
    with open(path, "rb") as f:
        data = f.read()
    shoff, = struct.unpack_from("<Q", data, 40)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 58)
    secs = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    names = secs[shstrndx][4]
    for sh in secs:
        end = data.index(b"\0", names + sh[0])
        if data[names + sh[0]:end].decode() == name:
            return sh[3], data[sh[4]:sh[4] + sh[5]]
    raise Bad(f"{path}: no {name} section")


def go_buildinfo(path):
    """(go version, main package path) from the exe's .go.buildinfo (Go 1.18+ layout)."""
    with open(path, "rb") as f:
        data = f.read()
    i = data.find(b"\xff Go buildinf:")
    if i < 0:
        raise Bad(f"{path}: no Go build info")
    if not data[i + 15] & 2:
        raise Bad(f"{path}: old-style (pointer) build info, not Go 1.18+")
    off = i + 32

    def varstr(off):
        n, shift = 0, 0
        while True:
            b = data[off]
            off += 1
            n |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                break
        return data[off:off + n].decode(errors="replace"), off + n

    version, off = varstr(off)
    modinfo, _ = varstr(off)
    m = re.search(r"path\t(\S+)", modinfo)  # the first line follows a 16-byte sentinel
    return version, (m.group(1) if m else "")


# ------------------------------------------------------------------ checks

class Checker:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, label, cond, detail=""):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL {label}" + (f": {detail}" if detail else ""))
        return cond


def toolchain_version(minor):
    gobin = f"/usr/lib/go-1.{minor}/bin/go"
    if not os.access(gobin, os.X_OK):
        return None
    out = subprocess.run([gobin, "env", "GOVERSION"], capture_output=True, text=True,
                         env=dict(os.environ, GOTOOLCHAIN="local"))
    return out.stdout.strip() or None


def check_fixture(c, vdir, minor, fx, flavour, arch="amd64"):
    label = f"{os.path.basename(vdir)}/{fx}"
    d = os.path.join(vdir, fx)
    core, exe, tpath = (os.path.join(d, n) for n in ("core", "exe", "truth.json"))
    for p in (core, exe, tpath):
        if not c.check(f"{label}: {os.path.basename(p)} exists", os.path.isfile(p) and os.path.getsize(p) > 0,
                       f"missing {p} (run scripts/gen-cores.sh)"):
            return
    try:
        truth = json.load(open(tpath))
    except ValueError as e:
        c.check(f"{label}: truth.json parses", False, str(e))
        return

    # exe: built by this toolchain from this fixture.
    try:
        with open(exe, "rb") as f:
            et = read_elf_header(f.read(64), exe)[0]
        c.check(f"{label}: exe is ET_EXEC", et == 2, f"e_type {et}")
        gover, pkg = go_buildinfo(exe)
        c.check(f"{label}: exe built by go1.{minor}", gover.startswith(f"go1.{minor}."), gover)
        c.check(f"{label}: exe built from ghffixtures/{fx}", pkg == f"ghffixtures/{fx}", pkg)
        tv = toolchain_version(minor)
        if tv is not None:
            c.check(f"{label}: exe version = installed toolchain", gover == tv, f"{gover} vs {tv}")
        c.check(f"{label}: truth go_version = exe's", truth.get("go_version") == gover,
                f"{truth.get('go_version')} vs {gover}")
        globs = [r for r in truth.get("roots", []) if r.get("kind") == "global"]
        syms = elf_symbols(exe, {r["name"] for r in globs})
        for r in globs:
            c.check(f"{label}: {r['name']} addr = its symbol", syms.get(r["name"]) == r.get("addr"),
                    f"truth {r.get('addr')}, symtab {syms.get(r['name'])}")
    except Bad as e:
        c.check(f"{label}: exe readable", False, str(e))

    # core: ELF core of the process that printed truth.json, which mapped exe.
    try:
        pids, files = [], []
        for ntype, desc in core_notes(core, arch):
            if ntype == NT_PRPSINFO and len(desc) >= 28:
                pids.append(struct.unpack_from("<i", desc, 24)[0])
            elif ntype == NT_FILE:
                files += nt_file_paths(desc)
        c.check(f"{label}: core is an ELF {arch} core", True)
        c.check(f"{label}: core pid = truth pid", truth.get("pid") in pids,
                f"NT_PRPSINFO pids {pids}, truth {truth.get('pid')}")
        if flavour == "qemu":
            addr, mine = elf_section(exe, ".go.buildinfo")
            mem = CoreMem(core)
            try:
                theirs = mem.read(addr, len(mine))
            finally:
                mem.close()
            c.check(f"{label}: core holds this exe's .go.buildinfo", theirs == mine,
                     f"{len(mine)} bytes at {addr:#x} differ")
        else:
            want = os.path.realpath(exe)
            tail = os.sep.join(want.split(os.sep)[-3:])
            c.check(f"{label}: core maps this exe", any(p == want or p.endswith(os.sep + tail) for p in files),
                    f"no NT_FILE entry for {want}")
    except Bad as e:
        c.check(f"{label}: core is an ELF {arch} core", False, str(e))

    check_truth(c, label, truth, minor, fx, arch)
    check_core_memory(c, label, core, truth, fx)
    if flavour in ("main", "qemu") and os.path.isfile(os.path.join(d, "stderr")) and \
            not os.path.isfile(os.path.join(d, "gcore.log")):
        check_traceback(c, label, os.path.join(d, "stderr"), truth, fx)


def check_traceback(c, label, path, truth, fx):
    """The runtime's own GOTRACEBACK=crash dump (kernel flavour) confirms the
    goroutines and where each stack root's variable lives."""
    text = open(path, errors="replace").read()
    parts = re.split(r"^goroutine (\d+)", text, flags=re.M)
    blocks = list(zip(parts[1::2], parts[2::2]))
    stacks, seen = [], set()  # main.* frames of each goroutine, innermost first
    for goid, b in blocks:
        # A goroutine is printed twice when the signal's thread runs it (its
        # m's section, then the list of all goroutines): count it once.
        if goid in seen:
            continue
        seen.add(goid)
        frames = re.findall(r"^(main\.[\w.]+)\(", b, flags=re.M)
        if frames:
            stacks.append(frames)
    if not c.check(f"{label}: traceback in stderr", bool(blocks), f"no goroutine dump in {path}"):
        return
    c.check(f"{label}: traceback goroutines with main.* frames = num_goroutine",
            len(stacks) == truth.get("num_goroutine"), f"{len(stacks)} vs {truth.get('num_goroutine')}")
    for dr in DESIGN[fx]["roots"]:
        if dr["kind"] != "stack":
            continue
        k = dr["frames_above"]
        found = [st for st in stacks if len(st) > k and st[0] == dr["block_func"] and
                 st[k] == dr["func"] and st[-1] == dr["go_func"]]
        c.check(f"{label}: traceback has {dr['func']} {k} frames below {dr['block_func']}",
                len(found) == 1, f"matching goroutines: {len(found)}")


def check_truth(c, label, t, minor, fx, arch="amd64"):
    des = DESIGN[fx]
    c.check(f"{label}: schema", t.get("schema") == 1, t.get("schema"))
    c.check(f"{label}: fixture name", t.get("fixture") == fx, t.get("fixture"))
    c.check(f"{label}: goarch", t.get("goarch") == arch, t.get("goarch"))
    c.check(f"{label}: goroutines as designed", t.get("num_goroutine") == des["goroutines"] ==
            t.get("goroutines_designed"),
            f"num_goroutine {t.get('num_goroutine')}, designed {des['goroutines']}")
    c.check(f"{label}: counts", t.get("counts") == des["counts"], f"{t.get('counts')} vs {des['counts']}")
    if fx == "running":  # the goroutine left running, and its thread
        run_ = t.get("running") or {}
        c.check(f"{label}: running names a thread and goroutine",
                run_.get("tid", 0) > 0 and run_.get("goid", 0) > 0 and run_.get("func") == "main.work", run_)
        c.check(f"{label}: gomaxprocs 2", t.get("gomaxprocs") == 2, t.get("gomaxprocs"))
    else:
        c.check(f"{label}: no running record", "running" not in t)

    roots = {r["name"]: r for r in t.get("roots", [])}
    c.check(f"{label}: root names", list(roots) == [r["name"] for r in des["roots"]],
            f"{list(roots)}")
    slack = t.get("measure_slack", -1)
    c.check(f"{label}: measure_slack sane", 0 <= slack <= 4096, slack)
    for dr in des["roots"]:
        r = roots.get(dr["name"])
        if r is None:
            continue
        rl = f"{label}: {dr['name']}"
        objs = design_objects(minor, dr)
        got = [(o["size"], o["count"], o["pointers"]) for o in r["objects"]]
        c.check(f"{rl} objects", got == objs, f"{got} vs design {objs}")
        want_bytes = sum(s * n for s, n, _ in objs)
        c.check(f"{rl} target set", isinstance(r.get("target"), int) and r["target"] > 0, r.get("target"))
        c.check(f"{rl} addr only for globals", (r.get("addr", 0) > 0) == (dr["kind"] == "global"),
                r.get("addr"))
        for other in dr.get("shared_with", []):
            if other in roots:
                c.check(f"{rl} target = {other}'s", r["target"] == roots[other]["target"])
        c.check(f"{rl} bytes", r["bytes"] == want_bytes, f"{r['bytes']} vs design {want_bytes}")
        for key, default in (("kind", None), ("type", None), ("overhead_max", 0), ("tolerance", 0),
                             ("func", None), ("go_func", None), ("block_func", None),
                             ("frames_above", 0), ("shared_with", None), ("measured_with", None),
                             ("finalizer", None), ("stack_object", None), ("stack_object_size", None),
                             ("held_type", None), ("also_vars", None)):
            want = dr.get(key, default)
            c.check(f"{rl} {key}", r.get(key, default) == want, f"{r.get(key)!r} vs design {want!r}")

    # Measured live-heap growth: per measurement group (a root plus those
    # measured with it; shared objects counted once).
    for dr in des["roots"]:
        r = roots.get(dr["name"])
        if r is None:
            continue
        if dr.get("measured_with"):
            c.check(f"{label}: {dr['name']} measured 0 (counted with {dr['measured_with']})",
                    r["measured"] == 0, r["measured"])
            continue
        group = [r] + [roots[x["name"]] for x in des["roots"]
                       if x.get("measured_with") == dr["name"] and x["name"] in roots]
        lo = sum(g["bytes"] for g in group if not (g.get("shared_with") and g is not r))
        tol = sum(g.get("tolerance", 0) for g in group)
        hi = lo + sum(g.get("overhead_max", 0) for g in group)
        m = r["measured"]
        c.check(f"{label}: {dr['name']} measured within design",
                lo - tol - slack <= m <= hi + tol + slack,
                f"measured {m}, design [{lo}, {hi}] ± {tol + slack}")

    ms = t.get("memstats", {})
    unique = sum(r["bytes"] for r in roots.values() if not r.get("measured_with"))
    total_measured = sum(r["measured"] for r in roots.values())
    base = t.get("baseline_heap_alloc", 0)
    ha = ms.get("HeapAlloc", 0)
    c.check(f"{label}: HeapAlloc >= deliberate bytes", ha >= unique, f"{ha} < {unique}")
    c.check(f"{label}: HeapAlloc <= baseline + measured + report", ha <= base + total_measured + REPORT_MAX,
            f"{ha} > {base} + {total_measured} + {REPORT_MAX}")
    c.check(f"{label}: HeapInuse >= HeapAlloc", ms.get("HeapInuse", 0) >= ha)
    nobj = sum(o["count"] for r in roots.values() if not r.get("measured_with") for o in r["objects"])
    c.check(f"{label}: HeapObjects >= deliberate objects", ms.get("HeapObjects", 0) >= nobj,
            f"{ms.get('HeapObjects')} < {nobj}")
    if "garbage" in des:
        size, count = des["garbage"]
        g = t.get("garbage") or {}
        c.check(f"{label}: garbage", g.get("object_size") == size and g.get("count") == count and
                g.get("bytes") == count * obj_size(minor, size, False) and len(g.get("marker", "")) >= 16 and
                len(set(g.get("addrs", []))) == count and all(g["addrs"]), str(g))
    else:
        c.check(f"{label}: no garbage record", "garbage" not in t)


def main():
    if len(sys.argv) != 2:
        print("usage: check_fixtures.py FIXTURE_SRC_DIR", file=sys.stderr)
        return 2
    src = sys.argv[1]
    # "grow" is cored at two moments (no kernel or gcore flavour):
    # tests/check_diff.py checks its two cores and truths against its design.
    fixtures = sorted(n for n in os.listdir(src)
                      if n not in ("internal", "grow") and os.path.isfile(os.path.join(src, n, "main.go")))
    c = Checker()
    c.check("fixture sources have a design here", fixtures == sorted(DESIGN),
            f"sources {fixtures}, designs {sorted(DESIGN)}")
    root = os.environ.get("GHF_FIXTURES", "")
    if not root or not os.path.isdir(root):
        c.check("GHF_FIXTURES names a directory", False,
                f"GHF_FIXTURES={root!r}: run scripts/gen-cores.sh --out DIR and set GHF_FIXTURES=DIR")
        print(f"{c.passed} passed, {c.failed} failed")
        return 1
    ci = os.environ.get("CI") == "true"
    present = [m for m in SUPPORTED if os.path.isdir(os.path.join(root, f"go1.{m}"))]
    c.check("at least one Go version has fixture cores", bool(present), f"none under {root}")
    for m in SUPPORTED:
        if m in present:
            continue
        installed = toolchain_version(m) is not None
        if ci or installed:
            c.check(f"go1.{m} fixture cores present", False,
                    "Go 1.%d is %s: run scripts/gen-cores.sh" % (m, "installed" if installed else "supported (CI)"))
        else:
            print(f"notice: go1.{m}: toolchain not installed, no cores to check")
    newest = max(present) if present else NEWEST
    if ci:
        newest = NEWEST
    gdir = os.path.join(root, f"go1.{newest}-gcore")
    c.check(f"go1.{newest}-gcore fixture cores present", os.path.isdir(gdir), f"missing {gdir}")
    dirs = [(os.path.join(root, f"go1.{m}"), m, "main") for m in present]
    if os.path.isdir(gdir):
        dirs.append((gdir, newest, "gcore"))
    # arm64 cores (qemu-user) of every version that has amd64 ones
    qemu = shutil.which("qemu-aarch64-static") is not None
    for m in present:
        adir = os.path.join(root, f"go1.{m}-arm64")
        if os.path.isdir(adir):
            dirs.append((adir, m, "qemu"))
        elif ci or qemu:
            c.check(f"go1.{m}-arm64 fixture cores present", False,
                    f"missing {adir}: run scripts/gen-cores.sh (qemu-aarch64-static is "
                    f"{'installed' if qemu else 'needed in CI'})")
    for vdir, minor, flavour in dirs:
        for fx in fixtures:
            if flavour == "qemu" and os.path.isfile(os.path.join(src, fx, "variants")):
                continue  # cgo variants: no arm64 build (gen-cores.sh: no cross C toolchain)
            if fx in DESIGN:
                check_fixture(c, vdir, minor, fx, flavour, "arm64" if flavour == "qemu" else "amd64")
    print(f"{c.passed} passed, {c.failed} failed")
    return 0 if c.failed == 0 and c.passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
