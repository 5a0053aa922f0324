#!/usr/bin/env python3
"""bench/budget.py — per-object budget and scaling tables from --progress output.

    bench/budget.py SHAPE:N:OBJECTS:STDERR_FILE ...

Each argument names one run: its heap shape, its size (N, the object count asked
of bench/scale), the objects the heap really held, and the file holding that
run's `goheapflame --progress` stderr. bench/run.sh passes its best flame run
of every shape and size. Prints two Markdown tables:

- time: nanoseconds per object of every stage (wall), the runs side by side, and
  for each shape run at more than one size the ratio largest / smallest size,
  which stays near 1 while a stage scales linearly;
- memory: bytes per object resident at the end of every stage (anonymous +
  file-backed), and the peak with the stage that reached it (the first stage
  whose line shows the final peak, VmHWM).
"""
import re
import sys

LINE = re.compile(r"^goheapflame: (.+?)\s+(\d+\.\d\d) s  \(total\s+\d+\.\d\d s\)  rss\s+(\d+) MiB "
                  r"\(anon (\d+), file (\d+)(?:, peak (\d+))?\)$")


def parse(arg):
    try:
        shape, n, objects, path = arg.split(":", 3)
        n, objects = int(n), int(objects)
    except ValueError:
        sys.exit(f"budget.py: bad argument {arg!r} (want SHAPE:N:OBJECTS:FILE)")
    stages = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = LINE.match(line.rstrip("\n"))
            if m:
                name, secs, rss, _anon, _file, peak = m.groups()
                stages.append((name, float(secs), int(rss), int(peak) if peak else None))
    if not stages or objects <= 0:
        sys.exit(f"budget.py: no --progress stage lines (or no objects) for {shape} N={n} in {path}")
    return {"shape": shape, "n": n, "objects": objects, "stages": stages}


def size_name(n):
    return f"{n // 1000000}M" if n % 1000000 == 0 else str(n)


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if argv else 2
    runs = sorted((parse(a) for a in argv), key=lambda r: (r["shape"], r["n"]))
    names = []  # every stage, in the order the runs report them
    for r in runs:
        for s in r["stages"]:
            if s[0] not in names:
                names.append(s[0])
    cols = [f'{r["shape"]} {size_name(r["n"])}' for r in runs]
    # shapes run at two sizes or more: ratio of ns/object, largest / smallest
    by_shape = {}
    for r in runs:
        by_shape.setdefault(r["shape"], []).append(r)
    ratio_shapes = [s for s, rs in by_shape.items() if len(rs) > 1]

    def per_obj(r, name, field):
        for s in r["stages"]:
            if s[0] == name:
                return s[field] / r["objects"]
        return None

    print("Time per object (ns, wall) by stage")
    print()
    hdr = cols + [f'{s} {size_name(by_shape[s][-1]["n"])}/{size_name(by_shape[s][0]["n"])}' for s in ratio_shapes]
    print("| stage | " + " | ".join(hdr) + " |")
    print("|---|" + "--:|" * len(hdr))
    for name in names + ["total"]:
        cells = []
        vals = {}
        for r in runs:
            v = sum(s[1] for s in r["stages"]) / r["objects"] if name == "total" else per_obj(r, name, 1)
            vals[id(r)] = v
            cells.append("" if v is None else f"{v * 1e9:.0f}")
        for s in ratio_shapes:
            lo, hi = vals[id(by_shape[s][0])], vals[id(by_shape[s][-1])]
            cells.append(f"{hi / lo:.2f}" if lo and hi is not None else "")
        print(f"| {name} | " + " | ".join(cells) + " |")
    print()
    print("Memory per object (bytes resident at the end of each stage; * = the stage that reached the peak)")
    print()
    print("| stage | " + " | ".join(cols) + " |")
    print("|---|" + "--:|" * len(cols))
    peak_at = {}
    for r in runs:
        final = r["stages"][-1][3]
        peak_at[id(r)] = next((s[0] for s in r["stages"] if final is not None and s[3] == final), None)
    for name in names:
        cells = []
        for r in runs:
            v = per_obj(r, name, 2)
            mark = "*" if peak_at[id(r)] == name else ""
            cells.append("" if v is None else f"{v * 2**20:.0f}{mark}")
        print(f"| {name} | " + " | ".join(cells) + " |")
    cells = []
    for r in runs:
        final = r["stages"][-1][3]
        cells.append("" if final is None else f"{final * 2**20 / r['objects']:.0f}")
    print("| peak | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
