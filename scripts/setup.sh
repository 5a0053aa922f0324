#!/usr/bin/env bash
# One command on a fresh Debian/Ubuntu machine: install what goheapflame
# needs (every supported Go toolchain included, so scripts/test.sh can run
# next), build it, and run the main job on the bundled example Go program:
# its core becomes example-out/example.svg and example-out/example.png; and
# `goheapflame diff` on two cores of the example taken while its leak goes on:
# example-out/example-diff.svg, .png and the growth table example-diff.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --all-go
if [ ! -f build/build.ninja ]; then meson setup build --werror >/dev/null; fi
ninja -C build
newest=$(ls -d /usr/lib/go-1.* | sed 's|.*/go-||' | sort -t. -k2 -n | tail -1)
fixtures=${GHF_FIXTURES:-${XDG_CACHE_HOME:-$HOME/.cache}/goheapflame/fixtures}
scripts/gen-cores.sh --out "$fixtures" --go "$newest" --fixture example
dir=$fixtures/go$newest/example
mkdir -p example-out
build/goheapflame "$dir/core" "$dir/exe" -o example-out/example.svg
build/goheapflame "$dir/core" "$dir/exe" -o example-out/example.png
build/goheapflame "$dir/core" "$dir/exe" -o example-out/example.folded
grow=$fixtures/go$newest/example-grow
build/goheapflame diff "$grow/core.old" "$grow/core" "$grow/exe" -o example-out/example-diff.svg > example-out/example-diff.txt
build/goheapflame diff "$grow/core.old" "$grow/core" "$grow/exe" -o example-out/example-diff.png --top 0
echo
echo "Example written (Go $newest core of tests/fixtures/example):"
echo "  $(pwd)/example-out/example.svg   open in a browser: click to zoom, Ctrl-F to search"
echo "  $(pwd)/example-out/example.png"
echo "  $(pwd)/example-out/example.folded"
echo "What grew between two cores of the example (goheapflame diff):"
echo "  $(pwd)/example-out/example-diff.svg, example-diff.png, example-diff.txt (the growth table)"
