#!/usr/bin/env python3
"""goheapflame's view of each fixture core against the fixture's own truth.

For every Go version and core flavour under $GHF_FIXTURES:
  info   go_version = the toolchain's; goroutines = runtime.NumGoroutine();
         heap_inuse_bytes within 1 %, heap_objects and heap_alloc_bytes within
         0.5 % of the MemStats the program read after its last GC (stored in
         truth.FinalMemStats and read here straight from the core);
  edges  every pointer of the fixture's pointer containers (the 100,000-node
         list, the mid-size [100]*T, the large []*T, the stack-held []*T) is an
         edge: expected targets are read from the core by this script;
  match  a core paired with another version's executable is refused (exit 3,
         both build IDs named); an arm64 core with an amd64 executable too
         (both architectures named), and an arm64 core with another
         version's arm64 executable.
The arm64 cores (go1.NN-arm64, qemu-user) are checked like the others.
Usage: check_heap.py GOHEAPFLAME
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_fixtures import Bad, CoreMem, elf_symbols  # noqa: E402
from fixture_cores import main as run_all, run  # noqa: E402

MEMSTATS_FIELDS = {"HeapAlloc": 6, "HeapInuse": 9, "HeapObjects": 11}  # uint64 index in runtime.MemStats



def final_memstats(core, exe):
    sym = "ghffixtures/internal/truth.FinalMemStats"
    addr = elf_symbols(exe, {sym}).get(sym)
    if addr is None:
        raise Bad(f"{exe} has no {sym}")
    mem = CoreMem(core)
    try:
        return {k: mem.word(addr + 8 * i) for k, i in MEMSTATS_FIELDS.items()}
    finally:
        mem.close()


def within(got, want, pct):
    return want > 0 and abs(got - want) <= want * pct / 100.0


def expected_containers(core, truth, fx):
    """(label, container address, [pointer values]) read from the core."""
    roots = {r["name"]: r for r in truth["roots"]}
    counts = truth["counts"]
    mem = CoreMem(core)
    out = []
    try:
        if fx == "shapes":
            for name, key in (("main.gMidPtrArray", "mid_array_elements"), ("main.gBigPtrs", "big_ptrs_elements")):
                a = roots[name]["target"]
                out.append((name, a, [mem.word(a + 8 * i) for i in range(counts[key])]))
        if fx == "stacks":
            a = roots["stackHeldPtrs"]["target"]
            out.append(("stackHeldPtrs", a, [mem.word(a + 8 * i) for i in range(counts["stack_held_ptrs"])]))
        if fx == "basic":
            node, n = roots["main.gListHead"]["target"], 0
            while node and n < counts["list_nodes"]:
                nxt = mem.word(node)
                if nxt:
                    out.append((f"list node {n}", node, [nxt]))
                node, n = nxt, n + 1
    finally:
        mem.close()
    return out


def check_edges(c, ghf, label, core, exe, truth, fx):
    want = expected_containers(core, truth, fx)
    if not want:
        return
    rc, out, err = run(ghf, "objects", "--json", "--edges", core, exe)
    c.check(f"{label}: objects --edges runs", rc == 0, err.strip())
    if rc != 0:
        return
    targets = {}
    for o in json.loads(out):
        targets[int(o["address"], 16)] = (o["size"], {int(t, 16) for t in o["targets"]})
    starts = sorted(targets)
    import bisect

    def obj_of(addr):
        i = bisect.bisect_right(starts, addr) - 1
        if i >= 0 and addr < starts[i] + targets[starts[i]][0]:
            return starts[i]
        return None

    missing_list = 0
    for what, container, ptrs in want:
        base = obj_of(container)
        if base is None:
            c.check(f"{label}: {what}: container object found", False, f"{container:#x}")
            continue
        have = targets[base][1]
        missing = [p for p in ptrs if obj_of(p) not in have]
        if what.startswith("list node"):
            missing_list += len(missing)
            continue
        c.check(f"{label}: {what}: all {len(ptrs)} pointers are edges", not missing,
                f"{len(missing)} missing, e.g. {missing[:3]}")
    if fx == "basic":
        c.check(f"{label}: list: all {len(want)} next pointers are edges", missing_list == 0,
                f"{missing_list} missing")


def check_one(c, ghf, label, d, truth, minor):
    core, exe = os.path.join(d, "core"), os.path.join(d, "exe")
    rc, out, err = run(ghf, "info", "--json", core, exe)
    c.check(f"{label}: info exits 0", rc == 0, err.strip())
    if rc != 0:
        return
    info = json.loads(out)
    final = final_memstats(core, exe)
    c.check(f"{label}: go_version", info["go_version"] == truth["go_version"],
            f"{info['go_version']} vs {truth['go_version']}")
    c.check(f"{label}: goroutines = NumGoroutine", info["goroutines"] == truth["num_goroutine"],
            f"{info['goroutines']} vs {truth['num_goroutine']}")
    c.check(f"{label}: heap_inuse_bytes within 1% of HeapInuse",
            within(info["heap_inuse_bytes"], final["HeapInuse"], 1.0),
            f"{info['heap_inuse_bytes']} vs {final['HeapInuse']}")
    c.check(f"{label}: heap_objects within 0.5% of HeapObjects",
            within(info["heap_objects"], final["HeapObjects"], 0.5),
            f"{info['heap_objects']} vs {final['HeapObjects']}")
    c.check(f"{label}: heap_alloc_bytes within 0.5% of HeapAlloc",
            within(info["heap_alloc_bytes"], final["HeapAlloc"], 0.5),
            f"{info['heap_alloc_bytes']} vs {final['HeapAlloc']}")
    c.check(f"{label}: no unreadable heap metadata", not any(info["heap_warnings"].values()),
            str(info["heap_warnings"]))
    check_goroutines(c, label, d, info, truth)
    check_edges(c, ghf, label, core, exe, truth, truth["fixture"])


def runtime_func(name):
    """The runtime's own: package runtime, internal/runtime/..., or a hook
    linked into another package (sync.runtime_Semacquire)."""
    return name.startswith(("runtime.", "internal/runtime/")) or ".runtime_" in name


def fixture_module():
    """The fixtures' module path, from their go.mod (the go command records
    it in each executable's build info)."""
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "go.mod")) as f:
        return next(l.split()[1] for l in f if l.startswith("module "))


def program_func(name, module):
    """The program's own code: package main or a package of the fixtures'
    module (they have no dependencies). The package is the symbol up to the
    first '.' after the last '/' (type arguments in brackets aside)."""
    head = name.split("[")[0]
    cut = head.rfind("/") + 1
    dot = head.find(".", cut)
    pkg = head[:dot] if dot >= 0 else ""
    return pkg == "main" or pkg == module or pkg.startswith(module + "/")


def check_goroutines(c, label, d, info, truth):
    """Issue 17 item 10: info counts live goroutines once, split into user
    (what runtime.NumGoroutine counts, from the fixture's truth) and the
    runtime's, and gives each waiting goroutine the wait reason and the first
    function outside the runtime that the runtime's own GOTRACEBACK=crash
    dump shows (the kernel cores and the arm64 ones, whose dump qemu-user's
    guest wrote: every core with the program's stderr; the dump lists
    physical frames with "+0x", inlined ones without, and the walk sees
    physical frames; on arm64 this checks the link-register unwinder)."""
    gs = {g["id"]: g for g in info["goroutine_list"]}
    c.check(f"{label}: info: live = user + runtime goroutines, listed",
            info["goroutines_live"] == info["goroutines_user"] + info["goroutines_runtime"] == len(gs),
            f"{info['goroutines_live']} vs {info['goroutines_user']} + {info['goroutines_runtime']}, {len(gs)} listed")
    c.check(f"{label}: info: user goroutines = NumGoroutine", info["goroutines_user"] == truth["num_goroutine"],
            f"{info['goroutines_user']} vs {truth['num_goroutine']}")
    # The fixture's own word (every flavour, gcore included): each goroutine
    # that holds a stack root is blocked in that root's block_func, so info
    # names it as some waiting goroutine's first function outside the runtime.
    blocked = {g["function"] for g in gs.values() if g["status"] == "waiting"}
    for r in truth.get("roots", []):
        if r["kind"] == "stack" and r.get("block_func"):
            c.check(f"{label}: info: a goroutine waits in {r['block_func']} (holder of {r['name']})",
                    r["block_func"] in blocked, f"waiting in {sorted(blocked)}")
    path = os.path.join(d, "stderr")
    text = open(path, errors="replace").read() if os.path.isfile(path) else ""
    parts = re.split(r"^goroutine (\d+) (?:gp=\S+ )?(?:m=\S+ )?(?:mp=\S+ )?\[([^\]]*)\]:\n", text, flags=re.M)
    compared = through_std = 0
    module = fixture_module()
    for goid, head, body in zip(parts[1::3], parts[2::3], parts[3::3]):
        g = gs.get(int(goid))
        if g is None or g["status"] != "waiting":
            continue
        reason = head.split(",")[0]
        frames = re.findall(r"^(\S+)\(.*\)\n\t\S+:\d+ \+0x", body.split("\n\n")[0], flags=re.M)
        want = next((f for f in frames if not runtime_func(f)), "")
        c.check(f"{label}: info: goroutine {goid} waits for {reason!r} in {want or '(runtime only)'}",
                g["wait_reason"] == reason and g["function"] == want,
                f"info says {g['wait_reason']!r} in {g['function']!r}")
        # where in the program: the innermost frame of its own code, past
        # the standard library's (a goroutine in time.Sleep: its caller)
        prog = next((f for f in frames if program_func(f, module)), "")
        c.check(f"{label}: info: goroutine {goid} is in the program at {prog or '(no program frame)'}",
                g.get("program_function") == prog, f"info says {g.get('program_function')!r}")
        compared += 1
        through_std += bool(prog) and prog != want
    if text:
        c.check(f"{label}: info: waiting goroutines compared with the runtime's dump", compared > 0, "none")
        c.check(f"{label}: info: some waiting goroutine is in the standard library under program code "
                f"(the case program_function is for)", through_std > 0, "none")


def check_mismatch(c, ghf, root):
    """A core with another version's executable of the same program."""
    a = os.path.join(root, "go1.19", "basic")
    b = os.path.join(root, "go1.27", "basic")
    if os.path.exists(os.path.join(a, "core")) and os.path.exists(os.path.join(b, "exe")):
        rc, out, err = run(ghf, "info", os.path.join(a, "core"), os.path.join(b, "exe"))
        c.check("mismatched executable refused with exit 3", rc == 3, f"exit {rc}: {err.strip()}")
        c.check("mismatch message is one line naming build IDs",
                err.count("\n") == 1 and err.startswith("goheapflame: ") and "build ID" in err, err.strip())
    arm = os.path.join(root, "go1.27-arm64", "basic")
    if os.path.exists(os.path.join(arm, "core")) and os.path.exists(os.path.join(b, "exe")):
        rc, out, err = run(ghf, "info", os.path.join(arm, "core"), os.path.join(b, "exe"))
        c.check("arm64 core with an amd64 executable refused with exit 3", rc == 3, f"exit {rc}: {err.strip()}")
        c.check("architecture mismatch message is one line naming both",
                err.count("\n") == 1 and err.startswith("goheapflame: ") and "aarch64" in err and "x86-64" in err,
                err.strip())
        rc, out, err = run(ghf, "info", os.path.join(b, "core"), os.path.join(arm, "exe"))
        c.check("amd64 core with an arm64 executable refused with exit 3", rc == 3, f"exit {rc}: {err.strip()}")
    arm19 = os.path.join(root, "go1.19-arm64", "basic")
    if os.path.exists(os.path.join(arm19, "core")) and os.path.exists(os.path.join(arm, "exe")):
        rc, out, err = run(ghf, "info", os.path.join(arm19, "core"), os.path.join(arm, "exe"))
        c.check("arm64 core with another version's arm64 executable refused with exit 3", rc == 3,
                f"exit {rc}: {err.strip()}")
        c.check("arm64 version mismatch message is one line saying so",
                err.count("\n") == 1 and "does not match the core" in err, err.strip())


if __name__ == "__main__":
    sys.exit(run_all(__doc__, check_one, check_mismatch))
