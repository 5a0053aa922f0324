#!/usr/bin/env bash
# The roots' drain split between two threads gives the one-thread labels,
# byte for byte, on real heaps of every Go version.
#   tests/types_split_test.sh GOHEAPFLAME [FIXTURES] [PER_DIR]
# For each fixture core (FIXTURES/go1.*/*/core with its exe; FIXTURES
# defaults to $GHF_FIXTURES, made by scripts/gen-cores.sh): flame (folded)
# and histogram, once with GHF_THREADS=1 and once with GHF_THREADS=2
# GHF_TYPES_SHARE_MIN=8, which splits the drain at 8 stack entries on any
# heap (by default only heaps of 200,000 objects split, at 256) and says on
# stderr how it split. Outputs and exit codes must be identical, and the
# second thread must have labelled objects on at least half of the cores
# (a core whose drain never holds 8 entries does not split). PER_DIR: test
# only the first PER_DIR cores of each directory (the ThreadSanitizer run).
set -uo pipefail
ghf=$(realpath "$1")
dir=${2:-${GHF_FIXTURES:-}}
per_dir=${3:-0}
[ -n "$dir" ] && [ -d "$dir" ] || { echo "types_split_test: no fixture cores (set GHF_FIXTURES; scripts/gen-cores.sh makes them)" >&2; exit 1; }
tmp=$(mktemp -d /tmp/types-split.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail=0 pass=0 cores=0 split=0
for d in "$dir"/go1.*; do
  n=0
  for core in "$d"/*/core; do
    [ -f "$core" ] && [ -f "$(dirname "$core")/exe" ] || continue
    n=$((n + 1))
    [ "$per_dir" -gt 0 ] && [ "$n" -gt "$per_dir" ] && break
    exe=$(dirname "$core")/exe name=${core#$dir/}
    cores=$((cores + 1))
    for cmd in flame histogram; do
      for t in 1 2; do
        rm -rf "$tmp/$t"; mkdir -p "$tmp/$t"
        if [ $t = 1 ]; then env=(GHF_THREADS=1); else env=(GHF_THREADS=2 GHF_TYPES_SHARE_MIN=8); fi
        if [ $cmd = flame ]; then args=("$core" "$exe" -o out.folded); else args=(histogram "$core" "$exe"); fi
        (cd "$tmp/$t" && env "${env[@]}" "$ghf" "${args[@]}" >stdout 2>stderr; echo $? >rc)
        if grep -q ThreadSanitizer "$tmp/$t/stderr"; then
          echo "FAIL $name $cmd: ThreadSanitizer report:"; head -40 "$tmp/$t/stderr"; fail=$((fail + 1)); continue 3
        fi
      done
      helper=$(sed -n 's/.*objects labelled by the second thread \([0-9]*\).*/\1/p' "$tmp/2/stderr")
      [ $cmd = flame ] && [ "${helper:-0}" -gt 0 ] && split=$((split + 1))
      grep -v "^goheapflame: types: roots' drain" "$tmp/2/stderr" > "$tmp/2/stderr.cmp"; rm "$tmp/2/stderr"
      mv "$tmp/1/stderr" "$tmp/1/stderr.cmp"
      if diff -r "$tmp/1" "$tmp/2" >/dev/null; then
        pass=$((pass + 1))
      else
        echo "FAIL $name $cmd: one thread and the split drain differ:"; diff -r "$tmp/1" "$tmp/2" | head -10; fail=$((fail + 1))
      fi
    done
  done
done
echo "$pass passed, $fail failed; the second thread labelled objects on $split of $cores cores"
[ "$cores" -gt 0 ] || { echo "FAIL no fixture cores under $dir"; exit 1; }
[ $((split * 2)) -ge "$cores" ] || { echo "FAIL the drain split on fewer than half of the cores"; exit 1; }
[ $fail = 0 ]
