#!/usr/bin/env bash
# Build tests/coreprog with two Go toolchains, run it, and take cores of it:
# kernel cores (SIGABRT under GOTRACEBACK=crash) and gdb gcore cores. Each
# fixture directory gets exe, core and truth.txt (key=value lines: what the
# program printed about itself, its thread IDs from /proc right before the
# dump, `go tool nm` addresses and the toolchain's `go version`).
#   tests/make-core-fixtures.sh OUTDIR
# Cached: does nothing when OUTDIR/stamp matches this script, the program
# and the toolchains. Needs: /usr/lib/go-1.19 and go-1.27, gdb, fallocate,
# a core_pattern that writes a file into the working directory.
set -euo pipefail
out=$1
here=$(cd "$(dirname "$0")" && pwd)
src=$here/coreprog/main.go
mkdir -p "$out"
exec 9>"$out/.lock"
flock 9

stamp=$( (cat "$0" "$src"; ls -l /usr/lib/go-1.19/VERSION /usr/lib/go-1.27/VERSION) | sha256sum | cut -c1-16)
if [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$stamp" ]; then exit 0; fi
rm -f "$out/stamp"

pattern=$(cat /proc/sys/kernel/core_pattern)
case $pattern in
'|'*) echo "make-core-fixtures: core_pattern pipes cores to '$pattern'; kernel cores cannot be made here" >&2; exit 1 ;;
esac
uses_pid=$(cat /proc/sys/kernel/core_uses_pid)

build() { # build VER OUTFILE [go build flags]
  local ver=$1 exe=$2; shift 2
  GOTOOLCHAIN=local GOCACHE="${GHF_GOCACHE:-$out/gocache}" GOPATH="$out/gopath" CGO_ENABLED=0 GOFLAGS= \
    "/usr/lib/go-1.$ver/bin/go" build "$@" -o "$exe" "$src"
}

start() { # start DIR [env...]: run DIR/exe in DIR until it prints ready=1; sets $pid
  local dir=$1; shift
  (cd "$dir" && exec env "$@" ./exe >out.txt 2>err.txt) &
  pid=$!
  for _ in $(seq 200); do
    grep -q '^ready=1' "$dir/out.txt" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "make-core-fixtures: $dir/exe did not start" >&2; kill -9 "$pid"; exit 1
}

truth() { # truth DIR VER
  local dir=$1 ver=$2 go=/usr/lib/go-1.$2/bin/go
  {
    cat "$dir/out.txt"
    echo "tids=$(ls /proc/"$pid"/task | sort -n | paste -sd, -)"
    echo "toolchain=$(GOTOOLCHAIN=local "$go" env GOVERSION)"
    GOTOOLCHAIN=local "$go" tool nm "$dir/exe" |
      awk '$3=="runtime.mheap_"{print "nm_mheap=0x"$1} $3=="main.markerFunc"{print "nm_markerFunc=0x"$1} $3=="main.gInit"{print "nm_gInit=0x"$1}'
  } >"$dir/truth.txt"
}

kernel_core() { # [FILTER=hex] kernel_core NAME VER [go build flags]
  local name=$1 ver=$2; shift 2
  local dir=$out/$name
  rm -rf "$dir"; mkdir -p "$dir"
  build "$ver" "$dir/exe" "$@"
  ulimit -c unlimited
  start "$dir" GOTRACEBACK=crash
  truth "$dir" "$ver"
  # FILTER: a coredump_filter without bit 4 keeps no ELF header page, so the
  # core holds no build-ID notes (the fallback match check is tested on it)
  [ -z "${FILTER:-}" ] || echo "$FILTER" >/proc/"$pid"/coredump_filter
  kill -ABRT "$pid"
  wait "$pid" 2>/dev/null || true
  local f=$dir/core
  [ "$uses_pid" = 1 ] && f=$dir/core.$pid
  [ -f "$f" ] || { echo "make-core-fixtures: no core file for $name (core_pattern '$pattern')" >&2; exit 1; }
  [ "$f" = "$dir/core" ] || mv "$f" "$dir/core"
}

gcore_core() { # gcore_core NAME VER [go build flags]
  local name=$1 ver=$2; shift 2
  local dir=$out/$name
  rm -rf "$dir"; mkdir -p "$dir"
  build "$ver" "$dir/exe" "$@"
  start "$dir"
  truth "$dir" "$ver"
  gcore -o "$dir/core" "$pid" >"$dir/gcore.log" 2>&1
  kill -9 "$pid"; wait "$pid" 2>/dev/null || true
  mv "$dir/core.$pid" "$dir/core"
  fallocate --dig-holes "$dir/core"   # gdb 13 writes zero-filled reservations densely
}

kernel_core go1.19-kernel 19
kernel_core go1.27-kernel 27
kernel_core go1.27-pie-kernel 27 -buildmode=pie
FILTER=0x23 kernel_core go1.27-kernel-noelfhdr 27
gcore_core go1.19-gcore 19
gcore_core go1.27-pie-gcore 27 -buildmode=pie
echo "$stamp" >"$out/stamp"
