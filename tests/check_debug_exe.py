#!/usr/bin/env python3
"""--debug-exe (issue 16): a core of a stripped build read with the DWARF of
an unstripped build of the same source.

usage: check_debug_exe.py GOHEAPFLAME SCRATCHDIR

Per installed Go version, fixture `basic` is built as gen-cores.sh builds it,
with -trimpath, twice: plain and -ldflags="-s -w"; a kernel core (gcore where
the kernel pipes cores) is taken of each build's own process at READY
(check_live.py's helpers). Then:
  - the stripped core alone is read (exit 0, amd64: the runtime's globals
    found by their uses): info counts the fixture's goroutines, and every
    global root the fixture's truth names, found by section and offset
    ([bss+0x..] from the truth's own address and the .bss/.data section
    headers), retains its designed bytes (as below);
  - Go 1.22+: with --debug-exe PLAIN it is read (exit 0); every global root
    the fixture's truth.json names is a root of the graph holding at least
    its designed bytes (truth.json bytes..bytes+overhead_max, and what the
    fixture measured), and each root designed exactly (no map overhead)
    retains the same bytes as in the plain build's own core;
  - Go 1.19 and 1.21 (where -s -w still moves .gopclntab, see README) and a
    mismatched FILE (a build without -trimpath, another Go version's build)
    are refused with exit 3 and one line naming both files.
"""
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from check_live import start, take_core  # noqa: E402
from fixture_cores import Checker, VERSIONS, run  # noqa: E402
from check_stripped import root_names, sections, symbol_sizes  # noqa: E402

FIXTURES = os.path.join(HERE, "fixtures")


def go_build(minor, out, ldflags, trimpath, gocache):
    """Build fixture basic as scripts/gen-cores.sh does (its go build line)."""
    env = dict(os.environ, GOTOOLCHAIN="local", GOCACHE=gocache, GOFLAGS="-mod=mod", GOPROXY="off", GOENV="off",
               CGO_ENABLED="0", GOOS="linux", GOARCH="amd64", GOWORK="off")
    cmd = [f"/usr/lib/go-{minor}/bin/go", "build", *(["-trimpath"] if trimpath else []), f"-ldflags={ldflags}",
           "-o", out, "./basic"]
    r = subprocess.run(cmd, cwd=FIXTURES, env=env, capture_output=True)
    if r.returncode != 0:
        print(r.stderr.decode(), file=sys.stderr)
    return r.returncode == 0


def cored(exe, work):
    """(core path, truth) of exe run in work, or (None, None)."""
    os.makedirs(work, exist_ok=True)
    p = start(exe, work)
    try:
        with open(os.path.join(work, "stdout")) as f:
            truth = json.loads(f.readline())
        return take_core(p, work), truth
    finally:
        if p.poll() is None:
            p.kill()
        p.wait()


def per_root(folded):
    d = {}
    for line in folded.splitlines():
        stack, n = line.rsplit(" ", 1)
        root = stack.split(";", 1)[0]
        d[root] = d.get(root, 0) + int(n)
    return d


def check_version(c, ghf, minor, scratch, gocache, others):
    label = f"go{minor}"
    w = os.path.join(scratch, label)
    shutil.rmtree(w, ignore_errors=True)
    os.makedirs(w)
    plain, stripped, untrimmed = (os.path.join(w, n) for n in ("plain", "stripped", "untrimmed"))
    ok = all([go_build(minor, plain, "", True, gocache), go_build(minor, stripped, "-s -w", True, gocache),
              go_build(minor, untrimmed, "", False, gocache)])
    c.check(f"{label}: basic builds plain, -s -w and without -trimpath", ok)
    if not ok:
        return
    others[minor] = plain
    score, truth = cored(stripped, os.path.join(w, "s"))
    pcore, _ = cored(plain, os.path.join(w, "p"))
    c.check(f"{label}: cores of both builds", score is not None and pcore is not None)
    if score is None or pcore is None:
        return
    rc, info, err = run(ghf, "info", "--json", score, stripped)
    c.check(f"{label}: -s -w core alone: info --json counts the fixture's goroutines",
            rc == 0 and json.loads(info).get("goroutines") == truth["num_goroutine"], f"rc {rc}: {err.strip()}")
    fa = os.path.join(w, "alone.folded")
    rc, _, err = run(ghf, score, stripped, "--no-progress", "-o", fa)
    c.check(f"{label}: -s -w core alone: read (exit 0)", rc == 0, f"rc {rc}: {err.strip()}")
    if rc == 0:
        alone, secs, sizes = per_root(open(fa).read()), sections(stripped), symbol_sizes(plain)
        for r in truth["roots"]:
            if r["kind"] != "global" or r.get("measured_with") or r.get("finalizer") or r.get("shared_with"):
                continue
            names = root_names(secs, r["addr"], sizes.get(r["name"], 8))
            got = sum(alone.get(n, 0) for n in names)
            lo, hi = r["bytes"] - r["tolerance"], r["bytes"] + r["overhead_max"] + r["tolerance"]
            c.check(f"{label}: -s -w alone: {r['name']} as {names[0] if names else None}.. retains {lo}..{hi} bytes",
                    names and lo <= got <= hi, f"{got}")
    fs = os.path.join(w, "stripped.folded")
    rc, _, err = run(ghf, score, stripped, "--debug-exe", plain, "--no-progress", "-o", fs)
    if minor in ("1.19", "1.21"):
        c.check(f"{label}: -trimpath -s -w moves sections on this version: refused (exit 3)",
                rc == 3 and "does not match" in err and plain in err and stripped in err, f"rc {rc}: {err.strip()}")
        return
    c.check(f"{label}: stripped core with --debug-exe exits 0", rc == 0, err.strip())
    rc2, info, err2 = run(ghf, "info", "--json", score, stripped, "--debug-exe", plain)
    c.check(f"{label}: info --json with --debug-exe: the fixture's goroutines", rc2 == 0 and
            json.loads(info).get("goroutines") == truth["num_goroutine"], err2.strip())
    fp = os.path.join(w, "plain.folded")
    rcp, _, errp = run(ghf, pcore, plain, "--no-progress", "-o", fp)
    c.check(f"{label}: the plain build's own core reads", rcp == 0, errp.strip())
    if rc != 0 or rcp != 0:
        return
    mine, theirs = per_root(open(fs).read()), per_root(open(fp).read())
    same = []
    for r in truth["roots"]:
        if r["kind"] != "global" or r.get("measured_with") or r.get("finalizer"):
            continue
        name, tol = r["name"], r["tolerance"]
        if r.get("shared_with"):
            group = {name, *r["shared_with"]}

            def holds(k):  # names it, or names others of its group and "+ more" (three are listed)
                parts = k.replace("[shared] ", "").split(" + ")
                return name in parts or (parts[-1] == "more" and set(parts[:-1]) <= group)
            held = sum(v for k, v in mine.items() if holds(k))
            c.check(f"{label}: shared root {name} holds its deliberate bytes", held >= r["bytes"] - tol, f"{held}")
            continue
        got = mine.get(name, 0)
        lo, hi = r["bytes"] - tol, r["bytes"] + r["overhead_max"] + tol
        c.check(f"{label}: {name} retains {lo}..{hi} bytes", lo <= got <= hi, f"{got}")
        if r.get("measured") and not r.get("overhead_shared"):
            m, slack = r["measured"], truth["measure_slack"]
            c.check(f"{label}: {name} retains what the fixture measured ({m} bytes)", m - slack <= got <= m, f"{got}")
        if r["overhead_max"] == 0:  # a map's overhead depends on its process's hash seed
            same.append(name)
    diff = [f"{k}: {mine.get(k)} vs {theirs.get(k)}" for k in same if mine.get(k) != theirs.get(k)]
    c.check(f"{label}: {len(same)} exactly designed roots retain the same bytes as in the plain build's core",
            not diff and same, "; ".join(diff[:4]))
    rc, _, err = run(ghf, "info", score, stripped, "--debug-exe", untrimmed)
    c.check(f"{label}: a build without -trimpath is refused (exit 3, one line)",
            rc == 3 and "does not match" in err and err.count("\n") == 1, f"rc {rc}: {err.strip()}")
    other = next((p for m, p in others.items() if m != minor), None)
    if other:
        rc, _, err = run(ghf, "info", score, stripped, "--debug-exe", other)
        c.check(f"{label}: another Go version's build is refused (exit 3)", rc == 3 and "does not match" in err,
                f"rc {rc}: {err.strip()}")
        rc, _, err = run(ghf, "info", score, stripped, "--debug-exe", other, "--force")
        c.check(f"{label}: --force takes it with a warning", "warning: debug executable" in err, err.strip())
    for f in (score, pcore):
        os.remove(f)


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    ghf, scratch = sys.argv[1], os.path.abspath(sys.argv[2])
    os.makedirs(scratch, exist_ok=True)
    gocache = os.environ.get("GHF_GOCACHE", os.path.join(scratch, "gocache"))
    c = Checker()
    others = {}
    seen = 0
    for minor in VERSIONS:
        if not os.path.exists(f"/usr/lib/go-{minor}/bin/go"):
            c.check(f"go{minor} installed", os.environ.get("CI") != "true")
            continue
        seen += 1
        check_version(c, ghf, minor, scratch, gocache, others)
    c.check("a Go toolchain was found", seen > 0)
    print(f"{c.passed} passed, {c.failed} failed")
    return 0 if c.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
