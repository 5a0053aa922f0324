#!/usr/bin/env bash
# scripts/install-deps.sh takes the Debian mirror for the suites it adds from the
# machine's own apt sources (deb822 *.sources and one-line *.list), never a fixed host.
#   tests/install_deps_test.sh SCRIPT SCRATCH_DIR
set -euo pipefail
script=$1 d=$2
rm -rf "$d"; mkdir -p "$d"
cat > "$d/a.sources" <<'SRC'
Types: deb-src
URIs: http://src.example/debian
Suites: bookworm
Components: main

# a comment between stanzas
Types: deb
URIs: http://security.example/debian-security
Suites: bookworm-security
Components: main

Types: deb
URIs: http://mirror.local/debian http://second.example/debian
Suites: bookworm bookworm-updates
Components: main
SRC
cat > "$d/b.list" <<'SRC'
# deb http://commented.example/debian bookworm main
deb-src http://src.example/debian bookworm main
deb [arch=amd64 signed-by=/usr/share/keyrings/k.gpg] http://oneline.example/debian bookworm main contrib
SRC
cat > "$d/c.sources" <<'SRC'
Types: deb
URIs: http://disabled.example/debian
Suites: bookworm
Enabled: no
SRC
fail=0
expect() { # expect WANT CODENAME FILE...
  local want=$1 got; shift
  got=$("$script" --print-mirror "$@")
  if [ "$got" != "$want" ]; then echo "FAIL: --print-mirror $*: got '$got', want '$want'"; fail=1; fi
}
expect http://mirror.local/debian bookworm "$d/a.sources" "$d/b.list"
expect http://oneline.example/debian bookworm "$d/b.list" "$d/a.sources"
expect http://oneline.example/debian bookworm "$d/c.sources" "$d/b.list"
expect "" bookworm "$d/c.sources"
expect "" trixie "$d/a.sources" "$d/b.list"
st=0; "$script" --print-mirror bookworm 2>/dev/null || st=$?
[ $st = 2 ] || { echo "FAIL: --print-mirror without files exited $st, want 2"; fail=1; }
# The added suites use that URI, not a host written in the script.
if grep -n 'URIs: http' "$script"; then echo "FAIL: a fixed mirror host in the apt source the script writes"; fail=1; fi
[ $fail = 0 ] && echo "install-deps mirror: ok"
exit $fail
