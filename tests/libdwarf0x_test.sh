#!/usr/bin/env bash
# The DWARF index against libdwarf's 0.x API (Debian trixie, Ubuntu 24.04),
# which this bookworm machine does not build with: fetch trixie's
# libdwarf-dev and libdwarf1 with apt-get download (the suite is added by
# scripts/install-deps.sh --all-go), build dwx_bench against them, and
# require the same index (types, globals, functions, locals) as the
# system build for every fixture executable.
# Usage: libdwarf0x_test.sh SRCDIR BUILDDIR SYSTEM_DWX_BENCH
set -u
src=$1; out=$2/libdwarf0x; sys_bench=$3
fix=${GHF_FIXTURES:?GHF_FIXTURES is not set (run scripts/test.sh)}
pass=0; fail=0
ok() { pass=$((pass+1)); }
bad() { echo "FAIL $*"; fail=$((fail+1)); }
mkdir -p "$out"
if [ ! -f "$out/root/usr/include/libdwarf/libdwarf.h" ]; then
  (cd "$out" && apt-get download libdwarf-dev/trixie libdwarf1/trixie >/dev/null 2>"$out/download.log") ||
    { bad "apt-get download libdwarf-dev/trixie (see $out/download.log; run scripts/install-deps.sh --all-go)"; echo "$pass passed, $fail failed"; exit 1; }
  for d in "$out"/*.deb; do dpkg-deb -x "$d" "$out/root"; done
fi
lib=$(ls "$out"/root/usr/lib/*/libdwarf.so.* | head -1)
inc=$out/root/usr/include/libdwarf
grep -q DW_LIBDWARF_VERSION_MAJOR "$inc/libdwarf.h" && ok || bad "trixie's libdwarf.h is not the 0.x API"
if cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -Wno-unused-parameter \
     -I"$src/include" -I"$2" -I"$inc" "$src/tests/dwarf/dwx_bench.c" "$src/src/dwarf_compat.c" \
     "$src/src/dwarf_index.c" "$src/src/error.c" "$src/src/vec.c" "$lib" -lelf -lz -o "$out/dwx_bench" 2>"$out/cc.log"; then
  ok
else
  bad "dwarf_compat.c/dwarf_index.c do not build against libdwarf 0.x:"; cat "$out/cc.log"
fi
n=0
for exe in "$fix"/go1.*/*/exe; do
  [ -f "$exe" ] || continue
  want=$("$sys_bench" "$exe" 2>&1 | sed 's/^[0-9.]* s: //')
  got=$(LD_LIBRARY_PATH=$(dirname "$lib") "$out/dwx_bench" "$exe" 2>&1 | sed 's/^[0-9.]* s: //')
  if [ -n "$want" ] && [ "$got" = "$want" ]; then ok; else bad "$exe: 0.x gives '$got', system gives '$want'"; fi
  n=$((n+1))
done
[ $n -gt 0 ] && ok || bad "no fixture executables under $fix"
echo "$pass passed, $fail failed"
[ $fail = 0 ]
