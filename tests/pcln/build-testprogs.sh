#!/usr/bin/env bash
# Build tests/pcln/testprog with every supported Go toolchain and record the
# toolchain's own ground truth next to each binary, for tests/test_pcln.c:
#   OUT/go1.NN/prog        the binary (non-PIE); prog.pie, nm.pie.txt: a PIE build (1.24, 1.27)
#   OUT/go1.NN/S.txt       the compiler's -S listing (args, locals = frame size, FUNCDATA)
#   OUT/go1.NN/nm.txt      go tool nm -size -sort address prog
#   OUT/go1.NN/objdump.txt go tool objdump -s '^main\.' prog
#   OUT/go1.NN/out.txt     what prog prints about itself (runtime.FuncForPC)
#   OUT/go1.NN/gocmd.txt   what debug/gosym reads from the (stripped) /usr/lib/go-1.NN/bin/go
# GOCACHE ($GHF_GOCACHE, else in OUT) makes rebuilds cheap. A cached compile
# prints no -S listing, so main.go is compiled from a copy with a unique
# trailing comment: only package main misses the cache.
# Usage: build-testprogs.sh TESTPROG_DIR OUT STAMP
set -euo pipefail
orig=$(cd "$1" && pwd); out=$2; stamp=$3
src=$(mktemp -d); trap 'rm -rf "$src"' EXIT
cp "$orig/main.go" "$src/main.go"
echo "// listing build $$ $(date +%s%N)" >>"$src/main.go"
mkdir -p "$out"; out=$(cd "$out" && pwd)
export GOTOOLCHAIN=local GOCACHE="${GHF_GOCACHE:-$out/gocache}" GO111MODULE=off GOFLAGS= CGO_ENABLED=0
for v in 19 21 22 23 24 26 27; do
  go=/usr/lib/go-1.$v/bin/go
  [ -x "$go" ] || { echo "missing toolchain $go" >&2; exit 1; }
  d="$out/go1.$v"; mkdir -p "$d"
  (cd "$src" && "$go" build -gcflags=-S -o "$d/prog" main.go 2>"$d/S.txt.tmp")
  mv "$d/S.txt.tmp" "$d/S.txt"
  "$go" tool nm -size -sort address "$d/prog" >"$d/nm.txt"
  if [ "$v" = 24 ] || [ "$v" = 27 ]; then # PIE names the section differently before 1.26
    (cd "$src" && "$go" build -buildmode=pie -o "$d/prog.pie" main.go)
    "$go" tool nm -size -sort address "$d/prog.pie" >"$d/nm.pie.txt"
  fi
  "$go" tool objdump -s '^main\.' "$d/prog" >"$d/objdump.txt"
  "$d/prog" >"$d/out.txt"
  (cd "$orig/../gosym" && "$go" build -o "$d/gosym" main.go)
  "$d/gosym" "$go" >"$d/gocmd.txt"
done
touch "$stamp"
