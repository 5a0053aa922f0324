#!/usr/bin/env bash
# Install what goheapflame needs to build and test on Debian/Ubuntu.
#   scripts/install-deps.sh            build deps + the distribution's Go
#   scripts/install-deps.sh --all-go   also every supported Go toolchain (1.19 … 1.27)
#   scripts/install-deps.sh --print-mirror CODENAME FILE...   (for the tests) print the
#       Debian URI that --all-go would take from these apt source files, and exit
# Idempotent: when everything is present it only checks and returns.
# Extra suites (bookworm-backports, trixie, sid) are added with pin priority 100
# so nothing already installed is upgraded from them; we install with -t SUITE.
set -euo pipefail

all_go=0
print_mirror=0
for a in "$@"; do
  case "$a" in
    --all-go) all_go=1 ;;
    --print-mirror) print_mirror=1; break ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "install-deps: unknown option $a" >&2; exit 2 ;;
  esac
done

# debian_uri CODENAME FILE...: the URI of the first enabled `deb` source for suite
# CODENAME in deb822 (*.sources) or one-line (*.list) FILEs; empty when none.
debian_uri() {
  local codename=$1; shift
  awk -v want="$codename" '
    function flush() { if (types ~ /(^| )deb( |$)/ && enabled != "no" && (" " suites " ") ~ (" " want " ") && uri == "") { split(uris, u, " "); uri = u[1] } types = suites = uris = enabled = "" }
    FNR == 1 { flush(); deb822 = (FILENAME ~ /\.sources$/) }
    /^[ \t]*#/ { next }
    deb822 && /^[ \t]*$/ { flush(); next }
    deb822 { f = tolower($1); $1 = ""; v = $0; sub(/^ +/, "", v)
             if (f == "types:") types = v; else if (f == "uris:") uris = v
             else if (f == "suites:") suites = v; else if (f == "enabled:") enabled = tolower(v); next }
    !deb822 && $1 == "deb" { i = 2; if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
             if ($(i + 1) == want && uri == "") uri = $i }
    END { flush(); print uri }' "$@" 2>/dev/null
}
if [ $print_mirror = 1 ]; then
  [ "${1:-}" = --print-mirror ] && [ $# -ge 3 ] || { echo "install-deps: usage: --print-mirror CODENAME FILE..." >&2; exit 2; }
  shift; debian_uri "$@"; exit 0
fi

# As root apt runs directly (a fresh machine often has no sudo); otherwise through sudo.
SUDO=
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: not root and no sudo: run it as root" >&2; exit 1; }
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive

BUILD_PKGS="build-essential meson ninja-build pkg-config libelf-dev libdwarf-dev libcairo2-dev
 libcriterion-dev zlib1g-dev fonts-dejavu-core gdb python3 util-linux clang chromium binutils libtsan2
 qemu-user-static zsh"
# Supported Go toolchains and the suite each comes from.
GO_SUITES="1.19:bookworm 1.21:bookworm-backports 1.22:bookworm-backports 1.23:bookworm-backports
 1.24:trixie 1.26:sid 1.27:sid"

missing() { # print the packages in "$@" that are not installed
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
  done
}

updated=0
apt_update() { [ $updated = 1 ] || { $SUDO apt-get update -qq; updated=1; }; }

need=$(missing $BUILD_PKGS golang-go)
if [ -n "$need" ]; then
  apt_update
  $SUDO apt-get install -y -qq --no-install-recommends $need
fi
# libFuzzer for scripts/fuzz.sh: clang only recommends its runtime package,
# which is named after clang's major version (bookworm: libclang-rt-14-dev).
clang_rt=libclang-rt-$(clang -dumpversion | cut -d. -f1)-dev
if [ -n "$(missing "$clang_rt")" ]; then
  apt_update
  $SUDO apt-get install -y -qq --no-install-recommends "$clang_rt"
fi

[ $all_go = 1 ] || exit 0

. /etc/os-release
if [ "${ID:-}" != debian ]; then
  echo "install-deps: --all-go adds Debian suites; on ${ID:-this system} install golang-1.NN-go yourself" >&2
fi

# The new suites come from the mirror this machine already uses (a machine behind
# a local mirror may reach nothing else); deb.debian.org only when none is found.
apt_sources() { ls /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v /goheapflame-; }
mirror=
if [ "${ID:-}" = debian ]; then
  mirror=$(debian_uri "${VERSION_CODENAME:-}" $(apt_sources))
fi
if [ -z "$mirror" ]; then
  mirror=http://deb.debian.org/debian
  echo "install-deps: notice: no Debian source for ${VERSION_CODENAME:-this release} found in /etc/apt; using $mirror" >&2
fi

add_suite() { # add_suite SUITE: a deb822 source with a low pin, once
  local suite=$1 f=/etc/apt/sources.list.d/goheapflame-$1.sources
  [ -f "$f" ] && return 0
  $SUDO tee "$f" >/dev/null <<SRC
Types: deb
URIs: $mirror
Suites: $suite
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  $SUDO tee /etc/apt/preferences.d/goheapflame-$suite >/dev/null <<PIN
Package: *
Pin: release n=$suite
Pin-Priority: 100
PIN
  updated=0
}

# The suites are added even when every toolchain is present: the tests also
# fetch trixie's libdwarf (0.x API) to check that build (tests/libdwarf0x_test.sh).
added=0
for s_ in bookworm-backports trixie sid; do
  [ "$s_" = "${VERSION_CODENAME:-}" ] && continue
  [ -f /etc/apt/sources.list.d/goheapflame-$s_.sources ] || added=1
  add_suite "$s_"
done
[ $added = 1 ] && { updated=0; apt_update; }
todo=""
for vs in $GO_SUITES; do
  v=${vs%%:*}; s=${vs#*:}
  [ -x /usr/lib/go-$v/bin/go ] && continue
  todo="$todo $v:$s"
done
[ -n "$todo" ] || exit 0
apt_update
for vs in $todo; do
  v=${vs%%:*}; s=${vs#*:}
  if [ "$s" = "${VERSION_CODENAME:-}" ]; then
    $SUDO apt-get install -y -qq --no-install-recommends golang-$v-go
  else
    $SUDO apt-get install -y -qq --no-install-recommends -t "$s" golang-$v-go
  fi
done
for vs in $GO_SUITES; do
  v=${vs%%:*}
  [ -x /usr/lib/go-$v/bin/go ] || { echo "install-deps: golang-$v-go did not install /usr/lib/go-$v/bin/go" >&2; exit 1; }
done
