#!/usr/bin/env python3
"""goheapflame diff (issue 14) against the ground truth of fixture "grow".

    check_diff.py GOHEAPFLAME        (reads $GHF_FIXTURES)

scripts/gen-cores.sh cores the fixture twice for every Go version
($GHF_FIXTURES/go1.NN/grow/{core.old,truth.old.json} and {core,truth.json});
between the two moments the program grew main.gCache by 2000 entries,
shrank main.gQueue by 400 jobs, left main.gStable alone, dropped main.gGone,
made main.gFresh and let the goroutine holding main.grower.batch return, and
it reports each change in deliberate bytes and as measured by
runtime.MemStats (HeapAlloc after GC). For each version this checks:
  - the truth files against the design written out again here (sizes from
    this file's own allocator table), and each measured change against its
    deliberate bytes (MemStats agrees with the program's own arithmetic);
  - diff --json: each root's delta (exact for the globals), the vanished
    roots listed with their OLD bytes, the new root, the growth table's top
    entry and the largest shrink, the total change against HeapAlloc;
  - the text table on stdout, the two-column folded output (its columns sum
    to the two totals), the SVG (tooltips, colours, the vanished list) and
    the PNG;
  - the README's example cored twice (go1.NN/example-grow, newest Go): each
    root's delta against the change the program measured, the stuck
    worker's batch unchanged, the top entry;
  - a core against itself: every delta 0, nothing vanished, nothing grew;
    the two cores swapped: the changes reversed;
  - --focus on a root only the old core has: that root, listed as vanished;
  - --old-exe with the same executable gives the same JSON, and with the
    oldest version's executable, its first core against the newest version's
    second core gives each root's bytes of both; an executable
    that does not match the old core fails (exit 3) naming that core.
"""
import json
import os
import re
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "render"))
from chromium_test import human  # noqa: E402  render.c's sizes, as the progress line prints them

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_fixtures import obj_size  # noqa: E402  the allocator table, written once
from fixture_cores import VERSIONS, Checker, args, core_missing, run  # noqa: E402

# The design of tests/fixtures/grow/main.go.
CACHE_CAP, CACHE_FIRST, CACHE_SECOND, PAYLOAD = 4096, 1000, 3000, 1024
QUEUE_CAP, QUEUE_FIRST, QUEUE_SECOND, JOB_BODY = 512, 500, 100, 2048
STABLE_COUNT, STABLE_SIZE = 200, 4096
GONE_SIZE = 65536
FRESH_COUNT, FRESH_SIZE = 300, 512
BATCH_COUNT, BATCH_SIZE = 64, 1024
# runtime noise between two moments of a process (Ms, timers, the json
# encoder caches the report fills, the report itself live when MemStats was read)
TOTAL_SLACK = 32 << 10


def design(minor):
    """{root: (bytes at moment 1, bytes at moment 2)}; None = no such root."""
    o = lambda size, ptr: obj_size(minor, size, ptr)  # noqa: E731
    entry, job = o(32, True) + o(PAYLOAD, False), o(32, True) + o(JOB_BODY, False)
    return {
        "main.gCache": (o(CACHE_CAP * 8, True) + CACHE_FIRST * entry, o(CACHE_CAP * 8, True) + CACHE_SECOND * entry),
        "main.gQueue": (o(QUEUE_CAP * 8, True) + QUEUE_FIRST * job, o(QUEUE_CAP * 8, True) + QUEUE_SECOND * job),
        "main.gStable": (o(STABLE_COUNT * 24, True) + STABLE_COUNT * o(STABLE_SIZE, False),) * 2,
        "main.gGone": (o(32, True) + o(GONE_SIZE, False), None),
        "main.gFresh": (None, o(FRESH_COUNT * 24, True) + FRESH_COUNT * o(FRESH_SIZE, False)),
        "main.grower.batch": (o(BATCH_COUNT * 8, True) + BATCH_COUNT * (o(32, True) + o(BATCH_SIZE, False)), None),
    }


def frame_name(r):
    """The root frame goheapflame names for a truth root."""
    return r["name"] if r["kind"] == "global" else f'{r["func"]}.{r["name"]}'


def check_truth(c, label, old, new, want):
    slack = old.get("measure_slack", 1024)
    for moment, t in ((0, old), (1, new)):
        got = {frame_name(r): r["bytes"] for r in t.get("roots", [])}
        exp = {k: v[moment] for k, v in want.items() if v[moment] is not None}
        c.check(f"{label}: truth moment {moment + 1} roots match the design", got == exp, f"{got} != {exp}")
        c.check(f"{label}: truth moment {moment + 1}", t.get("moment") == moment + 1, str(t.get("moment")))
    changes = {("main.grower.batch" if ch["root"] == "batch" else ch["root"]): ch for ch in new.get("changes", [])}
    for name, (a, b) in want.items():
        ch = changes.get(name)
        delta = (b or 0) - (a or 0)
        c.check(f"{label}: truth change of {name} is the design's", ch is not None and ch["bytes"] == delta,
                f"{ch} != {delta}")
        if ch is not None and name != "main.gStable":
            c.check(f"{label}: MemStats measured the change of {name}", abs(ch["measured"] - ch["bytes"]) <= slack,
                    f"measured {ch['measured']}, deliberate {ch['bytes']}")


def diff(c, ghf, label, tmp, old_core, new_core, exe, *extra, fmt="json"):
    out = os.path.join(tmp, f"d.{fmt}")
    rc, so, se = run(ghf, "diff", old_core, new_core, exe, "-o", out, "--no-progress", *extra,
                     binary=fmt == "png")
    c.check(f"{label}: diff -o .{fmt} {' '.join(extra)} exits 0", rc == 0, f"rc {rc}: {se.strip()[:300]}")
    if rc != 0 or not os.path.exists(out):
        return None, so
    with open(out, "rb") as f:
        data = f.read()
    return (json.loads(data) if fmt == "json" else data), so


def roots_of(j):
    return {f["name"]: f for f in j["frames"] if f["parent"] == -1}


def check_json(c, label, j, want, old, new):
    roots = roots_of(j)
    for name, (a, b) in want.items():
        f = roots.get(name)
        c.check(f"{label}: root frame {name} present", f is not None, str(sorted(roots)))
        if f is None:
            continue
        if name == "main.grower.batch":  # a goroutine's frame: its g may be shared with allgs
            tol = next(r for r in old["roots"] if r["kind"] == "stack").get("overhead_max", 0)
            c.check(f"{label}: {name} old bytes", a <= f["old_bytes"] <= a + tol, f'{f["old_bytes"]} vs {a}+{tol}')
        else:
            c.check(f"{label}: {name} old bytes = truth", f["old_bytes"] == (a or 0), f'{f["old_bytes"]} != {a}')
            c.check(f"{label}: {name} delta = truth change", f["delta_bytes"] == (b or 0) - (a or 0),
                    f'{f["delta_bytes"]} != {(b or 0) - (a or 0)}')
        c.check(f"{label}: {name} new bytes = truth", f["new_bytes"] == (b or 0), f'{f["new_bytes"]} != {b}')
        status = "vanished" if b is None else "new" if a is None else "both"
        c.check(f"{label}: {name} status {status}", f["status"] == status, f["status"])
    vanished = {tuple(v["path"]): v for v in j["vanished"]}
    for name in ("main.gGone", "main.grower.batch"):
        v = vanished.get((name,))
        c.check(f"{label}: {name} listed as vanished with its OLD bytes",
                v is not None and v["new_bytes"] == 0 and v["old_bytes"] >= want[name][0], str(v))
    top = j["top"]
    gcache = want["main.gCache"][1] - want["main.gCache"][0]
    c.check(f"{label}: growth table's top entry is main.gCache's growth",
            bool(top) and top[0]["path"][0] == "main.gCache" and top[0]["delta_bytes"] == gcache,
            str(top[:1]))
    if top and top[0]["path"][0] == "main.gCache":
        entries = CACHE_SECOND - CACHE_FIRST
        c.check(f"{label}: the top entry holds the new entries",
                top[0]["path"][-1] == "main.Entry" and top[0]["new_objects"] - top[0]["old_objects"] == 2 * entries,
                str(top[0]))
    shrunk = j["shrunk"]
    gq = want["main.gQueue"][1] - want["main.gQueue"][0]
    c.check(f"{label}: largest shrink is main.gQueue's",
            bool(shrunk) and shrunk[0]["path"][0] == "main.gQueue" and shrunk[0]["delta_bytes"] == gq,
            str(shrunk[:1]))
    heap_delta = new["memstats"]["HeapAlloc"] - old["memstats"]["HeapAlloc"]
    c.check(f"{label}: total change against MemStats HeapAlloc",
            abs(j["delta_bytes"] - heap_delta) <= TOTAL_SLACK, f'{j["delta_bytes"]} vs {heap_delta}')
    c.check(f"{label}: totals add up", j["new"]["total_bytes"] - j["old"]["total_bytes"] == j["delta_bytes"])


def check_pictures(c, ghf, label, tmp, d, want):
    svg, _ = diff(c, ghf, label, tmp, *d, fmt="svg")
    if svg is not None:
        s = svg.decode()
        a, b = want["main.gCache"]
        c.check(f"{label}: SVG tooltip of main.gCache gives OLD, NEW and delta",
                f"main.gCache\nold: {a:,} bytes" in s and f"new: {b:,} bytes" in s and f"delta: +{b - a:,} bytes" in s,
                "tooltip not found")
        fills = {}
        for m in re.finditer(r'<title>([^\n<]*)\n[^<]*</title><rect [^>]*fill="#(..)(..)(..)"', s):
            fills[m.group(1)] = tuple(int(x, 16) for x in m.group(2, 3, 4))
        r, g, bl = fills.get("main.gCache", (0, 0, 0))
        c.check(f"{label}: main.gCache is red (grew)", r > bl + 60, str(fills.get("main.gCache")))
        r, g, bl = fills.get("main.gQueue", (0, 0, 0))
        c.check(f"{label}: main.gQueue is blue (shrank)", bl > r + 60, str(fills.get("main.gQueue")))
        r, g, bl = fills.get("main.gStable", (0, 0, 1))
        c.check(f"{label}: main.gStable is grey (unchanged)", r == g == bl, str(fills.get("main.gStable")))
        vm = re.search(r'<g id="vanished">(.*?)</g>', s, re.S)
        c.check(f"{label}: SVG lists the vanished roots",
                vm is not None and "main.gGone" in vm.group(1) and "main.grower.batch" in vm.group(1), "")
        # issue 17 item 6 for diff: the subtitle says when each core was written (file times, UTC)
        when = " \u2192 ".join(time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(os.stat(p).st_mtime)) for p in d[:2])
        c.check(f"{label}: SVG subtitle gives both cores' times", f"written {when}" in s, when)
    # issue 17 item 9 for diff: each core's stages with their times, then what was written
    out = os.path.join(tmp, "p.svg")
    rc, _, err = run(ghf, "diff", *d, "-o", out, "--progress", "--top", "0")
    lines = err.splitlines()
    stage = re.compile(r"^goheapflame: (.+?)\s+(\d+\.\d\d) s  \(total\s+(\d+\.\d\d) s\)  rss ")
    stages = [stage.match(ln) for ln in lines[:-1]]
    want_last = f"goheapflame: wrote {out} ({human(os.stat(out).st_size)}) in " if rc == 0 else "?"
    c.check(f"{label}: diff --progress: both cores' stages, then what was written",
            rc == 0 and lines and all(stages) and [m.group(1) for m in stages].count("built frames") == 2 and
            lines[-1].startswith(want_last), f"rc {rc}: {err.strip()[-400:]}")
    png, _ = diff(c, ghf, label, tmp, *d, fmt="png")
    c.check(f"{label}: PNG written", png is not None and png[:8] == b"\x89PNG\r\n\x1a\n")
    folded, _ = diff(c, ghf, label, tmp, *d, fmt="folded")
    if folded is not None:
        lines = [ln.rsplit(" ", 2) for ln in folded.decode().splitlines()]
        so = sum(int(x[1]) for x in lines)
        sn = sum(int(x[2]) for x in lines)
        j, _ = diff(c, ghf, label, tmp, *d)
        c.check(f"{label}: folded OLD and NEW columns sum to the totals",
                j is not None and so == j["old"]["total_bytes"] and sn == j["new"]["total_bytes"], f"{so} {sn}")
        pay = {x[0]: (int(x[1]), int(x[2])) for x in lines}.get("main.gCache;[]*main.Entry;main.Entry;[]uint8")
        c.check(f"{label}: folded payload line", pay == (CACHE_FIRST * PAYLOAD, CACHE_SECOND * PAYLOAD), str(pay))


def check_version(c, ghf, root, minor, tmp):
    label = f"go{minor}/grow"
    d = os.path.join(root, f"go{minor}", "grow")
    old_core, core, exe = (os.path.join(d, n) for n in ("core.old", "core", "exe"))
    if not all(os.path.exists(p) for p in (old_core, core, exe)):
        if os.environ.get("CI") == "true" or os.path.exists(f"/usr/lib/go-{minor}/bin/go"):
            c.check(f"{label}: both cores exist", False, d)
        return False
    with open(os.path.join(d, "truth.old.json")) as f:
        old = json.load(f)
    with open(os.path.join(d, "truth.json")) as f:
        new = json.load(f)
    want = design(int(minor.split(".")[1]))
    check_truth(c, label, old, new, want)
    j, table = diff(c, ghf, label, tmp, old_core, core, exe)
    if j is not None:
        check_json(c, label, j, want, old, new)
        first = next((ln for ln in table.splitlines() if re.match(r"\s+\+[\d,]+ ", ln)), "")
        c.check(f"{label}: text table's first row is main.gCache's growth",
                first.strip().startswith(f'+{want["main.gCache"][1] - want["main.gCache"][0]:,}') and
                first.endswith("main.gCache > []*main.Entry > main.Entry"), first)
        c.check(f"{label}: text table lists the vanished roots", "main.gGone" in table.split("Vanished")[-1])
        _, js = diff(c, ghf, label, tmp, old_core, core, exe, "--json", fmt="svg")
        try:
            js = json.loads(js)
        except ValueError:
            js = {}
        c.check(f"{label}: --json prints the growth table as JSON",
                js.get("top") == j["top"] and js.get("vanished") == j["vanished"], str(js)[:200])
        j2, _ = diff(c, ghf, label, tmp, old_core, core, exe, "--old-exe", exe)
        c.check(f"{label}: --old-exe with the same executable gives the same result", j2 == j)
        f, _ = diff(c, ghf, label, tmp, old_core, core, exe, "--focus", "^main\\.gGone$")
        c.check(f"{label}: --focus on a root only OLD has lists it as vanished",
                f is not None and [v["path"] for v in f["vanished"]] == [["main.gGone"]] and
                f["vanished"][0]["old_bytes"] == want["main.gGone"][0] and f["new"]["total_bytes"] == 0,
                str(f and f["vanished"]))
    check_pictures(c, ghf, label, tmp, (old_core, core, exe), want)
    for which, cf in (("old", old_core), ("new", core)):
        s, _ = diff(c, ghf, f"{label} {which} vs itself", tmp, cf, cf, exe)
        if s is not None:
            moved = [f["name"] for f in s["frames"] if f["delta_bytes"] or f["delta_objects"] or f["status"] != "both"]
            c.check(f"{label}: {which} core against itself: every delta 0", not moved, str(moved[:5]))
            c.check(f"{label}: {which} core against itself: nothing grew, shrank or vanished",
                    not s["top"] and not s["shrunk"] and not s["vanished"] and s["delta_bytes"] == 0)
    r, _ = diff(c, ghf, f"{label} swapped", tmp, core, old_core, exe)
    if r is not None:
        roots = roots_of(r)
        c.check(f"{label}: swapped: main.gFresh vanished, main.gGone new",
                roots.get("main.gFresh", {}).get("status") == "vanished" and
                roots.get("main.gGone", {}).get("status") == "new")
        c.check(f"{label}: swapped: main.gQueue grew back",
                roots.get("main.gQueue", {}).get("delta_bytes") == want["main.gQueue"][0] - want["main.gQueue"][1])
    return True


def check_example(c, ghf, root, tmp):
    """The README's example: fixture example cored twice (newest Go only)."""
    for minor in reversed(VERSIONS):
        d = os.path.join(root, f"go{minor}", "example-grow")
        if os.path.exists(os.path.join(d, "core.old")):
            break
    else:
        newest = VERSIONS[-1]
        if os.environ.get("CI") == "true" or os.path.exists(f"/usr/lib/go-{newest}/bin/go"):
            c.check(f"go{newest}/example-grow: both cores exist", False, root)
        return
    label = f"go{minor}/example-grow"
    m = int(minor.split(".")[1])
    with open(os.path.join(d, "truth.old.json")) as f:
        old = json.load(f)
    with open(os.path.join(d, "truth.json")) as f:
        new = json.load(f)
    slack = new.get("measure_slack", 1024)
    # the example's design: Session 56 + ID 16 + history 4096; Request 40 + body 6144
    want = {"main.sessionCache": 1000 * (obj_size(m, 56, True) + obj_size(m, 16, False) + obj_size(m, 4096, False)),
            "main.requestQueue": 200 * (obj_size(m, 40, True) + obj_size(m, 6144, False))}
    changes = {ch["root"]: ch for ch in new.get("changes", [])}
    for name, b in want.items():
        ch = changes.get(name, {})
        c.check(f"{label}: truth change of {name} is the design's", ch.get("bytes") == b, f"{ch} != {b}")
    j, _ = diff(c, ghf, label, tmp, os.path.join(d, "core.old"), os.path.join(d, "core"), os.path.join(d, "exe"))
    if j is None:
        return
    roots = roots_of(j)
    for name, ch in changes.items():
        f = roots.get(name, {})
        # MemStats measured the change, map table growth included
        c.check(f"{label}: {name} delta against the measured change",
                abs(f.get("delta_bytes", 1 << 40) - ch["measured"]) <= slack and f["delta_bytes"] >= ch["bytes"],
                f'{f.get("delta_bytes")} vs measured {ch["measured"]}, deliberate {ch["bytes"]}')
    batch = roots.get("main.stuckWorker.batch", {})
    c.check(f"{label}: the stuck worker's batch did not change",
            batch.get("delta_bytes") == 0 and batch.get("old_bytes", 0) > 0, str(batch))
    top = j["top"]
    c.check(f"{label}: growth table's top entry is main.sessionCache's growth",
            bool(top) and top[0]["path"][0] == "main.sessionCache" and
            abs(top[0]["delta_bytes"] - changes["main.sessionCache"]["measured"]) <= slack, str(top[:1]))
    heap_delta = new["memstats"]["HeapAlloc"] - old["memstats"]["HeapAlloc"]
    c.check(f"{label}: total change against MemStats HeapAlloc",
            abs(j["delta_bytes"] - heap_delta) <= TOTAL_SLACK, f'{j["delta_bytes"]} vs {heap_delta}')


def main():
    ghf, root = args(__doc__)
    if root is None:
        return ghf
    c = Checker()
    seen = []
    with tempfile.TemporaryDirectory() as tmp:
        for minor in VERSIONS:
            if check_version(c, ghf, root, minor, tmp):
                seen.append(minor)
        # An executable that does not match the old core: refused, naming it.
        if len(seen) >= 2:
            a, b = (os.path.join(root, f"go{m}", "grow") for m in seen[:2])
            rc, _, se = run(ghf, "diff", os.path.join(a, "core.old"), os.path.join(b, "core"),
                            os.path.join(b, "exe"), "-o", os.path.join(tmp, "x.svg"), "--no-progress")
            c.check("a mismatched old core fails with exit 3 naming it",
                    rc == 3 and os.path.join(a, "core.old") in se, f"rc {rc}: {se.strip()}")
            c.check("no partial output on failure", not os.path.exists(os.path.join(tmp, "x.svg")))
            # Two builds (two Go versions) of the program: --old-exe names OLD's.
            ma, mb = seen[0], seen[-1]
            a, b = (os.path.join(root, f"go{m}", "grow") for m in (ma, mb))
            j, _ = diff(c, ghf, f"go{ma} -> go{mb}", tmp, os.path.join(a, "core.old"), os.path.join(b, "core"),
                        os.path.join(b, "exe"), "--old-exe", os.path.join(a, "exe"))
            if j is not None:
                wa, wb = design(int(ma.split(".")[1])), design(int(mb.split(".")[1]))
                roots = roots_of(j)
                for name in ("main.gCache", "main.gQueue", "main.gStable", "main.gFresh", "main.gGone"):
                    f = roots.get(name, {})
                    exp = ((wa[name][0] or 0), (wb[name][1] or 0))
                    c.check(f"go{ma} -> go{mb} (--old-exe): {name} old and new bytes",
                            (f.get("old_bytes"), f.get("new_bytes")) == exp, f"{f} != {exp}")
        check_example(c, ghf, root, tmp)
    c.check("fixture grow cores were found", bool(seen), root)
    print(f"versions checked: {' '.join(seen)}")
    print(f"{c.passed} passed, {c.failed} failed")
    return 0 if c.failed == 0 and c.passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
