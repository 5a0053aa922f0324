#!/usr/bin/env bash
# Command-line contract: --help, --version, usage errors and their exit codes.
set -u
bin=$1
fail=0; pass=0
check() { # check NAME EXPECTED_RC CMD...
  local name=$1 want=$2; shift 2
  "$@" >/tmp/ghf_cli_out.$$ 2>/tmp/ghf_cli_err.$$
  local rc=$?
  if [ "$rc" = "$want" ]; then pass=$((pass+1)); else
    echo "FAIL $name: exit $rc, want $want"; cat /tmp/ghf_cli_err.$$; fail=$((fail+1)); fi
}
check help 0 "$bin" --help
grep -q 'Exit status' /tmp/ghf_cli_out.$$ || { echo "FAIL help lacks exit codes"; fail=$((fail+1)); }
check version 0 "$bin" --version
grep -Eq '^goheapflame [0-9]+\.[0-9]+\.[0-9]+$' /tmp/ghf_cli_out.$$ || { echo "FAIL version format"; fail=$((fail+1)); }
check no-args 2 "$bin"
check unknown 2 "$bin" frobnicate
grep -q "^goheapflame: unknown command or missing file 'frobnicate'" /tmp/ghf_cli_err.$$ || { echo "FAIL unknown msg"; fail=$((fail+1)); }
# diff (issue 14): usage errors before any core is read
check diff-help 0 "$bin" diff --help
grep -q -- '--old-exe EXE' /tmp/ghf_cli_out.$$ && grep -q -- '--top N' /tmp/ghf_cli_out.$$ ||
  { echo "FAIL diff help lacks --old-exe/--top"; fail=$((fail+1)); }
"$bin" --help | grep -q '^  diff ' || { echo "FAIL main help lacks diff"; fail=$((fail+1)); }
check diff-two-args 2 "$bin" diff a.core b.core -o x.svg
grep -q 'diff needs OLD.core NEW.core EXE' /tmp/ghf_cli_err.$$ || { echo "FAIL diff args msg"; fail=$((fail+1)); }
check diff-no-output 2 "$bin" diff a.core b.core exe
check diff-pprof 2 "$bin" diff a.core b.core exe -o x.pb.gz
check diff-bad-top 2 "$bin" diff --top lots a.core b.core exe -o x.svg
check diff-no-pid 2 "$bin" diff --pid 1 a.core b.core exe -o x.svg
check flame-no-old-exe 2 "$bin" flame --old-exe x a.core exe -o x.svg
check diff-missing-core 3 "$bin" diff /nonexistent/old.core /nonexistent/new.core /nonexistent/exe -o /tmp/ghf_cli_x.$$.svg
[ ! -e /tmp/ghf_cli_x.$$.svg ] || { echo "FAIL diff left an output"; fail=$((fail+1)); }
# --min-bytes takes size suffixes (issue 17): a bad one is a usage error naming
# the option; a good one gets past option parsing (to the next problem: this
# "core" is not a core, exit 3).
check min-bytes-bad-suffix 2 "$bin" "$bin" "$bin" --min-bytes 10XB -o /tmp/ghf_cli_x.$$.svg
grep -q "invalid value '10XB' for --min-bytes" /tmp/ghf_cli_err.$$ || { echo "FAIL min-bytes message"; fail=$((fail+1)); }
for v in 10MiB 512K 1MB 4096 2GiB; do
  check "min-bytes-$v" 3 "$bin" "$bin" "$bin" --min-bytes "$v" -o /tmp/ghf_cli_x.$$.svg
done
# help subcommand and "did you mean" for misspelt commands and options
want_err() { # want_err NAME REGEX: the last check's stderr matches
  if grep -qE "$2" /tmp/ghf_cli_err.$$; then pass=$((pass+1)); else
    echo "FAIL $1: stderr lacks /$2/:"; cat /tmp/ghf_cli_err.$$; fail=$((fail+1)); fi
}
check help-cmd 0 "$bin" help
grep -q '^Commands:' /tmp/ghf_cli_out.$$ || { echo "FAIL help-cmd prints no overview"; fail=$((fail+1)); }
check help-flame 0 "$bin" help flame
"$bin" flame --help | cmp -s - /tmp/ghf_cli_out.$$ || { echo "FAIL help flame differs from flame --help"; fail=$((fail+1)); }
check help-render 0 "$bin" help render
"$bin" render --help | cmp -s - /tmp/ghf_cli_out.$$ || { echo "FAIL help render differs from render --help"; fail=$((fail+1)); }
check help-help 0 "$bin" help --help
grep -q '^Commands:' /tmp/ghf_cli_out.$$ || { echo "FAIL help --help prints no overview"; fail=$((fail+1)); }
check help-misspelt 2 "$bin" help histogrm
want_err help-misspelt "unknown command 'histogrm'; did you mean 'histogram'\?"
check help-two 2 "$bin" help flame diff
check cmd-misspelt 2 "$bin" flme
want_err cmd-misspelt "^goheapflame: unknown command or missing file 'flme'; did you mean 'flame'\?"
check cmd-far 2 "$bin" frobnicate
if grep -q "did you mean" /tmp/ghf_cli_err.$$; then echo "FAIL cmd-far: a suggestion for a word like no command"; fail=$((fail+1)); else pass=$((pass+1)); fi
check opt-misspelt 2 "$bin" --minwdth 3 a.core exe -o /tmp/ghf_cli_x.$$.svg
want_err opt-misspelt "unknown option '--minwdth'; did you mean '--minwidth'\?"
check opt-misspelt-value 2 "$bin" info --jsn=1 a.core exe
want_err opt-misspelt-value "unknown option '--jsn=1'; did you mean '--json'\?"
check render-opt-misspelt 2 "$bin" render --min-width 3 x.folded
want_err render-opt-misspelt "render: unknown option '--min-width'; did you mean '--minwidth'\?"
check diff-opt-misspelt 2 "$bin" diff --odl-exe x a.core b.core exe -o /tmp/ghf_cli_x.$$.svg
want_err diff-opt-misspelt "did you mean '--old-exe'\?"
# diff takes no --pivot (frames are matched by root path): not in its help,
# and refused naming the option, not its value
"$bin" diff --help | grep -q -- '--pivot' && { echo "FAIL diff --help lists --pivot"; fail=$((fail+1)); }
"$bin" flame --help | grep -q -- '--pivot REGEX' || { echo "FAIL flame --help lacks --pivot"; fail=$((fail+1)); }
check diff-no-pivot 2 "$bin" diff --pivot main.T a.core b.core exe -o /tmp/ghf_cli_x.$$.svg
want_err diff-no-pivot "diff: unknown option '--pivot'"
check flame-no-top 2 "$bin" flame --top 3 a.core exe -o /tmp/ghf_cli_x.$$.svg
want_err flame-no-top "flame: unknown option '--top'"
rm -f /tmp/ghf_cli_out.$$ /tmp/ghf_cli_err.$$
echo "$pass passed, $fail failed"
[ $fail = 0 ]
