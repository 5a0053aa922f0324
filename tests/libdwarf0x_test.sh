#!/usr/bin/env bash
# The DWARF index against libdwarf's 0.x API (Debian trixie, Ubuntu 24.04),
# which this bookworm machine does not build with: fetch trixie's
# libdwarf-dev and libdwarf1 with apt-get download (the suite is added by
# scripts/install-deps.sh --all-go), build dwx_bench and dwc_dump against
# them, and require, for every fixture executable, the same index (types,
# globals, functions, locals) as the system build, and for the cgo
# fixture's (C units by gcc DWARF 5, gcc -gdwarf-4, clang) the same decoding
# of every DIE of every unit (dwc_dump: exit 0, identical lines) and, with a
# C unit's abbreviation damaged, the same index and the same warning.
# Usage: libdwarf0x_test.sh SRCDIR BUILDDIR SYSTEM_DWX_BENCH SYSTEM_DWC_DUMP
set -u
src=$1; out=$2/libdwarf0x; sys_bench=$3; sys_dump=$4
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
if cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -Wno-unused-parameter \
     -I"$src/include" -I"$src/src" -I"$2" -I"$inc" "$src/tests/dwarf/dwc_dump.c" "$src/src/dwarf_compat.c" \
     "$src/src/error.c" "$src/src/vec.c" "$lib" -lelf -lz -o "$out/dwc_dump" 2>"$out/cc-dump.log"; then
  ok
else
  bad "dwc_dump does not build against libdwarf 0.x:"; cat "$out/cc-dump.log"
fi
LD0X=$(dirname "$lib")
n=0
for exe in "$fix"/go1.*/*/exe; do
  [ -f "$exe" ] || continue
  want=$("$sys_bench" "$exe" 2>&1 | sed 's/^[0-9.]* s: //')
  got=$(LD_LIBRARY_PATH=$(dirname "$lib") "$out/dwx_bench" "$exe" 2>&1 | sed 's/^[0-9.]* s: //')
  if [ -n "$want" ] && [ "$got" = "$want" ]; then ok; else bad "$exe: 0.x gives '$got', system gives '$want'"; fi
  n=$((n+1))
done
[ $n -gt 0 ] && ok || bad "no fixture executables under $fix"
# Programs with their own C code: every DIE of every unit, and a damaged C unit.
n=0
for exe in "$fix"/go1.*[0-9]/cgo*/exe; do
  [ -f "$exe" ] || continue
  "$sys_dump" "$exe" > "$out/dump-sys" 2>&1; rs=$?
  LD_LIBRARY_PATH=$LD0X "$out/dwc_dump" "$exe" > "$out/dump-0x" 2>&1; r0=$?
  if [ $rs = 0 ] && [ $r0 = 0 ] && [ -s "$out/dump-sys" ] && cmp -s "$out/dump-sys" "$out/dump-0x"; then ok
  else bad "$exe: dwc_dump system (exit $rs) and 0.x (exit $r0) differ: $(diff "$out/dump-sys" "$out/dump-0x" | head -3)"; fi
  python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); from check_cgo import damage_root_abbrev as d; print(hex(d(sys.argv[2], sys.argv[3], False)))' \
    "$src/tests" "$exe" "$out/damaged" > "$out/damaged-off" 2>&1 || { bad "$exe: cannot damage: $(cat "$out/damaged-off")"; continue; }
  off=$(cat "$out/damaged-off")
  want=$("$sys_bench" "$out/damaged" 2>&1 | sed 's/^[0-9.]* s: //; s/: corrupt DWARF.*//')
  got=$(LD_LIBRARY_PATH=$LD0X "$out/dwx_bench" "$out/damaged" 2>&1 | sed 's/^[0-9.]* s: //; s/: corrupt DWARF.*//')
  if [ "$got" = "$want" ] && grep -q "^warning: skipped the compile unit at .debug_info offset $off " <<<"$got"; then ok
  else bad "$exe with its C unit at $off damaged: 0.x gives '$got', system gives '$want'"; fi
  n=$((n+1))
done
[ $n -gt 0 ] && ok || bad "no cgo fixture executables under $fix"
echo "$pass passed, $fail failed"
[ $fail = 0 ]
