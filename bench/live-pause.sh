#!/usr/bin/env bash
# bench/live-pause.sh — how long `goheapflame --pid` pauses a process, per
# GiB of heap copied, on bench/scale at 1 M and 10 M objects (issue 19:
# target ≤ 0.5 s per GiB on this machine).
#
#   bench/live-pause.sh [--build DIR] [--sizes "1000000 10000000"] [--runs 3]
#
# Starts bench/scale live (newest Go), waits for READY, runs
# `goheapflame info --no-heap --pid PID` --runs times and prints, per size, the
# best and worst pause, the bytes copied and the pause per GiB, with the load
# average (the pause is wall time: other work on the machine lengthens it).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
build=$ROOT/build sizes="1000000 10000000" runs=3
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --sizes) sizes=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "live-pause.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
ghf=$build/goheapflame
GO=${GO:-/usr/lib/go-1.27/bin/go}
export GOTOOLCHAIN=local GOCACHE=${XDG_CACHE_HOME:-$HOME/.cache}/goheapflame/gocache
[ -x "$ghf" ] || { echo "live-pause.sh: $ghf not built" >&2; exit 1; }
[ -x "$GO" ] || { echo "live-pause.sh: $GO missing (scripts/install-deps.sh --all-go)" >&2; exit 1; }
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
pid=
(cd "$ROOT/bench/scale" && "$GO" build -o "$work/scale" .)

printf '%-10s %8s %8s %10s %9s %s\n' objects best_s worst_s copied_MiB s_per_GiB load
for n in $sizes; do
  SCALE_N=$n "$work/scale" >"$work/stdout" 2>"$work/stderr" &
  pid=$!
  for ((i = 0; i < 1200; i++)); do
    grep -q '^READY' "$work/stdout" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || { echo "live-pause.sh: scale died:"; cat "$work/stderr"; exit 1; } >&2
    sleep 0.1
  done
  best= worst= copied=
  for ((r = 0; r < runs; r++)); do
    line=$("$ghf" info --no-heap --pid "$pid" 2>&1 >/dev/null | grep 'paused process') ||
      { echo "live-pause.sh: --pid failed" >&2; exit 1; }
    s=$(sed 's/.* for \([0-9.]*\) s.*/\1/' <<<"$line")
    copied=$(sed 's/.*copied \(.*\)$/\1/' <<<"$line")
    if [ -z "$best" ] || awk "BEGIN{exit !($s < $best)}"; then best=$s; fi
    if [ -z "$worst" ] || awk "BEGIN{exit !($s > $worst)}"; then worst=$s; fi
  done
  mib=$(awk -v c="$copied" 'BEGIN{split(c, a, " "); f = a[2] == "GiB" ? 1024 : a[2] == "MiB" ? 1 : a[2] == "KiB" ? 1/1024 : 1/1048576; print a[1] * f}')
  printf '%-10s %8s %8s %10.1f %9.2f %s\n' "$n" "$best" "$worst" "$mib" "$(awk -v b="$best" -v m="$mib" 'BEGIN{print b / (m / 1024)}')" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
done
