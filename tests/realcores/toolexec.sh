#!/usr/bin/env bash
# go build -toolexec wrapper for scripts/gen-real-cores.sh: every tool runs as
# usual except $GHF_RT_TOOL (compile or link) on $GHF_RT_PKG, which runs the
# DWARF build $GHF_RT_EXE instead and is cored mid-run ($GHF_RT_HOW: kernel or
# gcore, $GHF_RT_DELAY seconds in) by `gen-real-cores.sh --run-mid`.
tool=$1; shift
if [ "$(basename "$tool")" = "$GHF_RT_TOOL" ] && [ "${1:-}" != -V=full ] && [ ! -e "$GHF_RT_DIR/meta.json" ]; then
  target=0
  if [ "$GHF_RT_TOOL" = link ]; then target=1
  else
    prev=
    for a in "$@"; do [ "$prev" = -p ] && [ "$a" = "$GHF_RT_PKG" ] && target=1; prev=$a; done
  fi
  if [ $target = 1 ]; then
    args=()
    for a in "$@"; do # the tool runs in the core's directory: relative paths made absolute
      case "$a" in ./*) args+=("$PWD/${a#./}") ;; *) args+=("$a") ;; esac
    done
    exec "$GHF_RT_SCRIPT" --run-mid "$GHF_RT_DIR" "$GHF_RT_HOW" "$GHF_RT_DELAY" "$GHF_RT_TOOL $GHF_RT_PKG" "$GHF_RT_EXE" "${args[@]}"
  fi
fi
exec "$tool" "$@"
