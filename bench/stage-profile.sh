#!/usr/bin/env bash
# stage-profile.sh GOHEAPFLAME CORE EXE — where one run's CPU goes, stage by
# stage: `perf record -e cpu-clock` samples (both threads and the kernel's
# work for us), cut at the stage boundaries that `--progress` prints. Per
# stage: wall seconds, CPU seconds sampled, the threads seen, the CPU spent
# clearing fresh pages (`clear_page_erms`, the kernel zeroing memory on its
# first touch) and the functions with the most samples.
#
# Why: on a VM the first touch of fresh memory can cost a tenth of a second
# per 100 MB, and it is spent on the thread that touches; a stage that
# clears its pages on one thread while the other core idles shows here as
# "thr 1" with a large "clear" (bench/README.md, round nine).
#
# Needs: perf (Debian: linux-perf) with permission to sample the kernel
# (run as root, or kernel.perf_event_paranoid <= 1), python3. The run's
# output goes to a temporary SVG; nothing is left behind but the printout.
set -euo pipefail
if [ $# -ne 3 ]; then
  echo "usage: $0 GOHEAPFLAME CORE EXE" >&2
  exit 2
fi
ghf=$1 core=$2 exe=$3
command -v perf >/dev/null || { echo "stage-profile.sh: perf is not installed (Debian: linux-perf)" >&2; exit 2; }
for f in "$ghf" "$core" "$exe"; do
  [ -r "$f" ] || { echo "stage-profile.sh: cannot read $f" >&2; exit 2; }
done
tmp=$(mktemp -d /tmp/stage-profile.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cat "$core" > /dev/null # from the page cache, as bench/run.sh reads it
perf record -q -e cpu-clock -F 4000 -o "$tmp/perf.data" \
  "$ghf" --progress "$core" "$exe" -o "$tmp/out.svg" 2> "$tmp/progress" > /dev/null ||
  { echo "stage-profile.sh: the run failed:" >&2; tail -n 3 "$tmp/progress" >&2; exit 1; }
perf script -i "$tmp/perf.data" -F tid,time,ip,sym 2> /dev/null > "$tmp/samples"
python3 - "$tmp/samples" "$tmp/progress" <<'PY'
import collections, re, sys

HZ = 4000  # perf record -F above: one sample = 1/HZ s of CPU
samples = []
for line in open(sys.argv[1]):
    parts = line.split()
    if len(parts) < 2 or not parts[1].endswith(":"):
        continue
    # "TID TIME: IP SYMBOL"
    samples.append((float(parts[1][:-1]), parts[0], parts[3] if len(parts) > 3 else "?"))
if not samples:
    sys.exit("stage-profile.sh: perf recorded no samples")
start = samples[0][0]
# "goheapflame: inferred types   1.40 s  (total   2.01 s)  rss ..."
stages = []
for line in open(sys.argv[2]):
    m = re.search(r"goheapflame: (.*?)\s+([\d.]+) s\s+\(total\s+([\d.]+) s\)", line)
    if m:
        stages.append((m.group(1), float(m.group(2)), float(m.group(3))))
per = collections.defaultdict(collections.Counter)
threads = collections.defaultdict(set)
for t, tid, sym in samples:
    name = next((n for n, _, end in stages if t - start <= end), "after the last stage")
    per[name][sym] += 1
    threads[name].add(tid)
print(f"{'stage':30s} {'wall s':>6s} {'cpu s':>6s} {'thr':>3s} {'clear s':>7s}  top functions (cpu s)")
for name, wall, _ in stages:
    c = per[name]
    if not c:
        continue
    top = ", ".join(f"{s} {v / HZ:.2f}" for s, v in c.most_common(5) if s != "clear_page_erms")
    print(f"{name:30s} {wall:6.2f} {sum(c.values()) / HZ:6.2f} {len(threads[name]):3d} "
          f"{c['clear_page_erms'] / HZ:7.2f}  {top}")
PY
sed -n 's/^goheapflame: wrote .* in \([0-9.]* s\)$/whole run: \1/p' "$tmp/progress"
