#!/bin/sh
# The man page: installed by meson install into share/man/man1, and it
# documents every option each command's --help lists (so the two cannot drift).
# Usage: man_test.sh GOHEAPFLAME BUILDDIR SCRATCH
set -u
ghf=$1 build=$2 scratch=$3
rm -rf "$scratch" && mkdir -p "$scratch"
fail=0
meson install -C "$build" --destdir "$scratch/dest" --no-rebuild >"$scratch/install.log" 2>&1 || {
    echo "FAIL meson install"; tail -5 "$scratch/install.log"; exit 1; }
page=$(find "$scratch/dest" -path '*/share/man/man1/goheapflame.1' | head -1)
[ -n "$page" ] || { echo "FAIL goheapflame.1 not installed in share/man/man1"; exit 1; }
# without font changes (\fB) and with \- as a plain "-"
sed -e 's/\\f[BRIP]//g' -e 's/\\-/-/g' "$page" >"$scratch/page.txt"
for cmd in flame diff render info objects histogram roots path; do
    grep -q "^\.B.* $cmd\b\|^\.B $cmd\b" "$scratch/page.txt" || { echo "FAIL command $cmd not in the man page"; fail=1; }
    # the options are the first column of lines indented by at most 4
    # (deeper lines continue a description, which may quote -ldflags=...)
    for opt in $("$ghf" "$cmd" --help | grep -E '^ {1,4}-' | sed -E 's/^ +//; s/  .*//' |
                 grep -oE -- '(^| |,)--?[a-zA-Z][a-zA-Z-]*' | sed 's/^[ ,]*//' | sort -u); do
        grep -qE -- "(^|[^a-zA-Z-])$opt([^a-zA-Z-]|\$)" "$scratch/page.txt" ||
            { echo "FAIL $cmd: option $opt of --help is not in the man page"; fail=1; }
    done
done
[ $fail = 0 ] && echo "man page: installed, every option documented"
exit $fail
