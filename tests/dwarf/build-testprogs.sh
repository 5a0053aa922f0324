#!/bin/sh
# Build tests/dwarf/testprog with every installed Go toolchain (1.19-1.27) and
# record the ground truth the DWARF tests compare against:
#   OUT/go1.NN/exe        the program (default flags: DWARF present, not PIE)
#   OUT/go1.NN/exe-w      the same built with -ldflags=-w (no DWARF)
#   OUT/go1.NN/exe-plain  the same with uncompressed DWARF (-ldflags=-compressdwarf=false)
#   OUT/go1.NN/truth.txt  what the program prints about itself
#   OUT/go1.NN/nm.txt     `go tool nm` of exe
#   OUT/go1.NN/objdump.txt `go tool objdump` of main.frame (its frame size)
#   OUT/versions.txt      the minor versions built (e.g. "19"), one a line
# Results are cached: a version is rebuilt only when main.go is newer.
# A missing toolchain is a notice (skipped), or a failure when CI=true.
# Usage: build-testprogs.sh SRCDIR OUTDIR
set -eu
mkdir -p "$2"
src=$(cd "$1" && pwd)
out=$(cd "$2" && pwd) # Go wants absolute GOCACHE/GOPATH
pids=""
built=""
for v in 19 21 22 23 24 26 27; do
    go=/usr/lib/go-1.$v/bin/go
    if [ ! -x "$go" ]; then
        if [ "${CI:-}" = true ]; then
            echo "build-testprogs.sh: missing toolchain $go" >&2
            exit 1
        fi
        echo "build-testprogs.sh: notice: $go not installed, go1.$v not tested" >&2
        continue
    fi
    built="$built $v"
    d=$out/go1.$v
    if [ -f "$d/nm.txt" ] && [ "$d/nm.txt" -nt "$src/main.go" ]; then
        continue
    fi
    (
        set -e
        mkdir -p "$d"
        export GOTOOLCHAIN=local GOCACHE="${GHF_GOCACHE:-$out/gocache}" GOPATH="$out/gopath" GOFLAGS= GO111MODULE=off CGO_ENABLED=0
        cd "$src"
        "$go" build -o "$d/exe" main.go
        "$go" build -ldflags=-w -o "$d/exe-w" main.go
        "$go" build -ldflags=-compressdwarf=false -o "$d/exe-plain" main.go
        "$d/exe" > "$d/truth.txt"
        "$go" tool objdump -s '^main\.frame$' "$d/exe" > "$d/objdump.txt"
        "$go" tool nm "$d/exe" > "$d/nm.tmp"
        mv "$d/nm.tmp" "$d/nm.txt"
    ) > "$out/build-go1.$v.log" 2>&1 &
    pids="$pids $!"
done
status=0
for p in $pids; do
    wait "$p" || status=1
done
if [ $status -ne 0 ]; then
    cat "$out"/build-go1.*.log >&2
    exit 1
fi
: > "$out/versions.tmp"
for v in $built; do echo "$v" >> "$out/versions.tmp"; done
mv "$out/versions.tmp" "$out/versions.txt"
