#!/usr/bin/env bash
# make-core.sh EXE SHAPE N DIR — run bench/scale's executable EXE in DIR with
# SCALE_SHAPE=SHAPE SCALE_N=N and, on its READY line, take a core as DIR/core
# (DIR/exe links to EXE; stdout and stderr stay in DIR). A kernel core
# (ulimit -c unlimited, GOTRACEBACK=crash, SIGABRT) when
# kernel.core_pattern writes a file in the working directory; otherwise,
# with --gcore-fallback, a gcore of the live process; otherwise an error.
# Holes are dug (fallocate --dig-holes). Used by bench/run.sh and
# tests/parallel_test.sh.
set -euo pipefail
fallback=0
if [ "${1:-}" = --gcore-fallback ]; then fallback=1; shift; fi
[ $# = 4 ] || { echo "usage: make-core.sh [--gcore-fallback] EXE SHAPE N DIR" >&2; exit 2; }
exe=$1 shape=$2 n=$3 dir=$4
pattern=$(cat /proc/sys/kernel/core_pattern 2>/dev/null || echo '|unknown')
kernel=1
case "$pattern" in \|*) kernel=0 ;; esac
(ulimit -c unlimited) 2>/dev/null || kernel=0
[ "${GHF_FORCE_GCORE:-}" = 1 ] && kernel=0 # to exercise the fallback (as scripts/gen-cores.sh)
if [ $kernel = 0 ] && [ $fallback = 0 ]; then
  echo "make-core: core_pattern is '$pattern'; set it to 'core' (sysctl kernel.core_pattern=core)" >&2
  exit 1
fi
mkdir -p "$dir"
rm -f "$dir"/core "$dir"/core.* "$dir"/stdout
ln -sf "$exe" "$dir/exe"
if [ $kernel = 1 ]; then
  (cd "$dir" && ulimit -c unlimited && SCALE_N=$n SCALE_SHAPE=$shape GOTRACEBACK=crash exec "$exe" >stdout 2>stderr) &
else
  (cd "$dir" && SCALE_N=$n SCALE_SHAPE=$shape exec "$exe" >stdout 2>stderr) &
fi
pid=$!
for ((i = 0; i < 1200; i++)); do
  grep -q '^READY' "$dir/stdout" 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || { echo "make-core: scale fixture died:"; cat "$dir/stderr"; exit 1; } >&2
  sleep 0.25
done
grep -q '^READY' "$dir/stdout" || { kill -KILL "$pid"; echo "make-core: no READY from the fixture" >&2; exit 1; }
if [ $kernel = 1 ]; then
  kill -ABRT "$pid"
  { wait "$pid"; } 2>/dev/null || true # (bash would report "Aborted (core dumped)")
  cf=$dir/core
  [ -f "$cf" ] || cf=$(ls "$dir"/core.* 2>/dev/null | head -1)
  [ -n "$cf" ] && [ -f "$cf" ] || { echo "make-core: no core in $dir (core_pattern '$pattern')" >&2; exit 1; }
else
  gcore -o "$dir/core" "$pid" >"$dir/gcore.log" 2>&1 || { cat "$dir/gcore.log" >&2; kill -KILL "$pid"; exit 1; }
  kill -KILL "$pid"
  { wait "$pid"; } 2>/dev/null || true
  cf=$dir/core.$pid
fi
[ "$cf" = "$dir/core" ] || mv "$cf" "$dir/core"
fallocate --dig-holes "$dir/core"
