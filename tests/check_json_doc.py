#!/usr/bin/env python3
"""docs/json.md against what goheapflame writes: every JSON document
(info --json, flame -o .json, path --json, diff -o .json, roots, histogram
and objects --json) made from fixture cores of the newest and oldest Go
versions, in the variants that add keys (--no-heap, --edges, a shared object,
a stack object, a diff with growth, shrinkage and vanished frames):
  - every key the program emits is documented, with its type;
  - every documented key is emitted by one of the runs;
  - each value's type (string, integer, boolean, array, object, null) is
    one the page gives for its key.
Key paths as the page writes them: a.b, a[] for array elements, [] for a
document that is an array, node. for any frame of the flame tree.
Usage: check_json_doc.py GOHEAPFLAME   (GHF_FIXTURES: the fixture cores)
"""
import json
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_cores import Checker, args, run  # noqa: E402

DOC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "docs", "json.md")
PYTYPES = {str: "string", bool: "boolean", int: "integer", float: "number", list: "array", dict: "object",
           type(None): "null"}


def documented(path):
    """{doc name: {key path: {types}}} from the page's tables."""
    docs, cur = {}, None
    for line in open(path, encoding="utf-8"):
        m = re.match(r"<!-- doc: (\w+) -->", line)
        if m:
            cur = docs.setdefault(m.group(1), {})
            continue
        if line.startswith("## "):
            cur = None
        if cur is None or not line.startswith("| `"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        types = {t.strip() for t in cells[1].split(" or ")}
        for key in re.findall(r"`([^`]+)`", cells[0]):
            cur[key] = types
    return docs


def emitted(value, norm=lambda p: p):
    """{key path: {types}} of every object key in value (array elements as [])."""
    out = {}

    def walk(v, p):
        if isinstance(v, dict):
            for k, x in v.items():
                q = norm(f"{p}.{k}" if p else k)
                out.setdefault(q, set()).add(PYTYPES[type(x)])
                walk(x, q)
        elif isinstance(v, list):
            for x in v:
                walk(x, p + "[]")
    walk(value, "")
    return out


def flame_norm(p):
    """Any frame of the tree is a node: tree.children[].x -> node.x."""
    return re.sub(r"^(tree|node)(\.children\[\])*\.", "node.", p)


def main():
    ghf, root = args(__doc__)
    if root is None:
        return ghf
    c = Checker()
    docs = documented(DOC)
    c.check("docs/json.md documents every JSON document",
            set(docs) == {"info", "flame", "path", "diff", "roots", "histogram", "objects"}, sorted(docs))
    seen = {name: {} for name in docs}
    tmp = tempfile.mkdtemp(prefix="ghf-jsondoc-")

    def add(name, label, rc, text, err, norm=lambda p: p):
        c.check(f"{label}: exit 0 and JSON", rc == 0, err.strip()[-300:])
        if rc != 0:
            return None
        try:
            value = json.loads(text)
        except ValueError as e:
            c.check(f"{label}: valid JSON", False, str(e))
            return None
        for k, ts in emitted(value, norm).items():
            seen[name].setdefault(k, set()).update(ts)
            want = docs.get(name, {}).get(k)
            c.check(f"{label}: key {k} is documented in docs/json.md ({name})", want is not None)
            if want is not None:
                c.check(f"{label}: key {k} is {' or '.join(sorted(want))}", ts <= want, f"emitted as {sorted(ts)}")
        return value

    for ver in ("go1.27", "go1.19"):
        d = os.path.join(root, ver)
        core = lambda fx: (os.path.join(d, fx, "core"), os.path.join(d, fx, "exe"))  # noqa: E731
        if not os.path.exists(core("example")[0]):
            c.check(f"{ver}/example core exists", False, core("example")[0])
            continue
        ex = core("example")
        rc, out, err = run(ghf, "info", "--json", *ex)
        add("info", f"{ver} info --json", rc, out, err)
        rc, out, err = run(ghf, "info", "--json", "--no-heap", *ex)
        add("info", f"{ver} info --json --no-heap", rc, out, err)
        out_json = os.path.join(tmp, "flame.json")
        rc, _, err = run(ghf, *ex, "-o", out_json, "--no-progress")
        add("flame", f"{ver} flame -o .json", rc, open(out_json).read() if rc == 0 else "", err, flame_norm)
        rc, _, err = run(ghf, *ex, "-o", out_json, "--no-progress", "--max-depth", "2")
        add("flame", f"{ver} flame --max-depth 2 -o .json", rc, open(out_json).read() if rc == 0 else "", err,
            flame_norm)
        for extra in (["--type", r"^main\.Session$"], ["--type", r"^runtime\.(sudog|m|g|p)$", "--max", "20"]):
            rc, out, err = run(ghf, "path", "--json", *ex, *extra)
            add("path", f"{ver} path --json {' '.join(extra)}", rc, out, err)
        rc, out, err = run(ghf, "histogram", "--json", *ex)
        add("histogram", f"{ver} histogram --json", rc, out, err)
        rc, out, err = run(ghf, "objects", "--json", "--edges", *ex)
        objs = add("objects", f"{ver} objects --json --edges", rc, out, err)
        rc, out, err = run(ghf, "objects", "--json", *ex)
        add("objects", f"{ver} objects --json", rc, out, err)
        if objs:
            rc, out, err = run(ghf, "path", "--json", *ex, "--addr", objs[len(objs) // 2]["address"])
            add("path", f"{ver} path --json --addr", rc, out, err)
        for fx in ("example", "stackobj"):
            rc, out, err = run(ghf, "roots", "--json", *core(fx))
            add("roots", f"{ver} {fx} roots --json", rc, out, err)
        # two programs: growth, shrinkage and vanished frames all present
        basic = core("basic")
        diff_json = os.path.join(tmp, "diff.json")
        rc, out, err = run(ghf, "diff", "--no-progress", "--old-exe", basic[1], basic[0], ex[0], ex[1],
                           "-o", diff_json, "--top", "3")
        add("diff", f"{ver} diff -o .json", rc, open(diff_json).read() if rc == 0 else "", err)
        rc, out, err = run(ghf, "diff", "--no-progress", "--json", "--old-exe", basic[1], basic[0], ex[0], ex[1],
                           "-o", os.path.join(tmp, "diff.svg"), "--top", "3")
        add("diff", f"{ver} diff --json (the table)", rc, out, err)
    for name, keys in docs.items():
        for k in keys:
            c.check(f"docs/json.md ({name}): key {k} is emitted by some run", k in seen[name])
    for f in os.listdir(tmp):
        os.unlink(os.path.join(tmp, f))
    os.rmdir(tmp)
    print(f"{c.passed} passed, {c.failed} failed")
    return 0 if c.failed == 0 and c.passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
