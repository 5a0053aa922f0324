#!/usr/bin/env python3
"""bench/pagecost.py — what this machine charges for fresh memory.

goheapflame's big arrays are fresh anonymous memory: the kernel zeroes each
page on first touch. On bare metal that runs near memory speed (a tenth of
a second per GB or less); on some virtual machines the host backs guest
memory lazily and takes freed memory back within a second, and the first
touch then costs ten times more (bench/README "Round six"). A 10 M-object run
touches about a gigabyte, so this figure is a floor under run.sh's times on
the machine at hand.

Prints seconds per GB for the first touch of fresh memory with 2 MiB pages
(what goheapflame asks for, MADV_HUGEPAGE) and with 4 KiB pages, and for a
second touch of the same pages (the loop's own cost). Every mapping is held
until the end, so no round reuses pages another one freed.

    bench/pagecost.py [MiB per mapping]     (default 256; best of 3 rounds)
"""
import mmap
import sys
import time


def touch(m, size):
    t0 = time.perf_counter()
    for off in range(0, size, 4096):
        m[off] = 1
    return time.perf_counter() - t0


def main():
    size = (int(sys.argv[1]) if len(sys.argv) > 1 else 256) << 20
    gb = size / 1e9
    held = []
    best = {"2 MiB": [], "4 KiB": [], "again": []}
    for _ in range(3):
        for kind in ("2 MiB", "4 KiB"):
            m = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
            if kind == "2 MiB" and hasattr(mmap, "MADV_HUGEPAGE"):
                m.madvise(mmap.MADV_HUGEPAGE)
            best[kind].append(touch(m, size) / gb)
            if kind == "4 KiB":
                best["again"].append(touch(m, size) / gb)
            held.append(m)
    print("fresh memory, first touch: 2 MiB pages %.2f s/GB, 4 KiB pages %.2f s/GB; touched again %.3f s/GB"
          % (min(best["2 MiB"]), min(best["4 KiB"]), min(best["again"])))
    for m in held:
        m.close()


if __name__ == "__main__":
    main()
