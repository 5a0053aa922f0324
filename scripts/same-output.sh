#!/usr/bin/env bash
# scripts/same-output.sh OLD NEW [DIR]: do two goheapflame binaries give the
# same results? For a change that must not alter any output (a speed-up, a
# refactoring). Runs both on every fixture core DIR/go1.*/*/core (its exe
# beside it; DIR defaults to $GHF_FIXTURES or ~/.cache/goheapflame/fixtures,
# made by scripts/gen-cores.sh) with seven commands: flame folded, flame SVG,
# first-path folded, histogram, roots, info --json, objects --edges; compares
# stdout, the output file, stderr (the binary's path masked) and exit status.
# Prints each difference, then "N comparisons, M differ" and SAMEOUT when none
# differ (exit 0; 1 otherwise). About 15-20 minutes for 176 cores on 2 cores.
set -u
old=$(realpath "$1"); new=$(realpath "$2")
dir=${3:-${GHF_FIXTURES:-${XDG_CACHE_HOME:-$HOME/.cache}/goheapflame/fixtures}}
tmp=$(mktemp -d /tmp/sameout.XXXXXX)
n=0 bad=0
run() { # BIN TAG CORE EXE ARGS...
  local bin=$1 tag=$2 core=$3 exe=$4; shift 4
  local d=$tmp/$tag; rm -rf "$d"; mkdir -p "$d"
  (cd "$d" && "$bin" "$@" >stdout 2>stderr; echo $? >rc)
  sed -i "s|$bin|BIN|g" "$d/stderr"
}
cmpcase() { # NAME CORE EXE ARGS...
  local name=$1 core=$2 exe=$3; shift 3
  local args=("$@")
  args=("${args[@]//CORE/$core}"); args=("${args[@]//EXE/$exe}")
  run "$old" a "$core" "$exe" "${args[@]}"
  run "$new" b "$core" "$exe" "${args[@]}"
  n=$((n+1))
  if ! diff -r "$tmp/a" "$tmp/b" >/dev/null; then
    bad=$((bad+1)); echo "DIFFER $name: ${args[*]}"; diff -r "$tmp/a" "$tmp/b" | head -5
  fi
}
for core in "$dir"/go1.*/*/core; do
  d=$(dirname "$core"); exe=$d/exe
  [ -f "$exe" ] || continue
  name=${d#$dir/}
  cmpcase "$name" "$core" "$exe" flame CORE EXE -o out.folded
  cmpcase "$name" "$core" "$exe" flame CORE EXE -o out.svg
  cmpcase "$name" "$core" "$exe" flame --tree first-path CORE EXE -o out.folded
  cmpcase "$name" "$core" "$exe" histogram CORE EXE
  cmpcase "$name" "$core" "$exe" roots CORE EXE
  cmpcase "$name" "$core" "$exe" info --json CORE EXE
  cmpcase "$name" "$core" "$exe" objects --edges CORE EXE
done
rm -rf "$tmp"
echo "$n comparisons, $bad differ"
[ $bad -eq 0 ] && echo SAMEOUT
[ $bad -eq 0 ]
