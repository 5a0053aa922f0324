#!/usr/bin/env python3
"""Executables without DWARF (issue 16): every amd64 and arm64 fixture core
of every Go version read with two stripped copies of its executable, which
keep the code at the core's addresses (the same build ID):
  -w    objcopy --strip-debug: what -ldflags=-w links (ELF symbol table kept);
  -s -w strip -s: what -ldflags="-s -w" links (no DWARF, no symbols).
(arm64: the same sections hidden in the section headers, blank_copy.)
Each must give exit 0; every root the fixture's truth names found (globals
by their symbol name under -w, by section and offset under -s -w,
`[bss+0x1a0]` where 0x1a0 is the truth's address of the variable minus the
start of the section holding it; stack roots by their function:
`main.f+0x28` or `main.f stack object ...`, as locals have no names without
DWARF), with the same direct bytes as the run on the DWARF executable (per
global; per function for stacks), the same bytes over all roots, and the
same heap total. Under -s -w the runtime's globals found without symbols
(info --json runtime_globals) must be at the DWARF run's addresses, and
info's goroutines, threads and heap the same. Every object typed without
DWARF must have the DWARF run's type (a wrong type fails), and the share
of heap bytes typed so must reach the floor measured for the fixture and
Go version (FLOORS); the shares are printed per core and mode.
The same for a PIE build of fixture basic (newest installed Go), copied
live with --pid --save-core.
Main refuses -s -w executables (exit 4), so this fails there.
Usage: check_stripped.py GOHEAPFLAME
"""
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_cores import FIXTURES, VERSIONS, Checker, args, core_missing, run  # noqa: E402


def roots(ghf, core, exe):
    rc, out, err = run(ghf, "roots", "--json", core, exe)
    return rc, (json.loads(out) if rc == 0 else []), err


def heap_totals(ghf, core, exe):
    rc, out, _ = run(ghf, "histogram", core, exe)
    m = re.search(r"typed: (\d+) bytes, unknown type: (\d+) bytes", out)
    return (int(m.group(1)), int(m.group(2))) if rc == 0 and m else None


def by_func(rs, func):
    pat = re.compile(re.escape(func) + r"(\.|\+0x| stack object)")
    return sum(r["direct_bytes"] for r in rs if r["kind"] == "stack" and pat.match(r["name"]))


def sections(exe, types=False):
    """{name: (addr, size)} of an executable's sections ({name: type} with types)."""
    out = subprocess.run(["readelf", "-SW", exe], capture_output=True, text=True, check=True).stdout
    secs = {}
    for m in re.finditer(r"\]\s+(\S+)\s+(\S+)\s+([0-9a-f]{16})\s+[0-9a-f]+\s+([0-9a-f]+)", out):
        secs[m.group(1)] = m.group(2) if types else (int(m.group(3), 16), int(m.group(4), 16))
    return secs


def blank_copy(exe, out, symbols):
    """A copy of exe without DWARF (its .debug_* sections made NOBITS) and,
    with symbols, without the ELF symbol table (.symtab made NULL): what
    strip does to what goheapflame reads, for arm64 executables, which
    the host's binutils do not strip (llvm-objcopy garbles the section
    names of Go 1.19/1.21 arm64 executables)."""
    b = bytearray(open(exe, "rb").read())
    shoff, = struct.unpack_from("<Q", b, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", b, 0x3a)
    stroff, = struct.unpack_from("<Q", b, shoff + shstrndx * shentsize + 0x18)
    for i in range(shnum):
        h = shoff + i * shentsize
        name_off, = struct.unpack_from("<I", b, h)
        name = bytes(b[stroff + name_off:b.index(0, stroff + name_off)]).decode()
        if name.startswith((".debug", ".zdebug")):
            struct.pack_into("<I", b, h + 4, 8)  # SHT_NOBITS
        elif symbols and name == ".symtab":
            struct.pack_into("<I", b, h + 4, 0)  # SHT_NULL
    open(out, "wb").write(b)


def symbol_sizes(exe):
    """{name: size} of the data symbols of an (unstripped) executable."""
    out = subprocess.run(["nm", "-S", exe], capture_output=True, text=True, check=True).stdout
    sizes = {}
    for line in out.splitlines():
        f = line.split(None, 3)
        if len(f) == 4 and f[2] in "bBdD":
            sizes[f[3]] = int(f[1], 16)
    return sizes


def root_names(secs, addr, size):
    """The -s -w names of the pointer words of the global at [addr, addr +
    size): [data+0x..] or [bss+0x..], by the offset in its section (an
    interface's data word is its second)."""
    for sec in ("data", "bss"):
        a, n = secs.get("." + sec, (0, 0))
        if a <= addr < a + n:
            return [f"[{sec}+0x{off:x}]" for off in range(addr - a, addr - a + max(size, 8), 8)]
    return []


def info(ghf, core, exe):
    rc, out, _ = run(ghf, "info", "--json", core, exe)
    return json.loads(out) if rc == 0 else None


# the runtime globals every -s -w run must find (allfin only exists once a
# finalizer was queued)
REQUIRED = ["runtime.firstmoduledata", "runtime.mheap_", "runtime.allgs", "runtime.allglen", "runtime.allp",
            "runtime.sched", "runtime.allm", "runtime.waitReasonStrings"]


# the interface types the fixtures' truth declares roots with
IFACE_TYPES = {"error", "interface {}", "any", "context.Context", "io.Reader"}


def short(t):
    """A type name without package paths (descriptors spell them short)."""
    return re.sub(r"[\w.\-]+/", "", t)


def objects(ghf, core, exe):
    """{address: object} of objects --json, or None."""
    rc, out, _ = run(ghf, "objects", "--json", core, exe)
    return {int(o["address"], 16): o for o in json.loads(out)} if rc == 0 else None


# the common part of every type descriptor: what a descriptor reflect made
# (reflect.structType, ...) is labelled without DWARF, which alone knows
# the kind's whole descriptor type
DESC_COMMON = {"abi.Type", "reflect.rtype", "runtime._type"}


def norm(t):
    """A type label as both runs can spell it: package paths cut to the
    package's name (descriptors name encoding/json/v2's types json.T), and
    the compiler's map bucket and group structs named after their map, as
    DWARF and the map type's own descriptor do."""
    t = short(re.sub(r"/v\d+\.", ".", t))
    t = re.sub(r"^(?:\[\])?(?:noalg\.)?map\.bucket\[(.*)$", r"map[\1 (buckets)", t)
    return re.sub(r"^(?:\[\])?(?:noalg\.)?map\.group\[(.*)$", r"map[\1 (groups)", t)


def same_type(got, want):
    return norm(got) == norm(want) or (got in DESC_COMMON and re.match(r"reflect\.\w+Type$", want))


# Typed share floors (percent of heap bytes, typed as the DWARF run types
# them) per Go minor version and fixture, amd64 and arm64, -w and -s -w:
# measured on the fixture cores when the runtime's own slices (allgs,
# allp, allm) and the map types of typelinks became type sources, rounded
# down by 3 % of themselves for a regenerated core. What stays untyped and why:
# README, "Stripped executables".
FLOORS = {
    ("1.19", "basic"): 0.6, ("1.19", "shapes"): 2.9, ("1.19", "stacks"): 6.9,
    ("1.19", "stackobj"): 1.7, ("1.19", "example"): 0.2, ("1.19", "ifaces"): 60.9,
    ("1.21", "basic"): 0.5, ("1.21", "shapes"): 3.1, ("1.21", "stacks"): 7.3,
    ("1.21", "stackobj"): 1.8, ("1.21", "example"): 0.3, ("1.21", "ifaces"): 70.8,
    ("1.22", "basic"): 50.5, ("1.22", "shapes"): 37.3, ("1.22", "stacks"): 95.6,
    ("1.22", "stackobj"): 2.2, ("1.22", "example"): 94.2, ("1.22", "ifaces"): 83.9,
    ("1.23", "basic"): 50.5, ("1.23", "shapes"): 37.6, ("1.23", "stacks"): 95.3,
    ("1.23", "stackobj"): 2.5, ("1.23", "example"): 94.2, ("1.23", "ifaces"): 82.3,
    ("1.24", "basic"): 49.0, ("1.24", "shapes"): 37.4, ("1.24", "stacks"): 94.5,
    ("1.24", "stackobj"): 2.4, ("1.24", "example"): 94.1, ("1.24", "ifaces"): 78.0,
    ("1.26", "basic"): 49.1, ("1.26", "shapes"): 37.7, ("1.26", "stacks"): 94.5,
    ("1.26", "stackobj"): 2.8, ("1.26", "example"): 94.1, ("1.26", "ifaces"): 78.9,
    ("1.27", "basic"): 49.1, ("1.27", "shapes"): 37.7, ("1.27", "stacks"): 94.5,
    ("1.27", "stackobj"): 2.8, ("1.27", "example"): 94.1, ("1.27", "ifaces"): 78.8,
}


def check_typed(c, label, mode, key, full, stripped, shares):
    """Every object the stripped run types has the type the DWARF run gives
    it (a wrong type fails, not only a missing one), except tiny blocks
    (16-byte pointer-free objects holding several small values of any
    types: the first path to one names it); the bytes typed so are at
    least the floor."""
    total = sum(o["size"] for o in stripped.values())
    wrong, right = [], 0
    for a, o in stripped.items():
        if o["type"].startswith("unknown."):
            continue
        want = full.get(a, {}).get("type", "")
        if same_type(o["type"], want):
            right += o["size"]
        elif not (o["size"] == 16 and o["pointers"] == 0):
            wrong.append(f"0x{a:x} {o['type']} (DWARF: {want})")
    c.check(f"{label} {mode}: objects typed without DWARF have the DWARF run's types", not wrong,
            f"{len(wrong)} differ: " + "; ".join(wrong[:4]))
    share = 100.0 * right / total if total else 0.0
    shares.append((f"{mode} {label}", share))
    floor = FLOORS.get(key)
    c.check(f"{label} {mode}: typed share {share:.1f} % >= floor {floor} %", floor is not None and share >= floor)


def check_iface_types(c, label, mode, stripped, truth):
    """Without DWARF, an interface root's dynamic value is typed from the
    interface's type word: the object the root points to has the type the
    fixture put there, when it holds pointers (pointer-free objects are not
    typed so: their GC bits cannot confirm a type), and when its type was
    not made at run time by reflect (named through runtime.reflectOffs,
    which is not found without symbols: README)."""
    types = {a: o["type"] for a, o in stripped.items()}
    for t in truth["roots"]:
        if t.get("type") not in IFACE_TYPES or not t["objects"] or not t["objects"][0].get("pointers") or \
                "reflect." in t["objects"][0]["what"]:
            continue
        want, got = t["objects"][0].get("type", t["objects"][0]["what"]), types.get(t.get("target"))
        c.check(f"{label} {mode}: interface root {t['name']}: its value typed {want}",
                got is not None and short(got) == short(want), f"{got}")


def check_mode(c, ghf, label, key, mode, core, exe, sexe, truth, full, full_objs, shares):
    rc, stripped, err = roots(ghf, core, sexe)
    c.check(f"{label} {mode}: exit 0", rc == 0, err.strip())
    if rc != 0:
        return
    secs, sizes = sections(exe), symbol_sizes(exe)
    funcs = set()
    for t in truth["roots"]:
        if t["kind"] == "global":
            names = [t["name"]] if mode == "-w" else root_names(secs, t["addr"], sizes.get(t["name"], 8))
            want = sum(r["direct_bytes"] for r in full if r["name"] == t["name"])
            got = sum(r["direct_bytes"] for r in stripped if r["name"] in names)
            c.check(f"{label} {mode}: global {t['name']} found as {names[0] if names else None}.. with the DWARF "
                    f"run's bytes", names and got == want and got > 0, f"{got} vs {want}")
        elif t["kind"] == "stack" and t.get("func"):
            funcs.add(t["func"])
    # A stack object a callee points into is named after the callee's
    # variable with DWARF (main.litDown.p), after its own frame without:
    # compare the fixture's stack functions together.
    want = sum(by_func(full, f) for f in funcs)
    got = sum(by_func(stripped, f) for f in funcs)
    c.check(f"{label} {mode}: stack roots of {sorted(funcs)} hold the DWARF run's bytes",
            got == want and (got > 0 or not funcs), f"{got} vs {want}")
    c.check(f"{label} {mode}: all roots together hold the DWARF run's bytes",
            sum(r["direct_bytes"] for r in stripped) == sum(r["direct_bytes"] for r in full))
    h0, h = heap_totals(ghf, core, exe), heap_totals(ghf, core, sexe)
    c.check(f"{label} {mode}: same heap total", h0 and h and sum(h) == sum(h0), f"{h} vs {h0}")
    objs = objects(ghf, core, sexe)
    c.check(f"{label} {mode}: objects exit 0", objs is not None and full_objs is not None)
    if objs is not None and full_objs is not None:
        check_typed(c, label, mode, key, full_objs, objs, shares)
        check_iface_types(c, label, mode, objs, truth)
    if mode == "-w":
        return
    i0, i = info(ghf, core, exe), info(ghf, core, sexe)
    c.check(f"{label} {mode}: info exit 0", i0 is not None and i is not None)
    if i0 is None or i is None:
        return
    g0, g = i0.pop("runtime_globals"), i.pop("runtime_globals")
    missing = [n for n in REQUIRED if n not in g]
    wrong = [n for n in g if g[n] != g0.get(n)]
    c.check(f"{label} {mode}: runtime globals found at the DWARF run's addresses",
            not missing and not wrong, f"missing {missing}, wrong {wrong}")
    c.check(f"{label} {mode}: found without symbols", "found by their uses" in i["runtime_index"],
            i["runtime_index"])
    i0.pop("runtime_index")
    i.pop("runtime_index")
    c.check(f"{label} {mode}: info (goroutines, threads, heap) as with DWARF", i == i0,
            str({k: (i.get(k), i0.get(k)) for k in i0 if i.get(k) != i0.get(k)})[:400])


def check_pie(c, ghf, tmp):
    """-buildmode=pie: fixture basic built PIE with the newest installed
    toolchain, run, copied live (--pid --save-core: the kernel's core
    pattern is not ours to set), and read with the PIE executable and its
    strip -s copy as above; globals' [section+off] names from the truth's
    run-time addresses minus the load bias."""
    gos = [(v, f"/usr/lib/go-{v}/bin/go") for v in VERSIONS if os.path.exists(f"/usr/lib/go-{v}/bin/go")]
    if not gos:
        return
    v, go = gos[-1]
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
    d = os.path.join(tmp, "pie")
    os.makedirs(d)
    exe, swexe, core = os.path.join(d, "exe"), os.path.join(d, "exe-sw"), os.path.join(d, "core")
    env = dict(os.environ, GOTOOLCHAIN="local", GOFLAGS="-mod=mod", GOPROXY="off", CGO_ENABLED="0",
               GOCACHE=os.environ.get("GHF_GOCACHE", os.path.join(tmp, "gocache")))
    r = subprocess.run([go, "build", "-buildmode=pie", "-o", exe, "./basic"], cwd=src, env=env, capture_output=True)
    c.check(f"go{v} pie: fixture basic builds with -buildmode=pie", r.returncode == 0, r.stderr.decode()[-400:])
    if r.returncode != 0:
        return
    subprocess.run(["strip", "-s", "-o", swexe, exe], check=True)
    out = open(os.path.join(d, "stdout"), "wb")
    p = subprocess.Popen([exe], cwd=d, stdout=out, stderr=subprocess.DEVNULL)
    try:
        lines = []
        for _ in range(600):
            lines = open(os.path.join(d, "stdout"), "rb").read().decode("utf-8", "replace").splitlines()
            if "READY" in lines or p.poll() is not None:
                break
            time.sleep(0.1)
        rc, _, err = run(ghf, "info", "--pid", str(p.pid), "--save-core", core)
    finally:
        p.kill()
        p.wait()
    c.check(f"go{v} pie: the running fixture is copied (--pid --save-core)", "READY" in lines and rc == 0, err)
    if rc != 0 or "READY" not in lines:
        return
    truth = json.loads(lines[lines.index("READY") - 1])
    i = info(ghf, core, exe)
    bias = i["pie_bias"] if i else 0
    c.check(f"go{v} pie: the executable is loaded away from its link address", bias != 0, str(bias))
    truth["roots"] = [dict(t, addr=t["addr"] - bias) if "addr" in t else t for t in truth["roots"]]
    label = f"go{v}-pie/basic"
    rc0, full, err0 = roots(ghf, core, exe)
    c.check(f"{label}: exit 0 with DWARF", rc0 == 0, err0.strip())
    if rc0 == 0:
        check_mode(c, ghf, label, (v, "basic"), "-s -w", core, exe, swexe, truth, full, objects(ghf, core, exe), [])


def main():
    ghf, root = args(__doc__)
    if root is None:
        return ghf
    c = Checker()
    shares = []
    with tempfile.TemporaryDirectory() as tmp:
        for v in VERSIONS:
            for arch in ("amd64", "arm64"):
                for fx in FIXTURES:
                    vdir = f"go{v}" + ("-arm64" if arch == "arm64" else "")
                    d = os.path.join(root, vdir, fx)
                    label = f"{vdir}/{fx}"
                    if core_missing(c, label, d, v):
                        continue
                    core, exe = os.path.join(d, "core"), os.path.join(d, "exe")
                    wexe, swexe = os.path.join(tmp, f"{vdir}-{fx}-w"), os.path.join(tmp, f"{vdir}-{fx}-sw")
                    if arch == "amd64":
                        subprocess.run(["objcopy", "--strip-debug", exe, wexe], check=True)
                        subprocess.run(["strip", "-s", "-o", swexe, exe], check=True)
                    else:
                        blank_copy(exe, wexe, False)
                        blank_copy(exe, swexe, True)
                    types = sections(swexe, True)
                    left = [n for n in (".symtab", ".debug_info") if types.get(n, "NOBITS") not in ("NOBITS", "NULL")]
                    c.check(f"{label} -s -w: the copy has no symbols or DWARF", not left, str(left))
                    truth = json.load(open(os.path.join(d, "truth.json")))
                    rc0, full, err0 = roots(ghf, core, exe)
                    c.check(f"{label}: exit 0 with DWARF", rc0 == 0, err0.strip())
                    if rc0 != 0:
                        continue
                    full_objs = objects(ghf, core, exe)
                    for mode, sexe in (("-w", wexe), ("-s -w", swexe)):
                        check_mode(c, ghf, label, (v, fx), mode, core, exe, sexe, truth, full, full_objs, shares)
        check_pie(c, ghf, tmp)
    for label, s in shares:
        print(f"typed share {label}: {s:.1f} %")
    print(f"stripped: {c.passed} passed, {c.failed} failed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
