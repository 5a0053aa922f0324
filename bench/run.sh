#!/usr/bin/env bash
# bench/run.sh — scale benchmark of goheapflame on 1 M, 10 M and 40 M objects.
#
#   bench/run.sh [--sizes "1000000 10000000 40000000"] [--shapes "mixed dense maps stacks"]
#                [--runs 3] [--ghf build/goheapflame] [--no-render] [--no-hist]
#
# Builds bench/scale (newest Go), makes one kernel core per shape and size (cached
# in ~/.cache/goheapflame/bench/<source hash>-<shape>-<N>/), then runs, best of --runs:
#   goheapflame --progress CORE EXE -o out.svg   and   goheapflame histogram CORE EXE
# under /usr/bin/time -v, and prints per size: wall and CPU seconds, peak RSS,
# RSS bytes per object, objects per second, and wall time / the time of one
# sequential read of the core from page cache (measured in the same run), and
# the 1-minute load average when the best run ended. The header gives what the
# machine charges for fresh memory (bench/pagecost.py): on a VM it can be a
# large part of every run.
# Stage timings (--progress) of the best flame run are printed after the table,
# then bench/budget.py's tables of those runs: nanoseconds per object per stage
# with the scaling from the smallest to the largest size, and bytes per object
# resident after each stage with the stage that reached the peak.
# Finally bench/render-bench.sh times `goheapflame render` on 1 M folded lines.
# Environment: GHF_BENCH_CACHE (core cache dir), GO (Go binary).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
sizes="1000000 10000000 40000000"
shapes="mixed dense maps stacks"
runs=3
hist=1
ghf=$ROOT/build/goheapflame
render=1
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes=$2; shift 2 ;;
    --shapes) shapes=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --no-hist) hist=0; shift ;;
    --ghf) ghf=$(realpath "$2"); shift 2 ;;
    --no-render) render=0; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
GO=${GO:-/usr/lib/go-1.27/bin/go}
cache=${GHF_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/goheapflame/bench}
export GOTOOLCHAIN=local GOCACHE=${XDG_CACHE_HOME:-$HOME/.cache}/goheapflame/gocache
[ -x "$ghf" ] || { echo "run.sh: $ghf not built (meson setup build && ninja -C build)" >&2; exit 1; }
[ -x "$GO" ] || { echo "run.sh: $GO missing (scripts/install-deps.sh --all-go)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "run.sh: /usr/bin/time missing (apt-get install time)" >&2; exit 1; }
mkdir -p "$cache"

hash=$( (cat "$ROOT/bench/scale/main.go" "$ROOT/bench/scale/go.mod"; "$GO" version) | sha256sum | cut -c1-12)
exe_dir=$cache/$hash
mkdir -p "$exe_dir"
if [ ! -x "$exe_dir/exe" ]; then
  (cd "$ROOT/bench/scale" && "$GO" build -o "$exe_dir/exe" .)
fi

pattern=$(cat /proc/sys/kernel/core_pattern)
case "$pattern" in
  \|*) echo "run.sh: core_pattern pipes cores to '$pattern'; set it to 'core' (sysctl kernel.core_pattern=core)" >&2; exit 1 ;;
esac

# field NAME FILE: one /usr/bin/time -v value
field() { grep "$1" "$2" | awk '{print $NF}'; }
secs() { # m:ss.cc or h:mm:ss -> seconds
  awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }' <<<"$1"
}

# timed OUT_PREFIX CMD...: best-of-$runs; leaves the best run's time -v in OUT_PREFIX.time
timed() {
  local pre=$1 best= w r; shift
  for ((r = 0; r < runs; r++)); do
    /usr/bin/time -v -o "$pre.try" "$@" >"$pre.stdout" 2>"$pre.stderr.try" || {
      echo "run.sh: failed: $*" >&2; cat "$pre.stderr.try" >&2; return 1; }
    w=$(secs "$(field 'Elapsed (wall clock)' "$pre.try")")
    if [ -z "$best" ] || awk -v a="$w" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$w; mv "$pre.try" "$pre.time"; mv "$pre.stderr.try" "$pre.stderr"
      cut -d' ' -f1 /proc/loadavg >"$pre.load"
    fi
  done
  rm -f "$pre.try" "$pre.stderr.try"
}

# read_floor CORE: best-of-$runs seconds to read the core sequentially from page cache
read_floor() {
  local best= t0 t1 d r
  cat "$1" >/dev/null # warm
  for ((r = 0; r < runs; r++)); do
    t0=$(date +%s.%N); cat "$1" >/dev/null; t1=$(date +%s.%N)
    d=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    if [ -z "$best" ] || awk -v a="$d" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$d; fi
  done
  echo "$best"
}

echo "machine: $(nproc) CPUs, $(awk '/model name/ { $1 = $2 = $3 = ""; print; exit }' /proc/cpuinfo | sed 's/^ *//'), $(free -g | awk '/Mem:/ {print $2}') GiB RAM"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (other jobs; CPU time is the steadier figure)"
echo "memory:  $(python3 "$ROOT/bench/pagecost.py")"
echo "goheapflame: $ghf ($(cd "$ROOT" && git describe --always --dirty 2>/dev/null || echo '?'))"
echo "best of $runs runs"
rows=()
stages=()
budget=()
for shape in $shapes; do
for n in $sizes; do
  dir=$cache/$hash-$shape-$n
  mkdir -p "$dir"
  if [ ! -s "$dir/core" ] || ! grep -q '^READY' "$dir/stdout" 2>/dev/null; then
    # measured: the core is ~62 B per object (2393 MB at 38.7 M) plus ~50 MB;
    # ask for 100 B per object + 200 MB to leave room for other files
    need_kb=$((n / 10 + 200000))
    avail_kb=$(df -Pk "$dir" | awk 'NR == 2 {print $4}')
    if [ "$avail_kb" -lt "$need_kb" ]; then
      echo "run.sh: SKIP $n objects: $((avail_kb / 1024)) MiB free under $dir, need about $((need_kb / 1024)) MiB for its core" >&2
      continue
    fi
    echo "making the $shape core for N=$n in $dir ..." >&2
    "$ROOT/bench/make-core.sh" "$exe_dir/exe" "$shape" "$n" "$dir"
  fi
  objs=$(sed -n 's/^READY objects=\([0-9]*\).*/\1/p' "$dir/stdout")
  core_mb=$(du -m --apparent-size "$dir/core" | cut -f1)
  floor=$(read_floor "$dir/core")
  out=$dir/run
  timed "$out.flame" "$ghf" --progress "$dir/core" "$dir/exe" -o "$out.svg"
  kinds=flame
  if [ $hist = 1 ]; then
    timed "$out.hist" "$ghf" histogram "$dir/core" "$dir/exe"
    kinds="flame hist"
  fi
  for kind in $kinds; do
    t=$out.$kind.time
    wall=$(secs "$(field 'Elapsed (wall clock)' "$t")")
    user=$(field 'User time' "$t")
    sys=$(field 'System time' "$t")
    rss_kb=$(field 'Maximum resident set size' "$t")
    rows+=("$(awk -v sh="$shape" -v n="$n" -v o="$objs" -v k="$kind" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss_kb" -v f="$floor" -v m="$core_mb" -v l="$(cat "$out.$kind.load")" 'BEGIN {
      printf "%-6s %-9s %-5s %10d %7d %7.2f %7.2f %6.2f %8.0f %7.1f %10.2f %6.3f %6.1f %5s", sh, n, k, o, m, w, u + s, s, r / 1024, r * 1024 / o, o / (w > 0 ? w : 0.01) / 1e6, f, w / (f > 0 ? f : 0.001), l }')")
  done
  budget+=("$shape:$n:$objs:$out.flame.stderr")
  stages+=("== $shape N=$n: stages of the best flame run (--progress, seconds since start)" "$(sed 's/^goheapflame: /  /' "$out.flame.stderr")")
done
done
echo
printf "%-6s %-9s %-5s %10s %7s %7s %7s %6s %8s %7s %10s %6s %6s %5s\n" shape N cmd objects core_MB wall_s cpu_s sys_s rss_MiB B/obj Mobj/s read_s ratio load
for r in "${rows[@]}"; do echo "$r"; done
echo
for s in "${stages[@]}"; do echo "$s"; done
if [ ${#budget[@]} -gt 0 ]; then
  echo
  python3 "$ROOT/bench/budget.py" "${budget[@]}"
fi
if [ $render = 1 ]; then
  echo
  echo "== render of 1 M folded lines (bench/render-bench.sh)"
  BENCH_DIR=$cache/render "$ROOT/bench/render-bench.sh" "$ghf" 1000000
  echo
  echo "== render of 1 M deep folded lines (BENCH_SHAPE=deep)"
  BENCH_SHAPE=deep BENCH_DIR=$cache/render "$ROOT/bench/render-bench.sh" "$ghf" 1000000
fi
