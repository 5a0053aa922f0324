#!/usr/bin/env python3
"""goheapflame --pid on running processes (issue 19).

usage: check_live.py GOHEAPFLAME SCRATCHDIR

1. Every fixture program of every Go version ($GHF_FIXTURES/go1.NN/<fixture>/exe)
   is started live. `--pid` must succeed, report its pause, leave the process
   running, and give the same flame graph, frame for frame, as a core taken of
   the same process right after it (a kernel core under GOTRACEBACK=crash, or
   gcore where the kernel pipes cores elsewhere) and as its own --save-core copy;
   every global root the fixture names must be in it.
2. A program under allocation load (tests/live/loadprog) is read 20 times; after
   each it must still answer, have made progress, and find its own records intact.
3. Refusals, with the process left running: no such process, a process that is
   not Go, a 32-bit Go process, a process another tracer holds; option misuse.
"""
import errno
import json
import os
import resource
import select
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_cores import Checker, FIXTURES, VERSIONS  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def run(ghf, *args, timeout=300):
    p = subprocess.run([ghf, *args], capture_output=True, timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def allow_cores():
    resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))


def start(exe, cwd, env_extra=None, stdin=None):
    """Start exe in cwd; wait for its READY line. Returns the Popen."""
    env = dict(os.environ, GOTRACEBACK="crash", **(env_extra or {}))
    out = open(os.path.join(cwd, "stdout"), "wb")
    p = subprocess.Popen([exe], cwd=cwd, stdout=out, stderr=subprocess.DEVNULL, stdin=stdin, env=env,
                         preexec_fn=allow_cores)
    deadline = time.time() + 60
    while time.time() < deadline:
        with open(os.path.join(cwd, "stdout"), "rb") as f:
            if b"READY\n" in f.read():
                return p
        if p.poll() is not None:
            raise RuntimeError(f"{exe} exited with {p.returncode} before READY")
        time.sleep(0.05)
    p.kill()
    raise RuntimeError(f"{exe}: no READY within 60 s")


def stop(p):
    if p.poll() is None:
        p.kill()
    p.wait()


def kernel_core_path(cwd, pid):
    """Where a kernel core of pid run in cwd lands, or None when the kernel
    does not write plain files we can find (a pipe, %-patterns we do not expand)."""
    try:
        pattern = open("/proc/sys/kernel/core_pattern").read().strip()
        uses_pid = open("/proc/sys/kernel/core_uses_pid").read().strip() == "1"
    except OSError:
        return None
    if pattern.startswith("|") or "%" in pattern.replace("%p", ""):
        return None
    path = pattern.replace("%p", str(pid))
    if uses_pid and "%p" not in pattern:
        path += f".{pid}"
    return path if path.startswith("/") else os.path.join(cwd, path)


def take_core(p, cwd):
    """A core of the running process p: SIGABRT under GOTRACEBACK=crash when the
    kernel writes plain core files, else gcore. Returns its path; p is gone after."""
    kpath = kernel_core_path(cwd, p.pid)
    if kpath is not None:
        os.kill(p.pid, signal.SIGABRT)
        p.wait(timeout=60)
        if os.path.exists(kpath):
            return kpath
        return None
    out = os.path.join(cwd, "gcore")
    subprocess.run(["gcore", "-o", out, str(p.pid)], capture_output=True, timeout=300)
    stop(p)
    path = f"{out}.{p.pid}"
    return path if os.path.exists(path) else None


def check_fixture(c, ghf, label, src, work, truth):
    os.makedirs(work, exist_ok=True)
    exe = os.path.join(work, "exe")
    shutil.copy(os.path.join(src, "exe"), exe)
    p = start(exe, work)
    try:
        live, saved = os.path.join(work, "live.folded"), os.path.join(work, "saved.core")
        rc, _, err = run(ghf, "--pid", str(p.pid), "--save-core", saved, "-o", live)
        c.check(f"{label}: --pid exits 0", rc == 0, err.strip())
        c.check(f"{label}: --pid reports its pause", f"paused process {p.pid} for " in err, err.strip())
        c.check(f"{label}: the process runs on after --pid", p.poll() is None)
        rc, out, err = run(ghf, "info", "--json", "--pid", str(p.pid))
        info = json.loads(out) if rc == 0 else {}
        c.check(f"{label}: info --pid: the fixture's goroutines",
                info.get("goroutines") == truth["num_goroutine"], f"{info.get('goroutines')} vs {truth['num_goroutine']}")
        core = take_core(p, work)
        c.check(f"{label}: a core of the same process was taken", core is not None)
        if rc != 0 or core is None or not os.path.exists(live):
            return
        mine = open(live).read()
        firsts = {root_frame(l) for l in mine.splitlines()}
        for r in [r for r in truth["roots"] if r["kind"] == "global"]:
            want, group = r["name"], {r["name"], *(r.get("shared_with") or [])}

            def holds(f):  # names it, or names others of its shared group and "+ more" (three are listed)
                parts = f.replace("[shared] ", "").split(" + ")
                return want in parts or (parts[-1] == "more" and set(parts[:-1]) <= group)
            c.check(f"{label}: --pid graph holds root {want}", any(holds(f) for f in firsts))
        for other, what in [(core, "a core taken right after"), (saved, "its --save-core copy")]:
            theirs = os.path.join(work, os.path.basename(other) + ".folded")
            rc, _, err = run(ghf, other, exe, "-o", theirs)
            c.check(f"{label}: {what} reads", rc == 0, err.strip())
            if rc == 0:
                a, b = split_runtime(mine), split_runtime(open(theirs).read())
                diff = sorted(set(a[0]) ^ set(b[0]))[:4]
                c.check(f"{label}: --pid equals {what}, frame for frame ({len(a[0])} lines)", a[0] == b[0],
                        "; ".join(diff))
                c.check(f"{label}: --pid equals {what} in the bytes only runtime roots hold", a[1] == b[1],
                        f"{a[1]} vs {b[1]}")
    finally:
        stop(p)
        for f in ("core", "saved.core"):
            if os.path.exists(os.path.join(work, f)):
                os.remove(os.path.join(work, f))


def root_frame(line):
    return line.rsplit(" ", 1)[0].split(";", 1)[0]


def split_runtime(folded):
    """(sorted lines held by a program root, bytes held by runtime roots only).
    Stopping a process with SIGABRT for its kernel core moves the runtime's own
    objects between runtime roots (the crashing thread's m, allp), so frames
    whose root is only the runtime's are compared by their total."""
    mine, runtime_bytes = [], 0
    for line in folded.splitlines():
        names = root_frame(line).replace("[shared] ", "").split(" + ")
        if all(n.startswith("runtime.") or n == "more" or n.startswith("[thread registers]") for n in names):
            runtime_bytes += int(line.rsplit(" ", 1)[1])
        else:
            mine.append(line)
    return sorted(mine), runtime_bytes


def go_build(src, out, goarch="amd64"):
    """Build src with the newest installed toolchain; the path or None."""
    gos = [f"/usr/lib/go-{v}/bin/go" for v in VERSIONS if os.path.exists(f"/usr/lib/go-{v}/bin/go")]
    if not gos:
        return None
    env = dict(os.environ, GOTOOLCHAIN="local", GOPROXY="off", GOFLAGS="", GO111MODULE="off", CGO_ENABLED="0",
               GOARCH=goarch, GOOS="linux", GOCACHE=os.environ.get("GHF_GOCACHE", os.path.join(out + ".gocache")))
    r = subprocess.run([gos[-1], "build", "-o", out, "main.go"], cwd=src, env=env, capture_output=True)
    if r.returncode != 0:
        print(r.stderr.decode(), file=sys.stderr)
        return None
    return out


def check_load(c, ghf, work):
    exe = go_build(os.path.join(HERE, "live", "loadprog"), os.path.join(work, "loadprog"))
    c.check("loadprog builds", exe is not None)
    if exe is None:
        return
    p = start(exe, work, stdin=subprocess.PIPE)
    answers = open(os.path.join(work, "stdout"), "rb")
    answers.read()  # past READY

    def ask():
        p.stdin.write(b"check\n")
        p.stdin.flush()
        deadline, buf = time.time() + 30, b""
        while time.time() < deadline and not buf.endswith(b"\n"):
            buf += answers.read()
            time.sleep(0.02)
        parts = buf.decode().split()
        return [int(x) for x in parts[1:]] if parts[:1] == ["ok"] else None

    try:
        last = ask()
        c.check("loadprog answers before --pid", last is not None and last[2] == 0, str(last))
        pauses = []
        for i in range(20):
            rc, _, err = run(ghf, "--pid", str(p.pid), "-o", os.path.join(work, "load.folded"))
            c.check(f"loadprog --pid run {i + 1} exits 0", rc == 0, err.strip()[-300:])
            for line in err.splitlines():
                if "paused process" in line:
                    pauses.append(float(line.split(" for ")[1].split(" s")[0]))
            now = ask()
            c.check(f"loadprog after --pid run {i + 1}: running, progressing, records intact",
                    p.poll() is None and now is not None and last is not None and now[0] > last[0] and now[2] == 0
                    and now[1] > 0, f"before {last} after {now}")
            last = now or last
        if pauses:
            print(f"loadprog: 20 snapshots, pause min {min(pauses):.3f} s, max {max(pauses):.3f} s")
    finally:
        stop(p)


def check_refusals(c, ghf, work):
    # no such process: a child that has exited and been reaped
    q = subprocess.Popen(["true"])
    q.wait()
    rc, _, err = run(ghf, "--pid", str(q.pid), "-o", os.path.join(work, "none.svg"))
    c.check("no such process: exit 3, one line", rc == 3 and len(err.strip().splitlines()) == 1, f"{rc} {err}")
    c.check("no such process: no output file", not os.path.exists(os.path.join(work, "none.svg")))

    p = subprocess.Popen(["sleep", "60"])
    try:
        rc, _, err = run(ghf, "info", "--pid", str(p.pid))
        c.check("a non-Go process: exit 4 naming it", rc == 4 and "not a Go program" in err, f"{rc} {err}")
        c.check("a non-Go process runs on", p.poll() is None)
    finally:
        stop(p)

    exe = go_build(os.path.join(HERE, "live", "prog386"), os.path.join(work, "prog386"), goarch="386")
    c.check("prog386 builds", exe is not None)
    if exe:
        try:
            p = start(exe, work)
        except OSError as e:
            if e.errno != errno.ENOEXEC:
                raise
            p = None
        if p is not None:
            try:
                rc, _, err = run(ghf, "--pid", str(p.pid), "-o", os.path.join(work, "x.svg"))
                c.check("a 32-bit process: exit 4 naming it", rc == 4 and "32-bit" in err, f"{rc} {err}")
                c.check("a 32-bit process runs on", p.poll() is None)
            finally:
                stop(p)
        else:
            # A kernel without IA32 emulation (this CI's VM) runs no 32-bit
            # program: the same check (the executable's ELF class, read
            # before anything is stopped) is reached with --exe instead.
            print("note: this kernel cannot run 32-bit programs; 32-bit refusal checked with --exe")
            p = subprocess.Popen(["sleep", "60"])
            try:
                rc, _, err = run(ghf, "--pid", str(p.pid), "--exe", exe, "-o", os.path.join(work, "x.svg"))
                c.check("a 32-bit executable (--exe): exit 4 naming it", rc == 4 and "32-bit" in err, f"{rc} {err}")
                c.check("a 32-bit executable (--exe): no output file", not os.path.exists(os.path.join(work, "x.svg")))
                c.check("a 32-bit executable (--exe): the process runs on", p.poll() is None)
            finally:
                stop(p)

    # another tracer: gdb holds the process while it sleeps in a shell command
    fx = fixture_exe()
    if fx and shutil.which("gdb"):
        d = os.path.join(work, "traced")
        os.makedirs(d, exist_ok=True)
        shutil.copy(fx, os.path.join(d, "exe"))
        p = start(os.path.join(d, "exe"), d)
        g = subprocess.Popen(["gdb", "-nx", "-batch", "-p", str(p.pid), "-ex", "shell sleep 5"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.time() + 30
            while time.time() < deadline and tracer_of(p.pid) == 0:
                time.sleep(0.05)
            c.check("gdb traces the process", tracer_of(p.pid) != 0)
            rc, _, err = run(ghf, "--pid", str(p.pid), "-o", os.path.join(d, "x.svg"))
            c.check("a process another tracer holds: exit 3 naming the tracer", rc == 3 and "already tracing" in err,
                    f"{rc} {err}")
            g.wait(timeout=60)
            c.check("the traced process runs on", p.poll() is None)
        finally:
            g.kill()
            stop(p)

    for args, what in [(["--exe", "/bin/true", "a", "b", "-o", "-"], "--exe without --pid"),
                       (["--pid", "1", "a", "b", "-o", "-"], "--pid with a core"),
                       (["--pid", "x", "-o", "-"], "--pid with junk"),
                       (["info", "--save-core", "f", "a", "b"], "--save-core without --pid")]:
        rc, _, err = run(ghf, *args)
        c.check(f"{what}: exit 2, one line", rc == 2 and len(err.strip().splitlines()) == 1, f"{rc} {err}")


def tracer_of(pid):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("TracerPid:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def fixture_exe():
    root = os.environ.get("GHF_FIXTURES", "")
    for v in reversed(VERSIONS):
        p = os.path.join(root, f"go{v}", "basic", "exe")
        if os.path.exists(p):
            return p
    return None


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    ghf, scratch = os.path.abspath(sys.argv[1]), sys.argv[2]
    root = os.environ.get("GHF_FIXTURES")
    if not root or not os.path.isdir(root):
        print("check_live.py: GHF_FIXTURES is not set or not a directory (run scripts/test.sh)", file=sys.stderr)
        return 1
    shutil.rmtree(scratch, ignore_errors=True)
    os.makedirs(scratch)
    c = Checker()
    ci = os.environ.get("CI") == "true"
    seen = 0
    for v in VERSIONS:
        for fx in FIXTURES:
            d = os.path.join(root, f"go{v}", fx)
            if not os.path.exists(os.path.join(d, "exe")):
                if ci or os.path.exists(f"/usr/lib/go-{v}/bin/go"):
                    c.check(f"go{v}/{fx}: fixture exists", False, d)
                continue
            seen += 1
            truth = json.load(open(os.path.join(d, "truth.json")))
            check_fixture(c, ghf, f"go{v}/{fx}", d, os.path.join(scratch, f"go{v}-{fx}"), truth)
    c.check("fixture programs were found", seen > 0, root)
    check_load(c, ghf, scratch)
    check_refusals(c, ghf, scratch)
    print(f"{c.passed} passed, {c.failed} failed")
    return 0 if c.failed == 0 and c.passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
