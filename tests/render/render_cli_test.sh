#!/usr/bin/env bash
# render_cli_test.sh GOHEAPFLAME WORKDIR — `goheapflame render` end to end:
# formats, stdin/stdout, exit codes, valid XML for hostile input (checked
# with python3's xml.etree), and no file left behind on failure.
set -u
ghf=$1 work=$2
src=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work"
fail=0
check() { # check DESC CMD...: CMD must succeed
  local d=$1; shift
  if ! "$@"; then echo "FAIL: $d"; fail=1; fi
}
status() { # status WANT DESC CMD...: CMD must exit with WANT
  local want=$1 d=$2; shift 2
  "$@" >/dev/null 2>"$work/err"; local got=$?
  if [ "$got" != "$want" ]; then echo "FAIL: $d: exit $got, want $want ($(cat "$work/err"))"; fail=1; fi
}

check "svg by extension" "$ghf" render "$src/escape.folded" -o "$work/e.svg" --title '<&"'"'"'>'
check "svg is valid XML with the title intact" python3 - "$work/e.svg" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
ns = "{http://www.w3.org/2000/svg}"
title = root.find(f".//{ns}text[@id='title']").text
assert title == "<&\"'>", title
names = [t.text.split("\n")[0] for t in root.iter(ns + "title")]
for want in ("a;b", "c\\d", "<x & \"y\" 'z'>", "caf\u00e9.\u65e5\u672c\u8a9e", "]]>", "<!-- c -->", "&amp;x"):
    assert want in names, (want, names)
bad = [n for n in names if any(ord(c) < 32 for c in n)]
assert not bad, bad
assert "bad\ufffdutf8\ufffdctl\ufffd" in names, names
PY
check "png by extension" "$ghf" render "$src/small.folded" -o "$work/s.png"
check "png signature" bash -c "head -c 8 '$work/s.png' | od -An -tx1 | grep -q '89 50 4e 47 0d 0a 1a 0a'"
check "stdin to stdout" bash -c "cat '$src/small.folded' | '$ghf' render - -o - > '$work/stdout.svg' && grep -q '</svg>' '$work/stdout.svg'"
check "--format png to stdout" bash -c "'$ghf' render '$src/small.folded' --format png -o - | head -c 4 | grep -q PNG"
check "help documents defaults" bash -c "'$ghf' render --help | grep -q -- '--minwidth PX'"
check "options accepted" "$ghf" render "$src/cpu.folded" -o "$work/c.svg" --countname samples --colors package \
  --theme dark --inverted --reverse --sort size --width 800 --height 20 --minwidth 1 --subtitle sub
check "icicle marked" grep -q 'data-orient="icicle"' "$work/c.svg"
status 2 "no output" "$ghf" render "$src/small.folded"
status 2 "bad option" "$ghf" render --bogus "$src/small.folded" -o "$work/x.svg"
status 2 "bad colors" "$ghf" render --colors rainbow "$src/small.folded" -o "$work/x.svg"
status 2 "unknown extension" "$ghf" render "$src/small.folded" -o "$work/x.gif"
status 3 "missing input" "$ghf" render "$work/none.folded" -o "$work/x.svg"
printf 'a;b 1\nbroken line\n' > "$work/bad.folded"
status 3 "malformed input" "$ghf" render "$work/bad.folded" -o "$work/x.svg"
check "error names the line" grep -q 'bad.folded:2:' "$work/err"
# --diff: two folded files, OLD and NEW (issue 14)
check "diff svg" "$ghf" render --diff "$src/diff_old.folded" "$src/diff_new.folded" -o "$work/d.svg"
check "diff tooltip gives old, new and the change" grep -q 'delta: +2,112,000 bytes' "$work/d.svg"
check "diff lists the vanished frames" bash -c "grep -A20 '<g id=\"vanished\">' '$work/d.svg' | grep -q main.gGone"
check "diff svg is valid XML" python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$work/d.svg"
check "diff png" "$ghf" render --diff "$src/diff_old.folded" "$src/diff_new.folded" -o "$work/d.png"
check "a file against itself: nothing red or blue" bash -c "'$ghf' render --diff '$src/small.folded' '$src/small.folded' -o - |
  grep -o 'fill=\"#[0-9a-f]*\"' | sort -u | grep -qx 'fill=\"#d1d1d1\"'"
status 2 "diff needs two inputs" "$ghf" render --diff "$src/diff_old.folded" -o "$work/x.svg"
status 2 "one input without --diff" "$ghf" render "$src/diff_old.folded" "$src/diff_new.folded" -o "$work/x.svg"
status 3 "diff: malformed OLD" "$ghf" render --diff "$work/bad.folded" "$src/diff_new.folded" -o "$work/x.svg"
status 5 "unwritable output" "$ghf" render "$src/small.folded" -o "$work/nodir/x.svg"
check "no file left after failures" bash -c "! ls '$work' | grep -q -e '^x\.' -e '\.tmp\.'"
exit $fail
