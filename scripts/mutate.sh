#!/usr/bin/env bash
# A by-hand mutation campaign (tests/mutate.py, issue 23) under ASan+UBSan.
#   scripts/mutate.sh N [SEED] [mutate.py options...]
# Builds build-asan/ as scripts/test.sh does, runs N seeded cases (default
# seed: the time) on the fixture cores ($GHF_FIXTURES), and writes each
# failing recipe into tests/fuzz/regress/mutate/, where the normal suite
# replays it (test mutate-regress). Same seed, same cases.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:?usage: scripts/mutate.sh N [SEED] [options]}
seed=${2:-$(date +%s)}
shift $(( $# >= 2 ? 2 : 1 ))
export GHF_FIXTURES=${GHF_FIXTURES:-${XDG_CACHE_HOME:-$HOME/.cache}/goheapflame/fixtures}
if [ ! -f build-asan/build.ninja ]; then
  meson setup build-asan --werror -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug >/dev/null
fi
ninja -C build-asan >/dev/null
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS=suppressions=$PWD/tests/render/lsan.supp
exec python3 tests/mutate.py build-asan/goheapflame build-asan/mutate-campaign --cases "$n" --seed "$seed" \
  --save tests/fuzz/regress/mutate "$@"
