#!/usr/bin/env python3
"""`goheapflame path` (issue 17, "why is this alive") on every fixture core
against the fixture's own truth:
  by type   for each main.* type that only one of the fixture's roots holds,
            `path --type '^T$' --json` matches exactly the number of objects
            of T the fixture allocated and keeps (truth objects[].count), and
            the shortest path and the dominator path of each listed object
            start at that root's name and end at an object of type T, each
            step of the shortest path one of the objects it names;
  by address  for each global root not of interface type (whose first
            word may be a type pointer), `path --addr TARGET` (the first pointer
            word the variable holds, read by the fixture) finds the object
            containing TARGET one reference from that root;
  pivot     `--pivot '^T$' -o -` (folded) for the same types: every stack
            starts at T and ends at that root, and the bytes add up to the
            fixture's count x size of T (less untyped ones, as above);
            matching nothing is exit 2 and writes nothing;
  no match  a type nothing has, and an address outside the heap: exit 1,
            one stderr line, nothing on stdout.
Usage: check_path.py GOHEAPFLAME
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_flame import object_label, root_name  # noqa: E402
from fixture_cores import main as run_all, run  # noqa: E402


def path_json(ghf, d, *extra):
    rc, out, err = run(ghf, "path", os.path.join(d, "core"), os.path.join(d, "exe"), "--json", *extra)
    return rc, (json.loads(out) if rc == 0 else None), err


_hist = {}


def untyped(ghf, d):
    """{unknown.N: objects} from histogram --json (cached per core)."""
    if d not in _hist:
        rc, out, err = run(ghf, "histogram", os.path.join(d, "core"), os.path.join(d, "exe"), "--json")
        rows = json.loads(out)["types"] if rc == 0 else []
        _hist[d] = {x["type"]: x["objects"] for x in rows if x["type"].startswith("unknown.")}
    return _hist[d]


def single_root_types(truth):
    """{type: (root, count)} for main.* types exactly one root holds."""
    holders = {}
    for r in truth["roots"]:
        for o in r.get("objects", []):
            t = object_label(o)
            if t and re.fullmatch(r"main\.[A-Za-z_][A-Za-z0-9_]*", t):
                holders.setdefault(t, {}).setdefault(id(r), [r, 0])[1] += o["count"]
    out = {}
    for t, by in holders.items():
        if len(by) == 1:
            r, n = next(iter(by.values()))
            if not r.get("shared_with") and not r.get("stack_object") and not r.get("measured_with"):
                out[t] = (r, n)
    return out


def check_one(c, ghf, label, d, truth, minor):
    first_pivot = True
    for t, (r, n) in sorted(single_root_types(truth).items()):
        rc, doc, err = path_json(ghf, d, "--type", "^" + re.escape(t) + "$", "--max", "5")
        c.check(f"{label}: path --type {t} exits 0", rc == 0, err.strip()[-200:])
        if doc is None:
            continue
        missing = n - doc["matched"]
        # every one: the type inference types all of them (a map caught while
        # growing once left those in its old buckets' preallocated overflow
        # buckets as unknown.16: go1.21/basic); the detail counts the objects
        # of that size left untyped
        size = next(o["size"] for o in r["objects"] if object_label(o) == t)
        c.check(f"{label}: path --type {t} matches the {n} objects the fixture keeps", missing == 0,
                f"matched {doc['matched']}, {missing} missing (unknown.{size}: "
                f"{untyped(ghf, d).get(f'unknown.{size}', 0) if missing else 0})")
        want = root_name(r)
        for o in doc["objects"]:
            sp, dp = o["shortest_path"], o["dominator_path"]
            c.check(f"{label}: {t} @ {o['address']}: shortest path from {want}",
                    sp[0]["kind"] == "root" and sp[0]["name"] == want and sp[-1]["type"] == t and
                    sp[-1]["address"] == o["address"] and all(s["kind"] == "object" for s in sp[1:]),
                    json.dumps(sp)[:300])
            c.check(f"{label}: {t} @ {o['address']}: dominator path from {want}",
                    o["shared_by"] is None and dp[0]["name"] == want and dp[-1]["address"] == o["address"] and
                    len(dp) <= len(sp), json.dumps(dp)[:300])
        size = next(o["size"] for o in r["objects"] if object_label(o) == t)
        rc, out, err = run(ghf, os.path.join(d, "core"), os.path.join(d, "exe"), "--pivot", "^" + re.escape(t) + "$",
                           "-o", "-", "--no-progress")
        stacks = [ln.rsplit(" ", 1) for ln in out.splitlines() if ln.strip()]
        got = sum(int(b) for _, b in stacks)
        c.check(f"{label}: --pivot {t}: every stack from {t} to {want}",
                rc == 0 and stacks and all(st.split(";")[0] == t and st.split(";")[-1] == want for st, _ in stacks),
                f"rc {rc} {err.strip()[-200:]} {stacks[:3]}")
        c.check(f"{label}: --pivot {t}: {got} bytes = {doc['matched']} x {size} (fixture: {n})",
                got == doc["matched"] * size and 0 <= n - doc["matched"], f"{got}")
        if first_pivot:
            # the picture's subtitle says what the pivot matched, not the heap's unreachable bytes
            first_pivot = False
            svg = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"ghf-pivot-{os.getpid()}.svg")
            rc, _, err = run(ghf, os.path.join(d, "core"), os.path.join(d, "exe"), "--pivot", "^" + re.escape(t) + "$",
                             "-o", svg, "--no-progress")
            sub = re.search(r'id="subtitle"[^>]*>([^<]*)<', open(svg, encoding="utf-8").read()) if rc == 0 else None
            if os.path.exists(svg):
                os.unlink(svg)
            want_sub = f"--pivot ^{re.escape(t)}$: {doc['matched']:,} object{'s' if doc['matched'] != 1 else ''}"
            c.check(f"{label}: --pivot {t}: the subtitle says '{want_sub}', no 'unreachable'",
                    sub is not None and want_sub in sub.group(1) and "unreachable" not in sub.group(1),
                    f"rc {rc} {err.strip()[-200:]} {sub.group(1) if sub else None}")
    for r in truth["roots"]:
        if r["kind"] != "global" or not r.get("target") or r.get("shared_with") or r.get("interface") or \
                "interface" in r.get("type", ""):
            continue
        rc, doc, err = path_json(ghf, d, "--addr", hex(r["target"]))
        c.check(f"{label}: path --addr {hex(r['target'])} ({r['name']}'s target) exits 0", rc == 0,
                err.strip()[-200:])
        if doc is None:
            continue
        o = doc["objects"][0]
        base = int(o["address"], 16)
        sp = o["shortest_path"]
        c.check(f"{label}: {r['name']}'s target is one reference from it",
                base <= r["target"] < base + o["size"] and len(sp) == 2 and sp[0]["name"] == r["name"],
                json.dumps(sp)[:300])
    rc, out, err = run(ghf, os.path.join(d, "core"), os.path.join(d, "exe"), "--pivot", "^no\\.SuchType$", "-o", "-")
    c.check(f"{label}: --pivot matching nothing: exit 2, one stderr line, no output",
            rc == 2 and out == "" and len(err.strip().splitlines()) == 1, f"rc {rc}, {err.strip()!r}")
    for extra in (["--type", "^no\\.SuchType$"], ["--addr", "0x10"]):
        rc, out, err = run(ghf, "path", os.path.join(d, "core"), os.path.join(d, "exe"), *extra)
        c.check(f"{label}: path {' '.join(extra)}: exit 1, one stderr line, no output",
                rc == 1 and out == "" and len(err.strip().splitlines()) == 1 and err.startswith("goheapflame: "),
                f"rc {rc}, {err.strip()!r}")


if __name__ == "__main__":
    sys.exit(run_all(__doc__, check_one))
