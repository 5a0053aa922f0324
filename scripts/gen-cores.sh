#!/usr/bin/env bash
# Build every fixture under tests/fixtures with every installed supported Go
# toolchain, run it, and on its READY line take a core.
#
#   scripts/gen-cores.sh [--out DIR] [--go 1.NN ...] [--fixture NAME ...] [--arch amd64|arm64 ...]
#                        [--jobs N (default 4)]
#
# Output, per version × fixture:  DIR/go1.NN/<fixture>/{core,exe,truth.json}
#   core        kernel core (ulimit -c, GOTRACEBACK=crash, SIGABRT) when
#               /proc/sys/kernel/core_pattern writes a plain file; otherwise
#               (a pipe to apport/systemd-coredump) a gcore core
#   truth.json  the fixture's ground-truth line (see tests/fixtures/README.md)
# Plus, for the newest supported Go, a gcore core of a live process in
#   DIR/go1.NN-gcore/<fixture>/...   (holes dug with fallocate --dig-holes).
# Fixture "running" (a goroutine running on its own thread, which the
# fixture names in truth.json "running.tid") is taken four ways, each for
# every version, where kernel cores work:
#   DIR/go1.NN/running          SIGABRT sent with tgkill to that thread
#   DIR/go1.NN/running-quit     SIGQUIT the same way
#   DIR/go1.NN/running-panic    a panic in another goroutine (GHF_RUNNING_PANIC=1)
#   DIR/go1.NN/running-gcore    gcore of the live process
# (each signal core is retaken until the runtime's crash dump shows the
# goroutine running, each gcore until gdb sees its thread in main.*).
#
# Fixture "grow" is cored at two moments of one process (gcore each time:
# the first core must not end it): DIR/go1.NN/grow/{core.old,truth.old.json}
# at its first READY, then SIGUSR1 lets it change its heap, and
# DIR/go1.NN/grow/{core,truth.json} at its second READY (goheapflame diff).
# The same way, for the newest supported Go, fixture "example" run with
# GHF_EXAMPLE_GROW=1 (the leak goes on after the first READY):
#   DIR/go1.NN/example-grow/{core.old,truth.old.json,core,truth.json}
#
# A fixture with a `variants` file (tests/fixtures/cgo/variants) is built once
# per [NAME] section there, with CGO_ENABLED=1 and that section's VAR=VALUE
# lines (CC=clang, CGO_CFLAGS=...), into DIR/go1.NN/NAME (kernel core) and
# DIR/go1.NN-gcore/NAME (gcore) for every version.
#
# --arch arm64 (with amd64, the default when qemu-aarch64-static is installed)
# also builds every fixture with GOARCH=arm64 and runs it under qemu-user
# (qemu-aarch64-static, Debian's qemu-user-static): SIGABRT on READY under
# GOTRACEBACK=crash makes qemu write the guest's aarch64 core, kept as
#   DIR/go1.NN-arm64/<fixture>/{core,exe,truth.json}
# ("running": the SIGABRT goes by tgkill to its thread, as on amd64; no gcore
# and no cgo variants on arm64: gdb cannot attach to a qemu guest, and cgo
# would need a cross C toolchain).
#
# DIR defaults to $GHF_FIXTURES, else ~/.cache/goheapflame/fixtures.
# A version × fixture is skipped when its stamp (hash of the fixture sources,
# this script and `go version`) is unchanged. Toolchains are looked up at
# /usr/lib/go-1.NN/bin/go. CI=true makes a missing supported toolchain an
# error (so is a missing qemu-aarch64-static when arm64 is not asked for
# explicitly); otherwise it is a notice on stderr. GHF_FORCE_GCORE=1 takes gcore
# cores even where kernel cores work. Exits non-zero on any failure.
set -euo pipefail

SUPPORTED="19 21 22 23 24 26 27"
NEWEST=27
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SCRIPT="$ROOT/scripts/gen-cores.sh"
SRC="$ROOT/tests/fixtures"
READY_TIMEOUT=60

die() { echo "gen-cores: $*" >&2; exit 1; }
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$SCRIPT"; }

out=${GHF_FIXTURES:-${XDG_CACHE_HOME:-$HOME/.cache}/goheapflame/fixtures}
want_go=() want_fx=() want_arch=()
jobs=4 # versions at a time: much of the work waits on disk, gdb and sleeps
while [ $# -gt 0 ]; do
  case "$1" in
    --out) [ $# -ge 2 ] || die "--out needs a directory"; out=$2; shift 2 ;;
    --go) [ $# -ge 2 ] || die "--go needs a version like 1.22"; want_go+=("${2#go}"); shift 2 ;;
    --fixture) [ $# -ge 2 ] || die "--fixture needs a name"; want_fx+=("$2"); shift 2 ;;
    --arch) [ $# -ge 2 ] || die "--arch needs amd64 or arm64"; want_arch+=("$2"); shift 2 ;;
    --jobs) [ $# -ge 2 ] || die "--jobs needs a number"; jobs=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
[ -n "$out" ] || die "--out: empty directory name"
[[ $jobs =~ ^[1-9][0-9]*$ ]] || die "--jobs: not a positive number: $jobs"

# Fixtures: every tests/fixtures/<name>/main.go.
all_fx=()
for d in "$SRC"/*/main.go; do
  n=$(basename "$(dirname "$d")")
  [ "$n" = internal ] || all_fx+=("$n")
done
[ ${#all_fx[@]} -gt 0 ] || die "no fixtures found under $SRC"
if [ ${#want_fx[@]} -eq 0 ]; then want_fx=("${all_fx[@]}"); fi
for f in "${want_fx[@]}"; do
  [ -f "$SRC/$f/main.go" ] && [ "$f" != internal ] || die "unknown fixture: $f (have: ${all_fx[*]})"
done

# Architectures: amd64 natively, arm64 under qemu-user.
QEMU_ARM64=qemu-aarch64-static
if [ ${#want_arch[@]} -eq 0 ]; then
  want_arch=(amd64)
  if command -v $QEMU_ARM64 >/dev/null; then
    want_arch+=(arm64)
  elif [ "${CI:-}" = true ]; then
    die "$QEMU_ARM64 is missing for the arm64 cores: run scripts/install-deps.sh"
  else
    echo "gen-cores: notice: $QEMU_ARM64 not installed (apt-get install qemu-user-static), no arm64 cores" >&2
  fi
fi
for a in "${want_arch[@]}"; do
  case $a in
    amd64) ;;
    arm64) command -v $QEMU_ARM64 >/dev/null || die "--arch arm64 needs $QEMU_ARM64 (apt-get install qemu-user-static)" ;;
    *) die "unknown architecture $a (have: amd64 arm64)" ;;
  esac
done

# Versions: the requested ones (or all supported) that are installed.
if [ ${#want_go[@]} -eq 0 ]; then
  for v in $SUPPORTED; do want_go+=("1.$v"); done
fi
versions=()
for v in "${want_go[@]}"; do
  minor=${v#1.}
  [[ " $SUPPORTED " == *" $minor "* ]] || die "unsupported Go version $v (supported: 1.${SUPPORTED// /, 1.})"
  gobin=/usr/lib/go-1.$minor/bin/go
  if [ -x "$gobin" ]; then
    versions+=("$minor")
  elif [ "${CI:-}" = true ]; then
    die "Go 1.$minor is not installed ($gobin missing): run scripts/install-deps.sh --all-go"
  else
    echo "gen-cores: notice: Go 1.$minor not installed ($gobin), skipping it" >&2
  fi
done
[ ${#versions[@]} -gt 0 ] || die "no supported Go toolchain installed (looked for /usr/lib/go-1.NN/bin/go)"
# The gcore flavour goes with the newest supported version installed
# (made only when that version is among those requested).
gcore_minor=
for v in $SUPPORTED; do [ -x /usr/lib/go-1.$v/bin/go ] && gcore_minor=$v; done
[ "$gcore_minor" = $NEWEST ] || [ "${CI:-}" != true ] || die "Go 1.$NEWEST missing for the gcore flavour"

# How the kernel writes cores decides the main flavour.
pattern=$(cat /proc/sys/kernel/core_pattern 2>/dev/null || echo '|unknown')
uses_pid=$(cat /proc/sys/kernel/core_uses_pid 2>/dev/null || echo 0)
kernel_ok=1
if [[ $pattern == '|'* ]]; then kernel_ok=0; fi
if ! (ulimit -c unlimited) 2>/dev/null; then kernel_ok=0; fi
if [ "${GHF_FORCE_GCORE:-}" = 1 ]; then kernel_ok=0; fi # to exercise the fallback
command -v gcore >/dev/null || die "gcore (gdb) is needed: install gdb"
command -v fallocate >/dev/null || die "fallocate (util-linux) is needed"

mkdir -p "$out" || die "cannot create $out"
out=$(cd "$out" && pwd)
exec 9>"$out/.lock"
flock -n 9 || die "another gen-cores.sh is running on $out"
mkdir -p "$out/.logs"

src_hash() { # src_hash FIXTURE: hash of everything its build reads
  (cd "$SRC" && find go.mod internal "$1" -type f \( -name '*.go' -o -name go.mod \) | LC_ALL=C sort |
    xargs sha256sum) | sha256sum | cut -d' ' -f1
}
script_hash=$(sha256sum "$SCRIPT" | cut -d' ' -f1)
declare -A fx_hash
for f in "${want_fx[@]}"; do fx_hash[$f]=$(src_hash "$f"); done

# core_file DIR PID: where the kernel put the core of PID run in DIR.
core_file() {
  local dir=$1 pid=$2 p=$pattern
  p=${p//%%/$'\x01'}; p=${p//%p/$pid}; p=${p//%P/$pid}; p=${p//%e/exe}; p=${p//%E/${dir//\//!}!exe}
  p=${p//%h/$(hostname)}; p=${p//%u/$(id -u)}; p=${p//%g/$(id -g)}; p=${p//%s/6}
  if [ "$uses_pid" = 1 ] && [[ $pattern != *%p* ]]; then p=$p.$pid; fi
  [[ $p == /* ]] || p=$dir/$p
  if [[ $p == *%* ]]; then # %t and friends: take the newest file with the fixed prefix
    p=${p%%%*}; p=${p//$'\x01'/%}
    p=$(ls -td "$p"* 2>/dev/null | head -1)
  fi
  echo "${p//$'\x01'/%}"
}

# wait_ready DIR PID [N]: wait for the N-th (default first) READY line in
# DIR/stdout while PID lives.
wait_ready() {
  local dir=$1 pid=$2 n=${3:-1} i
  for ((i = 0; i < READY_TIMEOUT * 10; i++)); do
    if [ "$(grep -cx READY "$dir/stdout" 2>/dev/null)" -ge "$n" ]; then return 0; fi
    kill -0 "$pid" 2>/dev/null || { echo "fixture exited before READY; stderr:"; tail -20 "$dir/stderr"; return 1; }
    sleep 0.1
  done
  echo "no READY line within ${READY_TIMEOUT}s"; kill -KILL "$pid" 2>/dev/null; return 1
}

check_core() { # check_core FILE: an ELF core
  [ -s "$1" ] || { echo "no core file at $1"; return 1; }
  [ "$(head -c 4 "$1" | od -An -tx1 | tr -d ' ')" = 7f454c46 ] || { echo "$1 is not ELF"; return 1; }
  [ "$(od -An -tu2 -j16 -N2 "$1" | tr -d ' ')" = 4 ] || { echo "$1 is not an ELF core (e_type != ET_CORE)"; return 1; }
}

save_truth() { # save_truth DIR
  head -1 "$1/stdout" > "$1/truth.json"
  [ "$(head -c 1 "$1/truth.json")" = '{' ] || { echo "first stdout line is not JSON"; return 1; }
}

# qemu_core DIR PID: move the guest core qemu-user wrote for PID
# (DIR/qemu_exe_<date>-<time>_PID.core) to DIR/core, and drop the kernel's
# core of qemu itself, if the kernel wrote one there too.
qemu_core() {
  local dir=$1 pid=$2 qf kf
  qf=$(ls -t "$dir"/qemu_exe_*_"$pid".core 2>/dev/null | head -1)
  kf=$(core_file "$dir" "$pid")
  [ -z "$kf" ] || [ "$kf" = "$qf" ] || [ ! -f "$kf" ] || rm -f "$kf"
  [ -n "$qf" ] && [ -f "$qf" ] || { echo "qemu wrote no core (looked for $dir/qemu_exe_*_$pid.core)"; return 1; }
  mv "$qf" "$dir/core"
}

# run_exe: how to run a fixture of the job's architecture ($arch).
run_exe() { if [ "$arch" = arm64 ]; then exec $QEMU_ARM64 ./exe; else exec ./exe; fi; }

# make_kernel_core DIR: run DIR/exe in DIR, SIGABRT it on READY, keep DIR/core
# (arm64: the core qemu-user writes).
make_kernel_core() {
  local dir=$1 pid st cf
  rm -f "$dir"/core "$dir"/core.[0-9]* "$dir"/qemu_*.core
  (cd "$dir" && ulimit -c unlimited && GOTRACEBACK=crash run_exe >stdout 2>stderr) &
  pid=$!
  wait_ready "$dir" "$pid" || { wait "$pid" 2>/dev/null; return 1; }
  save_truth "$dir" || { kill -KILL "$pid"; wait "$pid" 2>/dev/null; return 1; }
  kill -ABRT "$pid"
  st=0; wait "$pid" || st=$?
  [ $st = 134 ] || [ $st = 2 ] || echo "note: fixture exited with status $st after SIGABRT"
  if [ "$arch" = arm64 ]; then qemu_core "$dir" "$pid" && fallocate --dig-holes "$dir/core" && check_core "$dir/core"; return; fi
  cf=$(core_file "$dir" "$pid")
  [ -n "$cf" ] && [ -f "$cf" ] || { echo "kernel wrote no core (pattern '$pattern', looked for '$cf')"; return 1; }
  [ "$cf" = "$dir/core" ] || mv "$cf" "$dir/core"
  fallocate --dig-holes "$dir/core"
  check_core "$dir/core"
}

# make_gcore DIR: run DIR/exe, gcore the live process on READY, then kill it.
make_gcore() {
  local dir=$1 pid rc=0
  rm -f "$dir"/core "$dir"/core.[0-9]*
  (cd "$dir" && exec ./exe >stdout 2>stderr) &
  pid=$!
  wait_ready "$dir" "$pid" || { wait "$pid" 2>/dev/null; return 1; }
  save_truth "$dir" || rc=1
  if [ $rc = 0 ]; then
    timeout 300 gcore -o "$dir/core" "$pid" >"$dir/gcore.log" 2>&1 || { echo "gcore failed:"; tail -5 "$dir/gcore.log"; rc=1; }
  fi
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  [ $rc = 0 ] || return 1
  mv "$dir/core.$pid" "$dir/core" || { echo "gcore wrote no $dir/core.$pid"; return 1; }
  fallocate --dig-holes "$dir/core"
  check_core "$dir/core"
}

# make_gcore_pair DIR [VAR=VALUE]: run DIR/exe (in that environment), gcore it
# at its first READY (core.old, truth.old.json), send SIGUSR1, gcore it at its
# second READY (core, truth.json: the third stdout line), then kill it.
make_gcore_pair() {
  local dir=$1 pid rc=0 envs=("${@:2}")
  rm -f "$dir"/core "$dir"/core.[0-9]* "$dir"/core.old
  (cd "$dir" && exec env "${envs[@]}" ./exe >stdout 2>stderr) &
  pid=$!
  wait_ready "$dir" "$pid" 1 && save_truth "$dir" && mv "$dir/truth.json" "$dir/truth.old.json" || rc=1
  if [ $rc = 0 ]; then
    timeout 300 gcore -o "$dir/core" "$pid" >"$dir/gcore.log" 2>&1 && mv "$dir/core.$pid" "$dir/core.old" ||
      { echo "first gcore failed:"; tail -5 "$dir/gcore.log"; rc=1; }
  fi
  if [ $rc = 0 ]; then
    kill -USR1 "$pid"
    wait_ready "$dir" "$pid" 2 || rc=1
  fi
  if [ $rc = 0 ]; then
    sed -n 3p "$dir/stdout" > "$dir/truth.json"
    [ "$(head -c 1 "$dir/truth.json")" = '{' ] || { echo "third stdout line is not JSON"; rc=1; }
  fi
  if [ $rc = 0 ]; then
    timeout 300 gcore -o "$dir/core" "$pid" >>"$dir/gcore.log" 2>&1 && mv "$dir/core.$pid" "$dir/core" ||
      { echo "second gcore failed:"; tail -5 "$dir/gcore.log"; rc=1; }
  fi
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  [ $rc = 0 ] || return 1
  fallocate --dig-holes "$dir/core.old"
  fallocate --dig-holes "$dir/core"
  check_core "$dir/core.old" && check_core "$dir/core"
}

fx_dir() { # fx_dir MINOR FIXTURE FLAVOUR
  case $3 in
    qemu) echo "$out/go1.$1-arm64/$2" ;;
    gcore) echo "$out/go1.$1-gcore/$2" ;;
    pair-grow) echo "$out/go1.$1/$2-grow" ;;
    running-*) echo "$out/go1.$1/$2-${3#running-}" ;;
    *) echo "$out/go1.$1/$2" ;;
  esac
}

# ---- fixture "running": cores of a goroutine running on a known thread ----

# running_flavours FIXTURE: the extra flavours a fixture is made in.
running_flavours() {
  [ "$1" = running ] && [ $kernel_ok = 1 ] && [ "$arch" = amd64 ] || return 0
  echo running-quit running-panic running-gcore
}

# tgkill_running PID TID SIG: send SIG to thread TID of process PID only, at a
# moment the thread is on a CPU (state R in /proc): a locked goroutine is
# preempted every 10 ms and its thread then sleeps until it is handed back.
tgkill_running() {
  python3 -c 'import ctypes, sys, time
pid, tid, sig = (int(a) for a in sys.argv[1:4])
libc = ctypes.CDLL(None, use_errno=True)
stat = "/proc/%d/task/%d/stat" % (pid, tid)
deadline = time.time() + 10
while time.time() < deadline:
    with open(stat) as f:
        if f.read().rpartition(")")[2].split()[0] == "R":
            break
if libc.syscall(234, pid, tid, sig) != 0:  # SYS_tgkill (x86-64)
    sys.exit("tgkill: errno %d" % ctypes.get_errno())' "$@"
}

# truth_running DIR FIELD: running.FIELD (tid, goid) from DIR/truth.json.
truth_running() {
  python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["running"][sys.argv[2]])' "$1/truth.json" "$2"
}

# make_running_core DIR HOW: run DIR/exe in DIR under GOTRACEBACK=crash and on
# READY take a kernel core: HOW = abrt or quit (tgkill to the thread that
# truth.json names), or panic (the fixture panics in another goroutine).
# abrt and quit are kept only when the runtime's own crash dump shows that
# goroutine running when the signal came (first goroutine in stderr); else
# they are taken again, up to 5 times.
make_running_core() {
  local dir=$1 how=$2 pid tid goid st cf panic=0 try
  [ "$how" = panic ] && panic=1
  for try in 1 2 3 4 5; do
    rm -f "$dir"/core "$dir"/core.[0-9]* "$dir"/qemu_*.core
    (cd "$dir" && ulimit -c unlimited && GOTRACEBACK=crash GHF_RUNNING_PANIC=$panic run_exe >stdout 2>stderr) &
    pid=$!
    wait_ready "$dir" "$pid" || { wait "$pid" 2>/dev/null; return 1; }
    save_truth "$dir" || { kill -KILL "$pid"; wait "$pid" 2>/dev/null; return 1; }
    tid=$(truth_running "$dir" tid) && goid=$(truth_running "$dir" goid) ||
      { echo "truth.json names no running thread"; kill -KILL "$pid"; wait "$pid" 2>/dev/null; return 1; }
    sleep 0.3 # let work settle into its loop
    case $how in
      abrt) tgkill_running "$pid" "$tid" 6 ;;
      quit) tgkill_running "$pid" "$tid" 3 ;;
    esac
    st=0; wait "$pid" || st=$?
    [ $st = 134 ] || [ $st = 2 ] || echo "note: fixture exited with status $st ($how)"
    if [ "$arch" = arm64 ]; then
      qemu_core "$dir" "$pid" || return 1
    else
      cf=$(core_file "$dir" "$pid")
      [ -n "$cf" ] && [ -f "$cf" ] || { echo "kernel wrote no core (pattern '$pattern', looked for '$cf')"; return 1; }
      [ "$cf" = "$dir/core" ] || mv "$cf" "$dir/core"
    fi
    [ "$how" = panic ] && break
    grep -m1 '^goroutine [0-9]' "$dir/stderr" | grep -q "^goroutine $goid .*\[running" && break
    echo "try $try: goroutine $goid was not running when the signal came: $(grep -m1 '^goroutine [0-9]' "$dir/stderr")"
    [ $try = 5 ] && return 1
  done
  fallocate --dig-holes "$dir/core"
  check_core "$dir/core"
}

# make_running_gcore DIR: gcore of the live fixture at a moment gdb sees the
# goroutine's thread in main.crunch or main.work (gcore.log: gdb's "info
# threads"); up to 5 tries.
make_running_gcore() {
  local dir=$1 pid tid try
  for try in 1 2 3 4 5; do
    rm -f "$dir"/core "$dir"/core.[0-9]*
    (cd "$dir" && exec ./exe >stdout 2>stderr) &
    pid=$!
    wait_ready "$dir" "$pid" || { wait "$pid" 2>/dev/null; return 1; }
    save_truth "$dir" && tid=$(truth_running "$dir" tid) || { kill -KILL "$pid"; wait "$pid" 2>/dev/null; return 1; }
    sleep 0.3
    timeout 300 gdb -q -batch -p "$pid" -ex "info threads" -ex "gcore $dir/core" >"$dir/gcore.log" 2>&1 ||
      { echo "gdb gcore failed:"; tail -5 "$dir/gcore.log"; kill -KILL "$pid"; wait "$pid" 2>/dev/null; return 1; }
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    grep -E "LWP $tid[ )]" "$dir/gcore.log" | grep -q "main\.crunch\|main\.work" && break
    echo "try $try: gdb saw thread $tid elsewhere: $(grep -E "LWP $tid[ )]" "$dir/gcore.log")"
    [ $try = 5 ] && return 1
  done
  fallocate --dig-holes "$dir/core"
  check_core "$dir/core"
}

# gen_version MINOR: every fixture for Go 1.MINOR and GOARCH=$arch; results in
# $out/.logs/go1.MINOR[-arm64].status
gen_version() {
  local minor=$1 gobin=/usr/lib/go-1.$1/bin/go gover f flavour dir stamp tag=go1.$1${arch_suffix}
  local status=$out/.logs/$tag.status
  : > "$status"
  gover=$("$gobin" version) || { echo "$tag - FAIL cannot run $gobin" >> "$status"; return 1; }
  local flavours=(kernel)
  [ $kernel_ok = 1 ] || flavours=(gcore-as-main)
  [ "$minor" != "$gcore_minor" ] || flavours+=(gcore)
  [ "$arch" = amd64 ] || flavours=(qemu)
  # Which fixture × flavour cores are stale?
  local todo=() need_build=() f_last=
  for f in "${want_fx[@]}"; do
    [ ! -f "$SRC/$f/variants" ] || continue # built by gen_variants
    local fx_flavours=("${flavours[@]}")
    # two gcores of one process (amd64 only: gdb cannot attach to a qemu guest)
    if [ "$f" = grow ]; then if [ "$arch" = amd64 ]; then fx_flavours=(pair); else fx_flavours=(); fi; fi
    [ "$f" != example ] || [ "$minor" != "$gcore_minor" ] || [ "$arch" != amd64 ] || fx_flavours+=(pair-grow)
    for flavour in "${fx_flavours[@]}" $(running_flavours "$f"); do
      dir=$(fx_dir "$minor" "$f" "$flavour")
      stamp="fx=${fx_hash[$f]} script=$script_hash go=$gover flavour=$flavour"
      if [ -f "$dir/stamp" ] && [ "$(cat "$dir/stamp")" = "$stamp" ] &&
         [ -s "$dir/core" ] && [ -x "$dir/exe" ] && [ -s "$dir/truth.json" ] &&
         { [ "${flavour%-grow}" != pair ] || [ -s "$dir/core.old" ]; }; then
        echo "${dir#$out/} cached" >> "$status"
      else
        todo+=("$f:$flavour")
        [ "$f" = "$f_last" ] || need_build+=("./$f")
        f_last=$f
      fi
    done
  done
  [ ${#todo[@]} -gt 0 ] || return 0

  # One go build for all stale fixtures (the go command parallelises it).
  local bin=$out/.build/$tag t0=$SECONDS
  rm -rf "$bin"; mkdir -p "$bin"
  echo "== $tag: build ${need_build[*]}" >&2
  if ! (cd "$SRC" && env GOTOOLCHAIN=local GOCACHE="$out/.gocache/go1.$minor" GOFLAGS=-mod=mod \
          GOPROXY=off GOENV=off CGO_ENABLED=0 GOOS=linux GOARCH=$arch GOWORK=off \
          "$gobin" build -o "$bin/" "${need_build[@]}") >&2; then
    echo "$tag FAIL go build (log: .logs/$tag.log)" >> "$status"; return 1
  fi
  echo "== $tag: built in $((SECONDS - t0))s" >&2

  local item ok
  for item in "${todo[@]}"; do
    f=${item%%:*} flavour=${item#*:}
    dir=$(fx_dir "$minor" "$f" "$flavour")
    stamp="fx=${fx_hash[$f]} script=$script_hash go=$gover flavour=$flavour"
    rm -rf "$dir"; mkdir -p "$dir"
    cp "$bin/$f" "$dir/exe"
    echo "== ${dir#$out/}: run + core ($flavour)" >&2
    t0=$SECONDS ok=0
    case $f:$flavour in
      running:kernel|running:qemu) make_running_core "$dir" abrt >&2 && ok=1 ;;
      running:running-quit) make_running_core "$dir" quit >&2 && ok=1 ;;
      running:running-panic) make_running_core "$dir" panic >&2 && ok=1 ;;
      running:running-gcore|running:gcore) make_running_gcore "$dir" >&2 && ok=1 ;;
      *:pair) make_gcore_pair "$dir" >&2 && ok=1 ;;
      example:pair-grow) make_gcore_pair "$dir" GHF_EXAMPLE_GROW=1 >&2 && ok=1 ;;
      *:kernel|*:qemu) make_kernel_core "$dir" >&2 && ok=1 ;;
      *:gcore|*:gcore-as-main) make_gcore "$dir" >&2 && ok=1 ;;
    esac
    if [ $ok = 1 ]; then
      echo "$stamp" > "$dir/stamp"
      echo "${dir#$out/} made $flavour core in $((SECONDS - t0))s: $(du -h --apparent-size "$dir/core" | cut -f1) apparent, $(du -h "$dir/core" | cut -f1) on disk" >> "$status"
    else
      echo "${dir#$out/} FAIL $flavour core (log: .logs/$tag.log)" >> "$status"
    fi
  done
}

# variant_names FIXTURE: the [NAME] sections of its variants file.
variant_names() { sed -n 's/^\[\([A-Za-z0-9_.-]*\)\][[:space:]]*$/\1/p' "$SRC/$1/variants"; }
# variant_env FIXTURE NAME: the VAR=VALUE lines of section NAME, one a line.
variant_env() {
  awk -v want="[$2]" '/^\[/ { on = ($0 == want); next } on && /^[A-Za-z_][A-Za-z0-9_]*=/' "$SRC/$1/variants"
}

# gen_variants MINOR: the fixtures with a variants file, each variant built
# on its own with cgo; a kernel (or gcore-as-main) core and a gcore core of
# each, for every version. Appends to the version's status file.
gen_variants() {
  local minor=$1 gobin=/usr/lib/go-1.$1/bin/go gover f v flavour dir stamp ok t0
  local status=$out/.logs/go1.$1.status bin=$out/.build/go1.$1-variants
  gover=$("$gobin" version) || return 1
  local flavours=(kernel gcore)
  [ $kernel_ok = 1 ] || flavours=(gcore-as-main gcore)
  for f in "${want_fx[@]}"; do
    [ -f "$SRC/$f/variants" ] || continue
    local vhash
    vhash=$(sha256sum "$SRC/$f/variants" | cut -d' ' -f1)
    for v in $(variant_names "$f"); do
      local envs=() todo=()
      mapfile -t envs < <(variant_env "$f" "$v")
      for flavour in "${flavours[@]}"; do
        dir=$(fx_dir "$minor" "$v" "$flavour")
        stamp="fx=${fx_hash[$f]} variants=$vhash script=$script_hash go=$gover flavour=$flavour"
        if [ -f "$dir/stamp" ] && [ "$(cat "$dir/stamp")" = "$stamp" ] &&
           [ -s "$dir/core" ] && [ -x "$dir/exe" ] && [ -s "$dir/truth.json" ]; then
          echo "${dir#$out/} cached" >> "$status"
        else
          todo+=("$flavour")
        fi
      done
      [ ${#todo[@]} -gt 0 ] || continue
      echo "== go1.$minor: build $f as $v (CGO_ENABLED=1 ${envs[*]})" >&2
      rm -rf "$bin"; mkdir -p "$bin"
      if ! (cd "$SRC" && env GOTOOLCHAIN=local GOCACHE="$out/.gocache/go1.$minor" GOFLAGS=-mod=mod \
              GOPROXY=off GOENV=off CGO_ENABLED=1 GOOS=linux GOARCH=amd64 GOWORK=off "${envs[@]}" \
              "$gobin" build -o "$bin/exe" "./$f") >&2; then
        echo "go1.$minor/$v FAIL go build (log: .logs/go1.$minor.log)" >> "$status"; continue
      fi
      for flavour in "${todo[@]}"; do
        dir=$(fx_dir "$minor" "$v" "$flavour")
        stamp="fx=${fx_hash[$f]} variants=$vhash script=$script_hash go=$gover flavour=$flavour"
        rm -rf "$dir"; mkdir -p "$dir"
        cp "$bin/exe" "$dir/exe"
        printf '%s\n' "${envs[@]}" > "$dir/build-env"
        echo "== ${dir#$out/}: run + core ($flavour)" >&2
        t0=$SECONDS ok=0
        case $flavour in
          kernel) make_kernel_core "$dir" >&2 && ok=1 ;;
          gcore|gcore-as-main) make_gcore "$dir" >&2 && ok=1 ;;
        esac
        if [ $ok = 1 ]; then
          echo "$stamp" > "$dir/stamp"
          echo "${dir#$out/} made $flavour core in $((SECONDS - t0))s" >> "$status"
        else
          echo "${dir#$out/} FAIL $flavour core (log: .logs/go1.$minor.log)" >> "$status"
        fi
      done
    done
  done
}

start=$(date +%s)
pids=() tags=()
for arch in "${want_arch[@]}"; do
  arch_suffix=; [ "$arch" = amd64 ] || arch_suffix=-$arch
  for v in "${versions[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
    if [ "$arch" = amd64 ]; then
      { gen_version "$v"; gen_variants "$v"; } > "$out/.logs/go1.$v.log" 2>&1 &
    else
      gen_version "$v" > "$out/.logs/go1.$v$arch_suffix.log" 2>&1 &
    fi
    pids+=($!) tags+=("go1.$v$arch_suffix")
  done
done
for p in "${pids[@]}"; do wait "$p" || true; done

fail=0
for t in "${tags[@]}"; do
  st=$out/.logs/$t.status
  [ -s "$st" ] || { echo "$t FAIL no result (log: $out/.logs/$t.log)"; fail=1; continue; }
  cat "$st"
  if grep -q FAIL "$st"; then
    fail=1
    echo "---- $out/.logs/$t.log (tail)" >&2; tail -25 "$out/.logs/$t.log" >&2
  fi
done
echo "gen-cores: ${#versions[@]} Go version(s) × ${#want_fx[@]} fixture(s) × ${want_arch[*]} in $out, $(($(date +%s) - start))s"
[ $fail = 0 ] || die "some fixture cores could not be made (see above)"
