#!/usr/bin/env bash
# Fuzz one target for a bounded time (libFuzzer, clang, ASan+UBSan).
#   scripts/fuzz.sh TARGET SECONDS [libFuzzer options...]
# TARGET: core (ELF/core reader), runtime (runtime discovery, heap, roots,
# types, retention tree on a patched core), folded (folded-stack reader).
# Builds build-fuzz/ (CC=clang, -Dfuzz=true) on first use. The corpus
# build-fuzz/corpus/TARGET grows across runs and is seeded from the fixture
# cores ($GHF_FIXTURES, default ~/.cache/goheapflame/fixtures) and the
# renderer's sample folded files. Crashing inputs land in
# build-fuzz/artifacts/TARGET/; copy each into tests/fuzz/regress/TARGET/
# once fixed so the normal test suite replays it.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: scripts/fuzz.sh core|runtime|folded SECONDS [libFuzzer options]}
secs=${2:?usage: scripts/fuzz.sh core|runtime|folded SECONDS [libFuzzer options]}
shift 2
case "$target" in core|runtime|folded) ;; *) echo "fuzz.sh: unknown target $target" >&2; exit 2 ;; esac
export GHF_FIXTURES=${GHF_FIXTURES:-${XDG_CACHE_HOME:-$HOME/.cache}/goheapflame/fixtures}
B=build-fuzz
if [ ! -f $B/build.ninja ]; then
  CC=clang meson setup $B -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false \
    -Dbuildtype=debugoptimized -Dc_args=-fno-sanitize-recover=all >/dev/null
fi
ninja -C $B tests/fuzz/fuzz_$target >/dev/null
# Undefined behaviour is a crash the fuzzer keeps: UBSan only prints and
# goes on by default (the build's -fno-sanitize-recover makes it abort too).
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1}

# A private copy of the fixture the core targets pair with (go1.27/stacks):
# fixtures remade while a fuzzer runs would pair a new executable with the
# core it loaded at start.
if [ -z "${GHF_FUZZ_DIR:-}" ]; then
  export GHF_FUZZ_DIR=$B/fixture
  src=$GHF_FIXTURES/go1.27/stacks
  if [ ! -f $GHF_FUZZ_DIR/exe ] || ! cmp -s "$src/exe" $GHF_FUZZ_DIR/exe; then
    mkdir -p $GHF_FUZZ_DIR
    cp --sparse=always "$src/core" $GHF_FUZZ_DIR/core.tmp && mv $GHF_FUZZ_DIR/core.tmp $GHF_FUZZ_DIR/core
    cp "$src/exe" $GHF_FUZZ_DIR/exe.tmp && mv $GHF_FUZZ_DIR/exe.tmp $GHF_FUZZ_DIR/exe
  fi
fi
corpus=$B/corpus/$target
mkdir -p "$corpus" $B/artifacts/$target
if [ -z "$(ls -A "$corpus")" ]; then
  case "$target" in
  folded)
    cp tests/render/*.folded "$corpus"/ ;;
  core)
    # Heads of real cores: ELF and program headers, notes, and the first
    # segment's first page (the executable's copy the build-ID check reads).
    for d in go1.27/stacks go1.27-gcore/stacks go1.19/stacks go1.23/basic; do
      [ -f "$GHF_FIXTURES/$d/core" ] || continue
      python3 - "$GHF_FIXTURES/$d/core" "$corpus/head-${d//\//-}" <<'PY'
import struct, sys
src, dst = sys.argv[1:]
with open(src, 'rb') as f:
    eh = f.read(64)
    phoff, = struct.unpack_from('<Q', eh, 32)
    phentsize, phnum = struct.unpack_from('<HH', eh, 54)
    f.seek(phoff)
    ph = f.read(phentsize * phnum)
    first = min(struct.unpack_from('<Q', ph, i * phentsize + 8)[0]
                for i in range(phnum) if struct.unpack_from('<I', ph, i * phentsize)[0] == 1)
    f.seek(0)
    open(dst, 'wb').write(f.read(min(first + 4096, 1 << 20)))
PY
    done ;;
  runtime)
    # No patches (the intact core), and one patch of each kind.
    : > "$corpus/intact"
    python3 - "$corpus" <<'PY'
import struct, sys, os
d = sys.argv[1]
for sel in range(5):
    for i, off in enumerate((0x40, 0x1234, 0x10000 + 8, 0xdeadbeef)):
        rec = struct.pack('<BIB', sel, off, 7) + bytes([0xff] * 4 + [0x7f] * 4)
        open(os.path.join(d, 'seed-%d-%d' % (sel, i)), 'wb').write(rec)
PY
    ;;
  esac
fi
maxlen=4096 extra=()
[ "$target" = core ] && maxlen=$((1 << 20))
# runtime inputs are patch lists: let them be long from the start
[ "$target" = runtime ] && { maxlen=256; extra=(-len_control=0); }
# libFuzzer stops at the first crash; go on until the time is spent, so one
# run collects every crash (fork mode would, but re-runs the slow set-up per job).
end=$(( $(date +%s) + secs )); runs=0
while :; do
  left=$(( end - $(date +%s) ))
  [ $left -gt 0 ] || break
  runs=$((runs + 1))
  $B/tests/fuzz/fuzz_$target -max_total_time=$left -timeout=20 -rss_limit_mb=3072 \
    -max_len=$maxlen "${extra[@]}" -print_final_stats=1 -artifact_prefix=$B/artifacts/$target/ "$@" "$corpus" || true
done
echo "fuzz.sh: $target ran $secs s in $runs libFuzzer run(s); crashes: $(ls $B/artifacts/$target | wc -l)"
