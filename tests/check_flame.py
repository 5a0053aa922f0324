#!/usr/bin/env python3
"""Roots, types and the reference flame graph of every fixture core against
the fixture's own truth (issues: roots and types; retention and outputs).

For every Go version and core flavour under $GHF_FIXTURES:
  roots     every root the fixture names is found under its exact name
            (globals "main.gX", stack roots "pkg.func.var", also the one ten
            frames below where its goroutine blocks);
  stack objects  each value the compiler keeps in a frame (non-escaping
            make, &T{...}, composite literal passed down, address-taken
            array) is exactly one root: named after its variable where the
            DWARF has one ("main.f.held", typed [512]*main.heldItem, its
            objects main.heldItem), else "main.f stack object +0xOFF (N B)";
            >= 99 % of its bytes; no "func+0xOFF" word roots of main.*
            functions, and no function with two word roots (a comb);
  types     < 0.5 % of heap bytes are unknown.N (histogram --json; not
            counting what only an unnamed stack object holds: nothing proves
            its type); each
            root's first frame is the type the fixture gave the variable;
            the Go type of every object the fixture allocated under a root
            (truth.json objects[].type, recorded by the fixture with
            reflect; closures by their function) is a frame under that root
            (or under a "[shared]" frame naming it): interface-held values
            included;
  retained  in the folded dominator output, the bytes under each root are
            within [bytes - tolerance, bytes + overhead_max + tolerance],
            and exactly the fixture's measured live-heap growth for
            unshared, non-finalized globals (within its measure_slack where
            the runtime allocated in the window: never above);
            objects shared by two roots appear once, under "[shared] A + B";
  garbage   the dropped objects are unreachable (or already freed), while
            every root's deliberate bytes are reachable (a failed
            reachability pass marks nothing);
  finalizer a finalized object's referents are also held by "[finalizers]";
  outputs   the 100k-node list folds to < 1 MB; `go tool pprof -top` reads
            the pprof output and its total lies between the fixture's
            deliberate bytes and its HeapAlloc, and equals the folded total;
            the .bt round-trips to the same stacks.
Usage: check_flame.py GOHEAPFLAME
"""
import gzip
import json
import re
import os
import pty
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "render"))
from chromium_test import Browser, find_chromium, human, open_page  # noqa: E402  render.c's sizes, as flame.js prints them

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_fixtures import DESIGN, CoreMem  # noqa: E402
from fixture_cores import VERSIONS, main as run_all, run  # noqa: E402


def split_frames(stack):
    """Split a folded stack at ';' honouring the \\; and \\\\ escapes."""
    frames, cur, i = [], [], 0
    while i < len(stack):
        ch = stack[i]
        if ch == "\\" and i + 1 < len(stack) and stack[i + 1] in ";\\":
            cur.append(stack[i + 1])
            i += 2
            continue
        if ch == ";":
            frames.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
        i += 1
    frames.append("".join(cur))
    return frames


def parse_folded(text):
    stacks = []
    for line in text.splitlines():
        if not line.strip():
            continue
        stack, _, n = line.rpartition(" ")
        stacks.append((split_frames(stack), int(n)))
    return stacks


def parse_bt(text):
    """Read a .bt as stackcollapse-stap.pl does (frames leaf first, one per
    line, then the count; each frame: leading blanks stripped, from the last
    '+' cut, up to " : " cut, "" -> "-"; the stack is a printf format), then
    undo goheapflame's escapes (a backslash quotes the next character)."""
    stacks, frames = [], []
    for line in text.splitlines():
        if re.fullmatch(r"\s*\d+", line):
            stack = ";".join(reversed(frames)).replace("%%", "%")
            stacks.append(([unescape(f) for f in split_raw(stack)], int(line)))
            frames = []
        elif line.strip():
            f = re.sub(r"\+[^+]*$", "", line.lstrip())
            f = re.sub(r".* : ", "", f)
            frames.append(f or "-")
    return stacks


def split_raw(stack):
    """Split at ';' not preceded by an escaping backslash; keep escapes."""
    out, cur, i = [], [], 0
    while i < len(stack):
        if stack[i] == "\\" and i + 1 < len(stack):
            cur.append(stack[i:i + 2])
            i += 2
        elif stack[i] == ";":
            out.append("".join(cur))
            cur = []
            i += 1
        else:
            cur.append(stack[i])
            i += 1
    out.append("".join(cur))
    return out


def unescape(f):
    return re.sub(r"\\(.)", r"\1", f)


# Known gaps, each a check that must FAIL today (an unexpected pass fails
# the run, so this list cannot go stale): printed as XFAIL on every run.
# (label, key) -> reason, e.g. ("go1.19/ifaces", "unknown") for the
# unknown.N share or (label, truth root name) for a root's object types.
KNOWN_GAPS = {}


def gap_check(c, label, key, what, ok, detail=""):
    """c.check, except for a known gap: then it must fail (XFAIL)."""
    reason = KNOWN_GAPS.get((label, key))
    if reason is None:
        c.check(what, ok, detail)
    else:
        c.check(f"{what} (known gap: {reason}) fails as expected", not ok, "it passes now: drop it from KNOWN_GAPS")
        if not ok:
            print(f"XFAIL {what}: {reason}: {detail}", flush=True)


def expected_first_frame(typ):
    if typ.startswith("*"):
        return typ[1:]
    if typ.startswith(("[]", "map[", "chan ")):
        return typ
    if typ.startswith("func("):
        return "(closure)"
    return None  # interfaces and values: their objects' own types are checked one by one


def object_label(o):
    """The frame an object of the fixture must appear as: its Go type, or a
    closure's function; None when the fixture records no type (memory only
    an unsafe.Pointer reaches: nothing in the process says what it is)."""
    if o.get("func"):
        return f"{o['func']} (closure)"
    return o.get("type") or None


def root_name(r):
    return r["name"] if r["kind"] == "global" else f"{r['func']}.{r['name']}"


WORD_ROOT = re.compile(r"^(\S+)\+0x[0-9a-f]+$")  # "pkg.func+0xOFF": one pointer word, no variable


def stack_object_name(label, r, minor):
    """(named, pattern) of the root of the stack object truth root r
    reaches: its variable's name where the DWARF has one (design
    `named_from`, or `named_from_arm64` for the arm64 cores), else its
    frame, offset and size."""
    design = next(x for x in DESIGN[r_fixture(label)]["roots"] if x["name"] == r["name"])
    first = design["named_from"]
    if label.split("/")[0].endswith("-arm64"):
        first = design.get("named_from_arm64", first)
    named = first is not None and int(minor.split(".")[1]) >= first
    if named:
        return True, re.compile(re.escape(root_name(r)) + "$")
    return False, re.compile(re.escape(r["func"]) + r" stack object \+0x[0-9a-f]+ \(%d B\)$" % r["stack_object_size"])


def stack_object_root(c, label, r, minor, roots_json):
    """The one root of the stack object truth root r reaches (see
    stack_object_name). Returns its name, or None."""
    named, want = stack_object_name(label, r, minor)
    got = [x for x in roots_json if want.match(x["name"])]
    c.check(f"{label}: stack object {r['name']} is exactly one root {want.pattern}", len(got) == 1,
            f"{[x['name'] for x in got]}")
    if len(got) != 1:
        return None
    if named:
        c.check(f"{label}: {got[0]['name']} has type {r['stack_object']}", got[0]["type"] == r["stack_object"],
                got[0]["type"])
        also = ", ".join(f"{r['func']}.{v}" for v in r.get("also_vars", []))
        c.check(f"{label}: {got[0]['name']} lists the other variables pointing at it: {also!r}",
                got[0].get("also", "") == also, repr(got[0].get("also")))
    return got[0]["name"]


def r_fixture(label):
    return label.split("/")[1]


def truth_type(what):
    """The Go type a truth object entry names ("[]uint8 history" -> "[]uint8"),
    or None when it names none ("session ID string data")."""
    t = what.split(" ")[0]
    return t if ("." in t or t.startswith(("[", "*")) or t == "string") else None


def label_claim(node):
    """(type, count) a frame's label claims: "T ×N" -> (T, N), "T" -> (T, 1),
    a "[pruned: ...]" frame claims no type."""
    lab = node.get("label", node["name"])
    if " [pruned: " in lab:
        return None, 0
    m = re.fullmatch(r"(.*) \u00d7([\d,]+)", lab)
    return (m.group(1), int(m.group(2).replace(",", ""))) if m else (lab, 1)


def check_pruning(c, ghf, label, core, exe, truth, names):
    """Issue 12 point 3: pruned frames never count other types' objects as
    copies of their own; checked against the fixture's object counts.
    names: truth root -> the root that holds its objects (a stack object's
    root is named after its frame where no variable names it)."""
    roots = [r for r in truth["roots"] if r.get("objects") and not r.get("shared_with")
             and not r.get("measured_with") and not r.get("finalizer")]
    if not roots:
        return
    for opt in (["--max-depth", "2"], ["--max-depth", "3"], ["--min-bytes", "5000"], ["--min-bytes", "7000"]):
        rc, out, err = run(ghf, core, exe, "-o", "-", "--format", "json", "--quiet", *opt)
        c.check(f"{label}: json {' '.join(opt)} exits 0", rc == 0, err.strip())
        if rc != 0:
            continue
        top = {n["name"]: n for n in json.loads(out)["tree"]["children"]}
        for r in roots:
            name = names.get(r["name"])
            if name is None:
                continue  # its root was not found: reported by check_version_fixture
            want = {}
            for o in r["objects"]:
                t = truth_type(o["what"])
                if t:
                    want[t] = want.get(t, 0) + o["count"]
            node = top.get(name)
            if node is None:
                c.check(f"{label}: {' '.join(opt)}: root {name} present", False)
                continue
            claims, stack = {}, list(node["children"])
            while stack:
                n = stack.pop()
                stack.extend(n["children"])
                t, k = label_claim(n)
                if t in want:
                    claims[t] = claims.get(t, 0) + k
            over = {t: (k, want[t]) for t, k in claims.items() if k > want[t]}
            c.check(f"{label}: {' '.join(opt)}: {name}: no frame claims more objects of a type than exist",
                    not over, f"claimed vs truth: {over}")
            if r["overhead_max"] == 0 and r["tolerance"] == 0:
                total = sum(o["count"] for o in r["objects"])
                c.check(f"{label}: {' '.join(opt)}: {name} holds {total} objects", node["total_count"] == total,
                        f"{node['total_count']}")


def check_progress(c, ghf, label, core, exe):
    """Issue 17 item 9: every command takes --progress and --no-progress;
    with --progress each stage line gives its own time and the total so far
    (the stage times add up to the totals) and the memory (rss = anon + file,
    within rounding; the peak so far never falls and is at least the rss),
    and a command that wrote a file ends with "wrote FILE (SIZE)", SIZE being
    the file's size on disk."""
    line = re.compile(r"^goheapflame: (.+?)\s+(\d+\.\d\d) s  \(total\s+(\d+\.\d\d) s\)  "
                      r"rss\s+(\d+) MiB \(anon (\d+), file (\d+), peak (\d+)\)$")
    with tempfile.TemporaryDirectory() as tmp:
        folded = os.path.join(tmp, "in.folded")
        with open(folded, "w") as f:
            f.write("main.main;main.a 100\nmain.main;main.b 50\n")
        for cmd, ext in (([core, exe], "svg"), ([core, exe], "png"), (["info", core, exe], "txt"),
                         (["roots", core, exe], "txt"), (["histogram", core, exe], "txt"),
                         (["objects", core, exe], "txt"), (["render", folded], "svg")):
            name = cmd[0] if cmd[0] in ("info", "roots", "histogram", "objects", "render") else "flame " + ext
            out = os.path.join(tmp, "out." + ext)
            rc, _, err = run(ghf, *cmd, "-o", out, "--progress")
            lines = err.splitlines()
            stages = [line.match(l) for l in lines[:-1]]
            ok = rc == 0 and len(lines) >= 3 and all(stages)
            if ok:
                times = [float(m.group(2)) for m in stages]
                totals = [float(m.group(3)) for m in stages]
                # each total is the previous plus the stage (0.01 s rounding per line)
                ok = all(abs(totals[i] - (totals[i - 1] if i else 0) - times[i]) <= 0.011 for i in range(len(times)))
                rss, anon, file, peak = ([int(m.group(k)) for m in stages] for k in (4, 5, 6, 7))
                ok = ok and all(abs(rss[i] - anon[i] - file[i]) <= 1 and peak[i] + 1 >= rss[i] and
                                (i == 0 or peak[i] >= peak[i - 1]) for i in range(len(stages)))
            want_last = f"goheapflame: wrote {out} ({human(os.stat(out).st_size)}) in " if rc == 0 else "?"
            c.check(f"{label}: {name} --progress: per-stage and total times, then what was written",
                    ok and lines[-1].startswith(want_last), f"rc {rc}: {err.strip()[-400:]}")
            rc, _, err = run(ghf, *cmd, "-o", out, "--no-progress")
            c.check(f"{label}: {name} --no-progress: quiet", rc == 0 and err == "", f"rc {rc}: {err.strip()}")
        # In a log (stderr not a terminal) a long stage prints plain
        # percentage lines; GHF_PROGRESS_EVERY=0 prints each change, so the
        # small fixture core shows them all: "goheapflame: STAGE: WHAT N%",
        # rising per counter, the stage lines kept, nothing rewritten.
        out = os.path.join(tmp, "log.svg")
        p = subprocess.run([ghf, core, exe, "-o", out, "--progress"], capture_output=True, text=True, timeout=600,
                           env=dict(os.environ, GHF_PROGRESS_EVERY="0"))
        pct = re.compile(r"^goheapflame: ([a-z ]+): ([a-z ]+) (\d+)%$")
        seen, rising, lines = {}, True, p.stderr.splitlines()
        for l in lines:
            m = pct.match(l)
            if m:
                key = (m.group(1), m.group(2))
                rising &= int(m.group(3)) > seen.get(key, -1)
                seen[key] = int(m.group(3))
        want = [("reading heap objects", "spans"), ("reading heap objects", "objects"),
                ("reading pointers and finding roots", "pointers"), ("inferring types", "objects typed")]
        c.check(f"{label}: --progress in a log: plain percentage lines per counter, rising, "
                "between the stage lines",
                p.returncode == 0 and rising and all(k in seen for k in want) and
                all(pct.match(l) or line.match(l) for l in lines[:-1]) and "\r" not in p.stderr and
                "\x1b" not in p.stderr and lines[-1].startswith(f"goheapflame: wrote {out} "),
                f"rc {p.returncode}: {seen} {p.stderr.strip()[-400:]!r}")
        # --min-bytes with a unit is that many bytes (64KiB = 65536)
        outs = [run(ghf, core, exe, "-o", "-", "--quiet", "--min-bytes", v) for v in ("64KiB", "65536", "64")]
        c.check(f"{label}: --min-bytes 64KiB prunes as 65536 (not as 64)",
                all(o[0] == 0 for o in outs) and outs[0][1] == outs[1][1] and outs[2][1] != outs[0][1],
                f"rcs {[o[0] for o in outs]}")
        # On a terminal the running stage is shown while it runs, then
        # replaced by its finished line (progress is on by default there).
        master, slave = pty.openpty()
        p = subprocess.Popen([ghf, core, exe, "-o", os.path.join(tmp, "tty.svg")], stdout=subprocess.DEVNULL,
                             stderr=slave)
        os.close(slave)
        tty = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            tty += chunk
        os.close(master)
        rc = p.wait(timeout=300)
        tty = tty.decode("utf-8", "replace")
        c.check(f"{label}: flame on a terminal shows each running stage, then replaces it",
                rc == 0 and "goheapflame: reading heap objects ...\r\x1b[K" in tty and
                "goheapflame: computing dominators ...\r\x1b[K" in tty and "goheapflame: wrote " in tty,
                repr(tty[-300:]))
        # ... and how far a stage with countable work is, rewriting its line
        want = [r"reading heap objects \.\.\. spans \d+%\r\x1b\[K", r"reading heap objects \.\.\. objects \d+%\r\x1b\[K",
                r"reading pointers and finding roots \.\.\. pointers \d+%\r\x1b\[K",
                r"inferring types \.\.\. objects typed \d+%\r\x1b\[K"]
        c.check(f"{label}: flame on a terminal shows the running stages' percentages (spans, objects, pointers, "
                "objects typed), each rewriting the line",
                rc == 0 and all(re.search("goheapflame: " + w, tty) for w in want),
                [w for w in want if not re.search("goheapflame: " + w, tty)])


def shared_parts(f):
    """A [shared] frame's named holders and whether its name ends "+ more"
    (it lists three; the JSON's holders has them all). (None, False) else."""
    if not f.startswith("[shared] "):
        return None, False
    rest = f[len("[shared] "):]
    more = rest.endswith(" + more")
    return (rest[:-len(" + more")] if more else rest).split(" + "), more


def shared_names_group(f, group):
    """f is the [shared] frame of exactly this group of roots: it names them
    all, or (a group of more than three) three of them and "+ more"."""
    named, more = shared_parts(f)
    if named is None:
        return False
    if len(group) <= 3:
        return all(g in f for g in group)
    return more and len(named) == 3 and set(named) <= group


def shared_may_hold(f, name, group):
    """f is a [shared] frame that names root `name`, or names others of its
    shared group and "+ more" (the folded name cannot list every holder)."""
    named, more = shared_parts(f)
    return named is not None and (name in f or (more and bool(group) and set(named) <= group))


def holders_text(node):
    """A shared frame's tooltip lines, as svg.c and flame.js write them."""
    n = len(node["holders"]) + node["holders_more"]
    s = f"held by {n:,} roots:" + "".join("\n  " + h for h in node["holders"])
    return s + (f"\n  and {node['holders_more']:,} more" if node["holders_more"] else "")


def check_holders(c, ghf, label, core, exe, truth, browser):
    """Issue 17 item 8: a "[shared] a + b + c + more" frame names every root
    holding it: the JSON's holders (more than the three of its name; the three
    among them), the SVG writer's tooltip and flame.js's (in Chromium, on
    hover) both end with "held by N roots:" and those names."""
    with tempfile.TemporaryDirectory() as tmp:
        rc, _, err = run(ghf, core, exe, "-o", os.path.join(tmp, "f.json"), "--quiet")
        rc2, _, err2 = run(ghf, core, exe, "-o", os.path.join(tmp, "f.svg"), "--quiet")
        c.check(f"{label}: flame -o .json and .svg exit 0", rc == 0 and rc2 == 0, (err + err2).strip()[-300:])
        if rc != 0 or rc2 != 0:
            return
        with open(os.path.join(tmp, "f.json")) as f:
            tree = json.load(f)["tree"]
        more = [n for n in tree["children"] if n["kind"] == "shared" and n["name"].endswith(" + more")]
        # the fixture's own object held by more roots than a name lists: its
        # frame says "+ more" and its holders are exactly those roots
        for r in truth["roots"]:
            if len(r.get("shared_with") or []) < 3 or r.get("measured_with"):
                continue
            group = {r["name"], *r["shared_with"]}
            n = [n for n in more if set(n.get("holders") or []) == group]
            c.check(f"{label}: the object {' + '.join(sorted(group))} share is one '+ more' frame naming three "
                    f"of them, its holders exactly those {len(group)}",
                    len(n) == 1 and shared_names_group(n[0]["name"], group) and n[0]["holders_more"] == 0,
                    [(m["name"], m.get("holders"), m.get("holders_more")) for m in more][:5])
        for n in more:
            named = n["name"][len("[shared] "):-len(" + more")].split(" + ")
            c.check(f"{label}: {n['name']}: holders list more than the {len(named)} named, those included",
                    "holders" in n and len(n["holders"]) + n["holders_more"] > len(named) and
                    set(named) <= set(n["holders"]), f"{n.get('holders')} + {n.get('holders_more')}")
        more = [n for n in more if "holders" in n]  # the tooltips' text comes from there
        with open(os.path.join(tmp, "f.svg"), encoding="utf-8") as f:
            svg = f.read()
        # --pivot: the [shared] frames at the top of its chains name their holders too
        rc, _, err = run(ghf, core, exe, "-o", os.path.join(tmp, "p.json"), "--quiet", "--pivot", r"^runtime\.(g|m|p)$")
        shared = []
        if rc == 0:
            with open(os.path.join(tmp, "p.json")) as f:
                stack = [json.load(f)["tree"]]
            while stack:
                n = stack.pop()
                stack.extend(n["children"])
                shared += [n] if n["kind"] == "shared" else []
        c.check(f"{label}: --pivot runtime.g|m|p has [shared] frames", rc == 0 and shared, err.strip()[-300:])
        for n in shared:
            more_ = n["name"].endswith(" + more")
            named = n["name"][len("[shared] "):len(n["name"]) - (len(" + more") if more_ else 0)].split(" + ")
            h = n.get("holders")
            c.check(f"{label}: --pivot: {n['name']}: holders are the named{' and more' if more_ else ''}",
                    h is not None and set(named) <= set(h) and
                    (len(h) + n["holders_more"] > len(named) if more_ else h == named), f"{h}")
        # frames wide enough to be drawn (the others are inside "(N more)")
        drawn = []
        for n in more:
            tip = re.search(r"<title>" + re.escape(n["name"].replace("&", "&amp;").replace("<", "&lt;")
                                                   .replace(">", "&gt;")) + r"\n([^<]*)</title>", svg)
            if tip is not None:
                drawn.append(n)
                c.check(f"{label}: {n['name']}: the SVG's tooltip lists its holders",
                        tip.group(1).endswith(holders_text(n)), tip.group(1)[-300:])
        if browser is not None:  # the newest version's: wide enough to draw (elsewhere they may not be)
            c.check(f"{label}: a '+ more' frame is drawn in the SVG", drawn, [n["name"] for n in more])
        more = drawn
        if browser is None:
            return
        b, sid = browser
        url = "file://" + os.path.join(tmp, "f.svg")
        b.send("Page.navigate", {"url": url}, session=sid)
        b.wait_event("Page.loadEventFired")
        names = json.dumps([n["name"] for n in more])
        r = b.send("Runtime.evaluate", {"expression": """(function(){var want=%s, out={};
            [...document.querySelectorAll('#frames g.f')].forEach(function(g){
              var name=g.querySelector('title').textContent.split('\\n')[0];
              if (want.indexOf(name) < 0) return;
              g.querySelector('rect').dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
              out[name]=g.querySelector('title').textContent;});
            return out;})()""" % names, "returnByValue": True}, session=sid)
        got = r.get("result", {}).get("value") or {}
        c.check(f"{label}: flame.js draws the '+ more' frames the writer drew", more and set(got) == {n["name"] for n in more},
                f"{sorted(got)} vs {[n['name'] for n in more]}")
        for n in more:
            tip = got.get(n["name"])
            c.check(f"{label}: {n['name']}: flame.js's tooltip (Chromium, on hover) lists its holders",
                    tip is not None and tip.endswith(holders_text(n)), repr(tip)[-300:] if tip else r)


def check_focus(c, ghf, label, core, exe, truth):
    """Issue 17 item 5: a --focus that matches nothing fails with a clear
    message and no file; a matching one is named in the subtitle with the
    share shown, which for a root the fixture measured exactly is its bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "f.svg")
        rc, _, err = run(ghf, core, exe, "-o", out, "--quiet", "--focus", "^nomatch$")
        c.check(f"{label}: --focus matching nothing exits 2 with a message and no file",
                rc == 2 and "matches no frame" in err and not os.path.exists(out), f"rc {rc}: {err.strip()}")
        if truth["fixture"] == "example":
            # issue 17 items 4 and 6: text scales with --width unless --fontsize
            # says otherwise; --minwidth merges narrow frames as in `render`
            fonts, nframes = [], []
            for extra in (["--width", "2400"], ["--width", "2400", "--fontsize", "10"], [], ["--minwidth", "50"]):
                rc, _, err = run(ghf, core, exe, "-o", out, "--quiet", *extra)
                svg = open(out, encoding="utf-8").read() if rc == 0 else ""
                m = re.search(r'data-font="([\d.]+)"', svg)
                fonts.append(float(m.group(1)) if m else None)
                nframes.append(svg.count('<g class="f"'))
            c.check(f"{label}: --width 2400 doubles the font, --fontsize sets it", fonts[:3] == [24.0, 10.0, 12.0],
                    f"{fonts}")
            c.check(f"{label}: flame --minwidth 50 merges narrow frames", 0 < nframes[3] < nframes[2],
                    f"{nframes[3]} vs {nframes[2]} frames")
        r = next((r for r in truth["roots"] if r["kind"] == "global" and r["overhead_max"] == 0
                  and r["tolerance"] == 0 and not r.get("shared_with") and not r.get("measured_with")
                  and not r.get("finalizer")), None)
        if r is None:
            return
        pat = "^" + re.escape(r["name"]) + "$"
        rc, _, err = run(ghf, core, exe, "-o", out, "--quiet", "--focus", pat)
        svg = open(out, encoding="utf-8").read() if rc == 0 else ""
        m = re.search(r'<text id="subtitle"[^>]*>([^<]*)<', svg)
        sub = m.group(1) if m else ""
        total = re.search(r'data-total="(\d+)"', svg)
        # issue 17 item 6: the subtitle says when the core was written (its file time, UTC)
        when = time.strftime("written %Y-%m-%d %H:%M:%S UTC", time.gmtime(os.stat(core).st_mtime))
        c.check(f"{label}: subtitle gives the core's time", when in sub, f"{sub!r} lacks {when!r}")
        c.check(f"{label}: --focus {pat} named in the subtitle with the share shown",
                "--focus" in sub and "showing" in sub and total is not None and int(total.group(1)) == r["bytes"],
                f"rc {rc} {err.strip()} subtitle {sub!r} total {total and total.group(1)} want {r['bytes']}")


def check_version_fixture(c, ghf, label, d, truth, minor):
    core, exe = os.path.join(d, "core"), os.path.join(d, "exe")
    check_focus(c, ghf, label, core, exe, truth)
    if truth["fixture"] == "example":
        check_progress(c, ghf, label, core, exe)
        # in Chromium for the newest version's amd64 kernel core; the files for every one
        chromium = find_chromium() if label == f"go{VERSIONS[-1]}/example" else None
        if label == f"go{VERSIONS[-1]}/example":
            c.check(f"{label}: Chromium is installed (scripts/install-deps.sh)", chromium is not None)
        browser = None
        if chromium is not None:
            profile = tempfile.mkdtemp(prefix="ghf-chromium-")
            b = Browser(chromium, profile)
            try:
                browser = (b, open_page(b))
                check_holders(c, ghf, label, core, exe, truth, browser)
            finally:
                b.close()
                shutil.rmtree(profile, ignore_errors=True)
        else:
            check_holders(c, ghf, label, core, exe, truth, None)
    # roots
    rc, out, err = run(ghf, "roots", "--json", core, exe)
    c.check(f"{label}: roots exits 0", rc == 0, err.strip())
    roots_json = json.loads(out) if rc == 0 else []
    found = {r["name"] for r in roots_json}
    names = {}  # truth root -> the root that holds its objects
    for r in truth["roots"]:
        if r.get("stack_object"):
            names[r["name"]] = stack_object_root(c, label, r, minor, roots_json)
            continue
        name = names[r["name"]] = root_name(r)
        c.check(f"{label}: root {name} found", name in found)
    check_pruning(c, ghf, label, core, exe, truth, names)
    # types
    rc, out, err = run(ghf, "histogram", "--json", core, exe)
    c.check(f"{label}: histogram exits 0", rc == 0, err.strip())
    if rc == 0:
        h = json.loads(out)
        # Objects held only by a stack object that no variable names have no
        # type to prove (see stack_object_root): not counted.
        anon = sum(r["bytes"] for r in truth["roots"]
                   if r.get("stack_object") and (names.get(r["name"]) or "").endswith(" B)"))
        total = h["typed_bytes"] + h["unknown_bytes"]
        unknown = sum(t["bytes"] for t in h["types"] if t["type"].startswith("unknown."))
        gap_check(c, label, "unknown", f"{label}: < 0.5% of heap bytes in unknown.N" +
                  (f" (less {anon} held by unnamed stack objects)" if anon else ""),
                  total and max(0, unknown - anon) < 0.005 * total,
                  f"{unknown} of {total} bytes: " +
                  str([(t["type"], t["bytes"]) for t in h["types"] if t["type"].startswith("unknown.")][:8]))
    # the flame graph, folded
    rc, folded, err = run(ghf, core, exe, "-o", "-", "--quiet")
    c.check(f"{label}: flame to folded exits 0", rc == 0, err.strip())
    if rc != 0:
        return
    stacks = parse_folded(folded)
    total = sum(n for _, n in stacks)
    words = {}  # function -> its word roots
    for frames, _ in stacks:
        m = WORD_ROOT.match(frames[0])
        if m:
            words.setdefault(m.group(1), set()).add(frames[0])
    c.check(f"{label}: no word roots of main.* functions", not any(f.startswith("main.") for f in words),
            str(sorted(w for f, ws in words.items() if f.startswith("main.") for w in ws)[:8]))
    c.check(f"{label}: no function with several word roots (a comb of stack words)",
            all(len(ws) == 1 for ws in words.values()),
            str({f: len(ws) for f, ws in words.items() if len(ws) > 1}))
    under = {}
    first = {}
    below = {}  # root frame -> every frame label under it
    for frames, n in stacks:
        under[frames[0]] = under.get(frames[0], 0) + n
        if len(frames) > 1:
            first.setdefault(frames[0], set()).add(frames[1].split(" \u00d7")[0])
            below.setdefault(frames[0], set()).update(f.split(" \u00d7")[0] for f in frames[1:])
    for r in truth["roots"]:
        if r.get("stack_object"):
            name = names[r["name"]]
            if name is None:
                continue
            got = under.get(name, 0)
            c.check(f"{label}: {name} retains >= 99% of {r['name']}'s {r['bytes']} bytes",
                    0.99 * r["bytes"] <= got <= r["bytes"] + r["overhead_max"] + r["tolerance"], f"{got}")
            if not name.endswith(" B)"):  # named after its variable: typed by it
                frames = first.get(name, set())
                c.check(f"{label}: {name} holds {r['held_type']}", frames == {r["held_type"]}, f"{sorted(frames)[:5]}")
    so_names = names  # truth root -> the root its stack object became
    names = {root_name(r): r for r in truth["roots"]}
    for r in truth["roots"]:
        name = root_name(r)
        if r.get("stack_object"):
            name = so_names.get(r["name"])
            if name is None or name.endswith(" B)"):
                continue  # no root, or an unnamed stack object: nothing proves its objects' types
        # every object's type, under the root or a [shared] frame naming it
        held = set(below.get(name, set()))
        group = {name, *r["shared_with"]} if r.get("shared_with") else None
        for f, labels in below.items():
            if shared_may_hold(f, name, group):
                held |= labels
        for o in r["objects"]:
            want = object_label(o)
            if want is not None:
                gap_check(c, label, r["name"],
                          f"{label}: {name}: its {o['what']} appear{'s' if o['count'] == 1 else ''} as {want!r}",
                          want in held, f"frames under it: {sorted(held)[:12]}")
        if r.get("stack_object"):
            continue  # its bytes are checked above, under the name its stack object has
        tol, lo = r["tolerance"], r["bytes"] - r["tolerance"]
        hi = r["bytes"] + r["overhead_max"] + tol
        if r.get("shared_with"):
            group = {name, *r["shared_with"]}
            got = sum(under.get(g, 0) for g in group)
            shared = [f for f in under if shared_names_group(f, group)]
            got_shared = sum(under[f] for f in shared)
            want = max(names[g]["bytes"] for g in group)
            c.check(f"{label}: {name}: shared object counted once under [shared] {' + '.join(sorted(group))}",
                     len(shared) == 1 and got_shared == want and got == 0,
                     f"shared frames {shared}, {got_shared} bytes shared, {got} under the roots, want {want}")
            continue
        if r.get("measured_with"):  # its objects are measured (and may be dominated) with another root
            continue
        if r.get("finalizer"):
            # The GC scans a finalized object's pointers as roots: the object
            # stays the variable's, what it points to is shared with [finalizers].
            holder = r["objects"][0]["size"]
            shared = [f for f in under if f.startswith("[shared]") and name in f and "[finalizers]" in f]
            c.check(f"{label}: [finalizers] root found", "[finalizers]" in found)
            c.check(f"{label}: {name} retains its finalized object ({holder} bytes)", under.get(name, 0) == holder,
                    f"{under.get(name, 0)}")
            c.check(f"{label}: {name}'s referents are shared with [finalizers]",
                    len(shared) == 1 and under[shared[0]] == r["bytes"] - holder,
                    f"{[(f, under[f]) for f in shared]}")
            continue
        got = under.get(name, 0)
        c.check(f"{label}: {name} retains {lo}..{hi} bytes", lo <= got <= hi, f"{got}")
        if r["kind"] == "global" and r.get("measured") and not r.get("overhead_shared"):
            # The live-heap growth the fixture measured while building this
            # root is what it retains; the runtime may add its own bytes in
            # the window (measure_slack), never take any away.
            m, slack = r["measured"], truth["measure_slack"]
            c.check(f"{label}: {name} retains what the fixture measured ({m} bytes)", m - slack <= got <= m,
                    f"{got}")
        want = expected_first_frame(r["type"])
        if want is not None:
            frames = first.get(name, set())
            ok = any(f.endswith(want) for f in frames) if want == "(closure)" else want in frames
            c.check(f"{label}: {name} holds {want}", ok, f"{sorted(frames)[:5]}")
    if truth["fixture"] == "basic":
        c.check(f"{label}: 100k-node list folds to < 1 MB", len(folded.encode()) < 1 << 20, f"{len(folded)} bytes")
        # --fields names the field through which each object is held (the
        # fixture's own struct fields) and changes no total
        rc, ffolded, err = run(ghf, core, exe, "-o", "-", "--quiet", "--fields")
        fstacks = parse_folded(ffolded) if rc == 0 else []
        c.check(f"{label}: --fields keeps the total", rc == 0 and sum(n for _, n in fstacks) == total, err.strip())
        frames = {f.split(" \u00d7")[0] for fr, _ in fstacks for f in fr}
        for want in ("main.listNode .Next", "[]uint8 .Payload"):
            c.check(f"{label}: --fields frame {want!r}", want in frames, str(sorted(frames))[:300])
    # garbage: freed, or allocated but unreachable. A freed slot may hold a
    # new object by now, so only an object that still carries the marker is
    # the garbage (the core is read by this test's own reader).
    g = truth.get("garbage")
    if g:
        rc, out, err = run(ghf, "objects", "--json", core, exe)
        objs = {int(o["address"], 16): o for o in json.loads(out)} if rc == 0 else {}
        mem = CoreMem(core)
        marker = g["marker"].encode()
        try:
            bad = [a for a in g["addrs"] if a in objs and objs[a]["reachable"]
                   and marker in mem.read(a, min(objs[a]["size"], 256))]
        finally:
            mem.close()
        c.check(f"{label}: garbage objects unreachable", rc == 0 and not bad, f"{len(bad)} reachable")
        # ...and not because nothing is reachable
        live = sum(o["size"] for o in objs.values() if o["reachable"])
        want = sum(r["bytes"] - r["tolerance"] for r in truth["roots"] if not r.get("measured_with"))
        c.check(f"{label}: reachable bytes cover every root's deliberate bytes", live >= want,
                f"{live} reachable, {want} deliberate")
    # .bt round trip and pprof total, on the newest Go only (format checks, not heap checks)
    if minor != VERSIONS[-1]:
        return
    rc, bt, err = run(ghf, core, exe, "-o", "-", "--format", "stap", "--quiet")
    c.check(f"{label}: .bt output exits 0", rc == 0, err.strip())
    back = sorted((tuple(f), n) for f, n in parse_bt(bt))
    want = sorted((tuple(f), n) for f, n in stacks)
    c.check(f"{label}: .bt round-trips to the folded stacks", back == want,
            f"{len(back)} vs {len(want)} stacks")
    with tempfile.TemporaryDirectory() as tmp:
        pb = os.path.join(tmp, "ref.pb.gz")
        rc, _, err = run(ghf, core, exe, "-o", pb, "--quiet")
        c.check(f"{label}: pprof output exits 0", rc == 0, err.strip())
        go = f"/usr/lib/go-{VERSIONS[-1]}/bin/go"
        env = dict(os.environ, HOME=tmp, GOTOOLCHAIN="local",
                   GOCACHE=os.environ.get("GHF_GOCACHE", os.path.join(tmp, "gocache")))
        p = subprocess.run([go, "tool", "pprof", "-top", "-sample_index=retained_space", "-unit=B",
                            "-nodecount=1000000", "-nodefraction=0", "-edgefraction=0", pb],
                           capture_output=True, text=True, env=env, timeout=600)
        c.check(f"{label}: go tool pprof -top reads it", p.returncode == 0, p.stderr.strip()[-300:])
        want_line = f"of {total}B total"
        c.check(f"{label}: pprof total equals the folded total", want_line in p.stdout,
                f"{want_line!r} not in {p.stdout[:300]!r}")
        m = re.search(r"of (\d+)B total", p.stdout)
        deliberate = sum(r["bytes"] - r["tolerance"] for r in truth["roots"] if not r.get("measured_with"))
        # HeapAlloc was read just before the report was printed; the runtime
        # allocates a little after that (seen: 1256 B on go1.27), never much
        heap_alloc = truth["memstats"]["HeapAlloc"] + 4 * truth["measure_slack"]
        c.check(f"{label}: pprof total between the fixture's deliberate bytes and its HeapAlloc (+ 4 slack)",
                m is not None and deliberate <= int(m.group(1)) <= heap_alloc,
                f"{m.group(1) if m else None} vs [{deliberate}, {heap_alloc}]")
        c.check(f"{label}: pprof names the binary (no 'Main binary filename not available')",
                "Main binary filename not available" not in p.stderr and "File: exe" in p.stdout,
                p.stderr.strip()[-200:])
        # Issue 17 item 3: pprof's simplification merges no frames. Every
        # distinct frame name of the folded output is one pprof function.
        out_lines = p.stdout.splitlines()
        head = next((i for i, ln in enumerate(out_lines) if ln.split()[:2] == ["flat", "flat%"]), len(out_lines))
        rows = [ln for ln in out_lines[head + 1:] if ln.strip()]
        funcs = {re.split(r"\s+", ln.strip(), maxsplit=5)[5] for ln in rows}
        frames = {f for fr, _ in stacks for f in fr}
        c.check(f"{label}: pprof shows as many functions as distinct frames ({len(frames)})",
                len(rows) == len(funcs) == len(frames) and funcs == {f.strip() for f in frames},
                f"{len(rows)} rows, {len(funcs)} names, {len(frames)} frames; "
                f"lost {sorted(frames - funcs)[:3]}, new {sorted(funcs - frames)[:3]}")
        with gzip.open(pb) as f:
            c.check(f"{label}: pprof is gzip-compressed protobuf", len(f.read()) > 0)


if __name__ == "__main__":
    sys.exit(run_all(__doc__, check_version_fixture))
