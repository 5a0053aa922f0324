#!/usr/bin/env bash
# The threaded paths give the single-threaded result, byte for byte.
#   tests/parallel_test.sh GOHEAPFLAME WORKDIR
# Makes cores of bench/scale at 250,000 objects (shapes dense, mixed and
# stacks; cached in WORKDIR by source hash and Go version), then runs
# goheapflame with GHF_THREADS=1 and GHF_THREADS=2 on each: flame (folded,
# SVG, JSON, first-path), histogram, objects --edges; and `render` of a deep
# folded file larger than the parser's pipeline threshold (4 MiB), once clean
# and once with a bad line near its end (same exit code and message).
# scripts/test.sh also runs this with a ThreadSanitizer build.
# Environment: GO (default /usr/lib/go-1.27/bin/go), GHF_GOCACHE.
set -euo pipefail
ghf=$(realpath "$1")
work=$2
ROOT=$(cd "$(dirname "$0")/.." && pwd)
GO=${GO:-/usr/lib/go-1.27/bin/go}
N=250000
[ -x "$GO" ] || { echo "parallel_test: $GO missing (scripts/install-deps.sh --all-go)" >&2; exit 1; }
export GOTOOLCHAIN=local GOCACHE=${GHF_GOCACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/goheapflame/gocache}
mkdir -p "$work"
work=$(cd "$work" && pwd)
hash=$( (cat "$ROOT/bench/scale/main.go" "$ROOT/bench/scale/go.mod"; "$GO" version) | sha256sum | cut -c1-12)
exe=$work/scale-$hash
[ -x "$exe" ] || (cd "$ROOT/bench/scale" && "$GO" build -o "$exe" .)

fail=0 pass=0
# same NAME CMD...: run CMD with 1 and 2 threads; outputs (stdout, files
# named out.*) and exit codes must be identical.
same() {
  local name=$1; shift
  local t rc
  for t in 1 2; do
    rm -rf "$work/run$t"; mkdir -p "$work/run$t"
    rc=0
    (cd "$work/run$t" && GHF_THREADS=$t "$@" >stdout 2>stderr) || rc=$?
    echo "$rc" >"$work/run$t/rc"
    grep -v '^goheapflame: .* rss ' "$work/run$t/stderr" >"$work/run$t/stderr.cmp" || true
    rm "$work/run$t/stderr"
    if grep -q 'ThreadSanitizer' "$work/run$t/stderr.cmp"; then
      echo "FAIL $name (GHF_THREADS=$t): ThreadSanitizer report:"; head -40 "$work/run$t/stderr.cmp"; fail=$((fail + 1)); return
    fi
  done
  if diff -r "$work/run1" "$work/run2" >/dev/null; then
    pass=$((pass + 1))
  else
    echo "FAIL $name: GHF_THREADS=1 and 2 differ:"; { diff -r "$work/run1" "$work/run2" || true; } | head -20; fail=$((fail + 1))
  fi
}

for shape in dense mixed stacks; do
  dir=$work/core-$hash-$shape-$N
  if [ ! -f "$dir/done" ]; then
    "$ROOT/bench/make-core.sh" --gcore-fallback "$exe" "$shape" $N "$dir"
    touch "$dir/done"
  fi
  objs=$(sed -n 's/^READY objects=\([0-9]*\).*/\1/p' "$dir/stdout")
  [ "$objs" -ge 200000 ] || { echo "FAIL $shape: only $objs objects (the threaded paths need >= 200000)"; fail=$((fail + 1)); }
  same "$shape flame" "$ghf" "$dir/core" "$dir/exe" -o out.folded
  same "$shape svg+json" sh -c '"$1" "$2" "$3" -o out.svg && "$1" "$2" "$3" -o out.json' _ "$ghf" "$dir/core" "$dir/exe"
  same "$shape first-path" "$ghf" "$dir/core" "$dir/exe" --tree first-path -o out.folded
  same "$shape histogram" "$ghf" histogram "$dir/core" "$dir/exe"
  same "$shape objects" "$ghf" objects --edges "$dir/core" "$dir/exe"
  if [ $shape = dense ]; then # the types' roots drain splits here at its default stack length
    helper=$(GHF_TYPES_SHARE_MIN=256 "$ghf" "$dir/core" "$dir/exe" -o "$work/split.folded" 2>&1 >/dev/null |
      sed -n 's/.*labelled by the second thread \([0-9]*\).*/\1/p')
    if [ "${helper:-0}" -gt 0 ]; then pass=$((pass + 1)); else echo "FAIL dense: the types' roots drain did not split"; fail=$((fail + 1)); fi
  fi
done

# render: a deep folded file above the pipeline threshold (4 MiB)
folded=$(BENCH_GENERATE_ONLY=1 BENCH_SHAPE=deep BENCH_DIR=$work "$ROOT/bench/render-bench.sh" "$ghf" 20000)
size=$(stat -c %s "$folded")
[ "$size" -ge $((4 << 20)) ] || { echo "FAIL render input is $size bytes, below the 4 MiB pipeline threshold"; fail=$((fail + 1)); }
same "render svg" "$ghf" render "$folded" -o out.svg
same "render folded --reverse" "$ghf" render --reverse "$folded" -o out.svg
bad=$work/deep-bad.folded
head -n 19990 "$folded" >"$bad"
printf 'a;;b 1\nc 2\n' >>"$bad"
same "render bad line" "$ghf" render "$bad" -o out.svg
grep -q ':19991: empty frame' "$work/run2/stderr.cmp" || { echo "FAIL render bad line: no 'empty frame' error"; fail=$((fail + 1)); }
echo "$pass passed, $fail failed"
[ $fail = 0 ]
