#!/usr/bin/env python3
"""The runtime layouts as data (src/rtlayout_table.c, issue 16) equal what
DWARF says: for every fixture executable of every Go version (amd64 and
arm64), each fact `goheapflame rtlayout EXE` reads from its DWARF must be
in the table's block for that Go version with the same offset and size
(the table may know more: types this program does not use), and the
structs nothing works without must be in both.
Usage: check_rtlayout.py GOHEAPFLAME
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_cores import FLAVOURS, Checker, args, run  # noqa: E402

REQUIRED = ["row runtime.mspan startAddr ", "row runtime.g sched.sp ", "row runtime.g stack.lo ",
            "row runtime.moduledata gcdatamask.bytedata ", "row runtime.mheap allspans ",
            "const runtime.heapArenaBytes "]


def key(line):
    parts = line.split()
    return " ".join(parts[:3]) if parts[0] == "row" else " ".join(parts[:2])


def main():
    ghf, root = args(__doc__)
    if root is None:
        return ghf
    c = Checker()
    seen = 0
    for minor, flavour in FLAVOURS:
        base = os.path.join(root, flavour)
        if not os.path.isdir(base):
            continue
        arch = "arm64" if flavour.endswith("-arm64") else "amd64"
        rc, table, err = run(ghf, "rtlayout", "--table", minor.split(".")[1], arch)
        c.check(f"{flavour}: the table has Go {minor} on {arch}", rc == 0, err.strip())
        if rc != 0:
            continue
        tab = {key(l): l for l in table.splitlines()}
        for fx in sorted(os.listdir(base)):
            exe = os.path.join(base, fx, "exe")
            if not os.path.exists(exe):
                continue
            rc, dw, err = run(ghf, "rtlayout", exe)
            c.check(f"{flavour}/{fx}: rtlayout exits 0", rc == 0, err.strip())
            if rc != 0:
                continue
            seen += 1
            lines = dw.splitlines()
            bad = [l for l in lines if tab.get(key(l)) != l]
            c.check(f"{flavour}/{fx}: every DWARF fact equals the table's", not bad,
                    "; ".join(f"DWARF '{l}' table '{tab.get(key(l))}'" for l in bad[:5]))
            for r in REQUIRED:
                c.check(f"{flavour}/{fx}: '{r.strip()}' in DWARF and table",
                        any(l.startswith(r) for l in lines) and any(l.startswith(r) for l in tab.values()))
    c.check("some fixture executables were checked", seen > 0, root)
    print(f"rtlayout: {c.passed} passed, {c.failed} failed ({seen} executables)")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
