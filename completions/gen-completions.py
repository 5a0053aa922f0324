#!/usr/bin/env python3
"""Write goheapflame's bash and zsh completion from its own --help.

    gen-completions.py GOHEAPFLAME BASH_OUT ZSH_OUT

Run at build time (completions/meson.build) with the binary just built, so
the completion lists exactly the commands and options --help documents and
cannot drift from them. Parsed from the help text:

- commands: the "Commands:" section of `goheapflame --help`;
- options: each line of `goheapflame CMD --help` that starts with an option
  ("  -o, --output F  ...", "  --icicle, --inverted  ..."), its value's name
  (F, FILE, EXE, PID, N, ... or an enumeration "light|dark"), and any other
  --option the help names in passing ("--no-progress turns it off");
- values: enumerations "a|b|c"; "--format NAME  svg, png ... or json";
  the output extensions are the ".ext" words of -o's description, else the
  formats of --format. --tree's modes are the one list written here.
"""
import re
import subprocess
import sys

FILE_VALUES = {"F", "FILE", "EXE"}
# The one value list the help gives in prose that the parser cannot read.
PROSE_ENUMS = {"--tree": ["dominator", "first-path"]}


def run_help(binary, *args):
    return subprocess.run([binary, *args, "--help"], check=True, capture_output=True, text=True).stdout


def commands(binary):
    text = run_help(binary)
    out, inside = [], False
    for line in text.splitlines():
        if line.startswith("Commands:"):
            inside = True
            continue
        if inside:
            m = re.match(r"^  ([a-z]+)\s+(.*)$", line)
            if not m:
                break
            out.append((m.group(1), m.group(2)))
    if not out:
        sys.exit("gen-completions: no Commands: section in --help")
    return out


def options(binary, cmd):
    """[(names, value, description, choices)] in help order."""
    text = run_help(binary, cmd)
    lines = text.splitlines()
    opts, seen = [], set()
    for i, line in enumerate(lines):
        m = re.match(r"^\s{2,}((?:-[a-zA-Z], )?--[a-z][a-z-]*(?:, --[a-z][a-z-]*)?)(?:[ =]([A-Z]+|[a-z0-9-]+(?:\|[a-z0-9-]+)+))?(?:\s{2,}|\s+(?=\()|\s*$)(.*)$", line)
        if not m:
            continue
        names = [n for n in re.split(r",\s*", m.group(1)) if n]
        value, desc = m.group(2), m.group(3).strip()
        # the description's continuation lines (indented further, not an option)
        j = i + 1
        while j < len(lines) and re.match(r"^\s{6,}[^-\s]", lines[j]):
            desc += " " + lines[j].strip()
            j += 1
        choices = []
        if value and "|" in value:
            choices = value.split("|")
        elif names[-1] == "--format":
            pm = re.search(r"([a-z]+(?:, [a-z]+)* or [a-z]+)", desc)
            choices = re.split(r", | or ", pm.group(1)) if pm else []
        elif names[-1] in PROSE_ENUMS:
            choices = PROSE_ENUMS[names[-1]]
        opts.append((names, value, desc, choices))
        seen.update(names)
    # options named in passing ("--no-progress turns it off"): flags
    for name in sorted(set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", text)) - seen):
        opts.append(([name], None, "", []))
        seen.add(name)
    # -o's extensions, else --format's names
    exts = []
    for names, value, desc, choices in opts:
        if "--output" in names:
            exts = re.findall(r"(?<![\w.])\.([a-z]+(?:\.[a-z]+)?)\b", desc)
    if not exts:
        for names, value, desc, choices in opts:
            if "--format" in names:
                exts = list(choices)
    return opts, list(dict.fromkeys(exts))


def first_sentence(desc):
    d = re.split(r"[;:.(]\s", desc + " ")[0].strip()
    return re.sub(r"[\[\]:'\\`$\"]", "", d)[:70]


def bash_script(cmds, per_cmd):
    cmd_names = " ".join(c for c, _ in cmds)
    out = [
        "# bash completion for goheapflame -*- shell-script -*-",
        "# Generated at build time from goheapflame --help by completions/gen-completions.py: do not edit.",
        "",
        "# Complete file names; with extensions, only files ending in one of them (and directories).",
        "_goheapflame_files()",
        "{",
        "    local f e exts=$1",
        "    compopt -o filenames 2>/dev/null",
        "    while IFS= read -r f; do",
        "        if [[ -z $exts || -d $f ]]; then COMPREPLY+=(\"$f\"); continue; fi",
        "        for e in $exts; do",
        "            if [[ $f == *.$e ]]; then COMPREPLY+=(\"$f\"); break; fi",
        "        done",
        "    done < <(compgen -f -- \"$cur\")",
        "}",
        "",
        "_goheapflame()",
        "{",
        "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}",
        "    local cmd=flame opts",
        "    COMPREPLY=()",
        "    # --opt=value: the shell splits it at '='",
        "    if [[ $cur == = ]]; then cur=; elif [[ $prev == = ]] && (( COMP_CWORD > 2 )); then prev=${COMP_WORDS[COMP_CWORD-2]}; fi",
        "    if (( COMP_CWORD > 1 )); then",
        "        case ${COMP_WORDS[1]} in",
        f"            {'|'.join(c for c, _ in cmds)}) cmd=${{COMP_WORDS[1]}} ;;",
        "        esac",
        "    fi",
        "    if [[ $cmd == help ]]; then",
        f"        (( COMP_CWORD == 2 )) && COMPREPLY=($(compgen -W \"{cmd_names}\" -- \"$cur\"))",
        "        return 0",
        "    fi",
        "    case $cmd in",
    ]
    for cmd, (opts, exts) in per_cmd.items():  # in --help's order, help itself aside
        allnames = " ".join(n for names, *_ in opts for n in names)
        out.append(f"    {cmd})")
        out.append(f"        opts=\"{allnames}\"")
        out.append("        case $prev in")
        for names, value, desc, choices in opts:
            if not value:
                continue
            pat = "|".join(names)
            if choices:
                act = f"COMPREPLY=($(compgen -W \"{' '.join(choices)}\" -- \"$cur\"))"
            elif "--output" in names:
                act = f"_goheapflame_files \"{' '.join(exts)}\""
            elif value in FILE_VALUES:
                act = "_goheapflame_files \"\""
            elif value == "PID":
                act = "COMPREPLY=($(compgen -W \"$(cd /proc && compgen -G '[0-9]*')\" -- \"$cur\"))"
            else:
                act = ":"  # free text or a number
            out.append(f"            {pat}) {act}; return 0 ;;")
        out.append("        esac")
        out.append("        ;;")
    out += [
        "    esac",
        "    if [[ $cur == -* ]]; then",
        "        COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))",
        "        return 0",
        "    fi",
        f"    (( COMP_CWORD == 1 )) && COMPREPLY=($(compgen -W \"{cmd_names}\" -- \"$cur\"))",
        "    # CORE, EXE, IN.folded",
        "    _goheapflame_files \"\"",
        "    return 0",
        "}",
        "complete -F _goheapflame goheapflame",
        "",
    ]
    return "\n".join(out)


def zsh_script(cmds, per_cmd):
    out = [
        "#compdef goheapflame",
        "# zsh completion for goheapflame.",
        "# Generated at build time from goheapflame --help by completions/gen-completions.py: do not edit.",
        "",
        "_goheapflame() {",
        "  local -a cmds",
        "  cmds=(",
    ]
    for cmd, summary in cmds:
        out.append(f"    '{cmd}:{first_sentence(summary)}'")
    out += [
        "  )",
        "  local cmd=flame",
        "  if (( CURRENT > 2 )) && [[ ${words[2]} == (" + "|".join(c for c, _ in cmds) + ") ]]; then",
        "    cmd=${words[2]}",
        "    shift words",
        "    (( CURRENT-- ))",
        "  elif (( CURRENT == 2 )) && [[ ${words[2]} != -* ]]; then",
        "    _describe -t commands 'goheapflame command' cmds",
        "    _files",
        "    return",
        "  fi",
        "  case $cmd in",
        "  help)",
        "    _describe -t commands 'goheapflame command' cmds",
        "    ;;",
    ]
    for cmd, (opts, exts) in per_cmd.items():  # in --help's order, help itself aside
        out.append(f"  {cmd})")
        out.append("    _arguments -s \\")
        for names, value, desc, choices in opts:
            d = first_sentence(desc) or names[-1].lstrip("-")
            excl = "(" + " ".join(names) + ")" if len(names) > 1 else ""
            if value:
                if choices:
                    act = f"({' '.join(choices)})"
                elif "--output" in names:
                    act = "_files -g \"*.(" + "|".join(exts) + ")\"" if exts else "_files"
                elif value in FILE_VALUES:
                    act = "_files"
                elif value == "PID":
                    act = "_pids"
                else:
                    act = " "
                arg = f":{value.lower() if '|' not in value else 'value'}:{act}"
            else:
                arg = ""
            for n in names:
                spec = n + ("=" if value and n.startswith("--") else "")
                out.append(f"      '{excl}{spec}[{d}]{arg}' \\")
        out.append("      '*:file:_files'")
        out.append("    ;;")
    out += [
        "  esac",
        "}",
        "",
        "_goheapflame \"$@\"",
        "",
    ]
    return "\n".join(out)


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: gen-completions.py GOHEAPFLAME BASH_OUT ZSH_OUT")
    binary, bash_out, zsh_out = sys.argv[1:]
    cmds = commands(binary)
    per_cmd = {c: options(binary, c) for c, _ in cmds if c != "help"}
    with open(bash_out, "w") as f:
        f.write(bash_script(cmds, per_cmd))
    with open(zsh_out, "w") as f:
        f.write(zsh_script(cmds, per_cmd))


if __name__ == "__main__":
    main()
