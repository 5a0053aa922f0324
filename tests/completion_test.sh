#!/usr/bin/env bash
# Shell completion (completions/): installed by meson install; the bash
# function, sourced and run on COMP_WORDS/COMP_CWORD as bash would, offers
# every option each command's --help names (and only options the command
# accepts), the values of enumerated options, files by extension for -o;
# the zsh file parses, registers itself with compinit and names every option.
# Usage: completion_test.sh GOHEAPFLAME BUILDDIR SCRATCH
set -u
export LC_ALL=C
ghf=$(realpath "$1") build=$2 scratch=$3
rm -rf "$scratch" && mkdir -p "$scratch"
fail=0 pass=0
ok() { pass=$((pass+1)); }
bad() { echo "FAIL $*"; fail=$((fail+1)); }

meson install -C "$build" --destdir "$scratch/dest" --no-rebuild >"$scratch/install.log" 2>&1 || {
    echo "FAIL meson install"; tail -5 "$scratch/install.log"; exit 1; }
bashc=$(find "$scratch/dest" -path '*/share/bash-completion/completions/goheapflame' | head -1)
zshc=$(find "$scratch/dest" -path '*/share/zsh/vendor-completions/_goheapflame' | head -1)
[ -n "$bashc" ] && ok || { echo "FAIL bash completion not installed in share/bash-completion/completions"; exit 1; }
[ -n "$zshc" ] && ok || { echo "FAIL zsh completion not installed in share/zsh/vendor-completions"; exit 1; }

# shellcheck disable=SC1090
source "$bashc"
complete -p goheapflame >/dev/null 2>&1 && ok || bad "the bash file does not register 'complete -F ... goheapflame'"

# complete WORD... : the reply for the last word, sorted, one line
complete_words() {
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    COMPREPLY=()
    _goheapflame
    printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}
# expect NAME "WANTED REPLY" WORD...
expect() {
    local name=$1 want=$2 got; shift 2
    got=$(complete_words "$@")
    [ "$got" = "$want" ] && ok || bad "$name: '$*' completes to '$got', want '$want'"
}
# has NAME WORD-WANTED WORD... : the reply contains one word
has() {
    local name=$1 want=$2 got; shift 2
    got=" $(complete_words "$@") "
    [[ $got == *" $want "* ]] && ok || bad "$name: '$*' completes to '$got', lacks '$want'"
}

# Every long option of every command's --help is offered after '--', and
# every offered option is one the command accepts.
cmds=$("$ghf" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR > 1 && NF {print $1}')
[ -n "$cmds" ] && ok || bad "no commands in --help"
for cmd in $cmds; do
    [ "$cmd" = help ] && continue
    offered=" $(complete_words goheapflame "$cmd" --) "
    for opt in $("$ghf" "$cmd" --help | grep -oE -- '(^|[ ,(])--[a-z][a-z-]*' | sed 's/^[ ,(]*//' | sort -u); do
        [[ $offered == *" $opt "* ]] && ok || bad "$cmd: option $opt of --help is not completed"
    done
    for opt in $offered; do
        "$ghf" "$cmd" "$opt" </dev/null >/dev/null 2>"$scratch/err"
        grep -q "unknown option" "$scratch/err" && bad "$cmd: completes $opt, which it refuses: $(cat "$scratch/err")" || ok
    done
done

# Values, commands, files.
cd "$scratch" && mkdir -p files/sub && cd files || exit 1
touch a.svg a.png b.core b.folded r.pb.gz
has commands diff goheapflame ''
has commands-roots roots goheapflame ''
expect command-prefix "histogram" goheapflame hi
has first-word-files b.core goheapflame ''
expect help-command "render roots" goheapflame help r
expect flame-opt-prefix "--theme --title --tree" goheapflame --t
expect render-opt "--theme --title" goheapflame render --t
expect theme "dark light" goheapflame --theme ''
expect tree "dominator first-path" goheapflame flame --tree ''
expect format-eq "folded json png pprof stap svg" goheapflame flame --format =
expect format-eq-prefix "png pprof" goheapflame flame --format = p
expect render-format "png svg" goheapflame render -f ''
expect diff-format "folded json png svg" goheapflame diff --format ''
expect flame-output "a.png a.svg b.folded r.pb.gz sub" goheapflame -o ''
expect render-output "a.png a.svg sub" goheapflame render --output ''
expect diff-no-pivot "" goheapflame diff --piv
expect info-json "--json" goheapflame info --js
expect info-args "a.png a.svg b.core b.folded r.pb.gz sub" goheapflame info ''
expect exe-file "b.core b.folded" goheapflame b.core b
expect free-text "" goheapflame --title ''
has pid "$$" goheapflame --pid ''

# zsh: the file parses and compinit registers it for goheapflame; each
# command's block names every long option of its --help.
if ! command -v zsh >/dev/null; then
    bad "zsh is not installed (scripts/install-deps.sh installs it)"
else
    zsh -n "$zshc" && ok || bad "zsh -n $zshc"
    got=$(zsh -f -c "fpath=(${zshc%/*} \$fpath); autoload -Uz compinit; compinit -u -d $scratch/zcompdump; print -r -- \$_comps[goheapflame]" 2>&1)
    [ "$got" = _goheapflame ] && ok || bad "zsh compinit does not register _goheapflame for goheapflame: '$got'"
    for cmd in $cmds; do
        [ "$cmd" = help ] && continue
        block=$(sed -n "/^  $cmd)\$/,/^    ;;\$/p" "$zshc")
        [ -n "$block" ] || { bad "zsh: no block for $cmd"; continue; }
        for opt in $("$ghf" "$cmd" --help | grep -oE -- '(^|[ ,(])--[a-z][a-z-]*' | sed 's/^[ ,(]*//' | sort -u); do
            grep -qE -- "[')]$opt[=[]" <<<"$block" && ok || bad "zsh $cmd: option $opt of --help is not completed"
        done
    done
fi
echo "$pass passed, $fail failed"
[ $fail = 0 ]
