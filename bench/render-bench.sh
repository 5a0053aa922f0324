#!/usr/bin/env bash
# render-bench.sh [GOHEAPFLAME] [LINES] — time `goheapflame render` on a
# deterministic folded file (default 1,000,000 lines) to SVG and report wall
# and CPU time and peak RSS from /usr/bin/time -v. Targets: <= 300 MiB and
# <= 2 s (dfs), <= 1 s (deep).
# The input is generated once into $BENCH_DIR (default build/bench) by a
# seeded generator, so every run and machine draws the same graph.
# BENCH_SHAPE=dfs (default): lines in depth-first order, each adding about
#   one frame to the previous line's prefix, like goheapflame's own folded
#   output (one line per frame with shallow bytes): ~1.2 M tree nodes.
# BENCH_SHAPE=random: 1-5 new random frames per line: ~3 M nodes, a stress case.
# BENCH_SHAPE=deep: heap stacks 20-40 frames deep (long module paths, generic
#   and map/slice type names, field paths), each line replacing the last 1-6
#   frames of the previous one: 1 M lines ~ 290 MB.
set -euo pipefail
ghf=${1:-build/goheapflame}
lines=${2:-1000000}
dir=${BENCH_DIR:-build/bench}
mkdir -p "$dir"
shape=${BENCH_SHAPE:-dfs}
in="$dir/bench-$shape-$lines.folded"
if [ ! -s "$in" ]; then
  python3 - "$in" "$lines" "$shape" <<'PY'
import random, sys
path, n, shape = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rng = random.Random(20240601)
pkgs = ["main", "net/http", "encoding/json", "github.com/acme/store", "sync", "runtime", "bufio",
        "github.com/acme/cache/internal/lru", "crypto/tls", "context", "os", "database/sql"]
types = ["Request", "Response", "Conn", "Entry", "Node", "Buffer", "Header", "Pool", "Item",
         "Session", "Client", "Server", "Record", "Tx", "Row", "Table", "Index", "Page"]
def frame():
    r = rng.random()
    if r < 0.1: return "[]uint8"
    if r < 0.15: return "string"
    if r < 0.22: return "map[string]*" + rng.choice(pkgs) + "." + rng.choice(types)
    if r < 0.3: return "[]*" + rng.choice(pkgs) + "." + rng.choice(types)
    return rng.choice(pkgs) + "." + rng.choice(types) + str(rng.randrange(40))
roots = ["globals;main.registry%d" % i for i in range(50)] + ["stack;goroutine %d" % i for i in range(200)]
def deep_frame():
    r = rng.random()
    if r < 0.50: return rng.choice(["[]uint8", "string", "*int64", "[]string", "main.T", "any", "main.Node", "[]int"])
    if r < 0.75: return "main." + rng.choice(types)
    if r < 0.83: return rng.choice(pkgs[:7]) + "." + rng.choice(types)
    if r < 0.88: return "[]*" + rng.choice(pkgs[:3]) + "." + rng.choice(types)
    if r < 0.93: return "%s.%s .%s" % (rng.choice(pkgs), rng.choice(types), rng.choice(types).lower())
    if r < 0.97: return "map.group[string]%s.%s" % (rng.choice(pkgs), rng.choice(types))
    return "%s.%s[%s.%s]" % (rng.choice(pkgs), rng.choice(types), rng.choice(pkgs), rng.choice(types))
if shape == "deep":
    with open(path, "w") as f:
        stack = [rng.choice(roots)]
        for _ in range(n):
            if rng.random() < 0.01:
                stack = [rng.choice(roots)]
            else:
                del stack[max(1, len(stack) - rng.randrange(1, 7)):]
            depth = 20 + int(21 * rng.random() ** 2)  # 20-40, most near 20
            while len(stack) < depth:
                stack.append(deep_frame())
            f.write(";".join(stack) + " " + str(rng.choice([8, 16, 24, 32, 48, 64, 128, 512, 4096])) + "\n")
    sys.exit(0)
with open(path, "w") as f:
    stack = [rng.choice(roots)]
    for _ in range(n):
        # Walk like a depth-first heap dump: mostly share a prefix with the
        # previous line, sometimes start over at a new root.
        if rng.random() < 0.02:
            stack = [rng.choice(roots)]
        elif shape == "random":
            del stack[rng.randrange(1, len(stack) + 1):]
        else:  # depth-first: usually a sibling or a child of the last frame
            del stack[max(1, len(stack) - rng.choice([0, 1, 1, 1, 2, 3])):]
        grow = rng.randrange(1, 6) if shape == "random" else (2 if rng.random() < 0.2 else 1)
        for _ in range(grow):
            if len(stack) < 40:
                stack.append(frame())
        f.write(";".join(stack) + " " + str(rng.choice([8, 16, 24, 32, 48, 64, 128, 512, 4096])) + "\n")
PY
fi
# BENCH_GENERATE_ONLY=1: make the input, print its path, stop (tests use it).
if [ "${BENCH_GENERATE_ONLY:-0}" = 1 ]; then echo "$in"; exit 0; fi
echo "input: $in ($(wc -l < "$in") lines, $(du -h "$in" | cut -f1))"
out="$dir/bench-$shape-$lines.svg"
/usr/bin/time -v "$ghf" render "$in" -o "$out" 2> "$dir/time.txt"
wall=$(grep 'Elapsed (wall clock)' "$dir/time.txt" | awk '{print $NF}')
rss=$(grep 'Maximum resident set size' "$dir/time.txt" | awk '{print $NF}')
user=$(grep 'User time' "$dir/time.txt" | awk '{print $NF}')
sys=$(grep 'System time' "$dir/time.txt" | awk '{print $NF}')
echo "svg:   $out ($(du -h "$out" | cut -f1), $(grep -c '<g class="f"' "$out") frames)"
target=2; [ "$shape" = deep ] && target=1 # issue 9 (dfs), issue 18 (deep)
echo "wall:  $wall (target <= $target s); CPU: user $user s + system $sys s"
echo "load:  $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs (wall time suffers on a busy machine)"
echo "peak RSS: $((rss / 1024)) MiB (target <= 300 MiB)"
