#!/usr/bin/env python3
"""chromium_big_test.py GOHEAPFLAME WORKDIR — issue 17: an SVG of 200,000
rectangles (made with `render`) loads in headless Chromium within 3 s (best of
3 tries) and a
search answers within 0.5 s, with the right matched weight, and zooming
still draws every frame of the zoomed tower.

10,000 towers of 20 frames, 100 bytes each: at the default width every
frame is 0.118 px wide, over the layout's 0.1 px minimum, so all 200,001
rectangles are laid out (--max-rects lifted above them)."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chromium_test import Browser, find_chromium, open_page  # noqa: E402

TOWERS, DEPTH, WEIGHT = 10000, 20, 100
LOAD_S, SEARCH_S = 3.0, 0.5


def main():
    exe_ghf, work = sys.argv[1], sys.argv[2]
    chromium = find_chromium()
    if chromium is None:
        return 1
    os.makedirs(work, exist_ok=True)
    folded = os.path.join(work, "big.folded")
    svg = os.path.join(work, "big.svg")
    with open(folded, "w") as f:
        for i in range(TOWERS):
            f.write(";".join(f"pkg{i % 7}.F{i}_{d}" for d in range(DEPTH)) + f" {WEIGHT}\n")
    subprocess.run([exe_ghf, "render", folded, "-o", svg, "--max-rects", "250000"], check=True)
    text = open(svg, encoding="utf-8").read()
    m = re.search(r'<script type="application/json" id="ghf-data"><!\[CDATA\[(.*?)\]\]>', text, re.S)
    failures = []
    if m is None:
        failures.append("no frame data block (#ghf-data) in the SVG")
        data = {"x": [None] * text.count('<g class="f'), "t": []}
    else:
        data = json.loads(m.group(1))
    nrects = len(data["x"])
    if nrects != TOWERS * DEPTH + 1:
        failures.append(f"{nrects} rectangles in the SVG, want {TOWERS * DEPTH + 1}")

    profile = tempfile.mkdtemp(prefix="ghf-chromium-big-")
    b = Browser(chromium, profile)
    try:
        sid = open_page(b, ("Page.enable", "Runtime.enable"))

        def ev(expr, timeout=120):
            r = b.send("Runtime.evaluate", {"expression": expr, "returnByValue": True, "awaitPromise": True},
                       session=sid, timeout=timeout)
            if "exceptionDetails" in r:
                raise RuntimeError(f"evaluate {expr[:80]!r}: {r['exceptionDetails']}")
            return r["result"].get("value")

        # Until the first frame is painted after the load event.
        paint = "new Promise(r=>requestAnimationFrame(()=>setTimeout(()=>r(1),0)))"
        # Best of up to 3 loads, as bench/ does: a wall-clock limit on a
        # loaded 2-core machine (the suite runs beside other tests) must
        # not fail on one slow try; a slow script is slow every time.
        loads = []
        for _ in range(3):
            t0 = time.time()
            b.send("Page.navigate", {"url": "file://" + svg}, session=sid, timeout=120)
            b.wait_event("Page.loadEventFired", timeout=120)
            ev(paint)
            loads.append(time.time() - t0)
            if loads[-1] <= LOAD_S:
                break
        load = min(loads)
        if load > LOAD_S:
            failures.append(f"load took {', '.join(f'{t:.2f}' for t in loads)} s, want <= {LOAD_S} s")
        st = ev("""({n: window.ghf.frames(), drawn: document.querySelectorAll('#frames > g.f').length,
                     note: document.getElementById('narrow').textContent})""")
        if st["n"] != nrects:
            failures.append(f"script sees {st['n']} frames, want {nrects}")
        if not 0 < st["drawn"] <= 4000 or "not drawn" not in st["note"]:
            failures.append(f"drawn {st['drawn']} frames with note {st['note']!r}: want a bounded drawing that says so")

        # F1234_ names the 20 frames of one tower: nested, so 100 bytes.
        timing = ev("""(function(){var t=performance.now();window.ghf.search('F1234_');
            return new Promise(r=>requestAnimationFrame(()=>setTimeout(()=>r({ms: performance.now()-t,
            matched: document.getElementById('matched').getAttribute('data-matched')}),0)));})()""")
        if timing["ms"] > SEARCH_S * 1000:
            failures.append(f"search took {timing['ms']:.0f} ms, want <= {SEARCH_S * 1000:.0f} ms")
        if timing["matched"] != str(WEIGHT):
            failures.append(f"search matched {timing['matched']}, want {WEIGHT}")
        # ... and pkg3 matches every frame of the towers i % 7 == 3.
        t3 = ev("""(function(){var t=performance.now();window.ghf.search('^pkg3\\\\.');
            return new Promise(r=>requestAnimationFrame(()=>setTimeout(()=>r({ms: performance.now()-t,
            matched: document.getElementById('matched').getAttribute('data-matched')}),0)));})()""")
        want3 = sum(1 for i in range(TOWERS) if i % 7 == 3) * WEIGHT
        if t3["ms"] > SEARCH_S * 1000 or t3["matched"] != str(want3):
            failures.append(f"search ^pkg3\\. took {t3['ms']:.0f} ms, matched {t3['matched']}: want <= "
                            f"{SEARCH_S * 1000:.0f} ms and {want3}")
        # Zoom on one tower's base: all 20 of its frames drawn, full width.
        base = data["t"].index(f"pkg{1234 % 7}.F1234_0")
        z = ev("""(function(){window.ghf.zoom(%d, %d, %d);
            var gs=[...document.querySelectorAll('#frames > g.f')];
            return {tower: gs.filter(g=>/^pkg\\d\\.F1234_/.test(g.querySelector('title').textContent)).length,
                    widths: gs.filter(g=>/^pkg\\d\\.F1234_/.test(g.querySelector('title').textContent))
                              .map(g=>g.querySelector('rect').getAttribute('width'))};})()""" % (data["x"][base], data["d"][base],
                                                                                    data["w"][base]))
        fw = "1180.00"
        if z["tower"] != DEPTH or any(w != fw for w in z["widths"]):
            failures.append(f"zoom on tower 1234 draws {z['tower']} of its {DEPTH} frames, widths {set(z['widths'])}")
        print(f"load {load:.2f} s; search {timing['ms']:.0f} ms and {t3['ms']:.0f} ms; {st['drawn']} of "
              f"{nrects} frames drawn in the first view")
    except Exception as e:
        failures.append(f"test stopped: {type(e).__name__}: {str(e)[-300:]}")
    finally:
        b.close()
        shutil.rmtree(profile, ignore_errors=True)
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
