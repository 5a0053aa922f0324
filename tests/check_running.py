#!/usr/bin/env python3
"""A goroutine that is running when the core is taken (issue 22): fixture
"running" holds 64 MiB through `head` in main.work's frame while it runs a
compute loop on its own thread, whose id it reports (truth.json "running").

For every Go version, on each of its four cores (scripts/gen-cores.sh):
  running        SIGABRT sent with tgkill to that thread (GOTRACEBACK=crash)
  running-quit   SIGQUIT the same way
  running-panic  a panic in another goroutine while work runs
  running-gcore  gcore of the live process
and the newest version's go1.NN-gcore/running, and every version's arm64
core go1.NN-arm64/running (qemu-user; SIGABRT by tgkill as on amd64):
  * the flame graph (--goroutines) has >= 99 % of the held bytes, and at
    most bytes + overhead_max, under "goroutine N: main.work.head" (N the
    goroutine truth.json names), and no warning on stderr;
  * `info --json` is not partial and lists goroutine N with the status the
    runtime's own crash dump gives it (gcore: running), its stack walked to
    runtime.goexit, innermost frame main.crunch where the runtime's dump
    (or gdb's "info threads", for gcore) shows it.
And on each version's SIGABRT core (amd64 and arm64) with its signal frame
damaged (the interrupted PC and SP in the kernel's ucontext, found by the
restorer word whose context's PC is the PC the runtime's dump printed; on
arm64, which has no restorer word, by that PC in a sigcontext's pc slot):
  * a warning names goroutine N, `info` says Partial: yes, and >= 99 % of
    the held bytes are under "goroutine N (conservative)".
Usage: check_running.py GOHEAPFLAME     (reads $GHF_FIXTURES)
"""
import json
import os
import re
import shutil
import struct
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_fixtures import CoreMem, core_notes, elf_symbols  # noqa: E402
from fixture_cores import VERSIONS, Checker, args, core_missing, run  # noqa: E402

KINDS = ["running", "running-quit", "running-panic", "running-gcore"]
NT_PRSTATUS = 1
PR_REG = 112                              # elf_prstatus.pr_reg
REG_SP = {"amd64": 19, "arm64": 31}       # pr_reg index of rsp / sp
UC_MCONTEXT, MC_RSP, MC_RIP = 40, 15, 16  # amd64: ucontext.uc_mcontext, gregs REG_RSP, REG_RIP
SC_SP, SC_PC = 31, 32                     # arm64: sigcontext.regs[31] = sp, then pc (after regs[0..30])
RESTORERS = ("runtime.sigreturn__sigaction.abi0", "runtime.sigreturn.abi0")  # ELF symbols of ABI0 functions


def parse_folded(text):
    under = {}
    for line in text.splitlines():
        stack, _, n = line.rpartition(" ")
        first = stack.split(";")[0]
        under[first] = under.get(first, 0) + int(n)
    return under


def runtime_dump(stderr_path, goid):
    """(status, innermost function) of goroutine goid in the runtime's crash
    dump; the function is None when the dump has no stack for it (a panic's
    dump says "goroutine running on other thread; stack unavailable")."""
    text = open(stderr_path, errors="replace").read()
    m = re.search(rf"^goroutine {goid} (?:gp=\S+ )?(?:m=\S+ )?(?:mp=\S+ )?\[([a-z ]+)[,\]].*\n(?:(\S+)\()?", text,
                  flags=re.M)
    return (m.group(1), m.group(2)) if m else (None, None)


def check_core(c, ghf, label, d, truth, gcore, kind):
    core, exe = os.path.join(d, "core"), os.path.join(d, "exe")
    goid = truth["running"]["goid"]
    head = next(r for r in truth["roots"] if r["name"] == "head")
    frame = f"goroutine {goid}: main.work.head"
    rc, out, err = run(ghf, core, exe, "-o", "-", "--goroutines")
    c.check(f"{label}: flame exits 0", rc == 0, err.strip())
    c.check(f"{label}: no warning", "warning" not in err, err.strip())
    under = parse_folded(out) if rc == 0 else {}
    got = under.get(frame, 0)
    own = got
    if kind == "running-panic":
        # The panic makes the runtime preempt work (asyncPreempt): that frame,
        # scanned conservatively as the runtime does, may hold chunk pointers
        # in saved (vector) registers; the chunks are then shared between
        # goroutine N's own frames only, which still counts as under its frame.
        mine = f"goroutine {goid}: "
        for f, n in under.items():
            parts = f[len("[shared] "):].split(" + ") if f.startswith("[shared] ") else []
            if parts and all(p.startswith(mine) or p == "more" for p in parts) and \
                    (frame in parts or parts[-1] == "more"):
                own += n
    c.check(f"{label}: >= 99% of head's {head['bytes']} bytes under '{frame}'",
            0.99 * head["bytes"] <= own <= head["bytes"] + head["overhead_max"], f"{got} bytes, {own} with "
            "goroutine-internal sharing")
    print(f"{label}: {got} of {head['bytes']} held bytes under {frame}"
          + (f" ({own} counting sharing among goroutine {goid}'s own frames)" if own != got else ""))

    rc, out, err = run(ghf, "info", "--json", "--no-heap", core, exe)
    c.check(f"{label}: info exits 0", rc == 0, err.strip())
    if rc != 0:
        return
    info = json.loads(out)
    c.check(f"{label}: info not partial", not info["partial"], info["partial_reason"])
    g = next((g for g in info["goroutine_list"] if g["id"] == goid), None)
    c.check(f"{label}: info lists goroutine {goid}", g is not None)
    if g is None:
        return
    if gcore:
        log = open(os.path.join(d, "gcore.log"), errors="replace").read()
        line = next((ln for ln in log.splitlines() if re.search(rf"LWP {truth['running']['tid']}[ )]", ln)), "")
        want_status, want_top = "running", re.search(r"(main\.\w+) \(", line)
        want_top = want_top.group(1) if want_top else None
    else:
        want_status, want_top = runtime_dump(os.path.join(d, "stderr"), goid)
    c.check(f"{label}: goroutine {goid} status as the runtime/gdb saw it ({want_status})",
            g["status"] == want_status, g["status"])
    st = g.get("stack", {})
    c.check(f"{label}: goroutine {goid} stack walked to runtime.goexit",
            st.get("complete") and st.get("base") == "runtime.goexit", st)
    if want_status == "running":
        c.check(f"{label}: goroutine {goid} runs on thread {truth['running']['tid']}",
                st.get("thread") == truth["running"]["tid"], st)
        if want_top is None:  # the dump has no stack: it must at least be the fixture's own code
            want_top = ("main.crunch", truth["running"]["func"])
            c.check(f"{label}: goroutine {goid} innermost frame one of {want_top}", st.get("top") in want_top, st)
        else:
            c.check(f"{label}: goroutine {goid} innermost frame {want_top}", st.get("top") == want_top, st)


def signal_frame(core, exe, tid, pc, sp, arch):
    """Address of the interrupted SP, followed by the PC, in the signal
    frame on thread tid's signal stack whose interrupted PC is pc, searched
    upwards from the thread's SP: amd64, the ucontext after the restorer
    word the kernel put at the frame's start; arm64, a sigcontext whose pc
    and sp slots hold pc and sp (the runtime's dump prints both; the handler
    keeps copies of the PC alone on the signal stack too)."""
    rsp = None
    for ntype, desc in core_notes(core, arch):
        if ntype == NT_PRSTATUS and struct.unpack_from("<i", desc, 32)[0] == tid:
            rsp = struct.unpack_from("<Q", desc, PR_REG + 8 * REG_SP[arch])[0]
    syms = elf_symbols(exe, set(RESTORERS))
    restorers = {syms[n] for n in RESTORERS if n in syms}
    if rsp is None or (arch == "amd64" and not restorers):
        return None
    mem = CoreMem(core)
    try:
        for p in range(rsp & ~7, rsp + (256 << 10), 8):
            if arch == "arm64":
                if mem.word(p + 8 * SC_PC) == pc and mem.word(p + 8 * SC_SP) == sp:
                    return p + 8 * SC_SP
            elif mem.word(p) in restorers and mem.word(p + 8 + UC_MCONTEXT + 8 * MC_RIP) == pc:
                return p + 8 + UC_MCONTEXT + 8 * MC_RSP
    except Exception:  # ran off the mapping
        return None
    finally:
        mem.close()
    return None


def file_offset(core, addr):
    mem = CoreMem(core)
    try:
        for va, size, off in mem.segs:
            if va <= addr < va + size:
                return off + addr - va
    finally:
        mem.close()
    return None


def check_damaged(c, ghf, label, d, truth, tmp, arch):
    core, exe = os.path.join(d, "core"), os.path.join(d, "exe")
    goid, tid = truth["running"]["goid"], truth["running"]["tid"]
    head = next(r for r in truth["roots"] if r["name"] == "head")
    m = re.search(r"^PC=(0x[0-9a-f]+) ", open(os.path.join(d, "stderr"), errors="replace").read(), flags=re.M)
    stderr = open(os.path.join(d, "stderr"), errors="replace").read()
    pc = int(m.group(1), 16) if m else 0
    m_sp = re.search(rf" sp=(0x[0-9a-f]+) pc={pc:#x}\b", stderr)
    sp = int(m_sp.group(1), 16) if m_sp else 0
    sp_slot = signal_frame(core, exe, tid, pc, sp, arch) if m else None
    c.check(f"{label}: signal frame found on thread {tid}'s signal stack", sp_slot is not None)
    if sp_slot is None:
        return
    bad = os.path.join(tmp, "core")
    shutil.copyfile(core, bad)
    off = file_offset(bad, sp_slot)
    with open(bad, "r+b") as f:  # interrupted SP and PC: garbage
        f.seek(off)
        f.write(struct.pack("<QQ", 0x10, 0xdead0000))
    rc, out, err = run(ghf, bad, exe, "-o", "-", "--goroutines")
    c.check(f"{label}: damaged: flame exits 0", rc == 0, err.strip())
    c.check(f"{label}: damaged: a warning names goroutine {goid}",
            re.search(rf"warning: goroutine {goid} \(running\): stack not walked", err) is not None, err.strip())
    c.check(f"{label}: damaged: the result is said to be partial", "the result is partial" in err, err.strip())
    got = parse_folded(out).get(f"goroutine {goid} (conservative)", 0) if rc == 0 else 0
    c.check(f"{label}: damaged: >= 99% of head's bytes under 'goroutine {goid} (conservative)'",
            0.99 * head["bytes"] <= got <= head["bytes"] + head["overhead_max"], f"{got} bytes")
    rc, out, err = run(ghf, "info", bad, exe)
    c.check(f"{label}: damaged: info says Partial: yes", rc == 0 and re.search(r"^Partial: +yes", out, re.M),
            out + err)
    c.check(f"{label}: damaged: info names goroutine {goid}'s stack as not walked",
            re.search(rf"goroutine {goid} running on thread {tid}: stack NOT walked", out) is not None, out)
    os.unlink(bad)


def main():
    ghf, root = args(__doc__)
    if root is None:
        return ghf
    c = Checker()
    dirs = [(v, f"go{v}", k) for v in VERSIONS for k in KINDS] + [(VERSIONS[-1], f"go{VERSIONS[-1]}-gcore", "running")] \
        + [(v, f"go{v}-arm64", "running") for v in VERSIONS]
    seen = 0
    with tempfile.TemporaryDirectory(prefix="ghf-running-") as tmp:
        for minor, vdir, kind in dirs:
            d = os.path.join(root, vdir, kind)
            label = f"{vdir}/{kind}"
            if core_missing(c, label, d, minor):
                continue
            seen += 1
            truth = json.load(open(os.path.join(d, "truth.json")))
            gcore = os.path.exists(os.path.join(d, "gcore.log"))
            check_core(c, ghf, label, d, truth, gcore, kind)
            if kind == "running" and not gcore:
                check_damaged(c, ghf, label, d, truth, tmp, "arm64" if vdir.endswith("-arm64") else "amd64")
    c.check("fixture cores were found", seen > 0, root)
    print(f"{c.passed} passed, {c.failed} failed")
    return 0 if c.failed == 0 and c.passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
