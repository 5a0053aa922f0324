#!/usr/bin/env bash
# Run every test: build (normal, clang, and AddressSanitizer+UBSan), make the
# fixture cores for every installed Go toolchain and the real-program tier,
# then `meson test` in the normal and sanitizer builds (the unit suites with
# clang), and the threaded paths once more under ThreadSanitizer (build-tsan).
#   scripts/test.sh [--quick]     --quick: skip the sanitizer builds and the 1.1 GB real-tier core
# Environment: GHF_FIXTURES (fixture cache, default ~/.cache/goheapflame/fixtures);
# CI=true makes a missing supported Go toolchain a failure instead of a notice.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
[ "${1:-}" = --quick ] && quick=1

need() { command -v "$1" >/dev/null || { echo "test.sh: $1 is missing: run scripts/install-deps.sh --all-go" >&2; exit 1; }; }
need meson; need ninja; need go

setup() { # setup DIR [meson options]
  local dir=$1; shift
  if [ ! -f "$dir/build.ninja" ]; then meson setup "$dir" --werror "$@" >/dev/null; fi
  ninja -C "$dir" >/dev/null
}
setup build
export GHF_FIXTURES=${GHF_FIXTURES:-${XDG_CACHE_HOME:-$HOME/.cache}/goheapflame/fixtures}
if [ -x scripts/gen-cores.sh ]; then scripts/gen-cores.sh --out "$GHF_FIXTURES"; fi
# The real-program tier (tests/realcores/README.md); --quick skips its 1.1 GB core.
if [ -x scripts/gen-real-cores.sh ]; then scripts/gen-real-cores.sh --out "$GHF_FIXTURES" $([ $quick = 0 ] || echo --quick); fi

meson test -C build --print-errorlogs
# clang must build it too (CI builds both compilers): build + unit suites only.
if [ "${CI:-}" = true ]; then need clang; fi
if command -v clang >/dev/null; then
  CC=clang setup build-clang
  meson test -C build-clang --suite unit --print-errorlogs
fi
if [ $quick = 0 ]; then
  # ThreadSanitizer on the threaded paths: only the binary, only the test
  # that runs both thread counts on large cores (a few minutes)
  if [ ! -f build-tsan/build.ninja ]; then
    meson setup build-tsan --werror -Db_sanitize=thread -Dbuildtype=debugoptimized >/dev/null
  fi
  ninja -C build-tsan goheapflame >/dev/null
  TSAN_OPTIONS=halt_on_error=1:exitcode=66 tests/parallel_test.sh build-tsan/goheapflame build-tsan/parallel
  # and the split roots' drain of the types, on one fixture core per directory
  TSAN_OPTIONS=halt_on_error=1:exitcode=66 tests/types_split_test.sh build-tsan/goheapflame "$GHF_FIXTURES" 1
  setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
  # Every suite again but the real-program tier: its gigabyte cores take
  # many minutes each under ASan (CI has 90); tests/realcores/README.md
  # records its sanitizer runs by hand.
  # fontconfig keeps its caches for the life of the process (tests/render/lsan.supp)
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  LSAN_OPTIONS=suppressions=$PWD/tests/render/lsan.supp:print_suppressions=0 \
    meson test -C build-asan --print-errorlogs --no-suite real
fi
