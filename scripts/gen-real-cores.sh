#!/usr/bin/env bash
# The real-program tier (tests/realcores/README.md): cores of programs nobody
# here designed, taken mid-work and mid-GC.
#
#   scripts/gen-real-cores.sh [--out DIR] [--go 1.NN ...] [--quick]
#
# For each Go version (default 1.22 1.24 1.27; any installed supported one):
#   compile-nethttp  cmd/compile (built from GOROOT's source, with DWARF) compiling
#                    net/http: kernel core (GOTRACEBACK=crash, SIGABRT) mid-compile
#   compile-ssa      the same compiling cmd/compile/internal/ssa: kernel core
#   compile-gotypes  the same compiling go/types: gcore mid-compile
#   link-compile     cmd/link (DWARF build) linking cmd/compile: kernel core mid-link
#   go-list          cmd/go (DWARF build) on `go list -deps -json std cmd`: kernel core
#   server-*         tests/realcores/server (GOGC=10, 32 loopback clients): gcore at
#                    ~50 MB of cached values, gcore mid-GC at ~250 MB, kernel core
#                    mid-GC at the end: 1100 MB on the newest version, 400 MB
#                    elsewhere and with --quick
# Output: DIR/real/go1.NN/<name>/{core,exe,meta.json}; meta.json says program,
# how (kernel|gcore), seconds into the run, and the server's MemStats.
# DIR defaults to $GHF_FIXTURES (else ~/.cache/goheapflame/fixtures). Each
# version × group (tools, server) is cached by a stamp: this script, the
# group's sources under tests/realcores, `go version` and the server's plan. Kernel cores need
# /proc/sys/kernel/core_pattern to write a plain file (not a pipe); otherwise
# gcore cores are taken instead. CI=true makes a missing toolchain an error.
set -euo pipefail

SUPPORTED="19 21 22 23 24 26 27"
DEFAULT="22 24 27"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SCRIPT="$ROOT/scripts/gen-real-cores.sh"
SRC="$ROOT/tests/realcores"

die() { echo "gen-real-cores: $*" >&2; exit 1; }
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$SCRIPT"; }

# take_core DIR PID HOW CWD: a kernel core (SIGABRT) or a gcore of the stopped
# process PID into DIR/core.
take_core() {
  local dir=$1 pid=$2 how=$3 cwd=$4
  if [ "$how" = kernel ]; then
    # The SIGABRT stays pending while the process is stopped and is handled
    # (GOTRACEBACK=crash: dump, then die with a core) as soon as it continues.
    kill -ABRT "$pid" 2>/dev/null && kill -CONT "$pid" 2>/dev/null || return 1
    while kill -0 "$pid" 2>/dev/null && [ "$(proc_state "$pid")" != Z ]; do sleep 0.05; done
    local f
    for f in "$cwd/core.$pid" "$cwd/core"; do [ -f "$f" ] && { mv "$f" "$dir/core"; break; }; done
  else
    timeout 600 gcore -o "$dir/core" "$pid" >"$dir/gcore.log" 2>&1 || { kill -KILL "$pid" 2>/dev/null; return 1; }
    kill -KILL "$pid" 2>/dev/null || true
    mv "$dir/core.$pid" "$dir/core" || return 1
  fi
  [ -s "$dir/core" ] || return 1
  fallocate --dig-holes "$dir/core"
}

# proc_state PID: the one-letter state of /proc/PID/stat (R, S, T, Z...), or
# nothing once the process is gone. A child that has exited but is not yet
# reaped still answers `kill -0`: only its state (Z) says it is finished.
proc_state() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  stat=${stat##*) }
  echo "${stat%% *}"
}

# stop_process PID: SIGSTOP PID and wait until it is stopped (true) or has
# exited (false); the signal is delivered asynchronously.
stop_process() {
  local i st
  kill -STOP "$1" 2>/dev/null || return 1
  for i in $(seq 200); do
    st=$(proc_state "$1")
    case "$st" in T|t) return 0 ;; Z|'') return 1 ;; esac
    sleep 0.01
  done
  return 1
}

# run_mid DIR HOW DELAY LABEL PROGRAM ARGS...: run PROGRAM (GOTRACEBACK=crash,
# in DIR/run), stop it DELAY seconds in and take its core. The machine's speed
# decides how long a run lasts (an idle machine with a warm cache links
# cmd/compile in well under a second), so a run that finishes first is
# retried with the delay set to under half of the time it took. Stopping the
# process (SIGSTOP) before taking the core closes the race between "still
# running" and the core being taken. Writes DIR/meta.json.
run_mid() {
  local dir=$1 how=$2 delay=$3 label=$4; shift 4
  local try pid t0 now at ms cwd=$dir/run
  for try in 1 2 3 4 5 6; do
    ms=$(awk -v d="$delay" 'BEGIN { printf "%d", d * 1000 }')
    rm -rf "$cwd"; mkdir -p "$cwd"
    t0=$(date +%s%N)
    (cd "$cwd" && ulimit -c unlimited && GOTRACEBACK=crash exec "$@" >"$dir/stdout" 2>"$dir/stderr") &
    pid=$!
    # Poll rather than sleep the whole delay, so that an early finish is timed.
    while now=$(date +%s%N); [ $(( (now - t0) / 1000000 )) -lt "$ms" ]; do
      [ "$(proc_state "$pid")" = Z ] && break
      sleep 0.02
    done
    if stop_process "$pid"; then
      at=$(( ($(date +%s%N) - t0) / 10000000 ))
      take_core "$dir" "$pid" "$how" "$cwd" || { wait "$pid" 2>/dev/null || true; echo "$label: taking the $how core failed" >&2; return 1; }
      wait "$pid" 2>/dev/null || true
      rm -rf "$cwd"
      printf '{"program":"%s","how":"%s","seconds_in":%d.%02d}\n' "$label" "$how" $((at / 100)) $((at % 100)) > "$dir/meta.json"
      return 0
    fi
    wait "$pid" 2>/dev/null || true
    now=$(( ($(date +%s%N) - t0) / 1000000 ))
    echo "$label finished within ${now} ms (delay ${delay}s); retrying sooner" >&2
    delay=$(awk -v d="$delay" -v ms="$now" 'BEGIN { n = ms / 1000 * 0.4; if (n > d / 2) n = d / 2; if (n < 0.02) n = 0.02; print n }')
  done
  return 1
}

# Called back by tests/realcores/toolexec.sh for the tool to core.
if [ "${1:-}" = --run-mid ]; then shift; run_mid "$@"; exit; fi

out=${GHF_FIXTURES:-${XDG_CACHE_HOME:-$HOME/.cache}/goheapflame/fixtures}
want_go=() quick=0
while [ $# -gt 0 ]; do
  case "$1" in
    --out) [ $# -ge 2 ] || die "--out needs a directory"; out=$2; shift 2 ;;
    --go) [ $# -ge 2 ] || die "--go needs a version like 1.22"; want_go+=("${2#go}"); shift 2 ;;
    --quick) quick=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
if [ ${#want_go[@]} -eq 0 ]; then for v in $DEFAULT; do want_go+=("1.$v"); done; fi
versions=()
for v in "${want_go[@]}"; do
  minor=${v#1.}
  [[ " $SUPPORTED " == *" $minor "* ]] || die "unsupported Go version $v"
  if [ -x /usr/lib/go-1.$minor/bin/go ]; then versions+=("$minor")
  elif [ "${CI:-}" = true ]; then die "Go 1.$minor is not installed: run scripts/install-deps.sh --all-go"
  else echo "gen-real-cores: notice: Go 1.$minor not installed, skipping it" >&2; fi
done
[ ${#versions[@]} -gt 0 ] || die "no requested Go toolchain is installed"
newest=${versions[-1]}
command -v gcore >/dev/null || die "gcore (gdb) is needed"
command -v fallocate >/dev/null || die "fallocate (util-linux) is needed"

# Kernel cores land in the crashing process's directory as "core" (or core.PID).
pattern=$(cat /proc/sys/kernel/core_pattern 2>/dev/null || echo '|unknown')
kernel_ok=1
case "$pattern" in core|core.%p) ;; *) kernel_ok=0 ;; esac
(ulimit -c unlimited) 2>/dev/null || kernel_ok=0
[ $kernel_ok = 1 ] || echo "gen-real-cores: notice: core_pattern '$pattern' is not a plain 'core' file: taking gcore cores instead of kernel cores" >&2

mkdir -p "$out/real" || die "cannot create $out/real"
out=$(cd "$out" && pwd)
exec 9>"$out/real/.lock"
flock -n 9 || die "another gen-real-cores.sh is running on $out"
hash_of() { sha256sum "$@" | sha256sum | cut -c1-16; }
tools_hash=$(hash_of "$SCRIPT" "$SRC/toolexec.sh")
server_hash=$(hash_of "$SCRIPT" "$SRC/go.mod" "$SRC"/server/*.go)


gen_tools() { # gen_tools MINOR: the compiler, linker and go command cores
  local minor=$1 goroot=/usr/lib/go-1.$1 base=$out/real/go1.$1
  local bin=$base/.tools gocache=$out/.gocache/go1.$1
  local env=(env GOROOT="$goroot" GOTOOLCHAIN=local GOPROXY=off GOENV=off GOFLAGS= GOWORK=off
             CGO_ENABLED=0 GOCACHE="$gocache" GOTRACEBACK=crash)
  mkdir -p "$bin"
  echo "== go1.$minor: build cmd/compile, cmd/link, cmd/go with DWARF" >&2
  local t0=$SECONDS
  (cd "$goroot/src" && "${env[@]}" "$goroot/bin/go" build -o "$bin/" cmd/compile cmd/link cmd/go) || return 1
  echo "== go1.$minor: tools built in $((SECONDS - t0))s" >&2
  local kern=kernel; [ $kernel_ok = 1 ] || kern=gcore
  # The compiler: the toolexec wrapper swaps in the DWARF build for the target
  # package only and takes the core (tests/realcores/toolexec.sh). Flags of no
  # effect with a fresh nonce each run (compile: -C, no columns in error
  # messages, and -D, the directory for local imports, which std has none of;
  # link: an -X of an unused variable) keep the build cache from answering
  # instead of the tool: a compile that finished before its core was taken is
  # cached, output and all, and would be replayed on the next run.
  local name pkg how delay
  for spec in "compile-nethttp net/http $kern 1.5" "compile-ssa cmd/compile/internal/ssa $kern 4" \
              "compile-gotypes go/types gcore 1.5" "link-compile cmd/compile $kern 1"; do
    read -r name pkg how delay <<<"$spec"
    local dir=$base/$name tool=compile
    [[ $name == link-* ]] && tool=link
    rm -rf "$dir"; mkdir -p "$dir"
    local nonce=$RANDOM$RANDOM
    local flags=("-gcflags=$pkg=-C -D=/ghf-nonce-$nonce")
    [ $tool = compile ] || flags=(-o "$dir/out.bin" "-ldflags=-X=main.ghfNonce=$nonce")
    echo "== go1.$minor/$name: $tool of $pkg, $how core" >&2
    (cd "$goroot/src" && GHF_RT_TOOL=$tool GHF_RT_PKG=$pkg GHF_RT_EXE=$bin/$tool GHF_RT_DIR=$dir \
      GHF_RT_HOW=$how GHF_RT_DELAY=$delay GHF_RT_SCRIPT=$SCRIPT \
      "${env[@]}" "$goroot/bin/go" build -toolexec "$SRC/toolexec.sh" \
        "${flags[@]}" \
        "$pkg") >"$dir/build.log" 2>&1 || true
    rm -f "$dir/out.bin"
    [ -s "$dir/core" ] && [ -s "$dir/meta.json" ] || { echo "go1.$minor/$name: no core (see $dir/build.log)" >&2; tail -5 "$dir/build.log" >&2; return 1; }
    cp "$bin/$tool" "$dir/exe"
  done
  name=go-list dir=$base/go-list
  rm -rf "$dir"; mkdir -p "$dir"
  echo "== go1.$minor/go-list: go list -deps -json std cmd, $kern core" >&2
  (cd "$goroot/src" && run_mid "$dir" "$kern" 1.5 "go list -deps -json std cmd" \
     "${env[@]}" "$bin/go" list -deps -json std cmd) || return 1
  cp "$bin/go" "$dir/exe"
}

gen_server() { # gen_server MINOR PLAN
  local minor=$1 plan=$2 goroot=/usr/lib/go-1.$1 base=$out/real/go1.$1
  local dir=$base/.server ldflags=
  [ "$minor" -lt 23 ] || ldflags=-checklinkname=0
  rm -rf "$dir"; mkdir -p "$dir"
  (cd "$SRC" && env GOTOOLCHAIN=local GOPROXY=off GOENV=off GOFLAGS=-mod=mod GOWORK=off CGO_ENABLED=0 \
     GOCACHE="$out/.gocache/go1.$minor" "$goroot/bin/go" build -ldflags="$ldflags" -o "$dir/server" ./server) || return 1
  [ $kernel_ok = 1 ] || plan=${plan//abort/gcore}
  echo "== go1.$minor/server: $plan" >&2
  local t0; t0=$(date +%s)
  (cd "$dir" && ./server drive "$plan" > snaps.jsonl 2> drive.stderr) || { tail -5 "$dir/drive.stderr" >&2; return 1; }
  local i=0 line name
  rm -rf "$base"/server-*
  while IFS= read -r line; do
    i=$((i + 1))
    name=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print("server-%dmb%s" % (d["target_mb"], "-midgc" if d["midgc_wanted"] else ""))' "$line")
    mkdir -p "$base/$name"
    if [ -f "$dir/snap$i.core" ]; then mv "$dir/snap$i.core" "$base/$name/core"; else
      for f in "$dir/core.$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["pid"])' "$line")" "$dir/core"; do
        [ -f "$f" ] && { mv "$f" "$base/$name/core"; break; }; done; fi
    [ -s "$base/$name/core" ] || { echo "go1.$minor/$name: no core" >&2; return 1; }
    fallocate --dig-holes "$base/$name/core"
    cp "$dir/server" "$base/$name/exe"
    python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d["program"]="server"; d["how"]={"abort":"kernel"}.get(d["how"], d["how"]); print(json.dumps(d))' "$line" > "$base/$name/meta.json"
  done < "$dir/snaps.jsonl"
  echo "== go1.$minor/server: $i cores in $(($(date +%s) - t0))s" >&2
  rm -rf "$dir"
}

status=0
for minor in "${versions[@]}"; do
  base=$out/real/go1.$minor
  mkdir -p "$base"
  gover=$(/usr/lib/go-1.$minor/bin/go version)
  stamp="src=$tools_hash go=$gover kernel=$kernel_ok"
  if [ "$(cat "$base/.stamp-tools" 2>/dev/null)" = "$stamp" ]; then echo "go1.$minor tools cached"
  else
    rm -f "$base/.stamp-tools"
    if gen_tools "$minor"; then echo "$stamp" > "$base/.stamp-tools"; echo "go1.$minor tools made"
    else echo "go1.$minor tools FAIL"; status=1; fi
  fi
  small="50:gcore,250:gcore:midgc,400:abort:midgc" big="50:gcore,250:gcore:midgc,1100:abort:midgc"
  plan=$small
  [ "$minor" != "$newest" ] || [ $quick = 1 ] || plan=$big
  stamp="src=$server_hash go=$gover kernel=$kernel_ok"
  sstamp="$stamp plan=$plan"
  have=$(cat "$base/.stamp-server" 2>/dev/null || true)
  if [ "$have" = "$sstamp" ] || { [ $quick = 1 ] && [ "$have" = "$stamp plan=$big" ]; }; then
    echo "go1.$minor server cached"
  else
    rm -f "$base/.stamp-server"
    if gen_server "$minor" "$plan"; then echo "$sstamp" > "$base/.stamp-server"; echo "go1.$minor server made"
    else echo "go1.$minor server FAIL"; status=1; fi
  fi
done
[ $status = 0 ] || die "some real-program cores could not be made (see above)"
