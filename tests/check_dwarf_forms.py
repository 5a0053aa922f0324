#!/usr/bin/env python3
"""The DWARF layer reads every form gcc and clang emit (issue 24), checked
against binutils' readelf as an independent reader.

For the cgo fixture's executables (C units by gcc with its default DWARF 5,
by gcc -gdwarf-4, by clang; Go units of every Go version) and one pure Go
executable per version: tests/dwarf/dwc_dump walks every DIE of every unit
(exit 0: no form it cannot read) and prints the names, byte sizes, member
offsets, counts (DW_AT_count, or DW_AT_upper_bound + 1), constants and low
pcs it decoded; each must equal what readelf --debug-dump=info prints for the
same DIE. Names come in DW_FORM_string/strp/line_strp/strx*, sizes and
offsets in data*/udata/implicit_const (gcc 12's DWARF 5), pcs in addr/addrx*.
Usage: check_dwarf_forms.py DWC_DUMP
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_cores import VERSIONS, Checker  # noqa: E402

SKIP_TAGS = {"DW_TAG_lexical_block", "DW_TAG_inlined_subroutine"}  # dwarf_compat.c reads no attributes there
TAG_NUM = {"DW_TAG_lexical_block": 0x0B, "DW_TAG_inlined_subroutine": 0x1D}
M64 = (1 << 64) - 1


def value(v):
    """The value readelf -W prints after the form: '(data1) 8', '(strp) (offset: 0x22): long int'."""
    v = re.sub(r"^\(\w+\)\s*", "", v.strip())             # the form
    return re.sub(r"^\((?:offset|index|indexed|alt)[^)]*\):\s*", "", v)  # where it was found


def num(v):
    v = value(v).strip()
    if re.fullmatch(r"-?\d+", v):
        return int(v) & M64
    if re.fullmatch(r"0x[0-9a-f]+", v):
        return int(v, 16) & M64
    return None


def readelf_dies(exe):
    """{offset: {field: value}} as readelf prints the DIEs."""
    out = subprocess.run(["readelf", "--debug-dump=info", "-W", exe], capture_output=True, text=True,
                         errors="replace").stdout
    dies, cur, tag = {}, None, None
    for line in out.splitlines():
        m = re.match(r"\s*<\d+><([0-9a-f]+)>: Abbrev Number: (\d+)(?: \((\w+)\))?", line)
        if m:
            off, tag = int(m.group(1), 16), m.group(3)
            cur = {} if m.group(2) != "0" and tag not in SKIP_TAGS else None
            if cur is not None:
                dies[off] = cur
            continue
        m = re.match(r"\s*<[0-9a-f]+>\s+(DW_AT_\w+)\s*:\s?(.*)$", line)
        if not m or cur is None:
            continue
        at, v = m.group(1), m.group(2)
        if at == "DW_AT_name":
            cur["name"] = value(v).rstrip()
        elif at == "DW_AT_byte_size" and num(v) is not None:
            cur["bs"] = num(v)
        elif at == "DW_AT_data_member_location" and num(v) is not None:
            cur["ml"] = num(v)
        elif at == "DW_AT_count" and num(v) is not None:
            cur["ct"] = num(v)
        elif at == "DW_AT_upper_bound" and num(v) is not None and "ct" not in cur:
            ub = num(v)
            if ub == M64 or ub < (1 << 63):  # dwarf_compat keeps bounds >= -1
                cur["ct"] = (ub + 1) & M64
        elif at == "DW_AT_const_value" and num(v) is not None:
            cur["cv"] = num(v)
        elif at == "DW_AT_low_pc":
            m2 = re.fullmatch(r"(0x[0-9a-f]+)\s*", value(v))
            if m2:
                cur["low"] = int(m2.group(1), 16)
    return dies


def dump_dies(dwc_dump, exe):
    p = subprocess.run([dwc_dump, exe], capture_output=True, text=True, errors="replace")
    dies = {}
    for line in p.stdout.splitlines():
        off, _tag, *rest = line.split(" ")
        d = {}
        text = " ".join(rest)
        m = re.match(r"name=(.*?)(?= (?:bs|ml|ct|cv|low)=|$)", text)
        if m:
            d["name"] = m.group(1)
            text = text[m.end():]
        for k, v in re.findall(r"(bs|ml|ct|cv|low)=(\S+)", text):
            d[k] = num(v)
        dies[int(off, 16)] = d
    return p.returncode, p.stderr.strip(), dies


def compare(c, label, want, got):
    bad = []
    for off, w in want.items():
        g = got.get(off, {})
        for k, v in w.items():
            if g.get(k) != v:
                bad.append(f"{off:#x} {k}: readelf {v!r}, dwc {g.get(k)!r}")
    c.check(f"{label}: every name, size, member offset, count, constant and low pc as readelf reads them",
            not bad, f"{len(bad)} differ: " + "; ".join(bad[:5]))
    return len(want)


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    dwc_dump = sys.argv[1]
    root = os.environ.get("GHF_FIXTURES")
    if not root or not os.path.isdir(root):
        print("check_dwarf_forms.py: GHF_FIXTURES is not set or not a directory (run scripts/test.sh)",
              file=sys.stderr)
        return 1
    ci = os.environ.get("CI") == "true"
    c = Checker()
    seen = 0
    for minor in VERSIONS:
        for fx in ("cgo", "cgo-dwarf4", "cgo-clang", "basic"):
            label = f"go{minor}/{fx}"
            exe = os.path.join(root, f"go{minor}", fx, "exe")
            if not os.path.exists(exe):
                if ci or os.path.exists(f"/usr/lib/go-{minor}/bin/go"):
                    c.check(f"{label}: fixture exe exists", False, exe)
                continue
            seen += 1
            rc, err, got = dump_dies(dwc_dump, exe)
            c.check(f"{label}: dwc_dump reads every DIE of every unit", rc == 0, err[:300])
            n = compare(c, label, readelf_dies(exe), got)
            c.check(f"{label}: readelf found DIEs to compare", n > 1000, str(n))
    c.check("fixture executables were found", seen > 0, root)
    print(f"{c.passed} passed, {c.failed} failed")
    return 0 if c.failed == 0 and c.passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
