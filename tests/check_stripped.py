#!/usr/bin/env python3
"""Executables without DWARF (issue 16), -ldflags=-w: every amd64 fixture
core of every Go version read with a copy of its executable stripped of
DWARF (objcopy --strip-debug: the same code at the same addresses as the
core, ELF symbol table kept, what -ldflags=-w links) must give exit 0;
every root the fixture's truth names found (globals by their symbol name,
stack roots by their function: `main.f+0x28` or `main.f stack object ...`,
as locals have no names without DWARF), with the same direct bytes as the
run on the DWARF executable (per global; per function for stacks), and the
same heap total. The typed share of heap bytes is reported per core (only
malloc headers and type descriptors type objects without DWARF).
Main refuses such executables (exit 4), so this fails there.
Usage: check_stripped.py GOHEAPFLAME
"""
import json
import os
import re
import subprocess
import sys
import tempfile

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


def main():
    ghf, root = args(__doc__)
    if root is None:
        return ghf
    c = Checker()
    shares = []
    with tempfile.TemporaryDirectory() as tmp:
        for v in VERSIONS:
            for fx in FIXTURES:
                d = os.path.join(root, f"go{v}", fx)
                label = f"go{v}/{fx}"
                if core_missing(c, label, d, v):
                    continue
                core, exe = os.path.join(d, "core"), os.path.join(d, "exe")
                wexe = os.path.join(tmp, f"{v}-{fx}-w")
                subprocess.run(["objcopy", "--strip-debug", exe, wexe], check=True)
                truth = json.load(open(os.path.join(d, "truth.json")))
                rc0, full, err0 = roots(ghf, core, exe)
                rc, stripped, err = roots(ghf, core, wexe)
                c.check(f"{label} -w: exit 0", rc == 0 and rc0 == 0, (err or err0).strip())
                if rc != 0 or rc0 != 0:
                    continue
                funcs = set()
                for t in truth["roots"]:
                    if t["kind"] == "global":
                        want = sum(r["direct_bytes"] for r in full if r["name"] == t["name"])
                        got = sum(r["direct_bytes"] for r in stripped if r["name"] == t["name"])
                        c.check(f"{label} -w: global {t['name']} found with the DWARF run's bytes",
                                got == want and got > 0, f"{got} vs {want}")
                    elif t["kind"] == "stack" and t.get("func"):
                        funcs.add(t["func"])
                # A stack object a callee points into is named after the
                # callee's variable with DWARF (main.litDown.p), after its own
                # frame without: compare the fixture's stack functions together.
                want = sum(by_func(full, f) for f in funcs)
                got = sum(by_func(stripped, f) for f in funcs)
                c.check(f"{label} -w: stack roots of {sorted(funcs)} hold the DWARF run's bytes",
                        got == want and (got > 0 or not funcs), f"{got} vs {want}")
                c.check(f"{label} -w: all roots together hold the DWARF run's bytes",
                        sum(r["direct_bytes"] for r in stripped) == sum(r["direct_bytes"] for r in full))
                h0, h = heap_totals(ghf, core, exe), heap_totals(ghf, core, wexe)
                c.check(f"{label} -w: same heap total", h0 and h and sum(h) == sum(h0), f"{h} vs {h0}")
                if h and sum(h):
                    shares.append((label, 100.0 * h[0] / sum(h)))
    for label, s in shares:
        print(f"typed share -w {label}: {s:.1f} %")
    print(f"stripped: {c.passed} passed, {c.failed} failed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
