#!/usr/bin/env python3
"""Cores of a program with its own C code (tests/fixtures/cgo), against the
fixture's own truth (issue 24).

For every Go version, every build of the fixture (tests/fixtures/cgo/variants:
gcc's default DWARF 5, gcc -gdwarf-4, clang) and both core kinds (kernel
SIGABRT under GOTRACEBACK=crash in go1.NN/, gcore in go1.NN-gcore/):
  build     the executable's C units are what the variant says (readelf:
            GNU C DWARF 5, GNU C DWARF 4, clang);
  truth     truth.json matches the design (check_fixtures.check_truth) and,
            for kernel cores, the runtime's crash traceback shows each holder
            one frame below main._Cfunc_cgo_block_forever;
  flame     exit 0, nothing on stderr, and under each goroutine's variable
            (main.cgoSliceHolder.cgoHeldSlice, main.cgoMapHolder.cgoHeldMap:
            both goroutines blocked inside a C call) at least 99 % of the bytes
            it holds and at most bytes + overhead_max;
  info      exit 0, nothing on stderr; 2 goroutines in syscall; one thread
            without an m, whose id is the one the C thread stored in the C
            global cgo_thread_tid (read here from the core); the cgo line;
            --json agrees;
  damage    (kernel cores) one byte of a C unit's abbreviation table changed
            (the form of its root DIE's first attribute): exit 0, one warning
            naming that unit, the same folded graph; the same byte of the Go
            units' table: exit 3, "corrupt DWARF", no output.
Usage: check_cgo.py GOHEAPFLAME
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_fixtures import Checker, CoreMem, check_traceback, check_truth, elf_symbols  # noqa: E402
from check_flame import parse_folded  # noqa: E402
from fixture_cores import VERSIONS, args, core_missing, run  # noqa: E402

VARIANTS = {"cgo": "gcc, DWARF 5", "cgo-dwarf4": "gcc -gdwarf-4", "cgo-clang": "clang"}
ROOTS = {"cgoHeldSlice": "main.cgoSliceHolder.cgoHeldSlice", "cgoHeldMap": "main.cgoMapHolder.cgoHeldMap"}


def uleb(b, i):
    r = s = 0
    while True:
        x = b[i]
        i += 1
        r |= (x & 0x7F) << s
        s += 7
        if x < 0x80:
            return r, i


def sections(path):
    """{name: (file offset, size)} from readelf -S."""
    out = subprocess.run(["readelf", "-S", "-W", path], capture_output=True, text=True, check=True).stdout
    res = {}
    for line in out.splitlines():
        m = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+[0-9a-f]+\s+([0-9a-f]+)\s+([0-9a-f]+)", line)
        if m:
            res[m.group(1)] = (int(m.group(2), 16), int(m.group(3), 16))
    return res


def units(path):
    """[{off, version, abbrev, producer}] of every compile unit, from readelf."""
    out = subprocess.run(["readelf", "--debug-dump=info", path], capture_output=True, text=True).stdout
    res, cur = [], None
    for line in out.splitlines():
        m = re.search(r"Compilation Unit @ offset (0x[0-9a-f]+)", line)
        if m:
            cur = {"off": int(m.group(1), 16), "producer": ""}
            res.append(cur)
            continue
        if cur is None:
            continue
        m = re.search(r"Version:\s+(\d+)", line)
        if m and "version" not in cur:
            cur["version"] = int(m.group(1))
        m = re.search(r"Abbrev Offset:\s+((?:0x)?[0-9a-f]+)", line)
        if m and "abbrev" not in cur:
            cur["abbrev"] = int(m.group(1), 16)
        m = re.search(r"DW_AT_producer\s*:\s*(?:\(indirect[^)]*\):\s*)?(.*)", line)
        if m and not cur["producer"]:
            cur["producer"] = m.group(1).strip()
    return res


def is_c(producer):
    return producer.startswith("GNU C") or "clang" in producer


def damage_root_abbrev(src, dst, want_go):
    """Copy src to dst with its DWARF decompressed and the form of the first
    attribute of the root DIE's abbreviation, in the first C (or Go) unit,
    set to 0x7f (no such form). Returns the unit's .debug_info offset."""
    subprocess.run(["objcopy", "--decompress-debug-sections", src, dst], check=True)
    us = units(dst)
    u = next(u for u in us if (u["producer"].startswith("Go cmd/compile") if want_go else is_c(u["producer"])))
    secs = sections(dst)
    ioff, isz = secs[".debug_info"]
    aoff, asz = secs[".debug_abbrev"]
    data = bytearray(open(dst, "rb").read())
    info, ab = data[ioff:ioff + isz], data[aoff:aoff + asz]
    code, _ = uleb(info, u["off"] + (12 if u["version"] >= 5 else 11))
    i = u["abbrev"]
    while True:  # find the abbreviation `code` in the unit's table
        c, i = uleb(ab, i)
        if c == 0:
            raise RuntimeError(f"abbreviation {code} not in the table at {u['abbrev']:#x}")
        _tag, i = uleb(ab, i)
        i += 1  # children flag
        first_form = None
        while True:
            a, j = uleb(ab, i)
            f, k = uleb(ab, j)
            if first_form is None:
                first_form = j
            i = k
            if a == 0 and f == 0:
                break
            if f == 0x21:  # DW_FORM_implicit_const: its value follows
                _, i = uleb(ab, i)
        if c == code:
            break
    data[aoff + first_form] = 0x7F
    open(dst, "wb").write(data)
    return u["off"]


def check_build(c, label, exe, variant):
    us = [u for u in units(exe) if is_c(u["producer"])]
    if variant == "cgo-clang":
        ok = bool(us) and all("clang" in u["producer"] for u in us)
    else:
        want = 4 if variant == "cgo-dwarf4" else 5
        ok = bool(us) and all(u["producer"].startswith("GNU C") and u["version"] == want for u in us)
    c.check(f"{label}: C units built as {VARIANTS[variant]}", ok,
            str(sorted({(u['producer'][:24], u.get('version')) for u in us})))
    return ok


def flame_bytes(c, ghf, label, core, exe, truth):
    rc, folded, err = run(ghf, core, exe, "-o", "-", "--quiet")
    c.check(f"{label}: flame exits 0", rc == 0, err.strip()[:300])
    c.check(f"{label}: flame prints nothing on stderr", err == "", err.strip()[:300])
    under = {}
    for frames, n in parse_folded(folded) if rc == 0 else []:
        under[frames[0]] = under.get(frames[0], 0) + n
    for r in truth["roots"]:
        name = ROOTS[r["name"]]
        got = under.get(name, 0)
        lo, hi = 0.99 * r["bytes"], r["bytes"] + r["overhead_max"]
        c.check(f"{label}: {name} holds {r['bytes']} bytes (>= 99 %, <= + {r['overhead_max']})",
                lo <= got <= hi, f"{got}")
    return folded if rc == 0 else None


def check_info(c, ghf, label, core, exe, truth, minor):
    exe_syms = elf_symbols(exe, {"cgo_thread_tid"})
    tid = None
    if c.check(f"{label}: exe has the C symbol cgo_thread_tid", "cgo_thread_tid" in exe_syms):
        mem = CoreMem(core)
        try:
            tid = mem.word(exe_syms["cgo_thread_tid"])
        finally:
            mem.close()
    rc, out, err = run(ghf, "info", core, exe)
    c.check(f"{label}: info exits 0, nothing on stderr", rc == 0 and err == "", err.strip()[:300])
    # The C thread has no m, or (when SIGABRT landed on it and the runtime
    # borrowed an extra m to handle the signal) an extra m: Go 1.21+ marks
    # those (m.isextra); on 1.19 such an m cannot be told from the others.
    listed = {}
    for kind in ("without m", "extra m"):
        m = re.search(r"^  %s +(\d+) \([^)]*\): tid ([\d ]+)$" % kind, out, re.M)
        listed[kind] = m.group(2).split() if m and int(m.group(1)) == len(m.group(2).split()) else []
    n_c = truth["counts"]["c_threads"]
    got = listed["without m"] + listed["extra m"]
    rc2, jout, _ = run(ghf, "info", "--json", "--no-heap", core, exe)
    j = json.loads(jout) if rc2 == 0 else {}
    if got or "threads_extra_m" in j:
        c.check(f"{label}: info lists {n_c} C thread, tid {tid} (the C thread's own gettid)",
                got == [str(tid)] and n_c == 1, f"{listed}: {out[:300]}")
    else:
        c.check(f"{label}: info: the C thread {tid} borrowed an m (Go 1.19 has no m.isextra)",
                minor == 19 and tid in range(1, 1 << 22), out[:300])
    c.check(f"{label}: info --json: cgo, threads_without_m, threads_extra_m agree with the text",
            j.get("cgo") is True and [str(t) for t in j.get("threads_without_m", [])] == listed["without m"] and
            [str(t) for t in j.get("threads_extra_m", [])] == listed["extra m"], str(j)[:300])
    c.check(f"{label}: info says cgo and that the C heap is not in the graph",
            re.search(r"^cgo: +yes .*C-heap \(malloc\) memory is not in the graph$", out, re.M) is not None,
            out[:400])
    # the two holders; a C thread that took SIGABRT runs the handler on an
    # extra m whose g is in syscall too
    m = re.search(r"^  syscall +(\d+)(?: \(\d+ user, \d+ runtime\))?$", out, re.M)
    c.check(f"{label}: info: the 2 holders are in syscall (inside C)", m is not None and int(m.group(1)) >= 2,
            out[:400])


def check_damage(c, ghf, label, core, exe, folded):
    with tempfile.TemporaryDirectory() as tmp:
        bad = os.path.join(tmp, "exe")
        off = damage_root_abbrev(exe, bad, want_go=False)
        rc, out, err = run(ghf, core, bad, "-o", "-", "--quiet")
        lines = err.splitlines()
        c.check(f"{label}: damaged C unit: exit 0", rc == 0, err.strip()[:300])
        c.check(f"{label}: damaged C unit: a warning names the unit at .debug_info offset {off:#x}",
                bool(lines) and lines[0].startswith(f"goheapflame: warning: skipped the compile unit at .debug_info "
                                                    f"offset {off:#x} ") and
                all(ln.startswith("goheapflame: warning: ") for ln in lines), err.strip()[:400])
        c.check(f"{label}: damaged C unit: the same graph", rc == 0 and out == folded,
                f"{len(out)} vs {len(folded or '')} bytes of folded output")
        off = damage_root_abbrev(exe, bad, want_go=True)
        outp = os.path.join(tmp, "out.folded")
        rc, out, err = run(ghf, core, bad, "-o", outp, "--quiet")
        c.check(f"{label}: damaged Go unit: exit 3, corrupt DWARF, no output",
                rc == 3 and err.startswith("goheapflame: corrupt DWARF") and not os.path.exists(outp),
                f"rc {rc}: {err.strip()[:300]}")


def main():
    ghf, root = args(__doc__)
    if root is None:
        return ghf
    for tool in ("readelf", "objcopy"):
        if shutil.which(tool) is None:
            print(f"check_cgo.py: {tool} (binutils) is missing: run scripts/install-deps.sh", file=sys.stderr)
            return 1
    c = Checker()
    seen = 0
    for minor in VERSIONS:
        for vdir in (f"go{minor}", f"go{minor}-gcore"):
            for variant in VARIANTS:
                label = f"{vdir}/{variant}"
                d = os.path.join(root, vdir, variant)
                core, exe = os.path.join(d, "core"), os.path.join(d, "exe")
                if core_missing(c, label, d, minor):
                    continue
                seen += 1
                with open(os.path.join(d, "truth.json")) as f:
                    truth = json.load(f)
                check_build(c, label, exe, variant)
                check_truth(c, label, truth, int(minor.split(".")[1]), "cgo")
                folded = flame_bytes(c, ghf, label, core, exe, truth)
                check_info(c, ghf, label, core, exe, truth, int(minor.split('.')[1]))
                if not vdir.endswith("-gcore"):
                    # the runtime's own GOTRACEBACK=crash dump: both goroutines in C
                    check_traceback(c, label, os.path.join(d, "stderr"), truth, "cgo")
                    check_damage(c, ghf, label, core, exe, folded)
    c.check("cgo fixture cores were found", seen > 0, root)
    print(f"{c.passed} passed, {c.failed} failed")
    return 0 if c.failed == 0 and c.passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
