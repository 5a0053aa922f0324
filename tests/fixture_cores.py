"""Shared harness of the fixture-core checks (check_heap.py, check_flame.py):
the pass/fail counter, running goheapflame, and the walk over every Go
version's fixture cores under $GHF_FIXTURES."""
import json
import os
import shutil
import subprocess
import sys

VERSIONS = ["1.19", "1.21", "1.22", "1.23", "1.24", "1.26", "1.27"]
FIXTURES = ["basic", "shapes", "stacks", "stackobj", "example", "ifaces"]
# (minor version, directory): kernel cores for each version, gcore for the newest,
# arm64 cores (qemu-user) for each version
FLAVOURS = [(v, f"go{v}") for v in VERSIONS] + [(VERSIONS[-1], f"go{VERSIONS[-1]}-gcore")] + \
    [(v, f"go{v}-arm64") for v in VERSIONS]


class Checker:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, what, ok, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL {what}" + (f": {detail}" if detail else ""), flush=True)


def run(ghf, *args, binary=False):
    """(exit code, stdout, stderr) of goheapflame ARGS."""
    p = subprocess.run([ghf, *args], capture_output=True, timeout=300)
    out = p.stdout if binary else p.stdout.decode("utf-8", "replace")
    return p.returncode, out, p.stderr.decode("utf-8", "replace")


def args(doc):
    """(goheapflame, fixture cache) from the command line and GHF_FIXTURES,
    or (exit code, None) after saying what is wrong."""
    if len(sys.argv) != 2:
        print(doc, file=sys.stderr)
        return 2, None
    root = os.environ.get("GHF_FIXTURES")
    if not root or not os.path.isdir(root):
        print(f"{os.path.basename(sys.argv[0])}: GHF_FIXTURES is not set or not a directory (run scripts/test.sh)",
              file=sys.stderr)
        return 1, None
    return sys.argv[1], root


def core_missing(c, label, d, minor):
    """True when d has no core; a failure in CI, or when Go 1.minor is
    installed (and, for an arm64 core, qemu-aarch64-static, which makes it)."""
    if os.path.exists(os.path.join(d, "core")):
        return False
    arm64 = label.split("/")[0].endswith("-arm64")
    if os.environ.get("CI") == "true" or (os.path.exists(f"/usr/lib/go-{minor}/bin/go") and
                                          (not arm64 or shutil.which("qemu-aarch64-static") is not None)):
        c.check(f"{label}: fixture core exists", False, d)
    return True


def main(doc, check_one, finish=None):
    """Run check_one(c, ghf, label, dir, truth, minor) on every fixture core;
    then finish(c, ghf, root) if given. A missing core is a failure when its
    toolchain is installed or in CI. Prints the closing `N passed, N failed`."""
    ghf, root = args(doc)
    if root is None:
        return ghf
    c = Checker()
    seen = 0
    for minor, vdir in FLAVOURS:
        for fx in FIXTURES:
            d = os.path.join(root, vdir, fx)
            if core_missing(c, f"{vdir}/{fx}", d, minor):
                continue
            seen += 1
            with open(os.path.join(d, "truth.json")) as f:
                truth = json.load(f)
            check_one(c, ghf, f"{vdir}/{fx}", d, truth, minor)
    if finish:
        finish(c, ghf, root)
    c.check("fixture cores were found", seen > 0, root)
    print(f"{c.passed} passed, {c.failed} failed")
    return 0 if c.failed == 0 and c.passed > 0 else 1
