#!/usr/bin/env bash
# bench/diff-bench.sh — `goheapflame diff` against one flame run (issue 14:
# two cores diff in at most twice the time of one flame run, in one process).
#
#   bench/diff-bench.sh [--sizes "1000000"] [--shape mixed] [--runs 3] [--ghf build/goheapflame]
#
# Per size N: a core of bench/scale at N objects (OLD) and one at N + N/10
# (NEW: the same program grown by a tenth), made and cached as bench/run.sh
# makes its cores (same cache; bench/make-core.sh). Best of --runs, under
# /usr/bin/time -v:
#   goheapflame NEW EXE -o out.svg               (one flame run, of the larger core)
#   goheapflame diff OLD NEW EXE -o diff.svg     (both cores, one process)
# and prints wall and CPU seconds, peak RSS and diff/flame wall-time ratio.
# Environment: GHF_BENCH_CACHE (core cache dir), GO (Go binary).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
sizes="1000000" shape=mixed runs=3 ghf=$ROOT/build/goheapflame
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes=$2; shift 2 ;;
    --shape) shape=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --ghf) ghf=$(realpath "$2"); shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "diff-bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
GO=${GO:-/usr/lib/go-1.27/bin/go}
cache=${GHF_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/goheapflame/bench}
export GOTOOLCHAIN=local GOCACHE=${XDG_CACHE_HOME:-$HOME/.cache}/goheapflame/gocache
[ -x "$ghf" ] || { echo "diff-bench.sh: $ghf not built" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "diff-bench.sh: /usr/bin/time missing (apt-get install time)" >&2; exit 1; }
hash=$( (cat "$ROOT/bench/scale/main.go" "$ROOT/bench/scale/go.mod"; "$GO" version) | sha256sum | cut -c1-12)
exe_dir=$cache/$hash
mkdir -p "$exe_dir"
[ -x "$exe_dir/exe" ] || (cd "$ROOT/bench/scale" && "$GO" build -o "$exe_dir/exe" .)

core_for() { # core_for N: the cached core directory of N objects
  local dir=$cache/$hash-$shape-$1
  if [ ! -s "$dir/core" ] || ! grep -q '^READY' "$dir/stdout" 2>/dev/null; then
    echo "making the $shape core for N=$1 in $dir ..." >&2
    "$ROOT/bench/make-core.sh" --gcore-fallback "$exe_dir/exe" "$shape" "$1" "$dir" >&2
  fi
  echo "$dir"
}
best() { # best CMD...: best-of-$runs "wall cpu rss_MiB"
  local b= line w r
  for ((r = 0; r < runs; r++)); do
    /usr/bin/time -f '%e %U %S %M' -o /tmp/ghf-diff-bench.$$ "$@" >/dev/null 2>&1 || {
      echo "diff-bench.sh: failed: $*" >&2; return 1; }
    line=$(awk '{ printf "%.2f %.2f %.0f", $1, $2 + $3, $4 / 1024 }' /tmp/ghf-diff-bench.$$)
    w=${line%% *}
    if [ -z "$b" ] || awk -v a="$w" -v c="${b%% *}" 'BEGIN { exit !(a < c) }'; then b=$line; fi
  done
  rm -f /tmp/ghf-diff-bench.$$
  echo "$b"
}
echo "machine: $(nproc) CPUs; load $(cut -d' ' -f1-3 /proc/loadavg); best of $runs; shape $shape"
printf "%-9s %-9s %8s %8s %8s   %8s %8s %8s   %6s\n" N_old N_new flame_s cpu_s rss_MiB diff_s cpu_s rss_MiB ratio
for n in $sizes; do
  old=$(core_for "$n")
  new=$(core_for $((n + n / 10)))
  f=$(best "$ghf" --no-progress "$new/core" "$new/exe" -o "$new/bench-flame.svg")
  d=$(best "$ghf" diff --no-progress --top 0 "$old/core" "$new/core" "$new/exe" -o "$new/bench-diff.svg")
  printf "%-9s %-9s %8s %8s %8s   %8s %8s %8s   %6s\n" "$n" $((n + n / 10)) $f $d \
    "$(awk -v a="${d%% *}" -v b="${f%% *}" 'BEGIN { printf "%.2f", a / b }')"
done
